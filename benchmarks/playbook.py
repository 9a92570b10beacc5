"""ansible-playbook runs for the benchmark: account inventories, seeding kms_key's keys, one timed run."""

from __future__ import annotations

import json
import os
import re
from dataclasses import dataclass
from typing import Dict, List, Optional

import boto3

import modules
from measure import Timed, run_timed

PLAYBOOKS = os.path.join(os.path.dirname(os.path.abspath(__file__)), "playbooks")
SITE = str(modules.ROOT / "playbooks" / "site.yml")
REALM = "europe"
REGIONS = ["eu-central-1", "eu-west-1"]
ROLE_NAME = "cmk-admin"


def account_ids(count: int) -> List[str]:
    return [f"{100000000000 + i:012d}" for i in range(1, count + 1)]


def write_inventory(path: str, endpoint: str, accounts: Optional[List[str]], report_dir: str) -> str:
    """A group ``atlassian_cmk_accounts``: one host per AWS account reached through sts:AssumeRole,
    or (``accounts=None``) the current credentials' account only."""
    if accounts is None:
        hosts = {f"acct-{modules.DEFAULT_ACCOUNT}": {"atlassian_cmk_account_id": modules.DEFAULT_ACCOUNT}}
    else:
        hosts = {f"acct-{a}": {"atlassian_cmk_account_id": a,
                               "atlassian_cmk_assume_role_arn": f"arn:aws:iam::{a}:role/{ROLE_NAME}"}
                 for a in accounts}
    group_vars = {
        "atlassian_cmk_realm": REALM,
        "atlassian_cmk_alias": modules.ALIAS,
        "atlassian_cmk_org_paths": modules.ORG_PATHS,
        "atlassian_cmk_tags": modules.TAGS,
        "atlassian_cmk_endpoint_url": endpoint,
        "atlassian_cmk_report_dir": report_dir,
        "bench_description": modules.DESCRIPTION,
        "bench_policy_template": modules.POLICY_TEMPLATE,
    }
    with open(path, "w") as f:
        json.dump({"atlassian_cmk_accounts": {"hosts": hosts, "vars": group_vars}}, f, indent=1)
    return path


@dataclass
class PlayRun:
    timed: Timed
    changed: int
    hosts: int


_RECAP = re.compile(r"^\S+\s*:\s*ok=(\d+)\s+changed=(\d+)\s+unreachable=(\d+)\s+failed=(\d+)", re.M)


def run_playbook(playbook: str, inventory: str, forks: int, workdir: str, log: str,
                 extra_env: Optional[Dict[str, str]] = None, extra_vars: Optional[Dict] = None) -> PlayRun:
    cmd = [str(modules.VENV_BIN / "ansible-playbook"), "-i", inventory, "--forks", str(forks), playbook]
    if extra_vars:
        cmd += ["-e", json.dumps(extra_vars)]
    env = modules.ansible_env(workdir, **(extra_env or {}))
    timed = run_timed(cmd, env, str(modules.ROOT), log)
    with open(log, encoding="utf-8", errors="replace") as f:
        recap = _RECAP.findall(f.read())
    if any(int(r[2]) or int(r[3]) for r in recap):  # (a play with no task has no recap lines)
        raise RuntimeError(f"{os.path.basename(playbook)}: failed hosts, see {log}")
    return PlayRun(timed, sum(int(r[1]) for r in recap), len(recap))


def seed_kms_key_fleet(moto_url: str, accounts: Optional[List[str]]) -> None:
    """Make, straight on moto (no latency, not timed), the keys kms_key.yml would have made, so its
    re-run has nothing to change: alias, rendered policy, tags, description, rotation on."""
    base = boto3.Session(aws_access_key_id="testing", aws_secret_access_key="testing")
    sts = base.client("sts", region_name=REGIONS[0], endpoint_url=moto_url)
    for account in accounts or [modules.DEFAULT_ACCOUNT]:
        session = base
        if accounts is not None:
            creds = sts.assume_role(RoleArn=f"arn:aws:iam::{account}:role/{ROLE_NAME}",
                                    RoleSessionName="seed")["Credentials"]
            session = boto3.Session(aws_access_key_id=creds["AccessKeyId"],
                                    aws_secret_access_key=creds["SecretAccessKey"],
                                    aws_session_token=creds["SessionToken"])
        for region in REGIONS:
            seed_kms_key(session.client("kms", region_name=region, endpoint_url=moto_url), account, region)


def seed_kms_key(kms, account: str, region: str) -> str:
    key = kms.create_key(Policy=modules.rendered_policy(account, region), Description=modules.DESCRIPTION,
                         KeyUsage="ENCRYPT_DECRYPT", KeySpec="SYMMETRIC_DEFAULT",
                         Tags=[{"TagKey": k, "TagValue": v} for k, v in modules.TAGS.items()])["KeyMetadata"]
    kms.create_alias(AliasName="alias/" + modules.ALIAS, TargetKeyId=key["KeyId"])
    kms.enable_key_rotation(KeyId=key["KeyId"])
    return key["KeyId"]
