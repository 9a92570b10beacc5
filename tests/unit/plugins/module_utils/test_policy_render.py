"""Tests for building the desired key policy: builtin_policy, parse_policy, render_template,
leftover_tokens, desired_policy, org_paths_needed."""
from __future__ import annotations

import json

import pytest

from ansible_collections.cmkops.atlassian_cmk.plugins.module_utils._cmk.desired import org_paths_needed
from ansible_collections.cmkops.atlassian_cmk.plugins.module_utils._cmk.desired import policy_source
from ansible_collections.cmkops.atlassian_cmk.plugins.module_utils._cmk.desired import render
from ansible_collections.cmkops.atlassian_cmk.plugins.module_utils._cmk.policy import DEFAULT_VIA_SERVICES
from ansible_collections.cmkops.atlassian_cmk.plugins.module_utils._cmk.policy import builtin_policy
from ansible_collections.cmkops.atlassian_cmk.plugins.module_utils._cmk.policy import leftover_tokens
from ansible_collections.cmkops.atlassian_cmk.plugins.module_utils._cmk.policy import lint_policy
from ansible_collections.cmkops.atlassian_cmk.plugins.module_utils._cmk.policy import locks_out
from ansible_collections.cmkops.atlassian_cmk.plugins.module_utils._cmk.policy import parse_policy
from ansible_collections.cmkops.atlassian_cmk.plugins.module_utils._cmk.policy import render_template
from ansible_collections.cmkops.atlassian_cmk.plugins.module_utils._cmk.policy import root_arn
from ansible_collections.cmkops.atlassian_cmk.plugins.module_utils._cmk.policy import template_uses_org_paths
from ansible_collections.cmkops.atlassian_cmk.plugins.module_utils._cmk.policy import wildcard_statements
from ansible_collections.cmkops.atlassian_cmk.plugins.module_utils._cmk.validate import InvalidInput
from ansible_collections.cmkops.atlassian_cmk.tests.unit.plugins.module_utils.policy_samples import ACCOUNT
from ansible_collections.cmkops.atlassian_cmk.tests.unit.plugins.module_utils.policy_samples import ATLASSIAN_TEMPLATE
from ansible_collections.cmkops.atlassian_cmk.tests.unit.plugins.module_utils.policy_samples import CALLER
from ansible_collections.cmkops.atlassian_cmk.tests.unit.plugins.module_utils.policy_samples import GRANT_ACTIONS
from ansible_collections.cmkops.atlassian_cmk.tests.unit.plugins.module_utils.policy_samples import ORG_PATHS
from ansible_collections.cmkops.atlassian_cmk.tests.unit.plugins.module_utils.policy_samples import OTHER_ACCOUNT
from ansible_collections.cmkops.atlassian_cmk.tests.unit.plugins.module_utils.policy_samples import REGION
from ansible_collections.cmkops.atlassian_cmk.tests.unit.plugins.module_utils.policy_samples import as_list
from ansible_collections.cmkops.atlassian_cmk.tests.unit.plugins.module_utils.policy_samples import builtin
from ansible_collections.cmkops.atlassian_cmk.tests.unit.plugins.module_utils.policy_samples import by_sid
from ansible_collections.cmkops.atlassian_cmk.tests.unit.plugins.module_utils.policy_samples import params
from ansible_collections.cmkops.atlassian_cmk.tests.unit.plugins.module_utils.policy_samples import policy_of
from ansible_collections.cmkops.atlassian_cmk.tests.unit.plugins.module_utils.policy_samples import root_statement


# ---------------------------------------------------------------- builtin_policy


def test_builtin_policy_sids_and_version():
    policy = builtin()
    assert policy["Version"] == "2012-10-17"
    assert [s["Sid"] for s in policy["Statement"]] == [
        "EnableRoleDelegation", "AwsManagedService", "AwsManagedServiceGrants", "AtlassianRdsPerformanceInsightsUsage",
    ]
    assert all(s["Effect"] == "Allow" and s["Resource"] == "*" for s in policy["Statement"])


@pytest.mark.parametrize("account", [ACCOUNT, OTHER_ACCOUNT])
def test_builtin_enable_role_delegation(account):
    stmt = by_sid(builtin(account=account))["EnableRoleDelegation"]
    assert stmt["Principal"] == {"AWS": f"arn:aws:iam::{account}:root"}
    assert as_list(stmt["Action"]) == ["kms:*"]
    assert "Condition" not in stmt


@pytest.mark.parametrize("region", ["eu-west-1", "us-east-1", "ap-southeast-2"])
@pytest.mark.parametrize("via", [("dynamodb",), ("dynamodb", "s3", "rds"), DEFAULT_VIA_SERVICES])
def test_builtin_aws_managed_service(region, via):
    stmt = by_sid(builtin(region=region, via=via))["AwsManagedService"]
    assert stmt["Principal"] == {"AWS": "*"}
    cond = stmt["Condition"]
    assert cond["ForAnyValue:StringLike"] == {"aws:PrincipalOrgPaths": ORG_PATHS}
    assert sorted(as_list(cond["StringEquals"]["kms:ViaService"])) == sorted(
        f"{s}.{region}.amazonaws.com" for s in via)
    assert {"kms:Encrypt", "kms:Decrypt"} <= set(stmt["Action"])
    assert not set(stmt["Action"]) & GRANT_ACTIONS


@pytest.mark.parametrize("region", ["eu-west-1", "us-west-2"])
def test_builtin_grants_statement_is_separate(region):
    stmt = by_sid(builtin(region=region))["AwsManagedServiceGrants"]
    assert set(stmt["Action"]) == GRANT_ACTIONS
    cond = stmt["Condition"]
    assert str(cond["Bool"]["kms:GrantIsForAWSResource"]).lower() == "true"
    assert cond["ForAnyValue:StringLike"] == {"aws:PrincipalOrgPaths": ORG_PATHS}
    assert sorted(as_list(cond["StringEquals"]["kms:ViaService"])) == [
        f"dynamodb.{region}.amazonaws.com", f"s3.{region}.amazonaws.com"]


@pytest.mark.parametrize("region", ["eu-west-1", "ca-central-1"])
def test_builtin_rds_performance_insights(region):
    stmt = by_sid(builtin(region=region))["AtlassianRdsPerformanceInsightsUsage"]
    assert stmt["Principal"] == {"AWS": "*"}
    cond = stmt["Condition"]
    assert cond["ForAnyValue:StringLike"] == {"aws:PrincipalOrgPaths": ORG_PATHS}
    equals = cond["StringEquals"]
    assert as_list(equals["kms:ViaService"]) == [f"rds.{region}.amazonaws.com"]
    assert equals["kms:EncryptionContext:aws:pi:service"] == "rds"
    assert equals["kms:EncryptionContext:service"] == "pi"
    assert "kms:Decrypt" in stmt["Action"]


def test_builtin_never_mixes_grant_condition_with_data_actions():
    for stmt in builtin(via=DEFAULT_VIA_SERVICES)["Statement"]:
        keys = {k.lower() for op in stmt.get("Condition", {}).values() for k in op}
        if "kms:grantisforawsresource" in keys:
            assert set(as_list(stmt["Action"])) <= GRANT_ACTIONS, stmt["Sid"]


def test_builtin_does_not_share_org_paths_list():
    paths = list(ORG_PATHS)
    policy = builtin(org_paths=paths)
    paths.append("o-zzzzzzzzzz/*")
    assert by_sid(policy)["AwsManagedService"]["Condition"]["ForAnyValue:StringLike"]["aws:PrincipalOrgPaths"] \
        == ORG_PATHS


@pytest.mark.parametrize("caller", [None, CALLER])
def test_builtin_passes_lint(caller):
    policy = builtin()
    assert not locks_out(policy, ACCOUNT, caller)
    assert wildcard_statements(policy) == []
    assert leftover_tokens(policy) == []
    assert lint_policy("policy", policy, ACCOUNT, caller) == []


# ---------------------------------------------------------------- parse_policy


@pytest.mark.parametrize("option", ["policy", "policy_template"])
@pytest.mark.parametrize(
    "text, reason",
    [
        ("{not json", "not valid JSON"),
        ("", "not valid JSON"),
        (None, "not valid JSON"),
        ("[]", "JSON object with a Statement"),
        ('"a string"', "JSON object with a Statement"),
        ('{"Version": "2012-10-17"}', "JSON object with a Statement"),
    ],
)
def test_parse_policy_errors_name_option(option, text, reason):
    with pytest.raises(InvalidInput) as e:
        parse_policy(option, text)
    assert e.value.option == option
    assert str(e.value).startswith(option + "=")
    assert reason in str(e.value)
    if text:
        assert text[:20] in str(e.value)


def test_parse_policy_shortens_long_text():
    text = "{" + "x" * 500
    with pytest.raises(InvalidInput) as e:
        parse_policy("policy", text)
    assert len(str(e.value)) < 300
    assert "policy" in str(e.value)


@pytest.mark.parametrize("value", [builtin(), json.dumps(builtin())])
def test_parse_policy_accepts_text_or_dict(value):
    assert parse_policy("policy", value) == builtin()


# ---------------------------------------------------------------- render_template


def test_render_atlassian_template():
    policy = render_template(ATLASSIAN_TEMPLATE, ACCOUNT, REGION, ORG_PATHS)
    stmts = by_sid(policy)
    assert stmts["EnableRoleDelegation"]["Principal"] == {"AWS": root_arn(ACCOUNT)}
    cond = stmts["AwsManagedService"]["Condition"]
    assert cond["ForAnyValue:StringLike"]["aws:PrincipalOrgPaths"] == ORG_PATHS
    assert cond["StringEquals"]["kms:ViaService"] == [f"dynamodb.{REGION}.amazonaws.com",
                                                      f"s3.{REGION}.amazonaws.com"]
    assert leftover_tokens(policy) == []


@pytest.mark.parametrize(
    "value, expected",
    [
        ("AWSACCOUNTID", ACCOUNT),
        ("arn:aws:iam::AWSACCOUNTID:role/x", f"arn:aws:iam::{ACCOUNT}:role/x"),
        ("AWSREGION", REGION),
        ("rds.AWSREGION.amazonaws.com", f"rds.{REGION}.amazonaws.com"),
        ("arn:aws:kms:AWSREGION:AWSACCOUNTID:key/*", f"arn:aws:kms:{REGION}:{ACCOUNT}:key/*"),
        ("OrganisationalUnits", ORG_PATHS),
        (["OrganisationalUnits"], ORG_PATHS),
        (["o-zzzzzzzzzz/*", "OrganisationalUnits"], ["o-zzzzzzzzzz/*"] + ORG_PATHS),
        (["OrganisationalUnits", "o-zzzzzzzzzz/*"], ORG_PATHS + ["o-zzzzzzzzzz/*"]),
        (["AWSREGION", "x"], [REGION, "x"]),
        (True, True),
        (5, 5),
        ("unrelated", "unrelated"),
    ],
)
def test_render_template_values(value, expected):
    template = json.dumps({"Statement": [{"Sid": "S", "Nested": {"Deep": [{"V": value}]}}]})
    policy = render_template(template, ACCOUNT, REGION, ORG_PATHS)
    assert policy["Statement"][0]["Nested"]["Deep"][0]["V"] == expected


def test_render_template_empty_org_paths_list():
    template = json.dumps({"Statement": [{"V": "OrganisationalUnits", "L": ["OrganisationalUnits"]}]})
    policy = render_template(template, ACCOUNT, REGION, [])
    assert policy["Statement"][0] == {"V": [], "L": []}


def test_render_template_rendered_lists_are_copies():
    paths = list(ORG_PATHS)
    template = json.dumps({"Statement": [{"V": "OrganisationalUnits"}]})
    policy = render_template(template, ACCOUNT, REGION, paths)
    policy["Statement"][0]["V"].append("o-zzzzzzzzzz/*")
    assert paths == ORG_PATHS


@pytest.mark.parametrize("template", ["{bad", "[]", '{"Version": "2012-10-17"}'])
def test_render_template_bad_json_names_policy_template(template):
    with pytest.raises(InvalidInput) as e:
        render_template(template, ACCOUNT, REGION, ORG_PATHS)
    assert e.value.option == "policy_template"
    assert "policy_template" in str(e.value)


@pytest.mark.parametrize(
    "value, found",
    [
        ("o-x/OrganisationalUnits/*", "OrganisationalUnits"),  # not exactly the token: left over
        ("<your-account-id>", "<your-account-id>"),
        ("arn:aws:iam::<ACCOUNT_ID>:root", "<ACCOUNT_ID>"),
    ],
)
def test_render_template_leftovers_are_found(value, found):
    template = json.dumps({"Statement": [{"Sid": "S", "V": value}]})
    policy = render_template(template, ACCOUNT, REGION, ORG_PATHS)
    assert found in leftover_tokens(policy)


# ---------------------------------------------------------------- leftover_tokens


@pytest.mark.parametrize(
    "policy, expected",
    [
        (builtin(), []),
        ({"Statement": [{"V": "AWSACCOUNTID"}]}, ["AWSACCOUNTID"]),
        ({"Statement": [{"V": "x.AWSREGION.y"}]}, ["AWSREGION"]),
        ({"Statement": [{"V": "OrganisationalUnits"}]}, ["OrganisationalUnits"]),
        ({"Statement": [{"V": ["AWSREGION", "AWSACCOUNTID"]}]}, ["AWSACCOUNTID", "AWSREGION"]),
        ({"Statement": [{"V": "<a>", "W": "<b> <a>"}]}, ["<a>", "<b>"]),
        ({"Statement": [{"<key-name>": "x"}]}, ["<key-name>"]),
        ({"Statement": [{"V": "a < b > c"}]}, []),
    ],
)
def test_leftover_tokens(policy, expected):
    assert sorted(leftover_tokens(policy)) == sorted(expected)


@pytest.mark.parametrize("placeholder", ["<ACCOUNT ID>", "<your account id>", "<Region Name>"])
def test_leftover_tokens_finds_placeholders_with_spaces(placeholder):
    # Issue: "any other <…> placeholder, is an error"
    assert placeholder in leftover_tokens({"Statement": [{"Principal": {"AWS": f"arn:aws:iam::{placeholder}:root"}}]})


# ---------------------------------------------------------------- desired.render, org_paths_needed


def desired_policy(p, account_id, region):
    return render(policy_source(p), account_id, region)


def test_desired_policy_builtin():
    assert desired_policy(params(), ACCOUNT, REGION) == builtin_policy(ACCOUNT, REGION, ORG_PATHS,
                                                                       DEFAULT_VIA_SERVICES)


def test_desired_policy_template():
    assert desired_policy(params(policy_template=ATLASSIAN_TEMPLATE), ACCOUNT, REGION) == render_template(
        ATLASSIAN_TEMPLATE, ACCOUNT, REGION, ORG_PATHS)


@pytest.mark.parametrize("given", [policy_of(root_statement()), json.dumps(policy_of(root_statement()))])
def test_desired_policy_given_wins(given):
    p = params(policy=given, policy_template=ATLASSIAN_TEMPLATE)
    assert desired_policy(p, ACCOUNT, REGION) == policy_of(root_statement())


def test_desired_policy_bad_policy_names_policy():
    with pytest.raises(InvalidInput) as e:
        desired_policy(params(policy="{nope"), ACCOUNT, REGION)
    assert e.value.option == "policy"


@pytest.mark.parametrize(
    "overrides, needed",
    [
        ({}, True),
        ({"policy_template": ATLASSIAN_TEMPLATE}, True),
        ({"policy_template": '{"Statement": [{"V": [ "OrganisationalUnits" ]}]}'}, True),
        ({"policy_template": json.dumps(policy_of(root_statement()))}, False),
        ({"policy": json.dumps(policy_of(root_statement()))}, False),
        ({"policy": json.dumps(policy_of(root_statement())), "policy_template": ATLASSIAN_TEMPLATE}, False),
    ],
)
def test_org_paths_needed(overrides, needed):
    assert org_paths_needed(params(**overrides)) is needed


@pytest.mark.parametrize("template, uses", [(ATLASSIAN_TEMPLATE, True), ('{"a": "xOrganisationalUnits"}', False),
                                            ('{"Statement": []}', False)])
def test_template_uses_org_paths(template, uses):
    assert template_uses_org_paths(template) is uses


@pytest.mark.parametrize("statement, problem", [
    ("x", "Statement must be an object"),
    (["x"], "Statement must be an object"),
    ([], "Statement must be an object"),
    ([{"Effect": "Allow", "Principal": "arn:aws:iam::1:root"}], "Principal must be"),
    ([{"Effect": "Allow", "Principal": {"AWS": 5}}], "Principal must be"),
    ([{"Effect": "Allow", "Action": {"a": 1}}], "Action must be a string or a list of strings"),
    ([{"Effect": "Allow", "Resource": [1]}], "Resource must be a string or a list of strings"),
    ([{"Effect": "Allow", "Condition": {"StringEquals": "x"}}], "Condition must be"),
])
@pytest.mark.parametrize("option", ["policy", "policy_template"])
def test_statement_shapes_the_comparison_needs_are_refused_by_name(option, statement, problem):
    with pytest.raises(InvalidInput, match=problem) as e:
        parse_policy(option, json.dumps({"Version": "2012-10-17", "Statement": statement}))
    assert e.value.option == option
