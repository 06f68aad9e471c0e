#!/bin/sh
# The ABI guard can fail: two tiny libraries, the second with a changed
# function signature and a reordered struct, must be reported incompatible
# by scripts/check-abi.sh, and an identical one must pass.
set -eu
src=$1
cc=${2:-cc}
dir=$(mktemp -d)
trap 'rm -rf "$dir"' EXIT
mkdir "$dir/h1" "$dir/h2" "$dir/h3"
cat > "$dir/h1/api.h" <<'H'
typedef struct opts { unsigned int version; int flags; } opts;
int api_open(const opts *o, int mode);
H
cat > "$dir/h2/api.h" <<'H'
typedef struct opts { unsigned int version; long flags; int extra; } opts;
int api_open(const opts *o, long mode, int more);
H
cat > "$dir/h3/api.h" <<'H'
typedef struct opts { unsigned int version; int flags; } opts;
int api_open(const opts *o, int mode);
int api_close(int handle);
H
printf '#include "api.h"\nint api_open(const opts *o, int mode) { return o->flags + mode; }\n' > "$dir/a1.c"
printf '#include "api.h"\nint api_open(const opts *o, int mode) { return o->flags + mode; }\nint api_close(int h) { return h; }\n' > "$dir/a3.c"
printf '#include "api.h"\nint api_open(const opts *o, long mode, int more) { return (int)(o->flags + mode) + more; }\n' > "$dir/a2.c"
"$cc" -g -shared -fPIC -I"$dir/h1" -o "$dir/lib1.so" "$dir/a1.c"
"$cc" -g -shared -fPIC -I"$dir/h2" -o "$dir/lib2.so" "$dir/a2.c"
"$cc" -g -shared -fPIC -I"$dir/h3" -o "$dir/lib3.so" "$dir/a3.c"
abidw --headers-dir "$dir/h1" --drop-private-types --no-show-locs --out-file "$dir/base.abi" "$dir/lib1.so"
sh "$src/scripts/check-abi.sh" "$dir/base.abi" "$dir/lib1.so" "$dir/h1" > "$dir/same.out"
sh "$src/scripts/check-abi.sh" "$dir/base.abi" "$dir/lib3.so" "$dir/h3" > "$dir/added.out"
if sh "$src/scripts/check-abi.sh" "$dir/base.abi" "$dir/lib2.so" "$dir/h2" > "$dir/changed.out"; then
    echo "FAIL: an incompatible change passed the ABI guard"
    cat "$dir/changed.out"
    exit 1
fi
grep -q "INCOMPATIBLE" "$dir/changed.out"
echo "ok: an identical ABI and an added function pass, a changed signature and struct are refused"
