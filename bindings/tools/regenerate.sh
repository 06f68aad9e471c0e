#!/bin/sh
# regenerate.sh: regenerate the committed binding files from the headers
# (bindings/api.json, bindings/python/commpolice/_capi.py,
# bindings/lua/commpolice_lua.c). Run it after changing a public header, then
# review the diff and commit it; CTest's bindings.fresh fails until you do.
#
#   bindings/tools/regenerate.sh          (from anywhere; CLANG=... to choose clang)
set -eu
here=$(cd "$(dirname "$0")" && pwd)
src=$(cd "$here/../.." && pwd)
py=${PYTHON:-python3}
"$py" "$here/extract_api.py" --source-dir "$src" --clang "${CLANG:-clang}" -o "$src/bindings/api.json"
"$py" "$here/gen_python.py" --api "$src/bindings/api.json" -o "$src/bindings/python/commpolice/_capi.py"
"$py" "$here/gen_lua.py" --api "$src/bindings/api.json" -o "$src/bindings/lua/commpolice_lua.c"
