"""`make matrix` covers every ansible-core line from requires_ansible's minimum to the newest, and the Makefile's
list of ansible-test sessions is noxfile.py's."""

from __future__ import annotations

import re
import sys
from importlib.metadata import version

import yaml

from tests.ecosystem.support import ROOT


def nox_lines():
    """noxfile.py's LINES, read as text: importing it would need nox in this venv's path of imports."""
    found = re.search(r"^LINES = \{(.*?)^\}", (ROOT / "noxfile.py").read_text(), re.MULTILINE | re.DOTALL)
    assert found, "no LINES = {...} in noxfile.py"
    entries = re.findall(r'"(\d+\.\d+)": \("[^"]+", "(\d+\.\d+)"\)', found.group(1))
    return {tuple(int(part) for part in line.split(".")): python for line, python in entries}


def test_the_matrix_starts_at_requires_ansible_skips_no_line_and_reaches_2_22():
    runtime = yaml.safe_load((ROOT / "meta" / "runtime.yml").read_text())
    minimum = re.fullmatch(r">=(\d+)\.(\d+)\.\d+", runtime["requires_ansible"])
    assert minimum, runtime["requires_ansible"]
    lines = sorted(nox_lines())
    assert lines[0] == (int(minimum.group(1)), int(minimum.group(2)))
    assert lines == [(2, minor) for minor in range(lines[0][1], lines[-1][1] + 1)]
    assert lines[-1] >= (2, 22)


def test_the_makefile_runs_every_line_of_the_noxfile():
    lines = re.search(r"^LINES\s*:=\s*(.*)$", (ROOT / "Makefile").read_text(), re.MULTILINE).group(1).split()
    assert lines == [f"{major}.{minor}" for major, minor in sorted(nox_lines())]


def test_the_main_venvs_line_runs_on_the_main_venvs_python():
    line = tuple(int(part) for part in version("ansible-core").split(".")[:2])
    assert nox_lines().get(line) == "%d.%d" % sys.version_info[:2]
