"""The station the leak scanner attacks (tests/security/test_leak_scanner.py).

One police station with every kind of reader, and a covert informant (治安信息员)
who leaves traces everywhere a person can: a tip that earns a lead award, a case
handled on the spot, a party to a third case, a patrol shift that earns points,
two teams (a patrol team and an informant network), training and a certificate,
a duty location, a redemption and a disciplinary note. A resident reports a
second case as confidential. Everything that names the informant is written by
the system actor or the community officer, the readers who may know.

The world is built through the public Python binding (the generated ctypes
layer), so it exercises the same ABI the scanner then reads through.
"""

import uuid

import commpolice as cp

T0 = 1750644000000  # 2025-06-23 10:00 +08:00
MINUTE = 60 * 1000
HOUR = 60 * MINUTE
DAY = 24 * HOUR


def id_card(first17):
    """A valid GB 11643 number from its first 17 digits."""
    w = [7, 9, 10, 5, 8, 4, 2, 1, 6, 3, 7, 9, 10, 5, 8, 4, 2]
    total = sum(int(c) * k for c, k in zip(first17, w))
    return first17 + "10X98765432"[total % 11]


class Secret:
    """What a reader without clearance must never learn about one person."""

    def __init__(self, person_id, name, card, phone):
        self.id = person_id
        self.name = name
        self.card = card
        self.phone = phone

    def needles(self):
        """Every text form in which the person could show up in an output."""
        return [str(self.id), self.id.hex, self.id.hex.upper(), self.name, self.card, self.phone]


class LeakWorld:
    """A station: staff and volunteers (actors), the informant's traces, and a
    second station. `readers` maps a label to (actor, cleared?)."""

    def __init__(self, uri):
        self.now = T0
        # encrypted at rest, as a deployment runs (docs/security.md)
        self.ctx = cp.open(uri, clock=lambda: self.now, key=bytes(range(32)), key_id="leak-scanner")
        self.sys = self.ctx.actor_system()
        self._seq = 0
        self._handles = [self.sys]
        c, s = self.ctx, self.sys
        self.bureau = c.area_create(s, None, cp.CPOL_AREA_BUREAU, "临翔分局")
        self.station = c.area_create(s, self.bureau, cp.CPOL_AREA_STATION, "忙畔派出所")
        self.community = c.area_create(s, self.station, cp.CPOL_AREA_COMMUNITY, "玉龙社区")
        self.compound = c.area_create(s, self.community, cp.CPOL_AREA_COMPOUND, "玉龙小区")
        self.other_station = c.area_create(s, self.bureau, cp.CPOL_AREA_STATION, "凤翔派出所")
        self.other_community = c.area_create(s, self.other_station, cp.CPOL_AREA_COMMUNITY, "锦凤社区")
        self._people()
        self._points_and_shop()
        self._cases()
        self._teams_training_shifts()
        self._late_changes()

    # ---- people -------------------------------------------------------------
    def _register(self, name, home=None, phone=None):
        self._seq += 1
        card = id_card("5309021975%02d%02d%03d" % (self._seq % 12 + 1, self._seq % 28 + 1, self._seq))
        phone = phone or "139%08d" % (10000000 + self._seq)
        pid = self.ctx.person_register(self.sys, name=name, id_card=card, phone=phone,
                                       home_area=home or self.compound)
        return pid, card, phone

    def _staff(self, name, role, where=None, home=None):
        pid, _, _ = self._register(name, home)
        self.last_assignment = self.ctx.role_appoint(self.sys, pid, role, where or self.station, "任命")
        return self._open(pid, role), pid

    def _volunteer(self, name, role):
        pid, card, phone = self._register(name)
        a = self.ctx.volunteer_apply(self.sys, pid, role, self.community, "自愿报名")
        for to in (cp.CPOL_ASSIGNMENT_UNDER_REVIEW, cp.CPOL_ASSIGNMENT_ADMITTED, cp.CPOL_ASSIGNMENT_ACTIVE):
            self.ctx.assignment_step(self.sys, a, to, "审核")
        return self._open(pid, role), pid, card, phone, a

    def _open(self, pid, role):
        a = self.ctx.actor_open(pid, role)
        self._handles.append(a)
        return a

    def _people(self):
        self.officer, self.officer_id = self._staff("张警官", cp.CPOL_ROLE_OFFICER)
        self.aux, self.aux_id = self._staff("李辅警", cp.CPOL_ROLE_AUXILIARY)
        self.leader, self.leader_id = self._staff("王所长", cp.CPOL_ROLE_LEADER)
        self.analyst, _ = self._staff("数据分析员", cp.CPOL_ROLE_ANALYST)
        self.operator, _ = self._staff("服务站小刘", cp.CPOL_ROLE_OPERATOR)
        # an officer of the other station: cleared by role, but not for this station
        self.other_officer, _ = self._staff("赵警官", cp.CPOL_ROLE_OFFICER, self.other_station,
                                            self.other_community)
        # an officer whose handle outlives the assignment (suspended below)
        self.stale_officer, self.stale_id = self._staff("钱警官", cp.CPOL_ROLE_OFFICER)
        self.stale_assignment = self.last_assignment
        self.volunteer, self.volunteer_id, _, _, _ = self._volunteer("义警老陈", cp.CPOL_ROLE_VOLUNTEER)
        self.grid, self.grid_id, _, _, _ = self._volunteer("网格员小周", cp.CPOL_ROLE_GRID_WORKER)
        # every other role without person.sensitive reads too
        self.guard, _, _, _, _ = self._volunteer("保安老刘", cp.CPOL_ROLE_PROPERTY_GUARD)
        self.head, _, _, _, _ = self._volunteer("楼栋长老赵", cp.CPOL_ROLE_BUILDING_HEAD)
        self.lawyer, _, _, _, _ = self._volunteer("公益律师钱", cp.CPOL_ROLE_LAWYER)
        self.mediator, _, _, _, _ = self._volunteer("调解员孙", cp.CPOL_ROLE_MEDIATOR)
        (self.informant, self.informant_id, card, phone,
         self.informant_assignment) = self._volunteer("线人孙某", cp.CPOL_ROLE_INFORMANT)
        self.secret = Secret(self.informant_id, "线人孙某", card, phone)
        # another informant: covert too, and must not learn of the first
        self.other_informant, _, _, _, _ = self._volunteer("线人李某", cp.CPOL_ROLE_INFORMANT)
        # a resident who reports confidentially (not covert: only the link is secret)
        self.resident_id, _, _ = self._register("居民周女士")

    # ---- points -------------------------------------------------------------
    def _points_and_shop(self):
        c, o = self.ctx, self.officer
        c.earning_rule_set(o, self.station, cp.CPOL_EARN_PATROL, 10, 0, 0)
        c.earning_rule_set(o, self.station, cp.CPOL_EARN_CASE_LEAD, 50, 0, 0)
        c.earning_rule_set(o, self.station, cp.CPOL_EARN_MEDIATION, 20, 0, 0)
        self.item = c.shop_item_create(o, self.station, "大米 5kg", 10, 10)

    # ---- cases --------------------------------------------------------------
    def _report(self, as_, source, category, text, **more):
        f = dict(source=source, category=category, description=text, area=self.compound,
                 address="玉龙小区3栋", has_location=1, latitude=23.886, longitude=100.092)
        f.update(more)
        self.now += MINUTE
        return self.ctx.case_report(as_, f)

    def _cases(self):
        c = self.ctx
        # A: the informant's tip, verified: a lead award follows
        self.tip = self._report(self.informant, cp.CPOL_CASE_SOURCE_INFORMANT_TIP, cp.CPOL_CASE_THEFT_FRAUD,
                                "3栋有人收购来路不明的电动车")
        self.now += MINUTE
        c.case_verify(self.officer, self.tip, "核实属实")
        # B: a neighbour dispute the informant settles on the spot
        self.spot = self._report(self.aux, cp.CPOL_CASE_SOURCE_RESIDENT_COMPLAINT, cp.CPOL_CASE_NEIGHBOUR,
                                 "楼上楼下噪音争吵", reporter_name="居民吴先生")
        c.case_verify(self.officer, self.spot, "属实")
        c.case_assess(self.officer, self.spot, cp.CPOL_RISK_GENERAL, "一般")
        c.case_assign(self.officer, self.spot, cp.CPOL_TIER_ON_THE_SPOT, self.informant_id, None, "就地劝解")
        self.now += 2 * MINUTE
        c.case_arrive(self.officer, self.spot, self.informant_id, 0, "到场")
        self.now += 10 * MINUTE
        c.case_resolve(self.officer, self.spot, cp.CPOL_OUTCOME_MEDIATED, "握手言和")
        # C: a dispute the informant is a party to
        self.party_case = self._report(self.aux, cp.CPOL_CASE_SOURCE_RESIDENT_COMPLAINT, cp.CPOL_CASE_PROPERTY,
                                       "物业费纠纷", reporter_name="居民郑先生")
        c.case_party_add(self.officer, self.party_case, self.informant_id, None)
        # D: a resident's confidential report
        self.confidential = self._report(self.officer, cp.CPOL_CASE_SOURCE_RESIDENT_COMPLAINT,
                                         cp.CPOL_CASE_PUBLIC_ORDER, "有人聚众赌博", reporter=self.resident_id,
                                         confidential=1)
        c.duty_report(self.officer, self.informant_id, 23.8861, 100.0921, 1)
        c.duty_report(self.sys, self.volunteer_id, 23.8871, 100.0931, 1)

    # ---- teams, training, shifts, shop --------------------------------------
    def _teams_training_shifts(self):
        c, s, o = self.ctx, self.sys, self.officer
        self.patrol_team = c.team_create(s, name="玉龙巡逻队", kind=cp.CPOL_TEAM_PATROL,
                                         composition=cp.CPOL_TEAM_TEMPLATE_1_N, area=self.community,
                                         officer=self.officer_id)
        c.team_member_add(s, self.patrol_team, self.volunteer_id, cp.CPOL_TEAM_ROLE_MEMBER, "入队")
        c.team_member_add(s, self.patrol_team, self.informant_id, cp.CPOL_TEAM_ROLE_MEMBER, "入队")
        self.network = c.team_create(s, name="玉龙信息员网络", kind=cp.CPOL_TEAM_INFORMANT_NETWORK,
                                     composition=cp.CPOL_TEAM_TEMPLATE_1_N, area=self.community,
                                     officer=self.officer_id)
        c.team_member_add(s, self.network, self.informant_id, cp.CPOL_TEAM_ROLE_MEMBER, "入网")
        self.course = c.course_create(o, self.station, cp.CPOL_COURSE_ANTI_FRAUD, "反诈课", 365)
        self.session = c.training_session_create(o, self.course, self.now + HOUR, 90, self.community)
        self.now += 3 * HOUR
        c.training_attend(o, self.session, self.informant_id, 1)
        c.training_attend(o, self.session, self.volunteer_id, 1)
        c.certificate_issue(o, self.course, self.informant_id)
        self.shift = c.shift_create(o, team=self.patrol_team, area=self.community, kind=cp.CPOL_SHIFT_PATROL,
                                    title="夜间巡逻", starts_at=self.now + HOUR, ends_at=self.now + 3 * HOUR,
                                    capacity=5)
        sign_i = c.shift_signup(o, self.shift, self.informant_id)
        sign_v = c.shift_signup(o, self.shift, self.volunteer_id)
        self.now += 2 * HOUR
        for sign in (sign_i, sign_v):
            c.signup_check_in(o, sign)
            c.signup_complete(o, sign, 120)
        self.now += 2 * HOUR
        c.shop_redeem(o, uuid.uuid4(), self.informant_id, self.item, 1, 0)
        c.shop_redeem(o, uuid.uuid4(), self.volunteer_id, self.item, 1, 0)
        c.person_note_add(o, self.informant_id, cp.CPOL_NOTE_DISCIPLINE, "迟到一次")
        c.setting_set(s, "station.motto", "平安玉龙")

    def _late_changes(self):
        # the stale officer's handle stays open while the assignment is suspended
        self.ctx.assignment_step(self.sys, self.stale_assignment, cp.CPOL_ASSIGNMENT_SUSPENDED, "停职")
        self.now += MINUTE

    # ---- what the scanner needs ---------------------------------------------
    def readers(self):
        """label -> (actor, cleared for this station?)."""
        return {
            "officer": (self.officer, True),
            "system": (self.sys, True),
            "auxiliary": (self.aux, False),
            "analyst": (self.analyst, False),
            "operator": (self.operator, False),
            "grid worker": (self.grid, False),
            "volunteer": (self.volunteer, False),
            "property guard": (self.guard, False),
            "building head": (self.head, False),
            "pro-bono lawyer": (self.lawyer, False),
            "mediator": (self.mediator, False),
            "another informant": (self.other_informant, False),
            "station leader": (self.leader, True),
            "other station's officer": (self.other_officer, False),
            "suspended officer (stale handle)": (self.stale_officer, False),
        }

    def id_pool(self):
        """Every id a caller could plausibly pass: people, places, cases,
        teams, courses, shifts, items, plus one that names nothing."""
        pool = [self.informant_id, self.resident_id, self.volunteer_id, self.officer_id, self.aux_id,
                self.station, self.community, self.compound, self.other_station, self.tip, self.spot,
                self.party_case, self.confidential, self.patrol_team, self.network, self.course,
                self.session, self.shift, self.item, self.informant_assignment]
        pool += self._discovered_ids()
        pool.append(uuid.UUID("0190f0e0-0000-7000-8000-00000000dead"))
        seen, out = set(), []
        for i in pool:
            if i not in seen:
                seen.add(i)
                out.append(i)
        return out

    def _discovered_ids(self):
        """Ids the system actor can list that a caller might also hold: transfers,
        memberships, sign-ups, assignments, audit entries' objects."""
        found = []
        for entry in self.ctx.audit_iter(self.sys, {}):
            obj = entry.get("object")
            if isinstance(obj, uuid.UUID):
                found.append(obj)
        for team in (self.patrol_team, self.network):
            for m in self.ctx.team_roster_iter(self.sys, team, 0):
                found.append(m["id"])
        return found

    def close(self):
        for h in reversed(self._handles):
            h.close()
        self.ctx.close()
