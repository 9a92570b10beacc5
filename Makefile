# `make test`: the inner loop, on the working tree and the .venv's ansible-core line (unit, integration, molecule,
# lint gates). `make matrix`: every ansible-core line (noxfile.py, on antsibull-nox) and the release checks. .ci/run
# runs both. CONTRIBUTING.md says what each target needs and what it costs.
PYTHON ?= python3
VENV   ?= .venv
BIN    := $(VENV)/bin
STAMP  := $(VENV)/.installed
SHELL := /bin/bash
.SHELLFLAGS := -o pipefail -ec
export PATH := $(abspath $(BIN)):$(PATH)
export ANSIBLE_COLLECTIONS_PATH := $(abspath collections)
export ANSIBLE_CONFIG := $(abspath ansible.cfg)
# Nothing lasting is written outside the checkout and its venvs: caches and Ansible's home live in .cache/.
# Temporary files go where the system keeps them (ansible-test must test a copy outside this git checkout).
CACHE := $(abspath .cache)
export ANSIBLE_HOME := $(CACHE)/ansible
# Where a local connection's module files go (Ansible's remote_tmp does not follow ANSIBLE_HOME).
export ANSIBLE_REMOTE_TMP := $(CACHE)/ansible/tmp
export XDG_CACHE_HOME := $(CACHE)/xdg
export PIP_CACHE_DIR := $(CACHE)/pip
export UV_CACHE_DIR := $(CACHE)/uv
# ansible.cfg's collections_path: the checkout as cmkops.atlassian_cmk, through a link that `make` makes
# (never committed: ansible-test's symlinks test refuses a directory link in the collection).
LINK   := collections/ansible_collections/cmkops/atlassian_cmk
# Each test target ends with what it cost: "== <target>: <seconds> s" (CONTRIBUTING.md's table comes from these).
TIMED   = start=$$SECONDS; trap 'echo "== $@: $$((SECONDS - start)) s"' EXIT;
# The ansible-core lines of noxfile.py's LINES, each an ansible-test session.
LINES  := 2.17 2.18 2.19 2.20 2.21 2.22
NOX    := $(BIN)/nox --envdir $(CACHE)/nox

.PHONY: venv test unit integration molecule lint matrix pythons $(LINES:%=ansible-test-%) integration-newest guard \
        release ee changelog demo bench clean

venv: $(STAMP) $(LINK)

$(LINK):
	mkdir -p $(dir $@)
	ln -sfn ../../.. $@

# uv installs what pip would, several times faster; pip only installs uv.
$(STAMP): requirements.txt requirements-dev.txt
	$(TIMED) $(PYTHON) -m venv $(VENV) && \
	  $(BIN)/pip install --quiet --disable-pip-version-check uv==0.13.* 2>&1 | sed '/^WARNING: Location/d' && \
	  $(BIN)/uv pip install --quiet --python $(BIN)/python -r requirements-dev.txt && \
	  $(BIN)/python -c "import ansible_collections.amazon.aws, moto, molecule, pytest, nox, antsibull_nox" && \
	  touch $@

# The unit tests first (seconds); then integration (two pytest workers), molecule and lint side by side.
test: unit
	$(MAKE) -j2 --output-sync=target integration molecule lint

unit: venv
	$(TIMED) $(BIN)/pytest -q tests/unit tests/harness

# The module through Ansible against moto servers the tests start (one per xdist worker).
integration: venv
	$(TIMED) $(BIN)/pytest -q -n 2 tests/integration

# The role and the playbooks: every scenario under extensions/molecule, each with its own moto server.
molecule: venv
	$(TIMED) $(BIN)/molecule test --all

# The changelog fragments, ansible-lint's production profile (.ansible-lint) and antsibull-docs: every plugin's and
# role's docs load, their markup is valid, and each reference names something that exists. antsibull-docs copies
# amazon.aws with `git ls-files` when it sits in a git work tree; the ceiling keeps git from taking the .venv's copy
# for part of this checkout. Its log (antsibull.log) goes to a HOME in .cache/.
# flake8 runs with galaxy-importer's own options (W503 and W504 both on), so what the import in `make release`
# would refuse fails here first.
lint: venv
	$(TIMED) $(BIN)/antsibull-changelog lint && $(BIN)/ansible-lint && \
	  $(BIN)/flake8 --isolated --extend-ignore E402 --select E,F,W --max-line-length 160 plugins && \
	  mkdir -p $(CACHE)/home && \
	  env -u ANSIBLE_COLLECTIONS_PATH -u ANSIBLE_CONFIG GIT_CEILING_DIRECTORIES=$(abspath $(VENV)) HOME=$(CACHE)/home \
	  $(BIN)/antsibull-docs lint-collection-docs --plugin-docs --validate-collection-refs dependent \
	  --disallow-unknown-collection-refs .

# The integration tests on the newest line (the longest session, so it starts first) beside every line's
# ansible-test sanity and units and the guard's rulebook (tests/guard, ansible-rulebook on the newest line), two
# sessions at a time; each result is reported, even when another fails. Then the release checks. A missing Python
# fails first, saying how to get it.
matrix: pythons
	$(MAKE) -j2 --keep-going --output-sync=target integration-newest $(LINES:%=ansible-test-%) guard
	$(MAKE) release

pythons: venv
	$(NOX) -s pythons

$(LINES:%=ansible-test-%) integration-newest guard: pythons
	$(TIMED) $(NOX) -s $@

# What Galaxy, Automation Hub and AWX see: galaxy-importer on the built tarball (noxfile.py), and tests/ecosystem
# (the tarball's listing and install, ansible-doc, module_defaults, the changelog, the EE, the AWX objects).
release: venv
	$(TIMED) $(NOX) -s build-import-check && $(BIN)/pytest -q tests/ecosystem

# The EE build context; `ansible-builder build` needs podman or docker.
ee: venv
	$(BIN)/ansible-galaxy collection build --force --output-path dist
	$(BIN)/ansible-builder create -f execution-environment.yml -c build/ee --output-filename Containerfile

# Releasing: writes changelogs/changelog.yaml and CHANGELOG.rst for galaxy.yml's version from the fragments and the
# plugins' version_added (make changelog DATE=YYYY-MM-DD).
changelog: venv
	$(BIN)/antsibull-changelog lint
	$(BIN)/antsibull-changelog release --reload-plugins $(if $(DATE),--date $(DATE))
	rm -f changelogs/.plugin-cache.yaml
	$(BIN)/antsibull-changelog lint-changelog-yaml changelogs/changelog.yaml

# Side by side with amazon.aws.kms_key, and the fleet at scale as AWX runs it, on local moto servers; rewrites
# BENCHMARKS.md and docs/awx.md's capacity table (about 40 min on 2 cores; the scale part stops at its budget).
bench: venv
	BENCH_COMMAND="make bench" $(BIN)/python benchmarks/run.py --out BENCHMARKS.md

demo: venv
	$(BIN)/python tools/demo.py

clean:
	rm -rf $(VENV) .cache .pytest_cache cmk-report build dist
