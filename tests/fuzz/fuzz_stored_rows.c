/* libFuzzer target: hostile stored rows never corrupt memory.
 *
 * A real station database is written once (with a key, as deployments run);
 * each input is a list of edits made with plain SQL on a fresh copy of the
 * file (a column of a row set to NULL, a number, text or bytes, or a row
 * deleted), as someone with write access to the database could. The library
 * then opens the copy and drives its readers and workflow steps as an
 * officer and as an analyst. Any status is acceptable; a crash, a sanitizer
 * report or a leak is a finding. Built by scripts/fuzz-stored-rows.sh with
 * clang (-fsanitize=fuzzer,address,undefined); corpus in tests/fuzz/corpus/. */
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include <sqlite3.h>

#include <commpolice/commpolice.h>

#include "store/schema.h"
#include "test_util.h"

/* libFuzzer's entry points */
int LLVMFuzzerInitialize(int *argc, char ***argv);
int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

#define MUST(call)                                                                             \
    do {                                                                                       \
        int must_rc_ = (call);                                                                 \
        if (must_rc_ < 0) {                                                                    \
            fprintf(stderr, "fuzz setup: %s: %s\n", #call, cpol_error_message());               \
            abort();                                                                           \
        }                                                                                      \
    } while (0)

static char dir[256], template_path[300], work_path[300], work_uri[320];
static unsigned char *template_bytes;
static size_t template_len;
static cpol_id station, community, compound, officer_id, analyst_id, informant_id, volunteer_id;
static cpol_id cases[3];

static cpol_time fixed_clock(void *payload)
{
    (void)payload;
    return 1750644000000LL;
}

static cpol_open_options options(void)
{
    cpol_open_options o = CPOL_OPEN_OPTIONS_INIT;
    o.clock = fixed_clock;
    tu_keyed(&o);
    return o;
}

/* A valid GB 11643 number from its first 17 digits. */
static const char *id_card(const char *first17)
{
    static char buf[4][19];
    static int slot;
    return tu_id_card(first17, buf[slot++ % 4]);
}

static cpol_id person(cpol_ctx *ctx, const cpol_actor *sys, const char *name, const char *first17)
{
    cpol_person_fields f = CPOL_PERSON_FIELDS_INIT;
    cpol_id id;
    f.name = name;
    f.id_card = id_card(first17);
    f.phone = "13912345678";
    f.home_area = &compound;
    MUST(cpol_person_register(ctx, sys, &f, &id));
    return id;
}

static void volunteer(cpol_ctx *ctx, const cpol_actor *sys, const cpol_id *p, int role)
{
    cpol_id a;
    MUST(cpol_volunteer_apply(ctx, sys, p, role, &community, "报名", &a));
    MUST(cpol_assignment_step(ctx, sys, &a, CPOL_ASSIGNMENT_UNDER_REVIEW, "审核"));
    MUST(cpol_assignment_step(ctx, sys, &a, CPOL_ASSIGNMENT_ADMITTED, "审核"));
    MUST(cpol_assignment_step(ctx, sys, &a, CPOL_ASSIGNMENT_ACTIVE, "审核"));
}

static cpol_id report(cpol_ctx *ctx, const cpol_actor *as, int source, int category)
{
    cpol_case_fields f = CPOL_CASE_FIELDS_INIT;
    cpol_id id;
    f.source = source;
    f.category = category;
    f.area = &compound;
    f.description = "邻里纠纷";
    f.has_location = 1;
    f.latitude = 23.886;
    f.longitude = 100.092;
    MUST(cpol_case_report(ctx, as, &f, &id));
    return id;
}

/* The template: areas, staff, an informant's verified tip, a case handled
 * on the spot, points and a redemption. */
static void build_template(void)
{
    cpol_open_options o = options();
    cpol_ctx *ctx;
    cpol_actor *sys, *officer, *informant;
    cpol_id bureau, a, item, req;
    FILE *f;
    MUST(cpol_ctx_open(&ctx, work_uri, &o));
    MUST(cpol_actor_system(ctx, &sys));
    MUST(cpol_area_create(ctx, sys, NULL, CPOL_AREA_BUREAU, "临翔分局", &bureau));
    MUST(cpol_area_create(ctx, sys, &bureau, CPOL_AREA_STATION, "忙畔派出所", &station));
    MUST(cpol_area_create(ctx, sys, &station, CPOL_AREA_COMMUNITY, "玉龙社区", &community));
    MUST(cpol_area_create(ctx, sys, &community, CPOL_AREA_COMPOUND, "玉龙小区", &compound));
    officer_id = person(ctx, sys, "张警官", "53090219750101001");
    MUST(cpol_role_appoint(ctx, sys, &officer_id, CPOL_ROLE_OFFICER, &station, "任命", &a));
    analyst_id = person(ctx, sys, "分析员", "53090219750202002");
    MUST(cpol_role_appoint(ctx, sys, &analyst_id, CPOL_ROLE_ANALYST, &station, "任命", &a));
    informant_id = person(ctx, sys, "线人", "53090219750303003");
    volunteer(ctx, sys, &informant_id, CPOL_ROLE_INFORMANT);
    volunteer_id = person(ctx, sys, "义警", "53090219750404004");
    volunteer(ctx, sys, &volunteer_id, CPOL_ROLE_VOLUNTEER);
    MUST(cpol_actor_open(ctx, &officer_id, CPOL_ROLE_OFFICER, &officer));
    MUST(cpol_actor_open(ctx, &informant_id, CPOL_ROLE_INFORMANT, &informant));
    MUST(cpol_earning_rule_set(ctx, officer, &station, CPOL_EARN_CASE_LEAD, 50, 0, 0));
    MUST(cpol_earning_rule_set(ctx, officer, &station, CPOL_EARN_PATROL, 10, 0, 0));
    cases[0] = report(ctx, informant, CPOL_CASE_SOURCE_INFORMANT_TIP, CPOL_CASE_THEFT_FRAUD);
    MUST(cpol_case_verify(ctx, officer, &cases[0], "属实"));
    cases[1] = report(ctx, officer, CPOL_CASE_SOURCE_RESIDENT_COMPLAINT, CPOL_CASE_NEIGHBOUR);
    MUST(cpol_case_verify(ctx, sys, &cases[1], "属实"));
    MUST(cpol_case_assess(ctx, officer, &cases[1], CPOL_RISK_GENERAL, "一般"));
    MUST(cpol_case_assign(ctx, officer, &cases[1], CPOL_TIER_ON_THE_SPOT, &informant_id, NULL, "就地"));
    MUST(cpol_case_arrive(ctx, officer, &cases[1], &informant_id, 0, "到场"));
    MUST(cpol_case_resolve(ctx, officer, &cases[1], CPOL_OUTCOME_MEDIATED, "和解"));
    cases[2] = report(ctx, officer, CPOL_CASE_SOURCE_GRID_WORKER, CPOL_CASE_HAZARD);
    MUST(cpol_id_new(ctx, &req));
    MUST(cpol_points_award(ctx, sys, &req, &volunteer_id, CPOL_EARN_PATROL, &req, "导入", NULL));
    MUST(cpol_shop_item_create(ctx, officer, &station, "大米", 5, 10, &item));
    MUST(cpol_id_new(ctx, &req));
    MUST(cpol_shop_redeem(ctx, officer, &req, &volunteer_id, &item, 1, 0, NULL));
    MUST(cpol_duty_report(ctx, officer, &volunteer_id, 23.8861, 100.0921, 1));
    cpol_actor_free(informant);
    cpol_actor_free(officer);
    cpol_actor_free(sys);
    MUST(cpol_ctx_close(ctx));
    f = fopen(work_path, "rb");
    if (!f)
        abort();
    fseek(f, 0, SEEK_END);
    template_len = (size_t)ftell(f);
    fseek(f, 0, SEEK_SET);
    template_bytes = malloc(template_len);
    if (!template_bytes || fread(template_bytes, 1, template_len, f) != template_len)
        abort();
    fclose(f);
}

int LLVMFuzzerInitialize(int *argc, char ***argv)
{
    (void)argc;
    (void)argv;
    snprintf(dir, sizeof dir, "%s/cpol-fuzz-%ld", getenv("TMPDIR") ? getenv("TMPDIR") : "/tmp", (long)getpid());
    if (mkdir(dir, 0700) != 0)
        abort();
    snprintf(template_path, sizeof template_path, "%s/template.db", dir);
    snprintf(work_path, sizeof work_path, "%s/work.db", dir);
    snprintf(work_uri, sizeof work_uri, "sqlite:%s", work_path);
    build_template();
    return 0;
}

static void write_copy(void)
{
    FILE *f;
    char side[320];
    snprintf(side, sizeof side, "%s-wal", work_path);
    unlink(side);
    snprintf(side, sizeof side, "%s-shm", work_path);
    unlink(side);
    f = fopen(work_path, "wb");
    if (!f || fwrite(template_bytes, 1, template_len, f) != template_len)
        abort();
    fclose(f);
}

/* Apply the input as edits: per edit, a table, a row, a column and a value. */
static void apply_edits(const uint8_t *d, size_t n)
{
    const cpol_schema *sc = cpol__schema();
    sqlite3 *db;
    size_t at = 0;
    if (sqlite3_open(work_path, &db) != SQLITE_OK)
        abort();
    while (at + 5 <= n) {
        const cpol_table *t = sc->tables[d[at] % sc->ntables];
        unsigned int row = d[at + 1], col = d[at + 2] % t->ncols, kind = d[at + 3] % 6;
        size_t len = d[at + 4];
        char sql[256];
        sqlite3_stmt *st;
        at += 5;
        if (len > n - at)
            len = n - at;
        if (kind == 5)
            snprintf(sql, sizeof sql, "DELETE FROM \"%s\" WHERE rowid = (SELECT rowid FROM \"%s\" LIMIT 1 OFFSET ?2)",
                     t->name, t->name);
        else
            snprintf(sql, sizeof sql,
                     "UPDATE \"%s\" SET \"%s\" = ?1 WHERE rowid = (SELECT rowid FROM \"%s\" LIMIT 1 OFFSET ?2)",
                     t->name, t->cols[col].name, t->name);
        if (sqlite3_prepare_v2(db, sql, -1, &st, NULL) == SQLITE_OK) {
            int64_t num = 0;
            size_t i;
            for (i = 0; i < len && i < 8; i++)
                num = (int64_t)((uint64_t)num << 8 | d[at + i]);
            switch (kind) {
            case 0: sqlite3_bind_null(st, 1); break;
            case 1: sqlite3_bind_int64(st, 1, num); break;
            case 2: sqlite3_bind_int64(st, 1, (int64_t)(int8_t)(len ? d[at] : 0)); break;
            case 3: sqlite3_bind_text(st, 1, (const char *)d + at, (int)len, SQLITE_TRANSIENT); break;
            case 4: sqlite3_bind_blob(st, 1, d + at, (int)len, SQLITE_TRANSIENT); break;
            default: break;
            }
            sqlite3_bind_int(st, 2, (int)(row % 16));
            sqlite3_step(st);
            sqlite3_finalize(st);
        }
        at += len;
    }
    sqlite3_close(db);
}

/* Walk an iterator to its end, whatever it yields. */
#define DRAIN(family, item_type, it)                                     \
    do {                                                                 \
        const item_type *item_;                                          \
        while (cpol_##family##_iter_next((it), &item_) == CPOL_OK)       \
            ;                                                            \
        cpol_##family##_iter_free(it);                                   \
    } while (0)

static void read_everything(cpol_ctx *ctx, const cpol_actor *as)
{
    cpol_person *p = NULL;
    cpol_person_iter *pi = NULL;
    cpol_person_filter pf = CPOL_PERSON_FILTER_INIT;
    cpol_case *c = NULL;
    cpol_case_iter *ci = NULL;
    cpol_case_filter cf = CPOL_CASE_FILTER_INIT;
    cpol_case_event_iter *ei = NULL;
    cpol_case_metrics *m = NULL;
    cpol_case_metrics_query mq = CPOL_CASE_METRICS_QUERY_INIT;
    cpol_case_repeat_iter *ri = NULL;
    cpol_case_repeat_query rq = CPOL_CASE_REPEAT_QUERY_INIT;
    cpol_responder_iter *resp = NULL;
    cpol_area_iter *ai = NULL;
    cpol_audit_iter *aud = NULL;
    cpol_audit_filter af = CPOL_AUDIT_FILTER_INIT;
    cpol_leaderboard_iter *li = NULL;
    cpol_leaderboard_filter lf = CPOL_LEADERBOARD_FILTER_INIT;
    cpol_statement_iter *si = NULL;
    cpol_dossier *dos = NULL;
    char *json = NULL;
    int64_t bal, avail, opening, n;
    size_t i;
    if (cpol_person_get(ctx, as, &informant_id, &p) == CPOL_OK)
        cpol_person_free(p);
    if (cpol_person_iter_new(ctx, as, &pf, &pi) == CPOL_OK)
        DRAIN(person, cpol_person, pi);
    cf.area = &station;
    for (i = 0; i < 3; i++) {
        if (cpol_case_get(ctx, as, &cases[i], &c) == CPOL_OK)
            cpol_case_free(c);
        if (cpol_case_event_iter_new(ctx, as, &cases[i], &ei) == CPOL_OK)
            DRAIN(case_event, cpol_case_event, ei);
        if (cpol_case_responders(ctx, as, &cases[i], 5, &resp) == CPOL_OK)
            DRAIN(responder, cpol_responder, resp);
    }
    if (cpol_case_iter_new(ctx, as, &cf, &ci) == CPOL_OK)
        DRAIN(case, cpol_case, ci);
    mq.area = &community;
    if (cpol_case_metrics_compute(ctx, as, &mq, &m) == CPOL_OK)
        cpol_case_metrics_free(m);
    rq.area = &station;
    rq.kind = 1;
    rq.threshold = 2;
    if (cpol_case_repeat_iter_new(ctx, as, &rq, &ri) == CPOL_OK)
        DRAIN(case_repeat, cpol_case_repeat, ri);
    if (cpol_case_open311_export(ctx, as, &cf, &json) == CPOL_OK)
        cpol_free(json);
    if (cpol_area_iter_new(ctx, as, &station, CPOL_AREA_WALK_DESCENDANTS, &ai) == CPOL_OK)
        DRAIN(area, cpol_area, ai);
    if (cpol_audit_iter_new(ctx, as, &af, &aud) == CPOL_OK)
        DRAIN(audit, cpol_audit_entry, aud);
    lf.station = &station;
    if (cpol_leaderboard_iter_new(ctx, as, &lf, &li) == CPOL_OK)
        DRAIN(leaderboard, cpol_leaderboard_entry, li);
    if (cpol_statement_iter_new(ctx, as, &volunteer_id, 0, 0, &opening, &si) == CPOL_OK)
        DRAIN(statement, cpol_statement_line, si);
    cpol_points_balance(ctx, as, &volunteer_id, &bal, &avail);
    if (cpol_dossier_get(ctx, as, &volunteer_id, &dos) == CPOL_OK)
        cpol_dossier_free(dos);
    cpol_ledger_verify(ctx, as, &n);
    cpol_audit_verify(ctx, as, NULL, NULL);
}

/* Workflow steps on damaged cases: refused or done, never undefined. */
static void step_everything(cpol_ctx *ctx, const cpol_actor *as)
{
    size_t i;
    for (i = 0; i < 3; i++) {
        cpol_case_verify(ctx, as, &cases[i], "核实");
        cpol_case_assess(ctx, as, &cases[i], CPOL_RISK_ATTENTION, "关注");
        cpol_case_assign(ctx, as, &cases[i], CPOL_TIER_OFFICER, &officer_id, NULL, "交办");
        cpol_case_feedback(ctx, as, &cases[i], "已反馈");
        cpol_case_close(ctx, as, &cases[i], "办结");
    }
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    cpol_open_options o = options();
    cpol_ctx *ctx = NULL;
    cpol_actor *sys = NULL, *officer = NULL, *analyst = NULL;
    write_copy();
    apply_edits(data, size);
    if (cpol_ctx_open(&ctx, work_uri, &o) != CPOL_OK)
        return 0;
    if (cpol_actor_system(ctx, &sys) == CPOL_OK) {
        read_everything(ctx, sys);
        cpol_actor_free(sys);
    }
    if (cpol_actor_open(ctx, &analyst_id, CPOL_ROLE_ANALYST, &analyst) == CPOL_OK) {
        read_everything(ctx, analyst);
        cpol_actor_free(analyst);
    }
    if (cpol_actor_open(ctx, &officer_id, CPOL_ROLE_OFFICER, &officer) == CPOL_OK) {
        read_everything(ctx, officer);
        step_everything(ctx, officer);
        cpol_actor_free(officer);
    }
    cpol_ctx_close(ctx);
    return 0;
}
