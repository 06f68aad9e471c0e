#!/usr/bin/env python3
"""bindings.coverage: every public function in api.json (and every field of
its transparent structs) must be reachable from the Python package and from
the Lua module, or be listed in bindings/coverage_exceptions.txt with a
reason. Reachability is checked on the built bindings, not on the
generators' word: the Python attribute paths are resolved on the imported
package, and the Lua wrappers (module._C) are looked up in the module table
and the metatables.

Usage: check_coverage.py --api API_JSON --exceptions FILE
                         [--python-path DIR] [--lua LUA --lua-cpath PATTERN]
"""

import argparse
import fnmatch
import importlib
import json
import os
import subprocess
import sys

LUA_PROBE = r'''
local cp = require "commpolice"
local where = {}
local function note(f, how)
  if type(f) ~= "function" then return end
  where[f] = where[f] or {}
  table.insert(where[f], how)
end
for k, v in pairs(cp) do note(v, "commpolice." .. k) end
for tname, mt in pairs(cp._TYPES) do
  for k, v in pairs(mt) do note(v, "commpolice." .. tname .. "." .. k) end
  if type(mt.__index) == "table" then
    for k, v in pairs(mt.__index) do note(v, "commpolice." .. tname .. ":" .. k) end
  end
end
for cname, f in pairs(cp._C) do
  local w = where[f]
  if w then
    table.sort(w)
    print("fn", cname, table.concat(w, " "))
  else
    print("unreachable", cname)
  end
end
for cname, why in pairs(cp._INTERNAL) do print("internal", cname, why) end
for what, why in pairs(cp._UNSUPPORTED) do print("unsupported", what, why) end
'''


def load_exceptions(path):
    rules = []
    with open(path, encoding="utf-8") as f:
        for n, line in enumerate(f, 1):
            line = line.strip()
            if not line or line.startswith("#"):
                continue
            parts = line.split(None, 2)
            if len(parts) < 3:
                raise SystemExit("%s:%d: expected WHAT BINDINGS REASON" % (path, n))
            what, bindings, reason = parts
            rules.append({"what": what, "bindings": set(bindings.split(",")), "reason": reason,
                          "line": n, "used": False})
    return rules


def excepted(rules, what, binding, sys_names=()):
    for r in rules:
        if binding not in r["bindings"]:
            continue
        if r["what"] == "sys:*":
            if what in sys_names:
                r["used"] = True
                return r
            continue
        if fnmatch.fnmatchcase(what, r["what"]):
            r["used"] = True
            return r
    return None


def python_exposure(api, path):
    if path:
        sys.path.insert(0, path)
    cp = importlib.import_module("commpolice")
    exposure = cp._exposure()
    found, problems = {}, []
    for cname, entries in exposure.items():
        for kind, attr, note in entries:
            if kind == "internal":
                found.setdefault(cname, []).append("internal (%s)" % note)
                continue
            obj = cp
            ok = True
            for part in attr.split("."):
                if not hasattr(obj, part):
                    ok = False
                    break
                obj = getattr(obj, part)
            if not ok:
                problems.append("%s: commpolice.%s does not exist" % (cname, attr))
                continue
            found.setdefault(cname, []).append("commpolice.%s%s" % (attr, (" [%s]" % note) if note else ""))
    fields = {}
    for s in api["structs"]:
        if s["name"] == "cpol_id":
            continue
        cls, info = cp._capi.STRUCTS[s["name"]]
        have = dict(info["fields"])
        for f in s["fields"]:
            key = "%s.%s" % (s["name"], f["name"])
            if f["name"] not in have:
                fields[key] = "missing from the generated ctypes struct"
            else:
                why = cp._field_support(have[f["name"]])
                fields[key] = why
    return found, problems, fields


def lua_exposure(lua, cpath):
    env = dict(os.environ)
    env["LUA_CPATH"] = cpath
    proc = subprocess.run([lua, "-e", LUA_PROBE], stdout=subprocess.PIPE, stderr=subprocess.PIPE, env=env)
    if proc.returncode != 0:
        raise SystemExit("lua probe failed:\n" + proc.stderr.decode("utf-8", "replace"))
    found, problems, internal, unsupported = {}, [], {}, {}
    for line in proc.stdout.decode("utf-8").splitlines():
        kind, rest = line.split("\t", 1) if "\t" in line else line.split(" ", 1)
        parts = rest.split("\t")
        if kind == "fn":
            found.setdefault(parts[0], []).append(parts[1])
        elif kind == "unreachable":
            problems.append("%s: its wrapper is in commpolice._C but reachable from nowhere" % parts[0])
        elif kind == "internal":
            internal[parts[0]] = parts[1]
        elif kind == "unsupported":
            unsupported[parts[0]] = parts[1] if len(parts) > 1 else ""
    for cname, why in internal.items():
        found.setdefault(cname, []).append("internal (%s)" % why)
    return found, problems, unsupported


def main(argv=None):
    ap = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    ap.add_argument("--api", required=True)
    ap.add_argument("--exceptions", required=True)
    ap.add_argument("--python-path")
    ap.add_argument("--no-python", action="store_true")
    ap.add_argument("--lua")
    ap.add_argument("--lua-cpath")
    ap.add_argument("-v", "--verbose", action="store_true")
    args = ap.parse_args(argv)
    with open(args.api, encoding="utf-8") as f:
        api = json.load(f)
    rules = load_exceptions(args.exceptions)
    sys_names = set(api.get("excluded", {}).get("functions", []))
    functions = [f["name"] for f in api["functions"]]
    fields = ["%s.%s" % (s["name"], f["name"]) for s in api["structs"] if s["name"] != "cpol_id"
              for f in s["fields"]]

    bindings = {}
    if not args.no_python:
        bindings["python"] = python_exposure(api, args.python_path)
    if args.lua:
        found, problems, unsupported = lua_exposure(args.lua, args.lua_cpath or "")
        lfields = {k: (unsupported.get(k)) for k in fields}
        bindings["lua"] = (found, problems, lfields)

    failures, counts = [], {}
    for binding, (found, problems, fstate) in bindings.items():
        failures.extend("%s: %s" % (binding, p) for p in problems)
        ok = exc = 0
        for name in functions:
            if found.get(name):
                ok += 1
                if args.verbose:
                    print("%-6s %-36s %s" % (binding, name, "; ".join(found[name])))
                continue
            rule = excepted(rules, name, binding)
            if rule:
                exc += 1
                continue
            failures.append("%s: %s is not exposed (add it, or list it in coverage_exceptions.txt)"
                            % (binding, name))
        for name in sorted(sys_names):
            if not excepted(rules, name, binding, sys_names):
                failures.append("%s: %s (sys/) is not exposed and not excepted" % (binding, name))
        fok = fexc = 0
        for key in fields:
            why = fstate.get(key)
            if why is None:
                fok += 1
            elif excepted(rules, key, binding):
                fexc += 1
            else:
                failures.append("%s: struct field %s cannot be set (%s)" % (binding, key, why))
        counts[binding] = (ok, exc, fok, fexc)
    for r in rules:
        relevant = r["bindings"] & set(bindings)
        if relevant and not r["used"]:
            failures.append("coverage_exceptions.txt:%d: %s matches nothing exposed-or-not (stale?)"
                            % (r["line"], r["what"]))

    print("bindings.coverage: %d public functions, %d struct fields, %d sys/ functions excluded"
          % (len(functions), len(fields), len(sys_names)))
    for binding, (ok, exc, fok, fexc) in counts.items():
        print("  %-6s functions: %d exposed, %d excepted; struct fields: %d settable, %d excepted"
              % (binding, ok, exc, fok, fexc))
    missing = [b for b in ("python", "lua") if b not in bindings]
    if missing:
        print("  not built here: %s (its coverage is not checked)" % ", ".join(missing))
    if failures:
        print("\nFAILED:")
        for f in failures:
            print("  " + f)
        return 1
    print("bindings.coverage: OK")
    return 0


if __name__ == "__main__":
    sys.exit(main())
