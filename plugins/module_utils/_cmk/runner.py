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
from . import sts
from .compare import adopting, compare
from .stacks import read_owner
from .desired import Desired
from .plan import Plan, plan_absent, plan_present, plan_retired, refusal, tag_room
from .policy import lint_policy, locks_out
from .usage import PERMISSION, last_used, unknown, unknown_reason
from .validate import InvalidInput


class KeyProblem(Exception):
    """The key behind the alias must not be touched; the message says why and what to do."""


class Run:
    """The clients and inputs of one region's run; AWS clients are made only when needed."""

    def __init__(self, wanted: Desired, kms_client, make_client: Callable[[str], Any], check_mode: bool):
        self.wanted = wanted
        self.region = wanted.region
        self.alias = wanted.alias
        self.kms = kms_client
        self._make_client = make_client
        self._clients: Dict[str, Any] = {}
        self.check_mode = check_mode
        self.warnings: List[str] = []
        self.done: List[str] = []  # the writes made, in order
        self._desired: Optional[tuple] = None

    def client(self, service: str):
        if service not in self._clients:
            self._clients[service] = self._make_client(service)
        return self._clients[service]

    def desired(self, account_id: str) -> Desired:
        """The request, with the policy rendered for this account (once per run)."""
        if self._desired is None or self._desired[0] != account_id:
            self._desired = (account_id, self.wanted.for_account(account_id))
        return self._desired[1]

    def guard_account(self, account_id: str) -> None:
        expected = self.wanted.account_id
        if expected and expected != account_id:
            raise InvalidInput("account_id", expected, f"the credentials belong to account {account_id}; "
                               "nothing was changed")

    def lint(self, policy: dict, account_id: str, caller_arn: Optional[str] = None) -> None:
        bypass = self.wanted.bypass_lockout
        if not bypass and caller_arn is None and locks_out(policy, account_id):
            caller_arn = sts.caller_identity(self.client("sts"))[1]  # the caller may still hold the key
        errors = lint_policy(self.wanted.policy_option, policy, account_id, caller_arn, allow_lockout=bypass,
                             allow_wildcard=self.wanted.allow_wildcard)
        if errors:
            raise errors[0]

    def write(self, name: str, key_id: str, **args: Any) -> None:
        """One write of the table below, recorded in ``done``."""
        WRITES[name](self, key_id, **args)
        self.done.append(name)

    def apply(self, key_id: str, plan: Plan) -> None:
        for name, args in plan.actions:
            self.write(name, key_id, **args)


# Every write a plan can hold: action name -> the AWS wrapper that does it.
WRITES: Dict[str, Callable[..., None]] = {
    "create_alias": lambda run, key_id: kms.create_alias(run.kms, run.alias, key_id),
    "cancel_key_deletion": lambda run, key_id: kms.cancel_key_deletion(run.kms, key_id),
    "enable_key": lambda run, key_id: kms.enable_key(run.kms, key_id),
    "put_key_policy": lambda run, key_id, policy: kms.put_key_policy(
        run.kms, key_id, policy, run.wanted.bypass_lockout),
    "update_key_description": lambda run, key_id, description: kms.update_key_description(
        run.kms, key_id, description),
    "enable_key_rotation": lambda run, key_id, days: kms.enable_key_rotation(run.kms, key_id, days),
    "disable_key_rotation": lambda run, key_id: kms.disable_key_rotation(run.kms, key_id),
    "tag_resource": lambda run, key_id, tags: kms.tag_resource(run.kms, key_id, tags),
    "untag_resource": lambda run, key_id, keys: kms.untag_resource(run.kms, key_id, keys),
    "disable_key": lambda run, key_id: kms.disable_key(run.kms, key_id),
    "schedule_key_deletion": lambda run, key_id, days: kms.schedule_key_deletion(run.kms, key_id, days),
}


def read_key(client, key_id: str, last_use: bool = False) -> Optional[Dict[str, Any]]:
    """The key's metadata, policy, rotation and tags; with ``last_use``, its last cryptographic use too."""
    meta = kms.describe_key(client, key_id)
    if meta is None:
        return None
    # The other reads need the key id (KMS takes no alias there) but not each other: made side by side,
    # a run costs two round trips instead of four or five (botocore clients are thread-safe).
    with ThreadPoolExecutor(max_workers=4) as pool:
        policy = pool.submit(kms.get_key_policy, client, meta["KeyId"])
        rotation = pool.submit(kms.get_key_rotation, client, meta["KeyId"])
        tags = pool.submit(kms.list_tags, client, meta["KeyId"])
        used = pool.submit(read_last_used, client, meta["KeyId"]) if last_use else None
    return {
        "metadata": meta,
        "policy": policy.result(),
        "rotation_enabled": rotation.result()[0],
        "rotation_period_days": rotation.result()[1],
        "tags": tags.result(),
        "last_used": used.result() if used else None,
    }


def read_last_used(client, key_id: str) -> Dict[str, Any]:
    """The key's last cryptographic use; a read that fails is "unknown", with the reason, and fails nothing."""
    if not hasattr(client, "get_key_last_usage"):
        return unknown(f"this botocore has no GetKeyLastUsage (1.44 or later has it); it needs {PERMISSION}")
    try:
        return last_used(kms.get_key_last_usage(client, key_id))
    except kms.CmkAWSError as e:
        return unknown(unknown_reason(*kms.error_parts(e)))


def plan_key(run: Run, current: Dict[str, Any]) -> Plan:
    """What an existing key needs; refuses a key that must not be touched, or a write that must not be made."""
    account_id = kms.account_of(current["metadata"]["Arn"])
    desired = run.desired(account_id)
    if adopting(current, desired):
        current = dict(current, stack=read_owner(run.client("cloudformation"), current["metadata"], desired.alias))
    comparison = compare(current, desired, account_id) if desired.state == "present" else None
    refused = refusal(current, desired, comparison)
    if refused and refused.code == "wrong_account":
        run.guard_account(account_id)
    if refused:
        raise KeyProblem(refused.message)
    if comparison:
        plan = plan_present(current, desired, account_id, comparison)
    else:
        plan = {"absent": plan_absent, "retired": plan_retired}[desired.state](current, desired, account_id)
    if any(name == "put_key_policy" for name, _args in plan.actions):
        run.lint(desired.policy, account_id)
    refuse_full_tags(plan)
    return plan


def refuse_full_tags(plan: Plan) -> None:
    """Refuse, before any write, tags that leave no room for the marker a revocation sets."""
    no_room = tag_room(plan.result["tags"])
    if no_room:
        raise InvalidInput("tags", f"<{len(plan.result['tags'])} tags with the key's own>", no_room)
