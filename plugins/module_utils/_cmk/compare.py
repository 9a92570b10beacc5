# -*- coding: utf-8 -*-
# Copyright: cmkops contributors
# GNU General Public License v3.0+ (see https://www.gnu.org/licenses/gpl-3.0.txt)
"""The one comparison, pure: every way an existing key differs from what is asked, with every option.

Both readers use it. The planner (``plan.plan_present``) carries out each difference's writes; the audit
(``audit.audit``) reports each difference as a finding of the same code. So a converge writes exactly when the
audit finds something, apart from the differences that have no write (``writes`` empty): the key is refused
(``refusal``), or the difference is only reported (a key disabled while ``enabled`` is unset, and rotation
settings that KMS applies to a disabled key only once it is enabled again).
"""

from __future__ import annotations

from typing import Any, Dict, List, Mapping, NamedTuple, Optional, Tuple

from ansible_collections.amazon.aws.plugins.module_utils.tagging import compare_aws_tags

from .desired import Desired
from .kms import account_of
from .policy import policy_needs_update
from .policy_effect import classify
from .revocation import MARKER_RETIRED, MARKER_REVOKED, age, revoked_at, warning
from .stacks import text as stack_text
from .validate import MARKER_PREFIX

MARKER_ALIAS = MARKER_PREFIX + "alias"
MARKER_SUCCESSOR = MARKER_PREFIX + "successor"  # the alias of the key that re-encryption moves Atlassian onto

KEY_SPEC = {"KeySpec": "SYMMETRIC_DEFAULT", "KeyUsage": "ENCRYPT_DECRYPT", "Origin": "AWS_KMS", "MultiRegion": False}
MANAGEABLE = ("Enabled", "Disabled", "PendingDeletion")

Action = Tuple[str, Dict[str, Any]]


class Difference(NamedTuple):
    code: str  # the audit's finding code
    message: str  # the finding; for a refusal, why the key must not be touched and what to do
    writes: Tuple[Action, ...] = ()  # what the converge does about it; empty: nothing
    refusal: bool = False  # the converge refuses the key and writes nothing at all
    extra: Dict[str, Any] = {}  # the finding's other fields


class Comparison(NamedTuple):
    differences: List[Difference]
    warnings: List[str]  # what the converge says and leaves for later (not a finding)

    @property
    def refusal(self) -> Optional[Difference]:
        return next((d for d in self.differences if d.refusal), None)


class Rotation(NamedTuple):
    enabled: bool
    period_days: Optional[int]  # None when rotation is off, or AWS does not say


NO_ROTATION = Rotation(False, None)


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


def rotation_of(current: Mapping[str, Any]) -> Rotation:
    return Rotation(current["rotation_enabled"], current["rotation_period_days"])


def rotation_wanted(desired: Desired) -> Rotation:
    return Rotation(desired.enable_key_rotation, desired.rotation_period_days if desired.enable_key_rotation else None)


def rotation_differs(current: Rotation, wanted: Rotation) -> bool:
    """On or off differs, or the period does (when AWS says what it is)."""
    period_differs = current.period_days is not None and current.period_days != wanted.period_days
    return current.enabled != wanted.enabled or (wanted.enabled and period_differs)


def rotation_text(rotation: Rotation) -> str:
    return f"on, every {rotation.period_days} days" if rotation.enabled and rotation.period_days else (
        "on" if rotation.enabled else "off")


def tag_changes(current: Mapping[str, str], wanted: Mapping[str, str], purge: bool) -> Tuple[Dict[str, str], List[str]]:
    """amazon.aws's comparison; AWS's own tags (aws:, in any case) and the collection's markers are never purged."""
    kept = {k: v for k, v in current.items() if k.lower().startswith(("aws:", MARKER_PREFIX))}
    to_set, to_remove = compare_aws_tags(dict(current), {**kept, **wanted}, purge)
    return to_set, sorted(to_remove)


def ownership(current: Mapping[str, Any], desired: Desired) -> List[Difference]:
    """Whether the key behind the alias is this request's to manage, whatever the state asked."""
    meta, tags = current["metadata"], current["tags"]
    account_id = account_of(meta["Arn"])
    where = f"{desired.alias} in {desired.region} points at {meta['Arn']}"
    out = []
    if desired.account_id and desired.account_id != account_id:
        out.append(Difference("wrong_account", f"{desired.alias} in {desired.region} is a key of account "
                              f"{account_id}, not {desired.account_id}", refusal=True))
    marked_for = tags.get(MARKER_ALIAS)
    if meta.get("KeyManager", "CUSTOMER") != "CUSTOMER":
        out.append(Difference("foreign_key", f"{where}, an AWS managed key", refusal=True))
    elif marked_for and marked_for != desired.alias:
        out.append(Difference("foreign_key", (
            f"{where}, which this collection manages for {marked_for}; a key is never adopted for a second alias "
            f"(its ARN would be reported under both): point {desired.alias} at a key of its own, or delete the "
            "alias to let this collection create one"), refusal=True))
    elif marked_for != desired.alias:
        not_ours = f"{where}, which this collection did not create (no {MARKER_ALIAS} tag for this alias)"
        if desired.adopt:
            out.append(Difference("foreign_key", f"{not_ours}; adopt=true marks it as this collection's",
                                  (("tag_resource", {"tags": {MARKER_ALIAS: desired.alias}}),)))
        else:
            out.append(Difference("foreign_key", f"{not_ours}; set adopt=true to manage it, or choose another alias",
                                  refusal=True))
    return out


def adopting(current: Mapping[str, Any], desired: Desired) -> bool:
    """Whether this run takes over a key this collection did not create: the one path that asks CloudFormation
    whether a stack owns the key (``current["stack"]``)."""
    customer_key = current["metadata"].get("KeyManager", "CUSTOMER") == "CUSTOMER"
    return desired.state == "present" and desired.adopt and customer_key and not current["tags"].get(MARKER_ALIAS)


def stack_ownership(current: Mapping[str, Any], desired: Desired) -> Tuple[List[Difference], List[str]]:
    """A stack that still owns the key (``current["stack"]``, when it was read): adopting such a key is refused
    unless adopt_from_stack is true, and then warned about; a key already this collection's is only reported."""
    stack = current.get("stack")
    if not stack:
        return [], []
    owned = f"{desired.alias} in {desired.region}: {stack_text(stack)}"
    adopted = adopting(current, desired)
    if adopted and not desired.adopt_from_stack:
        return [Difference("stack_owned", f"{owned}; set adopt_from_stack=true to adopt it all the same, or move it "
                           "out of the stack first", refusal=True, extra={"stack": stack})], []
    return [Difference("stack_owned", owned, extra={"stack": stack})], [owned] if adopted else []


def compare(current: Mapping[str, Any], desired: Desired, account_id: str) -> Comparison:
    """Every way the existing key differs from ``desired`` (state present, its policy rendered for ``account_id``),
    in the order the converge writes: a revocation's DisableKey last, so the changes before it can still be made."""
    meta, tags = current["metadata"], current["tags"]
    where = f"{desired.alias} in {desired.region}"
    owned, warnings = stack_ownership(current, desired)
    out = ownership(current, desired) + owned
    wrong = spec_mismatches(meta)
    if wrong:
        out.append(Difference("key_spec", (
            f"{where} points at {meta['Arn']}, whose {wrong} does not match the CMK key spec {KEY_SPEC}; a key is "
            "never replaced (a new ARN means re-enrolling with Atlassian): move the alias or choose another one"),
            refusal=True))

    state = meta["KeyState"]
    if state == "PendingDeletion":
        pending = f"{where} points at {meta['Arn']}, which is pending deletion (on {meta.get('DeletionDate')})"
        if desired.cancel_pending_deletion:
            out.append(Difference("pending_deletion", f"{pending}; cancel_pending_deletion=true keeps it",
                                  (("cancel_key_deletion", {}),)))
            state = "Disabled"  # what CancelKeyDeletion leaves behind
        else:
            out.append(Difference("pending_deletion", (
                f"{pending}; set cancel_pending_deletion=true to keep it (it stays disabled unless enabled=true)"),
                refusal=True))
    elif state not in MANAGEABLE:
        out.append(Difference("disabled", f"{where} points at {meta['Arn']}, whose state {state} this collection "
                              "cannot manage: Atlassian cannot use it", refusal=True))
    elif state == "Disabled" and desired.enabled is None:
        since = revoked_at(state, tags)
        when = f", revoked at {age(since, desired.now)}" if since else ""
        late = warning(where, since, desired.now) if since else None
        late = f"; {late}" if late else ""
        out.append(Difference("disabled", f"{where} is Disabled{when}: Atlassian cannot use it{late}",
                              extra={"revoked_at": since}))

    if desired.enabled is True and state == "Disabled":
        markers = sorted({MARKER_REVOKED, MARKER_RETIRED} & set(tags))
        out.append(Difference("disabled", f"{where} is Disabled: enabled=true enables it (restoration)",
                              (("enable_key", {}),) + ((("untag_resource", {"keys": markers}),) if markers else ()),
                              extra={"revoked_at": revoked_at(state, tags)}))
        state = "Enabled"

    if desired.policy is not None and policy_needs_update(current["policy"], desired.policy, account_id):
        # One difference per class of the change, each put right by the same PutKeyPolicy.
        write = (("put_key_policy", {"policy": desired.policy}),)
        for code, what in classify(current["policy"], desired.policy, account_id):
            out.append(Difference(code, f"{where}: the key policy {what}", write,
                                  extra={"diff": {"before": current["policy"], "after": desired.policy}}))

    if meta.get("Description", "") != desired.description:
        out.append(Difference("description", f"{where}: the description is {meta.get('Description', '')!r}, "
                              f"expected {desired.description!r}",
                              (("update_key_description", {"description": desired.description}),)))

    have, want = rotation_of(current), rotation_wanted(desired)
    if rotation_differs(have, want):
        differs = f"{where}: rotation is {rotation_text(have)}, expected {rotation_text(want)}"
        if state != "Enabled":
            # KMS refuses rotation changes on a disabled key, and a revoked key is never enabled for it.
            later = "its rotation settings will be applied when it is enabled again"
            warnings.append(f"{where} is disabled: {later}")
            out.append(Difference("rotation", f"{differs}; the key is disabled: {later}"))
        else:
            write = ("enable_key_rotation", {"days": want.period_days}) if want.enabled else ("disable_key_rotation", {})
            out.append(Difference("rotation", differs, (write,)))

    to_set, to_remove = tag_changes(tags, desired.tags, desired.purge_tags)
    if to_set or to_remove:
        writes = (("tag_resource", {"tags": to_set}),) * bool(to_set)
        writes += (("untag_resource", {"keys": to_remove}),) * bool(to_remove)
        out.append(Difference("tags", f"{where}: tags to set {to_set or {}}, tags to remove {to_remove or []}", writes))

    if desired.successor_alias and tags.get(MARKER_SUCCESSOR) != desired.successor_alias:
        out.append(Difference("successor", f"{where}: the successor recorded is {tags.get(MARKER_SUCCESSOR)}, "
                              f"expected {desired.successor_alias}",
                              (("tag_resource", {"tags": {MARKER_SUCCESSOR: desired.successor_alias}}),)))

    if desired.enabled is False and state == "Enabled":
        # When Atlassian lost the key: Atlassian's limits count from here.
        out.append(Difference("enabled", f"{where} is Enabled: enabled=false disables it (revocation)",
                              (("tag_resource", {"tags": {MARKER_REVOKED: desired.now}}), ("disable_key", {}))))
    return Comparison(out, warnings)
