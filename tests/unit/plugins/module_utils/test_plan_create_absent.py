"""Tests for plan_create, creation_tags, plan_absent, plan_retired, and the result every planner returns
(result_of)."""
from __future__ import annotations

import copy
from datetime import datetime, timedelta, timezone

import pytest

from ansible_collections.cmkops.atlassian_cmk.plugins.module_utils._cmk.plan import MARKER_ALIAS
from ansible_collections.cmkops.atlassian_cmk.plugins.module_utils._cmk.plan import MARKER_ATTEMPT
from ansible_collections.cmkops.atlassian_cmk.plugins.module_utils._cmk.plan import NO_ROTATION
from ansible_collections.cmkops.atlassian_cmk.plugins.module_utils._cmk.plan import Plan
from ansible_collections.cmkops.atlassian_cmk.plugins.module_utils._cmk.plan import creation_tags
from ansible_collections.cmkops.atlassian_cmk.plugins.module_utils._cmk.plan import plan_absent
from ansible_collections.cmkops.atlassian_cmk.plugins.module_utils._cmk.plan import plan_create
from ansible_collections.cmkops.atlassian_cmk.plugins.module_utils._cmk.runner import WRITES
from ansible_collections.cmkops.atlassian_cmk.plugins.module_utils._cmk.plan import plan_present
from ansible_collections.cmkops.atlassian_cmk.plugins.module_utils._cmk.plan import plan_retired
from ansible_collections.cmkops.atlassian_cmk.plugins.module_utils._cmk.plan import result_of
from ansible_collections.cmkops.atlassian_cmk.plugins.module_utils._cmk.revocation import MARKER_RETIRED
from ansible_collections.cmkops.atlassian_cmk.plugins.module_utils._cmk.revocation import MARKER_REVOKED
from ansible_collections.cmkops.atlassian_cmk.plugins.module_utils._cmk.revocation import days_after
from ansible_collections.cmkops.atlassian_cmk.tests.unit.plugins.module_utils.plan_samples import ACCOUNT
from ansible_collections.cmkops.atlassian_cmk.tests.unit.plugins.module_utils.plan_samples import ALIAS
from ansible_collections.cmkops.atlassian_cmk.tests.unit.plugins.module_utils.plan_samples import ARN
from ansible_collections.cmkops.atlassian_cmk.tests.unit.plugins.module_utils.plan_samples import ATTEMPT
from ansible_collections.cmkops.atlassian_cmk.tests.unit.plugins.module_utils.plan_samples import NOW
from ansible_collections.cmkops.atlassian_cmk.tests.unit.plugins.module_utils.plan_samples import POLICY
from ansible_collections.cmkops.atlassian_cmk.tests.unit.plugins.module_utils.plan_samples import REGION
from ansible_collections.cmkops.atlassian_cmk.tests.unit.plugins.module_utils.plan_samples import RESULT_KEYS
from ansible_collections.cmkops.atlassian_cmk.tests.unit.plugins.module_utils.plan_samples import VIEW_KEYS
from ansible_collections.cmkops.atlassian_cmk.tests.unit.plugins.module_utils.plan_samples import args_of
from ansible_collections.cmkops.atlassian_cmk.tests.unit.plugins.module_utils.plan_samples import current
from ansible_collections.cmkops.atlassian_cmk.tests.unit.plugins.module_utils.plan_samples import desired
from ansible_collections.cmkops.atlassian_cmk.tests.unit.plugins.module_utils.plan_samples import names


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
    assert plan.result["deletion_date"] == days_after(NOW, days)  # predicted: the run's clock plus the window
    assert plan.diff["before"]["key_state"] == key_state
    assert plan.diff["after"]["key_state"] == "PendingDeletion"
    assert plan.warnings == []


def test_plan_absent_already_pending():
    when = datetime(2026, 12, 20, 8, 30, tzinfo=timezone(timedelta(hours=2)))  # boto3 gives a datetime
    plan = plan_absent(current(state="PendingDeletion", DeletionDate=when), desired(state="absent"), ACCOUNT)
    assert plan.result["deletion_date"] == "2026-12-20T06:30:00Z"  # AWS's date, in UTC
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
        (None, True, 365, ["enable_key_rotation"]),
        (True, True, 90, ["enable_key_rotation"]),
        (False, True, 2560, ["enable_key_rotation", "disable_key"]),
        (None, False, 365, []),
        (True, False, 365, []),
        (False, False, 365, ["disable_key"]),
    ],
)
def test_plan_create_actions(enabled, rotation, days, expected):
    """After CreateKey and CreateAlias (the saga's own steps), only writes of the WRITES table."""
    plan = plan_create(desired(enabled=enabled, enable_key_rotation=rotation, rotation_period_days=days),
                       ACCOUNT, ATTEMPT)
    assert names(plan) == expected and set(names(plan)) <= set(WRITES)
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


# ---------------------------------------------------------------- plan_retired

OWN = {MARKER_ALIAS: ALIAS}
LONG_AGO = "2026-10-01T09:00:00Z"  # past Atlassian's 20 days

# (key state, tags before, actions, tags after): a retired key is disabled and marked, nothing else changes.
RETIRING = {
    "an enabled key": ("Enabled", OWN, [("tag_resource", {"tags": {MARKER_RETIRED: NOW}}), ("disable_key", {})],
                       {**OWN, MARKER_RETIRED: NOW}),
    "a key disabled by hand": ("Disabled", OWN, [("tag_resource", {"tags": {MARKER_RETIRED: NOW}})],
                               {**OWN, MARKER_RETIRED: NOW}),
    "a key retired by 1.0.0 (revoked-at)": (
        "Disabled", {**OWN, MARKER_REVOKED: LONG_AGO},
        [("tag_resource", {"tags": {MARKER_RETIRED: LONG_AGO}}), ("untag_resource", {"keys": [MARKER_REVOKED]})],
        {**OWN, MARKER_RETIRED: LONG_AGO}),
    "a key retired already": ("Disabled", {**OWN, MARKER_RETIRED: LONG_AGO}, [], {**OWN, MARKER_RETIRED: LONG_AGO}),
    "a key pending deletion": ("PendingDeletion", OWN, [], OWN),
}


@pytest.mark.parametrize("state, tags, actions, after", RETIRING.values(), ids=RETIRING.keys())
def test_plan_retired_disables_and_marks_the_key_and_nothing_else(state, tags, actions, after):
    plan = plan_retired(current(state=state, tags=tags, policy={"drifted": True}, rotation=(False, None)),
                        desired(state="retired"), ACCOUNT)
    assert plan.actions == actions and plan.result["tags"] == after
    assert plan.result["key_state"] == ("PendingDeletion" if state == "PendingDeletion" else "Disabled")
    assert plan.result["policy"] == {"drifted": True} and plan.result["rotation_enabled"] is False
    assert plan.result["retired_at"] == after.get(MARKER_RETIRED)
    # A retired key is no revocation: no age, and no warning about Atlassian's limits.
    assert plan.result["revoked_at"] is None and plan.warnings == []


def test_a_retired_key_left_alone_by_a_present_run_raises_no_revocation_alarm():
    plan = plan_present(current(state="Disabled", tags={**OWN, MARKER_RETIRED: LONG_AGO}), desired(), ACCOUNT)
    assert plan.result["revoked_at"] is None and plan.warnings == []


def test_enabling_a_retired_key_again_removes_its_mark():
    plan = plan_present(current(state="Disabled", tags={**OWN, MARKER_RETIRED: LONG_AGO}), desired(enabled=True),
                        ACCOUNT)
    assert ("enable_key", {}) in plan.actions and ("untag_resource", {"keys": [MARKER_RETIRED]}) in plan.actions
    assert plan.result["retired_at"] is None


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
        "retired": plan_retired(current(), desired(state="retired"), ACCOUNT),
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
    r = result_of({"KeyState": "Enabled"}, policy=None, rotation=NO_ROTATION, tags={}, alias=ALIAS, region=REGION,
                  account_id=ACCOUNT)
    assert set(r) == RESULT_KEYS
    assert r["key_arn"] is None and r["account_id"] == ACCOUNT and r["enabled"] is True and r["description"] == ""


def test_plan_create_from_the_created_key_reports_what_createkey_answered():
    created = {"Arn": "arn:aws:kms:eu-west-1:123456789012:key/made", "KeyId": "made", "AWSAccountId": ACCOUNT,
               "KeyState": "Enabled", "Description": "as KMS stored it"}
    plan = plan_create(desired(enabled=False), ACCOUNT, ATTEMPT, created=created)
    assert (plan.result["key_arn"], plan.result["key_id"]) == (created["Arn"], "made")
    assert plan.result["description"] == "as KMS stored it" and plan.result["key_state"] == "Disabled"
    assert plan.diff["before"] == {}
