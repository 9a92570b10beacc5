from __future__ import annotations

import copy
import json

import pytest

from ansible_collections.cmkops.atlassian_cmk.plugins.module_utils._cmk.policy import DEFAULT_VIA_SERVICES
from ansible_collections.cmkops.atlassian_cmk.plugins.module_utils._cmk.policy import MAX_POLICY_BYTES
from ansible_collections.cmkops.atlassian_cmk.plugins.module_utils._cmk.policy import STAND_IN_ACCOUNT
from ansible_collections.cmkops.atlassian_cmk.plugins.module_utils._cmk.policy import builtin_policy
from ansible_collections.cmkops.atlassian_cmk.plugins.module_utils._cmk.policy import canonical_policy
from ansible_collections.cmkops.atlassian_cmk.plugins.module_utils._cmk.policy import desired_policy
from ansible_collections.cmkops.atlassian_cmk.plugins.module_utils._cmk.policy import leftover_tokens
from ansible_collections.cmkops.atlassian_cmk.plugins.module_utils._cmk.policy import lint_policy
from ansible_collections.cmkops.atlassian_cmk.plugins.module_utils._cmk.policy import lint_template
from ansible_collections.cmkops.atlassian_cmk.plugins.module_utils._cmk.policy import locks_out
from ansible_collections.cmkops.atlassian_cmk.plugins.module_utils._cmk.policy import org_paths_needed
from ansible_collections.cmkops.atlassian_cmk.plugins.module_utils._cmk.policy import parse_policy
from ansible_collections.cmkops.atlassian_cmk.plugins.module_utils._cmk.policy import policy_needs_update
from ansible_collections.cmkops.atlassian_cmk.plugins.module_utils._cmk.policy import render_template
from ansible_collections.cmkops.atlassian_cmk.plugins.module_utils._cmk.policy import root_arn
from ansible_collections.cmkops.atlassian_cmk.plugins.module_utils._cmk.policy import template_uses_org_paths
from ansible_collections.cmkops.atlassian_cmk.plugins.module_utils._cmk.policy import wildcard_statements
from ansible_collections.cmkops.atlassian_cmk.plugins.module_utils._cmk.validate import InvalidInput

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


# ---------------------------------------------------------------- desired_policy, org_paths_needed, lint_template


def params(**overrides):
    p = {"policy": None, "policy_template": None, "org_paths": list(ORG_PATHS),
         "via_services": list(DEFAULT_VIA_SERVICES), "allow_wildcard_principal": False}
    p.update(overrides)
    return p


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
