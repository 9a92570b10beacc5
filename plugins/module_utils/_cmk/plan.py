# -*- coding: utf-8 -*-
# Copyright: cmkops contributors
# GNU General Public License v3.0+ (see https://www.gnu.org/licenses/gpl-3.0.txt)
"""Pure decisions: (current key, desired state) -> the actions, the predicted result and the diff.

``current`` is what the read calls returned: ``metadata`` (DescribeKey's KeyMetadata), ``policy``
(dict), ``rotation_enabled``, ``rotation_period_days`` (None when AWS does not say) and ``tags``.
Nothing here talks to AWS; the same plan serves check mode (stop after planning) and real runs.
"""

from __future__ import annotations

from typing import Any, Dict, List, Mapping, NamedTuple, Optional

from .compare import MARKER_ALIAS, MARKER_SUCCESSOR, NO_ROTATION, Action, Comparison, Rotation, compare, ownership
from .compare import Difference, rotation_of
from .desired import Desired
from .kms import account_of
from .revocation import MARKER_RETIRED, MARKER_REVOKED, days_after, revoked_at, utc_text, warning
from .validate import MARKER_PREFIX, MAX_TAGS

MARKER_ATTEMPT = MARKER_PREFIX + "attempt"
MARKER_SUPERSEDED = MARKER_PREFIX + "superseded-by"

# The order a plan's writes are made in: a revocation's DisableKey last, so the changes before it can still be made.
ORDER = ("cancel_key_deletion", "enable_key", "put_key_policy", "update_key_description", "enable_key_rotation",
         "disable_key_rotation", "tag_resource", "untag_resource", "schedule_key_deletion", "disable_key")


class Plan(NamedTuple):
    actions: List[Action]
    result: Dict[str, Any]
    diff: Dict[str, Dict[str, Any]]
    warnings: List[str]
    fixed: List[str] = []  # the finding codes of the differences the actions put right (never mutated)

    @property
    def changed(self) -> bool:
        return bool(self.actions)


def refusal(current: Mapping[str, Any], desired: Desired, comparison: Optional[Comparison] = None) -> Optional[Difference]:
    """The difference that makes the key behind the alias one not to touch, or None. Whatever the state asked, the
    key must be this request's; to be made present, it must also be a CMK key in a state this collection manages."""
    if desired.state in ("absent", "retired"):
        return Comparison(ownership(current, desired), []).refusal
    return (comparison or compare(current, desired, account_of(current["metadata"]["Arn"]))).refusal


def result_of(metadata: Mapping[str, Any], *, policy: Optional[dict], rotation: Rotation, tags: Mapping[str, str],
              alias: str, region: str, account_id: Optional[str]) -> Dict[str, Any]:
    """The module's return values, the same keys in check mode and in real runs."""
    return {
        "key_arn": metadata.get("Arn"),
        "key_id": metadata.get("KeyId"),
        "alias": alias,
        "region": region,
        "account_id": metadata.get("AWSAccountId", account_id),
        "key_state": metadata["KeyState"],
        "enabled": metadata["KeyState"] == "Enabled",
        "description": metadata.get("Description", ""),
        "policy": policy,
        "rotation_enabled": rotation.enabled,
        "rotation_period_days": rotation.period_days,
        "tags": dict(tags),
        "revoked_at": revoked_at(metadata["KeyState"], tags),
        "retired_at": tags.get(MARKER_RETIRED),
        "successor_alias": tags.get(MARKER_SUCCESSOR),
        "deletion_date": utc_text(metadata.get("DeletionDate")) if metadata["KeyState"] == "PendingDeletion" else None,
    }


def _result(desired: Desired, account_id: Optional[str], metadata: Mapping[str, Any],
            policy: Optional[dict], rotation: Rotation, tags: Mapping[str, str]) -> Dict[str, Any]:
    return result_of(metadata, policy=policy, rotation=rotation, tags=tags, alias=desired.alias,
                     region=desired.region, account_id=account_id)


def _view(result: Mapping[str, Any]) -> Dict[str, Any]:
    keys = ("key_state", "enabled", "description", "policy", "rotation_enabled", "rotation_period_days", "tags")
    return {k: result[k] for k in keys}


def tag_room(tags: Mapping[str, str]) -> Optional[str]:
    """Why a key's tags leave no room for the marker a revocation sets (KMS holds 50 tags), or None: a revocation
    must never fail on the limit. A key revoked or retired carries its marker already."""
    free = 0 if MARKER_REVOKED in tags or MARKER_RETIRED in tags else 1
    if len(tags) + free <= MAX_TAGS:
        return None
    return (f"the key would hold {len(tags)} tags, the collection's markers included; a KMS key holds at most "
            f"{MAX_TAGS}, and one stays free for the marker a revocation sets. Give fewer tags (with purge_tags=false "
            "the key's other tags stay)")


def simulate(current: Mapping[str, Any], desired: Desired, actions: List[Action]):
    """The key after ``actions``: (metadata, policy, rotation, tags), for the predicted result."""
    meta, policy, rotation, tags = dict(current["metadata"]), current["policy"], rotation_of(current), dict(current["tags"])
    for name, args in actions:
        if name in ("cancel_key_deletion", "disable_key"):
            meta["KeyState"] = "Disabled"
        elif name == "enable_key":
            meta["KeyState"] = "Enabled"
        elif name == "schedule_key_deletion":
            meta.update(KeyState="PendingDeletion", DeletionDate=days_after(desired.now, args["days"]))
        elif name == "put_key_policy":
            policy = args["policy"]
        elif name == "update_key_description":
            meta["Description"] = args["description"]
        elif name == "enable_key_rotation":
            rotation = Rotation(True, args["days"])
        elif name == "disable_key_rotation":
            rotation = NO_ROTATION
        elif name == "tag_resource":
            tags.update(args["tags"])
        elif name == "untag_resource":
            tags = {k: v for k, v in tags.items() if k not in args["keys"]}
    return meta, policy, rotation, tags


def planned(current: Mapping[str, Any], desired: Desired, account_id: str, actions: List[Action],
            warnings: List[str]) -> Plan:
    """The plan of ``actions`` in their order, with its predicted result and diff."""
    actions = sorted(actions, key=lambda action: ORDER.index(action[0]))
    meta, policy, rotation, tags = simulate(current, desired, actions)
    before = _result(desired, account_id, current["metadata"], current["policy"], rotation_of(current),
                     current["tags"])
    after = _result(desired, account_id, meta, policy, rotation, tags)
    return Plan(actions, after, {"before": _view(before), "after": _view(after)}, warnings)


def plan_present(current: Mapping[str, Any], desired: Desired, account_id: str,
                 comparison: Optional[Comparison] = None) -> Plan:
    """Bring an existing key to ``desired``: the writes of every difference (``compare``); its ARN never changes.
    Tags set by several differences are set in one call, and removed in one; a write several differences share
    (a policy change of two classes) is made once."""
    comparison = comparison or compare(current, desired, account_id)
    to_set: Dict[str, str] = {}
    to_remove: List[str] = []
    actions: List[Action] = []
    for difference in comparison.differences:
        for name, args in difference.writes:
            if name == "tag_resource":
                to_set.update(args["tags"])
            elif name == "untag_resource":
                to_remove += args["keys"]
            elif (name, args) not in actions:  # a write that puts several differences right is made once
                actions.append((name, args))
    actions += [("tag_resource", {"tags": to_set})] if to_set else []
    actions += [("untag_resource", {"keys": sorted(set(to_remove))})] if to_remove else []
    plan = planned(current, desired, account_id, actions, list(comparison.warnings))
    late = warning(f"{desired.alias} in {desired.region}", plan.result["revoked_at"], desired.now)
    fixed = list(dict.fromkeys(d.code for d in comparison.differences if d.writes))
    return plan._replace(warnings=plan.warnings + ([late] if late else []), fixed=fixed)


def plan_absent(current: Mapping[str, Any], desired: Desired, account_id: str) -> Plan:
    """Schedule the aliased key's deletion; the alias stays, so the key can still be found and restored."""
    pending = current["metadata"]["KeyState"] == "PendingDeletion"
    actions = [] if pending else [("schedule_key_deletion", {"days": desired.pending_window_days})]
    return planned(current, desired, account_id, actions, [])


def plan_retired(current: Mapping[str, Any], desired: Desired, account_id: str) -> Plan:
    """Re-encryption's last step: the key is disabled and marked retired, and nothing else about it changes. A key
    disabled before keeps its revocation time as its retirement's; a key pending deletion is left as it is."""
    state, tags = current["metadata"]["KeyState"], current["tags"]
    actions: List[Action] = []
    if state != "PendingDeletion":
        if MARKER_RETIRED not in tags:
            since = tags.get(MARKER_REVOKED) if state == "Disabled" else None
            actions.append(("tag_resource", {"tags": {MARKER_RETIRED: since or desired.now}}))
        if MARKER_REVOKED in tags:
            actions.append(("untag_resource", {"keys": [MARKER_REVOKED]}))
        if state == "Enabled":
            actions.append(("disable_key", {}))
    return planned(current, desired, account_id, actions, [])


def creation_tags(desired: Desired, attempt: str) -> Dict[str, str]:
    """A new key's tags: the user's and the markers that make creation crash- and race-safe."""
    successor = {MARKER_SUCCESSOR: desired.successor_alias} if desired.successor_alias else {}
    return dict(desired.tags, **{MARKER_ALIAS: desired.alias, MARKER_ATTEMPT: attempt}, **successor)


def plan_create(desired: Desired, account_id: str, attempt: str, created: Optional[Mapping[str, Any]] = None) -> Plan:
    """A new key: the writes after CreateKey and CreateAlias (rotation, and DisableKey for a key asked disabled),
    and the key they leave, predicted before it is made, or from ``created`` (CreateKey's KeyMetadata) after."""
    meta = created or {"Arn": None, "KeyId": None, "AWSAccountId": account_id, "KeyState": "Enabled",
                       "Description": desired.description}
    new = {"metadata": meta, "policy": desired.policy, "rotation_enabled": False, "rotation_period_days": None,
           "tags": creation_tags(desired, attempt)}
    actions: List[Action] = []
    if desired.enable_key_rotation:
        actions.append(("enable_key_rotation", {"days": desired.rotation_period_days}))
    if desired.enabled is False:
        actions.append(("disable_key", {}))
    plan = planned(new, desired, account_id, actions, [])
    return plan._replace(diff={"before": {}, "after": plan.diff["after"]}, fixed=["missing"])
