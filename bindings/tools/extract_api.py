#!/usr/bin/env python3
"""Extract the public libcommpolice API from the headers into api.json.

Standard library only. The C parser is clang (Debian's clang 14):

    clang -fsyntax-only -Xclang -ast-dump=json \
          -fcomment-block-commands=ctor,dtor,borrowed,owned,optional \
          -Iinclude include/commpolice/commpolice.h

gives the declarations with their Doxygen comments, and

    clang -E -dM -Iinclude include/commpolice/commpolice.h

gives the #define constants. Declarations located in include/commpolice/
are kept, except include/commpolice/sys/ (the plugin-author API, out of
scope for script bindings: its functions are only listed under
"excluded").

The output (api.json) is the single input of gen_python.py and gen_lua.py.
It records, besides the C declarations, how each parameter is passed
("pass"), which functions return a status, which handle each function is a
method of, the iterator families and the getters of each handle: the rules
that derive these from the header conventions (commpolice.h) live here, in
one place, so both bindings agree. See bindings/README.md.

Usage: extract_api.py [--source-dir DIR] [--clang CLANG] [-o OUT]
"""

import argparse
import json
import os
import re
import subprocess
import sys

INCLUDE_PREFIX = "include/commpolice/"
SYS_PREFIX = "include/commpolice/sys/"
UMBRELLA = "include/commpolice/commpolice.h"
BLOCK_COMMANDS = "ctor,dtor,borrowed,owned,optional"
TAG_COMMANDS = ("ctor", "dtor", "borrowed", "owned", "optional", "since")

# Integer C types the FFI subset allows (api-style-brief 3.11), by spelling.
INT_TYPES = {
    "int": "int", "signed int": "int", "unsigned int": "uint", "unsigned": "uint",
    "short": "int16", "unsigned short": "uint16",
    "long": "long", "unsigned long": "ulong",
    "long long": "int64", "unsigned long long": "uint64",
    "signed char": "int8", "unsigned char": "uint8", "_Bool": "bool",
    "int8_t": "int8", "int16_t": "int16", "int32_t": "int32", "int64_t": "int64",
    "uint8_t": "uint8", "uint16_t": "uint16", "uint32_t": "uint32", "uint64_t": "uint64",
    "size_t": "size", "ptrdiff_t": "ssize", "intptr_t": "ssize", "uintptr_t": "size",
}
FLOAT_TYPES = {"float": "float", "double": "double"}


class ApiError(Exception):
    pass


# ---------------------------------------------------------------------------
# clang
# ---------------------------------------------------------------------------

def run(cmd, cwd):
    proc = subprocess.run(cmd, cwd=cwd, stdout=subprocess.PIPE, stderr=subprocess.PIPE)
    if proc.returncode != 0:
        raise ApiError("command failed (%d): %s\n%s" % (proc.returncode, " ".join(cmd),
                                                        proc.stderr.decode("utf-8", "replace")))
    return proc.stdout.decode("utf-8")


def clang_ast(clang, src, header):
    out = run([clang, "-fsyntax-only", "-Xclang", "-ast-dump=json",
               "-fcomment-block-commands=" + BLOCK_COMMANDS, "-Iinclude", header], src)
    return json.loads(out)


def clang_macros(clang, src, header):
    return run([clang, "-E", "-dM", "-Iinclude", header], src)


class FileTracker:
    """clang's JSON dump writes a location's "file" only when it differs from
    the previously written location (in output order), so the file of a
    declaration is found by replaying every location in document order."""

    def __init__(self):
        self.current = None

    def loc(self, loc):
        if not isinstance(loc, dict):
            return
        if "spellingLoc" in loc or "expansionLoc" in loc:
            self.loc(loc.get("spellingLoc"))
            self.loc(loc.get("expansionLoc"))
            return
        if "file" in loc:
            self.current = loc["file"]

    def walk(self, node):
        if isinstance(node, dict):
            for key, value in node.items():
                if key == "loc":
                    self.loc(value)
                elif key == "range":
                    if isinstance(value, dict):
                        self.loc(value.get("begin"))
                        self.loc(value.get("end"))
                elif key in ("includedFrom",):
                    continue
                else:
                    self.walk(value)
        elif isinstance(node, list):
            for item in node:
                self.walk(item)


def top_level_decls(ast):
    """Yield (file, node) for each top-level declaration."""
    tracker = FileTracker()
    for node in ast.get("inner", []):
        tracker.loc(node.get("loc"))
        path = tracker.current
        rest = {k: v for k, v in node.items() if k != "loc"}
        tracker.walk(rest)
        yield path, node


def normalize_path(path):
    if path is None:
        return None
    return os.path.normpath(path).replace("\\", "/")


def is_public(path):
    return path is not None and path.startswith(INCLUDE_PREFIX) and not path.startswith(SYS_PREFIX)


# ---------------------------------------------------------------------------
# Doxygen comments
# ---------------------------------------------------------------------------

def comment_text(node):
    """Plain text of a comment subtree (paragraph, block command...)."""
    parts = []

    def walk(n):
        kind = n.get("kind")
        if kind == "TextComment":
            parts.append(n.get("text", ""))
        elif kind == "InlineCommandComment":
            args = n.get("args") or []
            parts.append(" ".join(args))
        elif kind in ("HTMLStartTagComment", "HTMLEndTagComment"):
            pass
        for child in n.get("inner", []) or []:
            walk(child)

    walk(node)
    return re.sub(r"\s+", " ", "".join(parts)).strip()


def parse_comment(node):
    """Return a dict: brief, params{name: {doc, direction, explicit}},
    returns, tags{ctor: arg...}."""
    full = None
    for child in node.get("inner", []) or []:
        if child.get("kind") == "FullComment":
            full = child
    info = {"doc": "", "params": {}, "returns": "", "tags": {}}
    if full is None:
        return info
    paragraphs = []
    for child in full.get("inner", []) or []:
        kind = child.get("kind")
        if kind == "ParagraphComment":
            text = comment_text(child)
            if text:
                paragraphs.append(text)
        elif kind == "ParamCommandComment":
            name = child.get("param")
            if name:
                info["params"][name] = {
                    "doc": comment_text(child),
                    "direction": child.get("direction", "in"),
                    "explicit": bool(child.get("explicit")),
                }
        elif kind == "BlockCommandComment":
            name = child.get("name")
            text = comment_text(child)
            if name in ("return", "returns", "result"):
                info["returns"] = text
            elif name in ("brief",):
                paragraphs.insert(0, text)
            elif name in TAG_COMMANDS:
                info["tags"][name] = text
        elif kind == "VerbatimBlockComment":
            pass
    info["doc"] = "\n\n".join(paragraphs)
    return info


# ---------------------------------------------------------------------------
# Types
# ---------------------------------------------------------------------------

TOKEN_RE = re.compile(r"\*|\[|\]|[A-Za-z_][A-Za-z_0-9]*|\d+|\(|\)|,|\.\.\.")


def split_type(qual):
    """Split a C type spelling into base tokens, base constness, pointer depth.
    Returns (base, const, ptr, array) or None for spellings we do not model
    (function types, pointers to arrays...)."""
    qual = qual.strip()
    array = None
    m = re.match(r"^(.*?)\s*\[(\d+)\]$", qual)
    if m:
        qual, array = m.group(1), int(m.group(2))
    if "(" in qual:
        return None
    tokens = TOKEN_RE.findall(qual)
    base, const, ptr = [], False, 0
    for tok in tokens:
        if tok == "*":
            ptr += 1
        elif tok == "const":
            if ptr == 0:
                const = True
        elif tok in ("volatile", "restrict", "__restrict"):
            continue
        elif ptr == 0:
            if tok in ("struct", "enum", "union"):
                base.append(tok)
            else:
                base.append(tok)
        else:
            return None
    return " ".join(base), const, ptr, array


class Types:
    def __init__(self):
        self.handles = {}     # name -> info
        self.structs = {}     # name -> info
        self.enums = {}       # name -> info
        self.aliases = {}     # typedef name -> underlying spelling (scalars)
        self.callbacks = {}   # name -> info
        self.records = {}     # struct tag -> RecordDecl node
        self.enum_tags = {}   # enum tag -> EnumDecl info

    def resolve_base(self, base):
        """Classify a base type name. Returns a dict with "kind"."""
        name = base
        if name.startswith("struct "):
            name = name[len("struct "):]
        elif name.startswith("enum "):
            name = name[len("enum "):]
            if name in self.enums:
                return {"kind": "enum", "name": name, "ctype": "int"}
            return {"kind": "enum", "name": name, "ctype": "int"}
        if name == "void":
            return {"kind": "void"}
        if name == "char":
            return {"kind": "char"}
        if name in INT_TYPES:
            return {"kind": "int", "ctype": INT_TYPES[name]}
        if name in FLOAT_TYPES:
            return {"kind": "float", "ctype": FLOAT_TYPES[name]}
        if name in self.aliases:
            under = self.resolve_base(self.aliases[name])
            under = dict(under)
            under["alias"] = name
            return under
        if name in self.handles:
            return {"kind": "handle", "name": name}
        if name in self.structs:
            return {"kind": "struct", "name": name}
        if name in self.enums:
            return {"kind": "enum", "name": name, "ctype": "int"}
        if name in self.callbacks:
            return {"kind": "callback", "name": name}
        return {"kind": "unknown", "name": name}

    def describe(self, qual):
        split = split_type(qual)
        if split is None:
            return {"c": qual, "kind": "unknown"}
        base, const, ptr, array = split
        info = {"c": qual}
        info.update(self.resolve_base(base))
        if const:
            info["const"] = True
        if ptr:
            info["ptr"] = ptr
        if array is not None:
            info["array"] = array
        return info


# ---------------------------------------------------------------------------
# Extraction
# ---------------------------------------------------------------------------

def int_value(text):
    text = text.strip()
    m = re.match(r"^\(?\s*(-?)\s*(0[xX][0-9a-fA-F]+|\d+)[uUlL]*\s*\)?$", text)
    if not m:
        return None
    value = int(m.group(2), 0)
    return -value if m.group(1) else value


def parse_macros(text, header_of, enum_values):
    raw = {}
    for line in text.splitlines():
        m = re.match(r"^#define\s+(CPOL_[A-Za-z0-9_]*)(\(?)\s*(.*)$", line)
        if not m or m.group(2):
            continue
        raw[m.group(1)] = m.group(3).strip()

    def resolve(value, depth=0):
        if depth > 10:
            return None
        iv = int_value(value)
        if iv is not None:
            return iv
        if re.match(r'^"([^"\\]|\\.)*"$', value):
            return json.loads(value)
        if value in raw:
            return resolve(raw[value], depth + 1)
        if value in enum_values:
            return enum_values[value]
        return None

    constants, strings, inits = [], [], {}
    for name in sorted(raw):
        value = raw[name]
        if value.startswith("{") and value.endswith("}"):
            items = [x.strip() for x in value[1:-1].split(",")]
            values = []
            for item in items:
                if item in ("NULL", "0L", "((void*)0)"):
                    values.append(None)
                else:
                    values.append(resolve(item))
            inits[name] = values
            continue
        resolved = resolve(value)
        if isinstance(resolved, bool) or resolved is None:
            continue
        entry = {"name": name, "value": resolved}
        if header_of.get(name):
            entry["header"] = header_of[name]
        (strings if isinstance(resolved, str) else constants).append(entry)
    return constants, strings, inits


def macro_headers(src):
    """Which public header defines each CPOL_ macro (for documentation)."""
    found = {}
    inc = os.path.join(src, INCLUDE_PREFIX)
    for name in sorted(os.listdir(inc)):
        if not name.endswith(".h"):
            continue
        with open(os.path.join(inc, name), encoding="utf-8") as f:
            for line in f:
                m = re.match(r"^\s*#\s*define\s+(CPOL_[A-Za-z0-9_]*)", line)
                if m:
                    found.setdefault(m.group(1), name)
    return found


STATUS_NAME_RE = re.compile(r"\bCPOL_[A-Z0-9_]+\b")


def classify_param(types, fn_name, param, doc, index, params):
    t = param["type"]
    kind, ptr, const = t.get("kind"), t.get("ptr", 0), bool(t.get("const"))
    name = param["name"]
    pdoc = doc["params"].get(name, {})
    explicit = pdoc.get("explicit", False)
    documented = pdoc.get("direction", "in")
    # Direction: Doxygen [out]/[in,out] when written, else the conventions:
    # T ** and non-const pointers to values (not handles, not void) are outputs,
    # as are parameters named out / *_out.
    if explicit:
        direction = "out" if "out" in documented else "in"
    elif ptr >= 2:
        direction = "out"
    elif ptr == 1 and not const and kind in ("struct", "int", "enum", "float"):
        direction = "out"
    elif ptr >= 1 and (name == "out" or name.endswith("_out")) and not const:
        direction = "out"
    else:
        direction = "in"
    param["direction"] = direction

    def unsupported(reason):
        param["pass"] = "unsupported"
        param["reason"] = reason

    if kind == "unknown":
        return unsupported("type %s is not modelled" % t["c"])
    if t.get("array") is not None:
        return unsupported("array parameter")
    if ptr == 0:
        if kind in ("int", "enum", "float"):
            param["pass"] = "in_scalar"
        elif kind == "callback":
            unsupported("callback parameter %s" % t["name"])
        elif kind == "struct":
            unsupported("struct passed by value")
        else:
            unsupported("parameter of type %s" % t["c"])
        if direction == "out" and param["pass"] != "unsupported":
            unsupported("[out] on a value parameter")
        return
    if ptr == 1:
        if kind == "char":
            if direction == "in" and const:
                param["pass"] = "in_string"
            elif direction == "out" and not const:
                nxt = params[index + 1] if index + 1 < len(params) else None
                if nxt and nxt["type"].get("kind") == "int" and nxt["type"].get("ptr", 0) == 0:
                    param["pass"] = "out_buffer"
                    param["size_param"] = nxt["name"]
                    sizedoc = doc["params"].get(nxt["name"], {}).get("doc", "")
                    m = re.search(r"\b(CPOL_[A-Z0-9_]+_SIZE|CPOL_[A-Z0-9_]+_MAX)\b", sizedoc)
                    if m:
                        param["capacity"] = m.group(1)
                else:
                    unsupported("char * output without a following size parameter")
            else:
                unsupported("non-const char * input")
        elif kind == "void":
            param["pass"] = "in_pointer"
        elif kind == "handle":
            if direction == "out":
                unsupported("handle * marked as output")
            else:
                param["pass"] = "in_handle"
        elif kind == "struct":
            if direction == "out":
                param["pass"] = "out_struct"
            else:
                param["pass"] = "in_struct"
        elif kind in ("int", "enum", "float"):
            if direction == "out":
                param["pass"] = "out_scalar"
            else:
                unsupported("pointer to %s input (array?)" % t["c"])
        else:
            unsupported("pointer to %s" % t["c"])
        return
    if ptr == 2:
        if direction != "out":
            return unsupported("T ** input")
        if kind == "handle":
            param["pass"] = "out_borrowed_handle" if const else "out_handle"
        elif kind == "char":
            param["pass"] = "out_borrowed_string" if const else "out_owned_string"
        elif kind == "struct" and const:
            param["pass"] = "out_borrowed_struct"
        else:
            unsupported("%s output" % t["c"])
        return
    unsupported("pointer depth %d" % ptr)


BOOL_DOC_RE = re.compile(r"^(receives\s+)?1\s+(if|for|when)\b.*\b0\b", re.I | re.S)
# "receives the size the JSON needs": an output that reports the size an out_buffer needs.
NEEDED_DOC_RE = re.compile(r"\bsize\b.*\bneed(s|ed)?\b", re.I)


def classify_return(types, fn, doc, status_enum, positive):
    r = fn["returns"]
    kind, ptr = r.get("kind"), r.get("ptr", 0)
    rdoc = doc.get("returns", "")
    mentioned = set(STATUS_NAME_RE.findall(rdoc))
    status_names = set(status_enum["names"]) if status_enum else set()
    has_out = any(p.get("direction") == "out" for p in fn["params"])
    if kind == "void" and ptr == 0:
        r["pass"] = "void"
    elif kind in ("int", "enum") and ptr == 0 and r.get("ctype") == "int" and (
            (mentioned & status_names and (not status_enum or status_enum["name"] not in rdoc))
            or has_out):
        r["pass"] = "status"
        pos = sorted(n for n in (mentioned & positive))
        # CPOL_DONE is the iterator protocol, not a result a caller keeps.
        fn["positive_status"] = [n for n in pos if not (n == "CPOL_DONE" and fn["name"].endswith("_next"))]
        if not fn["positive_status"]:
            del fn["positive_status"]
    elif kind in ("int", "enum") and ptr == 0:
        r["pass"] = "bool" if BOOL_DOC_RE.search(rdoc) else "scalar"
    elif kind == "float" and ptr == 0:
        r["pass"] = "scalar"
    elif kind == "char" and ptr == 1 and r.get("const"):
        r["pass"] = "string"
    elif kind == "struct" and ptr == 1 and r.get("const"):
        r["pass"] = "borrowed_struct"
    elif kind == "handle" and ptr == 1:
        r["pass"] = "borrowed_handle"
    else:
        r["pass"] = "unsupported"
        r["reason"] = "return type %s" % r["c"]
    if rdoc:
        r["doc"] = rdoc


def enum_refs(text, enums):
    for m in re.finditer(r"#?(cpol_[a-z0-9_]+_t)\b", text or ""):
        if m.group(1) in enums:
            return m.group(1)
    return None


def extract(src, clang):
    ast = clang_ast(clang, src, UMBRELLA)
    types = Types()
    functions, excluded_public = [], []
    enum_nodes, typedef_nodes, record_nodes, fn_nodes = [], [], [], []
    headers = set()

    for path, node in top_level_decls(ast):
        path = normalize_path(path)
        if not is_public(path):
            continue
        header = path[len(INCLUDE_PREFIX):]
        headers.add(header)
        kind = node.get("kind")
        if kind == "EnumDecl":
            enum_nodes.append((header, node))
        elif kind == "TypedefDecl":
            typedef_nodes.append((header, node))
        elif kind == "RecordDecl":
            record_nodes.append((header, node))
        elif kind == "FunctionDecl":
            fn_nodes.append((header, node))

    # Records: complete definitions are transparent structs.
    for header, node in record_nodes:
        name = node.get("name")
        if not name:
            continue
        if node.get("completeDefinition"):
            types.records[name] = (header, node)
        else:
            types.records.setdefault(name, (header, node))

    # Enums (tag name; the typedef usually has the same name).
    enums = {}
    for header, node in enum_nodes:
        name = node.get("name")
        doc = parse_comment(node)
        values, last = [], -1
        for c in node.get("inner", []) or []:
            if c.get("kind") != "EnumConstantDecl":
                continue
            value = None
            for e in c.get("inner", []) or []:
                if e.get("kind") == "ConstantExpr" and "value" in e:
                    value = int(e["value"])
            if value is None:
                value = last + 1
            last = value
            entry = {"name": c["name"], "value": value}
            cdoc = parse_comment(c)["doc"]
            if cdoc:
                entry["doc"] = cdoc
            values.append(entry)
        if name:
            enums[name] = {"name": name, "header": header, "doc": doc["doc"], "values": values}
    types.enums = enums

    # Typedefs: handles, structs, enum aliases, scalar aliases, callbacks.
    handles, structs, aliases, callbacks = {}, {}, {}, {}
    for header, node in typedef_nodes:
        name = node.get("name", "")
        if not name.startswith("cpol_"):
            continue
        qual = node.get("type", {}).get("qualType", "")
        doc = parse_comment(node)
        if qual.startswith("struct "):
            tag = qual[len("struct "):]
            rec = types.records.get(tag)
            if rec and rec[1].get("completeDefinition"):
                structs[name] = {"name": name, "tag": tag, "header": rec[0], "doc": doc["doc"], "node": rec[1]}
            else:
                handles[name] = {"name": name, "header": header, "doc": doc["doc"]}
        elif qual.startswith("enum "):
            tag = qual[len("enum "):]
            if tag in enums and tag != name:
                enums[name] = dict(enums[tag], name=name)
        elif "(*)" in qual:
            callbacks[name] = {"name": name, "header": header, "doc": doc["doc"], "c": qual}
        else:
            aliases[name] = {"name": name, "header": header, "doc": doc["doc"], "c": qual}
    types.handles = handles
    types.structs = structs
    types.aliases = {k: v["c"] for k, v in aliases.items()}
    types.callbacks = callbacks

    # Callback signatures: "ret (*)(args)".
    for cb in callbacks.values():
        m = re.match(r"^(.*?)\s*\(\*\)\((.*)\)$", cb["c"])
        if m:
            cb["returns"] = types.describe(m.group(1))
            args = [a.strip() for a in m.group(2).split(",") if a.strip() and a.strip() != "void"]
            cb["params"] = [types.describe(a) for a in args]

    # Struct fields.
    for s in structs.values():
        fields = []
        for f in s["node"].get("inner", []) or []:
            if f.get("kind") != "FieldDecl":
                continue
            ft = types.describe(f.get("type", {}).get("qualType", ""))
            entry = {"name": f.get("name"), "type": ft}
            fdoc = parse_comment(f)["doc"]
            if fdoc:
                entry["doc"] = fdoc
            fields.append(entry)
        s["fields"] = fields
        del s["node"]

    # Status enum: the one holding CPOL_OK.
    status_enum = None
    for e in enums.values():
        if any(v["name"] == "CPOL_OK" for v in e["values"]):
            status_enum = {"name": e["name"], "names": [v["name"] for v in e["values"]]}
            break
    positive = set()
    if status_enum:
        positive = {v["name"] for v in enums[status_enum["name"]]["values"] if v["value"] > 0}

    # Functions.
    seen = set()
    for header, node in fn_nodes:
        name = node.get("name", "")
        if not name.startswith("cpol_") or name in seen:
            continue
        seen.add(name)
        doc = parse_comment(node)
        qual = node.get("type", {}).get("qualType", "")
        ret = qual.split("(", 1)[0].strip()
        params = []
        for p in node.get("inner", []) or []:
            if p.get("kind") == "ParmVarDecl":
                params.append({"name": p.get("name") or "arg%d" % len(params),
                               "type": types.describe(p.get("type", {}).get("qualType", ""))})
        fn = {"name": name, "header": header, "doc": doc["doc"], "returns": types.describe(ret), "params": params}
        if node.get("variadic") or qual.rstrip().endswith("...)"):
            fn["variadic"] = True
        for i, p in enumerate(params):
            classify_param(types, name, p, doc, i, params)
            pdoc = doc["params"].get(p["name"], {}).get("doc")
            if pdoc:
                p["doc"] = pdoc
            ref = enum_refs(pdoc, enums)
            if ref:
                p["enum"] = ref
            if p.get("pass") == "out_scalar" and BOOL_DOC_RE.search(re.sub(r"^receives\s+", "", pdoc or "")):
                p["bool"] = True
        # A size parameter consumed by an out_buffer; and, for a buffer whose
        # capacity no macro bounds, the size_t output that reports the size
        # needed (cpol_case_open311_write's needed_out): the bindings then
        # grow the buffer to it and call again, instead of failing past a
        # fixed size.
        for p in params:
            if p.get("pass") == "out_buffer":
                for q in params:
                    if q["name"] == p["size_param"]:
                        q["pass"] = "in_buffer_size"
                if not p.get("capacity"):
                    for q in params:
                        if (q.get("pass") == "out_scalar" and q["type"].get("ctype") == "size"
                                and NEEDED_DOC_RE.search(q.get("doc") or "")):
                            p["needed_param"] = q["name"]
                            break
        classify_return(types, fn, doc, status_enum, positive)
        ref = enum_refs(doc.get("returns"), enums)
        if ref and fn["returns"]["pass"] in ("scalar",):
            fn["returns"]["enum"] = ref
        tags = {k: v for k, v in doc["tags"].items() if k != "since"}
        for k, v in tags.items():
            m = re.match(r"(cpol_[a-z0-9_]+)", v)
            tags[k] = m.group(1) if m else v
        if tags:
            fn["tags"] = tags
        if "since" in doc["tags"]:
            fn["since"] = doc["tags"]["since"]
        reasons = []
        if fn.get("variadic"):
            reasons.append("variadic function")
        for p in params:
            if p.get("pass") == "unsupported":
                reasons.append("parameter %s: %s" % (p["name"], p["reason"]))
        if fn["returns"].get("pass") == "unsupported":
            reasons.append(fn["returns"]["reason"])
        if reasons:
            fn["unsupported"] = reasons
        functions.append(fn)

    derive_objects(functions, handles)

    # Macros.
    defines_text = clang_macros(clang, src, UMBRELLA)
    enum_values = {v["name"]: v["value"] for e in enums.values() for v in e["values"]}
    constants, strings, inits = parse_macros(defines_text, macro_headers(src), enum_values)
    for s in structs.values():
        upper = s["name"].upper()
        if upper + "_VERSION" in {c["name"] for c in constants}:
            s["version_macro"] = upper + "_VERSION"
            s["kind"] = "versioned"
        else:
            s["kind"] = "value"
        init = inits.get(upper + "_INIT")
        if init is not None:
            s["init_macro"] = upper + "_INIT"
            defaults = {}
            for f, v in zip(s["fields"], init):
                defaults[f["name"]] = v
            s["defaults"] = defaults

    version = {}
    for c in constants:
        for part in ("MAJOR", "MINOR", "PATCH", "NUMBER"):
            if c["name"] == "CPOL_VERSION_" + part:
                version[part.lower()] = c["value"]
    for s in strings:
        if s["name"] == "CPOL_VERSION":
            version["string"] = s["value"]

    excluded = excluded_sys(src, clang)

    api = {
        "generator": "bindings/tools/extract_api.py",
        "source": UMBRELLA,
        "version": version,
        "headers": sorted(headers),
        "status_enum": status_enum["name"] if status_enum else None,
        "constants": constants,
        "strings": strings,
        "enums": [enums[k] for k in sorted(enums) if enums[k]["name"] == k],
        "aliases": [aliases[k] for k in sorted(aliases)],
        "callbacks": [callbacks[k] for k in sorted(callbacks)],
        "handles": [handles[k] for k in sorted(handles)],
        "structs": [structs[k] for k in sorted(structs)],
        "functions": functions,
        "iterators": iterators(functions, handles),
        "excluded": excluded,
    }
    return api


def short(type_name):
    return type_name[len("cpol_"):] if type_name.startswith("cpol_") else type_name


def derive_objects(functions, handles):
    """Receivers, method names, constructors, destructors and getters."""
    by_name = {f["name"]: f for f in functions}
    for h in handles.values():
        h["ctors"], h["getters"] = [], {}
    for fn in functions:
        params = fn["params"]
        first = params[0] if params else None
        if first and first.get("pass") == "in_handle":
            recv = first["type"]["name"]
            fn["receiver"] = recv
            prefix = recv + "_"
            base = fn["name"][len(prefix):] if fn["name"].startswith(prefix) else short(fn["name"])
        else:
            base = short(fn["name"])
        if base.endswith("_iter_new"):
            base = base[: -len("_new")]
        fn["method"] = base
        tags = fn.get("tags", {})
        for p in params:
            if p.get("pass") == "out_handle":
                h = handles.get(p["type"]["name"])
                if h is not None and fn["name"] not in h["ctors"]:
                    h["ctors"].append(fn["name"])
        if "dtor" in tags and tags["dtor"] in handles:
            handles[tags["dtor"]]["dtor"] = fn["name"]
    for h in handles.values():
        if "dtor" not in h:
            for cand in (h["name"] + "_free", h["name"] + "_close"):
                fn = by_name.get(cand)
                if fn and len(fn["params"]) == 1 and fn["params"][0]["type"].get("name") == h["name"]:
                    h["dtor"] = cand
                    break
        if "dtor" in h:
            by_name[h["dtor"]]["method"] = "close"
            by_name[h["dtor"]]["role"] = "dtor"
    # Getters: cpol_<type>_<field>(const cpol_<type> *) returning a value.
    for fn in functions:
        recv = fn.get("receiver")
        if not recv or fn.get("unsupported") or len(fn["params"]) != 1:
            continue
        if not fn["params"][0]["type"].get("const"):
            continue
        if fn["returns"].get("pass") in ("void", "status", "unsupported"):
            continue
        prefix = recv + "_"
        if not fn["name"].startswith(prefix):
            continue
        field = fn["name"][len(prefix):]
        handles[recv]["getters"][field] = fn["name"]
        fn["role"] = "getter"
    for h in handles.values():
        if not h["ctors"]:
            del h["ctors"]
        if not h["getters"]:
            del h["getters"]


def iterators(functions, handles):
    by_name = {f["name"]: f for f in functions}
    result = []
    for name in sorted(handles):
        h = handles[name]
        nxt = by_name.get(name + "_next")
        if nxt is None or nxt.get("unsupported"):
            continue
        if not nxt["params"] or nxt["params"][0]["type"].get("name") != name:
            continue
        items = [p for p in nxt["params"][1:] if p.get("direction") == "out"]
        nxt["role"] = "iter_next"
        entry = {"type": name, "next": nxt["name"], "ctors": h.get("ctors", []),
                 "items": [{"name": p["name"], "pass": p["pass"], "type": p["type"].get("name") or p["type"]["c"]}
                           for p in items]}
        if "dtor" in h:
            entry["free"] = h["dtor"]
        h["iterator"] = True
        result.append(entry)
    return result


def excluded_sys(src, clang):
    """List the sys/ (plugin-author) functions, which the bindings leave out."""
    sysdir = os.path.join(src, SYS_PREFIX)
    if not os.path.isdir(sysdir):
        return {"headers": [], "functions": []}
    hdrs = sorted(h for h in os.listdir(sysdir) if h.endswith(".h"))
    names = set()
    for h in hdrs:
        ast = clang_ast(clang, src, SYS_PREFIX + h)
        for path, node in top_level_decls(ast):
            path = normalize_path(path)
            if path and path.startswith(SYS_PREFIX) and node.get("kind") == "FunctionDecl":
                if node.get("name", "").startswith("cpol_"):
                    names.add(node["name"])
    return {"headers": ["sys/" + h for h in hdrs], "functions": sorted(names),
            "reason": "plugin-author (systems) API: storage backends and allocator hooks are written in C"}


def main(argv=None):
    here = os.path.dirname(os.path.abspath(__file__))
    ap = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    ap.add_argument("--source-dir", default=os.path.normpath(os.path.join(here, "..", "..")))
    ap.add_argument("--clang", default=os.environ.get("CLANG", "clang"))
    ap.add_argument("-o", "--output", default=None, help="default: <source-dir>/bindings/api.json")
    args = ap.parse_args(argv)
    out = args.output or os.path.join(args.source_dir, "bindings", "api.json")
    try:
        api = extract(args.source_dir, args.clang)
    except ApiError as e:
        print("extract_api: %s" % e, file=sys.stderr)
        return 1
    text = json.dumps(api, indent=1, ensure_ascii=False) + "\n"
    tmp = out + ".tmp"
    with open(tmp, "w", encoding="utf-8") as f:
        f.write(text)
    os.replace(tmp, out)
    bad = [f["name"] for f in api["functions"] if f.get("unsupported")]
    print("extract_api: %d functions (%d not bindable), %d handles, %d structs, %d enums, %d constants -> %s"
          % (len(api["functions"]), len(bad), len(api["handles"]), len(api["structs"]),
             len(api["enums"]), len(api["constants"]), out))
    return 0


if __name__ == "__main__":
    sys.exit(main())
