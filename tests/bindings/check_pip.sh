#!/bin/sh
# check_pip.sh SOURCE_DIR BUILD_PY_DIR LIBRARY [PYTHON]
#
# bindings.pip: `pip install --no-build-isolation` of bindings/python works
# offline (setuptools from Debian's python3-setuptools, no network: --no-index).
# A copy of the package is installed (an in-tree build would write build/
# and *.egg-info into the source tree), with the _capi.py of this build.
# Exit 77 (skipped) when no interpreter has pip, setuptools and wheel.
set -eu
src=$1 pybuild=$2 lib=$3 first=${4-}
py=""
for cand in "$first" python3 /usr/bin/python3; do
    [ -n "$cand" ] || continue
    if "$cand" -c 'import setuptools, wheel' >/dev/null 2>&1 && "$cand" -m pip --version >/dev/null 2>&1; then
        py=$cand
        break
    fi
done
if [ -z "$py" ]; then
    echo "bindings.pip: no python3 with pip, setuptools and wheel (apt-get install python3-pip python3-setuptools python3-wheel): skipped"
    exit 77
fi
tmp=$(mktemp -d "${TMPDIR:-/tmp}/cpol-bind-pip.XXXXXX")
trap 'rm -rf "$tmp"' EXIT INT TERM
mkdir "$tmp/src"
cp -R "$src/bindings/python/." "$tmp/src/"
rm -rf "$tmp/src/build" "$tmp/src"/*.egg-info "$tmp/src/commpolice/__pycache__" "$tmp/src/commpolice/_build_config.py"
cp "$pybuild/commpolice/_capi.py" "$tmp/src/commpolice/_capi.py"
unset PYTHONPATH || true
PIP_NO_INDEX=1 PIP_DISABLE_PIP_VERSION_CHECK=1 "$py" -m pip install --no-build-isolation --no-index --no-deps \
    --target "$tmp/site" "$tmp/src" >"$tmp/pip.log" 2>&1 || { cat "$tmp/pip.log"; exit 1; }
cd "$tmp"
COMMPOLICE_LIBRARY=$lib PYTHONPATH="$tmp/site" PYTHONDONTWRITEBYTECODE=1 "$py" -c '
import sys, commpolice
assert commpolice.__file__.startswith(sys.argv[1]), commpolice.__file__
with commpolice.open("memory:", key=bytes(range(32)), key_id="pip-test") as ctx:
    assert ctx.backend() == "memory"
print("pip-installed", commpolice.__file__, "with", commpolice.library_path())
' "$tmp/site"
echo "bindings.pip: OK ($py)"
