"""`make sanity`'s matrix covers every ansible-core line that requires_ansible admits."""

from __future__ import annotations

import re
import sys
from importlib.metadata import version

import yaml

from tests.ecosystem.support import ROOT

SCRIPT = ROOT / "scripts" / "ansible-test-matrix.sh"


def matrix():
    found = re.search(r"^MATRIX=\(([^)]*)\)", SCRIPT.read_text(), re.MULTILINE)
    assert found, f"no MATRIX=(...) in {SCRIPT}"
    entries = [entry.split(":") for entry in found.group(1).split()]
    return {tuple(int(part) for part in line.split(".")): python for line, python in entries}


def test_the_matrix_starts_at_requires_ansible_and_skips_no_line():
    runtime = yaml.safe_load((ROOT / "meta" / "runtime.yml").read_text())
    minimum = re.fullmatch(r">=(\d+)\.(\d+)\.\d+", runtime["requires_ansible"])
    assert minimum, runtime["requires_ansible"]
    lines = sorted(matrix())
    assert lines[0] == (int(minimum.group(1)), int(minimum.group(2)))
    assert lines == [(2, minor) for minor in range(lines[0][1], lines[-1][1] + 1)]


def test_the_main_venvs_line_runs_on_the_main_venvs_python():
    line = tuple(int(part) for part in version("ansible-core").split(".")[:2])
    assert matrix().get(line) == "%d.%d" % sys.version_info[:2]
