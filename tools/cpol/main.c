/* cpol: the command-line tool of libcommpolice (docs/guide-cli.md).
 *
 *   cpol [GLOBAL OPTIONS] COMMAND [ARGS]
 *
 * Global options come before the command: --db, --as, --key-file, --key-id,
 * --plaintext, --lang zh|en, --csv, --json, --now, --no-progress. */
#define _POSIX_C_SOURCE 200809L
#include <locale.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "commands.h"

typedef struct command {
    const char *name;
    int (*run)(cli *c, int argc, char **argv);
    int read_only;
    const char *en, *zh;
} command;

static const command commands[] = {
    {"demo", cmd_demo, 0, "play a month in the demo district and print its report",
     "在演示辖区模拟一个月并打印报表"},
    {"report", cmd_report, 1, "the report of an area: report --area ID --from TIME --to TIME",
     "辖区报表: report --area 编号 --from 时间 --to 时间"},
};

static void help(const cli *c, FILE *out)
{
    size_t i;
    fprintf(out, "%s\n\n", TR(c, "usage: cpol [--db FILE] [--as ACTOR] [OPTIONS] COMMAND [ARGS]",
                              "用法: cpol [--db 文件] [--as 操作人] [选项] 命令 [参数]"));
    for (i = 0; i < sizeof commands / sizeof commands[0]; i++)
        fprintf(out, "  %-10s %s\n", commands[i].name, TR(c, commands[i].en, commands[i].zh));
    fprintf(out, "\n%s\n",
            TR(c,
               "--db FILE|URI      the store (a SQLite file, or postgresql:…)\n"
               "--as ACTOR         who acts: system, or PERSON:ROLE (PERSON a person id)\n"
               "--key-file FILE    the 32-byte master key (64 hex digits); also $CPOL_KEY_FILE\n"
               "--key-id ID        the key's name for a new store\n"
               "--plaintext        a store without encryption (tests and demonstrations)\n"
               "--lang zh|en       language of the output (default: from the locale)\n"
               "--csv, --json      machine-readable output of listings and reports\n"
               "--now TIME         a fixed clock (YYYY-MM-DD[THH:MM] China time, or epoch ms)\n"
               "exit codes: 0 ok, 1 error, 2 usage, 3 bad input, 4 not found, 5 not permitted,\n"
               "            6 domain rule, 7 storage, 8 damaged data, 9 key",
               "--db 文件|URI      数据库 (SQLite 文件, 或 postgresql:…)\n"
               "--as 操作人        由谁操作: system, 或 人员:角色 (人员为编号或姓名)\n"
               "--key-file 文件    32 字节主密钥 (64 位十六进制); 亦可用 $CPOL_KEY_FILE\n"
               "--key-id 名称      新数据库的密钥名称\n"
               "--plaintext        不加密的数据库 (仅用于测试和演示)\n"
               "--lang zh|en       输出语言 (默认取自区域设置)\n"
               "--csv, --json      列表和报表的机器可读输出\n"
               "--now 时间         固定时钟 (北京时间 YYYY-MM-DD[THH:MM], 或毫秒时间戳)\n"
               "退出码: 0 成功, 1 错误, 2 用法, 3 输入有误, 4 未找到, 5 无权限,\n"
               "        6 违反业务规则, 7 存储, 8 数据损坏, 9 密钥"));
}

static int default_lang(void)
{
    const char *names[] = {"LC_ALL", "LC_MESSAGES", "LANG"};
    size_t i;
    for (i = 0; i < 3; i++) {
        const char *v = getenv(names[i]);
        if (v && *v)
            return strncmp(v, "zh", 2) == 0 ? CLI_LANG_ZH : CLI_LANG_EN;
    }
    return CLI_LANG_EN;
}

int main(int argc, char **argv)
{
    cli c;
    int i;
    size_t k;
    memset(&c, 0, sizeof c);
    setlocale(LC_ALL, "");
    c.prog = "cpol";
    c.lang = default_lang();
    c.progress = isatty(2);
    for (i = 1; i < argc && argv[i][0] == '-'; i++) {
        const char *o = argv[i], *v = i + 1 < argc ? argv[i + 1] : NULL;
        if (strcmp(o, "--help") == 0 || strcmp(o, "-h") == 0) {
            help(&c, stdout);
            return 0;
        } else if (strcmp(o, "--plaintext") == 0) {
            c.plaintext = 1;
        } else if (strcmp(o, "--csv") == 0) {
            c.format = CLI_FMT_CSV;
        } else if (strcmp(o, "--json") == 0) {
            c.format = CLI_FMT_JSON;
        } else if (strcmp(o, "--no-progress") == 0) {
            c.progress = 0;
        } else if (!v) {
            fprintf(stderr, "cpol: %s %s\n", o, TR(&c, "wants a value", "需要一个值"));
            return CLI_EXIT_USAGE;
        } else if (strcmp(o, "--db") == 0) {
            c.db = v, i++;
        } else if (strcmp(o, "--as") == 0) {
            c.as = v, i++;
        } else if (strcmp(o, "--key-file") == 0) {
            c.key_file = v, i++;
        } else if (strcmp(o, "--key-id") == 0) {
            c.key_id = v, i++;
        } else if (strcmp(o, "--now") == 0) {
            if (cli_time_parse(v, &c.fixed_now) < 0) {
                fprintf(stderr, "cpol: --now %s: %s\n", v, TR(&c, "not a time", "不是有效时间"));
                return CLI_EXIT_USAGE;
            }
            i++;
        } else if (strcmp(o, "--lang") == 0) {
            if (strcmp(v, "zh") == 0)
                c.lang = CLI_LANG_ZH;
            else if (strcmp(v, "en") == 0)
                c.lang = CLI_LANG_EN;
            else {
                fprintf(stderr, "cpol: --lang %s: %s\n", v, TR(&c, "wants zh or en", "应为 zh 或 en"));
                return CLI_EXIT_USAGE;
            }
            i++;
        } else {
            fprintf(stderr, "cpol: %s: %s\n", o, TR(&c, "unknown option (see cpol --help)", "未知选项 (参见 cpol --help)"));
            return CLI_EXIT_USAGE;
        }
    }
    if (i == argc) {
        help(&c, stderr);
        return CLI_EXIT_USAGE;
    }
    if (strcmp(argv[i], "help") == 0) {
        help(&c, stdout);
        return 0;
    }
    for (k = 0; k < sizeof commands / sizeof commands[0]; k++)
        if (strcmp(argv[i], commands[k].name) == 0) {
            c.command = commands[k].name;
            c.read_only = commands[k].read_only;
            return commands[k].run(&c, argc - i - 1, argv + i + 1);
        }
    fprintf(stderr, "cpol: %s: %s\n", argv[i], TR(&c, "unknown command (see cpol help)", "未知命令 (参见 cpol help)"));
    return CLI_EXIT_USAGE;
}
