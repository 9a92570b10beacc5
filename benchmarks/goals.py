"""The issue's goals, each checked against the measured figures: (figure, goal, measured, verdict)."""

from __future__ import annotations

from typing import Dict, List, Optional, Tuple

import modules

Row = Tuple[str, str, str, str]
OURS, KMS = modules.OURS, modules.KMS_KEY


def verdict(ok: Optional[bool]) -> str:
    return "n/a" if ok is None else ("**met**" if ok else "**missed**")


def fleet_run(fleet: Dict, who: str, phase: str, n: int, forks: Optional[int] = None) -> Optional[Dict]:
    top = max(fleet["forks"]) if forks is None else forks
    for r in fleet["runs"]:
        if r["who"] == who and r["phase"] == phase and r["accounts"] == n and r["forks"] == top:
            return r
    return None


def call_rows(calls: Dict) -> List[Row]:
    rows: List[Row] = []
    for acct, res in calls["accounts"].items():
        ours, theirs = res[OURS], res[KMS]
        n = len(ours["no-change"]["ops"])
        rows.append((f"API calls, no-change run, {acct}", "≤ 4 whatever the account size",
                     f"{n} (kms_key {len(theirs['no-change']['ops'])})", verdict(n <= 4)))
        c = len(ours["create"]["ops"])
        rows.append((f"API calls, create, {acct}", "≤ 6", f"{c} (kms_key {len(theirs['create']['ops'])})",
                     verdict(c <= 6)))
    return rows


def timing_rows(timing: Dict) -> List[Row]:
    rows: List[Row] = []
    for label, res in timing["delays"].items():
        r = res[OURS]["wall"] / res[KMS]["wall"]
        if label == "bare":
            rows.append(("Module process time, no-change, bare moto (ours / kms_key)", "report; aim ≤ 0.8×",
                         f"{r:.3f}×", "met (aim)" if r <= 0.8 else "reported; aim missed"))
        else:
            rows.append((f"Module process time, no-change, {label} per call (ours / kms_key)", "≤ 0.5×",
                         f"{r:.3f}×", verdict(r <= 0.5)))
    return rows


def realm_rows(realm: Dict) -> List[Row]:
    rows: List[Row] = []
    for label, res in realm["delays"].items():
        r = res[OURS]["wall"] / res[KMS]["wall"]
        if label == "bare":
            rows.append(("Realm re-run via ansible-playbook, bare moto (ours / kms_key)", "report", f"{r:.3f}×", "reported"))
        else:
            rows.append((f"Realm re-run via ansible-playbook, {label} (ours / kms_key)", "≤ 0.7×", f"{r:.3f}×",
                         verdict(r <= 0.7)))
    return rows


def fleet_rows(fleet: Dict) -> List[Row]:
    rows: List[Row] = []
    small, big = min(fleet["sizes"]), max(fleet["sizes"])
    for phase in ("rerun", "converge"):
        a, b = fleet_run(fleet, "ours", phase, small), fleet_run(fleet, "ours", phase, big)
        if a and b:
            for what in ("wall", "cpu"):
                g = (b[what] / big) / (a[what] / small)
                rows.append((f"Fleet {phase}: {what} per account at {big} vs {small} accounts (forks {b['forks']})",
                             "≤ 1.15×", f"{g:.3f}×", verdict(g <= 1.15)))
    compared = [n for n in fleet["compare_sizes"] if fleet_run(fleet, "kms_key", "rerun", n) and fleet_run(fleet, "ours", "rerun", n)]
    for n in compared:
        o, k = fleet_run(fleet, "ours", "rerun", n), fleet_run(fleet, "kms_key", "rerun", n)
        r = o["cpu"] / k["cpu"]
        rows.append((f"Fleet re-run, {n} accounts: CPU seconds per account (ours / kms_key)", "≤ 0.8×",
                     f"{r:.3f}×", verdict(r <= 0.8)))
    rows += forks_rows(fleet)
    return rows


def forks_rows(fleet: Dict) -> List[Row]:
    rows: List[Row] = []
    small, top, cores = min(fleet["sizes"]), max(fleet["forks"]), fleet["cores"]
    one = fleet_run(fleet, "ours", "rerun", small, 1)
    if not one:
        return rows
    need = 0.8 * cores
    for n in sorted({small, max(fleet["sizes"])}):
        many = fleet_run(fleet, "ours", "rerun", n, top)
        if not many:
            continue
        speedup = (one["wall"] / small) / (many["wall"] / n)
        machine = many.get("machine_busy", 0.0)
        bound = "CPU-bound" if many["util"] >= 0.75 or machine >= 0.9 else "latency-bound"
        rows.append((f"Fleet re-run throughput, forks {top} ({n} accounts) vs forks 1 ({small} accounts)",
                     f"≥ 0.8 × {cores} cores = {need:.1f}× when CPU-bound, more when latency-bound",
                     f"{speedup:.2f}× ({bound}: this run kept the cores {many['util'] * 100:.0f}% busy"
                     + (f", the whole machine was {machine * 100:.0f}% busy" if "machine_busy" in many else "")
                     + f" at forks {top})",
                     verdict(speedup >= need)))
    return rows


def all_rows(results: Dict) -> List[Row]:
    rows: List[Row] = []
    if "calls" in results:
        rows += call_rows(results["calls"])
    if "timing" in results:
        rows += timing_rows(results["timing"])
    if "realm" in results:
        rows += realm_rows(results["realm"])
    if "fleet" in results:
        rows += fleet_rows(results["fleet"])
    return rows
