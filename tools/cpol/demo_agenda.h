/* cpol demo: the month as a list of timed events, run in time order. */
#ifndef CPOL_DEMO_AGENDA_H
#define CPOL_DEMO_AGENDA_H

#include "demo.h"

enum {
    EV_CASE = 1,      /* the next step of a case's script (index: the case) */
    EV_NEW_CASES,     /* the morning's new reports (index: the day) */
    EV_SHIFT_START,   /* check-ins of a shift (index: the shift) */
    EV_SHIFT_END,     /* completions and no-shows (index: the shift) */
    EV_SHOP,          /* the service-station kiosk opens (index: the day) */
    EV_TICK,          /* the overdue tick (index: the day) */
    EV_SPOT_CHECK     /* the station leader's spot check */
};

/* The case scripts of demo_cases.c. */
enum { S_TIP, S_ALERT, S_COMPLAINT, S_GRID, S_110, S_PATROL_FIND, S_DUPLICATE, S_OVERDUE, DEMO_SCENARIOS };

/* Schedule an event; returns 0 (and sets d->failed) if the agenda is full. */
int demo_agenda_add(demo *d, cpol_time at, int kind, int index);

/* Report a case of a scenario now and schedule its script. */
int demo_case_report(demo *d, int scenario, int helper, cpol_time at);
/* Take the next step of case @p index. */
int demo_case_step(demo *d, int index);

#endif
