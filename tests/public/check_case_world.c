/* The case tests' station world (see check_case_world.h). */
#define _POSIX_C_SOURCE 200809L
#include <stdio.h>
#include <string.h>

#include "check_case_world.h"
#include "../support/test_util.h"

cpol_actor *cw_staff(cw *w, const char *name, int role, cpol_id *id_out)
{
    cpol_id id;
    cpol_actor *a = fx_staff(&w->fx, name, ++w->seq, role, &id);
    if (id_out)
        *id_out = id;
    return a;
}

cpol_actor *cw_volunteer(cw *w, const char *name, int role, cpol_id *id_out)
{
    cpol_id id = fx_volunteer(&w->fx, name, ++w->seq, role);
    cpol_actor *a = NULL;
    FX_OK(cpol_actor_open(w->ctx, &id, role, &a));
    if (id_out)
        *id_out = id;
    return a;
}

static cpol_id make_team(cw *w, const char *name, const cpol_id *area, const cpol_id *officer)
{
    cpol_team_fields f = CPOL_TEAM_FIELDS_INIT;
    cpol_id id;
    f.name = name;
    f.kind = CPOL_TEAM_VOLUNTEER_POLICE;
    f.composition = CPOL_TEAM_TEMPLATE_1_1_N;
    f.area = area;
    f.officer = officer;
    FX_OK(cpol_team_create(w->ctx, w->sys, &f, &id));
    return id;
}

static void add_member(cw *w, const cpol_id *team, const cpol_id *person, int role)
{
    FX_OK(cpol_team_member_add(w->ctx, w->sys, team, person, role, NULL, NULL));
}

/* The second station: 南屏派出所 with its own officer, resident and team. */
static void other_station(cw *w)
{
    cpol_person_fields f = CPOL_PERSON_FIELDS_INIT;
    FX_OK(cpol_area_create(w->ctx, w->sys, &w->fx.bureau, CPOL_AREA_STATION, "南屏派出所", &w->other_station));
    FX_OK(cpol_area_create(w->ctx, w->sys, &w->other_station, CPOL_AREA_COMMUNITY, "锦凤社区", &w->other_community));
    f.name = "赵警官";
    f.id_card = fx_nth_id_card(++w->seq);
    f.home_area = &w->other_community;
    FX_OK(cpol_person_register(w->ctx, w->sys, &f, &w->other_officer_id));
    FX_OK(cpol_role_appoint(w->ctx, w->sys, &w->other_officer_id, CPOL_ROLE_OFFICER, &w->other_station, NULL, NULL));
    FX_OK(cpol_actor_open(w->ctx, &w->other_officer_id, CPOL_ROLE_OFFICER, &w->other_officer));
    f.name = "居民钱";
    f.id_card = fx_nth_id_card(++w->seq);
    FX_OK(cpol_person_register(w->ctx, w->sys, &f, &w->other_resident));
    w->other_team = make_team(w, "锦凤义警", &w->other_community, &w->other_officer_id);
}

void cw_open(cw *w, int backend)
{
    memset(w, 0, sizeof *w);
    fx_open(&w->fx, backend);
    w->ctx = w->fx.ctx;
    w->sys = w->fx.sys;
    FX_OK(cpol_batch_begin(w->ctx));
    w->officer = cw_staff(w, "李警官", CPOL_ROLE_OFFICER, &w->officer_id);
    w->aux = cw_staff(w, "张辅警", CPOL_ROLE_AUXILIARY, &w->aux_id);
    w->leader = cw_staff(w, "石所长", CPOL_ROLE_LEADER, &w->leader_id);
    w->analyst = cw_staff(w, "分析员周", CPOL_ROLE_ANALYST, &w->analyst_id);
    w->operator_ = cw_staff(w, "操作员吴", CPOL_ROLE_OPERATOR, NULL);
    w->informant = cw_volunteer(w, "信息员王", CPOL_ROLE_INFORMANT, &w->informant_id);
    w->guard = cw_volunteer(w, "保安刘", CPOL_ROLE_PROPERTY_GUARD, &w->guard_id);
    w->grid = cw_volunteer(w, "网格员陈", CPOL_ROLE_GRID_WORKER, &w->grid_id);
    w->head = cw_volunteer(w, "楼栋长赵", CPOL_ROLE_BUILDING_HEAD, &w->head_id);
    w->volunteer = cw_volunteer(w, "义警李育斌", CPOL_ROLE_VOLUNTEER, &w->volunteer_id);
    w->resident = fx_person(&w->fx, "居民孙", ++w->seq);
    w->team = make_team(w, "玉龙义警", &w->fx.community, &w->officer_id);
    add_member(w, &w->team, &w->aux_id, CPOL_TEAM_ROLE_AUXILIARY);
    add_member(w, &w->team, &w->guard_id, CPOL_TEAM_ROLE_MEMBER);
    add_member(w, &w->team, &w->informant_id, CPOL_TEAM_ROLE_MEMBER);
    add_member(w, &w->team, &w->volunteer_id, CPOL_TEAM_ROLE_MEMBER);
    other_station(w);
    FX_OK(cpol_batch_commit(w->ctx));
}

void cw_close(cw *w)
{
    cpol_actor *actors[] = {w->officer, w->aux,  w->leader, w->analyst,   w->operator_,
                            w->informant, w->guard, w->grid, w->head, w->volunteer, w->other_officer};
    size_t i;
    for (i = 0; i < sizeof actors / sizeof actors[0]; i++)
        cpol_actor_free(actors[i]);
    fx_close(&w->fx);
}

int cw_report_fields(cw *w, const cpol_actor *as, cpol_case_fields *f, cpol_id *id)
{
    if (!f->area)
        f->area = &w->fx.compound;
    return cpol_case_report(w->ctx, as, f, id);
}

cpol_id cw_report(cw *w, const cpol_actor *as, int source, int category, const char *description)
{
    cpol_case_fields f = CPOL_CASE_FIELDS_INIT;
    cpol_id id;
    f.source = source;
    f.category = category;
    f.description = description;
    f.address = "玉龙小区3栋";
    f.has_location = 1;
    f.latitude = YULONG_LAT;
    f.longitude = YULONG_LON;
    FX_OK(cw_report_fields(w, as, &f, &id));
    return id;
}

int cw_state(cw *w, const cpol_id *c)
{
    cpol_case *k;
    int s;
    FX_OK(cpol_case_get(w->ctx, w->sys, c, &k));
    s = cpol_case_state(k);
    cpol_case_free(k);
    return s;
}

void cw_advance(cw *w, const cpol_id *c, int state)
{
    int s;
    while ((s = cw_state(w, c)) != state) {
        switch (s) {
        case CPOL_CASE_REPORTED: FX_OK(cpol_case_verify(w->ctx, w->officer, c, "核实属实")); break;
        case CPOL_CASE_VERIFIED: FX_OK(cpol_case_assess(w->ctx, w->officer, c, CPOL_RISK_GENERAL, NULL)); break;
        case CPOL_CASE_ASSESSED:
            FX_OK(cpol_case_assign(w->ctx, w->aux, c, CPOL_TIER_OFFICER, &w->officer_id, NULL, NULL));
            break;
        case CPOL_CASE_ASSIGNED: FX_OK(cpol_case_arrive(w->ctx, w->officer, c, &w->officer_id, 0, NULL)); break;
        case CPOL_CASE_HANDLING: FX_OK(cpol_case_resolve(w->ctx, w->officer, c, CPOL_OUTCOME_MEDIATED, "握手言和")); break;
        case CPOL_CASE_RESOLVED: FX_OK(cpol_case_feedback(w->ctx, w->aux, c, "已告知报告人")); break;
        case CPOL_CASE_FED_BACK: FX_OK(cpol_case_followup(w->ctx, w->aux, c, 0, 5, 0, NULL)); break;
        case CPOL_CASE_FOLLOWED_UP: FX_OK(cpol_case_close(w->ctx, w->leader, c, NULL)); break;
        default: ck_abort_msg("cw_advance: cannot go on from state %s", cpol_case_state_name(s));
        }
    }
}

int64_t cw_event_count(cw *w, const cpol_id *c)
{
    cpol_case_event_iter *it;
    const cpol_case_event *e;
    int64_t n = 0;
    int rc;
    FX_OK(cpol_case_event_iter_new(w->ctx, w->sys, c, &it));
    while ((rc = cpol_case_event_iter_next(it, &e)) == CPOL_OK)
        n++;
    ck_assert_int_eq(rc, CPOL_DONE);
    cpol_case_event_iter_free(it);
    return n;
}

int64_t cw_audit_count(cw *w, const cpol_id *object)
{
    cpol_audit_filter f = CPOL_AUDIT_FILTER_INIT;
    cpol_audit_iter *it;
    const cpol_audit_entry *e;
    int64_t n = 0;
    f.object = object;
    FX_OK(cpol_audit_iter_new(w->ctx, w->sys, &f, &it));
    while (cpol_audit_iter_next(it, &e) == CPOL_OK)
        n++;
    cpol_audit_iter_free(it);
    return n;
}

int64_t cw_balance(cw *w, const cpol_id *person)
{
    int64_t b = 0, avail = 0;
    FX_OK(cpol_points_balance(w->ctx, w->sys, person, &b, &avail));
    return b;
}

int64_t cw_case_count(cw *w, const cpol_case_filter *f)
{
    cpol_case_iter *it;
    const cpol_case *c;
    int64_t n = 0;
    int rc;
    FX_OK(cpol_case_iter_new(w->ctx, w->sys, f, &it));
    while ((rc = cpol_case_iter_next(it, &c)) == CPOL_OK)
        n++;
    ck_assert_int_eq(rc, CPOL_DONE);
    cpol_case_iter_free(it);
    return n;
}

case_snap cw_snap(cw *w, const cpol_id *c)
{
    case_snap s;
    cpol_case *k;
    memset(&s, 0, sizeof s);
    FX_OK(cpol_case_get(w->ctx, w->sys, c, &k));
    s.state = cpol_case_state(k);
    s.grade = cpol_case_risk_grade(k);
    s.tier = cpol_case_tier(k);
    s.outcome = cpol_case_outcome(k);
    s.satisfaction = cpol_case_satisfaction(k);
    s.reopen_count = cpol_case_reopen_count(k);
    if (cpol_case_handler(k))
        s.handler = *cpol_case_handler(k);
    s.updated_at = cpol_case_updated_at(k);
    s.resolved_at = cpol_case_resolved_at(k);
    s.closed_at = cpol_case_closed_at(k);
    cpol_case_free(k);
    s.events = cw_event_count(w, c);
    s.audits = cw_audit_count(w, c);
    s.cases = cw_case_count(w, NULL);
    return s;
}

void cw_expect_unchanged(cw *w, const cpol_id *c, const case_snap *before, const char *what)
{
    case_snap now = cw_snap(w, c);
    ck_assert_msg(memcmp(&now, before, sizeof now) == 0, "%s: the case changed after the refused %s", w->fx.uri,
                  what);
}

void cw_probe_init(cw_probe *p, const cpol_id *id, const char *name)
{
    memset(p, 0, sizeof *p);
    p->id = *id;
    FX_OK(cpol_id_format(id, p->id_text, sizeof p->id_text));
    p->name = name;
}

static void hit(cw_probe *p, const char *where)
{
    if (!p->hits++)
        snprintf(p->first, sizeof p->first, "%s", where);
}

void cw_probe_id(cw_probe *p, const cpol_id *id, const char *where)
{
    if (id && cpol_id_compare(id, &p->id) == 0)
        hit(p, where);
}

void cw_probe_text(cw_probe *p, const char *s, const char *where)
{
    if (s && (strstr(s, p->id_text) || strstr(s, p->name)))
        hit(p, where);
}

void cw_probe_case(cw_probe *p, const cpol_case *c, const char *where)
{
    cw_probe_id(p, cpol_case_id(c), where);
    cw_probe_id(p, cpol_case_handler(c), where);
    cw_probe_id(p, cpol_case_reporter(c), where);
    cw_probe_id(p, cpol_case_team(c), where);
    cw_probe_id(p, cpol_case_duplicate_of(c), where);
    cw_probe_text(p, cpol_case_reporter_name(c), where);
    cw_probe_text(p, cpol_case_address(c), where);
    cw_probe_text(p, cpol_case_description(c), where);
}

void cw_probe_refusal(cw_probe *p, int rc, const char *where)
{
    ck_assert_msg(rc == CPOL_OK || rc == CPOL_EPERM, "%s: %s (%s)", where, cpol_status_name(rc),
                  cpol_error_message());
    if (rc != CPOL_OK)
        cw_probe_text(p, cpol_error_message(), where);
}
