"""The release tarball: what users need and nothing else, and it works once installed.

`installed` (conftest.py) installs the tarball into an empty collections path with amazon.aws as a
second path, no checkout and no site-packages scan: the playbook, the role and the module must all
come from that installed copy.
"""

from __future__ import annotations

import fnmatch
import os
import shutil
import tarfile
from pathlib import Path

import boto3
import pytest

from tests.ecosystem.support import (MODULE, ORG_PATH, ROOT, TARBALL_NAME, changed_count, clean_env,
                                     repo_env, run, run_playbook, task_results, tool)

# Every file the tarball may hold (galaxy.yml's manifest allow-list); anything else fails the test.
ALLOWED = ["MANIFEST.json", "FILES.json", "README.md", "LICENSE", "CHANGELOG.rst", "SUPPORT.md", "CONTRIBUTING.md",
           "CODE_OF_CONDUCT.md", "requirements.txt", "meta/runtime.yml", "meta/execution-environment.yml",
           "changelogs/changelog.yaml", "changelogs/config.yaml", "plugins/*/*.py", "plugins/module_utils/_cmk/*.py",
           "roles/realm_keys/README.md", "roles/realm_keys/*/*.yml", "playbooks/*.yml", "docs/*.md", "docs/iam/*.md",
           "docs/iam/*.json", "inventories/*.yml", "extensions/eda/rulebooks/*.yml"]
REQUIRED = ["MANIFEST.json", "FILES.json", "README.md", "LICENSE", "CHANGELOG.rst", "SUPPORT.md", "CONTRIBUTING.md",
            "CODE_OF_CONDUCT.md", "meta/runtime.yml", "meta/execution-environment.yml", "requirements.txt",
            "plugins/modules/atlassian_cmk_key.py", "plugins/module_utils/_cmk/ensure.py",
            "extensions/eda/rulebooks/guard.yml", "playbooks/guard.yml",
            "plugins/filter/realm_regions.py", "roles/realm_keys/meta/argument_specs.yml",
            "roles/realm_keys/meta/main.yml", "roles/realm_keys/tasks/main.yml", "playbooks/site.yml",
            "playbooks/audit.yml", "docs/awx.md", "docs/iam/converge-policy.json", "changelogs/changelog.yaml",
            "CHANGELOG.rst"]
# What a developer's checkout holds besides the collection, at the top and nested: none of it may ship.
DEV_FILES = [
    ".venv/lib/python3/site-packages/x.py", ".venv-newest/bin/python", ".git/HEAD",
    ".pytest_cache/v/cache/nodeids", "plugins/modules/__pycache__/atlassian_cmk_key.cpython-311.pyc",
    "plugins/filter/.mypy_cache/x.py", "plugins/module_utils/_cmk/.mypy_cache/3.11/_cmk/plan.data.json",
    "plugins/filter/.ruff_cache/x.py", "roles/realm_keys/tasks/.cache/x.yml", "roles/realm_keys/tasks/main.yml~",
    "docs/.ansible/x.yml", "docs/iam/converge-policy.json.swp", "docs/awx/controller.yml",
    ".ansible/collections/x", ".cache/x", "benchmarks/results/run.json", "cmk-report/enrollment.md",
    "build/ee/Containerfile", "dist/cmkops-atlassian_cmk-0.0.1.tar.gz", "tests/output/junit/x.xml",
    "cmkops-atlassian_cmk-0.0.9.tar.gz", "notes.txt", "plugins/modules/scratch.sh",
]


def members(tarball: Path):
    """The tarball's files (directories left out: each is the parent of a listed file)."""
    with tarfile.open(tarball) as tar:
        return [m.name[2:] if m.name.startswith("./") else m.name for m in tar.getmembers() if not m.isdir()]


def allowed(name: str) -> bool:
    """name matches an ALLOWED pattern part by part (`*` never spans a `/`), and has no hidden part."""
    parts = name.split("/")
    if any(part.startswith(".") for part in parts):
        return False
    return any(len(pattern.split("/")) == len(parts)
               and all(fnmatch.fnmatchcase(part, want) for part, want in zip(parts, pattern.split("/")))
               for pattern in ALLOWED)


def unexpected(names):
    return sorted(n for n in names if not allowed(n))


def checkout_files():
    """The checkout's files on the allow-list: what the tarball must hold, besides MANIFEST.json and FILES.json."""
    found = []
    for folder, dirs, files in os.walk(ROOT):
        dirs[:] = [d for d in dirs if not d.startswith(".") and d != "collections"]
        found += [str((Path(folder) / f).relative_to(ROOT)) for f in files]
    return sorted(n for n in found if allowed(n))


def test_tarball_holds_the_collection_and_nothing_else(built_tarball):
    names = members(built_tarball)
    assert not unexpected(names), f"not on the allow-list: {unexpected(names)}"
    missing = [n for n in REQUIRED if n not in names]
    assert not missing, f"not in {built_tarball.name}: {missing}"
    assert sorted(set(names) - {"MANIFEST.json", "FILES.json"}) == checkout_files()


def test_allow_list_refuses_development_files():
    """The check above can fail: each development file is off the allow-list."""
    assert unexpected(DEV_FILES) == sorted(DEV_FILES)


def test_build_leaves_out_development_files_of_a_busy_checkout(tmp_path):
    """A checkout with every kind of development file in it, caches nested too, builds the same file list."""
    tree = tmp_path / "checkout"
    shutil.copytree(ROOT, tree, symlinks=True, ignore=shutil.ignore_patterns(
        ".git", ".venv*", "collections", "__pycache__", ".pytest_cache", "build", "dist", ".ansible", ".cache",
        "cmk-report", "results", "output", "*.tar.gz"))
    clean = tmp_path / "clean"
    run([tool("ansible-galaxy"), "collection", "build", "--output-path", str(clean), str(tree)], env=clean_env())
    for name in DEV_FILES:
        path = tree / name
        path.parent.mkdir(parents=True, exist_ok=True)
        path.write_text("development file\n")
    link = tree / "collections" / "ansible_collections" / "cmkops" / "atlassian_cmk"
    link.parent.mkdir(parents=True)
    link.symlink_to("../../..", target_is_directory=True)
    out = tmp_path / "out"
    run([tool("ansible-galaxy"), "collection", "build", "--output-path", str(out), str(tree)], env=clean_env())
    names = members(out / TARBALL_NAME)
    assert not unexpected(names), unexpected(names)
    assert sorted(names) == sorted(members(clean / TARBALL_NAME))


def test_a_checkout_inside_a_hidden_folder_builds_every_file(tmp_path, built_tarball):
    """As `ansible-galaxy collection install git+...` builds it, in ~/.ansible/tmp: a hidden folder above the
    collection leaves nothing out."""
    tree = tmp_path / ".hidden" / "checkout"
    shutil.copytree(ROOT, tree, ignore=shutil.ignore_patterns(
        ".git", ".venv*", "collections", "__pycache__", ".pytest_cache", "build", "dist", ".ansible", ".cache",
        "cmk-report", "results", "output", "*.tar.gz"))
    out = tmp_path / "out"
    run([tool("ansible-galaxy"), "collection", "build", "--output-path", str(out), str(tree)], env=clean_env())
    assert sorted(members(out / TARBALL_NAME)) == sorted(members(built_tarball))


def test_installed_collection_is_the_one_ansible_uses(installed):
    proc = run([tool("ansible-doc"), "--json", MODULE], env=installed)
    assert installed["CMK_TEST_COLLECTION_DIR"] in proc.stdout, "ansible-doc did not read the installed copy"
    listing = run([tool("ansible-galaxy"), "collection", "list", "--format", "json"], env=installed).stdout
    assert "cmkops.atlassian_cmk" in listing and "amazon.aws" in listing


def test_site_playbook_from_the_installed_collection_creates_the_keys(installed, moto, tmp_path):
    """`ansible-playbook cmkops.atlassian_cmk.site` from an empty directory, as a Galaxy user runs it."""
    report = tmp_path / "report"
    args = ["cmkops.atlassian_cmk.site", "-e", "atlassian_cmk_realm=europe",
            "-e", f'{{"atlassian_cmk_org_paths": ["{ORG_PATH}"]}}',
            "-e", f"atlassian_cmk_endpoint_url={moto.url}", "-e", f"atlassian_cmk_report_dir={report}"]
    out = run_playbook(args, env=installed, cwd=tmp_path)
    assert changed_count(out) > 0
    keys = task_results(out, "Ensure the key in the region")["localhost"]["results"]
    assert [k["item"]["region"] for k in keys] == ["eu-central-1", "eu-west-1"]
    for key in keys:
        assert key["changed"] and key["key_arn"].startswith(f"arn:aws:kms:{key['item']['region']}:")
        kms = boto3.client("kms", region_name=key["item"]["region"], endpoint_url=moto.url,
                           aws_access_key_id="testing", aws_secret_access_key="testing")
        assert kms.describe_key(KeyId="alias/atlassian-cmk-key")["KeyMetadata"]["Arn"] == key["key_arn"]
    assert (report / "enrollment.md").is_file()
    again = run_playbook(args, env=installed, cwd=tmp_path)
    assert changed_count(again) == 0, "a second run changes nothing"


def test_playbook_from_the_checkout_and_from_the_tarball_are_the_same_file(installed):
    installed_site = Path(installed["CMK_TEST_COLLECTION_DIR"]) / "playbooks" / "site.yml"
    assert installed_site.read_text() == (ROOT / "playbooks" / "site.yml").read_text()


@pytest.mark.parametrize("name", ["cmkops.atlassian_cmk.site"])
def test_playbook_syntax_from_the_checkout(name):
    run([tool("ansible-playbook"), "--syntax-check", name], env=repo_env())
