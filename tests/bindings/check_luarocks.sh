#!/bin/sh
# check_luarocks.sh SOURCE_DIR GENERATED_C LIBDIR LUA [LUAROCKS]
#
# bindings.luarocks: `luarocks make` of bindings/lua/commpolice-scm-1.rockspec
# builds and installs the module offline into a private tree, against the
# headers of the source tree and the library of this build; then
# require "commpolice" works from that tree. Exit 77 (skipped) without luarocks.
set -eu
src=$1 gen=$2 libdir=$3 lua=$4 luarocks=${5-}
if [ -z "$luarocks" ] || ! command -v "$luarocks" >/dev/null 2>&1; then
    echo "bindings.luarocks: luarocks is not installed (apt-get install luarocks): skipped"
    exit 77
fi
tmp=$(mktemp -d "${TMPDIR:-/tmp}/cpol-bind-rocks.XXXXXX")
trap 'rm -rf "$tmp"' EXIT INT TERM
mkdir "$tmp/rock"
cp "$src/bindings/lua/commpolice-scm-1.rockspec" "$tmp/rock/"
cp "$gen" "$tmp/rock/commpolice_lua.c"
cd "$tmp/rock"
# The build tools need no sanitizer runtime (a CPOL_SANITIZE build preloads
# it for the interpreters); the module is loaded with it below.
preload=${LD_PRELOAD-}
unset LD_PRELOAD || true
"$luarocks" --lua-version=5.4 --tree "$tmp/tree" make commpolice-scm-1.rockspec \
    COMMPOLICE_INCDIR="$src/include" COMMPOLICE_LIBDIR="$libdir" >"$tmp/make.log" 2>&1 || {
    cat "$tmp/make.log"; exit 1; }
so=$(find "$tmp/tree" -name commpolice.so | head -n 1)
[ -n "$so" ] || { cat "$tmp/make.log"; echo "no commpolice.so in the tree"; exit 1; }
LD_PRELOAD=$preload LD_LIBRARY_PATH="$libdir${LD_LIBRARY_PATH:+:$LD_LIBRARY_PATH}" LUA_CPATH="$(dirname "$so")/?.so" "$lua" -e '
local cp = require "commpolice"
local ctx <close> = assert(cp.open("memory:", {key = ("k"):rep(32), key_id = "luarocks-test"}))
print("luarocks-built module " .. cp._LIBRARY_VERSION .. ": " .. package.searchpath("commpolice", package.cpath))
'
echo "bindings.luarocks: OK"
