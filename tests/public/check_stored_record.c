/* The stored record (issue "Trust, part 2", docs/security.md): a database
 * written with a key holds no personal data or informant link in clear, is
 * created readable by its owner only, cannot be opened without its key, and
 * every edit made around the library with plain SQL — even one that keeps the
 * books consistent — is reported by cpol_ledger_verify() and
 * cpol_audit_verify() as CPOL_ECORRUPT naming the table. Runs on SQLite
 * files, edited with the sqlite3 library directly, as an attacker would. */
#include <check.h>
#include <sqlite3.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>

#include "check_case_world.h"

typedef struct station_file {
    cw w;
    char path[512];       /* the database file */
    cpol_id tip, closed, redeemed_item;
    char informant_card[32], informant_phone[32];
} station_file;

/* The informant tips (a verified lead: an award), a volunteer earns and
 * redeems, a neighbour dispute runs the whole loop to closed. */
static void build(station_file *s)
{
    cw *w = &s->w;
    cpol_id req, receipt, c;
    cpol_person *p;
    cw_open(w, 1);
    snprintf(s->path, sizeof s->path, "%s", w->fx.uri + strlen("sqlite:"));
    FX_OK(cpol_earning_rule_set(w->ctx, w->officer, &w->fx.station, CPOL_EARN_CASE_LEAD, 50, 0, 0));
    FX_OK(cpol_earning_rule_set(w->ctx, w->officer, &w->fx.station, CPOL_EARN_PATROL, 10, 0, 0));
    s->tip = cw_report(w, w->informant, CPOL_CASE_SOURCE_INFORMANT_TIP, CPOL_CASE_THEFT_FRAUD, "3栋收购赃车");
    FX_OK(cpol_case_verify(w->ctx, w->officer, &s->tip, "属实"));
    FX_OK(cpol_id_new(w->ctx, &req));
    FX_OK(cpol_points_award(w->ctx, w->sys, &req, &w->volunteer_id, CPOL_EARN_PATROL, &req, "导入", NULL));
    FX_OK(cpol_shop_item_create(w->ctx, w->officer, &w->fx.station, "大米", 5, 10, &s->redeemed_item));
    FX_OK(cpol_id_new(w->ctx, &receipt));
    FX_OK(cpol_shop_redeem(w->ctx, w->operator_, &receipt, &w->volunteer_id, &s->redeemed_item, 1, 0, NULL));
    c = cw_report(w, w->aux, CPOL_CASE_SOURCE_RESIDENT_COMPLAINT, CPOL_CASE_NEIGHBOUR, "楼上漏水");
    cw_advance(w, &c, CPOL_CASE_CLOSED);
    s->closed = c;
    FX_OK(cpol_person_get(w->ctx, w->sys, &w->informant_id, &p));
    snprintf(s->informant_card, sizeof s->informant_card, "%s", cpol_person_id_card(p));
    snprintf(s->informant_phone, sizeof s->informant_phone, "%s", cpol_person_phone(p));
    cpol_person_free(p);
    FX_OK(cpol_ledger_verify(w->ctx, w->sys, NULL));
    FX_OK(cpol_audit_verify(w->ctx, w->sys, NULL, NULL));
}

/* Close the library's connection, keeping the world's ids and file. */
static void detach(station_file *s)
{
    cpol_ctx_close(s->w.fx.ctx);
    s->w.fx.ctx = s->w.ctx = NULL;
}

static void reattach(station_file *s)
{
    FX_OK(cpol_ctx_open(&s->w.fx.ctx, s->w.fx.uri, tu_options()));
    s->w.ctx = s->w.fx.ctx;
}

static void finish(station_file *s)
{
    if (!s->w.ctx)
        reattach(s);
    cw_close(&s->w);
}

static unsigned char *slurp(const char *path, size_t *len)
{
    FILE *f = fopen(path, "rb");
    unsigned char *buf = NULL;
    long n;
    *len = 0;
    if (!f)
        return NULL;
    fseek(f, 0, SEEK_END);
    n = ftell(f);
    fseek(f, 0, SEEK_SET);
    buf = malloc((size_t)n + 1);
    ck_assert_ptr_nonnull(buf);
    *len = fread(buf, 1, (size_t)n, f);
    fclose(f);
    return buf;
}

static int contains(const unsigned char *hay, size_t n, const void *needle, size_t m)
{
    size_t i;
    for (i = 0; m && i + m <= n; i++)
        if (memcmp(hay + i, needle, m) == 0)
            return 1;
    return 0;
}

/* What `strings` would find: the text in the file and its write-ahead log. */
static void expect_not_in_files(const char *path, const char *what, const void *needle, size_t len)
{
    static const char *const suffixes[] = {"", "-wal", "-journal"};
    char name[600];
    size_t i, n;
    for (i = 0; i < sizeof suffixes / sizeof suffixes[0]; i++) {
        unsigned char *data;
        snprintf(name, sizeof name, "%s%s", path, suffixes[i]);
        data = slurp(name, &n);
        if (!data)
            continue;
        ck_assert_msg(!contains(data, n, needle, len), "%s: %s is stored in clear", name, what);
        free(data);
    }
}

static void raw_sql(const char *path, const char *sql)
{
    sqlite3 *db;
    char *err = NULL;
    ck_assert_int_eq(sqlite3_open(path, &db), SQLITE_OK);
    ck_assert_msg(sqlite3_exec(db, sql, NULL, NULL, &err) == SQLITE_OK, "%s: %s", sql, err ? err : "");
    ck_assert_msg(sqlite3_changes(db) > 0 || strstr(sql, "INSERT") != NULL, "the edit changed nothing: %s", sql);
    sqlite3_close(db);
}

static int64_t raw_count(const char *path, const char *sql, const cpol_id *bind)
{
    sqlite3 *db;
    sqlite3_stmt *st;
    int64_t n = -1;
    ck_assert_int_eq(sqlite3_open(path, &db), SQLITE_OK);
    ck_assert_int_eq(sqlite3_prepare_v2(db, sql, -1, &st, NULL), SQLITE_OK);
    if (bind)
        sqlite3_bind_blob(st, 1, bind->bytes, 16, SQLITE_STATIC);
    if (sqlite3_step(st) == SQLITE_ROW)
        n = sqlite3_column_int64(st, 0);
    sqlite3_finalize(st);
    sqlite3_close(db);
    return n;
}

START_TEST(a_keyed_file_holds_no_personal_data_or_informant_link)
{
    station_file s;
    struct stat stt;
    char text[CPOL_ID_STRING_SIZE];
    memset(&s, 0, sizeof s);
    build(&s);
    detach(&s);
    expect_not_in_files(s.path, "the informant's ID-card number", s.informant_card, strlen(s.informant_card));
    expect_not_in_files(s.path, "the informant's phone", s.informant_phone, strlen(s.informant_phone));
    expect_not_in_files(s.path, "the informant's name", "信息员王", strlen("信息员王"));
    expect_not_in_files(s.path, "an officer's name", "石所长", strlen("石所长"));
    cpol_id_format(&s.w.informant_id, text, sizeof text);
    expect_not_in_files(s.path, "the informant's id as text", text, strlen(text));
    /* the links: tip -> reporter, role -> holder, steps -> actor, all encrypted */
    ck_assert_int_eq(raw_count(s.path, "SELECT count(*) FROM case_file WHERE reporter_id = ?1 OR recorded_by = ?1 "
                                       "OR handler_id = ?1",
                               &s.w.informant_id),
                     0);
    ck_assert_int_eq(raw_count(s.path, "SELECT count(*) FROM assignment WHERE person_id = ?1", &s.w.informant_id), 0);
    ck_assert_int_eq(raw_count(s.path, "SELECT count(*) FROM audit WHERE actor_person_id = ?1", &s.w.informant_id),
                     0);
    ck_assert_int_eq(raw_count(s.path, "SELECT count(*) FROM case_event WHERE actor_person_id = ?1 OR subject_id = ?1",
                               &s.w.informant_id),
                     0);
    ck_assert_int_eq(raw_count(s.path, "SELECT count(*) FROM person WHERE typeof(id_card) <> 'blob'", NULL), 0);
    /* the file is its owner's alone */
    ck_assert_int_eq(stat(s.path, &stt), 0);
    ck_assert_msg((stt.st_mode & 077) == 0, "the database file is mode %o", (unsigned)(stt.st_mode & 0777));
    finish(&s);
}
END_TEST

static int wrong_key(void *payload, const char *key_id, unsigned char key[CPOL_KEY_LEN])
{
    (void)payload;
    (void)key_id;
    memset(key, 0x42, CPOL_KEY_LEN);
    return 0;
}

START_TEST(no_key_or_the_wrong_key_is_refused_and_plaintext_must_be_asked_for)
{
    station_file s;
    cpol_ctx *ctx = NULL;
    cpol_open_options o = CPOL_OPEN_OPTIONS_INIT;
    size_t before_len, after_len;
    unsigned char *before, *after;
    memset(&s, 0, sizeof s);
    build(&s);
    detach(&s);
    before = slurp(s.path, &before_len);
    FX_EXPECT(CPOL_EKEY, cpol_ctx_open(&ctx, s.w.fx.uri, NULL));
    ck_assert_ptr_null(ctx);
    fx_expect_message("encrypted with key \"test-key-1\"");
    o.flags = CPOL_OPEN_PLAINTEXT;
    FX_EXPECT(CPOL_EKEY, cpol_ctx_open(&ctx, s.w.fx.uri, &o)); /* encrypted data stays locked */
    fx_expect_message("test-key-1");
    o.flags = 0;
    o.key = wrong_key;
    o.key_id = TU_KEY_ID;
    FX_EXPECT(CPOL_EKEY, cpol_ctx_open(&ctx, s.w.fx.uri, &o));
    fx_expect_message("not the one this database was encrypted with");
    after = slurp(s.path, &after_len);
    ck_assert_msg(before_len == after_len && memcmp(before, after, before_len) == 0,
                  "a refused open changed the file");
    free(before);
    free(after);
    /* a new store without a key only when asked for */
    FX_EXPECT(CPOL_EKEY, cpol_ctx_open(&ctx, "memory:", NULL));
    o.key = NULL;
    o.key_id = NULL;
    o.flags = CPOL_OPEN_PLAINTEXT;
    FX_OK(cpol_ctx_open(&ctx, "memory:", &o));
    cpol_ctx_close(ctx);
    finish(&s);
}
END_TEST

/* One edit made around the library, each kept consistent where it can be. */
typedef struct edit {
    const char *what;
    const char *sql;
    const char *table;   /* the table the report must name */
} edit;

static const edit edits[] = {
    {"a forged award across transfer, postings and both balances",
     "CREATE TEMP TABLE t AS SELECT * FROM transfer WHERE earning_kind = 1 LIMIT 1;"
     "CREATE TEMP TABLE p AS SELECT * FROM posting WHERE transfer_id = (SELECT id FROM t);"
     "UPDATE t SET id = randomblob(16), source_id = randomblob(16);"
     "UPDATE p SET id = randomblob(16), transfer_id = (SELECT id FROM t);"
     "INSERT INTO transfer SELECT * FROM t; INSERT INTO posting SELECT * FROM p;"
     "UPDATE account SET balance = balance + (SELECT amount FROM t) WHERE id = (SELECT credit_account_id FROM t);"
     "UPDATE account SET balance = balance - (SELECT amount FROM t) WHERE id = (SELECT debit_account_id FROM t);",
     "table "},
    {"a redemption deleted with its postings, balances restored",
     "CREATE TEMP TABLE r AS SELECT * FROM redemption LIMIT 1;"
     "CREATE TEMP TABLE x AS SELECT * FROM transfer WHERE person_id = (SELECT person_id FROM r) "
     "  AND amount = (SELECT amount FROM r) ORDER BY at DESC LIMIT 1;"
     "UPDATE account SET balance = balance + (SELECT amount FROM x) WHERE id = (SELECT debit_account_id FROM x);"
     "UPDATE account SET balance = balance - (SELECT amount FROM x) WHERE id = (SELECT credit_account_id FROM x);"
     "DELETE FROM posting WHERE transfer_id = (SELECT id FROM x);"
     "DELETE FROM transfer WHERE id = (SELECT id FROM x);"
     "DELETE FROM redemption WHERE id = (SELECT id FROM r);",
     "table "},
    {"a case.close audit entry rewritten", "UPDATE audit SET reason = '已核实' WHERE action = 'case.close';",
     "table audit"},
    {"every points audit entry deleted",
     "DELETE FROM audit WHERE action LIKE 'points.%' OR action LIKE 'shop.%';", "table "},
    {"a closed case flipped back to reported", "UPDATE case_file SET state = 1 WHERE state = 10;",
     "table case_file"},
    {"a case's history deleted",
     "DELETE FROM case_event WHERE case_id = (SELECT id FROM case_file WHERE state = 10);", "table case_event"},
    {"confidential cleared on a tip", "UPDATE case_file SET confidential = 0 WHERE source = 3;", "table case_file"},
    {"the encrypted reporter of a tip swapped for another row's",
     "UPDATE case_file SET reporter_id = (SELECT reporter_id FROM case_file WHERE source <> 3 AND reporter_id IS "
     "NOT NULL LIMIT 1) WHERE source = 3;",
     "table case_file"},
};

START_TEST(every_edit_around_the_library_is_reported)
{
    const edit *e = &edits[_i];
    station_file s;
    int64_t entries = 0, rows = 0;
    memset(&s, 0, sizeof s);
    build(&s);
    detach(&s);
    raw_sql(s.path, e->sql);
    reattach(&s);
    FX_EXPECT(CPOL_ECORRUPT, cpol_audit_verify(s.w.ctx, s.w.sys, &entries, &rows));
    ck_assert_msg(strstr(cpol_error_message(), e->table) != NULL, "%s: the report \"%s\" does not name %s", e->what,
                  cpol_error_message(), e->table);
    printf("%s -> %s\n", e->what, cpol_error_message());
    FX_EXPECT(CPOL_ECORRUPT, cpol_ledger_verify(s.w.ctx, s.w.sys, NULL));
    finish(&s);
}
END_TEST

START_TEST(an_anchored_head_shows_a_chain_cut_short)
{
    station_file s;
    char hash[CPOL_AUDIT_HASH_SIZE], sql[256];
    int64_t seq = 0;
    cpol_id req;
    memset(&s, 0, sizeof s);
    build(&s);
    FX_OK(cpol_audit_head(s.w.ctx, s.w.sys, &s.w.fx.station, &seq, hash, sizeof hash));
    ck_assert_int_gt(seq, 10);
    ck_assert_uint_eq(strlen(hash), 64);
    FX_EXPECT(CPOL_EPERM, cpol_audit_head(s.w.ctx, s.w.volunteer, &s.w.fx.station, &seq, hash, sizeof hash));
    FX_OK(cpol_audit_head(s.w.ctx, s.w.sys, &s.w.fx.station, &seq, hash, sizeof hash));
    /* more work after the anchor: the anchor still holds */
    FX_OK(cpol_id_new(s.w.ctx, &req));
    FX_OK(cpol_points_award(s.w.ctx, s.w.sys, &req, &s.w.volunteer_id, CPOL_EARN_PATROL, &req, "导入", NULL));
    FX_OK(cpol_audit_verify_head(s.w.ctx, s.w.sys, &s.w.fx.station, seq, hash));
    FX_EXPECT(CPOL_EINVALID, cpol_audit_verify_head(s.w.ctx, s.w.sys, &s.w.fx.station, seq, "abc"));
    /* an anchor the chain does not reach (its entries cut off, rows and all) */
    FX_EXPECT(CPOL_ECORRUPT, cpol_audit_verify_head(s.w.ctx, s.w.sys, &s.w.fx.station, seq + 1000, hash));
    fx_expect_message("cut short");
    detach(&s);
    /* the newest entries cut off: nothing else can show it */
    snprintf(sql, sizeof sql, "DELETE FROM audit WHERE chain_seq >= %lld AND chain_id = (SELECT station_id FROM "
                              "case_file LIMIT 1);",
             (long long)seq);
    raw_sql(s.path, sql);
    reattach(&s);
    FX_EXPECT(CPOL_ECORRUPT, cpol_audit_verify_head(s.w.ctx, s.w.sys, &s.w.fx.station, seq, hash));
    finish(&s);
}
END_TEST

START_TEST(rekey_reencrypts_everything_and_lookups_still_work)
{
    station_file s;
    cpol_person *p = NULL;
    int64_t before = 0, after = 0;
    memset(&s, 0, sizeof s);
    build(&s);
    FX_EXPECT(CPOL_EPERM, cpol_rekey(s.w.ctx, s.w.officer, "test-key-2"));
    FX_EXPECT(CPOL_EKEY, cpol_rekey(s.w.ctx, s.w.sys, "no-such-key"));
    FX_EXPECT(CPOL_EEXISTS, cpol_rekey(s.w.ctx, s.w.sys, TU_KEY_ID));
    FX_OK(cpol_audit_verify(s.w.ctx, s.w.sys, &before, NULL));
    FX_OK(cpol_rekey(s.w.ctx, s.w.sys, "test-key-2"));
    FX_OK(cpol_person_find_by_id_card(s.w.ctx, s.w.sys, s.informant_card, &p));
    cpol_person_free(p);
    detach(&s);
    /* the database now names key 2: the same options open it */
    reattach(&s);
    FX_OK(cpol_audit_verify(s.w.ctx, s.w.sys, &after, NULL));
    ck_assert_int_eq(after, before + 1); /* the rotation is itself audited */
    FX_OK(cpol_ledger_verify(s.w.ctx, s.w.sys, NULL));
    FX_OK(cpol_person_find_by_id_card(s.w.ctx, s.w.sys, s.informant_card, &p));
    ck_assert_str_eq(cpol_person_id_card(p), s.informant_card);
    cpol_person_free(p);
    expect_not_in_files(s.path, "the informant's ID-card number", s.informant_card, strlen(s.informant_card));
    finish(&s);
}
END_TEST

static Suite *suite(void)
{
    Suite *s = suite_create("stored_record");
    TCase *tc = tcase_create("sqlite");
    tcase_set_timeout(tc, 120);
    tcase_add_test(tc, a_keyed_file_holds_no_personal_data_or_informant_link);
    tcase_add_test(tc, no_key_or_the_wrong_key_is_refused_and_plaintext_must_be_asked_for);
    tcase_add_loop_test(tc, every_edit_around_the_library_is_reported, 0, (int)(sizeof edits / sizeof edits[0]));
    tcase_add_test(tc, an_anchored_head_shows_a_chain_cut_short);
    tcase_add_test(tc, rekey_reencrypts_everything_and_lookups_still_work);
    suite_add_tcase(s, tc);
    return s;
}

int main(void)
{
    SRunner *sr = srunner_create(suite());
    int failed;
    srunner_run_all(sr, CK_NORMAL);
    failed = srunner_ntests_failed(sr);
    srunner_free(sr);
    return failed ? EXIT_FAILURE : EXIT_SUCCESS;
}
