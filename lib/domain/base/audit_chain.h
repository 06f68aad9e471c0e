/* The tamper-evident audit chain (audit_chain.c). */
#ifndef CPOL_DOMAIN_AUDIT_CHAIN_H
#define CPOL_DOMAIN_AUDIT_CHAIN_H

#include <commpolice/types.h>

/* Recompute every chain and every stored row's seal: CPOL_OK, or
 * CPOL_ECORRUPT naming the first entry or the table and key that do not
 * match. The counts are of entries checked and rows checked. */
int cpol__audit_verify_store(cpol_ctx *ctx, int64_t *entries_out, int64_t *rows_out);

#endif
