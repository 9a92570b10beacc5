"""Where a fleet re-run's time goes: each module process timed by a wrapper interpreter, the AWS wait
measured by the latency proxy, the rest is Ansible's own per-task work on the controller.

The wrapper is a few lines of Python that Ansible is told is the interpreter (extra var
``ansible_python_interpreter``); it forks the real interpreter on the AnsiballZ payload, waits for it
with wait4 and appends {module, wall, cpu} to a JSON-lines file. It costs one small extra process per
module run, so it is used only in this profiling run, never in the timed ones.
"""

from __future__ import annotations

import json
import os
import re
import stat
import sys
from collections import defaultdict
from typing import Dict

WRAPPER = '''#!{python} -S
import json, os, sys, time
started = time.perf_counter()
pid = os.fork()
if pid == 0:
    os.execv({python!r}, [{python!r}] + sys.argv[1:])
_, status, usage = os.wait4(pid, 0)
name = os.path.basename(sys.argv[-1]) if len(sys.argv) > 1 else "?"
record = {{"module": name.replace("AnsiballZ_", "").replace(".py", ""), "wall": time.perf_counter() - started,
          "cpu": usage.ru_utime + usage.ru_stime}}
with open({log!r}, "a") as f:
    f.write(json.dumps(record) + "\\n")
sys.exit(os.waitstatus_to_exitcode(status))
'''


def make_wrapper(workdir: str, python: str) -> tuple:
    """(wrapper path, log path)."""
    log = os.path.join(workdir, "module-processes.jsonl")
    path = os.path.join(workdir, "timed-python")
    with open(path, "w") as f:
        f.write(WRAPPER.format(python=python, log=log))
    os.chmod(path, os.stat(path).st_mode | stat.S_IXUSR | stat.S_IXGRP | stat.S_IXOTH)
    if os.path.exists(log):
        os.remove(log)
    return path, log


def module_processes(log: str) -> Dict[str, Dict[str, float]]:
    out: Dict[str, Dict[str, float]] = defaultdict(lambda: {"count": 0, "wall": 0.0, "cpu": 0.0})
    with open(log) as f:
        for line in f:
            rec = json.loads(line)
            agg = out[rec["module"]]
            agg["count"] += 1
            agg["wall"] += rec["wall"]
            agg["cpu"] += rec["cpu"]
    return dict(out)


_TASK_LINE = re.compile(r"^(.+?) -{2,} (\d+\.\d+)s$")


def task_recap(ansible_log: str) -> Dict[str, float]:
    """profile_tasks' TASKS RECAP: task name -> seconds (wall, summed over hosts' overlap by Ansible)."""
    tasks: Dict[str, float] = {}
    with open(ansible_log, encoding="utf-8", errors="replace") as f:
        text = f.read()
    if "TASKS RECAP" not in text:
        return tasks
    for line in text.split("TASKS RECAP", 1)[1].splitlines():
        m = _TASK_LINE.match(line.strip())
        if m:
            tasks[m.group(1).strip()] = float(m.group(2))
    return tasks


def split(total_wall: float, total_cpu: float, procs: Dict[str, Dict[str, float]], calls: int,
          upstream_seconds: float, delay_ms: float, accounts: int) -> Dict[str, float]:
    """Per account, for a forks=1 run (serial, so wall times add up)."""
    mod_wall = sum(p["wall"] for p in procs.values())
    mod_cpu = sum(p["cpu"] for p in procs.values())
    aws_wait = calls * delay_ms / 1000 + upstream_seconds
    return {
        "wall": total_wall / accounts,
        "module_processes": mod_wall / accounts,
        "aws_wait": aws_wait / accounts,
        "module_startup_and_work": (mod_wall - aws_wait) / accounts,
        "ansible_controller": (total_wall - mod_wall) / accounts,
        "cpu": total_cpu / accounts,
        "module_cpu": mod_cpu / accounts,
        "controller_cpu": (total_cpu - mod_cpu) / accounts,
        "module_runs": sum(p["count"] for p in procs.values()) / accounts,
        "calls": calls / accounts,
    }


if __name__ == "__main__":  # print a wrapper, for trying it by hand
    print(WRAPPER.format(python=sys.executable, log="/tmp/module-processes.jsonl"))
