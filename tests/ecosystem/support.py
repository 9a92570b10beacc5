"""Helpers for the ecosystem tests: the collection as its users meet it.

ansible-doc output, the built tarball installed into an empty collections path, module_defaults
groups, the changelog, the execution environment and the AWX snippets of docs/awx.md. Each test runs
the real command-line tools of the venv that runs pytest, against a moto server on 127.0.0.1.
"""

from __future__ import annotations

import json
import os
import subprocess
import sys
import sysconfig
from pathlib import Path
from typing import Dict, List, Optional

import boto3
import pytest
import yaml

ROOT = Path(__file__).resolve().parents[2]

BIN = Path(sys.executable).parent
COLLECTION = "cmkops.atlassian_cmk"
MODULE = f"{COLLECTION}.atlassian_cmk_key"
ROLE = f"{COLLECTION}.realm_keys"
FILTER = f"{COLLECTION}.realm_regions"
ORG_PATH = "o-rab3nm4fez/*/ou-ab12-cdef3456/*"
GALAXY = yaml.safe_load((ROOT / "galaxy.yml").read_text())
VERSION = GALAXY["version"]
TARBALL_NAME = f"{GALAXY['namespace']}-{GALAXY['name']}-{VERSION}.tar.gz"
# The release that brought the module, the role and realm_regions (their version_added).
FIRST_RELEASE = "0.1.0"
# moto accepts any key pair; these only keep boto3 from looking for real credentials.
CREDENTIALS = {"AWS_ACCESS_KEY_ID": "testing", "AWS_SECRET_ACCESS_KEY": "testing"}


def tool(name: str) -> str:
    """A command-line tool of the venv running pytest (ansible-playbook, ansible-doc, ...)."""
    path = BIN / name
    return str(path) if path.exists() else name


def amazon_aws_dir() -> Path:
    """amazon.aws as the `ansible` PyPI package installed it."""
    path = Path(sysconfig.get_paths()["purelib"]) / "ansible_collections" / "amazon" / "aws"
    if not path.is_dir():
        pytest.fail(f"amazon.aws not found at {path}: install the 'ansible' package")
    return path


def clean_env(**extra: str) -> Dict[str, str]:
    """The process environment without ANSIBLE_*/AWS_* settings (the Makefile exports some), plus extra. Where
    Ansible keeps its files (the Makefile's .cache/) stays."""
    kept = ("ANSIBLE_HOME", "ANSIBLE_REMOTE_TMP")
    env = {k: v for k, v in os.environ.items() if not k.startswith(("ANSIBLE_", "AWS_")) or k in kept}
    env.update(
        CREDENTIALS,
        AWS_CONFIG_FILE=os.devnull,
        AWS_SHARED_CREDENTIALS_FILE=os.devnull,
        AWS_EC2_METADATA_DISABLED="true",
        ANSIBLE_NOCOLOR="1",
        ANSIBLE_LOCALHOST_WARNING="0",
        ANSIBLE_INVENTORY_UNPARSED_WARNING="0",
        ANSIBLE_RETRY_FILES_ENABLED="0",
        PATH=f"{BIN}{os.pathsep}{os.environ.get('PATH', '')}",
    )
    env.update(extra)
    return env


def repo_env(**extra: str) -> Dict[str, str]:
    """Ansible as `make` runs it from the checkout: ansible.cfg and the collections/ symlink."""
    return clean_env(ANSIBLE_CONFIG=str(ROOT / "ansible.cfg"),
                     ANSIBLE_COLLECTIONS_PATH=str(ROOT / "collections"), **extra)


def run(cmd: List[str], env: Dict[str, str], cwd: Optional[Path] = None, timeout: int = 300,
        check: bool = True) -> subprocess.CompletedProcess:
    proc = subprocess.run(cmd, env=env, cwd=str(cwd or ROOT), capture_output=True, text=True,
                          timeout=timeout, check=False)
    if check and proc.returncode != 0:
        pytest.fail(f"{' '.join(cmd)} exited {proc.returncode}\n--- stdout\n{proc.stdout[-6000:]}"
                    f"\n--- stderr\n{proc.stderr[-6000:]}")
    return proc


def run_playbook(args: List[str], env: Dict[str, str], cwd: Optional[Path] = None,
                 expect_rc: int = 0) -> dict:
    """ansible-playbook with the json callback; returns the parsed output."""
    env = dict(env, ANSIBLE_STDOUT_CALLBACK="ansible.posix.json", ANSIBLE_CALLBACK_RESULT_FORMAT="json")
    proc = run([tool("ansible-playbook")] + args, env=env, cwd=cwd, check=False)
    try:
        out = json.loads(proc.stdout)
    except ValueError:
        pytest.fail(f"ansible-playbook printed no JSON (rc {proc.returncode})\n{proc.stdout[-4000:]}\n"
                    f"{proc.stderr[-4000:]}")
    if proc.returncode != expect_rc:
        pytest.fail(f"ansible-playbook exited {proc.returncode}, expected {expect_rc}:\n"
                    f"{json.dumps(failures(out), indent=1)[:6000]}\n{proc.stderr[-3000:]}")
    return out


def task_results(out: dict, name: str) -> Dict[str, dict]:
    """host -> result of the (last) task called name (a role's tasks: "role : name")."""
    found: Dict[str, dict] = {}
    for play in out["plays"]:
        for task in play["tasks"]:
            if task["task"]["name"] == name or task["task"]["name"].endswith(f" : {name}"):
                found = task["hosts"]
    if not found:
        pytest.fail(f"no task {name!r} ran; tasks: {[t['task']['name'] for p in out['plays'] for t in p['tasks']]}")
    return found


def failures(out: dict) -> List[dict]:
    return [{"task": t["task"]["name"], "host": h, "msg": r.get("msg"), "results": [
        x.get("msg") for x in r.get("results", []) if isinstance(x, dict) and x.get("failed")]}
        for p in out.get("plays", []) for t in p["tasks"] for h, r in t["hosts"].items() if r.get("failed")]


def changed_count(out: dict) -> int:
    return sum(s.get("changed", 0) for s in out["stats"].values())


def awx_job_env(tmp_path: Path, installed: Dict[str, str], **extra: str) -> Dict[str, str]:
    """The environment AWX gives a job: collections from requirements, then the execution environment's:
    this collection installed from the tarball (conftest's `installed`), amazon.aws. A project synced from
    git has no collections/ link (make makes it), so the checkout's own copy is not on the path."""
    ee = tmp_path / "ee-collections" / "ansible_collections"
    if not ee.exists():
        (ee / "amazon").mkdir(parents=True)
        (ee / "amazon" / "aws").symlink_to(amazon_aws_dir(), target_is_directory=True)
        (ee / "ansible").mkdir()
        (ee / "ansible" / "posix").symlink_to(amazon_aws_dir().parents[1] / "ansible" / "posix",
                                              target_is_directory=True)
    paths = [str(tmp_path / "requirements_collections"), str(tmp_path / "home-collections"),
             str(Path(installed["CMK_TEST_BASE"]) / "collections"), str(ee.parent)]
    return clean_env(ANSIBLE_COLLECTIONS_PATH=":".join(paths), ANSIBLE_COLLECTIONS_SCAN_SYS_PATH="false",
                     ANSIBLE_SHOW_CUSTOM_STATS="1", **extra)


def kms(moto, region: str, account: str = ""):
    """A KMS client, in another account through moto's AssumeRole when account is given."""
    creds = {"aws_access_key_id": "testing", "aws_secret_access_key": "testing"}
    if account:
        sts = boto3.client("sts", region_name=region, endpoint_url=moto.url, **creds)
        assumed = sts.assume_role(RoleArn=f"arn:aws:iam::{account}:role/atlassian-cmk-admin",
                                  RoleSessionName="test")["Credentials"]
        creds = {"aws_access_key_id": assumed["AccessKeyId"], "aws_secret_access_key": assumed["SecretAccessKey"],
                 "aws_session_token": assumed["SessionToken"]}
    return boto3.client("kms", region_name=region, endpoint_url=moto.url, **creds)
