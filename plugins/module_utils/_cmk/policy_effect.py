# -*- coding: utf-8 -*-
# Copyright: cmkops contributors
# GNU General Public License v3.0+ (see https://www.gnu.org/licenses/gpl-3.0.txt)
"""What a changed key policy means, pure: its drift from the expected policy, classified by effect on canonical
statements (policy.canonical_statement).

- ``atlassian_access``: a statement of the template that grants access to a principal outside the account (the
  statements conditioned on Atlassian's OrgPath, the service statements) is missing from the key's policy, grants
  fewer actions or has another condition there, or a Deny of the key's policy overlaps it. Atlassian is cut off,
  and the customer's sites may be suspended.
- ``external_access``: the key's policy grants an action to a principal that is neither the account nor one the
  template names: another account, a service outside the template, every principal (``*``) without the
  template's OrgPath condition or with a wider one, or everyone but some (NotPrincipal).
- ``policy_drift``: any other difference (an extra statement for the account's own roles, for example).
"""

from __future__ import annotations

import fnmatch
import re
from typing import Any, Dict, List, Mapping, Optional, Set, Tuple

from .policy import canonical_statement

ATLASSIAN_ACCESS, EXTERNAL_ACCESS, POLICY_DRIFT = "atlassian_access", "external_access", "policy_drift"
ORG_PATHS = "aws:principalorgpaths"
_Principal = Tuple[str, str]  # (kind, name): ("AWS", "arn:aws:iam::111122223333:root"), ("Service", "s3...")


def _statements(policy: Optional[Mapping[str, Any]], account_id: str) -> List[Dict[str, Any]]:
    raw = (policy or {}).get("Statement", [])
    return [canonical_statement(s, account_id) for s in (raw if isinstance(raw, list) else [raw])]


def _principals(stmt: Mapping[str, Any]) -> Set[_Principal]:
    return {(kind, name) for kind, names in (stmt.get("Principal") or {}).items() for name in names}


def _is_account(principal: _Principal, account_id: str) -> bool:
    kind, name = principal
    own = re.compile(rf"^arn:aws[a-z-]*:(iam|sts)::{account_id}:")
    return kind == "AWS" and (name == account_id or bool(own.match(name)))


def _outside(stmt: Mapping[str, Any], account_id: str) -> bool:
    """An Allow of the template for a principal outside the account: Atlassian's access."""
    return stmt.get("Effect") == "Allow" and any(not _is_account(p, account_id) for p in _principals(stmt))


def _matches(action: str, patterns: List[str]) -> bool:
    return any(fnmatch.fnmatchcase(action, pattern) for pattern in patterns)


def _overlap(actions: List[str], patterns: List[str]) -> bool:
    return any(fnmatch.fnmatchcase(a, p) or fnmatch.fnmatchcase(p, a) for a in actions for p in patterns)


def _covers(live: Mapping[str, Any], wanted: Mapping[str, Any]) -> bool:
    """``live`` grants at least what ``wanted`` grants, to the same principals, under the same condition."""
    if live.get("Effect") != "Allow" or "NotPrincipal" in live or "NotAction" in live:
        return False
    principals = _principals(live)
    everyone = ("AWS", "*") in principals
    who = all(p in principals or (everyone and p[0] == "AWS") for p in _principals(wanted))
    what = all(_matches(a, live.get("Action", [])) for a in wanted.get("Action", []))
    where = "*" in live.get("Resource", []) or live.get("Resource") == wanted.get("Resource")
    return who and what and where and live.get("Condition") == wanted.get("Condition")


def _denies(deny: Mapping[str, Any], wanted: Mapping[str, Any]) -> bool:
    """A Deny that takes away some of what ``wanted`` grants (whatever its condition: it may apply)."""
    if deny.get("Effect") != "Deny":
        return False
    principals = _principals(deny)
    who = "NotPrincipal" in deny or ("AWS", "*") in principals or bool(principals & _principals(wanted))
    actions = wanted.get("Action", [])
    if "NotAction" in deny:
        what = not all(_matches(a, deny["NotAction"]) for a in actions)
    else:
        what = _overlap(actions, deny.get("Action", []))
    return who and what


def _cut_off(wanted: Mapping[str, Any], have: List[Dict[str, Any]]) -> bool:
    """No statement of the key's policy grants what ``wanted`` grants, or a Deny overlaps it."""
    return not any(_covers(h, wanted) for h in have) or any(_denies(h, wanted) for h in have)


def _org_paths(stmt: Mapping[str, Any]) -> Optional[List[str]]:
    for keys in (stmt.get("Condition") or {}).values():
        if ORG_PATHS in keys:
            return keys[ORG_PATHS]
    return None


def _within(paths: Optional[List[str]], allowed: List[List[str]]) -> bool:
    """Each OrgPath of the key's statement falls within one the template allows (the same, or narrower)."""
    return bool(paths) and any(all(_matches(path, patterns) for path in paths) for patterns in allowed)


def _opens(live: Mapping[str, Any], expected: List[Dict[str, Any]], account_id: str) -> List[str]:
    """The principals an Allow of the key's policy opens the key to beyond the account and the template."""
    if live.get("Effect") != "Allow" or live in expected:
        return []
    if "NotPrincipal" in live:
        return ["every principal but those of its NotPrincipal"]
    named = set().union(*(_principals(s) for s in expected)) if expected else set()
    org = [paths for paths in (_org_paths(s) for s in expected if ("AWS", "*") in _principals(s)) if paths]
    opened = []
    for principal in sorted(_principals(live)):
        if _is_account(principal, account_id):
            continue
        if principal == ("AWS", "*"):
            if not _within(_org_paths(live), org):
                opened.append("every AWS principal (*) without the template's OrgPath condition")
        elif principal not in named:
            opened.append(f"{principal[0]} {principal[1]}")
    return opened


def _name(stmt: Mapping[str, Any], index: int) -> str:
    return str(stmt.get("Sid") or f"#{index + 1}")


def classify(live: Optional[Mapping[str, Any]], expected: Mapping[str, Any], account_id: str) -> List[Tuple[str, str]]:
    """(code, what) for each class of a policy that differs from ``expected``: atlassian_access and
    external_access when they apply (both may), else policy_drift."""
    have, want = _statements(live, account_id), _statements(expected, account_id)
    out: List[Tuple[str, str]] = []
    cut = [_name(w, i) for i, w in enumerate(want) if _outside(w, account_id) and _cut_off(w, have)]
    if cut:
        out.append((ATLASSIAN_ACCESS, f"no longer grants what the template's {', '.join(cut)} grant outside the "
                    "account: Atlassian is cut off"))
    opened = [f"{_name(h, i)} opens the key to {who}" for i, h in enumerate(have) for who in _opens(h, want, account_id)]
    if opened:
        out.append((EXTERNAL_ACCESS, f"grants access beyond the account and the template ({'; '.join(opened)})"))
    return out or [(POLICY_DRIFT, "differs from the expected one")]
