"""ansible-lint's exceptions stay the ones .ansible-lint justifies: one inline rule, and the mocks of the AWX and
Automation Platform modules the docs use."""

from __future__ import annotations

import re

import yaml

from tests.ecosystem.support import ROOT

NOQA = re.compile(r"#\s*noqa\b:?\s*([^\s(]*)")
SKIPPED = {"collections", "build", "dist", "cmk-report"}


def yaml_files():
    for path in sorted(ROOT.rglob("*.y*ml")):
        parts = path.relative_to(ROOT).parts
        if not (parts[0] in SKIPPED or any(p.startswith(".") for p in parts)):
            yield path


def test_the_only_inline_suppression_is_the_role_prefix_one():
    found = {}
    for path in yaml_files():
        for number, line in enumerate(path.read_text().splitlines(), 1):
            for rule in NOQA.findall(line):
                found[f"{path.relative_to(ROOT)}:{number}"] = rule
    assert found, "the role's variables carry noqa comments: the scan must see them"
    assert {where: rule for where, rule in found.items() if rule != "var-naming[no-role-prefix]"} == {}


def test_every_role_prefix_suppression_names_a_collection_prefixed_variable():
    for path in yaml_files():
        for number, line in enumerate(path.read_text().splitlines(), 1):
            if "noqa: var-naming[no-role-prefix]" in line:
                assert "atlassian_cmk_" in line, f"{path.relative_to(ROOT)}:{number}: {line.strip()}"


def test_mocked_modules_are_the_awx_and_platform_modules_the_docs_use():
    mocked = set(yaml.safe_load((ROOT / ".ansible-lint").read_text())["mock_modules"])
    module = re.compile(r"^\s*-?\s*((?:awx\.awx|ansible\.controller|ansible\.platform)\.[a-z_]+):", re.M)
    used = {m for path in (ROOT / "docs").rglob("*.yml") for m in module.findall(path.read_text())}
    assert mocked == used
