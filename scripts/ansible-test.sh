#!/usr/bin/env bash
# Runs `ansible-test sanity` and/or `ansible-test units` on this collection, offline but for PyPI.
#
#   scripts/ansible-test.sh [sanity|units|all] [extra ansible-test arguments]
#
# ansible-test needs a real .../ansible_collections/cmkops/atlassian_cmk directory (the repo's
# collections/ symlink loops back on itself), so the collection is placed in a temp dir with amazon.aws
# beside it (the import and validate-modules tests load our module's amazon.aws imports). Two trees:
#   TREE=copy (default): the working tree, uncommitted changes included, less caches, venvs and the link;
#   TREE=git: a git clone of HEAD, so ansible-test tests exactly what `git ls-files` lists, as the
#     standard GitHub workflow does (scripts/ansible-test-matrix.sh, `make sanity`).
# Each sanity test and the units run get their own --venv, whose pip bootstrap (get-pip) would be
# downloaded from a host that is not reachable offline: a stand-in under ~/.ansible/test/cache runs pip
# from a wheel fetched from PyPI instead.
#
# Each run installs ansible-test's pinned requirements (pylint, voluptuous, pytest, ...) from PyPI into
# its own venvs, and for units also tests/unit/requirements.txt (the unit tests' own imports).
# Sanity covers the whole tree, development files included.
#
# Environment: VENV (default .venv) is the venv holding ansible-core; PYTHON_VERSION (default: that
# venv's Python) is passed as --python; AMAZON_AWS (default: the one in VENV) is the amazon.aws
# collection directory; TREE is copy or git; KEEP_TMP=1 keeps the temp tree for debugging.
set -euo pipefail

ROOT="$(cd "$(dirname "$0")/.." && pwd)"
VENV="${VENV:-$ROOT/.venv}"
PY="$VENV/bin/python"
WHAT="${1:-all}"
shift || true

TREE="${TREE:-copy}"
case "$TREE" in
  copy|git) ;;
  *) echo "TREE must be copy or git, not '$TREE'" >&2; exit 2 ;;
esac
case "$WHAT" in
  sanity|units|all) ;;
  *) echo "usage: $0 [sanity|units|all] [ansible-test args...]" >&2; exit 2 ;;
esac

[ -x "$PY" ] || { echo "no Python at $PY: run 'make venv' first" >&2; exit 1; }
PYTHON_VERSION="${PYTHON_VERSION:-$("$PY" -c 'import sys; print("%d.%d" % sys.version_info[:2])')}"
SITE="$("$PY" -c 'import sysconfig; print(sysconfig.get_paths()["purelib"])')"
AMAZON_AWS="${AMAZON_AWS:-$SITE/ansible_collections/amazon/aws}"
[ -d "$AMAZON_AWS" ] || { echo "amazon.aws not found at $AMAZON_AWS (install the 'ansible' package)" >&2; exit 1; }

# --- the get-pip stand-in -------------------------------------------------------------------------
# ansible-test looks for ~/.ansible/test/cache/get_pip_<ver>.py before downloading it; <ver> is the
# pip version this ansible-test pins for its venvs.
PIP_VERSION="$("$PY" - <<'EOF'
from types import SimpleNamespace
from ansible_test._internal.python_requirements import get_venv_packages
print(get_venv_packages(SimpleNamespace(version="3"))["pip"])
EOF
)"
CACHE="$HOME/.ansible/test/cache"
GET_PIP="$CACHE/get_pip_${PIP_VERSION//./_}.py"
WHEEL="$CACHE/pip-$PIP_VERSION-py3-none-any.whl"
mkdir -p "$CACHE"
if [ ! -f "$WHEEL" ]; then
  "$PY" -m pip download --quiet --disable-pip-version-check --no-deps --only-binary=:all: \
    -d "$CACHE" "pip==$PIP_VERSION"
fi
if ! grep -q "cmkops stand-in" "$GET_PIP" 2>/dev/null; then
  cat >"$GET_PIP" <<EOF
# cmkops stand-in for get-pip.py $PIP_VERSION (written by scripts/ansible-test.sh).
# Like get-pip.py it runs 'pip install' with the given arguments, with pip itself imported from
# a wheel fetched from PyPI, and installs pip from that same wheel instead of from an index.
import os
import runpy
import sys

WHEEL = os.path.join(os.path.dirname(os.path.abspath(__file__)), "pip-$PIP_VERSION-py3-none-any.whl")
sys.path.insert(0, WHEEL)
args = [a for a in sys.argv[1:] if a not in ("--no-setuptools", "--no-wheel")]
args = [WHEEL if a.replace(" ", "") == "pip==$PIP_VERSION" else a for a in args]
sys.argv = ["pip", "install", "--upgrade", "--force-reinstall"] + args
runpy.run_module("pip", run_name="__main__", alter_sys=True)
EOF
fi

# --- the collection tree --------------------------------------------------------------------------
TMP="$(mktemp -d "${TMPDIR:-/tmp}/cmkops-ansible-test.XXXXXX")"
if [ "${KEEP_TMP:-0}" = 1 ]; then echo "temp tree kept: $TMP"; else trap 'rm -rf "$TMP"' EXIT; fi
DEST="$TMP/ansible_collections/cmkops/atlassian_cmk"
mkdir -p "$DEST" "$TMP/ansible_collections/amazon"
if [ "$TREE" = git ]; then
  # HEAD as committed; ansible-test then tests the files git lists.
  git -C "$DEST" init --quiet
  git -C "$DEST" fetch --quiet "$ROOT" HEAD
  git -C "$DEST" checkout --quiet --detach FETCH_HEAD
else
  # Without .git, ansible-test tests every file it finds: the working tree less development leftovers.
  # Caches at any depth; the rest from the top of the tree only (--anchored).
  EXCLUDES=(--no-anchored --exclude=.pytest_cache --exclude=__pycache__ --exclude='*.pyc' --exclude=.mypy_cache
            --exclude=.ruff_cache --anchored --exclude=./collections --exclude=./.git --exclude='./.venv*'
            --exclude=./.ansible --exclude=./.cache --exclude=./tests/output --exclude=./build --exclude=./dist
            --exclude=./cmk-report --exclude=./benchmarks/results)
  tar -C "$ROOT" -cf - "${EXCLUDES[@]}" . | tar -C "$DEST" -xf -
fi
cp -a "$AMAZON_AWS" "$TMP/ansible_collections/amazon/aws"

export PATH="$VENV/bin:$PATH"
unset ANSIBLE_COLLECTIONS_PATH ANSIBLE_CONFIG
cd "$DEST"

status=0
if [ "$WHAT" = sanity ] || [ "$WHAT" = all ]; then
  echo "== ansible-test sanity --python $PYTHON_VERSION --venv"
  ansible-test sanity --python "$PYTHON_VERSION" --venv --color no "$@" || status=$?
fi
if [ "$WHAT" = units ] || [ "$WHAT" = all ]; then
  echo "== ansible-test units --python $PYTHON_VERSION --venv"
  ansible-test units --python "$PYTHON_VERSION" --venv --color no "$@" || status=$?
fi
exit "$status"
