"""Sample policies and helpers shared by the test_policy_*.py files (plugins/module_utils/_cmk/policy.py).

Imported by its collection name, which works both under plain pytest (pytest.ini puts `collections` on
sys.path) and under `ansible-test units` (its collection loader).
"""
from __future__ import annotations

import json

from ansible_collections.cmkops.atlassian_cmk.plugins.module_utils._cmk.policy import DEFAULT_VIA_SERVICES
from ansible_collections.cmkops.atlassian_cmk.plugins.module_utils._cmk.policy import builtin_policy
from ansible_collections.cmkops.atlassian_cmk.plugins.module_utils._cmk.policy import root_arn

ACCOUNT = "123456789012"
OTHER_ACCOUNT = "210987654321"
REGION = "eu-west-1"
ORG_PATHS = ["o-rab3nm4fez/*/ou-ab12-cdef3456/*", "o-a1b2c3d4e5/r-ab12/ou-ab12-11111111/*"]
CALLER = f"arn:aws:iam::{ACCOUNT}:role/deployer"
GRANT_ACTIONS = {"kms:CreateGrant", "kms:ListGrants", "kms:RevokeGrant"}

# Shaped like Atlassian's published template: tokens inside strings, OrganisationalUnits as a value.
ATLASSIAN_TEMPLATE = json.dumps({
    "Version": "2012-10-17",
    "Statement": [
        {
            "Sid": "EnableRoleDelegation",
            "Effect": "Allow",
            "Principal": {"AWS": "arn:aws:iam::AWSACCOUNTID:root"},
            "Action": "kms:*",
            "Resource": "*",
        },
        {
            "Sid": "AwsManagedService",
            "Effect": "Allow",
            "Principal": {"AWS": "*"},
            "Action": ["kms:Encrypt", "kms:Decrypt"],
            "Resource": "*",
            "Condition": {
                "ForAnyValue:StringLike": {"aws:PrincipalOrgPaths": "OrganisationalUnits"},
                "StringEquals": {"kms:ViaService": ["dynamodb.AWSREGION.amazonaws.com",
                                                    "s3.AWSREGION.amazonaws.com"]},
            },
        },
    ],
})


def builtin(account=ACCOUNT, region=REGION, org_paths=None, via=("dynamodb", "s3")):
    return builtin_policy(account, region, ORG_PATHS if org_paths is None else org_paths, via)


def by_sid(policy):
    return {s["Sid"]: s for s in policy["Statement"]}


def as_list(value):
    return value if isinstance(value, list) else [value]


def root_statement(principal=None, action="kms:*", **extra):
    stmt = {"Sid": "Root", "Effect": "Allow", "Principal": {"AWS": principal or root_arn(ACCOUNT)},
            "Action": action, "Resource": "*"}
    stmt.update(extra)
    return stmt


def policy_of(*statements):
    return {"Version": "2012-10-17", "Statement": list(statements)}


def params(**overrides):
    p = {"policy": None, "policy_template": None, "org_paths": list(ORG_PATHS),
         "via_services": list(DEFAULT_VIA_SERVICES), "allow_wildcard_principal": False}
    p.update(overrides)
    return p
