/* A person's dossier: figures gathered from every module in one read. */
#include <string.h>

#include <commpolice/activity.h>
#include <commpolice/dossier.h>
#include <commpolice/team.h>
#include <commpolice/training.h>

#include "domain/points/ledger_internal.h"
#include "domain/people/person_internal.h"
#include "domain/base/tables.h"

struct cpol_dossier {
    cpol_person *person;
    int64_t active_roles, assignments, active_teams, training_minutes, valid_certificates;
    int64_t patrol_minutes, publicity_minutes, activity_minutes, points, commendations, discipline;
};

static int count_roles(cpol_ctx *ctx, const cpol_actor *as, const cpol_id *person, cpol_dossier *d)
{
    cpol_assignment_iter *it;
    const cpol_assignment *a;
    int rc = cpol_assignment_iter_new(ctx, as, person, &it);
    while (rc >= 0 && (rc = cpol_assignment_iter_next(it, &a)) == CPOL_OK) {
        d->assignments++;
        d->active_roles += cpol_assignment_status(a) == CPOL_ASSIGNMENT_ACTIVE;
    }
    cpol_assignment_iter_free(it);
    return rc == CPOL_DONE ? CPOL_OK : rc;
}

static int count_teams(cpol_ctx *ctx, const cpol_actor *as, const cpol_id *person, cpol_dossier *d)
{
    cpol_membership_iter *it;
    const cpol_membership *m;
    int rc = cpol_person_team_iter_new(ctx, as, person, &it);
    while (rc >= 0 && (rc = cpol_membership_iter_next(it, &m)) == CPOL_OK)
        d->active_teams += cpol_membership_active(m) != 0;
    cpol_membership_iter_free(it);
    return rc == CPOL_DONE ? CPOL_OK : rc;
}

static int count_certificates(cpol_ctx *ctx, const cpol_actor *as, const cpol_id *person, cpol_dossier *d)
{
    cpol_certificate_iter *it;
    const cpol_certificate *c;
    cpol_time now = cpol_ctx_now(ctx);
    int rc = cpol_certificate_iter_new(ctx, as, person, &it);
    while (rc >= 0 && (rc = cpol_certificate_iter_next(it, &c)) == CPOL_OK)
        d->valid_certificates += cpol_certificate_issued_at(c) <= now && now < cpol_certificate_expires_at(c);
    cpol_certificate_iter_free(it);
    return rc == CPOL_DONE ? CPOL_OK : rc;
}

/* A figure the reader may not see is -1, "not shown", rather than a 0 that
 * would read as "none": notes need person.note, the balance points.view
 * (the person always sees their own). */
static int may_see(const cpol_actor *as, const cpol_id *person, int perm)
{
    return (!as->system && cpol_id_compare(&as->person, person) == 0) || cpol_actor_can(as, perm);
}

static int read_points(cpol_ctx *ctx, const cpol_actor *as, const cpol_id *person, const cpol_id *station,
                       cpol_dossier *d)
{
    cpol_record *account;
    int rc;
    if (!may_see(as, person, CPOL_PERM_POINTS_VIEW)) {
        d->points = -1;
        return CPOL_OK;
    }
    rc = cpol__account_get(ctx, CPOL_ACCOUNT_PERSON, person, station, 0, &account);
    if (rc == CPOL_ENOTFOUND)
        return CPOL_OK;
    if (rc < 0)
        return rc;
    d->points = cpol__record_int(account, ACCOUNT_BALANCE);
    cpol__record_free(account);
    return CPOL_OK;
}

static int count_notes(cpol_ctx *ctx, const cpol_actor *as, const cpol_id *person, cpol_dossier *d)
{
    int rc;
    if (!may_see(as, person, CPOL_PERM_PERSON_NOTE)) {
        d->commendations = d->discipline = -1;
        return CPOL_OK;
    }
    rc = cpol_person_note_count(ctx, as, person, CPOL_NOTE_COMMENDATION, &d->commendations);
    if (rc >= 0)
        rc = cpol_person_note_count(ctx, as, person, CPOL_NOTE_DISCIPLINE, &d->discipline);
    return rc;
}

int cpol_dossier_get(cpol_ctx *ctx, const cpol_actor *as, const cpol_id *person, cpol_dossier **out)
{
    cpol_dossier *d;
    int rc;
    if (out)
        *out = NULL;
    if (!ctx || !as || !person || !out)
        return cpol__null_arg("cpol_dossier_get", !ctx ? "ctx" : !as ? "as" : !person ? "person" : "out");
    d = cpol__calloc(1, sizeof *d);
    if (!d)
        return cpol__oom();
    /* reading the file checks the actor's right to see this person at all */
    rc = cpol_person_get(ctx, as, person, &d->person);
    if (rc >= 0)
        rc = count_roles(ctx, as, person, d);
    if (rc >= 0)
        rc = count_teams(ctx, as, person, d);
    if (rc >= 0)
        rc = cpol_training_minutes(ctx, as, person, 0, 0, &d->training_minutes);
    if (rc >= 0)
        rc = count_certificates(ctx, as, person, d);
    if (rc >= 0)
        rc = cpol_activity_minutes(ctx, as, person, CPOL_SHIFT_PATROL, 0, 0, &d->patrol_minutes);
    if (rc >= 0)
        rc = cpol_activity_minutes(ctx, as, person, CPOL_SHIFT_PUBLICITY, 0, 0, &d->publicity_minutes);
    if (rc >= 0)
        rc = cpol_activity_minutes(ctx, as, person, 0, 0, 0, &d->activity_minutes);
    if (rc >= 0)
        rc = read_points(ctx, as, person, cpol_person_station(d->person), d);
    if (rc >= 0)
        rc = count_notes(ctx, as, person, d);
    if (rc < 0) {
        cpol_dossier_free(d);
        return rc;
    }
    *out = d;
    return CPOL_OK;
}

void cpol_dossier_free(cpol_dossier *d)
{
    if (!d)
        return;
    cpol_person_free(d->person);
    cpol_free(d);
}

const cpol_person *cpol_dossier_person(const cpol_dossier *d) { return d ? d->person : NULL; }
int64_t cpol_dossier_active_roles(const cpol_dossier *d) { return d ? d->active_roles : 0; }
int64_t cpol_dossier_assignments(const cpol_dossier *d) { return d ? d->assignments : 0; }
int64_t cpol_dossier_active_teams(const cpol_dossier *d) { return d ? d->active_teams : 0; }
int64_t cpol_dossier_training_minutes(const cpol_dossier *d) { return d ? d->training_minutes : 0; }
int64_t cpol_dossier_valid_certificates(const cpol_dossier *d) { return d ? d->valid_certificates : 0; }
int64_t cpol_dossier_patrol_minutes(const cpol_dossier *d) { return d ? d->patrol_minutes : 0; }
int64_t cpol_dossier_publicity_minutes(const cpol_dossier *d) { return d ? d->publicity_minutes : 0; }
int64_t cpol_dossier_activity_minutes(const cpol_dossier *d) { return d ? d->activity_minutes : 0; }
int64_t cpol_dossier_points(const cpol_dossier *d) { return d ? d->points : 0; }
int64_t cpol_dossier_commendations(const cpol_dossier *d) { return d ? d->commendations : 0; }
int64_t cpol_dossier_disciplinary_notes(const cpol_dossier *d) { return d ? d->discipline : 0; }
