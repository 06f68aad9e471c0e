/* A station world for the case tests (check_case*.c): the Lincang station of
 * the fixture with its officer, auxiliary, leader, analyst and volunteers,
 * the 1+1+N team "玉龙义警", a second station for cross-station refusals,
 * and helpers that take a case through the workflow. Public API only. */
#ifndef CHECK_CASE_WORLD_H
#define CHECK_CASE_WORLD_H

#include <check.h>
#include <string.h>

#include <commpolice/commpolice.h>

#include "../support/fixture.h"

#define MINUTE (60LL * 1000)
#define HOUR (60 * MINUTE)
#define DAY (24 * HOUR)

/* Coordinates of 玉龙小区 (Linxiang), near enough for distances. */
#define YULONG_LAT 23.886
#define YULONG_LON 100.092

#define MESSAGE_HAS(text)                                                                               \
    ck_assert_msg(strstr(cpol_error_message(), (text)) != NULL, "message \"%s\" lacks \"%s\"",          \
                  cpol_error_message(), (text))

typedef struct cw {
    fx_world fx;
    cpol_ctx *ctx;           /* = fx.ctx */
    cpol_actor *sys, *officer, *aux, *leader, *analyst, *informant, *guard, *grid, *head, *volunteer, *operator_;
    cpol_actor *other_officer;
    cpol_id officer_id, aux_id, leader_id, analyst_id, informant_id, guard_id, grid_id, head_id, volunteer_id;
    cpol_id resident, other_station, other_community, other_officer_id, other_resident;
    cpol_id team, other_team;
    int seq;                 /* next fixture person number */
} cw;

void cw_open(cw *w, int backend);
void cw_close(cw *w);

/* A case at 玉龙小区 with coordinates, reported now by `as`. */
cpol_id cw_report(cw *w, const cpol_actor *as, int source, int category, const char *description);
/* Same, with fields the caller filled (area defaults to the compound). */
int cw_report_fields(cw *w, const cpol_actor *as, cpol_case_fields *f, cpol_id *id);

/* Drive a case forward as staff until it reaches `state` (reported →
 * verified → assessed general → assigned to the officer → handling →
 * resolved mediated → fed back → followed up (5) → closed by the leader). */
void cw_advance(cw *w, const cpol_id *c, int state);

int cw_state(cw *w, const cpol_id *c);
int64_t cw_event_count(cw *w, const cpol_id *c);
int64_t cw_audit_count(cw *w, const cpol_id *object);
int64_t cw_case_count(cw *w, const cpol_case_filter *f);

/* Everything a refusal must leave as it was. */
typedef struct case_snap {
    int state, grade, tier, outcome, satisfaction;
    int32_t reopen_count;
    cpol_id handler;
    cpol_time updated_at, resolved_at, closed_at;
    int64_t events, audits, cases;
} case_snap;

case_snap cw_snap(cw *w, const cpol_id *c);
void cw_expect_unchanged(cw *w, const cpol_id *c, const case_snap *before, const char *what);

/* A person's points balance, read as the system actor. */
int64_t cw_balance(cw *w, const cpol_id *person);

/* A person of the station and an actor for them in a staff role. */
cpol_actor *cw_staff(cw *w, const char *name, int role, cpol_id *id_out);
/* A volunteer (admitted and active) with an actor. */
cpol_actor *cw_volunteer(cw *w, const char *name, int role, cpol_id *id_out);

/* Looks for one person in everything a read hands out (leak tests): their
 * id, the id's text and their name, in ids and strings alike. */
typedef struct cw_probe {
    cpol_id id;
    char id_text[CPOL_ID_STRING_SIZE];
    const char *name;
    int hits;
    char first[160];         /* where the first hit was */
} cw_probe;

void cw_probe_init(cw_probe *p, const cpol_id *id, const char *name);
void cw_probe_id(cw_probe *p, const cpol_id *id, const char *where);
void cw_probe_text(cw_probe *p, const char *s, const char *where);
/* Every id and string a case snapshot hands out. */
void cw_probe_case(cw_probe *p, const cpol_case *c, const char *where);
/* A refused read: its message must not name the person either. */
void cw_probe_refusal(cw_probe *p, int rc, const char *where);

#endif
