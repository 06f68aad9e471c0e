"""Tests of the commpolice Python package (CTest: bindings.python).

Run from the build tree: PYTHONPATH=BUILD/bindings/python python3 -m unittest -v test_python
(CTest sets it). The people scenarios mirror tests/public/check_people.c and
run on both backends (memory: and sqlite:).
"""

import csv
import datetime as dt
import gc
import io
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


class Station:
    """The fixture of check_people.c: a bureau with two stations, a community,
    a grid and a compound, and the system actor."""

    def __init__(self, backend):
        self.tmp = tempfile.mkdtemp(prefix="cpol-py-")
        uri = "memory:" if backend == "memory" else "sqlite:%s/people.db" % self.tmp
        self.ctx = cp.open(uri)
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
            with c.area_get(b2) as got:
                self.assertEqual(got.name, "1栋")
                self.assertEqual(got.kind, cp.CPOL_AREA_BUILDING)
                self.assertEqual(got.depth, 5)
                self.assertEqual(got.station, st.station)
                self.assertEqual(got.parent, st.compound)
                self.assertEqual(got.row()["name"], "1栋")
                self.assertEqual(dict(got)["id"], b2)
            names = [a["name"] for a in c.area_iter(b2, cp.CPOL_AREA_WALK_ANCESTORS)]
            self.assertEqual(names, ["玉龙小区", "第一网格", "玉龙社区", "忙畔派出所", "临翔分局"])
            names = [a["name"] for a in c.area_iter(st.station, cp.CPOL_AREA_WALK_DESCENDANTS)]
            self.assertEqual(names, ["玉龙社区", "第一网格", "玉龙小区", "1栋", "锦凤小区"])
            names = [a["name"] for a in c.area_iter(st.bureau, cp.AreaWalk.CHILDREN)]
            self.assertEqual(names, ["忙畔派出所", "凤翔派出所"])
            with self.assertRaises(cp.EINVALID):
                c.area_iter(st.bureau, 9)
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
            self.assertIn("530902********", cm.exception.message)
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
                self.assertTrue(p.id_card.startswith("530902********"))
                self.assertEqual(p.phone, "139****5678")
            rows = list(c.person_iter(analyst))
            self.assertEqual(len(rows), 4)
            for row in rows:
                self.assertIs(row["masked"], True)
                self.assertIn("********", row["id_card"])
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
            with c.assignment_get(a) as asg:
                self.assertEqual(asg.status, cp.CPOL_ASSIGNMENT_RETIRED)
                self.assertEqual(cp.assignment_status_name(asg.status), "retired")
            self.assertEqual(c.person_note_count(v, cp.CPOL_NOTE_DISCIPLINE), 1)
            actions = [e["action"] for e in c.audit_iter(officer, object=a)]
            self.assertEqual(actions, ["volunteer.apply", "volunteer.review", "volunteer.admit",
                                       "volunteer.activate", "volunteer.suspend", "volunteer.reinstate",
                                       "volunteer.retire"])
            history = list(c.assignment_iter(v))
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
            with self.assertRaises(cp.EPERM) as cm:
                c.person_get(foreign, p)
            self.assertIn("station", cm.exception.message)
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
            with c.team_get(team) as t:
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
            names = [a["name"] for a in c.area_iter(st.compound, cp.CPOL_AREA_WALK_CHILDREN)]
            self.assertEqual(names, [])
        self.each_backend(run)


class ContextAndSettingsTests(unittest.TestCase):
    def setUp(self):
        self.tmp = tempfile.mkdtemp(prefix="cpol-py-")

    def tearDown(self):
        shutil.rmtree(self.tmp, ignore_errors=True)

    def test_open_memory_and_sqlite(self):
        for uri, backend in (("memory:", "memory"), ("sqlite:%s/a.db" % self.tmp, "sqlite")):
            with cp.open(uri) as ctx:
                self.assertEqual(ctx.backend(), backend)
                self.assertEqual(ctx.schema_version(), cp.schema_version_current())
                self.assertIsInstance(ctx.now(), dt.datetime)
                self.assertEqual(ctx.now().tzinfo, UTC)
            self.assertTrue(ctx.closed)
        with cp.Context("memory:") as ctx:
            self.assertIsInstance(ctx, cp.Context)

    def test_settings_round_trip(self):
        path = "%s/s.db" % self.tmp
        with cp.open("sqlite:" + path) as ctx:
            ctx.setting_set("station.name", "白沙派出所")
            ctx.setting_set("station.code", "530902")
            ctx.setting_set("kiosk.location", "服务站一楼")
            self.assertEqual(ctx.setting_get("station.name"), "白沙派出所")
            self.assertEqual(dict(ctx.setting_iter("station.")),
                             {"station.code": "530902", "station.name": "白沙派出所"})
            self.assertEqual([k for k, _ in ctx.setting_iter(None)],
                             ["kiosk.location", "station.code", "station.name"])
            ctx.setting_delete("station.code")
            with self.assertRaises(cp.ENOTFOUND) as cm:
                ctx.setting_get("station.code")
            self.assertIn("station.code", cm.exception.message)
            self.assertIsInstance(cm.exception, LookupError)
            with self.assertRaises(cp.EINVALID):
                ctx.setting_set("Bad Key", "x")
            with self.assertRaises(cp.ETOOLONG):
                ctx.setting_set("k", "x" * (cp.CPOL_SETTING_VALUE_MAX + 1))
            with self.assertRaises(cp.EUTF8):
                ctx.setting_set("k", b"\xc3")
            with self.assertRaises(cp.EINVALID):
                ctx.setting_iter("BAD PREFIX")
        with cp.open("sqlite:" + path, flags=cp.CPOL_OPEN_READONLY) as ctx:
            self.assertEqual(ctx.setting_get("station.name"), "白沙派出所")
            with self.assertRaises(cp.EREADONLY):
                ctx.setting_set("station.name", "x")
        with self.assertRaises(cp.ENOTFOUND):
            cp.open("sqlite:%s/missing.db" % self.tmp, flags=cp.CPOL_OPEN_NOCREATE)
        with self.assertRaises(cp.ESCHEME):
            cp.open("nosuchbackend:x")
        with self.assertRaises(TypeError):
            cp.open("memory:", bogus=1)

    def test_clock_callback(self):
        fixed = dt.datetime(2024, 3, 12, 8, 30, tzinfo=UTC)
        calls = []

        def clock():
            calls.append(1)
            return fixed

        with cp.open("memory:", clock=clock) as ctx:
            self.assertEqual(ctx.now(), fixed)
            new = ctx.id_new()
            self.assertEqual(cp.id_time(new), fixed)
            system = ctx.actor_system()
            area = ctx.area_create(system, None, cp.CPOL_AREA_BUREAU, "分局")
            with ctx.area_get(area):
                pass
            self.assertEqual([e["time"] for e in ctx.audit_iter(system)], [fixed])
        self.assertTrue(calls)
        with cp.open("memory:", {"clock": lambda: 1000}) as ctx:
            self.assertEqual(ctx.now(), dt.datetime(1970, 1, 1, 0, 0, 1, tzinfo=UTC))

    def test_batch_methods(self):
        with cp.open("memory:") as ctx:
            self.assertFalse(ctx.batch_active())
            self.assertIsNone(ctx.batch_begin())
            self.assertTrue(ctx.batch_active())
            with self.assertRaises(cp.EMISUSE):
                ctx.batch_begin()
            ctx.setting_set("a", "1")
            ctx.batch_rollback()
            with self.assertRaises(cp.ENOTFOUND):
                ctx.setting_get("a")

    def test_open_options_struct(self):
        opts = cp.open_options_init(cp.CPOL_OPEN_OPTIONS_VERSION)
        self.assertEqual(opts.version, cp.CPOL_OPEN_OPTIONS_VERSION)
        opts.busy_timeout_ms = 100
        with cp.open("memory:", opts) as ctx:
            self.assertEqual(ctx.backend(), "memory")
        with self.assertRaises(cp.EVERSION):
            cp.open_options_init(0)
        with self.assertRaises(cp.EVERSION):
            cp.open("memory:", version=99)


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
        with cp.open("memory:") as ctx:
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
        with cp.open("memory:") as ctx:
            with self.assertRaises(cp.Error) as cm:
                ctx.setting_get("absent.key")
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
                ctx.setting_get("BAD KEY")
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
            ctx.setting_set("k.%d" % i, str(i))
        return system, root

    def test_close_in_any_order(self):
        orders = [("ctx", "it", "actor", "area"), ("it", "ctx", "area", "actor"),
                  ("area", "actor", "ctx", "it"), ("actor", "area", "it", "ctx")]
        for order in orders:
            with self.subTest(order=order):
                ctx = cp.open("memory:")
                system, root = self.fill(ctx)
                objs = {"ctx": ctx, "actor": system, "area": ctx.area_get(root),
                        "it": ctx.area_iter(root, cp.CPOL_AREA_WALK_CHILDREN)}
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
                    ctx = cp.open(uri or "sqlite:%s/x.db" % tmp)
                    system, root = self.fill(ctx)
                    it = ctx.area_iter(root, cp.CPOL_AREA_WALK_CHILDREN)
                    settings = ctx.setting_iter("k.")
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
        ctx = cp.open("memory:")
        system, root = self.fill(ctx)
        area = ctx.area_get(root)
        it = ctx.setting_iter(None)
        ctx.close()
        with self.assertRaises(cp.ClosedError) as cm:
            ctx.setting_get("k.1")
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
        ctx = cp.open("memory:")
        self.fill(ctx)
        ref = weakref.ref(ctx)
        it = ctx.setting_iter("k.")
        del ctx
        gc.collect()
        self.assertIsNotNone(ref(), "the iterator must keep its context alive")
        self.assertEqual(len(list(it)), 5)
        del it
        gc.collect()
        self.assertIsNone(ref(), "the context is collected with its last child")

    def test_garbage_collection_without_crashes(self):
        for round_ in range(20):
            ctx = cp.open("memory:")
            system, root = self.fill(ctx)
            junk = [ctx.area_iter(root, cp.CPOL_AREA_WALK_CHILDREN) for _ in range(5)]
            junk += [ctx.area_get(root) for _ in range(5)]
            junk += [ctx.setting_iter("k.") for _ in range(3)]
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
                "ctx = cp.open('memory:')\n"
                "s = ctx.actor_system()\n"
                "r = ctx.area_create(s, None, cp.CPOL_AREA_BUREAU, 'x')\n"
                "it = ctx.area_iter(r, cp.CPOL_AREA_WALK_CHILDREN)\n"
                "a = ctx.area_get(r)\n"
                "st = ctx.setting_iter(None)\n"
                "print('ok')\n")
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
