/* Tables of the training module (社区警校): courses, their sessions,
 * attendance and certificates. Defined in training.c; shared with
 * training_record.c and with the schema list. */
#ifndef CPOL_DOMAIN_TRAINING_TABLES_H
#define CPOL_DOMAIN_TRAINING_TABLES_H

#include <commpolice/training.h>

#include "store/record.h"

/* course: a course a station runs */
enum {
    COURSE_ID, COURSE_STATION, COURSE_KIND, COURSE_TITLE,
    COURSE_CERT_VALID_DAYS, /* 0: the course grants no certificate */
    COURSE_CREATED_AT, COURSE_NCOLS
};
extern const cpol_table cpol__table_course;

/* training_session: one sitting of a course */
enum {
    TSESSION_ID, TSESSION_STATION, TSESSION_COURSE, TSESSION_STARTS_AT, TSESSION_MINUTES,
    TSESSION_LOCATION, /* an area within the station, or NULL */
    TSESSION_CREATED_AT, TSESSION_NCOLS
};
extern const cpol_table cpol__table_training_session;

/* training_attendance: one person at one session. The course, its kind and
 * the session's start and length are copied in (sessions never change), so
 * a person's record and hours are one query on this table. */
enum {
    ATTEND_ID, ATTEND_STATION, ATTEND_SESSION, ATTEND_COURSE, ATTEND_KIND, ATTEND_PERSON, ATTEND_STARTS_AT,
    ATTEND_MINUTES, ATTEND_PRESENT, ATTEND_RECORDED_AT, ATTEND_NCOLS
};
extern const cpol_table cpol__table_attendance;

/* certificate: issued to a person for a course, valid until expires_at */
enum {
    CERT_ID, CERT_STATION, CERT_COURSE, CERT_KIND, CERT_PERSON, CERT_ISSUED_AT, CERT_EXPIRES_AT, CERT_NCOLS
};
extern const cpol_table cpol__table_certificate;

#endif
