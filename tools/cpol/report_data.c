/* cpol: gathering a report's figures through the public API (report_data.h). */
#include <string.h>

#include "report_data.h"

int report_scope_init(cli *c, report_scope *s, const cpol_actor *reader, const cpol_id *area, cpol_time from,
                      cpol_time to)
{
    cpol_area *a = NULL;
    int rc;
    (void)c;
    memset(s, 0, sizeof *s);
    s->reader = reader;
    s->area = *area;
    s->from = from;
    s->to = to;
    rc = cpol_area_get(c->ctx, reader, area, &a);
    if (rc < 0)
        return rc;
    if (!cpol_area_station(a)) {
        cpol_area_free(a);
        return CPOL_ERULE;
    }
    s->station = *cpol_area_station(a);
    cpol_area_free(a);
    return CPOL_OK;
}

static void copy_text(char *dst, size_t size, const char *src)
{
    snprintf(dst, size, "%s", src ? src : "");
}

static int gather_teams(cli *c, const report_scope *s, report_data *r)
{
    cpol_team_filter f = CPOL_TEAM_FILTER_INIT;
    cpol_team_iter *it = NULL;
    const cpol_team *t;
    int rc;
    f.area = &s->area;
    rc = cpol_team_iter_new(c->ctx, s->reader, &f, &it);
    if (rc < 0)
        return rc;
    while (r->n_teams < REPORT_TEAMS_MAX && (rc = cpol_team_iter_next(it, &t)) == CPOL_OK) {
        report_team *rt = &r->teams[r->n_teams++];
        cpol_team_report *tr = NULL;
        copy_text(rt->name, sizeof rt->name, cpol_team_name(t));
        rt->kind = cpol_team_kind(t);
        rt->composition = cpol_team_template(t);
        /* counts as the reader may see them (covert members are not listed) */
        rc = cpol_team_check(c->ctx, s->reader, cpol_team_id(t), &tr);
        if (rc < 0)
            break;
        rt->officers = cpol_team_report_officers(tr);
        rt->auxiliaries = cpol_team_report_auxiliaries(tr);
        rt->members = cpol_team_report_members(tr);
        rt->unit_contacts = cpol_team_report_unit_contacts(tr);
        rt->subteams = cpol_team_report_subteams(tr);
        rt->ok = cpol_team_report_ok(tr);
        copy_text(rt->verdict, sizeof rt->verdict, cpol_team_report_message(tr));
        cpol_team_report_free(tr);
    }
    cpol_team_iter_free(it);
    return rc < 0 ? rc : CPOL_OK;
}

static int leaderboard(cli *c, const report_scope *s, cpol_time from, cpol_time to, int limit, report_data *r,
                       int64_t *sum)
{
    cpol_leaderboard_filter f = CPOL_LEADERBOARD_FILTER_INIT;
    cpol_leaderboard_iter *it = NULL;
    const cpol_leaderboard_entry *e;
    int rc;
    f.station = &s->station;
    f.area = &s->area;
    f.from = from;
    f.to = to;
    f.limit = limit;
    rc = cpol_leaderboard_iter_new(c->ctx, s->reader, &f, &it);
    if (rc < 0)
        return rc;
    while ((rc = cpol_leaderboard_iter_next(it, &e)) == CPOL_OK) {
        if (sum)
            *sum += cpol_leaderboard_entry_points(e);
        if (r && r->n_leaders < REPORT_LEADERS) {
            r->leaders[r->n_leaders].rank = cpol_leaderboard_entry_rank(e);
            r->leaders[r->n_leaders].points = cpol_leaderboard_entry_points(e);
            copy_text(r->leaders[r->n_leaders].name, sizeof r->leaders[0].name, cpol_leaderboard_entry_name(e));
            r->n_leaders++;
        }
    }
    cpol_leaderboard_iter_free(it);
    return rc < 0 ? rc : CPOL_OK;
}

static int metrics(cli *c, const report_scope *s, const cpol_id *area, report_data *r, int64_t *received,
                   int64_t *closed)
{
    cpol_case_metrics_query q = CPOL_CASE_METRICS_QUERY_INIT;
    cpol_case_metrics *m = NULL;
    int rc, i;
    q.area = area;
    q.from = s->from;
    q.to = s->to;
    rc = cpol_case_metrics_compute(c->ctx, s->reader, &q, &m);
    if (rc < 0)
        return rc;
    if (r) {
        for (i = CPOL_METRIC_RECEIVED; i <= CPOL_METRIC_ESCALATIONS; i++)
            r->count[i] = cpol_case_metrics_count(m, i);
        for (i = CPOL_RATE_CLOSURE; i <= CPOL_RATE_REPEAT_CALLS; i++)
            r->rate[i] = cpol_case_metrics_rate(m, i);
        for (i = CPOL_STAGE_SCREENING; i <= CPOL_STAGE_REFERRAL; i++)
            cpol_case_metrics_response(m, i, &r->stage_n[i], &r->stage_median[i], &r->stage_p90[i]);
    }
    if (received)
        *received = cpol_case_metrics_count(m, CPOL_METRIC_RECEIVED);
    if (closed)
        *closed = cpol_case_metrics_count(m, CPOL_METRIC_CLOSED);
    cpol_case_metrics_free(m);
    return CPOL_OK;
}

static int area_name(cli *c, const report_scope *s, const cpol_id *id, char *buf, size_t size)
{
    cpol_area *a = NULL;
    int rc = cpol_area_get(c->ctx, s->reader, id, &a);
    if (rc < 0)
        return rc;
    copy_text(buf, size, cpol_area_name(a));
    cpol_area_free(a);
    return CPOL_OK;
}

static int hotspots(cli *c, const report_scope *s, report_data *r)
{
    cpol_case_repeat_query q = CPOL_CASE_REPEAT_QUERY_INIT;
    cpol_case_repeat_iter *it = NULL;
    const cpol_case_repeat *g;
    int rc;
    q.kind = CPOL_REPEAT_ADDRESS;
    q.area = &s->area;
    q.from = s->from;
    q.to = s->to;
    q.threshold = 3;
    q.limit = REPORT_HOTSPOTS;
    rc = cpol_case_repeat_iter_new(c->ctx, s->reader, &q, &it);
    if (rc < 0)
        return rc;
    while (r->n_hotspots < REPORT_HOTSPOTS && (rc = cpol_case_repeat_iter_next(it, &g)) == CPOL_OK) {
        char name[128] = "";
        if (cpol_case_repeat_area(g))
            area_name(c, s, cpol_case_repeat_area(g), name, sizeof name);
        snprintf(r->hotspots[r->n_hotspots].place, sizeof r->hotspots[0].place, "%s %s", name,
                 cpol_case_repeat_address(g) ? cpol_case_repeat_address(g) : "");
        r->hotspots[r->n_hotspots].count = cpol_case_repeat_count(g);
        r->n_hotspots++;
    }
    cpol_case_repeat_iter_free(it);
    return rc < 0 ? rc : CPOL_OK;
}

static int communities(cli *c, const report_scope *s, report_data *r)
{
    cpol_area_iter *it = NULL;
    const cpol_area *a;
    cpol_id ids[REPORT_COMMUNITIES];
    int rc, i;
    rc = cpol_area_iter_new(c->ctx, s->reader, &s->area, CPOL_AREA_WALK_CHILDREN, &it);
    if (rc < 0)
        return rc;
    while (r->n_communities < REPORT_COMMUNITIES && (rc = cpol_area_iter_next(it, &a)) == CPOL_OK) {
        ids[r->n_communities] = *cpol_area_id(a);
        copy_text(r->communities[r->n_communities].name, sizeof r->communities[0].name, cpol_area_name(a));
        r->n_communities++;
    }
    cpol_area_iter_free(it);
    if (rc < 0)
        return rc;
    for (i = 0; i < r->n_communities; i++)
        if ((rc = metrics(c, s, &ids[i], NULL, &r->communities[i].received, &r->communities[i].closed)) < 0)
            return rc;
    return CPOL_OK;
}

/* Points earned per day: the day's leaderboard, summed. */
static int earned_per_day(cli *c, const report_scope *s, report_data *r)
{
    cpol_time day = 24LL * 3600 * 1000, t;
    int rc;
    if (s->from <= 0 || s->to <= s->from)
        return CPOL_OK;
    for (t = s->from; t < s->to && r->n_days < REPORT_DAYS_MAX; t += day) {
        int64_t sum = 0;
        if ((rc = leaderboard(c, s, t, t + day < s->to ? t + day : s->to, 0, NULL, &sum)) < 0)
            return rc;
        r->earned_per_day[r->n_days++] = sum;
    }
    return CPOL_OK;
}

int report_gather(cli *c, const report_scope *s, report_data *r)
{
    int rc;
    memset(r, 0, sizeof *r);
    if ((rc = area_name(c, s, &s->area, r->area_name, sizeof r->area_name)) < 0
        || (rc = gather_teams(c, s, r)) < 0
        || (rc = leaderboard(c, s, s->from, s->to, REPORT_LEADERS, r, NULL)) < 0
        || (rc = metrics(c, s, &s->area, r, NULL, NULL)) < 0 || (rc = hotspots(c, s, r)) < 0
        || (rc = communities(c, s, r)) < 0 || (rc = earned_per_day(c, s, r)) < 0)
        return rc;
    /* verification failures are figures of the report, not errors of it */
    r->ledger_rc = cpol_ledger_verify(c->ctx, s->reader, &r->ledger_checked);
    r->audit_rc = cpol_audit_verify(c->ctx, s->reader, &r->audit_entries, &r->audit_rows);
    return CPOL_OK;
}
