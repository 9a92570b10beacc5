"""Tests for checking key policies: locks_out, wildcard_statements, lint_policy, lint_template."""
from __future__ import annotations

import json

import pytest

from ansible_collections.cmkops.atlassian_cmk.plugins.module_utils._cmk.desired import STAND_IN_ACCOUNT
from ansible_collections.cmkops.atlassian_cmk.plugins.module_utils._cmk.desired import lint_template
from ansible_collections.cmkops.atlassian_cmk.plugins.module_utils._cmk.desired import org_paths_needed
from ansible_collections.cmkops.atlassian_cmk.plugins.module_utils._cmk.policy import MAX_POLICY_BYTES
from ansible_collections.cmkops.atlassian_cmk.plugins.module_utils._cmk.policy import lint_policy
from ansible_collections.cmkops.atlassian_cmk.plugins.module_utils._cmk.policy import locks_out
from ansible_collections.cmkops.atlassian_cmk.plugins.module_utils._cmk.policy import render_template
from ansible_collections.cmkops.atlassian_cmk.plugins.module_utils._cmk.policy import root_arn
from ansible_collections.cmkops.atlassian_cmk.plugins.module_utils._cmk.policy import wildcard_statements
from ansible_collections.cmkops.atlassian_cmk.tests.unit.plugins.module_utils.policy_samples import ACCOUNT
from ansible_collections.cmkops.atlassian_cmk.tests.unit.plugins.module_utils.policy_samples import ATLASSIAN_TEMPLATE
from ansible_collections.cmkops.atlassian_cmk.tests.unit.plugins.module_utils.policy_samples import CALLER
from ansible_collections.cmkops.atlassian_cmk.tests.unit.plugins.module_utils.policy_samples import OTHER_ACCOUNT
from ansible_collections.cmkops.atlassian_cmk.tests.unit.plugins.module_utils.policy_samples import REGION
from ansible_collections.cmkops.atlassian_cmk.tests.unit.plugins.module_utils.policy_samples import builtin
from ansible_collections.cmkops.atlassian_cmk.tests.unit.plugins.module_utils.policy_samples import params
from ansible_collections.cmkops.atlassian_cmk.tests.unit.plugins.module_utils.policy_samples import policy_of
from ansible_collections.cmkops.atlassian_cmk.tests.unit.plugins.module_utils.policy_samples import root_statement


# ---------------------------------------------------------------- locks_out


@pytest.mark.parametrize(
    "statements, caller, locked",
    [
        ([root_statement()], None, False),
        ([root_statement(principal=ACCOUNT)], None, False),
        ([root_statement(principal=[root_arn(OTHER_ACCOUNT), root_arn(ACCOUNT)])], None, False),
        ([root_statement(action="kms:PutKeyPolicy")], None, False),
        ([root_statement(action="kms:Put*")], None, False),
        ([root_statement(action="KMS:PUTKEYPOLICY")], None, False),
        ([root_statement(action=["kms:Decrypt", "kms:PutKeyPolicy"])], None, False),
        # only conditional statements
        ([root_statement(Condition={"Bool": {"aws:MultiFactorAuthPresent": "true"}})], None, True),
        (builtin()["Statement"][1:], None, True),
        # wrong action or wrong principal
        ([root_statement(action=["kms:Decrypt", "kms:Encrypt"])], None, True),
        ([root_statement(action="kms:Get*")], None, True),
        ([root_statement(principal=root_arn(OTHER_ACCOUNT))], None, True),
        ([root_statement(principal=CALLER)], None, True),
        ([root_statement(Effect="Deny")], None, True),
        ([], None, True),
        # the caller
        ([root_statement(principal=CALLER, action="kms:PutKeyPolicy")], CALLER, False),
        ([root_statement(principal=CALLER, action="kms:*")], CALLER, False),
        ([root_statement(principal=CALLER, action="kms:PutKeyPolicy")], f"arn:aws:iam::{ACCOUNT}:role/other", True),
        # an unconditional Deny wins
        ([root_statement(), root_statement(Effect="Deny", action="kms:PutKeyPolicy")], None, True),
        ([root_statement(), root_statement(Effect="Deny", Principal="*", action="kms:*")], None, True),
        ([root_statement(), root_statement(Effect="Deny", principal="*", action="kms:Put*")], None, True),
        ([root_statement(principal=CALLER), root_statement(Effect="Deny", principal=CALLER,
                                                           action="kms:PutKeyPolicy")], CALLER, True),
        # a Deny on something else does not lock out
        ([root_statement(), root_statement(Effect="Deny", action="kms:ScheduleKeyDeletion")], None, False),
        ([root_statement(), root_statement(Effect="Deny", principal=root_arn(OTHER_ACCOUNT))], None, False),
    ],
)
def test_locks_out(statements, caller, locked):
    policy = policy_of(*statements)
    assert locks_out(policy, ACCOUNT, caller) is locked


def test_locks_out_with_principal_star_string():
    stmt = {"Effect": "Allow", "Principal": "*", "Action": "kms:*", "Resource": "*"}
    assert locks_out(policy_of(stmt), ACCOUNT) is False


# ---------------------------------------------------------------- wildcard_statements


@pytest.mark.parametrize(
    "statements, expected",
    [
        ([root_statement()], []),
        (builtin()["Statement"], []),
        ([root_statement(principal="*")], ["Root"]),
        ([dict(root_statement(), Principal="*")], ["Root"]),
        ([root_statement(principal=[root_arn(ACCOUNT), "*"])], ["Root"]),
        ([dict(root_statement(principal="*"), Condition={})], ["Root"]),
        ([root_statement(principal="*", Condition={"StringEquals": {"aws:PrincipalAccount": ACCOUNT}})], []),
        ([root_statement(principal="*", Effect="Deny")], []),
        ([root_statement(), {"Effect": "Allow", "Principal": {"AWS": "*"}, "Action": "kms:Decrypt"}], ["#1"]),
    ],
)
def test_wildcard_statements(statements, expected):
    assert wildcard_statements(policy_of(*statements)) == expected


# ---------------------------------------------------------------- lint_policy


def _sized(target: int) -> dict:
    """A valid, non-locking policy whose JSON is exactly ``target`` bytes."""
    policy = {"Version": "2012-10-17", "Id": "", "Statement": [root_statement()]}
    policy["Id"] = "x" * (target - len(json.dumps(policy).encode()))
    assert len(json.dumps(policy).encode()) == target
    return policy


@pytest.mark.parametrize("size, too_big", [(MAX_POLICY_BYTES - 1, False), (MAX_POLICY_BYTES, False),
                                           (MAX_POLICY_BYTES + 1, True), (40000, True)])
def test_lint_policy_size(size, too_big):
    errors = lint_policy("policy", _sized(size), ACCOUNT)
    assert MAX_POLICY_BYTES == 32768
    if too_big:
        assert len(errors) == 1
        assert errors[0].option == "policy"
        assert str(size) in str(errors[0]) and "32768" in str(errors[0])
    else:
        assert errors == []


@pytest.mark.parametrize("option", ["policy", "policy_template"])
@pytest.mark.parametrize("left", ["AWSACCOUNTID", "AWSREGION", "OrganisationalUnits", "<account-id>"])
def test_lint_policy_tokens_left(option, left):
    policy = policy_of(root_statement(), root_statement(principal=f"arn:aws:iam::{left}:role/x", action="kms:Decrypt"))
    errors = lint_policy(option, policy, ACCOUNT)
    assert len(errors) == 1
    assert errors[0].option == option
    assert option in str(errors[0]) and left in str(errors[0])


@pytest.mark.parametrize("allow_wildcard", [False, True])
def test_lint_policy_wildcard(allow_wildcard):
    policy = policy_of(root_statement(), dict(root_statement(principal="*", action="kms:Decrypt"), Sid="Open"))
    errors = lint_policy("policy", policy, ACCOUNT, allow_wildcard=allow_wildcard)
    if allow_wildcard:
        assert errors == []
    else:
        assert len(errors) == 1
        assert "policy" in str(errors[0]) and "Open" in str(errors[0])
        assert "allow_wildcard_principal" in str(errors[0])


@pytest.mark.parametrize("allow_lockout", [False, True])
def test_lint_policy_lockout(allow_lockout):
    policy = policy_of(root_statement(action="kms:Decrypt"))
    errors = lint_policy("policy_template", policy, ACCOUNT, allow_lockout=allow_lockout)
    if allow_lockout:
        assert errors == []
    else:
        assert len(errors) == 1
        assert errors[0].option == "policy_template"
        assert "policy_template" in str(errors[0]) and ACCOUNT in str(errors[0])
        assert "bypass_policy_lockout_safety_check" in str(errors[0])


def test_lint_policy_lockout_caller_saves():
    policy = policy_of(root_statement(principal=CALLER, action="kms:PutKeyPolicy"))
    assert lint_policy("policy", policy, ACCOUNT) != []
    assert lint_policy("policy", policy, ACCOUNT, caller_arn=CALLER) == []


def test_lint_policy_reports_every_problem():
    policy = policy_of(dict(root_statement(principal="*", action="kms:Decrypt"), Sid="<sid>"))
    policy["Id"] = "x" * MAX_POLICY_BYTES
    errors = lint_policy("policy", policy, ACCOUNT)
    assert len(errors) == 4
    assert all(e.option == "policy" for e in errors)


# ---------------------------------------------------------------- lint_template


@pytest.mark.parametrize(
    "overrides",
    [{}, {"policy_template": ATLASSIAN_TEMPLATE}, {"policy": json.dumps(policy_of(root_statement()))}],
)
def test_lint_template_clean(overrides):
    assert lint_template(params(**overrides), REGION) == []
    assert lint_template(params(**overrides), None) == []


def test_lint_template_skips_lockout():
    template = json.dumps(policy_of(root_statement(principal="arn:aws:iam::AWSACCOUNTID:root", action="kms:Decrypt")))
    assert lint_template(params(policy_template=template), REGION) == []
    # with the stand-in account the same policy would lock out
    assert locks_out(render_template(template, STAND_IN_ACCOUNT, REGION, []), STAND_IN_ACCOUNT)


@pytest.mark.parametrize("option", ["policy", "policy_template"])
def test_lint_template_placeholder(option):
    text = json.dumps(policy_of(root_statement(principal="arn:aws:iam::<your-account-id>:root")))
    errors = lint_template(params(**{option: text}), REGION)
    assert len(errors) == 1
    assert errors[0].option == option
    assert "<your-account-id>" in str(errors[0])


@pytest.mark.parametrize("option", ["policy", "policy_template"])
def test_lint_template_invalid_json(option):
    errors = lint_template(params(**{option: "{oops"}), REGION)
    assert len(errors) == 1
    assert errors[0].option == option
    assert "{oops" in str(errors[0])


@pytest.mark.parametrize("allow", [False, True])
def test_lint_template_wildcard(allow):
    template = json.dumps(policy_of(root_statement(principal="*")))
    errors = lint_template(params(policy_template=template, allow_wildcard_principal=allow), REGION)
    assert (errors == []) is allow
    if not allow:
        assert errors[0].option == "policy_template"
        assert "allow_wildcard_principal" in str(errors[0])


@pytest.mark.parametrize(
    "overrides",
    [{}, {"policy_template": ATLASSIAN_TEMPLATE}, {"org_paths": None},
     {"policy_template": json.dumps(policy_of(root_statement(principal="*")))}],
)
def test_state_absent_needs_no_policy(overrides):
    p = params(state="absent", **overrides)
    assert org_paths_needed(p) is False
    assert lint_template(p, REGION) == []
    assert org_paths_needed(params(state="present", **overrides)) is ("policy_template" not in overrides
                                                                      or overrides["policy_template"]
                                                                      == ATLASSIAN_TEMPLATE)
