/* Internal helpers shared by the domain modules: actors and permission
 * checks, the audit trail, loading rows by id, validating names. Every
 * mutating entry point follows the same shape:
 *
 *     validate arguments (no storage access)
 *     cpol__ctx_atomic(ctx, body, &args)   -- one transaction / savepoint
 *         body: load rows, cpol__authorize(), check rules, write, cpol__audit()
 *
 * so a refusal at any point leaves storage exactly as it was. */
#ifndef CPOL_DOMAIN_H
#define CPOL_DOMAIN_H

#include <commpolice/actor.h>
#include <commpolice/id.h>
#include <commpolice/sys/alloc.h>

#include "store/context.h"
#include "util/alloc.h"
#include "util/error.h"
#include "store/record.h"

struct cpol_actor {
    int system;          /* the installation's own actor */
    cpol_id person;
    int role;
    cpol_id assignment;  /* the active assignment the actor acts through */
};

/* Check that `as` is usable now (its assignment still active), that its role
 * holds `perm`, and that it may act at `station`. NULL means the object
 * belongs to no station (a bureau): only the system actor and bureau-wide
 * actors may touch it. CPOL_EPERM naming the person, role and permission, or
 * the station mismatch. */
int cpol__authorize(cpol_ctx *ctx, const cpol_actor *as, int perm, const cpol_id *station);

/* cpol__authorize() for a read about one object (a person's file, balance,
 * records): a reader whose role lacks `perm` gets CPOL_EPERM whatever the
 * object, but an object outside the reader's stations is answered exactly as
 * an id that names nothing (cpol__not_found(what, id)), so a read is never a
 * probe for what exists at another station. */
int cpol__authorize_about(cpol_ctx *ctx, const cpol_actor *as, int perm, const cpol_id *station, const char *what,
                          const cpol_id *id);

/* `perm` for cpol__authorize() when any active actor in scope may proceed:
 * reads of reference data that names nobody (areas, courses, the catalogue,
 * earning rules, deadlines) still name their actor and obey station scope. */
#define CPOL__PERM_ANY 0

/* The station scope of an actor: *station_out set and 1 if it is bound to
 * one station, 0 for the system actor or a bureau-wide assignment (then
 * *bureau_out, if not NULL, is set to the bureau for a bureau-wide one). */
int cpol__actor_scope(cpol_ctx *ctx, const cpol_actor *as, cpol_id *station_out, cpol_id *bureau_out,
                      int *bureau_wide);

/* cpol__authorize() at the actor's own scope, for listings and lookups that
 * then return only what lies in that scope: its station for a station-bound
 * actor (*station_out set, returns 1), no station for the system actor and
 * bureau-wide actors (returns 0; *bureau_out, if not NULL, set for a
 * bureau-wide one). Negative when refused. */
int cpol__authorize_own_scope(cpol_ctx *ctx, const cpol_actor *as, int perm, cpol_id *station_out,
                              cpol_id *bureau_out);

/* Before looking up anything about `person`: refuse (CPOL_EPERM) an actor
 * that is not that person and whose role lacks `perm` or is no longer
 * active, so that for such an actor an unknown id, a covert person and
 * anyone else all get the same answer. The station is checked afterwards,
 * with cpol__authorize(), once the row is loaded. */
int cpol__may_read_person(cpol_ctx *ctx, const cpol_actor *as, const cpol_id *person, int perm);

/* 1 if the actor's role holds person.sensitive. A table lookup only: it does
 * not re-check the assignment. Reads that decide whether to reveal who is an
 * informant use cpol__reader_cleared() instead. */
int cpol__actor_sees_sensitive(const cpol_actor *as);

/* ---- Protected identities (docs/permissions.md, "Who may learn who tipped") --
 * One rule, applied by every read path: a person who holds or ever held the
 * informant role (治安信息员) is *covert*. A covert person, and every row
 * that names one (assignments, memberships, sign-ups, transfers, audit
 * entries, case handlers and events), is invisible to a reader who is not
 * cleared, except to the covert person themself. A reader is cleared when it
 * is the system actor or acts through a still-active assignment whose role
 * holds person.sensitive. */

/* 1 if `as` is cleared now (re-checks the assignment: a role lost after the
 * handle was opened no longer clears it), 0 if not, negative on a storage
 * error. NULL `as` is never cleared. */
int cpol__reader_cleared(cpol_ctx *ctx, const cpol_actor *as);

/* *covert = 1 if `person` holds or has held an informant assignment, in any
 * status. */
int cpol__person_covert(cpol_ctx *ctx, const cpol_id *person, int *covert);

/* *hidden = 1 if `person` must not be shown to `as`: covert, `as` not
 * cleared, and `as` not the person themself. A NULL or nil person is never
 * hidden. */
int cpol__person_hidden(cpol_ctx *ctx, const cpol_actor *as, const cpol_id *person, int *hidden);

/* Same as cpol__person_hidden(), with the reader's clearance already known
 * (iterators compute it once with cpol__reader_cleared()). */
int cpol__person_hidden_for(cpol_ctx *ctx, const cpol_actor *as, int cleared, const cpol_id *person,
                            int *hidden);

/* For a hidden person, reads answer exactly as for an id that names nobody:
 * CPOL_ENOTFOUND "<what> <uuid> does not exist". */
int cpol__not_found(const char *what, const cpol_id *id);

/* For writes: CPOL_ENOTFOUND "person <uuid> does not exist" when `person` is
 * hidden from `as`, so a write is no existence oracle either. Call it after
 * cpol__authorize(), so that an actor without the permission gets the same
 * CPOL_EPERM for a covert person as for anyone else. */
int cpol__refuse_hidden_person(cpol_ctx *ctx, const cpol_actor *as, const cpol_id *person);

/* Append an audit entry inside the current atomic unit. `station` may be NULL;
 * before/after/reason may be NULL (stored as ""). */
int cpol__audit(cpol_ctx *ctx, const cpol_actor *as, const char *kind, const cpol_id *object,
                const cpol_id *station, const char *action, const char *before, const char *after,
                const char *reason);

/* Whom an audit entry about (`kind`, `object`) is about (lib/domain/
 * audit_subject.c): 1 and *person_out set for a person's file and for rows
 * about one person (assignment, sign-up, attendance, certificate, transfer,
 * redemption), 0 for anything else, negative on a storage error. */
int cpol__audit_subject(cpol_store *store, const char *kind, const cpol_id *object, cpol_id *person_out);

/* Load the row with primary key `id` into a new record. CPOL_ENOTFOUND says
 * "<what> <uuid> does not exist". */
int cpol__load(cpol_ctx *ctx, const cpol_table *t, const cpol_id *id, const char *what, cpol_record **out);

/* Paging done by an iterator that skips rows itself (so that pages stay
 * full): 1 if the row is returned (counted against *left), 0 if it falls
 * within the offset still to skip. *left < 0 means no limit. */
int cpol__page_take(int64_t *skip, int64_t *left);

/* Validate a required name-like text: 1..max bytes of UTF-8 without control
 * characters. */
int cpol__check_name(const char *func, const char *what, const char *s, size_t max, size_t *len_out);

/* Validate an optional text (NULL allowed -> *len_out 0). */
int cpol__check_optional(const char *func, const char *what, const char *s, size_t max, size_t *len_out);

/* Format an id for messages. */
void cpol__id_text(const cpol_id *id, char buf[37]);

/* Record helpers for text columns that may be NULL in storage. */
int cpol__record_set_text0(cpol_record *r, unsigned int col, const char *s);
const char *cpol__record_text_or_empty(const cpol_record *r, unsigned int col);
/* Set column col to id, or NULL when id is NULL. */
int cpol__record_set_id_or_null(cpol_record *r, unsigned int col, const cpol_id *id);

#endif
