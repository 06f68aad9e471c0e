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

static int64_t award(const cpol_id *person, int kind)
{
    cpol_id req = new_id(), src = new_id();
    int64_t amount = 0;
    FX_OK(cpol_points_award(w.ctx, aux, &req, person, kind, &src, NULL, &amount));
    return amount;
}

static void verify(void)
{
    int64_t n;
    FX_OK(cpol_ledger_verify(w.ctx, w.sys, &n));
}

START_TEST(yulong_volunteers_earn_and_redeem)
{
    cpol_id vols[43], soap, rice;
    int i, redeemed = 0, out_of_stock = 0;
    int64_t total = 0;
    setup(_i);
    FX_OK(cpol_shop_item_create(w.ctx, officer, &w.station, "洗衣粉", 30, 100, &soap));
    FX_OK(cpol_shop_item_create(w.ctx, officer, &w.station, "大米 5kg", 70, 10, &rice));
    FX_OK(cpol_batch_begin(w.ctx));
    for (i = 0; i < 43; i++)
        vols[i] = fx_volunteer(&w, "玉龙义警", 100 + i, CPOL_ROLE_VOLUNTEER);
    FX_OK(cpol_batch_commit(w.ctx));
    /* two patrols and a publicity session each; every third brings a verified lead */
    for (i = 0; i < 43; i++) {
        total += award(&vols[i], CPOL_EARN_PATROL);
        total += award(&vols[i], CPOL_EARN_PATROL);
        total += award(&vols[i], CPOL_EARN_PUBLICITY);
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
    {
        cpol_shop_item *it;
        FX_OK(cpol_shop_item_get(w.ctx, &rice, &it));
        ck_assert_int_eq(cpol_shop_item_stock(it), 0);
        cpol_shop_item_free(it);
    }
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
    src = new_id();
    FX_EXPECT(CPOL_ELIMIT, cpol_points_award(w.ctx, aux, &req, &v, CPOL_EARN_PATROL, &src, NULL, NULL));
    ck_assert(strstr(cpol_error_message(), "daily cap") != NULL);
    w.now += 24LL * 3600 * 1000; /* next day */
    ck_assert_int_eq(award(&v, CPOL_EARN_PATROL), 10);
    ck_assert_int_eq(balance(&v, NULL), 40);
    /* no rule for training at this station */
    FX_EXPECT(CPOL_ERULE, cpol_points_award(w.ctx, aux, &req, &v, CPOL_EARN_TRAINING, &src, NULL, NULL));
    /* nobody awards themselves, and a volunteer may not award at all */
    {
        cpol_id aux_person = *cpol_actor_person(aux);
        FX_EXPECT(CPOL_ERULE, cpol_points_award(w.ctx, aux, &req, &aux_person, CPOL_EARN_PATROL, &src, NULL, NULL));
        ck_assert(strstr(cpol_error_message(), "themselves") != NULL);
    }
    FX_EXPECT(CPOL_EPERM, cpol_points_award(w.ctx, vol, &req, &other, CPOL_EARN_PATROL, &src, NULL, NULL));
    ck_assert(strstr(cpol_error_message(), "points.award") != NULL);
    /* one source earns once, whatever the request id */
    FX_OK(cpol_points_award(w.ctx, aux, &req, &other, CPOL_EARN_PUBLICITY, &src, NULL, &amount));
    {
        cpol_id req2 = new_id();
        FX_EXPECT(CPOL_ECONFLICT, cpol_points_award(w.ctx, aux, &req2, &other, CPOL_EARN_PUBLICITY, &src, NULL, NULL));
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
        FX_OK(cpol_earning_rule_get(w.ctx, &w.station, CPOL_EARN_PATROL, &p, &d, &m));
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
        cpol_id r1 = new_id(), s1 = new_id();
        FX_OK(cpol_points_award(w.ctx, aux, &r1, &v, CPOL_EARN_PUBLICITY, &s1, NULL, NULL)); /* 45: not above */
        FX_OK(cpol_transfer_get(w.ctx, &r1, &t));
        ck_assert_int_eq(cpol_transfer_flagged(t), 0);
        cpol_transfer_free(t);
        r1 = new_id();
        s1 = new_id();
        FX_OK(cpol_points_award(w.ctx, aux, &r1, &v, CPOL_EARN_PUBLICITY, &s1, NULL, NULL)); /* 50: above */
        FX_OK(cpol_transfer_get(w.ctx, &r1, &t));
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
    enum { N = 10000 };
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
    for (i = 0; i < N; i++) {
        reqs[i] = new_id();
        srcs[i] = new_id();
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
    cpol_shop_item *it;
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
    FX_OK(cpol_shop_item_get(w.ctx, &item, &it));
    ck_assert_int_eq(cpol_shop_item_stock(it), 3);
    cpol_shop_item_free(it);
    /* post one, void the other */
    FX_OK(cpol_hold_post(w.ctx, operator_, &h1));
    FX_EXPECT(CPOL_ALREADY, cpol_hold_post(w.ctx, operator_, &h1));
    FX_EXPECT(CPOL_ESTATE, cpol_hold_void(w.ctx, operator_, &h1));
    FX_OK(cpol_hold_void(w.ctx, operator_, &h2));
    FX_EXPECT(CPOL_ALREADY, cpol_hold_void(w.ctx, operator_, &h2));
    FX_EXPECT(CPOL_ESTATE, cpol_hold_post(w.ctx, operator_, &h2));
    ck_assert_int_eq(balance(&v, &avail), 30);
    ck_assert_int_eq(avail, 30);
    FX_OK(cpol_shop_item_get(w.ctx, &item, &it));
    ck_assert_int_eq(cpol_shop_item_stock(it), 4);
    cpol_shop_item_free(it);
    /* a hold that times out releases points and stock, and cannot be posted */
    FX_OK(cpol_shop_redeem(w.ctx, operator_, &h3, &v, &item, 1, 60000, NULL));
    ck_assert_int_eq(balance(&v, &avail), 30);
    ck_assert_int_eq(avail, 10);
    w.now += 61000;
    FX_OK(cpol_hold_status(w.ctx, &h3, &status));
    ck_assert_int_eq(status, CPOL_HOLD_EXPIRED);
    FX_EXPECT(CPOL_ESTATE, cpol_hold_post(w.ctx, operator_, &h3));
    ck_assert(strstr(cpol_error_message(), "expired") != NULL);
    ck_assert_int_eq(balance(&v, &avail), 30);
    ck_assert_int_eq(avail, 30);
    FX_OK(cpol_hold_status(w.ctx, &h1, &status));
    ck_assert_int_eq(status, CPOL_HOLD_POSTED);
    {
        int64_t n = -1;
        FX_OK(cpol_hold_expire_due(w.ctx, &n));
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
    cpol_shop_item *it;
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
    FX_OK(cpol_shop_item_get(w.ctx, &item, &it));
    ck_assert_int_eq(cpol_shop_item_stock(it), 8);
    cpol_shop_item_free(it);
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
    FX_OK(cpol_shop_redemption_status(w.ctx, &receipt, &status));
    ck_assert_int_eq(status, CPOL_REDEMPTION_REFUNDED);
    ck_assert_int_eq(balance(&v, NULL), 50);
    FX_OK(cpol_shop_item_get(w.ctx, &item, &it));
    ck_assert_int_eq(cpol_shop_item_stock(it), 10);
    cpol_shop_item_free(it);
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
    v = fx_volunteer(&w, "信息员", 100, CPOL_ROLE_INFORMANT);
    FX_OK(cpol_shop_item_create(w.ctx, officer, &w.station, "手电筒", 40, 10, &item));
    req = new_id();
    src = new_id();
    FX_OK(cpol_points_award(w.ctx, aux, &req, &v, CPOL_EARN_CASE_LEAD, &src, "线索核实", NULL));
    rev = new_id();
    FX_EXPECT(CPOL_EPERM, cpol_points_reverse(w.ctx, aux, &rev, &req, "线索不实"));
    FX_OK(cpol_points_reverse(w.ctx, officer, &rev, &req, "线索不实"));
    FX_EXPECT(CPOL_ALREADY, cpol_points_reverse(w.ctx, officer, &rev, &req, "线索不实"));
    again = new_id();
    FX_EXPECT(CPOL_ECONFLICT, cpol_points_reverse(w.ctx, officer, &again, &req, "线索不实"));
    ck_assert_int_eq(balance(&v, NULL), 0);
    FX_OK(cpol_transfer_get(w.ctx, &rev, &t));
    ck_assert_int_eq(cpol_transfer_kind(t), CPOL_TRANSFER_REVERSAL);
    ck_assert_int_eq(cpol_id_compare(cpol_transfer_reverses(t), &req), 0);
    ck_assert_int_eq(cpol_transfer_amount(t), 50);
    cpol_transfer_free(t);
    /* a spent award cannot be reversed: nothing changes */
    req = new_id();
    src = new_id();
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
        srcs[i] = new_id();
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
    cpol_id v, shift, signup, course, session, attendance;
    cpol_shift_fields f = CPOL_SHIFT_FIELDS_INIT;
    cpol_actor *vol;
    cpol_transfer *t;
    int i;
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
        FX_OK(cpol_shift_signup(w.ctx, vol, &shift, &v, &signup));
        w.now += 60000;
        FX_OK(cpol_signup_check_in(w.ctx, aux, &signup));
        w.now += 2 * 3600 * 1000;
        FX_OK(cpol_signup_complete(w.ctx, aux, &signup, -1));
        ck_assert_int_eq(balance(&v, NULL), i < 3 ? 10 * (i + 1) : 30);
    }
    /* the capped fourth patrol earned no transfer at all */
    FX_EXPECT(CPOL_ENOTFOUND, cpol_transfer_get(w.ctx, &signup, &t));
    /* an award is a transfer whose id and source are the sign-up */
    {
        cpol_signup_filter sf = CPOL_SIGNUP_FILTER_INIT;
        cpol_signup_iter *it;
        const cpol_signup *s0;
        sf.person = &v;
        FX_OK(cpol_signup_iter_new(w.ctx, &sf, &it));
        FX_OK(cpol_signup_iter_next(it, &s0));
        FX_OK(cpol_transfer_get(w.ctx, cpol_signup_id(s0), &t));
        ck_assert_int_eq(cpol_transfer_kind(t), CPOL_TRANSFER_AWARD);
        ck_assert_int_eq(cpol_transfer_earning_kind(t), CPOL_EARN_PATROL);
        ck_assert_int_eq(cpol_transfer_amount(t), 10);
        cpol_transfer_free(t);
        cpol_signup_iter_free(it);
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
    cpol_shop_item *it;
    setup(1);
    FX_OK(cpol_earning_rule_set(w.ctx, officer, &w.station, CPOL_EARN_HAZARD, WALLET, 0, 0));
    v = fx_volunteer(&w, "义警甲", 100, CPOL_ROLE_VOLUNTEER);
    award(&v, CPOL_EARN_HAZARD);
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
            if (cpol_ctx_open(&ctx, w.uri, &o) != CPOL_OK ||
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
    FX_OK(cpol_shop_item_get(w.ctx, &item, &it));
    ck_assert_int_eq(cpol_shop_item_stock(it), 1000 - WALLET);
    cpol_shop_item_free(it);
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
    tcase_add_test(tc, two_processes_never_overspend);
    suite_add_tcase(s, tc);
    sr = srunner_create(s);
    srunner_run_all(sr, CK_NORMAL);
    failed = srunner_ntests_failed(sr);
    srunner_free(sr);
    return failed == 0 ? EXIT_SUCCESS : EXIT_FAILURE;
}
