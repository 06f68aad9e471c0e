#!/bin/sh
# setup-deps.sh: install the Debian packages needed to build, test and
# document libcommpolice. Does nothing (and never calls apt-get) when every
# package is already installed. Uses sudo only when not running as root.
#
#   scripts/setup-deps.sh            install what is missing
#   scripts/setup-deps.sh --check    only report what is missing (exit 1 if any)
set -eu

PACKAGES="build-essential cmake pkg-config libsqlite3-dev uuid-dev check doxygen
lua5.4 liblua5.4-dev clang libssl-dev libjson-c-dev libpq-dev postgresql abigail-tools valgrind python3
python3-pip python3-setuptools python3-wheel luarocks"

missing=""
for p in $PACKAGES; do
    status=$(dpkg-query -W -f='${db:Status-Status}' "$p" 2>/dev/null || true)
    if [ "$status" != "installed" ]; then
        missing="$missing $p"
    fi
done

if [ -z "$missing" ]; then
    echo "setup-deps: all packages are installed"
    exit 0
fi
echo "setup-deps: missing:$missing"
if [ "${1-}" = "--check" ]; then
    exit 1
fi

if ! command -v apt-get >/dev/null 2>&1; then
    echo "setup-deps: apt-get not found; install these packages with your system's package manager:$missing" >&2
    exit 1
fi

if [ "$(id -u)" -eq 0 ]; then
    SUDO=""
elif command -v sudo >/dev/null 2>&1; then
    SUDO="sudo"
else
    echo "setup-deps: not root and sudo is not available; as root run: apt-get install$missing" >&2
    exit 1
fi

export DEBIAN_FRONTEND=noninteractive
# shellcheck disable=SC2086 # $missing is a word list on purpose
$SUDO env DEBIAN_FRONTEND=noninteractive apt-get update -q
# shellcheck disable=SC2086
$SUDO env DEBIAN_FRONTEND=noninteractive apt-get install -y -q --no-install-recommends $missing
echo "setup-deps: installed:$missing"
