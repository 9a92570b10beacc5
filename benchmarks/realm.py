"""Section 3: the Europe realm's re-run through ansible-playbook, ours vs amazon.aws.kms_key.

Ours is the collection's role, cmkops.atlassian_cmk.realm_keys (benchmarks/playbooks/role.yml); if the
role is missing or fails, the module looped over the realm's regions (playbooks/loop.yml) stands in and
the report says so. kms_key's side is benchmarks/playbooks/kms_key.yml: kms_key looped over the same
regions with the same alias, policy, tags, description and rotation. One account (the current
credentials, no AssumeRole), both regions; the whole ansible-playbook process is timed.
"""

from __future__ import annotations

import os
from typing import Dict, Tuple

import modules
import playbook as pb
from measure import interleave, median, summary
from servers import Stack


def choose_ours(stack: Stack, workdir: str, log) -> Tuple[str, str]:
    """(playbook, note): the role when it exists and converges, else the module in a loop."""
    role_dir = modules.ROOT / "roles" / "realm_keys" / "tasks" / "main.yml"
    inventory = pb.write_inventory(os.path.join(workdir, "inv-ours-bare.json"), stack.url(False), None,
                                   os.path.join(workdir, "report"))
    if role_dir.exists():
        try:
            pb.run_playbook(os.path.join(pb.PLAYBOOKS, "role.yml"), inventory, 5, workdir,
                            os.path.join(workdir, "converge-role.log"))
            return os.path.join(pb.PLAYBOOKS, "role.yml"), "the collection's role cmkops.atlassian_cmk.realm_keys"
        except RuntimeError as e:
            log(f"  realm: the role failed ({str(e)[:200]}); using the module in a loop")
            note = "the module looped over the realm's regions (benchmarks/playbooks/loop.yml): the role failed"
    else:
        note = "the module looped over the realm's regions (benchmarks/playbooks/loop.yml): roles/realm_keys missing"
    loop = os.path.join(pb.PLAYBOOKS, "loop.yml")
    pb.run_playbook(loop, inventory, 5, workdir, os.path.join(workdir, "converge-loop.log"))
    return loop, note


def run(stacks: Dict[str, Stack], workdir: str, log, reps: int = 7) -> Dict:
    logs = os.path.join(workdir, "logs")
    os.makedirs(logs, exist_ok=True)
    ours_play, note = choose_ours(stacks[modules.OURS], workdir, log)
    plays = {modules.OURS: ours_play, modules.KMS_KEY: os.path.join(pb.PLAYBOOKS, "kms_key.yml")}
    inventories = {}
    for module, stack in stacks.items():
        for delayed in (False, True):
            inventories[(module, delayed)] = pb.write_inventory(
                os.path.join(workdir, f"inv-{modules.NAMES[module]}-{'50ms' if delayed else 'bare'}.json"),
                stack.url(delayed), None, os.path.join(workdir, "report"))
    # converge kms_key's realm (its eu-central-1 key exists from section 2; eu-west-1 is new)
    pb.run_playbook(plays[modules.KMS_KEY], inventories[(modules.KMS_KEY, False)], 5, workdir,
                    os.path.join(workdir, "converge-kms_key.log"))
    noop = os.path.join(pb.PLAYBOOKS, "noop.yml")
    floor = median([pb.run_playbook(noop, inventories[(modules.OURS, False)], 5, workdir,
                                    os.path.join(logs, f"noop-{i}.log")).timed.wall for i in range(3)])
    results: Dict = {"reps": reps, "ours_playbook": os.path.relpath(ours_play, modules.ROOT), "note": note,
                     "floor": floor, "delays": {}}
    for delayed in (False, True):
        label = f"{stacks[modules.OURS].proxy.delay_ms:g} ms" if delayed else "bare"

        def runner(module, rep, delayed=delayed, label=label):
            r = pb.run_playbook(plays[module], inventories[(module, delayed)], 5, workdir,
                                os.path.join(logs, f"{modules.NAMES[module]}-{label.replace(' ', '')}-{rep}.log"))
            if r.changed:
                raise RuntimeError(f"{plays[module]}: the re-run changed {r.changed} task(s); see {r.timed.log}")
            return r.timed

        runs = interleave({m: (lambda rep, m=m: runner(m, rep)) for m in stacks}, reps)
        results["delays"][label] = summary(runs)
        log(f"  realm re-run {label}: {modules.wall_pair(results['delays'][label])}")
    return results
