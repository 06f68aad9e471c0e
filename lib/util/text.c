#define _POSIX_C_SOURCE 200809L
/* UTF-8 validation and string-argument checks shared by every module. */
#include <string.h>

#include "util/error.h"
#include "util/text.h"

int cpol__utf8_valid(const char *str, size_t len, size_t *bad_offset)
{
    const unsigned char *s = (const unsigned char *)str;
    size_t i = 0;
    while (i < len) {
        unsigned char c = s[i];
        size_t n, k;
        unsigned int cp;
        if (c < 0x80) {
            if (c == 0)
                goto bad;
            i++;
            continue;
        }
        if (c >= 0xC2 && c <= 0xDF) {
            n = 1;
            cp = c & 0x1F;
        } else if (c >= 0xE0 && c <= 0xEF) {
            n = 2;
            cp = c & 0x0F;
        } else if (c >= 0xF0 && c <= 0xF4) {
            n = 3;
            cp = c & 0x07;
        } else {
            goto bad;
        }
        if (len - i <= n)
            goto bad;
        for (k = 1; k <= n; k++) {
            if ((s[i + k] & 0xC0) != 0x80)
                goto bad;
            cp = (cp << 6) | (s[i + k] & 0x3F);
        }
        /* overlong forms, UTF-16 surrogates, beyond U+10FFFF */
        if ((n == 2 && cp < 0x800) || (n == 3 && cp < 0x10000) || cp > 0x10FFFF ||
            (cp >= 0xD800 && cp <= 0xDFFF))
            goto bad;
        i += n + 1;
    }
    return 1;
bad:
    if (bad_offset)
        *bad_offset = i;
    return 0;
}

int cpol__check_text(const char *func, const char *what, const char *s, size_t min, size_t max,
                     size_t *len_out)
{
    size_t len, bad;
    if (!s)
        return cpol__null_arg(func, what);
    /* Never read more than max+1 bytes of the caller's buffer. */
    len = strnlen(s, max + 1);
    if (len > max)
        return cpol__error(CPOL_ETOOLONG, "%s: %s is longer than %zu bytes", func, what, max);
    if (len < min)
        return cpol__error(CPOL_EINVALID, "%s: %s is empty", func, what);
    if (!cpol__utf8_valid(s, len, &bad))
        return cpol__error(CPOL_EUTF8, "%s: %s is not valid UTF-8 (bad byte 0x%02X at offset %zu)", func, what,
                           (unsigned char)s[bad], bad);
    if (len_out)
        *len_out = len;
    return CPOL_OK;
}

int cpol__check_text_chars(const char *func, const char *what, const char *s, size_t min, size_t max_chars,
                           size_t *len_out)
{
    size_t len, chars = 0, i;
    /* valid UTF-8 of at most 4 * max_chars bytes; then count the lead bytes */
    int rc = cpol__check_text(func, what, s, min, 4 * max_chars, &len);
    if (rc == CPOL_ETOOLONG)
        return cpol__error(CPOL_ETOOLONG, "%s: %s is longer than %zu characters", func, what, max_chars);
    if (rc < 0)
        return rc;
    for (i = 0; i < len; i++)
        chars += ((unsigned char)s[i] & 0xC0) != 0x80;
    if (chars > max_chars)
        return cpol__error(CPOL_ETOOLONG, "%s: %s has %zu characters, more than %zu", func, what, chars, max_chars);
    if (len_out)
        *len_out = len;
    return CPOL_OK;
}
