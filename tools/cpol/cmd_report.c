/* cpol report: the district report of an area over a period, read as the
 * actor of --as (the same tables `cpol demo` prints after a month). */
#include <string.h>

#include "commands.h"
#include "report.h"

int cmd_report(cli *c, int argc, char **argv)
{
    const char *area_text = NULL, *from_text = NULL, *to_text = NULL;
    report_scope scope;
    cpol_id area;
    cpol_time from, to;
    int i, rc;
    for (i = 0; i < argc; i++) {
        const char **slot = strcmp(argv[i], "--area") == 0   ? &area_text
                            : strcmp(argv[i], "--from") == 0 ? &from_text
                            : strcmp(argv[i], "--to") == 0   ? &to_text
                                                             : NULL;
        if (!slot || i + 1 >= argc)
            return cli_usage_error(c, "%s: %s", TR(c, "unknown or incomplete argument", "未知或不完整的参数"),
                                   argv[i]);
        *slot = argv[++i];
    }
    if (!area_text || !from_text || !to_text)
        return cli_usage_error(c, "%s", TR(c, "report wants --area ID --from TIME --to TIME",
                                           "report 需要 --area 编号 --from 时间 --to 时间"));
    if ((rc = cli_id_arg(c, area_text, "--area", &area)) != 0)
        return rc;
    if (cli_time_parse(from_text, &from) < 0 || cli_time_parse(to_text, &to) < 0 || to <= from)
        return cli_usage_error(c, "%s", TR(c, "--from and --to want YYYY-MM-DD[THH:MM] (China time), from before to",
                                           "--from 与 --to 应为 YYYY-MM-DD[THH:MM] (北京时间), 且起点早于终点"));
    if ((rc = cli_open(c, 1)) != 0)
        return rc;
    rc = report_scope_init(c, &scope, c->actor, &area, from, to);
    if (rc < 0)
        rc = cli_fail(c, rc, "%s", TR(c, "the report's area", "报表的辖区"));
    else
        rc = report_print(c, &scope, stdout);
    {
        int close_rc = cli_close(c);
        return rc ? rc : close_rc;
    }
}
