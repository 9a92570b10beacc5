#!/usr/bin/env bash
# (Re)writes changelogs/changelog.yaml and CHANGELOG.rst for the version in galaxy.yml, from the
# fragments in changelogs/fragments/ and the plugins' docs (new modules, plugins and roles come from
# their version_added). Until that version is tagged, run it again after adding a fragment: the
# release takes the new fragments in. Needs the collection's docs to load (ansible-doc).
#   scripts/changelog-release.sh [--date YYYY-MM-DD]
set -euo pipefail
ROOT="$(cd "$(dirname "$0")/.." && pwd)"
VENV="${VENV:-$ROOT/.venv}"
export PATH="$VENV/bin:$PATH"
cd "$ROOT"
antsibull-changelog lint
antsibull-changelog release --reload-plugins "$@"
# The plugin cache is antsibull-changelog's scratch data, rebuilt by --reload-plugins each time.
rm -f changelogs/.plugin-cache.yaml
antsibull-changelog lint-changelog-yaml changelogs/changelog.yaml
echo "changelog for $(grep '^version:' galaxy.yml | awk '{print $2}') written: CHANGELOG.rst"
