# -*- coding: utf-8 -*-
# Copyright: cmkops contributors
# GNU General Public License v3.0+ (see https://www.gnu.org/licenses/gpl-3.0.txt)
"""The read-only audit of one region's key: how it differs from what the collection would make it.

It shares the main module's options, reads (``runner.read_key``), desired state (``desired.Desired``) and its
one comparison (``compare.compare``): each difference the converge would write is a finding of the same code.
It makes no write, even by mistake: its client answers only the reads (the converge's four, and the key's last
use) and refuses every other call.
"""

from __future__ import annotations

from typing import Any, Callable, Dict, List, Mapping, Optional

from .compare import compare
from .desired import Desired
from .kms import CmkAWSError, account_of, error_parts
from .plan import result_of
from .compare import rotation_of
from .runner import read_key
from .severity import SEVERITY
from .stacks import STACK_TAG, read_owner
from .stacks import unknown as stack_unknown
from .usage import quiet_days

READS = frozenset({"describe_key", "get_key_policy", "get_key_rotation_status", "list_resource_tags",
                   "get_key_last_usage", "describe_stack_resources"})


class ReadOnlyClient:
    """A KMS (or CloudFormation) client that makes the audit's reads and nothing else."""

    def __init__(self, client) -> None:
        self._client = client

    def __getattr__(self, name: str):
        if name not in READS:
            raise PermissionError(f"the audit makes no {name} call")
        return getattr(self._client, name)


def finding(code: str, message: str, **extra: Any) -> Dict[str, Any]:
    return {"code": code, "severity": SEVERITY[code], "message": message, **extra}


def unused(current: Mapping[str, Any], desired: Desired, last: Optional[Mapping[str, Any]],
           unused_days: int) -> Optional[Dict[str, Any]]:
    """An Enabled key KMS saw no cryptographic use of for ``unused_days`` (0: never), since tracking started.
    A last use that is unknown is never taken for unused."""
    days = quiet_days(last, desired.now)
    if not unused_days or current["metadata"]["KeyState"] != "Enabled" or days is None or days < unused_days:
        return None
    if last.get("used_at"):
        since = f"its last use, {last['operation']} at {last['used_at']}"
    else:
        since = f"KMS began tracking it at {last['tracking_since']}"
    return finding("unused", f"{desired.alias} in {desired.region}: no cryptographic use for {days:.0f} days, since "
                   f"{since}: has Atlassian enrolled this ARN?")


def findings(current: Mapping[str, Any], desired: Desired, checked: bool, unused_days: int = 0
             ) -> List[Dict[str, Any]]:
    """Every difference between ``current`` and ``desired`` (its policy rendered for the key's account, when
    ``checked``), as a finding of the difference's code; and ``unused`` from the key's last use, when read."""
    account_id = account_of(current["metadata"]["Arn"])
    out = [finding(d.code, d.message, **d.extra) for d in compare(current, desired, account_id).differences]
    if not checked:
        out.append(finding("policy_unchecked", f"{desired.alias} in {desired.region}: no org_paths were given, so "
                           "the policy was not compared"))
    quiet = unused(current, desired, current.get("last_used"), unused_days)
    return out + ([quiet] if quiet else [])


def stack_of(stack_client: Callable[[], ReadOnlyClient], current: Mapping[str, Any], alias: str
             ) -> Optional[Dict[str, Any]]:
    """The stack that still owns a key CloudFormation made (tagged ``aws:cloudformation:stack-name``), asked only
    for such a key; a read that fails leaves it unknown, with the reason, and fails nothing."""
    if STACK_TAG not in current["tags"]:
        return None
    try:
        return read_owner(stack_client(), current["metadata"], alias)
    except CmkAWSError as e:
        code, message, _status = error_parts(e)
        return stack_unknown(current["tags"], f"{code}: {message}" if code else message)


def audit(client: ReadOnlyClient, desired: Desired, checked: bool, last_use: bool = True, unused_days: int = 0,
          stack_client: Optional[Callable[[], ReadOnlyClient]] = None) -> Dict[str, Any]:
    """The key (the main module's result fields, or None), its findings, whether it complies, and its last
    cryptographic use (with ``last_use``; else None). With ``stack_client``, a key CloudFormation made is
    checked for a stack that still owns it."""
    current = read_key(client, desired.alias, last_use)
    if current is None:
        found = [finding("missing", f"{desired.alias} in {desired.region}: no key has this alias")]
        return {"key": None, "findings": found, "compliant": False, "last_used": None}
    if stack_client is not None:
        current = dict(current, stack=stack_of(stack_client, current, desired.alias))
    account_id = account_of(current["metadata"]["Arn"])
    key = result_of(current["metadata"], policy=current["policy"], rotation=rotation_of(current),
                    tags=current["tags"], alias=desired.alias, region=desired.region, account_id=account_id)
    found = findings(current, desired.for_account(account_id) if checked else desired, checked, unused_days)
    return {"key": key, "findings": found, "compliant": not found, "last_used": current["last_used"]}
