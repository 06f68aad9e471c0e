/* Sensitive personal data in one place: ID-card numbers and phone numbers
 * are validated, normalised and masked only here, so masking (and, later,
 * encryption at rest) is applied the same way everywhere. */
#ifndef CPOL_DOMAIN_SENSITIVE_H
#define CPOL_DOMAIN_SENSITIVE_H

#include <commpolice/common.h>

#define CPOL__ID_CARD_LEN 18
#define CPOL__PHONE_MAX 20

/* Validate a GB 11643 number against `now`; writes the normalised form
 * (upper-case X) to norm (19 bytes) and the birth date YYYYMMDD. */
int cpol__id_card_validate(const char *func, const char *s, cpol_time now, char norm[19], int32_t *birth_out);
/* "350***********1234": first 3 and last 4 kept (see sensitive.c for why). */
void cpol__id_card_mask(const char *full, char out[19]);
/* Validate a phone number: mobile 1[3-9] + 9 digits, or landline 0 + area code '-' number. */
int cpol__phone_validate(const char *func, const char *s, size_t *len_out);
/* "138****5678": first 3 and last 4 kept. */
void cpol__phone_mask(const char *full, char out[CPOL__PHONE_MAX + 1]);

#endif
