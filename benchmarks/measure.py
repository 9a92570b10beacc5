"""Timing primitives: one child process's wall time and CPU seconds, medians, interleaving."""

from __future__ import annotations

import os
import statistics
import subprocess
import time
from dataclasses import dataclass
from typing import Callable, Dict, List, Optional, Sequence


@dataclass
class Timed:
    wall: float          # seconds
    cpu: float           # user + system seconds of the child and every descendant it waited for
    rc: int
    log: str             # where stdout and stderr went


def run_timed(cmd: Sequence[str], env: Dict[str, str], cwd: str, log: str, check: bool = True) -> Timed:
    """Run ``cmd``; its rusage comes from wait4, so it covers ansible's forks and module processes
    (each waited for by its parent) and nothing else running on the machine."""
    with open(log, "wb") as out:
        started = time.perf_counter()
        proc = subprocess.Popen(list(cmd), env=env, cwd=cwd, stdout=out, stderr=subprocess.STDOUT)
        _, status, usage = os.wait4(proc.pid, 0)
        wall = time.perf_counter() - started
    proc.returncode = os.waitstatus_to_exitcode(status)
    timed = Timed(wall, usage.ru_utime + usage.ru_stime, proc.returncode, log)
    if check and timed.rc != 0:
        with open(log, "rb") as f:
            tail = f.read()[-3000:].decode("utf-8", "replace")
        raise RuntimeError(f"{' '.join(cmd[:4])} ... exited {timed.rc} (log {log}):\n{tail}")
    return timed


def median(values: Sequence[float]) -> float:
    return statistics.median(values) if values else float("nan")


def interleave(runners: Dict[str, Callable[[int], Timed]], reps: int) -> Dict[str, List[Timed]]:
    """Run each runner ``reps`` times, alternating the order every round (A B, B A, ...), so drift
    in the machine's load (other jobs on it) falls on both sides equally."""
    names = list(runners)
    results: Dict[str, List[Timed]] = {n: [] for n in names}
    for rep in range(reps):
        order = names if rep % 2 == 0 else list(reversed(names))
        for name in order:
            results[name].append(runners[name](rep))
    return results


def summary(runs: Dict[str, List[Timed]]) -> Dict[str, Dict]:
    """For each runner of ``interleave``: the median wall and CPU seconds, and every wall time."""
    return {name: {"wall": median([t.wall for t in r]), "cpu": median([t.cpu for t in r]),
                   "walls": [t.wall for t in r]} for name, r in runs.items()}


def ratio(a: float, b: float) -> Optional[float]:
    return a / b if b else None


def load_average() -> str:
    try:
        return " ".join(f"{x:.2f}" for x in os.getloadavg())
    except OSError:
        return "n/a"
