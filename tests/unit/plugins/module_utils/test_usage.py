"""A key's last use (_cmk/usage.py, and runner.read_last_used against a scripted client): the answer, why it is
unknown, how long a key has been quiet."""

from __future__ import annotations

from datetime import datetime, timezone

import pytest
from botocore.exceptions import EndpointConnectionError

from ansible_collections.cmkops.atlassian_cmk.plugins.module_utils._cmk import kms
from ansible_collections.cmkops.atlassian_cmk.plugins.module_utils._cmk import usage
from ansible_collections.cmkops.atlassian_cmk.plugins.module_utils._cmk.runner import read_last_used

from ansible_collections.cmkops.atlassian_cmk.tests.unit.plugins.module_utils.fake_aws import error
from ansible_collections.cmkops.atlassian_cmk.tests.unit.plugins.module_utils.test_kms import Scripted

TRACKED = datetime(2026, 6, 1, tzinfo=timezone.utc)
USED = {"KeyId": "k", "TrackingStartDate": TRACKED, "KeyCreationDate": TRACKED,
        "KeyLastUsage": {"Operation": "Decrypt", "Timestamp": datetime(2026, 11, 30, 10, tzinfo=timezone.utc),
                         "CloudTrailEventId": "e-1", "KmsRequestId": "r-1"}}
NEVER = {"KeyId": "k", "TrackingStartDate": TRACKED, "KeyCreationDate": TRACKED, "KeyLastUsage": {}}
NOW = "2026-12-02T10:00:00Z"


@pytest.fixture(autouse=True)
def no_waiting(monkeypatch):
    monkeypatch.setattr("time.sleep", lambda _seconds: None)  # AWSRetry's backoff


def test_an_answer_with_a_use():
    assert usage.last_used(USED) == {"known": True, "operation": "Decrypt", "used_at": "2026-11-30T10:00:00Z",
                                     "tracking_since": "2026-06-01T00:00:00Z", "cloudtrail_event_id": "e-1",
                                     "reason": None}


def test_an_answer_without_a_use_since_tracking_started():
    last = usage.last_used(NEVER)
    assert last["known"] and last["operation"] is None and last["used_at"] is None
    assert usage.describe(last) == "no use since 2026-06-01T00:00:00Z (tracking start)"


@pytest.mark.parametrize("code, message, status, says", [
    ("AccessDeniedException", "not allowed", 400, "was denied (AccessDeniedException)"),
    ("403", "", 403, "was denied (403)"),  # moto's answer under IAM enforcement
    ("500", "<html>", 500, "does not answer GetKeyLastUsage (HTTP 500, 500)"),  # an emulator without the call
    ("UnknownOperationException", "", 400, "does not answer GetKeyLastUsage (HTTP 400, UnknownOperationException)"),
    ("InvalidAction", "", 400, "does not answer GetKeyLastUsage"),
    ("", "", 404, "does not answer GetKeyLastUsage (HTTP 404, no code)"),
    ("KMSInternalException", "busy", 500, "failed (KMSInternalException: busy)"),
    ("NotFoundException", "gone", 400, "failed (NotFoundException: gone)"),
    (None, "connection reset", 0, "failed (no answer: connection reset)"),
])
def test_each_unknown_says_why_and_names_the_permission(code, message, status, says):
    reason = usage.unknown_reason(code, message, status)
    assert says in reason and "kms:GetKeyLastUsage" in reason


@pytest.mark.parametrize("last, days", [
    (usage.last_used(USED), 2.0),
    (usage.last_used(NEVER), 184.4167),  # never used: quiet at least since tracking started
    (usage.unknown("denied"), None),
    (None, None),
])
def test_quiet_days(last, days):
    got = usage.quiet_days(last, NOW)
    assert got == days if days is None else round(got, 4) == days


def test_described_for_the_reports():
    assert usage.describe(usage.last_used(USED)) == "Decrypt at 2026-11-30T10:00:00Z"
    assert usage.describe(usage.unknown("GetKeyLastUsage was denied")) == "unknown (GetKeyLastUsage was denied)"
    assert usage.describe(None) == ""


def test_read_last_used_is_one_call_when_known():
    client = Scripted(get_key_last_usage=[USED])
    assert read_last_used(client, "k")["operation"] == "Decrypt"
    assert client.calls == [("get_key_last_usage", {"KeyId": "k"})]


@pytest.mark.parametrize("fault, calls, says", [
    (error("AccessDeniedException"), 1, "was denied"),
    (error("500", 500), 1, "does not answer GetKeyLastUsage"),  # no retry: the answer would not change
    (error("ThrottlingException"), kms.RETRY_TIMING["retries"], "failed (ThrottlingException"),
    (error("KMSInternalException", 500), kms.RETRY_TIMING["retries"], "failed (KMSInternalException"),
    (EndpointConnectionError(endpoint_url="http://x"), kms.RETRY_TIMING["retries"], "failed (no answer"),
])
def test_a_read_that_fails_is_unknown_and_fails_nothing(fault, calls, says):
    client = Scripted(get_key_last_usage=[fault] * 10)
    last = read_last_used(client, "k")
    assert not last["known"] and says in last["reason"] and "kms:GetKeyLastUsage" in last["reason"]
    assert client.count("get_key_last_usage") == calls


def test_throttling_is_retried_until_kms_answers():
    client = Scripted(get_key_last_usage=[error("ThrottlingException"), error("ThrottlingException"), USED])
    assert read_last_used(client, "k")["known"]
    assert client.count("get_key_last_usage") == 3


def test_a_botocore_without_the_call_is_unknown():
    class OldClient:
        pass
    last = read_last_used(OldClient(), "k")
    assert not last["known"] and "1.44 or later" in last["reason"] and "kms:GetKeyLastUsage" in last["reason"]
