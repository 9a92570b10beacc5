"""The execution environment: ansible-builder accepts the definition and finds the collection's needs."""

from __future__ import annotations

import shutil
from pathlib import Path

import yaml

from tests.ecosystem.support import ROOT, TARBALL_NAME, clean_env, run, tool

EE = yaml.safe_load((ROOT / "execution-environment.yml").read_text())


def test_definition_is_version_3_with_core_python_and_galaxy_deps():
    assert EE["version"] == 3
    assert EE["images"]["base_image"]["name"]
    deps = EE["dependencies"]
    assert deps["ansible_core"]["package_pip"].startswith("ansible-core")
    assert deps["ansible_runner"]["package_pip"].startswith("ansible-runner")
    assert (ROOT / deps["python"]).is_file()
    names = [c["name"] for c in deps["galaxy"]["collections"]]
    assert "amazon.aws" in names
    # The collection itself: the tarball of this version, copied into the build context.
    assert f"/build/collections/{TARBALL_NAME}" in names
    assert {"src": f"dist/{TARBALL_NAME}", "dest": "collections"} in EE["additional_build_files"]


def test_ansible_builder_create_writes_the_build_context(tmp_path, built_tarball):
    """`ansible-builder create` offline, as the release does it: the tarball in dist/ beside the file."""
    shutil.copy(ROOT / "execution-environment.yml", tmp_path)
    shutil.copy(ROOT / EE["dependencies"]["python"], tmp_path)
    (tmp_path / "dist").mkdir()
    shutil.copy(built_tarball, tmp_path / "dist")
    proc = run([tool("ansible-builder"), "create", "-f", "execution-environment.yml", "-c", "context",
                "--output-filename", "Containerfile"], env=clean_env(), cwd=tmp_path)
    assert "No matches" not in proc.stdout + proc.stderr
    context = tmp_path / "context"
    containerfile = (context / "Containerfile").read_text()
    assert "ansible-galaxy collection install" in containerfile
    build = context / "_build"
    assert (build / "collections" / TARBALL_NAME).is_file()
    galaxy = yaml.safe_load((build / "requirements.yml").read_text())
    assert {"name": f"/build/collections/{TARBALL_NAME}", "type": "file"} in galaxy["collections"]
    assert (build / "requirements.txt").read_text() == (ROOT / EE["dependencies"]["python"]).read_text()


def test_collection_metadata_names_its_python_needs(installed):
    """What ansible-builder reads inside the image from the installed collection."""
    meta = yaml.safe_load((ROOT / "meta" / "execution-environment.yml").read_text())
    assert meta["version"] in (1, 3)
    requirements = (ROOT / meta["dependencies"]["python"]).read_text()
    assert "boto3" in requirements and "botocore" in requirements
    collections = Path(installed["CMK_TEST_BASE"]) / "collections"
    proc = run([tool("ansible-builder"), "introspect", "--sanitize", str(collections)], env=clean_env())
    found = yaml.safe_load(proc.stdout.split("---", 1)[1])
    assert any(line.startswith("boto3") and "cmkops.atlassian_cmk" in line for line in found["python"])
    assert any(line.startswith("botocore") for line in found["python"])
