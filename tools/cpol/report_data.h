/* cpol: the figures of a district report, gathered once through the public
 * API and printed as text (report.c) or HTML (report_html.c). */
#ifndef CPOL_REPORT_DATA_H
#define CPOL_REPORT_DATA_H

#include "report.h"

#define REPORT_TEAMS_MAX 32
#define REPORT_LEADERS 10
#define REPORT_HOTSPOTS 5
#define REPORT_COMMUNITIES 16
#define REPORT_DAYS_MAX 62

typedef struct report_team {
    char name[128];
    int kind, composition;
    int officers, auxiliaries, members, unit_contacts, subteams;
    int ok;
    char verdict[256];
} report_team;

typedef struct report_data {
    char area_name[128];
    int n_teams;
    report_team teams[REPORT_TEAMS_MAX];
    int n_leaders;
    struct {
        int64_t rank, points;
        char name[128];
    } leaders[REPORT_LEADERS];
    int64_t count[22];              /* by cpol_case_metric_t */
    double rate[8];                 /* by cpol_case_rate_t */
    int64_t stage_n[6], stage_median[6], stage_p90[6]; /* by cpol_case_stage_t */
    int n_hotspots;
    struct {
        char place[160];
        int64_t count;
    } hotspots[REPORT_HOTSPOTS];
    int n_communities;
    struct {
        char name[128];
        int64_t received, closed;
    } communities[REPORT_COMMUNITIES];
    int n_days;
    int64_t earned_per_day[REPORT_DAYS_MAX];
    int ledger_rc, audit_rc;
    int64_t ledger_checked, audit_entries, audit_rows;
} report_data;

/* Gather every figure; returns a library status (the message says what failed). */
int report_gather(cli *c, const report_scope *s, report_data *r);

#endif
