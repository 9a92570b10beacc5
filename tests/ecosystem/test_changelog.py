"""changelogs/ is kept with antsibull-changelog: fragments lint clean, and the first release is generated."""

from __future__ import annotations

import shutil

import yaml

from tests.ecosystem.support import FIRST_RELEASE, ROOT, VERSION, clean_env, run, tool

CHANGES = ROOT / "changelogs" / "changelog.yaml"


def test_fragments_and_config_lint_clean():
    proc = run([tool("antsibull-changelog"), "lint"], env=clean_env())
    assert not proc.stdout.strip() and not proc.stderr.strip(), proc.stdout + proc.stderr


def test_changelog_yaml_lints_clean():
    proc = run([tool("antsibull-changelog"), "lint-changelog-yaml", str(CHANGES)], env=clean_env())
    assert not proc.stdout.strip(), proc.stdout


def test_galaxy_version_is_released_with_its_fragments():
    releases = yaml.safe_load(CHANGES.read_text())["releases"]
    release = releases[VERSION]
    assert release["changes"]["release_summary"]
    assert release["fragments"], "the release records the fragments it was made from"
    earlier = {f for version, r in releases.items() if version != VERSION for f in r.get("fragments", [])}
    unreleased = sorted(p.name for p in (ROOT / "changelogs" / "fragments").glob("*.yml")
                        if p.name not in earlier and p.name not in release["fragments"])
    assert not unreleased, f"run make changelog: {unreleased} are in no release"
    for fragment in release["fragments"]:
        assert (ROOT / "changelogs" / "fragments" / fragment).is_file(), f"{fragment}: kept (keep_fragments)"


def test_first_release_lists_the_collections_content():
    release = yaml.safe_load(CHANGES.read_text())["releases"][FIRST_RELEASE]
    assert "atlassian_cmk_key" in [m["name"] for m in release["modules"]]
    assert "realm_regions" in [p["name"] for p in release["plugins"]["filter"]]
    assert "realm_keys" in [r["name"] for r in release.get("objects", {}).get("role", [])], (
        "the role is listed as new once its argument_specs say version_added")
    for fragment in release["fragments"]:
        assert (ROOT / "changelogs" / "fragments" / fragment).is_file(), f"{fragment}: kept (keep_fragments)"


def test_changelog_rst_is_generated_from_changelog_yaml(tmp_path):
    shutil.copytree(ROOT / "changelogs", tmp_path / "changelogs")
    shutil.copy(ROOT / "galaxy.yml", tmp_path / "galaxy.yml")
    run([tool("antsibull-changelog"), "generate"], env=clean_env(), cwd=tmp_path)
    assert (tmp_path / "CHANGELOG.rst").read_text() == (ROOT / "CHANGELOG.rst").read_text(), (
        "CHANGELOG.rst is stale: run scripts/changelog-release.sh")
