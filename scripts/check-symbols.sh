#!/bin/sh
# check-symbols.sh SOURCE_DIR [SHARED_LIBRARY]
#
# The exported ABI is written down three times; this check keeps them equal:
#   (a) the CPOL_API function declarations in include/commpolice/**/*.h
#       == the names in the linker version script lib/commpolice.map
#       (explicit names only: no wildcard in any global: section);
#   (b) == the symbols the built shared library exports
#       (nm -D --defined-only), each in the version node the map gives it;
#   (c) the library's SONAME is libcommpolice.so.0.MINOR while the major
#       version is 0, libcommpolice.so.MAJOR from 1.0 on.
# Without SHARED_LIBRARY only (a) is checked.
# Registered as the CTest test abi.symbols.
set -eu

if [ $# -lt 1 ] || [ $# -gt 2 ]; then
    echo "usage: $0 SOURCE_DIR [SHARED_LIBRARY]" >&2
    exit 2
fi
src=$1
lib=${2-}
map="$src/lib/commpolice.map"
inc="$src/include/commpolice"

tmp=$(mktemp -d "${TMPDIR:-/tmp}/cpol-symbols.XXXXXX")
trap 'rm -rf "$tmp"' EXIT INT TERM
fail=0

# Print the two sorted lists' differences with labels; return 1 if they differ.
compare() { # compare LEFT_FILE LEFT_LABEL RIGHT_FILE RIGHT_LABEL
    only_left=$(LC_ALL=C comm -23 "$1" "$3")
    only_right=$(LC_ALL=C comm -13 "$1" "$3")
    [ -z "$only_left" ] && [ -z "$only_right" ] && return 0
    if [ -n "$only_left" ]; then
        echo "  in $2 but not in $4:"
        printf '%s\n' "$only_left" | sed 's/^/    - /'
    fi
    if [ -n "$only_right" ]; then
        echo "  in $4 but not in $2:"
        printf '%s\n' "$only_right" | sed 's/^/    + /'
    fi
    return 1
}

# ---- (a) headers ------------------------------------------------------------------
# A declaration starts with CPOL_API at the start of a line and may wrap; the
# function name is the identifier right before the first '('.
find "$inc" -name '*.h' | LC_ALL=C sort | while IFS= read -r h; do
    awk -v file="$h" '
        function flush(   s) {
            s = decl
            sub(/\(.*/, "", s)
            if (match(s, /[A-Za-z_][A-Za-z0-9_]*[ \t]*$/)) {
                s = substr(s, RSTART, RLENGTH); gsub(/[ \t]/, "", s); print s
            } else {
                printf "%s: cannot find the function name in: %s\n", file, decl > "/dev/stderr"
                bad = 1
            }
            decl = ""; collecting = 0
        }
        collecting { decl = decl " " $0; if (index($0, "(")) flush(); next }
        /^[ \t]*CPOL_API[ \t]/ { decl = $0; collecting = 1; if (index($0, "(")) flush() }
        END { if (collecting) { printf "%s: unterminated CPOL_API declaration\n", file > "/dev/stderr"; bad = 1 }
              exit bad }
    ' "$h" || { echo "FAIL: cannot parse $h" >&2; exit 1; }
done > "$tmp/headers.raw"
LC_ALL=C sort "$tmp/headers.raw" > "$tmp/headers"
LC_ALL=C sort -u "$tmp/headers.raw" > "$tmp/headers.uniq"
if ! cmp -s "$tmp/headers" "$tmp/headers.uniq"; then
    echo "FAIL: functions declared CPOL_API more than once:"
    LC_ALL=C uniq -d "$tmp/headers" | sed 's/^/    /'
    fail=1
fi

# ---- (a) version script ---------------------------------------------------------------
# Output: "NAME NODE" for each global name; wildcards are reported.
sed -e 's@/\*.*\*/@@g' "$map" | awk '
    BEGIN { incomment = 0 }
    {
        line = $0
        # multi-line /* ... */ comments
        if (incomment) { if (sub(/.*\*\//, "", line)) incomment = 0; else next }
        if (sub(/\/\*.*/, "", line)) incomment = 1
        gsub(/;/, " ; ", line); gsub(/\{/, " { ", line); gsub(/\}/, " } ", line)
        n = split(line, t, /[ \t]+/)
        for (i = 1; i <= n; i++) {
            tok = t[i]
            if (tok == "") continue
            if (tok == "{") { depth++; if (depth == 1) { node = prev; section = "global" } continue }
            if (tok == "}") { depth--; section = ""; continue }
            if (tok == "global:") { section = "global"; continue }
            if (tok == "local:") { section = "local"; continue }
            if (tok == ";") { prev = ""; continue }
            if (depth == 1 && section == "global") {
                if (tok ~ /[*?\[]/) { printf "WILDCARD %s %s\n", tok, node } else printf "%s %s\n", tok, node
            }
            prev = tok
        }
    }' > "$tmp/map.pairs"
if grep -q '^WILDCARD ' "$tmp/map.pairs"; then
    echo "FAIL: wildcards in a global: section of $map (list every name explicitly):"
    grep '^WILDCARD ' "$tmp/map.pairs" | sed 's/^WILDCARD /    /'
    fail=1
fi
grep -v '^WILDCARD ' "$tmp/map.pairs" | awk '{print $1}' | LC_ALL=C sort > "$tmp/map.raw"
LC_ALL=C sort -u "$tmp/map.raw" > "$tmp/map"
if ! cmp -s "$tmp/map.raw" "$tmp/map"; then
    echo "FAIL: names listed more than once in $map:"
    LC_ALL=C uniq -d "$tmp/map.raw" | sed 's/^/    /'
    fail=1
fi

if [ ! -s "$tmp/headers.uniq" ]; then
    echo "FAIL: no CPOL_API declarations found under $inc"
    fail=1
fi
echo "headers: $(wc -l < "$tmp/headers.uniq") CPOL_API functions; map: $(wc -l < "$tmp/map") names"
if compare "$tmp/headers.uniq" "the headers (CPOL_API)" "$tmp/map" "lib/commpolice.map" > "$tmp/diff"; then
    echo "ok: headers == lib/commpolice.map"
else
    echo "FAIL: the CPOL_API declarations and lib/commpolice.map differ"
    cat "$tmp/diff"
    echo "  (add new functions to the map node of the release that introduces them)"
    fail=1
fi

# ---- (b) exported symbols ----------------------------------------------------------
if [ -n "$lib" ]; then
    if [ ! -f "$lib" ]; then
        echo "FAIL: shared library $lib does not exist"
        exit 1
    fi
    awk '{print $2}' "$tmp/map.pairs" | LC_ALL=C sort -u > "$tmp/nodes"
    # nm prints "ADDR TYPE NAME[@[@]VERSION]"; the version nodes themselves
    # appear as absolute (A) symbols.
    nm -D --defined-only "$lib" > "$tmp/nm.out"
    awk 'NR == FNR { node[$1] = 1; next }
         { type = $(NF-1); name = $NF
           if (type == "A" && (name in node)) next
           ver = ""
           if (i = index(name, "@")) { ver = substr(name, i); name = substr(name, 1, i - 1); gsub(/@/, "", ver) }
           print name, ver }' "$tmp/nodes" "$tmp/nm.out" > "$tmp/exported.pairs"
    awk '{print $1}' "$tmp/exported.pairs" | LC_ALL=C sort -u > "$tmp/exported"
    echo "library: $(wc -l < "$tmp/exported") exported symbols in $lib"
    if compare "$tmp/map" "lib/commpolice.map" "$tmp/exported" "the library's dynamic symbols (nm -D)" > "$tmp/diff"; then
        echo "ok: lib/commpolice.map == exported symbols"
    else
        echo "FAIL: the library does not export exactly the names of lib/commpolice.map"
        cat "$tmp/diff"
        echo "  (missing: the function is not defined or not CPOL_API; extra: something"
        echo "   escaped the version script, e.g. a symbol from a statically linked dependency)"
        fail=1
    fi
    # Each symbol must carry the version node the map puts it in.
    LC_ALL=C sort "$tmp/map.pairs" > "$tmp/map.pairs.sorted"
    LC_ALL=C sort "$tmp/exported.pairs" > "$tmp/exported.pairs.sorted"
    wrongver=$(LC_ALL=C join "$tmp/map.pairs.sorted" "$tmp/exported.pairs.sorted" | awk 'NF == 2 { print "    " $1 ": map node " $2 ", but the library symbol has no version" }
               NF == 3 && $2 != $3 { print "    " $1 ": map node " $2 ", library node " $3 }')
    if [ -n "$wrongver" ]; then
        echo "FAIL: symbols in the wrong version node:"
        printf '%s\n' "$wrongver"
        fail=1
    fi

    # ---- (c) SONAME ----------------------------------------------------------------
    ver_h="$inc/version.h"
    major=$(sed -n 's/^#define[ \t]*CPOL_VERSION_MAJOR[ \t]*\([0-9][0-9]*\).*/\1/p' "$ver_h")
    minor=$(sed -n 's/^#define[ \t]*CPOL_VERSION_MINOR[ \t]*\([0-9][0-9]*\).*/\1/p' "$ver_h")
    if [ "$major" = 0 ]; then want="libcommpolice.so.0.$minor"; else want="libcommpolice.so.$major"; fi
    soname=$(readelf -d "$lib" | sed -n 's/.*Library soname: \[\(.*\)\].*/\1/p')
    if [ "$soname" = "$want" ]; then
        echo "ok: SONAME $soname"
    else
        echo "FAIL: SONAME is '${soname:-<none>}', expected '$want' (from include/commpolice/version.h)"
        fail=1
    fi
fi

if [ "$fail" -ne 0 ]; then
    echo "abi.symbols: FAILED"
    exit 1
fi
echo "abi.symbols: passed"
