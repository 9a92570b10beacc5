from __future__ import annotations

import copy

import pytest

from ansible_collections.cmkops.atlassian_cmk.plugins.module_utils._cmk.plan import KEY_SPEC
from ansible_collections.cmkops.atlassian_cmk.plugins.module_utils._cmk.plan import MARKER_ALIAS
from ansible_collections.cmkops.atlassian_cmk.plugins.module_utils._cmk.plan import MARKER_ATTEMPT
from ansible_collections.cmkops.atlassian_cmk.plugins.module_utils._cmk.plan import MARKER_SUPERSEDED
from ansible_collections.cmkops.atlassian_cmk.plugins.module_utils._cmk.plan import Plan
from ansible_collections.cmkops.atlassian_cmk.plugins.module_utils._cmk.plan import creation_tags
from ansible_collections.cmkops.atlassian_cmk.plugins.module_utils._cmk.plan import desired_state
from ansible_collections.cmkops.atlassian_cmk.plugins.module_utils._cmk.plan import key_problem
from ansible_collections.cmkops.atlassian_cmk.plugins.module_utils._cmk.plan import plan_absent
from ansible_collections.cmkops.atlassian_cmk.plugins.module_utils._cmk.plan import plan_create
from ansible_collections.cmkops.atlassian_cmk.plugins.module_utils._cmk.plan import plan_present
from ansible_collections.cmkops.atlassian_cmk.plugins.module_utils._cmk.plan import result_of
from ansible_collections.cmkops.atlassian_cmk.plugins.module_utils._cmk.plan import spec_mismatches
from ansible_collections.cmkops.atlassian_cmk.plugins.module_utils._cmk.policy import builtin_policy
from ansible_collections.cmkops.atlassian_cmk.plugins.module_utils._cmk.validate import MARKER_PREFIX

ACCOUNT = "123456789012"
REGION = "eu-west-1"
ALIAS = "alias/atlassian-cmk-key"
KEY_ID = "1234abcd-12ab-34cd-56ef-1234567890ab"
ARN = f"arn:aws:kms:{REGION}:{ACCOUNT}:key/{KEY_ID}"
ORG_PATHS = ["o-rab3nm4fez/*/ou-ab12-cdef3456/*"]
POLICY = builtin_policy(ACCOUNT, REGION, ORG_PATHS, ["dynamodb", "s3"])
DESCRIPTION = "Atlassian Cloud customer-managed key (CMK)"
ATTEMPT = "0123456789abcdef0123456789abcdef"

RESULT_KEYS = {
    "key_arn", "key_id", "alias", "region", "account_id", "key_state", "enabled", "description", "policy",
    "rotation_enabled", "rotation_period_days", "tags",
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
    }
    p.update(overrides)
    return p


def desired(**overrides):
    return desired_state(params(**overrides), copy.deepcopy(POLICY), REGION)


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


def current(state="Enabled", policy=None, rotation=(True, 365), tags=None, **meta):
    return {
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


# ---------------------------------------------------------------- desired_state


@pytest.mark.parametrize("alias", ["atlassian-cmk-key", "alias/atlassian-cmk-key"])
def test_desired_state_normalises_alias(alias):
    assert desired(alias=alias)["alias"] == ALIAS


def test_desired_state_shape():
    d = desired_state(params(tags={"n": 1, "b": False}, enabled=False), POLICY, "us-east-1")
    assert d["region"] == "us-east-1"
    assert d["policy"] is POLICY
    assert d["tags"] == {"n": "1", "b": "False"}
    assert d["enabled"] is False
    assert set(d) == {
        "alias", "region", "state", "policy", "description", "enabled", "enable_key_rotation",
        "rotation_period_days", "tags", "purge_tags", "pending_window_days", "cancel_pending_deletion", "adopt",
    }


@pytest.mark.parametrize("tags", [None, {}])
def test_desired_state_no_tags(tags):
    assert desired(tags=tags)["tags"] == {}


# ---------------------------------------------------------------- spec_mismatches


@pytest.mark.parametrize(
    "meta, expected",
    [
        (metadata(), {}),
        ({k: v for k, v in metadata().items() if k != "KeyUsage"}, {}),
        ({k: v for k, v in metadata().items() if k not in ("KeyUsage", "MultiRegion", "Origin")}, {}),
        ({k: v for k, v in metadata().items() if k != "KeySpec"} | {"CustomerMasterKeySpec": "SYMMETRIC_DEFAULT"},
         {}),
        (metadata(KeyUsage="GENERATE_VERIFY_MAC"), {"KeyUsage": "GENERATE_VERIFY_MAC"}),
        (metadata(KeySpec="RSA_2048", KeyUsage="SIGN_VERIFY"), {"KeySpec": "RSA_2048", "KeyUsage": "SIGN_VERIFY"}),
        (metadata(Origin="EXTERNAL"), {"Origin": "EXTERNAL"}),
        (metadata(Origin="AWS_CLOUDHSM"), {"Origin": "AWS_CLOUDHSM"}),
        (metadata(MultiRegion=True), {"MultiRegion": True}),
        ({k: v for k, v in metadata().items() if k != "KeySpec"} | {"CustomerMasterKeySpec": "ECC_NIST_P256"},
         {"KeySpec": "ECC_NIST_P256"}),
    ],
)
def test_spec_mismatches(meta, expected):
    assert spec_mismatches(meta) == expected


def test_key_spec_is_symmetric_default():
    assert KEY_SPEC == {"KeySpec": "SYMMETRIC_DEFAULT", "KeyUsage": "ENCRYPT_DECRYPT", "Origin": "AWS_KMS",
                        "MultiRegion": False}


# ---------------------------------------------------------------- key_problem


@pytest.mark.parametrize("state", ["present", "absent"])
@pytest.mark.parametrize(
    "tags",
    [{}, {"team": "security"}, {MARKER_ALIAS: "alias/another-alias"}, {MARKER_ATTEMPT: ATTEMPT}],
)
def test_key_problem_foreign_key_needs_adopt(state, tags):
    problem = key_problem(current(tags=tags), desired(state=state, adopt=False))
    assert problem is not None
    assert ALIAS in problem and ARN in problem and REGION in problem
    assert "adopt=true" in problem


@pytest.mark.parametrize("state", ["present", "absent"])
@pytest.mark.parametrize("tags", [{}, {MARKER_ALIAS: "alias/another-alias"}])
def test_key_problem_adopt_true_allows_foreign_key(state, tags):
    assert key_problem(current(tags=tags), desired(state=state, adopt=True)) is None


@pytest.mark.parametrize("state", ["Enabled", "Disabled"])
@pytest.mark.parametrize("adopt", [False, True])
def test_key_problem_none_for_own_key(state, adopt):
    assert key_problem(current(state=state), desired(adopt=adopt)) is None


@pytest.mark.parametrize(
    "meta, shown",
    [
        ({"KeySpec": "RSA_2048", "KeyUsage": "SIGN_VERIFY"}, "RSA_2048"),
        ({"MultiRegion": True}, "MultiRegion"),
        ({"Origin": "EXTERNAL"}, "EXTERNAL"),
        ({"KeyUsage": "GENERATE_VERIFY_MAC"}, "GENERATE_VERIFY_MAC"),
    ],
)
@pytest.mark.parametrize("adopt", [False, True])
def test_key_problem_wrong_spec(meta, shown, adopt):
    problem = key_problem(current(**meta), desired(adopt=adopt))
    assert problem is not None
    assert shown in problem and ARN in problem and ALIAS in problem


def test_key_problem_wrong_spec_still_deletable():
    assert key_problem(current(KeySpec="RSA_2048"), desired(state="absent")) is None


def test_key_problem_pending_deletion_without_cancel():
    cur = current(state="PendingDeletion", DeletionDate="2030-01-01T00:00:00Z")
    problem = key_problem(cur, desired(cancel_pending_deletion=False))
    assert problem is not None
    assert "pending deletion" in problem
    assert "cancel_pending_deletion=true" in problem
    assert ALIAS in problem and ARN in problem and "2030-01-01" in problem


@pytest.mark.parametrize("enabled", [None, True, False])
def test_key_problem_pending_deletion_with_cancel(enabled):
    cur = current(state="PendingDeletion")
    assert key_problem(cur, desired(cancel_pending_deletion=True, enabled=enabled)) is None


def test_key_problem_pending_deletion_absent_is_fine():
    assert key_problem(current(state="PendingDeletion"), desired(state="absent")) is None


@pytest.mark.parametrize("state", ["present", "absent"])
@pytest.mark.parametrize("adopt", [False, True])
def test_key_problem_aws_managed_key(state, adopt):
    cur = current(KeyManager="AWS", tags={})
    problem = key_problem(cur, desired(state=state, adopt=adopt))
    assert problem is not None
    assert "AWS managed" in problem and ARN in problem


@pytest.mark.parametrize("key_state", ["PendingImport", "Unavailable", "Creating", "Updating", "PendingReplicaDeletion"])
def test_key_problem_unmanageable_state(key_state):
    problem = key_problem(current(state=key_state), desired(cancel_pending_deletion=True))
    assert problem is not None
    assert key_state in problem


# ---------------------------------------------------------------- plan_present


@pytest.mark.parametrize(
    "state, enabled",
    [("Enabled", None), ("Enabled", True), ("Disabled", None), ("Disabled", False)],
)
def test_plan_present_no_change(state, enabled):
    rotation = (True, 365)
    plan = plan_present(current(state=state, rotation=rotation), desired(enabled=enabled), ACCOUNT)
    assert plan.actions == []
    assert not plan.changed
    assert plan.diff["before"] == plan.diff["after"]
    assert plan.warnings == []
    assert plan.result["key_state"] == state
    assert plan.result["enabled"] is (state == "Enabled")


def test_plan_present_no_change_result():
    plan = plan_present(current(), desired(), ACCOUNT)
    assert set(plan.result) == RESULT_KEYS
    assert set(plan.diff["before"]) == VIEW_KEYS
    assert plan.result == {
        "key_arn": ARN, "key_id": KEY_ID, "alias": ALIAS, "region": REGION, "account_id": ACCOUNT,
        "key_state": "Enabled", "enabled": True, "description": DESCRIPTION, "policy": POLICY,
        "rotation_enabled": True, "rotation_period_days": 365,
        "tags": {"team": "security", MARKER_ALIAS: ALIAS},
    }


def test_plan_present_equivalent_policy_is_no_change():
    cur_policy = copy.deepcopy(POLICY)
    cur_policy["Statement"].reverse()
    cur_policy["Statement"][-1]["Principal"]["AWS"] = ACCOUNT  # EnableRoleDelegation, now last
    plan = plan_present(current(policy=cur_policy), desired(), ACCOUNT)
    assert plan.actions == []


@pytest.mark.parametrize("state", ["Enabled", "Disabled"])
def test_plan_present_policy_drift(state):
    drifted = copy.deepcopy(POLICY)
    drifted["Statement"][1]["Condition"]["ForAnyValue:StringLike"]["aws:PrincipalOrgPaths"] = ["o-zzzzzzzzzz/*"]
    plan = plan_present(current(state=state, policy=drifted), desired(), ACCOUNT)
    assert names(plan) == ["put_key_policy"]
    assert args_of(plan, "put_key_policy") == {"policy": POLICY}
    assert plan.result["policy"] == POLICY
    assert plan.diff["before"]["policy"] == drifted
    assert plan.diff["after"]["policy"] == POLICY
    assert plan.result["key_state"] == state  # a policy write never enables a key


@pytest.mark.parametrize("cur_policy", [None, {"Version": "2012-10-17", "Statement": []}])
def test_plan_present_missing_policy_is_written(cur_policy):
    cur = current()
    cur["policy"] = cur_policy
    plan = plan_present(cur, desired(), ACCOUNT)
    assert names(plan) == ["put_key_policy"]


def test_plan_present_enabled_unset_leaves_disabled_key_disabled():
    # Issue: "a key disabled to revoke Atlassian's access is never re-enabled silently"
    drifted = copy.deepcopy(POLICY)
    drifted["Statement"].pop()
    cur = current(state="Disabled", policy=drifted, rotation=(False, None), tags={})
    plan = plan_present(cur, desired(enabled=None, adopt=True, description="new"), ACCOUNT)
    assert "enable_key" not in names(plan)
    assert plan.result["key_state"] == "Disabled"
    assert plan.result["enabled"] is False
    assert plan.diff["after"]["enabled"] is False


def test_plan_present_enabled_true_enables():
    plan = plan_present(current(state="Disabled"), desired(enabled=True), ACCOUNT)
    assert names(plan) == ["enable_key"]
    assert plan.result["key_state"] == "Enabled"
    assert plan.result["enabled"] is True
    assert plan.diff["before"]["enabled"] is False and plan.diff["after"]["enabled"] is True


def test_plan_present_enabled_false_disables_last():
    drifted = copy.deepcopy(POLICY)
    drifted["Statement"].pop()
    cur = current(policy=drifted, rotation=(False, None), tags={MARKER_ALIAS: ALIAS})
    plan = plan_present(cur, desired(enabled=False, description="changed"), ACCOUNT)
    assert names(plan)[-1] == "disable_key"
    assert names(plan).count("disable_key") == 1
    assert set(names(plan)) == {"put_key_policy", "update_key_description", "enable_key_rotation", "tag_resource",
                                "disable_key"}
    assert plan.result["key_state"] == "Disabled"
    assert plan.result["enabled"] is False
    assert plan.warnings == []


def test_plan_present_enabled_false_only_disables():
    plan = plan_present(current(), desired(enabled=False), ACCOUNT)
    assert plan.actions == [("disable_key", {})]
    assert plan.diff["before"]["key_state"] == "Enabled"
    assert plan.diff["after"]["key_state"] == "Disabled"


@pytest.mark.parametrize(
    "enabled, expected_actions, final_state",
    [
        (None, ["cancel_key_deletion"], "Disabled"),
        (False, ["cancel_key_deletion"], "Disabled"),
        (True, ["cancel_key_deletion", "enable_key"], "Enabled"),
    ],
)
def test_plan_present_cancel_pending_deletion(enabled, expected_actions, final_state):
    cur = current(state="PendingDeletion")
    plan = plan_present(cur, desired(enabled=enabled, cancel_pending_deletion=True), ACCOUNT)
    assert names(plan) == expected_actions
    assert plan.result["key_state"] == final_state
    assert plan.result["enabled"] is (final_state == "Enabled")
    assert plan.diff["before"]["key_state"] == "PendingDeletion"


def test_plan_present_cancel_then_other_changes_on_disabled_key():
    drifted = copy.deepcopy(POLICY)
    drifted["Statement"].pop()
    cur = current(state="PendingDeletion", policy=drifted)
    plan = plan_present(cur, desired(cancel_pending_deletion=True), ACCOUNT)
    assert names(plan) == ["cancel_key_deletion", "put_key_policy"]
    assert plan.result["key_state"] == "Disabled"


@pytest.mark.parametrize(
    "cur_rotation, want_enabled, want_days, action, result_rotation",
    [
        ((False, None), True, 365, ("enable_key_rotation", {"days": 365}), (True, 365)),
        ((False, None), True, 90, ("enable_key_rotation", {"days": 90}), (True, 90)),
        ((True, 365), True, 730, ("enable_key_rotation", {"days": 730}), (True, 730)),
        ((True, 2560), True, 90, ("enable_key_rotation", {"days": 90}), (True, 90)),
        ((True, 365), False, 365, ("disable_key_rotation", {}), (False, None)),
        ((True, 730), False, 365, ("disable_key_rotation", {}), (False, None)),
    ],
)
def test_plan_present_rotation_change(cur_rotation, want_enabled, want_days, action, result_rotation):
    plan = plan_present(current(rotation=cur_rotation),
                        desired(enable_key_rotation=want_enabled, rotation_period_days=want_days), ACCOUNT)
    assert plan.actions == [action]
    assert (plan.result["rotation_enabled"], plan.result["rotation_period_days"]) == result_rotation
    assert plan.diff["before"]["rotation_enabled"] == cur_rotation[0]
    assert plan.warnings == []


@pytest.mark.parametrize(
    "cur_rotation, want_enabled, want_days",
    [
        ((True, 365), True, 365),
        ((True, None), True, 365),  # AWS did not say the period: nothing to compare
        ((False, None), False, 365),
        ((False, None), False, 90),
    ],
)
def test_plan_present_rotation_unchanged(cur_rotation, want_enabled, want_days):
    plan = plan_present(current(rotation=cur_rotation),
                        desired(enable_key_rotation=want_enabled, rotation_period_days=want_days), ACCOUNT)
    assert plan.actions == []


@pytest.mark.parametrize(
    "cur_rotation, want_enabled, want_days",
    [((False, None), True, 365), ((True, 365), True, 730), ((True, 365), False, 365)],
)
@pytest.mark.parametrize("key_state, cancel", [("Disabled", False), ("PendingDeletion", True)])
def test_plan_present_rotation_on_disabled_key_is_deferred(cur_rotation, want_enabled, want_days, key_state, cancel):
    cur = current(state=key_state, rotation=cur_rotation)
    plan = plan_present(cur, desired(enable_key_rotation=want_enabled, rotation_period_days=want_days,
                                     cancel_pending_deletion=cancel), ACCOUNT)
    assert "enable_key_rotation" not in names(plan)
    assert "disable_key_rotation" not in names(plan)
    assert "enable_key" not in names(plan)
    assert len(plan.warnings) == 1
    assert ALIAS in plan.warnings[0] and REGION in plan.warnings[0] and "disabled" in plan.warnings[0]
    assert (plan.result["rotation_enabled"], plan.result["rotation_period_days"]) == cur_rotation
    assert plan.result["key_state"] == "Disabled"


def test_plan_present_rotation_on_disabled_key_applied_when_enabling():
    plan = plan_present(current(state="Disabled", rotation=(False, None)), desired(enabled=True), ACCOUNT)
    assert names(plan) == ["enable_key", "enable_key_rotation"]
    assert plan.warnings == []


def test_plan_present_rotation_before_disabling():
    plan = plan_present(current(rotation=(False, None)), desired(enabled=False), ACCOUNT)
    assert names(plan) == ["enable_key_rotation", "disable_key"]
    assert plan.warnings == []


OWN = {MARKER_ALIAS: ALIAS}


@pytest.mark.parametrize(
    "cur_tags, want_tags, purge, to_set, to_remove, final",
    [
        # add
        (dict(OWN), {"team": "security"}, True, {"team": "security"}, None, {**OWN, "team": "security"}),
        (dict(OWN), {"team": "security"}, False, {"team": "security"}, None, {**OWN, "team": "security"}),
        # change a value
        ({**OWN, "team": "ops"}, {"team": "security"}, True, {"team": "security"}, None, {**OWN, "team": "security"}),
        # remove extras with purge
        ({**OWN, "team": "security", "old": "x", "zz": "y"}, {"team": "security"}, True, None, ["old", "zz"],
         {**OWN, "team": "security"}),
        ({**OWN, "old": "x"}, {}, True, None, ["old"], dict(OWN)),
        # purge false keeps extras
        ({**OWN, "team": "security", "old": "x"}, {"team": "security"}, False, None, None,
         {**OWN, "team": "security", "old": "x"}),
        ({**OWN, "old": "x"}, {"team": "security"}, False, {"team": "security"}, None,
         {**OWN, "old": "x", "team": "security"}),
        # purge never removes marker tags or aws: tags
        ({**OWN, MARKER_ATTEMPT: ATTEMPT, "team": "security"}, {"team": "security"}, True, None, None,
         {**OWN, MARKER_ATTEMPT: ATTEMPT, "team": "security"}),
        ({**OWN, MARKER_SUPERSEDED: "x", MARKER_PREFIX + "future": "y"}, {}, True, None, None,
         {**OWN, MARKER_SUPERSEDED: "x", MARKER_PREFIX + "future": "y"}),
        ({**OWN, "aws:cloudformation:stack-name": "s", "AWS:other": "t"}, {}, True, None, None,
         {**OWN, "aws:cloudformation:stack-name": "s", "AWS:other": "t"}),
        # both
        ({**OWN, "a": "1", "b": "2"}, {"a": "9", "c": "3"}, True, {"a": "9", "c": "3"}, ["b"],
         {**OWN, "a": "9", "c": "3"}),
    ],
)
def test_plan_present_tags(cur_tags, want_tags, purge, to_set, to_remove, final):
    plan = plan_present(current(tags=cur_tags), desired(tags=want_tags, purge_tags=purge), ACCOUNT)
    expected = []
    if to_set:
        expected.append(("tag_resource", {"tags": to_set}))
    if to_remove:
        expected.append(("untag_resource", {"keys": to_remove}))
    assert plan.actions == expected
    assert plan.result["tags"] == final
    assert plan.diff["after"]["tags"] == final
    assert plan.diff["before"]["tags"] == cur_tags


def test_plan_present_tag_values_are_strings():
    plan = plan_present(current(tags={**OWN, "n": "1"}), desired(tags={"n": 1}), ACCOUNT)
    assert plan.actions == []


@pytest.mark.parametrize("cur_desc, want_desc", [(DESCRIPTION, "new description"), ("", DESCRIPTION),
                                                 (None, DESCRIPTION)])
def test_plan_present_description(cur_desc, want_desc):
    cur = current()
    if cur_desc is None:
        del cur["metadata"]["Description"]
    else:
        cur["metadata"]["Description"] = cur_desc
    plan = plan_present(cur, desired(description=want_desc), ACCOUNT)
    assert plan.actions == [("update_key_description", {"description": want_desc})]
    assert plan.result["description"] == want_desc
    assert plan.diff["before"]["description"] == (cur_desc or "")


@pytest.mark.parametrize("cur_tags", [{}, {"team": "security"}, {MARKER_ALIAS: "alias/other"}])
@pytest.mark.parametrize("purge", [True, False])
def test_plan_present_adoption_adds_marker(cur_tags, purge):
    plan = plan_present(current(tags=cur_tags), desired(adopt=True, purge_tags=purge), ACCOUNT)
    tag_actions = [a for n, a in plan.actions if n == "tag_resource"]
    assert len(tag_actions) == 1
    assert tag_actions[0]["tags"][MARKER_ALIAS] == ALIAS
    assert plan.result["tags"][MARKER_ALIAS] == ALIAS
    assert "untag_resource" not in names(plan)


def test_plan_present_does_not_mutate_inputs():
    cur = current(state="PendingDeletion", rotation=(False, None), tags={"old": "x"})
    want = desired(enabled=True, cancel_pending_deletion=True, description="x", adopt=True)
    cur_copy, want_copy = copy.deepcopy(cur), copy.deepcopy(want)
    plan_present(cur, want, ACCOUNT)
    assert cur == cur_copy and want == want_copy


# ---------------------------------------------------------------- plan_absent


@pytest.mark.parametrize("key_state", ["Enabled", "Disabled"])
@pytest.mark.parametrize("days", [7, 30, 14])
def test_plan_absent_schedules_deletion(key_state, days):
    plan = plan_absent(current(state=key_state), desired(state="absent", pending_window_days=days), ACCOUNT)
    assert plan.actions == [("schedule_key_deletion", {"days": days})]
    assert plan.changed
    assert plan.result["key_state"] == "PendingDeletion"
    assert plan.result["enabled"] is False
    assert plan.result["key_arn"] == ARN
    assert plan.diff["before"]["key_state"] == key_state
    assert plan.diff["after"]["key_state"] == "PendingDeletion"
    assert plan.warnings == []


def test_plan_absent_already_pending():
    plan = plan_absent(current(state="PendingDeletion"), desired(state="absent"), ACCOUNT)
    assert plan.actions == []
    assert not plan.changed
    assert plan.diff["before"] == plan.diff["after"]
    assert plan.result["key_state"] == "PendingDeletion"


def test_plan_absent_changes_nothing_else():
    drifted = copy.deepcopy(POLICY)
    drifted["Statement"].pop()
    cur = current(policy=drifted, rotation=(False, None), tags={"x": "y"}, Description="old")
    plan = plan_absent(cur, desired(state="absent", adopt=True), ACCOUNT)
    assert names(plan) == ["schedule_key_deletion"]
    assert plan.result["policy"] == drifted
    assert plan.result["tags"] == {"x": "y"}
    assert plan.result["description"] == "old"


# ---------------------------------------------------------------- plan_create


@pytest.mark.parametrize(
    "enabled, rotation, days, expected",
    [
        (None, True, 365, ["create_key", "create_alias", "enable_key_rotation"]),
        (True, True, 90, ["create_key", "create_alias", "enable_key_rotation"]),
        (False, True, 2560, ["create_key", "create_alias", "enable_key_rotation", "disable_key"]),
        (None, False, 365, ["create_key", "create_alias"]),
        (True, False, 365, ["create_key", "create_alias"]),
        (False, False, 365, ["create_key", "create_alias", "disable_key"]),
    ],
)
def test_plan_create_actions(enabled, rotation, days, expected):
    plan = plan_create(desired(enabled=enabled, enable_key_rotation=rotation, rotation_period_days=days),
                       ACCOUNT, ATTEMPT)
    assert names(plan) == expected
    assert plan.changed
    if rotation:
        assert args_of(plan, "enable_key_rotation") == {"days": days}
        assert (plan.result["rotation_enabled"], plan.result["rotation_period_days"]) == (True, days)
    else:
        assert (plan.result["rotation_enabled"], plan.result["rotation_period_days"]) == (False, None)
    assert plan.result["key_state"] == ("Disabled" if enabled is False else "Enabled")
    assert plan.result["enabled"] is (enabled is not False)


def test_plan_create_result():
    plan = plan_create(desired(description="d", tags={"team": "security"}), ACCOUNT, ATTEMPT)
    assert set(plan.result) == RESULT_KEYS
    assert plan.result["key_arn"] is None
    assert plan.result["key_id"] is None
    assert plan.result["account_id"] == ACCOUNT
    assert plan.result["alias"] == ALIAS
    assert plan.result["region"] == REGION
    assert plan.result["policy"] == POLICY
    assert plan.result["description"] == "d"
    assert plan.result["tags"] == {"team": "security", MARKER_ALIAS: ALIAS, MARKER_ATTEMPT: ATTEMPT}
    assert plan.diff["before"] == {}
    assert set(plan.diff["after"]) == VIEW_KEYS
    assert plan.warnings == []


def test_creation_tags_markers_override_nothing_of_users():
    tags = creation_tags(desired(tags={"a": "b"}), ATTEMPT)
    assert tags == {"a": "b", MARKER_ALIAS: ALIAS, MARKER_ATTEMPT: ATTEMPT}


# ---------------------------------------------------------------- one result shape


def _plans():
    return {
        "create": plan_create(desired(), ACCOUNT, ATTEMPT),
        "create_disabled": plan_create(desired(enabled=False), ACCOUNT, ATTEMPT),
        "present_nochange": plan_present(current(), desired(), ACCOUNT),
        "present_changes": plan_present(current(state="PendingDeletion", tags={}),
                                        desired(enabled=True, cancel_pending_deletion=True, adopt=True), ACCOUNT),
        "absent": plan_absent(current(), desired(state="absent"), ACCOUNT),
        "absent_nochange": plan_absent(current(state="PendingDeletion"), desired(state="absent"), ACCOUNT),
    }


@pytest.mark.parametrize("name", list(_plans()))
def test_result_keys_identical_across_planners(name):
    plan = _plans()[name]
    assert isinstance(plan, Plan)
    assert set(plan.result) == RESULT_KEYS
    assert set(plan.diff) == {"before", "after"}
    assert set(plan.diff["after"]) == VIEW_KEYS
    assert {k: plan.result[k] for k in VIEW_KEYS} == plan.diff["after"]


def test_result_of_shape():
    r = result_of({"KeyState": "Enabled"}, None, (False, None), {}, ALIAS, REGION, ACCOUNT)
    assert set(r) == RESULT_KEYS
    assert r["key_arn"] is None and r["account_id"] == ACCOUNT and r["enabled"] is True and r["description"] == ""
