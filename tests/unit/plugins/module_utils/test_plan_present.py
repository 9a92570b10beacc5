"""Tests for plan_present: the calls that bring an existing key to the desired state."""
from __future__ import annotations

import copy

import pytest

from ansible_collections.cmkops.atlassian_cmk.plugins.module_utils._cmk.plan import MARKER_ALIAS
from ansible_collections.cmkops.atlassian_cmk.plugins.module_utils._cmk.plan import MARKER_ATTEMPT
from ansible_collections.cmkops.atlassian_cmk.plugins.module_utils._cmk.plan import MARKER_SUCCESSOR
from ansible_collections.cmkops.atlassian_cmk.plugins.module_utils._cmk.plan import MARKER_SUPERSEDED
from ansible_collections.cmkops.atlassian_cmk.plugins.module_utils._cmk.plan import creation_tags
from ansible_collections.cmkops.atlassian_cmk.plugins.module_utils._cmk.plan import tag_room
from ansible_collections.cmkops.atlassian_cmk.plugins.module_utils._cmk.revocation import MARKER_RETIRED
from ansible_collections.cmkops.atlassian_cmk.plugins.module_utils._cmk.plan import plan_present
from ansible_collections.cmkops.atlassian_cmk.plugins.module_utils._cmk.revocation import MARKER_REVOKED
from ansible_collections.cmkops.atlassian_cmk.plugins.module_utils._cmk.validate import MARKER_PREFIX
from ansible_collections.cmkops.atlassian_cmk.tests.unit.plugins.module_utils.plan_samples import ACCOUNT
from ansible_collections.cmkops.atlassian_cmk.tests.unit.plugins.module_utils.plan_samples import ALIAS
from ansible_collections.cmkops.atlassian_cmk.tests.unit.plugins.module_utils.plan_samples import ARN
from ansible_collections.cmkops.atlassian_cmk.tests.unit.plugins.module_utils.plan_samples import DESCRIPTION
from ansible_collections.cmkops.atlassian_cmk.tests.unit.plugins.module_utils.plan_samples import KEY_ID
from ansible_collections.cmkops.atlassian_cmk.tests.unit.plugins.module_utils.plan_samples import NOW
from ansible_collections.cmkops.atlassian_cmk.tests.unit.plugins.module_utils.plan_samples import ATTEMPT
from ansible_collections.cmkops.atlassian_cmk.tests.unit.plugins.module_utils.plan_samples import POLICY
from ansible_collections.cmkops.atlassian_cmk.tests.unit.plugins.module_utils.plan_samples import REGION
from ansible_collections.cmkops.atlassian_cmk.tests.unit.plugins.module_utils.plan_samples import RESULT_KEYS
from ansible_collections.cmkops.atlassian_cmk.tests.unit.plugins.module_utils.plan_samples import VIEW_KEYS
from ansible_collections.cmkops.atlassian_cmk.tests.unit.plugins.module_utils.plan_samples import args_of
from ansible_collections.cmkops.atlassian_cmk.tests.unit.plugins.module_utils.plan_samples import current
from ansible_collections.cmkops.atlassian_cmk.tests.unit.plugins.module_utils.plan_samples import desired
from ansible_collections.cmkops.atlassian_cmk.tests.unit.plugins.module_utils.plan_samples import names


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
        "tags": {"team": "security", MARKER_ALIAS: ALIAS}, "revoked_at": None, "retired_at": None, "successor_alias": None, "deletion_date": None,
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


def test_plan_present_enabled_false_disables_and_records_when():
    plan = plan_present(current(), desired(enabled=False), ACCOUNT)
    assert plan.actions == [("tag_resource", {"tags": {MARKER_REVOKED: NOW}}), ("disable_key", {})]
    assert plan.diff["before"]["key_state"] == "Enabled"
    assert plan.diff["after"]["key_state"] == "Disabled"
    assert plan.result["revoked_at"] == NOW and plan.warnings == []


def test_plan_present_restoring_removes_the_revocation_marker():
    plan = plan_present(current(state="Disabled", tags={"team": "security", MARKER_ALIAS: ALIAS, MARKER_REVOKED: NOW}),
                        desired(enabled=True), ACCOUNT)
    assert plan.actions == [("enable_key", {}), ("untag_resource", {"keys": [MARKER_REVOKED]})]
    assert plan.result["revoked_at"] is None


@pytest.mark.parametrize("since, days, limit", [
    ("2026-11-25T09:00:00Z", 6, None), ("2026-11-21T09:00:00Z", 10, 10), ("2026-11-11T08:59:59Z", 20, 20),
    ("2026-10-01T00:00:00Z", 61, 20), (None, None, None),
])
def test_a_revoked_key_warns_past_atlassians_10_and_20_days(since, days, limit):
    tags = {"team": "security", MARKER_ALIAS: ALIAS, **({MARKER_REVOKED: since} if since else {})}
    plan = plan_present(current(state="Disabled", tags=tags), desired(), ACCOUNT)
    assert plan.actions == [] and plan.result["revoked_at"] == (since or "unknown")
    if limit is None:
        assert plan.warnings == []
    else:
        (warning,) = plan.warnings
        assert f"revoked {days} days ago (at {since}), more than {limit} days" in warning


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
    assert names(plan) == ["enable_key_rotation", "tag_resource", "disable_key"]
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


@pytest.mark.parametrize("cur_tags", [{}, {"team": "security"}])
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


# ---------------------------------------------------------------- the successor's alias, recorded on the key


def test_the_successor_alias_is_recorded_on_the_key_once():
    successor = "alias/cmk-2027"
    plan = plan_present(current(), desired(successor_alias=successor), ACCOUNT)
    assert ("tag_resource", {"tags": {MARKER_SUCCESSOR: successor}}) in plan.actions
    assert plan.result["successor_alias"] == successor
    again = plan_present(current(tags={**current()["tags"], MARKER_SUCCESSOR: successor}),
                         desired(successor_alias=successor), ACCOUNT)
    assert again.actions == [] and again.result["successor_alias"] == successor


def test_unset_the_successor_alias_stays_on_the_key_even_when_tags_are_purged():
    tags = {**current()["tags"], MARKER_SUCCESSOR: "alias/cmk-2027"}
    plan = plan_present(current(tags=tags), desired(tags={}, purge_tags=True), ACCOUNT)
    assert MARKER_SUCCESSOR not in str(plan.actions) and plan.result["successor_alias"] == "alias/cmk-2027"


def test_a_new_key_carries_its_successor_alias():
    assert creation_tags(desired(successor_alias="alias/cmk-2027"), "a1")[MARKER_SUCCESSOR] == "alias/cmk-2027"
    assert MARKER_SUCCESSOR not in creation_tags(desired(), "a1")


# ---------------------------------------------------------------- room for the revocation marker


@pytest.mark.parametrize("others, marker, room", [
    (48, None, True),                   # 48 and the revocation marker: 49
    (49, None, True),                   # 49 and the revocation marker: 50, the limit
    (50, None, False),                  # nothing would be left for the revocation marker
    (49, MARKER_REVOKED, True),         # revoked already: its marker counts among the 50
    (50, MARKER_REVOKED, True),
    (50, MARKER_RETIRED, True),
])
def test_tags_always_leave_room_for_the_revocation_marker(others, marker, room):
    tags = {f"t{i}": "x" for i in range(others - (1 if marker else 0))}
    tags.update({marker: NOW} if marker else {})
    problem = tag_room(tags)
    assert (problem is None) is room
    if not room:
        assert f"would hold {others} tags" in problem and "one stays free for the marker a revocation sets" in problem
