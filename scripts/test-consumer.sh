#!/bin/sh
# test-consumer.sh BUILD_DIR SOURCE_DIR [CONFIG]
#
# Install a build into a temporary prefix and build tests/consumer/main.c
# against the installed copy, the way a downstream project would:
#   1. cc + `pkg-config --cflags --libs commpolice`        (shared)
#   2. cc + `pkg-config --static --libs commpolice`        (static archive)
#   3. CMake find_package(commpolice 0.1) + commpolice::commpolice and
#      commpolice::commpolice_static
#   4. CMake find_package(commpolice <next minor>) must be refused (0.x ABI)
# and run every binary. Registered as the CTest test install.consumer.
#
# Environment: CC (default cc); CPOL_CONSUMER_CFLAGS, extra flags for
# compiling and linking the consumers (the sanitizer flags of an ASan build);
# CPOL_KEEP_TMP=1 keeps the temporary directory for inspection.
set -eu

if [ $# -lt 2 ] || [ $# -gt 3 ]; then
    echo "usage: $0 BUILD_DIR SOURCE_DIR [CONFIG]" >&2
    exit 2
fi
build=$(cd "$1" && pwd)
src=$(cd "$2" && pwd)
config=${3-}
cc=${CC:-cc}
extra=${CPOL_CONSUMER_CFLAGS-}

tmp=$(mktemp -d "${TMPDIR:-/tmp}/cpol-consumer.XXXXXX")
cleanup() {
    if [ "${CPOL_KEEP_TMP-}" = 1 ]; then echo "kept $tmp"; else rm -rf "$tmp"; fi
}
trap cleanup EXIT
trap 'exit 1' INT TERM
prefix="$tmp/prefix"

step() { echo; echo "==> $*"; }
run() { echo "+ $*"; "$@"; }
die() { echo "install.consumer: FAILED: $*" >&2; exit 1; }

# Keep the user's own pkg-config / CMake search paths from finding another copy.
unset PKG_CONFIG_PATH PKG_CONFIG_LIBDIR CMAKE_PREFIX_PATH commpolice_DIR 2>/dev/null || true

ver_h="$src/include/commpolice/version.h"
want_version=$(sed -n 's/^#define[ \t]*CPOL_VERSION[ \t]*"\([^"]*\)".*/\1/p' "$ver_h")
major=$(sed -n 's/^#define[ \t]*CPOL_VERSION_MAJOR[ \t]*\([0-9]*\).*/\1/p' "$ver_h")
minor=$(sed -n 's/^#define[ \t]*CPOL_VERSION_MINOR[ \t]*\([0-9]*\).*/\1/p' "$ver_h")

step "install $build into $prefix"
if [ -n "$config" ]; then
    run cmake --install "$build" --prefix "$prefix" --config "$config" > "$tmp/install.log" \
        || { cat "$tmp/install.log"; die "cmake --install"; }
else
    run cmake --install "$build" --prefix "$prefix" > "$tmp/install.log" \
        || { cat "$tmp/install.log"; die "cmake --install"; }
fi
sed 's/^/    /' "$tmp/install.log"

pc=$(find "$prefix" -path '*/pkgconfig/commpolice.pc' | head -n 1)
[ -n "$pc" ] || die "no pkgconfig/commpolice.pc under $prefix"
pcdir=$(dirname "$pc")
libdir=$(dirname "$pcdir")
[ -e "$libdir/libcommpolice.so" ] || die "no libcommpolice.so in $libdir"
[ -e "$libdir/libcommpolice.a" ] || die "no libcommpolice.a in $libdir"
[ -f "$prefix/include/commpolice/commpolice.h" ] || die "no include/commpolice/commpolice.h"
[ -f "$prefix/include/commpolice/sys/storage.h" ] || die "no include/commpolice/sys/storage.h"
echo "--- $pc"; cat "$pc"

step "pkg-config metadata"
PKG_CONFIG_PATH=$pcdir
export PKG_CONFIG_PATH
got_version=$(pkg-config --modversion commpolice) || die "pkg-config cannot read $pc"
[ "$got_version" = "$want_version" ] || die "pkg-config version '$got_version', version.h says '$want_version'"
got_libdir=$(pkg-config --variable=libdir commpolice)
[ "$got_libdir" -ef "$libdir" ] || die "pkg-config libdir '$got_libdir' is not the installed $libdir"
got_incdir=$(pkg-config --variable=includedir commpolice)
[ -f "$got_incdir/commpolice/commpolice.h" ] || die "pkg-config includedir '$got_incdir' has no commpolice/commpolice.h"
echo "version $got_version, libdir $got_libdir, includedir $got_incdir"

step "1. shared library through pkg-config"
flags=$(pkg-config --cflags --libs commpolice)
# shellcheck disable=SC2086 # word splitting of flags is intended
run "$cc" $extra -o "$tmp/consumer_pc" "$src/tests/consumer/main.c" $flags || die "pkg-config shared build"
LD_LIBRARY_PATH=$libdir run "$tmp/consumer_pc" || die "consumer_pc did not run"

step "2. static library through pkg-config --static"
sflags=$(pkg-config --static --cflags --libs commpolice)
# Make sure the archive, not the .so next to it, is linked.
sflags=$(printf '%s\n' "$sflags" | sed 's/-lcommpolice\b/-Wl,-Bstatic -lcommpolice -Wl,-Bdynamic/')
# shellcheck disable=SC2086
run "$cc" $extra -o "$tmp/consumer_pc_static" "$src/tests/consumer/main.c" $sflags || die "pkg-config static build"
if readelf -d "$tmp/consumer_pc_static" | grep -q 'NEEDED.*libcommpolice'; then
    die "consumer_pc_static depends on libcommpolice.so; the static link did not use the archive"
fi
run "$tmp/consumer_pc_static" || die "consumer_pc_static did not run"

step "3. CMake find_package(commpolice $major.$minor)"
cbuild="$tmp/cmake-consumer"
cflags_def=""
[ -n "$extra" ] && cflags_def="-DCMAKE_C_FLAGS=$extra"
run cmake -S "$src/tests/consumer" -B "$cbuild" \
    -DCMAKE_PREFIX_PATH="$prefix" \
    -DCMAKE_FIND_PACKAGE_NO_PACKAGE_REGISTRY=ON \
    -DCMAKE_C_COMPILER="$cc" \
    ${cflags_def:+"$cflags_def"} > "$tmp/cmake-configure.log" 2>&1 \
    || { cat "$tmp/cmake-configure.log"; die "configuring the find_package consumer"; }
found_dir=$(sed -n 's/^commpolice_DIR:PATH=//p' "$cbuild/CMakeCache.txt")
case "$found_dir" in
    "$prefix"/*) echo "found commpolice at $found_dir" ;;
    *) die "find_package found '$found_dir', not the copy installed in $prefix" ;;
esac
run cmake --build "$cbuild" > "$tmp/cmake-build.log" 2>&1 \
    || { cat "$tmp/cmake-build.log"; die "building the find_package consumer"; }
LD_LIBRARY_PATH=$libdir run "$cbuild/consumer" || die "consumer (find_package, shared) did not run"
if readelf -d "$cbuild/consumer_static" | grep -q 'NEEDED.*libcommpolice'; then
    die "consumer_static depends on libcommpolice.so"
fi
run "$cbuild/consumer_static" || die "consumer_static (find_package, static) did not run"

step "4. find_package must refuse an incompatible version"
if [ "$major" = 0 ]; then bad="0.$((minor + 1))"; else bad="$((major + 1)).0"; fi
mkdir -p "$tmp/version-probe"
cat > "$tmp/version-probe/CMakeLists.txt" <<EOF
cmake_minimum_required(VERSION 3.16)
project(probe LANGUAGES NONE)
find_package(commpolice $bad REQUIRED)
EOF
if cmake -S "$tmp/version-probe" -B "$tmp/version-probe/build" -DCMAKE_PREFIX_PATH="$prefix" \
        -DCMAKE_FIND_PACKAGE_NO_PACKAGE_REGISTRY=ON > "$tmp/probe.log" 2>&1; then
    cat "$tmp/probe.log"
    die "find_package(commpolice $bad) accepted version $want_version"
fi
echo "find_package(commpolice $bad) refused, as it should be"

echo
echo "install.consumer: passed"
