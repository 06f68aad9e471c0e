#!/usr/bin/env python3
"""analyst.py: a station's people and areas as CSV, for an analyst.

    python3 examples/analyst.py --demo --csv people.csv
    python3 examples/analyst.py --db station.db --station 忙畔派出所 --actor PERSON_ID --csv people.csv

Reads, as an analyst (a person holding the analyst role at the station; the
system actor if --actor is not given), every community and village under a
police station and the people registered there, then

- writes one CSV row per person file (masked: an analyst never sees full
  ID-card or phone numbers) with the community it belongs to, straight from
  the binding's dict rows through csv.DictWriter;
- prints, per community, how many residents are registered and how many
  volunteers are active, in review (applied, under review, admitted),
  suspended or retired;
- if pandas is installed, prints the same table from a DataFrame built from
  the same rows.

--demo builds a small station first (in memory, or in --db).

What waits for the cases module (not in the C API yet): closure and
resolution rates per community and the top repeat locations of the issue.
They will be computed here from the case iterators once cpol_case_* lands;
the bindings pick the new functions up when bindings/tools is re-run.

Standard library only (plus the commpolice package of this repository).
"""

import argparse
import collections
import csv
import os
import sys
import uuid

import commpolice as cp

IN_REVIEW = (cp.CPOL_ASSIGNMENT_APPLIED, cp.CPOL_ASSIGNMENT_UNDER_REVIEW, cp.CPOL_ASSIGNMENT_ADMITTED)


def id_card(first17):
    w = [7, 9, 10, 5, 8, 4, 2, 1, 6, 3, 7, 9, 10, 5, 8, 4, 2]
    return first17 + "10X98765432"[sum(int(c) * k for c, k in zip(first17, w)) % 11]


def build_demo(ctx):
    """A bureau, one station with two communities and a village, residents,
    volunteers at every stage, and an analyst. Returns (station id, analyst)."""
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

    officer_id = person("张警官", 1, places["玉龙社区"])
    ctx.role_appoint(system, officer_id, cp.CPOL_ROLE_OFFICER, station, "任命")
    officer = ctx.actor_open(officer_id, cp.CPOL_ROLE_OFFICER)
    analyst_id = person("分析员", 2, places["凤翔社区"])
    ctx.role_appoint(system, analyst_id, cp.CPOL_ROLE_ANALYST, station, "任命")

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
    officer.close()
    system.close()
    return station, analyst_id


def parse_id(text, what):
    try:
        return uuid.UUID(text)
    except ValueError:
        raise SystemExit("analyst: %s must be an id (xxxxxxxx-xxxx-xxxx-xxxx-xxxxxxxxxxxx), not %r" % (what, text))


def main(argv=None):
    ap = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    ap.add_argument("--db", help="a SQLite file (default with --demo: in memory)")
    ap.add_argument("--demo", action="store_true", help="build a demo station first")
    ap.add_argument("--station", help="the police station's id (default: the demo's)")
    ap.add_argument("--actor", help="the analyst's person id (default: the demo's analyst, else the system actor)")
    ap.add_argument("--csv", default="-", help="where to write the people CSV (default: stdout)")
    args = ap.parse_args(argv)

    uri = "sqlite:" + args.db if args.db else "memory:"
    if not args.db and not args.demo:
        ap.error("give --db, --demo or both")
    with cp.open(uri) as ctx:
        station, analyst_id = (build_demo(ctx) if args.demo else (None, None))
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

        with ctx.area_get(station) as st:
            station_name = st.name
        communities = [a for a in ctx.area_iter(station, cp.CPOL_AREA_WALK_CHILDREN)
                       if a["kind"] in (cp.CPOL_AREA_COMMUNITY, cp.CPOL_AREA_VILLAGE)]

        # people, one CSV row each, tagged with their community
        fields = ["community"] + list(cp.row_fields("cpol_person"))
        out = sys.stdout if args.csv == "-" else open(args.csv, "w", newline="", encoding="utf-8")
        summary = collections.OrderedDict()
        rows_for_pandas = []
        try:
            writer = csv.DictWriter(out, fieldnames=fields)
            writer.writeheader()
            for com in communities:
                residents = 0
                for row in ctx.person_iter(actor, area=com["id"]):
                    residents += 1
                    row = dict(row, community=com["name"])
                    writer.writerow(row)
                    rows_for_pandas.append(row)
                counts = {"residents": residents}
                for label, statuses in (("active", [cp.CPOL_ASSIGNMENT_ACTIVE]), ("in review", IN_REVIEW),
                                        ("suspended", [cp.CPOL_ASSIGNMENT_SUSPENDED]),
                                        ("retired", [cp.CPOL_ASSIGNMENT_RETIRED])):
                    counts[label] = sum(
                        sum(1 for _ in ctx.person_iter(actor, area=com["id"], role=cp.CPOL_ROLE_VOLUNTEER, status=s))
                        for s in statuses)
                summary[com["name"]] = counts
        finally:
            if out is not sys.stdout:
                out.close()
        actor.close()

    report = sys.stderr if args.csv == "-" else sys.stdout
    print("%s: %d communities, %d people" % (station_name, len(summary), len(rows_for_pandas)), file=report)
    cols = ["residents", "active", "in review", "suspended", "retired"]
    print("%-10s " % "community" + " ".join("%9s" % c for c in cols), file=report)
    for name, counts in summary.items():
        print("%-10s " % name + " ".join("%9d" % counts[c] for c in cols), file=report)
    masked = all(r["masked"] for r in rows_for_pandas)
    print("ID-card and phone numbers masked in every row: %s" % ("yes" if masked else "NO"), file=report)
    try:
        import pandas
    except ImportError:
        pass
    else:
        df = pandas.DataFrame(rows_for_pandas)
        print(df.groupby("community").size().rename("people (pandas)"), file=report)
    print("closure and resolution rates, repeat locations: wait for the cases API (see this file's docstring)",
          file=report)
    if args.csv != "-":
        print("wrote %s" % os.path.abspath(args.csv), file=report)
    if not masked:
        return 1
    return 0


if __name__ == "__main__":
    sys.exit(main())
