/* Public API: what runs around the case workflow, on memory and SQLite:
 * deadlines and the overdue tick driven by an injected clock, nearest
 * on-duty responders, spot checks reproducible from their seed, repeat
 * analysis, and the Open311 projection. */
#define _POSIX_C_SOURCE 200809L
#include <check.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <commpolice/commpolice.h>

#include "check_case_world.h"

/* ---- deadlines ---- */

START_TEST(deadlines_have_defaults_and_station_settings)
{
    cw w;
    int64_t ms = 0;
    cw_open(&w, _i);
    ck_assert_int_eq(cpol_case_deadline_default(CPOL_RISK_GENERAL, CPOL_STAGE_RESOLUTION), 7 * DAY);
    ck_assert_int_eq(cpol_case_deadline_default(CPOL_RISK_ATTENTION, CPOL_STAGE_ARRIVAL), HOUR);
    ck_assert_int_eq(cpol_case_deadline_default(CPOL_RISK_HIGH, CPOL_STAGE_SCREENING), 30 * MINUTE);
    ck_assert_int_eq(cpol_case_deadline_default(CPOL_RISK_HIGH, CPOL_STAGE_REFERRAL), 0);
    ck_assert_int_eq(cpol_case_deadline_default(0, CPOL_STAGE_ARRIVAL), 0);
    FX_OK(cpol_case_deadline_get(w.ctx, w.aux, &w.fx.station, CPOL_RISK_HIGH, CPOL_STAGE_ARRIVAL, &ms));
    ck_assert_int_eq(ms, 15 * MINUTE);
    FX_EXPECT(CPOL_EPERM, cpol_case_deadline_set(w.ctx, w.officer, &w.fx.station, CPOL_RISK_HIGH,
                                                 CPOL_STAGE_ARRIVAL, 10 * MINUTE));
    MESSAGE_HAS("case.configure");
    FX_EXPECT(CPOL_EINVALID, cpol_case_deadline_set(w.ctx, w.leader, &w.fx.station, 0, CPOL_STAGE_ARRIVAL, HOUR));
    FX_EXPECT(CPOL_EINVALID, cpol_case_deadline_set(w.ctx, w.leader, &w.fx.station, 1, CPOL_STAGE_REFERRAL, HOUR));
    FX_EXPECT(CPOL_EINVALID, cpol_case_deadline_set(w.ctx, w.leader, &w.fx.station, 1, 1, 59 * 1000));
    FX_EXPECT(CPOL_EINVALID, cpol_case_deadline_set(w.ctx, w.leader, &w.fx.station, 1, 1, 366 * DAY));
    FX_EXPECT(CPOL_EINVALID, cpol_case_deadline_set(w.ctx, w.leader, &w.fx.community, 1, 1, HOUR));
    MESSAGE_HAS("not a police station");
    FX_EXPECT(CPOL_EPERM, cpol_case_deadline_set(w.ctx, w.leader, &w.other_station, 1, 1, HOUR));
    FX_OK(cpol_case_deadline_set(w.ctx, w.leader, &w.fx.station, CPOL_RISK_HIGH, CPOL_STAGE_ARRIVAL, 10 * MINUTE));
    FX_OK(cpol_case_deadline_set(w.ctx, w.leader, &w.fx.station, CPOL_RISK_HIGH, CPOL_STAGE_ARRIVAL, 5 * MINUTE));
    FX_OK(cpol_case_deadline_get(w.ctx, w.aux, &w.fx.station, CPOL_RISK_HIGH, CPOL_STAGE_ARRIVAL, &ms));
    ck_assert_int_eq(ms, 5 * MINUTE);
    FX_OK(cpol_case_deadline_get(w.ctx, w.other_officer, &w.other_station, CPOL_RISK_HIGH, CPOL_STAGE_ARRIVAL, &ms));
    ck_assert_int_eq(ms, 15 * MINUTE);
    FX_EXPECT(CPOL_EINVALID, cpol_case_deadline_get(w.ctx, w.aux, &w.fx.station, 4, CPOL_STAGE_ARRIVAL, &ms));
    /* reference data, but read as an actor of the station */
    FX_EXPECT(CPOL_EMISUSE,
              cpol_case_deadline_get(w.ctx, NULL, &w.fx.station, CPOL_RISK_HIGH, CPOL_STAGE_ARRIVAL, &ms));
    FX_EXPECT(CPOL_EPERM, cpol_case_deadline_get(w.ctx, w.other_officer, &w.fx.station, CPOL_RISK_HIGH,
                                                 CPOL_STAGE_ARRIVAL, &ms));
    FX_OK(cpol_case_deadline_get(w.ctx, w.volunteer, &w.fx.station, CPOL_RISK_HIGH, CPOL_STAGE_ARRIVAL, &ms));
    cw_close(&w);
}
END_TEST

/* ---- the tick ---- */

/* The last step of a case's history, copied out of the iterator. */
typedef struct last_event {
    int step, from, tier, has_subject;
    cpol_id subject;
    char note[64];
} last_event;

static last_event last_event_of(cw *w, const cpol_id *c)
{
    cpol_case_event_iter *it;
    const cpol_case_event *e;
    last_event l;
    memset(&l, 0, sizeof l);
    FX_OK(cpol_case_event_iter_new(w->ctx, w->sys, c, &it));
    while (cpol_case_event_iter_next(it, &e) == CPOL_OK) {
        l.step = cpol_case_event_step(e);
        l.from = cpol_case_event_from(e);
        l.tier = cpol_case_event_tier(e);
        l.has_subject = cpol_case_event_subject(e) != NULL;
        if (l.has_subject)
            l.subject = *cpol_case_event_subject(e);
        snprintf(l.note, sizeof l.note, "%s", cpol_case_event_note(e));
    }
    cpol_case_event_iter_free(it);
    return l;
}

typedef struct overdue_item {
    cpol_id c;
    int stage, tier, escalated;
    int64_t by;
} overdue_item;

static int tick(cw *w, const cpol_actor *as, int escalate, overdue_item *items, int max)
{
    cpol_case_overdue_iter *it;
    const cpol_case_overdue *o;
    int n = 0, rc;
    FX_OK(cpol_case_tick(w->ctx, as, escalate, &it));
    while ((rc = cpol_case_overdue_iter_next(it, &o)) == CPOL_OK) {
        ck_assert_int_lt(n, max);
        items[n].c = *cpol_case_overdue_case(o);
        items[n].stage = cpol_case_overdue_stage(o);
        items[n].tier = cpol_case_overdue_tier(o);
        items[n].escalated = cpol_case_overdue_escalated(o);
        items[n].by = cpol_case_overdue_by(o);
        ck_assert_int_eq(cpol_case_overdue_due_at(o) + items[n].by, w->fx.now);
        n++;
    }
    ck_assert_int_eq(rc, CPOL_DONE);
    cpol_case_overdue_iter_free(it);
    return n;
}

static const overdue_item *find_item(const overdue_item *items, int n, const cpol_id *c, int stage)
{
    int i;
    for (i = 0; i < n; i++)
        if (cpol_id_compare(&items[i].c, c) == 0 && items[i].stage == stage)
            return &items[i];
    return NULL;
}

START_TEST(the_tick_escalates_overdue_handling_by_the_injected_clock)
{
    cw w;
    cpol_id c, unscreened;
    overdue_item items[16];
    const overdue_item *o;
    cpol_case *k;
    int n;
    cw_open(&w, _i);
    c = cw_report(&w, w.aux, CPOL_CASE_SOURCE_RESIDENT_COMPLAINT, CPOL_CASE_NEIGHBOUR, "长期噪音纠纷");
    cw_advance(&w, &c, CPOL_CASE_ASSESSED);
    FX_OK(cpol_case_assign(w.ctx, w.aux, &c, CPOL_TIER_ON_THE_SPOT, &w.head_id, NULL, NULL));
    ck_assert_int_eq(tick(&w, w.leader, 1, items, 16), 0);

    /* day 2: the general arrival deadline (24 h) has passed, nothing is escalated for it */
    w.fx.now += 2 * DAY;
    n = tick(&w, w.leader, 1, items, 16);
    ck_assert_int_eq(n, 1);
    ck_assert_int_eq(items[0].stage, CPOL_STAGE_ARRIVAL);
    ck_assert_int_eq(items[0].by, DAY);
    ck_assert_int_eq(items[0].escalated, 0);
    FX_OK(cpol_case_arrive(w.ctx, w.head, &c, &w.head_id, 0, NULL));

    /* day 8: resolution (7 days) overdue: raised one tier, handler cleared, recorded "overdue" */
    w.fx.now += 6 * DAY;
    n = tick(&w, w.leader, 0, items, 16); /* listing only changes nothing */
    ck_assert_int_eq(n, 1);
    ck_assert_int_eq(items[0].escalated, 0);
    ck_assert_int_eq(cw_event_count(&w, &c), 5);
    n = tick(&w, w.leader, 1, items, 16);
    o = find_item(items, n, &c, CPOL_STAGE_RESOLUTION);
    ck_assert_ptr_nonnull(o);
    ck_assert_int_eq(o->by, DAY);
    ck_assert_int_eq(o->escalated, 1);
    ck_assert_int_eq(o->tier, CPOL_TIER_TEAM);
    FX_OK(cpol_case_get(w.ctx, w.officer, &c, &k));
    ck_assert_int_eq(cpol_case_tier(k), CPOL_TIER_TEAM);
    ck_assert_int_eq(cpol_case_state(k), CPOL_CASE_HANDLING);
    ck_assert_ptr_null(cpol_case_handler(k));
    cpol_case_free(k);
    {
        last_event e = last_event_of(&w, &c);
        ck_assert_int_eq(e.step, CPOL_STEP_ESCALATE);
        ck_assert_str_eq(e.note, "overdue");
        ck_assert_int_eq(e.tier, CPOL_TIER_TEAM);
        ck_assert_int_eq(e.has_subject, 0);
    }
    /* the clock restarted: the next tick escalates nothing */
    ck_assert_int_eq(tick(&w, w.leader, 1, items, 16), 0);
    /* without a handler the case cannot be resolved until one of the new tier is assigned */
    FX_EXPECT(CPOL_ERULE, cpol_case_resolve(w.ctx, w.officer, &c, CPOL_OUTCOME_MEDIATED, NULL));
    MESSAGE_HAS("no handler at the team tier");
    FX_EXPECT(CPOL_ERULE, cpol_case_assign(w.ctx, w.aux, &c, CPOL_TIER_ON_THE_SPOT, &w.head_id, NULL, NULL));
    MESSAGE_HAS("de-escalation");

    /* each further full period raises it again, up to station leadership */
    w.fx.now += 7 * DAY + 1;
    n = tick(&w, w.leader, 1, items, 16);
    ck_assert_int_eq(find_item(items, n, &c, CPOL_STAGE_RESOLUTION)->tier, CPOL_TIER_OFFICER);
    w.fx.now += 7 * DAY + 1;
    n = tick(&w, w.sys, 1, items, 16);
    ck_assert_int_eq(find_item(items, n, &c, CPOL_STAGE_RESOLUTION)->tier, CPOL_TIER_LEADERSHIP);
    w.fx.now += 7 * DAY + 1;
    n = tick(&w, w.leader, 1, items, 16);
    o = find_item(items, n, &c, CPOL_STAGE_RESOLUTION);
    ck_assert_int_eq(o->escalated, 0);
    ck_assert_int_eq(o->tier, CPOL_TIER_LEADERSHIP);
    {
        cpol_case_metrics_query q = CPOL_CASE_METRICS_QUERY_INIT;
        cpol_case_metrics *m;
        q.area = &w.fx.station;
        FX_OK(cpol_case_metrics_compute(w.ctx, w.leader, &q, &m));
        ck_assert_int_eq(cpol_case_metrics_count(m, CPOL_METRIC_ESCALATIONS), 3);
        ck_assert_int_eq(cpol_case_metrics_count(m, CPOL_METRIC_OVERDUE_RESOLUTION), 1);
        ck_assert_int_eq(cpol_case_metrics_count(m, CPOL_METRIC_OVERDUE_ARRIVAL), 1);
        cpol_case_metrics_free(m);
    }

    /* screening of a high-risk… every stage is listed, oldest due first */
    unscreened = cw_report(&w, w.aux, CPOL_CASE_SOURCE_DISPATCH_110, CPOL_CASE_PUBLIC_ORDER, "聚众斗殴");
    w.fx.now += 2 * DAY;
    n = tick(&w, w.leader, 1, items, 16);
    ck_assert_ptr_nonnull(find_item(items, n, &unscreened, CPOL_STAGE_SCREENING));
    ck_assert_ptr_nonnull(find_item(items, n, &unscreened, CPOL_STAGE_ARRIVAL));
    ck_assert_ptr_null(find_item(items, n, &unscreened, CPOL_STAGE_RESOLUTION));
    ck_assert(find_item(items, n, &c, CPOL_STAGE_RESOLUTION) < find_item(items, n, &unscreened, CPOL_STAGE_SCREENING));

    /* who may tick */
    {
        cpol_case_overdue_iter *it = NULL;
        FX_EXPECT(CPOL_EINVALID, cpol_case_tick(w.ctx, w.leader, 2, &it));
        FX_EXPECT(CPOL_EPERM, cpol_case_tick(w.ctx, w.grid, 1, &it));
        MESSAGE_HAS("staff or the system actor");
        FX_EXPECT(CPOL_EPERM, cpol_case_tick(w.ctx, w.guard, 0, &it));
        FX_EXPECT(CPOL_EMISUSE, cpol_case_tick(w.ctx, w.leader, 0, NULL));
        FX_OK(cpol_case_tick(w.ctx, w.other_officer, 0, &it)); /* sees only its own station's cases */
        ck_assert_int_eq(cpol_case_overdue_iter_next(it, &(const cpol_case_overdue *){NULL}), CPOL_DONE);
        cpol_case_overdue_iter_free(it);
    }
    cw_close(&w);
}
END_TEST

START_TEST(the_tick_uses_the_station_deadlines_and_lists_follow_ups_and_referrals)
{
    cw w;
    cpol_id attention, resolved, referred;
    overdue_item items[16];
    int n;
    cw_open(&w, _i);
    FX_OK(cpol_case_deadline_set(w.ctx, w.leader, &w.fx.station, CPOL_RISK_ATTENTION, CPOL_STAGE_RESOLUTION, HOUR));
    attention = cw_report(&w, w.aux, CPOL_CASE_SOURCE_GRID_WORKER, CPOL_CASE_FAMILY, "家庭矛盾");
    cw_advance(&w, &attention, CPOL_CASE_VERIFIED);
    FX_OK(cpol_case_assess(w.ctx, w.officer, &attention, CPOL_RISK_ATTENTION, NULL));
    FX_OK(cpol_case_assign(w.ctx, w.officer, &attention, CPOL_TIER_OFFICER, &w.officer_id, NULL, NULL));
    FX_OK(cpol_case_arrive(w.ctx, w.officer, &attention, &w.officer_id, 0, NULL));
    resolved = cw_report(&w, w.aux, CPOL_CASE_SOURCE_GRID_WORKER, CPOL_CASE_NEIGHBOUR, "已化解待回访");
    cw_advance(&w, &resolved, CPOL_CASE_FED_BACK);
    referred = cw_report(&w, w.grid, CPOL_CASE_SOURCE_GRID_WORKER, CPOL_CASE_NON_POLICE, "违建");
    cw_advance(&w, &referred, CPOL_CASE_VERIFIED);
    FX_OK(cpol_case_refer(w.ctx, w.officer, &referred, "住建", w.fx.now + 2 * HOUR, NULL, NULL));

    w.fx.now += HOUR + MINUTE;
    n = tick(&w, w.leader, 1, items, 16);
    ck_assert_int_eq(n, 1);
    ck_assert_int_eq(cpol_id_compare(&items[0].c, &attention), 0);
    ck_assert_int_eq(items[0].stage, CPOL_STAGE_RESOLUTION);
    ck_assert_int_eq(items[0].by, MINUTE);
    ck_assert_int_eq(items[0].tier, CPOL_TIER_LEADERSHIP);
    w.fx.now += DAY; /* referral reply (2 h) overdue */
    n = tick(&w, w.leader, 0, items, 16);
    ck_assert_ptr_nonnull(find_item(items, n, &referred, CPOL_STAGE_REFERRAL));
    ck_assert_ptr_null(find_item(items, n, &resolved, CPOL_STAGE_FOLLOWUP));
    w.fx.now += 7 * DAY; /* general follow-up (7 days) overdue */
    n = tick(&w, w.leader, 0, items, 16);
    ck_assert_ptr_nonnull(find_item(items, n, &resolved, CPOL_STAGE_FOLLOWUP));
    cw_close(&w);
}
END_TEST

/* ---- nearest responders ---- */

START_TEST(nearest_on_duty_responders_first)
{
    cw w;
    cpol_id c, bare, outsider;
    cpol_responder_iter *it;
    const cpol_responder *r;
    cpol_id expect[3];
    double metres[3];
    int n = 0, rc;
    cw_open(&w, _i);
    c = cw_report(&w, w.informant, CPOL_CASE_SOURCE_INFORMANT_TIP, CPOL_CASE_NEIGHBOUR, "纠纷");
    /* 0.001 degree of latitude is 111.195 m on the mean sphere */
    FX_OK(cpol_duty_report(w.ctx, w.guard, &w.guard_id, YULONG_LAT + 0.001, YULONG_LON, 1));
    FX_OK(cpol_duty_report(w.ctx, w.aux, &w.aux_id, YULONG_LAT - 0.0005, YULONG_LON, 1));
    FX_OK(cpol_duty_report(w.ctx, w.informant, &w.informant_id, YULONG_LAT, YULONG_LON + 0.02, 1));
    FX_OK(cpol_duty_report(w.ctx, w.volunteer, &w.volunteer_id, YULONG_LAT, YULONG_LON, 0)); /* off duty */
    outsider = w.grid_id; /* on duty nearby but in no team */
    FX_OK(cpol_duty_report(w.ctx, w.grid, &outsider, YULONG_LAT, YULONG_LON, 1));
    FX_OK(cpol_duty_report(w.ctx, w.aux, &w.officer_id, YULONG_LAT + 1, YULONG_LON, 1)); /* a dispatcher sets it */
    FX_OK(cpol_duty_report(w.ctx, w.officer, &w.officer_id, YULONG_LAT + 1, YULONG_LON, 0));
    FX_EXPECT(CPOL_EPERM, cpol_duty_report(w.ctx, w.guard, &w.aux_id, YULONG_LAT, YULONG_LON, 1));
    FX_EXPECT(CPOL_EINVALID, cpol_duty_report(w.ctx, w.guard, &w.guard_id, 95, YULONG_LON, 1));
    FX_EXPECT(CPOL_EINVALID, cpol_duty_report(w.ctx, w.guard, &w.guard_id, YULONG_LAT, 200, 1));
    FX_EXPECT(CPOL_EINVALID, cpol_duty_report(w.ctx, w.guard, &w.guard_id, YULONG_LAT, YULONG_LON, 3));

    expect[0] = w.aux_id;
    expect[1] = w.guard_id;
    expect[2] = w.informant_id;
    metres[0] = 55.5975;   /* R × 0.0005° in radians, R = 6,371,008.8 m */
    metres[1] = 111.1951;  /* R × 0.001° */
    metres[2] = 2033.4309; /* 0.02° of longitude at 23.886° N: haversine, as computed with libm */
    FX_OK(cpol_case_responders(w.ctx, w.officer, &c, 0, &it));
    while ((rc = cpol_responder_iter_next(it, &r)) == CPOL_OK) {
        ck_assert_int_lt(n, 3);
        ck_assert_int_eq(cpol_id_compare(cpol_responder_person(r), &expect[n]), 0);
        ck_assert_msg(cpol_responder_distance_m(r) > metres[n] - 0.001 && cpol_responder_distance_m(r) < metres[n] + 0.001,
                      "responder %d at %.3f m, expected about %.3f", n, cpol_responder_distance_m(r), metres[n]);
        ck_assert_int_eq(cpol_id_compare(cpol_responder_team(r), &w.team), 0);
        ck_assert_int_eq(cpol_responder_reported_at(r), w.fx.now);
        n++;
    }
    ck_assert_int_eq(rc, CPOL_DONE);
    ck_assert_int_eq(n, 3);
    cpol_responder_iter_free(it);
    FX_OK(cpol_case_responders(w.ctx, w.officer, &c, 1, &it));
    FX_OK(cpol_responder_iter_next(it, &r));
    ck_assert_int_eq(cpol_responder_team_role(r), CPOL_TEAM_ROLE_AUXILIARY);
    ck_assert_int_eq(cpol_responder_iter_next(it, &r), CPOL_DONE);
    cpol_responder_iter_free(it);

    FX_EXPECT(CPOL_EINVALID, cpol_case_responders(w.ctx, w.officer, &c, -1, &it));
    FX_EXPECT(CPOL_EPERM, cpol_case_responders(w.ctx, w.guard, &c, 0, &it));
    {
        cpol_case_fields f = CPOL_CASE_FIELDS_INIT;
        f.source = CPOL_CASE_SOURCE_DISPATCH_110;
        f.category = CPOL_CASE_PUBLIC_ORDER;
        f.description = "无坐标警情";
        FX_OK(cw_report_fields(&w, w.aux, &f, &bare));
    }
    FX_EXPECT(CPOL_ERULE, cpol_case_responders(w.ctx, w.officer, &bare, 0, &it));
    MESSAGE_HAS("no coordinates");
    cw_close(&w);
}
END_TEST

/* ---- spot checks ---- */

/* The sampler, written down again from its documentation: splitmix64 and a
 * partial Fisher–Yates shuffle over the population in case order. */
static uint64_t splitmix64(uint64_t *state)
{
    uint64_t z = (*state += 0x9E3779B97F4A7C15ULL);
    z = (z ^ (z >> 30)) * 0xBF58476D1CE4E5B9ULL;
    z = (z ^ (z >> 27)) * 0x94D049BB133111EBULL;
    return z ^ (z >> 31);
}

static uint64_t below(uint64_t *state, uint64_t bound)
{
    uint64_t threshold = (0 - bound) % bound, x;
    do
        x = splitmix64(state);
    while (x < threshold);
    return x % bound;
}

/* Which of the n population positions a seed picks, sorted, as a bit set. */
static uint64_t expected_sample(int n, int k, uint64_t seed)
{
    int pos[64], i;
    uint64_t set = 0, state = seed;
    for (i = 0; i < n; i++)
        pos[i] = i;
    for (i = 0; i < k; i++) {
        int j = i + (int)below(&state, (uint64_t)(n - i)), t = pos[i];
        pos[i] = pos[j];
        pos[j] = t;
    }
    for (i = 0; i < k; i++)
        set |= 1ULL << pos[i];
    return set;
}

#define POPULATION 20

/* 20 resolved cases; returns which of them a sample of 250 ‰ with `seed` drew. */
static uint64_t sample_world(int backend, int64_t seed, uint64_t *again_out)
{
    cw w;
    cpol_id cases[POPULATION];
    cpol_spot_check_iter *it;
    const cpol_spot_check *s;
    uint64_t set = 0, again = 0;
    int i, n = 0, rc;
    cw_open(&w, backend);
    FX_OK(cpol_batch_begin(w.ctx));
    for (i = 0; i < POPULATION; i++) {
        char text[32];
        snprintf(text, sizeof text, "已化解纠纷 %d", i);
        cases[i] = cw_report(&w, w.aux, CPOL_CASE_SOURCE_GRID_WORKER, CPOL_CASE_NEIGHBOUR, text);
        cw_advance(&w, &cases[i], i % 2 ? CPOL_CASE_RESOLVED : CPOL_CASE_CLOSED);
    }
    FX_OK(cpol_batch_commit(w.ctx));
    FX_OK(cpol_spot_check_sample(w.ctx, w.leader, &w.fx.station, 0, 0, 250, seed, &it));
    while ((rc = cpol_spot_check_iter_next(it, &s)) == CPOL_OK) {
        for (i = 0; i < POPULATION; i++)
            if (cpol_id_compare(cpol_spot_check_case(s), &cases[i]) == 0)
                set |= 1ULL << i;
        ck_assert_int_eq(cpol_spot_check_result(s), CPOL_SPOT_PENDING);
        ck_assert_int_eq(cpol_spot_check_seed(s), seed);
        n++;
    }
    ck_assert_int_eq(rc, CPOL_DONE);
    ck_assert_int_eq(n, 5); /* ceil(20 × 250 / 1000) */
    cpol_spot_check_iter_free(it);
    /* a second draw skips the cases with a pending check */
    FX_OK(cpol_spot_check_sample(w.ctx, w.leader, &w.fx.station, 0, 0, 1000, seed, &it));
    while (cpol_spot_check_iter_next(it, &s) == CPOL_OK)
        for (i = 0; i < POPULATION; i++)
            if (cpol_id_compare(cpol_spot_check_case(s), &cases[i]) == 0)
                again |= 1ULL << i;
    cpol_spot_check_iter_free(it);
    *again_out = again;
    cw_close(&w);
    return set;
}

START_TEST(spot_checks_are_reproducible_from_their_seed)
{
    uint64_t again, again2;
    uint64_t a = sample_world(0, 20250623, &again), b = sample_world(1, 20250623, &again2);
    uint64_t c = sample_world(0, 7, &again2);
    ck_assert_msg(a == b, "memory and SQLite drew different samples: %llx vs %llx", (unsigned long long)a,
                  (unsigned long long)b);
    ck_assert_int_eq(a, expected_sample(POPULATION, 5, 20250623));
    ck_assert_int_eq(c, expected_sample(POPULATION, 5, 7));
    ck_assert(a != c);
    ck_assert_int_eq(again, ((1ULL << POPULATION) - 1) & ~a);
}
END_TEST

START_TEST(spot_checks_confirm_or_reopen)
{
    cw w;
    cpol_id c, unknown;
    cpol_spot_check_iter *it;
    const cpol_spot_check *s;
    cpol_id check;
    cpol_case *k;
    case_snap snap;
    cw_open(&w, _i);
    FX_OK(cpol_id_new(w.ctx, &unknown));
    c = cw_report(&w, w.aux, CPOL_CASE_SOURCE_GRID_WORKER, CPOL_CASE_PROPERTY, "物业纠纷");
    cw_advance(&w, &c, CPOL_CASE_CLOSED);
    FX_EXPECT(CPOL_EPERM, cpol_spot_check_sample(w.ctx, w.officer, &w.fx.station, 0, 0, 100, 1, &it));
    MESSAGE_HAS("case.spotcheck");
    FX_EXPECT(CPOL_EINVALID, cpol_spot_check_sample(w.ctx, w.leader, &w.fx.station, 0, 0, 0, 1, &it));
    FX_EXPECT(CPOL_EINVALID, cpol_spot_check_sample(w.ctx, w.leader, &w.fx.station, 0, 0, 1001, 1, &it));
    FX_EXPECT(CPOL_EINVALID, cpol_spot_check_sample(w.ctx, w.leader, &w.fx.station, 10, 5, 100, 1, &it));
    FX_EXPECT(CPOL_EINVALID, cpol_spot_check_sample(w.ctx, w.leader, &w.fx.community, 0, 0, 100, 1, &it));
    /* outside the resolution window: nothing drawn */
    FX_OK(cpol_spot_check_sample(w.ctx, w.leader, &w.fx.station, w.fx.now + 1, 0, 1000, 1, &it));
    ck_assert_int_eq(cpol_spot_check_iter_next(it, &s), CPOL_DONE);
    cpol_spot_check_iter_free(it);
    FX_OK(cpol_spot_check_sample(w.ctx, w.leader, &w.fx.station, 0, 0, 1, 99, &it));
    FX_OK(cpol_spot_check_iter_next(it, &s));
    check = *cpol_spot_check_id(s);
    ck_assert_int_eq(cpol_id_compare(cpol_spot_check_case(s), &c), 0);
    ck_assert_int_eq(cpol_spot_check_sampled_at(s), w.fx.now);
    ck_assert_int_eq(cpol_spot_check_decided_at(s), 0);
    cpol_spot_check_iter_free(it);

    snap = cw_snap(&w, &c);
    FX_EXPECT(CPOL_EINVALID, cpol_spot_check_decide(w.ctx, w.leader, &check, CPOL_SPOT_PENDING, NULL));
    FX_EXPECT(CPOL_EMISUSE, cpol_spot_check_decide(w.ctx, w.leader, &check, CPOL_SPOT_REOPENED, NULL));
    FX_EXPECT(CPOL_EPERM, cpol_spot_check_decide(w.ctx, w.officer, &check, CPOL_SPOT_CONFIRMED, NULL));
    FX_EXPECT(CPOL_ENOTFOUND, cpol_spot_check_decide(w.ctx, w.leader, &unknown, CPOL_SPOT_CONFIRMED, NULL));
    MESSAGE_HAS("spot check");
    cw_expect_unchanged(&w, &c, &snap, "bad spot-check decisions");
    FX_OK(cpol_spot_check_decide(w.ctx, w.leader, &check, CPOL_SPOT_REOPENED, "当事人反映未真正化解"));
    FX_EXPECT(CPOL_ESTATE, cpol_spot_check_decide(w.ctx, w.leader, &check, CPOL_SPOT_CONFIRMED, NULL));
    MESSAGE_HAS("already decided: reopened");
    FX_OK(cpol_case_get(w.ctx, w.leader, &c, &k));
    ck_assert_int_eq(cpol_case_state(k), CPOL_CASE_ASSESSED);
    ck_assert_int_eq(cpol_case_reopen_count(k), 1);
    cpol_case_free(k);
    {
        last_event e = last_event_of(&w, &c);
        ck_assert_int_eq(e.step, CPOL_STEP_SPOT_REOPEN);
        ck_assert_int_eq(e.has_subject, 1);
        ck_assert_int_eq(cpol_id_compare(&e.subject, &check), 0);
        ck_assert_int_eq(e.from, CPOL_CASE_CLOSED);
    }
    /* closed again and checked again: this time confirmed */
    cw_advance(&w, &c, CPOL_CASE_CLOSED);
    FX_OK(cpol_spot_check_sample(w.ctx, w.leader, &w.fx.station, 0, 0, 1000, 5, &it));
    FX_OK(cpol_spot_check_iter_next(it, &s));
    check = *cpol_spot_check_id(s);
    cpol_spot_check_iter_free(it);
    FX_OK(cpol_spot_check_decide(w.ctx, w.leader, &check, CPOL_SPOT_CONFIRMED, NULL));
    ck_assert_int_eq(cw_state(&w, &c), CPOL_CASE_CLOSED);
    /* the list: both checks, one pending none */
    FX_OK(cpol_spot_check_iter_new(w.ctx, w.analyst, &w.fx.station, 0, &it));
    FX_OK(cpol_spot_check_iter_next(it, &s));
    ck_assert_int_eq(cpol_spot_check_result(s), CPOL_SPOT_REOPENED);
    ck_assert_str_eq(cpol_spot_check_note(s), "当事人反映未真正化解");
    ck_assert_int_eq(cpol_spot_check_decided_at(s), w.fx.now);
    FX_OK(cpol_spot_check_iter_next(it, &s));
    ck_assert_int_eq(cpol_spot_check_result(s), CPOL_SPOT_CONFIRMED);
    ck_assert_int_eq(cpol_spot_check_iter_next(it, &s), CPOL_DONE);
    cpol_spot_check_iter_free(it);
    FX_OK(cpol_spot_check_iter_new(w.ctx, w.analyst, &w.fx.station, 1, &it));
    ck_assert_int_eq(cpol_spot_check_iter_next(it, &s), CPOL_DONE);
    cpol_spot_check_iter_free(it);
    FX_EXPECT(CPOL_EPERM, cpol_spot_check_iter_new(w.ctx, w.guard, &w.fx.station, 0, &it));
    FX_EXPECT(CPOL_EINVALID, cpol_spot_check_iter_new(w.ctx, w.analyst, &w.fx.station, 2, &it));
    ck_assert_str_eq(cpol_spot_result_name(CPOL_SPOT_CONFIRMED), "confirmed");
    cw_close(&w);
}
END_TEST

/* ---- Open311 ---- */

START_TEST(open311_projection)
{
    cw w;
    cpol_id open_case, closed_case, referred;
    char *json = NULL, small[16];
    size_t needed = 0;
    char *buf;
    cw_open(&w, _i);
    w.fx.now = 1748433600000LL; /* 2025-05-28 20:00 +08:00 */
    open_case = cw_report(&w, w.informant, CPOL_CASE_SOURCE_INFORMANT_TIP, CPOL_CASE_NEIGHBOUR, "邻里\"噪音\"纠纷\n");
    cw_advance(&w, &open_case, CPOL_CASE_ASSIGNED);
    closed_case = cw_report(&w, w.aux, CPOL_CASE_SOURCE_RESIDENT_COMPLAINT, CPOL_CASE_HAZARD, "电梯故障");
    w.fx.now += HOUR;
    cw_advance(&w, &closed_case, CPOL_CASE_CLOSED);
    referred = cw_report(&w, w.grid, CPOL_CASE_SOURCE_GRID_WORKER, CPOL_CASE_NON_POLICE, "占道施工");
    cw_advance(&w, &referred, CPOL_CASE_VERIFIED);
    FX_OK(cpol_case_refer(w.ctx, w.officer, &referred, "城管", w.fx.now + DAY, NULL, NULL));
    (void)closed_case;

    FX_OK(cpol_case_open311_export(w.ctx, w.analyst, NULL, &json));
    ck_assert_msg(json[0] == '[', "%s", json);
    ck_assert_ptr_nonnull(strstr(json, "\"status\":\"open\",\"status_notes\":\"assigned, tier community officer\""));
    ck_assert_ptr_nonnull(strstr(json, "\"service_code\":\"neighbour\""));
    ck_assert_ptr_nonnull(strstr(json, "\"service_name\":\"neighbour dispute\""));
    ck_assert_ptr_nonnull(strstr(json, "\"description\":\"邻里\\\"噪音\\\"纠纷\\n\""));
    ck_assert_ptr_nonnull(strstr(json, "\"requested_datetime\":\"2025-05-28T12:00:00Z\""));
    ck_assert_ptr_nonnull(strstr(json, "\"expected_datetime\":\"2025-06-04T12:00:00Z\"")); /* 7 days, general */
    ck_assert_ptr_nonnull(strstr(json, "\"lat\":23.886000,\"long\":100.092000"));
    ck_assert_ptr_nonnull(strstr(json, "\"agency_responsible\":\"忙畔派出所\""));
    ck_assert_ptr_nonnull(strstr(json, "\"status\":\"closed\",\"status_notes\":\"closed: mediated agreement, tier community officer\""));
    ck_assert_ptr_nonnull(strstr(json, "\"updated_datetime\":\"2025-05-28T13:00:00Z\""));
    ck_assert_ptr_nonnull(strstr(json, "\"service_code\":\"hazard\""));
    ck_assert_ptr_nonnull(strstr(json, "\"status_notes\":\"referred to 城管\",\"service_name\":\"non-police matter\""));
    ck_assert_ptr_nonnull(strstr(json, "\"agency_responsible\":\"城管\""));
    ck_assert_ptr_nonnull(strstr(json, "\"address\":\"玉龙小区3栋\""));
    /* never the reporter */
    ck_assert_ptr_null(strstr(json, "信息员王"));
    ck_assert_ptr_null(strstr(json, "reporter"));

    /* the caller's buffer: too small says how much is needed */
    FX_EXPECT(CPOL_ETOOLONG, cpol_case_open311_write(w.ctx, w.analyst, NULL, small, sizeof small, &needed));
    MESSAGE_HAS("needs");
    ck_assert_int_eq(needed, strlen(json) + 1);
    FX_EXPECT(CPOL_ETOOLONG, cpol_case_open311_write(w.ctx, w.analyst, NULL, NULL, 0, &needed));
    buf = malloc(needed);
    FX_OK(cpol_case_open311_write(w.ctx, w.analyst, NULL, buf, needed, &needed));
    ck_assert_str_eq(buf, json);
    free(buf);
    cpol_free(json);
    {
        cpol_case_filter f = CPOL_CASE_FILTER_INIT;
        f.state = CPOL_CASE_CLOSED;
        FX_OK(cpol_case_open311_export(w.ctx, w.officer, &f, &json));
        ck_assert_ptr_null(strstr(json, "\"status\":\"open\""));
        ck_assert_ptr_nonnull(strstr(json, "\"status\":\"closed\""));
        cpol_free(json);
        f.category = CPOL_CASE_FAMILY;
        FX_OK(cpol_case_open311_export(w.ctx, w.officer, &f, &json));
        ck_assert_str_eq(json, "[]\n");
        cpol_free(json);
        f.version = 9;
        FX_EXPECT(CPOL_EVERSION, cpol_case_open311_export(w.ctx, w.officer, &f, &json));
        ck_assert_ptr_null(json);
    }
    FX_EXPECT(CPOL_EPERM, cpol_case_open311_export(w.ctx, w.guard, NULL, &json));
    FX_EXPECT(CPOL_EMISUSE, cpol_case_open311_write(w.ctx, w.analyst, NULL, NULL, 10, &needed));
    cw_close(&w);
}
END_TEST

/* ---- listing ---- */

START_TEST(listings_filter_and_page)
{
    cw w;
    cpol_case_filter f = CPOL_CASE_FILTER_INIT;
    cpol_id a, b, c, unknown;
    cpol_case_iter *it;
    cw_open(&w, _i);
    FX_OK(cpol_id_new(w.ctx, &unknown));
    a = cw_report(&w, w.aux, CPOL_CASE_SOURCE_GRID_WORKER, CPOL_CASE_NEIGHBOUR, "一");
    w.fx.now += HOUR;
    b = cw_report(&w, w.aux, CPOL_CASE_SOURCE_GRID_WORKER, CPOL_CASE_HAZARD, "二");
    w.fx.now += HOUR;
    c = cw_report(&w, w.aux, CPOL_CASE_SOURCE_GRID_WORKER, CPOL_CASE_NEIGHBOUR, "三");
    cw_advance(&w, &b, CPOL_CASE_ASSESSED);
    FX_OK(cpol_case_assign(w.ctx, w.aux, &b, CPOL_TIER_TEAM, &w.guard_id, &w.team, NULL));
    (void)a;
    (void)c;
    ck_assert_int_eq(cw_case_count(&w, NULL), 3);
    f.category = CPOL_CASE_NEIGHBOUR;
    ck_assert_int_eq(cw_case_count(&w, &f), 2);
    f.category = 0;
    f.team = &w.team;
    ck_assert_int_eq(cw_case_count(&w, &f), 1);
    f.team = NULL;
    f.state = CPOL_CASE_REPORTED;
    ck_assert_int_eq(cw_case_count(&w, &f), 2);
    f.state = 0;
    f.from = w.fx.now - HOUR + 1;
    ck_assert_int_eq(cw_case_count(&w, &f), 1);
    f.from = 0;
    f.area = &w.fx.community;
    f.offset = 1;
    f.limit = 1;
    ck_assert_int_eq(cw_case_count(&w, &f), 1);
    f.area = &w.other_station;
    f.offset = f.limit = 0;
    ck_assert_int_eq(cw_case_count(&w, &f), 0);
    f.area = &unknown;
    FX_EXPECT(CPOL_ENOTFOUND, cpol_case_iter_new(w.ctx, w.officer, &f, &it));
    f.area = NULL;
    f.team = &unknown;
    FX_EXPECT(CPOL_ENOTFOUND, cpol_case_iter_new(w.ctx, w.officer, &f, &it));
    f.team = NULL;
    f.state = 12;
    FX_EXPECT(CPOL_EINVALID, cpol_case_iter_new(w.ctx, w.officer, &f, &it));
    f.state = 0;
    f.limit = -1;
    FX_EXPECT(CPOL_EINVALID, cpol_case_iter_new(w.ctx, w.officer, &f, &it));
    f.limit = 0;
    f.from = 10;
    f.to = 5;
    FX_EXPECT(CPOL_EINVALID, cpol_case_iter_new(w.ctx, w.officer, &f, &it));
    FX_EXPECT(CPOL_EPERM, cpol_case_iter_new(w.ctx, w.guard, NULL, &it));
    /* a station-bound reader sees only its own station */
    FX_OK(cpol_case_iter_new(w.ctx, w.other_officer, NULL, &it));
    ck_assert_int_eq(cpol_case_iter_next(it, &(const cpol_case *){NULL}), CPOL_DONE);
    cpol_case_iter_free(it);
    cw_close(&w);
}
END_TEST

static Suite *ops_suite(void)
{
    Suite *s = suite_create("case_ops");
    TCase *tc = tcase_create("ops");
    tcase_set_timeout(tc, 180);
    tcase_add_loop_test(tc, deadlines_have_defaults_and_station_settings, 0, 2);
    tcase_add_loop_test(tc, the_tick_escalates_overdue_handling_by_the_injected_clock, 0, 2);
    tcase_add_loop_test(tc, the_tick_uses_the_station_deadlines_and_lists_follow_ups_and_referrals, 0, 2);
    tcase_add_loop_test(tc, nearest_on_duty_responders_first, 0, 2);
    tcase_add_test(tc, spot_checks_are_reproducible_from_their_seed);
    tcase_add_loop_test(tc, spot_checks_confirm_or_reopen, 0, 2);
    tcase_add_loop_test(tc, open311_projection, 0, 2);
    tcase_add_loop_test(tc, listings_filter_and_page, 0, 2);
    suite_add_tcase(s, tc);
    return s;
}

int main(void)
{
    SRunner *sr = srunner_create(ops_suite());
    int failed;
    srunner_run_all(sr, CK_NORMAL);
    failed = srunner_ntests_failed(sr);
    srunner_free(sr);
    return failed ? EXIT_FAILURE : EXIT_SUCCESS;
}
