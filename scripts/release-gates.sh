#!/usr/bin/env bash
# The checks that Galaxy, Automation Hub and the Ansible community's inclusion review run, with their
# own tools, on one Ansible line (the venv VENV, default .venv; `make newest` runs them on .venv-newest):
#
#   1. ansible-lint, production profile (.ansible-lint), on the checkout;
#   2. antsibull-docs lint-collection-docs --plugin-docs: every plugin's and role's docs load, their
#      markup is valid, and each reference (M(), O(), seealso) to this collection, its dependencies or
#      ansible.builtin names something that exists (a reference to any other collection fails);
#   3. galaxy-importer on the tarball `ansible-galaxy collection build` makes, as Galaxy imports it,
#      with its version-1.0.0-or-greater, required-tags and flake8 checks on. Its ansible-test step is
#      off: it runs ansible-test in a container (docker or podman), and this machine has neither;
#      `make sanity` runs ansible-test sanity and units instead, on ansible-core 2.17 to 2.21.
#      The run fails on any ERROR or WARNING line in the importer's log.
#
#   VENV=.venv scripts/release-gates.sh
set -euo pipefail

ROOT="$(cd "$(dirname "$0")/.." && pwd)"
VENV="$(cd "${VENV:-$ROOT/.venv}" && pwd -P)"
export PATH="$VENV/bin:$PATH"
cd "$ROOT"
[ -e collections/ansible_collections/cmkops/atlassian_cmk ] || { echo "no collections/ link: run 'make venv'" >&2; exit 1; }
TMP="$(mktemp -d "${TMPDIR:-/tmp}/cmkops-gates.XXXXXX")"
trap 'rm -rf "$TMP"' EXIT
LINE="ansible-core $(python -c 'from importlib.metadata import version; print(version("ansible-core"))')"

echo "== ansible-lint ($LINE)"
ANSIBLE_COLLECTIONS_PATH="$ROOT/collections" ANSIBLE_CONFIG="$ROOT/ansible.cfg" ansible-lint

echo "== antsibull-docs lint-collection-docs --plugin-docs ($LINE)"
# antsibull-docs copies the collection and amazon.aws into a temp tree, each with `git ls-files` when it
# sits in a git work tree. The venv's site-packages lie inside this checkout, so the ceiling keeps git
# from taking amazon.aws for a (then empty) part of it. The collection itself is copied as git sees it:
# commit, or at least `git add`, a new file before linting it.
env -u ANSIBLE_COLLECTIONS_PATH -u ANSIBLE_CONFIG GIT_CEILING_DIRECTORIES="$VENV" \
  antsibull-docs lint-collection-docs --plugin-docs --validate-collection-refs dependent \
  --disallow-unknown-collection-refs .

echo "== galaxy-importer on the tarball ($LINE)"
ansible-galaxy collection build --output-path "$TMP/dist" . >/dev/null
TARBALL="$(ls "$TMP"/dist/*.tar.gz)"
(
  cd "$TMP"
  env -u ANSIBLE_COLLECTIONS_PATH -u ANSIBLE_CONFIG \
    GALAXY_IMPORTER_REQUIRE_V1_OR_GREATER=true GALAXY_IMPORTER_CHECK_REQUIRED_TAGS=true \
    GALAXY_IMPORTER_RUN_FLAKE8=true GALAXY_IMPORTER_RUN_ANSIBLE_TEST=false \
    GALAXY_IMPORTER_TMP_ROOT_DIR="$TMP" GALAXY_IMPORTER_ANSIBLE_LOCAL_TMP="$TMP/ansible-tmp" \
    python -m galaxy_importer.main "$TARBALL"
) >"$TMP/importer.log" 2>&1 || { cat "$TMP/importer.log"; echo "galaxy-importer failed on $(basename "$TARBALL")" >&2; exit 1; }
if grep -E '^(ERROR|WARNING)' "$TMP/importer.log"; then
  echo "galaxy-importer: the lines above are in the import log of $(basename "$TARBALL")" >&2
  exit 1
fi
echo "galaxy-importer: $(basename "$TARBALL") imported, no ERROR or WARNING line ($(wc -l <"$TMP/importer.log") log lines)"
