/* Checking a team against its composition template ("1+1+N", "1+N",
 * "1+10+N"): count the active roster by team role and the sub-teams, then
 * name the first rule the counts break. */
#include <stdio.h>

#include <commpolice/team.h>

#include "util/alloc.h"
#include "domain/base/domain.h"
#include "domain/base/reader.h"
#include "domain/teams/team_tables.h"

struct cpol_team_report {
    int composition;
    int officers, auxiliaries, members, unit_contacts, subteams;
    int ok;
    char message[160];
};

/* Count the active roster as `reader` can list it: members hidden from the
 * reader are not counted, so the numbers never betray them. */
static int tally_roster(cpol_ctx *ctx, cpol__reader *reader, const cpol_id *team, cpol_team_report *r)
{
    cpol_cursor *c = NULL;
    cpol_record *m = NULL;
    cpol_id person;
    int hidden, rc = cpol__record_new(&cpol__table_membership, &m);
    if (rc >= 0)
        rc = cpol__roster_cursor(ctx, team, 0, &c);
    while (rc >= 0 && (rc = cpol__cursor_next(c, m)) == CPOL_OK) {
        cpol__record_get_id(m, MEMBER_PERSON, &person);
        rc = cpol__reader_hides(ctx->store, reader, &person, &hidden);
        if (rc < 0)
            break;
        if (hidden)
            continue;
        switch ((int)cpol__record_int(m, MEMBER_ROLE)) {
        case CPOL_TEAM_ROLE_OFFICER: r->officers++; break;
        case CPOL_TEAM_ROLE_AUXILIARY: r->auxiliaries++; break;
        case CPOL_TEAM_ROLE_MEMBER:
        case CPOL_TEAM_ROLE_LEADER: r->members++; break;
        case CPOL_TEAM_ROLE_UNIT_CONTACT: r->unit_contacts++; break;
        default: break;
        }
    }
    cpol__cursor_close(c);
    cpol__record_free(m);
    return rc == CPOL_DONE ? CPOL_OK : rc;
}

/* Record the first broken rule; later calls keep it. */
static void violation(cpol_team_report *r, const char *rule, int has)
{
    if (!r->ok)
        return;
    r->ok = 0;
    snprintf(r->message, sizeof r->message, "%s %s, the team has %d", cpol_team_template_name(r->composition),
             rule, has);
}

/* The rules of each template, in the order the template's name lists them. */
static void judge(cpol_team_report *r)
{
    r->ok = 1;
    r->message[0] = '\0';
    if (r->officers != 1) {
        r->ok = 0;
        snprintf(r->message, sizeof r->message,
                 "一队一警: a team needs exactly one responsible officer, the team has %d", r->officers);
        return;
    }
    switch (r->composition) {
    case CPOL_TEAM_TEMPLATE_1_1_N:
        if (r->auxiliaries != 1)
            violation(r, "needs exactly one auxiliary officer", r->auxiliaries);
        if (r->members < 1)
            violation(r, "needs at least one volunteer or informant (N >= 1)", r->members);
        break;
    case CPOL_TEAM_TEMPLATE_1_N:
        if (r->members < 1)
            violation(r, "needs at least one member (N >= 1)", r->members);
        break;
    case CPOL_TEAM_TEMPLATE_1_10_N:
        if (r->subteams < 1 || r->subteams > CPOL_TEAM_SUBTEAMS_MAX)
            violation(r, "needs 1 to 10 self-governing sub-teams", r->subteams);
        if (r->unit_contacts < 1)
            violation(r, "needs at least one social unit contact (N >= 1)", r->unit_contacts);
        break;
    default:
        break;
    }
}

int cpol_team_check(cpol_ctx *ctx, const cpol_actor *as, const cpol_id *team, cpol_team_report **out)
{
    cpol__reader reader;
    cpol_team_report *r;
    cpol_record *row;
    cpol_id station;
    int64_t subteams = 0;
    int rc;
    if (out)
        *out = NULL;
    if (!ctx || !as || !team || !out)
        return cpol__null_arg("cpol_team_check", !ctx ? "ctx" : !as ? "as" : !team ? "team" : "out");
    rc = cpol__load(ctx, &cpol__table_team, team, "team", &row);
    if (rc < 0)
        return rc;
    cpol__record_get_id(row, TEAM_STATION, &station);
    rc = cpol__authorize(ctx, as, CPOL__PERM_ANY, &station);
    if (rc >= 0)
        rc = cpol__reader_open(ctx, as, &reader);
    if (rc < 0) {
        cpol__record_free(row);
        return rc;
    }
    r = cpol__calloc(1, sizeof *r);
    if (!r) {
        cpol__record_free(row);
        return cpol__oom();
    }
    r->composition = (int)cpol__record_int(row, TEAM_TEMPLATE);
    cpol__record_free(row);
    rc = tally_roster(ctx, &reader, team, r);
    if (rc >= 0)
        rc = cpol__team_count_subteams(ctx, team, &subteams);
    if (rc < 0) {
        cpol_free(r);
        return rc;
    }
    r->subteams = (int)subteams;
    judge(r);
    *out = r;
    return CPOL_OK;
}

void cpol_team_report_free(cpol_team_report *report)
{
    cpol_free(report);
}

int cpol_team_report_template(const cpol_team_report *report) { return report ? report->composition : 0; }
int cpol_team_report_ok(const cpol_team_report *report) { return report ? report->ok : 0; }
const char *cpol_team_report_message(const cpol_team_report *report) { return report ? report->message : ""; }
int cpol_team_report_officers(const cpol_team_report *report) { return report ? report->officers : 0; }
int cpol_team_report_auxiliaries(const cpol_team_report *report) { return report ? report->auxiliaries : 0; }
int cpol_team_report_members(const cpol_team_report *report) { return report ? report->members : 0; }
int cpol_team_report_unit_contacts(const cpol_team_report *report) { return report ? report->unit_contacts : 0; }
int cpol_team_report_subteams(const cpol_team_report *report) { return report ? report->subteams : 0; }
