/* Earning points: the per-station rules, awards with caps, and reversals. */
#include <stdio.h>
#include <string.h>

#include "util/text.h"
#include "domain/points/ledger_internal.h"
#include "domain/base/snapshot.h"
#include "domain/base/tables.h"

static const cpol_column_def rule_columns[RULE_NCOLS] = {
    [RULE_ID] = {"id", CPOL_COLUMN_ID, CPOL_COLUMN_NOTNULL},
    [RULE_STATION] = {"station_id", CPOL_COLUMN_ID, CPOL_COLUMN_NOTNULL},
    [RULE_KIND] = {"kind", CPOL_COLUMN_INT, CPOL_COLUMN_NOTNULL},
    [RULE_POINTS] = {"points", CPOL_COLUMN_INT, CPOL_COLUMN_NOTNULL},
    [RULE_DAILY_CAP] = {"daily_cap", CPOL_COLUMN_INT, CPOL_COLUMN_NOTNULL},
    [RULE_MONTHLY_CAP] = {"monthly_cap", CPOL_COLUMN_INT, CPOL_COLUMN_NOTNULL},
    [RULE_UPDATED_AT] = {"updated_at", CPOL_COLUMN_TIME, CPOL_COLUMN_NOTNULL},
};
static const cpol_index_def rule_indexes[] = {{"earning_rule_station_kind", 1, 2, {RULE_STATION, RULE_KIND}}};
const cpol_table cpol__table_earning_rule = {"earning_rule", RULE_NCOLS, rule_columns, 1, rule_indexes, 0};

#define RULE_POINTS_MAX 10000
#define CHINA_OFFSET_MS (8LL * 3600 * 1000)
#define DAY_MS (24LL * 3600 * 1000)

static int valid_kind(int kind)
{
    return kind >= CPOL_EARN_PATROL && kind <= CPOL_EARN_HAZARD;
}

/* The rule row of (station, kind), or CPOL_ENOTFOUND without a message. */
static int load_rule(cpol_ctx *ctx, const cpol_id *station, int kind, cpol_record **out)
{
    cpol_query *q;
    int rc = cpol__query_new(&cpol__table_earning_rule, &q);
    *out = NULL;
    if (rc < 0)
        return rc;
    rc = cpol__query_where_id(q, RULE_STATION, CPOL_OP_EQ, station);
    if (rc >= 0)
        rc = cpol__query_where_int(q, RULE_KIND, CPOL_OP_EQ, kind);
    if (rc < 0) {
        cpol__query_free(q);
        return rc;
    }
    rc = cpol__query_first(ctx, q, out);
    return rc == 1 ? CPOL_OK : rc == 0 ? CPOL_ENOTFOUND : rc;
}

static int require_station(cpol_ctx *ctx, const cpol_id *station)
{
    cpol_id st;
    int has, kind, rc = cpol__area_lookup(ctx, station, &st, &has, NULL, &kind);
    if (rc < 0)
        return rc;
    if (kind != 2 /* CPOL_AREA_STATION */)
        return cpol__error(CPOL_EINVALID, "the area is not a police station");
    return CPOL_OK;
}

typedef struct rule_args {
    const cpol_actor *as;
    const cpol_id *station;
    int kind;
    int64_t points, daily, monthly;
} rule_args;

static int rule_body(cpol_ctx *ctx, void *arg)
{
    rule_args *a = arg;
    cpol_record *r = NULL;
    char before[96] = "", after[96];
    int exists, rc = require_station(ctx, a->station);
    if (rc >= 0)
        rc = cpol__authorize(ctx, a->as, CPOL_PERM_POINTS_ADMIN, a->station);
    if (rc < 0)
        return rc;
    rc = load_rule(ctx, a->station, a->kind, &r);
    exists = rc == CPOL_OK;
    if (rc == CPOL_ENOTFOUND) {
        cpol_id id;
        cpol_id_new(ctx, &id);
        rc = cpol__record_new(&cpol__table_earning_rule, &r);
        if (rc >= 0)
            rc = cpol__record_set_id(r, RULE_ID, &id);
        if (rc >= 0)
            rc = cpol__record_set_id(r, RULE_STATION, a->station);
        if (r)
            cpol__value_set_int(&r->vals[RULE_KIND], a->kind);
    } else if (rc >= 0) {
        snprintf(before, sizeof before, "%lld points, caps %lld/day %lld/month",
                 (long long)cpol__record_int(r, RULE_POINTS), (long long)cpol__record_int(r, RULE_DAILY_CAP),
                 (long long)cpol__record_int(r, RULE_MONTHLY_CAP));
    }
    if (rc >= 0) {
        cpol__value_set_int(&r->vals[RULE_POINTS], a->points);
        cpol__value_set_int(&r->vals[RULE_DAILY_CAP], a->daily);
        cpol__value_set_int(&r->vals[RULE_MONTHLY_CAP], a->monthly);
        cpol__value_set_int(&r->vals[RULE_UPDATED_AT], cpol_ctx_now(ctx));
        rc = exists ? cpol__store_update(ctx->store, r) : cpol__store_insert(ctx->store, r);
    }
    if (rc >= 0) {
        cpol_id id;
        cpol__record_get_id(r, RULE_ID, &id);
        snprintf(after, sizeof after, "%s: %lld points, caps %lld/day %lld/month", cpol_earning_kind_name(a->kind),
                 (long long)a->points, (long long)a->daily, (long long)a->monthly);
        rc = cpol__audit(ctx, a->as, "earning_rule", &id, a->station, "points.rule", before, after, NULL);
    }
    cpol__record_free(r);
    return rc;
}

int cpol_earning_rule_set(cpol_ctx *ctx, const cpol_actor *as, const cpol_id *station, int kind, int64_t points,
                          int64_t daily_cap, int64_t monthly_cap)
{
    rule_args a;
    if (!ctx || !as || !station)
        return cpol__null_arg("cpol_earning_rule_set", !ctx ? "ctx" : !as ? "as" : "station");
    if (!valid_kind(kind))
        return cpol__error(CPOL_EINVALID, "cpol_earning_rule_set: %d is not an earning kind", kind);
    if (points < 0 || points > RULE_POINTS_MAX || daily_cap < 0 || monthly_cap < 0 || daily_cap > CPOL_POINTS_MAX ||
        monthly_cap > CPOL_POINTS_MAX)
        return cpol__error(CPOL_EINVALID, "cpol_earning_rule_set: points must be 0..%d and caps 0..%lld",
                           RULE_POINTS_MAX, (long long)CPOL_POINTS_MAX);
    a.as = as;
    a.station = station;
    a.kind = kind;
    a.points = points;
    a.daily = daily_cap;
    a.monthly = monthly_cap;
    return cpol__ctx_atomic(ctx, rule_body, &a);
}

int cpol_earning_rule_get(cpol_ctx *ctx, const cpol_actor *as, const cpol_id *station, int kind,
                          int64_t *points_out, int64_t *daily_cap_out, int64_t *monthly_cap_out)
{
    cpol_record *r = NULL;
    int rc;
    if (!ctx || !as || !station || !points_out)
        return cpol__null_arg("cpol_earning_rule_get",
                              !ctx ? "ctx" : !as ? "as" : !station ? "station" : "points_out");
    if (!valid_kind(kind))
        return cpol__error(CPOL_EINVALID, "cpol_earning_rule_get: %d is not an earning kind", kind);
    rc = cpol__authorize(ctx, as, CPOL__PERM_ANY, station); /* rules name nobody */
    if (rc >= 0)
        rc = load_rule(ctx, station, kind, &r);
    *points_out = rc >= 0 ? cpol__record_int(r, RULE_POINTS) : 0;
    if (daily_cap_out)
        *daily_cap_out = rc >= 0 ? cpol__record_int(r, RULE_DAILY_CAP) : 0;
    if (monthly_cap_out)
        *monthly_cap_out = rc >= 0 ? cpol__record_int(r, RULE_MONTHLY_CAP) : 0;
    cpol__record_free(r);
    return rc == CPOL_ENOTFOUND ? CPOL_OK : rc;
}

/* Points of `kind` awarded to `person` in [from, to). */
static int awarded_between(cpol_ctx *ctx, const cpol_id *person, int kind, cpol_time from, cpol_time to,
                           int64_t *sum)
{
    cpol_query *q;
    int rc = cpol__query_new(&cpol__table_transfer, &q);
    *sum = 0;
    if (rc < 0)
        return rc;
    rc = cpol__query_where_id(q, TRANSFER_PERSON, CPOL_OP_EQ, person);
    if (rc >= 0)
        rc = cpol__query_where_int(q, TRANSFER_EARNING_KIND, CPOL_OP_EQ, kind);
    if (rc >= 0)
        rc = cpol__query_where_int(q, TRANSFER_AT, CPOL_OP_GE, from);
    if (rc >= 0)
        rc = cpol__query_where_int(q, TRANSFER_AT, CPOL_OP_LT, to);
    if (rc >= 0)
        rc = cpol__query_where_int(q, TRANSFER_KIND, CPOL_OP_EQ, CPOL_TRANSFER_AWARD);
    return cpol__sum_rows(ctx, q, rc, TRANSFER_AMOUNT, sum);
}

/* Start of the China-time (UTC+8) day and month containing `t`. */
static cpol_time day_start(cpol_time t)
{
    cpol_time local = t + CHINA_OFFSET_MS;
    return local - (local % DAY_MS + DAY_MS) % DAY_MS - CHINA_OFFSET_MS;
}

static cpol_time month_start(cpol_time t)
{
    /* civil-from-days (Howard Hinnant's algorithm) on the local date */
    int64_t days = (t + CHINA_OFFSET_MS) / DAY_MS;
    int64_t z = days + 719468, era = (z >= 0 ? z : z - 146096) / 146097;
    int64_t doe = z - era * 146097, yoe = (doe - doe / 1460 + doe / 36524 - doe / 146096) / 365;
    int64_t doy = doe - (365 * yoe + yoe / 4 - yoe / 100), mp = (5 * doy + 2) / 153;
    int64_t d = doy - (153 * mp + 2) / 5 + 1;
    return (days - (d - 1)) * DAY_MS - CHINA_OFFSET_MS;
}

/* How many more points of `kind` the caps allow `person` now; which cap
 * binds is reported through *daily_binds. INT64_MAX without caps. */
static int cap_room(cpol_ctx *ctx, const cpol_id *person, int kind, const cpol_record *rule, int64_t *room,
                    int *daily_binds)
{
    cpol_time now = cpol_ctx_now(ctx);
    int64_t daily = cpol__record_int(rule, RULE_DAILY_CAP), monthly = cpol__record_int(rule, RULE_MONTHLY_CAP), sum;
    int rc;
    *room = INT64_MAX;
    *daily_binds = 0;
    if (daily) {
        rc = awarded_between(ctx, person, kind, day_start(now), day_start(now) + DAY_MS, &sum);
        if (rc < 0)
            return rc;
        *room = daily - sum;
        *daily_binds = 1;
    }
    if (monthly) {
        rc = awarded_between(ctx, person, kind, month_start(now), now + 1, &sum);
        if (rc < 0)
            return rc;
        if (monthly - sum < *room) {
            *room = monthly - sum;
            *daily_binds = 0;
        }
    }
    if (*room < 0)
        *room = 0;
    return CPOL_OK;
}

static int check_caps(cpol_ctx *ctx, const cpol_id *person, int kind, const cpol_record *rule, int64_t amount)
{
    int64_t room;
    int daily, rc = cap_room(ctx, person, kind, rule, &room, &daily);
    if (rc >= 0 && amount > room)
        rc = cpol__error(CPOL_ELIMIT, "%s cap for %s is %lld points; %lld more may be awarded %s",
                         daily ? "daily" : "monthly", cpol_earning_kind_name(kind),
                         (long long)cpol__record_int(rule, daily ? RULE_DAILY_CAP : RULE_MONTHLY_CAP),
                         (long long)room, daily ? "today" : "this month");
    return rc;
}

/* Move `amount` from the station's issuance account to the person. */
static int write_award(cpol_ctx *ctx, const cpol_actor *as, const cpol_id *id, const cpol_id *station,
                       const cpol_id *person, int kind, const cpol_id *source, const char *memo, int64_t amount)
{
    cpol_record *issuance = NULL, *account = NULL;
    int rc = cpol__account_get(ctx, CPOL_ACCOUNT_ISSUANCE, station, station, 1, &issuance);
    if (rc >= 0)
        rc = cpol__account_get(ctx, CPOL_ACCOUNT_PERSON, person, station, 1, &account);
    if (rc >= 0) {
        cpol__move m;
        memset(&m, 0, sizeof m);
        m.id = *id;
        m.station = station;
        m.kind = CPOL_TRANSFER_AWARD;
        m.debit = issuance;
        m.credit = account;
        m.amount = amount;
        m.person = person;
        m.earning_kind = kind;
        m.source = source;
        m.memo = memo;
        m.as = as;
        rc = cpol__ledger_move(ctx, &m);
    }
    if (rc >= 0) {
        char after[128];
        snprintf(after, sizeof after, "+%lld points for %s", (long long)amount, cpol_earning_kind_name(kind));
        rc = cpol__audit(ctx, as, "transfer", id, station, "points.award", NULL, after, memo);
    }
    cpol__record_free(issuance);
    cpol__record_free(account);
    return rc;
}

typedef struct award_args {
    const cpol_actor *as;
    const cpol_id *request, *person, *source;
    int kind;
    const char *memo;
    int64_t amount;
    int already;
} award_args;

/* A repeated award request: same content → CPOL_ALREADY, else CPOL_ECONFLICT. */
static int replay_award(cpol_ctx *ctx, award_args *a)
{
    cpol_record *t;
    int rc = cpol__load(ctx, &cpol__table_transfer, a->request, "transfer", &t);
    if (rc < 0)
        return rc;
    rc = cpol__same_id(t, TRANSFER_PERSON, a->person, "award", "person");
    if (rc >= 0)
        rc = cpol__same_int(t, TRANSFER_EARNING_KIND, a->kind, "award", "earning kind");
    if (rc >= 0)
        rc = cpol__same_id(t, TRANSFER_SOURCE, a->source, "award", "source");
    if (rc >= 0 && strcmp(cpol__record_text_or_empty(t, TRANSFER_MEMO), a->memo ? a->memo : "") != 0)
        rc = cpol__error(CPOL_ECONFLICT, "request id already used for an award with a different memo");
    if (rc >= 0) {
        a->amount = cpol__record_int(t, TRANSFER_AMOUNT);
        a->already = 1;
    }
    cpol__record_free(t);
    return rc;
}

int cpol__award_for_source(cpol_ctx *ctx, int earning_kind, const cpol_id *source, cpol_record **out)
{
    cpol_query *q;
    int rc = cpol__query_new(&cpol__table_transfer, &q);
    *out = NULL;
    if (rc < 0)
        return rc;
    rc = cpol__query_where_id(q, TRANSFER_SOURCE, CPOL_OP_EQ, source);
    if (rc >= 0)
        rc = cpol__query_where_int(q, TRANSFER_EARNING_KIND, CPOL_OP_EQ, earning_kind);
    if (rc < 0) {
        cpol__query_free(q);
        return rc;
    }
    return cpol__query_first(ctx, q, out);
}

/* One source earns at most one award of a kind, whatever the request id. */
static int check_unrewarded(cpol_ctx *ctx, int kind, const cpol_id *source)
{
    cpol_record *prev;
    int rc = cpol__award_for_source(ctx, kind, source, &prev);
    cpol__record_free(prev);
    if (rc > 0)
        return cpol__error(CPOL_ECONFLICT, "that source was already rewarded for %s", cpol_earning_kind_name(kind));
    return rc;
}

static int award_body(cpol_ctx *ctx, void *arg)
{
    award_args *a = arg;
    cpol_record *rule = NULL;
    cpol_id station;
    int rc = cpol__points_person(ctx, a->as, a->person, &station);
    if (rc >= 0)
        rc = cpol__authorize(ctx, a->as, CPOL_PERM_POINTS_AWARD, &station);
    if (rc >= 0)
        rc = cpol__request_seen(ctx, a->request, CPOL__REQUEST_AWARD);
    if (rc != 0)
        return rc > 0 ? replay_award(ctx, a) : rc;
    if (!a->as->system && cpol_id_compare(&a->as->person, a->person) == 0)
        rc = cpol__error(CPOL_ERULE, "nobody may award points to themselves");
    if (rc >= 0) {
        rc = load_rule(ctx, &station, a->kind, &rule);
        if (rc == CPOL_ENOTFOUND || (rc >= 0 && cpol__record_int(rule, RULE_POINTS) == 0))
            rc = cpol__error(CPOL_ERULE, "the station has no earning rule for %s", cpol_earning_kind_name(a->kind));
    }
    /* the system actor may import points whose source lives outside the library */
    if (rc >= 0 && !a->as->system)
        rc = cpol__award_source_check(ctx, a->kind, a->source, a->person, &station);
    if (rc >= 0)
        rc = check_unrewarded(ctx, a->kind, a->source);
    if (rc >= 0) {
        a->amount = cpol__record_int(rule, RULE_POINTS);
        rc = check_caps(ctx, a->person, a->kind, rule, a->amount);
    }
    if (rc >= 0)
        rc = cpol__request_reserve(ctx, a->request, CPOL__REQUEST_AWARD, &station);
    if (rc >= 0)
        rc = write_award(ctx, a->as, a->request, &station, a->person, a->kind, a->source, a->memo, a->amount);
    cpol__record_free(rule);
    return rc;
}

int cpol_points_award(cpol_ctx *ctx, const cpol_actor *as, const cpol_id *request, const cpol_id *person, int kind,
                      const cpol_id *source, const char *memo, int64_t *amount_out)
{
    award_args a;
    size_t len;
    int rc;
    if (!ctx || !as || !request || !person || !source)
        return cpol__null_arg("cpol_points_award", !ctx ? "ctx" : !as ? "as" : !request ? "request" : !person ? "person" : "source");
    if (!valid_kind(kind))
        return cpol__error(CPOL_EINVALID, "cpol_points_award: %d is not an earning kind", kind);
    if (cpol_id_is_nil(request))
        return cpol__error(CPOL_EINVALID, "cpol_points_award: the request id is nil");
    rc = cpol__check_optional("cpol_points_award", "memo", memo, CPOL_MEMO_MAX, &len);
    if (rc < 0)
        return rc;
    memset(&a, 0, sizeof a);
    a.as = as;
    a.request = request;
    a.person = person;
    a.source = source;
    a.kind = kind;
    a.memo = memo;
    rc = cpol__ctx_atomic(ctx, award_body, &a);
    if (rc >= 0 && amount_out)
        *amount_out = a.amount;
    return rc >= 0 && a.already ? CPOL_ALREADY : rc;
}

/* Has some transfer already reversed `award`? */
static int reversed_already(cpol_ctx *ctx, const cpol_id *award)
{
    cpol_query *q;
    int64_t n = 0;
    int rc = cpol__query_new(&cpol__table_transfer, &q);
    if (rc < 0)
        return rc;
    rc = cpol__count_rows(ctx, q, cpol__query_where_id(q, TRANSFER_REVERSES, CPOL_OP_EQ, award), &n);
    if (rc < 0)
        return rc;
    return n > 0 ? cpol__error(CPOL_ECONFLICT, "that award was already reversed") : CPOL_OK;
}

/* Write the reversal `id` of award row `orig` (authorisation done). */
static int write_reversal(cpol_ctx *ctx, const cpol_actor *as, const cpol_id *id, const cpol_record *orig,
                          const char *reason)
{
    cpol_record *issuance = NULL, *account = NULL;
    cpol_id station, person, award;
    int rc;
    cpol__record_get_id(orig, TRANSFER_ID, &award);
    cpol__record_get_id(orig, TRANSFER_STATION, &station);
    cpol__record_get_id(orig, TRANSFER_PERSON, &person);
    rc = reversed_already(ctx, &award);
    if (rc >= 0)
        rc = cpol__holds_expire_person(ctx, &person);
    if (rc >= 0)
        rc = cpol__account_get(ctx, CPOL_ACCOUNT_ISSUANCE, &station, &station, 1, &issuance);
    if (rc >= 0)
        rc = cpol__account_get(ctx, CPOL_ACCOUNT_PERSON, &person, &station, 1, &account);
    if (rc >= 0) {
        cpol__move m;
        memset(&m, 0, sizeof m);
        m.id = *id;
        m.station = &station;
        m.kind = CPOL_TRANSFER_REVERSAL;
        m.debit = account;
        m.credit = issuance;
        m.amount = cpol__record_int(orig, TRANSFER_AMOUNT);
        m.person = &person;
        m.reverses = &award;
        m.memo = reason;
        m.as = as;
        rc = cpol__ledger_move(ctx, &m);
    }
    if (rc >= 0) {
        char after[64];
        snprintf(after, sizeof after, "-%lld points", (long long)cpol__record_int(orig, TRANSFER_AMOUNT));
        rc = cpol__audit(ctx, as, "transfer", &award, &station, "points.reverse", "awarded", after, reason);
    }
    cpol__record_free(issuance);
    cpol__record_free(account);
    return rc;
}

typedef struct reverse_args {
    const cpol_actor *as;
    const cpol_id *request, *award;
    const char *reason;
    int already;
} reverse_args;

/* A repeated reversal request: the same award → CPOL_ALREADY. */
static int replay_reversal(cpol_ctx *ctx, reverse_args *a)
{
    cpol_record *prev;
    int rc = cpol__load(ctx, &cpol__table_transfer, a->request, "transfer", &prev);
    if (rc >= 0)
        rc = cpol__same_id(prev, TRANSFER_REVERSES, a->award, "reversal", "award");
    a->already = rc >= 0;
    cpol__record_free(prev);
    return rc;
}

static int reverse_body(cpol_ctx *ctx, void *arg)
{
    reverse_args *a = arg;
    cpol_record *orig = NULL;
    cpol_id station, person;
    int rc = cpol__load(ctx, &cpol__table_transfer, a->award, "award", &orig);
    if (rc >= 0) {
        cpol__record_get_id(orig, TRANSFER_STATION, &station);
        cpol__record_get_id(orig, TRANSFER_PERSON, &person);
        rc = cpol__points_conceal(ctx, a->as, &person, "award", a->award);
    }
    if (rc >= 0 && cpol__record_int(orig, TRANSFER_KIND) != CPOL_TRANSFER_AWARD)
        rc = cpol__error(CPOL_EINVALID, "only awards can be reversed; refund redemptions instead");
    if (rc >= 0)
        rc = cpol__authorize(ctx, a->as, CPOL_PERM_POINTS_ADMIN, &station);
    if (rc >= 0)
        rc = cpol__request_seen(ctx, a->request, CPOL__REQUEST_REVERSAL);
    if (rc > 0) {
        cpol__record_free(orig);
        return replay_reversal(ctx, a);
    }
    if (rc >= 0)
        rc = cpol__request_reserve(ctx, a->request, CPOL__REQUEST_REVERSAL, &station);
    if (rc >= 0)
        rc = write_reversal(ctx, a->as, a->request, orig, a->reason);
    cpol__record_free(orig);
    return rc;
}

int cpol_points_reverse(cpol_ctx *ctx, const cpol_actor *as, const cpol_id *request, const cpol_id *award,
                        const char *reason)
{
    reverse_args a;
    size_t len;
    int rc;
    if (!ctx || !as || !request || !award)
        return cpol__null_arg("cpol_points_reverse", !ctx ? "ctx" : !as ? "as" : !request ? "request" : "award");
    rc = cpol__check_text("cpol_points_reverse", "reason", reason, 1, CPOL_MEMO_MAX, &len);
    if (rc < 0)
        return rc;
    memset(&a, 0, sizeof a);
    a.as = as;
    a.request = request;
    a.award = award;
    a.reason = reason;
    rc = cpol__ctx_atomic(ctx, reverse_body, &a);
    return rc >= 0 && a.already ? CPOL_ALREADY : rc;
}

int cpol__points_auto_award(cpol_ctx *ctx, const cpol_actor *as, const cpol_id *person, int earning_kind,
                            const cpol_id *source, int64_t *awarded_out)
{
    cpol_record *rule = NULL, *prev = NULL;
    cpol_id station, id;
    int64_t room = 0, amount = 0;
    int daily, rc;
    if (awarded_out)
        *awarded_out = 0;
    rc = cpol__award_for_source(ctx, earning_kind, source, &prev);
    cpol__record_free(prev);
    if (rc != 0)
        return rc < 0 ? rc : CPOL_OK; /* already awarded for this source */
    rc = cpol__person_station(ctx, person, &station);
    if (rc >= 0)
        rc = load_rule(ctx, &station, earning_kind, &rule);
    if (rc == CPOL_ENOTFOUND)
        return CPOL_OK; /* the station does not reward this activity */
    if (rc >= 0)
        rc = cap_room(ctx, person, earning_kind, rule, &room, &daily);
    if (rc >= 0) {
        amount = cpol__record_int(rule, RULE_POINTS);
        if (amount > room)
            amount = room;
        if (amount > 0)
            rc = cpol__request_fresh(ctx, CPOL__REQUEST_AUTO_AWARD, &station, &id);
        if (rc >= 0 && amount > 0)
            rc = write_award(ctx, as, &id, &station, person, earning_kind, source, "automatic", amount);
    }
    cpol__record_free(rule);
    if (rc >= 0 && awarded_out)
        *awarded_out = amount;
    return rc;
}

int cpol__points_auto_reverse(cpol_ctx *ctx, const cpol_actor *as, int earning_kind, const cpol_id *source,
                              const char *reason)
{
    cpol_record *orig;
    cpol_query *q;
    int64_t n = 0;
    cpol_id award, station, id;
    int rc = cpol__award_for_source(ctx, earning_kind, source, &orig);
    if (rc <= 0)
        return rc; /* nothing was awarded for it */
    cpol__record_get_id(orig, TRANSFER_ID, &award);
    cpol__record_get_id(orig, TRANSFER_STATION, &station);
    rc = cpol__query_new(&cpol__table_transfer, &q);
    if (rc >= 0)
        rc = cpol__count_rows(ctx, q, cpol__query_where_id(q, TRANSFER_REVERSES, CPOL_OP_EQ, &award), &n);
    /* a fresh id, like the award's: found again by its award, not its id */
    if (rc >= 0 && n == 0)
        rc = cpol__request_fresh(ctx, CPOL__REQUEST_AUTO_REVERSAL, &station, &id);
    if (rc >= 0 && n == 0)
        rc = write_reversal(ctx, as, &id, orig, reason);
    cpol__record_free(orig);
    return rc;
}
