"""The creation saga's branches with an in-memory AWS: orphans found, lost race, lost answer, twin retired."""

from __future__ import annotations

import pytest

from ansible_collections.cmkops.atlassian_cmk.plugins.module_utils._cmk import kms
from ansible_collections.cmkops.atlassian_cmk.plugins.module_utils._cmk.desired import Desired
from ansible_collections.cmkops.atlassian_cmk.plugins.module_utils._cmk.ensure import ensure
from ansible_collections.cmkops.atlassian_cmk.plugins.module_utils._cmk.plan import MARKER_ALIAS
from ansible_collections.cmkops.atlassian_cmk.plugins.module_utils._cmk.plan import MARKER_SUPERSEDED
from ansible_collections.cmkops.atlassian_cmk.plugins.module_utils._cmk.runner import Run

from ansible_collections.cmkops.atlassian_cmk.tests.unit.plugins.module_utils.fake_aws import REGION, FakeAWS

ALIAS = "alias/atlassian-cmk-key"
PARAMS = dict(alias=ALIAS, state="present", enabled=None, account_id=None, org_paths=["o-rab3nm4fez/*/ou-ab12-cdef3456/*"],
              policy_template=None, policy=None, via_services=["s3"], description="CMK", tags=None, purge_tags=True,
              enable_key_rotation=True, rotation_period_days=365, pending_window_days=30,
              cancel_pending_deletion=False, adopt=False, bypass_policy_lockout_safety_check=False,
              allow_wildcard_principal=False)


@pytest.fixture(autouse=True)
def no_waiting(monkeypatch):
    monkeypatch.setattr(kms.time, "sleep", lambda _seconds: None)
    monkeypatch.setattr("time.sleep", lambda _seconds: None)  # AWSRetry's backoff


@pytest.fixture
def aws():
    return FakeAWS()


def run(aws, check_mode=False):
    return ensure(Run(Desired.from_params(PARAMS, REGION), aws, lambda _service: aws, check_mode))


def holder(aws):
    return aws.keys[aws.aliases[ALIAS]]


def test_a_new_key_costs_six_calls_and_is_recorded_as_done(aws):
    out = run(aws)
    assert out.changed and out.result["key_arn"] == holder(aws)["Arn"]
    assert aws.calls == ["DescribeKey", "GetCallerIdentity", "GetResources", "CreateKey", "CreateAlias",
                         "EnableKeyRotation"]


def test_check_mode_stops_after_the_reads(aws):
    out = run(aws, check_mode=True)
    assert out.changed and out.result["key_arn"] is None
    assert aws.calls == ["DescribeKey", "GetCallerIdentity", "GetResources"] and aws.keys == {}


def test_orphans_found_the_oldest_is_finished_and_the_others_retired(aws):
    oldest, younger = aws.make_key({MARKER_ALIAS: ALIAS}), aws.make_key({MARKER_ALIAS: ALIAS})
    out = run(aws)
    assert holder(aws) is oldest and out.result["key_arn"] == oldest["Arn"]
    assert younger["KeyState"] == "PendingDeletion" and younger["_tags"][MARKER_SUPERSEDED] == oldest["Arn"]
    assert "CreateKey" not in aws.calls
    assert any("finishing key" in w for w in out.warnings)


def test_orphans_in_check_mode_are_only_predicted(aws):
    aws.make_key({MARKER_ALIAS: ALIAS})
    younger = aws.make_key({MARKER_ALIAS: ALIAS})
    out = run(aws, check_mode=True)
    assert out.changed and ALIAS not in aws.aliases and younger["KeyState"] == "Enabled"
    assert any("superseded" in w for w in out.warnings)


def test_a_lost_race_retires_our_key_and_follows_the_winner(aws):
    def other_run_wins():
        winner = aws.make_key({MARKER_ALIAS: ALIAS})
        aws.aliases[ALIAS] = winner["KeyId"]
    aws.before["CreateAlias"] = other_run_wins
    out = run(aws)
    mine = next(k for k in aws.keys.values() if k is not holder(aws))
    assert mine["KeyState"] == "PendingDeletion" and mine["_tags"][MARKER_SUPERSEDED] == holder(aws)["Arn"]
    assert out.changed and out.result["key_arn"] == holder(aws)["Arn"]


def test_a_lost_create_alias_answer_is_ours_after_all(aws):
    aws.lose_answer.append("CreateAlias")  # made, answer lost; the retry sees AlreadyExists
    out = run(aws)
    assert len(aws.keys) == 1 and aws.live_keys()[0] is holder(aws)
    assert out.changed and out.result["key_arn"] == holder(aws)["Arn"]


def test_a_lost_create_key_answer_is_found_by_its_attempt_tag(aws):
    aws.lose_answer.append("CreateKey")
    out = run(aws)
    assert aws.calls.count("CreateKey") == 1 and len(aws.keys) == 1
    assert out.result["key_arn"] == holder(aws)["Arn"]


def test_a_twin_found_late_is_retired(aws):
    aws.lose_answer.append("CreateKey")
    aws.hidden_lookups = 2  # the orphan lookup, then the attempt's: its key is not visible yet, so CreateKey again
    out = run(aws)
    assert aws.calls.count("CreateKey") == 2
    twin = next(k for k in aws.keys.values() if k is not holder(aws))
    assert twin["KeyState"] == "PendingDeletion" and twin["_tags"][MARKER_SUPERSEDED] == holder(aws)["Arn"]
    assert out.result["key_arn"] == holder(aws)["Arn"]
