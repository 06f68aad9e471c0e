/* Public API: training (社区警校) on both backends: courses and sessions,
 * attendance rules, hours, certificates and their expiry by the injected
 * clock, permission refusals, bad input, the audit trail, and that every
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
static cpol_actor *officer, *aux, *volunteer;
static cpol_id officer_id, aux_id, trainee, trainee2;

static void setup(int backend)
{
    fx_open(&w, backend);
    officer = fx_staff(&w, "张警官", 1, CPOL_ROLE_OFFICER, &officer_id);
    aux = fx_staff(&w, "李辅警", 2, CPOL_ROLE_AUXILIARY, &aux_id);
    trainee = fx_volunteer(&w, "王义警", 3, CPOL_ROLE_VOLUNTEER);
    trainee2 = fx_volunteer(&w, "赵义警", 4, CPOL_ROLE_VOLUNTEER);
    FX_OK(cpol_actor_open(w.ctx, &trainee, CPOL_ROLE_VOLUNTEER, &volunteer));
}

static void teardown(void)
{
    cpol_actor_free(officer);
    cpol_actor_free(aux);
    cpol_actor_free(volunteer);
    fx_close(&w);
}

/* Every entry of the audit trail, as the system actor sees it. */
/* The one audit entry about `object` has this kind and action. */
static void expect_audit(const cpol_id *object, const char *kind, const char *action, const cpol_id *actor)
{
    cpol_audit_filter f = CPOL_AUDIT_FILTER_INIT;
    cpol_audit_iter *it;
    const cpol_audit_entry *e;
    f.object = object;
    FX_OK(cpol_audit_iter_new(w.ctx, w.sys, &f, &it));
    FX_OK(cpol_audit_iter_next(it, &e));
    ck_assert_str_eq(cpol_audit_entry_object_kind(e), kind);
    ck_assert_str_eq(cpol_audit_entry_action(e), action);
    ck_assert_msg(cpol_id_compare(cpol_audit_entry_actor(e), actor) == 0, "audit entry names the wrong actor");
    ck_assert_int_eq(cpol_audit_iter_next(it, &e), CPOL_DONE);
    cpol_audit_iter_free(it);
}

static int64_t record_count(const cpol_id *person)
{
    cpol_training_record_iter *it;
    const cpol_training_record *r;
    int64_t n = 0;
    FX_OK(cpol_training_record_iter_new(w.ctx, w.sys, person, &it));
    while (cpol_training_record_iter_next(it, &r) == CPOL_OK)
        n++;
    cpol_training_record_iter_free(it);
    return n;
}

static int64_t certificate_count(const cpol_id *person)
{
    cpol_certificate_iter *it;
    const cpol_certificate *c;
    int64_t n = 0;
    FX_OK(cpol_certificate_iter_new(w.ctx, w.sys, person, &it));
    while (cpol_certificate_iter_next(it, &c) == CPOL_OK)
        n++;
    cpol_certificate_iter_free(it);
    return n;
}

/* A second station with a resident, for cross-station refusals. */
static cpol_id other_station_resident(cpol_id *station_out)
{
    cpol_person_fields f = CPOL_PERSON_FIELDS_INIT;
    cpol_id station, community, p;
    FX_OK(cpol_area_create(w.ctx, w.sys, &w.bureau, CPOL_AREA_STATION, "南屏派出所", &station));
    FX_OK(cpol_area_create(w.ctx, w.sys, &station, CPOL_AREA_COMMUNITY, "锦凤社区", &community));
    f.name = "外所居民";
    f.id_card = fx_nth_id_card(90);
    f.home_area = &community;
    FX_OK(cpol_person_register(w.ctx, w.sys, &f, &p));
    if (station_out)
        *station_out = station;
    return p;
}

/* A course with one session that started an hour ago. */
static cpol_id course_with_session(int kind, int32_t days, int32_t minutes, cpol_id *session_out)
{
    cpol_id course;
    FX_OK(cpol_course_create(w.ctx, officer, &w.station, kind, cpol_course_kind_name(kind), days, &course));
    FX_OK(cpol_training_session_create(w.ctx, officer, &course, w.now - HOUR, minutes, NULL, session_out));
    return course;
}

START_TEST(courses_and_sessions)
{
    cpol_id aid, law, s1, s2, other_station;
    cpol_course *c;
    cpol_training_session *s;
    cpol_course_iter *ci;
    cpol_training_session_iter *si;
    const cpol_course *cc;
    const cpol_training_session *ss;
    int n = 0;
    setup(_i);
    FX_OK(cpol_course_create(w.ctx, officer, &w.station, CPOL_COURSE_FIRST_AID, "社区急救培训", 365, &aid));
    FX_OK(cpol_course_create(w.ctx, officer, &w.station, CPOL_COURSE_LAW, "普法课堂", 0, &law));
    FX_OK(cpol_course_get(w.ctx, w.sys, &aid, &c));
    ck_assert_int_eq(cpol_course_kind(c), CPOL_COURSE_FIRST_AID);
    ck_assert_str_eq(cpol_course_title(c), "社区急救培训");
    ck_assert_int_eq(cpol_course_cert_valid_days(c), 365);
    ck_assert_int_eq(cpol_course_created_at(c), w.now);
    ck_assert(cpol_id_compare(cpol_course_station(c), &w.station) == 0);
    ck_assert(cpol_id_compare(cpol_course_id(c), &aid) == 0);
    cpol_course_free(c);
    ck_assert_str_eq(cpol_course_kind_name(CPOL_COURSE_ANTI_FRAUD), "fraud prevention");
    ck_assert_str_eq(cpol_course_kind_name(99), "unknown");

    /* sessions are listed by start time, whatever the order they were added in */
    FX_OK(cpol_training_session_create(w.ctx, officer, &aid, w.now + 2 * DAY, 90, &w.community, &s2));
    FX_OK(cpol_training_session_create(w.ctx, officer, &aid, w.now + DAY, 120, NULL, &s1));
    FX_OK(cpol_training_session_get(w.ctx, w.sys, &s2, &s));
    ck_assert_int_eq(cpol_training_session_starts_at(s), w.now + 2 * DAY);
    ck_assert_int_eq(cpol_training_session_minutes(s), 90);
    ck_assert(cpol_id_compare(cpol_training_session_location(s), &w.community) == 0);
    ck_assert(cpol_id_compare(cpol_training_session_course(s), &aid) == 0);
    ck_assert(cpol_id_compare(cpol_training_session_station(s), &w.station) == 0);
    ck_assert(cpol_id_compare(cpol_training_session_id(s), &s2) == 0);
    cpol_training_session_free(s);
    FX_OK(cpol_training_session_iter_new(w.ctx, w.sys, &aid, &si));
    FX_OK(cpol_training_session_iter_next(si, &ss));
    ck_assert(cpol_id_compare(cpol_training_session_id(ss), &s1) == 0);
    ck_assert_ptr_null(cpol_training_session_location(ss));
    FX_OK(cpol_training_session_iter_next(si, &ss));
    ck_assert(cpol_id_compare(cpol_training_session_id(ss), &s2) == 0);
    ck_assert_int_eq(cpol_training_session_iter_next(si, &ss), CPOL_DONE);
    cpol_training_session_iter_free(si);

    FX_OK(cpol_course_iter_new(w.ctx, w.sys, &w.station, 0, &ci));
    while (cpol_course_iter_next(ci, &cc) == CPOL_OK)
        n++;
    cpol_course_iter_free(ci);
    ck_assert_int_eq(n, 2);
    FX_OK(cpol_course_iter_new(w.ctx, w.sys, &w.station, CPOL_COURSE_LAW, &ci));
    FX_OK(cpol_course_iter_next(ci, &cc));
    ck_assert(cpol_id_compare(cpol_course_id(cc), &law) == 0);
    ck_assert_int_eq(cpol_course_iter_next(ci, &cc), CPOL_DONE);
    cpol_course_iter_free(ci);

    /* a course belongs to a station; a session's location lies within it */
    other_station_resident(&other_station);
    {
        int64_t before = fx_audit_count(&w);
        cpol_id community2;
        FX_EXPECT(CPOL_ERULE, cpol_course_create(w.ctx, officer, &w.community, CPOL_COURSE_LAW, "x", 0, NULL));
        fx_expect_message("community");
        FX_EXPECT(CPOL_ENOTFOUND, cpol_course_create(w.ctx, officer, &officer_id, CPOL_COURSE_LAW, "x", 0, NULL));
        FX_EXPECT(CPOL_EPERM, cpol_course_create(w.ctx, officer, &other_station, CPOL_COURSE_LAW, "x", 0, NULL));
        FX_OK(cpol_area_create(w.ctx, w.sys, &other_station, CPOL_AREA_COMMUNITY, "文华社区", &community2));
        before++;
        FX_EXPECT(CPOL_ERULE, cpol_training_session_create(w.ctx, officer, &aid, w.now, 60, &community2, NULL));
        fx_expect_message("outside");
        FX_EXPECT(CPOL_ENOTFOUND, cpol_training_session_create(w.ctx, officer, &officer_id, w.now, 60, NULL, NULL));
        FX_EXPECT(CPOL_EPERM, cpol_training_session_create(w.ctx, aux, &aid, w.now, 60, NULL, NULL));
        fx_expect_message("training.manage");
        ck_assert_int_eq(fx_audit_count(&w), before);
    }
    expect_audit(&aid, "course", "course.create", &officer_id);
    expect_audit(&s1, "training_session", "training_session.create", &officer_id);
    teardown();
}
END_TEST

START_TEST(attendance_rules)
{
    cpol_id course, session, later, unknown, outsider, a1, a2;
    cpol_training_record_iter *it;
    const cpol_training_record *r;
    int64_t before, minutes;
    setup(_i);
    FX_OK(cpol_course_create(w.ctx, officer, &w.station, CPOL_COURSE_POLICE_SKILLS, "警务技能培训", 0, &course));
    FX_OK(cpol_training_session_create(w.ctx, officer, &course, w.now + HOUR, 120, NULL, &session));
    FX_OK(cpol_training_session_create(w.ctx, officer, &course, w.now + 3 * DAY, 45, NULL, &later));
    FX_OK(cpol_id_new(w.ctx, &unknown));
    outsider = other_station_resident(NULL);
    before = fx_audit_count(&w);

    /* not started yet: by the injected clock */
    FX_EXPECT(CPOL_ESTATE, cpol_training_attend(w.ctx, aux, &session, &trainee, 1, NULL));
    fx_expect_message("not started");
    w.now += 2 * HOUR;
    FX_OK(cpol_training_attend(w.ctx, aux, &session, &trainee, 1, &a1));
    FX_OK(cpol_training_attend(w.ctx, aux, &session, &trainee2, 0, &a2));
    before += 2;
    /* refusals, each leaving everything as it was */
    FX_EXPECT(CPOL_EEXISTS, cpol_training_attend(w.ctx, aux, &session, &trainee, 0, NULL));
    fx_expect_message("王义警");
    FX_EXPECT(CPOL_ENOTFOUND, cpol_training_attend(w.ctx, aux, &session, &unknown, 1, NULL));
    FX_EXPECT(CPOL_ENOTFOUND, cpol_training_attend(w.ctx, aux, &unknown, &trainee, 1, NULL));
    FX_EXPECT(CPOL_ERULE, cpol_training_attend(w.ctx, aux, &session, &outsider, 1, NULL));
    fx_expect_message("another police station");
    FX_EXPECT(CPOL_EPERM, cpol_training_attend(w.ctx, volunteer, &session, &trainee2, 1, NULL));
    fx_expect_message("training.record");
    FX_EXPECT(CPOL_ERULE, cpol_training_attend(w.ctx, aux, &session, &aux_id, 1, NULL));
    fx_expect_message("themselves");
    FX_EXPECT(CPOL_EINVALID, cpol_training_attend(w.ctx, aux, &session, &trainee, 2, NULL));
    FX_EXPECT(CPOL_ESTATE, cpol_training_attend(w.ctx, aux, &later, &trainee, 1, NULL));
    ck_assert_int_eq(fx_audit_count(&w), before);
    ck_assert_int_eq(record_count(&trainee), 1);
    ck_assert_int_eq(record_count(&trainee2), 1);
    ck_assert_int_eq(record_count(&outsider), 0);

    /* the record and the hours */
    FX_OK(cpol_training_record_iter_new(w.ctx, w.sys, &trainee, &it));
    FX_OK(cpol_training_record_iter_next(it, &r));
    ck_assert(cpol_id_compare(cpol_training_record_id(r), &a1) == 0);
    ck_assert(cpol_id_compare(cpol_training_record_session(r), &session) == 0);
    ck_assert(cpol_id_compare(cpol_training_record_course(r), &course) == 0);
    ck_assert_int_eq(cpol_training_record_kind(r), CPOL_COURSE_POLICE_SKILLS);
    ck_assert_int_eq(cpol_training_record_starts_at(r), w.now - HOUR);
    ck_assert_int_eq(cpol_training_record_minutes(r), 120);
    ck_assert_int_eq(cpol_training_record_attended(r), 1);
    ck_assert_int_eq(cpol_training_record_iter_next(it, &r), CPOL_DONE);
    cpol_training_record_iter_free(it);
    FX_OK(cpol_training_minutes(w.ctx, w.sys, &trainee, 0, 0, &minutes));
    ck_assert_int_eq(minutes, 120);
    FX_OK(cpol_training_minutes(w.ctx, w.sys, &trainee2, 0, 0, &minutes));
    ck_assert_int_eq(minutes, 0); /* absent */

    /* a second session three days later: the window [from, to) picks sessions by start */
    w.now += 3 * DAY;
    FX_OK(cpol_training_attend(w.ctx, officer, &later, &trainee, 1, NULL));
    FX_OK(cpol_training_minutes(w.ctx, w.sys, &trainee, 0, 0, &minutes));
    ck_assert_int_eq(minutes, 165);
    FX_OK(cpol_training_minutes(w.ctx, w.sys, &trainee, w.now - DAY, 0, &minutes));
    ck_assert_int_eq(minutes, 45);
    FX_OK(cpol_training_minutes(w.ctx, w.sys, &trainee, 1, w.now - 3 * DAY, &minutes));
    ck_assert_int_eq(minutes, 120);
    FX_OK(cpol_training_minutes(w.ctx, w.sys, &trainee, 1, w.now - 3 * DAY - HOUR, &minutes));
    ck_assert_int_eq(minutes, 0);
    FX_EXPECT(CPOL_ENOTFOUND, cpol_training_minutes(w.ctx, w.sys, &unknown, 0, 0, &minutes));
    FX_EXPECT(CPOL_ENOTFOUND, cpol_training_record_iter_new(w.ctx, w.sys, &unknown, &it));
    ck_assert_ptr_null(it);
    expect_audit(&a1, "attendance", "training.attend", &aux_id);
    teardown();
}
END_TEST

START_TEST(certificates_expire)
{
    cpol_id course, session, no_cert, ns, cert, again;
    cpol_certificate_iter *it;
    const cpol_certificate *c;
    cpol_time issued;
    int valid = -1;
    int64_t before;
    setup(_i);
    course = course_with_session(CPOL_COURSE_FIRST_AID, 30, 90, &session);
    no_cert = course_with_session(CPOL_COURSE_LAW, 0, 60, &ns);
    FX_OK(cpol_training_attend(w.ctx, aux, &session, &trainee, 1, NULL));
    FX_OK(cpol_training_attend(w.ctx, aux, &session, &trainee2, 0, NULL));
    FX_OK(cpol_training_attend(w.ctx, aux, &ns, &trainee, 1, NULL));
    FX_OK(cpol_training_attend(w.ctx, aux, &session, &officer_id, 1, NULL));
    before = fx_audit_count(&w);

    FX_EXPECT(CPOL_ERULE, cpol_certificate_issue(w.ctx, officer, &course, &trainee2, NULL));
    fx_expect_message("attended no session");
    FX_EXPECT(CPOL_ERULE, cpol_certificate_issue(w.ctx, officer, &no_cert, &trainee, NULL));
    fx_expect_message("grants no certificate");
    FX_EXPECT(CPOL_ERULE, cpol_certificate_issue(w.ctx, officer, &course, &officer_id, NULL));
    fx_expect_message("themselves");
    FX_EXPECT(CPOL_EPERM, cpol_certificate_issue(w.ctx, aux, &course, &trainee, NULL));
    fx_expect_message("training.manage");
    FX_EXPECT(CPOL_EPERM, cpol_certificate_issue(w.ctx, volunteer, &course, &trainee2, NULL));
    FX_EXPECT(CPOL_ENOTFOUND, cpol_certificate_issue(w.ctx, officer, &session, &trainee, NULL));
    ck_assert_int_eq(fx_audit_count(&w), before);
    ck_assert_int_eq(certificate_count(&trainee), 0);
    FX_OK(cpol_certificate_valid(w.ctx, w.sys, &trainee, CPOL_COURSE_FIRST_AID, w.now, &valid));
    ck_assert_int_eq(valid, 0);

    issued = w.now;
    FX_OK(cpol_certificate_issue(w.ctx, officer, &course, &trainee, &cert));
    FX_EXPECT(CPOL_EEXISTS, cpol_certificate_issue(w.ctx, officer, &course, &trainee, NULL));
    FX_OK(cpol_certificate_iter_new(w.ctx, w.sys, &trainee, &it));
    FX_OK(cpol_certificate_iter_next(it, &c));
    ck_assert(cpol_id_compare(cpol_certificate_id(c), &cert) == 0);
    ck_assert(cpol_id_compare(cpol_certificate_course(c), &course) == 0);
    ck_assert_int_eq(cpol_certificate_kind(c), CPOL_COURSE_FIRST_AID);
    ck_assert_int_eq(cpol_certificate_issued_at(c), issued);
    ck_assert_int_eq(cpol_certificate_expires_at(c), issued + 30 * DAY);
    ck_assert_int_eq(cpol_certificate_iter_next(it, &c), CPOL_DONE);
    cpol_certificate_iter_free(it);

    /* valid in [issued, issued + 30 days), for its kind only */
    FX_OK(cpol_certificate_valid(w.ctx, w.sys, &trainee, CPOL_COURSE_FIRST_AID, issued, &valid));
    ck_assert_int_eq(valid, 1);
    FX_OK(cpol_certificate_valid(w.ctx, w.sys, &trainee, CPOL_COURSE_FIRST_AID, issued + 30 * DAY - 1, &valid));
    ck_assert_int_eq(valid, 1);
    FX_OK(cpol_certificate_valid(w.ctx, w.sys, &trainee, CPOL_COURSE_FIRST_AID, issued + 30 * DAY, &valid));
    ck_assert_int_eq(valid, 0);
    FX_OK(cpol_certificate_valid(w.ctx, w.sys, &trainee, CPOL_COURSE_FIRST_AID, issued - 1, &valid));
    ck_assert_int_eq(valid, 0);
    FX_OK(cpol_certificate_valid(w.ctx, w.sys, &trainee, CPOL_COURSE_FIRE_DRILL, issued, &valid));
    ck_assert_int_eq(valid, 0);

    /* the clock moves past the expiry: the old one lapses and a new one may be issued */
    w.now += 31 * DAY;
    FX_OK(cpol_certificate_valid(w.ctx, w.sys, &trainee, CPOL_COURSE_FIRST_AID, w.now, &valid));
    ck_assert_int_eq(valid, 0);
    FX_OK(cpol_certificate_issue(w.ctx, officer, &course, &trainee, &again));
    FX_OK(cpol_certificate_valid(w.ctx, w.sys, &trainee, CPOL_COURSE_FIRST_AID, w.now, &valid));
    ck_assert_int_eq(valid, 1);
    ck_assert_int_eq(certificate_count(&trainee), 2);
    expect_audit(&cert, "certificate", "certificate.issue", &officer_id);
    teardown();
}
END_TEST

START_TEST(bad_input_is_refused)
{
    static const char bad_utf8[] = {'\xC3', '\x28', '\0'};
    char long_title[CPOL_COURSE_TITLE_MAX + 2];
    cpol_id course, session, id;
    cpol_course *c = (cpol_course *)&c;
    cpol_training_session *s = (cpol_training_session *)&s;
    cpol_course_iter *ci = (cpol_course_iter *)&ci;
    cpol_training_session_iter *si = (cpol_training_session_iter *)&si;
    int64_t minutes, before;
    int valid;
    setup(_i);
    course = course_with_session(CPOL_COURSE_ANTI_FRAUD, 10, 30, &session);
    memset(long_title, 'a', sizeof long_title - 1);
    long_title[sizeof long_title - 1] = '\0';
    before = fx_audit_count(&w);

    FX_EXPECT(CPOL_EMISUSE, cpol_course_create(NULL, officer, &w.station, 1, "t", 0, NULL));
    FX_EXPECT(CPOL_EMISUSE, cpol_course_create(w.ctx, NULL, &w.station, 1, "t", 0, NULL));
    FX_EXPECT(CPOL_EMISUSE, cpol_course_create(w.ctx, officer, NULL, 1, "t", 0, NULL));
    FX_EXPECT(CPOL_EMISUSE, cpol_course_create(w.ctx, officer, &w.station, 1, NULL, 0, NULL));
    FX_EXPECT(CPOL_EINVALID, cpol_course_create(w.ctx, officer, &w.station, 0, "t", 0, NULL));
    FX_EXPECT(CPOL_EINVALID, cpol_course_create(w.ctx, officer, &w.station, 7, "t", 0, NULL));
    FX_EXPECT(CPOL_EINVALID, cpol_course_create(w.ctx, officer, &w.station, 1, "t", -1, NULL));
    FX_EXPECT(CPOL_EINVALID, cpol_course_create(w.ctx, officer, &w.station, 1, "t", CPOL_CERT_VALID_DAYS_MAX + 1, NULL));
    FX_EXPECT(CPOL_EINVALID, cpol_course_create(w.ctx, officer, &w.station, 1, "", 0, NULL));
    FX_EXPECT(CPOL_EINVALID, cpol_course_create(w.ctx, officer, &w.station, 1, "a\nb", 0, NULL));
    FX_EXPECT(CPOL_ETOOLONG, cpol_course_create(w.ctx, officer, &w.station, 1, long_title, 0, NULL));
    FX_EXPECT(CPOL_EUTF8, cpol_course_create(w.ctx, officer, &w.station, 1, bad_utf8, 0, NULL));
    FX_EXPECT(CPOL_EMISUSE, cpol_training_session_create(w.ctx, officer, NULL, w.now, 60, NULL, NULL));
    FX_EXPECT(CPOL_EINVALID, cpol_training_session_create(w.ctx, officer, &course, 0, 60, NULL, NULL));
    FX_EXPECT(CPOL_EINVALID, cpol_training_session_create(w.ctx, officer, &course, w.now, 0, NULL, NULL));
    FX_EXPECT(CPOL_EINVALID, cpol_training_session_create(w.ctx, officer, &course, w.now, CPOL_SESSION_MINUTES_MAX + 1,
                                                          NULL, NULL));
    FX_EXPECT(CPOL_EMISUSE, cpol_training_attend(w.ctx, aux, &session, NULL, 1, NULL));
    FX_EXPECT(CPOL_EMISUSE, cpol_certificate_issue(w.ctx, officer, &course, NULL, NULL));
    FX_EXPECT(CPOL_EINVALID, cpol_training_minutes(w.ctx, w.sys, &trainee, 10, 5, &minutes));
    FX_EXPECT(CPOL_EINVALID, cpol_training_minutes(w.ctx, w.sys, &trainee, -1, 0, &minutes));
    FX_EXPECT(CPOL_EMISUSE, cpol_training_minutes(w.ctx, w.sys, &trainee, 0, 0, NULL));
    FX_EXPECT(CPOL_EINVALID, cpol_certificate_valid(w.ctx, w.sys, &trainee, 9, w.now, &valid));
    FX_EXPECT(CPOL_EMISUSE, cpol_certificate_valid(w.ctx, w.sys, NULL, 1, w.now, &valid));
    FX_EXPECT(CPOL_EINVALID, cpol_course_iter_new(w.ctx, w.sys, &w.station, 8, &ci));
    ck_assert_ptr_null(ci);
    FX_OK(cpol_id_new(w.ctx, &id));
    FX_EXPECT(CPOL_ENOTFOUND, cpol_course_get(w.ctx, w.sys, &id, &c));
    ck_assert_ptr_null(c);
    FX_EXPECT(CPOL_ENOTFOUND, cpol_training_session_get(w.ctx, w.sys, &id, &s));
    ck_assert_ptr_null(s);
    FX_EXPECT(CPOL_ENOTFOUND, cpol_training_session_iter_new(w.ctx, w.sys, &id, &si));
    ck_assert_ptr_null(si);
    FX_EXPECT(CPOL_EMISUSE, cpol_course_iter_next(NULL, NULL));
    ck_assert_int_eq(fx_audit_count(&w), before);

    /* accessors and destructors take NULL */
    cpol_course_free(NULL);
    cpol_training_session_free(NULL);
    cpol_course_iter_free(NULL);
    cpol_training_session_iter_free(NULL);
    cpol_training_record_iter_free(NULL);
    cpol_certificate_iter_free(NULL);
    ck_assert_ptr_null(cpol_course_id(NULL));
    ck_assert_str_eq(cpol_course_title(NULL), "");
    ck_assert_int_eq(cpol_training_session_minutes(NULL), 0);
    ck_assert_ptr_null(cpol_training_record_session(NULL));
    ck_assert_int_eq(cpol_certificate_expires_at(NULL), 0);
    teardown();
}
END_TEST

/* ---- covert persons (治安信息员) ---- */

/* Courses and sessions name nobody: everything they hand out is checked all the same. */
static void check_reference_reads(const cpol_actor *as, const cpol_id *course, const cv_secret *sec)
{
    cpol_course *c;
    cpol_course_iter *ci;
    const cpol_course *cc;
    cpol_training_session_iter *si;
    const cpol_training_session *ss;
    FX_OK(cpol_course_get(w.ctx, as, course, &c));
    cv_text(sec, cpol_course_title(c), "course title");
    cpol_course_free(c);
    FX_OK(cpol_course_iter_new(w.ctx, as, &w.station, 0, &ci));
    while (cpol_course_iter_next(ci, &cc) == CPOL_OK) {
        cv_id(sec, cpol_course_id(cc), "course id");
        cv_text(sec, cpol_course_title(cc), "course title");
    }
    cpol_course_iter_free(ci);
    FX_OK(cpol_training_session_iter_new(w.ctx, as, course, &si));
    while (cpol_training_session_iter_next(si, &ss) == CPOL_OK) {
        cv_id(sec, cpol_training_session_id(ss), "session id");
        cv_id(sec, cpol_training_session_location(ss), "session location");
    }
    cpol_training_session_iter_free(si);
}

/* What `as` learns of the person's training: -1 when the person does not exist for it. */
static int64_t minutes_seen(const cpol_actor *as, const cpol_id *person)
{
    int64_t minutes;
    int valid, rc = cpol_training_minutes(w.ctx, as, person, 0, 0, &minutes);
    if (rc == CPOL_ENOTFOUND) {
        cpol_training_record_iter *rit = NULL;
        cpol_certificate_iter *cit = NULL;
        cv_not_found(rc, "person", person, "training minutes");
        cv_not_found(cpol_training_record_iter_new(w.ctx, as, person, &rit), "person", person, "training record");
        cv_not_found(cpol_certificate_iter_new(w.ctx, as, person, &cit), "person", person, "certificates");
        cv_not_found(cpol_certificate_valid(w.ctx, as, person, CPOL_COURSE_FIRST_AID, w.now, &valid), "person",
                     person, "certificate valid");
        ck_assert(rit == NULL && cit == NULL && valid == 0);
        return -1;
    }
    FX_OK(rc);
    FX_OK(cpol_certificate_valid(w.ctx, as, person, CPOL_COURSE_FIRST_AID, w.now, &valid));
    ck_assert_int_eq(valid, 1);
    return minutes;
}

START_TEST(a_covert_trainee_is_invisible_to_readers_not_cleared)
{
    cpol_id course, session, informant, attendance, cert, analyst_id, operator_id;
    cpol_actor *readers[4], *self;
    cv_secret sec = {"信息员钱", {{{0}}}, 0};
    int64_t audit;
    size_t i;
    setup(_i);
    informant = fx_volunteer(&w, "信息员钱", 5, CPOL_ROLE_INFORMANT);
    course = course_with_session(CPOL_COURSE_FIRST_AID, 365, 90, &session);
    /* an auxiliary records attendance, but not of a person it may not see: refused as for nobody */
    audit = fx_audit_count(&w);
    cv_not_found(cpol_training_attend(w.ctx, aux, &session, &informant, 1, NULL), "person", &informant,
                 "auxiliary recording the informant");
    ck_assert_int_eq(fx_audit_count(&w), audit);
    ck_assert_int_eq(record_count(&informant), 0);
    FX_OK(cpol_training_attend(w.ctx, officer, &session, &informant, 1, &attendance));
    FX_OK(cpol_certificate_issue(w.ctx, officer, &course, &informant, &cert));
    FX_OK(cpol_training_attend(w.ctx, aux, &session, &trainee, 1, NULL));
    FX_OK(cpol_certificate_issue(w.ctx, officer, &course, &trainee, NULL));
    cv_add(&sec, &informant);
    cv_add(&sec, &attendance);
    cv_add(&sec, &cert);
    readers[0] = aux;
    readers[1] = fx_staff(&w, "分析员", 6, CPOL_ROLE_ANALYST, &analyst_id);
    readers[2] = fx_staff(&w, "服务站员", 7, CPOL_ROLE_OPERATOR, &operator_id);
    readers[3] = volunteer;
    for (i = 0; i < 4; i++) {
        check_reference_reads(readers[i], &course, &sec);
        ck_assert_int_eq(minutes_seen(readers[i], &informant), -1);
    }
    /* a visible trainee stays readable to those with person.view */
    ck_assert_int_eq(minutes_seen(aux, &trainee), 90);
    /* the officer and the informant themself see the record */
    FX_OK(cpol_actor_open(w.ctx, &informant, CPOL_ROLE_INFORMANT, &self));
    ck_assert_int_eq(minutes_seen(officer, &informant), 90);
    ck_assert_int_eq(minutes_seen(self, &informant), 90);
    ck_assert_int_eq(record_count(&informant), 1);
    ck_assert_int_eq(certificate_count(&informant), 1);
    cpol_actor_free(self);
    cpol_actor_free(readers[1]);
    cpol_actor_free(readers[2]);
    teardown();
}
END_TEST

START_TEST(iterators_outlive_their_context)
{
    cpol_id session;
    cpol_training_record_iter *it;
    const cpol_training_record *r;
    setup(_i);
    course_with_session(CPOL_COURSE_FIRE_DRILL, 0, 30, &session);
    FX_OK(cpol_training_attend(w.ctx, aux, &session, &trainee, 1, NULL));
    FX_OK(cpol_training_record_iter_new(w.ctx, w.sys, &trainee, &it));
    cpol_actor_free(officer);
    cpol_actor_free(aux);
    cpol_actor_free(volunteer);
    fx_close(&w); /* the iterator holds the store */
    FX_OK(cpol_training_record_iter_next(it, &r));
    ck_assert_int_eq(cpol_training_record_kind(r), CPOL_COURSE_FIRE_DRILL);
    ck_assert_int_eq(cpol_training_record_iter_next(it, &r), CPOL_DONE);
    cpol_training_record_iter_free(it);
}
END_TEST

int main(void)
{
    Suite *s = suite_create("training");
    TCase *tc = tcase_create("training");
    SRunner *sr;
    int failed;
    tcase_add_loop_test(tc, courses_and_sessions, 0, 2);
    tcase_add_loop_test(tc, attendance_rules, 0, 2);
    tcase_add_loop_test(tc, certificates_expire, 0, 2);
    tcase_add_loop_test(tc, bad_input_is_refused, 0, 2);
    tcase_add_loop_test(tc, iterators_outlive_their_context, 0, 2);
    tcase_add_loop_test(tc, a_covert_trainee_is_invisible_to_readers_not_cleared, 0, 2);
    suite_add_tcase(s, tc);
    sr = srunner_create(s);
    srunner_run_all(sr, CK_NORMAL);
    failed = srunner_ntests_failed(sr);
    srunner_free(sr);
    return failed ? EXIT_FAILURE : EXIT_SUCCESS;
}
