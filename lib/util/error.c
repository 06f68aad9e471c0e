/* Per-thread last error. A fixed thread-local buffer, so reporting an error
 * never allocates (an out-of-memory error must still have its message). */
#include <stdarg.h>
#include <stdio.h>
#include <string.h>

#include "util/error.h"

#define CPOL__MSG_MAX 1024

static _Thread_local int last_code;
static _Thread_local char last_msg[CPOL__MSG_MAX];

typedef struct status_info {
    int code;
    const char *name;
    const char *text;
} status_info;

static const status_info statuses[] = {
    {CPOL_OK, "CPOL_OK", "no error"},
    {CPOL_DONE, "CPOL_DONE", "no more items"},
    {CPOL_ALREADY, "CPOL_ALREADY", "already applied"},
    {CPOL_ERROR, "CPOL_ERROR", "internal error"},
    {CPOL_ENOMEM, "CPOL_ENOMEM", "out of memory"},
    {CPOL_ENOTFOUND, "CPOL_ENOTFOUND", "not found"},
    {CPOL_EEXISTS, "CPOL_EEXISTS", "already exists"},
    {CPOL_EINVALID, "CPOL_EINVALID", "invalid argument"},
    {CPOL_EMISUSE, "CPOL_EMISUSE", "API misuse"},
    {CPOL_EVERSION, "CPOL_EVERSION", "unsupported version"},
    {CPOL_ENOTSUPPORTED, "CPOL_ENOTSUPPORTED", "not supported by the storage backend"},
    {CPOL_EBUSY, "CPOL_EBUSY", "database is locked"},
    {CPOL_ESTORAGE, "CPOL_ESTORAGE", "storage backend failure"},
    {CPOL_ESCHEME, "CPOL_ESCHEME", "unknown storage scheme"},
    {CPOL_ECORRUPT, "CPOL_ECORRUPT", "storage is corrupt or not a libcommpolice database"},
    {CPOL_ESCHEMA, "CPOL_ESCHEMA", "database schema is newer than this library"},
    {CPOL_EUTF8, "CPOL_EUTF8", "invalid UTF-8"},
    {CPOL_ETOOLONG, "CPOL_ETOOLONG", "too long"},
    {CPOL_EIO, "CPOL_EIO", "input/output error"},
    {CPOL_EREADONLY, "CPOL_EREADONLY", "context is read-only"},
    {CPOL_EPERM, "CPOL_EPERM", "permission denied"},
    {CPOL_ESTATE, "CPOL_ESTATE", "not allowed in the current state"},
    {CPOL_ECONFLICT, "CPOL_ECONFLICT", "request id reused with different content"},
    {CPOL_ELIMIT, "CPOL_ELIMIT", "limit exceeded"},
    {CPOL_ERULE, "CPOL_ERULE", "breaks a domain rule"},
    {CPOL_EFUNDS, "CPOL_EFUNDS", "not enough points"},
    {CPOL_EKEY, "CPOL_EKEY", "an encryption key is missing or wrong"},
    {CPOL_EUSER, "CPOL_EUSER", "stopped by a callback"},
};

static const status_info *find_status(int code)
{
    size_t i;
    for (i = 0; i < sizeof statuses / sizeof statuses[0]; i++)
        if (statuses[i].code == code)
            return &statuses[i];
    return NULL;
}

const char *cpol_strerror(int code)
{
    const status_info *s = find_status(code);
    return s ? s->text : "unknown status";
}

const char *cpol_status_name(int code)
{
    const status_info *s = find_status(code);
    return s ? s->name : "CPOL_UNKNOWN";
}

int cpol_error_code(void)
{
    return last_code;
}

const char *cpol_error_message(void)
{
    return last_msg[0] ? last_msg : "no error";
}

void cpol_error_clear(void)
{
    last_code = CPOL_OK;
    last_msg[0] = '\0';
}

/* Cut at a UTF-8 character boundary so a truncated message stays valid text. */
static void trim_utf8_tail(char *s, size_t len)
{
    size_t end = len;
    while (end > 0 && ((unsigned char)s[end - 1] & 0xC0) == 0x80)
        end--;
    if (end > 0 && ((unsigned char)s[end - 1] & 0x80)) {
        unsigned char lead = (unsigned char)s[end - 1];
        size_t need = lead >= 0xF0 ? 4 : lead >= 0xE0 ? 3 : lead >= 0xC0 ? 2 : 1;
        if (len - (end - 1) < need)
            s[end - 1] = '\0';
    }
}

static void store_message(const char *msg)
{
    size_t len = strlen(msg);
    if (len >= CPOL__MSG_MAX) {
        memcpy(last_msg, msg, CPOL__MSG_MAX - 1);
        last_msg[CPOL__MSG_MAX - 1] = '\0';
        trim_utf8_tail(last_msg, CPOL__MSG_MAX - 1);
    } else {
        memmove(last_msg, msg, len + 1);
    }
}

int cpol_error_set_str(int code, const char *message)
{
    last_code = code;
    store_message(message && message[0] ? message : cpol_strerror(code));
    return code;
}

int cpol__error(int code, const char *fmt, ...)
{
    char buf[CPOL__MSG_MAX + 4];
    va_list ap;
    int n;
    va_start(ap, fmt);
    n = vsnprintf(buf, sizeof buf, fmt, ap);
    va_end(ap);
    if (n < 0)
        buf[0] = '\0';
    return cpol_error_set_str(code, buf);
}

int cpol__null_arg(const char *func, const char *what)
{
    return cpol__error(CPOL_EMISUSE, "%s: %s is NULL", func, what);
}
