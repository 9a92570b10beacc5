"""realms.py is the one source of the realm list: every copy of it in docs and specs says the same."""

from __future__ import annotations

import json
import re
from pathlib import Path

import yaml

from ansible_collections.cmkops.atlassian_cmk.plugins.module_utils._cmk.realms import REALMS

ROOT = Path(__file__).resolve().parents[2]


def doc_of(path: Path) -> dict:
    return yaml.safe_load(re.search(r'DOCUMENTATION = r"""(.*?)"""', path.read_text(), re.S).group(1))


def test_role_argument_spec_lists_the_realms_in_order():
    specs = yaml.safe_load((ROOT / "roles/realm_keys/meta/argument_specs.yml").read_text())
    assert specs["argument_specs"]["main"]["options"]["atlassian_cmk_realm"]["choices"] == list(REALMS)


def test_realm_regions_filter_docs_list_the_realms_in_order():
    assert doc_of(ROOT / "plugins/filter/realm_regions.py")["options"]["_input"]["choices"] == list(REALMS)


def test_awx_survey_offers_the_realms_in_order():
    survey = json.loads((ROOT / "docs/awx/survey-single-account.json").read_text())
    realm = next(q for q in survey["spec"] if q["variable"] == "atlassian_cmk_realm")
    assert realm["choices"] == list(REALMS)


def test_readme_names_the_realms_in_order():
    text = (ROOT / "README.md").read_text()
    line = next(line for line in text.splitlines() if line.startswith("Realms:"))
    following = text[text.index(line):].split("(", 1)[0]
    assert re.findall(r"`([a-z_]+)`", following) == list(REALMS)
