#!/usr/bin/env python3
"""analyst.py: a police station's case figures per community, for an analyst.

    python3 examples/analyst.py --demo --csv communities.csv
    python3 examples/analyst.py --db station.db --station STATION_ID --actor PERSON_ID \\
        --csv communities.csv [--people-csv people.csv] [--from 2025-06-01] [--to 2025-07-01]

Reads, as an analyst (a person holding the analyst role at the station; the
system actor if --actor is not given), every community and village under a
police station and

- computes, per community, the case metrics of the cases reported there in
  the period (cpol_case_metrics_compute() with the community as the area):
  received, screened, resolved, closed, the closure rate (办结率: closed /
  received), the resolution rate (化解率: resolved / screened), satisfaction
  and the median arrival times (the first responder, and the first police
  officer: cpol_case_metrics_arrival()), plus the same for the whole station;
- writes those figures, one CSV row per community and a total row, with
  csv.DictWriter (--csv);
- lists the top repeat locations of the station (一地多起: repeat analysis by
  area and address, cpol_case_repeat_iter_new());
- prints how many residents and volunteers each community has, and with
  --people-csv writes the person files (masked: an analyst never sees full
  ID-card or phone numbers) straight from the binding's dict rows;
- if pandas is installed, prints the closure ranking from a DataFrame built
  from the same rows.

--demo builds a small station first (in memory, or in --db): three
communities, staff, volunteers and sixteen cases taken through the closed
loop to different ends, on an injected clock (June 2025), so the figures are
the same on every run.

Personal data are encrypted at rest, so the store is opened with the
station's master key (see DEMO_KEY below).

Standard library only (plus the commpolice package of this repository).
"""

import argparse
import collections
import csv
import datetime as dt
import os
import sys
import unicodedata
import uuid

import commpolice as cp

CHINA = dt.timezone(dt.timedelta(hours=8))
MINUTE = 60 * 1000
HOUR = 60 * MINUTE
DAY = 24 * HOUR
DEMO_START = dt.datetime(2025, 6, 1, 8, 0, tzinfo=CHINA)
IN_REVIEW = (cp.CPOL_ASSIGNMENT_APPLIED, cp.CPOL_ASSIGNMENT_UNDER_REVIEW, cp.CPOL_ASSIGNMENT_ADMITTED)

# The master key that encrypts the names, ID-card and phone numbers in the
# store. A real deployment fetches it from its key service (a key-management
# service, a hardware security module) by key id: pass cp.open() a callable
# key_id -> 32 bytes instead. This fixed demo key must never protect real data.
DEMO_KEY_ID = "analyst-demo-key-1"
DEMO_KEY = bytes((0x3C + 7 * i) % 256 for i in range(cp.CPOL_KEY_LEN))


def id_card(first17):
    w = [7, 9, 10, 5, 8, 4, 2, 1, 6, 3, 7, 9, 10, 5, 8, 4, 2]
    return first17 + "10X98765432"[sum(int(c) * k for c, k in zip(first17, w)) % 11]


# ---------------------------------------------------------------------------
# the demo station
# ---------------------------------------------------------------------------

class DemoClock:
    """The context's clock in the demo: milliseconds that the demo moves."""

    def __init__(self, start):
        self.ms = int(start.timestamp() * 1000)

    def __call__(self):
        return self.ms

    def advance(self, ms):
        self.ms += ms


# (community, where: None for the community itself or a compound's name, address, category, fate)
DEMO_CASES = [
    ("玉龙社区", "玉龙小区", "玉龙小区3栋", cp.CPOL_CASE_NEIGHBOUR, "closed"),
    ("玉龙社区", "玉龙小区", "玉龙小区3栋", cp.CPOL_CASE_NEIGHBOUR, "closed"),
    ("玉龙社区", "玉龙小区", "玉龙小区3栋", cp.CPOL_CASE_NEIGHBOUR, "resolved"),
    ("玉龙社区", "玉龙小区", "玉龙小区3栋", cp.CPOL_CASE_NEIGHBOUR, "in hand"),
    ("玉龙社区", "玉龙小区", "玉龙小区车棚", cp.CPOL_CASE_HAZARD, "closed"),
    ("玉龙社区", "玉龙小区", "玉龙小区车棚", cp.CPOL_CASE_HAZARD, "closed"),
    ("玉龙社区", None, "玉龙路12号", cp.CPOL_CASE_COMMERCIAL, "unresolved"),
    ("玉龙社区", "玉龙小区", "玉龙小区5栋", cp.CPOL_CASE_THEFT_FRAUD, "rejected"),
    ("凤翔社区", None, "凤翔农贸市场", cp.CPOL_CASE_COMMERCIAL, "closed"),
    ("凤翔社区", None, "凤翔农贸市场", cp.CPOL_CASE_COMMERCIAL, "closed"),
    ("凤翔社区", None, "凤翔农贸市场", cp.CPOL_CASE_COMMERCIAL, "closed"),
    ("凤翔社区", None, "凤翔花园2栋", cp.CPOL_CASE_FAMILY, "resolved"),
    ("凤翔社区", None, "凤翔花园7栋", cp.CPOL_CASE_PROPERTY, "reported"),
    ("南屏村", None, "南屏村委会旁", cp.CPOL_CASE_NEIGHBOUR, "closed"),
    ("南屏村", None, "南屏村三组", cp.CPOL_CASE_THEFT_FRAUD, "in hand"),
    ("南屏村", None, "南屏水库", cp.CPOL_CASE_HAZARD, "closed"),
]


def build_demo(ctx, clock):
    """A bureau, one station with two communities and a village, residents,
    volunteers at every stage, staff, an analyst and the cases of DEMO_CASES.
    Returns (station id, analyst's person id)."""
    system = ctx.actor_system()
    bureau = ctx.area_create(system, None, cp.CPOL_AREA_BUREAU, "临翔分局")
    station = ctx.area_create(system, bureau, cp.CPOL_AREA_STATION, "忙畔派出所")
    places = {
        "玉龙社区": ctx.area_create(system, station, cp.CPOL_AREA_COMMUNITY, "玉龙社区"),
        "凤翔社区": ctx.area_create(system, station, cp.CPOL_AREA_COMMUNITY, "凤翔社区"),
        "南屏村": ctx.area_create(system, station, cp.CPOL_AREA_VILLAGE, "南屏村"),
    }
    grid = ctx.area_create(system, places["玉龙社区"], cp.CPOL_AREA_GRID, "第一网格")
    compound = ctx.area_create(system, grid, cp.CPOL_AREA_COMPOUND, "玉龙小区")

    def person(name, n, home):
        return ctx.person_register(system, name=name, id_card=id_card("5309021980%02d%02d%03d" % (n % 12 + 1, n % 28 + 1, n)),
                                   phone="139%08d" % n, home_area=home)

    def staff(name, n, role, home):
        pid = person(name, n, home)
        ctx.role_appoint(system, pid, role, station, "任命")
        return ctx.actor_open(pid, role), pid

    officer, officer_id = staff("张警官", 1, cp.CPOL_ROLE_OFFICER, places["玉龙社区"])
    _, analyst_id = staff("分析员", 2, cp.CPOL_ROLE_ANALYST, places["凤翔社区"])
    leader, _ = staff("石所长", 3, cp.CPOL_ROLE_LEADER, places["凤翔社区"])
    aux, _ = staff("李辅警", 4, cp.CPOL_ROLE_AUXILIARY, places["南屏村"])

    plan = [  # (home, how far the volunteer application goes)
        (compound, cp.CPOL_ASSIGNMENT_ACTIVE), (compound, cp.CPOL_ASSIGNMENT_ACTIVE),
        (compound, cp.CPOL_ASSIGNMENT_SUSPENDED), (places["玉龙社区"], cp.CPOL_ASSIGNMENT_APPLIED),
        (places["凤翔社区"], cp.CPOL_ASSIGNMENT_ACTIVE), (places["凤翔社区"], cp.CPOL_ASSIGNMENT_RETIRED),
        (places["凤翔社区"], cp.CPOL_ASSIGNMENT_UNDER_REVIEW), (places["南屏村"], cp.CPOL_ASSIGNMENT_ACTIVE),
        (places["南屏村"], None), (places["南屏村"], None), (compound, None),
    ]
    steps = {
        cp.CPOL_ASSIGNMENT_APPLIED: [],
        cp.CPOL_ASSIGNMENT_UNDER_REVIEW: [cp.CPOL_ASSIGNMENT_UNDER_REVIEW],
        cp.CPOL_ASSIGNMENT_ACTIVE: [cp.CPOL_ASSIGNMENT_UNDER_REVIEW, cp.CPOL_ASSIGNMENT_ADMITTED,
                                    cp.CPOL_ASSIGNMENT_ACTIVE],
        cp.CPOL_ASSIGNMENT_SUSPENDED: [cp.CPOL_ASSIGNMENT_UNDER_REVIEW, cp.CPOL_ASSIGNMENT_ADMITTED,
                                       cp.CPOL_ASSIGNMENT_ACTIVE, cp.CPOL_ASSIGNMENT_SUSPENDED],
        cp.CPOL_ASSIGNMENT_RETIRED: [cp.CPOL_ASSIGNMENT_UNDER_REVIEW, cp.CPOL_ASSIGNMENT_ADMITTED,
                                     cp.CPOL_ASSIGNMENT_ACTIVE, cp.CPOL_ASSIGNMENT_RETIRED],
    }
    with ctx.batch():
        for n, (home, goal) in enumerate(plan, start=10):
            pid = person("居民%d" % n, n, home)
            if goal is None:
                continue
            a = ctx.volunteer_apply(officer, pid, cp.CPOL_ROLE_VOLUNTEER, home, "报名")
            for to in steps[goal]:
                ctx.assignment_step(officer, a, to, "示例")

    # The cases, each reported at 08:00 on its own day and taken through the
    # closed loop (核查 → 研判 → 交办 → 到场 → 处置 → 反馈 → 回访 → 办结) to its fate.
    areas = dict(places, 玉龙小区=compound)
    with ctx.batch():
        for i, (community, where, address, category, fate) in enumerate(DEMO_CASES):
            clock.ms = int(DEMO_START.timestamp() * 1000) + i * DAY
            case = ctx.case_report(aux, source=cp.CPOL_CASE_SOURCE_RESIDENT_COMPLAINT, category=category,
                                   area=areas[where or community], address=address,
                                   description="%s: %s" % (address, cp.case_category_name(category)),
                                   reporter_name="居民")
            if fate == "reported":
                continue
            clock.advance(4 * MINUTE)
            if fate == "rejected":
                ctx.case_reject(officer, case, cp.CPOL_REJECT_UNFOUNDED, None, "经核查不属实")
                continue
            ctx.case_verify(officer, case, "电话核实")
            ctx.case_assess(officer, case, cp.CPOL_RISK_GENERAL)
            ctx.case_assign(aux, case, cp.CPOL_TIER_OFFICER, officer_id)
            clock.advance((5 + 3 * (i % 4)) * MINUTE)  # 5, 8, 11 or 14 minutes to the scene
            ctx.case_arrive(officer, case, officer_id, 0, "到场")
            if fate == "in hand":
                continue
            clock.advance(2 * HOUR)
            outcome = (cp.CPOL_OUTCOME_UNRESOLVED if fate == "unresolved" else
                       cp.CPOL_OUTCOME_RECTIFIED if category == cp.CPOL_CASE_HAZARD else cp.CPOL_OUTCOME_MEDIATED)
            ctx.case_resolve(officer, case, outcome, "处置完毕")
            ctx.case_feedback(aux, case, "已向报告人反馈")
            if fate != "closed":
                continue
            clock.advance(3 * DAY)
            ctx.case_followup(aux, case, 0, (5, 4, 3)[i % 3], 0, "回访未复发")
            ctx.case_close(leader, case, "化解到位")
    clock.ms = int((DEMO_START + dt.timedelta(days=30)).timestamp() * 1000)
    for a in (officer, leader, aux, system):
        a.close()
    return station, analyst_id


# ---------------------------------------------------------------------------
# the figures
# ---------------------------------------------------------------------------

FIELDS = ["community", "kind", "received", "screened", "resolved", "unresolved", "rejected", "closed",
          "closure_rate", "resolution_rate", "satisfaction_rate", "repeat_calls", "median_arrival_min",
          "median_police_arrival_min"]


def case_figures(ctx, actor, area, name, kind, period):
    """One CSV row: the case metrics of an area (a community, or the station)."""
    with ctx.case_metrics_compute(actor, area=area, **period) as m:
        count = lambda metric: m.count(metric)  # noqa: E731
        arrivals, median_ms, _ = m.response(cp.CPOL_STAGE_ARRIVAL)
        police, police_ms, _ = m.arrival(cp.CPOL_ARRIVAL_POLICE)
        return {
            "community": name,
            "kind": kind,
            "received": count(cp.CPOL_METRIC_RECEIVED),
            "screened": count(cp.CPOL_METRIC_SCREENED),
            "resolved": count(cp.CPOL_METRIC_RESOLVED),
            "unresolved": count(cp.CPOL_METRIC_UNRESOLVED),
            "rejected": count(cp.CPOL_METRIC_REJECTED),
            "closed": count(cp.CPOL_METRIC_CLOSED),
            "closure_rate": round(m.rate(cp.CPOL_RATE_CLOSURE), 4),
            "resolution_rate": round(m.rate(cp.CPOL_RATE_RESOLUTION), 4),
            "satisfaction_rate": round(m.rate(cp.CPOL_RATE_SATISFACTION), 4),
            "repeat_calls": count(cp.CPOL_METRIC_REPEAT_CALLS),
            "median_arrival_min": round(median_ms / MINUTE, 1) if arrivals else "",
            "median_police_arrival_min": round(police_ms / MINUTE, 1) if police else "",
        }


def top_repeat_locations(ctx, actor, station, period, threshold, top):
    """一地多起: groups of cases at the same area and address, largest first."""
    groups = ctx.case_repeat_iter(actor, kind=cp.CPOL_REPEAT_ADDRESS, area=station, threshold=threshold,
                                  limit=top, **period)
    return list(groups)


def people_by_community(ctx, actor, communities, writer):
    """Residents and volunteers per community; each person file goes to the
    writer (a csv.DictWriter or None)."""
    summary = collections.OrderedDict()
    masked = True
    for com in communities:
        residents = 0
        for row in ctx.person_iter(actor, area=com["id"]):
            residents += 1
            masked = masked and row["masked"]
            if writer:
                writer.writerow(dict(row, community=com["name"]))
        counts = {"residents": residents}
        for label, statuses in (("active", [cp.CPOL_ASSIGNMENT_ACTIVE]), ("in review", IN_REVIEW),
                                ("suspended", [cp.CPOL_ASSIGNMENT_SUSPENDED]),
                                ("retired", [cp.CPOL_ASSIGNMENT_RETIRED])):
            counts[label] = sum(
                sum(1 for _ in ctx.person_iter(actor, area=com["id"], role=cp.CPOL_ROLE_VOLUNTEER, status=s))
                for s in statuses)
        summary[com["name"]] = counts
    return summary, masked


def parse_id(text, what):
    try:
        return uuid.UUID(text)
    except ValueError:
        raise SystemExit("analyst: %s must be an id (xxxxxxxx-xxxx-xxxx-xxxx-xxxxxxxxxxxx), not %r" % (what, text))


def parse_day(text, what):
    try:
        return dt.datetime.strptime(text, "%Y-%m-%d").replace(tzinfo=CHINA)
    except ValueError:
        raise SystemExit("analyst: %s must be a date (YYYY-MM-DD), not %r" % (what, text))


def pad(text, width):
    """Left-justify to a display width (CJK characters take two columns)."""
    used = sum(2 if unicodedata.east_asian_width(ch) in "WF" else 1 for ch in text)
    return text + " " * max(width - used, 0)


def percent(rate):
    return "%5.1f %%" % (100 * rate)


def main(argv=None):
    ap = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    ap.add_argument("--db", help="a SQLite file (default with --demo: in memory)")
    ap.add_argument("--demo", action="store_true", help="build a demo station first")
    ap.add_argument("--station", help="the police station's id (default: the demo's)")
    ap.add_argument("--actor", help="the analyst's person id (default: the demo's analyst, else the system actor)")
    ap.add_argument("--from", dest="from_", help="cases reported on or after this day (China time)")
    ap.add_argument("--to", help="cases reported before this day (China time)")
    ap.add_argument("--csv", default="-", help="where to write the per-community figures (default: stdout)")
    ap.add_argument("--people-csv", help="also write the (masked) person files here")
    ap.add_argument("--threshold", type=int, default=2, help="repeat locations: at least this many cases (2)")
    ap.add_argument("--top", type=int, default=5, help="repeat locations: list this many (5)")
    args = ap.parse_args(argv)

    if not args.db and not args.demo:
        ap.error("give --db, --demo or both")
    uri = "sqlite:" + args.db if args.db else "memory:"
    period = {}
    if args.from_:
        period["from_"] = parse_day(args.from_, "--from")
    if args.to:
        period["to"] = parse_day(args.to, "--to")
    clock = DemoClock(DEMO_START) if args.demo else None
    report = sys.stderr if args.csv == "-" else sys.stdout
    with cp.open(uri, clock=clock, key=DEMO_KEY, key_id=DEMO_KEY_ID) as ctx:
        station, analyst_id = (build_demo(ctx, clock) if args.demo else (None, None))
        if args.station:
            station = parse_id(args.station, "--station")
        if station is None:
            ap.error("--station is required without --demo")
        person_id = parse_id(args.actor, "--actor") if args.actor else analyst_id
        if person_id:
            actor = ctx.actor_open(person_id, cp.CPOL_ROLE_ANALYST)
        else:
            print("analyst: no --actor: reading as the system actor", file=sys.stderr)
            actor = ctx.actor_system()

        with ctx.area_get(actor, station) as st:
            station_name = st.name
        communities = [a for a in ctx.area_iter(actor, station, cp.CPOL_AREA_WALK_CHILDREN)
                       if a["kind"] in (cp.CPOL_AREA_COMMUNITY, cp.CPOL_AREA_VILLAGE)]

        # case figures per community, and for the whole station
        rows = [case_figures(ctx, actor, com["id"], com["name"], cp.area_kind_name(com["kind"]), period)
                for com in communities]
        total = case_figures(ctx, actor, station, "合计 " + station_name, cp.area_kind_name(cp.CPOL_AREA_STATION),
                             period)
        repeats = top_repeat_locations(ctx, actor, station, period, args.threshold, args.top)
        area_names = {}
        for g in repeats:
            if g["area"] not in area_names:
                with ctx.area_get(actor, g["area"]) as a:
                    area_names[g["area"]] = a.name

        out = sys.stdout if args.csv == "-" else open(args.csv, "w", newline="", encoding="utf-8")
        try:
            writer = csv.DictWriter(out, fieldnames=FIELDS)
            writer.writeheader()
            writer.writerows(rows + [total])
        finally:
            if out is not sys.stdout:
                out.close()

        people_writer = people_file = None
        if args.people_csv:
            people_file = open(args.people_csv, "w", newline="", encoding="utf-8")
            people_writer = csv.DictWriter(people_file, fieldnames=["community"] + list(cp.row_fields("cpol_person")))
            people_writer.writeheader()
        try:
            people, masked = people_by_community(ctx, actor, communities, people_writer)
        finally:
            if people_file:
                people_file.close()
        now = ctx.now()
        actor.close()

    def show(line=""):
        print(line, file=report)

    as_of = now.astimezone(CHINA).strftime("%Y-%m-%d %H:%M")
    if period:
        span = "reported %s .. %s" % (args.from_ or "the start", args.to or "now")
    else:
        span = "all cases"
    show("%s: cases per community, %s, as of %s (UTC+8)" % (station_name, span, as_of))
    show("%s %8s %8s %8s %6s %9s %11s %13s %9s %9s" % (pad("community", 16), "received", "screened", "resolved",
                                                      "closed", "closure", "resolution", "satisfaction", "arrival",
                                                      "police"))
    for r in rows + [total]:
        minutes = lambda v: "%4.1f min" % v if v != "" else "-"  # noqa: E731
        show("%s %8d %8d %8d %6d %9s %11s %13s %9s %9s" % (
            pad(r["community"], 16), r["received"], r["screened"], r["resolved"], r["closed"],
            percent(r["closure_rate"]), percent(r["resolution_rate"]), percent(r["satisfaction_rate"]),
            minutes(r["median_arrival_min"]), minutes(r["median_police_arrival_min"])))
    show("(closure rate 办结率 = closed / received; resolution rate 化解率 = resolved / screened;"
         " arrival = median time to the scene of the first responder, police = of the first police officer)")
    show()
    show("top repeat locations (一地多起, %d or more cases at one address):" % args.threshold)
    if not repeats:
        show("  none")
    for rank, g in enumerate(repeats, start=1):
        show("  %d. %s (%s): %d cases, %s .. %s" % (
            rank, g["address"] or "-", area_names[g["area"]], g["count"],
            g["first_at"].astimezone(CHINA).strftime("%Y-%m-%d"), g["last_at"].astimezone(CHINA).strftime("%Y-%m-%d")))
    show()
    cols = ["residents", "active", "in review", "suspended", "retired"]
    show("people: %s" % pad("community", 10) + " ".join("%9s" % c for c in cols))
    for name, counts in people.items():
        show("        %s" % pad(name, 10) + " ".join("%9d" % counts[c] for c in cols))
    show("ID-card and phone numbers masked in every person row: %s" % ("yes" if masked else "NO"))
    try:
        import pandas
    except ImportError:
        pass
    else:
        df = pandas.DataFrame(rows).set_index("community")
        show(df.sort_values("closure_rate", ascending=False)[["received", "closed", "closure_rate"]].to_string())
    if args.csv != "-":
        show("wrote %s" % os.path.abspath(args.csv))
    if args.people_csv:
        show("wrote %s" % os.path.abspath(args.people_csv))

    if not masked:
        return 1
    if args.demo and not period and not args.station:  # the demo's figures are known: check them
        expected = {"玉龙社区": (8, 4, 5, 7), "凤翔社区": (5, 3, 4, 4), "南屏村": (3, 2, 2, 3)}
        got = {r["community"]: (r["received"], r["closed"], r["resolved"], r["screened"]) for r in rows}
        if got != expected or [(g["address"], g["count"]) for g in repeats[:2]] != [("玉龙小区3栋", 4),
                                                                                     ("凤翔农贸市场", 3)]:
            print("analyst: the demo's figures are not the expected ones: %r" % (got,), file=sys.stderr)
            return 1
    return 0


if __name__ == "__main__":
    sys.exit(main())
