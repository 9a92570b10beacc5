"""A key's desired and current state, and helpers, shared by the test_plan_*.py files (_cmk/plan.py, _cmk/desired.py).

Imported by its collection name, which works both under plain pytest (pytest.ini puts `collections` on
sys.path) and under `ansible-test units` (its collection loader).
"""
from __future__ import annotations

import copy
from dataclasses import replace

from ansible_collections.cmkops.atlassian_cmk.plugins.module_utils._cmk.desired import Desired
from ansible_collections.cmkops.atlassian_cmk.plugins.module_utils._cmk.plan import MARKER_ALIAS
from ansible_collections.cmkops.atlassian_cmk.plugins.module_utils._cmk.plan import Plan
from ansible_collections.cmkops.atlassian_cmk.plugins.module_utils._cmk.policy import builtin_policy

ACCOUNT = "123456789012"
REGION = "eu-west-1"
ALIAS = "alias/atlassian-cmk-key"
KEY_ID = "1234abcd-12ab-34cd-56ef-1234567890ab"
ARN = f"arn:aws:kms:{REGION}:{ACCOUNT}:key/{KEY_ID}"
ORG_PATHS = ["o-rab3nm4fez/*/ou-ab12-cdef3456/*"]
POLICY = builtin_policy(ACCOUNT, REGION, ORG_PATHS, ["dynamodb", "s3"])
DESCRIPTION = "Atlassian Cloud customer-managed key (CMK)"
ATTEMPT = "0123456789abcdef0123456789abcdef"
NOW = "2026-12-01T09:00:00Z"  # the run's clock

RESULT_KEYS = {
    "key_arn", "key_id", "alias", "region", "account_id", "key_state", "enabled", "description", "policy",
    "rotation_enabled", "rotation_period_days", "tags", "revoked_at", "retired_at", "successor_alias", "deletion_date",
}
VIEW_KEYS = {"key_state", "enabled", "description", "policy", "rotation_enabled", "rotation_period_days", "tags"}


def params(**overrides):
    p = {
        "alias": "atlassian-cmk-key",
        "state": "present",
        "description": DESCRIPTION,
        "enabled": None,
        "enable_key_rotation": True,
        "rotation_period_days": 365,
        "tags": {"team": "security"},
        "purge_tags": True,
        "pending_window_days": 30,
        "cancel_pending_deletion": False,
        "adopt": False,
        "bypass_policy_lockout_safety_check": False,
        "allow_wildcard_principal": False,
    }
    p.update(overrides)
    return p


def desired(now=NOW, **overrides):
    return replace(Desired.from_params(params(**overrides), REGION, now=now), policy=copy.deepcopy(POLICY))


def metadata(**overrides):
    meta = {
        "AWSAccountId": ACCOUNT,
        "KeyId": KEY_ID,
        "Arn": ARN,
        "KeyState": "Enabled",
        "Enabled": True,
        "Description": DESCRIPTION,
        "KeyManager": "CUSTOMER",
        "KeySpec": "SYMMETRIC_DEFAULT",
        "KeyUsage": "ENCRYPT_DECRYPT",
        "Origin": "AWS_KMS",
        "MultiRegion": False,
    }
    meta.update(overrides)
    return meta


def current(state="Enabled", policy=None, rotation=(True, 365), tags=None, stack=None, **meta):
    return {
        **({"stack": stack} if stack else {}),
        "metadata": metadata(KeyState=state, Enabled=state == "Enabled", **meta),
        "policy": copy.deepcopy(POLICY) if policy is None else policy,
        "rotation_enabled": rotation[0],
        "rotation_period_days": rotation[1],
        "tags": {"team": "security", MARKER_ALIAS: ALIAS} if tags is None else tags,
    }


def names(plan: Plan):
    return [name for name, _args in plan.actions]


def args_of(plan: Plan, name: str):
    return dict(plan.actions)[name]
