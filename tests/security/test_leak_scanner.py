"""The leak scanner: no reader without clearance learns who tipped.

Generated from bindings/api.json (through the generated Python layer's SPECS),
not hand-listed: every public function that takes an actor is classified as a
read or a write by its name; every read is called, as every reader of
tests/security/leak_world.py, with every combination of plausible arguments
(ids from the world's pool, each enum value, each filter field set to each id),
and everything it returns is walked: strings, ids, snapshots (every getter),
iterators (every item), handles (every accessor), error messages.

For a reader who is not cleared (docs/permissions.md, "Who may learn who
tipped"), the test fails when any output
  * contains the informant's id (any text form), name, ID-card number or phone;
  * differs between a call naming the informant and the same call naming an id
    that names nobody (after the two ids are swapped in the text): the informant
    must be indistinguishable from nobody, also through error messages;
  * links the confidential case to its reporter: one call whose arguments and
    outputs together hold both the case's id and the reporter's id.
A read function that no call manages to drive for a cleared reader fails the
test until the scanner is taught to drive it; so does a function the scanner
cannot classify. Positive control: the cleared readers do see the informant.

Run: PYTHONPATH=BUILD/bindings/python python3 test_leak_scanner.py [memory|sqlite|postgresql]
(CTest: security.leak_scanner.*; postgresql takes CPOL_TEST_PG_URI).
"""

import datetime as dt
import itertools
import os
import re
import shutil
import sys
import tempfile
import unittest
import uuid

import commpolice as cp
from commpolice import _capi

from leak_world import LeakWorld

HERE = os.path.dirname(os.path.abspath(__file__))

# ---- classification --------------------------------------------------------
# A function with an actor is a read when its name ends in one of these verbs,
# a write when it ends in one of the others; anything else fails the test so a
# new function is classified (and, if it reads, scanned) deliberately.
READ = re.compile(r"_(get|iter_new|balance|responders|compute|compute_earlier|write|export|export_with|find_by_id_card|count|status|"
                  r"valid|minutes|check)$|^cpol_ledger_verify$|^cpol_audit_verify$|^cpol_audit_head$|^cpol_audit_verify_head$")
WRITE = re.compile(r"_(create|rename|register|update|appoint|apply|step|add|report|verify|reject|assess|assign|"
                   r"escalate|deescalate|arrive|resolve|refer|reply|feedback|followup|close|reopen|set|"
                   r"set_\w+|tick|sample|decide|award|reverse|post|void|redeem|refund|expire_all|expire_due|"
                   r"attend|issue|signup|check_in|complete|no_show|cancel|remove|delete|restock|open|system|"
                   r"rekey|purge|sync)$")
# Writes whose name would read as a read: nothing here yet.
WRITE_EXACT = {"cpol_case_verify"}
# Functions with an actor that are not domain reads or writes.
NOT_DOMAIN = {"cpol_actor_open": "opens an actor handle; checked by the people tests",
              "cpol_actor_system": "returns the system actor"}

T_END = 4102444800000  # 2100-01-01
T_FROM = 1704067200000  # 2024-01-01: a bounded period [T_FROM, T_TO) for queries that need one
T_TO = 1735689600000    # 2025-01-01
MAX_CALLS = 400        # per function and reader, so a many-parameter read stays bounded


def actor_functions():
    out = []
    for name, spec in _capi.SPECS.items():
        params = spec["params"]
        if len(params) >= 2 and params[0]["type"].get("name") == "cpol_ctx" and \
                params[1]["type"].get("name") == "cpol_actor":
            out.append(name)
    return sorted(out)


def classify(name):
    if name in NOT_DOMAIN:
        return "other"
    if name in WRITE_EXACT:
        return "write"
    if READ.search(name):
        return "read"
    if WRITE.search(name):
        return "write"
    return None


# ---- argument synthesis -----------------------------------------------------
def enum_values(enum_name):
    e = _capi.ENUMS.get(enum_name)
    if e is None:
        return [0, 1]
    return [int(v) for v in e]


_HEAD = [(1, "0" * 64)]


def world_head():
    """(seq, hash) of the scanned station's audit chain head (set by scan())."""
    return _HEAD[0]


def scalar_choices(p):
    t, name = p["type"], p["name"]
    if p.get("bool") or t.get("ctype") == "bool":
        return [0, 1]
    if "enum" in p or "enum" in t:
        return enum_values(p.get("enum") or t.get("enum"))
    if t.get("alias") == "cpol_time" or name in ("from", "since"):
        return [0, T_END] if name not in ("from", "since") else [0]
    if name in ("to", "until"):
        return [T_END]
    if t.get("kind") == "float":
        return [23.886]
    if name in ("limit", "permille"):
        return [100]
    if name == "seq":  # an audit chain position: the station's head, or the first
        return [world_head()[0], 1]
    if name == "seed":
        return [1]
    return [1, 0, 3]


def id_choices(p, world):
    return world.id_pool()


def string_choices(p, world):
    if "card" in p["name"]:
        return [world.secret.card, id_card_of_nobody()]
    if p["name"] in ("key", "prefix"):
        return ["station.motto", ""]
    if p["name"] == "hash":  # the station's chain head, as a host would have anchored it
        return [world_head()[1], "0" * 64]
    return [""]


def id_card_of_nobody():
    from leak_world import id_card
    return id_card("53090219750101999")


# Struct fields that turn a read into a write (repeat analysis can raise
# grades): never set by the scanner.
SIDE_EFFECT_FIELDS = re.compile(r"^raise")


def struct_choices(p, world):
    """The struct at its *_INIT defaults; a seed with the fields a query
    usually requires (an area or station, a kind, a threshold) set; then the
    seed with each id field set to each pool id and each small integer field
    (kinds, states, roles) set to 1..4, one field at a time."""
    name = p["type"]["name"]
    fields = [(n, t) for n, t in _capi.STRUCTS[name][1].get("fields", [])
              if n not in ("version", "offset", "limit") and not SIDE_EFFECT_FIELDS.search(n)]
    names = {n for n, _ in fields}
    yield {}
    seed = {}
    for n in ("area", "station"):
        if n in names:
            seed[n] = world.station
    if "kind" in names:
        seed["kind"] = 1
    if "threshold" in names:
        seed["threshold"] = 2
    if seed:
        yield dict(seed)
    if "from" in names and "to" in names:  # a bounded period (comparisons need one)
        yield dict(seed, **{"from": T_FROM, "to": T_TO})
    for fname, ftype in fields:
        if ftype.get("name") == "cpol_id":
            values = world.id_pool()
        elif ftype.get("kind") == "int" and ftype.get("alias") != "cpol_time" and \
                ftype.get("ctype") in ("int", "int32"):
            values = (1, 2, 3, 4)
        else:
            continue
        for v in values:
            yield dict(seed, **{fname: v})
            if seed:
                yield {fname: v}


def inputs(spec):
    return [p for p in spec["params"][2:] if p["pass"].startswith("in_") and p["pass"] != "in_buffer_size"]


def argument_sets(spec, world):
    choices = []
    for p in inputs(spec):
        pas = p["pass"]
        if pas == "in_struct" and p["type"].get("name") == "cpol_id":
            choices.append(list(id_choices(p, world)))
        elif pas == "in_struct":
            choices.append(list(struct_choices(p, world)))
        elif pas == "in_scalar":
            choices.append(scalar_choices(p))
        elif pas == "in_string":
            choices.append(string_choices(p, world))
        else:
            raise Undrivable("parameter %s passed as %s" % (p["name"], pas))
    # one parameter varies at a time around the first choice of the others,
    # then the full product while it stays small
    seen = set()
    base = [c[0] for c in choices]
    for i, c in enumerate(choices):
        for v in c:
            args = list(base)
            args[i] = v
            key = repr(args)
            if key not in seen:
                seen.add(key)
                yield args
    total = 1
    for c in choices:
        total *= len(c)
    if total <= MAX_CALLS:
        for args in itertools.product(*choices):
            key = repr(list(args))
            if key not in seen:
                seen.add(key)
                yield list(args)


class Undrivable(Exception):
    pass


# ---- output walking ---------------------------------------------------------
def flatten(value, out, depth=0):
    """Every primitive in a result, as text."""
    if depth > 6:
        return
    if value is None:
        return
    if isinstance(value, uuid.UUID):
        out.append(str(value))
        out.append(value.hex)
    elif isinstance(value, (str, bytes)):
        out.append(value if isinstance(value, str) else value.decode("utf-8", "replace"))
    elif isinstance(value, (int, float, bool, dt.datetime, dt.date)):
        out.append(str(value))
    elif isinstance(value, dict):
        for k, v in value.items():
            flatten(v, out, depth + 1)
    elif isinstance(value, (list, tuple)):
        for v in value:
            flatten(v, out, depth + 1)
    elif isinstance(value, cp.Iterator):
        for item in value:
            flatten(item, out, depth + 1)
        flatten(getattr(value, "outputs", None), out, depth + 1)
        value.close()
    elif isinstance(value, cp.Handle):
        walk_handle(value, out, depth)
        value.close()
    elif hasattr(value, "__dict__"):
        flatten(vars(value), out, depth + 1)
    else:
        out.append(repr(value))


def walk_handle(h, out, depth):
    """Every accessor of a handle: its row (all getters), then each function
    whose receiver is the handle type, called with each enum value."""
    ctype = h._ctype
    if isinstance(h, cp.Snapshot):
        flatten(h.row(), out, depth + 1)
    for fname, spec in _capi.SPECS.items():
        params = spec["params"]
        if not params or params[0]["type"].get("name") != ctype or spec.get("role") in ("dtor", "getter"):
            continue
        extra = params[1:]
        if any(p["pass"].startswith("in_") and p["pass"] not in ("in_scalar",) for p in extra):
            continue
        scalar_sets = [scalar_choices(p) for p in extra if p["pass"] == "in_scalar"]
        method = getattr(type(h), spec.get("method") or fname, None)
        if method is None:
            continue
        for args in itertools.product(*scalar_sets):
            try:
                flatten(method(h, *args), out, depth + 1)
            except cp.Error as e:
                out.append(str(e))
            except TypeError:
                break


def outcome(method, ctx, actor, args):
    """(kind, records): kind is "ok" or the error class name; records are the
    texts of each item an iterator gave (or of the one result), so a link is
    judged within one row, not across a whole listing."""
    try:
        result = method(ctx, actor, *args)
    except cp.Error as e:
        return type(e).__name__, [[str(e)]]
    records = []
    if isinstance(result, cp.Iterator):
        for item in result:
            texts = []
            flatten(item, texts)
            records.append(texts)
        texts = []
        flatten(getattr(result, "outputs", None), texts)
        records.append(texts)
        result.close()
    else:
        texts = []
        flatten(result, texts)
        records.append(texts)
    return "ok", records


def holds_any(texts, needles):
    hits = []
    for t in texts:
        for n in needles:
            if n and n in t:
                hits.append((n, t[:200]))
    return hits


def swap_id(value, old, new):
    if isinstance(value, uuid.UUID):
        return new if value == old else value
    if isinstance(value, dict):
        return {k: swap_id(v, old, new) for k, v in value.items()}
    if isinstance(value, list):
        return [swap_id(v, old, new) for v in value]
    if isinstance(value, str) and value == getattr(old, "_card", None):
        return new
    return value


def mentions(value, target):
    if isinstance(value, uuid.UUID):
        return value == target
    if isinstance(value, dict):
        return any(mentions(v, target) for v in value.values())
    if isinstance(value, list):
        return any(mentions(v, target) for v in value)
    return False


MASKED_CARD = re.compile(r"\d{3}\*{11}\d{3}[\dX]")


def normalise(texts, ids):
    """Both answers with the two ids (and the masked forms of the two ID-card
    numbers, which echo the caller's own input) written alike."""
    out = []
    for t in texts:
        for i, label in ids:
            t = t.replace(str(i), label).replace(i.hex, label)
        out.append(MASKED_CARD.sub("<masked card>", t))
    return out


# ---- the scan ---------------------------------------------------------------
def scan(world):
    """Returns (leaks, undriven, unclassified, cleared_saw_informant)."""
    leaks, driven, unclassified = [], {}, []
    stats = {"calls": 0}
    cleared_saw = False
    nobody = uuid.UUID("0190f0e0-0000-7000-8000-0000000b0d1e")
    secret = world.secret
    needles = secret.needles()
    link = (world.confidential, world.resident_id)
    _HEAD[0] = world.ctx.audit_head(world.sys, world.station)
    for fname in actor_functions():
        kind = classify(fname)
        if kind is None:
            unclassified.append(fname)
            continue
        if kind != "read":
            continue
        spec = _capi.SPECS[fname]
        method = getattr(cp.Context, spec.get("method") or fname)
        driven.setdefault(fname, False)
        for label, (actor, cleared) in world.readers().items():
            for args in argument_sets(spec, world):
                k, records = outcome(method, world.ctx, actor, args)
                stats["calls"] += 1
                texts = [t for r in records for t in r]
                if cleared:
                    if k == "ok":
                        driven[fname] = True
                    if holds_any(texts, needles):
                        cleared_saw = True
                    continue
                named = mentions(args, world.informant_id) or (world.secret.card in args)
                # what the caller passed in may be echoed back (in "… does not
                # exist"); whether the answer differs from nobody's is the twin
                # comparison's to judge
                echo = set(secret.needles()[:3] if mentions(args, world.informant_id) else []) | \
                    ({secret.card} if secret.card in args else set())
                for n, t in holds_any(texts, [x for x in needles if x not in echo]):
                    leaks.append("%s as %s%s: output holds %r: %s" % (fname, label, short(args), n, t))
                if named:
                    twin = [swap_id(a, world.informant_id, nobody) for a in args]
                    twin = [id_card_of_nobody() if a == world.secret.card else a for a in twin]
                    k2, records2 = outcome(method, world.ctx, actor, twin)
                    ids = [(world.informant_id, "<who>"), (nobody, "<who>")]
                    a = [normalise(r, ids) for r in records]
                    b = [normalise(r, ids) for r in records2]
                    a = [[x.replace(world.secret.card, "<card>") for x in r] for r in a]
                    b = [[x.replace(id_card_of_nobody(), "<card>") for x in r] for r in b]
                    if k != k2 or a != b:
                        leaks.append("%s as %s%s: naming the informant answers %s %s, naming nobody %s %s" %
                                     (fname, label, short(args), k, a[:1], k2, b[:1]))
                in_args = (mentions(args, link[0]), mentions(args, link[1]))
                for r in records:
                    joined = " ".join(r)
                    if (in_args[0] or str(link[0]) in joined) and (in_args[1] or str(link[1]) in joined):
                        leaks.append("%s as %s%s: links the confidential case to its reporter: %s" %
                                     (fname, label, short(args), joined[:200]))
                        break
    undriven = sorted(f for f, ok in driven.items() if not ok)
    scan.stats = dict(stats, functions=len(driven), readers=len(world.readers()))
    return leaks, undriven, unclassified, cleared_saw


def short(args):
    s = repr(args)
    return " " + (s if len(s) < 160 else s[:157] + "...")


class LeakScanner(unittest.TestCase):
    backend = os.environ.get("CPOL_SCAN_BACKEND", "memory")

    def setUp(self):
        self.tmp = tempfile.mkdtemp(prefix="cpol-leak-")
        if self.backend == "memory":
            uri = "memory:"
        elif self.backend == "sqlite":
            uri = "sqlite:%s/station.db" % self.tmp
        else:
            pg = os.environ.get("CPOL_TEST_PG_URI")
            if not pg:  # run through scripts/pg-test-server.sh, which sets it
                print("SKIP: CPOL_TEST_PG_URI is not set")
                sys.exit(77)
            uri = "%s%sschema=leak_%d" % (pg, "&" if "?" in pg else "?", os.getpid())
        self.world = LeakWorld(uri)

    def tearDown(self):
        self.world.close()
        shutil.rmtree(self.tmp, ignore_errors=True)

    def test_no_reader_without_clearance_learns_who_tipped(self):
        leaks, undriven, unclassified, cleared_saw = scan(self.world)
        sys.stderr.write("leak scanner (%s): %d read functions, %d readers, %d calls, %d leaks\n" %
                         (self.backend, scan.stats["functions"], scan.stats["readers"], scan.stats["calls"],
                          len(leaks)))
        self.assertEqual(unclassified, [], "functions the scanner cannot classify as read or write")
        self.assertEqual(undriven, [], "read functions no call could drive for a cleared reader")
        self.assertTrue(cleared_saw, "the cleared readers never saw the informant: the scanner sees nothing")
        self.assertEqual(leaks, [], "\n" + "\n".join(leaks[:80]) + ("\n... %d in all" % len(leaks)))


if __name__ == "__main__":
    if len(sys.argv) > 1 and sys.argv[1] in ("memory", "sqlite", "postgresql"):
        LeakScanner.backend = sys.argv.pop(1)
    unittest.main(verbosity=2)
