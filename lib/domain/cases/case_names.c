/* Names of the case enums, the lowest tier each risk grade allows and the
 * built-in deadlines: the small fixed tables of the case module. */
#include <commpolice/case.h>

#include "domain/cases/case_tables.h"

#define MINUTE_MS (60LL * 1000)
#define HOUR_MS (60 * MINUTE_MS)
#define DAY_MS (24 * HOUR_MS)

/* Look a value up in a NULL-padded table of names. */
#define NAME_OF(table, v) \
    ((v) >= 1 && (size_t)(v) < sizeof(table) / sizeof(table)[0] && (table)[v] ? (table)[v] : "unknown")

const char *cpol_case_source_name(int source)
{
    static const char *const names[] = {NULL, "property surveillance alert", "volunteer patrol finding",
                                        "informant tip", "resident complaint", "grid-worker report",
                                        "110 dispatch"};
    return NAME_OF(names, source);
}

const char *cpol_case_category_name(int category)
{
    static const char *const names[] = {NULL,          "neighbour dispute",   "family or marriage dispute",
                                        "property-management dispute", "commercial dispute",
                                        "safety hazard", "theft or fraud lead", "public order",
                                        "non-police matter"};
    return NAME_OF(names, category);
}

const char *cpol_case_category_code(int category)
{
    static const char *const codes[] = {NULL,     "neighbour",   "family",       "property",  "commercial",
                                        "hazard", "theft-fraud", "public-order", "non-police"};
    return NAME_OF(codes, category);
}

const char *cpol_case_state_name(int state)
{
    static const char *const names[] = {NULL,       "reported", "verified", "assessed",    "assigned", "handling",
                                        "referred", "resolved", "fed back", "followed up", "closed",   "rejected"};
    return NAME_OF(names, state);
}

const char *cpol_risk_grade_name(int grade)
{
    static const char *const names[] = {NULL, "general", "attention", "high"};
    return NAME_OF(names, grade);
}

const char *cpol_case_tier_name(int tier)
{
    static const char *const names[] = {NULL, "on the spot", "team", "community officer", "station leadership"};
    return NAME_OF(names, tier);
}

const char *cpol_case_outcome_name(int outcome)
{
    static const char *const names[] = {NULL, "mediated agreement", "hazard rectified",
                                        "handed to case investigation", "unresolved", "handled by the department"};
    return NAME_OF(names, outcome);
}

const char *cpol_case_step_name(int step)
{
    static const char *const names[] = {NULL,       "report",     "verify",    "reject",         "assess",
                                        "assign",   "escalate",   "deescalate", "arrive",        "resolve",
                                        "refer",    "referral reply", "feedback", "follow-up",   "close",
                                        "reopen",   "spot-check confirm", "spot-check reopen"};
    return NAME_OF(names, step);
}

const char *cpol_case_stage_name(int stage)
{
    static const char *const names[] = {NULL, "screening", "arrival", "resolution", "follow-up", "referral reply"};
    return NAME_OF(names, stage);
}

int cpol_risk_grade_min_tier(int grade)
{
    switch (grade) {
    case CPOL_RISK_GENERAL: return CPOL_TIER_ON_THE_SPOT;
    case CPOL_RISK_ATTENTION: return CPOL_TIER_OFFICER;
    case CPOL_RISK_HIGH: return CPOL_TIER_LEADERSHIP;
    default: return 0;
    }
}

int64_t cpol_case_deadline_default(int grade, int stage)
{
    /* rows: grade; columns: screening, arrival, resolution, follow-up */
    static const int64_t limits[4][4] = {
        {0, 0, 0, 0},
        {24 * HOUR_MS, 24 * HOUR_MS, 7 * DAY_MS, 7 * DAY_MS},     /* general */
        {2 * HOUR_MS, 1 * HOUR_MS, 3 * DAY_MS, 3 * DAY_MS},       /* attention */
        {30 * MINUTE_MS, 15 * MINUTE_MS, 1 * DAY_MS, 1 * DAY_MS}, /* high */
    };
    if (!cpol__case_valid_grade(grade) || stage < CPOL_STAGE_SCREENING || stage > CPOL_STAGE_FOLLOWUP)
        return 0;
    return limits[grade][stage - 1];
}

int cpol__case_valid_grade(int grade)
{
    return grade >= CPOL_RISK_GENERAL && grade <= CPOL_RISK_HIGH;
}

int cpol__case_valid_tier(int tier)
{
    return tier >= CPOL_TIER_ON_THE_SPOT && tier <= CPOL_TIER_LEADERSHIP;
}

/* 化解: the matter was disposed of; only "unresolved" counts as a failure. */
int cpol__case_outcome_success(int outcome)
{
    return outcome >= CPOL_OUTCOME_MEDIATED && outcome <= CPOL_OUTCOME_DEPARTMENT && outcome != CPOL_OUTCOME_UNRESOLVED;
}
