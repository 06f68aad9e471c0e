/* Contexts: opening storage, the clock, batches. */
#include <stddef.h>
#include <string.h>
#include <time.h>

#include <commpolice/context.h>
#include <commpolice/errors.h>

#include "util/alloc.h"
#include "store/context.h"
#include "util/error.h"
#include "util/versioned.h"
#include "store/schema.h"

/* The bytes each version of cpol_open_options declares (util/versioned.h). */
static const size_t options_sizes[] = {0, offsetof(cpol_open_options, key_id), sizeof(cpol_open_options)};

int cpol_open_options_init(cpol_open_options *opts, unsigned int version)
{
    if (!opts)
        return cpol__null_arg("cpol_open_options_init", "opts");
    return cpol__init_versioned(opts, version, options_sizes, CPOL_OPEN_OPTIONS_VERSION, "cpol_open_options_init",
                                "options");
}

static cpol_time system_clock(void *payload)
{
    struct timespec ts;
    (void)payload;
    if (timespec_get(&ts, TIME_UTC) != TIME_UTC)
        return 0;
    return (cpol_time)ts.tv_sec * 1000 + ts.tv_nsec / 1000000;
}

/* Copy the caller's options into a complete, current-version struct; only
 * the fields that exist in the caller's version are read. */
static int resolve_options(const cpol_open_options *in, cpol_open_options *out)
{
    cpol_open_options_init(out, CPOL_OPEN_OPTIONS_VERSION);
    if (in) {
        int rc = cpol__take_versioned(out, in, options_sizes, CPOL_OPEN_OPTIONS_VERSION, "cpol_ctx_open", "options");
        if (rc < 0)
            return rc;
    }
    if (out->flags & ~(CPOL_OPEN_READONLY | CPOL_OPEN_NOCREATE | CPOL_OPEN_PLAINTEXT))
        return cpol__error(CPOL_EINVALID, "cpol_ctx_open: unknown flag bits 0x%x",
                           (unsigned)(out->flags & ~(CPOL_OPEN_READONLY | CPOL_OPEN_NOCREATE | CPOL_OPEN_PLAINTEXT)));
    if (out->key_id && strlen(out->key_id) > 64)
        return cpol__error(CPOL_EINVALID, "cpol_ctx_open: key_id is longer than 64 bytes");
    if (out->busy_timeout_ms < 0)
        return cpol__error(CPOL_EINVALID, "cpol_ctx_open: busy_timeout_ms is negative (%d)",
                           (int)out->busy_timeout_ms);
    if (out->busy_timeout_ms == 0)
        out->busy_timeout_ms = 5000;
    if (!out->clock) {
        out->clock = system_clock;
        out->clock_payload = NULL;
    }
    return CPOL_OK;
}

int cpol_ctx_open(cpol_ctx **out, const char *uri, const cpol_open_options *opts)
{
    cpol_open_options o;
    cpol_ctx *ctx;
    int rc;
    if (!out)
        return cpol__null_arg("cpol_ctx_open", "out");
    *out = NULL;
    if (!uri)
        return cpol__null_arg("cpol_ctx_open", "uri");
    rc = resolve_options(opts, &o);
    if (rc < 0)
        return rc;
    ctx = cpol__calloc(1, sizeof *ctx);
    if (!ctx)
        return cpol__oom();
    ctx->clock = o.clock;
    ctx->clock_payload = o.clock_payload;
    rc = cpol__store_open(uri, &o, &ctx->store);
    if (rc < 0) {
        cpol_free(ctx);
        return rc;
    }
    /* the host's key (or its explicit choice of plaintext), then the seals
     * that make every later change part of the audit chain */
    rc = cpol__store_open_keys(ctx->store, &o);
    if (rc >= 0)
        rc = cpol__store_enable_seal(ctx->store);
    if (rc < 0) {
        cpol__store_release(ctx->store);
        cpol_free(ctx);
        return rc;
    }
    *out = ctx;
    return CPOL_OK;
}

int cpol_ctx_close(cpol_ctx *ctx)
{
    int rc = CPOL_OK;
    if (!ctx)
        return CPOL_OK;
    if (ctx->batch)
        rc = cpol_batch_rollback(ctx);
    cpol__store_release(ctx->store);
    cpol_free(ctx);
    return rc < 0 ? rc : CPOL_OK;
}

const char *cpol_ctx_backend(cpol_ctx *ctx)
{
    return ctx && ctx->store->m.name ? ctx->store->m.name : "";
}

cpol_time cpol_ctx_now(cpol_ctx *ctx)
{
    cpol_time t;
    if (!ctx)
        return -1;
    t = ctx->clock(ctx->clock_payload);
    /* A failed clock (a negative time: a binding's callback that raised)
     * fails the atomic unit that asked (cpol__ctx_atomic); a clock past
     * year 9999 is held there, so no time arithmetic can overflow. */
    if (t < 0) {
        ctx->clock_failed = 1;
        return 0;
    }
    return t > CPOL_TIME_MAX ? CPOL_TIME_MAX : t;
}

int cpol_ctx_schema_version(cpol_ctx *ctx, int64_t *out)
{
    if (!ctx)
        return cpol__null_arg("cpol_ctx_schema_version", "ctx");
    if (!out)
        return cpol__null_arg("cpol_ctx_schema_version", "out");
    return cpol__store_schema_version(ctx->store, out);
}

int64_t cpol_schema_version_current(void)
{
    return CPOL__SCHEMA_VERSION;
}

int cpol_batch_begin(cpol_ctx *ctx)
{
    int rc;
    if (!ctx)
        return cpol__null_arg("cpol_batch_begin", "ctx");
    if (ctx->batch)
        return cpol__error(CPOL_EMISUSE, "cpol_batch_begin: a batch is already open on this context");
    rc = cpol__store_begin(ctx->store, 1);
    if (rc < 0)
        return rc;
    ctx->batch = 1;
    return CPOL_OK;
}

int cpol_batch_commit(cpol_ctx *ctx)
{
    if (!ctx)
        return cpol__null_arg("cpol_batch_commit", "ctx");
    if (!ctx->batch)
        return cpol__error(CPOL_EMISUSE, "cpol_batch_commit: no batch is open");
    ctx->batch = 0;
    return cpol__store_end(ctx->store, CPOL_OK);
}

int cpol_batch_rollback(cpol_ctx *ctx)
{
    int rc;
    if (!ctx)
        return cpol__null_arg("cpol_batch_rollback", "ctx");
    if (!ctx->batch)
        return cpol__error(CPOL_EMISUSE, "cpol_batch_rollback: no batch is open");
    ctx->batch = 0;
    rc = cpol__store_rollback(ctx->store);
    return rc;
}

int cpol_batch_active(cpol_ctx *ctx)
{
    return ctx && ctx->batch;
}

int cpol__ctx_atomic(cpol_ctx *ctx, int (*body)(cpol_ctx *ctx, void *arg), void *arg)
{
    int rc = cpol__store_begin(ctx->store, 1), failed = ctx->clock_failed;
    if (rc < 0)
        return rc;
    ctx->clock_failed = 0;
    rc = body(ctx, arg);
    if (rc >= 0 && ctx->clock_failed)
        rc = cpol__error(CPOL_EUSER, "the context's clock callback failed (it returned a negative time); "
                                     "nothing was stored");
    ctx->clock_failed |= failed;
    return cpol__store_end(ctx->store, rc);
}
