/**
 * @file commpolice/dossier.h
 * @brief A person's dossier: one summary of everything the library knows
 *        about their service (roles, teams, training, activity, points, notes).
 *
 * The dossier is the page a community officer opens before admitting,
 * commending or disciplining a volunteer. It is read as one snapshot; the
 * details behind each figure are listed by the module iterators
 * (cpol_assignment_iter_new(), cpol_person_team_iter_new(),
 * cpol_training_record_iter_new(), cpol_signup_iter_new(),
 * cpol_statement_iter_new()).
 */
#ifndef COMMPOLICE_DOSSIER_H
#define COMMPOLICE_DOSSIER_H

#include "common.h"
#include "types.h"
#include "actor.h"
#include "person.h"

CPOL_BEGIN_DECL

/** A person's dossier (a snapshot). */
typedef struct cpol_dossier cpol_dossier;

/**
 * Read a person's dossier. A person may read their own; otherwise the actor
 * needs #CPOL_PERM_PERSON_VIEW at the person's station. The person file in it
 * is masked as cpol_person_get() would mask it for this actor, and every
 * figure counts only what this actor could list through the module
 * iterators. Figures the actor may not see at all are -1 ("not shown"):
 * the balance without #CPOL_PERM_POINTS_VIEW, the note counts without
 * #CPOL_PERM_PERSON_NOTE (never for one's own dossier).
 * @ctor cpol_dossier
 * @param ctx  an open context
 * @param as   the actor (see above)
 * @param person  the person; #CPOL_ENOTFOUND for a covert person and an actor
 *                without #CPOL_PERM_PERSON_SENSITIVE, as an unknown id
 * @param[out] out  receives the dossier (owned; free with cpol_dossier_free())
 * @return #CPOL_OK; #CPOL_ENOTFOUND; #CPOL_EPERM; #CPOL_EMISUSE; #CPOL_ESTORAGE; #CPOL_ENOMEM
 * @since 0.1
 */
CPOL_API int cpol_dossier_get(cpol_ctx *ctx, const cpol_actor *as, const cpol_id *person, cpol_dossier **out);
/**
 * Free a dossier.
 * @dtor cpol_dossier
 * @param d  the dossier, or NULL
 * @since 0.1
 */
CPOL_API void cpol_dossier_free(cpol_dossier *d);
/**
 * @param d  a dossier
 * @return the person file (borrowed, valid while @p d is)
 * @since 0.1
 */
CPOL_API const cpol_person *cpol_dossier_person(const cpol_dossier *d);
/**
 * @param d  a dossier
 * @return the number of roles the person holds actively now
 * @since 0.1
 */
CPOL_API int64_t cpol_dossier_active_roles(const cpol_dossier *d);
/**
 * @param d  a dossier
 * @return the number of role assignments ever made (any state)
 * @since 0.1
 */
CPOL_API int64_t cpol_dossier_assignments(const cpol_dossier *d);
/**
 * @param d  a dossier
 * @return the number of teams the person is an active member of
 * @since 0.1
 */
CPOL_API int64_t cpol_dossier_active_teams(const cpol_dossier *d);
/**
 * @param d  a dossier
 * @return minutes of training attended
 * @since 0.1
 */
CPOL_API int64_t cpol_dossier_training_minutes(const cpol_dossier *d);
/**
 * @param d  a dossier
 * @return certificates valid at the time the dossier was read
 * @since 0.1
 */
CPOL_API int64_t cpol_dossier_valid_certificates(const cpol_dossier *d);
/**
 * @param d  a dossier
 * @return minutes of completed patrol shifts
 * @since 0.1
 */
CPOL_API int64_t cpol_dossier_patrol_minutes(const cpol_dossier *d);
/**
 * @param d  a dossier
 * @return minutes of completed publicity sessions
 * @since 0.1
 */
CPOL_API int64_t cpol_dossier_publicity_minutes(const cpol_dossier *d);
/**
 * @param d  a dossier
 * @return minutes of all completed shifts (patrol, publicity, other duty)
 * @since 0.1
 */
CPOL_API int64_t cpol_dossier_activity_minutes(const cpol_dossier *d);
/**
 * @param d  a dossier
 * @return the person's points balance (0 if they never had points; -1 if not shown to the reader)
 * @since 0.1
 */
CPOL_API int64_t cpol_dossier_points(const cpol_dossier *d);
/**
 * @param d  a dossier
 * @return commendations on file (-1 if not shown to the reader)
 * @since 0.1
 */
CPOL_API int64_t cpol_dossier_commendations(const cpol_dossier *d);
/**
 * @param d  a dossier
 * @return disciplinary notes on file (-1 if not shown to the reader)
 * @since 0.1
 */
CPOL_API int64_t cpol_dossier_disciplinary_notes(const cpol_dossier *d);

CPOL_END_DECL

#endif /* COMMPOLICE_DOSSIER_H */
