/* cpol demo: play a month in the demo district and print its report. */
#include <stdlib.h>
#include <string.h>

#include "commands.h"
#include "demo.h"
#include "report.h"

int cmd_demo(cli *c, int argc, char **argv)
{
    static demo d; /* large; one demo per process */
    const cpol_actor *analyst;
    report_scope scope;
    unsigned long long seed = 20250623;
    int i, rc;
    for (i = 0; i < argc; i++) {
        if (strcmp(argv[i], "--seed") == 0 && i + 1 < argc) {
            char *end;
            seed = strtoull(argv[++i], &end, 10);
            if (*end)
                return cli_usage_error(c, "--seed %s", TR(c, "wants a number", "应为数字"));
        } else {
            return cli_usage_error(c, "%s: %s", TR(c, "unknown argument", "未知参数"), argv[i]);
        }
    }
    if (!c->db)
        c->db = "cpol-demo.db";
    if (!c->as)
        c->as = "system"; /* the installation bootstraps; people take every step after */
    else if (strcmp(c->as, "system") != 0)
        return cli_usage_error(c, "%s", TR(c, "the demo builds its world as the installation: --as system",
                                           "演示以系统身份建立数据: --as system"));
    memset(&d, 0, sizeof d);
    d.c = c;
    d.rng = seed;
    c->fixed_now = 1748736000000LL; /* the demo's injected clock (demo_world.c) */
    if ((rc = cli_open(c, 0)) != 0)
        return rc;
    d.ctx = c->ctx;
    d.sys = c->actor;
    rc = demo_world_open(&d);
    d.rng = seed * 1000003ULL + (unsigned long long)d.month; /* each month its own, each seed the same */
    if (rc == 0) {
        if (cpol_batch_begin(c->ctx) < 0) {
            rc = cli_fail(c, cpol_error_code(), "%s", "batch");
        } else {
            rc = demo_month_play(&d);
            if (rc == 0)
                rc = demo_world_save(&d);
            if (rc == 0 && cpol_batch_commit(c->ctx) < 0)
                rc = cli_fail(c, cpol_error_code(), "%s", TR(c, "saving the month", "保存本月数据"));
            if (rc != 0)
                cpol_batch_rollback(c->ctx); /* nothing half-played is kept */
        }
    }
    if (rc == 0) {
        int cases_done = 0;
        for (i = 0; i < d.n_cases; i++)
            cases_done += d.cases[i].ok;
        printf(TR(c, "cpol demo: month %d of the district in %s (seed %llu)\n",
                  "cpol demo: %2$s 中辖区的第 %1$d 个月 (种子 %3$llu)\n"),
               d.month, c->db, seed);
        printf(TR(c, "  %ld patrol places taken, %ld completed; %ld redemptions at the kiosk, "
                     "a retried request charged once: %s\n",
                  "  巡逻报名 %ld 人次, 完成 %ld 人次; 服务站兑换 %ld 次, 重试请求只扣一次: %s\n"),
               d.patrol_signups, d.patrol_completed, d.redemptions,
               d.retried_once ? TR(c, "yes", "是") : TR(c, "no", "否"));
        printf(TR(c, "  %d cases reported, %d taken to the end of their script, %ld escalated by the clock, "
                     "%ld spot-checked\n",
                  "  接报 %d 件, 按流程走完 %d 件, 超时自动升级 %ld 次, 所长抽查 %ld 件\n"),
               d.n_cases, cases_done, d.escalated_by_clock, d.spot_checked);
        /* the report is read as the station's analyst: no informant, no tipster */
        analyst = demo_as(&d, &d.analyst, CPOL_ROLE_ANALYST);
        if (!analyst)
            rc = d.failed;
        else if ((rc = report_scope_init(c, &scope, analyst, &d.station, d.start, d.end)) < 0)
            rc = cli_fail(c, rc, "%s", "report");
        else
            rc = report_print(c, &scope, stdout);
        if (rc == 0) {
            char from[32], to[32];
            cli_time_format(d.start, from, sizeof from);
            cli_time_format(d.end, to, sizeof to);
            from[10] = to[10] = 'T';
            /* the same report, read as the same analyst: a command that runs as printed */
            printf(TR(c, "\nRun it again to play the next month on the same file, or see these figures with\n"
                         "  cpol --db %s --as %s:analyst report --area %s --from %s --to %s\n",
                      "\n再次运行将在同一文件上继续下一个月; 查看本报表:\n"
                      "  cpol --db %s --as %s:analyst report --area %s --from %s --to %s\n"),
                   c->db, cli_id_text(&d.analyst), cli_id_text(&d.station), from, to);
        }
    }
    for (i = 0; i < d.n_actors; i++)
        cpol_actor_free(d.actors[i].actor);
    d.n_actors = 0;
    {
        int close_rc = cli_close(c);
        return rc ? rc : close_rc;
    }
}
