/**
 * @file commpolice/audit.h
 * @brief The audit trail: every change, who made it, when, and what it was.
 *
 * Every call that changes stored data appends one audit entry in the same
 * transaction as the change, so there is never a change without its entry nor
 * an entry without its change. Entries record the actor (person and role, or
 * the system actor), the time from the context's clock, the object's kind and
 * id, the action (such as "volunteer.admit"), short before/after summaries and
 * the reason the actor gave. The API offers no way to change or delete an
 * entry. The summaries the library writes about people hold no personal
 * data (no names, no ID-card or phone numbers, masked or not): the object id
 * says whose file or assignment it is.
 *
 * Covert people (security informants, see commpolice/person.h) are protected
 * in the trail as everywhere. To a reader without #CPOL_PERM_PERSON_SENSITIVE:
 * - entries about a covert person's file, or about a row that belongs to one
 *   person (assignment, sign-up, attendance, certificate, transfer,
 *   redemption) whose person is covert, are not listed;
 * - an entry made by a covert person shows no actor (NULL) and role 0;
 * - the entry that records a case's report (action "case.report") never
 *   shows its actor: whoever reported a case stays protected;
 * - a filter on an actor matches only entries whose actor this reader is
 *   shown (a covert actor's id matches nothing);
 * - offset and limit count the entries this reader is shown.
 * The covert person reading their own entries sees them in full.
 */
#ifndef COMMPOLICE_AUDIT_H
#define COMMPOLICE_AUDIT_H

#include "common.h"
#include "types.h"
#include "actor.h"

CPOL_BEGIN_DECL

/** One audit entry (borrowed from its iterator). */
typedef struct cpol_audit_entry cpol_audit_entry;
/** An iterator over audit entries, oldest first. */
typedef struct cpol_audit_iter cpol_audit_iter;

/**
 * Which entries to list. Zero / NULL fields do not filter. Initialise with
 * #CPOL_AUDIT_FILTER_INIT; the struct only grows at the end.
 */
typedef struct cpol_audit_filter {
    unsigned int version;        /**< #CPOL_AUDIT_FILTER_VERSION */
    const cpol_id *object;       /**< only entries about this object */
    const cpol_id *actor_person; /**< only entries made by this person */
    cpol_time since;             /**< only entries at or after this time (0: no bound) */
    cpol_time until;             /**< only entries before this time (0: no bound) */
    int64_t offset;              /**< skip this many entries */
    int64_t limit;               /**< at most this many entries (0: no limit) */
} cpol_audit_filter;

/** The current version of #cpol_audit_filter. */
#define CPOL_AUDIT_FILTER_VERSION 1
/** Initialiser for #cpol_audit_filter: no filtering. */
#define CPOL_AUDIT_FILTER_INIT { CPOL_AUDIT_FILTER_VERSION, NULL, NULL, 0, 0, 0, 0 }

/**
 * List audit entries, oldest first.
 * @ctor cpol_audit_iter
 * @param ctx  an open context
 * @param as   the actor; needs #CPOL_PERM_AUDIT_VIEW; sees its own station's entries
 *             (the system actor sees all)
 * @param filter  what to list, or NULL for everything
 * @param[out] out  receives the iterator (owned; free with cpol_audit_iter_free())
 * @return #CPOL_OK; #CPOL_EPERM; #CPOL_EVERSION for an unknown filter version;
 *         #CPOL_EINVALID for a negative offset or limit; #CPOL_EMISUSE; #CPOL_ESTORAGE; #CPOL_ENOMEM
 * @since 0.1
 */
CPOL_API int cpol_audit_iter_new(cpol_ctx *ctx, const cpol_actor *as, const cpol_audit_filter *filter,
                                 cpol_audit_iter **out);
/**
 * Next entry.
 * @param it  the iterator
 * @param[out] out  receives the entry (borrowed: valid until the next call on @p it)
 * @return #CPOL_OK; #CPOL_DONE at the end; #CPOL_EMISUSE; #CPOL_ESTORAGE; #CPOL_ENOMEM
 * @since 0.1
 */
CPOL_API int cpol_audit_iter_next(cpol_audit_iter *it, const cpol_audit_entry **out);
/**
 * Free an iterator (also after its context was closed).
 * @dtor cpol_audit_iter
 * @param it  the iterator, or NULL
 * @since 0.1
 */
CPOL_API void cpol_audit_iter_free(cpol_audit_iter *it);

/**
 * @param e  an entry
 * @return the entry's own id (borrowed)
 * @since 0.1
 */
CPOL_API const cpol_id *cpol_audit_entry_id(const cpol_audit_entry *e);
/**
 * @param e  an entry
 * @return when the change was made
 * @since 0.1
 */
CPOL_API cpol_time cpol_audit_entry_time(const cpol_audit_entry *e);
/**
 * @param e  an entry
 * @return the acting person (borrowed), or NULL for the system actor, a covert
 *         actor or the reporter of a case hidden from the reader (see the file comment)
 * @since 0.1
 */
CPOL_API const cpol_id *cpol_audit_entry_actor(const cpol_audit_entry *e);
/**
 * @param e  an entry
 * @return the #cpol_role_t the person acted in, 0 for the system actor or a hidden actor
 * @since 0.1
 */
CPOL_API int cpol_audit_entry_role(const cpol_audit_entry *e);
/**
 * @param e  an entry
 * @return the kind of object changed, such as "area", "person", "role" (borrowed)
 * @since 0.1
 */
CPOL_API const char *cpol_audit_entry_object_kind(const cpol_audit_entry *e);
/**
 * @param e  an entry
 * @return the id of the object changed (borrowed)
 * @since 0.1
 */
CPOL_API const cpol_id *cpol_audit_entry_object(const cpol_audit_entry *e);
/**
 * @param e  an entry
 * @return the action, such as "area.create" or "volunteer.admit" (borrowed)
 * @since 0.1
 */
CPOL_API const char *cpol_audit_entry_action(const cpol_audit_entry *e);
/**
 * @param e  an entry
 * @return a short summary of the object before the change, "" for a creation (borrowed)
 * @since 0.1
 */
CPOL_API const char *cpol_audit_entry_before(const cpol_audit_entry *e);
/**
 * @param e  an entry
 * @return a short summary of the object after the change (borrowed)
 * @since 0.1
 */
CPOL_API const char *cpol_audit_entry_after(const cpol_audit_entry *e);
/**
 * @param e  an entry
 * @return the reason the actor gave, "" if none (borrowed)
 * @since 0.1
 */
CPOL_API const char *cpol_audit_entry_reason(const cpol_audit_entry *e);

/**
 * Verify the stored record (docs/security.md, "The stored record"): recompute
 * every station's SM3 hash chain of audit entries, then check that every row
 * of every table is exactly what the last audit entry that wrote it recorded.
 * An entry changed, removed or inserted outside the library breaks its chain;
 * a row changed, inserted or deleted outside the library (plain SQL on the
 * database, a restored backup of one table) no longer matches its seal. What
 * the chain cannot show by itself is its own newest entries cut off together
 * with everything they wrote: compare cpol_audit_head() with a head kept
 * outside the database (cpol_audit_verify_head()).
 * @param ctx  an open context
 * @param as   the actor; needs #CPOL_PERM_AUDIT_VIEW; for a reader without
 *             #CPOL_PERM_PERSON_SENSITIVE the message names the table but not
 *             the row
 * @param[out] entries_out  receives the number of entries checked (may be NULL)
 * @param[out] rows_out     receives the number of rows checked (may be NULL)
 * @return #CPOL_OK; #CPOL_ECORRUPT naming the first entry, or the table and
 *         key of the first row, that does not match; #CPOL_EMISUSE for a NULL
 *         @p ctx or @p as; #CPOL_EPERM; #CPOL_ESTORAGE; #CPOL_ENOMEM
 * @since 0.1
 */
CPOL_API int cpol_audit_verify(cpol_ctx *ctx, const cpol_actor *as, int64_t *entries_out, int64_t *rows_out);

/** Bytes of the hexadecimal text of a chain hash, with its NUL. */
#define CPOL_AUDIT_HASH_SIZE 65

/**
 * The head of a station's audit chain: its newest entry's sequence number and
 * SM3 hash. A host anchors it outside the database (a WORM store, a
 * notary, a printed daily report) and later proves with
 * cpol_audit_verify_head() that the chain still holds that entry unchanged,
 * which detects a chain cut short with everything its last entries wrote.
 * @param ctx  an open context
 * @param as   the actor; needs #CPOL_PERM_AUDIT_VIEW at @p station
 * @param station  a police station, or NULL for the chain of entries that
 *                 belong to no station
 * @param[out] seq_out   receives the sequence number (0 for an empty chain)
 * @param[out] hash_out  receives the hash as 64 lower-case hexadecimal digits
 *                       and a NUL
 * @param size  bytes at @p hash_out, at least #CPOL_AUDIT_HASH_SIZE
 * @return #CPOL_OK; #CPOL_ETOOLONG if @p size is too small; #CPOL_EMISUSE for
 *         a NULL argument other than @p station; #CPOL_EPERM; #CPOL_ECORRUPT;
 *         #CPOL_ESTORAGE; #CPOL_ENOMEM
 * @since 0.1
 */
CPOL_API int cpol_audit_head(cpol_ctx *ctx, const cpol_actor *as, const cpol_id *station, int64_t *seq_out,
                             char *hash_out, size_t size);

/**
 * Check a head kept outside the database against the chain: the entry with
 * sequence number @p seq must still be there with hash @p hash, and the
 * chain up to it must verify.
 * @param ctx  an open context
 * @param as   the actor; needs #CPOL_PERM_AUDIT_VIEW at @p station
 * @param station  the station, or NULL as for cpol_audit_head()
 * @param seq  the anchored sequence number (at least 1)
 * @param hash  the anchored hash, 64 hexadecimal digits
 * @return #CPOL_OK; #CPOL_ECORRUPT if the entry is missing (the chain was cut
 *         short) or differs; #CPOL_EINVALID for a malformed hash or @p seq
 *         below 1; #CPOL_EMISUSE; #CPOL_EPERM; #CPOL_ESTORAGE; #CPOL_ENOMEM
 * @since 0.1
 */
CPOL_API int cpol_audit_verify_head(cpol_ctx *ctx, const cpol_actor *as, const cpol_id *station, int64_t seq,
                                    const char *hash);

CPOL_END_DECL

#endif /* COMMPOLICE_AUDIT_H */
