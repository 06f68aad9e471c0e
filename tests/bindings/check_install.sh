#!/bin/sh
# check_install.sh BUILD_DIR CONFIG PYTHON PY_SUBDIR LUA LUA_SUBDIR
#
# bindings.install: `cmake --install` the build into a fresh prefix, then
# import the Python package and require the Lua module from that prefix
# alone (no build-tree paths: the package finds the installed library by the
# path cmake --install wrote into it, the Lua module by its RPATH).
# An empty PYTHON or LUA skips that half.
set -eu
build=$1 config=$2 py=$3 pydir=$4 lua=$5 luadir=$6
tmp=$(mktemp -d "${TMPDIR:-/tmp}/cpol-bind-install.XXXXXX")
trap 'rm -rf "$tmp"' EXIT INT TERM
prefix="$tmp/prefix"
cmake --install "$build" --config "$config" --prefix "$prefix" >"$tmp/install.log" 2>&1 || {
    cat "$tmp/install.log"; exit 1; }
unset COMMPOLICE_LIBRARY PYTHONPATH LUA_CPATH LUA_PATH || true
cd "$tmp"
if [ -n "$py" ]; then
    PYTHONPATH="$prefix/$pydir" PYTHONDONTWRITEBYTECODE=1 "$py" -c '
import sys, commpolice
lib = commpolice.library_path()
assert lib.startswith(sys.argv[1]), (lib, sys.argv[1])
assert commpolice.__file__.startswith(sys.argv[1]), commpolice.__file__
with commpolice.open("memory:", key=bytes(range(32)), key_id="install-test") as ctx, ctx.actor_system() as s:
    ctx.setting_set(s, "k", "v")
    assert ctx.setting_get(s, "k") == "v"
print("python: import commpolice from", commpolice.__file__, "->", lib)
' "$prefix"
fi
if [ -n "$lua" ]; then
    LUA_CPATH="$prefix/$luadir/?.so" "$lua" -e '
local cp = require "commpolice"
local ctx <close> = assert(cp.open("memory:", {key = ("k"):rep(32), key_id = "install-test"}))
local s <close> = assert(ctx:actor_system())
assert(ctx:setting_set(s, "k", "v"))
assert(ctx:setting_get(s, "k") == "v")
print("lua: require \"commpolice\" " .. cp._LIBRARY_VERSION .. " from " .. package.searchpath("commpolice", package.cpath))
'
fi
echo "bindings.install: OK"
