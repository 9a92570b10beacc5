# Entry points: `make test` (everything CI runs) and `make demo` (keys of the Europe realm on moto).
PYTHON ?= python3
VENV   ?= .venv
BIN    := $(VENV)/bin
STAMP  := $(VENV)/.installed
SHELL := /bin/bash
.SHELLFLAGS := -o pipefail -ec
export PATH := $(abspath $(BIN)):$(PATH)
export ANSIBLE_COLLECTIONS_PATH := $(abspath collections)
export ANSIBLE_CONFIG := $(abspath ansible.cfg)
# ansible.cfg's collections_path: the checkout as cmkops.atlassian_cmk, through a link that `make` makes
# (never committed: ansible-test's symlinks test refuses a directory link in the collection).
LINK   := collections/ansible_collections/cmkops/atlassian_cmk

.PHONY: venv test unit integration molecule lint sanity ecosystem newest ee demo bench clean

venv: $(STAMP) $(LINK)

$(LINK):
	mkdir -p $(dir $@)
	ln -sfn ../../.. $@

$(STAMP): requirements.txt requirements-dev.txt
	$(PYTHON) -m venv $(VENV)
	$(BIN)/pip install --quiet --disable-pip-version-check --upgrade pip 2>&1 | sed '/^WARNING: Location/d'
	$(BIN)/pip install --quiet --disable-pip-version-check -r requirements-dev.txt 2>&1 | sed '/^WARNING: Location/d'
	$(BIN)/python -c "import ansible_collections.amazon.aws, moto, molecule, pytest"
	touch $@

test: unit integration molecule lint sanity ecosystem newest

unit: venv
	$(BIN)/pytest -q tests/unit tests/harness

# The module through Ansible against moto servers the tests start (one per xdist worker).
integration: venv
	$(BIN)/pytest -q -n 2 tests/integration

# The role and the playbook: every scenario under extensions/molecule, each with its own moto server.
molecule: venv
	$(BIN)/molecule test --all

# The changelog fragments, then the release gates (scripts/release-gates.sh): ansible-lint (production
# profile, offline; .ansible-lint), antsibull-docs lint-collection-docs --plugin-docs, and galaxy-importer on
# the built tarball. `make newest` runs the gates again on the newest line.
lint: venv
	$(BIN)/antsibull-changelog lint
	VENV=$(VENV) scripts/release-gates.sh

# ansible-test sanity and units on ansible-core 2.17, 2.18, 2.19, 2.20 and 2.21, each on the git checkout
# placed at ansible_collections/cmkops/atlassian_cmk (scripts/ansible-test-matrix.sh; venvs .venv-core-*).
sanity: venv
	scripts/ansible-test-matrix.sh

# ansible-doc, the tarball, module_defaults, changelog, EE (ansible-builder create), AWX docs.
ecosystem: venv
	$(BIN)/pytest -q tests/ecosystem

# Unit and integration tests on the newest line (ansible 14 / ansible-core 2.21, Python >= 3.12).
newest: $(LINK)
	scripts/newest-ansible.sh

# The EE build context; `ansible-builder build` needs podman or docker.
ee: venv
	$(BIN)/ansible-galaxy collection build --force --output-path dist
	$(BIN)/ansible-builder create -f execution-environment.yml -c build/ee --output-filename Containerfile

# Side by side with amazon.aws.kms_key on local moto servers; rewrites BENCHMARKS.md (about 10-15 min).
bench: venv
	BENCH_COMMAND="make bench" $(BIN)/python benchmarks/run.py --out BENCHMARKS.md

demo: venv
	$(BIN)/python tools/demo.py


clean:
	rm -rf $(VENV) .venv-newest .venv-core-* .pytest_cache cmk-report build dist
