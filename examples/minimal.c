/* The minimal program of README.md, byte for byte (test readme.minimal_program). */
#include <stdio.h>
#include <string.h>
#include <commpolice/commpolice.h>

/* A real deployment fetches the key from its key service. */
static int demo_key(void *payload, const char *key_id, unsigned char key[CPOL_KEY_LEN])
{
    (void)payload;
    (void)key_id;
    memset(key, 7, CPOL_KEY_LEN);
    return 0;
}

int main(void)
{
    cpol_open_options o = CPOL_OPEN_OPTIONS_INIT;
    cpol_ctx *ctx = NULL;
    cpol_actor *sys = NULL;
    char *name = NULL;
    o.key = demo_key;
    o.key_id = "demo-key-1";
    if (cpol_ctx_open(&ctx, "sqlite:station.db", &o) < 0 || cpol_actor_system(ctx, &sys) < 0
        || cpol_setting_set(ctx, sys, "station.name", "白沙派出所") < 0
        || cpol_setting_get(ctx, sys, "station.name", &name) < 0) {
        fprintf(stderr, "error: %s\n", cpol_error_message());
        cpol_actor_free(sys);
        cpol_ctx_close(ctx);
        return 1;
    }
    printf("%s\n", name);
    cpol_free(name);
    cpol_actor_free(sys);
    return cpol_ctx_close(ctx) < 0;
}
