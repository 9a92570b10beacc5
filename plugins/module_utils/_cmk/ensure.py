# -*- coding: utf-8 -*-
# Copyright: cmkops contributors
# GNU General Public License v3.0+ (see https://www.gnu.org/licenses/gpl-3.0.txt)
"""One region's run: read, plan, and (unless in check mode) apply.

The normal path reads one key by its alias (DescribeKey, GetKeyPolicy, GetKeyRotationStatus,
ListResourceTags) and never lists the account. Creation alone does more, to stay crash- and
race-safe: keys carry marker tags, found again with the tagging API, so a run that died after
CreateKey is finished by the next one, and of two runs racing for one alias one key wins.
"""

from __future__ import annotations

import time
import uuid
from concurrent.futures import ThreadPoolExecutor
from typing import Any, Callable, Dict, List, Optional, Tuple

from ansible_collections.amazon.aws.plugins.module_utils.cloud import BackoffIterator

from . import kms
from .plan import MARKER_ALIAS, MARKER_ATTEMPT, MARKER_SUPERSEDED, Plan
from .plan import creation_tags, desired_state, key_problem, plan_absent, plan_create, plan_present, result_of
from .policy import desired_policy, lint_policy, locks_out
from .validate import MAX_TAGS, InvalidInput, alias_name

SUPERSEDED_WINDOW_DAYS = 7
CREATE_ATTEMPTS = 5


class KeyProblem(Exception):
    """The key behind the alias must not be touched; the message says why and what to do."""


class Run:
    """The clients and inputs of one region's run; AWS clients are made only when needed."""

    def __init__(self, params: Dict[str, Any], region: str, kms_client, make_client: Callable[[str], Any],
                 check_mode: bool):
        self.params = params
        self.region = region
        self.kms = kms_client
        self._make_client = make_client
        self._clients: Dict[str, Any] = {}
        self.check_mode = check_mode
        self.warnings: List[str] = []

    def client(self, service: str):
        if service not in self._clients:
            self._clients[service] = self._make_client(service)
        return self._clients[service]

    def desired(self, account_id: str) -> Dict[str, Any]:
        return desired_state(self.params, desired_policy(self.params, account_id, self.region), self.region)

    def guard_account(self, account_id: str) -> None:
        expected = self.params.get("account_id")
        if expected and expected != account_id:
            raise InvalidInput("account_id", expected, f"the credentials belong to account {account_id}; "
                               "nothing was changed")

    def lint(self, policy: dict, account_id: str, caller_arn: Optional[str] = None) -> None:
        bypass = self.params["bypass_policy_lockout_safety_check"]
        if not bypass and caller_arn is None and locks_out(policy, account_id):
            caller_arn = kms.caller_identity(self.client("sts"))[1]  # the caller may still hold the key
        option = "policy_template" if self.params.get("policy_template") is not None else "policy"
        errors = lint_policy(option, policy, account_id, caller_arn, allow_lockout=bypass,
                             allow_wildcard=self.params["allow_wildcard_principal"])
        if errors:
            raise errors[0]


def read_key(client, key_id: str) -> Optional[Dict[str, Any]]:
    meta = kms.describe_key(client, key_id)
    if meta is None:
        return None
    # The three reads need the key id (KMS takes no alias there) but not each other: made side by side,
    # a run costs two round trips instead of four (botocore clients are thread-safe).
    with ThreadPoolExecutor(max_workers=3) as pool:
        policy = pool.submit(kms.get_key_policy, client, meta["KeyId"])
        rotation = pool.submit(kms.get_key_rotation, client, meta["KeyId"])
        tags = pool.submit(kms.list_tags, client, meta["KeyId"])
    return {
        "metadata": meta,
        "policy": policy.result(),
        "rotation_enabled": rotation.result()[0],
        "rotation_period_days": rotation.result()[1],
        "tags": tags.result(),
    }


def ensure(run: Run) -> Plan:
    alias = alias_name(run.params["alias"])
    current = read_key(run.kms, alias)
    if current is None:
        if run.params["state"] == "absent":
            return _nothing(run, alias)
        return _create(run, alias)
    return _converge(run, current)


def _converge(run: Run, current: Dict[str, Any], extra: Optional[List] = None) -> Plan:
    account_id = current["metadata"]["Arn"].split(":")[4]
    run.guard_account(account_id)
    desired = run.desired(account_id)
    problem = key_problem(current, desired)
    if problem:
        raise KeyProblem(problem)
    plan = (plan_absent if desired["state"] == "absent" else plan_present)(current, desired, account_id)
    plan = plan._replace(actions=list(extra or []) + plan.actions, warnings=plan.warnings + run.warnings)
    if any(name == "put_key_policy" for name, _args in plan.actions):
        run.lint(desired["policy"], account_id)
    if len(plan.result["tags"]) > MAX_TAGS:
        raise InvalidInput("tags", f"<{len(plan.result['tags'])} tags with the key's own>",
                           f"a KMS key holds at most {MAX_TAGS} tags; with purge_tags=false the key's other tags stay")
    if not run.check_mode:
        _apply(run, current["metadata"]["KeyId"], plan)
    return plan


def _apply(run: Run, key_id: str, plan: Plan) -> None:
    bypass = run.params["bypass_policy_lockout_safety_check"]
    for name, args in plan.actions:
        if name == "put_key_policy":
            kms.put_key_policy(run.kms, key_id, args["policy"], bypass)
        elif name == "create_alias":
            kms.create_alias(run.kms, plan.result["alias"], key_id)
        else:
            getattr(kms, name)(run.kms, key_id, **args)


def _nothing(run: Run, alias: str) -> Plan:
    result = result_of({"KeyState": None}, None, (False, None), {}, alias, run.region, run.params.get("account_id"))
    return Plan([], result, {"before": {}, "after": {}}, [])


# ---------------------------------------------------------------- creation


def _create(run: Run, alias: str) -> Plan:
    account_id, caller_arn = kms.caller_identity(run.client("sts"))
    run.guard_account(account_id)
    orphans = _orphans(run, alias)
    if orphans:
        # Earlier runs made these keys and died before their alias: finish the oldest, make no other,
        # and retire the rest, which no later run would look at again.
        run.warnings.append(f"{alias} in {run.region}: finishing key {orphans[0]['metadata']['Arn']} left "
                            "without its alias by an earlier run")
        plan = _claim(run, alias, orphans[0])
        for twin in orphans:
            if twin["metadata"]["Arn"] == plan.result["key_arn"]:
                continue
            if run.check_mode:
                run.warnings.append(f"{run.region}: key {twin['metadata']['KeyId']}, also left without its alias, "
                                    "would be marked superseded and scheduled for deletion")
            else:
                _supersede(run, twin["metadata"]["KeyId"], plan.result["key_arn"])
        return plan._replace(warnings=list(dict.fromkeys(plan.warnings + run.warnings)))
    desired = run.desired(account_id)
    run.lint(desired["policy"], account_id, caller_arn)
    attempt = uuid.uuid4().hex
    plan = plan_create(desired, account_id, attempt)
    if run.check_mode:
        return plan
    meta, uncertain = _create_key_once(run, desired, attempt)
    try:
        kms.create_alias(run.kms, alias, meta["KeyId"])
    except kms.AliasTaken:
        return _lost_race(run, alias, meta)
    if uncertain:
        _retire_twins(run, attempt, meta)
    for name, args in plan.actions:
        if name not in ("create_key", "create_alias"):
            getattr(kms, name)(run.kms, meta["KeyId"], **args)
    plan.result.update(key_arn=meta["Arn"], key_id=meta["KeyId"], account_id=account_id)
    return plan._replace(warnings=run.warnings)


def _create_key_once(run: Run, desired: Dict[str, Any], attempt: str) -> Tuple[Dict[str, Any], bool]:
    """CreateKey, retried only when it certainly did not happen, or when the attempt's tag finds no key.

    Returns the key and whether an earlier try's outcome stayed unknown (a lost answer, a 5xx).
    """
    waits = iter(BackoffIterator(delay=0.5, backoff=2.0, max_delay=8, jitter=True))
    uncertain = False
    for tries_left in range(CREATE_ATTEMPTS - 1, -1, -1):
        try:
            meta = kms.create_key(run.kms, desired["policy"], desired["description"],
                                  creation_tags(desired, attempt), run.params["bypass_policy_lockout_safety_check"])
            return meta, uncertain
        except kms.CmkAWSError as e:
            if not tries_left or not (kms.create_key_transient(e) or kms.create_key_unknown(e)):
                raise
            if kms.create_key_unknown(e):
                uncertain = True
                made = _keys_of_attempt(run, attempt)
                if made:
                    return _metadata_of(made[0]["arn"]), uncertain
            time.sleep(next(waits))
    raise AssertionError("unreachable")


def _keys_of_attempt(run: Run, attempt: str) -> List[Dict[str, Any]]:
    return kms.keys_tagged(run.client("resourcegroupstaggingapi"), MARKER_ATTEMPT, attempt)


def _metadata_of(arn: str) -> Dict[str, Any]:
    return {"Arn": arn, "KeyId": arn.split("/")[-1], "AWSAccountId": arn.split(":")[4]}


def _retire_twins(run: Run, attempt: str, mine: Dict[str, Any]) -> None:
    """After an uncertain CreateKey, retire any other key the same attempt made (found late)."""
    for twin in _keys_of_attempt(run, attempt):
        twin_id = twin["arn"].split("/")[-1]
        if twin_id != mine["KeyId"] and MARKER_SUPERSEDED not in twin["tags"]:
            _supersede(run, twin_id, mine["Arn"])


def _supersede(run: Run, key_id: str, by: str) -> None:
    kms.tag_resource(run.kms, key_id, {MARKER_SUPERSEDED: by})
    kms.schedule_key_deletion(run.kms, key_id, SUPERSEDED_WINDOW_DAYS)
    run.warnings.append(f"{run.region}: key {key_id} is a duplicate, marked superseded by {by} and "
                        f"scheduled for deletion in {SUPERSEDED_WINDOW_DAYS} days")


def _orphans(run: Run, alias: str) -> List[Dict[str, Any]]:
    """Live keys marked for ``alias`` and not superseded, oldest first: earlier runs' keys, unaliased."""
    found = kms.keys_tagged(run.client("resourcegroupstaggingapi"), MARKER_ALIAS, alias)
    live = []
    for item in found:
        if MARKER_SUPERSEDED in item["tags"]:
            continue
        current = read_key(run.kms, item["arn"])
        if current and current["metadata"]["KeyState"] in ("Enabled", "Disabled"):
            live.append(current)
    live.sort(key=lambda c: (str(c["metadata"].get("CreationDate")), c["metadata"]["KeyId"]))
    return live


def _claim(run: Run, alias: str, current: Dict[str, Any]) -> Plan:
    if run.check_mode:
        return _converge(run, current, extra=[("create_alias", {})])
    try:
        kms.create_alias(run.kms, alias, current["metadata"]["KeyId"])
    except kms.AliasTaken:
        return _follow(run, alias)
    plan = _converge(run, current)
    return plan._replace(actions=[("create_alias", {})] + plan.actions)


def _lost_race(run: Run, alias: str, mine: Dict[str, Any]) -> Plan:
    winner = kms.describe_key(run.kms, alias)
    if winner is not None and winner["KeyId"] == mine["KeyId"]:
        # The alias is ours after all: CreateAlias's first answer was lost and its retry saw it.
        return _finish_after_create(run, alias, mine)
    # Another run created the key at the same time and its alias won: retire ours.
    _supersede(run, mine["KeyId"], winner["Arn"] if winner else "another key")
    plan = _follow(run, alias)
    return plan._replace(actions=[("create_key", {}), ("schedule_key_deletion", {})] + plan.actions)


def _finish_after_create(run: Run, alias: str, mine: Dict[str, Any]) -> Plan:
    current = read_key(run.kms, mine["KeyId"])
    plan = _converge(run, current)
    return plan._replace(actions=[("create_key", {}), ("create_alias", {})] + plan.actions)


def _follow(run: Run, alias: str) -> Plan:
    current = read_key(run.kms, alias)
    if current is None:
        raise KeyProblem(f"{alias} in {run.region} changed hands twice during this run; run it again")
    return _converge(run, current)
