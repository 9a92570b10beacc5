# -*- coding: utf-8 -*-
# Copyright: cmkops contributors
# GNU General Public License v3.0+ (see https://www.gnu.org/licenses/gpl-3.0.txt)
"""The read-only audit of one region's key: how it differs from what the collection would make it.

It shares the main module's options, reads (``runner.read_key``), desired state (``desired.Desired``) and its
one comparison (``compare.compare``): each difference the converge would write is a finding of the same code.
It makes no write, even by mistake: its client answers only the four reads and refuses every other call.
"""

from __future__ import annotations

from typing import Any, Dict, List, Mapping

from .compare import compare
from .desired import Desired
from .kms import account_of
from .plan import result_of
from .compare import rotation_of
from .runner import read_key

READS = frozenset({"describe_key", "get_key_policy", "get_key_rotation_status", "list_resource_tags"})


class ReadOnlyClient:
    """A KMS client that makes the four reads and nothing else."""

    def __init__(self, client) -> None:
        self._client = client

    def __getattr__(self, name: str):
        if name not in READS:
            raise PermissionError(f"the audit makes no {name} call")
        return getattr(self._client, name)


def finding(code: str, message: str, **extra: Any) -> Dict[str, Any]:
    return {"code": code, "message": message, **extra}


def findings(current: Mapping[str, Any], desired: Desired, checked: bool) -> List[Dict[str, Any]]:
    """Every difference between ``current`` and ``desired`` (its policy rendered for the key's account, when
    ``checked``), as a finding of the difference's code."""
    account_id = account_of(current["metadata"]["Arn"])
    out = [finding(d.code, d.message, **d.extra) for d in compare(current, desired, account_id).differences]
    if not checked:
        out.append(finding("policy_unchecked", f"{desired.alias} in {desired.region}: no org_paths were given, so "
                           "the policy was not compared"))
    return out


def audit(client: ReadOnlyClient, desired: Desired, checked: bool) -> Dict[str, Any]:
    """The key (the main module's result fields, or None), its findings, and whether it complies."""
    current = read_key(client, desired.alias)
    if current is None:
        found = [finding("missing", f"{desired.alias} in {desired.region}: no key has this alias")]
        return {"key": None, "findings": found, "compliant": False}
    account_id = account_of(current["metadata"]["Arn"])
    key = result_of(current["metadata"], policy=current["policy"], rotation=rotation_of(current),
                    tags=current["tags"], alias=desired.alias, region=desired.region, account_id=account_id)
    found = findings(current, desired.for_account(account_id) if checked else desired, checked)
    return {"key": key, "findings": found, "compliant": not found}
