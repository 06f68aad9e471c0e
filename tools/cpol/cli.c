/* cpol: opening the store, keys, actors and exit codes (see cli.h). */
#define _POSIX_C_SOURCE 200809L
#include <ctype.h>
#include <errno.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "cli.h"

int cli_exit_code(int status)
{
    switch (status) {
    case CPOL_OK:
    case CPOL_DONE:
    case CPOL_ALREADY: return CLI_EXIT_OK;
    case CPOL_EINVALID:
    case CPOL_EUTF8:
    case CPOL_ETOOLONG:
    case CPOL_EMISUSE: return CLI_EXIT_INPUT;
    case CPOL_ENOTFOUND: return CLI_EXIT_NOTFOUND;
    case CPOL_EPERM: return CLI_EXIT_PERM;
    case CPOL_ERULE:
    case CPOL_ESTATE:
    case CPOL_EEXISTS:
    case CPOL_ECONFLICT:
    case CPOL_ELIMIT:
    case CPOL_EFUNDS: return CLI_EXIT_RULE;
    case CPOL_ESTORAGE:
    case CPOL_EBUSY:
    case CPOL_EIO:
    case CPOL_EREADONLY:
    case CPOL_ESCHEME:
    case CPOL_ENOTSUPPORTED: return CLI_EXIT_STORAGE;
    case CPOL_ECORRUPT:
    case CPOL_ESCHEMA:
    case CPOL_EVERSION: return CLI_EXIT_DAMAGED;
    case CPOL_EKEY: return CLI_EXIT_KEY;
    default: return CLI_EXIT_ERROR;
    }
}

int cli_fail(cli *c, int status, const char *fmt, ...)
{
    va_list ap;
    fprintf(stderr, "%s %s: ", c->prog, c->command ? c->command : "");
    va_start(ap, fmt);
    vfprintf(stderr, fmt, ap);
    va_end(ap);
    fprintf(stderr, ": %s: %s\n", cpol_status_name(status), cpol_error_message());
    return cli_exit_code(status);
}

int cli_usage_error(cli *c, const char *fmt, ...)
{
    va_list ap;
    fprintf(stderr, "%s %s: ", c->prog, c->command ? c->command : "");
    va_start(ap, fmt);
    vfprintf(stderr, fmt, ap);
    va_end(ap);
    fprintf(stderr, " (%s)\n", TR(c, "see cpol help", "参见 cpol help"));
    return CLI_EXIT_USAGE;
}

void cli_uri(const char *db, char *buf, size_t size)
{
    if (strchr(db, ':') && (strncmp(db, "sqlite:", 7) == 0 || strncmp(db, "memory:", 7) == 0
                            || strncmp(db, "postgresql:", 11) == 0 || strncmp(db, "postgres:", 9) == 0))
        snprintf(buf, size, "%s", db);
    else
        snprintf(buf, size, "sqlite:%s", db);
}

const char *cli_sqlite_path(const char *db)
{
    if (strncmp(db, "sqlite:", 7) == 0)
        return db + 7;
    if (strncmp(db, "memory:", 7) == 0 || strncmp(db, "postgresql:", 11) == 0 || strncmp(db, "postgres:", 9) == 0)
        return NULL;
    return db;
}

/* ---- keys ---------------------------------------------------------------- */

/* The demo key: public, in this source, for `cpol demo` and the guides only.
 * A store created with it (key id "cpol-demo") protects nothing. */
static void demo_key(unsigned char key[CPOL_KEY_LEN])
{
    size_t i;
    for (i = 0; i < CPOL_KEY_LEN; i++)
        key[i] = (unsigned char)(0x5A ^ (i * 29));
}

static int hex_value(int ch)
{
    if (ch >= '0' && ch <= '9')
        return ch - '0';
    ch = tolower(ch);
    return ch >= 'a' && ch <= 'f' ? ch - 'a' + 10 : -1;
}

/* A key file holds 64 hexadecimal digits (surrounding white space allowed)
 * or exactly 32 raw bytes. */
static int read_key_file(const char *path, unsigned char key[CPOL_KEY_LEN])
{
    unsigned char buf[160];
    size_t n, i, k = 0;
    FILE *f = fopen(path, "rb");
    if (!f)
        return -1;
    n = fread(buf, 1, sizeof buf, f);
    fclose(f);
    if (n == CPOL_KEY_LEN) {
        memcpy(key, buf, CPOL_KEY_LEN);
        return 0;
    }
    for (i = 0; i < n; i++) {
        int hi, lo;
        if (isspace(buf[i]))
            continue;
        if (i + 1 >= n || k == CPOL_KEY_LEN)
            return -1;
        hi = hex_value(buf[i]);
        lo = hex_value(buf[i + 1]);
        if (hi < 0 || lo < 0)
            return -1;
        key[k++] = (unsigned char)(hi << 4 | lo);
        i++;
    }
    return k == CPOL_KEY_LEN ? 0 : -1;
}

static int key_source(void *payload, const char *key_id, unsigned char key[CPOL_KEY_LEN])
{
    const cli *c = payload;
    if (c->key_file)
        return read_key_file(c->key_file, key);
    if (strcmp(key_id, "cpol-demo") == 0) {
        demo_key(key);
        return 0;
    }
    return -1;
}

static cpol_time fixed_clock(void *payload)
{
    return ((const cli *)payload)->fixed_now;
}

int cli_open(cli *c, int must_exist)
{
    cpol_open_options o = CPOL_OPEN_OPTIONS_INIT;
    char uri[4096];
    int rc;
    if (!c->db)
        return cli_usage_error(c, "%s", TR(c, "no database: give --db FILE", "未指定数据库: 请用 --db 文件"));
    if (!c->as)
        return cli_usage_error(c, "%s",
                               TR(c, "no actor: every command names who acts, e.g. --as system or --as PERSON:officer",
                                  "未指定操作人: 每条命令都须注明由谁操作, 如 --as system 或 --as 人员:officer"));
    cli_uri(c->db, uri, sizeof uri);
    if (!c->key_file)
        c->key_file = getenv("CPOL_KEY_FILE");
    if (c->key_file && !*c->key_file)
        c->key_file = NULL;
    o.flags = (must_exist ? CPOL_OPEN_NOCREATE : 0) | (c->read_only ? CPOL_OPEN_READONLY : 0)
              | (c->plaintext ? CPOL_OPEN_PLAINTEXT : 0);
    if (!c->plaintext) {
        o.key = key_source;
        o.key_payload = c;
        o.key_id = c->key_id ? c->key_id : (c->key_file ? "cpol-1" : "cpol-demo");
    }
    if (c->fixed_now) {
        o.clock = fixed_clock;
        o.clock_payload = c;
    }
    rc = cpol_ctx_open(&c->ctx, uri, &o);
    if (rc < 0) {
        int code = cli_fail(c, rc, TR(c, "cannot open %s", "无法打开 %s"), c->db);
        if (rc == CPOL_EKEY)
            fprintf(stderr, "%s\n",
                    TR(c, "hint: give the key with --key-file FILE (or $CPOL_KEY_FILE), or --plaintext for a store without one",
                       "提示: 用 --key-file 文件 (或 $CPOL_KEY_FILE) 提供密钥; 未加密的库用 --plaintext"));
        return code;
    }
    rc = cli_actor_open(c, c->as, &c->actor);
    if (rc < 0) {
        int code = cli_fail(c, rc, TR(c, "cannot act as %s", "无法以 %s 的身份操作"), c->as);
        cpol_ctx_close(c->ctx);
        c->ctx = NULL;
        return code;
    }
    return CLI_EXIT_OK;
}

int cli_close(cli *c)
{
    int rc;
    cpol_actor_free(c->actor);
    cpol_actor_free(c->sys);
    c->actor = c->sys = NULL;
    if (!c->ctx)
        return CLI_EXIT_OK;
    rc = cpol_ctx_close(c->ctx);
    c->ctx = NULL;
    return rc < 0 ? cli_fail(c, rc, "%s", TR(c, "closing the store", "关闭数据库")) : CLI_EXIT_OK;
}

/* ---- actors -------------------------------------------------------------- */

static const struct {
    const char *name;
    int role;
} role_names[] = {
    {"officer", CPOL_ROLE_OFFICER},         {"auxiliary", CPOL_ROLE_AUXILIARY},
    {"volunteer", CPOL_ROLE_VOLUNTEER},     {"informant", CPOL_ROLE_INFORMANT},
    {"grid-worker", CPOL_ROLE_GRID_WORKER}, {"guard", CPOL_ROLE_PROPERTY_GUARD},
    {"building-head", CPOL_ROLE_BUILDING_HEAD}, {"lawyer", CPOL_ROLE_LAWYER},
    {"mediator", CPOL_ROLE_MEDIATOR},       {"leader", CPOL_ROLE_LEADER},
    {"operator", CPOL_ROLE_OPERATOR},       {"analyst", CPOL_ROLE_ANALYST},
};

int cli_role_parse(const char *name)
{
    size_t i;
    for (i = 0; i < sizeof role_names / sizeof role_names[0]; i++)
        if (strcmp(name, role_names[i].name) == 0)
            return role_names[i].role;
    for (i = 1; i <= CPOL_ROLE_ANALYST; i++)
        if (strcmp(name, cpol_role_name_zh((int)i)) == 0)
            return (int)i;
    return 0;
}

int cli_actor_open(cli *c, const char *spec, cpol_actor **out)
{
    char person_text[256];
    const char *colon = strrchr(spec, ':');
    cpol_id person;
    int role;
    size_t n;
    *out = NULL;
    if (strcmp(spec, "system") == 0)
        return cpol_actor_system(c->ctx, out);
    if (!colon || colon == spec || (n = (size_t)(colon - spec)) >= sizeof person_text) {
        fprintf(stderr, "%s %s: %s\n", c->prog, c->command,
                TR(c, "--as wants \"system\" or PERSON:ROLE (a person id and a role such as officer)",
                   "--as 应为 \"system\" 或 人员:角色 (人员编号, 角色如 officer)"));
        return CPOL_EINVALID;
    }
    memcpy(person_text, spec, n);
    person_text[n] = '\0';
    role = cli_role_parse(colon + 1);
    if (!role) {
        fprintf(stderr, "%s %s: %s: %s\n", c->prog, c->command, TR(c, "unknown role", "未知角色"), colon + 1);
        return CPOL_EINVALID;
    }
    if (cpol_id_parse(&person, person_text) < 0) {
        fprintf(stderr, "%s %s: %s: %s\n", c->prog, c->command, TR(c, "not a person id", "不是人员编号"),
                person_text);
        return CPOL_EINVALID;
    }
    return cpol_actor_open(c->ctx, &person, role, out);
}

int cli_id_arg(cli *c, const char *text, const char *what, cpol_id *out)
{
    if (text && cpol_id_parse(out, text) == CPOL_OK)
        return 0;
    fprintf(stderr, "%s %s: %s %s: %s\n", c->prog, c->command, what, TR(c, "is not an id", "不是有效编号"),
            text ? text : "(none)");
    return CLI_EXIT_INPUT;
}

const char *cli_id_text(const cpol_id *id)
{
    static char buf[8][CPOL_ID_STRING_SIZE];
    static int next;
    char *b = buf[next++ % 8];
    if (!id || cpol_id_format(id, b, CPOL_ID_STRING_SIZE) < 0)
        b[0] = '\0';
    return b;
}

/* ---- time ---------------------------------------------------------------- */

#define CHINA_OFFSET_MS (8LL * 3600 * 1000)

/* Days since 1970-01-01 of a civil date (Howard Hinnant's algorithm). */
static long long days_from_civil(long long y, unsigned m, unsigned d)
{
    long long era;
    unsigned yoe, doy, doe;
    y -= m <= 2;
    era = (y >= 0 ? y : y - 399) / 400;
    yoe = (unsigned)(y - era * 400);
    doy = (153 * (m + (m > 2 ? -3 : 9)) + 2) / 5 + d - 1;
    doe = yoe * 365 + yoe / 4 - yoe / 100 + doy;
    return era * 146097 + (long long)doe - 719468;
}

int cli_time_parse(const char *text, cpol_time *out)
{
    int y, mo, d, h = 0, mi = 0, n = 0;
    char *end;
    long long ms;
    if (!text || !*text)
        return -1;
    if (sscanf(text, "%4d-%2d-%2d%n", &y, &mo, &d, &n) == 3 && n == 10) {
        if (text[n] == 'T' || text[n] == ' ') {
            int m2 = 0;
            if (sscanf(text + n + 1, "%2d:%2d%n", &h, &mi, &m2) != 2 || text[n + 1 + m2] != '\0')
                return -1;
        } else if (text[n] != '\0') {
            return -1;
        }
        if (mo < 1 || mo > 12 || d < 1 || d > 31 || h < 0 || h > 23 || mi < 0 || mi > 59 || y < 1970)
            return -1;
        *out = (cpol_time)(days_from_civil(y, (unsigned)mo, (unsigned)d) * 86400000LL + h * 3600000LL
                           + mi * 60000LL - CHINA_OFFSET_MS);
        return 0;
    }
    errno = 0;
    ms = strtoll(text, &end, 10);
    if (errno || *end || ms < 0)
        return -1;
    *out = ms;
    return 0;
}

void cli_time_format(cpol_time t, char *buf, size_t size)
{
    time_t s = (time_t)((t + CHINA_OFFSET_MS) / 1000);
    struct tm tm;
    if (t <= 0 || !gmtime_r(&s, &tm)) {
        snprintf(buf, size, "-");
        return;
    }
    strftime(buf, size, "%Y-%m-%d %H:%M", &tm);
}

void cli_duration_format(const cli *c, int64_t ms, char *buf, size_t size)
{
    int64_t min = (ms + 30000) / 60000, h = min / 60, d = h / 24;
    if (ms <= 0)
        snprintf(buf, size, "-");
    else if (d >= 2)
        snprintf(buf, size, TR(c, "%lld d %lld h", "%lld天%lld小时"), (long long)d, (long long)(h % 24));
    else if (h > 0)
        snprintf(buf, size, TR(c, "%lld h %02lld min", "%lld小时%02lld分"), (long long)h, (long long)(min % 60));
    else
        snprintf(buf, size, TR(c, "%lld min", "%lld分钟"), (long long)min);
}

void cli_progress(const cli *c, const char *label, long done, long total)
{
    int width = 30, filled;
    if (!c->progress || total <= 0)
        return;
    filled = (int)(done * width / total);
    fprintf(stderr, "\r%s [%.*s%*s] %ld/%ld", label, filled, "##############################", width - filled, "",
            done, total);
    if (done >= total)
        fputs("\n", stderr);
    fflush(stderr);
}
