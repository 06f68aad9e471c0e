#!/bin/sh
# fuzz-stored-rows.sh SOURCE_DIR BUILD_DIR CLANG [SECONDS]
#
# Builds the libFuzzer target tests/fuzz/fuzz_stored_rows.c with clang,
# AddressSanitizer and UBSan in BUILD_DIR, then fuzzes for SECONDS
# (CPOL_FUZZ_SECONDS, default 60) starting from the committed corpus
# tests/fuzz/corpus/. New inputs go to BUILD_DIR/corpus, never into the
# source tree. Any crash, sanitizer report or leak fails (libFuzzer exits
# non-zero and writes the input as BUILD_DIR/crash-*).
set -eu
src=$1
build=$2
clang=$3
secs=${4:-${CPOL_FUZZ_SECONDS:-60}}

cmake -S "$src" -B "$build" -DCMAKE_C_COMPILER="$clang" -DCMAKE_BUILD_TYPE=Debug -DCPOL_FUZZ=ON \
    -DCPOL_BUILD_DOCS=OFF -DCPOL_BUILD_EXAMPLES=OFF -DCPOL_BINDINGS_PYTHON=OFF -DCPOL_BINDINGS_LUA=OFF \
    -DCMAKE_C_FLAGS="-fsanitize=fuzzer-no-link,address,undefined -fno-sanitize-recover=undefined" >/dev/null
cmake --build "$build" --target fuzz_stored_rows -j2 >/dev/null
mkdir -p "$build/corpus"
cd "$build"
ASAN_OPTIONS="detect_leaks=1:abort_on_error=1" UBSAN_OPTIONS="print_stacktrace=1:halt_on_error=1" \
    "$build/tests/fuzz_stored_rows" -max_total_time="$secs" -timeout=20 -rss_limit_mb=4096 -print_final_stats=1 \
    "$build/corpus" "$src/tests/fuzz/corpus"
