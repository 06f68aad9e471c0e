/* Key rotation: re-encrypt every encrypted value under a new key (密评 asks
 * for keys that can be changed without losing data). */
#include <stdio.h>
#include <string.h>

#include <commpolice/context.h>

#include "domain/base/domain.h"

typedef struct rekey_args {
    const cpol_actor *as;
    const char *key_id;
} rekey_args;

static int rekey_body(cpol_ctx *ctx, void *arg)
{
    const rekey_args *a = arg;
    cpol_id nil;
    char after[96];
    int rc = cpol__store_rekey(ctx->store, a->key_id);
    if (rc < 0)
        return rc;
    memset(&nil, 0, sizeof nil);
    snprintf(after, sizeof after, "key id %s", a->key_id);
    return cpol__audit(ctx, a->as, "store", &nil, NULL, "store.rekey", NULL, after, NULL);
}

int cpol_rekey(cpol_ctx *ctx, const cpol_actor *as, const char *new_key_id)
{
    rekey_args a;
    cpol_keyring saved;
    size_t len;
    int rc;
    if (!ctx || !as || !new_key_id)
        return cpol__null_arg("cpol_rekey", !ctx ? "ctx" : !as ? "as" : "new_key_id");
    len = strlen(new_key_id);
    if (len == 0 || len > CPOL__KEY_ID_MAX)
        return cpol__error(CPOL_EINVALID, "cpol_rekey: a key id is 1 to %d bytes", CPOL__KEY_ID_MAX);
    if (!as->system)
        return cpol__error(CPOL_EPERM, "cpol_rekey: only the system actor (the installation) changes the key");
    a.as = as;
    a.key_id = new_key_id;
    /* if the transaction fails, the values are still under the old key */
    saved = ctx->store->keys;
    rc = cpol__ctx_atomic(ctx, rekey_body, &a);
    if (rc < 0)
        ctx->store->keys = saved;
    memset(&saved, 0, sizeof saved);
    return rc;
}
