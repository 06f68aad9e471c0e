/* Time-ordered ids: the RFC 9562 version-7 layout filled from libuuid.
 *
 * bytes 0-5   48-bit Unix time in ms (big-endian)
 * byte  6     version 7 in the high nibble, counter bits 11..8
 * byte  7     counter bits 7..0
 * byte  8     variant 10 in the top two bits, then random
 * bytes 9-15  random (from uuid_generate_random)
 *
 * The 12-bit counter (RFC 9562 "method 1") keeps ids of one context strictly
 * increasing within a millisecond; when it overflows, or the clock steps
 * back, the time part is advanced past the last id instead. */
#include <string.h>

#include <uuid/uuid.h>

#include <commpolice/id.h>

#include "store/context.h"
#include "util/error.h"

int cpol_id_new(cpol_ctx *ctx, cpol_id *out)
{
    uuid_t rnd;
    cpol_time now;
    if (!ctx)
        return cpol__null_arg("cpol_id_new", "ctx");
    if (!out)
        return cpol__null_arg("cpol_id_new", "out");
    now = cpol_ctx_now(ctx);
    if (now < 0)
        now = 0;
    if (now > ctx->id_last_ms) {
        ctx->id_last_ms = now;
        ctx->id_counter = 0;
    } else if (++ctx->id_counter > 0xFFF) {
        ctx->id_last_ms++;
        ctx->id_counter = 0;
    }
    uuid_generate_random(rnd);
    memcpy(out->bytes, rnd, 16);
    {
        uint64_t ms = (uint64_t)ctx->id_last_ms & 0xFFFFFFFFFFFFull;
        int i;
        for (i = 0; i < 6; i++)
            out->bytes[i] = (unsigned char)(ms >> (40 - 8 * i));
    }
    out->bytes[6] = (unsigned char)(0x70 | ((ctx->id_counter >> 8) & 0x0F));
    out->bytes[7] = (unsigned char)(ctx->id_counter & 0xFF);
    out->bytes[8] = (unsigned char)(0x80 | (out->bytes[8] & 0x3F));
    return CPOL_OK;
}

static int hex_value(char c)
{
    if (c >= '0' && c <= '9')
        return c - '0';
    if (c >= 'a' && c <= 'f')
        return c - 'a' + 10;
    if (c >= 'A' && c <= 'F')
        return c - 'A' + 10;
    return -1;
}

int cpol_id_parse(cpol_id *out, const char *text)
{
    cpol_id id;
    size_t pos = 0, n = 0;
    if (!out)
        return cpol__null_arg("cpol_id_parse", "out");
    if (!text)
        return cpol__null_arg("cpol_id_parse", "text");
    for (pos = 0; pos < 36; pos++) {
        char c = text[pos];
        if (pos == 8 || pos == 13 || pos == 18 || pos == 23) {
            if (c != '-')
                return cpol__error(CPOL_EINVALID, "cpol_id_parse: expected '-' at position %zu of \"%.40s\"", pos,
                                   text);
            continue;
        }
        if (c == '\0')
            return cpol__error(CPOL_EINVALID, "cpol_id_parse: id is %zu characters, expected 36", pos);
        if (hex_value(c) < 0)
            return cpol__error(CPOL_EINVALID, "cpol_id_parse: character at position %zu is not a hex digit", pos);
        if (n % 2 == 0)
            id.bytes[n / 2] = (unsigned char)(hex_value(c) << 4);
        else
            id.bytes[n / 2] |= (unsigned char)hex_value(c);
        n++;
    }
    if (text[36] != '\0')
        return cpol__error(CPOL_EINVALID, "cpol_id_parse: id is longer than 36 characters");
    *out = id;
    return CPOL_OK;
}

int cpol_id_format(const cpol_id *id, char *buf, size_t size)
{
    static const char digits[] = "0123456789abcdef";
    size_t i, o = 0;
    if (!id)
        return cpol__null_arg("cpol_id_format", "id");
    if (!buf)
        return cpol__null_arg("cpol_id_format", "buf");
    if (size < CPOL_ID_STRING_SIZE)
        return cpol__error(CPOL_ETOOLONG, "cpol_id_format: buffer of %zu bytes is smaller than %d", size,
                           CPOL_ID_STRING_SIZE);
    for (i = 0; i < 16; i++) {
        if (i == 4 || i == 6 || i == 8 || i == 10)
            buf[o++] = '-';
        buf[o++] = digits[id->bytes[i] >> 4];
        buf[o++] = digits[id->bytes[i] & 0x0F];
    }
    buf[o] = '\0';
    return CPOL_OK;
}

int cpol_id_compare(const cpol_id *a, const cpol_id *b)
{
    if (!a || !b)
        return (a != NULL) - (b != NULL);
    return memcmp(a->bytes, b->bytes, 16);
}

int cpol_id_is_nil(const cpol_id *id)
{
    static const cpol_id nil;
    return !id || memcmp(id->bytes, nil.bytes, 16) == 0;
}

cpol_time cpol_id_time(const cpol_id *id)
{
    uint64_t ms = 0;
    int i;
    if (!id || (id->bytes[6] >> 4) != 7 || (id->bytes[8] & 0xC0) != 0x80)
        return -1;
    for (i = 0; i < 6; i++)
        ms = (ms << 8) | id->bytes[i];
    return (cpol_time)ms;
}
