/* A small station world for public-API domain tests: one bureau, one
 * station, a community and a compound, the system actor, and helpers that
 * register people and give them roles. Uses only the public API. */
#ifndef CPOL_TEST_FIXTURE_H
#define CPOL_TEST_FIXTURE_H

#include <commpolice/commpolice.h>

#include "test_util.h"

typedef struct fx_world {
    const char *dir;      /* temporary directory (sqlite backend) */
    char uri[512];
    cpol_time now;        /* the injected clock; tests may move it */
    cpol_ctx *ctx;
    cpol_actor *sys;
    cpol_id bureau, station, community, compound;
} fx_world;

/* Open backend 0 (memory) or 1 (sqlite file) with the injected clock set to
 * 2025-06-23 10:00 China time, and build the area tree. */
void fx_open(fx_world *w, int backend);
void fx_close(fx_world *w);
/* Reopen the same storage (sqlite only), e.g. after another process wrote. */

/* A valid GB 11643 number for 17 digits (rotating static buffers). */
const char *fx_id_card(const char *first17);
/* A unique valid ID-card number for the n-th test person. */
const char *fx_nth_id_card(int n);
/* Register a person living in the compound. */
cpol_id fx_person(fx_world *w, const char *name, int n);
/* Register a person with a staff role at the station and open an actor. */
cpol_actor *fx_staff(fx_world *w, const char *name, int n, int role, cpol_id *person_out);
/* Register a person and take a volunteer role through the whole admission
 * (apply, review, admit, activate) as the system actor. */
cpol_id fx_volunteer(fx_world *w, const char *name, int n, int role);

/* The system actor for calls that need an actor but test no permission
 * (settings used as a storage probe). It carries no context, so one handle,
 * made once and kept, serves every context; NULL for a NULL ctx. */
const cpol_actor *fx_sys(cpol_ctx *ctx);

/* ck_assert that the last error message mentions `needle`. */
void fx_expect_message(const char *needle);
/* The number of audit entries in the whole trail (read as the system actor). */
int64_t fx_audit_count(fx_world *w);

/* ck_assert a call returns `code`, printing the library's message if not. */
#define FX_EXPECT(code, call)                                                                          \
    do {                                                                                               \
        int fx_rc_ = (call);                                                                           \
        ck_assert_msg(fx_rc_ == (code), "%s -> %s (%s), expected %s", #call, cpol_status_name(fx_rc_), \
                      cpol_error_message(), cpol_status_name(code));                                   \
    } while (0)
#define FX_OK(call) FX_EXPECT(CPOL_OK, call)

#endif
