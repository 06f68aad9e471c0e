/* ID-card and phone numbers: validation and masking (see sensitive.h). */
#define _POSIX_C_SOURCE 200809L
#include <string.h>
#include <time.h>

#include <commpolice/person.h>

#include "util/error.h"
#include "domain/base/sensitive.h"

/* Province-level codes in use (GB/T 2260). */
static int province_exists(int code)
{
    static const int codes[] = {11, 12, 13, 14, 15, 21, 22, 23, 31, 32, 33, 34, 35, 36, 37, 41, 42,
                                43, 44, 45, 46, 50, 51, 52, 53, 54, 61, 62, 63, 64, 65, 71, 81, 82};
    size_t i;
    for (i = 0; i < sizeof codes / sizeof codes[0]; i++)
        if (codes[i] == code)
            return 1;
    return 0;
}

static int days_in_month(int y, int m)
{
    static const int days[] = {31, 28, 31, 30, 31, 30, 31, 31, 30, 31, 30, 31};
    int leap = (y % 4 == 0 && y % 100 != 0) || y % 400 == 0;
    return m == 2 && leap ? 29 : days[m - 1];
}

static int32_t today_yyyymmdd(cpol_time now)
{
    time_t t = (time_t)(now / 1000);
    struct tm tm;
    if (!gmtime_r(&t, &tm))
        return 99991231;
    return (tm.tm_year + 1900) * 10000 + (tm.tm_mon + 1) * 100 + tm.tm_mday;
}

int cpol__id_card_validate(const char *func, const char *s, cpol_time now, char norm[19], int32_t *birth_out)
{
    static const int weights[17] = {7, 9, 10, 5, 8, 4, 2, 1, 6, 3, 7, 9, 10, 5, 8, 4, 2};
    static const char check_chars[] = "10X98765432";
    size_t len, i;
    int sum = 0, y, m, d;
    char last;
    if (!s)
        return cpol__null_arg(func, "id_card");
    len = strnlen(s, CPOL__ID_CARD_LEN + 1);
    if (len != CPOL__ID_CARD_LEN)
        return cpol__error(CPOL_EINVALID, "%s: an ID-card number has 18 characters, this one has %s%zu", func,
                           len > CPOL__ID_CARD_LEN ? "more than " : "", len > CPOL__ID_CARD_LEN ? (size_t)18 : len);
    for (i = 0; i < 17; i++) {
        if (s[i] < '0' || s[i] > '9')
            return cpol__error(CPOL_EINVALID, "%s: ID-card character %zu is not a digit", func, i + 1);
        sum += (s[i] - '0') * weights[i];
    }
    last = s[17] == 'x' ? 'X' : s[17];
    if (!((last >= '0' && last <= '9') || last == 'X'))
        return cpol__error(CPOL_EINVALID, "%s: the ID-card check character must be a digit or X", func);
    if (!province_exists((s[0] - '0') * 10 + (s[1] - '0')))
        return cpol__error(CPOL_EINVALID, "%s: ID-card region code %.2s is not a province", func, s);
    y = (s[6] - '0') * 1000 + (s[7] - '0') * 100 + (s[8] - '0') * 10 + (s[9] - '0');
    m = (s[10] - '0') * 10 + (s[11] - '0');
    d = (s[12] - '0') * 10 + (s[13] - '0');
    if (y < 1900 || m < 1 || m > 12 || d < 1 || d > days_in_month(y, m))
        return cpol__error(CPOL_EINVALID, "%s: ID-card birth date %.8s is not a real date", func, s + 6);
    if (y * 10000 + m * 100 + d > today_yyyymmdd(now))
        return cpol__error(CPOL_EINVALID, "%s: ID-card birth date %.8s is in the future", func, s + 6);
    if (check_chars[sum % 11] != last)
        return cpol__error(CPOL_EINVALID, "%s: ID-card check character is %c, the number needs %c", func, last,
                           check_chars[sum % 11]);
    memcpy(norm, s, 17);
    norm[17] = last;
    norm[18] = '\0';
    if (birth_out)
        *birth_out = y * 10000 + m * 100 + d;
    return CPOL_OK;
}

/* Digits 7 to 14 are the birth date and 4 to 6 the county: showing either
 * (or returning the birth date beside the mask) lets a reader rebuild the
 * number, the check character narrowing the rest. Keep the first three
 * and the last four only. */
void cpol__id_card_mask(const char *full, char out[19])
{
    size_t len = strlen(full), i;
    for (i = 0; i < len && i < 18; i++)
        out[i] = (i < 3 || i + 4 >= len) ? full[i] : '*';
    out[i] = '\0';
}

int cpol__phone_validate(const char *func, const char *s, size_t *len_out)
{
    size_t len = strnlen(s, CPOL__PHONE_MAX + 1), i, dash = 0;
    if (len > CPOL__PHONE_MAX)
        return cpol__error(CPOL_ETOOLONG, "%s: phone number is longer than %d characters", func, CPOL__PHONE_MAX);
    for (i = 0; i < len; i++) {
        if (s[i] == '-' && i > 0 && !dash)
            dash = i;
        else if (s[i] < '0' || s[i] > '9')
            return cpol__error(CPOL_EINVALID, "%s: phone number may hold only digits and one '-'", func);
    }
    if (len == 11 && !dash && s[0] == '1' && s[1] >= '3' && s[1] <= '9') {
        *len_out = len;
        return CPOL_OK;
    }
    if (s[0] == '0' && dash >= 3 && dash <= 4 && len - dash - 1 >= 7 && len - dash - 1 <= 8) {
        *len_out = len;
        return CPOL_OK;
    }
    return cpol__error(CPOL_EINVALID,
                       "%s: \"%s\" is neither a mobile number (11 digits from 13x to 19x) nor a landline "
                       "(area code, '-', 7 or 8 digits)",
                       func, s);
}

void cpol__phone_mask(const char *full, char out[CPOL__PHONE_MAX + 1])
{
    size_t len = strlen(full), i;
    for (i = 0; i < len && i < CPOL__PHONE_MAX; i++)
        out[i] = (len < 8 || i < 3 || i >= len - 4) ? full[i] : '*';
    out[i] = '\0';
}

int cpol_id_card_check(const char *id_card)
{
    char norm[19];
    struct timespec ts;
    timespec_get(&ts, TIME_UTC);
    return cpol__id_card_validate("cpol_id_card_check", id_card, (cpol_time)ts.tv_sec * 1000, norm, NULL);
}
