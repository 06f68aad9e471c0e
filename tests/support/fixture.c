#define _POSIX_C_SOURCE 200809L
#include <check.h>
#include <stdio.h>
#include <string.h>

#include "fixture.h"
#include "test_util.h"

static cpol_time fixture_clock(void *payload)
{
    return *(cpol_time *)payload;
}

void fx_open(fx_world *w, int backend)
{
    cpol_open_options o = CPOL_OPEN_OPTIONS_INIT;
    memset(w, 0, sizeof *w);
    w->dir = tu_tmpdir();
    w->now = 1750644000000LL; /* 2025-06-23 10:00 +08:00 */
    if (backend == 0)
        snprintf(w->uri, sizeof w->uri, "memory:");
    else
        tu_store_uri(w->uri, sizeof w->uri, w->dir, "station.db"); /* sqlite, or postgresql (tests/postgres/) */
    o.clock = fixture_clock;
    o.clock_payload = &w->now;
    FX_OK(cpol_ctx_open(&w->ctx, w->uri, tu_keyed(&o)));
    FX_OK(cpol_actor_system(w->ctx, &w->sys));
    FX_OK(cpol_area_create(w->ctx, w->sys, NULL, CPOL_AREA_BUREAU, "临翔分局", &w->bureau));
    FX_OK(cpol_area_create(w->ctx, w->sys, &w->bureau, CPOL_AREA_STATION, "忙畔派出所", &w->station));
    FX_OK(cpol_area_create(w->ctx, w->sys, &w->station, CPOL_AREA_COMMUNITY, "玉龙社区", &w->community));
    FX_OK(cpol_area_create(w->ctx, w->sys, &w->community, CPOL_AREA_COMPOUND, "玉龙小区", &w->compound));
}

void fx_close(fx_world *w)
{
    cpol_actor_free(w->sys);
    ck_assert_int_eq(cpol_ctx_close(w->ctx), CPOL_OK);
    tu_rmtree(w->dir);
}

const char *fx_id_card(const char *first17)
{
    static char buf[8][19];
    static int next;
    return tu_id_card(first17, buf[next++ % 8]);
}

const char *fx_nth_id_card(int n)
{
    char first17[32];
    unsigned int u = (unsigned int)n;
    /* region 530902 (Linxiang), a birth date in 1970 and a sequence number */
    snprintf(first17, sizeof first17, "5309021970%02u%02u%03u", u / 28 % 12 + 1, u % 28 + 1, u % 1000);
    return fx_id_card(first17);
}

cpol_id fx_person(fx_world *w, const char *name, int n)
{
    cpol_person_fields f = CPOL_PERSON_FIELDS_INIT;
    cpol_id id;
    f.name = name;
    f.id_card = fx_nth_id_card(n);
    f.home_area = &w->compound;
    f.phone = "13812345678";
    FX_OK(cpol_person_register(w->ctx, w->sys, &f, &id));
    return id;
}

cpol_actor *fx_staff(fx_world *w, const char *name, int n, int role, cpol_id *person_out)
{
    cpol_id p = fx_person(w, name, n);
    cpol_actor *a;
    FX_OK(cpol_role_appoint(w->ctx, w->sys, &p, role, &w->station, NULL, NULL));
    FX_OK(cpol_actor_open(w->ctx, &p, role, &a));
    if (person_out)
        *person_out = p;
    return a;
}

cpol_id fx_volunteer(fx_world *w, const char *name, int n, int role)
{
    cpol_id p = fx_person(w, name, n), a;
    FX_OK(cpol_volunteer_apply(w->ctx, w->sys, &p, role, &w->community, NULL, &a));
    FX_OK(cpol_assignment_step(w->ctx, w->sys, &a, CPOL_ASSIGNMENT_UNDER_REVIEW, NULL));
    FX_OK(cpol_assignment_step(w->ctx, w->sys, &a, CPOL_ASSIGNMENT_ADMITTED, NULL));
    FX_OK(cpol_assignment_step(w->ctx, w->sys, &a, CPOL_ASSIGNMENT_ACTIVE, NULL));
    return p;
}

void fx_expect_message(const char *needle)
{
    ck_assert_msg(strstr(cpol_error_message(), needle) != NULL, "message \"%s\" should mention \"%s\"",
                  cpol_error_message(), needle);
}

int64_t fx_audit_count(fx_world *w)
{
    cpol_audit_iter *it;
    const cpol_audit_entry *e;
    int64_t n = 0;
    FX_OK(cpol_audit_iter_new(w->ctx, w->sys, NULL, &it));
    while (cpol_audit_iter_next(it, &e) == CPOL_OK)
        n++;
    cpol_audit_iter_free(it);
    return n;
}

const cpol_actor *fx_sys(cpol_ctx *ctx)
{
    static cpol_actor *sys;
    if (!ctx)
        return NULL;
    if (!sys)
        FX_OK(cpol_actor_system(ctx, &sys));
    return sys;
}
