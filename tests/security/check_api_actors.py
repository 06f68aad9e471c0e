"""Every public function that reads or writes domain data names its actor.

Reads bindings/api.json (generated from the headers by bindings/tools/
extract_api.py): a function whose first parameter is a context must take the
actor as its second parameter, unless it is listed below with the reason it
touches no domain data. Nothing about people, cases, points or the audit trail
may be listed. Functions on an already-read handle (getters) take no context
and are not concerned: the handle carries the view of the actor that read it.

Usage: check_api_actors.py --api BUILD/bindings/generated/api.json
"""

import argparse
import json
import sys

# function -> why it takes no actor
EXCEPTIONS = {
    "cpol_ctx_open": "opens the connection; there is no actor before a context exists",
    "cpol_ctx_close": "closes the connection",
    "cpol_ctx_backend": "names the storage backend (\"sqlite\", \"memory\", …)",
    "cpol_ctx_now": "the context's clock",
    "cpol_ctx_schema_version": "the storage schema version, for migrations and support",
    "cpol_batch_begin": "transaction control; every call inside the batch names its actor",
    "cpol_batch_commit": "transaction control; every call inside the batch names its actor",
    "cpol_batch_rollback": "transaction control; every call inside the batch names its actor",
    "cpol_batch_active": "transaction control",
    "cpol_id_new": "draws a fresh time-ordered id from the context's clock",
    "cpol_actor_open": "opens the actor handle itself; authenticating the person behind it is the host's job "
                       "(docs/security.md), and every later call re-checks the person's roles",
}
# headers whose functions may never be exceptions
NO_EXCEPTIONS_IN = {"person.h", "case.h", "case_analysis.h", "case_metrics.h", "ledger.h", "shop.h",
                    "audit.h", "dossier.h", "team.h", "training.h", "activity.h", "area.h", "setting.h"}


def main():
    ap = argparse.ArgumentParser()
    ap.add_argument("--api", required=True)
    args = ap.parse_args()
    api = json.load(open(args.api, encoding="utf-8"))
    problems = []
    names = set()
    for f in api["functions"]:
        params = f["params"]
        names.add(f["name"])
        if not params or params[0]["type"]["c"].replace("const ", "").strip() != "cpol_ctx *":
            continue
        has_actor = len(params) > 1 and "cpol_actor" in params[1]["type"]["c"]
        if has_actor:
            continue
        if any("cpol_actor" in p["type"]["c"] and p.get("direction") == "in" for p in params):
            problems.append("%s (%s): the actor must be the second parameter" % (f["name"], f["header"]))
        elif f["name"] not in EXCEPTIONS:
            problems.append("%s (%s): takes a context but no actor, and is not a listed exception" %
                            (f["name"], f["header"]))
        elif f["header"] in NO_EXCEPTIONS_IN:
            problems.append("%s (%s): people, cases, points and audit allow no exception" %
                            (f["name"], f["header"]))
    for name in sorted(set(EXCEPTIONS) - names):
        problems.append("%s: listed as an exception but not in the API any more" % name)
    for p in problems:
        print("FAIL:", p)
    print("%d functions checked, %d exceptions with reasons, %d problems" %
          (len(api["functions"]), len(EXCEPTIONS), len(problems)))
    return 1 if problems else 0


if __name__ == "__main__":
    sys.exit(main())
