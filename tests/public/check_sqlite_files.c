#define _POSIX_C_SOURCE 200809L
/* The SQLite backend and the files it meets: missing directories, directories,
 * files that are not databases, truncated and foreign databases, databases
 * from a newer library, read-only and no-create opens, durability across
 * close/reopen, batches, and two contexts on one file.
 *
 * Public API only: this program links the shared library and makes its test
 * files with plain POSIX calls. Every test works in its own fresh directory
 * under a per-test-case base directory that is removed even when a test fails. */
#include <check.h>
#include <commpolice/commpolice.h>

#include "fixture.h"

#include <dirent.h>
#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <sys/types.h>
#include <time.h>
#include <unistd.h>

/* ---- files and directories ---- */

static char base_dir[256];   /* per test case, made and removed in the parent */
static char test_dir[512];   /* per test, under base_dir */

static void rm_rf(const char *path)
{
    struct stat sb;
    DIR *d;
    struct dirent *e;
    if (lstat(path, &sb) != 0)
        return;
    if (!S_ISDIR(sb.st_mode)) {
        unlink(path);
        return;
    }
    d = opendir(path);
    if (d) {
        while ((e = readdir(d)) != NULL) {
            char child[1024];
            if (strcmp(e->d_name, ".") == 0 || strcmp(e->d_name, "..") == 0)
                continue;
            snprintf(child, sizeof child, "%s/%s", path, e->d_name);
            rm_rf(child);
        }
        closedir(d);
    }
    rmdir(path);
}

static void base_setup(void)
{
    snprintf(base_dir, sizeof base_dir, "/tmp/cpol_sqlite_files_XXXXXX");
    if (!mkdtemp(base_dir)) {
        perror("mkdtemp");
        abort();
    }
}

static void base_teardown(void)
{
    rm_rf(base_dir);
}

static void test_setup(void)
{
    snprintf(test_dir, sizeof test_dir, "%s/t_XXXXXX", base_dir);
    ck_assert_msg(mkdtemp(test_dir) != NULL, "mkdtemp failed: %s", strerror(errno));
}

static void test_teardown(void)
{
    rm_rf(test_dir);
}

/* test_dir + "/" + name, in a static ring of buffers. */
static const char *in_dir(const char *name)
{
    static char bufs[8][768];
    static unsigned int next;
    char *b = bufs[next++ % 8];
    snprintf(b, sizeof bufs[0], "%s/%s", test_dir, name);
    return b;
}

static const char *uri_of(const char *path)
{
    static char bufs[4][800];
    static unsigned int next;
    char *b = bufs[next++ % 4];
    snprintf(b, sizeof bufs[0], "sqlite:%s", path);
    return b;
}

static int exists(const char *path)
{
    struct stat sb;
    return stat(path, &sb) == 0;
}

static long file_size(const char *path)
{
    struct stat sb;
    if (stat(path, &sb) != 0)
        return -1;
    return (long)sb.st_size;
}

/* Read a whole file (malloc'd); *len receives its size. */
static unsigned char *slurp(const char *path, size_t *len)
{
    FILE *f = fopen(path, "rb");
    unsigned char *buf;
    long n;
    ck_assert_msg(f != NULL, "cannot open %s: %s", path, strerror(errno));
    ck_assert_int_eq(fseek(f, 0, SEEK_END), 0);
    n = ftell(f);
    ck_assert_int_ge(n, 0);
    rewind(f);
    buf = malloc((size_t)n + 1);
    ck_assert_ptr_nonnull(buf);
    ck_assert_uint_eq(fread(buf, 1, (size_t)n, f), (size_t)n);
    fclose(f);
    *len = (size_t)n;
    return buf;
}

static void spit(const char *path, const unsigned char *data, size_t len)
{
    FILE *f = fopen(path, "wb");
    ck_assert_msg(f != NULL, "cannot create %s: %s", path, strerror(errno));
    ck_assert_uint_eq(fwrite(data, 1, len, f), len);
    ck_assert_int_eq(fclose(f), 0);
}

static void put_be32(unsigned char *p, uint32_t v)
{
    p[0] = (unsigned char)(v >> 24);
    p[1] = (unsigned char)(v >> 16);
    p[2] = (unsigned char)(v >> 8);
    p[3] = (unsigned char)v;
}

static void assert_same_bytes(const char *path, const unsigned char *want, size_t want_len)
{
    size_t len;
    unsigned char *got = slurp(path, &len);
    ck_assert_msg(len == want_len, "%s changed size: %zu -> %zu", path, want_len, len);
    ck_assert_msg(memcmp(got, want, len) == 0, "%s changed content", path);
    free(got);
}

/* ---- library helpers ---- */

/* The caller's options with the tests' key (every test runs encrypted). */
static const cpol_open_options *keyed(const cpol_open_options *opts, cpol_open_options *buf)
{
    if (!opts)
        return tu_options();
    *buf = *opts;
    return tu_keyed(buf);
}

static cpol_ctx *open_ok(const char *path, const cpol_open_options *opts)
{
    cpol_ctx *ctx = NULL;
    cpol_open_options buf;
    int rc = cpol_ctx_open(&ctx, uri_of(path), keyed(opts, &buf));
    ck_assert_msg(rc == CPOL_OK, "opening %s: %s (%s)", path, cpol_status_name(rc), cpol_error_message());
    ck_assert_ptr_nonnull(ctx);
    return ctx;
}

/* Open expecting failure with `want`; returns nothing, checks *out is NULL. */
static void open_fails(const char *path, const cpol_open_options *opts, int want)
{
    cpol_ctx *ctx = (cpol_ctx *)&ctx; /* not NULL, so we see it being reset */
    cpol_open_options buf;
    int rc = cpol_ctx_open(&ctx, uri_of(path), keyed(opts, &buf));
    ck_assert_msg(rc == want, "opening %s: got %s, want %s (%s)", path, cpol_status_name(rc),
                  cpol_status_name(want), cpol_error_message());
    ck_assert_ptr_null(ctx);
    ck_assert_int_eq(cpol_error_code(), want);
    ck_assert_msg(strlen(cpol_error_message()) > 0, "empty error message");
}

static void set_ok(cpol_ctx *ctx, const char *key, const char *value)
{
    int rc = cpol_setting_set(ctx, fx_sys(ctx), key, value);
    ck_assert_msg(rc == CPOL_OK, "setting %s: %s (%s)", key, cpol_status_name(rc), cpol_error_message());
}

static void get_is(cpol_ctx *ctx, const char *key, const char *want)
{
    char *value = (char *)"sentinel";
    int rc = cpol_setting_get(ctx, fx_sys(ctx), key, &value);
    ck_assert_msg(rc == CPOL_OK, "getting %s: %s (%s)", key, cpol_status_name(rc), cpol_error_message());
    ck_assert_ptr_nonnull(value);
    ck_assert_str_eq(value, want);
    cpol_free(value);
}

static void get_missing(cpol_ctx *ctx, const char *key)
{
    char *value = (char *)"sentinel";
    int rc = cpol_setting_get(ctx, fx_sys(ctx), key, &value);
    ck_assert_msg(rc == CPOL_ENOTFOUND, "getting %s: got %s, want CPOL_ENOTFOUND (%s)", key, cpol_status_name(rc),
                  cpol_error_message());
    ck_assert_ptr_null(value);
}

static void close_ok(cpol_ctx *ctx)
{
    int rc = cpol_ctx_close(ctx);
    ck_assert_msg(rc == CPOL_OK, "closing: %s (%s)", cpol_status_name(rc), cpol_error_message());
}

/* After the last context on a file closed, its WAL was checkpointed: the
 * "-wal" file is gone or empty. */
static void assert_checkpointed(const char *path)
{
    char wal[800];
    long n;
    snprintf(wal, sizeof wal, "%s-wal", path);
    n = file_size(wal);
    ck_assert_msg(n <= 0, "%s still holds %ld bytes after close", wal, n);
}

/* Create a database through the library with a few settings and `npad`
 * settings of 4000 bytes (so the file spans many pages), then close it. */
static void make_db(const char *path, int npad)
{
    cpol_ctx *ctx = open_ok(path, NULL);
    static char pad[4001];
    int64_t version = -1;
    int i;
    ck_assert_int_eq(cpol_ctx_schema_version(ctx, &version), CPOL_OK);
    ck_assert_int_eq(version, cpol_schema_version_current());
    set_ok(ctx, "station.name", "Lincang");
    set_ok(ctx, "station.code", "530900");
    if (npad > 0) {
        memset(pad, 'x', 4000);
        pad[4000] = '\0';
        ck_assert_int_eq(cpol_batch_begin(ctx), CPOL_OK);
        for (i = 0; i < npad; i++) {
            char key[32];
            snprintf(key, sizeof key, "pad.p%03d", i);
            pad[0] = (char)('a' + i % 26);
            set_ok(ctx, key, pad);
        }
        ck_assert_int_eq(cpol_batch_commit(ctx), CPOL_OK);
    }
    close_ok(ctx);
    ck_assert_msg(file_size(path) > 0, "%s is empty after close", path);
    assert_checkpointed(path);
}

static double now_ms(void)
{
    struct timespec ts;
    clock_gettime(CLOCK_MONOTONIC, &ts);
    return (double)ts.tv_sec * 1000.0 + (double)ts.tv_nsec / 1e6;
}

/* ---- 1. a directory that does not exist ---- */

START_TEST(missing_directory)
{
    const char *dir = in_dir("no_such_dir");
    char path[800];
    snprintf(path, sizeof path, "%s/station.db", dir);
    open_fails(path, NULL, CPOL_ENOTFOUND);
    ck_assert_msg(strstr(cpol_error_message(), dir) != NULL, "message does not name the directory %s: %s", dir,
                  cpol_error_message());
    ck_assert(!exists(dir));
}
END_TEST

/* ---- 2. a directory where the file should be ---- */

START_TEST(path_is_directory)
{
    const char *dir = in_dir("a_directory.db");
    ck_assert_int_eq(mkdir(dir, 0700), 0);
    open_fails(dir, NULL, CPOL_EIO);
    ck_assert(strstr(cpol_error_message(), "directory") != NULL);
}
END_TEST

/* ---- 3. a text file ---- */

START_TEST(text_file_is_corrupt)
{
    const char *path = in_dir("notes.db");
    unsigned char text[160];
    const char *hello = "hello, this is not a database\n";
    size_t i;
    memcpy(text, hello, strlen(hello));
    for (i = strlen(hello); i < sizeof text - 1; i++)
        text[i] = (unsigned char)('a' + i % 26);
    text[sizeof text - 1] = '\n';
    spit(path, text, sizeof text);

    open_fails(path, NULL, CPOL_ECORRUPT);
    assert_same_bytes(path, text, sizeof text);
    /* read-only and no-create opens refuse it the same way */
    {
        cpol_open_options o = CPOL_OPEN_OPTIONS_INIT;
        o.flags = CPOL_OPEN_READONLY;
        open_fails(path, &o, CPOL_ECORRUPT);
        o.flags = CPOL_OPEN_NOCREATE;
        open_fails(path, &o, CPOL_ECORRUPT);
    }
    assert_same_bytes(path, text, sizeof text);
}
END_TEST

START_TEST(short_file_is_corrupt)
{
    /* Starts like SQLite but is shorter than a header. */
    const char *path = in_dir("short.db");
    static const unsigned char magic[] = "SQLite format 3";
    spit(path, magic, sizeof magic);
    open_fails(path, NULL, CPOL_ECORRUPT);
    assert_same_bytes(path, magic, sizeof magic);
}
END_TEST

/* ---- 4. a truncated database ---- */

START_TEST(truncated_database)
{
    const char *path = in_dir("station.db");
    char wal[800];
    cpol_ctx *ctx = NULL;
    long size;
    int fd, rc;

    make_db(path, 20);
    snprintf(wal, sizeof wal, "%s-wal", path);
    unlink(wal); /* only for this test: a leftover WAL would mask the truncation */
    size = file_size(path);
    ck_assert_int_gt(size, 8192);
    fd = open(path, O_WRONLY);
    ck_assert_int_ge(fd, 0);
    ck_assert_int_eq(ftruncate(fd, size / 2), 0);
    close(fd);

    rc = cpol_ctx_open(&ctx, uri_of(path), tu_options());
    if (rc == CPOL_OK) {
        /* Tolerated: the damage shows at the first read instead. */
        int i, saw_corrupt = 0;
        ck_assert_ptr_nonnull(ctx);
        for (i = 0; i < 20 && !saw_corrupt; i++) {
            char key[32], *value = NULL;
            snprintf(key, sizeof key, "pad.p%03d", i);
            rc = cpol_setting_get(ctx, fx_sys(ctx), key, &value);
            if (rc == CPOL_OK)
                cpol_free(value);
            else if (rc == CPOL_ECORRUPT)
                saw_corrupt = 1;
        }
        ck_assert_msg(saw_corrupt, "reading a truncated database never reported CPOL_ECORRUPT");
        cpol_ctx_close(ctx);
    } else {
        ck_assert_msg(rc == CPOL_ECORRUPT, "opening a truncated database: %s (%s)", cpol_status_name(rc),
                      cpol_error_message());
        ck_assert_ptr_null(ctx);
    }
    ck_assert_int_eq(file_size(path), size / 2);
}
END_TEST

/* ---- 5. a SQLite database of another application ---- */

START_TEST(foreign_database)
{
    const char *ours = in_dir("ours.db");
    const char *foreign = in_dir("foreign.db");
    unsigned char *bytes;
    size_t len;

    make_db(ours, 0);
    bytes = slurp(ours, &len);
    ck_assert_uint_ge(len, 100);
    ck_assert_int_eq(memcmp(bytes, "SQLite format 3", 16), 0);
    put_be32(bytes + 68, 0x12345678u); /* application_id */
    spit(foreign, bytes, len);

    open_fails(foreign, NULL, CPOL_ECORRUPT);
    ck_assert_msg(strstr(cpol_error_message(), "not a libcommpolice") != NULL, "unexpected message: %s",
                  cpol_error_message());
    assert_same_bytes(foreign, bytes, len);
    free(bytes);
}
END_TEST

/* ---- 6. a database from a newer library ---- */

START_TEST(newer_schema_untouched)
{
    const char *ours = in_dir("ours.db");
    const char *newer = in_dir("newer.db");
    unsigned char *bytes;
    size_t len;

    make_db(ours, 2);
    bytes = slurp(ours, &len);
    ck_assert_uint_ge(len, 100);
    put_be32(bytes + 60, (uint32_t)(cpol_schema_version_current() + 1)); /* user_version */
    spit(newer, bytes, len);

    open_fails(newer, NULL, CPOL_ESCHEMA);
    assert_same_bytes(newer, bytes, len);
    /* read-only is refused the same way */
    {
        cpol_open_options o = CPOL_OPEN_OPTIONS_INIT;
        o.flags = CPOL_OPEN_READONLY;
        open_fails(newer, &o, CPOL_ESCHEMA);
    }
    assert_same_bytes(newer, bytes, len);
    free(bytes);
}
END_TEST

/* ---- 7. no-create and read-only opens of a missing file ---- */

START_TEST(nocreate_and_readonly_missing)
{
    const char *path = in_dir("missing.db");
    char side[800];
    cpol_open_options o = CPOL_OPEN_OPTIONS_INIT;
    static const char *const suffixes[] = {"", "-wal", "-shm", "-journal"};
    unsigned int i;

    o.flags = CPOL_OPEN_NOCREATE;
    open_fails(path, &o, CPOL_ENOTFOUND);
    o.flags = CPOL_OPEN_READONLY;
    open_fails(path, &o, CPOL_ENOTFOUND);
    o.flags = CPOL_OPEN_READONLY | CPOL_OPEN_NOCREATE;
    open_fails(path, &o, CPOL_ENOTFOUND);
    for (i = 0; i < sizeof suffixes / sizeof suffixes[0]; i++) {
        snprintf(side, sizeof side, "%s%s", path, suffixes[i]);
        ck_assert_msg(!exists(side), "%s was created", side);
    }

    /* NOCREATE opens an existing database normally. */
    make_db(path, 0);
    o.flags = CPOL_OPEN_NOCREATE;
    {
        cpol_ctx *ctx = open_ok(path, &o);
        get_is(ctx, "station.name", "Lincang");
        set_ok(ctx, "station.name", "Guiyang");
        close_ok(ctx);
    }
}
END_TEST

START_TEST(empty_location_invalid)
{
    cpol_ctx *ctx = (cpol_ctx *)&ctx;
    int rc = cpol_ctx_open(&ctx, "sqlite:", tu_options());
    ck_assert_msg(rc == CPOL_EINVALID, "got %s (%s)", cpol_status_name(rc), cpol_error_message());
    ck_assert_ptr_null(ctx);
}
END_TEST

START_TEST(empty_file_is_new_database)
{
    /* A zero-byte file is an empty SQLite database: it becomes ours. */
    const char *path = in_dir("empty.db");
    cpol_ctx *ctx;
    int64_t version = -1;
    spit(path, (const unsigned char *)"", 0);
    ctx = open_ok(path, NULL);
    ck_assert_int_eq(cpol_ctx_schema_version(ctx, &version), CPOL_OK);
    ck_assert_int_eq(version, cpol_schema_version_current());
    set_ok(ctx, "station.name", "Suqian");
    close_ok(ctx);
    ctx = open_ok(path, NULL);
    get_is(ctx, "station.name", "Suqian");
    close_ok(ctx);
}
END_TEST

/* ---- 8. read-only open of an existing database ---- */

START_TEST(readonly_existing)
{
    const char *path = in_dir("station.db");
    cpol_open_options o = CPOL_OPEN_OPTIONS_INIT;
    cpol_ctx *ctx;
    int64_t version = -1;
    int rc;

    make_db(path, 0);
    o.flags = CPOL_OPEN_READONLY;
    ctx = open_ok(path, &o);
    ck_assert_int_eq(cpol_ctx_schema_version(ctx, &version), CPOL_OK);
    ck_assert_int_eq(version, cpol_schema_version_current());
    get_is(ctx, "station.name", "Lincang");
    get_is(ctx, "station.code", "530900");

    rc = cpol_setting_set(ctx, fx_sys(ctx), "station.name", "Chongqing");
    ck_assert_msg(rc == CPOL_EREADONLY, "set on read-only: %s (%s)", cpol_status_name(rc), cpol_error_message());
    rc = cpol_setting_set(ctx, fx_sys(ctx), "station.new", "x");
    ck_assert_int_eq(rc, CPOL_EREADONLY);
    rc = cpol_setting_delete(ctx, fx_sys(ctx), "station.code");
    ck_assert_int_eq(rc, CPOL_EREADONLY);
    rc = cpol_batch_begin(ctx);
    ck_assert_int_eq(rc, CPOL_EREADONLY);

    get_is(ctx, "station.name", "Lincang");
    get_is(ctx, "station.code", "530900");
    get_missing(ctx, "station.new");
    close_ok(ctx);

    /* and nothing changed underneath */
    ctx = open_ok(path, NULL);
    get_is(ctx, "station.name", "Lincang");
    get_missing(ctx, "station.new");
    close_ok(ctx);
}
END_TEST

START_TEST(readonly_empty_file_needs_migration)
{
    /* A read-only open of a file that would need creating its tables fails
     * with CPOL_EREADONLY and leaves the file as it was. */
    const char *path = in_dir("empty.db");
    cpol_open_options o = CPOL_OPEN_OPTIONS_INIT;
    spit(path, (const unsigned char *)"", 0);
    o.flags = CPOL_OPEN_READONLY;
    open_fails(path, &o, CPOL_EREADONLY);
    ck_assert_int_eq(file_size(path), 0);
}
END_TEST

/* ---- 9. durability, batches ---- */

START_TEST(survives_reopen)
{
    const char *path = in_dir("station.db");
    cpol_ctx *ctx;
    cpol_setting_iter *it = NULL;
    const char *key, *value;
    static const char *const want_keys[] = {"kiosk.location", "station.code", "station.name"};
    unsigned int n = 0;
    int rc;

    ctx = open_ok(path, NULL);
    set_ok(ctx, "station.name", "Sanming \xe4\xb8\x89\xe6\x98\x8e"); /* UTF-8 survives */
    set_ok(ctx, "station.code", "350400");
    set_ok(ctx, "kiosk.location", "lobby");
    set_ok(ctx, "tmp.gone", "x");
    ck_assert_int_eq(cpol_setting_delete(ctx, fx_sys(ctx), "tmp.gone"), CPOL_OK);
    close_ok(ctx);
    assert_checkpointed(path);

    ctx = open_ok(path, NULL);
    get_is(ctx, "station.name", "Sanming \xe4\xb8\x89\xe6\x98\x8e");
    get_is(ctx, "station.code", "350400");
    get_is(ctx, "kiosk.location", "lobby");
    get_missing(ctx, "tmp.gone");

    ck_assert_int_eq(cpol_setting_iter_new(ctx, fx_sys(ctx), NULL, &it), CPOL_OK);
    while ((rc = cpol_setting_iter_next(it, &key, &value)) == CPOL_OK) {
        ck_assert_uint_lt(n, 3);
        ck_assert_str_eq(key, want_keys[n]);
        n++;
    }
    ck_assert_int_eq(rc, CPOL_DONE);
    ck_assert_uint_eq(n, 3);
    cpol_setting_iter_free(it);
    close_ok(ctx);
}
END_TEST

START_TEST(batches_commit_and_rollback)
{
    const char *path = in_dir("station.db");
    cpol_ctx *ctx = open_ok(path, NULL);

    set_ok(ctx, "station.name", "before");

    /* rolled back: absent */
    ck_assert_int_eq(cpol_batch_begin(ctx), CPOL_OK);
    ck_assert_int_eq(cpol_batch_active(ctx), 1);
    set_ok(ctx, "batch.rolled", "1");
    set_ok(ctx, "station.name", "during rolled-back batch");
    get_is(ctx, "batch.rolled", "1"); /* visible inside the batch */
    ck_assert_int_eq(cpol_batch_rollback(ctx), CPOL_OK);
    ck_assert_int_eq(cpol_batch_active(ctx), 0);
    get_missing(ctx, "batch.rolled");
    get_is(ctx, "station.name", "before");

    /* committed: present */
    ck_assert_int_eq(cpol_batch_begin(ctx), CPOL_OK);
    set_ok(ctx, "batch.committed", "2");
    set_ok(ctx, "station.name", "after");
    ck_assert_int_eq(cpol_batch_commit(ctx), CPOL_OK);
    get_is(ctx, "batch.committed", "2");

    /* open at close: rolled back */
    ck_assert_int_eq(cpol_batch_begin(ctx), CPOL_OK);
    set_ok(ctx, "batch.open_at_close", "3");
    close_ok(ctx);

    ctx = open_ok(path, NULL);
    get_missing(ctx, "batch.rolled");
    get_missing(ctx, "batch.open_at_close");
    get_is(ctx, "batch.committed", "2");
    get_is(ctx, "station.name", "after");
    close_ok(ctx);
}
END_TEST

/* ---- 10. two contexts on one file ---- */

START_TEST(two_contexts_and_locks)
{
    const char *path = in_dir("station.db");
    cpol_open_options ob = CPOL_OPEN_OPTIONS_INIT;
    cpol_ctx *a, *b;
    double t0, elapsed;
    int rc;

    a = open_ok(path, NULL);
    ob.busy_timeout_ms = 50;
    b = open_ok(path, &ob);

    set_ok(a, "from.a", "1");
    get_is(b, "from.a", "1");
    set_ok(b, "from.b", "2");
    get_is(a, "from.b", "2");

    /* A holds the write lock for its whole batch. */
    ck_assert_int_eq(cpol_batch_begin(a), CPOL_OK);
    set_ok(a, "in.batch", "3");
    get_missing(b, "in.batch"); /* uncommitted: invisible, and reading is not blocked */
    get_is(b, "from.a", "1");

    t0 = now_ms();
    rc = cpol_setting_set(b, fx_sys(b), "from.b", "blocked");
    elapsed = now_ms() - t0;
    ck_assert_msg(rc == CPOL_EBUSY, "write while locked: %s (%s)", cpol_status_name(rc), cpol_error_message());
    ck_assert_msg(elapsed < 3000.0, "CPOL_EBUSY took %.0f ms with busy_timeout_ms=50", elapsed);
    rc = cpol_batch_begin(b);
    ck_assert_msg(rc == CPOL_EBUSY, "batch while locked: %s (%s)", cpol_status_name(rc), cpol_error_message());
    ck_assert_int_eq(cpol_batch_active(b), 0);

    ck_assert_int_eq(cpol_batch_commit(a), CPOL_OK);
    get_is(b, "in.batch", "3");
    get_is(b, "from.b", "2"); /* the refused write left nothing */
    set_ok(b, "from.b", "unblocked");
    get_is(a, "from.b", "unblocked");

    close_ok(b);
    close_ok(a);
    assert_checkpointed(path);
}
END_TEST

/* ---- the suite ---- */

static Suite *sqlite_files_suite(void)
{
    Suite *s = suite_create("sqlite_files");
    TCase *tc = tcase_create("files");
    tcase_add_unchecked_fixture(tc, base_setup, base_teardown);
    tcase_add_checked_fixture(tc, test_setup, test_teardown);
    tcase_set_timeout(tc, 30);
    tcase_add_test(tc, missing_directory);
    tcase_add_test(tc, path_is_directory);
    tcase_add_test(tc, text_file_is_corrupt);
    tcase_add_test(tc, short_file_is_corrupt);
    tcase_add_test(tc, truncated_database);
    tcase_add_test(tc, foreign_database);
    tcase_add_test(tc, newer_schema_untouched);
    tcase_add_test(tc, nocreate_and_readonly_missing);
    tcase_add_test(tc, empty_location_invalid);
    tcase_add_test(tc, empty_file_is_new_database);
    tcase_add_test(tc, readonly_existing);
    tcase_add_test(tc, readonly_empty_file_needs_migration);
    tcase_add_test(tc, survives_reopen);
    tcase_add_test(tc, batches_commit_and_rollback);
    tcase_add_test(tc, two_contexts_and_locks);
    suite_add_tcase(s, tc);
    return s;
}

int main(void)
{
    SRunner *sr = srunner_create(sqlite_files_suite());
    int failures;
    srunner_run_all(sr, CK_NORMAL);
    failures = srunner_ntests_failed(sr);
    srunner_free(sr);
    return failures != 0;
}
