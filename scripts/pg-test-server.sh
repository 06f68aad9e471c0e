#!/bin/sh
# pg-test-server.sh: a throw-away PostgreSQL cluster for the test suite.
#
#   pg-test-server.sh start STATE_DIR      initdb + start; prints the URI
#   pg-test-server.sh stop STATE_DIR       stop and delete the cluster
#   pg-test-server.sh kill STATE_DIR       pg_ctl stop -m immediate (a crash)
#   pg-test-server.sh restart STATE_DIR    start again after kill (same port)
#   pg-test-server.sh run STATE_DIR CMD [ARG...]
#                                          run CMD with CPOL_TEST_PG_URI set;
#                                          exit 77 (skipped) without a server
#
# `start` finds the server binaries ($CPOL_PG_BINDIR, the newest
# /usr/lib/postgresql/*/bin, or initdb on PATH), creates a temporary directory
# under ${TMPDIR:-/tmp}, runs initdb there (UTF-8, C locale, trust
# authentication for the local user "cpol" only), starts postgres on a free
# loopback port with its unix socket in the same directory, creates the
# database "cpol_test" and writes the URI to STATE_DIR/uri:
#
#   postgresql://cpol@127.0.0.1:PORT/cpol_test
#
# PostgreSQL refuses to run as root. When this script runs as root (CI), the
# cluster belongs to an unprivileged user ($CPOL_PG_USER, default "nobody")
# and every server command runs as that user through runuser (or su).
#
# Without the server binaries `start` prints "SKIP: PostgreSQL server binaries
# not found" and exits 77, which CTest reports as skipped; `run` then skips its
# command too. Under CI=true (.ci/run) missing binaries are an error instead,
# unless CPOL_PG_BINDIR was set on purpose. If CPOL_TEST_PG_URI is already set, `start` uses that server
# instead of starting one (and `stop` leaves it alone).
set -eu

SKIP=77
usage() {
    echo "usage: $0 start|stop|kill|restart STATE_DIR | run STATE_DIR CMD [ARG...]" >&2
    exit 2
}
[ $# -ge 2 ] || usage
cmd=$1
state=$2
shift 2

log() { echo "pg-test-server: $*" >&2; }

# ---- finding the server -------------------------------------------------------
find_bindir() {
    if [ -n "${CPOL_PG_BINDIR-}" ]; then
        # An explicit choice: no searching elsewhere.
        [ -x "$CPOL_PG_BINDIR/initdb" ] && [ -x "$CPOL_PG_BINDIR/postgres" ] && [ -x "$CPOL_PG_BINDIR/pg_ctl" ] ||
            return 1
        echo "$CPOL_PG_BINDIR"
        return 0
    fi
    best=""
    best_ver=0
    for d in /usr/lib/postgresql/*/bin; do
        [ -x "$d/initdb" ] && [ -x "$d/postgres" ] && [ -x "$d/pg_ctl" ] || continue
        v=$(basename "$(dirname "$d")")
        v=${v%%.*}
        case $v in *[!0-9]*|"") v=0 ;; esac
        if [ -z "$best" ] || [ "$v" -gt "$best_ver" ]; then
            best=$d
            best_ver=$v
        fi
    done
    if [ -n "$best" ]; then
        echo "$best"
        return 0
    fi
    for d in "$(dirname "$(command -v initdb 2>/dev/null || echo /nonexistent/x)")" /usr/local/pgsql/bin; do
        if [ -x "$d/initdb" ] && [ -x "$d/pg_ctl" ] && [ -x "$d/postgres" ]; then
            echo "$d"
            return 0
        fi
    done
    return 1
}

# ---- running as the cluster's owner -----------------------------------------
as_owner() { # as_owner CMD ARG... (in the cluster directory)
    if [ "$(id -u)" -ne 0 ]; then
        (cd "$data_root" && "$@")
        return
    fi
    if command -v runuser >/dev/null 2>&1; then
        (cd "$data_root" && runuser -u "$owner" -- "$@")
    else
        # su needs one command string: quote every argument.
        q=""
        for a in "$@"; do
            q="$q '$(printf '%s' "$a" | sed "s/'/'\\\\''/g")'"
        done
        (cd "$data_root" && su "$owner" -s /bin/sh -c "$q")
    fi
}

free_port() {
    if command -v python3 >/dev/null 2>&1; then
        python3 -c 'import socket
s = socket.socket()
s.bind(("127.0.0.1", 0))
print(s.getsockname()[1])' 2>/dev/null && return 0
    fi
    # No python: a random port in 20000..59999 (start retries on a clash).
    n=$(od -An -N2 -tu2 /dev/urandom | tr -d ' ')
    echo $((20000 + n % 40000))
}

load_state() {
    [ -f "$state/datadir" ] || { log "no cluster recorded in $state"; exit 1; }
    data_root=$(cat "$state/datadir")
    bindir=$(cat "$state/bindir")
    owner=$(cat "$state/owner")
    port=$(cat "$state/port")
    pgdata="$data_root/data"
}

pg_start() { # start postgres on $port; 0 on success
    as_owner "$bindir/pg_ctl" -D "$pgdata" -l "$data_root/server.log" -w -t 60 \
        -o "-p $port -c listen_addresses=127.0.0.1 -k $data_root -c fsync=off -c full_page_writes=off" \
        start >/dev/null
}

case $cmd in
start)
    mkdir -p "$state"
    rm -f "$state/uri" "$state/skipped"
    if [ -n "${CPOL_TEST_PG_URI-}" ]; then
        echo "$CPOL_TEST_PG_URI" > "$state/uri"
        echo external > "$state/external"
        log "using the server of CPOL_TEST_PG_URI"
        echo "$CPOL_TEST_PG_URI"
        exit 0
    fi
    if ! bindir=$(find_bindir); then
        if [ "${CI-}" = true ] && [ -z "${CPOL_PG_BINDIR-}" ]; then
            # CI installs postgresql (scripts/setup-deps.sh): never skip silently there.
            log "PostgreSQL server binaries not found, and CI=true: install the Debian package postgresql"
            exit 1
        fi
        echo "SKIP: PostgreSQL server binaries not found (install the Debian package postgresql, or set CPOL_PG_BINDIR)"
        echo "no server binaries" > "$state/skipped"
        exit $SKIP
    fi
    if [ -f "$state/datadir" ]; then
        # A cluster left over by an interrupted run: remove it first.
        "$0" stop "$state" >/dev/null 2>&1 || true
    fi
    owner=$(id -un)
    if [ "$(id -u)" -eq 0 ]; then
        owner=${CPOL_PG_USER:-nobody}
        id "$owner" >/dev/null 2>&1 || { log "user $owner does not exist (set CPOL_PG_USER)"; exit 1; }
    fi
    data_root=$(mktemp -d "${TMPDIR:-/tmp}/cpol-pg.XXXXXX")
    chmod 700 "$data_root"
    [ "$(id -u)" -ne 0 ] || chown "$owner" "$data_root"
    pgdata="$data_root/data"
    echo "$data_root" > "$state/datadir"
    echo "$bindir" > "$state/bindir"
    echo "$owner" > "$state/owner"
    if ! as_owner "$bindir/initdb" -D "$pgdata" -U cpol -E UTF8 --locale=C --auth=trust \
            --no-sync > "$data_root/initdb.log" 2>&1; then
        cat "$data_root/initdb.log" >&2
        log "initdb failed"
        exit 1
    fi
    tries=0
    while :; do
        port=$(free_port)
        echo "$port" > "$state/port"
        if pg_start; then
            break
        fi
        tries=$((tries + 1))
        if [ $tries -ge 5 ]; then
            cat "$data_root/server.log" >&2 || true
            log "postgres did not start"
            exit 1
        fi
    done
    "$bindir/createdb" -h 127.0.0.1 -p "$port" -U cpol -E UTF8 -T template0 cpol_test
    uri="postgresql://cpol@127.0.0.1:$port/cpol_test"
    echo "$uri" > "$state/uri"
    log "$("$bindir/postgres" --version) as $owner in $data_root, port $port"
    echo "$uri"
    ;;
stop)
    if [ -f "$state/external" ]; then
        rm -f "$state/external" "$state/uri"
        exit 0
    fi
    if [ ! -f "$state/datadir" ]; then
        rm -f "$state/uri" "$state/skipped"
        exit 0
    fi
    load_state
    as_owner "$bindir/pg_ctl" -D "$pgdata" -m fast -w stop >/dev/null 2>&1 ||
        as_owner "$bindir/pg_ctl" -D "$pgdata" -m immediate -w stop >/dev/null 2>&1 || true
    rm -rf "$data_root"
    rm -f "$state/uri" "$state/datadir" "$state/bindir" "$state/owner" "$state/port" "$state/skipped"
    ;;
kill)
    load_state
    as_owner "$bindir/pg_ctl" -D "$pgdata" -m immediate -w stop >/dev/null
    ;;
restart)
    load_state
    pg_start
    ;;
run)
    [ $# -ge 1 ] || usage
    if [ ! -f "$state/uri" ]; then
        if [ -f "$state/skipped" ]; then
            echo "SKIP: PostgreSQL server binaries not found"
        else
            echo "SKIP: no PostgreSQL test server is running (see the test pg.server.start)"
        fi
        exit $SKIP
    fi
    CPOL_TEST_PG_URI=$(cat "$state/uri")
    CPOL_TEST_PG_STATE=$state
    CPOL_TEST_PG_SCRIPT=$0
    export CPOL_TEST_PG_URI CPOL_TEST_PG_STATE CPOL_TEST_PG_SCRIPT
    exec "$@"
    ;;
*)
    usage
    ;;
esac
