# -*- coding: utf-8 -*-
# Copyright: cmkops contributors
# GNU General Public License v3.0+ (see https://www.gnu.org/licenses/gpl-3.0.txt)
"""Pure decisions: (current key, desired state) -> the actions, the predicted result and the diff.

``current`` is what the read calls returned: ``metadata`` (DescribeKey's KeyMetadata), ``policy``
(dict), ``rotation_enabled``, ``rotation_period_days`` (None when AWS does not say) and ``tags``.
Nothing here talks to AWS; the same plan serves check mode (stop after planning) and real runs.
"""

from __future__ import annotations

from typing import Any, Dict, List, Mapping, NamedTuple, Optional, Tuple

from ansible_collections.amazon.aws.plugins.module_utils.tagging import compare_aws_tags

from .desired import Desired
from .policy import policy_needs_update
from .revocation import MARKER_RETIRED, MARKER_REVOKED, days_after, revoked_at, utc_text, warning
from .validate import MARKER_PREFIX, MAX_TAGS

MARKER_ALIAS = MARKER_PREFIX + "alias"
MARKER_ATTEMPT = MARKER_PREFIX + "attempt"
MARKER_SUPERSEDED = MARKER_PREFIX + "superseded-by"
MARKER_SUCCESSOR = MARKER_PREFIX + "successor"  # the alias of the key that re-encryption moves Atlassian onto

KEY_SPEC = {"KeySpec": "SYMMETRIC_DEFAULT", "KeyUsage": "ENCRYPT_DECRYPT", "Origin": "AWS_KMS", "MultiRegion": False}

Action = Tuple[str, Dict[str, Any]]


class Plan(NamedTuple):
    actions: List[Action]
    result: Dict[str, Any]
    diff: Dict[str, Dict[str, Any]]
    warnings: List[str]

    @property
    def changed(self) -> bool:
        return bool(self.actions)


def spec_mismatches(metadata: Mapping[str, Any]) -> Dict[str, Any]:
    """The key's properties that differ from the CMK key spec (they can never be changed in place)."""
    # DescribeKey may leave out KeyUsage and MultiRegion; AWS's defaults apply then.
    seen = {
        "KeySpec": metadata.get("KeySpec", metadata.get("CustomerMasterKeySpec")),
        "KeyUsage": metadata.get("KeyUsage", "ENCRYPT_DECRYPT"),
        "Origin": metadata.get("Origin", "AWS_KMS"),
        "MultiRegion": bool(metadata.get("MultiRegion", False)),
    }
    return {k: v for k, v in seen.items() if v != KEY_SPEC[k]}


def key_problem(current: Mapping[str, Any], desired: Desired) -> Optional[str]:
    """Why the key behind the alias must not be touched, or None."""
    meta = current["metadata"]
    where = f"{desired.alias} in {desired.region} points at {meta['Arn']}"
    if meta.get("KeyManager", "CUSTOMER") != "CUSTOMER":
        return f"{where}, an AWS managed key"
    marked_for = current["tags"].get(MARKER_ALIAS)
    if marked_for and marked_for != desired.alias:
        return (f"{where}, which this collection manages for {marked_for}; a key is never adopted for a second "
                f"alias (its ARN would be reported under both): point {desired.alias} at a key of its own, or "
                "delete the alias to let this collection create one")
    if marked_for != desired.alias and not desired.adopt:
        return (f"{where}, which this collection did not create (no {MARKER_ALIAS} tag for this alias); "
                "set adopt=true (role variable atlassian_cmk_adopt) to manage it, or choose another alias")
    if desired.state in ("absent", "retired"):
        return None
    wrong = spec_mismatches(meta)
    if wrong:
        return (f"{where}, whose {wrong} does not match the CMK key spec {KEY_SPEC}; a key is never replaced "
                "(a new ARN means re-enrolling with Atlassian): move the alias or choose another one")
    state = meta["KeyState"]
    if state == "PendingDeletion" and not desired.cancel_pending_deletion:
        return (f"{where}, which is pending deletion (on {meta.get('DeletionDate')}); set "
                "cancel_pending_deletion=true (role variable atlassian_cmk_cancel_pending_deletion) to keep it (it stays "
                "disabled unless enabled=true)")
    if state not in ("Enabled", "Disabled", "PendingDeletion"):
        return f"{where}, whose state {state} this module cannot manage"
    return None


class Rotation(NamedTuple):
    enabled: bool
    period_days: Optional[int]  # None when rotation is off, or AWS does not say


NO_ROTATION = Rotation(False, None)


def rotation_of(current: Mapping[str, Any]) -> Rotation:
    return Rotation(current["rotation_enabled"], current["rotation_period_days"])


def rotation_wanted(desired: Desired) -> Rotation:
    return Rotation(desired.enable_key_rotation, desired.rotation_period_days if desired.enable_key_rotation else None)


def rotation_differs(current: Rotation, wanted: Rotation) -> bool:
    """On or off differs, or the period does (when AWS says what it is)."""
    period_differs = current.period_days is not None and current.period_days != wanted.period_days
    return current.enabled != wanted.enabled or (wanted.enabled and period_differs)


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


def tag_changes(current: Mapping[str, str], wanted: Mapping[str, str], purge: bool) -> Tuple[Dict[str, str], List[str]]:
    """amazon.aws's comparison; AWS's own tags (aws:, in any case) and the collection's markers are never purged."""
    kept = {k: v for k, v in current.items() if k.lower().startswith(("aws:", MARKER_PREFIX))}
    to_set, to_remove = compare_aws_tags(dict(current), {**kept, **wanted}, purge)
    return to_set, sorted(to_remove)


def tag_room(tags: Mapping[str, str]) -> Optional[str]:
    """Why a key's tags leave no room for the marker a revocation sets (KMS holds 50 tags), or None: a revocation
    must never fail on the limit. A key revoked or retired carries its marker already."""
    free = 0 if MARKER_REVOKED in tags or MARKER_RETIRED in tags else 1
    if len(tags) + free <= MAX_TAGS:
        return None
    return (f"the key would hold {len(tags)} tags, the collection's markers included; a KMS key holds at most "
            f"{MAX_TAGS}, and one stays free for the marker a revocation sets. Give fewer tags (with purge_tags=false "
            "the key's other tags stay)")


def plan_present(current: Mapping[str, Any], desired: Desired, account_id: str) -> Plan:
    """Bring an existing key to ``desired``; its ARN never changes."""
    meta = dict(current["metadata"])
    actions: List[Action] = []
    warnings: List[str] = []
    state = meta["KeyState"]

    if state == "PendingDeletion":
        actions.append(("cancel_key_deletion", {}))
        state = "Disabled"  # what CancelKeyDeletion leaves behind
    restoring = desired.enabled is True and state == "Disabled"
    if restoring:
        actions.append(("enable_key", {}))
        state = "Enabled"
    revoking = desired.enabled is False and state == "Enabled"

    policy = current["policy"]
    if policy_needs_update(policy, desired.policy, account_id):
        actions.append(("put_key_policy", {"policy": desired.policy}))
        policy = desired.policy

    if meta.get("Description", "") != desired.description:
        actions.append(("update_key_description", {"description": desired.description}))
        meta["Description"] = desired.description

    rotation = rotation_of(current)
    wanted_rotation = rotation_wanted(desired)
    if rotation_differs(rotation, wanted_rotation):
        if state != "Enabled":
            # KMS refuses rotation changes on a disabled key, and a revoked key is never enabled for it.
            warnings.append(f"{desired.alias} in {desired.region} is disabled: its rotation settings "
                            "will be applied when it is enabled again")
        elif wanted_rotation.enabled:
            actions.append(("enable_key_rotation", {"days": wanted_rotation.period_days}))
            rotation = wanted_rotation
        else:
            actions.append(("disable_key_rotation", {}))
            rotation = NO_ROTATION

    wanted_tags = dict(desired.tags)
    if current["tags"].get(MARKER_ALIAS) != desired.alias:
        wanted_tags[MARKER_ALIAS] = desired.alias  # adopted: ours from now on
    if desired.successor_alias:
        wanted_tags[MARKER_SUCCESSOR] = desired.successor_alias
    if revoking:
        wanted_tags[MARKER_REVOKED] = desired.now  # when Atlassian lost the key: its limits count from here
    to_set, to_remove = tag_changes(current["tags"], wanted_tags, desired.purge_tags)
    if restoring:  # enabled again: neither revoked nor retired any more
        to_remove = sorted(set(to_remove) | {MARKER_REVOKED, MARKER_RETIRED} & set(current["tags"]))
    tags = {k: v for k, v in current["tags"].items() if k not in to_remove}
    tags.update(to_set)
    if to_set:
        actions.append(("tag_resource", {"tags": to_set}))
    if to_remove:
        actions.append(("untag_resource", {"keys": to_remove}))

    if revoking:
        actions.append(("disable_key", {}))  # last, so the changes above could still be made
        state = "Disabled"

    meta["KeyState"] = state
    before = _result(desired, account_id, current["metadata"], current["policy"], rotation_of(current),
                     current["tags"])
    after = _result(desired, account_id, meta, policy, rotation, tags)
    late = warning(f"{desired.alias} in {desired.region}", after["revoked_at"], desired.now)
    warnings += [late] if late else []
    return Plan(actions, after, {"before": _view(before), "after": _view(after)}, warnings)


def plan_absent(current: Mapping[str, Any], desired: Desired, account_id: str) -> Plan:
    """Schedule the aliased key's deletion; the alias stays, so the key can still be found and restored."""
    meta = dict(current["metadata"])
    before = _result(desired, account_id, meta, current["policy"], rotation_of(current), current["tags"])
    if meta["KeyState"] == "PendingDeletion":
        return Plan([], before, {"before": _view(before), "after": _view(before)}, [])
    meta.update(KeyState="PendingDeletion", DeletionDate=days_after(desired.now, desired.pending_window_days))
    after = _result(desired, account_id, meta, current["policy"], rotation_of(current), current["tags"])
    actions = [("schedule_key_deletion", {"days": desired.pending_window_days})]
    return Plan(actions, after, {"before": _view(before), "after": _view(after)}, [])


def plan_retired(current: Mapping[str, Any], desired: Desired, account_id: str) -> Plan:
    """Re-encryption's last step: the key is disabled and marked retired, and nothing else about it changes. A key
    disabled before keeps its revocation time as its retirement's; a key pending deletion is left as it is."""
    meta = dict(current["metadata"])
    tags = dict(current["tags"])
    actions: List[Action] = []
    if meta["KeyState"] != "PendingDeletion":
        if MARKER_RETIRED not in tags:
            since = tags.get(MARKER_REVOKED) if meta["KeyState"] == "Disabled" else None
            tags[MARKER_RETIRED] = since or desired.now
            actions.append(("tag_resource", {"tags": {MARKER_RETIRED: tags[MARKER_RETIRED]}}))
        if tags.pop(MARKER_REVOKED, None) is not None:
            actions.append(("untag_resource", {"keys": [MARKER_REVOKED]}))
        if meta["KeyState"] == "Enabled":
            actions.append(("disable_key", {}))
            meta["KeyState"] = "Disabled"
    before = _result(desired, account_id, current["metadata"], current["policy"], rotation_of(current),
                     current["tags"])
    after = _result(desired, account_id, meta, current["policy"], rotation_of(current), tags)
    return Plan(actions, after, {"before": _view(before), "after": _view(after)}, [])


def creation_tags(desired: Desired, attempt: str) -> Dict[str, str]:
    """A new key's tags: the user's and the markers that make creation crash- and race-safe."""
    successor = {MARKER_SUCCESSOR: desired.successor_alias} if desired.successor_alias else {}
    return dict(desired.tags, **{MARKER_ALIAS: desired.alias, MARKER_ATTEMPT: attempt}, **successor)


def plan_create(desired: Desired, account_id: str, attempt: str) -> Plan:
    """A key that does not exist yet: what creating it does, and what it will look like."""
    enabled = desired.enabled is not False
    actions: List[Action] = [("create_key", {}), ("create_alias", {})]
    rotation = NO_ROTATION
    if desired.enable_key_rotation:
        actions.append(("enable_key_rotation", {"days": desired.rotation_period_days}))
        rotation = Rotation(True, desired.rotation_period_days)
    if not enabled:
        actions.append(("disable_key", {}))
    meta = {"Arn": None, "KeyId": None, "AWSAccountId": account_id,
            "KeyState": "Enabled" if enabled else "Disabled", "Description": desired.description}
    after = _result(desired, account_id, meta, desired.policy, rotation, creation_tags(desired, attempt))
    return Plan(actions, after, {"before": {}, "after": _view(after)}, [])
