/* A program outside the source tree that uses the installed library, built by
 * scripts/test-consumer.sh through pkg-config and through find_package(). */
#include <stdio.h>
#include <string.h>

#include <commpolice/commpolice.h>

static int fail(const char *what, int rc)
{
    fprintf(stderr, "consumer: %s failed: %s (%d): %s\n", what, cpol_status_name(rc), rc,
            cpol_error_message());
    return 1;
}

/* The consumer's key: a real host fetches it from its key service. */
static int demo_key(void *payload, const char *key_id, unsigned char key[CPOL_KEY_LEN])
{
    (void)payload;
    if (strcmp(key_id, "consumer-key") != 0)
        return -1;
    memset(key, 0x5a, CPOL_KEY_LEN);
    return 0;
}

int main(void)
{
    cpol_open_options opts = CPOL_OPEN_OPTIONS_INIT;
    cpol_ctx *ctx = NULL;
    cpol_actor *sys = NULL;
    char *value = NULL;
    int rc;

    printf("libcommpolice %s (headers %s)\n", cpol_version_string(), CPOL_VERSION);
    if (cpol_version_number() != CPOL_VERSION_NUMBER) {
        fprintf(stderr, "consumer: library version %u != header version %u\n",
                cpol_version_number(), (unsigned int)CPOL_VERSION_NUMBER);
        return 1;
    }

    opts.key = demo_key;
    opts.key_id = "consumer-key";
    rc = cpol_ctx_open(&ctx, "memory:", &opts);
    if (rc != CPOL_OK)
        return fail("cpol_ctx_open(memory:)", rc);
    rc = cpol_actor_system(ctx, &sys);
    if (rc == CPOL_OK)
        rc = cpol_setting_set(ctx, sys, "station.name", "consumer");
    if (rc != CPOL_OK) {
        cpol_actor_free(sys);
        cpol_ctx_close(ctx);
        return fail("cpol_setting_set", rc);
    }
    rc = cpol_setting_get(ctx, sys, "station.name", &value);
    cpol_actor_free(sys);
    if (rc != CPOL_OK) {
        cpol_ctx_close(ctx);
        return fail("cpol_setting_get", rc);
    }
    if (value == NULL || strcmp(value, "consumer") != 0) {
        fprintf(stderr, "consumer: read back '%s', expected 'consumer'\n", value ? value : "(null)");
        cpol_free(value);
        cpol_ctx_close(ctx);
        return 1;
    }
    cpol_free(value);
    rc = cpol_ctx_close(ctx);
    if (rc != CPOL_OK)
        return fail("cpol_ctx_close", rc);
    puts("consumer: ok");
    return 0;
}
