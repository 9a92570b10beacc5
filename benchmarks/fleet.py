"""Section 4: a fleet of AWS accounts (sts:AssumeRole into each; moto gives each its own backend),
Europe realm, every AWS call behind the latency proxy.

Ours: benchmarks/playbooks/role.yml, the collection's role for each account (the per-account part of
playbooks/site.yml). site.yml itself (role + enrolment report) is run too, at the sizes in
``site_sizes``: its report is written by one host for all accounts, a serial cost per account that
would not fit the time budget at 100 accounts twice; the report says what it costs.
kms_key: benchmarks/playbooks/kms_key.yml; its keys are made straight on moto first (untimed), so its
run is the re-run the comparison is about.
"""

from __future__ import annotations

import json
import os
from typing import Dict, List, Optional

import modules
import playbook as pb
import fleet_profile as prof
from servers import Stack

ROLE = os.path.join(pb.PLAYBOOKS, "role.yml")
KMS = os.path.join(pb.PLAYBOOKS, "kms_key.yml")
CORES = os.cpu_count() or 1


def proc_cpu(pid: Optional[int]) -> float:
    """utime + stime of a live process (all its threads), in seconds."""
    try:
        with open(f"/proc/{pid}/stat") as f:
            fields = f.read().rsplit(")", 1)[1].split()
        return (int(fields[11]) + int(fields[12])) / os.sysconf("SC_CLK_TCK")
    except (OSError, IndexError, TypeError):
        return 0.0


def machine_ticks() -> tuple:
    """(busy, total) jiffies of the whole machine, every process of every user (/proc/stat)."""
    with open("/proc/stat") as f:
        values = [int(v) for v in f.readline().split()[1:]]
    idle = values[3] + (values[4] if len(values) > 4 else 0)
    return sum(values) - idle, sum(values)


def server_cpu(stack: Stack) -> float:
    return proc_cpu(stack.moto.process.pid) + proc_cpu(stack.proxy.process.pid)


def timed_play(stack: Stack, play: str, inventory: str, forks: int, workdir: str, name: str,
               accounts: int, extra_env: Optional[Dict[str, str]] = None, extra_vars: Optional[Dict] = None) -> Dict:
    stack.proxy.stats(reset=True)
    before, ticks = server_cpu(stack), machine_ticks()
    log = os.path.join(workdir, "logs", name + ".log")
    r = pb.run_playbook(play, inventory, forks, workdir, log, extra_env, extra_vars)
    stats = stack.proxy.stats()
    srv = server_cpu(stack) - before
    busy, total = (a - b for a, b in zip(machine_ticks(), ticks))
    return {"name": name, "playbook": os.path.relpath(play, modules.ROOT), "accounts": accounts, "forks": forks,
            "wall": r.timed.wall, "cpu": r.timed.cpu, "changed": r.changed, "hosts": r.hosts,
            "calls": stats["requests"], "upstream_seconds": stats["upstream_seconds"], "server_cpu": srv,
            "util": (r.timed.cpu + srv) / (r.timed.wall * CORES), "machine_busy": busy / max(total, 1), "log": log}


def profile(stack: Stack, play: str, inventory: str, accounts: int, workdir: str, tag: str) -> Dict:
    """A forks=1 re-run of the first ``accounts`` accounts with every module process timed."""
    pdir = os.path.join(workdir, f"profile-{tag}")
    os.makedirs(pdir, exist_ok=True)
    wrapper, jsonl = prof.make_wrapper(pdir, modules.PYTHON)
    limit_inv = inventory.replace(".json", f"-first{accounts}.json")
    _limit_inventory(inventory, limit_inv, accounts)
    run = timed_play(stack, play, limit_inv, 1, workdir, f"profile-{tag}", accounts,
                     {"ANSIBLE_CALLBACKS_ENABLED": "ansible.posix.profile_tasks"},
                     {"ansible_python_interpreter": wrapper})
    procs = prof.module_processes(jsonl)
    return {"run": run, "procs": procs, "tasks": prof.task_recap(run["log"]),
            "split": prof.split(run["wall"], run["cpu"], procs, run["calls"], run["upstream_seconds"],
                                stack.proxy.delay_ms, accounts)}


def _limit_inventory(src: str, dest: str, accounts: int) -> None:
    with open(src) as f:
        inv = json.load(f)
    hosts = inv["atlassian_cmk_accounts"]["hosts"]
    inv["atlassian_cmk_accounts"]["hosts"] = {h: hosts[h] for h in list(hosts)[:accounts]}
    with open(dest, "w") as f:
        json.dump(inv, f, indent=1)


def run(workdir: str, log, sizes: List[int], forks: List[int], compare_sizes: List[int], site_sizes: List[int],
        profile_accounts: int, delay_ms: float, ours_play: Optional[str] = None) -> Dict:
    """``ours_play``: the playbook section 3 settled on (the role, or the loop stand-in)."""
    ours_pb = ours_play or (ROLE if (modules.ROOT / "roles" / "realm_keys").is_dir()
                         else os.path.join(pb.PLAYBOOKS, "loop.yml"))
    os.makedirs(os.path.join(workdir, "logs"), exist_ok=True)
    runs: List[Dict] = []
    profiles: Dict[str, Dict] = {}
    top = max(forks)
    with Stack(delay_ms) as ours, Stack(delay_ms) as theirs:
        for n in sizes:
            ours.moto.reset()
            theirs.moto.reset()
            accounts = pb.account_ids(n)
            report = os.path.join(workdir, f"report-{n}")
            inv = pb.write_inventory(os.path.join(workdir, f"inv-ours-{n}.json"), ours.url(True), accounts, report)

            def add(entry: Dict, phase: str, who: str) -> None:
                entry.update(phase=phase, who=who)
                runs.append(entry)
                log(f"  fleet {who} {phase} n={n} forks={entry['forks']}: wall {entry['wall']:.1f}s "
                    f"cpu {entry['cpu']:.1f}s calls {entry['calls']} changed {entry['changed']}")

            add(timed_play(ours, ours_pb, inv, top, workdir, f"ours-converge-{n}", n), "converge", "ours")
            for f in (forks if n == sizes[0] else [top]):
                entry = timed_play(ours, ours_pb, inv, f, workdir, f"ours-rerun-{n}-f{f}", n)
                _expect_no_change(entry)
                add(entry, "rerun", "ours")
            if n in site_sizes:
                env = {"ANSIBLE_CALLBACKS_ENABLED": "ansible.posix.profile_tasks"}
                add(timed_play(ours, pb.SITE, inv, top, workdir, f"site-first-{n}", n, env), "first (report)", "site.yml")
                entry = timed_play(ours, pb.SITE, inv, top, workdir, f"site-rerun-{n}", n, env)
                _expect_no_change(entry)
                entry["tasks"] = prof.task_recap(entry["log"])
                add(entry, "rerun", "site.yml")
            if n in compare_sizes or n == sizes[0]:
                pb.seed_kms_key_fleet(theirs.moto.url, accounts)
                inv_k = pb.write_inventory(os.path.join(workdir, f"inv-kms-{n}.json"), theirs.url(True), accounts,
                                           report)
                if n in compare_sizes:
                    entry = timed_play(theirs, KMS, inv_k, top, workdir, f"kms-rerun-{n}-f{top}", n)
                    _expect_no_change(entry)
                    add(entry, "rerun", "kms_key")
                if n == sizes[0] and profile_accounts:
                    profiles["ours"] = profile(ours, ours_pb, inv, profile_accounts, workdir, "ours")
                    profiles["kms_key"] = profile(theirs, KMS, inv_k, profile_accounts, workdir, "kms_key")
                    for who, p in profiles.items():
                        log(f"  profile {who}: " + ", ".join(f"{k} {v:.3f}" for k, v in p["split"].items()))
    return {"runs": runs, "profiles": profiles, "ours_playbook": os.path.relpath(ours_pb, modules.ROOT),
            "sizes": sizes, "forks": forks, "compare_sizes": compare_sizes,
            "site_sizes": site_sizes, "delay_ms": delay_ms, "cores": CORES}


def _expect_no_change(entry: Dict) -> None:
    if entry["changed"]:
        raise RuntimeError(f"{entry['name']}: a re-run changed {entry['changed']} task(s); see {entry['log']}")
