#!/usr/bin/env bash
# Runs `ansible-test sanity` and `units` (scripts/ansible-test.sh) on every ansible-core line that
# meta/runtime.yml's requires_ansible (>=2.17.0) admits, each on a controller Python that line supports, and on
# the git checkout as committed (TREE=git): the files `git ls-files` lists, in a clone placed at
# ansible_collections/cmkops/atlassian_cmk, as the standard GitHub workflow runs it.
#
#   scripts/ansible-test-matrix.sh [line ...]      e.g. scripts/ansible-test-matrix.sh 2.17 2.21
#
# 2.19 runs in the main venv (.venv, Python 3.11). Each other line gets a venv of its own,
# .venv-core-<line>, holding ansible-core only, made with pyenv's newest patch of its Python and rebuilt
# only when its Python or spec changes. amazon.aws (which the import and validate-modules tests load) is
# the one in .venv on every line. A line whose Python is not under pyenv fails the run: CI must cover
# every supported line.
set -euo pipefail

ROOT="$(cd "$(dirname "$0")/.." && pwd)"
MAIN_VENV="$ROOT/.venv"
# line:python. Controller Pythons: 2.17 3.10-3.12, 2.18 3.11-3.13, 2.19 3.11-3.13, 2.20 and 2.21 3.12-3.14.
MATRIX=(2.17:3.12 2.18:3.13 2.19:3.11 2.20:3.12 2.21:3.13)
[ "$#" -gt 0 ] && WANTED=" $* " || WANTED=""
for line in "$@"; do
  [[ " ${MATRIX[*]} " == *" $line:"* ]] || { echo "ansible-core $line is not in the matrix (${MATRIX[*]})" >&2; exit 2; }
done

[ -x "$MAIN_VENV/bin/python" ] || { echo "no $MAIN_VENV: run 'make venv' first" >&2; exit 1; }
SITE="$("$MAIN_VENV/bin/python" -c 'import sysconfig; print(sysconfig.get_paths()["purelib"])')"
export AMAZON_AWS="$SITE/ansible_collections/amazon/aws"

pyenv_python() {  # pyenv_python 3.12 -> the newest 3.12.x interpreter under pyenv
  local root candidate
  command -v pyenv >/dev/null 2>&1 || return 1
  root="$(pyenv root)"
  candidate="$(find "$root/versions" -mindepth 1 -maxdepth 1 -name "$1.*" 2>/dev/null | sort -rV | head -n 1)"
  [ -n "$candidate" ] && [ -x "$candidate/bin/python3" ] && echo "$candidate/bin/python3"
}

line_venv() {  # line_venv 2.17 3.12 -> a venv holding ansible-core 2.17.* on Python 3.12
  local line="$1" python="$2" venv="$ROOT/.venv-core-$1" py want
  py="$(pyenv_python "$python")" || { echo "no Python $python under pyenv for ansible-core $line" >&2; return 1; }
  want="$("$py" -c 'import sys; print(sys.version.split()[0])') ansible-core==$line.*"
  if [ ! -f "$venv/.installed" ] || [ "$(cat "$venv/.installed")" != "$want" ]; then
    rm -rf "$venv"
    "$py" -m venv "$venv"
    "$venv/bin/pip" install --quiet --disable-pip-version-check --upgrade pip 2>&1 | sed '/^WARNING: Location/d' >&2
    "$venv/bin/pip" install --quiet --disable-pip-version-check "ansible-core==$line.*" 2>&1 \
      | sed '/^WARNING: Location/d' >&2
    echo "$want" >"$venv/.installed"
  fi
  echo "$venv"
}

if [ -n "$(git -C "$ROOT" status --porcelain 2>/dev/null)" ]; then
  echo "note: uncommitted changes are not tested here (HEAD is); scripts/ansible-test.sh tests the working tree"
fi

status=0
summary=()
for entry in "${MATRIX[@]}"; do
  line="${entry%%:*}" python="${entry#*:}"
  if [ -n "$WANTED" ] && [[ "$WANTED" != *" $line "* ]]; then continue; fi
  if [ "$line" = 2.19 ]; then
    venv="$MAIN_VENV"
  elif ! venv="$(line_venv "$line" "$python")"; then
    status=1
    summary+=("ansible-core $line / Python $python: FAILED (no venv)")
    continue
  fi
  core="$("$venv/bin/python" -c 'from importlib.metadata import version; print(version("ansible-core"))')"
  echo "==== ansible-core $core, Python $python"
  start=$SECONDS
  if TREE=git VENV="$venv" PYTHON_VERSION="$python" "$ROOT/scripts/ansible-test.sh" all; then
    summary+=("ansible-core $core / Python $python: passed ($((SECONDS - start)) s)")
  else
    status=1
    summary+=("ansible-core $core / Python $python: FAILED ($((SECONDS - start)) s)")
  fi
done
echo "==== ansible-test matrix"
printf '  %s\n' "${summary[@]}"
exit "$status"
