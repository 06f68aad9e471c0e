#!/usr/bin/env python3
"""Generate bindings/python/commpolice/_capi.py (pure ctypes) from api.json.

The output holds, for every public function, its ctypes argtypes/restype
(the table applied at load, as in libclang's cindex.py), a c_void_p subclass
per opaque handle, a ctypes.Structure per transparent struct, the enums (as
IntEnum classes and CPOL_* integers), the #define constants, the binding
metadata the hand-written layer (commpolice/__init__.py) is driven by, and
the library loader with its version check.

Usage: gen_python.py [--api bindings/api.json] [-o .../_capi.py]
"""

import argparse
import json
import os
import pprint
import re
import sys

CTYPES = {
    "int": "ctypes.c_int", "uint": "ctypes.c_uint",
    "int8": "ctypes.c_int8", "int16": "ctypes.c_int16", "int32": "ctypes.c_int32", "int64": "ctypes.c_int64",
    "uint8": "ctypes.c_uint8", "uint16": "ctypes.c_uint16", "uint32": "ctypes.c_uint32", "uint64": "ctypes.c_uint64",
    "long": "ctypes.c_long", "ulong": "ctypes.c_ulong", "size": "ctypes.c_size_t", "ssize": "ctypes.c_ssize_t",
    "bool": "ctypes.c_bool", "float": "ctypes.c_float", "double": "ctypes.c_double",
}


def handle_class(name):
    return name + "_p"


def camel(name):
    base = name[len("cpol_"):] if name.startswith("cpol_") else name
    if base.endswith("_t"):
        base = base[:-2]
    return "".join(part.capitalize() for part in base.split("_") if part)


def ctype_of(t, role="value"):
    """ctypes expression for a type descriptor from api.json."""
    kind, ptr = t.get("kind"), t.get("ptr", 0)
    if kind == "void":
        return "None" if ptr == 0 else ("ctypes.c_void_p" if ptr == 1 else "ctypes.POINTER(ctypes.c_void_p)")
    if kind == "char":
        if ptr == 1:
            return "ctypes.POINTER(ctypes.c_char)" if role == "buffer" else "ctypes.c_char_p"
        if ptr == 2:
            # owned strings are kept as raw pointers so they can be cpol_free()d
            return "ctypes.POINTER(ctypes.c_char_p)" if t.get("const") else "ctypes.POINTER(ctypes.c_void_p)"
        return "ctypes.c_char"
    if kind in ("int", "enum", "float"):
        base = CTYPES[t.get("ctype", "int")]
        if t.get("array") is not None:
            base = "(%s * %d)" % (base, t["array"])
        for _ in range(ptr):
            base = "ctypes.POINTER(%s)" % base
        return base
    if kind == "handle":
        base = handle_class(t["name"])
        for _ in range(ptr - 1):
            base = "ctypes.POINTER(%s)" % base
        return base
    if kind == "struct":
        base = t["name"]
        for _ in range(ptr):
            base = "ctypes.POINTER(%s)" % base
        return base
    if kind == "callback":
        base = t["name"]
        for _ in range(ptr):
            base = "ctypes.POINTER(%s)" % base
        return base
    raise ValueError("no ctypes mapping for %r" % (t,))


def enum_members(enum):
    names = [v["name"] for v in enum["values"]]
    if len(names) > 1:
        prefix = os.path.commonprefix(names)
        prefix = prefix[: prefix.rfind("_") + 1] if "_" in prefix else ""
    else:
        prefix = "CPOL_"
    out = []
    for v in enum["values"]:
        member = v["name"][len(prefix):] if v["name"].startswith(prefix) else v["name"]
        if not member or not re.match(r"^[A-Za-z_]", member):
            member = v["name"][len("CPOL_"):]
        out.append((member, v["value"]))
    return out


def struct_order(structs):
    """Structs in dependency order (a struct after those its fields name)."""
    by_name = {s["name"]: s for s in structs}
    done, order = set(), []

    def visit(s, stack=()):
        if s["name"] in done or s["name"] in stack:
            return
        for f in s["fields"]:
            dep = by_name.get(f["type"].get("name"))
            if dep is not None and dep is not s:
                visit(dep, stack + (s["name"],))
        done.add(s["name"])
        order.append(s)

    for s in sorted(structs, key=lambda x: x["name"]):
        visit(s)
    return order


def slim_type(t):
    keep = {}
    for k in ("kind", "name", "ctype", "alias", "ptr", "const", "array"):
        if k in t:
            keep[k] = t[k]
    return keep


def spec_of(fn):
    spec = {
        "returns": dict(slim_type(fn["returns"]), **{"pass": fn["returns"].get("pass")}),
        "params": [],
        "method": fn.get("method"),
    }
    for k in ("receiver", "role", "positive_status", "unsupported"):
        if k in fn:
            spec[k] = fn[k]
    if fn["returns"].get("enum"):
        spec["returns"]["enum"] = fn["returns"]["enum"]
    for p in fn["params"]:
        ps = {"name": p["name"], "pass": p.get("pass"), "type": slim_type(p["type"])}
        for k in ("size_param", "capacity", "needed_param", "bool", "enum"):
            if k in p:
                ps[k] = p[k]
        spec["params"].append(ps)
    if fn.get("doc"):
        spec["doc"] = fn["doc"]
    return spec


def generate(api):
    out = []
    w = out.append
    v = api["version"]
    w('# Generated by bindings/tools/gen_python.py from bindings/api.json: DO NOT EDIT.')
    w('# Regenerate with `cmake --build BUILD --target cpol_bindings_update` (or run the tools');
    w('# under bindings/tools/ by hand); bindings.fresh fails while this file is stale.')
    w('"""Low-level ctypes declarations of libcommpolice %s (generated)."""' % v.get("string", ""))
    w('')
    w('import ctypes')
    w('import ctypes.util')
    w('import enum')
    w('import os')
    w('')
    w('GENERATED_VERSION = (%d, %d, %d)' % (v["major"], v["minor"], v["patch"]))
    w('GENERATED_VERSION_STRING = %r' % v.get("string", ""))
    w('if GENERATED_VERSION[0] == 0:')
    w('    SONAME = "libcommpolice.so.0.%d" % GENERATED_VERSION[1]')
    w('else:')
    w('    SONAME = "libcommpolice.so.%d" % GENERATED_VERSION[0]')
    w('')
    w('# ---- opaque handles: one c_void_p subclass each ----')
    for h in api["handles"]:
        w('')
        w('class %s(ctypes.c_void_p):' % handle_class(h["name"]))
        w('    __doc__ = %r' % ("Pointer to the opaque %s.%s" % (h["name"], (" " + h["doc"].split("\n")[0]) if h.get("doc") else "")))
        w('    cpol_type = %r' % h["name"])
    w('')
    w('')
    w('HANDLES = {')
    for h in api["handles"]:
        w('    %r: %s,' % (h["name"], handle_class(h["name"])))
    w('}')
    w('')
    w('# ---- callbacks ----')
    for cb in api.get("callbacks", []):
        if "returns" not in cb:
            continue
        args = ", ".join(ctype_of(p) for p in cb["params"])
        w('%s = ctypes.CFUNCTYPE(%s%s)' % (cb["name"], ctype_of(cb["returns"]), (", " + args) if args else ""))
    w('CALLBACKS = {')
    for cb in api.get("callbacks", []):
        if "returns" in cb:
            w('    %r: (%s, %r, %r),' % (cb["name"], cb["name"], slim_type(cb["returns"]),
                                       [slim_type(p) for p in cb["params"]]))
    w('}')
    w('')
    w('# ---- transparent structs ----')
    structs = struct_order(api["structs"])
    for s in structs:
        w('')
        w('class %s(ctypes.Structure):' % s["name"])
        if s.get("doc"):
            w('    __doc__ = %r' % s["doc"].split("\n")[0])
        w('    _fields_ = [')
        for f in s["fields"]:
            w('        (%r, %s),' % (f["name"], ctype_of(f["type"])))
        w('    ]')
    w('')
    w('')
    w('STRUCTS = {')
    for s in structs:
        info = {
            "kind": s["kind"],
            "fields": [(f["name"], slim_type(f["type"])) for f in s["fields"]],
        }
        for k in ("version_macro", "init_macro", "defaults"):
            if k in s:
                info[k] = s[k]
        w('    %r: (%s, %s),' % (s["name"], s["name"], pprint.pformat(info, width=100, sort_dicts=False)
                                 .replace("\n", "\n        ")))
    w('}')
    w('')
    w('# ---- enums ----')
    for e in api["enums"]:
        w('')
        w('class %s(enum.IntEnum):' % camel(e["name"]))
        w('    __doc__ = %r' % ("%s (%s)." % ((e.get("doc") or e["name"]).split("\n")[0].rstrip("."), e["name"])))
        for member, value in enum_members(e):
            w('    %s = %d' % (member, value))
    w('')
    w('')
    w('ENUMS = {')
    for e in api["enums"]:
        w('    %r: %s,' % (e["name"], camel(e["name"])))
    w('}')
    w('STATUS_ENUM = %s' % (camel(api["status_enum"]) if api.get("status_enum") else "None"))
    w('')
    w('# enum values under their C names')
    for e in api["enums"]:
        for val in e["values"]:
            w('%s = %d' % (val["name"], val["value"]))
    w('')
    w('# ---- #define constants ----')
    for c in api["constants"]:
        w('%s = %r' % (c["name"], c["value"]))
    for c in api.get("strings", []):
        w('%s = %r' % (c["name"], c["value"]))
    w('CONSTANTS = (%s)' % ", ".join(repr(c["name"]) for c in api["constants"] + api.get("strings", [])) +
      ("," if len(api["constants"]) + len(api.get("strings", [])) == 1 else ""))
    w('')
    names = ["LibraryNotFound"] + [s["name"] for s in structs] + [camel(e["name"]) for e in api["enums"]]
    names += [val["name"] for e in api["enums"] for val in e["values"]]
    names += [c["name"] for c in api["constants"] + api.get("strings", [])]
    w('__all__ = [')
    for n in names:
        w('    %r,' % n)
    w(']')
    w('')
    w('# ---- functions: (name, restype, argtypes), applied by load() ----')
    w('FUNCTIONS = [')
    for fn in api["functions"]:
        if fn.get("unsupported"):
            w('    # %s: not bindable (%s)' % (fn["name"], "; ".join(fn["unsupported"])))
            continue
        args = []
        for p in fn["params"]:
            args.append(ctype_of(p["type"], "buffer" if p.get("pass") == "out_buffer" else "value"))
        w('    (%r, %s, (%s)),' % (fn["name"], ctype_of(fn["returns"]), ", ".join(args) + ("," if len(args) == 1 else "")))
    w(']')
    w('')
    w('# ---- binding metadata (from api.json) for the hand-written layer ----')
    w('SPECS = {')
    for fn in api["functions"]:
        w('    %r: %r,' % (fn["name"], spec_of(fn)))
    w('}')
    w('')
    handles = {}
    for h in api["handles"]:
        info = {}
        for k in ("dtor", "ctors", "getters", "iterator"):
            if k in h:
                info[k] = h[k]
        handles[h["name"]] = info
    w('HANDLE_INFO = {')
    for name, info in handles.items():
        w('    %r: %r,' % (name, info))
    w('}')
    w('')
    w('ITERATORS = [')
    for it in api.get("iterators", []):
        w('    %r,' % (it,))
    w(']')
    w('')
    w('EXCLUDED = ' + pprint.pformat(api.get("excluded", {}), width=110, sort_dicts=False))
    w('')
    w(LOADER)
    return "\n".join(out) + "\n"


LOADER = r'''
# ---- loading ---------------------------------------------------------------


class LibraryNotFound(ImportError):
    """libcommpolice could not be loaded, or is not compatible."""


def version_compatible(number):
    """Whether a run-time cpol_version_number() can serve these declarations:
    the same major version and a minor at least the generated one; while the
    major version is 0 every minor release is a new ABI (SONAME
    libcommpolice.so.0.MINOR, docs/abi-policy.md), so then the minor must be
    equal."""
    major, minor = number // 1000000, number // 1000 % 1000
    if major != GENERATED_VERSION[0]:
        return False
    if major == 0:
        return minor == GENERATED_VERSION[1]
    return minor >= GENERATED_VERSION[1]


def candidates():
    """Where to look for the shared library, in order: $COMMPOLICE_LIBRARY;
    the path CMake recorded in _build_config.py (build tree or install
    prefix); a build directory of the source checkout this package sits in;
    ctypes.util.find_library(); the SONAME through the dynamic loader."""
    env = os.environ.get("COMMPOLICE_LIBRARY")
    if env:
        return [env]
    found = []
    try:
        from . import _build_config  # written by CMake
        found.append(_build_config.LIBRARY)
    except ImportError:
        pass
    here = os.path.dirname(os.path.abspath(__file__))
    root = os.path.normpath(os.path.join(here, "..", "..", ".."))
    if os.path.isfile(os.path.join(root, "include", "commpolice", "commpolice.h")):
        for build in ("build", "build-dev"):
            path = os.path.join(root, build, "lib", "libcommpolice.so")
            if os.path.exists(path):
                found.append(path)
    name = ctypes.util.find_library("commpolice")
    if name:
        found.append(name)
    found.append(SONAME)
    return found


def register(lib):
    """Apply the FUNCTIONS table; names missing from the library are returned."""
    missing = []
    for name, restype, argtypes in FUNCTIONS:
        try:
            fn = getattr(lib, name)
        except AttributeError:
            missing.append(name)
            continue
        fn.restype = restype
        fn.argtypes = argtypes
    return missing


def load(path=None):
    """Load libcommpolice, check its version and declare every function."""
    errors = []
    for cand in ([path] if path else candidates()):
        try:
            lib = ctypes.CDLL(cand)
        except OSError as e:
            errors.append("%s: %s" % (cand, e))
            continue
        lib.cpol_version_number.restype = ctypes.c_uint
        lib.cpol_version_number.argtypes = ()
        number = lib.cpol_version_number()
        if not version_compatible(number):
            errors.append("%s: version %d.%d.%d, these bindings were generated for %s"
                          % (cand, number // 1000000, number // 1000 % 1000, number % 1000,
                             GENERATED_VERSION_STRING))
            continue
        missing = register(lib)
        if missing:
            errors.append("%s: lacks %s" % (cand, ", ".join(missing)))
            continue
        lib.cpol_path = cand
        return lib
    raise LibraryNotFound("cannot load a compatible libcommpolice (set COMMPOLICE_LIBRARY to its path):\n  "
                          + "\n  ".join(errors))
'''


def main(argv=None):
    here = os.path.dirname(os.path.abspath(__file__))
    ap = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    ap.add_argument("--api", default=os.path.join(here, "..", "api.json"))
    ap.add_argument("-o", "--output", default=os.path.join(here, "..", "python", "commpolice", "_capi.py"))
    args = ap.parse_args(argv)
    with open(args.api, encoding="utf-8") as f:
        api = json.load(f)
    text = generate(api)
    compile(text, args.output, "exec")
    tmp = args.output + ".tmp"
    with open(tmp, "w", encoding="utf-8") as f:
        f.write(text)
    os.replace(tmp, args.output)
    print("gen_python: %d functions -> %s" % (sum(1 for f in api["functions"] if not f.get("unsupported")),
                                             os.path.normpath(args.output)))
    return 0


if __name__ == "__main__":
    sys.exit(main())
