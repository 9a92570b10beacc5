# -*- coding: utf-8 -*-
# Copyright: cmkops contributors
# GNU General Public License v3.0+ (see https://www.gnu.org/licenses/gpl-3.0.txt)
"""The read-only audit of one region's key: how it differs from what the collection would make it.

It shares the main module's reads (``runner.read_key``), its desired state (``desired.Desired``) and its
comparisons (``plan``, ``policy``). It makes no write, even by mistake: its client answers only the
four reads and refuses every other call.
"""

from __future__ import annotations

from typing import Any, Dict, List, Mapping

from .desired import Desired
from .kms import account_of
from .plan import MARKER_ALIAS, result_of, rotation_differs, rotation_of, rotation_wanted, spec_mismatches
from .plan import tag_changes
from .policy import policy_needs_update
from .revocation import age, revoked_at, warning
from .runner import read_key

READS = frozenset({"describe_key", "get_key_policy", "get_key_rotation_status", "list_resource_tags"})
# What the audit compares against, beyond its options: a key as the collection leaves it.
AUDIT_DEFAULTS = {"state": "present", "enabled": None, "description": "", "purge_tags": True,
                  "pending_window_days": 30, "cancel_pending_deletion": False, "adopt": False,
                  "bypass_policy_lockout_safety_check": False, "allow_wildcard_principal": True}


class ReadOnlyClient:
    """A KMS client that makes the four reads and nothing else."""

    def __init__(self, client) -> None:
        self._client = client

    def __getattr__(self, name: str):
        if name not in READS:
            raise PermissionError(f"the audit makes no {name} call")
        return getattr(self._client, name)


def audit_params(params: Mapping[str, Any]) -> Dict[str, Any]:
    return {**AUDIT_DEFAULTS, **params}


def finding(code: str, message: str, **extra: Any) -> Dict[str, Any]:
    return {"code": code, "message": message, **extra}


def findings(current: Mapping[str, Any], desired: Desired, checked: bool, tags_given: bool) -> List[Dict[str, Any]]:
    """Every way ``current`` differs from ``desired`` (its policy rendered for the key's account)."""
    meta = current["metadata"]
    account_id = account_of(meta["Arn"])
    where = f"{desired.alias} in {desired.region}"
    out = []
    if desired.account_id and desired.account_id != account_id:
        out.append(finding("wrong_account", f"{where} is a key of account {account_id}, not {desired.account_id}"))
    if current["tags"].get(MARKER_ALIAS) != desired.alias:
        out.append(finding("foreign_key", f"{where} points at {meta['Arn']}, which this collection did not create "
                           f"(no {MARKER_ALIAS} tag for this alias)"))
    wrong = spec_mismatches(meta)
    if wrong:
        out.append(finding("key_spec", f"{where}: {wrong} is not a symmetric single-region ENCRYPT_DECRYPT key"))
    state = meta["KeyState"]
    if state == "PendingDeletion":
        out.append(finding("pending_deletion", f"{where} is pending deletion, on {meta.get('DeletionDate')}"))
    elif state != "Enabled":
        since = revoked_at(state, current["tags"])
        late = warning(where, since, desired.now) if since else None
        when = f", revoked at {age(since, desired.now)}" if since else ""
        late = f"; {late}" if late else ""
        out.append(finding("disabled", f"{where} is {state}{when}: Atlassian cannot use it{late}", revoked_at=since))
    if not checked:
        out.append(finding("policy_unchecked", f"{where}: no org_paths were given, so the policy was not compared"))
    elif policy_needs_update(current["policy"], desired.policy, account_id):
        out.append(finding("policy_drift", f"{where}: the key policy differs from the expected one",
                           diff={"before": current["policy"], "after": desired.policy}))
    have, want = rotation_of(current), rotation_wanted(desired)
    if rotation_differs(have, want):
        out.append(finding("rotation", f"{where}: rotation is {_rotation(have)}, expected {_rotation(want)}"))
    if tags_given:
        to_set, to_remove = tag_changes(current["tags"], desired.tags, purge=True)
        if to_set or to_remove:
            out.append(finding("tags", f"{where}: tags to set {to_set or {}}, tags to remove {to_remove or []}"))
    return out


def _rotation(rotation) -> str:
    return f"on, every {rotation.period_days} days" if rotation.enabled and rotation.period_days else (
        "on" if rotation.enabled else "off")


def audit(client: ReadOnlyClient, desired: Desired, checked: bool, tags_given: bool) -> Dict[str, Any]:
    """The key (the main module's result fields, or None), its findings, and whether it complies."""
    current = read_key(client, desired.alias)
    if current is None:
        found = [finding("missing", f"{desired.alias} in {desired.region}: no key has this alias")]
        return {"key": None, "findings": found, "compliant": False}
    account_id = account_of(current["metadata"]["Arn"])
    key = result_of(current["metadata"], policy=current["policy"], rotation=rotation_of(current),
                    tags=current["tags"], alias=desired.alias, region=desired.region, account_id=account_id)
    found = findings(current, desired.for_account(account_id) if checked else desired, checked, tags_given)
    return {"key": key, "findings": found, "compliant": not found}
