"""The work both contenders do, and how the benchmark runs them.

Same work: one symmetric KMS key per region, alias ``alias/atlassian-cmk-key``, the policy of the
collection's built-in Atlassian template (rendered for the account and region: kms_key gets the
rendered JSON, ours renders it itself), the same tags and description, rotation on.
"""

from __future__ import annotations

import json
import os
import re
import statistics
import subprocess
import sys
import time
from pathlib import Path
from typing import Callable, Dict, List, Optional

ROOT = Path(__file__).resolve().parents[1]
sys.path[:0] = [str(ROOT), str(ROOT / "collections")]

from ansible_collections.cmkops.atlassian_cmk.plugins.module_utils._cmk.policy import (  # noqa: E402
    DEFAULT_VIA_SERVICES, builtin_policy)
from harness.kms_state import client  # noqa: E402
from harness.servers import MotoServer, ProxyServer  # noqa: E402

BIN = Path(sys.executable).parent
OURS, KMS_KEY = "cmkops.atlassian_cmk.atlassian_cmk_key", "amazon.aws.kms_key"
ACCOUNT = "123456789012"  # moto's account for plain credentials
ALIAS = "atlassian-cmk-key"
ORG_PATHS = ["o-rab3nm4fez/*/ou-ab12-cdef3456/*"]
TAGS = {"owner": "platform-security", "cost-centre": "cmk-1234"}
DESCRIPTION = "Atlassian Cloud customer-managed key (CMK)"
REGIONS = ["eu-central-1", "eu-west-1"]  # the europe realm
ROLE_NAME = "cmk-admin"
# AWSACCOUNTID / AWSREGION: the tokens of Atlassian's template; kms_key's playbook replaces them.
POLICY_TEMPLATE = json.dumps(builtin_policy("AWSACCOUNTID", "AWSREGION", ORG_PATHS, DEFAULT_VIA_SERVICES))


def rendered_policy(account_id: str, region: str) -> str:
    return POLICY_TEMPLATE.replace("AWSACCOUNTID", account_id).replace("AWSREGION", region)


def module_args(module: str, region: str, endpoint: str) -> Dict:
    common = {"region": region, "endpoint_url": endpoint, "tags": TAGS, "description": DESCRIPTION,
              "enable_key_rotation": True}
    if module == OURS:
        return dict(common, alias=ALIAS, org_paths=ORG_PATHS, account_id=ACCOUNT)
    return dict(common, alias="alias/" + ALIAS, policy=rendered_policy(ACCOUNT, region))


def ansible_env(workdir: str) -> Dict[str, str]:
    env = {k: v for k, v in os.environ.items() if not k.startswith("AWS_")}
    env.update(PATH=f"{BIN}:{env.get('PATH', '')}", ANSIBLE_CONFIG=str(ROOT / "ansible.cfg"),
               ANSIBLE_COLLECTIONS_PATH=str(ROOT / "collections"), ANSIBLE_LOCALHOST_WARNING="False",
               ANSIBLE_INVENTORY_UNPARSED_WARNING="False", ANSIBLE_DEPRECATION_WARNINGS="False",
               ANSIBLE_NOCOLOR="1", ANSIBLE_LOCAL_TEMP=os.path.join(workdir, "ansible-tmp"),
               AWS_ACCESS_KEY_ID="testing", AWS_SECRET_ACCESS_KEY="testing", AWS_DEFAULT_REGION=REGIONS[0])
    return env


def adhoc(module: str, args: Dict, workdir: str) -> Dict:
    """One run through ``ansible localhost -m``; the module's JSON result."""
    cmd = [str(BIN / "ansible"), "localhost", "-m", module, "-a", json.dumps(args), "-o",
           "-e", f"ansible_python_interpreter={sys.executable}"]
    proc = subprocess.run(cmd, env=ansible_env(workdir), cwd=ROOT, capture_output=True, text=True, check=False)
    if proc.returncode != 0 or "=>" not in proc.stdout:
        raise RuntimeError(f"{module} failed ({proc.returncode}): {proc.stdout[-2000:]} {proc.stderr[-2000:]}")
    return json.loads(proc.stdout.split("=>", 1)[1])


class Stack:
    """One moto server with the harness's proxy in front adding ``delay_ms`` to every call (a real AWS
    round trip; local moto answers in a few ms): ``url(False)`` is moto, ``url(True)`` the proxy."""

    def __init__(self, delay_ms: float, paged: bool = False, rules: List[Dict] = ()):
        self.moto = MotoServer(paged=paged)
        self.delay_ms = delay_ms
        self.rules = list(rules)  # the proxy's rules after the latency (faults)
        self.proxy: Optional[ProxyServer] = None

    def url(self, delayed: bool) -> str:
        return self.proxy.url if delayed else self.moto.url

    def __enter__(self) -> "Stack":
        self.moto.start()
        latency = {"kind": "latency", "seconds": self.delay_ms / 1000}
        self.proxy = ProxyServer(self.moto.url, [latency, *self.rules]).start()
        return self

    def __exit__(self, *exc) -> None:
        self.proxy.stop()
        self.moto.stop()


def write_inventory(path: str, endpoint: str, accounts: Optional[List[str]], report_dir: str) -> str:
    """Group ``atlassian_cmk_accounts``: one host per account reached by sts:AssumeRole, or
    (``accounts=None``) the current credentials' account."""
    hosts = {f"acct-{a}": {"atlassian_cmk_account_id": a, "atlassian_cmk_assume_role_arn":
                           f"arn:aws:iam::{a}:role/{ROLE_NAME}"} for a in accounts or []}
    hosts = hosts or {f"acct-{ACCOUNT}": {"atlassian_cmk_account_id": ACCOUNT}}
    group_vars = {"atlassian_cmk_realm": "europe", "atlassian_cmk_alias": ALIAS, "atlassian_cmk_org_paths": ORG_PATHS,
                  "atlassian_cmk_tags": TAGS, "atlassian_cmk_description": DESCRIPTION,
                  "atlassian_cmk_endpoint_url": endpoint, "atlassian_cmk_report_dir": report_dir,
                  "bench_policy_template": POLICY_TEMPLATE}
    Path(path).write_text(json.dumps({"atlassian_cmk_accounts": {"hosts": hosts, "vars": group_vars}}))
    return path


_RECAP = re.compile(r"^\S+\s*:\s*ok=\d+\s+changed=(\d+)\s+unreachable=(\d+)\s+failed=(\d+)", re.M)


def run_playbook(playbook: str, inventory: str, forks: int, workdir: str, log: str) -> Dict:
    """A timed ansible-playbook: wall seconds, CPU seconds of it and every process it waited for
    (wait4's rusage: forks and module processes, nothing else on the machine), tasks changed."""
    cmd = [str(BIN / "ansible-playbook"), "-i", inventory, "--forks", str(forks), playbook]
    with open(log, "wb") as out:
        started = time.perf_counter()
        proc = subprocess.Popen(cmd, env=ansible_env(workdir), cwd=ROOT, stdout=out, stderr=subprocess.STDOUT)
        status, usage = os.wait4(proc.pid, 0)[1:]
        wall = time.perf_counter() - started
    recap = _RECAP.findall(Path(log).read_text(errors="replace"))
    if os.waitstatus_to_exitcode(status) or any(int(r[1]) or int(r[2]) for r in recap):
        raise RuntimeError(f"{playbook} failed; see {log}")
    return {"wall": wall, "cpu": usage.ru_utime + usage.ru_stime, "changed": sum(int(r[0]) for r in recap),
            "peak_mb": usage.ru_maxrss / 1024}  # the largest process of the tree: the controller


def seed_fleet(moto_url: str, accounts: Optional[List[str]], ours: bool = False) -> None:
    """Make straight on moto (untimed) the keys kms_key.yml (or, ``ours``, the role) makes, so that the
    timed runs are re-runs; a re-run that changes anything fails the benchmark, so they must match."""
    marker = {"cmkops:atlassian_cmk:alias": "alias/" + ALIAS} if ours else {}
    for account in accounts or [ACCOUNT]:
        creds = {}
        if accounts:
            sts = client(moto_url, REGIONS[0], "sts")
            got = sts.assume_role(RoleArn=f"arn:aws:iam::{account}:role/{ROLE_NAME}", RoleSessionName="seed")
            creds = {"aws_access_key_id": got["Credentials"]["AccessKeyId"], "aws_session_token":
                     got["Credentials"]["SessionToken"], "aws_secret_access_key": got["Credentials"]["SecretAccessKey"]}
        for region in REGIONS:
            kms = client(moto_url, region, **creds)
            key = kms.create_key(Policy=rendered_policy(account, region), Description=DESCRIPTION,
                                 Tags=[{"TagKey": k, "TagValue": v} for k, v in {**TAGS, **marker}.items()])["KeyMetadata"]
            kms.create_alias(AliasName="alias/" + ALIAS, TargetKeyId=key["KeyId"])
            kms.enable_key_rotation(KeyId=key["KeyId"])


def interleave(runners: Dict[str, Callable[[int], Dict]], reps: int) -> Dict[str, Dict[str, float]]:
    """Each runner ``reps`` times, the order reversed every round (A B, B A, ...), so that drift in
    the machine's load falls on every side alike; the median wall and CPU of each."""
    runs: Dict[str, List[Dict]] = {name: [] for name in runners}
    for rep in range(reps):
        for name in (list(runners) if rep % 2 == 0 else list(reversed(runners))):
            runs[name].append(runners[name](rep))
    return {name: {m: statistics.median(r[m] for r in got) for m in ("wall", "cpu", "peak_mb")}
            for name, got in runs.items()}
