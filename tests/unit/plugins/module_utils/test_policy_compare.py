"""Tests for comparing key policies: canonical_policy, policy_needs_update."""
from __future__ import annotations

import copy

import pytest

from ansible_collections.cmkops.atlassian_cmk.plugins.module_utils._cmk.policy import canonical_policy
from ansible_collections.cmkops.atlassian_cmk.plugins.module_utils._cmk.policy import policy_needs_update
from ansible_collections.cmkops.atlassian_cmk.plugins.module_utils._cmk.policy import root_arn
from ansible_collections.cmkops.atlassian_cmk.tests.unit.plugins.module_utils.policy_samples import ACCOUNT
from ansible_collections.cmkops.atlassian_cmk.tests.unit.plugins.module_utils.policy_samples import OTHER_ACCOUNT
from ansible_collections.cmkops.atlassian_cmk.tests.unit.plugins.module_utils.policy_samples import as_list
from ansible_collections.cmkops.atlassian_cmk.tests.unit.plugins.module_utils.policy_samples import builtin
from ansible_collections.cmkops.atlassian_cmk.tests.unit.plugins.module_utils.policy_samples import by_sid
from ansible_collections.cmkops.atlassian_cmk.tests.unit.plugins.module_utils.policy_samples import policy_of
from ansible_collections.cmkops.atlassian_cmk.tests.unit.plugins.module_utils.policy_samples import root_statement


# ---------------------------------------------------------------- canonical form and comparison


def _base():
    return builtin(via=("dynamodb", "s3"))


def _reorder_statements(p):
    p["Statement"].reverse()


def _reorder_actions(p):
    for s in p["Statement"]:
        if isinstance(s["Action"], list):
            s["Action"].reverse()


def _action_case(p):
    for s in p["Statement"]:
        s["Action"] = [a.upper() for a in as_list(s["Action"])]


def _action_as_list(p):
    p["Statement"][0]["Action"] = ["kms:*"]


def _resource_as_list(p):
    for s in p["Statement"]:
        s["Resource"] = ["*"]


def _principal_as_list(p):
    for s in p["Statement"]:
        s["Principal"]["AWS"] = [s["Principal"]["AWS"]]


def _principal_account_id(p):
    p["Statement"][0]["Principal"]["AWS"] = ACCOUNT


def _principal_bare_star(p):
    for s in p["Statement"][1:]:
        s["Principal"] = "*"


def _condition_key_case(p):
    for s in p["Statement"][1:]:
        s["Condition"] = {op: {k.upper(): v for k, v in keys.items()} for op, keys in s["Condition"].items()}


def _condition_value_as_list(p):
    s = by_sid(p)["AtlassianRdsPerformanceInsightsUsage"]
    s["Condition"]["StringEquals"]["kms:EncryptionContext:service"] = ["pi"]


def _condition_values_reordered(p):
    for s in p["Statement"][1:]:
        for keys in s["Condition"].values():
            for k, v in keys.items():
                if isinstance(v, list):
                    keys[k] = list(reversed(v))


def _bool_as_json_true(p):
    by_sid(p)["AwsManagedServiceGrants"]["Condition"]["Bool"]["kms:GrantIsForAWSResource"] = True


def _statement_as_dict(p):
    p["Statement"] = p["Statement"][:1]


def _duplicate_action(p):
    s = by_sid(p)["AwsManagedService"]
    s["Action"] = s["Action"] + ["kms:Decrypt"]


@pytest.mark.parametrize(
    "change",
    [_reorder_statements, _reorder_actions, _action_case, _action_as_list, _resource_as_list, _principal_as_list,
     _principal_account_id, _principal_bare_star, _condition_key_case, _condition_value_as_list,
     _condition_values_reordered, _bool_as_json_true, _duplicate_action],
)
def test_policy_equal_despite(change):
    desired = _base()
    current = copy.deepcopy(desired)
    change(current)
    assert current != desired  # the test changes something
    assert canonical_policy(current, ACCOUNT) == canonical_policy(desired, ACCOUNT)
    assert not policy_needs_update(current, desired, ACCOUNT)
    assert not policy_needs_update(desired, current, ACCOUNT)


def test_policy_single_statement_dict_equals_list():
    stmt = root_statement()
    assert not policy_needs_update(policy_of(stmt), {"Version": "2012-10-17", "Statement": stmt}, ACCOUNT)


def _org_path(p):
    for s in p["Statement"][1:]:
        s["Condition"]["ForAnyValue:StringLike"]["aws:PrincipalOrgPaths"] = ["o-zzzzzzzzzz/*"]


def _region(p):
    return builtin(region="us-east-1", via=("dynamodb", "s3"))


def _effect(p):
    p["Statement"][1]["Effect"] = "Deny"


def _extra_statement(p):
    p["Statement"].append(root_statement(principal=root_arn(OTHER_ACCOUNT), action="kms:Decrypt"))


def _missing_statement(p):
    del p["Statement"][-1]


def _extra_action(p):
    by_sid(p)["AwsManagedService"]["Action"].append("kms:ScheduleKeyDeletion")


def _other_account_root(p):
    p["Statement"][0]["Principal"]["AWS"] = root_arn(OTHER_ACCOUNT)


def _condition_value_case(p):
    by_sid(p)["AtlassianRdsPerformanceInsightsUsage"]["Condition"]["StringEquals"][
        "kms:EncryptionContext:service"] = "PI"


def _condition_removed(p):
    del p["Statement"][1]["Condition"]


def _via_service_removed(p):
    by_sid(p)["AwsManagedService"]["Condition"]["StringEquals"]["kms:ViaService"] = ["dynamodb.eu-west-1.amazonaws.com"]


def _bool_false(p):
    by_sid(p)["AwsManagedServiceGrants"]["Condition"]["Bool"]["kms:GrantIsForAWSResource"] = False


@pytest.mark.parametrize(
    "change",
    [_org_path, _region, _effect, _extra_statement, _missing_statement, _extra_action, _other_account_root,
     _condition_value_case, _condition_removed, _via_service_removed, _bool_false],
)
def test_policy_differs(change):
    desired = _base()
    current = copy.deepcopy(desired)
    current = change(current) or current
    assert canonical_policy(current, ACCOUNT) != canonical_policy(desired, ACCOUNT)
    assert policy_needs_update(current, desired, ACCOUNT)
    assert policy_needs_update(desired, current, ACCOUNT)


def test_policy_needs_update_when_no_current_policy():
    assert policy_needs_update(None, _base(), ACCOUNT)


def test_canonical_policy_does_not_mutate():
    policy = _base()
    before = copy.deepcopy(policy)
    canonical_policy(policy, ACCOUNT)
    assert policy == before
