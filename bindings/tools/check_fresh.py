#!/usr/bin/env python3
"""bindings.fresh: regenerate api.json, _capi.py and commpolice_lua.c from the
current headers into a temporary directory and fail (exit 1, with a diff) if
the committed copies under bindings/ differ: the `git diff --exit-code` of
generated files. Fix with `cmake --build BUILD --target cpol_bindings_update`
or `bindings/tools/regenerate.sh`, then commit.

Usage: check_fresh.py [--source-dir DIR] [--clang CLANG]
"""

import argparse
import difflib
import os
import subprocess
import sys
import tempfile

FILES = [
    ("bindings/api.json", "extract_api.py"),
    ("bindings/python/commpolice/_capi.py", "gen_python.py"),
    ("bindings/lua/commpolice_lua.c", "gen_lua.py"),
]


def main(argv=None):
    here = os.path.dirname(os.path.abspath(__file__))
    ap = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    ap.add_argument("--source-dir", default=os.path.normpath(os.path.join(here, "..", "..")))
    ap.add_argument("--clang", default=os.environ.get("CLANG", "clang"))
    args = ap.parse_args(argv)
    src = args.source_dir
    py = sys.executable
    with tempfile.TemporaryDirectory(prefix="cpol-fresh-") as tmp:
        api = os.path.join(tmp, "api.json")
        fresh = {
            "bindings/api.json": api,
            "bindings/python/commpolice/_capi.py": os.path.join(tmp, "_capi.py"),
            "bindings/lua/commpolice_lua.c": os.path.join(tmp, "commpolice_lua.c"),
        }
        steps = [
            [py, os.path.join(here, "extract_api.py"), "--source-dir", src, "--clang", args.clang, "-o", api],
            [py, os.path.join(here, "gen_python.py"), "--api", api, "-o", fresh["bindings/python/commpolice/_capi.py"]],
            [py, os.path.join(here, "gen_lua.py"), "--api", api, "-o", fresh["bindings/lua/commpolice_lua.c"]],
        ]
        for cmd in steps:
            proc = subprocess.run(cmd, stdout=subprocess.PIPE, stderr=subprocess.STDOUT)
            sys.stdout.write(proc.stdout.decode("utf-8", "replace"))
            if proc.returncode != 0:
                print("bindings.fresh: generator failed: %s" % " ".join(cmd))
                return 1
        stale = []
        for rel, _tool in FILES:
            committed = os.path.join(src, rel)
            with open(fresh[rel], encoding="utf-8") as f:
                new = f.read()
            try:
                with open(committed, encoding="utf-8") as f:
                    old = f.read()
            except FileNotFoundError:
                old = ""
            if old != new:
                stale.append(rel)
                diff = list(difflib.unified_diff(old.splitlines(True), new.splitlines(True),
                                                 "a/" + rel, "b/" + rel + " (fresh)", n=2))
                sys.stdout.writelines(diff[:80])
                if len(diff) > 80:
                    print("... (%d more diff lines)" % (len(diff) - 80))
        if stale:
            print("\nbindings.fresh: FAILED: %s differ from a fresh generation from the headers.\n"
                  "Run `cmake --build BUILD --target cpol_bindings_update` (or bindings/tools/regenerate.sh),\n"
                  "review and commit the result." % ", ".join(stale))
            return 1
    print("bindings.fresh: the committed generated files match the headers")
    return 0


if __name__ == "__main__":
    sys.exit(main())
