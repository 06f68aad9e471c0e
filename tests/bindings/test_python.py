"""Tests of the commpolice Python package (CTest: bindings.python).

Run from the build tree: PYTHONPATH=BUILD/bindings/python python3 -m unittest -v test_python
(CTest sets it). The people scenarios mirror tests/public/check_people.c, the
ledger scenarios tests/public/check_ledger.c (and the leaderboard of
check_dossier.c), the case scenarios tests/public/check_case.c,
check_case_seeds.c and check_case_ops.c; all run on both backends (memory:
and sqlite:), the ledger and case ones with an injected clock (a Python
callable) as the C fixture does.
"""

import csv
import datetime as dt
import gc
import io
import json
import math
import os
import shutil
import subprocess
import sys
import tempfile
import unittest
import uuid
import weakref

import commpolice as cp

UTC = dt.timezone.utc


def id_card(first17):
    """A valid GB 11643 number from its first 17 digits."""
    w = [7, 9, 10, 5, 8, 4, 2, 1, 6, 3, 7, 9, 10, 5, 8, 4, 2]
    total = sum(int(c) * k for c, k in zip(first17, w))
    return first17 + "10X98765432"[total % 11]


BACKENDS = ("memory", "sqlite")

# A deployment opens its store with the master key from its key service (a
# KMS, a hardware module); the tests open every store with this fixed key.
TEST_KEY = bytes(range(1, 33))
TEST_KEY_ID = "test-key-1"


def open_ctx(uri, options=None, **kwargs):
    """open_ctx() as a deployment calls it: with a key (the tests' fixed one)."""
    return cp.open(uri, options, key=TEST_KEY, key_id=TEST_KEY_ID, **kwargs)


class Station:
    """The fixture of check_people.c: a bureau with two stations, a community,
    a grid and a compound, and the system actor."""

    def __init__(self, backend):
        self.tmp = tempfile.mkdtemp(prefix="cpol-py-")
        uri = "memory:" if backend == "memory" else "sqlite:%s/people.db" % self.tmp
        self.ctx = open_ctx(uri)
        self.sys = self.ctx.actor_system()
        c, s = self.ctx, self.sys
        self.bureau = c.area_create(s, None, cp.CPOL_AREA_BUREAU, "临翔分局")
        self.station = c.area_create(s, self.bureau, cp.CPOL_AREA_STATION, "忙畔派出所")
        self.other_station = c.area_create(s, self.bureau, cp.CPOL_AREA_STATION, "凤翔派出所")
        self.community = c.area_create(s, self.station, cp.CPOL_AREA_COMMUNITY, "玉龙社区")
        self.grid = c.area_create(s, self.community, cp.CPOL_AREA_GRID, "第一网格")
        self.compound = c.area_create(s, self.grid, cp.CPOL_AREA_COMPOUND, "玉龙小区")

    def close(self):
        self.sys.close()
        self.ctx.close()
        shutil.rmtree(self.tmp, ignore_errors=True)

    def person(self, name, first17, home=None):
        return self.ctx.person_register(self.sys, name=name, id_card=id_card(first17),
                                        home_area=home or self.community, phone="13912345678")

    def staff(self, name, first17, role, where):
        p = self.person(name, first17)
        self.ctx.role_appoint(self.sys, p, role, where, "任命")
        return self.ctx.actor_open(p, role)

    def count_audit(self, obj):
        return sum(1 for _ in self.ctx.audit_iter(self.sys, {"object": obj}))


class PeopleTests(unittest.TestCase):
    """check_people.c, scenario by scenario, on both backends."""

    def each_backend(self, test):
        for backend in BACKENDS:
            with self.subTest(backend=backend):
                st = Station(backend)
                try:
                    test(st)
                finally:
                    st.close()

    def test_area_tree_rules_and_walks(self):
        def run(st):
            c, s = st.ctx, st.sys
            with self.assertRaises(cp.ERULE):
                c.area_create(s, st.grid, cp.CPOL_AREA_COMMUNITY, "倒挂")
            with self.assertRaises(cp.ERULE):
                c.area_create(s, None, cp.CPOL_AREA_GRID, "无根网格")
            with self.assertRaises(cp.EEXISTS):
                c.area_create(s, st.community, cp.CPOL_AREA_GRID, "第一网格")
            with self.assertRaises(cp.EINVALID):
                c.area_create(s, st.grid, 99, "x")
            with self.assertRaises(cp.EINVALID):
                c.area_create(s, st.grid, cp.CPOL_AREA_BUILDING, "")
            with self.assertRaises(cp.EUTF8):
                c.area_create(s, st.grid, cp.CPOL_AREA_BUILDING, b"\xe4\xb8")
            with self.assertRaises(cp.ENOTFOUND):
                c.area_create(s, uuid.UUID(bytes=b"\x11" * 16), cp.CPOL_AREA_BUILDING, "x")
            with self.assertRaises(cp.EMISUSE):
                c.area_create(None, st.grid, cp.CPOL_AREA_BUILDING, "x")
            c.area_create(s, st.community, cp.CPOL_AREA_COMPOUND, "锦凤小区")
            b2 = c.area_create(s, st.compound, cp.CPOL_AREA_BUILDING, "1栋")
            self.assertIsInstance(b2, uuid.UUID)
            with c.area_get(s, b2) as got:
                self.assertEqual(got.name, "1栋")
                self.assertEqual(got.kind, cp.CPOL_AREA_BUILDING)
                self.assertEqual(got.depth, 5)
                self.assertEqual(got.station, st.station)
                self.assertEqual(got.parent, st.compound)
                self.assertEqual(got.row()["name"], "1栋")
                self.assertEqual(dict(got)["id"], b2)
            names = [a["name"] for a in c.area_iter(s, b2, cp.CPOL_AREA_WALK_ANCESTORS)]
            self.assertEqual(names, ["玉龙小区", "第一网格", "玉龙社区", "忙畔派出所", "临翔分局"])
            names = [a["name"] for a in c.area_iter(s, st.station, cp.CPOL_AREA_WALK_DESCENDANTS)]
            self.assertEqual(names, ["玉龙社区", "第一网格", "玉龙小区", "1栋", "锦凤小区"])
            names = [a["name"] for a in c.area_iter(s, st.bureau, cp.AreaWalk.CHILDREN)]
            self.assertEqual(names, ["忙畔派出所", "凤翔派出所"])
            with self.assertRaises(cp.EINVALID):
                c.area_iter(s, st.bureau, 9)
            c.area_rename(s, b2, "一栋")
            g2 = c.area_create(s, st.community, cp.CPOL_AREA_GRID, "第二网格")
            with self.assertRaises(cp.EEXISTS):
                c.area_rename(s, g2, "第一网格")
            c.area_rename(s, g2, "第二网格")
            self.assertEqual(st.count_audit(b2), 2)
        self.each_backend(run)

    def test_person_file_validation(self):
        def run(st):
            c, s = st.ctx, st.sys
            f = {"name": "王伟", "home_area": st.compound}
            for bad in ("53090219850312002", "5309021985031200211", "530902198503120020"):
                with self.assertRaises(cp.EINVALID):
                    c.person_register(s, f, id_card=bad)
            with self.assertRaises(cp.EINVALID) as cm:
                c.person_register(s, f, id_card="530902198503120020")
            self.assertIn("check character", cm.exception.message)
            with self.assertRaises(cp.EINVALID) as cm:
                c.person_register(s, f, id_card=id_card("53090219850230002"))
            self.assertIn("birth date", str(cm.exception))
            with self.assertRaises(cp.EINVALID):
                c.person_register(s, f, id_card=id_card("99090219850312002"))
            card = id_card("53090219850312002")
            with self.assertRaises(cp.EINVALID):
                c.person_register(s, f, id_card=card, phone="12345")
            with self.assertRaises(cp.EINVALID):
                c.person_register(s, dict(f, name=""), id_card=card)
            with self.assertRaises(cp.ETOOLONG):
                c.person_register(s, dict(f, name="a" * (cp.CPOL_PERSON_NAME_MAX + 1)), id_card=card)
            with self.assertRaises(cp.EUTF8):
                c.person_register(s, dict(f, name=b"\xff\xfe"), id_card=card)
            with self.assertRaises(cp.EINVALID):
                c.person_register(s, f, id_card=card, categories=0x100)
            cats = cp.CPOL_CATEGORY_SECURITY_GUARD | cp.CPOL_CATEGORY_COURIER
            with self.assertRaises(cp.ERULE):
                c.person_register(s, name="王伟", id_card=card, home_area=st.bureau, categories=cats)
            pid = c.person_register(s, name="王伟", id_card=card, home_area=st.compound,
                                    phone="0883-2123456", categories=cats)
            with self.assertRaises(cp.EEXISTS) as cm:
                c.person_register(s, name="王伟二", id_card=card, home_area=st.compound)
            self.assertIn("530***********", cm.exception.message)
            with c.person_get(s, pid) as p:
                self.assertEqual(p.name, "王伟")
                self.assertEqual(p.birth_date, 19850312)
                self.assertEqual(p.categories, cats)
                self.assertEqual(p.phone, "0883-2123456")
                self.assertEqual(p.station, st.station)
                self.assertIsInstance(p.registered_at, dt.datetime)
            self.assertEqual(st.count_audit(pid), 1)
            with self.assertRaises(TypeError):
                c.person_register(s, nickname="x")
        self.each_backend(run)

    def test_masking_for_roles_without_sensitive_permission(self):
        def run(st):
            c = st.ctx
            officer = st.staff("张警官", "53090219800101001", cp.CPOL_ROLE_OFFICER, st.station)
            operator = st.staff("服务站小刘", "53090219900101002", cp.CPOL_ROLE_OPERATOR, st.station)
            analyst = st.staff("分析员", "53090219910101003", cp.CPOL_ROLE_ANALYST, st.station)
            someone = st.person("居民甲", "53090219700505004", st.compound)
            with c.person_get(officer, someone) as p:
                self.assertFalse(p.masked)
                self.assertEqual(p.id_card, id_card("53090219700505004"))
            with c.person_get(operator, someone) as p:
                self.assertTrue(p.masked)
                self.assertTrue(p.id_card.startswith("530***********"))
                self.assertEqual(p.phone, "139****5678")
                self.assertEqual(p.birth_date, 0)  # the hidden digits are the birth date
                self.assertEqual(p.birth_year, 1970)
            rows = list(c.person_iter(analyst))
            self.assertEqual(len(rows), 4)
            for row in rows:
                self.assertIs(row["masked"], True)
                self.assertIn("***********", row["id_card"])
                self.assertEqual(row["birth_date"], 0)
                self.assertGreater(row["birth_year"], 1900)
            with c.person_get(operator, operator.person) as p:
                self.assertFalse(p.masked)  # one's own file in full
            for a in (officer, operator, analyst):
                a.close()
        self.each_backend(run)

    def test_volunteer_lifecycle_every_edge(self):
        def run(st):
            c = st.ctx
            officer = st.staff("张警官", "53090219800101001", cp.CPOL_ROLE_OFFICER, st.station)
            aux = st.staff("李辅警", "53090219850101002", cp.CPOL_ROLE_AUXILIARY, st.station)
            v = st.person("赵义警", "53090219950101003", st.compound)
            with self.assertRaises(cp.ERULE):
                c.volunteer_apply(aux, v, cp.CPOL_ROLE_OFFICER, st.community)
            with self.assertRaises(cp.ERULE):
                c.role_appoint(st.sys, v, cp.CPOL_ROLE_VOLUNTEER, st.community)
            a = c.volunteer_apply(aux, v, cp.CPOL_ROLE_VOLUNTEER, st.community, "自愿报名")
            with self.assertRaises(cp.EEXISTS):
                c.volunteer_apply(aux, v, cp.CPOL_ROLE_VOLUNTEER, st.community)
            with self.assertRaises(cp.ESTATE) as cm:
                c.assignment_step(officer, a, cp.CPOL_ASSIGNMENT_ADMITTED)
            self.assertIn("allowed: under review", cm.exception.message)
            with self.assertRaises(cp.ESTATE):
                c.assignment_step(officer, a, cp.CPOL_ASSIGNMENT_ACTIVE)
            with self.assertRaises(cp.EPERM) as cm:
                c.assignment_step(aux, a, cp.CPOL_ASSIGNMENT_UNDER_REVIEW)
            self.assertIn("volunteer.review", cm.exception.message)
            c.assignment_step(officer, a, cp.CPOL_ASSIGNMENT_UNDER_REVIEW)
            with self.assertRaises(cp.EINVALID):
                c.assignment_step(officer, a, cp.CPOL_ASSIGNMENT_REJECTED)  # a reason is required
            c.assignment_step(officer, a, cp.CPOL_ASSIGNMENT_ADMITTED, "政审通过")
            with self.assertRaises(cp.EPERM) as cm:
                c.actor_open(v, cp.CPOL_ROLE_VOLUNTEER)
            self.assertIn("admitted", cm.exception.message)
            c.assignment_step(officer, a, cp.CPOL_ASSIGNMENT_ACTIVE)
            vol = c.actor_open(v, cp.CPOL_ROLE_VOLUNTEER)
            self.assertEqual(vol.role, cp.CPOL_ROLE_VOLUNTEER)
            self.assertEqual(vol.person, v)
            self.assertFalse(vol.can(cp.CPOL_PERM_PERSON_REGISTER))
            with self.assertRaises(cp.EPERM):
                c.assignment_step(vol, a, cp.CPOL_ASSIGNMENT_RETIRED, "不干了")
            with self.assertRaises(cp.EINVALID):
                c.assignment_step(officer, a, cp.CPOL_ASSIGNMENT_SUSPENDED, "")
            c.assignment_step(officer, a, cp.CPOL_ASSIGNMENT_SUSPENDED, "巡逻缺勤三次")
            with self.assertRaises(cp.EPERM) as cm:
                c.person_note_add(vol, v, cp.CPOL_NOTE_GENERAL, "x")
            self.assertIn("suspended", cm.exception.message)
            c.assignment_step(officer, a, cp.CPOL_ASSIGNMENT_ACTIVE, "整改到位")
            c.person_note_add(officer, v, cp.CPOL_NOTE_DISCIPLINE, "缺勤三次，已约谈")
            c.assignment_step(officer, a, cp.CPOL_ASSIGNMENT_RETIRED, "搬离辖区")
            with self.assertRaises(cp.ESTATE) as cm:
                c.assignment_step(officer, a, cp.CPOL_ASSIGNMENT_ACTIVE)
            self.assertIn("none (final state)", cm.exception.message)
            with c.assignment_get(officer, a) as asg:
                self.assertEqual(asg.status, cp.CPOL_ASSIGNMENT_RETIRED)
                self.assertEqual(cp.assignment_status_name(asg.status), "retired")
            self.assertEqual(c.person_note_count(officer, v, cp.CPOL_NOTE_DISCIPLINE), 1)
            actions = [e["action"] for e in c.audit_iter(officer, object=a)]
            self.assertEqual(actions, ["volunteer.apply", "volunteer.review", "volunteer.admit",
                                       "volunteer.activate", "volunteer.suspend", "volunteer.reinstate",
                                       "volunteer.retire"])
            history = list(c.assignment_iter(officer, v))
            self.assertEqual([h["status"] for h in history], [cp.CPOL_ASSIGNMENT_RETIRED])
            c.volunteer_apply(aux, v, cp.CPOL_ROLE_VOLUNTEER, st.community, "回到辖区")
            for x in (vol, officer, aux):
                x.close()
        self.each_backend(run)

    def test_station_scope_and_permissions(self):
        def run(st):
            c = st.ctx
            officer = st.staff("张警官", "53090219800101001", cp.CPOL_ROLE_OFFICER, st.station)
            leader = st.staff("刘所长", "53090219750101002", cp.CPOL_ROLE_LEADER, st.station)
            foreign = st.staff("外所民警", "53090219820101003", cp.CPOL_ROLE_OFFICER, st.other_station)
            far = c.area_create(st.sys, st.other_station, cp.CPOL_AREA_COMMUNITY, "锦凤社区")
            p = st.person("居民乙", "53090219600101004", st.compound)
            with self.assertRaises(cp.EPERM) as cm:
                c.role_appoint(officer, p, cp.CPOL_ROLE_AUXILIARY, st.station)
            self.assertIn("role.appoint", cm.exception.message)
            a = c.role_appoint(leader, p, cp.CPOL_ROLE_AUXILIARY, st.station)
            with self.assertRaises(cp.EEXISTS):
                c.role_appoint(leader, p, cp.CPOL_ROLE_AUXILIARY, st.station)
            with c.actor_open(p, cp.CPOL_ROLE_AUXILIARY) as aux:
                with self.assertRaises(cp.EPERM):
                    c.assignment_step(aux, a, cp.CPOL_ASSIGNMENT_SUSPENDED, "x")
                with self.assertRaises(cp.EPERM) as cm:
                    c.audit_iter(aux)
                self.assertIn("audit.view", cm.exception.message)
            with self.assertRaises(cp.ENOTFOUND) as cm:  # another station's file: no probe across stations
                c.person_get(foreign, p)
            self.assertIn("does not exist", cm.exception.message)
            with self.assertRaises(cp.EPERM):
                c.person_update(foreign, p, name="改名")
            with self.assertRaises(cp.EPERM):
                c.area_create(foreign, st.community, cp.CPOL_AREA_GRID, "越权网格")
            c.area_create(foreign, far, cp.CPOL_AREA_GRID, "本所网格")
            with self.assertRaises(cp.EPERM):
                c.person_update(officer, p, home_area=far)
            with self.assertRaises(cp.EPERM):
                c.area_create(leader, st.bureau, cp.CPOL_AREA_STATION, "新所")
            with self.assertRaises(cp.EMISUSE):
                c.audit_iter(None)
            self.assertEqual(len(list(c.audit_iter(foreign, object=p))), 0)
            self.assertGreaterEqual(len(list(c.audit_iter(officer, object=p))), 1)
            for x in (officer, leader, foreign):
                x.close()
        self.each_backend(run)

    def test_people_queries_filter_and_page(self):
        def run(st):
            c = st.ctx
            officer = st.staff("张警官", "53090219800101001", cp.CPOL_ROLE_OFFICER, st.station)
            with c.batch():
                for i in range(25):
                    v = st.person("义警", "530902199001%02d%03d" % (i % 28 + 1, 100 + i),
                                  st.compound if i < 20 else st.community)
                    a = c.volunteer_apply(officer, v, cp.CPOL_ROLE_VOLUNTEER, st.community)
                    if i % 5:
                        for to in (cp.CPOL_ASSIGNMENT_UNDER_REVIEW, cp.CPOL_ASSIGNMENT_ADMITTED,
                                   cp.CPOL_ASSIGNMENT_ACTIVE):
                            c.assignment_step(officer, a, to)
            self.assertFalse(c.batch_active())

            def count(**filter_):
                return sum(1 for _ in c.person_iter(officer, **filter_))

            self.assertEqual(count(role=cp.CPOL_ROLE_VOLUNTEER, status=cp.CPOL_ASSIGNMENT_ACTIVE), 20)
            self.assertEqual(count(role=cp.CPOL_ROLE_VOLUNTEER, status=cp.CPOL_ASSIGNMENT_ACTIVE,
                                   area=st.compound), 16)
            self.assertEqual(count(area=st.grid), 20)
            self.assertEqual([count(limit=10, offset=i * 10) for i in range(3)], [10, 10, 6])
            with self.assertRaises(cp.EINVALID):
                count(status=cp.CPOL_ASSIGNMENT_ACTIVE)
            with self.assertRaises(cp.EVERSION):
                count(version=99)
            officer.close()
        self.each_backend(run)

    def test_refusals_change_nothing(self):
        def run(st):
            c = st.ctx
            aux = st.staff("李辅警", "53090219850101002", cp.CPOL_ROLE_AUXILIARY, st.station)
            p = st.person("居民丙", "53090219600101004", st.compound)
            before = st.count_audit(p)
            with self.assertRaises(cp.EEXISTS):
                c.person_update(aux, p, name="新名字", id_card=id_card("53090219850101002"))
            with self.assertRaises(cp.EPERM):
                c.person_note_add(aux, p, cp.CPOL_NOTE_DISCIPLINE, "x")
            with c.person_get(st.sys, p) as pp:
                self.assertEqual(pp.name, "居民丙")
            self.assertEqual(st.count_audit(p), before)
            aux.close()
        self.each_backend(run)

    @unittest.skipUnless(hasattr(cp.Context, "team_set_officer"), "no team API in this build")
    def test_non_error_outcome_is_returned_first(self):
        """A function documenting CPOL_ALREADY returns the status first."""
        def run(st):
            c = st.ctx
            officer = st.staff("张警官", "53090219800101001", cp.CPOL_ROLE_OFFICER, st.station)
            other = st.staff("王警官", "53090219810101002", cp.CPOL_ROLE_OFFICER, st.station)
            team = c.team_create(st.sys, name="玉龙义警队", kind=cp.CPOL_TEAM_VOLUNTEER_POLICE,
                                 area=st.community, officer=officer.person)
            self.assertEqual(c.team_set_officer(st.sys, team, officer.person), cp.Status.ALREADY)
            status = c.team_set_officer(st.sys, team, other.person, "轮岗")
            self.assertEqual(status, cp.CPOL_OK)
            self.assertIsInstance(status, cp.Status)
            with c.team_get(st.sys, team) as t:
                self.assertEqual(t.officer, other.person)
            officer.close()
            other.close()
        self.each_backend(run)

    def test_batch_rolls_back_on_exception(self):
        def run(st):
            c = st.ctx
            with self.assertRaises(RuntimeError):
                with c.batch():
                    c.area_create(st.sys, st.compound, cp.CPOL_AREA_BUILDING, "临时楼")
                    raise RuntimeError("abandon")
            names = [a["name"] for a in c.area_iter(st.sys, st.compound, cp.CPOL_AREA_WALK_CHILDREN)]
            self.assertEqual(names, [])
        self.each_backend(run)


# ---------------------------------------------------------------------------
# ledger and cases: the worlds of tests/support/fixture.c and
# tests/public/check_case_world.c, with the injected clock (a Python callable)
# ---------------------------------------------------------------------------

T0 = 1750644000000  # 2025-06-23 10:00 +08:00, the fixture's clock
SECOND = 1000
MINUTE = 60 * SECOND
HOUR = 60 * MINUTE
DAY = 24 * HOUR
YULONG_LAT, YULONG_LON = 23.886, 100.092


def ms_of(value):
    """A datetime the binding returned, as milliseconds since the epoch."""
    delta = value - dt.datetime(1970, 1, 1, tzinfo=UTC)
    return (delta.days * 86400 + delta.seconds) * 1000 + delta.microseconds // 1000


def nth_id_card(n):
    """fx_nth_id_card(): a unique valid ID-card number for the n-th test person."""
    return id_card("5309021970%02d%02d%03d" % (n // 28 % 12 + 1, n % 28 + 1, n % 1000))


class World:
    """fx_world: a bureau, a station, a community and a compound, the system
    actor, and an injected clock (self.now, milliseconds) that tests move."""

    def __init__(self, backend):
        self.tmp = tempfile.mkdtemp(prefix="cpol-py-")
        self.now = T0
        self.uri = "memory:" if backend == "memory" else "sqlite:%s/station.db" % self.tmp
        self.ctx = open_ctx(self.uri, clock=lambda: self.now)
        self.sys = self.ctx.actor_system()
        self.actors = []
        c, s = self.ctx, self.sys
        self.bureau = c.area_create(s, None, cp.CPOL_AREA_BUREAU, "临翔分局")
        self.station = c.area_create(s, self.bureau, cp.CPOL_AREA_STATION, "忙畔派出所")
        self.community = c.area_create(s, self.station, cp.CPOL_AREA_COMMUNITY, "玉龙社区")
        self.compound = c.area_create(s, self.community, cp.CPOL_AREA_COMPOUND, "玉龙小区")

    def close(self):
        for a in self.actors:
            a.close()
        self.sys.close()
        self.ctx.close()
        shutil.rmtree(self.tmp, ignore_errors=True)

    def new_id(self):
        return self.ctx.id_new()

    def person(self, name, n, home=None):
        return self.ctx.person_register(self.sys, name=name, id_card=nth_id_card(n),
                                        home_area=home or self.compound, phone="13812345678")

    def actor(self, person, role):
        a = self.ctx.actor_open(person, role)
        self.actors.append(a)
        return a

    def staff(self, name, n, role):
        """fx_staff(): (actor, person id)."""
        p = self.person(name, n)
        self.ctx.role_appoint(self.sys, p, role, self.station)
        return self.actor(p, role), p

    def volunteer(self, name, n, role=cp.CPOL_ROLE_VOLUNTEER):
        """fx_volunteer(): a person through the whole admission."""
        p = self.person(name, n)
        a = self.ctx.volunteer_apply(self.sys, p, role, self.community)
        for to in (cp.CPOL_ASSIGNMENT_UNDER_REVIEW, cp.CPOL_ASSIGNMENT_ADMITTED, cp.CPOL_ASSIGNMENT_ACTIVE):
            self.ctx.assignment_step(self.sys, a, to)
        return p


def each_backend(testcase, make, test):
    for backend in BACKENDS:
        with testcase.subTest(backend=backend):
            w = make(backend)
            try:
                test(w)
            finally:
                w.close()


class LedgerWorld(World):
    """check_ledger.c's setup(): an officer, an auxiliary and a service-station
    operator; patrols earn 10 (30 a day, 200 a month), publicity 5, leads 50."""

    def __init__(self, backend):
        super().__init__(backend)
        self.officer, self.officer_id = self.staff("张警官", 1, cp.CPOL_ROLE_OFFICER)
        self.aux, self.aux_id = self.staff("李辅警", 2, cp.CPOL_ROLE_AUXILIARY)
        self.operator, _ = self.staff("服务站小刘", 3, cp.CPOL_ROLE_OPERATOR)
        c = self.ctx
        c.earning_rule_set(self.officer, self.station, cp.CPOL_EARN_PATROL, 10, 30, 200)
        c.earning_rule_set(self.officer, self.station, cp.CPOL_EARN_PUBLICITY, 5, 0, 0)
        c.earning_rule_set(self.officer, self.station, cp.CPOL_EARN_CASE_LEAD, 50, 0, 0)

    def balance(self, person):
        return self.ctx.points_balance(self.sys, person)  # (balance, available)

    # An award names a real source of its kind (check_ledger.c): a completed
    # sign-up for patrol and publicity, a verified case the person reported
    # for a lead. The sources are made with the station's rule set aside, so
    # the library's own award does not pay them and the manual award can.

    def suspend_rule(self, kind):
        rule = self.ctx.earning_rule_get(self.sys, self.station, kind)
        if rule[0]:
            self.ctx.earning_rule_set(self.sys, self.station, kind, 0, 0, 0)
        return kind, rule

    def restore_rule(self, saved):
        kind, rule = saved
        if rule[0]:
            self.ctx.earning_rule_set(self.sys, self.station, kind, *rule)

    def done_signups(self, people, shift_kind=cp.CPOL_SHIFT_PATROL):
        """Completed sign-ups of `people` for one new patrol or publicity shift,
        under way since a minute ago: unrewarded sources."""
        c = self.ctx
        saved = self.suspend_rule(cp.CPOL_EARN_PATROL if shift_kind == cp.CPOL_SHIFT_PATROL
                                  else cp.CPOL_EARN_PUBLICITY)
        shift = c.shift_create(self.aux, area=self.community, kind=shift_kind,
                               title="夜间巡逻" if shift_kind == cp.CPOL_SHIFT_PATROL else "反诈宣传",
                               starts_at=self.now - MINUTE, ends_at=self.now + HOUR, capacity=len(people))
        out = []
        for person in people:
            signup = c.shift_signup(self.aux, shift, person)
            c.signup_check_in(self.aux, signup)
            c.signup_complete(self.aux, signup, 30)
            out.append(signup)
        self.restore_rule(saved)
        return out

    def unrewarded_lead(self, person):
        """A case `person` reported as a volunteer, verified with the lead rule set aside."""
        vol = self.ctx.actor_open(person, cp.CPOL_ROLE_VOLUNTEER)
        try:
            case = self.ctx.case_report(vol, source=cp.CPOL_CASE_SOURCE_VOLUNTEER_PATROL,
                                        category=cp.CPOL_CASE_PUBLIC_ORDER, area=self.compound,
                                        address="玉龙小区3栋", description="楼道里有陌生人反复试门")
        finally:
            vol.close()
        saved = self.suspend_rule(cp.CPOL_EARN_CASE_LEAD)
        self.ctx.case_verify(self.aux, case, "核实属实")
        self.restore_rule(saved)
        return case

    def source_for(self, person, kind):
        """A real unrewarded source of `kind` done by `person`."""
        if kind == cp.CPOL_EARN_CASE_LEAD:
            return self.unrewarded_lead(person)
        return self.done_signups([person], cp.CPOL_SHIFT_PATROL if kind == cp.CPOL_EARN_PATROL
                                 else cp.CPOL_SHIFT_PUBLICITY)[0]

    def award_for(self, person, kind, src, req=None):
        status, amount = self.ctx.points_award(self.aux, req or self.new_id(), person, kind, src)
        assert status == cp.CPOL_OK
        return amount

    def award(self, person, kind):
        """A manual award by the auxiliary for a new real source."""
        return self.award_for(person, kind, self.source_for(person, kind))

    def import_award(self, person, kind):
        """Points imported by the installation (the system actor): any source."""
        status, amount = self.ctx.points_award(self.sys, self.new_id(), person, kind, self.new_id())
        assert status == cp.CPOL_OK
        return amount

    def stock(self, item):
        with self.ctx.shop_item_get(self.sys, item) as it:
            return it.stock

    def verify(self):
        return self.ctx.ledger_verify(self.sys)


class LedgerTests(unittest.TestCase):
    """check_ledger.c (and the leaderboard of check_dossier.c), on both backends."""

    def run_both(self, test):
        each_backend(self, LedgerWorld, test)

    def test_volunteers_earn_and_redeem(self):
        def run(w):
            c = w.ctx
            soap = c.shop_item_create(w.officer, w.station, "洗衣粉", 30, 100)
            rice = c.shop_item_create(w.officer, w.station, "大米 5kg", 70, 10)
            with c.batch():
                vols = [w.volunteer("玉龙义警", 100 + i) for i in range(43)]
                patrols = [w.done_signups(vols), w.done_signups(vols)]
                publicity = w.done_signups(vols, cp.CPOL_SHIFT_PUBLICITY)
            total = 0
            # two patrols and a publicity session each; every third brings a verified lead
            for i, v in enumerate(vols):
                total += w.award_for(v, cp.CPOL_EARN_PATROL, patrols[0][i])
                total += w.award_for(v, cp.CPOL_EARN_PATROL, patrols[1][i])
                total += w.award_for(v, cp.CPOL_EARN_PUBLICITY, publicity[i])
                if i % 3 == 0:
                    total += w.award(v, cp.CPOL_EARN_CASE_LEAD)
            self.assertEqual(total, 43 * 25 + 15 * 50)
            self.assertEqual(w.balance(vols[0]), (75, 75))
            self.assertEqual(w.balance(vols[1]), (25, 25))
            redeemed = out_of_stock = 0
            for v in vols[::3]:  # the 15 with a lead want rice; there are 10 sacks
                try:
                    status, charged = c.shop_redeem(w.operator, w.new_id(), v, rice, 1, 0)
                except cp.ELIMIT as e:
                    self.assertIn("in stock", e.message)
                    self.assertEqual(w.balance(v)[0], 75)
                    out_of_stock += 1
                else:
                    self.assertEqual((status, charged), (cp.Status.OK, 70))
                    self.assertEqual(w.balance(v)[0], 5)
                    redeemed += 1
            self.assertEqual((redeemed, out_of_stock), (10, 5))
            with self.assertRaises(cp.EFUNDS) as cm:
                c.shop_redeem(w.operator, w.new_id(), vols[1], soap, 1, 0)
            self.assertIn("30 points needed, 25 available", cm.exception.message)
            self.assertEqual(w.stock(rice), 0)
            items = {row["name"]: row for row in c.shop_item_iter(w.sys, w.station)}
            self.assertEqual(sorted(items), ["大米 5kg", "洗衣粉"])
            self.assertEqual((items["洗衣粉"]["price"], items["洗衣粉"]["stock"]), (30, 100))
            self.assertGreater(w.verify(), 0)
        self.run_both(run)

    def test_awards_follow_rules_and_caps(self):
        def run(w):
            c = w.ctx
            v = w.volunteer("义警甲", 100)
            other = w.volunteer("义警乙", 101)
            vol = w.actor(v, cp.CPOL_ROLE_VOLUNTEER)
            self.assertEqual([w.award(v, cp.CPOL_EARN_PATROL) for _ in range(3)], [10, 10, 10])
            req, src = w.new_id(), w.source_for(v, cp.CPOL_EARN_PATROL)
            with self.assertRaises(cp.ELIMIT) as cm:
                c.points_award(w.aux, req, v, cp.CPOL_EARN_PATROL, src)
            self.assertIn("daily cap", cm.exception.message)
            w.now += DAY  # the next day, by the injected clock
            self.assertEqual(w.award(v, cp.CPOL_EARN_PATROL), 10)
            self.assertEqual(w.balance(v)[0], 40)
            with self.assertRaises(cp.ERULE):  # no rule for training at this station
                c.points_award(w.aux, req, v, cp.CPOL_EARN_TRAINING, src)
            with self.assertRaises(cp.ERULE) as cm:
                c.points_award(w.aux, req, w.aux_id, cp.CPOL_EARN_PATROL, src)
            self.assertIn("themselves", cm.exception.message)
            with self.assertRaises(cp.EPERM) as cm:
                c.points_award(vol, req, other, cp.CPOL_EARN_PATROL, src)
            self.assertIn("points.award", cm.exception.message)
            # one source earns once, whatever the request id
            src = w.source_for(other, cp.CPOL_EARN_PUBLICITY)
            status, amount = c.points_award(w.aux, req, other, cp.CPOL_EARN_PUBLICITY, src)
            self.assertEqual((status, amount), (cp.Status.OK, 5))
            with self.assertRaises(cp.ECONFLICT):
                c.points_award(w.aux, w.new_id(), other, cp.CPOL_EARN_PUBLICITY, src)
            with self.assertRaises(cp.EINVALID):
                c.points_award(w.aux, req, v, 99, src)
            with self.assertRaises(cp.EMISUSE):
                c.points_award(w.aux, None, v, cp.CPOL_EARN_PATROL, src)
            with self.assertRaises(cp.EUTF8):
                c.points_award(w.aux, req, v, cp.CPOL_EARN_PATROL, src, b"\xc3")
            with self.assertRaises(cp.EINVALID):
                c.earning_rule_set(w.officer, w.station, cp.CPOL_EARN_PATROL, -1, 0, 0)
            with self.assertRaises(cp.EINVALID):
                c.earning_rule_set(w.officer, w.community, cp.CPOL_EARN_PATROL, 5, 0, 0)
            with self.assertRaises(cp.EPERM):
                c.earning_rule_set(w.aux, w.station, cp.CPOL_EARN_PATROL, 5, 0, 0)
            self.assertEqual(c.earning_rule_get(w.aux, w.station, cp.CPOL_EARN_PATROL), (10, 30, 200))
            self.assertEqual(c.earning_rule_get(w.aux, w.station, cp.CPOL_EARN_TRAINING), (0, 0, 0))
            self.assertEqual(w.balance(v)[0], 40)
            # a soft limit flags, never refuses
            with self.assertRaises(cp.EPERM):
                c.points_set_soft_limit(w.aux, v, 45)
            with self.assertRaises(cp.EINVALID):
                c.points_set_soft_limit(w.officer, v, -1)
            c.points_set_soft_limit(w.officer, v, 45)
            r1 = w.new_id()
            c.points_award(w.aux, r1, v, cp.CPOL_EARN_PUBLICITY, w.source_for(v, cp.CPOL_EARN_PUBLICITY))  # 45: not above
            with c.transfer_get(w.aux, r1) as t:
                self.assertIs(t.flagged, False)
            r2 = w.new_id()
            c.points_award(w.aux, r2, v, cp.CPOL_EARN_PUBLICITY, w.source_for(v, cp.CPOL_EARN_PUBLICITY),
                           "宣传")  # 50: above
            with c.transfer_get(w.aux, r2) as t:
                self.assertIs(t.flagged, True)
                self.assertEqual(t.kind, cp.CPOL_TRANSFER_AWARD)
                self.assertEqual(t.earning_kind, cp.CPOL_EARN_PUBLICITY)
                self.assertEqual(t.person, v)
                self.assertEqual(t.memo, "宣传")
                self.assertEqual(t.id, r2)
                self.assertEqual(ms_of(t.time), w.now)
                self.assertIsNone(t.reverses)
            self.assertEqual(w.balance(v)[0], 50)
            self.assertEqual(cp.earning_kind_name(cp.CPOL_EARN_PATROL), "patrol")
            w.verify()
        self.run_both(run)

    def test_replays_are_idempotent_and_conflicts_named(self):
        n = 400  # check_ledger.c replays 10,000

        def run(w):
            c = w.ctx
            c.earning_rule_set(w.officer, w.station, cp.CPOL_EARN_PATROL, 1, 0, 0)
            v = [w.volunteer("义警", 100 + i) for i in range(4)]
            reqs = [w.new_id() for _ in range(n)]
            with c.batch():
                srcs = []
                for i in range(0, n, 4):
                    srcs += w.done_signups(v)  # srcs[i] is v[i % 4]'s
                for i in range(n):
                    c.points_award(w.aux, reqs[i], v[i % 4], cp.CPOL_EARN_PATROL, srcs[i], "巡逻")
            before = [w.balance(p) for p in v]
            self.assertEqual(before[0], (n // 4, n // 4))
            # a kiosk retrying every request after a dropped connection
            with c.batch():
                for i in range(n):
                    status, amount = c.points_award(w.aux, reqs[i], v[i % 4], cp.CPOL_EARN_PATROL, srcs[i], "巡逻")
                    self.assertIs(status, cp.Status.ALREADY)
                    self.assertEqual(amount, 1)
            self.assertEqual([w.balance(p) for p in v], before)
            # same id, different content: the differing field is named
            for args, field in (((v[1], cp.CPOL_EARN_PATROL, srcs[0], "巡逻"), "person"),
                                ((v[0], cp.CPOL_EARN_PUBLICITY, srcs[0], "巡逻"), "earning kind"),
                                ((v[0], cp.CPOL_EARN_PATROL, srcs[1], "巡逻"), "source"),
                                ((v[0], cp.CPOL_EARN_PATROL, srcs[0], "别的"), "memo")):
                with self.assertRaises(cp.ECONFLICT) as cm:
                    c.points_award(w.aux, reqs[0], *args)
                self.assertIn(field, cm.exception.message)
                self.assertEqual(cm.exception.code, cp.CPOL_ECONFLICT)
            self.assertEqual([w.balance(p) for p in v], before)
            self.assertGreaterEqual(w.verify(), 2 * n)
        self.run_both(run)

    def test_holds_post_void_and_expire_by_the_injected_clock(self):
        def run(w):
            c = w.ctx
            v = w.volunteer("义警甲", 100)
            item = c.shop_item_create(w.officer, w.station, "食用油", 20, 5)
            w.award(v, cp.CPOL_EARN_CASE_LEAD)  # 50
            h1, h2, h3 = w.new_id(), w.new_id(), w.new_id()
            self.assertEqual(c.shop_redeem(w.operator, h1, v, item, 1, 60000), (cp.Status.OK, 20))
            c.shop_redeem(w.operator, h2, v, item, 1, MINUTE)
            self.assertEqual(w.balance(v), (50, 10))  # holds count against the balance at once
            with self.assertRaises(cp.EFUNDS):
                c.shop_redeem(w.operator, h3, v, item, 1, 60000)
            self.assertEqual(w.stock(item), 3)
            self.assertEqual(c.shop_redemption_status(w.operator, h1), cp.CPOL_REDEMPTION_HELD)
            # post one, void the other, each exactly once
            self.assertEqual(c.hold_post(w.operator, h1), cp.Status.OK)
            self.assertEqual(c.hold_post(w.operator, h1), cp.Status.ALREADY)
            with self.assertRaises(cp.ESTATE):
                c.hold_void(w.operator, h1)
            self.assertEqual(c.hold_void(w.operator, h2), cp.Status.OK)
            self.assertEqual(c.hold_void(w.operator, h2), cp.Status.ALREADY)
            with self.assertRaises(cp.ESTATE):
                c.hold_post(w.operator, h2)
            self.assertEqual(w.balance(v), (30, 30))
            self.assertEqual(w.stock(item), 4)
            self.assertEqual(c.shop_redemption_status(w.operator, h1), cp.CPOL_REDEMPTION_POSTED)
            self.assertEqual(c.shop_redemption_status(w.operator, h2), cp.CPOL_REDEMPTION_VOIDED)
            # a hold that times out releases points and stock, and cannot be posted
            c.shop_redeem(w.operator, h3, v, item, 1, 60000)
            self.assertEqual(w.balance(v), (30, 10))
            self.assertEqual(c.hold_status(w.operator, h3), cp.CPOL_HOLD_PENDING)
            w.now += 61 * SECOND
            self.assertEqual(c.hold_status(w.operator, h3), cp.CPOL_HOLD_EXPIRED)
            with self.assertRaises(cp.ESTATE) as cm:
                c.hold_post(w.operator, h3)
            self.assertIn("expired", cm.exception.message)
            self.assertEqual(w.balance(v), (30, 30))
            self.assertEqual(w.stock(item), 4)
            self.assertEqual(c.hold_status(w.operator, h1), cp.CPOL_HOLD_POSTED)
            self.assertEqual(c.shop_redemption_status(w.operator, h3), cp.CPOL_REDEMPTION_EXPIRED)
            self.assertEqual(c.hold_expire_due(w.officer), 0)
            # the nightly job settles holds nobody touched
            h4 = w.new_id()
            c.shop_redeem(w.operator, h4, v, item, 1, 60000)
            w.now += 2 * MINUTE
            self.assertEqual(c.hold_expire_due(w.officer), 1)
            self.assertEqual(c.hold_status(w.operator, h4), cp.CPOL_HOLD_EXPIRED)
            self.assertEqual((w.balance(v), w.stock(item)), ((30, 30), 4))
            with self.assertRaises(cp.ENOTFOUND):
                c.hold_status(w.operator, w.new_id())
            w.verify()
        self.run_both(run)

    def test_redemptions_refunds_and_retries(self):
        def run(w):
            c = w.ctx
            v = w.volunteer("义警甲", 100)
            vol = w.actor(v, cp.CPOL_ROLE_VOLUNTEER)
            item = c.shop_item_create(w.officer, w.station, "毛巾", 5, 10)
            with self.assertRaises(cp.EEXISTS):
                c.shop_item_create(w.officer, w.station, "毛巾", 5, 10)
            w.award(v, cp.CPOL_EARN_CASE_LEAD)  # 50
            receipt = w.new_id()
            with self.assertRaises(cp.EPERM) as cm:
                c.shop_redeem(vol, receipt, v, item, 2, 0)
            self.assertIn("points.redeem", cm.exception.message)
            with self.assertRaises(cp.EINVALID):
                c.shop_redeem(w.operator, receipt, v, item, 0, 0)
            with self.assertRaises(cp.EINVALID):
                c.shop_redeem(w.operator, receipt, v, item, 1, -5)
            with self.assertRaises(cp.ELIMIT):
                c.shop_redeem(w.operator, receipt, v, item, 11, 0)
            self.assertEqual(c.shop_redeem(w.operator, receipt, v, item, 2, 0), (cp.Status.OK, 10))
            # the kiosk crashed and retries: no second charge
            self.assertEqual(c.shop_redeem(w.operator, receipt, v, item, 2, 0), (cp.Status.ALREADY, 10))
            with self.assertRaises(cp.ECONFLICT) as cm:
                c.shop_redeem(w.operator, receipt, v, item, 3, 0)
            self.assertIn("quantity", cm.exception.message)
            self.assertEqual(w.balance(v)[0], 40)
            self.assertEqual(w.stock(item), 8)
            with c.transfer_get(w.officer, receipt) as t:
                self.assertEqual((t.kind, t.amount), (cp.CPOL_TRANSFER_REDEEM, 10))
            # refund: points back, stock back, once
            refund = w.new_id()
            with self.assertRaises(cp.EINVALID):
                c.shop_refund(w.officer, refund, receipt, "")
            with self.assertRaises(cp.EPERM):
                c.shop_refund(w.operator, refund, receipt, "退货")
            self.assertEqual(c.shop_refund(w.officer, refund, receipt, "退货"), cp.Status.OK)
            self.assertEqual(c.shop_refund(w.officer, refund, receipt, "退货"), cp.Status.ALREADY)
            with self.assertRaises(cp.ECONFLICT):
                c.shop_refund(w.officer, w.new_id(), receipt, "再退")
            self.assertEqual(c.shop_redemption_status(vol, receipt), cp.CPOL_REDEMPTION_REFUNDED)
            with c.transfer_get(w.officer, refund) as t:
                self.assertEqual((t.kind, t.reverses, t.amount), (cp.CPOL_TRANSFER_REFUND, receipt, 10))
            self.assertEqual(w.balance(v)[0], 50)
            self.assertEqual(w.stock(item), 10)
            with self.assertRaises(cp.ELIMIT):
                c.shop_item_restock(w.officer, item, -11)
            c.shop_item_restock(w.officer, item, 5)
            c.shop_item_set_price(w.officer, item, 6)
            with c.shop_item_get(w.operator, item) as it:
                self.assertEqual((it.name, it.price, it.stock), ("毛巾", 6, 15))
            w.verify()
        self.run_both(run)

    def test_false_lead_reversed_once(self):
        def run(w):
            c = w.ctx
            v = w.volunteer("义警甲", 100)
            item = c.shop_item_create(w.officer, w.station, "手电筒", 40, 10)
            req = w.new_id()
            c.points_award(w.aux, req, v, cp.CPOL_EARN_CASE_LEAD, w.unrewarded_lead(v), "线索核实")
            rev = w.new_id()
            with self.assertRaises(cp.EPERM):
                c.points_reverse(w.aux, rev, req, "线索不实")
            self.assertEqual(c.points_reverse(w.officer, rev, req, "线索不实"), cp.Status.OK)
            self.assertEqual(c.points_reverse(w.officer, rev, req, "线索不实"), cp.Status.ALREADY)
            with self.assertRaises(cp.ECONFLICT):
                c.points_reverse(w.officer, w.new_id(), req, "线索不实")
            self.assertEqual(w.balance(v)[0], 0)
            with c.transfer_get(w.officer, rev) as t:
                self.assertEqual(t.kind, cp.CPOL_TRANSFER_REVERSAL)
                self.assertEqual(t.reverses, req)
                self.assertEqual(t.amount, 50)
            # a spent award cannot be reversed: nothing changes
            req = w.new_id()
            c.points_award(w.aux, req, v, cp.CPOL_EARN_CASE_LEAD, w.unrewarded_lead(v))
            receipt = w.new_id()
            c.shop_redeem(w.operator, receipt, v, item, 1, 0)
            rev = w.new_id()
            with self.assertRaises(cp.EFUNDS):
                c.points_reverse(w.officer, rev, req, "线索不实")
            self.assertEqual(w.balance(v)[0], 10)
            with self.assertRaises(cp.EINVALID):
                c.points_reverse(w.officer, rev, receipt, "不是奖励")
            w.verify()
        self.run_both(run)

    def test_statement_and_yearly_clearing(self):
        def run(w):
            c = w.ctx
            v = w.volunteer("义警甲", 100)
            item = c.shop_item_create(w.officer, w.station, "肥皂", 5, 10)
            w.award(v, cp.CPOL_EARN_PATROL)
            w.now += HOUR
            start = w.now
            w.award(v, cp.CPOL_EARN_PATROL)
            c.shop_redeem(w.operator, w.new_id(), v, item, 1, 0)
            it = c.statement_iter(w.sys, v, start, 0)
            self.assertEqual(it.outputs, {"opening": 10})
            lines = list(it)
            self.assertEqual([(l["kind"], l["amount"], l["balance"]) for l in lines],
                             [(cp.CPOL_TRANSFER_AWARD, 10, 20), (cp.CPOL_TRANSFER_REDEEM, -5, 15)])
            self.assertEqual(list(it.fields), cp.row_fields("cpol_statement_line"))
            self.assertEqual(lines[0]["time"], dt.datetime(2025, 6, 23, 3, 0, tzinfo=UTC))
            out = io.StringIO()  # statement lines go straight into csv
            wr = csv.DictWriter(out, fieldnames=it.fields)
            wr.writeheader()
            wr.writerows(c.statement_iter(w.sys, v, 0, 0))
            self.assertEqual(len(out.getvalue().splitlines()), 4)
            with self.assertRaises(cp.EINVALID):
                c.statement_iter(w.sys, v, start, start)
            # a volunteer reads their own statement; another volunteer may not read the balance
            o = w.volunteer("义警乙", 101)
            self_ = w.actor(v, cp.CPOL_ROLE_VOLUNTEER)
            other = w.actor(o, cp.CPOL_ROLE_VOLUNTEER)
            self.assertEqual(len(list(c.statement_iter(self_, v, 0, 0))), 3)
            with self.assertRaises(cp.EPERM):
                c.points_balance(other, v)
            with self.assertRaises(cp.EPERM):
                c.ledger_verify(other)
            # the yearly clearing, once
            batch = w.new_id()
            with self.assertRaises(cp.EPERM):
                c.points_expire_all(w.aux, batch, w.station)
            self.assertEqual(c.points_expire_all(w.officer, batch, w.station), (cp.Status.OK, 1, 15))
            self.assertEqual(w.balance(v)[0], 0)
            w.award(v, cp.CPOL_EARN_PUBLICITY)
            self.assertEqual(c.points_expire_all(w.officer, batch, w.station), (cp.Status.ALREADY, 1, 15))
            self.assertEqual(w.balance(v)[0], 5)
            w.verify()
        self.run_both(run)

    def test_batch_skip_invalid_or_all_or_nothing(self):
        def run(w):
            c = w.ctx
            v = w.volunteer("义警甲", 100)
            reqs = [w.new_id() for _ in range(5)]
            srcs = [w.source_for(v, cp.CPOL_EARN_PUBLICITY) for _ in range(5)]

            def five():
                outcome = []
                for i in range(5):
                    try:
                        c.points_award(w.aux, reqs[i], w.aux_id if i == 2 else v, cp.CPOL_EARN_PUBLICITY, srcs[i])
                        outcome.append("ok")
                    except cp.Error as e:
                        outcome.append(e.name)
                return outcome

            c.batch_begin()
            self.assertEqual(five(), ["ok", "ok", "CPOL_ERULE", "ok", "ok"])
            c.batch_rollback()  # all-or-nothing: the caller abandons the batch
            self.assertEqual(w.balance(v)[0], 0)
            with c.batch():  # skip-invalid: the caller commits the rest
                self.assertEqual(five(), ["ok", "ok", "CPOL_ERULE", "ok", "ok"])
            self.assertEqual(w.balance(v)[0], 20)
            w.verify()
        self.run_both(run)

    def test_leaderboard_ranks_a_period_and_scope(self):
        def run(w):
            c = w.ctx
            c.earning_rule_set(w.officer, w.station, cp.CPOL_EARN_PATROL, 10, 0, 0)
            v = [w.volunteer("义警" + "ABCD"[i], 10 + i) for i in range(4)]
            other_area = c.area_create(w.sys, w.station, cp.CPOL_AREA_COMMUNITY, "锦凤社区")
            c.person_update(w.sys, v[3], home_area=other_area)
            # points imported by the installation (check_dossier.c): any source
            w.import_award(v[0], cp.CPOL_EARN_CASE_LEAD)  # before the period
            w.now += 1000
            start = w.now
            for _ in range(3):
                w.import_award(v[1], cp.CPOL_EARN_PATROL)
                w.import_award(v[2], cp.CPOL_EARN_PATROL)
            w.import_award(v[0], cp.CPOL_EARN_PATROL)
            lead = w.new_id()
            c.points_award(w.sys, lead, v[3], cp.CPOL_EARN_CASE_LEAD, w.new_id())
            c.points_reverse(w.officer, w.new_id(), lead, "线索不实")

            def board(**f):
                return ["%d:%s:%d" % (e["rank"], e["name"], e["points"])
                        for e in c.leaderboard_iter(w.officer, station=w.station, from_=start, **f)]

            self.assertEqual(board(), ["1:义警B:30", "1:义警C:30", "3:义警A:10", "4:义警D:0"])
            # the struct field "from" is a Python keyword: from_= above, or the C name in a dict
            rows = list(c.leaderboard_iter(w.officer, {"station": w.station, "from": start}))
            self.assertEqual(rows[0]["person"], v[1])
            self.assertEqual(len(rows), 4)
            self.assertEqual([e.split(":")[1] for e in board(area=w.community, limit=2)], ["义警B", "义警C"])
            team = c.team_create(w.officer, name="巡逻队", kind=cp.CPOL_TEAM_PATROL,
                                 composition=cp.CPOL_TEAM_TEMPLATE_1_N, area=w.community, officer=w.officer_id)
            c.team_member_add(w.officer, team, v[2], cp.CPOL_TEAM_ROLE_MEMBER)
            names = [e["name"] for e in c.leaderboard_iter(w.officer, {"station": w.station, "from": start},
                                                           team=team)]
            self.assertEqual(names, ["义警C"])
            with self.assertRaises(cp.EINVALID):
                c.leaderboard_iter(w.officer, {"from": start})
            with self.assertRaises(cp.EINVALID):
                c.leaderboard_iter(w.officer, {"station": w.station, "from": start, "to": start})
            with self.assertRaises(cp.EPERM):
                c.leaderboard_iter(w.actor(v[0], cp.CPOL_ROLE_VOLUNTEER), station=w.station)
            w.verify()
        self.run_both(run)


class CaseWorld(World):
    """check_case_world.c: the station's officer, auxiliary, leader, analyst and
    operator, an informant, a property guard, a grid worker, a building head and
    a volunteer police member, a resident, the 1+1+N team 玉龙义警, and a second
    station (南屏派出所) with its own officer, resident and team."""

    def __init__(self, backend):
        super().__init__(backend)
        c, s = self.ctx, self.sys
        self.seq = 0
        with c.batch():
            self.officer, self.officer_id = self.staff_n("李警官", cp.CPOL_ROLE_OFFICER)
            self.aux, self.aux_id = self.staff_n("张辅警", cp.CPOL_ROLE_AUXILIARY)
            self.leader, self.leader_id = self.staff_n("石所长", cp.CPOL_ROLE_LEADER)
            self.analyst, self.analyst_id = self.staff_n("分析员周", cp.CPOL_ROLE_ANALYST)
            self.operator, _ = self.staff_n("操作员吴", cp.CPOL_ROLE_OPERATOR)
            self.informant, self.informant_id = self.volunteer_n("信息员王", cp.CPOL_ROLE_INFORMANT)
            self.guard, self.guard_id = self.volunteer_n("保安刘", cp.CPOL_ROLE_PROPERTY_GUARD)
            self.grid, self.grid_id = self.volunteer_n("网格员陈", cp.CPOL_ROLE_GRID_WORKER)
            self.head, self.head_id = self.volunteer_n("楼栋长赵", cp.CPOL_ROLE_BUILDING_HEAD)
            self.vol, self.vol_id = self.volunteer_n("义警李育斌", cp.CPOL_ROLE_VOLUNTEER)
            self.seq += 1
            self.resident = self.person("居民孙", self.seq)
            self.team = self.make_team("玉龙义警", self.community, self.officer_id)
            for p, role in ((self.aux_id, cp.CPOL_TEAM_ROLE_AUXILIARY), (self.guard_id, cp.CPOL_TEAM_ROLE_MEMBER),
                            (self.informant_id, cp.CPOL_TEAM_ROLE_MEMBER), (self.vol_id, cp.CPOL_TEAM_ROLE_MEMBER)):
                c.team_member_add(s, self.team, p, role)
            self.other_station = c.area_create(s, self.bureau, cp.CPOL_AREA_STATION, "南屏派出所")
            self.other_community = c.area_create(s, self.other_station, cp.CPOL_AREA_COMMUNITY, "锦凤社区")
            self.seq += 1
            self.other_officer_id = c.person_register(s, name="赵警官", id_card=nth_id_card(self.seq),
                                                      home_area=self.other_community)
            c.role_appoint(s, self.other_officer_id, cp.CPOL_ROLE_OFFICER, self.other_station)
            self.other_officer = self.actor(self.other_officer_id, cp.CPOL_ROLE_OFFICER)
            self.seq += 1
            self.other_resident = c.person_register(s, name="居民钱", id_card=nth_id_card(self.seq),
                                                    home_area=self.other_community)
            self.other_team = self.make_team("锦凤义警", self.other_community, self.other_officer_id)

    def staff_n(self, name, role):
        self.seq += 1
        return self.staff(name, self.seq, role)

    def volunteer_n(self, name, role):
        self.seq += 1
        p = self.volunteer(name, self.seq, role)
        return self.actor(p, role), p

    def make_team(self, name, area, officer):
        return self.ctx.team_create(self.sys, name=name, kind=cp.CPOL_TEAM_VOLUNTEER_POLICE,
                                    composition=cp.CPOL_TEAM_TEMPLATE_1_1_N, area=area, officer=officer)

    def report(self, as_, source, category, description, **fields):
        """cw_report(): a case at 玉龙小区 with an address and coordinates."""
        f = dict(source=source, category=category, description=description, area=self.compound,
                 address="玉龙小区3栋", has_location=1, latitude=YULONG_LAT, longitude=YULONG_LON)
        f.update(fields)
        return self.ctx.case_report(as_, f)

    def state(self, case):
        with self.ctx.case_get(self.sys, case) as k:
            return k.state

    def advance(self, case, state):
        """cw_advance(): staff take the case forward until it reaches `state`."""
        c = self.ctx
        steps = {
            cp.CPOL_CASE_REPORTED: lambda: c.case_verify(self.officer, case, "核实属实"),
            cp.CPOL_CASE_VERIFIED: lambda: c.case_assess(self.officer, case, cp.CPOL_RISK_GENERAL),
            cp.CPOL_CASE_ASSESSED: lambda: c.case_assign(self.aux, case, cp.CPOL_TIER_OFFICER, self.officer_id),
            cp.CPOL_CASE_ASSIGNED: lambda: c.case_arrive(self.officer, case, self.officer_id, 0),
            cp.CPOL_CASE_HANDLING: lambda: c.case_resolve(self.officer, case, cp.CPOL_OUTCOME_MEDIATED, "握手言和"),
            cp.CPOL_CASE_RESOLVED: lambda: c.case_feedback(self.aux, case, "已告知报告人"),
            cp.CPOL_CASE_FED_BACK: lambda: c.case_followup(self.aux, case, 0, 5, 0),
            cp.CPOL_CASE_FOLLOWED_UP: lambda: c.case_close(self.leader, case),
        }
        while True:
            s = self.state(case)
            if s == state:
                return
            steps[s]()

    def events(self, case, as_=None):
        return list(self.ctx.case_event_iter(as_ or self.sys, case))

    def snap(self, case):
        """cw_snap(): everything a refusal must leave as it was."""
        with self.ctx.case_get(self.sys, case) as k:
            row = k.row()
        return (row, len(self.events(case)), sum(1 for _ in self.ctx.audit_iter(self.sys, object=case)),
                sum(1 for _ in self.ctx.case_iter(self.sys)))


class CaseTests(unittest.TestCase):
    """check_case.c, check_case_seeds.c and check_case_ops.c, on both backends."""

    def run_both(self, test):
        each_backend(self, CaseWorld, test)

    def test_intake_reads_back_and_protects_informants(self):
        def run(w):
            c = w.ctx
            tip = w.report(w.informant, cp.CPOL_CASE_SOURCE_INFORMANT_TIP, cp.CPOL_CASE_NEIGHBOUR, "3栋两户因噪音争吵")
            self.assertIsInstance(tip, uuid.UUID)
            with c.case_get(w.officer, tip) as k:  # the officer holds person.sensitive: sees who tipped
                self.assertEqual((k.source, k.category, k.state), (cp.CPOL_CASE_SOURCE_INFORMANT_TIP,
                                                                   cp.CPOL_CASE_NEIGHBOUR, cp.CPOL_CASE_REPORTED))
                self.assertEqual((k.risk_grade, k.tier, k.handler), (0, 0, None))
                self.assertEqual((k.area, k.station), (w.compound, w.station))
                self.assertEqual((k.address, k.description), ("玉龙小区3栋", "3栋两户因噪音争吵"))
                self.assertIs(k.has_location, True)
                self.assertEqual((k.latitude, k.longitude), (YULONG_LAT, YULONG_LON))
                self.assertEqual(ms_of(k.reported_at), w.now)
                self.assertIsNone(k.resolved_at)  # "no time" reads as None
                self.assertIs(k.confidential, True)
                self.assertIs(k.reporter_masked, False)
                self.assertEqual(k.reporter, w.informant_id)
            with c.case_get(w.analyst, tip) as k:  # the analyst may read cases but not who tipped
                self.assertIs(k.reporter_masked, True)
                self.assertIsNone(k.reporter)
            first = w.events(tip, w.analyst)[0]
            self.assertEqual((first["step"], first["from"], first["to"]), (cp.CPOL_STEP_REPORT, 0, cp.CPOL_CASE_REPORTED))
            self.assertEqual((first["subject"], first["actor"], first["actor_role"]), (None, None, 0))
            listed = list(c.case_iter(w.analyst))
            self.assertEqual(listed[0]["reporter_masked"], True)
            self.assertIsNone(listed[0]["reporter"])
            with c.case_get(w.informant, tip) as k:  # the informant reads their own tip in full
                self.assertIs(k.reporter_masked, False)
            # a resident complaint entered by the auxiliary: the named reporter is shown
            f = dict(source=cp.CPOL_CASE_SOURCE_RESIDENT_COMPLAINT, category=cp.CPOL_CASE_HAZARD,
                     description="消防通道被杂物堵塞", reporter_name="居民王女士", area=w.compound)
            complaint = c.case_report(w.aux, f)
            with c.case_get(w.analyst, complaint) as k:
                self.assertEqual((k.confidential, k.reporter_name, k.reporter), (False, "居民王女士", None))
                self.assertEqual((k.has_location, k.address), (False, ""))
            # ... unless the resident asked for confidentiality
            complaint = c.case_report(w.aux, f, confidential=1)
            with c.case_get(w.analyst, complaint) as k:
                self.assertEqual((k.reporter_name, k.reporter_masked), ("", True))
            with self.assertRaises(cp.EPERM) as cm:  # reading needs case.view
                c.case_get(w.guard, tip)
            self.assertIn("case.view", cm.exception.message)
            with self.assertRaises(cp.EPERM):
                c.case_get(w.other_officer, tip)
        self.run_both(run)

    def test_intake_refuses_bad_input(self):
        def run(w):
            c = w.ctx
            good = dict(source=cp.CPOL_CASE_SOURCE_RESIDENT_COMPLAINT, category=cp.CPOL_CASE_NEIGHBOUR,
                        description="邻里纠纷", area=w.compound)
            unknown = w.new_id()
            big = "x" * (cp.CPOL_CASE_DESCRIPTION_MAX + 1)
            refusals = [
                (cp.EMISUSE, None, None), (cp.EVERSION, {"version": 0}, None),
                (cp.EMISUSE, {"area": None}, None), (cp.EINVALID, {"source": 7}, "source"),
                (cp.EINVALID, {"category": 9}, "category"), (cp.EINVALID, {"description": ""}, None),
                (cp.EMISUSE, {"description": None}, None), (cp.ETOOLONG, {"description": big}, "description"),
                (cp.EUTF8, {"description": b"bad \xc3\x28 utf-8"}, None), (cp.ETOOLONG, {"address": big}, "address"),
                (cp.EINVALID, {"has_location": 1, "latitude": 91}, "latitude"),
                (cp.EINVALID, {"has_location": 1, "latitude": 23, "longitude": -181}, "longitude"),
                (cp.EINVALID, {"has_location": 2}, None), (cp.EINVALID, {"confidential": 2}, None),
                (cp.EINVALID, {"reported_at": w.now + MINUTE}, "in the future"),
                (cp.EINVALID, {"reported_at": -5}, None), (cp.ENOTFOUND, {"area": unknown}, "area"),
                (cp.ENOTFOUND, {"reporter": unknown}, "reporter"),
            ]
            for code, change, part in refusals:
                with self.subTest(change=change):
                    with self.assertRaises(code) as cm:
                        c.case_report(w.aux, None if change is None else dict(good, **change))
                    if part:
                        self.assertIn(part, cm.exception.message)
            with self.assertRaises(cp.ERULE) as cm:
                c.case_report(w.sys, good, area=w.bureau)
            self.assertIn("police station", cm.exception.message)
            with self.assertRaises(cp.EPERM) as cm:
                c.case_report(w.operator, good)
            self.assertIn("lacks permission case.report", cm.exception.message)
            with self.assertRaises(cp.EPERM) as cm:
                c.case_report(w.other_officer, good)
            self.assertIn("station", cm.exception.message)
            with self.assertRaises(TypeError):
                c.case_report(w.aux, good, colour="red")
            self.assertEqual(len(list(c.case_iter(w.sys))), 0)
            # any past time is allowed, as a datetime too
            yesterday = dt.datetime.fromtimestamp((w.now - DAY) / 1000, UTC)
            k = c.case_report(w.aux, good, reported_at=yesterday)
            with c.case_get(w.aux, k) as got:
                self.assertEqual(got.reported_at, yesterday)
            self.assertEqual(len(list(c.case_iter(w.sys))), 1)
        self.run_both(run)

    def test_the_closed_loop_is_recorded_step_by_step(self):
        def run(w):
            c = w.ctx
            k = w.report(w.informant, cp.CPOL_CASE_SOURCE_INFORMANT_TIP, cp.CPOL_CASE_NEIGHBOUR, "楼上楼下噪音纠纷")
            w.now += MINUTE
            self.assertIsNone(c.case_verify(w.officer, k, "电话核实"))
            self.assertEqual(c.case_assess(w.officer, k, cp.CPOL_RISK_GENERAL, "一般纠纷"), cp.Status.OK)
            self.assertEqual(c.case_assess(w.officer, k, cp.CPOL_RISK_GENERAL), cp.Status.ALREADY)
            c.case_assign(w.aux, k, cp.CPOL_TIER_ON_THE_SPOT, w.head_id, None, "楼栋长就地劝解")
            w.now += MINUTE
            c.case_arrive(w.head, k, w.head_id, 0)
            self.assertEqual(w.state(k), cp.CPOL_CASE_HANDLING)
            w.now += 10 * MINUTE
            c.case_resolve(w.head, k, cp.CPOL_OUTCOME_MEDIATED, "双方握手言和")
            c.case_feedback(w.aux, k, "已向信息员反馈")
            w.now += 3 * DAY
            c.case_followup(w.aux, k, 0, 5, 0, "未再发生")
            c.case_close(w.officer, k, "化解到位")
            with c.case_get(w.officer, k) as got:
                self.assertEqual((got.state, got.outcome, got.tier, got.satisfaction, got.handler),
                                 (cp.CPOL_CASE_CLOSED, cp.CPOL_OUTCOME_MEDIATED, cp.CPOL_TIER_ON_THE_SPOT, 5,
                                  w.head_id))
                self.assertEqual(ms_of(got.closed_at), w.now)
            steps = [cp.CPOL_STEP_REPORT, cp.CPOL_STEP_VERIFY, cp.CPOL_STEP_ASSESS, cp.CPOL_STEP_ASSIGN,
                     cp.CPOL_STEP_ARRIVE, cp.CPOL_STEP_RESOLVE, cp.CPOL_STEP_FEEDBACK, cp.CPOL_STEP_FOLLOWUP,
                     cp.CPOL_STEP_CLOSE]
            states = [cp.CPOL_CASE_REPORTED, cp.CPOL_CASE_VERIFIED, cp.CPOL_CASE_ASSESSED, cp.CPOL_CASE_ASSIGNED,
                      cp.CPOL_CASE_HANDLING, cp.CPOL_CASE_RESOLVED, cp.CPOL_CASE_FED_BACK,
                      cp.CPOL_CASE_FOLLOWED_UP, cp.CPOL_CASE_CLOSED]
            events = w.events(k, w.officer)
            self.assertEqual([e["step"] for e in events], steps)
            self.assertEqual([e["to"] for e in events], states)
            self.assertEqual([e["from"] for e in events], [0] + states[:-1])
            self.assertEqual([cp.case_step_name(e["step"]) for e in events][:3], ["report", "verify", "assess"])
            assign = events[3]
            self.assertEqual((assign["subject"], assign["tier"], assign["risk_grade"], assign["note"]),
                             (w.head_id, cp.CPOL_TIER_ON_THE_SPOT, cp.CPOL_RISK_GENERAL, "楼栋长就地劝解"))
            self.assertEqual((assign["actor"], assign["actor_role"]), (w.aux_id, cp.CPOL_ROLE_AUXILIARY))
            self.assertEqual(events[5]["outcome"], cp.CPOL_OUTCOME_MEDIATED)
            self.assertEqual((events[7]["satisfaction"], events[7]["recurred"]), (5, False))
            self.assertTrue(all(e["recorded_at"] is not None for e in events))
            actions = [e["action"] for e in c.audit_iter(w.sys, object=k)]
            self.assertEqual(len(actions), 9)  # one audit entry per step, intake included
            self.assertEqual(actions[-1], "case.close")
        self.run_both(run)

    def test_steps_out_of_order_name_the_state_and_the_allowed_steps(self):
        def run(w):
            c = w.ctx
            k = w.report(w.aux, cp.CPOL_CASE_SOURCE_GRID_WORKER, cp.CPOL_CASE_PROPERTY, "物业费纠纷")
            before = w.snap(k)
            with self.assertRaises(cp.ESTATE) as cm:
                c.case_resolve(w.officer, k, cp.CPOL_OUTCOME_MEDIATED)
            self.assertIn('a case that is reported cannot take the step "resolve"; allowed: verify, reject, arrive',
                          cm.exception.message)
            self.assertIsInstance(cm.exception, cp.Error)
            self.assertEqual(cm.exception.function, "cpol_case_resolve")
            for refused in (lambda: c.case_assign(w.officer, k, cp.CPOL_TIER_OFFICER, w.officer_id),
                            lambda: c.case_close(w.leader, k), lambda: c.case_followup(w.aux, k, 0, 4, 0),
                            lambda: c.case_reopen(w.officer, k, "复发")):
                with self.assertRaises(cp.ESTATE):
                    refused()
            self.assertEqual(w.snap(k), before)
            w.advance(k, cp.CPOL_CASE_VERIFIED)
            before = w.snap(k)
            with self.assertRaises(cp.ESTATE) as cm:
                c.case_verify(w.officer, k)
            self.assertIn('a case that is verified cannot take the step "verify"; '
                          'allowed: reject, assess, arrive, refer', cm.exception.message)
            self.assertEqual(w.snap(k), before)
            w.advance(k, cp.CPOL_CASE_RESOLVED)
            before = w.snap(k)
            with self.assertRaises(cp.ESTATE) as cm:
                c.case_close(w.leader, k)
            self.assertIn("allowed: feedback, reopen, spot-check confirm, spot-check reopen", cm.exception.message)
            with self.assertRaises(cp.ESTATE):
                c.case_reject(w.officer, k, cp.CPOL_REJECT_UNFOUNDED, None, "不实")
            with self.assertRaises(cp.ESTATE):
                c.case_arrive(w.officer, k, w.aux_id, 0)
            self.assertEqual(w.snap(k), before)
            w.advance(k, cp.CPOL_CASE_CLOSED)
            before = w.snap(k)
            with self.assertRaises(cp.ESTATE) as cm:
                c.case_feedback(w.aux, k, "再次反馈")
            self.assertIn("a case that is closed", cm.exception.message)
            self.assertEqual(w.snap(k), before)
            c.case_reopen(w.officer, k, "纠纷复发")  # a closed case may still be reopened on recurrence
            with c.case_get(w.officer, k) as got:
                self.assertEqual((got.state, got.reopen_count, got.tier, got.handler, got.outcome, got.closed_at,
                                  got.risk_grade),
                                 (cp.CPOL_CASE_ASSESSED, 1, 0, None, 0, None, cp.CPOL_RISK_GENERAL))
            # a rejected case is final
            dup = w.report(w.guard, cp.CPOL_CASE_SOURCE_PROPERTY_ALERT, cp.CPOL_CASE_PROPERTY, "物业费纠纷(监控)")
            c.case_reject(w.officer, dup, cp.CPOL_REJECT_DUPLICATE, k, "同一纠纷")
            with c.case_get(w.officer, dup) as got:
                self.assertEqual((got.state, got.duplicate_of), (cp.CPOL_CASE_REJECTED, k))
            with self.assertRaises(cp.ESTATE) as cm:
                c.case_reopen(w.officer, dup, "x")
            self.assertIn("allowed: none (final state)", cm.exception.message)
        self.run_both(run)

    def test_tiers_follow_the_risk_grade(self):
        def run(w):
            c = w.ctx
            self.assertEqual([cp.risk_grade_min_tier(g) for g in (cp.CPOL_RISK_HIGH, cp.CPOL_RISK_ATTENTION,
                                                                  cp.CPOL_RISK_GENERAL, 9)],
                             [cp.CPOL_TIER_LEADERSHIP, cp.CPOL_TIER_OFFICER, cp.CPOL_TIER_ON_THE_SPOT, 0])
            k = w.report(w.grid, cp.CPOL_CASE_SOURCE_GRID_WORKER, cp.CPOL_CASE_FAMILY, "婚姻纠纷多次涉警")
            w.advance(k, cp.CPOL_CASE_VERIFIED)
            with self.assertRaises(cp.EINVALID):
                c.case_assess(w.officer, k, 4)
            c.case_assess(w.officer, k, cp.CPOL_RISK_HIGH, "重点高危")
            before = w.snap(k)
            with self.assertRaises(cp.ERULE) as cm:
                c.case_assign(w.officer, k, cp.CPOL_TIER_OFFICER, w.officer_id)
            self.assertIn("a case of risk grade high needs at least the station leadership tier; "
                          "community officer is below it", cm.exception.message)
            with self.assertRaises(cp.EINVALID):
                c.case_assign(w.officer, k, 5, w.leader_id)
            with self.assertRaises(cp.ERULE) as cm:
                c.case_assign(w.officer, k, cp.CPOL_TIER_LEADERSHIP, w.officer_id)
            self.assertIn("station leader", cm.exception.message)
            with self.assertRaises(cp.ENOTFOUND) as cm:
                c.case_assign(w.officer, k, cp.CPOL_TIER_LEADERSHIP, w.new_id())
            self.assertIn("handler", cm.exception.message)
            with self.assertRaises(cp.EPERM) as cm:
                c.case_assign(w.guard, k, cp.CPOL_TIER_LEADERSHIP, w.leader_id)
            self.assertIn("case.triage", cm.exception.message)
            self.assertEqual(w.snap(k), before)
            c.case_assign(w.officer, k, cp.CPOL_TIER_LEADERSHIP, w.leader_id, None, "所领导牵头")
            before = w.snap(k)
            with self.assertRaises(cp.EPERM) as cm:
                c.case_deescalate(w.aux, k, cp.CPOL_TIER_OFFICER, w.officer_id, None, "降级")
            self.assertIn("lacks permission case.deescalate", cm.exception.message)
            with self.assertRaises(cp.ERULE) as cm:
                c.case_deescalate(w.officer, k, cp.CPOL_TIER_OFFICER, w.officer_id, None, "降级")
            self.assertIn("risk grade high needs at least the station leadership tier", cm.exception.message)
            with self.assertRaises(cp.ERULE) as cm:
                c.case_escalate(w.officer, k, cp.CPOL_TIER_LEADERSHIP, w.leader_id, None, "升级")
            self.assertIn("escalation raises the tier", cm.exception.message)
            self.assertEqual(w.snap(k), before)
            # lowering the grade allows de-escalation, step by step
            c.case_assess(w.officer, k, cp.CPOL_RISK_ATTENTION, "风险降低")
            c.case_deescalate(w.officer, k, cp.CPOL_TIER_OFFICER, w.officer_id, None, "民警主导即可")
            c.case_assess(w.officer, k, cp.CPOL_RISK_GENERAL, "一般")
            with self.assertRaises(cp.ERULE) as cm:
                c.case_assign(w.officer, k, cp.CPOL_TIER_TEAM, w.aux_id, w.team)
            self.assertIn("de-escalation", cm.exception.message)
            c.case_deescalate(w.leader, k, cp.CPOL_TIER_TEAM, w.aux_id, w.team, "辅警联合物业上门调解")
            with c.case_get(w.officer, k) as got:
                self.assertEqual((got.tier, got.team, got.handler), (cp.CPOL_TIER_TEAM, w.team, w.aux_id))
            # the team tier: a team of the station, a fitting member of it
            before = w.snap(k)
            for args, part in (((cp.CPOL_TIER_TEAM, w.guard_id, None), "needs the team"),
                               ((cp.CPOL_TIER_TEAM, w.grid_id, w.team), "is not a member of 玉龙义警"),
                               ((cp.CPOL_TIER_TEAM, w.guard_id, w.other_team), "another station")):
                with self.assertRaises(cp.ERULE) as cm:
                    c.case_assign(w.officer, k, *args)
                self.assertIn(part, cm.exception.message)
            self.assertEqual(w.snap(k), before)
            c.case_assign(w.officer, k, cp.CPOL_TIER_TEAM, w.guard_id, w.team, "物业保安接手")
            # raising the grade above the assigned tier sends the case back to assessment
            c.case_assess(w.officer, k, cp.CPOL_RISK_ATTENTION, "升级为关注类")
            with c.case_get(w.officer, k) as got:
                self.assertEqual((got.state, got.handler, got.tier), (cp.CPOL_CASE_ASSESSED, None, 0))
        self.run_both(run)

    def test_closing_needs_a_follow_up_visit_and_someone_else(self):
        def run(w):
            c = w.ctx
            k = w.report(w.aux, cp.CPOL_CASE_SOURCE_RESIDENT_COMPLAINT, cp.CPOL_CASE_NEIGHBOUR, "装修噪音")
            w.advance(k, cp.CPOL_CASE_FED_BACK)
            before = w.snap(k)
            with self.assertRaises(cp.ERULE) as cm:
                c.case_close(w.leader, k)
            self.assertIn("only after a follow-up visit (回访)", cm.exception.message)
            with self.assertRaises(cp.EINVALID) as cm:
                c.case_followup(w.aux, k, 0, 0, 0)
            self.assertIn("satisfaction 0 is outside 1..5", cm.exception.message)
            with self.assertRaises(cp.EINVALID):
                c.case_followup(w.aux, k, 0, 4, 2)
            with self.assertRaises(cp.EINVALID) as cm:
                c.case_followup(w.aux, k, w.now - DAY, 4, 0)
            self.assertIn("before the case was resolved", cm.exception.message)
            with self.assertRaises(cp.EPERM):
                c.case_followup(w.guard, k, 0, 4, 0)
            self.assertEqual(w.snap(k), before)
            w.now += DAY
            c.case_followup(w.aux, k, 0, 2, True, "又吵起来了")  # booleans are accepted for flags
            with self.assertRaises(cp.ERULE) as cm:
                c.case_close(w.leader, k)
            self.assertIn("recurred", cm.exception.message)
            with self.assertRaises(cp.EPERM) as cm:
                c.case_close(w.aux, k)
            self.assertIn("case.close", cm.exception.message)
            c.case_reopen(w.officer, k, "回访发现复发")
            w.advance(k, cp.CPOL_CASE_FOLLOWED_UP)
            with self.assertRaises(cp.ERULE) as cm:
                c.case_close(w.officer, k)  # he handled it
            self.assertIn("nobody closes a case they handled", cm.exception.message)
            c.case_close(w.leader, k, "复发后化解")
            self.assertEqual(w.state(k), cp.CPOL_CASE_CLOSED)
            # handled by station leadership: closed only by a leader
            high = w.report(w.aux, cp.CPOL_CASE_SOURCE_DISPATCH_110, cp.CPOL_CASE_FAMILY, "家暴警情")
            w.advance(high, cp.CPOL_CASE_VERIFIED)
            c.case_assess(w.officer, high, cp.CPOL_RISK_HIGH)
            c.case_assign(w.officer, high, cp.CPOL_TIER_LEADERSHIP, w.leader_id)
            c.case_resolve(w.leader, high, cp.CPOL_OUTCOME_MEDIATED)
            c.case_feedback(w.aux, high, "已反馈")
            c.case_followup(w.aux, high, 0, 4, 0)
            with self.assertRaises(cp.ERULE) as cm:
                c.case_close(w.officer, high)
            self.assertIn("closed only by a station leader", cm.exception.message)
            with self.assertRaises(cp.ERULE):
                c.case_close(w.leader, high)  # he handled it himself
            c.case_close(w.sys, high, "导入")
        self.run_both(run)

    def test_referral_and_points_for_leads(self):
        def run(w):
            c = w.ctx
            c.earning_rule_set(w.leader, w.station, cp.CPOL_EARN_CASE_LEAD, 10, 0, 0)
            k = w.report(w.grid, cp.CPOL_CASE_SOURCE_GRID_WORKER, cp.CPOL_CASE_NON_POLICE, "路灯损坏、井盖缺失")
            w.advance(k, cp.CPOL_CASE_VERIFIED)
            with self.assertRaises(cp.EINVALID) as cm:
                c.case_refer(w.officer, k, "城管", w.now)
            self.assertIn("not in the future", cm.exception.message)
            ref = c.case_refer(w.officer, k, "城管", w.now + 3 * DAY, "请修复路灯")
            self.assertIsInstance(ref, uuid.UUID)
            w.now += DAY
            c.case_referral_reply(w.officer, k, 1, "城管已修复路灯", 0)
            with c.case_get(w.officer, k) as got:
                self.assertEqual((got.state, got.outcome), (cp.CPOL_CASE_RESOLVED, cp.CPOL_OUTCOME_DEPARTMENT))
                self.assertEqual(ms_of(got.resolved_at), w.now)
            # a verified informant lead earns points; rejected as unfounded, it loses them
            lead = w.report(w.informant, cp.CPOL_CASE_SOURCE_INFORMANT_TIP, cp.CPOL_CASE_THEFT_FRAUD, "可疑人员")
            c.case_verify(w.officer, lead)
            self.assertEqual(c.points_balance(w.sys, w.informant_id), (10, 10))
            c.case_reject(w.officer, lead, cp.CPOL_REJECT_UNFOUNDED, None, "经查不实")
            self.assertEqual(c.points_balance(w.sys, w.informant_id), (0, 0))
            self.assertGreater(c.ledger_verify(w.sys), 0)
        self.run_both(run)

    def test_metrics_of_a_small_station_by_hand(self):
        """A cut-down every_metric_by_hand (check_case_seeds.c): six cases whose
        counts, rates and response times are worked out by hand."""
        def run(w):
            c = w.ctx
            day0 = 1748736000000  # 2025-06-01 00:00 UTC

            def new_case(i, category, address):
                w.now = day0 + i * DAY
                return c.case_report(w.aux, source=cp.CPOL_CASE_SOURCE_RESIDENT_COMPLAINT, category=category,
                                     description="手算指标", address=address, reporter_name="居民",
                                     area=w.compound), day0 + i * DAY

            def start(k, r, v, tier, handler, arriver, arriving, a):
                w.now = r + v * MINUTE
                c.case_verify(w.officer, k)
                c.case_assess(w.officer, k, cp.CPOL_RISK_GENERAL)
                c.case_assign(w.aux, k, tier, handler, w.team if tier == cp.CPOL_TIER_TEAM else None)
                w.now = r + a * MINUTE
                c.case_arrive(arriver, k, arriving, 0)

            def finish(k, r, resolver, outcome, res, visit, satisfaction, recurred, closer):
                w.now = r + res * MINUTE
                c.case_resolve(resolver, k, outcome)
                c.case_feedback(w.aux, k, "已反馈")
                if visit:
                    w.now = r + visit
                    c.case_followup(w.aux, k, 0, satisfaction, recurred)
                    if closer:
                        c.case_close(closer, k)

            k0, r = new_case(0, cp.CPOL_CASE_NEIGHBOUR, "地址0")
            start(k0, r, 1, cp.CPOL_TIER_ON_THE_SPOT, w.head_id, w.head, w.head_id, 2)
            finish(k0, r, w.head, cp.CPOL_OUTCOME_MEDIATED, 60, DAY, 5, 0, w.officer)
            k1, r = new_case(1, cp.CPOL_CASE_FAMILY, "地址1")
            start(k1, r, 1, cp.CPOL_TIER_OFFICER, w.officer_id, w.officer, w.officer_id, 3)
            finish(k1, r, w.officer, cp.CPOL_OUTCOME_MEDIATED, 120, 2 * DAY, 4, 0, w.leader)
            k2, r = new_case(2, cp.CPOL_CASE_HAZARD, "地址2")
            start(k2, r, 2, cp.CPOL_TIER_TEAM, w.guard_id, w.guard, w.guard_id, 5)
            finish(k2, r, w.guard, cp.CPOL_OUTCOME_RECTIFIED, 180, 3 * DAY, 3, 0, w.officer)
            k3, r = new_case(3, cp.CPOL_CASE_PROPERTY, "地址3")  # unresolved, visited late, not closed
            start(k3, r, 2, cp.CPOL_TIER_OFFICER, w.officer_id, w.officer, w.officer_id, 5)
            finish(k3, r, w.officer, cp.CPOL_OUTCOME_UNRESOLVED, 240, 8 * DAY, 2, 0, None)
            k4, r = new_case(4, cp.CPOL_CASE_NEIGHBOUR, "地址4")  # still in hand
            start(k4, r, 5, cp.CPOL_TIER_OFFICER, w.officer_id, w.officer, w.officer_id, 15)
            k5, r = new_case(5, cp.CPOL_CASE_NEIGHBOUR, "地址4")  # the same next day: screened late, a duplicate
            w.now = r + 30 * MINUTE
            c.case_arrive(w.guard, k5, w.guard_id, 0)
            w.now = r + 30 * HOUR
            c.case_verify(w.officer, k5)
            w.now = r + 31 * HOUR
            c.case_reject(w.officer, k5, cp.CPOL_REJECT_DUPLICATE, k4, "重复报警")

            w.now = day0 + 40 * DAY
            with c.case_metrics_compute(w.leader, area=w.station) as m:
                counts = {name: m.count(getattr(cp, "CPOL_METRIC_" + name)) for name in (
                    "RECEIVED", "SCREENED", "REJECTED", "DUPLICATES", "RESOLVED", "UNRESOLVED", "ON_THE_SPOT",
                    "CLOSED", "REOPENED", "FOLLOWED_UP", "SATISFIED", "SATISFACTION_SUM", "OVERDUE_SCREENING",
                    "OVERDUE_RESOLUTION", "OVERDUE_FOLLOWUP", "REPEAT_CALLS", "REFERRALS")}
                self.assertEqual(counts, {
                    "RECEIVED": 6, "SCREENED": 6, "REJECTED": 1, "DUPLICATES": 1, "RESOLVED": 3,  # k0 k1 k2
                    "UNRESOLVED": 1, "ON_THE_SPOT": 1, "CLOSED": 3, "REOPENED": 0, "FOLLOWED_UP": 4,
                    "SATISFIED": 2, "SATISFACTION_SUM": 5 + 4 + 3 + 2, "OVERDUE_SCREENING": 1,  # k5: 30 h > 24 h
                    "OVERDUE_RESOLUTION": 1,  # k4: open 36 days
                    "OVERDUE_FOLLOWUP": 1,    # k3: visited 7 d 20 h after
                    "REPEAT_CALLS": 1,        # k5
                    "REFERRALS": 0})
                self.assertEqual(m.rate(cp.CPOL_RATE_CLOSURE), 0.5)
                self.assertEqual(m.rate(cp.CPOL_RATE_RESOLUTION), 0.5)
                self.assertEqual(m.rate(cp.CPOL_RATE_ON_THE_SPOT), 1.0 / 3)
                self.assertEqual(m.rate(cp.CPOL_RATE_SATISFACTION), 0.5)
                self.assertEqual(m.rate(cp.CPOL_RATE_MEAN_SATISFACTION), 14.0 / 4)
                self.assertEqual(m.rate(cp.CPOL_RATE_REPEAT_CALLS), 1.0 / 6)
                self.assertEqual(m.rate(99), 0.0)
                # screening 1 1 2 2 5 1800 min: median (2+2)/2, p90 the 6th (ceil 5.4)
                self.assertEqual(m.response(cp.CPOL_STAGE_SCREENING), (6, 2 * MINUTE, 1800 * MINUTE))
                # arrival 2 3 5 5 15 30 min: median 5, p90 the 6th
                self.assertEqual(m.response(cp.CPOL_STAGE_ARRIVAL), (6, 5 * MINUTE, 30 * MINUTE))
                # first resolution 60 120 180 240 min: median 150, p90 the 4th
                self.assertEqual(m.response(cp.CPOL_STAGE_RESOLUTION), (4, 150 * MINUTE, 240 * MINUTE))
                with self.assertRaises(cp.EINVALID):
                    m.response(6)
            # a period: only the cases reported in it (k2, k3)
            with c.case_metrics_compute(w.leader, area=w.station, from_=day0 + 2 * DAY, to=day0 + 4 * DAY) as m:
                self.assertEqual((m.count(cp.CPOL_METRIC_RECEIVED), m.count(cp.CPOL_METRIC_RESOLVED)), (2, 1))
            # per community area: the compound holds them all, the other community none
            with c.case_metrics_compute(w.leader, area=w.community) as m:
                self.assertEqual(m.count(cp.CPOL_METRIC_RECEIVED), 6)
            with c.case_metrics_compute(w.leader, area=w.station, category=cp.CPOL_CASE_NEIGHBOUR) as m:
                self.assertEqual(m.count(cp.CPOL_METRIC_RECEIVED), 3)
            with self.assertRaises(cp.EMISUSE):
                c.case_metrics_compute(w.leader, {})
            with self.assertRaises(cp.EINVALID):
                c.case_metrics_compute(w.leader, area=w.station, category=9)
            with self.assertRaises(cp.ENOTFOUND):
                c.case_metrics_compute(w.leader, area=w.station, team=w.new_id())
            with self.assertRaises(cp.EPERM):
                c.case_metrics_compute(w.guard, area=w.station)
            with self.assertRaises(cp.EPERM):
                c.case_metrics_compute(w.other_officer, area=w.station)
            with self.assertRaises(cp.EVERSION):
                c.case_metrics_compute(w.leader, area=w.station, version=3)
        self.run_both(run)

    def test_figures_per_role_as_of_and_year_over_year(self):
        """check_case_figures.c, shortened: the Lincang guard at 2 minutes and
        the officer at 3, a figure as of a time, and a count against the same
        period a year earlier."""
        def run(w):
            c = w.ctx
            t0 = 1748433600000  # 2025-05-28 20:00 +08:00
            w.now = t0
            k = w.report(w.informant, cp.CPOL_CASE_SOURCE_INFORMANT_TIP, cp.CPOL_CASE_NEIGHBOUR, "邻里纠纷")
            w.now = t0 + 2 * MINUTE
            c.case_arrive(w.guard, k, w.guard_id, 0)
            w.now = t0 + 6 * MINUTE
            c.case_arrive(w.officer, k, w.officer_id, t0 + 3 * MINUTE)
            with c.case_metrics_compute(w.leader, area=w.station, from_=t0, to=t0 + DAY) as m:
                self.assertEqual(m.arrival(cp.CPOL_ROLE_PROPERTY_GUARD), (1, 2 * MINUTE, 2 * MINUTE))
                self.assertEqual(m.arrival(cp.CPOL_ARRIVAL_POLICE), (1, 3 * MINUTE, 3 * MINUTE))
                with self.assertRaises(cp.EINVALID):
                    m.arrival(cp.CPOL_ROLE_INFORMANT)
                # the same week a year earlier had no case: −100 % is not defined, NaN
                with c.case_metrics_compute_earlier(w.leader, {"area": w.station, "from": t0, "to": t0 + DAY},
                                                    cp.CPOL_PERIOD_YEAR_EARLIER) as before:
                    self.assertEqual(before.count(cp.CPOL_METRIC_RECEIVED), 0)
                    delta, rel = m.count_change(before, cp.CPOL_METRIC_RECEIVED)
                    self.assertEqual(delta, 1)
                    self.assertTrue(math.isnan(rel))
            # as of before the officer's arrival was recorded: only the guard's
            with c.case_metrics_compute(w.leader, area=w.station, as_of=t0 + 5 * MINUTE) as m:
                self.assertEqual(m.arrival(cp.CPOL_ARRIVAL_POLICE)[0], 0)
                self.assertEqual(m.arrival(cp.CPOL_ARRIVAL_ANYONE)[0], 1)
            text = c.case_open311_export_with(w.analyst, None, {"utc_offset_minutes": 480})
            self.assertEqual(json.loads(text)[0]["requested_datetime"], "2025-05-28T20:00:00+08:00")
            self.assertIsNone(json.loads(text)[0]["zipcode"])
        self.run_both(run)

    def test_repeat_analysis(self):
        """suqian_repeat_calls (check_case_seeds.c), shortened."""
        def run(w):
            c = w.ctx
            t0 = 1735689600000  # 2025-01-01 08:00 +08:00

            def call(at, reporter, category, address, what):
                w.now = at
                f = dict(source=cp.CPOL_CASE_SOURCE_DISPATCH_110, category=category, description=what,
                         address=address, area=w.compound)
                if reporter:
                    f["reporter"] = reporter
                else:
                    f["reporter_name"] = "群众"
                return c.case_report(w.aux, f)

            mother = w.resident
            last = None
            for i in range(5):
                last = call(t0 + i * 3 * DAY, mother, cp.CPOL_CASE_FAMILY, "世纪紫薇园5栋", "婚姻家庭纠纷报警")
            for i in range(3):
                call(t0 + i * DAY + 2 * HOUR, None, cp.CPOL_CASE_NEIGHBOUR, "泰和祥府3栋", "对门业主因八卦镜吵架")
            w.now = t0 + 13 * DAY

            def groups(kind, threshold, **more):
                return list(c.case_repeat_iter(w.officer, kind=kind, area=w.station, threshold=threshold, **more))

            g = groups(cp.CPOL_REPEAT_PERSON, 3)
            self.assertEqual([(r["person"], r["count"], r["newest"]) for r in g], [(mother, 5, last)])
            g = groups(cp.CPOL_REPEAT_ADDRESS, 3)
            self.assertEqual([(r["address"], r["count"], r["area"]) for r in g],
                             [("世纪紫薇园5栋", 5, w.compound), ("泰和祥府3栋", 3, w.compound)])
            self.assertEqual(g[0]["first_at"], dt.datetime.fromtimestamp(t0 / 1000, UTC))
            self.assertIs(g[0]["raised"], False)
            g = groups(cp.CPOL_REPEAT_CATEGORY, 3, limit=1)
            self.assertEqual([(r["category"], r["count"]) for r in g], [(cp.CPOL_CASE_FAMILY, 5)])
            self.assertEqual(groups(cp.CPOL_REPEAT_AREA, 3)[0]["count"], 8)
            # the newest family call, assessed and in hand on the spot, is raised to attention
            w.advance(last, cp.CPOL_CASE_ASSESSED)
            c.case_assign(w.aux, last, cp.CPOL_TIER_ON_THE_SPOT, w.head_id)
            g = groups(cp.CPOL_REPEAT_PERSON, 3, raise_grade=1)
            self.assertIs(g[0]["raised"], True)
            with c.case_get(w.officer, last) as k:
                self.assertEqual((k.risk_grade, k.state), (cp.CPOL_RISK_ATTENTION, cp.CPOL_CASE_ASSESSED))
            self.assertTrue(w.events(last)[-1]["note"].startswith("repeat: 一人多次"))
            with self.assertRaises(cp.EINVALID):
                groups(cp.CPOL_REPEAT_PERSON, 1)
            with self.assertRaises(cp.EPERM) as cm:
                list(c.case_repeat_iter(w.analyst, kind=cp.CPOL_REPEAT_AREA, area=w.station, raise_grade=1))
            self.assertIn("case.triage", cm.exception.message)
            with c.case_metrics_compute(w.leader, area=w.station) as m:
                # 4 of the 5 at 5栋 and 2 of the 3 at 泰和祥府 had the same call within 30 days
                self.assertEqual((m.count(cp.CPOL_METRIC_RECEIVED), m.count(cp.CPOL_METRIC_REPEAT_CALLS)), (8, 6))
        self.run_both(run)

    def test_open311_export(self):
        def run(w):
            c = w.ctx
            w.now = 1748433600000  # 2025-05-28 20:00 +08:00
            open_case = w.report(w.informant, cp.CPOL_CASE_SOURCE_INFORMANT_TIP, cp.CPOL_CASE_NEIGHBOUR,
                                 '邻里"噪音"纠纷\n')
            w.advance(open_case, cp.CPOL_CASE_ASSIGNED)
            closed_case = w.report(w.aux, cp.CPOL_CASE_SOURCE_RESIDENT_COMPLAINT, cp.CPOL_CASE_HAZARD, "电梯故障")
            w.now += HOUR
            w.advance(closed_case, cp.CPOL_CASE_CLOSED)
            referred = w.report(w.grid, cp.CPOL_CASE_SOURCE_GRID_WORKER, cp.CPOL_CASE_NON_POLICE, "占道施工")
            w.advance(referred, cp.CPOL_CASE_VERIFIED)
            c.case_refer(w.officer, referred, "城管", w.now + DAY)
            text = c.case_open311_export(w.analyst)
            self.assertIsInstance(text, str)
            requests = {r["service_request_id"]: r for r in json.loads(text)}
            self.assertEqual(set(requests), {str(open_case), str(closed_case), str(referred)})
            o = requests[str(open_case)]
            self.assertEqual((o["status"], o["status_notes"]), ("open", "assigned, tier community officer"))
            self.assertEqual((o["service_code"], o["service_name"]), ("neighbour", "neighbour dispute"))
            self.assertEqual(o["description"], '邻里"噪音"纠纷\n')
            self.assertEqual(o["requested_datetime"], "2025-05-28T12:00:00Z")
            self.assertEqual(o["expected_datetime"], "2025-06-04T12:00:00Z")  # 7 days, general
            self.assertEqual((o["lat"], o["long"], o["address"]), (YULONG_LAT, YULONG_LON, "玉龙小区3栋"))
            self.assertEqual(o["agency_responsible"], "忙畔派出所")
            k = requests[str(closed_case)]
            self.assertEqual((k["status"], k["status_notes"]),
                             ("closed", "closed: mediated agreement, tier community officer"))
            self.assertEqual(k["updated_datetime"], "2025-05-28T13:00:00Z")
            r = requests[str(referred)]
            self.assertEqual((r["status_notes"], r["agency_responsible"]), ("referred to 城管", "城管"))
            self.assertNotIn("信息员王", text)  # never the reporter
            self.assertNotIn("reporter", text)
            # the caller-buffer variant returns the same JSON and the size it needed
            written, needed = c.case_open311_write(w.analyst)
            self.assertEqual(written, text)
            self.assertEqual(needed, len(text.encode("utf-8")) + 1)
            closed_only = json.loads(c.case_open311_export(w.officer, state=cp.CPOL_CASE_CLOSED))
            self.assertEqual([x["status"] for x in closed_only], ["closed"])
            self.assertEqual(c.case_open311_export(w.officer, state=cp.CPOL_CASE_CLOSED,
                                                   category=cp.CPOL_CASE_FAMILY), "[]\n")
            self.assertEqual(c.case_open311_write(w.officer, category=cp.CPOL_CASE_FAMILY), ("[]\n", 4))
            with self.assertRaises(cp.EVERSION):
                c.case_open311_export(w.officer, version=9)
            with self.assertRaises(cp.EPERM):
                c.case_open311_export(w.guard)
        self.run_both(run)

    def test_names_of_the_case_enums(self):
        self.assertEqual(cp.case_state_name(cp.CPOL_CASE_FED_BACK), "fed back")
        self.assertEqual(cp.case_state_name(12), "unknown")
        self.assertEqual(cp.case_source_name(cp.CPOL_CASE_SOURCE_INFORMANT_TIP), "informant tip")
        self.assertEqual(cp.case_category_code(cp.CPOL_CASE_THEFT_FRAUD), "theft-fraud")
        self.assertEqual(cp.risk_grade_name(cp.CPOL_RISK_ATTENTION), "attention")
        self.assertEqual(cp.case_tier_name(cp.CPOL_TIER_ON_THE_SPOT), "on the spot")
        self.assertEqual(cp.case_stage_name(cp.CPOL_STAGE_ARRIVAL), "arrival")
        self.assertEqual(cp.case_deadline_default(cp.CPOL_RISK_GENERAL, cp.CPOL_STAGE_RESOLUTION), 7 * DAY)
        self.assertEqual(cp.CaseState.CLOSED, cp.CPOL_CASE_CLOSED)


class ContextAndSettingsTests(unittest.TestCase):
    def setUp(self):
        self.tmp = tempfile.mkdtemp(prefix="cpol-py-")

    def tearDown(self):
        shutil.rmtree(self.tmp, ignore_errors=True)

    def test_open_memory_and_sqlite(self):
        for uri, backend in (("memory:", "memory"), ("sqlite:%s/a.db" % self.tmp, "sqlite")):
            with open_ctx(uri) as ctx:
                self.assertEqual(ctx.backend(), backend)
                self.assertEqual(ctx.schema_version(), cp.schema_version_current())
                self.assertIsInstance(ctx.now(), dt.datetime)
                self.assertEqual(ctx.now().tzinfo, UTC)
            self.assertTrue(ctx.closed)
        with cp.Context("memory:", key=TEST_KEY, key_id=TEST_KEY_ID) as ctx:
            self.assertIsInstance(ctx, cp.Context)

    def test_a_clock_that_raises_fails_the_write_cleanly(self):
        state = {"fail": False}

        def clock():
            if state["fail"]:
                raise RuntimeError("the clock is broken")
            return T0

        with open_ctx("memory:", clock=clock) as ctx, ctx.actor_system() as system:
            station = ctx.area_create(system, None, cp.CPOL_AREA_STATION, "白沙派出所")
            state["fail"] = True
            with self.assertRaises(cp.EUSER):
                ctx.area_create(system, station, cp.CPOL_AREA_COMMUNITY, "玉龙社区")
            state["fail"] = False
            names = [a["name"] for a in ctx.area_iter(system, station, cp.CPOL_AREA_WALK_DESCENDANTS)]
            self.assertEqual(names, [])  # nothing was stored
            ctx.area_create(system, station, cp.CPOL_AREA_COMMUNITY, "玉龙社区")

    def test_settings_round_trip(self):
        path = "%s/s.db" % self.tmp
        with open_ctx("sqlite:" + path) as ctx, ctx.actor_system() as system:
            # writes need settings.manage: the installation itself
            ctx.setting_set(system, "station.name", "白沙派出所")
            ctx.setting_set(system, "station.code", "530902")
            ctx.setting_set(system, "kiosk.location", "服务站一楼")
            self.assertEqual(ctx.setting_get(system, "station.name"), "白沙派出所")
            self.assertEqual(dict(ctx.setting_iter(system, "station.")),
                             {"station.code": "530902", "station.name": "白沙派出所"})
            self.assertEqual([k for k, _ in ctx.setting_iter(system, None)],
                             ["kiosk.location", "station.code", "station.name"])
            ctx.setting_delete(system, "station.code")
            with self.assertRaises(cp.ENOTFOUND) as cm:
                ctx.setting_get(system, "station.code")
            self.assertIn("station.code", cm.exception.message)
            self.assertIsInstance(cm.exception, LookupError)
            with self.assertRaises(cp.EINVALID):
                ctx.setting_set(system, "Bad Key", "x")
            with self.assertRaises(cp.ETOOLONG):
                ctx.setting_set(system, "k", "x" * (cp.CPOL_SETTING_VALUE_MAX + 1))
            with self.assertRaises(cp.EUTF8):
                ctx.setting_set(system, "k", b"\xc3")
            with self.assertRaises(cp.EINVALID):
                ctx.setting_iter(system, "BAD PREFIX")
            with self.assertRaises(TypeError):  # every read names its actor
                ctx.setting_get("station.name")
        with open_ctx("sqlite:" + path, read_only=True) as ctx, ctx.actor_system() as system:
            self.assertEqual(ctx.setting_get(system, "station.name"), "白沙派出所")
            with self.assertRaises(cp.EREADONLY):
                ctx.setting_set(system, "station.name", "x")
        with open_ctx("sqlite:" + path, flags=cp.CPOL_OPEN_READONLY) as ctx, ctx.actor_system() as system:
            self.assertEqual(ctx.setting_get(system, "station.name"), "白沙派出所")
        with self.assertRaises(cp.ENOTFOUND):
            open_ctx("sqlite:%s/missing.db" % self.tmp, flags=cp.CPOL_OPEN_NOCREATE)
        with self.assertRaises(cp.ESCHEME):
            open_ctx("nosuchbackend:x")
        with self.assertRaises(TypeError):
            open_ctx("memory:", bogus=1)

    def test_opening_needs_a_key_or_plaintext(self):
        # no key and no explicit plaintext choice: refused, nothing created
        path = "%s/k.db" % self.tmp
        with self.assertRaises(cp.EKEY) as cm:
            cp.open("sqlite:" + path)
        self.assertEqual(cm.exception.code, cp.CPOL_EKEY)
        self.assertIn("CPOL_OPEN_PLAINTEXT", cm.exception.message)
        with self.assertRaises(cp.EKEY):
            cp.open("memory:")
        # a key callback needs the id of the key to encrypt a new store with
        with self.assertRaises(cp.EINVALID):
            cp.open("memory:", key=TEST_KEY)
        with self.assertRaises(ValueError):
            cp.open("memory:", key=b"short", key_id=TEST_KEY_ID)
        # keyed: the file holds no personal data in clear
        with open_ctx("sqlite:" + path) as ctx, ctx.actor_system() as system:
            station = ctx.area_create(system, None, cp.CPOL_AREA_BUREAU, "临翔分局")
            station = ctx.area_create(system, station, cp.CPOL_AREA_STATION, "忙畔派出所")
            pid = ctx.person_register(system, name="王伟", id_card=id_card("53090219850312002"),
                                      home_area=station, phone="13912345678")
        with open(path, "rb") as f:
            raw = f.read()
        self.assertNotIn(id_card("53090219850312002").encode(), raw)
        self.assertNotIn("王伟".encode(), raw)
        # reopening needs the same key: none, or another, is refused
        with self.assertRaises(cp.EKEY):
            cp.open("sqlite:" + path)
        with self.assertRaises(cp.EKEY) as cm:
            cp.open("sqlite:" + path, key=bytes(32), key_id=TEST_KEY_ID)
        self.assertIn(TEST_KEY_ID, cm.exception.message)
        with self.assertRaises(cp.EKEY):
            cp.open("sqlite:" + path, key=lambda key_id: None)
        # a callable key source is asked by key id (the store names its own)
        asked = []

        def source(key_id):
            asked.append(key_id)
            return TEST_KEY

        with cp.open("sqlite:" + path, key=source) as ctx, ctx.actor_system() as system:
            with ctx.person_get(system, pid) as p:
                self.assertEqual((p.name, p.id_card), ("王伟", id_card("53090219850312002")))
        self.assertEqual(asked, [TEST_KEY_ID])
        # plaintext=True is the explicit choice to store in clear (tests, demos)
        for uri in ("memory:", "sqlite:%s/clear.db" % self.tmp):
            with cp.open(uri, plaintext=True) as ctx, ctx.actor_system() as system:
                ctx.setting_set(system, "station.name", "白沙派出所")
                self.assertEqual(ctx.setting_get(system, "station.name"), "白沙派出所")
        with cp.open("sqlite:%s/clear.db" % self.tmp, plaintext=True, read_only=True) as ctx:
            with ctx.actor_system() as system:
                self.assertEqual(ctx.setting_get(system, "station.name"), "白沙派出所")

    def test_clock_callback(self):
        fixed = dt.datetime(2024, 3, 12, 8, 30, tzinfo=UTC)
        calls = []

        def clock():
            calls.append(1)
            return fixed

        with open_ctx("memory:", clock=clock) as ctx:
            self.assertEqual(ctx.now(), fixed)
            new = ctx.id_new()
            self.assertEqual(cp.id_time(new), fixed)
            system = ctx.actor_system()
            area = ctx.area_create(system, None, cp.CPOL_AREA_BUREAU, "分局")
            with ctx.area_get(system, area):
                pass
            self.assertEqual([e["time"] for e in ctx.audit_iter(system)], [fixed])
        self.assertTrue(calls)
        with open_ctx("memory:", {"clock": lambda: 1000}) as ctx:
            self.assertEqual(ctx.now(), dt.datetime(1970, 1, 1, 0, 0, 1, tzinfo=UTC))

    def test_batch_methods(self):
        with open_ctx("memory:") as ctx, ctx.actor_system() as system:
            self.assertFalse(ctx.batch_active())
            self.assertIsNone(ctx.batch_begin())
            self.assertTrue(ctx.batch_active())
            with self.assertRaises(cp.EMISUSE):
                ctx.batch_begin()
            ctx.setting_set(system, "a", "1")
            ctx.batch_rollback()
            with self.assertRaises(cp.ENOTFOUND):
                ctx.setting_get(system, "a")

    def test_open_options_struct(self):
        opts = cp.open_options_init(cp.CPOL_OPEN_OPTIONS_VERSION)
        self.assertEqual(opts.version, cp.CPOL_OPEN_OPTIONS_VERSION)
        opts.busy_timeout_ms = 100
        with self.assertRaises(cp.EKEY):  # a struct without a key or the plaintext flag
            cp.open("memory:", opts)
        with cp.open("memory:", opts, plaintext=True) as ctx:
            self.assertEqual(ctx.backend(), "memory")
        self.assertEqual(opts.flags, 0)  # the caller's struct is left as it was
        opts.flags = cp.CPOL_OPEN_PLAINTEXT
        with cp.open("memory:", opts) as ctx:
            self.assertEqual(ctx.backend(), "memory")
        with self.assertRaises(cp.EVERSION):
            cp.open_options_init(0)
        with self.assertRaises(cp.EVERSION):
            open_ctx("memory:", version=99)


class ValueTests(unittest.TestCase):
    def test_version_and_features(self):
        self.assertEqual(cp.version_string(), cp.CPOL_VERSION)
        self.assertEqual(cp.version_number(), cp.CPOL_VERSION_NUMBER)
        self.assertEqual(cp.library_version(), cp.CPOL_VERSION)
        self.assertTrue(os.path.exists(cp.library_path()))
        self.assertIs(cp.has_feature("storage.memory"), True)
        self.assertIs(cp.has_feature("storage.sqlite"), True)
        self.assertIs(cp.has_feature("no.such.feature"), False)
        self.assertIs(cp.has_feature(None), False)

    def test_ids(self):
        with open_ctx("memory:") as ctx:
            a, b = ctx.id_new(), ctx.id_new()
        self.assertIsInstance(a, uuid.UUID)
        self.assertEqual(a.version, 7)
        self.assertLess(cp.id_compare(a, b), 0)
        self.assertEqual(cp.id_compare(a, str(a)), 0)
        self.assertEqual(cp.id_format(a), str(a))
        self.assertEqual(cp.id_parse(str(a).upper()), a)
        self.assertTrue(cp.id_is_nil(uuid.UUID(int=0)))
        self.assertTrue(cp.id_is_nil(None))
        self.assertFalse(cp.id_is_nil(a))
        self.assertIsNone(cp.id_time(uuid.UUID(int=0)))
        with self.assertRaises(cp.EINVALID) as cm:
            cp.id_parse("not-an-id")
        self.assertIn("position", cm.exception.message)
        with self.assertRaises(TypeError):
            cp.id_format(42)

    def test_names_and_tables(self):
        self.assertEqual(cp.role_name(cp.CPOL_ROLE_OFFICER), "community officer")
        self.assertEqual(cp.role_name_zh(cp.CPOL_ROLE_VOLUNTEER), "义警")
        self.assertIs(cp.role_is_staff(cp.CPOL_ROLE_OFFICER), True)
        self.assertIs(cp.role_can(cp.CPOL_ROLE_ANALYST, cp.CPOL_PERM_PERSON_REGISTER), False)
        self.assertEqual(cp.permission_name(cp.CPOL_PERM_VOLUNTEER_REVIEW), "volunteer.review")
        self.assertEqual(cp.area_kind_name(cp.AreaKind.STATION), "police station")
        self.assertEqual(cp.AreaKind.STATION, cp.CPOL_AREA_STATION)
        self.assertEqual(cp.Status.ENOTFOUND, -3)
        cp.id_card_check(id_card("53090219850312002"))
        with self.assertRaises(cp.EINVALID):
            cp.id_card_check("123")


class ErrorTests(unittest.TestCase):
    def test_one_class_per_status_code(self):
        negatives = [m for m in cp.Status if m < 0]
        self.assertGreaterEqual(len(negatives), 20)
        for m in negatives:
            cls = getattr(cp, m.name)
            self.assertTrue(issubclass(cls, cp.Error), m.name)
            self.assertEqual(cls.code, m.value)
            self.assertEqual(cls.name, "CPOL_" + m.name)
            self.assertIs(cp.ERRORS[m.value], cls)
            self.assertEqual(cp.status_name(m.value), "CPOL_" + m.name)
            self.assertTrue(cp.strerror(m.value))
        self.assertTrue(issubclass(cp.ENOMEM, MemoryError))
        self.assertTrue(issubclass(cp.EINVALID, ValueError))

    def test_exception_carries_code_and_message(self):
        cp.error_clear()
        self.assertEqual(cp.error_code(), cp.CPOL_OK)
        self.assertEqual(cp.error_message(), "no error")
        with open_ctx("memory:") as ctx, ctx.actor_system() as system:
            with self.assertRaises(cp.Error) as cm:
                ctx.setting_get(system, "absent.key")
            e = cm.exception
            self.assertIs(type(e), cp.ENOTFOUND)
            self.assertEqual(e.code, cp.CPOL_ENOTFOUND)
            self.assertEqual(e.name, "CPOL_ENOTFOUND")
            self.assertEqual(e.function, "cpol_setting_get")
            self.assertEqual(e.message, cp.error_message())
            self.assertEqual(cp.error_code(), cp.CPOL_ENOTFOUND)
            self.assertIn("absent.key", str(e))
            self.assertIn("ENOTFOUND", repr(e))
            # the message is read at once: a later failure does not change it
            with self.assertRaises(cp.EINVALID) as cm2:
                ctx.setting_get(system, "BAD KEY")
            self.assertNotEqual(cm2.exception.message, e.message)
            self.assertIn("absent.key", e.message)

    def test_unknown_code_maps_to_base_class(self):
        e = cp.Error("x", -999)
        self.assertEqual(e.code, -999)
        self.assertEqual(e.name, "CPOL_UNKNOWN")


class LifetimeTests(unittest.TestCase):
    def fill(self, ctx):
        system = ctx.actor_system()
        root = ctx.area_create(system, None, cp.CPOL_AREA_BUREAU, "分局")
        for i in range(5):
            ctx.area_create(system, root, cp.CPOL_AREA_STATION, "派出所%d" % i)
        for i in range(5):
            ctx.setting_set(system, "k.%d" % i, str(i))
        return system, root

    def test_close_in_any_order(self):
        orders = [("ctx", "it", "actor", "area"), ("it", "ctx", "area", "actor"),
                  ("area", "actor", "ctx", "it"), ("actor", "area", "it", "ctx")]
        for order in orders:
            with self.subTest(order=order):
                ctx = open_ctx("memory:")
                system, root = self.fill(ctx)
                objs = {"ctx": ctx, "actor": system, "area": ctx.area_get(system, root),
                        "it": ctx.area_iter(system, root, cp.CPOL_AREA_WALK_CHILDREN)}
                next(objs["it"])
                for name in order:
                    objs[name].close()
                    objs[name].close()  # a second close does nothing
                for name, obj in objs.items():
                    self.assertTrue(obj.closed, name)

    def test_iterator_outlives_its_context(self):
        for uri in ("memory:", None):
            with self.subTest(uri=uri or "sqlite"):
                tmp = tempfile.mkdtemp(prefix="cpol-py-")
                try:
                    ctx = open_ctx(uri or "sqlite:%s/x.db" % tmp)
                    system, root = self.fill(ctx)
                    it = ctx.area_iter(system, root, cp.CPOL_AREA_WALK_CHILDREN)
                    settings = ctx.setting_iter(system, "k.")
                    first = next(it)
                    ctx.close()
                    rest = list(it)  # the library keeps the storage for live iterators
                    self.assertEqual([first["name"]] + [r["name"] for r in rest],
                                     ["派出所%d" % i for i in range(5)])
                    self.assertEqual(len(list(settings)), 5)
                    self.assertTrue(it.closed)  # exhausted iterators free themselves
                    system.close()
                finally:
                    shutil.rmtree(tmp, ignore_errors=True)

    def test_use_after_close_raises(self):
        ctx = open_ctx("memory:")
        system, root = self.fill(ctx)
        area = ctx.area_get(system, root)
        it = ctx.setting_iter(system, None)
        ctx.close()
        with self.assertRaises(cp.ClosedError) as cm:
            ctx.setting_get(system, "k.1")
        self.assertIn("attempt to use closed commpolice.ctx", str(cm.exception))
        area.close()
        with self.assertRaises(cp.ClosedError):
            area.name
        system.close()
        with self.assertRaises(cp.ClosedError):
            system.role
        it.close()
        self.assertEqual(list(it), [])
        with self.assertRaises(cp.ClosedError):
            with area:
                pass
        self.assertIn("closed", repr(area))
        with self.assertRaises(TypeError):
            cp.Actor()

    def test_children_keep_their_parent_alive(self):
        ctx = open_ctx("memory:")
        system, _ = self.fill(ctx)
        ref = weakref.ref(ctx)
        it = ctx.setting_iter(system, "k.")
        del ctx, system
        gc.collect()
        self.assertIsNotNone(ref(), "the iterator must keep its context alive")
        self.assertEqual(len(list(it)), 5)
        del it
        gc.collect()
        self.assertIsNone(ref(), "the context is collected with its last child")

    def test_garbage_collection_without_crashes(self):
        for round_ in range(20):
            ctx = open_ctx("memory:")
            system, root = self.fill(ctx)
            junk = [ctx.area_iter(system, root, cp.CPOL_AREA_WALK_CHILDREN) for _ in range(5)]
            junk += [ctx.area_get(system, root) for _ in range(5)]
            junk += [ctx.setting_iter(system, "k.") for _ in range(3)]
            junk += [ctx.actor_system() for _ in range(3)]
            for j in junk[::3]:
                if isinstance(j, cp.Iterator):
                    next(j)
            # a reference cycle, so the cycle collector frees the lot in its own order
            cycle = {"ctx": ctx, "junk": junk}
            cycle["self"] = cycle
            if round_ % 2:
                ctx.close()
            del ctx, system, junk, cycle
            gc.collect()

    def test_objects_left_open_at_exit(self):
        code = ("import commpolice as cp\n"
                "ctx = cp.open('memory:', key=%r, key_id=%r)\n"
                "s = ctx.actor_system()\n"
                "r = ctx.area_create(s, None, cp.CPOL_AREA_BUREAU, 'x')\n"
                "it = ctx.area_iter(s, r, cp.CPOL_AREA_WALK_CHILDREN)\n"
                "a = ctx.area_get(s, r)\n"
                "st = ctx.setting_iter(s, None)\n"
                "print('ok')\n" % (TEST_KEY, TEST_KEY_ID))
        proc = subprocess.run([sys.executable, "-c", code], stdout=subprocess.PIPE, stderr=subprocess.PIPE)
        self.assertEqual(proc.returncode, 0, proc.stderr.decode())
        self.assertEqual(proc.stdout.strip(), b"ok")
        self.assertNotIn(b"Exception", proc.stderr)


class RowTests(unittest.TestCase):
    def setUp(self):
        self.st = Station("memory")
        officer = self.st.staff("张警官", "53090219800101001", cp.CPOL_ROLE_OFFICER, self.st.station)
        self.officer = officer
        for i in range(3):
            self.st.person("居民%d" % i, "530902197005%02d004" % (i + 1), self.st.compound)

    def tearDown(self):
        self.officer.close()
        self.st.close()

    def test_csv_dictwriter_takes_rows(self):
        it = self.st.ctx.person_iter(self.officer)
        self.assertEqual(list(it.fields), cp.row_fields("cpol_person"))
        self.assertEqual(cp.row_fields("cpol_person_iter"), cp.row_fields("cpol_person"))
        self.assertIn("id_card", it.fields)
        out = io.StringIO()
        w = csv.DictWriter(out, fieldnames=it.fields)
        w.writeheader()
        w.writerows(it)
        lines = out.getvalue().splitlines()
        self.assertEqual(len(lines), 5)  # header, the officer and three residents
        self.assertTrue(lines[0].startswith("id,name,id_card"))
        back = list(csv.DictReader(io.StringIO(out.getvalue())))
        self.assertEqual(uuid.UUID(back[0]["id"]).version, 7)
        self.assertEqual(back[1]["name"], "居民0")

    def test_snapshot_rows_and_properties_agree(self):
        pid = self.st.person("单独", "53090219700505009", self.st.compound)
        with self.st.ctx.person_get(self.officer, pid) as p:
            row = p.row()
            for key in cp.Person.fields:
                self.assertEqual(getattr(p, key), row[key], key)
            self.assertEqual(list(p.keys()), list(cp.Person.fields))
            self.assertEqual(p["name"], "单独")
            with self.assertRaises(KeyError):
                p["nope"]

    def test_pandas_takes_rows(self):
        try:
            import pandas
        except ImportError:
            self.skipTest("pandas is not installed")
        df = pandas.DataFrame(list(self.st.ctx.person_iter(self.officer)))
        self.assertEqual(len(df), 4)
        self.assertIn("registered_at", df.columns)


class GenericBindingTests(unittest.TestCase):
    """The binding is driven by the generated tables: check the invariants."""

    def test_every_iterator_family_has_a_method(self):
        for it in cp._capi.ITERATORS:
            cls = cp.CLASSES[it["type"]]
            self.assertTrue(issubclass(cls, cp.Iterator))
            for ctor in it["ctors"]:
                spec = cp._capi.SPECS[ctor]
                owner = cp.CLASSES.get(spec.get("receiver"), cp)
                self.assertTrue(callable(getattr(owner, spec["method"], None)), ctor)

    def test_every_handle_has_a_class(self):
        for ctype in cp._capi.HANDLES:
            self.assertIn(ctype, cp.CLASSES)

    def test_loader_override_and_version_rule(self):
        env = dict(os.environ, COMMPOLICE_LIBRARY="/nonexistent/libcommpolice.so")
        proc = subprocess.run([sys.executable, "-c", "import commpolice"], env=env,
                              stdout=subprocess.PIPE, stderr=subprocess.PIPE)
        self.assertNotEqual(proc.returncode, 0)
        self.assertIn(b"COMMPOLICE_LIBRARY", proc.stderr)
        env["COMMPOLICE_LIBRARY"] = cp.library_path()
        proc = subprocess.run([sys.executable, "-c", "import commpolice; print(commpolice.library_path())"],
                              env=env, stdout=subprocess.PIPE, stderr=subprocess.PIPE)
        self.assertEqual(proc.returncode, 0, proc.stderr)
        major, minor, _ = cp._capi.GENERATED_VERSION
        number = major * 1000000 + minor * 1000
        self.assertTrue(cp._capi.version_compatible(number + 7))
        self.assertFalse(cp._capi.version_compatible(number + 1000000))
        if major == 0:
            self.assertFalse(cp._capi.version_compatible(number + 1000))
        else:
            self.assertTrue(cp._capi.version_compatible(number + 1000))
        if minor > 0:
            self.assertFalse(cp._capi.version_compatible(number - 1000))


if __name__ == "__main__":
    unittest.main(verbosity=2)
