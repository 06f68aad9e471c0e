/* Ledger benchmark: the library against the physical limit measured in the
 * same run on the same disk (see ../shared/reference/perf-baselines.md).
 *
 *   bench_ledger [N] [DIR]
 *
 * 1. baseline: raw SQLite, one transfer = two conditional balance updates and
 *    two posting inserts (unique 16-byte id, index on account), WAL and
 *    synchronous=FULL, 100 transfers per commit;
 * 2. library: cpol_points_award() on a sqlite: context, 100 per batch (each
 *    award also checks idempotency, the earning rule and its caps, writes the
 *    transfer row and an audit entry);
 * 3. balance reads: cpol_points_balance() for a person with 10 postings and
 *    for one with N postings (maintained balances: the cost must not grow);
 * 4. the cost of encryption at rest: registering people (name, ID-card
 *    number, phone encrypted, a blind index) and exact lookups by ID-card
 *    number, and awards, each with a key and with CPOL_OPEN_PLAINTEXT, in the
 *    same run (the audit chain and row seals are on in both: they cannot be
 *    turned off).
 * Prints rates and the ratios; asserts nothing about speed. */
#define _POSIX_C_SOURCE 200809L
#include <sqlite3.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>

#include <commpolice/commpolice.h>

#include "test_util.h"

#define BATCH 100

static double seconds(void)
{
    struct timespec ts;
    clock_gettime(CLOCK_MONOTONIC, &ts);
    return (double)ts.tv_sec + (double)ts.tv_nsec * 1e-9;
}

static void must(int ok, const char *what)
{
    if (!ok) {
        fprintf(stderr, "bench: %s failed: %s\n", what, cpol_error_message());
        exit(1);
    }
}

static void sql(sqlite3 *db, const char *q)
{
    must(sqlite3_exec(db, q, NULL, NULL, NULL) == SQLITE_OK, q);
}

/* Raw SQLite transfers per second. */
static double baseline(const char *dir, long n)
{
    char path[512];
    sqlite3 *db;
    sqlite3_stmt *upd, *ins;
    double t0;
    long i;
    unsigned long long seq = 0;
    snprintf(path, sizeof path, "%s/baseline.db", dir);
    must(sqlite3_open(path, &db) == SQLITE_OK, "sqlite3_open");
    sql(db, "PRAGMA journal_mode=WAL");
    sql(db, "PRAGMA synchronous=FULL");
    sql(db, "CREATE TABLE balances(account INTEGER PRIMARY KEY, bal INTEGER)");
    sql(db, "CREATE TABLE postings(id BLOB UNIQUE, account INTEGER, amount INTEGER, ts INTEGER, memo TEXT)");
    sql(db, "CREATE INDEX postings_account ON postings(account)");
    sql(db, "INSERT INTO balances VALUES (1, 0), (2, 0)");
    sqlite3_prepare_v2(db, "UPDATE balances SET bal = bal + ?1 WHERE account = ?2 AND (?2 = 1 OR bal + ?1 >= 0)", -1,
                       &upd, NULL);
    sqlite3_prepare_v2(db, "INSERT INTO postings VALUES (?1, ?2, ?3, ?4, 'award')", -1, &ins, NULL);
    t0 = seconds();
    for (i = 0; i < n; i++) {
        int leg;
        if (i % BATCH == 0)
            sql(db, "BEGIN IMMEDIATE");
        for (leg = 0; leg < 2; leg++) {
            unsigned char id[16];
            int account = leg == 0 ? 1 : 2;
            int amount = leg == 0 ? -10 : 10;
            seq++;
            memset(id, 0, sizeof id);
            memcpy(id, &seq, sizeof seq);
            sqlite3_bind_int(upd, 1, amount);
            sqlite3_bind_int(upd, 2, account);
            must(sqlite3_step(upd) == SQLITE_DONE && sqlite3_changes(db) == 1, "balance update");
            sqlite3_reset(upd);
            sqlite3_bind_blob(ins, 1, id, 16, SQLITE_TRANSIENT);
            sqlite3_bind_int(ins, 2, account);
            sqlite3_bind_int(ins, 3, amount);
            sqlite3_bind_int64(ins, 4, (sqlite3_int64)i);
            must(sqlite3_step(ins) == SQLITE_DONE, "posting insert");
            sqlite3_reset(ins);
        }
        if (i % BATCH == BATCH - 1 || i == n - 1)
            sql(db, "COMMIT");
    }
    t0 = seconds() - t0;
    sqlite3_finalize(upd);
    sqlite3_finalize(ins);
    sqlite3_close(db);
    return (double)n / t0;
}

static cpol_id register_person(cpol_ctx *ctx, cpol_actor *sys, const cpol_id *home, const char *card)
{
    cpol_person_fields f = CPOL_PERSON_FIELDS_INIT;
    cpol_id id;
    f.name = "义警";
    f.id_card = card;
    f.home_area = home;
    must(cpol_person_register(ctx, sys, &f, &id) == CPOL_OK, "register");
    return id;
}

static double awards(cpol_ctx *ctx, cpol_actor *sys, const cpol_id *person, long n)
{
    double t0 = seconds();
    long i;
    for (i = 0; i < n; i++) {
        cpol_id req, src;
        if (i % BATCH == 0)
            must(cpol_batch_begin(ctx) == CPOL_OK, "batch");
        cpol_id_new(ctx, &req);
        cpol_id_new(ctx, &src);
        must(cpol_points_award(ctx, sys, &req, person, CPOL_EARN_PATROL, &src, NULL, NULL) == CPOL_OK, "award");
        if (i % BATCH == BATCH - 1 || i == n - 1)
            must(cpol_batch_commit(ctx) == CPOL_OK, "commit");
    }
    return (double)n / (seconds() - t0);
}

static double balance_reads(cpol_ctx *ctx, cpol_actor *sys, const cpol_id *person, long reads)
{
    double t0 = seconds();
    int64_t b;
    long i;
    for (i = 0; i < reads; i++)
        must(cpol_points_balance(ctx, sys, person, &b, NULL) == CPOL_OK, "balance");
    return (double)reads / (seconds() - t0);
}

/* A valid GB 11643 number for person i. */
static const char *nth_card(long i, char out[19])
{
    char digits[48];
    snprintf(digits, sizeof digits, "1101051970%02ld%02ld%03ld", i % 12 + 1, i / 12 % 28 + 1, i % 1000);
    return tu_id_card(digits, out);
}

typedef struct trust_rates {
    double registrations, lookups, awards;
} trust_rates;

/* Registrations, lookups and awards on a fresh file, keyed or in clear. */
static trust_rates trust_costs(const char *dir, int keyed, long m)
{
    cpol_open_options o = CPOL_OPEN_OPTIONS_INIT;
    char uri[512], card[19];
    cpol_ctx *ctx;
    cpol_actor *sys;
    cpol_id station, first;
    trust_rates r;
    double t0;
    long i;
    snprintf(uri, sizeof uri, "sqlite:%s/trust-%s.db", dir, keyed ? "keyed" : "plain");
    if (keyed)
        tu_keyed(&o);
    else
        o.flags = CPOL_OPEN_PLAINTEXT;
    must(cpol_ctx_open(&ctx, uri, &o) == CPOL_OK, "open");
    must(cpol_actor_system(ctx, &sys) == CPOL_OK, "actor");
    must(cpol_area_create(ctx, sys, NULL, CPOL_AREA_STATION, "白沙派出所", &station) == CPOL_OK, "area");
    must(cpol_earning_rule_set(ctx, sys, &station, CPOL_EARN_PATROL, 10, 0, 0) == CPOL_OK, "rule");
    t0 = seconds();
    for (i = 0; i < m; i++) {
        cpol_person_fields f = CPOL_PERSON_FIELDS_INIT;
        cpol_id id;
        if (i % BATCH == 0)
            must(cpol_batch_begin(ctx) == CPOL_OK, "batch");
        f.name = "义警";
        f.id_card = nth_card(i, card);
        f.phone = "13912345678";
        f.home_area = &station;
        must(cpol_person_register(ctx, sys, &f, i ? &id : &first) == CPOL_OK, "register");
        if (i % BATCH == BATCH - 1 || i == m - 1)
            must(cpol_batch_commit(ctx) == CPOL_OK, "commit");
    }
    r.registrations = (double)m / (seconds() - t0);
    t0 = seconds();
    for (i = 0; i < m; i++) {
        cpol_person *p;
        must(cpol_person_find_by_id_card(ctx, sys, nth_card(i, card), &p) == CPOL_OK, "lookup");
        cpol_person_free(p);
    }
    r.lookups = (double)m / (seconds() - t0);
    r.awards = awards(ctx, sys, &first, m);
    cpol_actor_free(sys);
    cpol_ctx_close(ctx);
    return r;
}

int main(int argc, char **argv)
{
    long n = argc > 1 ? atol(argv[1]) : 20000, i;
    char dirbuf[] = "/tmp/cpolbench.XXXXXX", uri[512];
    const char *dir = argc > 2 ? argv[2] : mkdtemp(dirbuf);
    cpol_ctx *ctx;
    cpol_actor *sys;
    cpol_id station, few, many;
    double base, lib, read_few, read_many;
    if (n < BATCH || !dir) {
        fprintf(stderr, "usage: bench_ledger [N >= %d] [DIR]\n", BATCH);
        return 2;
    }
    base = baseline(dir, n);
    snprintf(uri, sizeof uri, "sqlite:%s/library.db", dir);
    must(cpol_ctx_open(&ctx, uri, tu_options()) == CPOL_OK, "open");
    must(cpol_actor_system(ctx, &sys) == CPOL_OK, "actor");
    must(cpol_area_create(ctx, sys, NULL, CPOL_AREA_STATION, "白沙派出所", &station) == CPOL_OK, "area");
    must(cpol_earning_rule_set(ctx, sys, &station, CPOL_EARN_PATROL, 10, 0, 0) == CPOL_OK, "rule");
    few = register_person(ctx, sys, &station, "11010519491231002X");
    many = register_person(ctx, sys, &station, "440524198001010013");
    lib = awards(ctx, sys, &many, n);
    for (i = 0; i < 10; i++)
        awards(ctx, sys, &few, 1);
    read_few = balance_reads(ctx, sys, &few, 20000);
    read_many = balance_reads(ctx, sys, &many, 20000);
    printf("| measure (N = %ld) | rate per second | ratio |\n|---|---:|---:|\n", n);
    printf("| raw SQLite transfer (2 legs, WAL FULL, %d per commit) | %.0f | 1.00 |\n", BATCH, base);
    printf("| cpol_points_award, %d per batch | %.0f | %.2f of raw |\n", BATCH, lib, lib / base);
    printf("| cpol_points_balance, 10 postings | %.0f | 1.00 |\n", read_few);
    printf("| cpol_points_balance, %ld postings | %.0f | %.2f of 10-posting read |\n", n, read_many,
           read_many / read_few);
    {
        double t0 = seconds();
        must(cpol_ledger_verify(ctx, sys, NULL) == CPOL_OK, "verify");
        printf("| cpol_ledger_verify incl. the audit chain and every row's seal (%ld awards) | %.2f s | |\n", n,
               seconds() - t0);
    }
    cpol_actor_free(sys);
    cpol_ctx_close(ctx);
    {
        long m = n / 10 < 20000 ? (n / 10 < BATCH ? BATCH : n / 10) : 20000;
        trust_rates plain = trust_costs(dir, 0, m), keyed = trust_costs(dir, 1, m);
        printf("\n| encryption at rest (M = %ld, SQLite file) | plaintext per second | keyed per second | "
               "keyed ÷ plaintext |\n|---|---:|---:|---:|\n", m);
        printf("| cpol_person_register, %d per batch | %.0f | %.0f | %.2f |\n", BATCH, plain.registrations,
               keyed.registrations, keyed.registrations / plain.registrations);
        printf("| cpol_person_find_by_id_card | %.0f | %.0f | %.2f |\n", plain.lookups, keyed.lookups,
               keyed.lookups / plain.lookups);
        printf("| cpol_points_award, %d per batch | %.0f | %.0f | %.2f |\n", BATCH, plain.awards, keyed.awards,
               keyed.awards / plain.awards);
    }
    if (argc <= 2) {
        char cmd[600];
        snprintf(cmd, sizeof cmd, "rm -rf '%s'", dir);
        if (system(cmd) != 0)
            fprintf(stderr, "bench: could not remove %s\n", dir);
    }
    return 0;
}
