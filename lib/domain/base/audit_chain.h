/* The tamper-evident audit chain (audit_chain.c). */
#ifndef CPOL_DOMAIN_AUDIT_CHAIN_H
#define CPOL_DOMAIN_AUDIT_CHAIN_H

#include <commpolice/actor.h>
#include <commpolice/types.h>

/* Recompute every chain and every stored row's seal: CPOL_OK, or
 * CPOL_ECORRUPT naming the first entry or the table and key that do not
 * match. The counts are of entries checked and rows checked. */
int cpol__audit_verify_store(cpol_ctx *ctx, int redact, int64_t *entries_out, int64_t *rows_out);
/* The same for a reader `as` (audit.view; rows named only to a cleared
 * reader not bound to one station). */
int cpol__audit_verify_as(cpol_ctx *ctx, const cpol_actor *as, int64_t *entries_out, int64_t *rows_out);

#endif
