/* cpol demo: playing a month — patrols with check-in, publicity, the
 * service-station kiosk, the cases, the overdue tick and the spot check. */
#include <string.h>

#include "demo_agenda.h"

#define AGENDA_MAX 1024
#define SHIFTS_MAX 40
#define SIGNUPS_MAX 12

typedef struct event {
    cpol_time at;
    long seq;
    int kind, index;
} event;

typedef struct shift {
    cpol_id id;
    int kind;             /* CPOL_SHIFT_PATROL or CPOL_SHIFT_PUBLICITY */
    const cpol_id *recorder;
    cpol_id signups[SIGNUPS_MAX];
    int n;
} shift;

/* One month's agenda (one demo run at a time in a process). */
static event agenda[AGENDA_MAX];
static int agenda_n;
static long agenda_seq;
static shift shifts[SHIFTS_MAX];
static int shifts_n;

int demo_agenda_add(demo *d, cpol_time at, int kind, int index)
{
    if (agenda_n == AGENDA_MAX) {
        if (!d->failed) {
            fprintf(stderr, "%s demo: the agenda is full\n", d->c->prog);
            d->failed = CLI_EXIT_ERROR;
        }
        return 0;
    }
    agenda[agenda_n].at = at;
    agenda[agenda_n].seq = agenda_seq++;
    agenda[agenda_n].kind = kind;
    agenda[agenda_n].index = index;
    agenda_n++;
    return 1;
}

/* The earliest event (ties in the order they were added). */
static int agenda_next(event *out)
{
    int i, best = -1;
    for (i = 0; i < agenda_n; i++)
        if (best < 0 || agenda[i].at < agenda[best].at
            || (agenda[i].at == agenda[best].at && agenda[i].seq < agenda[best].seq))
            best = i;
    if (best < 0)
        return 0;
    *out = agenda[best];
    agenda[best] = agenda[--agenda_n];
    return 1;
}

/* ---- shifts ------------------------------------------------------------- */

/* Schedule a shift in the morning, sign up @p places people from @p pool. */
static int plan_shift(demo *d, int kind, const cpol_id *team, const cpol_id *area, const char *title,
                      const cpol_id *recorder, const cpol_id *pool, int pool_n, int places, cpol_time starts)
{
    cpol_shift_fields f = CPOL_SHIFT_FIELDS_INIT;
    const cpol_actor *as = demo_as(d, recorder, CPOL_ROLE_AUXILIARY);
    shift *s;
    int i, first;
    if (!as || shifts_n == SHIFTS_MAX)
        return as != NULL;
    s = &shifts[shifts_n];
    memset(s, 0, sizeof *s);
    s->kind = kind;
    s->recorder = recorder;
    f.team = team;
    f.area = area;
    f.kind = kind;
    f.title = title;
    f.starts_at = starts;
    f.ends_at = starts + 2 * HOUR_MS;
    f.capacity = places + 2;
    if (!demo_ok(d, cpol_shift_create(d->ctx, as, &f, &s->id), "scheduling a shift"))
        return 0;
    first = (int)demo_rand(d, (uint32_t)pool_n);
    for (i = 0; i < places && i < SIGNUPS_MAX && i < pool_n; i++) {
        const cpol_id *p = &pool[(first + i * 5) % pool_n];
        if (!demo_ok(d, cpol_shift_signup(d->ctx, as, &s->id, p, &s->signups[s->n]), "signing up"))
            return 0;
        s->n++;
        d->patrol_signups += kind == CPOL_SHIFT_PATROL;
    }
    shifts_n++;
    return demo_agenda_add(d, starts, EV_SHIFT_START, shifts_n - 1)
           && demo_agenda_add(d, f.ends_at, EV_SHIFT_END, shifts_n - 1);
}

/* At the start everyone but the last comes and is checked in. */
static int shift_start(demo *d, int index)
{
    shift *s = &shifts[index];
    const cpol_actor *as = demo_as(d, s->recorder, CPOL_ROLE_AUXILIARY);
    int i;
    for (i = 0; as && i + 1 < s->n; i++)
        if (!demo_ok(d, cpol_signup_check_in(d->ctx, as, &s->signups[i]), "checking in"))
            return 0;
    return as != NULL;
}

/* At the end: completions (points are awarded by the library), the no-show, the audience. */
static int shift_end(demo *d, int index)
{
    shift *s = &shifts[index];
    const cpol_actor *as = demo_as(d, s->recorder, CPOL_ROLE_AUXILIARY);
    int i;
    if (!as)
        return 0;
    for (i = 0; i < s->n; i++) {
        if (i + 1 < s->n) {
            if (!demo_ok(d, cpol_signup_complete(d->ctx, as, &s->signups[i], -1), "completing a shift"))
                return 0;
            d->patrol_completed += s->kind == CPOL_SHIFT_PATROL;
        } else if (!demo_ok(d, cpol_signup_no_show(d->ctx, as, &s->signups[i]), "marking a no-show")) {
            return 0;
        }
    }
    return demo_ok(d, cpol_shift_close(d->ctx, as, &s->id, s->kind == CPOL_SHIFT_PUBLICITY ? 20 + demo_rand(d, 40) : 0),
                   "closing a shift");
}

/* ---- the service-station kiosk ----------------------------------------- */

/* Who has the most points redeems the dearest thing they can afford. On
 * the second opening the kiosk loses its connection and retries the first
 * request with the same id: it is charged once. On the third the first
 * redemption is a two-phase hold, posted when the goods are handed over. */
static int shop(demo *d, int opening)
{
    cpol_leaderboard_filter lf = CPOL_LEADERBOARD_FILTER_INIT;
    cpol_leaderboard_iter *it = NULL;
    const cpol_leaderboard_entry *e;
    const cpol_actor *op = demo_as(d, &d->operator_, CPOL_ROLE_OPERATOR);
    cpol_id people[4];
    int n = 0, i;
    if (!op)
        return 0;
    lf.station = &d->station;
    lf.limit = 4;
    if (!demo_ok(d, cpol_leaderboard_iter_new(d->ctx, op, &lf, &it), "reading the leaderboard"))
        return 0;
    while (n < 4 && cpol_leaderboard_iter_next(it, &e) == CPOL_OK)
        people[n++] = *cpol_leaderboard_entry_person(e);
    cpol_leaderboard_iter_free(it);
    for (i = 0; i < n; i++) {
        int64_t balance = 0, available = 0, amount = 0, again = 0, after = 0;
        cpol_shop_item *item;
        cpol_id request;
        int k, pick = -1, rc;
        if (!demo_ok(d, cpol_points_balance(d->ctx, op, &people[i], &balance, &available), "reading a balance"))
            return 0;
        for (k = 0; k < DEMO_ITEMS; k++) {
            if (!demo_ok(d, cpol_shop_item_get(d->ctx, op, &d->items[k], &item), "reading the catalogue"))
                return 0;
            if (cpol_shop_item_price(item) <= available && cpol_shop_item_stock(item) > 0
                && (pick < 0 || k < pick))
                pick = k;
            cpol_shop_item_free(item);
        }
        if (pick < 0)
            continue;
        /* the kiosk stores its request id before sending (idempotency) */
        if (!demo_ok(d, cpol_id_new(d->ctx, &request), "a request id"))
            return 0;
        rc = cpol_shop_redeem(d->ctx, op, &request, &people[i], &d->items[pick], 1,
                              opening == 2 && i == 0 ? 30 * MIN_MS : 0, &amount);
        if (!demo_ok(d, rc, "redeeming points"))
            return 0;
        d->redemptions++;
        if (opening == 1 && i == 0) {
            rc = cpol_shop_redeem(d->ctx, op, &request, &people[i], &d->items[pick], 1, 0, &again);
            if (!demo_ok(d, rc, "retrying a redemption")
                || !demo_ok(d, cpol_points_balance(d->ctx, op, &people[i], &after, NULL), "reading a balance"))
                return 0;
            if (rc == CPOL_ALREADY && again == amount && after == balance - amount)
                d->retried_once++;
        }
        if (opening == 2 && i == 0) {
            demo_clock_to(d, d->c->fixed_now + 5 * MIN_MS);
            if (!demo_ok(d, cpol_hold_post(d->ctx, op, &request), "handing over held goods"))
                return 0;
        }
    }
    return 1;
}

/* ---- the clock and the station leader ------------------------------------ */

static int tick(demo *d)
{
    cpol_case_overdue_iter *it = NULL;
    const cpol_case_overdue *o;
    if (!demo_ok(d, cpol_case_tick(d->ctx, d->sys, 1, &it), "the overdue tick"))
        return 0;
    while (cpol_case_overdue_iter_next(it, &o) == CPOL_OK)
        d->escalated_by_clock += cpol_case_overdue_escalated(o) != 0;
    cpol_case_overdue_iter_free(it);
    return 1;
}

/* 所长抽查: a fifth of the month's resolved cases; a leader who handled a
 * case leaves its check to the deputy. */
static int spot_check(demo *d)
{
    cpol_spot_check_iter *it = NULL;
    const cpol_spot_check *s;
    const cpol_actor *leader = demo_as(d, &d->leader, CPOL_ROLE_LEADER);
    const cpol_actor *deputy = demo_as(d, &d->deputy, CPOL_ROLE_LEADER);
    cpol_id checks[DEMO_MAX_CASES];
    int n = 0, i;
    if (!leader || !deputy
        || !demo_ok(d, cpol_spot_check_sample(d->ctx, leader, &d->station, d->start, d->end, 200,
                                              (int64_t)(d->rng & 0x7FFFFFFF), &it),
                    "sampling spot checks"))
        return 0;
    while (n < DEMO_MAX_CASES && cpol_spot_check_iter_next(it, &s) == CPOL_OK)
        checks[n++] = *cpol_spot_check_id(s);
    cpol_spot_check_iter_free(it);
    for (i = 0; i < n; i++) {
        int rc = cpol_spot_check_decide(d->ctx, leader, &checks[i], CPOL_SPOT_CONFIRMED, "抽查属实");
        if (rc == CPOL_ERULE)
            rc = cpol_spot_check_decide(d->ctx, deputy, &checks[i], CPOL_SPOT_CONFIRMED, "抽查属实");
        if (!demo_ok(d, rc, "deciding a spot check"))
            return 0;
        d->spot_checked++;
    }
    return 1;
}

/* ---- the plan ------------------------------------------------------------ */

/* The morning's reports: one or two a day, from all four parties and 110;
 * one complaint in the first week is left to go overdue. */
static int new_cases(demo *d, int day)
{
    static const int weights[] = {[S_TIP] = 3,   [S_ALERT] = 4,       [S_COMPLAINT] = 4, [S_GRID] = 3,
                                  [S_110] = 2,   [S_PATROL_FIND] = 3, [S_DUPLICATE] = 1, [S_OVERDUE] = 0};
    int total = 0, i, n = 1 + (int)demo_rand(d, 2);
    cpol_time at = d->c->fixed_now;
    for (i = 0; i < DEMO_SCENARIOS; i++)
        total += weights[i];
    if (day == 4 && !demo_case_report(d, S_OVERDUE, (int)demo_rand(d, 100), at))
        return 0;
    for (i = 0; i < n; i++) {
        int r = (int)demo_rand(d, (uint32_t)total), s = 0;
        while (r >= weights[s])
            r -= weights[s++];
        demo_clock_to(d, at + (cpol_time)i * 47 * MIN_MS);
        if (!demo_case_report(d, s, (int)demo_rand(d, 100), d->c->fixed_now))
            return 0;
    }
    return 1;
}

static int plan(demo *d)
{
    int day;
    for (day = 0; day < 30; day++) {
        cpol_time morning = d->start + (cpol_time)day * DAY_MS; /* 08:00 */
        if (!demo_agenda_add(d, morning, EV_TICK, day)
            || (day < 27 && !demo_agenda_add(d, morning + HOUR_MS, EV_NEW_CASES, day))
            || ((day == 9 || day == 19 || day == 27) && !demo_agenda_add(d, morning + 7 * HOUR_MS, EV_SHOP, day)))
            return 0;
    }
    return demo_agenda_add(d, d->start + 29 * DAY_MS + 2 * HOUR_MS, EV_SPOT_CHECK, 0);
}

/* Shifts are planned each morning for the day (so the clock never runs back). */
static int plan_shifts(demo *d, int day)
{
    cpol_time morning = d->start + (cpol_time)day * DAY_MS;
    if (day % 2 == 0
        && !plan_shift(d, CPOL_SHIFT_PATROL, &d->team_yulong, &d->yulong, "玉龙义警夜间巡逻", &d->aux_zhang,
                       d->volunteers, DEMO_VOLUNTEERS, 10, morning + 11 * HOUR_MS))
        return 0;
    if (day % 7 == 1
        && !plan_shift(d, CPOL_SHIFT_PATROL, &d->team_patrol, &d->village, "南片村义务巡逻", &d->aux_luo,
                       d->villagers, DEMO_VILLAGERS, 5, morning + 10 * HOUR_MS))
        return 0;
    if (day % 7 == 5
        && !plan_shift(d, CPOL_SHIFT_PUBLICITY, &d->team_yulong, &d->yulong, "反诈普法宣传", &d->aux_zhang,
                       d->volunteers, DEMO_VOLUNTEERS, 8, morning + HOUR_MS))
        return 0;
    return 1;
}

int demo_month_play(demo *d)
{
    event e;
    long done = 0;
    agenda_n = 0;
    agenda_seq = 0;
    shifts_n = 0;
    d->n_cases = 0;
    if (!plan(d))
        return d->failed;
    while (!d->failed && agenda_next(&e)) {
        if (e.at >= d->end)
            continue; /* what falls after the month stays open for the next run */
        demo_clock_to(d, e.at);
        switch (e.kind) {
        case EV_TICK:
            cli_progress(d->c, TR(d->c, "month", "本月"), e.index + 1, 30);
            if (plan_shifts(d, e.index))
                tick(d);
            break;
        case EV_NEW_CASES: new_cases(d, e.index); break;
        case EV_CASE: demo_case_step(d, e.index); break;
        case EV_SHIFT_START: shift_start(d, e.index); break;
        case EV_SHIFT_END: shift_end(d, e.index); break;
        case EV_SHOP: shop(d, e.index == 9 ? 0 : e.index == 19 ? 1 : 2); break;
        case EV_SPOT_CHECK: spot_check(d); break;
        default: break;
        }
        done++;
    }
    (void)done;
    demo_clock_to(d, d->end);
    return d->failed;
}
