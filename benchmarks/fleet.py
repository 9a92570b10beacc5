"""Side-by-side timings through ansible-playbook, ours vs amazon.aws.kms_key, every timed run a re-run.

- realm: one account (the current credentials), the europe realm, on bare moto and at ``delay_ms``
  per call; ours is the role (playbooks/role.yml).
- fleet: ``n`` accounts reached by sts:AssumeRole (moto gives each its own backend), ``delay_ms`` per
  call: the role alone, site.yml (the role and the report), and kms_key looped (playbooks/kms_key.yml).

Each side's keys are made first, untimed, straight on moto, as each would have made them; the re-runs are
then interleaved, ``reps`` each, and their medians kept. A re-run that changes anything fails the
benchmark, so the seeded keys are proved to be what each side makes.
"""

from __future__ import annotations

import os
from typing import Dict, List, Optional

from common import ROOT, Stack, interleave, run_playbook, seed_fleet, write_inventory

HERE = os.path.dirname(os.path.abspath(__file__))
PLAYS = {"role": os.path.join(HERE, "playbooks", "role.yml"), "site.yml": str(ROOT / "playbooks" / "site.yml"),
         "kms_key": os.path.join(HERE, "playbooks", "kms_key.yml")}


def rerun(play: str, inventory: str, forks: int, workdir: str, name: str):
    def timed(rep: int) -> Dict:
        got = run_playbook(PLAYS[play], inventory, forks, workdir, os.path.join(workdir, f"{name}-{rep}.log"))
        if got["changed"]:
            raise RuntimeError(f"{name}: a re-run changed {got['changed']} task(s)")
        return got
    return timed


def sides(workdir: str, tag: str, delay_ms: float, accounts: Optional[List[str]], plays: List[str],
          forks: int, reps: int) -> Dict[str, Dict]:
    """The re-runs of ``plays`` for these accounts, at delay_ms and (realm only) on bare moto."""
    out: Dict[str, Dict] = {}
    with Stack(delay_ms) as ours, Stack(delay_ms) as theirs:
        if "kms_key" in plays:
            seed_fleet(theirs.moto.url, accounts)
        if set(plays) - {"kms_key"}:
            seed_fleet(ours.moto.url, accounts, ours=True)
        for delayed in ([True] if accounts else [False, True]):
            inventories = {stack: write_inventory(os.path.join(workdir, f"inv-{tag}-{i}-{delayed}.json"),
                                                  stack.url(delayed), accounts, os.path.join(workdir, "report"))
                           for i, stack in enumerate((ours, theirs))}
            runners = {play: rerun(play, inventories[theirs if play == "kms_key" else ours], forks, workdir,
                                   f"{tag}-{play}-{delayed}") for play in plays}
            out[f"{delay_ms:g} ms per call" if delayed else "bare moto"] = interleave(runners, reps)
    return out


def run(workdir: str, log, delay_ms: float, sizes: Dict[int, tuple], forks: int, reps: int) -> Dict:
    """``sizes``: accounts -> (plays, reps) of the fleet re-runs."""
    os.makedirs(workdir, exist_ok=True)
    realm = sides(workdir, "realm", delay_ms, None, ["role", "kms_key"], 1, reps)
    log(f"  realm: {realm}")
    fleet = {}
    for n, (plays, n_reps) in sizes.items():
        accounts = [f"{100000000000 + i:012d}" for i in range(1, n + 1)]
        fleet[n] = sides(workdir, f"fleet{n}", delay_ms, accounts, plays, forks, n_reps)[f"{delay_ms:g} ms per call"]
        log(f"  fleet {n}: {fleet[n]}")
    return {"realm": realm, "fleet": fleet, "forks": forks, "reps": reps, "delay_ms": delay_ms,
            "reps_by_size": {n: r for n, (_plays, r) in sizes.items()}}
