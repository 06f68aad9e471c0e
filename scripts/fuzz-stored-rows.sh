#!/bin/sh
# fuzz-stored-rows.sh SOURCE_DIR BUILD_DIR CLANG [SECONDS]
#
# Builds the libFuzzer target tests/fuzz/fuzz_stored_rows.c with clang,
# AddressSanitizer and UBSan in BUILD_DIR, then fuzzes starting from the
# committed corpus tests/fuzz/corpus/. New inputs go to BUILD_DIR/corpus,
# never into the source tree. Any crash, sanitizer report or leak fails
# (libFuzzer exits non-zero and writes the input as BUILD_DIR/crash-*; keep
# it in tests/fuzz/corpus/ once fixed).
#
# CI runs a fixed seed and a fixed number of inputs (CPOL_FUZZ_SEED, default
# 1; CPOL_FUZZ_RUNS, default 600) so every run explores the same inputs and
# a finding is reproducible; SECONDS (CPOL_FUZZ_SECONDS, default 120) only
# caps the time. For a long local search: CPOL_FUZZ_SEED=0 (random)
# CPOL_FUZZ_RUNS=-1 (unlimited) and a large SECONDS.
set -eu
src=$1
build=$2
clang=$3
secs=${4:-${CPOL_FUZZ_SECONDS:-120}}
seed=${CPOL_FUZZ_SEED:-1}
runs=${CPOL_FUZZ_RUNS:-600}

cmake -S "$src" -B "$build" -DCMAKE_C_COMPILER="$clang" -DCMAKE_BUILD_TYPE=Debug -DCPOL_FUZZ=ON \
    -DCPOL_BUILD_DOCS=OFF -DCPOL_BUILD_EXAMPLES=OFF -DCPOL_BINDINGS_PYTHON=OFF -DCPOL_BINDINGS_LUA=OFF \
    -DCMAKE_C_FLAGS="-fsanitize=fuzzer-no-link,address,undefined -fno-sanitize-recover=undefined" >/dev/null
cmake --build "$build" --target fuzz_stored_rows -j2 >/dev/null
mkdir -p "$build/corpus"
cd "$build"
ASAN_OPTIONS="detect_leaks=1:abort_on_error=1" UBSAN_OPTIONS="print_stacktrace=1:halt_on_error=1" \
    "$build/tests/fuzz_stored_rows" -seed="$seed" -runs="$runs" -max_total_time="$secs" -timeout=20 \
    -rss_limit_mb=4096 -print_final_stats=1 \
    "$build/corpus" "$src/tests/fuzz/corpus"
