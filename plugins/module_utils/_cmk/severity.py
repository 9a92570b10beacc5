# -*- coding: utf-8 -*-
# Copyright: cmkops contributors
# GNU General Public License v3.0+ (see https://www.gnu.org/licenses/gpl-3.0.txt)
"""How much each audit finding matters, pure, and which findings fail an audit.

Critical: Atlassian cannot use the key, or may lose it; or someone outside the account and the template can use
it; or the key is not the one this collection manages; or the audit cannot tell (policy_unchecked). A warning:
the key works for Atlassian but differs from the request.
"""

from __future__ import annotations

from typing import Any, List, Mapping

CRITICAL, WARNING, NEVER = "critical", "warning", "never"
SEVERITY = {
    "missing": CRITICAL, "disabled": CRITICAL, "enabled": CRITICAL, "pending_deletion": CRITICAL,
    "key_spec": CRITICAL, "wrong_account": CRITICAL, "foreign_key": CRITICAL, "policy_unchecked": CRITICAL,
    "atlassian_access": CRITICAL, "external_access": CRITICAL,
    "policy_drift": WARNING, "description": WARNING, "rotation": WARNING, "tags": WARNING, "successor": WARNING,
    "unused": WARNING, "stack_owned": WARNING,
}
# audit_fail_on: the severities that fail an account.
FAIL_ON = {CRITICAL: (CRITICAL,), WARNING: (CRITICAL, WARNING), NEVER: ()}


def failing(found: List[Mapping[str, Any]], fail_on: str) -> List[Mapping[str, Any]]:
    """The findings that fail an audit with ``fail_on`` (critical, warning or never); a finding without a
    severity (an older module's) counts as critical."""
    return [f for f in found if f.get("severity", CRITICAL) in FAIL_ON[fail_on]]
