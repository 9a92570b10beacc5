#!/usr/bin/env bash
# Runs the unit and integration tests and the release gates (scripts/release-gates.sh) on the newest
# Ansible line as well: ansible 14.* (ansible-core 2.21), which needs Python >= 3.12. The main venv
# (.venv) stays on ansible 12 / ansible-core 2.19 and Python 3.11, so `make test` covers both lines.
#
#   scripts/newest-ansible.sh [extra pytest arguments]
#
# The Python is NEWEST_PYTHON if set, else the newest 3.13/3.12 under pyenv, else python3.13 or
# python3.12 on PATH. With none, the script says so and exits 0: that machine cannot run this line.
# The venv (NEWEST_VENV, default .venv-newest) is rebuilt only when this script's package list changes.
set -euo pipefail

ROOT="$(cd "$(dirname "$0")/.." && pwd)"
VENV="${NEWEST_VENV:-$ROOT/.venv-newest}"
ANSIBLE_SPEC="ansible==14.*"
# The collection's needs (requirements.txt) plus the test tools (parliament, for the IAM policy tests, and the
# setuptools whose pkg_resources it imports, which Python 3.12+ venvs lack), never
# requirements-dev.txt: it pins ansible 12.
PACKAGES=("$ANSIBLE_SPEC" "moto[server]==5.2.*" "pytest==9.*" "pytest-xdist==3.*" "parliament==1.6.*" "setuptools<81"
          "ansible-lint==26.*" "antsibull-docs==2.*" "galaxy-importer==0.4.*" "distlib==0.4.*")

find_python() {
  local candidate root
  if [ -n "${NEWEST_PYTHON:-}" ]; then echo "$NEWEST_PYTHON"; return; fi
  if command -v pyenv >/dev/null 2>&1; then
    root="$(pyenv root)"
    candidate="$(find "$root/versions" -mindepth 1 -maxdepth 1 -name '3.1[2-9]*' 2>/dev/null | sort -rV | head -n 1)"
    if [ -n "$candidate" ] && [ -x "$candidate/bin/python3" ]; then echo "$candidate/bin/python3"; return; fi
  fi
  for candidate in python3.14 python3.13 python3.12; do
    if command -v "$candidate" >/dev/null 2>&1; then command -v "$candidate"; return; fi
  done
}

PY="$(find_python || true)"
if [ -z "$PY" ] || ! "$PY" -c 'import sys; sys.exit(sys.version_info < (3, 12))' 2>/dev/null; then
  echo "SKIPPED newest-ansible: no Python >= 3.12 here (set NEWEST_PYTHON, or install one with pyenv);"
  echo "ansible 14 / ansible-core 2.21 needs it. The tests ran on ansible-core 2.19 only."
  exit 0
fi

STAMP="$VENV/.installed"
WANT="$("$PY" -c 'import sys; print(sys.version.split()[0])') ${PACKAGES[*]} $(tr '\n' ' ' <"$ROOT/requirements.txt")"
if [ ! -f "$STAMP" ] || [ "$(cat "$STAMP")" != "$WANT" ]; then
  echo "== creating $VENV with $PY"
  rm -rf "$VENV"
  "$PY" -m venv "$VENV"
  "$VENV/bin/pip" install --quiet --disable-pip-version-check --upgrade pip 2>&1 | sed '/^WARNING: Location/d'
  "$VENV/bin/pip" install --quiet --disable-pip-version-check -r "$ROOT/requirements.txt" "${PACKAGES[@]}" \
    2>&1 | sed '/^WARNING: Location/d'
  "$VENV/bin/python" -c "import ansible_collections.amazon.aws, moto, pytest"
  echo "$WANT" >"$STAMP"
fi

"$VENV/bin/python" - <<'EOF'
import json
import sys
from importlib.metadata import version
from pathlib import Path

import ansible_collections.amazon.aws as amazon_aws

manifest = json.loads((Path(amazon_aws.__path__[0]) / "MANIFEST.json").read_text())
print(f"== newest line: Python {sys.version.split()[0]}, ansible {version('ansible')}, "
      f"ansible-core {version('ansible-core')}, amazon.aws {manifest['collection_info']['version']}")
EOF

cd "$ROOT"
export PATH="$VENV/bin:$PATH"
export ANSIBLE_COLLECTIONS_PATH="$ROOT/collections"
export ANSIBLE_CONFIG="$ROOT/ansible.cfg"
# Two runs: tests/unit and tests/integration each have a top-level conftest.py (no __init__.py), which
# one pytest process would import under the same module name.
status=0
for target in tests/unit tests/integration; do
  [ -d "$target" ] || continue
  echo "== $target on the newest line"
  "$VENV/bin/python" -m pytest -q -p no:cacheprovider -n 2 "$target" "$@" || status=$?
done
# ansible-lint, antsibull-docs and galaxy-importer with this line's ansible-core (awx.awx is not bundled here).
VENV="$VENV" "$ROOT/scripts/release-gates.sh" || status=$?
exit "$status"
