/*
 * hello_sqlite: the smallest complete libcommpolice program.
 *
 * Opens (or creates) a SQLite database, stores two station settings, reads
 * them back, lists every setting, and prints the library and schema versions.
 *
 *   ./hello_sqlite [DATABASE]        (default: ./hello.db)
 *
 * Every call's status is checked: 0 is success, a negative value is an error
 * whose explanation is in cpol_error_message().
 *
 * Personal data are encrypted at rest: the database is opened with a key
 * (see demo_key() below) or, for throw-away data only, CPOL_OPEN_PLAINTEXT.
 */
#include <stdio.h>
#include <string.h>

#include <commpolice/commpolice.h>

/* Print a failed call with the library's explanation and return 1. */
static int report(const char *call, int rc)
{
    fprintf(stderr, "hello_sqlite: %s failed: %s: %s\n", call, cpol_status_name(rc),
            cpol_error_message());
    return 1;
}

/* The master key that encrypts the database. A real deployment fetches the
 * key named key_id from its key service (a key-management service, a hardware
 * security module, a file only the service account can read) and never keeps
 * it in the program or the database; this demo derives a fixed key. */
#define DEMO_KEY_ID "hello-demo-key-1"

static int demo_key(void *payload, const char *key_id, unsigned char key[CPOL_KEY_LEN])
{
    size_t i;
    (void)payload;
    if (strcmp(key_id, DEMO_KEY_ID) != 0)
        return -1; /* not a key this program has */
    for (i = 0; i < CPOL_KEY_LEN; i++)
        key[i] = (unsigned char)(0xA5 ^ (i * 13));
    return 0;
}

/* Every read and write names its actor; this program acts as the
 * installation itself (the system actor), which may change settings. */
static int run_as(cpol_ctx *ctx, const cpol_actor *as)
{
    static const char *const keys[] = { "station.name", "station.code" };
    static const char *const values[] = { "白沙派出所", "350402-BS" };
    cpol_setting_iter *it = NULL;
    const char *key, *value;
    int64_t schema = 0;
    size_t i, listed = 0;
    int rc;

    /* Write both settings in one batch: one transaction, one durable commit. */
    rc = cpol_batch_begin(ctx);
    if (rc < 0)
        return report("cpol_batch_begin", rc);
    for (i = 0; i < 2; i++) {
        rc = cpol_setting_set(ctx, as, keys[i], values[i]);
        if (rc < 0) {
            report("cpol_setting_set", rc);
            cpol_batch_rollback(ctx);
            return 1;
        }
    }
    rc = cpol_batch_commit(ctx);
    if (rc < 0)
        return report("cpol_batch_commit", rc);

    /* Read them back: the copies belong to us and are freed with cpol_free(). */
    for (i = 0; i < 2; i++) {
        char *got = NULL;
        rc = cpol_setting_get(ctx, as, keys[i], &got);
        if (rc < 0)
            return report("cpol_setting_get", rc);
        if (strcmp(got, values[i]) != 0) {
            fprintf(stderr, "hello_sqlite: %s reads back as '%s', expected '%s'\n", keys[i], got,
                    values[i]);
            cpol_free(got);
            return 1;
        }
        cpol_free(got);
    }

    /* List every setting; key and value are borrowed from the iterator. */
    rc = cpol_setting_iter_new(ctx, as, NULL, &it);
    if (rc < 0)
        return report("cpol_setting_iter_new", rc);
    printf("settings:\n");
    while ((rc = cpol_setting_iter_next(it, &key, &value)) == CPOL_OK) {
        printf("  %-16s = %s\n", key, value);
        listed++;
    }
    cpol_setting_iter_free(it);
    if (rc != CPOL_DONE)
        return report("cpol_setting_iter_next", rc);
    if (listed < 2) {
        fprintf(stderr, "hello_sqlite: the iterator listed %zu settings, expected at least 2\n", listed);
        return 1;
    }

    rc = cpol_ctx_schema_version(ctx, &schema);
    if (rc < 0)
        return report("cpol_ctx_schema_version", rc);
    printf("storage backend: %s, schema version %lld\n", cpol_ctx_backend(ctx), (long long)schema);
    return 0;
}

static int run(cpol_ctx *ctx)
{
    cpol_actor *sys = NULL;
    int rc = cpol_actor_system(ctx, &sys);
    if (rc < 0)
        return report("cpol_actor_system", rc);
    rc = run_as(ctx, sys);
    cpol_actor_free(sys);
    return rc;
}

int main(int argc, char **argv)
{
    const char *path = argc > 1 ? argv[1] : "./hello.db";
    char uri[4096];
    cpol_open_options opts = CPOL_OPEN_OPTIONS_INIT;
    cpol_ctx *ctx = NULL;
    int rc, failed;

    printf("libcommpolice %s\n", cpol_version_string());

    if ((size_t)snprintf(uri, sizeof uri, "sqlite:%s", path) >= sizeof uri) {
        fprintf(stderr, "hello_sqlite: path too long\n");
        return 1;
    }
    opts.key_id = DEMO_KEY_ID; /* the key a new database is encrypted with */
    opts.key = demo_key;       /* asked for the key by id at open */
    rc = cpol_ctx_open(&ctx, uri, &opts);
    if (rc < 0)
        return report("cpol_ctx_open", rc);
    printf("opened %s\n", uri);

    failed = run(ctx);

    rc = cpol_ctx_close(ctx);
    if (rc < 0)
        return report("cpol_ctx_close", rc);
    return failed;
}
