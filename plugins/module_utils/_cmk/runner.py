# -*- coding: utf-8 -*-
# Copyright: cmkops contributors
# GNU General Public License v3.0+ (see https://www.gnu.org/licenses/gpl-3.0.txt)
"""One region's run: its inputs and clients, the reads of a key, the plan for an existing key, and the
explicit table of writes that carry a plan out (each write is recorded: what was done, not what was planned).
"""

from __future__ import annotations

from concurrent.futures import ThreadPoolExecutor
from typing import Any, Callable, Dict, List, Optional

from . import kms
from .plan import Plan, desired_state, key_problem, plan_absent, plan_present
from .policy import desired_policy, lint_policy, locks_out
from .validate import MAX_TAGS, InvalidInput, alias_name


class KeyProblem(Exception):
    """The key behind the alias must not be touched; the message says why and what to do."""


class Run:
    """The clients and inputs of one region's run; AWS clients are made only when needed."""

    def __init__(self, params: Dict[str, Any], region: str, kms_client, make_client: Callable[[str], Any],
                 check_mode: bool):
        self.params = params
        self.region = region
        self.alias = alias_name(params["alias"])
        self.kms = kms_client
        self._make_client = make_client
        self._clients: Dict[str, Any] = {}
        self.check_mode = check_mode
        self.warnings: List[str] = []
        self.done: List[str] = []  # the writes made, in order

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

    def write(self, name: str, key_id: str, **args: Any) -> None:
        """One write of the table below, recorded in ``done``."""
        WRITES[name](self, key_id, **args)
        self.done.append(name)

    def apply(self, key_id: str, plan: Plan) -> None:
        for name, args in plan.actions:
            self.write(name, key_id, **args)


def _bypass(run: Run) -> bool:
    return run.params["bypass_policy_lockout_safety_check"]


# Every write a plan can hold: action name -> the AWS wrapper that does it.
WRITES: Dict[str, Callable[..., None]] = {
    "create_alias": lambda run, key_id: kms.create_alias(run.kms, run.alias, key_id),
    "cancel_key_deletion": lambda run, key_id: kms.cancel_key_deletion(run.kms, key_id),
    "enable_key": lambda run, key_id: kms.enable_key(run.kms, key_id),
    "put_key_policy": lambda run, key_id, policy: kms.put_key_policy(run.kms, key_id, policy, _bypass(run)),
    "update_key_description": lambda run, key_id, description: kms.update_key_description(
        run.kms, key_id, description),
    "enable_key_rotation": lambda run, key_id, days: kms.enable_key_rotation(run.kms, key_id, days),
    "disable_key_rotation": lambda run, key_id: kms.disable_key_rotation(run.kms, key_id),
    "tag_resource": lambda run, key_id, tags: kms.tag_resource(run.kms, key_id, tags),
    "untag_resource": lambda run, key_id, keys: kms.untag_resource(run.kms, key_id, keys),
    "disable_key": lambda run, key_id: kms.disable_key(run.kms, key_id),
    "schedule_key_deletion": lambda run, key_id, days: kms.schedule_key_deletion(run.kms, key_id, days),
}


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


def plan_key(run: Run, current: Dict[str, Any]) -> Plan:
    """What an existing key needs; refuses a key that must not be touched, or a write that must not be made."""
    account_id = kms.account_of(current["metadata"]["Arn"])
    run.guard_account(account_id)
    desired = run.desired(account_id)
    problem = key_problem(current, desired)
    if problem:
        raise KeyProblem(problem)
    plan = (plan_absent if desired["state"] == "absent" else plan_present)(current, desired, account_id)
    if any(name == "put_key_policy" for name, _args in plan.actions):
        run.lint(desired["policy"], account_id)
    if len(plan.result["tags"]) > MAX_TAGS:
        raise InvalidInput("tags", f"<{len(plan.result['tags'])} tags with the key's own>",
                           f"a KMS key holds at most {MAX_TAGS} tags; with purge_tags=false the key's other tags stay")
    return plan
