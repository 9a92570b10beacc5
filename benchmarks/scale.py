"""The fleet at scale, as AWX runs it: an Organization of up to 1,000 accounts in moto, listed by the inventory
plugin, and the fleet re-run sliced into ansible-runner jobs side by side (host i in slice i mod N).

- The Organization: the root, OUs two levels deep, the accounts spread over them. moto pages accounts and OUs by
  20, as AWS does.
- The listing: ``ansible-inventory`` with the plugin, through the harness proxy at ``delay_ms`` per call with
  some throttling (each Organizations call throttled with probability THROTTLED, then retried by the plugin):
  cold, then the cache filled, then read from the cache.
- The fleet re-run: each account's keys seeded as the role makes them (a re-run that changes anything fails
  the benchmark), then ``ansible-runner run`` per slice, side by side, each job its own process tree: CPU
  seconds and peak RSS per job from wait4's rusage, the wall time until the last slice ends.

Sizes run largest last, and a size whose projected wall time (from the CPU per account measured so far, on
this machine's cores) would pass the budget is not run: the section says where it stopped.
"""

from __future__ import annotations

import json
import math
import os
import re
import subprocess
import time
from concurrent.futures import ThreadPoolExecutor
from pathlib import Path
from typing import Dict, List

import yaml

from common import BIN, ROOT, Stack, ansible_env, client, seed_fleet, write_inventory

THROTTLED = 0.05
ORG_READS = ("DescribeOrganization", "ListRoots", "ListParents", "ListAccountsForParent",
             "ListOrganizationalUnitsForParent", "ListTagsForResource")
FORKS = 10  # per job: AWX's capacity model gives 4 forks per CPU; an execution node of 2-4 cores


def make_organization(moto_url: str, n: int) -> List[str]:
    """root -> 5 OUs -> 2 OUs each; the n accounts spread over the 15 OUs round robin. Their IDs."""
    org = client(moto_url, "us-east-1", "organizations")
    org.create_organization(FeatureSet="ALL")
    root = org.list_roots()["Roots"][0]["Id"]
    ous = []
    for i in range(5):
        top = org.create_organizational_unit(ParentId=root, Name=f"bu-{i}")["OrganizationalUnit"]["Id"]
        ous.append(top)
        ous += [org.create_organizational_unit(ParentId=top, Name=f"bu-{i}-{j}")["OrganizationalUnit"]["Id"]
                for j in range(2)]
    accounts = []
    for i in range(n):
        status = org.create_account(Email=f"acct-{i}@example.com", AccountName=f"acct-{i:04d}")
        account = status["CreateAccountStatus"]["AccountId"]
        org.move_account(AccountId=account, SourceParentId=root, DestinationParentId=ous[i % len(ous)])
        accounts.append(account)
    return accounts


def list_accounts(workdir: Path, endpoint: str, cache: bool) -> Dict:
    """One ``ansible-inventory --list`` with the plugin: wall seconds and the hosts' variables."""
    config = {"plugin": "cmkops.atlassian_cmk.aws_accounts", "endpoint_url": endpoint, "role_name": "cmk-admin"}
    if cache:
        config.update(cache=True, cache_plugin="ansible.builtin.jsonfile", cache_connection=str(workdir / "cache"),
                      cache_timeout=3600)
    path = workdir / "organization.aws_accounts.yml"
    path.write_text(yaml.safe_dump(config))
    env = dict(ansible_env(str(workdir)), ANSIBLE_INVENTORY_ENABLED="cmkops.atlassian_cmk.aws_accounts",
               ANSIBLE_INVENTORY_UNPARSED_FAILED="1")
    started = time.perf_counter()
    proc = subprocess.run([str(BIN / "ansible-inventory"), "-i", str(path), "--list"], env=env, cwd=ROOT,
                          capture_output=True, text=True, check=False, timeout=1800)
    wall = time.perf_counter() - started
    if proc.returncode != 0:
        raise RuntimeError(f"ansible-inventory failed: {proc.stderr[-2000:]}")
    listed = json.loads(proc.stdout)
    return {"wall": wall, "hosts": listed["atlassian_cmk_accounts"]["hosts"]}


def listing(workdir: Path, n: int, delay_ms: float) -> Dict:
    """The plugin's listing of an n-account Organization: cold, cache filled, cache read."""
    throttle = {"kind": "throttle", "ops": list(ORG_READS), "probability": THROTTLED, "max_count": 10 ** 6}
    with Stack(delay_ms, rules=[throttle]) as stack:
        accounts = make_organization(stack.moto.url, n)
        runs = {}
        for name, cache in (("cold", False), ("cache filled", True), ("cache read", True)):
            before = len(stack.proxy.events())
            got = list_accounts(workdir, stack.proxy.url, cache)
            events = stack.proxy.events()[before:]
            runs[name] = {"wall": got["wall"], "calls": len(events),
                          "throttled": sum(e.get("action") == "throttle" for e in events), "hosts": len(got["hosts"])}
        if any(r["hosts"] != n + 1 for r in runs.values()):  # and the management account, in the root
            raise RuntimeError(f"the plugin did not list the {n} accounts and the management account: {runs}")
    return {"accounts": len(accounts), "runs": runs}


def runner_job(workdir: Path, name: str, inventory: str, playbook: str) -> Dict:
    """One ``ansible-runner run`` job, as an AWX job runs: CPU and peak RSS of its whole process tree."""
    private = workdir / name
    private.mkdir(parents=True, exist_ok=True)
    cmd = [str(BIN / "ansible-runner"), "run", str(private), "-p", playbook, "--project-dir", str(ROOT),
           "--inventory", inventory, "--forks", str(FORKS)]
    with open(private / "runner.log", "wb") as log:
        started = time.perf_counter()
        proc = subprocess.Popen(cmd, env=ansible_env(str(workdir)), cwd=ROOT, stdout=log, stderr=subprocess.STDOUT)
        status, usage = os.wait4(proc.pid, 0)[1:]
    return {"wall": time.perf_counter() - started, "cpu": usage.ru_utime + usage.ru_stime,
            "peak_mb": usage.ru_maxrss / 1024, "rc": os.waitstatus_to_exitcode(status), "log": str(private / "runner.log")}


def sliced(workdir: Path, endpoint: str, accounts: List[str], slices: int) -> Dict:
    """The fleet re-run as ``slices`` ansible-runner jobs side by side."""
    tag = f"fleet{len(accounts)}-x{slices}"
    parts = [accounts[k::slices] for k in range(slices)]
    inventories = [write_inventory(str(workdir / f"{tag}-{k}.json"), endpoint, part, str(workdir / "report"))
                   for k, part in enumerate(parts)]
    started = time.perf_counter()
    with ThreadPoolExecutor(max_workers=slices) as pool:  # side by side, each job waited for by its own wait4
        jobs = list(pool.map(lambda k: runner_job(workdir, f"{tag}-{k}", inventories[k], "site.yml"), range(slices)))
    wall = time.perf_counter() - started
    for job in jobs:
        if job["rc"] != 0:
            raise RuntimeError(f"{tag}: a slice failed; see {job['log']}")
        if any(int(c) for c in re.findall(r"changed=(\d+)", Path(job["log"]).read_text(errors="replace"))):
            raise RuntimeError(f"{tag}: a re-run changed something; see {job['log']}")
    cpu = sum(j["cpu"] for j in jobs)
    return {"accounts": len(accounts), "slices": slices, "wall": wall, "cpu": cpu, "cpu_per_account": cpu / len(accounts),
            "peak_mb": max(j["peak_mb"] for j in jobs), "jobs": jobs}


def fleet(workdir: Path, delay_ms: float, runs: List[tuple], budget_s: float, log) -> Dict:
    """``runs``: (accounts, slices) in order; stops before a run projected to pass ``budget_s``."""
    started, done, stopped = time.perf_counter(), [], None
    cores = os.cpu_count() or 1
    for n, slices in runs:
        if done:
            per = max(r["cpu_per_account"] for r in done)
            projected = n * per / min(cores, slices) * 1.1
            if time.perf_counter() - started + projected > budget_s:
                stopped = {"accounts": n, "slices": slices, "projected_s": projected}
                log(f"  stopped before {n} accounts x {slices}: projected {projected:.0f} s")
                break
        accounts = [f"{200000000000 + i:012d}" for i in range(1, n + 1)]
        with Stack(delay_ms) as stack:
            seed_fleet(stack.moto.url, accounts, ours=True)
            done.append(sliced(workdir, stack.url(True), accounts, slices))
        log(f"  {n} accounts x {slices} slices: {done[-1]['wall']:.0f} s wall, "
            f"{done[-1]['cpu_per_account']:.2f} CPU s per account")
    kept = [dict({k: v for k, v in r.items() if k != "jobs"}, job_peaks_mb=[j["peak_mb"] for j in r["jobs"]],
                 job_cpu=[j["cpu"] for j in r["jobs"]]) for r in done]
    return {"runs": kept, "stopped": stopped, "cores": cores, "forks": FORKS, "delay_ms": delay_ms, "budget_s": budget_s}


def run(workdir: str, log, delay_ms: float, org_size: int, runs: List[tuple], budget_s: float) -> Dict:
    path = Path(workdir)
    path.mkdir(parents=True, exist_ok=True)
    log(f"  listing an Organization of {org_size} accounts")
    listed = listing(path, org_size, delay_ms)
    log(f"  listing: {listed['runs']}")
    return {"listing": listed, "fleet": fleet(path, delay_ms, runs, budget_s, log), "throttled": THROTTLED}


def capacity(cpu_per_account: float, window_s: float = 600.0, node_cores: int = 4, forks_per_cpu: int = 4
             ) -> List[Dict]:
    """What a fleet needs to finish within ``window_s``, from the CPU seconds one account costs: Automation
    Platform's capacity model gives ``forks_per_cpu`` forks per CPU; a job slice runs on one execution node of
    ``node_cores`` cores."""
    out = []
    for n in (100, 1000, 10000):
        cores = n * cpu_per_account / window_s
        slices = max(1, math.ceil(cores / node_cores))
        out.append({"accounts": n, "cores": cores, "slices": slices, "forks": node_cores * forks_per_cpu,
                    "nodes": slices})
    return out
