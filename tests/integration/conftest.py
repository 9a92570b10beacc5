"""The module through Ansible, against a moto server this session starts on 127.0.0.1."""

from __future__ import annotations

import json
import os
import subprocess
import sys
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[2]

from harness.fixtures import moto, moto_server  # pylint: disable=unused-import  # noqa: F401 (fixtures)
from harness.kms_state import client

MODULE = "cmkops.atlassian_cmk.atlassian_cmk_key"
ORG_PATH = "o-rab3nm4fez/*/ou-ab12-cdef3456/*"
REGION = "eu-west-1"
CREDENTIALS = {"AWS_ACCESS_KEY_ID": "testing", "AWS_SECRET_ACCESS_KEY": "testing"}


class Result(dict):
    @property
    def failed(self) -> bool:
        return bool(self.get("failed"))


def ansible_env(**extra) -> dict:
    env = dict(os.environ, **CREDENTIALS)
    env.update(
        ANSIBLE_CONFIG=str(ROOT / "ansible.cfg"),
        ANSIBLE_COLLECTIONS_PATH=str(ROOT / "collections"),
        ANSIBLE_STDOUT_CALLBACK="ansible.builtin.json",
        ANSIBLE_LOAD_CALLBACK_PLUGINS="1",
        ANSIBLE_LOCALHOST_WARNING="0",
        ANSIBLE_INVENTORY_UNPARSED_WARNING="0",
    )
    env.update(extra)
    return env


def module_command(default_endpoint: str, /, check: bool = False, diff: bool = False, module: str = MODULE,
                   **args) -> list:
    """``ansible localhost -m`` running ``module`` once with ``args`` (endpoint_url defaults to the given one)."""
    args.setdefault("region", REGION)
    args.setdefault("endpoint_url", default_endpoint)
    cmd = [str(Path(sys.executable).with_name("ansible")), "localhost", "-m", module, "-a", json.dumps(args),
           "-e", f"ansible_python_interpreter={sys.executable}"]
    return cmd + (["--check"] if check else []) + (["--diff"] if diff else [])


def run_module(moto_server, check: bool = False, diff: bool = False, env: dict | None = None, **args) -> Result:
    """Run the module once with ``ansible localhost -m``; return its result."""
    cmd = module_command(moto_server.url, check=check, diff=diff, **args)
    proc = subprocess.run(cmd, env=ansible_env(**(env or {})), capture_output=True, text=True, check=False, cwd=ROOT,
                          timeout=300)
    try:
        out = json.loads(proc.stdout)
        return Result(out["plays"][0]["tasks"][0]["hosts"]["localhost"])
    except (ValueError, KeyError, IndexError):
        raise AssertionError(f"ansible printed no result (rc={proc.returncode}):\n{proc.stdout}\n{proc.stderr}")


def run_site(extra: dict, *flags: str, env: dict | None = None, playbook: str = "site.yml"
             ) -> subprocess.CompletedProcess:
    """``ansible-playbook site.yml`` from the checkout, with the default (human) output."""
    cmd = [str(Path(sys.executable).with_name("ansible-playbook")), playbook, *flags, "-e", json.dumps(extra)]
    return subprocess.run(cmd, env=ansible_env(ANSIBLE_STDOUT_CALLBACK="default", **(env or {})),
                          capture_output=True, text=True, check=False, cwd=ROOT, timeout=300)


@pytest.fixture
def module(moto):
    """``module(**args)`` runs the module against this test's clean moto server."""

    def _run(**kwargs) -> Result:
        return run_module(moto, **kwargs)

    return _run


@pytest.fixture
def kms(moto):
    return client(moto.url, REGION)


def kms_in(moto, region: str = REGION):
    """A KMS client of moto's default account in ``region``."""
    return client(moto.url, region)
