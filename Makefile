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

.PHONY: venv test unit integration molecule demo clean

venv: $(STAMP)

$(STAMP): requirements.txt requirements-dev.txt
	$(PYTHON) -m venv $(VENV)
	$(BIN)/pip install --quiet --disable-pip-version-check --upgrade pip 2>&1 | sed '/^WARNING: Location/d'
	$(BIN)/pip install --quiet --disable-pip-version-check -r requirements-dev.txt 2>&1 | sed '/^WARNING: Location/d'
	$(BIN)/python -c "import ansible_collections.amazon.aws, moto, molecule, pytest"
	touch $@

test: unit integration molecule

unit: venv
	$(BIN)/pytest -q tests/unit

# The module through Ansible against moto servers the tests start (one per xdist worker).
integration: venv
	$(BIN)/pytest -q -n 2 tests/integration

# The role and the playbook: every scenario under extensions/molecule, each with its own moto server.
molecule: venv
	$(BIN)/molecule test --all

demo: venv
	$(BIN)/python tools/demo.py


clean:
	rm -rf $(VENV) .pytest_cache cmk-report build dist
