"""A pg_dump of a keyed station holds no personal data or informant link.

Run through scripts/pg-test-server.sh (CTest: security.pg_dump), which sets
CPOL_TEST_PG_URI and CPOL_TEST_PG_STATE. Writes the leak scanner's station
(tests/security/leak_world.py: an informant who tips, handles a case on the
spot, holds the informant role, appears in the audit trail) into a fresh
schema with a key, dumps the schema with pg_dump as an administrator would,
and asserts that the dump contains neither the informant's ID-card number,
phone or name nor any staff name, and that with SQL no reporter, recorder,
handler, role holder, event actor or audit actor column equals the
informant's id. (Ids themselves are not secret: PostgreSQL's uuid columns
show them as text, so the links are what is checked.)
"""

import os
import subprocess
import sys
import urllib.parse

from leak_world import LeakWorld


def main():
    pg = os.environ.get("CPOL_TEST_PG_URI")
    state = os.environ.get("CPOL_TEST_PG_STATE")
    if not pg or not state:
        print("SKIP: run through scripts/pg-test-server.sh (CPOL_TEST_PG_URI is not set)")
        return 77
    bindir = open(os.path.join(state, "bindir")).read().strip()
    schema = "dump_%d" % os.getpid()
    world = LeakWorld("%s%sschema=%s" % (pg, "&" if "?" in pg else "?", schema))
    secret = world.secret
    world.close()
    # the server's tools run as shipped: not under the sanitizer runtime the
    # asan preset preloads for the library (pg_dump hangs under it)
    tools_env = {k: v for k, v in os.environ.items() if k not in ("LD_PRELOAD", "ASAN_OPTIONS", "UBSAN_OPTIONS")}
    parts = urllib.parse.urlsplit(pg)
    query = [(k, v) for k, v in urllib.parse.parse_qsl(parts.query) if k != "schema"]
    conn = urllib.parse.urlunsplit(parts._replace(query=urllib.parse.urlencode(query)))
    dump = subprocess.run([os.path.join(bindir, "pg_dump"), "-d", conn, "-n", schema], env=tools_env,
                          check=True, capture_output=True, timeout=120).stdout.decode("utf-8", "replace")
    problems = []
    if "CREATE TABLE %s.person" % schema not in dump:
        problems.append("the dump has no person table: nothing was dumped")
    for what, needle in (("ID-card number", secret.card), ("phone", secret.phone), ("name", secret.name),
                         ("an officer's name", "张警官")):
        if needle in dump:
            problems.append("the dump holds the informant's %s in clear" % what)
    idhex = "\\x" + secret.id.hex
    checks = {
        "case_file": "reporter_id = '%s' OR recorded_by = '%s' OR handler_id = '%s'" % (idhex, idhex, idhex),
        "assignment": "person_id = '%s'" % idhex,
        "audit": "actor_person_id = '%s'" % idhex,
        "case_event": "actor_person_id = '%s' OR subject_id = '%s'" % (idhex, idhex),
    }
    for table, where in checks.items():
        out = subprocess.run([os.path.join(bindir, "psql"), "-d", conn, "-At", "-c",
                              "SELECT count(*) FROM %s.%s WHERE %s" % (schema, table, where)], env=tools_env,
                             check=True, capture_output=True, timeout=60).stdout.decode().strip()
        if out != "0":
            problems.append("%s: %s rows link the informant in clear" % (table, out))
    for p in problems:
        print("FAIL:", p)
    print("pg_dump of schema %s: %d bytes, %d problems" % (schema, len(dump), len(problems)))
    return 1 if problems else 0


if __name__ == "__main__":
    sys.exit(main())
