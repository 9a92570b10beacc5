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


def wall_ratio_rows(delays: Dict, figure: str, delayed: str, limit: float, bare_goal: str, bare_verdict) -> List[Row]:
    """One row per endpoint for ours' wall time over kms_key's: on bare moto ``bare_goal`` and ``bare_verdict(ratio)``,
    through the proxy (``delayed`` names the endpoint) the ratio must be at most ``limit``."""
    rows: List[Row] = []
    for label, res in delays.items():
        r = res[OURS]["wall"] / res[KMS]["wall"]
        if label == "bare":
            rows.append((f"{figure}, bare moto (ours / kms_key)", bare_goal, f"{r:.3f}×", bare_verdict(r)))
        else:
            rows.append((f"{figure}, {delayed.format(label)} (ours / kms_key)", f"≤ {limit:g}×", f"{r:.3f}×",
                         verdict(r <= limit)))
    return rows


def timing_rows(timing: Dict) -> List[Row]:
    return wall_ratio_rows(timing["delays"], "Module process time, no-change", "{} per call", 0.5,
                           "report; aim ≤ 0.8×", lambda r: "met (aim)" if r <= 0.8 else "reported; aim missed")


def realm_rows(realm: Dict) -> List[Row]:
    return wall_ratio_rows(realm["delays"], "Realm re-run via ansible-playbook", "{}", 0.7, "report",
                           lambda r: "reported")


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


def per_section(results: Dict, makers) -> list:
    """What each ``(section, maker)`` makes of its section of ``results``, for the sections this run has."""
    out: list = []
    for section, make in makers:
        if section in results:
            out += make(results[section])
    return out


def all_rows(results: Dict) -> List[Row]:
    return per_section(results, (("calls", call_rows), ("timing", timing_rows), ("realm", realm_rows),
                                 ("fleet", fleet_rows)))
