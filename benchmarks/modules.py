"""The two contenders doing the same work, and how to run them the way Ansible does.

Same work: one symmetric KMS key in a region, alias ``alias/atlassian-cmk-key``, the policy of the
collection's built-in Atlassian template (rendered for the account and region: kms_key gets the
rendered JSON, ours renders it itself), the same tags, the same description, rotation on.
"""

from __future__ import annotations

import glob
import json
import os
import shutil
import subprocess
import sys
from pathlib import Path
from typing import Any, Dict, List

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT / "collections"))

from ansible_collections.cmkops.atlassian_cmk.plugins.module_utils._cmk.policy import (  # noqa: E402
    DEFAULT_VIA_SERVICES, builtin_policy)

VENV_BIN = ROOT / ".venv" / "bin"
PYTHON = str(VENV_BIN / "python")
OURS = "cmkops.atlassian_cmk.atlassian_cmk_key"
KMS_KEY = "amazon.aws.kms_key"
NAMES = {OURS: "atlassian_cmk_key", KMS_KEY: "amazon.aws.kms_key"}

DEFAULT_ACCOUNT = "123456789012"  # moto's account for plain credentials
ALIAS = "atlassian-cmk-key"
ORG_PATHS = ["o-rab3nm4fez/*/ou-ab12-cdef3456/*"]
TAGS = {"owner": "platform-security", "cost-centre": "cmk-1234"}
DESCRIPTION = "Atlassian Cloud customer-managed key (CMK)"
# AWSACCOUNTID / AWSREGION: the tokens of Atlassian's template; kms_key's playbooks replace them.
POLICY_TEMPLATE = json.dumps(builtin_policy("AWSACCOUNTID", "AWSREGION", ORG_PATHS, DEFAULT_VIA_SERVICES))


def rendered_policy(account_id: str, region: str) -> str:
    return POLICY_TEMPLATE.replace("AWSACCOUNTID", account_id).replace("AWSREGION", region)


def module_args(module: str, region: str, endpoint: str, account_id: str = DEFAULT_ACCOUNT) -> Dict[str, Any]:
    common = {"region": region, "endpoint_url": endpoint, "tags": TAGS, "description": DESCRIPTION,
              "enable_key_rotation": True}
    if module == OURS:
        return dict(common, alias=ALIAS, org_paths=ORG_PATHS, account_id=account_id)
    return dict(common, alias="alias/" + ALIAS, policy=rendered_policy(account_id, region))


def ansible_env(workdir: str, **extra: str) -> Dict[str, str]:
    env = dict(os.environ)
    env.update(
        PATH=f"{VENV_BIN}:{env.get('PATH', '')}",
        ANSIBLE_CONFIG=str(ROOT / "ansible.cfg"),
        ANSIBLE_COLLECTIONS_PATH=str(ROOT / "collections"),
        ANSIBLE_LOCALHOST_WARNING="False",
        ANSIBLE_INVENTORY_UNPARSED_WARNING="False",
        ANSIBLE_DEPRECATION_WARNINGS="False",
        ANSIBLE_RETRY_FILES_ENABLED="False",
        ANSIBLE_NOCOLOR="1",
        ANSIBLE_LOCAL_TEMP=os.path.join(workdir, "ansible-local"),
        ANSIBLE_REMOTE_TMP=os.path.join(workdir, "ansible-remote"),
        AWS_ACCESS_KEY_ID="testing",
        AWS_SECRET_ACCESS_KEY="testing",
        AWS_DEFAULT_REGION="eu-central-1",
    )
    for name in ("AWS_PROFILE", "AWS_SESSION_TOKEN", "AWS_URL", "AWS_ENDPOINT_URL"):
        env.pop(name, None)
    env.update(extra)
    return env


def adhoc(module: str, args: Dict[str, Any], workdir: str, **env: str) -> Dict[str, Any]:
    """One run through ``ansible localhost -m``; the module's JSON result."""
    cmd = [str(VENV_BIN / "ansible"), "localhost", "-m", module, "-a", json.dumps(args),
           "-e", f"ansible_python_interpreter={PYTHON}", "-o"]
    proc = subprocess.run(cmd, env=ansible_env(workdir, **env), cwd=str(ROOT), capture_output=True, text=True)
    out = proc.stdout.strip()
    if proc.returncode != 0 or "=>" not in out:
        raise RuntimeError(f"{module} failed ({proc.returncode}): {out[-2000:]} {proc.stderr[-2000:]}")
    return json.loads(out.split("=>", 1)[1])


def build_payload(module: str, args: Dict[str, Any], workdir: str, dest: str) -> str:
    """The AnsiballZ file Ansible runs for ``module`` with ``args`` (kept with ANSIBLE_KEEP_REMOTE_FILES).
    Building it runs the module once."""
    remote = os.path.join(workdir, f"keep-{os.getpid()}-{abs(hash((module, dest)))}")
    shutil.rmtree(remote, ignore_errors=True)
    adhoc(module, args, workdir, ANSIBLE_KEEP_REMOTE_FILES="1", ANSIBLE_REMOTE_TMP=remote)
    found: List[str] = glob.glob(os.path.join(remote, "*", "AnsiballZ_*.py"))
    if len(found) != 1:
        raise RuntimeError(f"expected one AnsiballZ payload under {remote}, found {found}")
    shutil.copyfile(found[0], dest)
    shutil.rmtree(remote, ignore_errors=True)
    return dest


def payload_command(payload: str) -> List[str]:
    return [PYTHON, payload]


def wall_pair(pair: Dict[str, Dict], digits: int = 2) -> str:
    """``ours 1.23s, kms_key 2.34s (ratio 0.53)`` for a ``{module: {"wall": ...}}`` pair, for the log."""
    ours, theirs = pair[OURS]["wall"], pair[KMS_KEY]["wall"]
    return f"ours {ours:.{digits}f}s, kms_key {theirs:.{digits}f}s (ratio {ours / theirs:.2f})"
