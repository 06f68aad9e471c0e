#define _POSIX_C_SOURCE 200809L
/* Settings: a key/value table stored with the data. It belongs to no
 * station: any active actor reads it; changing it is settings.manage above
 * the station level (the system actor, a bureau-wide leader), audited. */
#include <stdio.h>
#include <string.h>

#include <commpolice/setting.h>

#include "util/alloc.h"
#include "domain/base/domain.h"
#include "store/context.h"
#include "util/error.h"
#include "store/schema.h"
#include "util/text.h"

enum { COL_KEY, COL_VALUE, COL_UPDATED_AT, COL_COUNT };

static const cpol_column_def setting_columns[COL_COUNT] = {
    [COL_KEY] = {.name = "key", .type = CPOL_COLUMN_TEXT, .flags = CPOL_COLUMN_NOTNULL},
    [COL_VALUE] = {.name = "value", .type = CPOL_COLUMN_TEXT, .flags = CPOL_COLUMN_NOTNULL},
    [COL_UPDATED_AT] = {.name = "updated_at", .type = CPOL_COLUMN_TIME, .flags = CPOL_COLUMN_NOTNULL},
};

const cpol_table cpol__table_setting = {"setting", COL_COUNT, setting_columns, 0, NULL, 0};

struct cpol_setting_iter {
    cpol_cursor *cursor;
    cpol_record *row;
};

static int key_char_ok(char c)
{
    return (c >= 'a' && c <= 'z') || (c >= '0' && c <= '9') || c == '.' || c == '_' || c == '-';
}

/* Keys are ASCII by rule, so a valid key is also valid UTF-8. */
static int check_key(const char *func, const char *key, int is_prefix, size_t *len_out)
{
    size_t len, i;
    if (!key)
        return cpol__null_arg(func, is_prefix ? "prefix" : "key");
    len = strnlen(key, CPOL_SETTING_KEY_MAX + 1);
    if (len > CPOL_SETTING_KEY_MAX)
        return cpol__error(CPOL_ETOOLONG, "%s: key is longer than %d bytes", func, CPOL_SETTING_KEY_MAX);
    if (len == 0 && !is_prefix)
        return cpol__error(CPOL_EINVALID, "%s: key is empty", func);
    if (len > 0 && !(key[0] >= 'a' && key[0] <= 'z'))
        return cpol__error(CPOL_EINVALID, "%s: key \"%.64s\" must start with a lower-case letter a-z", func, key);
    for (i = 0; i < len; i++)
        if (!key_char_ok(key[i]))
            return cpol__error(CPOL_EINVALID,
                               "%s: key has a character (byte 0x%02X at offset %zu) outside a-z 0-9 . _ -", func,
                               (unsigned char)key[i], i);
    *len_out = len;
    return CPOL_OK;
}

typedef struct set_args {
    const cpol_actor *as;
    const char *key;
    size_t key_len;
    const char *value;
    size_t value_len;
} set_args;

/* One audit entry per change: object kind "setting", the nil id as object
 * (settings have no id; the key is in the summaries), no station. */
static char *key_value(const char *key, const char *value)
{
    size_t n = strlen(key) + strlen(value) + 2;
    char *s = cpol_malloc(n);
    if (s)
        snprintf(s, n, "%s=%s", key, value);
    return s;
}

static int audit_change(cpol_ctx *ctx, const cpol_actor *as, const char *action, const char *key,
                        const char *old, const char *value)
{
    static const cpol_id none;
    char *before = NULL, *after = NULL;
    int rc = CPOL_OK;
    if (old)
        before = key_value(key, old);
    if (value)
        after = key_value(key, value);
    if ((old && !before) || (value && !after))
        rc = cpol__oom();
    if (rc >= 0)
        rc = cpol__audit(ctx, as, "setting", &none, NULL, action, before, after, NULL);
    cpol_free(before);
    cpol_free(after);
    return rc;
}

static int set_body(cpol_ctx *ctx, void *arg)
{
    set_args *a = arg;
    cpol_record *row;
    char *old = NULL;
    int rc = cpol__authorize(ctx, a->as, CPOL_PERM_SETTINGS_MANAGE, NULL);
    if (rc < 0)
        return rc;
    rc = cpol__record_new(&cpol__table_setting, &row);
    if (rc < 0)
        return rc;
    if (cpol__value_set_text(&row->vals[COL_KEY], a->key, a->key_len) < 0) {
        cpol__record_free(row);
        return cpol__oom();
    }
    rc = cpol__store_get(ctx->store, row);
    if (rc == CPOL_OK || rc == CPOL_ENOTFOUND) {
        int exists = rc == CPOL_OK;
        if (exists && !(old = cpol__strdup(cpol__record_text_or_empty(row, COL_VALUE))))
            rc = cpol__oom();
        else
            rc = CPOL_OK;
        if (rc >= 0 && cpol__value_set_text(&row->vals[COL_VALUE], a->value, a->value_len) < 0) {
            rc = cpol__oom();
        } else if (rc >= 0) {
            cpol__value_set_int(&row->vals[COL_UPDATED_AT], cpol_ctx_now(ctx));
            rc = exists ? cpol__store_update(ctx->store, row) : cpol__store_insert(ctx->store, row);
        }
    }
    if (rc >= 0)
        rc = audit_change(ctx, a->as, "setting.set", a->key, old, a->value);
    cpol_free(old);
    cpol__record_free(row);
    return rc;
}

int cpol_setting_set(cpol_ctx *ctx, const cpol_actor *as, const char *key, const char *value)
{
    set_args a;
    int rc;
    if (!ctx || !as)
        return cpol__null_arg("cpol_setting_set", !ctx ? "ctx" : "as");
    rc = check_key("cpol_setting_set", key, 0, &a.key_len);
    if (rc < 0)
        return rc;
    rc = cpol__check_text("cpol_setting_set", "value", value, 0, CPOL_SETTING_VALUE_MAX, &a.value_len);
    if (rc < 0)
        return rc;
    a.as = as;
    a.key = key;
    a.value = value;
    return cpol__ctx_atomic(ctx, set_body, &a);
}

/* Reading: any active actor, wherever it is bound. */
static int read_access(cpol_ctx *ctx, const cpol_actor *as)
{
    cpol_id station;
    int rc = cpol__authorize_own_scope(ctx, as, CPOL__PERM_ANY, &station, NULL);
    return rc < 0 ? rc : CPOL_OK;
}

int cpol_setting_get(cpol_ctx *ctx, const cpol_actor *as, const char *key, char **out)
{
    cpol_record *row;
    size_t key_len;
    int rc;
    if (out)
        *out = NULL;
    if (!ctx || !as || !out)
        return cpol__null_arg("cpol_setting_get", !ctx ? "ctx" : !as ? "as" : "out");
    rc = check_key("cpol_setting_get", key, 0, &key_len);
    if (rc >= 0)
        rc = read_access(ctx, as);
    if (rc < 0)
        return rc;
    rc = cpol__record_new(&cpol__table_setting, &row);
    if (rc < 0)
        return rc;
    if (cpol__value_set_text(&row->vals[COL_KEY], key, key_len) < 0) {
        cpol__record_free(row);
        return cpol__oom();
    }
    rc = cpol__store_get(ctx->store, row);
    if (rc == CPOL_ENOTFOUND)
        rc = cpol__error(CPOL_ENOTFOUND, "cpol_setting_get: setting \"%s\" is not set", key);
    if (rc == CPOL_OK) {
        const char *v = cpol__record_text(row, COL_VALUE);
        *out = v ? cpol__strdup(v) : NULL;
        if (!*out)
            rc = v ? cpol__oom() : cpol__error(CPOL_ECORRUPT, "setting \"%s\" has no text value", key);
    }
    cpol__record_free(row);
    return rc;
}

typedef struct delete_args {
    const cpol_actor *as;
    const char *key;
    size_t key_len;
} delete_args;

static int delete_body(cpol_ctx *ctx, void *arg)
{
    delete_args *a = arg;
    cpol_record *row;
    int rc = cpol__authorize(ctx, a->as, CPOL_PERM_SETTINGS_MANAGE, NULL);
    if (rc < 0)
        return rc;
    rc = cpol__record_new(&cpol__table_setting, &row);
    if (rc < 0)
        return rc;
    if (cpol__value_set_text(&row->vals[COL_KEY], a->key, a->key_len) < 0)
        rc = cpol__oom();
    else
        rc = cpol__store_get(ctx->store, row); /* the old value, for the audit entry */
    if (rc >= 0)
        rc = cpol__store_remove(ctx->store, row);
    if (rc == CPOL_ENOTFOUND)
        rc = cpol__error(CPOL_ENOTFOUND, "cpol_setting_delete: setting \"%s\" is not set", a->key);
    if (rc >= 0)
        rc = audit_change(ctx, a->as, "setting.delete", a->key, cpol__record_text_or_empty(row, COL_VALUE), NULL);
    cpol__record_free(row);
    return rc;
}

int cpol_setting_delete(cpol_ctx *ctx, const cpol_actor *as, const char *key)
{
    delete_args a;
    int rc;
    if (!ctx || !as)
        return cpol__null_arg("cpol_setting_delete", !ctx ? "ctx" : "as");
    rc = check_key("cpol_setting_delete", key, 0, &a.key_len);
    if (rc < 0)
        return rc;
    a.as = as;
    a.key = key;
    return cpol__ctx_atomic(ctx, delete_body, &a);
}

int cpol_setting_iter_new(cpol_ctx *ctx, const cpol_actor *as, const char *prefix, cpol_setting_iter **out)
{
    cpol_setting_iter *it;
    cpol_query *q = NULL;
    size_t len = 0;
    int rc;
    if (out)
        *out = NULL;
    if (!ctx || !as || !out)
        return cpol__null_arg("cpol_setting_iter_new", !ctx ? "ctx" : !as ? "as" : "out");
    if (prefix) {
        rc = check_key("cpol_setting_iter_new", prefix, 1, &len);
        if (rc < 0)
            return rc;
    }
    rc = read_access(ctx, as);
    if (rc < 0)
        return rc;
    it = cpol__calloc(1, sizeof *it);
    if (!it)
        return cpol__oom();
    rc = cpol__query_new(&cpol__table_setting, &q);
    if (rc >= 0 && len > 0) {
        /* key >= prefix AND key < prefix with its last byte raised: keys are
         * ASCII below 0x7F, so the raised byte never overflows. */
        char upper[CPOL_SETTING_KEY_MAX + 1];
        memcpy(upper, prefix, len);
        upper[len - 1]++;
        rc = cpol__query_where_text(q, COL_KEY, CPOL_OP_GE, prefix, len);
        if (rc >= 0)
            rc = cpol__query_where_text(q, COL_KEY, CPOL_OP_LT, upper, len);
    }
    if (rc >= 0)
        rc = cpol__record_new(&cpol__table_setting, &it->row);
    if (rc >= 0)
        rc = cpol__cursor_open(ctx->store, q, &it->cursor);
    cpol__query_free(q);
    if (rc < 0) {
        cpol_setting_iter_free(it);
        return rc;
    }
    *out = it;
    return CPOL_OK;
}

int cpol_setting_iter_next(cpol_setting_iter *it, const char **key_out, const char **value_out)
{
    int rc;
    if (!it)
        return cpol__null_arg("cpol_setting_iter_next", "it");
    if (!key_out || !value_out)
        return cpol__null_arg("cpol_setting_iter_next", !key_out ? "key_out" : "value_out");
    rc = cpol__cursor_next(it->cursor, it->row);
    if (rc != CPOL_OK)
        return rc;
    *key_out = cpol__record_text(it->row, COL_KEY);
    *value_out = cpol__record_text(it->row, COL_VALUE);
    if (!*key_out || !*value_out)
        return cpol__error(CPOL_ECORRUPT, "a stored setting has a non-text key or value");
    return CPOL_OK;
}

void cpol_setting_iter_free(cpol_setting_iter *it)
{
    if (!it)
        return;
    cpol__cursor_close(it->cursor);
    cpol__record_free(it->row);
    cpol_free(it);
}
