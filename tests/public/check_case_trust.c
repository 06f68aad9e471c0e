/* Public API, on the memory backend and on a SQLite file (PostgreSQL with
 * CPOL_TEST_PG_URI): the trust rules of the case module (docs/cases.md).
 * Who tipped never leaks: as the auxiliary, the analyst, the grid worker
 * and the volunteer police, no case read names the informant who tipped,
 * handled a case on the spot and is a party elsewhere; as the officer and
 * as the informant they are there. Writes naming the informant fail as for
 * nobody. And no insider judges their own work or lowers a case by a
 * detour; every refusal leaves the case, its history and the audit trail
 * as they were. */
#define _POSIX_C_SOURCE 200809L
#include <check.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <commpolice/commpolice.h>

#include "check_case_world.h"

/* ---- who tipped never leaks (docs/permissions.md, "Who may learn who tipped") ---- */

#define INFORMANT "信息员王"

/* The informant tips case A, mediates case B on the spot (arrival,
 * resolution, mediation points), is named as a party to C and D (a repeat
 * by person), reports a hazard E as an ordinary patrol finding, and is on
 * duty near the compound. Every resolved case is sampled for a spot check;
 * two days later every open case is overdue. */
typedef struct informant_world {
    cpol_id tip, handled, party1, party2, ordinary;
} informant_world;

static cpol_id officer_case_with_parties(cw *w, const char *what, const cpol_id *informant)
{
    cpol_id c = cw_report(w, w->officer, CPOL_CASE_SOURCE_DISPATCH_110, CPOL_CASE_PUBLIC_ORDER, what);
    FX_OK(cpol_case_party_add(w->ctx, w->officer, &c, informant, NULL, NULL));
    FX_OK(cpol_case_party_add(w->ctx, w->officer, &c, &w->resident, NULL, NULL));
    return c;
}

static void informant_world_build(cw *w, informant_world *iw)
{
    cpol_spot_check_iter *it;
    FX_OK(cpol_earning_rule_set(w->ctx, w->leader, &w->fx.station, CPOL_EARN_CASE_LEAD, 10, 0, 0));
    FX_OK(cpol_earning_rule_set(w->ctx, w->leader, &w->fx.station, CPOL_EARN_MEDIATION, 20, 0, 0));
    iw->tip = cw_report(w, w->informant, CPOL_CASE_SOURCE_INFORMANT_TIP, CPOL_CASE_NEIGHBOUR, "3栋两户因噪音争吵");
    FX_OK(cpol_case_verify(w->ctx, w->officer, &iw->tip, NULL));
    iw->handled = cw_report(w, w->aux, CPOL_CASE_SOURCE_RESIDENT_COMPLAINT, CPOL_CASE_NEIGHBOUR, "楼道堆物纠纷");
    cw_advance(w, &iw->handled, CPOL_CASE_ASSESSED);
    FX_OK(cpol_case_assign(w->ctx, w->officer, &iw->handled, CPOL_TIER_ON_THE_SPOT, &w->informant_id, NULL,
                           "就地劝解"));
    w->fx.now += MINUTE;
    FX_OK(cpol_case_arrive(w->ctx, w->informant, &iw->handled, &w->informant_id, 0, NULL));
    FX_OK(cpol_case_resolve(w->ctx, w->informant, &iw->handled, CPOL_OUTCOME_MEDIATED, "双方和解"));
    cw_advance(w, &iw->handled, CPOL_CASE_FOLLOWED_UP);
    FX_OK(cpol_case_close(w->ctx, w->officer, &iw->handled, NULL));
    iw->party1 = officer_case_with_parties(w, "酒后滋事", &w->informant_id);
    iw->party2 = officer_case_with_parties(w, "酒后滋事又起", &w->informant_id);
    iw->ordinary = cw_report(w, w->informant, CPOL_CASE_SOURCE_VOLUNTEER_PATROL, CPOL_CASE_HAZARD, "楼道电动车充电");
    FX_OK(cpol_duty_report(w->ctx, w->informant, &w->informant_id, YULONG_LAT + 0.001, YULONG_LON, 1));
    FX_OK(cpol_duty_report(w->ctx, w->guard, &w->guard_id, YULONG_LAT + 0.002, YULONG_LON, 1));
    FX_OK(cpol_spot_check_sample(w->ctx, w->leader, &w->fx.station, 0, 0, 1000, 7, &it));
    cpol_spot_check_iter_free(it);
    w->fx.now += 2 * DAY;
}

/* One kind of read, every call of it, as `as`; refusals are fine if their message names nobody. */
typedef void (*case_read_fn)(cw *w, const cpol_actor *as, const informant_world *iw, cw_probe *p);

/* Read one case every way a kind of read allows. */
typedef void (*case_read_one_fn)(cw *w, const cpol_actor *as, const cpol_id *c, cw_probe *p);

static void each_case(cw *w, const cpol_actor *as, const informant_world *iw, cw_probe *p, case_read_one_fn one)
{
    const cpol_id *cases[] = {&iw->tip, &iw->handled, &iw->party1, &iw->party2, &iw->ordinary};
    size_t i;
    for (i = 0; i < sizeof cases / sizeof cases[0]; i++)
        one(w, as, cases[i], p);
}

static void get_one(cw *w, const cpol_actor *as, const cpol_id *id, cw_probe *p)
{
    cpol_case *c = NULL;
    int rc = cpol_case_get(w->ctx, as, id, &c);
    cw_probe_refusal(p, rc, "cpol_case_get");
    if (rc == CPOL_OK)
        cw_probe_case(p, c, "cpol_case_get");
    cpol_case_free(c);
}

static void read_gets(cw *w, const cpol_actor *as, const informant_world *iw, cw_probe *p)
{
    each_case(w, as, iw, p, get_one);
}

static void read_listings(cw *w, const cpol_actor *as, const informant_world *iw, cw_probe *p)
{
    cpol_case_filter f[9];
    cpol_case_iter *it;
    const cpol_case *c;
    int i, rc;
    (void)iw;
    for (i = 0; i < 9; i++)
        f[i] = (cpol_case_filter)CPOL_CASE_FILTER_INIT;
    f[1].area = &w->fx.station;
    f[2].area = &w->fx.compound;
    f[3].state = CPOL_CASE_CLOSED;
    f[4].state = CPOL_CASE_REPORTED;
    f[5].category = CPOL_CASE_NEIGHBOUR;
    f[6].team = &w->team;
    f[7].from = w->fx.now - 3 * DAY;
    f[7].to = w->fx.now;
    f[8].offset = 1;
    f[8].limit = 3;
    for (i = 0; i < 9; i++) {
        rc = cpol_case_iter_new(w->ctx, as, &f[i], &it);
        cw_probe_refusal(p, rc, "cpol_case_iter_new");
        while (rc == CPOL_OK && (rc = cpol_case_iter_next(it, &c)) == CPOL_OK)
            cw_probe_case(p, c, "cpol_case_iter_next");
        if (it)
            ck_assert_int_eq(rc, CPOL_DONE);
        cpol_case_iter_free(it);
        it = NULL;
    }
}

static void history_of(cw *w, const cpol_actor *as, const cpol_id *c, cw_probe *p)
{
    cpol_case_event_iter *it = NULL;
    const cpol_case_event *e;
    int rc = cpol_case_event_iter_new(w->ctx, as, c, &it);
    cw_probe_refusal(p, rc, "cpol_case_event_iter_new");
    while (rc == CPOL_OK && cpol_case_event_iter_next(it, &e) == CPOL_OK) {
        cw_probe_id(p, cpol_case_event_actor(e), "cpol_case_event_actor");
        cw_probe_id(p, cpol_case_event_subject(e), "cpol_case_event_subject");
        cw_probe_text(p, cpol_case_event_note(e), "cpol_case_event_note");
        /* a hidden actor hides its role too: "an informant did this" is the secret */
        if (!cpol_case_event_actor(e))
            ck_assert_int_ne(cpol_case_event_actor_role(e), CPOL_ROLE_INFORMANT);
    }
    cpol_case_event_iter_free(it);
}

static void read_histories(cw *w, const cpol_actor *as, const informant_world *iw, cw_probe *p)
{
    each_case(w, as, iw, p, history_of);
}

static void read_repeats(cw *w, const cpol_actor *as, const informant_world *iw, cw_probe *p)
{
    cpol_case_repeat_query q = CPOL_CASE_REPEAT_QUERY_INIT;
    cpol_case_repeat_iter *it;
    const cpol_case_repeat *r;
    int kind, rc;
    (void)iw;
    q.area = &w->fx.station;
    q.threshold = 2;
    for (kind = CPOL_REPEAT_PERSON; kind <= CPOL_REPEAT_CATEGORY; kind++) {
        q.kind = kind;
        rc = cpol_case_repeat_iter_new(w->ctx, as, &q, &it);
        cw_probe_refusal(p, rc, "cpol_case_repeat_iter_new");
        while (rc == CPOL_OK && cpol_case_repeat_iter_next(it, &r) == CPOL_OK) {
            cw_probe_id(p, cpol_case_repeat_person(r), "cpol_case_repeat_person");
            cw_probe_id(p, cpol_case_repeat_area(r), "cpol_case_repeat_area");
            cw_probe_id(p, cpol_case_repeat_newest(r), "cpol_case_repeat_newest");
            cw_probe_text(p, cpol_case_repeat_address(r), "cpol_case_repeat_address");
        }
        cpol_case_repeat_iter_free(it);
        it = NULL;
    }
}

static void responders_to(cw *w, const cpol_actor *as, const cpol_id *c, cw_probe *p)
{
    cpol_responder_iter *it = NULL;
    const cpol_responder *r;
    int rc = cpol_case_responders(w->ctx, as, c, 0, &it);
    cw_probe_refusal(p, rc, "cpol_case_responders");
    while (rc == CPOL_OK && cpol_responder_iter_next(it, &r) == CPOL_OK) {
        cw_probe_id(p, cpol_responder_person(r), "cpol_responder_person");
        cw_probe_id(p, cpol_responder_team(r), "cpol_responder_team");
    }
    cpol_responder_iter_free(it);
}

static void read_responders(cw *w, const cpol_actor *as, const informant_world *iw, cw_probe *p)
{
    each_case(w, as, iw, p, responders_to);
}

static void read_spot_checks(cw *w, const cpol_actor *as, const informant_world *iw, cw_probe *p)
{
    cpol_spot_check_iter *it;
    const cpol_spot_check *s;
    int pending, rc, n = 0;
    (void)iw;
    for (pending = 0; pending <= 1; pending++) {
        rc = cpol_spot_check_iter_new(w->ctx, as, &w->fx.station, pending, &it);
        cw_probe_refusal(p, rc, "cpol_spot_check_iter_new");
        while (rc == CPOL_OK && cpol_spot_check_iter_next(it, &s) == CPOL_OK) {
            cw_probe_id(p, cpol_spot_check_id(s), "cpol_spot_check_id");
            cw_probe_id(p, cpol_spot_check_case(s), "cpol_spot_check_case");
            cw_probe_text(p, cpol_spot_check_note(s), "cpol_spot_check_note");
            n++;
        }
        cpol_spot_check_iter_free(it);
        it = NULL;
    }
    if (cpol_actor_can(as, CPOL_PERM_CASE_VIEW))
        ck_assert_int_eq(n, 2); /* the mediated case, listed pending and in all */
}

static void read_overdue(cw *w, const cpol_actor *as, const informant_world *iw, cw_probe *p)
{
    cpol_case_overdue_iter *it = NULL;
    const cpol_case_overdue *o;
    int rc = cpol_case_tick(w->ctx, as, 0, &it);
    (void)iw;
    cw_probe_refusal(p, rc, "cpol_case_tick");
    while (rc == CPOL_OK && cpol_case_overdue_iter_next(it, &o) == CPOL_OK)
        cw_probe_id(p, cpol_case_overdue_case(o), "cpol_case_overdue_case");
    cpol_case_overdue_iter_free(it);
}

/* Numbers name nobody; they are the same for every reader who may read them. */
static void read_metrics(cw *w, const cpol_actor *as, const informant_world *iw, cw_probe *p)
{
    cpol_case_metrics_query q = CPOL_CASE_METRICS_QUERY_INIT;
    cpol_case_metrics *mine, *full;
    int metric, rc;
    (void)iw;
    q.area = &w->fx.station;
    rc = cpol_case_metrics_compute(w->ctx, as, &q, &mine);
    cw_probe_refusal(p, rc, "cpol_case_metrics_compute");
    if (rc != CPOL_OK)
        return;
    FX_OK(cpol_case_metrics_compute(w->ctx, w->sys, &q, &full));
    ck_assert_int_eq(cpol_case_metrics_count(mine, CPOL_METRIC_RECEIVED), 5);
    for (metric = CPOL_METRIC_RECEIVED; metric <= CPOL_METRIC_ESCALATIONS; metric++)
        ck_assert_int_eq(cpol_case_metrics_count(mine, metric), cpol_case_metrics_count(full, metric));
    cpol_case_metrics_free(mine);
    cpol_case_metrics_free(full);
}

static void read_open311(cw *w, const cpol_actor *as, const informant_world *iw, cw_probe *p)
{
    char *json = NULL, buf[16384];
    size_t needed = 0;
    int rc = cpol_case_open311_export(w->ctx, as, NULL, &json);
    (void)iw;
    cw_probe_refusal(p, rc, "cpol_case_open311_export");
    cw_probe_text(p, json, "cpol_case_open311_export");
    cpol_free(json);
    rc = cpol_case_open311_write(w->ctx, as, NULL, buf, sizeof buf, &needed);
    cw_probe_refusal(p, rc, "cpol_case_open311_write");
    if (rc == CPOL_OK)
        cw_probe_text(p, buf, "cpol_case_open311_write");
}

/* The summaries this module writes into the audit trail (read with audit.view). */
static void audit_of(cw *w, const cpol_actor *as, const cpol_id *c, cw_probe *p)
{
    cpol_audit_filter f = CPOL_AUDIT_FILTER_INIT;
    cpol_audit_iter *it = NULL;
    const cpol_audit_entry *e;
    int rc;
    f.object = c;
    rc = cpol_audit_iter_new(w->ctx, as, &f, &it);
    cw_probe_refusal(p, rc, "cpol_audit_iter_new");
    while (rc == CPOL_OK && cpol_audit_iter_next(it, &e) == CPOL_OK) {
        cw_probe_text(p, cpol_audit_entry_before(e), "audit before");
        cw_probe_text(p, cpol_audit_entry_after(e), "audit after");
        cw_probe_text(p, cpol_audit_entry_reason(e), "audit reason");
    }
    cpol_audit_iter_free(it);
}

static void read_audit_texts(cw *w, const cpol_actor *as, const informant_world *iw, cw_probe *p)
{
    each_case(w, as, iw, p, audit_of);
}

static const struct {
    const char *name;
    case_read_fn read;
    int names_informant; /* for a cleared reader */
} case_reads[] = {
    {"case get", read_gets, 1},
    {"case listings", read_listings, 1},
    {"case histories", read_histories, 1},
    {"repeat analysis", read_repeats, 1},
    {"nearest responders", read_responders, 1},
    {"spot checks", read_spot_checks, 0},
    {"overdue listing", read_overdue, 0},
    {"metrics", read_metrics, 0},
    {"Open311", read_open311, 0},
    {"audit summaries", read_audit_texts, 0},
};

#define NREADS (sizeof case_reads / sizeof case_reads[0])

/* Hits of the informant in every read of the table, as `as`; each leak is
 * printed where none may be. */
static int read_all(cw *w, const cpol_actor *as, const informant_world *iw, int hits[NREADS], int none)
{
    cw_probe p;
    size_t i;
    int total = 0;
    for (i = 0; i < NREADS; i++) {
        cw_probe_init(&p, &w->informant_id, INFORMANT);
        case_reads[i].read(w, as, iw, &p);
        hits[i] = p.hits;
        total += p.hits;
        if (p.hits && none)
            fprintf(stderr, "  %s as %s: %d, first in %s\n", case_reads[i].name, cpol_role_name(cpol_actor_role(as)),
                    p.hits, p.first);
    }
    return total;
}

START_TEST(who_tipped_leaks_through_no_case_read)
{
    cw w;
    informant_world iw;
    int hits[NREADS];
    size_t i, r;
    cw_open(&w, _i);
    informant_world_build(&w, &iw);
    {
        const cpol_actor *uncleared[] = {w.aux, w.analyst, w.grid, w.volunteer};
        for (r = 0; r < sizeof uncleared / sizeof uncleared[0]; r++)
            ck_assert_msg(read_all(&w, uncleared[r], &iw, hits, 1) == 0, "%s: the informant leaked as %s", w.fx.uri,
                          cpol_role_name(cpol_actor_role(uncleared[r])));
    }
    /* the officer (person.sensitive) finds them in every read that names people */
    read_all(&w, w.officer, &iw, hits, 0);
    for (i = 0; i < NREADS; i++)
        ck_assert_msg(!case_reads[i].names_informant || hits[i] > 0, "%s as the officer names nobody",
                      case_reads[i].name);
    /* the informant reads their own tip, the case they handled, their own report */
    read_all(&w, w.informant, &iw, hits, 0);
    ck_assert_int_gt(hits[0], 0);
    ck_assert_int_gt(hits[2], 0);
    cw_close(&w);
}
END_TEST

START_TEST(the_informants_other_cases_read_as_confidential_to_uncleared_readers)
{
    cw w;
    informant_world iw;
    cpol_case *c;
    cw_open(&w, _i);
    informant_world_build(&w, &iw);
    /* the hazard reported as an ordinary patrol finding: its reporter is masked like a confidential one */
    FX_OK(cpol_case_get(w.ctx, w.aux, &iw.ordinary, &c));
    ck_assert_ptr_null(cpol_case_reporter(c));
    ck_assert_int_eq(cpol_case_reporter_masked(c), 1);
    ck_assert_int_eq(cpol_case_confidential(c), 1);
    cpol_case_free(c);
    FX_OK(cpol_case_get(w.ctx, w.officer, &iw.ordinary, &c));
    ck_assert_int_eq(cpol_id_compare(cpol_case_reporter(c), &w.informant_id), 0);
    ck_assert_int_eq(cpol_case_confidential(c), 0);
    cpol_case_free(c);
    /* the case the informant mediated: no handler for the auxiliary, but tier and outcome stay */
    FX_OK(cpol_case_get(w.ctx, w.aux, &iw.handled, &c));
    ck_assert_ptr_null(cpol_case_handler(c));
    ck_assert_int_eq(cpol_case_tier(c), CPOL_TIER_ON_THE_SPOT);
    ck_assert_int_eq(cpol_case_outcome(c), CPOL_OUTCOME_MEDIATED);
    cpol_case_free(c);
    FX_OK(cpol_case_get(w.ctx, w.informant, &iw.handled, &c)); /* their own handling */
    ck_assert_int_eq(cpol_id_compare(cpol_case_handler(c), &w.informant_id), 0);
    cpol_case_free(c);
    cw_close(&w);
}
END_TEST

/* `said`, the message of a write naming the informant, reads exactly as the
 * last message, that of the same write naming `unknown`, an id of nobody. */
static void expect_said_as_for(cw *w, const char *said, const cpol_id *unknown)
{
    char expected[512], nobody[CPOL_ID_STRING_SIZE], informant[CPOL_ID_STRING_SIZE];
    const char *msg = cpol_error_message(), *at;
    FX_OK(cpol_id_format(unknown, nobody, sizeof nobody));
    FX_OK(cpol_id_format(&w->informant_id, informant, sizeof informant));
    at = strstr(msg, nobody);
    ck_assert_ptr_nonnull(at);
    snprintf(expected, sizeof expected, "%.*s%s%s", (int)(at - msg), msg, informant, at + strlen(nobody));
    ck_assert_str_eq(said, expected);
}

/* A write naming the informant, by a reader who may not know them, fails
 * exactly as for an id that names nobody. */
#define EXPECT_AS_FOR_NOBODY(w, naming_informant, naming_nobody, unknown)            \
    do {                                                                              \
        char said_[512];                                                              \
        FX_EXPECT(CPOL_ENOTFOUND, naming_informant);                                  \
        snprintf(said_, sizeof said_, "%s", cpol_error_message());                    \
        FX_EXPECT(CPOL_ENOTFOUND, naming_nobody);                                     \
        expect_said_as_for((w), said_, (unknown));                                    \
    } while (0)

START_TEST(writes_naming_the_informant_fail_as_for_nobody)
{
    cw w;
    cpol_id c, unknown, id;
    case_snap s;
    int64_t audits;
    cpol_case_fields f = CPOL_CASE_FIELDS_INIT, g;
    cw_open(&w, _i);
    FX_OK(cpol_id_new(w.ctx, &unknown));
    c = cw_report(&w, w.aux, CPOL_CASE_SOURCE_RESIDENT_COMPLAINT, CPOL_CASE_NEIGHBOUR, "邻里纠纷");
    cw_advance(&w, &c, CPOL_CASE_ASSESSED);
    s = cw_snap(&w, &c);
    audits = fx_audit_count(&w.fx);
    EXPECT_AS_FOR_NOBODY(&w, cpol_case_party_add(w.ctx, w.aux, &c, &w.informant_id, NULL, NULL),
                         cpol_case_party_add(w.ctx, w.aux, &c, &unknown, NULL, NULL), &unknown);
    EXPECT_AS_FOR_NOBODY(&w, cpol_case_assign(w.ctx, w.aux, &c, CPOL_TIER_ON_THE_SPOT, &w.informant_id, NULL, NULL),
                         cpol_case_assign(w.ctx, w.aux, &c, CPOL_TIER_ON_THE_SPOT, &unknown, NULL, NULL), &unknown);
    EXPECT_AS_FOR_NOBODY(&w, cpol_case_arrive(w.ctx, w.aux, &c, &w.informant_id, 0, NULL),
                         cpol_case_arrive(w.ctx, w.aux, &c, &unknown, 0, NULL), &unknown);
    EXPECT_AS_FOR_NOBODY(&w, cpol_duty_report(w.ctx, w.aux, &w.informant_id, YULONG_LAT, YULONG_LON, 1),
                         cpol_duty_report(w.ctx, w.aux, &unknown, YULONG_LAT, YULONG_LON, 1), &unknown);
    f.source = CPOL_CASE_SOURCE_RESIDENT_COMPLAINT;
    f.category = CPOL_CASE_NEIGHBOUR;
    f.description = "代报";
    f.reporter = &w.informant_id;
    g = f;
    g.reporter = &unknown;
    EXPECT_AS_FOR_NOBODY(&w, cw_report_fields(&w, w.aux, &f, &id), cw_report_fields(&w, w.aux, &g, &id), &unknown);
    cw_expect_unchanged(&w, &c, &s, "writes naming a hidden person");
    ck_assert_int_eq(fx_audit_count(&w.fx), audits);
    /* the officer may name them */
    FX_OK(cpol_case_assign(w.ctx, w.officer, &c, CPOL_TIER_ON_THE_SPOT, &w.informant_id, NULL, "就地劝解"));
    cw_close(&w);
}
END_TEST

/* ---- insiders: nobody judges their own work, nobody lowers a case by a detour ---- */

START_TEST(a_recorder_never_verifies_what_they_recorded)
{
    cw w;
    cpol_id lead;
    case_snap s;
    int64_t audits;
    cpol_case_fields f = CPOL_CASE_FIELDS_INIT;
    cw_open(&w, _i);
    FX_OK(cpol_earning_rule_set(w.ctx, w.leader, &w.fx.station, CPOL_EARN_CASE_LEAD, 10, 0, 0));
    /* the auxiliary records a lead in the property guard's name and screens it himself */
    f.source = CPOL_CASE_SOURCE_PROPERTY_ALERT;
    f.category = CPOL_CASE_THEFT_FRAUD;
    f.description = "监控发现有人撬车";
    f.reporter = &w.guard_id;
    FX_OK(cw_report_fields(&w, w.aux, &f, &lead));
    s = cw_snap(&w, &lead);
    audits = fx_audit_count(&w.fx);
    FX_EXPECT(CPOL_ERULE, cpol_case_verify(w.ctx, w.aux, &lead, "核实属实"));
    MESSAGE_HAS("nobody verifies a report they recorded, whatever reporter it names");
    cw_expect_unchanged(&w, &lead, &s, "verification by the recorder");
    ck_assert_int_eq(fx_audit_count(&w.fx), audits);
    ck_assert_int_eq(cw_balance(&w, &w.guard_id), 0);
    /* screened by someone else, the lead earns its reporter the points */
    FX_OK(cpol_case_verify(w.ctx, w.officer, &lead, NULL));
    ck_assert_int_eq(cw_balance(&w, &w.guard_id), 10);
    cw_close(&w);
}
END_TEST

/* The spot check drawn for case c in a sample of every case. */
static cpol_id check_of(cw *w, const cpol_id *c)
{
    cpol_spot_check_iter *it;
    const cpol_spot_check *s;
    cpol_id check;
    int found = 0;
    FX_OK(cpol_spot_check_iter_new(w->ctx, w->leader, &w->fx.station, 1, &it));
    while (cpol_spot_check_iter_next(it, &s) == CPOL_OK)
        if (cpol_id_compare(cpol_spot_check_case(s), c) == 0) {
            check = *cpol_spot_check_id(s);
            found = 1;
        }
    cpol_spot_check_iter_free(it);
    ck_assert_msg(found, "no pending spot check for the case");
    return check;
}

/* Refused: the case, its history, the audit trail and the check stay as they were. */
static void expect_refused_check(cw *w, const cpol_id *c, const cpol_actor *as, int result, const char *message)
{
    cpol_id check = check_of(w, c);
    case_snap s = cw_snap(w, c);
    int64_t audits = fx_audit_count(&w->fx);
    FX_EXPECT(CPOL_ERULE, cpol_spot_check_decide(w->ctx, as, &check, result, "抽查"));
    MESSAGE_HAS(message);
    cw_expect_unchanged(w, c, &s, "spot check by an insider");
    ck_assert_int_eq(fx_audit_count(&w->fx), audits);
    (void)check_of(w, c); /* still pending */
}

START_TEST(nobody_closes_or_checks_a_case_they_handled_or_saw_arriving)
{
    cw w;
    cpol_id handed, seen, own, witnessed, officer2_id;
    cpol_actor *officer2, *leader2;
    case_snap s;
    int64_t audits;
    cw_open(&w, _i);
    officer2 = cw_staff(&w, "王警官", CPOL_ROLE_OFFICER, &officer2_id);
    leader2 = cw_staff(&w, "副所长何", CPOL_ROLE_LEADER, NULL);

    /* the officer handles, records his own arrival and hands the case to a colleague who resolves it */
    handed = cw_report(&w, w.aux, CPOL_CASE_SOURCE_RESIDENT_COMPLAINT, CPOL_CASE_NEIGHBOUR, "噪音纠纷");
    cw_advance(&w, &handed, CPOL_CASE_HANDLING);
    FX_OK(cpol_case_assign(w.ctx, w.officer, &handed, CPOL_TIER_OFFICER, &officer2_id, NULL, "移交"));
    FX_OK(cpol_case_resolve(w.ctx, officer2, &handed, CPOL_OUTCOME_MEDIATED, NULL));
    cw_advance(&w, &handed, CPOL_CASE_FOLLOWED_UP);
    s = cw_snap(&w, &handed);
    audits = fx_audit_count(&w.fx);
    FX_EXPECT(CPOL_ERULE, cpol_case_close(w.ctx, w.officer, &handed, NULL));
    MESSAGE_HAS("nobody closes a case they handled");
    FX_EXPECT(CPOL_ERULE, cpol_case_close(w.ctx, officer2, &handed, NULL));
    MESSAGE_HAS("nobody closes a case they handled");
    cw_expect_unchanged(&w, &handed, &s, "close by an earlier handler");
    ck_assert_int_eq(fx_audit_count(&w.fx), audits);

    /* the colleague only recorded the property guard's arrival on the scene */
    seen = cw_report(&w, w.aux, CPOL_CASE_SOURCE_RESIDENT_COMPLAINT, CPOL_CASE_PROPERTY, "停车纠纷");
    cw_advance(&w, &seen, CPOL_CASE_ASSIGNED);
    FX_OK(cpol_case_arrive(w.ctx, officer2, &seen, &w.guard_id, 0, "保安先期到场"));
    FX_OK(cpol_case_resolve(w.ctx, w.officer, &seen, CPOL_OUTCOME_MEDIATED, NULL));
    cw_advance(&w, &seen, CPOL_CASE_FOLLOWED_UP);
    s = cw_snap(&w, &seen);
    audits = fx_audit_count(&w.fx);
    FX_EXPECT(CPOL_ERULE, cpol_case_close(w.ctx, officer2, &seen, NULL));
    MESSAGE_HAS("nobody closes a case whose arrival on the scene they recorded");
    cw_expect_unchanged(&w, &seen, &s, "close by who recorded an arrival");
    ck_assert_int_eq(fx_audit_count(&w.fx), audits);
    FX_OK(cpol_case_close(w.ctx, w.leader, &handed, NULL));
    FX_OK(cpol_case_close(w.ctx, w.leader, &seen, NULL));

    /* spot checks: the leader handled one case himself and recorded an arrival on another */
    own = cw_report(&w, w.aux, CPOL_CASE_SOURCE_DISPATCH_110, CPOL_CASE_FAMILY, "家暴警情");
    cw_advance(&w, &own, CPOL_CASE_VERIFIED);
    FX_OK(cpol_case_assess(w.ctx, w.officer, &own, CPOL_RISK_HIGH, NULL));
    FX_OK(cpol_case_assign(w.ctx, w.officer, &own, CPOL_TIER_LEADERSHIP, &w.leader_id, NULL, NULL));
    FX_OK(cpol_case_resolve(w.ctx, w.leader, &own, CPOL_OUTCOME_MEDIATED, NULL));
    witnessed = cw_report(&w, w.aux, CPOL_CASE_SOURCE_RESIDENT_COMPLAINT, CPOL_CASE_COMMERCIAL, "占道经营");
    cw_advance(&w, &witnessed, CPOL_CASE_ASSIGNED);
    FX_OK(cpol_case_arrive(w.ctx, w.leader, &witnessed, &w.guard_id, 0, NULL));
    FX_OK(cpol_case_resolve(w.ctx, w.officer, &witnessed, CPOL_OUTCOME_RECTIFIED, NULL));
    {
        cpol_spot_check_iter *it;
        FX_OK(cpol_spot_check_sample(w.ctx, w.leader, &w.fx.station, 0, 0, 1000, 42, &it));
        cpol_spot_check_iter_free(it);
    }
    expect_refused_check(&w, &own, w.leader, CPOL_SPOT_CONFIRMED, "nobody spot-checks a case they handled");
    expect_refused_check(&w, &own, w.leader, CPOL_SPOT_REOPENED, "nobody spot-checks a case they handled");
    expect_refused_check(&w, &witnessed, w.leader, CPOL_SPOT_CONFIRMED,
                         "nobody spot-checks a case whose arrival on the scene they recorded");
    {
        cpol_id a = check_of(&w, &own), b = check_of(&w, &witnessed);
        FX_OK(cpol_spot_check_decide(w.ctx, leader2, &a, CPOL_SPOT_CONFIRMED, NULL));
        FX_OK(cpol_spot_check_decide(w.ctx, leader2, &b, CPOL_SPOT_REOPENED, "未整改到位"));
    }
    cpol_actor_free(officer2);
    cpol_actor_free(leader2);
    cw_close(&w);
}
END_TEST

/* Refused as a de-escalation: nothing changed. */
#define EXPECT_LOWERING_REFUSED(w, c, code, call, message)                      \
    do {                                                                        \
        case_snap s_ = cw_snap((w), (c));                                       \
        int64_t audits_ = fx_audit_count(&(w)->fx);                             \
        FX_EXPECT((code), (call));                                              \
        MESSAGE_HAS(message);                                                   \
        cw_expect_unchanged((w), (c), &s_, #call);                              \
        ck_assert_int_eq(fx_audit_count(&(w)->fx), audits_);                    \
    } while (0)

START_TEST(lowering_a_case_needs_case_deescalate_on_every_path)
{
    cw w;
    cpol_id c, reopened;
    cpol_case *k;
    cw_open(&w, _i);
    c = cw_report(&w, w.grid, CPOL_CASE_SOURCE_GRID_WORKER, CPOL_CASE_FAMILY, "家暴隐患");
    cw_advance(&w, &c, CPOL_CASE_VERIFIED);
    FX_OK(cpol_case_assess(w.ctx, w.officer, &c, CPOL_RISK_HIGH, "重点高危"));
    FX_OK(cpol_case_assign(w.ctx, w.officer, &c, CPOL_TIER_LEADERSHIP, &w.leader_id, NULL, NULL));

    /* the auxiliary holds case.triage, not case.deescalate: no lower grade ... */
    EXPECT_LOWERING_REFUSED(&w, &c, CPOL_EPERM, cpol_case_assess(w.ctx, w.aux, &c, CPOL_RISK_GENERAL, "一般纠纷"),
                            "reassessing from risk grade high to general lowers the case, a de-escalation: it "
                            "needs permission case.deescalate, which 张辅警 acting as auxiliary officer");
    /* ... and the detour assess-general → refer → decline → assign stops at its first step; the rest keeps the tier */
    FX_OK(cpol_case_refer(w.ctx, w.aux, &c, "民政", w.fx.now + DAY, NULL, NULL));
    FX_OK(cpol_case_referral_reply(w.ctx, w.aux, &c, 0, "不属本部门职责", 0));
    ck_assert_int_eq(cw_state(&w, &c), CPOL_CASE_ASSESSED);
    EXPECT_LOWERING_REFUSED(&w, &c, CPOL_ERULE,
                            cpol_case_assign(w.ctx, w.aux, &c, CPOL_TIER_TEAM, &w.aux_id, &w.team, NULL),
                            "risk grade high needs at least the station leadership tier");
    /* an officer may lower the grade, with a reason */
    EXPECT_LOWERING_REFUSED(&w, &c, CPOL_EINVALID, cpol_case_assess(w.ctx, w.officer, &c, CPOL_RISK_GENERAL, NULL),
                            "lowers the case, a de-escalation: give the reason as the note");
    FX_OK(cpol_case_assess(w.ctx, w.officer, &c, CPOL_RISK_GENERAL, "经评估风险已消除"));
    /* the case was at station leadership: assigning it lower after the declined referral is a de-escalation */
    EXPECT_LOWERING_REFUSED(&w, &c, CPOL_EPERM,
                            cpol_case_assign(w.ctx, w.aux, &c, CPOL_TIER_TEAM, &w.aux_id, &w.team, NULL),
                            "assigning at the team tier a case that was at the station leadership tier lowers the "
                            "case, a de-escalation");
    EXPECT_LOWERING_REFUSED(&w, &c, CPOL_EINVALID,
                            cpol_case_assign(w.ctx, w.officer, &c, CPOL_TIER_TEAM, &w.aux_id, &w.team, NULL),
                            "give the reason as the note");
    FX_OK(cpol_case_assign(w.ctx, w.officer, &c, CPOL_TIER_TEAM, &w.aux_id, &w.team, "辅警上门调解即可"));
    FX_OK(cpol_case_get(w.ctx, w.officer, &c, &k));
    ck_assert_int_eq(cpol_case_tier(k), CPOL_TIER_TEAM);
    ck_assert_int_eq(cpol_case_risk_grade(k), CPOL_RISK_GENERAL);
    cpol_case_free(k);

    /* reopening sends a case back to triage: its tier too is not lowered without the permission */
    reopened = cw_report(&w, w.aux, CPOL_CASE_SOURCE_RESIDENT_COMPLAINT, CPOL_CASE_NEIGHBOUR, "漏水纠纷");
    cw_advance(&w, &reopened, CPOL_CASE_CLOSED); /* at the community officer tier */
    FX_OK(cpol_case_reopen(w.ctx, w.officer, &reopened, "回访发现复发"));
    EXPECT_LOWERING_REFUSED(&w, &reopened, CPOL_EPERM,
                            cpol_case_assign(w.ctx, w.aux, &reopened, CPOL_TIER_ON_THE_SPOT, &w.head_id, NULL, NULL),
                            "assigning at the on the spot tier a case that was at the community officer tier");
    FX_OK(cpol_case_assign(w.ctx, w.aux, &reopened, CPOL_TIER_OFFICER, &w.officer_id, NULL, NULL));
    /* raising the grade stays a plain triage step */
    FX_OK(cpol_case_assess(w.ctx, w.aux, &reopened, CPOL_RISK_ATTENTION, NULL));
    cw_close(&w);
}
END_TEST

static Suite *trust_suite(void)
{
    Suite *s = suite_create("case_trust");
    TCase *tc = tcase_create("trust");
    tcase_set_timeout(tc, 180);
    tcase_add_loop_test(tc, who_tipped_leaks_through_no_case_read, 0, 2);
    tcase_add_loop_test(tc, the_informants_other_cases_read_as_confidential_to_uncleared_readers, 0, 2);
    tcase_add_loop_test(tc, writes_naming_the_informant_fail_as_for_nobody, 0, 2);
    tcase_add_loop_test(tc, a_recorder_never_verifies_what_they_recorded, 0, 2);
    tcase_add_loop_test(tc, nobody_closes_or_checks_a_case_they_handled_or_saw_arriving, 0, 2);
    tcase_add_loop_test(tc, lowering_a_case_needs_case_deescalate_on_every_path, 0, 2);
    suite_add_tcase(s, tc);
    return s;
}

int main(void)
{
    SRunner *sr = srunner_create(trust_suite());
    int failed;
    srunner_run_all(sr, CK_NORMAL);
    failed = srunner_ntests_failed(sr);
    srunner_free(sr);
    return failed ? EXIT_FAILURE : EXIT_SUCCESS;
}
