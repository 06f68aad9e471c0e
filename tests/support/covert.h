/* Leak checks for the covert-person tests: what would name a covert person
 * (an informant's name, person id and the ids of their rows), and
 * assertions that a value handed to a reader contains none of it, or that a
 * refusal reads exactly as for an id that names nothing. Header-only, for
 * the public-API tests. */
#ifndef CPOL_TEST_COVERT_H
#define CPOL_TEST_COVERT_H

#include <check.h>
#include <stdio.h>
#include <string.h>

#include <commpolice/commpolice.h>

#define CV_SECRETS_MAX 16

typedef struct cv_secret {
    const char *name;             /* the covert person's name */
    cpol_id ids[CV_SECRETS_MAX];  /* their person id and the ids of rows about them */
    size_t n;
} cv_secret;

static inline void cv_add(cv_secret *s, const cpol_id *id)
{
    ck_assert(s->n < CV_SECRETS_MAX);
    s->ids[s->n++] = *id;
}

/* An id handed to a reader is none of the secret ones (NULL is fine). */
static inline void cv_id(const cv_secret *s, const cpol_id *id, const char *where)
{
    size_t i;
    for (i = 0; id && i < s->n; i++)
        ck_assert_msg(cpol_id_compare(id, &s->ids[i]) != 0, "%s hands out a covert id", where);
}

/* A text handed to a reader holds neither the name nor any secret id. */
static inline void cv_text(const cv_secret *s, const char *text, const char *where)
{
    char id[CPOL_ID_STRING_SIZE];
    size_t i;
    ck_assert_msg(!text || !s->name || !strstr(text, s->name), "%s shows the covert name: %s", where, text);
    for (i = 0; text && i < s->n; i++) {
        cpol_id_format(&s->ids[i], id, sizeof id);
        ck_assert_msg(!strstr(text, id), "%s shows a covert id: %s", where, text);
    }
}

/* rc and the message are exactly those for an unknown id: "<what> <id> does not exist". */
static inline void cv_not_found(int rc, const char *what, const cpol_id *id, const char *where)
{
    char text[CPOL_ID_STRING_SIZE], expect[96];
    cpol_id_format(id, text, sizeof text);
    snprintf(expect, sizeof expect, "%s %s does not exist", what, text);
    ck_assert_msg(rc == CPOL_ENOTFOUND && strcmp(cpol_error_message(), expect) == 0,
                  "%s -> %s (%s), expected CPOL_ENOTFOUND \"%s\"", where, cpol_status_name(rc),
                  cpol_error_message(), expect);
}

#endif
