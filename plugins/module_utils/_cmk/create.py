# -*- coding: utf-8 -*-
# Copyright: cmkops contributors
# GNU General Public License v3.0+ (see https://www.gnu.org/licenses/gpl-3.0.txt)
"""The crash- and race-safe creation saga: the one path allowed more than the four reads.

New keys carry marker tags (the alias they are for, and a token for the attempt), found again with the
tagging API. So a run that died after CreateKey is finished by the next one, a lost CreateKey answer is
found instead of retried blindly, and of runs racing for one alias one key wins: the others are marked
superseded and scheduled for deletion.

``prepare`` reads and plans (check mode stops after it); ``carry_out`` writes, and returns the plan of the
key that holds the alias at the end.
"""

from __future__ import annotations

import uuid
from typing import Any, Dict, List, NamedTuple, Optional

from . import kms
from . import sts
from .desired import Desired
from .plan import MARKER_ALIAS, MARKER_ATTEMPT, MARKER_SUPERSEDED, Plan, creation_tags, plan_create
from .runner import KeyProblem, Run, plan_key, read_key, refuse_full_tags

SUPERSEDED_WINDOW_DAYS = 7


class Creation(NamedTuple):
    plan: Plan
    orphans: List[Dict[str, Any]]  # earlier runs' unaliased keys, oldest first; [] when a key is to be made
    desired: Optional[Desired]
    attempt: str


def prepare(run: Run) -> Creation:
    account_id, caller_arn = sts.caller_identity(run.client("sts"))
    run.guard_account(account_id)
    orphans = _orphans(run)
    if orphans:
        # Earlier runs made these keys and died before their alias: finish the oldest, make no other,
        # and retire the rest, which no later run would look at again.
        run.warnings.append(f"{run.alias} in {run.region}: finishing key {orphans[0]['metadata']['Arn']} left "
                            "without its alias by an earlier run")
        for twin in orphans[1:] if run.check_mode else []:  # a real run says so as it retires each
            run.warnings.append(f"{run.region}: key {twin['metadata']['KeyId']}, also left without its alias, "
                                "would be marked superseded and scheduled for deletion")
        plan = plan_key(run, orphans[0])
        return Creation(plan._replace(actions=[("create_alias", {})] + plan.actions), orphans, None, "")
    desired = run.desired(account_id)
    run.lint(desired.policy, account_id, caller_arn)
    attempt = uuid.uuid4().hex
    plan = plan_create(desired, account_id, attempt)
    refuse_full_tags(plan)
    return Creation(plan, [], desired, attempt)


def carry_out(run: Run, creation: Creation) -> Plan:
    if creation.orphans:
        plan = _claim(run, creation.orphans[0])
        for twin in creation.orphans:
            if twin["metadata"]["Arn"] != plan.result["key_arn"]:
                _supersede(run, twin["metadata"]["KeyId"], plan.result["key_arn"])
        return plan
    desired = creation.desired
    meta, uncertain = kms.create_key_once(
        run.kms, run.client("resourcegroupstaggingapi"), desired.policy, desired.description,
        creation_tags(desired, creation.attempt), desired.bypass_lockout,
        (MARKER_ATTEMPT, creation.attempt))
    run.done.append("create_key")
    try:
        run.write("create_alias", meta["KeyId"])
    except kms.AliasTaken:
        return _lost_race(run, meta)
    if uncertain:
        _retire_twins(run, creation.attempt, meta)
    if "KeyState" not in meta:  # found by its attempt tag after a lost answer: read it whole
        meta = kms.describe_key(run.kms, meta["KeyId"]) or dict(meta, KeyState="Enabled", Description=desired.description)
    plan = plan_create(desired, kms.account_of(meta["Arn"]), creation.attempt, created=meta)
    run.apply(meta["KeyId"], plan)
    return plan


def _orphans(run: Run) -> List[Dict[str, Any]]:
    """Live keys marked for the alias and not superseded, oldest first: earlier runs' keys, unaliased."""
    found = kms.keys_tagged(run.client("resourcegroupstaggingapi"), MARKER_ALIAS, run.alias)
    live = []
    for item in found:
        if MARKER_SUPERSEDED in item["tags"]:
            continue
        current = read_key(run.kms, item["arn"])
        if current and current["metadata"]["KeyState"] in ("Enabled", "Disabled"):
            live.append(current)
    live.sort(key=lambda c: (str(c["metadata"].get("CreationDate")), c["metadata"]["KeyId"]))
    return live


def _claim(run: Run, current: Dict[str, Any]) -> Plan:
    try:
        run.write("create_alias", current["metadata"]["KeyId"])
    except kms.AliasTaken:
        return _follow(run)
    return _converge(run, current)


def _lost_race(run: Run, mine: Dict[str, Any]) -> Plan:
    winner = kms.describe_key(run.kms, run.alias)
    if winner is not None and winner["KeyId"] == mine["KeyId"]:
        # The alias is ours after all: CreateAlias's first answer was lost and its retry saw it.
        run.done.append("create_alias")
        return _converge(run, read_key(run.kms, mine["KeyId"]))
    # Another run created the key at the same time and its alias won: retire ours.
    _supersede(run, mine["KeyId"], winner["Arn"] if winner else "another key")
    return _follow(run)


def _retire_twins(run: Run, attempt: str, mine: Dict[str, Any]) -> None:
    """After an uncertain CreateKey, retire any other key the same attempt made (found late)."""
    for twin in kms.keys_tagged(run.client("resourcegroupstaggingapi"), MARKER_ATTEMPT, attempt):
        twin_id = kms.key_id_of(twin["arn"])
        if twin_id != mine["KeyId"] and MARKER_SUPERSEDED not in twin["tags"]:
            _supersede(run, twin_id, mine["Arn"])


def _supersede(run: Run, key_id: str, by: str) -> None:
    run.write("tag_resource", key_id, tags={MARKER_SUPERSEDED: by})
    run.write("schedule_key_deletion", key_id, days=SUPERSEDED_WINDOW_DAYS)
    run.warnings.append(f"{run.region}: key {key_id} is a duplicate, marked superseded by {by} and "
                        f"scheduled for deletion in {SUPERSEDED_WINDOW_DAYS} days")


def _follow(run: Run) -> Plan:
    current = read_key(run.kms, run.alias)
    if current is None:
        raise KeyProblem(f"{run.alias} in {run.region} changed hands twice during this run; run it again")
    return _converge(run, current)


def _converge(run: Run, current: Dict[str, Any]) -> Plan:
    plan = plan_key(run, current)
    run.apply(current["metadata"]["KeyId"], plan)
    return plan
