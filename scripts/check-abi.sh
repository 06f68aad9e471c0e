#!/bin/sh
# check-abi.sh BASELINE LIBRARY HEADERS_DIR
#
# Compare a built libcommpolice against the committed ABI baseline
# (abi/libcommpolice-0.MINOR.abi, written by libabigail's abidw from a -g
# build) with abidiff. Any change to what the baseline has fails: abidiff's
# exit bit 8 (incompatible: a removed function or variable) and bit 4 (a
# change: for C that includes a changed parameter, return or struct layout,
# which keeps the symbol name and so is not "incompatible" to abidiff).
# Additions pass (--no-added-syms): 0.MINOR grows until it is released.
# docs/abi-policy.md says when the baseline is refreshed:
#   abidw --headers-dir include/commpolice --drop-private-types --no-show-locs \
#         --out-file abi/libcommpolice-0.MINOR.abi build-dev/lib/libcommpolice.so
set -u
baseline=$1
lib=$2
headers=$3
abidiff=${ABIDIFF:-abidiff}
if ! command -v "$abidiff" >/dev/null 2>&1; then
    echo "SKIP: abidiff not found (apt-get install abigail-tools)"
    exit 77
fi
report=$("$abidiff" --headers-dir2 "$headers" --drop-private-types --no-added-syms "$baseline" "$lib" 2>&1)
rc=$?
if [ $((rc & 1)) -ne 0 ] || [ $((rc & 2)) -ne 0 ]; then
    echo "check-abi: abidiff failed to run (exit $rc):"
    echo "$report"
    exit 1
fi
if [ $((rc & 8)) -ne 0 ] || [ $((rc & 4)) -ne 0 ]; then
    echo "check-abi: INCOMPATIBLE ABI change against $baseline:"
    echo "$report"
    echo "check-abi: undo it, or start a new ABI (raise CPOL_VERSION_MINOR, new SONAME) and refresh the baseline"
    exit 1
fi
echo "check-abi: no change to the ABI of $baseline (additions allowed)"
exit 0
