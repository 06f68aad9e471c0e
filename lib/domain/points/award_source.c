/* What an award's source must name (insider rule: nobody awards points for
 * nothing). Each earning kind names one kind of row, done by the person
 * who earns, at their station; anything else — an unknown id, a row of
 * another kind, someone else's row, a row not yet verified — is refused
 * with the same message for that kind, so the check is no oracle for rows
 * the awarder may not read. The tables are read here, never written. */
#include "domain/points/ledger_internal.h"
#include "domain/activity/activity_tables.h"
#include "domain/cases/case_tables.h"
#include "domain/training/training_tables.h"

static int patrol_done(const cpol_record *r)
{
    return cpol__record_int(r, SIGNUP_KIND) == CPOL_SHIFT_PATROL &&
           cpol__record_int(r, SIGNUP_STATUS) == CPOL_SIGNUP_COMPLETED;
}

static int publicity_done(const cpol_record *r)
{
    return cpol__record_int(r, SIGNUP_KIND) == CPOL_SHIFT_PUBLICITY &&
           cpol__record_int(r, SIGNUP_STATUS) == CPOL_SIGNUP_COMPLETED;
}

static int attended(const cpol_record *r)
{
    return cpol__record_int(r, ATTEND_PRESENT) != 0;
}

static int lead_verified(const cpol_record *r)
{
    int64_t state = cpol__record_int(r, CASE_STATE);
    return state != CPOL_CASE_REPORTED && state != CPOL_CASE_REJECTED;
}

static int mediated(const cpol_record *r)
{
    return cpol__record_int(r, CASE_OUTCOME) == CPOL_OUTCOME_MEDIATED;
}

static int hazard_rectified(const cpol_record *r)
{
    return cpol__record_int(r, CASE_CATEGORY) == CPOL_CASE_HAZARD &&
           cpol__record_int(r, CASE_OUTCOME) == CPOL_OUTCOME_RECTIFIED;
}

typedef struct source_rule {
    const cpol_table *table;
    unsigned int station_col, person_col; /* the person who earns */
    int (*fits)(const cpol_record *row);
    const char *expected;
} source_rule;

static const source_rule *rule_for(int kind)
{
    static const source_rule rules[] = {
        [CPOL_EARN_PATROL] = {&cpol__table_signup, SIGNUP_STATION, SIGNUP_PERSON, patrol_done,
                              "a completed patrol sign-up of that person"},
        [CPOL_EARN_PUBLICITY] = {&cpol__table_signup, SIGNUP_STATION, SIGNUP_PERSON, publicity_done,
                                 "a completed publicity sign-up of that person"},
        [CPOL_EARN_CASE_LEAD] = {&cpol__table_case, CASE_STATION, CASE_REPORTER, lead_verified,
                                 "a verified case that person reported"},
        [CPOL_EARN_TRAINING] = {&cpol__table_attendance, ATTEND_STATION, ATTEND_PERSON, attended,
                                "that person's attendance (present) at a training session"},
        [CPOL_EARN_MEDIATION] = {&cpol__table_case, CASE_STATION, CASE_HANDLER, mediated,
                                 "a case that person handled to a mediated agreement"},
        [CPOL_EARN_HAZARD] = {&cpol__table_case, CASE_STATION, CASE_REPORTER, hazard_rectified,
                              "a hazard case that person reported, rectified"},
    };
    return kind >= CPOL_EARN_PATROL && kind <= CPOL_EARN_HAZARD ? &rules[kind] : NULL;
}

static int same_id(const cpol_record *r, unsigned int col, const cpol_id *want)
{
    cpol_id have;
    return cpol__record_get_id(r, col, &have) && cpol_id_compare(&have, want) == 0;
}

int cpol__award_source_check(cpol_ctx *ctx, int earning_kind, const cpol_id *source, const cpol_id *person,
                             const cpol_id *station)
{
    const source_rule *rule = rule_for(earning_kind);
    cpol_record *row = NULL;
    int ok, rc;
    if (!rule)
        return cpol__error(CPOL_EINVALID, "%d is not an earning kind", earning_kind);
    rc = cpol__load(ctx, rule->table, source, "source", &row);
    if (rc < 0 && rc != CPOL_ENOTFOUND)
        return rc;
    ok = rc >= 0 && same_id(row, rule->station_col, station) && same_id(row, rule->person_col, person) &&
         rule->fits(row);
    cpol__record_free(row);
    if (!ok)
        return cpol__error(CPOL_ERULE, "the source of a %s award must be %s at their station",
                           cpol_earning_kind_name(earning_kind), rule->expected);
    return CPOL_OK;
}
