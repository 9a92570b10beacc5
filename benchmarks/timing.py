"""Section 2: module process time of a no-change run, ours vs amazon.aws.kms_key.

What is timed is the module process alone, the way Ansible runs it: the AnsiballZ payload that
``ansible localhost -m MODULE -a ARGS`` writes (kept with ANSIBLE_KEEP_REMOTE_FILES, built once per
module and endpoint) is executed with the venv's Python, ``python AnsiballZ_<module>.py``. The
controller's own work (templating, forking, building the payload) is left out here; section 3
includes it.
"""

from __future__ import annotations

import json
import os
from typing import Dict, List

import modules
from measure import Timed, interleave, run_timed, summary
from servers import Stack

REGION = "eu-central-1"


def payload_env() -> Dict[str, str]:
    env = modules.ansible_env("/tmp")
    return {k: v for k, v in env.items() if not k.startswith("ANSIBLE_")}


def module_result(log: str) -> dict:
    with open(log, encoding="utf-8", errors="replace") as f:
        text = f.read()
    return json.JSONDecoder().raw_decode(text[text.index("{"):])[0]


def build_payloads(stacks: Dict[str, Stack], workdir: str) -> Dict[tuple, str]:
    """{(module, delayed): payload path}. The first build of each module creates its key."""
    payloads = {}
    for module, stack in stacks.items():
        for delayed in (False, True):
            name = f"AnsiballZ_{modules.NAMES[module].replace('.', '_')}_{'50ms' if delayed else 'bare'}.py"
            args = modules.module_args(module, REGION, stack.url(delayed))
            payloads[(module, delayed)] = modules.build_payload(module, args, workdir, os.path.join(workdir, name))
    return payloads


def run_payload(payload: str, log: str) -> Timed:
    timed = run_timed(modules.payload_command(payload), payload_env(), os.path.dirname(payload), log)
    result = module_result(log)
    if result.get("changed") or result.get("failed"):
        raise RuntimeError(f"{payload}: expected a no-change run, got {str(result)[:500]}")
    return timed


def run(stacks: Dict[str, Stack], payloads: Dict[tuple, str], workdir: str, log, reps: int = 9) -> Dict:
    logs = os.path.join(workdir, "logs")
    os.makedirs(logs, exist_ok=True)
    results: Dict = {"reps": reps, "delays": {}}
    for delayed in (False, True):
        label = f"{stacks[modules.OURS].proxy.delay_ms:g} ms" if delayed else "bare"
        for module in stacks:  # warm-up: page cache, .pyc files; also checks the run changes nothing
            run_payload(payloads[(module, delayed)], os.path.join(logs, f"warmup-{modules.NAMES[module]}-{label}.log"))
        runners = {
            module: (lambda rep, m=module: run_payload(
                payloads[(m, delayed)], os.path.join(logs, f"{modules.NAMES[m]}-{label.replace(' ', '')}-{rep}.log")))
            for module in stacks
        }
        runs: Dict[str, List[Timed]] = interleave(runners, reps)
        results["delays"][label] = summary(runs)
        log(f"  module process {label}: {modules.wall_pair(results['delays'][label], 3)}")
    return results
