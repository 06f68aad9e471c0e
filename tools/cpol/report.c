/* cpol: the district report as aligned text, CSV or JSON (report.h). */
#include <string.h>

#include "report_data.h"

static const char *kind_zh[] = {"", "义警队", "义务巡逻队", "义务纠纷调解队", "平安管家", "铺铺联防", "救援队",
                                "信息员网络"};
static const char *template_zh[] = {"无", "1+1+N", "1+N", "1+10+N"};
static const char *stage_zh[] = {"", "核查", "到场", "处置", "回访", "转办回复"};

static const char *team_kind(const cli *c, int kind)
{
    return c->lang == CLI_LANG_ZH && kind >= 1 && kind <= 7 ? kind_zh[kind] : cpol_team_kind_name(kind);
}

static const char *team_template(const cli *c, int t)
{
    return c->lang == CLI_LANG_ZH && t >= 0 && t <= 3 ? template_zh[t] : cpol_team_template_name(t);
}

static const char *stage(const cli *c, int s)
{
    return c->lang == CLI_LANG_ZH && s >= 1 && s <= 5 ? stage_zh[s] : cpol_case_stage_name(s);
}

static void pct(char *buf, size_t size, double rate)
{
    snprintf(buf, size, "%.1f%%", rate * 100.0);
}

static void num(char *buf, size_t size, int64_t v)
{
    snprintf(buf, size, "%lld", (long long)v);
}

static void heading(const cli *c, FILE *out, const char *en, const char *zh)
{
    fprintf(out, "\n== %s ==\n", TR(c, en, zh));
}

static void print_teams(const cli *c, const report_data *r, FILE *out)
{
    const char *h[] = {TR(c, "team", "队伍"), TR(c, "kind", "类型"), TR(c, "model", "模式"),
                       TR(c, "officer", "民警"), TR(c, "auxiliary", "辅警"), TR(c, "members", "队员"),
                       TR(c, "units", "社会单元"), TR(c, "sub-teams", "子队伍"), TR(c, "check", "校验")};
    cli_table *t = cli_table_new(9);
    int i;
    for (i = 0; i < r->n_teams; i++) {
        const report_team *rt = &r->teams[i];
        char v[6][16];
        const char *row[9];
        num(v[0], 16, rt->officers);
        num(v[1], 16, rt->auxiliaries);
        num(v[2], 16, rt->members);
        num(v[3], 16, rt->unit_contacts);
        num(v[4], 16, rt->subteams);
        row[0] = rt->name;
        row[1] = team_kind(c, rt->kind);
        row[2] = team_template(c, rt->composition);
        row[3] = v[0];
        row[4] = v[1];
        row[5] = v[2];
        row[6] = v[3];
        row[7] = v[4];
        row[8] = rt->ok ? TR(c, "ok", "符合") : TR(c, "incomplete", "不符合");
        cli_table_row(t, row);
    }
    heading(c, out, "Roster per team", "队伍花名册");
    cli_table_print(c, t, h, out);
    cli_table_free(t);
}

static void print_leaders(const cli *c, const report_data *r, FILE *out)
{
    const char *h[] = {TR(c, "rank", "名次"), TR(c, "name", "姓名"), TR(c, "points earned", "获得积分")};
    cli_table *t = cli_table_new(3);
    int i;
    for (i = 0; i < r->n_leaders; i++) {
        char rank[16], pts[24];
        const char *row[3] = {rank, r->leaders[i].name, pts};
        num(rank, sizeof rank, r->leaders[i].rank);
        num(pts, sizeof pts, r->leaders[i].points);
        cli_table_row(t, row);
    }
    heading(c, out, "Points leaderboard", "积分排行榜");
    cli_table_print(c, t, h, out);
    cli_table_free(t);
}

typedef struct named_row {
    int key;
    const char *en, *zh;
} named_row;

/* A two-column table of named figures; @p value formats row i's figure. */
static void print_named(const cli *c, FILE *out, const char *en, const char *zh, const char *const *headers,
                        const named_row *rows, size_t n, const report_data *r,
                        void (*value)(const report_data *, int, char *, size_t))
{
    cli_table *t = cli_table_new(2);
    size_t i;
    for (i = 0; i < n; i++) {
        char v[24];
        const char *row[2] = {TR(c, rows[i].en, rows[i].zh), v};
        value(r, rows[i].key, v, sizeof v);
        cli_table_row(t, row);
    }
    heading(c, out, en, zh);
    cli_table_print(c, t, headers, out);
    cli_table_free(t);
}

static void count_value(const report_data *r, int key, char *buf, size_t size)
{
    num(buf, size, r->count[key]);
}

static void rate_value(const report_data *r, int key, char *buf, size_t size)
{
    pct(buf, size, r->rate[key]);
}

static void print_funnel(const cli *c, const report_data *r, FILE *out)
{
    static const named_row rows[] = {
        {CPOL_METRIC_RECEIVED, "received", "接报"},         {CPOL_METRIC_SCREENED, "screened (verified)", "核查属实"},
        {CPOL_METRIC_REJECTED, "rejected", "不予受理"},     {CPOL_METRIC_REFERRALS, "referred out", "分流转办"},
        {CPOL_METRIC_ESCALATIONS, "escalations", "升级"},   {CPOL_METRIC_RESOLVED, "resolved", "化解"},
        {CPOL_METRIC_FOLLOWED_UP, "followed up", "已回访"}, {CPOL_METRIC_CLOSED, "closed", "办结"},
    };
    const char *h[] = {TR(c, "stage", "环节"), TR(c, "cases", "件数")};
    print_named(c, out, "Case funnel", "案件流程漏斗", h, rows, sizeof rows / sizeof rows[0], r, count_value);
}

static void print_rates(const cli *c, const report_data *r, FILE *out)
{
    static const named_row rows[] = {
        {CPOL_RATE_CLOSURE, "closure rate (closed / received)", "办结率 (办结/接报)"},
        {CPOL_RATE_RESOLUTION, "resolution rate (resolved / screened)", "化解率 (化解/核查属实)"},
        {CPOL_RATE_ON_THE_SPOT, "resolved on the spot", "就地化解率"},
        {CPOL_RATE_SATISFACTION, "satisfaction (4 or 5 of 5)", "满意率 (4-5分)"},
    };
    const char *h[] = {TR(c, "rate", "指标"), TR(c, "value", "数值")};
    print_named(c, out, "Closure and resolution", "办结与化解", h, rows, sizeof rows / sizeof rows[0], r, rate_value);
}

static void print_response(const cli *c, const report_data *r, FILE *out)
{
    const char *h[] = {TR(c, "stage", "环节"), TR(c, "cases", "件数"), TR(c, "median", "中位数"),
                       TR(c, "90th percentile", "90分位")};
    cli_table *t = cli_table_new(4);
    int i;
    for (i = CPOL_STAGE_SCREENING; i <= CPOL_STAGE_REFERRAL; i++) {
        char n[16], med[48], p90[48];
        const char *row[4] = {stage(c, i), n, med, p90};
        num(n, sizeof n, r->stage_n[i]);
        cli_duration_format(c, r->stage_median[i], med, sizeof med);
        cli_duration_format(c, r->stage_p90[i], p90, sizeof p90);
        cli_table_row(t, row);
    }
    heading(c, out, "Response times per stage", "各环节用时");
    cli_table_print(c, t, h, out);
    cli_table_free(t);
}

static void print_hotspots(const cli *c, const report_data *r, FILE *out)
{
    const char *h[] = {TR(c, "place", "地点"), TR(c, "cases", "件数")};
    cli_table *t = cli_table_new(2);
    int i;
    for (i = 0; i < r->n_hotspots; i++) {
        char v[24];
        const char *row[2] = {r->hotspots[i].place, v};
        num(v, sizeof v, r->hotspots[i].count);
        cli_table_row(t, row);
    }
    heading(c, out, "Repeat hot spots (3 or more cases at one address)", "重复发案地点 (同一地址3起以上)");
    cli_table_print(c, t, h, out);
    cli_table_free(t);
}

static const char *verdict(const cli *c, int rc)
{
    return rc == CPOL_OK ? TR(c, "intact", "完整") : rc == CPOL_EPERM ? TR(c, "not permitted", "无权查看")
                                                                       : TR(c, "DAMAGED", "已损坏");
}

static void print_verification(const cli *c, const report_data *r, FILE *out)
{
    heading(c, out, "Verification", "核验");
    fprintf(out, TR(c, "points ledger: %s (%lld postings checked)\n", "积分账本: %s (核验分录 %lld 条)\n"),
            verdict(c, r->ledger_rc), (long long)r->ledger_checked);
    fprintf(out, TR(c, "audit chain:   %s (%lld entries, %lld sealed rows checked)\n",
                    "审计链:   %s (核验记录 %lld 条, 封印数据行 %lld 行)\n"),
            verdict(c, r->audit_rc), (long long)r->audit_entries, (long long)r->audit_rows);
}

/* --csv / --json: every figure as one row (section, name, value). */
static void print_figures(const cli *c, const report_data *r, FILE *out)
{
    const char *h[] = {"section", "name", "value"};
    cli_table *t = cli_table_new(3);
    char v[64], name[64];
    int i;
#define FIG(sec, nm, val)                                                                                        \
    do {                                                                                                         \
        const char *row_[3] = {(sec), (nm), (val)};                                                              \
        cli_table_row(t, row_);                                                                                  \
    } while (0)
    for (i = 0; i < r->n_teams; i++) {
        num(v, sizeof v, r->teams[i].officers + r->teams[i].auxiliaries + r->teams[i].members
                             + r->teams[i].unit_contacts);
        FIG("team_size", r->teams[i].name, v);
    }
    for (i = 0; i < r->n_leaders; i++) {
        num(v, sizeof v, r->leaders[i].points);
        FIG("leaderboard", r->leaders[i].name, v);
    }
    for (i = CPOL_METRIC_RECEIVED; i <= CPOL_METRIC_ESCALATIONS; i++) {
        snprintf(name, sizeof name, "metric_%d", i);
        num(v, sizeof v, r->count[i]);
        FIG("count", name, v);
    }
    for (i = CPOL_RATE_CLOSURE; i <= CPOL_RATE_REPEAT_CALLS; i++) {
        snprintf(name, sizeof name, "rate_%d", i);
        snprintf(v, sizeof v, "%.4f", r->rate[i]);
        FIG("rate", name, v);
    }
    for (i = CPOL_STAGE_SCREENING; i <= CPOL_STAGE_REFERRAL; i++) {
        num(v, sizeof v, r->stage_median[i]);
        FIG("median_ms", cpol_case_stage_name(i), v);
        num(v, sizeof v, r->stage_p90[i]);
        FIG("p90_ms", cpol_case_stage_name(i), v);
    }
    for (i = 0; i < r->n_hotspots; i++) {
        num(v, sizeof v, r->hotspots[i].count);
        FIG("hotspot", r->hotspots[i].place, v);
    }
    for (i = 0; i < r->n_communities; i++) {
        num(v, sizeof v, r->communities[i].received);
        FIG("received_per_area", r->communities[i].name, v);
    }
    FIG("verify", "ledger", r->ledger_rc == CPOL_OK ? "ok" : cpol_status_name(r->ledger_rc));
    FIG("verify", "audit", r->audit_rc == CPOL_OK ? "ok" : cpol_status_name(r->audit_rc));
#undef FIG
    cli_table_print(c, t, h, out);
    cli_table_free(t);
}

int report_print(cli *c, const report_scope *s, FILE *out)
{
    static report_data r; /* large; one report at a time */
    char from[32], to[32];
    int rc = report_gather(c, s, &r);
    if (rc < 0)
        return cli_fail(c, rc, "%s", TR(c, "gathering the report", "汇总报表"));
    if (c->format != CLI_FMT_TABLE) {
        print_figures(c, &r, out);
        return CLI_EXIT_OK;
    }
    cli_time_format(s->from, from, sizeof from);
    cli_time_format(s->to, to, sizeof to);
    fprintf(out, TR(c, "%s: cases reported %s to %s (China time)\n", "%s: %s 至 %s (北京时间) 接报的案件\n"),
            r.area_name, from, to);
    print_teams(c, &r, out);
    print_leaders(c, &r, out);
    print_funnel(c, &r, out);
    print_rates(c, &r, out);
    print_response(c, &r, out);
    print_hotspots(c, &r, out);
    print_verification(c, &r, out);
    return r.ledger_rc == CPOL_ECORRUPT || r.audit_rc == CPOL_ECORRUPT ? CLI_EXIT_DAMAGED : CLI_EXIT_OK;
}
