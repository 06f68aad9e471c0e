/* Public API: patrols and activities on both backends: shift capacity,
 * self sign-up and sign-up by a manager, the sign-up steps (each invalid
 * step naming the allowed ones), no self-certification, completion minutes
 * from the injected clock, closing a publicity session with its audience,
 * hours per person, listing, bad input, the audit trail, and that every
 * refusal leaves storage as it was. */
#define _POSIX_C_SOURCE 200809L
#include <check.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <commpolice/commpolice.h>

#include "covert.h"
#include "fixture.h"

#define MINUTE 60000LL
#define HOUR (60 * MINUTE)
#define DAY (24 * HOUR)

static fx_world w;
static cpol_actor *officer, *aux, *vol1;
static cpol_id officer_id, aux_id, v1, v2, v3, v4;

static void setup(int backend)
{
    fx_open(&w, backend);
    officer = fx_staff(&w, "张警官", 1, CPOL_ROLE_OFFICER, &officer_id);
    aux = fx_staff(&w, "李辅警", 2, CPOL_ROLE_AUXILIARY, &aux_id);
    v1 = fx_volunteer(&w, "王义警", 3, CPOL_ROLE_VOLUNTEER);
    v2 = fx_volunteer(&w, "赵义警", 4, CPOL_ROLE_VOLUNTEER);
    v3 = fx_volunteer(&w, "钱楼栋长", 5, CPOL_ROLE_BUILDING_HEAD); /* informants: see the covert test */
    v4 = fx_volunteer(&w, "孙保安", 6, CPOL_ROLE_PROPERTY_GUARD);
    FX_OK(cpol_actor_open(w.ctx, &v1, CPOL_ROLE_VOLUNTEER, &vol1));
}

static void teardown(void)
{
    cpol_actor_free(officer);
    cpol_actor_free(aux);
    cpol_actor_free(vol1);
    fx_close(&w);
}

/* A shift at the compound starting `from_now` from now, lasting `minutes`. */
static cpol_id shift_at(const cpol_id *area, int kind, cpol_time from_now, int minutes, int capacity)
{
    cpol_shift_fields f = CPOL_SHIFT_FIELDS_INIT;
    cpol_id id;
    f.area = area;
    f.kind = kind;
    f.title = kind == CPOL_SHIFT_PUBLICITY ? "反诈宣传进小区" : "夜间巡逻";
    f.starts_at = w.now + from_now;
    f.ends_at = f.starts_at + minutes * MINUTE;
    f.capacity = capacity;
    FX_OK(cpol_shift_create(w.ctx, aux, &f, &id));
    return id;
}

static cpol_id signup(const cpol_id *shift, const cpol_id *person)
{
    cpol_id id;
    FX_OK(cpol_shift_signup(w.ctx, aux, shift, person, &id));
    return id;
}

static int signup_status(const cpol_id *signup_id)
{
    cpol_signup *s;
    int status;
    FX_OK(cpol_signup_get(w.ctx, w.sys, signup_id, &s));
    status = cpol_signup_status(s);
    cpol_signup_free(s);
    return status;
}

static int64_t places_taken(const cpol_id *shift)
{
    cpol_shift *s;
    int64_t n;
    FX_OK(cpol_shift_get(w.ctx, w.sys, shift, &s));
    n = cpol_shift_signed_up(s);
    cpol_shift_free(s);
    return n;
}

static int64_t minutes_of(const cpol_id *person, int kind)
{
    int64_t m;
    FX_OK(cpol_activity_minutes(w.ctx, w.sys, person, kind, 0, 0, &m));
    return m;
}

START_TEST(capacity_and_who_signs_up)
{
    cpol_id shift, s1, s3, unknown, nobody;
    int64_t before;
    setup(_i);
    shift = shift_at(&w.compound, CPOL_SHIFT_PATROL, HOUR, 120, 3);
    nobody = fx_person(&w, "普通居民", 7);
    FX_OK(cpol_id_new(w.ctx, &unknown));
    FX_OK(cpol_shift_signup(w.ctx, vol1, &shift, &v1, &s1)); /* oneself: activity.join */
    before = fx_audit_count(&w);
    FX_EXPECT(CPOL_EPERM, cpol_shift_signup(w.ctx, vol1, &shift, &v2, NULL));
    fx_expect_message("activity.manage");
    ck_assert_int_eq(fx_audit_count(&w), before);
    signup(&shift, &v2);
    s3 = signup(&shift, &v3);
    ck_assert_int_eq(places_taken(&shift), 3);

    before = fx_audit_count(&w);
    FX_EXPECT(CPOL_ELIMIT, cpol_shift_signup(w.ctx, aux, &shift, &v4, NULL));
    fx_expect_message("every place is taken");
    FX_EXPECT(CPOL_EEXISTS, cpol_shift_signup(w.ctx, vol1, &shift, &v1, NULL));
    FX_EXPECT(CPOL_ERULE, cpol_shift_signup(w.ctx, aux, &shift, &nobody, NULL));
    fx_expect_message("no active role");
    FX_EXPECT(CPOL_ENOTFOUND, cpol_shift_signup(w.ctx, aux, &shift, &unknown, NULL));
    FX_EXPECT(CPOL_ENOTFOUND, cpol_shift_signup(w.ctx, aux, &unknown, &v4, NULL));
    FX_EXPECT(CPOL_EPERM, cpol_signup_cancel(w.ctx, vol1, &s3, NULL));
    fx_expect_message("activity.manage");
    ck_assert_int_eq(fx_audit_count(&w), before);
    ck_assert_int_eq(places_taken(&shift), 3);
    ck_assert_int_eq(signup_status(&s3), CPOL_SIGNUP_SIGNED_UP);

    /* cancelling frees the place; a cancelled sign-up takes no more steps */
    FX_OK(cpol_signup_cancel(w.ctx, vol1, &s1, "家中有事"));
    ck_assert_int_eq(places_taken(&shift), 2);
    signup(&shift, &v4);
    FX_EXPECT(CPOL_ESTATE, cpol_signup_cancel(w.ctx, vol1, &s1, NULL));
    fx_expect_message("allowed: none (final state)");
    FX_EXPECT(CPOL_ELIMIT, cpol_shift_signup(w.ctx, vol1, &shift, &v1, NULL));
    FX_OK(cpol_signup_cancel(w.ctx, aux, &s3, NULL)); /* a manager cancels for someone */
    FX_OK(cpol_shift_signup(w.ctx, vol1, &shift, &v1, NULL)); /* again, after cancelling */
    ck_assert_int_eq(signup_status(&s1), CPOL_SIGNUP_CANCELLED);

    /* a shift that has ended takes no sign-ups */
    w.now += 4 * HOUR;
    FX_EXPECT(CPOL_ESTATE, cpol_shift_signup(w.ctx, aux, &shift, &v3, NULL));
    fx_expect_message("ended");
    teardown();
}
END_TEST

START_TEST(steps_records_and_minutes)
{
    cpol_id shift, s1, s2, s3, sa;
    cpol_signup *s;
    cpol_time start;
    int64_t before;
    setup(_i);
    shift = shift_at(&w.compound, CPOL_SHIFT_PATROL, HOUR, 120, 5);
    start = w.now + HOUR;
    FX_OK(cpol_shift_signup(w.ctx, vol1, &shift, &v1, &s1));
    s2 = signup(&shift, &v2);
    s3 = signup(&shift, &v3);
    FX_OK(cpol_shift_signup(w.ctx, aux, &shift, &aux_id, &sa)); /* the auxiliary joins too */

    before = fx_audit_count(&w);
    FX_EXPECT(CPOL_ESTATE, cpol_signup_no_show(w.ctx, aux, &s2));
    fx_expect_message("once the shift has started");
    FX_EXPECT(CPOL_ESTATE, cpol_signup_complete(w.ctx, aux, &s1, -1));
    fx_expect_message("allowed: checked in, no-show, cancelled");
    FX_EXPECT(CPOL_EPERM, cpol_signup_check_in(w.ctx, vol1, &s1));
    fx_expect_message("activity.record");
    FX_EXPECT(CPOL_ERULE, cpol_signup_check_in(w.ctx, aux, &sa));
    fx_expect_message("own");
    ck_assert_int_eq(fx_audit_count(&w), before);
    ck_assert_int_eq(signup_status(&s1), CPOL_SIGNUP_SIGNED_UP);
    ck_assert_int_eq(signup_status(&s2), CPOL_SIGNUP_SIGNED_UP);

    /* 30 minutes early: checking in is fine, completing is not yet */
    w.now = start - 30 * MINUTE;
    FX_OK(cpol_signup_check_in(w.ctx, aux, &s1));
    FX_OK(cpol_signup_check_in(w.ctx, officer, &sa));
    FX_EXPECT(CPOL_ESTATE, cpol_signup_complete(w.ctx, aux, &s1, -1));
    fx_expect_message("once the shift has started");
    FX_EXPECT(CPOL_ESTATE, cpol_signup_check_in(w.ctx, aux, &s1));
    fx_expect_message("allowed: completed");

    /* 90 minutes in: the time credited runs from the start, not the early check-in */
    w.now = start + 90 * MINUTE;
    FX_EXPECT(CPOL_ESTATE, cpol_signup_cancel(w.ctx, aux, &s3, NULL));
    fx_expect_message("before the shift starts");
    FX_EXPECT(CPOL_ERULE, cpol_signup_complete(w.ctx, aux, &sa, -1));
    fx_expect_message("own");
    FX_EXPECT(CPOL_ERULE, cpol_signup_complete(w.ctx, officer, &sa, 121));
    fx_expect_message("120 minutes");
    ck_assert_int_eq(signup_status(&sa), CPOL_SIGNUP_CHECKED_IN);
    FX_OK(cpol_signup_complete(w.ctx, aux, &s1, -1));
    FX_OK(cpol_signup_complete(w.ctx, officer, &sa, 100));
    FX_OK(cpol_signup_no_show(w.ctx, aux, &s2));
    FX_OK(cpol_signup_get(w.ctx, w.sys, &s1, &s));
    ck_assert_int_eq(cpol_signup_status(s), CPOL_SIGNUP_COMPLETED);
    ck_assert_int_eq(cpol_signup_minutes(s), 90);
    ck_assert_int_eq(cpol_signup_checked_in_at(s), start - 30 * MINUTE);
    ck_assert_int_eq(cpol_signup_completed_at(s), w.now);
    ck_assert_int_eq(cpol_signup_signed_up_at(s), start - HOUR);
    ck_assert(cpol_id_compare(cpol_signup_person(s), &v1) == 0);
    ck_assert(cpol_id_compare(cpol_signup_shift(s), &shift) == 0);
    ck_assert(cpol_id_compare(cpol_signup_id(s), &s1) == 0);
    cpol_signup_free(s);

    /* checked in late, completed after the end: up to the end only */
    w.now = start + 100 * MINUTE;
    FX_OK(cpol_signup_check_in(w.ctx, aux, &s3));
    w.now = start + 5 * HOUR;
    FX_OK(cpol_signup_complete(w.ctx, aux, &s3, -1));
    ck_assert_int_eq(minutes_of(&v3, 0), 20);

    /* final states allow nothing; each refusal names the state */
    FX_EXPECT(CPOL_ESTATE, cpol_signup_no_show(w.ctx, aux, &s1));
    fx_expect_message("completed");
    fx_expect_message("allowed: none (final state)");
    FX_EXPECT(CPOL_ESTATE, cpol_signup_check_in(w.ctx, aux, &s2));
    fx_expect_message("no-show");
    ck_assert_int_eq(minutes_of(&v1, 0), 90);
    ck_assert_int_eq(minutes_of(&aux_id, CPOL_SHIFT_PATROL), 100);
    ck_assert_int_eq(minutes_of(&v2, 0), 0);

    /* the audit trail of one sign-up, step by step, with who took each */
    {
        static const char *const actions[] = {"signup.create", "signup.check_in", "signup.complete"};
        cpol_audit_filter f = CPOL_AUDIT_FILTER_INIT;
        cpol_audit_iter *it;
        const cpol_audit_entry *e;
        int i;
        f.object = &s1;
        FX_OK(cpol_audit_iter_new(w.ctx, w.sys, &f, &it));
        for (i = 0; i < 3; i++) {
            FX_OK(cpol_audit_iter_next(it, &e));
            ck_assert_str_eq(cpol_audit_entry_object_kind(e), "signup");
            ck_assert_str_eq(cpol_audit_entry_action(e), actions[i]);
            ck_assert(cpol_id_compare(cpol_audit_entry_actor(e), i == 0 ? &v1 : &aux_id) == 0);
        }
        ck_assert_str_eq(cpol_audit_entry_after(e), "completed, 90 minutes");
        ck_assert_int_eq(cpol_audit_iter_next(it, &e), CPOL_DONE);
        cpol_audit_iter_free(it);
    }
    teardown();
}
END_TEST

START_TEST(publicity_close_and_hours)
{
    cpol_id talk, patrol, s1, s2, p1;
    cpol_shift *sh;
    cpol_time start;
    int64_t before, m;
    setup(_i);
    talk = shift_at(&w.community, CPOL_SHIFT_PUBLICITY, HOUR, 180, 10);
    patrol = shift_at(&w.compound, CPOL_SHIFT_PATROL, DAY, 60, 4);
    start = w.now + HOUR;
    s1 = signup(&talk, &v1);
    s2 = signup(&talk, &v2);
    p1 = signup(&patrol, &v1);
    FX_OK(cpol_signup_check_in(w.ctx, aux, &s1));

    before = fx_audit_count(&w);
    FX_EXPECT(CPOL_ESTATE, cpol_shift_close(w.ctx, aux, &talk, 50));
    fx_expect_message("once the shift has started");
    w.now = start + 2 * HOUR;
    FX_EXPECT(CPOL_ERULE, cpol_shift_close(w.ctx, aux, &talk, 0));
    fx_expect_message("publicity");
    FX_EXPECT(CPOL_EPERM, cpol_shift_close(w.ctx, vol1, &talk, 50));
    fx_expect_message("activity.record");
    FX_EXPECT(CPOL_EINVALID, cpol_shift_close(w.ctx, aux, &talk, -1));
    ck_assert_int_eq(fx_audit_count(&w), before);
    ck_assert_int_eq(signup_status(&s2), CPOL_SIGNUP_SIGNED_UP);

    FX_OK(cpol_shift_close(w.ctx, aux, &talk, 120));
    ck_assert_int_eq(fx_audit_count(&w), before + 2); /* the close and one no-show */
    ck_assert_int_eq(signup_status(&s2), CPOL_SIGNUP_NO_SHOW);
    ck_assert_int_eq(signup_status(&s1), CPOL_SIGNUP_CHECKED_IN);
    FX_OK(cpol_shift_get(w.ctx, w.sys, &talk, &sh));
    ck_assert_int_eq(cpol_shift_status(sh), CPOL_SHIFT_CLOSED);
    ck_assert_int_eq(cpol_shift_audience(sh), 120);
    ck_assert_int_eq(cpol_shift_closed_at(sh), w.now);
    ck_assert_int_eq(cpol_shift_signed_up(sh), 1);
    ck_assert_int_eq(cpol_shift_kind(sh), CPOL_SHIFT_PUBLICITY);
    ck_assert_str_eq(cpol_shift_title(sh), "反诈宣传进小区");
    ck_assert_int_eq(cpol_shift_starts_at(sh), start);
    ck_assert_int_eq(cpol_shift_ends_at(sh), start + 3 * HOUR);
    ck_assert_int_eq(cpol_shift_capacity(sh), 10);
    ck_assert(cpol_id_compare(cpol_shift_area(sh), &w.community) == 0);
    ck_assert(cpol_id_compare(cpol_shift_station(sh), &w.station) == 0);
    ck_assert_ptr_null(cpol_shift_team(sh));
    cpol_shift_free(sh);
    FX_EXPECT(CPOL_ESTATE, cpol_shift_close(w.ctx, aux, &talk, 120));
    fx_expect_message("already closed");
    FX_EXPECT(CPOL_ESTATE, cpol_shift_signup(w.ctx, aux, &talk, &v3, NULL));
    fx_expect_message("closed");

    /* the checked-in speaker is still completed after the close */
    FX_OK(cpol_signup_complete(w.ctx, aux, &s1, -1));
    w.now = start + DAY;
    FX_OK(cpol_signup_check_in(w.ctx, aux, &p1));
    w.now += HOUR;
    FX_OK(cpol_signup_complete(w.ctx, aux, &p1, 45));
    ck_assert_int_eq(minutes_of(&v1, 0), 165);
    ck_assert_int_eq(minutes_of(&v1, CPOL_SHIFT_PUBLICITY), 120);
    ck_assert_int_eq(minutes_of(&v1, CPOL_SHIFT_PATROL), 45);
    ck_assert_int_eq(minutes_of(&v1, CPOL_SHIFT_OTHER), 0);
    FX_OK(cpol_activity_minutes(w.ctx, w.sys, &v1, 0, start + HOUR, 0, &m));
    ck_assert_int_eq(m, 45);
    FX_OK(cpol_activity_minutes(w.ctx, w.sys, &v1, 0, start, start + 1, &m));
    ck_assert_int_eq(m, 120);
    teardown();
}
END_TEST

START_TEST(listing_shifts_and_signups)
{
    cpol_shift_filter f = CPOL_SHIFT_FILTER_INIT;
    cpol_signup_filter sf = CPOL_SIGNUP_FILTER_INIT;
    cpol_team_fields tf = CPOL_TEAM_FIELDS_INIT;
    cpol_shift_fields fields = CPOL_SHIFT_FIELDS_INIT;
    cpol_shift_iter *it;
    cpol_signup_iter *sit;
    const cpol_shift *s;
    const cpol_signup *su;
    cpol_id a, b, c, team, other_community, shifts[3];
    int n;
    setup(_i);
    FX_OK(cpol_area_create(w.ctx, w.sys, &w.station, CPOL_AREA_COMMUNITY, "锦凤社区", &other_community));
    c = shift_at(&w.compound, CPOL_SHIFT_PATROL, 3 * DAY, 60, 2);
    a = shift_at(&w.compound, CPOL_SHIFT_PATROL, DAY, 60, 2);
    b = shift_at(&other_community, CPOL_SHIFT_PUBLICITY, 2 * DAY, 60, 2);
    tf.name = "玉龙义警";
    tf.kind = CPOL_TEAM_VOLUNTEER_POLICE;
    tf.area = &w.community;
    tf.officer = &officer_id;
    FX_OK(cpol_team_create(w.ctx, officer, &tf, &team));
    fields.team = &team;
    fields.area = &w.compound;
    fields.kind = CPOL_SHIFT_OTHER;
    fields.title = "消防通道排查";
    fields.starts_at = w.now + 4 * DAY;
    fields.ends_at = fields.starts_at + HOUR;
    fields.capacity = 1;
    FX_OK(cpol_shift_create(w.ctx, officer, &fields, &shifts[2]));

    /* by start time, whatever the creation order */
    shifts[0] = a;
    shifts[1] = b;
    FX_OK(cpol_shift_iter_new(w.ctx, w.sys, NULL, &it));
    for (n = 0; cpol_shift_iter_next(it, &s) == CPOL_OK; n++)
        ck_assert(cpol_id_compare(cpol_shift_id(s), n < 2 ? &shifts[n] : n == 2 ? &c : &shifts[2]) == 0);
    cpol_shift_iter_free(it);
    ck_assert_int_eq(n, 4);
    /* an area and everything below it */
    f.area = &w.community;
    FX_OK(cpol_shift_iter_new(w.ctx, w.sys, &f, &it));
    for (n = 0; cpol_shift_iter_next(it, &s) == CPOL_OK; n++)
        ck_assert(cpol_id_compare(cpol_shift_area(s), &w.compound) == 0);
    cpol_shift_iter_free(it);
    ck_assert_int_eq(n, 3);
    /* kind, team, window and paging */
    f.area = NULL;
    f.kind = CPOL_SHIFT_PATROL;
    f.offset = 1;
    FX_OK(cpol_shift_iter_new(w.ctx, w.sys, &f, &it));
    FX_OK(cpol_shift_iter_next(it, &s));
    ck_assert(cpol_id_compare(cpol_shift_id(s), &c) == 0);
    ck_assert_int_eq(cpol_shift_iter_next(it, &s), CPOL_DONE);
    cpol_shift_iter_free(it);
    f.kind = 0;
    f.offset = 0;
    f.team = &team;
    FX_OK(cpol_shift_iter_new(w.ctx, w.sys, &f, &it));
    FX_OK(cpol_shift_iter_next(it, &s));
    ck_assert(cpol_id_compare(cpol_shift_team(s), &team) == 0);
    ck_assert_int_eq(cpol_shift_iter_next(it, &s), CPOL_DONE);
    cpol_shift_iter_free(it);
    f.team = NULL;
    f.from = w.now + 2 * DAY;
    f.to = w.now + 3 * DAY + 1;
    f.limit = 1;
    FX_OK(cpol_shift_iter_new(w.ctx, w.sys, &f, &it));
    FX_OK(cpol_shift_iter_next(it, &s));
    ck_assert(cpol_id_compare(cpol_shift_id(s), &b) == 0);
    ck_assert_int_eq(cpol_shift_iter_next(it, &s), CPOL_DONE);
    cpol_shift_iter_free(it);

    /* sign-ups by person, shift and state */
    signup(&a, &v1);
    signup(&b, &v1);
    signup(&b, &v2);
    sf.person = &v1;
    FX_OK(cpol_signup_iter_new(w.ctx, w.sys, &sf, &sit));
    FX_OK(cpol_signup_iter_next(sit, &su));
    ck_assert(cpol_id_compare(cpol_signup_shift(su), &a) == 0);
    FX_OK(cpol_signup_iter_next(sit, &su));
    ck_assert(cpol_id_compare(cpol_signup_shift(su), &b) == 0);
    ck_assert_int_eq(cpol_signup_status(su), CPOL_SIGNUP_SIGNED_UP);
    ck_assert_int_eq(cpol_signup_iter_next(sit, &su), CPOL_DONE);
    cpol_signup_iter_free(sit);
    sf.person = NULL;
    sf.shift = &b;
    sf.status = CPOL_SIGNUP_SIGNED_UP;
    FX_OK(cpol_signup_iter_new(w.ctx, w.sys, &sf, &sit));
    for (n = 0; cpol_signup_iter_next(sit, &su) == CPOL_OK; n++)
        ck_assert(cpol_id_compare(cpol_signup_shift(su), &b) == 0);
    cpol_signup_iter_free(sit);
    ck_assert_int_eq(n, 2);
    sf.status = CPOL_SIGNUP_COMPLETED;
    FX_OK(cpol_signup_iter_new(w.ctx, w.sys, &sf, &sit));
    ck_assert_int_eq(cpol_signup_iter_next(sit, &su), CPOL_DONE);
    cpol_signup_iter_free(sit);
    teardown();
}
END_TEST

/* A team of another station, with its own officer. */
static cpol_id other_station_team(const cpol_id *station)
{
    cpol_person_fields pf = CPOL_PERSON_FIELDS_INIT;
    cpol_team_fields tf = CPOL_TEAM_FIELDS_INIT;
    cpol_id cop, team;
    pf.name = "南屏民警";
    pf.id_card = fx_nth_id_card(91);
    pf.home_area = station;
    FX_OK(cpol_person_register(w.ctx, w.sys, &pf, &cop));
    FX_OK(cpol_role_appoint(w.ctx, w.sys, &cop, CPOL_ROLE_OFFICER, station, NULL, NULL));
    tf.name = "南屏义警";
    tf.kind = CPOL_TEAM_VOLUNTEER_POLICE;
    tf.area = station;
    tf.officer = &cop;
    FX_OK(cpol_team_create(w.ctx, w.sys, &tf, &team));
    return team;
}

/* ---- covert persons (治安信息员) ---- */

/* The shift as `as` sees it: places taken and capacity, every id and text checked. */
static void shift_seen(const cpol_actor *as, const cpol_id *shift, const cv_secret *sec, int64_t taken,
                       int32_t capacity)
{
    cpol_shift *s;
    cpol_shift_iter *it;
    const cpol_shift *si;
    int n = 0;
    FX_OK(cpol_shift_get(w.ctx, as, shift, &s));
    ck_assert_int_eq(cpol_shift_signed_up(s), taken);
    ck_assert_int_eq(cpol_shift_capacity(s), capacity);
    cv_text(sec, cpol_shift_title(s), "shift title");
    cpol_shift_free(s);
    FX_OK(cpol_shift_iter_new(w.ctx, as, NULL, &it));
    while (cpol_shift_iter_next(it, &si) == CPOL_OK) {
        cv_id(sec, cpol_shift_id(si), "shift id");
        cv_id(sec, cpol_shift_team(si), "shift team");
        cv_id(sec, cpol_shift_area(si), "shift area");
        if (cpol_id_compare(cpol_shift_id(si), shift) != 0)
            continue;
        ck_assert_int_eq(cpol_shift_signed_up(si), taken);
        ck_assert_int_eq(cpol_shift_capacity(si), capacity);
        n++;
    }
    ck_assert_int_eq(n, 1);
    cpol_shift_iter_free(it);
}

/* The sign-ups `as` lists with a filter (-1 if refused), every id checked; `limit` pages. */
static int signups_seen(const cpol_actor *as, const cpol_id *shift, const cpol_id *person, int64_t limit,
                        const cv_secret *sec)
{
    cpol_signup_filter f = CPOL_SIGNUP_FILTER_INIT;
    cpol_signup_iter *it;
    const cpol_signup *s;
    int n = 0, rc;
    f.shift = shift;
    f.person = person;
    f.limit = limit;
    rc = cpol_signup_iter_new(w.ctx, as, &f, &it);
    if (rc == CPOL_EPERM)
        return -1;
    FX_OK(rc);
    while ((rc = cpol_signup_iter_next(it, &s)) == CPOL_OK) {
        cv_id(sec, cpol_signup_id(s), "sign-up id");
        cv_id(sec, cpol_signup_person(s), "sign-up person");
        n++;
    }
    ck_assert_int_eq(rc, CPOL_DONE);
    cpol_signup_iter_free(it);
    return n;
}

START_TEST(a_covert_volunteer_is_invisible_to_readers_not_cleared)
{
    cpol_id shift, later, informant, theirs, analyst_id, operator_id;
    cpol_actor *readers[4], *self;
    cv_secret sec = {"信息员孙", {{{0}}}, 0}, none = {NULL, {{{0}}}, 0};
    cpol_signup *got = NULL;
    int64_t audit, m;
    size_t i;
    setup(_i);
    informant = fx_volunteer(&w, "信息员孙", 8, CPOL_ROLE_INFORMANT);
    FX_OK(cpol_actor_open(w.ctx, &informant, CPOL_ROLE_INFORMANT, &self));
    shift = shift_at(&w.compound, CPOL_SHIFT_PATROL, -30 * MINUTE, 120, 3);
    later = shift_at(&w.compound, CPOL_SHIFT_PATROL, DAY, 120, 3);
    FX_OK(cpol_shift_signup(w.ctx, self, &shift, &informant, &theirs)); /* first, so paging meets it first */
    FX_OK(cpol_shift_signup(w.ctx, vol1, &shift, &v1, NULL));
    cv_add(&sec, &informant);
    cv_add(&sec, &theirs);

    /* an auxiliary's writes naming the informant are refused as for nobody, changing nothing */
    audit = fx_audit_count(&w);
    cv_not_found(cpol_signup_check_in(w.ctx, aux, &theirs), "sign-up", &theirs, "aux checks the informant in");
    cv_not_found(cpol_shift_signup(w.ctx, aux, &later, &informant, NULL), "person", &informant, "aux signs up");
    ck_assert_int_eq(fx_audit_count(&w), audit);
    ck_assert_int_eq(signup_status(&theirs), CPOL_SIGNUP_SIGNED_UP);
    ck_assert_int_eq(places_taken(&later), 0);
    FX_OK(cpol_signup_check_in(w.ctx, officer, &theirs));
    FX_OK(cpol_signup_complete(w.ctx, officer, &theirs, 20));

    readers[0] = aux;
    readers[1] = fx_staff(&w, "分析员", 9, CPOL_ROLE_ANALYST, &analyst_id);
    readers[2] = fx_staff(&w, "服务站员", 10, CPOL_ROLE_OPERATOR, &operator_id);
    readers[3] = vol1;
    for (i = 0; i < 4; i++) {
        const cpol_actor *as = readers[i];
        /* 3 places, one held by the hidden informant: 1 of 2 taken, so free = capacity - taken still holds */
        shift_seen(as, &shift, &sec, 1, 2);
        ck_assert_int_eq(signups_seen(as, &shift, NULL, 0, &sec), i == 3 ? -1 : 1);
        ck_assert_int_eq(signups_seen(as, &shift, NULL, 1, &sec), i == 3 ? -1 : 1); /* paging skips the hidden */
        ck_assert_int_eq(signups_seen(as, NULL, &informant, 0, &sec), i == 3 ? -1 : 0);
        cv_not_found(cpol_signup_get(w.ctx, as, &theirs, &got), "sign-up", &theirs, "sign-up get");
        ck_assert_ptr_null(got);
        cv_not_found(cpol_activity_minutes(w.ctx, as, &informant, 0, 0, 0, &m), "person", &informant, "minutes");
    }
    ck_assert_int_eq(signups_seen(vol1, NULL, &v1, 0, &sec), 1); /* one's own, without person.view */

    /* the officer and the informant themself see it all */
    shift_seen(officer, &shift, &none, 2, 3);
    shift_seen(self, &shift, &none, 2, 3);
    ck_assert_int_eq(signups_seen(officer, &shift, NULL, 0, &none), 2);
    ck_assert_int_eq(signups_seen(self, NULL, &informant, 0, &none), 1);
    FX_OK(cpol_signup_get(w.ctx, self, &theirs, &got));
    cpol_signup_free(got);
    FX_OK(cpol_activity_minutes(w.ctx, officer, &informant, 0, 0, 0, &m));
    ck_assert_int_eq(m, 20);
    FX_OK(cpol_activity_minutes(w.ctx, self, &informant, 0, 0, 0, &m));
    ck_assert_int_eq(m, 20);
    cpol_actor_free(self);
    cpol_actor_free(readers[1]);
    cpol_actor_free(readers[2]);
    teardown();
}
END_TEST

START_TEST(bad_input_is_refused)
{
    static const char bad_utf8[] = {'\xC3', '\x28', '\0'};
    cpol_shift_fields f = CPOL_SHIFT_FIELDS_INIT, g;
    cpol_shift_filter sf = CPOL_SHIFT_FILTER_INIT;
    cpol_signup_filter uf = CPOL_SIGNUP_FILTER_INIT;
    cpol_shift_iter *it = (cpol_shift_iter *)&it;
    cpol_signup_iter *uit = (cpol_signup_iter *)&uit;
    cpol_shift *sh = (cpol_shift *)&sh;
    cpol_id shift, su, unknown, other_station, far_team;
    int64_t before, m;
    setup(_i);
    shift = shift_at(&w.compound, CPOL_SHIFT_PATROL, HOUR, 60, 2);
    su = signup(&shift, &v1);
    FX_OK(cpol_id_new(w.ctx, &unknown));
    FX_OK(cpol_area_create(w.ctx, w.sys, &w.bureau, CPOL_AREA_STATION, "南屏派出所", &other_station));
    far_team = other_station_team(&other_station);
    before = fx_audit_count(&w);
    f.area = &w.compound;
    f.kind = CPOL_SHIFT_PATROL;
    f.title = "巡逻";
    f.starts_at = w.now + HOUR;
    f.ends_at = f.starts_at + HOUR;
    f.capacity = 3;

    FX_EXPECT(CPOL_EMISUSE, cpol_shift_create(w.ctx, aux, NULL, NULL));
    FX_EXPECT(CPOL_EMISUSE, cpol_shift_create(NULL, aux, &f, NULL));
    g = f, g.version = 0;
    FX_EXPECT(CPOL_EVERSION, cpol_shift_create(w.ctx, aux, &g, NULL));
    g = f, g.area = NULL;
    FX_EXPECT(CPOL_EMISUSE, cpol_shift_create(w.ctx, aux, &g, NULL));
    g = f, g.kind = 4;
    FX_EXPECT(CPOL_EINVALID, cpol_shift_create(w.ctx, aux, &g, NULL));
    g = f, g.title = "";
    FX_EXPECT(CPOL_EINVALID, cpol_shift_create(w.ctx, aux, &g, NULL));
    g = f, g.title = bad_utf8;
    FX_EXPECT(CPOL_EUTF8, cpol_shift_create(w.ctx, aux, &g, NULL));
    g = f, g.ends_at = g.starts_at;
    FX_EXPECT(CPOL_EINVALID, cpol_shift_create(w.ctx, aux, &g, NULL));
    g = f, g.ends_at = g.starts_at + DAY + 1;
    FX_EXPECT(CPOL_EINVALID, cpol_shift_create(w.ctx, aux, &g, NULL));
    g = f, g.capacity = 0;
    FX_EXPECT(CPOL_EINVALID, cpol_shift_create(w.ctx, aux, &g, NULL));
    g = f, g.capacity = CPOL_SHIFT_CAPACITY_MAX + 1;
    FX_EXPECT(CPOL_EINVALID, cpol_shift_create(w.ctx, aux, &g, NULL));
    g = f, g.area = &w.bureau;
    FX_EXPECT(CPOL_ERULE, cpol_shift_create(w.ctx, w.sys, &g, NULL));
    g = f, g.area = &unknown;
    FX_EXPECT(CPOL_ENOTFOUND, cpol_shift_create(w.ctx, aux, &g, NULL));
    g = f, g.team = &unknown;
    FX_EXPECT(CPOL_ENOTFOUND, cpol_shift_create(w.ctx, aux, &g, NULL));
    g = f, g.team = &far_team;
    FX_EXPECT(CPOL_ERULE, cpol_shift_create(w.ctx, aux, &g, NULL));
    fx_expect_message("another police station");
    g = f, g.area = &other_station;
    FX_EXPECT(CPOL_EPERM, cpol_shift_create(w.ctx, aux, &g, NULL));
    FX_EXPECT(CPOL_EPERM, cpol_shift_create(w.ctx, vol1, &f, NULL));
    fx_expect_message("activity.manage");
    FX_EXPECT(CPOL_EINVALID, cpol_signup_complete(w.ctx, aux, &su, 0));
    FX_EXPECT(CPOL_EINVALID, cpol_signup_complete(w.ctx, aux, &su, -2));
    FX_EXPECT(CPOL_EINVALID, cpol_signup_complete(w.ctx, aux, &su, CPOL_SHIFT_MINUTES_MAX + 1));
    FX_EXPECT(CPOL_EUTF8, cpol_signup_cancel(w.ctx, aux, &su, bad_utf8));
    FX_EXPECT(CPOL_EMISUSE, cpol_signup_check_in(w.ctx, aux, NULL));
    FX_EXPECT(CPOL_ENOTFOUND, cpol_signup_no_show(w.ctx, aux, &unknown));
    FX_EXPECT(CPOL_ENOTFOUND, cpol_shift_close(w.ctx, aux, &unknown, 1));
    FX_EXPECT(CPOL_EMISUSE, cpol_shift_signup(w.ctx, aux, &shift, NULL, NULL));
    FX_EXPECT(CPOL_EINVALID, cpol_activity_minutes(w.ctx, w.sys, &v1, 4, 0, 0, &m));
    FX_EXPECT(CPOL_EINVALID, cpol_activity_minutes(w.ctx, w.sys, &v1, 0, 5, 4, &m));
    FX_EXPECT(CPOL_ENOTFOUND, cpol_activity_minutes(w.ctx, w.sys, &unknown, 0, 0, 0, &m));
    sf.version = 2;
    FX_EXPECT(CPOL_EVERSION, cpol_shift_iter_new(w.ctx, w.sys, &sf, &it));
    ck_assert_ptr_null(it);
    sf.version = CPOL_SHIFT_FILTER_VERSION;
    sf.limit = -1;
    FX_EXPECT(CPOL_EINVALID, cpol_shift_iter_new(w.ctx, w.sys, &sf, &it));
    sf.limit = 0;
    sf.area = &unknown;
    FX_EXPECT(CPOL_ENOTFOUND, cpol_shift_iter_new(w.ctx, w.sys, &sf, &it));
    uf.status = 6;
    FX_EXPECT(CPOL_EINVALID, cpol_signup_iter_new(w.ctx, w.sys, &uf, &uit));
    ck_assert_ptr_null(uit);
    FX_EXPECT(CPOL_ENOTFOUND, cpol_shift_get(w.ctx, w.sys, &unknown, &sh));
    ck_assert_ptr_null(sh);
    ck_assert_int_eq(fx_audit_count(&w), before);
    ck_assert_int_eq(places_taken(&shift), 1);

    cpol_shift_free(NULL);
    cpol_signup_free(NULL);
    cpol_shift_iter_free(NULL);
    cpol_signup_iter_free(NULL);
    ck_assert_int_eq(cpol_shift_audience(NULL), -1);
    ck_assert_ptr_null(cpol_signup_person(NULL));
    ck_assert_str_eq(cpol_shift_kind_name(CPOL_SHIFT_PUBLICITY), "publicity session");
    ck_assert_str_eq(cpol_shift_status_name(9), "unknown");
    ck_assert_str_eq(cpol_signup_status_name(CPOL_SIGNUP_NO_SHOW), "no-show");
    teardown();
}
END_TEST

int main(void)
{
    Suite *s = suite_create("activity");
    TCase *tc = tcase_create("activity");
    SRunner *sr;
    int failed;
    tcase_add_loop_test(tc, capacity_and_who_signs_up, 0, 2);
    tcase_add_loop_test(tc, steps_records_and_minutes, 0, 2);
    tcase_add_loop_test(tc, publicity_close_and_hours, 0, 2);
    tcase_add_loop_test(tc, listing_shifts_and_signups, 0, 2);
    tcase_add_loop_test(tc, bad_input_is_refused, 0, 2);
    tcase_add_loop_test(tc, a_covert_volunteer_is_invisible_to_readers_not_cleared, 0, 2);
    suite_add_tcase(s, tc);
    sr = srunner_create(s);
    srunner_run_all(sr, CK_NORMAL);
    failed = srunner_ntests_failed(sr);
    srunner_free(sr);
    return failed ? EXIT_FAILURE : EXIT_SUCCESS;
}
