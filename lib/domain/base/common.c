/* Small helpers shared by the domain modules (see domain.h). */
#include <string.h>

#include <commpolice/id.h>

#include "util/alloc.h"
#include "util/text.h"
#include "domain/base/domain.h"

void cpol__id_text(const cpol_id *id, char buf[37])
{
    if (!id || cpol_id_format(id, buf, 37) < 0)
        strcpy(buf, "(none)");
}

int cpol__load(cpol_ctx *ctx, const cpol_table *t, const cpol_id *id, const char *what, cpol_record **out)
{
    cpol_record *r;
    int rc = cpol__record_new(t, &r);
    *out = NULL;
    if (rc < 0)
        return rc;
    rc = cpol__record_set_id(r, 0, id);
    if (rc >= 0)
        rc = cpol__store_get(ctx->store, r);
    if (rc == CPOL_ENOTFOUND) {
        char s[37];
        cpol__id_text(id, s);
        rc = cpol__error(CPOL_ENOTFOUND, "%s %s does not exist", what, s);
    }
    if (rc < 0) {
        cpol__record_free(r);
        return rc;
    }
    *out = r;
    return CPOL_OK;
}

static int has_control_char(const char *s, size_t len)
{
    size_t i;
    for (i = 0; i < len; i++)
        if ((unsigned char)s[i] < 0x20 || s[i] == 0x7F)
            return 1;
    return 0;
}

int cpol__check_name(const char *func, const char *what, const char *s, size_t max, size_t *len_out)
{
    int rc = cpol__check_text(func, what, s, 1, max, len_out);
    if (rc < 0)
        return rc;
    if (has_control_char(s, *len_out))
        return cpol__error(CPOL_EINVALID, "%s: %s contains a control character", func, what);
    return CPOL_OK;
}

int cpol__check_optional(const char *func, const char *what, const char *s, size_t max, size_t *len_out)
{
    if (!s) {
        *len_out = 0;
        return CPOL_OK;
    }
    return cpol__check_text(func, what, s, 0, max, len_out);
}

int cpol__record_set_text0(cpol_record *r, unsigned int col, const char *s)
{
    if (!s) {
        cpol__value_clear(&r->vals[col]);
        return CPOL_OK;
    }
    if (cpol__value_set_text(&r->vals[col], s, strlen(s)) < 0)
        return cpol__oom();
    return CPOL_OK;
}

const char *cpol__record_text_or_empty(const cpol_record *r, unsigned int col)
{
    const char *s = cpol__record_text(r, col);
    return s ? s : "";
}

int cpol__record_set_id_or_null(cpol_record *r, unsigned int col, const cpol_id *id)
{
    if (!id) {
        cpol__value_clear(&r->vals[col]);
        return CPOL_OK;
    }
    return cpol__record_set_id(r, col, id);
}

int cpol__page_take(int64_t *skip, int64_t *left)
{
    if (*skip > 0) {
        (*skip)--;
        return 0;
    }
    if (*left > 0)
        (*left)--;
    return 1;
}
