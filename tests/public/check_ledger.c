/* Public API: the points ledger and the service-station shop, on both
 * backends: earning rules and caps, idempotent awards, reversals, holds,
 * redemptions, refunds, the yearly clearing, statements, batches,
 * verification, and two processes redeeming from one wallet. */
#define _POSIX_C_SOURCE 200809L
#include <check.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/wait.h>
#include <unistd.h>

#include <commpolice/commpolice.h>

#include "fixture.h"

static fx_world w;
static cpol_actor *officer, *aux, *operator_;
static cpol_id officer_id;

static void setup(int backend)
{
    fx_open(&w, backend);
    officer = fx_staff(&w, "张警官", 1, CPOL_ROLE_OFFICER, &officer_id);
    aux = fx_staff(&w, "李辅警", 2, CPOL_ROLE_AUXILIARY, NULL);
    operator_ = fx_staff(&w, "服务站小刘", 3, CPOL_ROLE_OPERATOR, NULL);
    FX_OK(cpol_earning_rule_set(w.ctx, officer, &w.station, CPOL_EARN_PATROL, 10, 30, 200));
    FX_OK(cpol_earning_rule_set(w.ctx, officer, &w.station, CPOL_EARN_PUBLICITY, 5, 0, 0));
    FX_OK(cpol_earning_rule_set(w.ctx, officer, &w.station, CPOL_EARN_CASE_LEAD, 50, 0, 0));
}

static void teardown(void)
{
    cpol_actor_free(officer);
    cpol_actor_free(aux);
    cpol_actor_free(operator_);
    fx_close(&w);
}

static cpol_id new_id(void)
{
    cpol_id id;
    FX_OK(cpol_id_new(w.ctx, &id));
    return id;
}

static int64_t balance(const cpol_id *person, int64_t *available)
{
    int64_t b;
    FX_OK(cpol_points_balance(w.ctx, w.sys, person, &b, available));
    return b;
}

/* A station rule set aside while a test makes a source, so the library's
 * own award does not pay it: a manual award needs an unrewarded source. */
typedef struct saved_rule {
    int kind;
    int64_t points, daily, monthly;
} saved_rule;

static saved_rule suspend_rule(int kind)
{
    saved_rule r;
    r.kind = kind;
    FX_OK(cpol_earning_rule_get(w.ctx, w.sys, &w.station, kind, &r.points, &r.daily, &r.monthly));
    if (r.points)
        FX_OK(cpol_earning_rule_set(w.ctx, w.sys, &w.station, kind, 0, 0, 0));
    return r;
}

static void restore_rule(saved_rule r)
{
    if (r.points)
        FX_OK(cpol_earning_rule_set(w.ctx, w.sys, &w.station, r.kind, r.points, r.daily, r.monthly));
}

/* A patrol or publicity shift for n people, under way since a minute ago. */
static cpol_id shift_now(int shift_kind, int n)
{
    cpol_shift_fields f = CPOL_SHIFT_FIELDS_INIT;
    cpol_id shift;
    f.area = &w.community;
    f.kind = shift_kind;
    f.title = shift_kind == CPOL_SHIFT_PATROL ? "夜间巡逻" : "反诈宣传";
    f.starts_at = w.now - 60000;
    f.ends_at = w.now + 3600 * 1000;
    f.capacity = n;
    FX_OK(cpol_shift_create(w.ctx, aux, &f, &shift));
    return shift;
}

/* Completed sign-ups of people[0..n) for one new patrol or publicity shift,
 * made with the rule suspended: unrewarded sources. */
static void done_signups(const cpol_id *people, int n, int shift_kind, cpol_id *out)
{
    saved_rule r = suspend_rule(shift_kind == CPOL_SHIFT_PATROL ? CPOL_EARN_PATROL : CPOL_EARN_PUBLICITY);
    cpol_id shift = shift_now(shift_kind, n);
    int i;
    for (i = 0; i < n; i++) {
        FX_OK(cpol_shift_signup(w.ctx, aux, &shift, &people[i], &out[i]));
        FX_OK(cpol_signup_check_in(w.ctx, aux, &out[i]));
        FX_OK(cpol_signup_complete(w.ctx, aux, &out[i], 30));
    }
    restore_rule(r);
}

/* A case reported now by `reporter` acting in `role`. */
static cpol_id report(const cpol_id *reporter, int role, int source)
{
    cpol_case_fields f = CPOL_CASE_FIELDS_INIT;
    cpol_actor *as;
    cpol_id id;
    FX_OK(cpol_actor_open(w.ctx, reporter, role, &as));
    f.source = source;
    f.category = CPOL_CASE_PUBLIC_ORDER;
    f.area = &w.compound;
    f.address = "玉龙小区3栋";
    f.description = "楼道里有陌生人反复试门";
    FX_OK(cpol_case_report(w.ctx, as, &f, &id));
    cpol_actor_free(as);
    return id;
}

/* A verified lead of a volunteer, verified with the lead rule suspended. */
static cpol_id unrewarded_lead(const cpol_id *person)
{
    cpol_id c = report(person, CPOL_ROLE_VOLUNTEER, CPOL_CASE_SOURCE_VOLUNTEER_PATROL);
    saved_rule r = suspend_rule(CPOL_EARN_CASE_LEAD);
    FX_OK(cpol_case_verify(w.ctx, aux, &c, "核实属实"));
    restore_rule(r);
    return c;
}

/* A real unrewarded source of `kind` done by `person`. */
static cpol_id source_for(const cpol_id *person, int kind)
{
    cpol_id s;
    if (kind == CPOL_EARN_CASE_LEAD)
        return unrewarded_lead(person);
    done_signups(person, 1, kind == CPOL_EARN_PATROL ? CPOL_SHIFT_PATROL : CPOL_SHIFT_PUBLICITY, &s);
    return s;
}

/* A manual award by the auxiliary for `src`; returns the amount. */
static int64_t award_for(const cpol_id *person, int kind, const cpol_id *src)
{
    cpol_id req = new_id();
    int64_t amount = 0;
    FX_OK(cpol_points_award(w.ctx, aux, &req, person, kind, src, NULL, &amount));
    return amount;
}

/* A manual award by the auxiliary for a new real source. */
static int64_t award(const cpol_id *person, int kind)
{
    cpol_id src = source_for(person, kind);
    return award_for(person, kind, &src);
}

static void verify(void)
{
    int64_t n;
    FX_OK(cpol_ledger_verify(w.ctx, w.sys, &n));
}

static int64_t stock(const cpol_id *item)
{
    cpol_shop_item *it;
    int64_t n;
    FX_OK(cpol_shop_item_get(w.ctx, w.sys, item, &it));
    n = cpol_shop_item_stock(it);
    cpol_shop_item_free(it);
    return n;
}

/* What a refused call could have changed: the audit trail, the points of
 * up to three people, an item's stock. */
typedef struct snap {
    int64_t audit, balance[3], available[3], stock;
} snap;

static snap take(const cpol_id *people, int n, const cpol_id *item)
{
    snap s;
    int i;
    memset(&s, 0, sizeof s);
    s.audit = fx_audit_count(&w);
    for (i = 0; i < n; i++)
        s.balance[i] = balance(&people[i], &s.available[i]);
    s.stock = item ? stock(item) : 0;
    return s;
}

static void unchanged(const snap *before, const cpol_id *people, int n, const cpol_id *item)
{
    snap after = take(people, n, item);
    ck_assert_int_eq(after.audit, before->audit);
    ck_assert_int_eq(after.stock, before->stock);
    ck_assert_int_eq(memcmp(after.balance, before->balance, sizeof after.balance), 0);
    ck_assert_int_eq(memcmp(after.available, before->available, sizeof after.available), 0);
}

/* ck_assert the last error message is exactly "<what> <id> does not exist",
 * as for an id that names nothing. */
static void expect_unknown(const char *what, const cpol_id *id)
{
    char text[37], want[96];
    cpol_id_format(id, text, sizeof text);
    snprintf(want, sizeof want, "%s %s does not exist", what, text);
    ck_assert_str_eq(cpol_error_message(), want);
}

START_TEST(yulong_volunteers_earn_and_redeem)
{
    cpol_id vols[43], patrols[2][43], publicity[43], soap, rice;
    int i, redeemed = 0, out_of_stock = 0;
    int64_t total = 0;
    setup(_i);
    FX_OK(cpol_shop_item_create(w.ctx, officer, &w.station, "洗衣粉", 30, 100, &soap));
    FX_OK(cpol_shop_item_create(w.ctx, officer, &w.station, "大米 5kg", 70, 10, &rice));
    FX_OK(cpol_batch_begin(w.ctx));
    for (i = 0; i < 43; i++)
        vols[i] = fx_volunteer(&w, "玉龙义警", 100 + i, CPOL_ROLE_VOLUNTEER);
    done_signups(vols, 43, CPOL_SHIFT_PATROL, patrols[0]);
    done_signups(vols, 43, CPOL_SHIFT_PATROL, patrols[1]);
    done_signups(vols, 43, CPOL_SHIFT_PUBLICITY, publicity);
    FX_OK(cpol_batch_commit(w.ctx));
    /* two patrols and a publicity session each; every third brings a verified lead */
    for (i = 0; i < 43; i++) {
        total += award_for(&vols[i], CPOL_EARN_PATROL, &patrols[0][i]);
        total += award_for(&vols[i], CPOL_EARN_PATROL, &patrols[1][i]);
        total += award_for(&vols[i], CPOL_EARN_PUBLICITY, &publicity[i]);
        if (i % 3 == 0)
            total += award(&vols[i], CPOL_EARN_CASE_LEAD);
    }
    ck_assert_int_eq(total, 43 * 25 + 15 * 50);
    ck_assert_int_eq(balance(&vols[0], NULL), 75);
    ck_assert_int_eq(balance(&vols[1], NULL), 25);
    /* the 15 with a lead want rice; there are 10 sacks */
    for (i = 0; i < 43; i += 3) {
        cpol_id receipt = new_id();
        int64_t charged = 0;
        int rc = cpol_shop_redeem(w.ctx, operator_, &receipt, &vols[i], &rice, 1, 0, &charged);
        if (rc == CPOL_OK) {
            ck_assert_int_eq(charged, 70);
            ck_assert_int_eq(balance(&vols[i], NULL), 5);
            redeemed++;
        } else {
            ck_assert_msg(rc == CPOL_ELIMIT, "%s", cpol_error_message());
            ck_assert(strstr(cpol_error_message(), "in stock") != NULL);
            ck_assert_int_eq(balance(&vols[i], NULL), 75);
            out_of_stock++;
        }
    }
    ck_assert_int_eq(redeemed, 10);
    ck_assert_int_eq(out_of_stock, 5);
    {
        cpol_id receipt = new_id();
        FX_EXPECT(CPOL_EFUNDS, cpol_shop_redeem(w.ctx, operator_, &receipt, &vols[1], &soap, 1, 0, NULL));
        ck_assert(strstr(cpol_error_message(), "30 points needed, 25 available") != NULL);
    }
    ck_assert_int_eq(stock(&rice), 0);
    verify();
    teardown();
}
END_TEST

START_TEST(awards_follow_rules_and_caps)
{
    cpol_id v, req, src, other;
    cpol_actor *vol;
    int64_t amount;
    setup(_i);
    v = fx_volunteer(&w, "义警甲", 100, CPOL_ROLE_VOLUNTEER);
    other = fx_volunteer(&w, "义警乙", 101, CPOL_ROLE_VOLUNTEER);
    FX_OK(cpol_actor_open(w.ctx, &v, CPOL_ROLE_VOLUNTEER, &vol));
    /* patrol: 10 points, 30 a day, 200 a month */
    ck_assert_int_eq(award(&v, CPOL_EARN_PATROL), 10);
    ck_assert_int_eq(award(&v, CPOL_EARN_PATROL), 10);
    ck_assert_int_eq(award(&v, CPOL_EARN_PATROL), 10);
    req = new_id();
    src = source_for(&v, CPOL_EARN_PATROL);
    FX_EXPECT(CPOL_ELIMIT, cpol_points_award(w.ctx, aux, &req, &v, CPOL_EARN_PATROL, &src, NULL, NULL));
    ck_assert(strstr(cpol_error_message(), "daily cap") != NULL);
    w.now += 24LL * 3600 * 1000; /* next day */
    ck_assert_int_eq(award(&v, CPOL_EARN_PATROL), 10);
    ck_assert_int_eq(balance(&v, NULL), 40);
    /* no rule for training at this station */
    FX_EXPECT(CPOL_ERULE, cpol_points_award(w.ctx, aux, &req, &v, CPOL_EARN_TRAINING, &src, NULL, NULL));
    fx_expect_message("no earning rule for training");
    /* nobody awards themselves, and a volunteer may not award at all */
    {
        cpol_id aux_person = *cpol_actor_person(aux);
        FX_EXPECT(CPOL_ERULE, cpol_points_award(w.ctx, aux, &req, &aux_person, CPOL_EARN_PATROL, &src, NULL, NULL));
        ck_assert(strstr(cpol_error_message(), "themselves") != NULL);
    }
    FX_EXPECT(CPOL_EPERM, cpol_points_award(w.ctx, vol, &req, &other, CPOL_EARN_PATROL, &src, NULL, NULL));
    ck_assert(strstr(cpol_error_message(), "points.award") != NULL);
    /* one source earns once, whatever the request id */
    src = source_for(&other, CPOL_EARN_PUBLICITY);
    FX_OK(cpol_points_award(w.ctx, aux, &req, &other, CPOL_EARN_PUBLICITY, &src, NULL, &amount));
    {
        cpol_id req2 = new_id();
        FX_EXPECT(CPOL_ECONFLICT, cpol_points_award(w.ctx, aux, &req2, &other, CPOL_EARN_PUBLICITY, &src, NULL, NULL));
        fx_expect_message("already rewarded for publicity");
    }
    /* bad input */
    FX_EXPECT(CPOL_EINVALID, cpol_points_award(w.ctx, aux, &req, &v, 99, &src, NULL, NULL));
    FX_EXPECT(CPOL_EMISUSE, cpol_points_award(w.ctx, aux, NULL, &v, CPOL_EARN_PATROL, &src, NULL, NULL));
    FX_EXPECT(CPOL_EUTF8, cpol_points_award(w.ctx, aux, &req, &v, CPOL_EARN_PATROL, &src, "\xC3", NULL));
    FX_EXPECT(CPOL_EINVALID, cpol_earning_rule_set(w.ctx, officer, &w.station, CPOL_EARN_PATROL, -1, 0, 0));
    FX_EXPECT(CPOL_EINVALID, cpol_earning_rule_set(w.ctx, officer, &w.community, CPOL_EARN_PATROL, 5, 0, 0));
    FX_EXPECT(CPOL_EPERM, cpol_earning_rule_set(w.ctx, aux, &w.station, CPOL_EARN_PATROL, 5, 0, 0));
    {
        int64_t p, d, m;
        FX_OK(cpol_earning_rule_get(w.ctx, aux, &w.station, CPOL_EARN_PATROL, &p, &d, &m)); /* reference data */
        ck_assert_int_eq(p, 10);
        ck_assert_int_eq(d, 30);
        ck_assert_int_eq(m, 200);
    }
    ck_assert_int_eq(balance(&v, NULL), 40);
    /* a soft limit flags, never refuses */
    FX_EXPECT(CPOL_EPERM, cpol_points_set_soft_limit(w.ctx, aux, &v, 45));
    FX_EXPECT(CPOL_EINVALID, cpol_points_set_soft_limit(w.ctx, officer, &v, -1));
    FX_OK(cpol_points_set_soft_limit(w.ctx, officer, &v, 45));
    {
        cpol_transfer *t;
        cpol_id r1 = new_id(), s1 = source_for(&v, CPOL_EARN_PUBLICITY);
        FX_OK(cpol_points_award(w.ctx, aux, &r1, &v, CPOL_EARN_PUBLICITY, &s1, NULL, NULL)); /* 45: not above */
        FX_OK(cpol_transfer_get(w.ctx, aux, &r1, &t));
        ck_assert_int_eq(cpol_transfer_flagged(t), 0);
        cpol_transfer_free(t);
        r1 = new_id();
        s1 = source_for(&v, CPOL_EARN_PUBLICITY);
        FX_OK(cpol_points_award(w.ctx, aux, &r1, &v, CPOL_EARN_PUBLICITY, &s1, NULL, NULL)); /* 50: above */
        FX_OK(cpol_transfer_get(w.ctx, aux, &r1, &t));
        ck_assert_int_eq(cpol_transfer_flagged(t), 1);
        cpol_transfer_free(t);
    }
    ck_assert_int_eq(balance(&v, NULL), 50);
    verify();
    cpol_actor_free(vol);
    teardown();
}
END_TEST

START_TEST(replays_are_idempotent_and_conflicts_named)
{
    enum { N = 2000 };
    cpol_id v[4], *reqs, *srcs;
    int i;
    int64_t before[4], amount;
    setup(_i);
    FX_OK(cpol_earning_rule_set(w.ctx, officer, &w.station, CPOL_EARN_PATROL, 1, 0, 0));
    for (i = 0; i < 4; i++)
        v[i] = fx_volunteer(&w, "义警", 100 + i, CPOL_ROLE_VOLUNTEER);
    reqs = malloc(N * sizeof *reqs);
    srcs = malloc(N * sizeof *srcs);
    FX_OK(cpol_batch_begin(w.ctx));
    for (i = 0; i < N; i += 4)
        done_signups(v, 4, CPOL_SHIFT_PATROL, &srcs[i]); /* srcs[i] is v[i % 4]'s */
    for (i = 0; i < N; i++) {
        reqs[i] = new_id();
        FX_OK(cpol_points_award(w.ctx, aux, &reqs[i], &v[i % 4], CPOL_EARN_PATROL, &srcs[i], "巡逻", NULL));
    }
    FX_OK(cpol_batch_commit(w.ctx));
    for (i = 0; i < 4; i++)
        before[i] = balance(&v[i], NULL);
    ck_assert_int_eq(before[0], N / 4);
    /* a kiosk retrying every request after a dropped connection */
    FX_OK(cpol_batch_begin(w.ctx));
    for (i = 0; i < N; i++) {
        amount = 0;
        FX_EXPECT(CPOL_ALREADY, cpol_points_award(w.ctx, aux, &reqs[i], &v[i % 4], CPOL_EARN_PATROL, &srcs[i], "巡逻", &amount));
        ck_assert_int_eq(amount, 1);
    }
    FX_OK(cpol_batch_commit(w.ctx));
    for (i = 0; i < 4; i++)
        ck_assert_int_eq(balance(&v[i], NULL), before[i]);
    /* same id, different content: the differing field is named */
    FX_EXPECT(CPOL_ECONFLICT, cpol_points_award(w.ctx, aux, &reqs[0], &v[1], CPOL_EARN_PATROL, &srcs[0], "巡逻", NULL));
    ck_assert(strstr(cpol_error_message(), "person") != NULL);
    FX_EXPECT(CPOL_ECONFLICT, cpol_points_award(w.ctx, aux, &reqs[0], &v[0], CPOL_EARN_PUBLICITY, &srcs[0], "巡逻", NULL));
    ck_assert(strstr(cpol_error_message(), "earning kind") != NULL);
    FX_EXPECT(CPOL_ECONFLICT, cpol_points_award(w.ctx, aux, &reqs[0], &v[0], CPOL_EARN_PATROL, &srcs[1], "巡逻", NULL));
    ck_assert(strstr(cpol_error_message(), "source") != NULL);
    FX_EXPECT(CPOL_ECONFLICT, cpol_points_award(w.ctx, aux, &reqs[0], &v[0], CPOL_EARN_PATROL, &srcs[0], "别的", NULL));
    ck_assert(strstr(cpol_error_message(), "memo") != NULL);
    for (i = 0; i < 4; i++)
        ck_assert_int_eq(balance(&v[i], NULL), before[i]);
    verify();
    free(reqs);
    free(srcs);
    teardown();
}
END_TEST

START_TEST(holds_resolve_exactly_once)
{
    cpol_id v, item, h1, h2, h3;
    int status;
    int64_t avail;
    setup(_i);
    v = fx_volunteer(&w, "义警甲", 100, CPOL_ROLE_VOLUNTEER);
    FX_OK(cpol_shop_item_create(w.ctx, officer, &w.station, "食用油", 20, 5, &item));
    award(&v, CPOL_EARN_CASE_LEAD); /* 50 */
    h1 = new_id();
    h2 = new_id();
    h3 = new_id();
    FX_OK(cpol_shop_redeem(w.ctx, operator_, &h1, &v, &item, 1, 60000, NULL));
    FX_OK(cpol_shop_redeem(w.ctx, operator_, &h2, &v, &item, 1, 60000, NULL));
    ck_assert_int_eq(balance(&v, &avail), 50);
    ck_assert_int_eq(avail, 10); /* holds count against the balance at once */
    FX_EXPECT(CPOL_EFUNDS, cpol_shop_redeem(w.ctx, operator_, &h3, &v, &item, 1, 60000, NULL));
    ck_assert_int_eq(stock(&item), 3);
    /* post one, void the other */
    FX_OK(cpol_hold_post(w.ctx, operator_, &h1));
    FX_EXPECT(CPOL_ALREADY, cpol_hold_post(w.ctx, operator_, &h1));
    FX_EXPECT(CPOL_ESTATE, cpol_hold_void(w.ctx, operator_, &h1));
    FX_OK(cpol_hold_void(w.ctx, operator_, &h2));
    FX_EXPECT(CPOL_ALREADY, cpol_hold_void(w.ctx, operator_, &h2));
    FX_EXPECT(CPOL_ESTATE, cpol_hold_post(w.ctx, operator_, &h2));
    ck_assert_int_eq(balance(&v, &avail), 30);
    ck_assert_int_eq(avail, 30);
    ck_assert_int_eq(stock(&item), 4);
    /* a hold that times out releases points and stock, and cannot be posted */
    FX_OK(cpol_shop_redeem(w.ctx, operator_, &h3, &v, &item, 1, 60000, NULL));
    ck_assert_int_eq(balance(&v, &avail), 30);
    ck_assert_int_eq(avail, 10);
    w.now += 61000;
    FX_OK(cpol_hold_status(w.ctx, operator_, &h3, &status));
    ck_assert_int_eq(status, CPOL_HOLD_EXPIRED);
    FX_EXPECT(CPOL_ESTATE, cpol_hold_post(w.ctx, operator_, &h3));
    ck_assert(strstr(cpol_error_message(), "expired") != NULL);
    ck_assert_int_eq(balance(&v, &avail), 30);
    ck_assert_int_eq(avail, 30);
    FX_OK(cpol_hold_status(w.ctx, operator_, &h1, &status));
    ck_assert_int_eq(status, CPOL_HOLD_POSTED);
    {
        int64_t n = -1;
        FX_OK(cpol_hold_expire_due(w.ctx, officer, &n));
        ck_assert_int_eq(n, 0);
    }
    verify();
    teardown();
}
END_TEST

START_TEST(redemptions_refunds_and_retries)
{
    cpol_id v, item, receipt, refund;
    cpol_actor *vol;
    int64_t charged;
    int status;
    setup(_i);
    v = fx_volunteer(&w, "义警甲", 100, CPOL_ROLE_VOLUNTEER);
    FX_OK(cpol_actor_open(w.ctx, &v, CPOL_ROLE_VOLUNTEER, &vol));
    FX_OK(cpol_shop_item_create(w.ctx, officer, &w.station, "毛巾", 5, 10, &item));
    FX_EXPECT(CPOL_EEXISTS, cpol_shop_item_create(w.ctx, officer, &w.station, "毛巾", 5, 10, NULL));
    award(&v, CPOL_EARN_CASE_LEAD); /* 50 */
    receipt = new_id();
    FX_EXPECT(CPOL_EPERM, cpol_shop_redeem(w.ctx, vol, &receipt, &v, &item, 2, 0, NULL));
    ck_assert(strstr(cpol_error_message(), "points.redeem") != NULL);
    FX_EXPECT(CPOL_EINVALID, cpol_shop_redeem(w.ctx, operator_, &receipt, &v, &item, 0, 0, NULL));
    FX_EXPECT(CPOL_EINVALID, cpol_shop_redeem(w.ctx, operator_, &receipt, &v, &item, 1, -5, NULL));
    FX_EXPECT(CPOL_ELIMIT, cpol_shop_redeem(w.ctx, operator_, &receipt, &v, &item, 11, 0, NULL));
    FX_OK(cpol_shop_redeem(w.ctx, operator_, &receipt, &v, &item, 2, 0, &charged));
    ck_assert_int_eq(charged, 10);
    /* the kiosk crashed and retries: no second charge */
    charged = 0;
    FX_EXPECT(CPOL_ALREADY, cpol_shop_redeem(w.ctx, operator_, &receipt, &v, &item, 2, 0, &charged));
    ck_assert_int_eq(charged, 10);
    FX_EXPECT(CPOL_ECONFLICT, cpol_shop_redeem(w.ctx, operator_, &receipt, &v, &item, 3, 0, NULL));
    ck_assert(strstr(cpol_error_message(), "quantity") != NULL);
    ck_assert_int_eq(balance(&v, NULL), 40);
    ck_assert_int_eq(stock(&item), 8);
    /* refund: points back, stock back, once */
    refund = new_id();
    FX_EXPECT(CPOL_EINVALID, cpol_shop_refund(w.ctx, officer, &refund, &receipt, ""));
    FX_EXPECT(CPOL_EPERM, cpol_shop_refund(w.ctx, operator_, &refund, &receipt, "退货"));
    FX_OK(cpol_shop_refund(w.ctx, officer, &refund, &receipt, "退货"));
    FX_EXPECT(CPOL_ALREADY, cpol_shop_refund(w.ctx, officer, &refund, &receipt, "退货"));
    {
        cpol_id again = new_id();
        FX_EXPECT(CPOL_ECONFLICT, cpol_shop_refund(w.ctx, officer, &again, &receipt, "再退"));
    }
    FX_OK(cpol_shop_redemption_status(w.ctx, vol, &receipt, &status)); /* one's own */
    ck_assert_int_eq(status, CPOL_REDEMPTION_REFUNDED);
    ck_assert_int_eq(balance(&v, NULL), 50);
    ck_assert_int_eq(stock(&item), 10);
    FX_EXPECT(CPOL_ELIMIT, cpol_shop_item_restock(w.ctx, officer, &item, -11));
    FX_OK(cpol_shop_item_restock(w.ctx, officer, &item, 5));
    FX_OK(cpol_shop_item_set_price(w.ctx, officer, &item, 6));
    verify();
    cpol_actor_free(vol);
    teardown();
}
END_TEST

START_TEST(false_lead_reversed_once)
{
    cpol_id v, req, src, rev, again, item, receipt;
    cpol_transfer *t;
    setup(_i);
    v = fx_volunteer(&w, "义警甲", 100, CPOL_ROLE_VOLUNTEER);
    FX_OK(cpol_shop_item_create(w.ctx, officer, &w.station, "手电筒", 40, 10, &item));
    req = new_id();
    src = unrewarded_lead(&v);
    FX_OK(cpol_points_award(w.ctx, aux, &req, &v, CPOL_EARN_CASE_LEAD, &src, "线索核实", NULL));
    rev = new_id();
    FX_EXPECT(CPOL_EPERM, cpol_points_reverse(w.ctx, aux, &rev, &req, "线索不实"));
    FX_OK(cpol_points_reverse(w.ctx, officer, &rev, &req, "线索不实"));
    FX_EXPECT(CPOL_ALREADY, cpol_points_reverse(w.ctx, officer, &rev, &req, "线索不实"));
    again = new_id();
    FX_EXPECT(CPOL_ECONFLICT, cpol_points_reverse(w.ctx, officer, &again, &req, "线索不实"));
    ck_assert_int_eq(balance(&v, NULL), 0);
    FX_OK(cpol_transfer_get(w.ctx, officer, &rev, &t));
    ck_assert_int_eq(cpol_transfer_kind(t), CPOL_TRANSFER_REVERSAL);
    ck_assert_int_eq(cpol_id_compare(cpol_transfer_reverses(t), &req), 0);
    ck_assert_int_eq(cpol_transfer_amount(t), 50);
    cpol_transfer_free(t);
    /* a spent award cannot be reversed: nothing changes */
    req = new_id();
    src = unrewarded_lead(&v);
    FX_OK(cpol_points_award(w.ctx, aux, &req, &v, CPOL_EARN_CASE_LEAD, &src, NULL, NULL));
    receipt = new_id();
    FX_OK(cpol_shop_redeem(w.ctx, operator_, &receipt, &v, &item, 1, 0, NULL));
    rev = new_id();
    FX_EXPECT(CPOL_EFUNDS, cpol_points_reverse(w.ctx, officer, &rev, &req, "线索不实"));
    ck_assert_int_eq(balance(&v, NULL), 10);
    FX_EXPECT(CPOL_EINVALID, cpol_points_reverse(w.ctx, officer, &rev, &receipt, "不是奖励"));
    verify();
    teardown();
}
END_TEST

START_TEST(statement_and_yearly_clearing)
{
    cpol_id v, item, receipt, batch;
    cpol_statement_iter *it;
    const cpol_statement_line *l;
    int64_t opening, accounts, points, expected[] = {10, 20, 15};
    int n = 0;
    setup(_i);
    v = fx_volunteer(&w, "义警甲", 100, CPOL_ROLE_VOLUNTEER);
    FX_OK(cpol_shop_item_create(w.ctx, officer, &w.station, "肥皂", 5, 10, &item));
    award(&v, CPOL_EARN_PATROL);
    w.now += 3600 * 1000;
    {
        cpol_time from = w.now;
        award(&v, CPOL_EARN_PATROL);
        receipt = new_id();
        FX_OK(cpol_shop_redeem(w.ctx, operator_, &receipt, &v, &item, 1, 0, NULL));
        FX_OK(cpol_statement_iter_new(w.ctx, w.sys, &v, from, 0, &opening, &it));
        ck_assert_int_eq(opening, 10);
        while (cpol_statement_iter_next(it, &l) == CPOL_OK) {
            ck_assert_int_lt(n, 3);
            ck_assert_int_eq(cpol_statement_line_balance(l), expected[n + 1]);
            n++;
        }
        cpol_statement_iter_free(it);
        ck_assert_int_eq(n, 2);
        FX_EXPECT(CPOL_EINVALID, cpol_statement_iter_new(w.ctx, w.sys, &v, from, from, NULL, &it));
    }
    /* a volunteer reads their own statement; an operator may too; another volunteer may not */
    {
        cpol_actor *self, *other;
        cpol_id o = fx_volunteer(&w, "义警乙", 101, CPOL_ROLE_VOLUNTEER);
        FX_OK(cpol_actor_open(w.ctx, &v, CPOL_ROLE_VOLUNTEER, &self));
        FX_OK(cpol_actor_open(w.ctx, &o, CPOL_ROLE_VOLUNTEER, &other));
        FX_OK(cpol_statement_iter_new(w.ctx, self, &v, 0, 0, NULL, &it));
        cpol_statement_iter_free(it);
        FX_EXPECT(CPOL_EPERM, cpol_points_balance(w.ctx, other, &v, NULL, NULL));
        cpol_actor_free(self);
        cpol_actor_free(other);
    }
    /* the yearly clearing, once */
    batch = new_id();
    FX_EXPECT(CPOL_EPERM, cpol_points_expire_all(w.ctx, aux, &batch, &w.station, NULL, NULL));
    FX_OK(cpol_points_expire_all(w.ctx, officer, &batch, &w.station, &accounts, &points));
    ck_assert_int_eq(accounts, 1);
    ck_assert_int_eq(points, 15);
    ck_assert_int_eq(balance(&v, NULL), 0);
    award(&v, CPOL_EARN_PUBLICITY);
    FX_EXPECT(CPOL_ALREADY, cpol_points_expire_all(w.ctx, officer, &batch, &w.station, &accounts, &points));
    ck_assert_int_eq(points, 15);
    ck_assert_int_eq(balance(&v, NULL), 5);
    verify();
    teardown();
}
END_TEST

START_TEST(batch_skip_invalid_or_all_or_nothing)
{
    cpol_id v, self_id, reqs[5], srcs[5];
    int i, rc[5];
    setup(_i);
    v = fx_volunteer(&w, "义警甲", 100, CPOL_ROLE_VOLUNTEER);
    self_id = *cpol_actor_person(aux);
    for (i = 0; i < 5; i++) {
        reqs[i] = new_id();
        srcs[i] = source_for(&v, CPOL_EARN_PUBLICITY);
    }
    /* the third transfer is a self-award: the batch reports it and goes on */
    FX_OK(cpol_batch_begin(w.ctx));
    for (i = 0; i < 5; i++)
        rc[i] = cpol_points_award(w.ctx, aux, &reqs[i], i == 2 ? &self_id : &v, CPOL_EARN_PUBLICITY, &srcs[i], NULL, NULL);
    ck_assert_int_eq(rc[2], CPOL_ERULE);
    ck_assert_int_eq(rc[0] | rc[1] | rc[3] | rc[4], 0);
    /* all-or-nothing: the caller abandons the batch */
    FX_OK(cpol_batch_rollback(w.ctx));
    ck_assert_int_eq(balance(&v, NULL), 0);
    /* skip-invalid: the caller commits the rest */
    FX_OK(cpol_batch_begin(w.ctx));
    for (i = 0; i < 5; i++)
        rc[i] = cpol_points_award(w.ctx, aux, &reqs[i], i == 2 ? &self_id : &v, CPOL_EARN_PUBLICITY, &srcs[i], NULL, NULL);
    FX_OK(cpol_batch_commit(w.ctx));
    ck_assert_int_eq(balance(&v, NULL), 20);
    verify();
    teardown();
}
END_TEST

START_TEST(activities_earn_points_automatically)
{
    cpol_id v, shift, signups[4], course, session, attendance;
    cpol_shift_fields f = CPOL_SHIFT_FIELDS_INIT;
    cpol_actor *vol;
    cpol_transfer *t;
    cpol_statement_iter *st;
    const cpol_statement_line *l;
    int i, lines = 0;
    setup(_i);
    v = fx_volunteer(&w, "义警甲", 100, CPOL_ROLE_VOLUNTEER);
    FX_OK(cpol_actor_open(w.ctx, &v, CPOL_ROLE_VOLUNTEER, &vol));
    FX_OK(cpol_earning_rule_set(w.ctx, officer, &w.station, CPOL_EARN_TRAINING, 8, 0, 0));
    /* four patrols in one day; the daily cap (30) cuts the fourth to nothing */
    for (i = 0; i < 4; i++) {
        f.area = &w.community;
        f.kind = CPOL_SHIFT_PATROL;
        f.title = "夜间巡逻";
        f.starts_at = w.now + 60000;
        f.ends_at = w.now + 60000 + 2 * 3600 * 1000;
        f.capacity = 5;
        FX_OK(cpol_shift_create(w.ctx, aux, &f, &shift));
        FX_OK(cpol_shift_signup(w.ctx, vol, &shift, &v, &signups[i]));
        w.now += 60000;
        FX_OK(cpol_signup_check_in(w.ctx, aux, &signups[i]));
        w.now += 2 * 3600 * 1000;
        FX_OK(cpol_signup_complete(w.ctx, aux, &signups[i], -1));
        ck_assert_int_eq(balance(&v, NULL), i < 3 ? 10 * (i + 1) : 30);
    }
    /* three awards under ids of their own (never a sign-up's); the capped
     * fourth patrol earned no transfer at all */
    FX_OK(cpol_statement_iter_new(w.ctx, vol, &v, 0, 0, NULL, &st));
    while (cpol_statement_iter_next(st, &l) == CPOL_OK) {
        FX_OK(cpol_transfer_get(w.ctx, vol, cpol_statement_line_transfer(l), &t));
        ck_assert_int_eq(cpol_transfer_kind(t), CPOL_TRANSFER_AWARD);
        ck_assert_int_eq(cpol_transfer_earning_kind(t), CPOL_EARN_PATROL);
        ck_assert_int_eq(cpol_transfer_amount(t), 10);
        for (i = 0; i < 4; i++)
            ck_assert_int_ne(cpol_id_compare(cpol_transfer_id(t), &signups[i]), 0);
        cpol_transfer_free(t);
        lines++;
    }
    cpol_statement_iter_free(st);
    ck_assert_int_eq(lines, 3);
    for (i = 0; i < 4; i++)
        FX_EXPECT(CPOL_ENOTFOUND, cpol_transfer_get(w.ctx, officer, &signups[i], &t));
    /* the library paid the sign-ups itself: a manual award for one is refused */
    w.now += 24LL * 3600 * 1000;
    {
        cpol_id req = new_id();
        FX_EXPECT(CPOL_ECONFLICT, cpol_points_award(w.ctx, aux, &req, &v, CPOL_EARN_PATROL, &signups[0], NULL, NULL));
        fx_expect_message("already rewarded for patrol");
    }
    /* attending training earns by the training rule */
    FX_OK(cpol_course_create(w.ctx, officer, &w.station, CPOL_COURSE_FIRST_AID, "急救培训", 0, &course));
    FX_OK(cpol_training_session_create(w.ctx, officer, &course, w.now + 1000, 90, NULL, &session));
    w.now += 2000;
    FX_OK(cpol_training_attend(w.ctx, aux, &session, &v, 1, &attendance));
    ck_assert_int_eq(balance(&v, NULL), 38);
    verify();
    cpol_actor_free(vol);
    teardown();
}
END_TEST

/* Two processes redeem 1-point items from one wallet on one SQLite file. */
START_TEST(two_processes_never_overspend)
{
    enum { WALLET = 150, TRIES = 100 };
    cpol_id v, item;
    pid_t kids[2];
    int k, status, total = 0, pipes[2][2];
    int64_t b;
    setup(1);
    FX_OK(cpol_earning_rule_set(w.ctx, officer, &w.station, CPOL_EARN_HAZARD, WALLET, 0, 0));
    v = fx_volunteer(&w, "义警甲", 100, CPOL_ROLE_VOLUNTEER);
    {
        cpol_id req = new_id(), src = new_id(); /* points imported by the installation */
        FX_OK(cpol_points_award(w.ctx, w.sys, &req, &v, CPOL_EARN_HAZARD, &src, NULL, NULL));
    }
    FX_OK(cpol_shop_item_create(w.ctx, officer, &w.station, "矿泉水", 1, 1000, &item));
    for (k = 0; k < 2; k++) {
        ck_assert_int_eq(pipe(pipes[k]), 0);
        kids[k] = fork();
        if (kids[k] == 0) {
            cpol_ctx *ctx;
            cpol_actor *op;
            cpol_open_options o = CPOL_OPEN_OPTIONS_INIT;
            int i, ok = 0;
            o.busy_timeout_ms = 10000;
            if (cpol_ctx_open(&ctx, w.uri, tu_keyed(&o)) != CPOL_OK ||
                cpol_actor_open(ctx, cpol_actor_person(operator_), CPOL_ROLE_OPERATOR, &op) != CPOL_OK)
                _exit(2);
            for (i = 0; i < TRIES; i++) {
                cpol_id req;
                int rc;
                cpol_id_new(ctx, &req);
                while ((rc = cpol_shop_redeem(ctx, op, &req, &v, &item, 1, 0, NULL)) == CPOL_EBUSY)
                    ; /* PostgreSQL: a concurrent update; retry with the same request id */
                if (rc == CPOL_OK)
                    ok++;
                else if (rc != CPOL_EFUNDS)
                    _exit(3);
            }
            if (write(pipes[k][1], &ok, sizeof ok) != (ssize_t)sizeof ok)
                _exit(4);
            cpol_actor_free(op);
            cpol_ctx_close(ctx);
            _exit(0);
        }
    }
    for (k = 0; k < 2; k++) {
        int ok = 0;
        waitpid(kids[k], &status, 0);
        ck_assert_msg(WIFEXITED(status) && WEXITSTATUS(status) == 0, "child %d failed (%d)", k, WEXITSTATUS(status));
        ck_assert_int_eq(read(pipes[k][0], &ok, sizeof ok), (ssize_t)sizeof ok);
        total += ok;
    }
    ck_assert_int_eq(total, WALLET);
    FX_OK(cpol_points_balance(w.ctx, w.sys, &v, &b, NULL));
    ck_assert_int_eq(b, 0);
    ck_assert_int_eq(stock(&item), 1000 - WALLET);
    verify();
    teardown();
}
END_TEST

/* ---- informants (治安信息员) stay invisible in points ---- */

/* What must never reach an uncleared reader: the informant's id and name,
 * and the case they tipped. */
static cpol_id secret_ids[2];
static const char *secret_name;

static void no_secret_id(const cpol_id *id)
{
    int i;
    if (!id)
        return;
    for (i = 0; i < 2; i++)
        ck_assert_msg(cpol_id_compare(id, &secret_ids[i]) != 0, "a read returned a protected id");
}

static void no_secret_text(const char *text)
{
    ck_assert_msg(strstr(text, secret_name) == NULL, "a read returned \"%s\"", text);
}

/* Every field of a transfer snapshot. */
static void scan_transfer(const cpol_actor *as, const cpol_id *id)
{
    cpol_transfer *t;
    FX_OK(cpol_transfer_get(w.ctx, as, id, &t));
    no_secret_id(cpol_transfer_id(t));
    no_secret_id(cpol_transfer_person(t));
    no_secret_id(cpol_transfer_reverses(t));
    no_secret_text(cpol_transfer_memo(t));
    cpol_transfer_free(t);
}

/* Every line of a person's statement, and the transfer behind each. */
static int scan_statement(const cpol_actor *as, const cpol_id *person)
{
    cpol_statement_iter *it;
    const cpol_statement_line *l;
    int n = 0;
    FX_OK(cpol_statement_iter_new(w.ctx, as, person, 0, 0, NULL, &it));
    while (cpol_statement_iter_next(it, &l) == CPOL_OK) {
        no_secret_id(cpol_statement_line_transfer(l));
        scan_transfer(as, cpol_statement_line_transfer(l));
        n++;
    }
    cpol_statement_iter_free(it);
    return n;
}

/* The station's leaderboard: entries and ranks; *first gets the rank-1 person. */
static int scan_leaderboard(const cpol_actor *as, int check, cpol_id *first)
{
    cpol_leaderboard_filter f = CPOL_LEADERBOARD_FILTER_INIT;
    cpol_leaderboard_iter *it;
    const cpol_leaderboard_entry *e;
    int n = 0;
    f.station = &w.station;
    FX_OK(cpol_leaderboard_iter_new(w.ctx, as, &f, &it));
    while (cpol_leaderboard_iter_next(it, &e) == CPOL_OK) {
        if (check) {
            no_secret_id(cpol_leaderboard_entry_person(e));
            no_secret_text(cpol_leaderboard_entry_name(e));
        }
        ck_assert_int_eq(cpol_leaderboard_entry_rank(e), n + 1); /* no tie here: no gap either */
        if (n == 0)
            *first = *cpol_leaderboard_entry_person(e);
        n++;
    }
    cpol_leaderboard_iter_free(it);
    return n;
}

START_TEST(informant_points_invisible_to_uncleared_readers)
{
    cpol_id inf, vol, tip, item, receipt, hold, patrol, vpatrol, lead_award, first, unknown;
    cpol_actor *inf_as, *analyst, *readers[3];
    cpol_statement_iter *st;
    const cpol_statement_line *l;
    cpol_transfer *t;
    int64_t b, avail;
    int r, status;
    setup(_i);
    analyst = fx_staff(&w, "分析员小陈", 4, CPOL_ROLE_ANALYST, NULL);
    readers[0] = aux;
    readers[1] = operator_;
    readers[2] = analyst;
    secret_name = "信息员老王";
    inf = fx_volunteer(&w, secret_name, 100, CPOL_ROLE_INFORMANT);
    vol = fx_volunteer(&w, "义警甲", 101, CPOL_ROLE_VOLUNTEER);
    FX_OK(cpol_actor_open(w.ctx, &inf, CPOL_ROLE_INFORMANT, &inf_as));
    FX_OK(cpol_shop_item_create(w.ctx, officer, &w.station, "手电筒", 20, 10, &item));
    /* the informant tips; the auxiliary verifies: the library pays the lead */
    tip = report(&inf, CPOL_ROLE_INFORMANT, CPOL_CASE_SOURCE_INFORMANT_TIP);
    FX_OK(cpol_case_verify(w.ctx, aux, &tip, "核实属实"));
    secret_ids[0] = inf;
    secret_ids[1] = tip;
    /* the informant and a volunteer patrol (paid automatically too) */
    {
        cpol_id shift = shift_now(CPOL_SHIFT_PATROL, 2);
        FX_OK(cpol_shift_signup(w.ctx, inf_as, &shift, &inf, &patrol));
        FX_OK(cpol_shift_signup(w.ctx, aux, &shift, &vol, &vpatrol));
        FX_OK(cpol_signup_check_in(w.ctx, officer, &patrol));
        FX_OK(cpol_signup_check_in(w.ctx, aux, &vpatrol));
        FX_OK(cpol_signup_complete(w.ctx, officer, &patrol, 30));
        FX_OK(cpol_signup_complete(w.ctx, aux, &vpatrol, 30));
    }
    ck_assert_int_eq(balance(&inf, NULL), 60);
    /* a cleared officer redeems for the informant: once at once, once held */
    receipt = new_id();
    hold = new_id();
    FX_OK(cpol_shop_redeem(w.ctx, officer, &receipt, &inf, &item, 1, 0, NULL));
    FX_OK(cpol_shop_redeem(w.ctx, officer, &hold, &inf, &item, 1, 60000, NULL));
    /* no transfer carries the case's id, for any reader */
    FX_EXPECT(CPOL_ENOTFOUND, cpol_transfer_get(w.ctx, w.sys, &tip, &t));
    /* the officer (cleared) and the informant see it all */
    ck_assert_int_eq(scan_leaderboard(officer, 0, &first), 2);
    ck_assert_int_eq(cpol_id_compare(&first, &inf), 0);
    FX_OK(cpol_points_balance(w.ctx, inf_as, &inf, &b, &avail));
    ck_assert_int_eq(b, 40);
    ck_assert_int_eq(avail, 20);
    FX_OK(cpol_hold_status(w.ctx, inf_as, &hold, &status));
    ck_assert_int_eq(status, CPOL_HOLD_PENDING);
    FX_OK(cpol_shop_redemption_status(w.ctx, officer, &receipt, &status));
    ck_assert_int_eq(status, CPOL_REDEMPTION_POSTED);
    {
        int lines = 0;
        FX_OK(cpol_statement_iter_new(w.ctx, inf_as, &inf, 0, 0, NULL, &st));
        while (cpol_statement_iter_next(st, &l) == CPOL_OK) {
            ck_assert_int_ne(cpol_id_compare(cpol_statement_line_transfer(l), &tip), 0);
            FX_OK(cpol_transfer_get(w.ctx, officer, cpol_statement_line_transfer(l), &t));
            if (cpol_transfer_earning_kind(t) == CPOL_EARN_CASE_LEAD)
                lead_award = *cpol_transfer_id(t);
            cpol_transfer_free(t);
            lines++;
        }
        cpol_statement_iter_free(st);
        ck_assert_int_eq(lines, 3); /* lead +50, patrol +10, redemption -20 */
    }
    /* readers without person.sensitive: nothing names the informant or the case */
    unknown = new_id();
    for (r = 0; r < 3; r++) {
        const cpol_actor *as = readers[r];
        FX_EXPECT(CPOL_ENOTFOUND, cpol_points_balance(w.ctx, as, &unknown, NULL, NULL));
        expect_unknown("person", &unknown);
        FX_EXPECT(CPOL_ENOTFOUND, cpol_points_balance(w.ctx, as, &inf, &b, NULL));
        expect_unknown("person", &inf);
        FX_EXPECT(CPOL_ENOTFOUND, cpol_statement_iter_new(w.ctx, as, &inf, 0, 0, NULL, &st));
        expect_unknown("person", &inf);
        FX_EXPECT(CPOL_ENOTFOUND, cpol_transfer_get(w.ctx, as, &lead_award, &t));
        expect_unknown("transfer", &lead_award);
        FX_EXPECT(CPOL_ENOTFOUND, cpol_transfer_get(w.ctx, as, &receipt, &t));
        FX_EXPECT(CPOL_ENOTFOUND, cpol_transfer_get(w.ctx, as, &tip, &t));
        FX_EXPECT(CPOL_ENOTFOUND, cpol_hold_status(w.ctx, as, &hold, &status));
        expect_unknown("hold", &hold);
        FX_EXPECT(CPOL_ENOTFOUND, cpol_shop_redemption_status(w.ctx, as, &receipt, &status));
        expect_unknown("redemption", &receipt);
        /* the leaderboard ranks the volunteer first, with no gap */
        ck_assert_int_eq(scan_leaderboard(as, 1, &first), 1);
        ck_assert_int_eq(cpol_id_compare(&first, &vol), 0);
        ck_assert_int_eq(scan_statement(as, &vol), 1);
        FX_OK(cpol_points_balance(w.ctx, as, &vol, &b, NULL));
        ck_assert_int_eq(b, 10);
    }
    /* writes by an uncleared actor that name the informant: as for nobody */
    {
        snap before = take(&inf, 1, &item);
        cpol_id req = new_id(), src = new_id();
        FX_EXPECT(CPOL_ENOTFOUND, cpol_points_award(w.ctx, aux, &req, &inf, CPOL_EARN_PATROL, &patrol, NULL, NULL));
        expect_unknown("person", &inf);
        FX_EXPECT(CPOL_ENOTFOUND, cpol_points_award(w.ctx, aux, &req, &unknown, CPOL_EARN_PATROL, &src, NULL, NULL));
        expect_unknown("person", &unknown);
        FX_EXPECT(CPOL_ENOTFOUND, cpol_shop_redeem(w.ctx, operator_, &req, &inf, &item, 1, 0, NULL));
        expect_unknown("person", &inf);
        FX_EXPECT(CPOL_ENOTFOUND, cpol_hold_post(w.ctx, operator_, &hold));
        expect_unknown("hold", &hold);
        FX_EXPECT(CPOL_ENOTFOUND, cpol_hold_void(w.ctx, operator_, &hold));
        expect_unknown("hold", &hold);
        unchanged(&before, &inf, 1, &item);
    }
    FX_OK(cpol_hold_post(w.ctx, officer, &hold)); /* still postable by a cleared actor */
    ck_assert_int_eq(balance(&inf, NULL), 20);
    verify();
    cpol_actor_free(inf_as);
    cpol_actor_free(analyst);
    teardown();
}
END_TEST

/* A lead award has an id of its own; a false lead is withdrawn by its source. */
START_TEST(lead_award_not_linkable_and_withdrawn_by_source)
{
    cpol_id v, lead, decoy, signup, req, award_id;
    cpol_statement_iter *st;
    const cpol_statement_line *l;
    cpol_transfer *t;
    int64_t amount;
    int n = 0;
    setup(_i);
    v = fx_volunteer(&w, "义警甲", 100, CPOL_ROLE_VOLUNTEER);
    lead = report(&v, CPOL_ROLE_VOLUNTEER, CPOL_CASE_SOURCE_VOLUNTEER_PATROL);
    /* a case's id used as the request id of another award diverts and
     * blocks nothing: the case's own lead award is still paid */
    decoy = report(&v, CPOL_ROLE_VOLUNTEER, CPOL_CASE_SOURCE_VOLUNTEER_PATROL);
    done_signups(&v, 1, CPOL_SHIFT_PATROL, &signup);
    FX_OK(cpol_points_award(w.ctx, aux, &decoy, &v, CPOL_EARN_PATROL, &signup, NULL, &amount));
    ck_assert_int_eq(amount, 10);
    FX_OK(cpol_case_verify(w.ctx, aux, &decoy, "核实属实"));
    ck_assert_int_eq(balance(&v, NULL), 60);
    FX_OK(cpol_case_verify(w.ctx, aux, &lead, "核实属实"));
    ck_assert_int_eq(balance(&v, NULL), 110);
    /* a manual lead award for the same case: once per source of a kind */
    req = new_id();
    FX_EXPECT(CPOL_ECONFLICT, cpol_points_award(w.ctx, aux, &req, &v, CPOL_EARN_CASE_LEAD, &lead, NULL, NULL));
    fx_expect_message("already rewarded for case lead");
    FX_OK(cpol_statement_iter_new(w.ctx, officer, &v, 0, 0, NULL, &st));
    while (cpol_statement_iter_next(st, &l) == CPOL_OK) {
        FX_OK(cpol_transfer_get(w.ctx, officer, cpol_statement_line_transfer(l), &t));
        ck_assert_int_ne(cpol_id_compare(cpol_transfer_id(t), &lead), 0);
        cpol_transfer_free(t);
        n++;
    }
    cpol_statement_iter_free(st);
    ck_assert_int_eq(n, 3);
    FX_EXPECT(CPOL_ENOTFOUND, cpol_transfer_get(w.ctx, officer, &lead, &t));
    /* found false: the case module withdraws the award, found by its source */
    FX_OK(cpol_case_reject(w.ctx, officer, &lead, CPOL_REJECT_UNFOUNDED, NULL, "线索不实"));
    ck_assert_int_eq(balance(&v, NULL), 60);
    n = 0;
    FX_OK(cpol_statement_iter_new(w.ctx, officer, &v, 0, 0, NULL, &st));
    while (cpol_statement_iter_next(st, &l) == CPOL_OK) {
        const cpol_id *id = cpol_statement_line_transfer(l);
        ck_assert_int_ne(cpol_id_compare(id, &lead), 0);
        if (cpol_statement_line_kind(l) == CPOL_TRANSFER_REVERSAL) {
            FX_OK(cpol_transfer_get(w.ctx, officer, id, &t));
            award_id = *cpol_transfer_reverses(t);
            ck_assert_int_eq(cpol_transfer_amount(t), 50);
            cpol_transfer_free(t);
            ck_assert_int_ne(cpol_id_compare(&award_id, &lead), 0);
            FX_OK(cpol_transfer_get(w.ctx, officer, &award_id, &t));
            ck_assert_int_eq(cpol_transfer_earning_kind(t), CPOL_EARN_CASE_LEAD);
            cpol_transfer_free(t);
            n++;
        }
    }
    cpol_statement_iter_free(st);
    ck_assert_int_eq(n, 1);
    FX_EXPECT(CPOL_ENOTFOUND, cpol_transfer_get(w.ctx, officer, &lead, &t));
    verify();
    teardown();
}
END_TEST

/* One id, one request: replays of another kind are refused, nothing moves. */
START_TEST(request_ids_serve_one_request)
{
    cpol_id v, item, hold, receipt, award_req, src, auto_award, batch, signup, shift_req;
    cpol_statement_iter *st;
    const cpol_statement_line *l;
    cpol_transfer *t;
    snap before;
    int status;
    setup(_i);
    v = fx_volunteer(&w, "义警甲", 100, CPOL_ROLE_VOLUNTEER);
    FX_OK(cpol_shop_item_create(w.ctx, officer, &w.station, "毛巾", 5, 10, &item));
    award(&v, CPOL_EARN_CASE_LEAD); /* 50 */
    receipt = new_id();
    hold = new_id();
    FX_OK(cpol_shop_redeem(w.ctx, operator_, &receipt, &v, &item, 1, 0, NULL));
    FX_OK(cpol_shop_redeem(w.ctx, operator_, &hold, &v, &item, 1, 60000, NULL));
    award_req = new_id();
    src = source_for(&v, CPOL_EARN_PUBLICITY);
    FX_OK(cpol_points_award(w.ctx, aux, &award_req, &v, CPOL_EARN_PUBLICITY, &src, NULL, NULL));
    /* an automatic award's id, as a reader sees it in the statement */
    {
        cpol_id shift = shift_now(CPOL_SHIFT_PATROL, 1);
        FX_OK(cpol_shift_signup(w.ctx, aux, &shift, &v, &signup));
        /* the shift's and the sign-up's ids used as request ids block nothing */
        shift_req = shift;
        FX_OK(cpol_shop_redeem(w.ctx, operator_, &shift_req, &v, &item, 1, 0, NULL));
        FX_OK(cpol_shop_redeem(w.ctx, operator_, &signup, &v, &item, 1, 0, NULL));
        FX_OK(cpol_signup_check_in(w.ctx, aux, &signup));
        FX_OK(cpol_signup_complete(w.ctx, aux, &signup, 30));
    }
    FX_OK(cpol_statement_iter_new(w.ctx, officer, &v, 0, 0, NULL, &st));
    while (cpol_statement_iter_next(st, &l) == CPOL_OK) {
        FX_OK(cpol_transfer_get(w.ctx, officer, cpol_statement_line_transfer(l), &t));
        if (cpol_transfer_earning_kind(t) == CPOL_EARN_PATROL)
            auto_award = *cpol_transfer_id(t);
        cpol_transfer_free(t);
    }
    cpol_statement_iter_free(st);
    ck_assert_int_eq(balance(&v, NULL), 50 - 5 + 5 - 10 + 10); /* lead, towel, publicity, 2 towels, patrol */
    {
        cpol_id src2 = source_for(&v, CPOL_EARN_PUBLICITY);
        before = take(&v, 1, &item);
        /* a pending hold's id: not an award, refund, reversal or clearing */
        FX_EXPECT(CPOL_ECONFLICT, cpol_points_award(w.ctx, aux, &hold, &v, CPOL_EARN_PUBLICITY, &src2, NULL, NULL));
        fx_expect_message("already used for a hold");
        FX_EXPECT(CPOL_ECONFLICT, cpol_shop_refund(w.ctx, officer, &hold, &receipt, "退货"));
        fx_expect_message("already used for a hold");
        FX_EXPECT(CPOL_ECONFLICT, cpol_points_reverse(w.ctx, officer, &hold, &award_req, "重复"));
        fx_expect_message("already used for a hold");
        FX_EXPECT(CPOL_ECONFLICT, cpol_points_expire_all(w.ctx, officer, &hold, &w.station, NULL, NULL));
        fx_expect_message("already used for a hold");
        /* an award's id: not a redemption, refund or reversal */
        FX_EXPECT(CPOL_ECONFLICT, cpol_shop_redeem(w.ctx, operator_, &award_req, &v, &item, 1, 0, NULL));
        fx_expect_message("already used for an award");
        FX_EXPECT(CPOL_ECONFLICT, cpol_shop_refund(w.ctx, officer, &award_req, &receipt, "退货"));
        fx_expect_message("already used for an award");
        FX_EXPECT(CPOL_ECONFLICT, cpol_points_reverse(w.ctx, officer, &award_req, &award_req, "重复"));
        fx_expect_message("already used for an award");
        /* a redemption's id is not an award's; the library's own ids are nobody's request */
        FX_EXPECT(CPOL_ECONFLICT, cpol_points_award(w.ctx, aux, &receipt, &v, CPOL_EARN_PUBLICITY, &src2, NULL, NULL));
        fx_expect_message("already used for a redemption");
        FX_EXPECT(CPOL_ECONFLICT, cpol_points_award(w.ctx, aux, &auto_award, &v, CPOL_EARN_PUBLICITY, &src2, NULL, NULL));
        fx_expect_message("already used for an automatic award");
        FX_EXPECT(CPOL_ECONFLICT, cpol_shop_redeem(w.ctx, operator_, &auto_award, &v, &item, 1, 0, NULL));
        fx_expect_message("already used for an automatic award");
        /* the same request of its own kind is still a replay */
        FX_EXPECT(CPOL_ALREADY, cpol_shop_redeem(w.ctx, operator_, &hold, &v, &item, 1, 60000, NULL));
        FX_EXPECT(CPOL_ALREADY, cpol_points_award(w.ctx, aux, &award_req, &v, CPOL_EARN_PUBLICITY, &src, NULL, NULL));
        unchanged(&before, &v, 1, &item);
        FX_OK(cpol_hold_status(w.ctx, operator_, &hold, &status));
        ck_assert_int_eq(status, CPOL_HOLD_PENDING);
    }
    /* the hold stays postable, under its own id */
    FX_OK(cpol_hold_post(w.ctx, operator_, &hold));
    FX_OK(cpol_transfer_get(w.ctx, officer, &hold, &t));
    ck_assert_int_eq(cpol_transfer_kind(t), CPOL_TRANSFER_REDEEM);
    cpol_transfer_free(t);
    /* a clearing's id is reserved too */
    batch = new_id();
    FX_OK(cpol_points_expire_all(w.ctx, officer, &batch, &w.station, NULL, NULL));
    {
        cpol_id src3 = source_for(&v, CPOL_EARN_PUBLICITY);
        before = take(&v, 1, &item);
        FX_EXPECT(CPOL_ECONFLICT, cpol_points_award(w.ctx, aux, &batch, &v, CPOL_EARN_PUBLICITY, &src3, NULL, NULL));
        fx_expect_message("already used for a yearly clearing");
        unchanged(&before, &v, 1, &item);
    }
    verify();
    teardown();
}
END_TEST

/* Insider rule: an award names a real source of its kind, done by the person. */
START_TEST(award_sources_must_be_real)
{
    cpol_id v, other, patrol, publicity, other_patrol, lead, pending, req, nothing, course, session, attendance;
    cpol_actor *vol;
    snap before;
    int64_t amount;
    setup(_i);
    FX_OK(cpol_earning_rule_set(w.ctx, officer, &w.station, CPOL_EARN_TRAINING, 8, 0, 0));
    FX_OK(cpol_earning_rule_set(w.ctx, officer, &w.station, CPOL_EARN_MEDIATION, 20, 0, 0));
    FX_OK(cpol_earning_rule_set(w.ctx, officer, &w.station, CPOL_EARN_HAZARD, 20, 0, 0));
    v = fx_volunteer(&w, "义警甲", 100, CPOL_ROLE_VOLUNTEER);
    other = fx_volunteer(&w, "义警乙", 101, CPOL_ROLE_VOLUNTEER);
    FX_OK(cpol_actor_open(w.ctx, &v, CPOL_ROLE_VOLUNTEER, &vol));
    patrol = source_for(&v, CPOL_EARN_PATROL);
    publicity = source_for(&v, CPOL_EARN_PUBLICITY);
    other_patrol = source_for(&other, CPOL_EARN_PATROL);
    lead = unrewarded_lead(&v);
    pending = report(&v, CPOL_ROLE_VOLUNTEER, CPOL_CASE_SOURCE_VOLUNTEER_PATROL); /* not verified */
    nothing = new_id();
    {
        saved_rule r = suspend_rule(CPOL_EARN_TRAINING);
        FX_OK(cpol_course_create(w.ctx, officer, &w.station, CPOL_COURSE_FIRST_AID, "急救培训", 0, &course));
        FX_OK(cpol_training_session_create(w.ctx, officer, &course, w.now + 1000, 90, NULL, &session));
        w.now += 2000;
        FX_OK(cpol_training_attend(w.ctx, aux, &session, &v, 1, &attendance));
        restore_rule(r);
    }
    before = take(&v, 1, NULL);
    req = new_id();
#define REFUSED(kind, src, words)                                                                     \
    do {                                                                                              \
        FX_EXPECT(CPOL_ERULE, cpol_points_award(w.ctx, aux, &req, &v, (kind), (src), NULL, NULL));    \
        fx_expect_message(words);                                                                     \
    } while (0)
    REFUSED(CPOL_EARN_PATROL, &nothing, "a patrol award must be a completed patrol sign-up");
    REFUSED(CPOL_EARN_PATROL, &publicity, "a patrol award must be a completed patrol sign-up");
    REFUSED(CPOL_EARN_PATROL, &other_patrol, "a patrol award must be a completed patrol sign-up");
    REFUSED(CPOL_EARN_PATROL, &lead, "a patrol award must be a completed patrol sign-up");
    REFUSED(CPOL_EARN_PUBLICITY, &patrol, "a publicity award must be a completed publicity sign-up");
    REFUSED(CPOL_EARN_CASE_LEAD, &nothing, "a case lead award must be a verified case that person reported");
    REFUSED(CPOL_EARN_CASE_LEAD, &pending, "a case lead award must be a verified case that person reported");
    REFUSED(CPOL_EARN_CASE_LEAD, &patrol, "a case lead award must be a verified case that person reported");
    REFUSED(CPOL_EARN_TRAINING, &patrol, "a training award must be that person's attendance");
    REFUSED(CPOL_EARN_MEDIATION, &lead, "a mediation award must be a case that person handled");
    REFUSED(CPOL_EARN_HAZARD, &lead, "a hazard award must be a hazard case that person reported, rectified");
#undef REFUSED
    {   /* someone else's lead */
        cpol_id lead2 = unrewarded_lead(&other);
        before = take(&v, 1, NULL);
        FX_EXPECT(CPOL_ERULE, cpol_points_award(w.ctx, aux, &req, &v, CPOL_EARN_CASE_LEAD, &lead2, NULL, NULL));
    }
    unchanged(&before, &v, 1, NULL);
    /* the real ones */
    FX_OK(cpol_points_award(w.ctx, aux, &req, &v, CPOL_EARN_PATROL, &patrol, NULL, &amount));
    ck_assert_int_eq(amount, 10);
    req = new_id();
    FX_OK(cpol_points_award(w.ctx, aux, &req, &v, CPOL_EARN_PUBLICITY, &publicity, NULL, NULL));
    req = new_id();
    FX_OK(cpol_points_award(w.ctx, aux, &req, &v, CPOL_EARN_CASE_LEAD, &lead, NULL, NULL));
    req = new_id();
    FX_OK(cpol_points_award(w.ctx, aux, &req, &v, CPOL_EARN_TRAINING, &attendance, NULL, NULL));
    ck_assert_int_eq(balance(&v, NULL), 10 + 5 + 50 + 8);
    /* the system actor imports from an earlier system: any source, once per kind */
    req = new_id();
    FX_OK(cpol_points_award(w.ctx, w.sys, &req, &v, CPOL_EARN_HAZARD, &nothing, "旧系统导入", NULL));
    req = new_id();
    FX_OK(cpol_points_award(w.ctx, w.sys, &req, &v, CPOL_EARN_MEDIATION, &nothing, "旧系统导入", NULL));
    req = new_id();
    FX_EXPECT(CPOL_ECONFLICT, cpol_points_award(w.ctx, w.sys, &req, &v, CPOL_EARN_HAZARD, &nothing, "旧系统导入", NULL));
    fx_expect_message("already rewarded for hazard");
    ck_assert_int_eq(balance(&v, NULL), 10 + 5 + 50 + 8 + 20 + 20);
    cpol_actor_free(vol);
    verify();
    teardown();
}
END_TEST

/* Expiring holds is a write: points.admin, an audit entry per hold. */
/* A hold that has run out never blocks anyone: the last unit a lapsed hold
 * kept is sold to the next person without anyone expiring holds first. */
START_TEST(a_lapsed_hold_never_blocks_the_last_unit)
{
    cpol_id a, b, item, h, r;
    int status;
    int64_t avail;
    setup(_i);
    a = fx_volunteer(&w, "义警甲", 100, CPOL_ROLE_VOLUNTEER);
    b = fx_volunteer(&w, "义警乙", 101, CPOL_ROLE_VOLUNTEER);
    FX_OK(cpol_shop_item_create(w.ctx, officer, &w.station, "最后一桶油", 5, 1, &item));
    award(&a, CPOL_EARN_PATROL);
    award(&b, CPOL_EARN_PATROL);
    h = new_id();
    r = new_id();
    FX_OK(cpol_shop_redeem(w.ctx, operator_, &h, &a, &item, 1, 60000, NULL));
    ck_assert_int_eq(stock(&item), 0);
    FX_EXPECT(CPOL_ELIMIT, cpol_shop_redeem(w.ctx, operator_, &r, &b, &item, 1, 0, NULL)); /* held: really gone */
    w.now += 61000;
    FX_OK(cpol_shop_redeem(w.ctx, operator_, &r, &b, &item, 1, 0, NULL));
    ck_assert_int_eq(stock(&item), 0);
    FX_OK(cpol_hold_status(w.ctx, w.sys, &h, &status));
    ck_assert_int_eq(status, CPOL_REDEMPTION_EXPIRED);
    ck_assert_int_eq(balance(&a, &avail), 10);
    ck_assert_int_eq(avail, 10); /* the lapsed hold gave the points back too */
    FX_OK(cpol_ledger_verify(w.ctx, w.sys, NULL));
    teardown();
}
END_TEST

START_TEST(hold_expiry_needs_admin_and_is_audited)
{
    cpol_id v, item, h1, other_station, outsider;
    cpol_actor *outside_officer;
    snap before;
    int64_t n = -1, audit;
    int status;
    setup(_i);
    v = fx_volunteer(&w, "义警甲", 100, CPOL_ROLE_VOLUNTEER);
    FX_OK(cpol_shop_item_create(w.ctx, officer, &w.station, "肥皂", 5, 10, &item));
    award(&v, CPOL_EARN_PATROL);
    h1 = new_id();
    FX_OK(cpol_shop_redeem(w.ctx, operator_, &h1, &v, &item, 1, 60000, NULL));
    w.now += 61000;
    /* an officer of another station: in scope of nothing here */
    FX_OK(cpol_area_create(w.ctx, w.sys, &w.bureau, CPOL_AREA_STATION, "城区派出所", &other_station));
    {
        cpol_person_fields pf = CPOL_PERSON_FIELDS_INIT;
        cpol_id home;
        FX_OK(cpol_area_create(w.ctx, w.sys, &other_station, CPOL_AREA_COMMUNITY, "城区社区", &home));
        pf.name = "王警官";
        pf.id_card = fx_nth_id_card(90);
        pf.home_area = &home;
        FX_OK(cpol_person_register(w.ctx, w.sys, &pf, &outsider));
        FX_OK(cpol_role_appoint(w.ctx, w.sys, &outsider, CPOL_ROLE_OFFICER, &other_station, NULL, NULL));
        FX_OK(cpol_actor_open(w.ctx, &outsider, CPOL_ROLE_OFFICER, &outside_officer));
    }
    before = take(&v, 1, &item);
    FX_EXPECT(CPOL_EPERM, cpol_hold_expire_due(w.ctx, operator_, &n));
    fx_expect_message("points.admin");
    FX_EXPECT(CPOL_EMISUSE, cpol_hold_expire_due(w.ctx, NULL, &n));
    FX_OK(cpol_hold_expire_due(w.ctx, outside_officer, &n));
    ck_assert_int_eq(n, 0);
    unchanged(&before, &v, 1, &item);
    audit = fx_audit_count(&w);
    FX_OK(cpol_hold_expire_due(w.ctx, officer, &n));
    ck_assert_int_eq(n, 1);
    ck_assert_int_eq(fx_audit_count(&w), audit + 1);
    FX_OK(cpol_hold_status(w.ctx, officer, &h1, &status));
    ck_assert_int_eq(status, CPOL_HOLD_EXPIRED);
    ck_assert_int_eq(stock(&item), 10);
    cpol_actor_free(outside_officer);
    verify();
    teardown();
}
END_TEST

int main(void)
{
    Suite *s = suite_create("ledger");
    TCase *tc = tcase_create("ledger");
    SRunner *sr;
    int failed;
    tcase_set_timeout(tc, 300);
    tcase_add_loop_test(tc, yulong_volunteers_earn_and_redeem, 0, 2);
    tcase_add_loop_test(tc, awards_follow_rules_and_caps, 0, 2);
    tcase_add_loop_test(tc, replays_are_idempotent_and_conflicts_named, 0, 2);
    tcase_add_loop_test(tc, holds_resolve_exactly_once, 0, 2);
    tcase_add_loop_test(tc, redemptions_refunds_and_retries, 0, 2);
    tcase_add_loop_test(tc, false_lead_reversed_once, 0, 2);
    tcase_add_loop_test(tc, statement_and_yearly_clearing, 0, 2);
    tcase_add_loop_test(tc, batch_skip_invalid_or_all_or_nothing, 0, 2);
    tcase_add_loop_test(tc, activities_earn_points_automatically, 0, 2);
    tcase_add_loop_test(tc, informant_points_invisible_to_uncleared_readers, 0, 2);
    tcase_add_loop_test(tc, lead_award_not_linkable_and_withdrawn_by_source, 0, 2);
    tcase_add_loop_test(tc, request_ids_serve_one_request, 0, 2);
    tcase_add_loop_test(tc, award_sources_must_be_real, 0, 2);
    tcase_add_loop_test(tc, a_lapsed_hold_never_blocks_the_last_unit, 0, 2);
    tcase_add_loop_test(tc, hold_expiry_needs_admin_and_is_audited, 0, 2);
    tcase_add_test(tc, two_processes_never_overspend);
    suite_add_tcase(s, tc);
    sr = srunner_create(s);
    srunner_run_all(sr, CK_NORMAL);
    failed = srunner_ntests_failed(sr);
    srunner_free(sr);
    return failed == 0 ? EXIT_SUCCESS : EXIT_FAILURE;
}
