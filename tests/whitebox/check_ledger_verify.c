/* White-box: cpol_ledger_verify() catches a ledger damaged behind the
 * library's back (a maintained balance, a posting, a held total), on both
 * built-in backends. The damage is done through the internal storage layer,
 * as a faulty import or a hand-edited database would do it. */
#define _POSIX_C_SOURCE 200809L
#include <check.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <commpolice/commpolice.h>

#include "store/context.h"
#include "domain/points/ledger_internal.h"
#include "test_util.h"

static cpol_ctx *ctx;
static cpol_actor *sys;
static cpol_id station, person, award_id;
static const char *dir;

static void id_card(char out[19], const char *first17)
{
    static const int w[17] = {7, 9, 10, 5, 8, 4, 2, 1, 6, 3, 7, 9, 10, 5, 8, 4, 2};
    int i, sum = 0;
    for (i = 0; i < 17; i++)
        sum += (first17[i] - '0') * w[i];
    memcpy(out, first17, 17);
    out[17] = "10X98765432"[sum % 11];
    out[18] = '\0';
}

static void build(int backend)
{
    char uri[512], card[19];
    cpol_id src;
    cpol_person_fields f = CPOL_PERSON_FIELDS_INIT;
    dir = tu_tmpdir();
    if (backend == 0)
        snprintf(uri, sizeof uri, "memory:");
    else
        snprintf(uri, sizeof uri, "sqlite:%s/ledger.db", dir);
    ck_assert_int_eq(cpol_ctx_open(&ctx, uri, tu_options()), CPOL_OK);
    ck_assert_int_eq(cpol_actor_system(ctx, &sys), CPOL_OK);
    ck_assert_int_eq(cpol_area_create(ctx, sys, NULL, CPOL_AREA_STATION, "忙畔派出所", &station), CPOL_OK);
    id_card(card, "53090219800101001");
    f.name = "义警";
    f.id_card = card;
    f.home_area = &station;
    ck_assert_int_eq(cpol_person_register(ctx, sys, &f, &person), CPOL_OK);
    ck_assert_int_eq(cpol_earning_rule_set(ctx, sys, &station, CPOL_EARN_PATROL, 10, 0, 0), CPOL_OK);
    cpol_id_new(ctx, &award_id);
    cpol_id_new(ctx, &src);
    ck_assert_int_eq(cpol_points_award(ctx, sys, &award_id, &person, CPOL_EARN_PATROL, &src, NULL, NULL), CPOL_OK);
    ck_assert_int_eq(cpol_ledger_verify(ctx, sys, NULL), CPOL_OK);
}

static void done(void)
{
    cpol_actor_free(sys);
    cpol_ctx_close(ctx);
    tu_rmtree(dir);
}

/* Add `delta` to an int column of the person's account. */
static void damage_account(unsigned int col, int64_t delta)
{
    cpol_record *a;
    ck_assert_int_eq(cpol__account_get(ctx, CPOL_ACCOUNT_PERSON, &person, &station, 0, &a), CPOL_OK);
    cpol__value_set_int(&a->vals[col], cpol__record_int(a, col) + delta);
    ck_assert_int_eq(cpol__store_update(ctx->store, a), CPOL_OK);
    cpol__record_free(a);
}

static void expect_corrupt(const char *words)
{
    int rc = cpol_ledger_verify(ctx, sys, NULL);
    ck_assert_msg(rc == CPOL_ECORRUPT, "verify -> %s", cpol_status_name(rc));
    ck_assert_msg(strstr(cpol_error_message(), words) != NULL, "message: %s", cpol_error_message());
}

START_TEST(catches_a_maintained_balance_that_drifted)
{
    build(_i);
    damage_account(ACCOUNT_BALANCE, 1);
    expect_corrupt("maintained balance 11 but its postings sum to 10");
    done();
}
END_TEST

START_TEST(catches_a_held_total_without_holds)
{
    build(_i);
    damage_account(ACCOUNT_HELD, 3);
    expect_corrupt("3 points held but its pending holds total 0");
    done();
}
END_TEST

START_TEST(catches_points_from_nowhere)
{
    /* the account and its postings agree, but a posting no longer has its
     * counterpart: the books no longer sum to zero */
    cpol_query *q;
    cpol_cursor *c;
    cpol_record *p;
    cpol_id acct;
    cpol_record *a;
    build(_i);
    ck_assert_int_eq(cpol__account_get(ctx, CPOL_ACCOUNT_PERSON, &person, &station, 0, &a), CPOL_OK);
    cpol__record_get_id(a, ACCOUNT_ID, &acct);
    cpol__record_free(a);
    ck_assert_int_eq(cpol__query_new(&cpol__table_posting, &q), CPOL_OK);
    ck_assert_int_eq(cpol__query_where_id(q, POSTING_ACCOUNT, CPOL_OP_EQ, &acct), CPOL_OK);
    ck_assert_int_eq(cpol__record_new(&cpol__table_posting, &p), CPOL_OK);
    ck_assert_int_eq(cpol__cursor_open(ctx->store, q, &c), CPOL_OK);
    ck_assert_int_eq(cpol__cursor_next(c, p), CPOL_OK);
    cpol__cursor_close(c);
    cpol__value_set_int(&p->vals[POSTING_AMOUNT], 11);
    ck_assert_int_eq(cpol__store_update(ctx->store, p), CPOL_OK);
    cpol__record_free(p);
    cpol__query_free(q);
    damage_account(ACCOUNT_BALANCE, 1);
    expect_corrupt("sum to 1, not 0");
    done();
}
END_TEST

int main(void)
{
    Suite *s = suite_create("ledger_verify");
    TCase *tc = tcase_create("verify");
    SRunner *sr;
    int failed;
    tcase_set_timeout(tc, 60);
    tcase_add_loop_test(tc, catches_a_maintained_balance_that_drifted, 0, 2);
    tcase_add_loop_test(tc, catches_a_held_total_without_holds, 0, 2);
    tcase_add_loop_test(tc, catches_points_from_nowhere, 0, 2);
    suite_add_tcase(s, tc);
    sr = srunner_create(s);
    srunner_run_all(sr, CK_NORMAL);
    failed = srunner_ntests_failed(sr);
    srunner_free(sr);
    return failed == 0 ? EXIT_SUCCESS : EXIT_FAILURE;
}
