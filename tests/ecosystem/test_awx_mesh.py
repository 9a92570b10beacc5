"""The fleet job as AWX runs it on an execution node of its mesh, where receptor carries three streams.

On the controller, ``ansible-runner transmit`` packs the job's private data directory: the project (the files git
tracks, as a project sync leaves them), the inventory, the extra variables and the credential's environment
(``env/envvars``), with ``--omit-env-files`` as AWX does. On the node, ``ansible-runner worker`` unpacks it into
a private directory of its own and runs it with the execution environment's collections and nothing else: no
shared disk, no AWS credentials but the job's. Back on the controller, ``ansible-runner process`` turns the
results into the job's events and artifacts. The report directory stays behind on the node; everything the
tests check comes from what ``process`` got back.

ansible-runner's own ``starting`` status and ``command`` artifact carry the job's environment as given; AWX
redacts those itself (``build_safe_env``). The checks for secrets cover what the collection emits: the job
events, the output and the stats.
"""

from __future__ import annotations

import json
import re
import shutil
import subprocess
from concurrent.futures import ThreadPoolExecutor
from pathlib import Path
from typing import Dict, List

import pytest
import yaml

from tests.ecosystem.support import ROOT, awx_job_env, kms, tool

INVENTORY = ROOT / "docs" / "awx" / "inventory-fleet.yml"
SECRET = "mesh-secret-9f8e7d6c5b4a"  # the AWS credential's secret key (moto accepts any)
CREDENTIAL_VALUE = re.compile(r'"(aws_secret_access_key|aws_session_token|SecretAccessKey|SessionToken|secret_key|'
                              r'session_token)":\s*"(?!\*+"|VALUE_SPECIFIED_IN_NO_LOG_PARAMETER")[^"]+"')
FAILING = "search-prod"  # an account whose alias points at a key this collection did not make


def hosts() -> Dict[str, dict]:
    group = yaml.safe_load(INVENTORY.read_text())["atlassian_cmk_accounts"]
    return {name: dict(group["vars"], **hostvars) for name, hostvars in group["hosts"].items()}


@pytest.fixture(scope="module")
def project(tmp_path_factory) -> Path:
    """The project as AWX's project sync leaves it: the files git tracks, nothing built or installed."""
    dest = tmp_path_factory.mktemp("project") / "project"
    tracked = subprocess.run(["git", "ls-files", "-z"], cwd=ROOT, capture_output=True, check=True).stdout
    for name in filter(None, tracked.decode().split("\0")):
        if (ROOT / name).is_file():
            (dest / name).parent.mkdir(parents=True, exist_ok=True)
            shutil.copy2(ROOT / name, dest / name)
    return dest


class Mesh:
    """Jobs sent to an execution node: transmit, worker in the node's own directory, process."""

    def __init__(self, tmp: Path, project: Path, node_env: Dict[str, str], extravars: dict):
        self.tmp, self.project, self.node_env, self.extravars = tmp, project, node_env, extravars

    def job(self, name: str, playbook: str = "site.yml", limit: str = "") -> dict:
        controller, node = self.tmp / name / "controller", self.tmp / name / "node"
        shutil.copytree(self.project, controller / "project")
        (controller / "inventory").mkdir()
        shutil.copy2(INVENTORY, controller / "inventory" / "hosts.yml")
        (controller / "env").mkdir()
        (controller / "env" / "extravars").write_text(json.dumps(self.extravars))
        (controller / "env" / "envvars").write_text(json.dumps(  # the AWS credential, as AWX injects it
            {"AWS_ACCESS_KEY_ID": "AKIAMESHTEST", "AWS_SECRET_ACCESS_KEY": SECRET}))
        transmit = [tool("ansible-runner"), "transmit", str(controller), "-p", playbook, "--omit-env-files"]
        payload = subprocess.run(transmit + (["--limit", limit] if limit else []), capture_output=True,
                                 check=True, timeout=120).stdout
        node.mkdir(parents=True)
        worker = subprocess.run([tool("ansible-runner"), "worker", "--private-data-dir", str(node)], input=payload,
                                env=self.node_env, cwd=node, capture_output=True, check=False, timeout=900)
        # The worker exits with the playbook's rc; the stream itself must end whole.
        assert worker.stdout.rstrip().endswith(b'{"eof": true}'), worker.stderr.decode()[-3000:]
        processed = subprocess.run([tool("ansible-runner"), "process", str(controller)], input=worker.stdout,
                                   capture_output=True, check=False, timeout=120)
        assert processed.returncode == 0, processed.stderr.decode()[-3000:]
        artifacts = controller / "artifacts"
        events = sorted((json.loads(p.read_text()) for p in (artifacts / "job_events").glob("*.json")),
                        key=lambda e: e.get("counter", 0))
        stats = [e for e in events if e.get("event") == "playbook_on_stats"]
        assert stats, f"{name}: no playbook_on_stats event came back"
        return {"status": (artifacts / "status").read_text().strip(), "stdout": (artifacts / "stdout").read_text(),
                "events": events, "artifacts": stats[-1]["event_data"].get("artifact_data", {}),
                "controller": controller, "node": node}


@pytest.fixture(scope="module")
def mesh(moto_server, tmp_path_factory, installed, project) -> Mesh:
    moto_server.reset()
    tmp = tmp_path_factory.mktemp("mesh")
    node_env = awx_job_env(tmp, installed)
    for name in ("AWS_ACCESS_KEY_ID", "AWS_SECRET_ACCESS_KEY"):
        node_env.pop(name)  # the node has no credentials of its own: only the job's come with the payload
    return Mesh(tmp, project, node_env, {"atlassian_cmk_endpoint_url": moto_server.url})


def assert_nothing_secret(job: dict) -> None:
    shown = [job["stdout"], json.dumps(job["events"]), json.dumps(job["artifacts"])]
    for text in shown:
        assert SECRET not in text and not CREDENTIAL_VALUE.search(text), CREDENTIAL_VALUE.search(text)


def enrolled(artifacts: dict) -> Dict[str, dict]:
    return {k.rsplit("_", 1)[1]: v for k, v in artifacts.items() if re.fullmatch(r"atlassian_cmk_enrollment_\d{12}", k)}


def test_the_fleet_job_on_an_execution_node_returns_every_account_through_its_events(mesh, moto_server):
    fleet = hosts()
    failing = fleet[FAILING]["atlassian_cmk_account_id"]
    foreign = kms(moto_server, "eu-west-1", failing)
    made = foreign.create_key(Description="made by hand")["KeyMetadata"]["KeyId"]
    foreign.create_alias(AliasName="alias/atlassian-cmk-key", TargetKeyId=made)

    job = mesh.job("site")
    assert job["status"] == "failed"  # one account failed; the others went on
    per_account = enrolled(job["artifacts"])
    assert sorted(per_account) == sorted(h["atlassian_cmk_account_id"] for n, h in fleet.items() if n != FAILING)
    for name, hostvars in fleet.items():
        account = hostvars["atlassian_cmk_account_id"]
        if name == FAILING:  # no stats: its reason is in the output and in its failed event
            assert re.search(rf"{name}: .*atlassian_cmk_adopt", job["stdout"]), job["stdout"][-3000:]
            failed = [e["event_data"]["res"]["msg"] for e in job["events"] if e.get("event") == "runner_on_failed"
                      and e["event_data"].get("host") == name]
            assert failed[-1].startswith(f"{name}: ") and "atlassian_cmk_adopt" in failed[-1], failed
            continue
        entry = per_account[account]
        assert entry["complete"] is True, entry
        for region, arn in entry["key_arns"].items():
            assert arn == kms(moto_server, region, account).describe_key(
                KeyId="alias/atlassian-cmk-key")["KeyMetadata"]["Arn"]
            assert re.search(rf"{account}\s+{region}\s+Enabled\s+{re.escape(arn)}", job["stdout"]), name
    assert_nothing_secret(job)
    # The report stayed behind on the node; the controller has only what came back.
    assert list((job["node"] / "project" / "cmk-report").glob("*.json"))
    assert not (job["controller"] / "project" / "cmk-report").exists()

    foreign.delete_alias(AliasName="alias/atlassian-cmk-key")


def test_slices_on_execution_nodes_side_by_side_merged_as_awx_merges_keep_every_account(mesh):
    names = list(hosts())
    slices: List[str] = [",".join(names[k::2]) for k in range(2)]
    with ThreadPoolExecutor(max_workers=2) as pool:
        jobs = list(pool.map(lambda k: mesh.job(f"slice{k}", limit=slices[k]), range(2)))
    assert [job["status"] for job in jobs] == ["successful"] * 2
    merged: dict = {}
    for job in jobs:  # AWX's WorkflowJob.get_effective_artifacts: one dict.update per slice
        merged.update(job["artifacts"])
        assert_nothing_secret(job)
    per_account = enrolled(merged)
    assert sorted(per_account) == sorted(h["atlassian_cmk_account_id"] for h in hosts().values())
    assert all(entry["complete"] for entry in per_account.values()), per_account


def test_the_audit_on_an_execution_node_returns_each_accounts_audit(mesh):
    job = mesh.job("audit", playbook="audit.yml")
    assert job["status"] == "successful", job["stdout"][-3000:]
    audits = {k.rsplit("_", 1)[1]: v for k, v in job["artifacts"].items()
              if re.fullmatch(r"atlassian_cmk_audit_\d{12}", k)}
    assert sorted(audits) == sorted(h["atlassian_cmk_account_id"] for h in hosts().values())
    assert all(audit["compliant"] for audit in audits.values()), audits
    assert_nothing_secret(job)
