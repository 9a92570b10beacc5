"""Fixtures for the ecosystem tests (helpers in support.py): moto, the built and installed tarball."""

from __future__ import annotations

import os
from pathlib import Path
from typing import Dict

import pytest

from tests.ecosystem.support import TARBALL_NAME, ROOT, amazon_aws_dir, clean_env, run, tool
from harness.fixtures import moto, moto_server  # pylint: disable=unused-import  # noqa: F401 (fixtures)


@pytest.fixture(scope="session")
def built_tarball(tmp_path_factory) -> Path:
    """The tarball `ansible-galaxy collection build` makes from this checkout, as a release would."""
    out = tmp_path_factory.mktemp("dist")
    run([tool("ansible-galaxy"), "collection", "build", "--output-path", str(out), str(ROOT)], env=clean_env())
    tarball = out / TARBALL_NAME
    assert tarball.is_file(), sorted(p.name for p in out.iterdir())
    return tarball


@pytest.fixture(scope="session")
def installed(tmp_path_factory, built_tarball) -> Dict[str, str]:
    """The tarball installed into an empty collections path, amazon.aws from the venv as a second path.

    Returns an environment for ansible commands that sees exactly these two paths (no checkout, no
    site-packages scan), as on a machine where the collection came from Galaxy.
    """
    base = tmp_path_factory.mktemp("installed")
    collections = base / "collections"
    deps = base / "deps" / "ansible_collections"
    collections.mkdir()
    (deps / "amazon").mkdir(parents=True)
    (deps / "amazon" / "aws").symlink_to(amazon_aws_dir(), target_is_directory=True)
    # Not a dependency: the tests read results through ansible.posix's json stdout callback.
    (deps / "ansible").mkdir()
    (deps / "ansible" / "posix").symlink_to(amazon_aws_dir().parents[1] / "ansible" / "posix",
                                            target_is_directory=True)
    config = base / "ansible.cfg"
    config.write_text("[defaults]\n")
    env = clean_env(ANSIBLE_CONFIG=str(config),
                    ANSIBLE_COLLECTIONS_PATH=f"{collections}{os.pathsep}{base / 'deps'}",
                    ANSIBLE_COLLECTIONS_SCAN_SYS_PATH="false")
    # --offline: amazon.aws (the dependency in galaxy.yml) must be found in the second path, not Galaxy.
    run([tool("ansible-galaxy"), "collection", "install", "--offline", "-p", str(collections), str(built_tarball)],
        env=env, cwd=base)
    env["CMK_TEST_BASE"] = str(base)
    env["CMK_TEST_COLLECTION_DIR"] = str(collections / "ansible_collections" / "cmkops" / "atlassian_cmk")
    return env
