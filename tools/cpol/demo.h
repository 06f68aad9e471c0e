/* cpol demo: a month in a district modelled on the seeds (docs/guide-cli.md).
 *
 * The world: 临翔分局 → 忙畔派出所 with 玉龙社区 (the Lincang "1+1+N" team
 * 玉龙义警: one officer, one auxiliary, 43 volunteer police and three
 * informants), 锦凤社区 with two Guiyang-style 平安管家 compound teams, the
 * village 南片村 with its 义务巡逻队, a station-wide 义务纠纷调解队, and a
 * Chongqing Dadukou-style "1+10+N" team whose sub-teams are those four.
 *
 * Every step is taken through the public API by the person whose job it is
 * (an auxiliary registers people, the officer admits volunteers, a guard
 * reports an alert, the station leader closes what an officer handled, the
 * kiosk operator redeems points); the system actor only bootstraps the
 * station and its first leader. The clock is injected and the random source
 * seeded, so a seed gives the same month every time. The world's ids are
 * kept as settings "demo.id.*", so a second run on the same file finds the
 * world and plays the next month. */
#ifndef CPOL_DEMO_H
#define CPOL_DEMO_H

#include <stdint.h>

#include "cli.h"

#define DEMO_VOLUNTEERS 43
#define DEMO_APPLICANTS 45 /* two applications are rejected at review */
#define DEMO_INFORMANTS 3
#define DEMO_GUARDS 4
#define DEMO_HEADS 3
#define DEMO_GRID 2
#define DEMO_VILLAGERS 6
#define DEMO_MEDIATORS 2
#define DEMO_CONTACTS 3
#define DEMO_ITEMS 4
#define DEMO_MAX_CASES 160
#define DEMO_MAX_ACTORS 96

#define MIN_MS (60LL * 1000)
#define HOUR_MS (60 * MIN_MS)
#define DAY_MS (24 * HOUR_MS)

typedef struct demo_actor {
    cpol_id person;
    int role;
    cpol_actor *actor;
} demo_actor;

typedef struct demo_case {
    cpol_id id;
    int scenario;
    int step;
    int helper;   /* which guard, head, volunteer … takes part */
    int ok;       /* the script ran to its end */
} demo_case;

typedef struct demo {
    cli *c;
    cpol_ctx *ctx;
    cpol_actor *sys;
    uint64_t rng;
    int month;           /* 1 for the first run on a file */
    cpol_time start;     /* the month's first day, 08:00 China time */
    cpol_time end;       /* start + 30 days */
    /* areas */
    cpol_id bureau, station, yulong, yulong_compound, jinfeng, garden, court, village;
    /* staff */
    cpol_id leader, deputy, officer_li, officer_yang, officer_he, aux_zhang, aux_luo, operator_, analyst;
    /* volunteer roles */
    cpol_id volunteers[DEMO_VOLUNTEERS], informants[DEMO_INFORMANTS], guards[DEMO_GUARDS], heads[DEMO_HEADS];
    cpol_id grid[DEMO_GRID], villagers[DEMO_VILLAGERS], lawyer, mediators[DEMO_MEDIATORS], contacts[DEMO_CONTACTS];
    /* teams and the service-station catalogue */
    cpol_id team_yulong, team_garden, team_court, team_patrol, team_mediation, team_1_10_n;
    cpol_id items[DEMO_ITEMS];
    /* actors opened so far */
    demo_actor actors[DEMO_MAX_ACTORS];
    int n_actors;
    /* the month's cases */
    demo_case cases[DEMO_MAX_CASES];
    int n_cases;
    /* what the month did, for the closing lines */
    long patrol_signups, patrol_completed, redemptions, retried_once, escalated_by_clock, spot_checked;
    int failed;          /* exit code of the first failure, 0 if none */
} demo;

/* Advance the injected clock (never backwards). */
void demo_clock_to(demo *d, cpol_time t);
/* Next number of the seeded random source, in [0, n). */
uint32_t demo_rand(demo *d, uint32_t n);
/* The actor of a person in a role, opened once and kept. NULL on failure. */
const cpol_actor *demo_as(demo *d, const cpol_id *person, int role);
/* Check a call: on failure print where and remember the exit code. */
int demo_ok(demo *d, int rc, const char *what);

/* Build the world on an empty store, or find it on one a previous run left
 * (month becomes the next month). Returns an exit code. */
int demo_world_open(demo *d);
/* Play the month: volunteers' patrols and publicity, the shop, the cases. */
int demo_month_play(demo *d);
/* Remember that the month was played (settings demo.month, demo.clock). */
int demo_world_save(demo *d);

#endif
