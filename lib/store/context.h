/* Internal layout of the context. */
#ifndef CPOL_CORE_CONTEXT_H
#define CPOL_CORE_CONTEXT_H

#include <commpolice/context.h>

#include "store/store.h"

struct cpol_ctx {
    cpol_store *store;
    cpol_clock_cb clock;
    void *clock_payload;
    int batch;                 /* a cpol_batch_begin() is open */
    cpol_time id_last_ms;      /* time part of the last id made (see id.c) */
    unsigned int id_counter;   /* 12-bit counter within id_last_ms */
    int clock_failed;          /* the clock returned a negative time since the unit began */
};

/* Run body(ctx, arg) as one atomic unit (a transaction, or a savepoint inside
 * a batch): committed when it returns >= 0, rolled back otherwise. */
int cpol__ctx_atomic(cpol_ctx *ctx, int (*body)(cpol_ctx *ctx, void *arg), void *arg);

#endif
