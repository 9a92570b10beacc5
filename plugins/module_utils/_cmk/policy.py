# -*- coding: utf-8 -*-
# Copyright: cmkops contributors
# GNU General Public License v3.0+ (see https://www.gnu.org/licenses/gpl-3.0.txt)
"""Key policies, pure: render the template, canonicalise, compare, and lint before a write. Nothing here
reads the module's params (desired.py does)."""

from __future__ import annotations

import fnmatch
import json
import re
from typing import Any, Dict, Iterable, List, Optional, Sequence

from .validate import InvalidInput, is_account_id

MAX_POLICY_BYTES = 32768
ORG_PATHS_TOKEN = "OrganisationalUnits"
TOKENS = ("AWSACCOUNTID", "AWSREGION", ORG_PATHS_TOKEN)
# Another template's placeholders, such as <your-account-id>, must never reach AWS.
_PLACEHOLDER = re.compile(r"<(?!\s)[^<>]{1,64}(?<!\s)>")

DEFAULT_VIA_SERVICES = (
    "dynamodb", "ec2", "elasticache", "es", "kinesis", "rds", "s3", "secretsmanager", "sns", "sqs",
)


def root_arn(account_id: str) -> str:
    return f"arn:aws:iam::{account_id}:root"


def builtin_policy(account_id: str, region: str, org_paths: Sequence[str], via_services: Sequence[str]) -> dict:
    """Atlassian's statement structure, reconstructed from Atlassian's and AWS's documentation."""
    in_org = {"ForAnyValue:StringLike": {"aws:PrincipalOrgPaths": list(org_paths)}}
    via = {"kms:ViaService": [f"{s}.{region}.amazonaws.com" for s in via_services]}
    return {
        "Version": "2012-10-17",
        "Id": "atlassian-cmk-key-policy",
        "Statement": [
            {
                "Sid": "EnableRoleDelegation",
                "Effect": "Allow",
                "Principal": {"AWS": root_arn(account_id)},
                "Action": "kms:*",
                "Resource": "*",
            },
            {
                "Sid": "AwsManagedService",
                "Effect": "Allow",
                "Principal": {"AWS": "*"},
                "Action": ["kms:Encrypt", "kms:Decrypt", "kms:ReEncrypt*", "kms:GenerateDataKey*", "kms:DescribeKey"],
                "Resource": "*",
                "Condition": dict(in_org, StringEquals=via),
            },
            {
                # Grant actions alone support kms:GrantIsForAWSResource; beside Encrypt/Decrypt it
                # would make AWS deny those, so the grants live in a statement of their own.
                "Sid": "AwsManagedServiceGrants",
                "Effect": "Allow",
                "Principal": {"AWS": "*"},
                "Action": ["kms:CreateGrant", "kms:ListGrants", "kms:RevokeGrant"],
                "Resource": "*",
                "Condition": dict(in_org, StringEquals=via, Bool={"kms:GrantIsForAWSResource": "true"}),
            },
            {
                "Sid": "AtlassianRdsPerformanceInsightsUsage",
                "Effect": "Allow",
                "Principal": {"AWS": "*"},
                "Action": ["kms:Decrypt", "kms:GenerateDataKey"],
                "Resource": "*",
                "Condition": dict(
                    in_org,
                    StringEquals={
                        "kms:ViaService": f"rds.{region}.amazonaws.com",
                        "kms:EncryptionContext:aws:pi:service": "rds",
                        "kms:EncryptionContext:service": "pi",
                    },
                ),
            },
        ],
    }


def parse_policy(option: str, text: Any) -> dict:
    """A policy given as JSON text (or already a dict), or an InvalidInput naming ``option``."""
    if isinstance(text, dict):
        return text
    try:
        doc = json.loads(text)
    except (TypeError, ValueError) as e:
        raise InvalidInput(option, _short(text), f"is not valid JSON ({e})") from None
    if not isinstance(doc, dict) or "Statement" not in doc:
        raise InvalidInput(option, _short(text), "must be a JSON object with a Statement")
    problem = statement_problem(doc["Statement"])
    if problem:
        raise InvalidInput(option, _short(text), problem)
    return doc


_STRINGS_OR_LIST = ("Action", "NotAction", "Resource", "NotResource")


def _strings(value: Any) -> bool:
    return isinstance(value, str) or (isinstance(value, list) and all(isinstance(v, str) for v in value))


def statement_problem(statements: Any) -> Optional[str]:
    """Why a policy's Statement cannot be a key policy's, or None: the shapes the comparison relies on."""
    items = statements if isinstance(statements, list) else [statements]
    if not items or not all(isinstance(s, dict) for s in items):
        return "Statement must be an object or a non-empty list of objects"
    for i, stmt in enumerate(items, 1):
        where = f"statement {stmt.get('Sid', '#' + str(i))}"
        for key in ("Principal", "NotPrincipal"):
            value = stmt.get(key)
            if value is not None and value != "*" and not (
                    isinstance(value, dict) and value and all(_strings(v) for v in value.values())):
                return f"{where}: {key} must be \"*\" or an object such as {{\"AWS\": [\"arn:...\"]}}"
        for key in _STRINGS_OR_LIST:
            if key in stmt and not _strings(stmt[key]):
                return f"{where}: {key} must be a string or a list of strings"
        condition = stmt.get("Condition")
        if condition is not None and not (isinstance(condition, dict) and all(
                isinstance(keys, dict) for keys in condition.values())):
            return f"{where}: Condition must be an object of operators, each an object of condition keys"
    return None


def template_uses_org_paths(template: str) -> bool:
    return f'"{ORG_PATHS_TOKEN}"' in template


def render_template(template: str, account_id: str, region: str, org_paths: Sequence[str]) -> dict:
    """Fill a template such as Atlassian's: tokens inside strings, and OrganisationalUnits as a list."""
    doc = parse_policy("policy_template", template)

    def fill(node: Any) -> Any:
        if isinstance(node, dict):
            return {k: fill(v) for k, v in node.items()}
        if isinstance(node, list):
            out: List[Any] = []
            for item in node:
                out.extend(org_paths if item == ORG_PATHS_TOKEN else [fill(item)])
            return out
        if node == ORG_PATHS_TOKEN:
            return list(org_paths)
        if isinstance(node, str):
            return node.replace("AWSACCOUNTID", account_id).replace("AWSREGION", region)
        return node

    return fill(doc)


def leftover_tokens(policy: dict) -> List[str]:
    text = json.dumps(policy)
    found = [t for t in TOKENS if t in text]
    return found + sorted(set(_PLACEHOLDER.findall(text)))


# ---------------------------------------------------------------- canonical form and comparison


def _as_list(value: Any) -> List[Any]:
    return list(value) if isinstance(value, (list, tuple)) else [value]


def _principal(value: Any, account_id: Optional[str]) -> Any:
    if value == "*":
        return {"AWS": ["*"]}
    out = {}
    for kind, ids in value.items():
        names = [str(i) for i in _as_list(ids)]
        if kind == "AWS" and account_id:
            # AWS stores a bare account id as its root ARN.
            names = [root_arn(n) if is_account_id(n) else n for n in names]
        out[kind] = sorted(set(names))
    return out


def _condition(value: Dict[str, Any]) -> Dict[str, Any]:
    # Operators and condition keys are case-insensitive; values keep their case.
    return {
        op: {key.lower(): sorted({_scalar(v) for v in _as_list(vals)}) for key, vals in keys.items()}
        for op, keys in value.items()
    }


def _scalar(value: Any) -> str:
    # JSON true and the string "true" mean the same to IAM.
    return str(value).lower() if isinstance(value, bool) else str(value)


def canonical_statement(stmt: Dict[str, Any], account_id: Optional[str]) -> Dict[str, Any]:
    out: Dict[str, Any] = {}
    for key, value in stmt.items():
        if key in ("Principal", "NotPrincipal"):
            out[key] = _principal(value, account_id)
        elif key in ("Action", "NotAction"):
            out[key] = sorted({a.lower() for a in _as_list(value)})
        elif key in ("Resource", "NotResource"):
            out[key] = sorted(set(_as_list(value)))
        elif key == "Condition":
            out[key] = _condition(value)
        else:
            out[key] = value
    return out


def canonical_policy(policy: Dict[str, Any], account_id: Optional[str] = None) -> Dict[str, Any]:
    """A form in which two policies AWS treats alike are equal: order, one-item lists, root ARNs."""
    statements = [canonical_statement(s, account_id) for s in _as_list(policy.get("Statement", []))]
    statements.sort(key=lambda s: json.dumps(s, sort_keys=True))
    return {"Version": policy.get("Version", "2008-10-17"), "Statement": statements}


def policy_needs_update(current: Optional[dict], desired: dict, account_id: Optional[str]) -> bool:
    """True when the key's policy differs from ``desired`` in anything AWS would enforce."""
    if current is None:
        return True
    return canonical_policy(current, account_id) != canonical_policy(desired, account_id)


# ---------------------------------------------------------------- lint before a write


def _matches(patterns: Iterable[str], action: str) -> bool:
    return any(fnmatch.fnmatchcase(action.lower(), p.lower()) for p in patterns)


def _grants(stmt: Dict[str, Any], principals: Sequence[str], action: str) -> bool:
    """Does ``stmt`` apply, unconditionally, to one of ``principals`` for ``action``?"""
    if "Condition" in stmt or "NotPrincipal" in stmt or "NotAction" in stmt:
        return False
    aws = stmt.get("Principal", {})
    names = ["*"] if aws == "*" else [str(n) for n in _as_list(aws.get("AWS", []))] if isinstance(aws, dict) else []
    who = "*" in names or any(p in names for p in principals)
    return who and _matches(_as_list(stmt.get("Action", [])), action)


def locks_out(policy: dict, account_id: str, caller_arn: Optional[str] = None) -> bool:
    """True when no unconditional Allow lets the account's root (or the caller) change the policy again."""
    principals = [root_arn(account_id), account_id] + ([caller_arn] if caller_arn else [])
    statements = _as_list(policy.get("Statement", []))
    if any(s.get("Effect") == "Deny" and _grants(s, principals, "kms:PutKeyPolicy") for s in statements):
        return True
    return not any(s.get("Effect") == "Allow" and _grants(s, principals, "kms:PutKeyPolicy") for s in statements)


def wildcard_statements(policy: dict) -> List[str]:
    """Sids of Allow statements open to every AWS principal with no condition at all."""
    found = []
    for i, stmt in enumerate(_as_list(policy.get("Statement", []))):
        principal = stmt.get("Principal")
        aws = principal.get("AWS", []) if isinstance(principal, dict) else principal
        if stmt.get("Effect") == "Allow" and "*" in _as_list(aws) and not stmt.get("Condition"):
            found.append(stmt.get("Sid", f"#{i}"))
    return found


def lint_policy(option: str, policy: dict, account_id: str, caller_arn: Optional[str] = None,
                allow_lockout: bool = False, allow_wildcard: bool = False) -> List[InvalidInput]:
    """Every reason not to send ``policy`` to AWS, naming ``option``."""
    errors = []
    size = len(json.dumps(policy).encode())
    if size > MAX_POLICY_BYTES:
        errors.append(InvalidInput(option, f"<{size} bytes>", f"is larger than AWS's {MAX_POLICY_BYTES} bytes"))
    left = leftover_tokens(policy)
    if left:
        errors.append(InvalidInput(option, ", ".join(left), "template tokens or placeholders are left in the policy"))
    wild = wildcard_statements(policy)
    if wild and not allow_wildcard:
        errors.append(InvalidInput(option, ", ".join(wild), "a statement allows every AWS principal (*) with no "
                                   "condition; set allow_wildcard_principal=true if that is really meant"))
    if not allow_lockout and locks_out(policy, account_id, caller_arn):
        errors.append(InvalidInput(option, _short(json.dumps(policy)), f"no statement lets account {account_id}'s "
                                   "root or the caller call kms:PutKeyPolicy, so the key could not be managed "
                                   "again; set bypass_policy_lockout_safety_check=true if that is really meant"))
    return errors


def _short(value: Any, limit: int = 80) -> str:
    text = value if isinstance(value, str) else repr(value)
    return text if len(text) <= limit else text[:limit] + "..."
