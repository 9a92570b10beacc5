"""The AWS wrappers (_cmk/kms.py) against a scripted client: retries, pagination, refusals, CreateKey's rule."""

from __future__ import annotations

import pytest
from botocore.exceptions import EndpointConnectionError

from ansible_collections.cmkops.atlassian_cmk.plugins.module_utils._cmk import kms

from ansible_collections.cmkops.atlassian_cmk.tests.unit.plugins.module_utils.fake_aws import error

ARN = "arn:aws:kms:eu-west-1:111122223333:key/1234abcd-12ab-34cd-56ef-1234567890ab"


class Scripted:
    """Each call pops the next answer of its operation: a value to return or an exception to raise."""

    def __init__(self, **answers):
        self.answers = {op: list(seq) for op, seq in answers.items()}
        self.calls = []

    def __getattr__(self, operation):
        def call(**kwargs):
            self.calls.append((operation, kwargs))
            answer = self.answers[operation].pop(0)
            if isinstance(answer, Exception):
                raise answer
            return answer
        return call

    def count(self, operation):
        return [op for op, _kwargs in self.calls].count(operation)


@pytest.fixture(autouse=True)
def no_waiting(monkeypatch):
    monkeypatch.setattr(kms.time, "sleep", lambda _seconds: None)
    monkeypatch.setattr("time.sleep", lambda _seconds: None)  # AWSRetry's backoff


@pytest.mark.parametrize("fault", [error("ThrottlingException"), error("KMSInternalException", 500),
                                   error("Anything", 503), EndpointConnectionError(endpoint_url="http://x")])
def test_reads_retry_transient_faults(fault):
    client = Scripted(get_key_rotation_status=[fault, fault, {"KeyRotationEnabled": True, "RotationPeriodInDays": 90}])
    assert kms.get_key_rotation(client, "k") == (True, 90)
    assert client.count("get_key_rotation_status") == 3


def test_a_refusal_is_not_retried_and_names_the_call():
    client = Scripted(get_key_policy=[error("AccessDeniedException")])
    with pytest.raises(kms.CmkAWSError) as err:
        kms.get_key_policy(client, "k")
    assert "read the key policy" in err.value.message
    assert client.count("get_key_policy") == 1


def test_describe_key_of_a_missing_alias_is_none():
    assert kms.describe_key(Scripted(describe_key=[error("NotFoundException")]), "alias/x") is None


def test_retries_are_bounded():
    client = Scripted(update_key_description=[error("ThrottlingException")] * 20)
    with pytest.raises(kms.CmkAWSError):
        kms.update_key_description(client, "k", "d")
    assert client.count("update_key_description") == kms.RETRY_TIMING["retries"]


def test_list_tags_follows_every_page():
    client = Scripted(list_resource_tags=[
        {"Tags": [{"TagKey": "a", "TagValue": "1"}], "Truncated": True, "NextMarker": "m1"},
        {"Tags": [{"TagKey": "b", "TagValue": "2"}], "Truncated": False}])
    assert kms.list_tags(client, "k") == {"a": "1", "b": "2"}
    assert client.calls[1] == ("list_resource_tags", {"KeyId": "k", "Marker": "m1"})


def test_keys_tagged_follows_every_page():
    item = {"ResourceARN": ARN, "Tags": [{"Key": "t", "Value": "v"}]}
    tagging = Scripted(get_resources=[{"ResourceTagMappingList": [item], "PaginationToken": "p"},
                                      {"ResourceTagMappingList": [item], "PaginationToken": ""}])
    assert kms.keys_tagged(tagging, "t", "v") == [{"arn": ARN, "tags": {"t": "v"}}] * 2
    assert tagging.calls[0][1]["TagFilters"] == [{"Key": "t", "Values": ["v"]}]


def test_create_alias_lost_race_is_alias_taken():
    with pytest.raises(kms.AliasTaken):
        kms.create_alias(Scripted(create_alias=[error("AlreadyExistsException")]), "alias/a", "k")


def test_create_alias_waits_for_a_fresh_key():
    client = Scripted(create_alias=[error("NotFoundException"), {}])
    kms.create_alias(client, "alias/a", "k")
    assert client.count("create_alias") == 2


def test_tags_are_sent_as_kms_tag_lists():
    client = Scripted(tag_resource=[{}])
    kms.tag_resource(client, "k", {"owner": "sec"})
    assert client.calls == [("tag_resource", {"KeyId": "k", "Tags": [{"TagKey": "owner", "TagValue": "sec"}]})]


def create_once(client, tagging):
    return kms.create_key_once(client, tagging, {"Statement": []}, "d", {"t": "v"}, False, ("attempt", "a1"))


def test_create_key_retried_when_throttled_without_lookup():
    client = Scripted(create_key=[error("ThrottlingException"), {"KeyMetadata": {"KeyId": "k2"}}])
    tagging = Scripted()
    assert create_once(client, tagging) == ({"KeyId": "k2"}, False)
    assert tagging.calls == []


def test_create_key_lost_answer_finds_the_key_it_made():
    client = Scripted(create_key=[error("KMSInternalException", 500)])
    tagging = Scripted(get_resources=[{"ResourceTagMappingList": [{"ResourceARN": ARN, "Tags": []}]}])
    meta, uncertain = create_once(client, tagging)
    assert meta == {"Arn": ARN, "KeyId": "1234abcd-12ab-34cd-56ef-1234567890ab", "AWSAccountId": "111122223333"}
    assert uncertain is True and client.count("create_key") == 1


def test_create_key_lost_answer_with_no_key_tries_again_and_says_uncertain():
    client = Scripted(create_key=[EndpointConnectionError(endpoint_url="http://x"), {"KeyMetadata": {"KeyId": "k"}}])
    tagging = Scripted(get_resources=[{"ResourceTagMappingList": []}])
    assert create_once(client, tagging) == ({"KeyId": "k"}, True)


def test_create_key_refusal_is_not_retried():
    client = Scripted(create_key=[error("MalformedPolicyDocumentException")])
    with pytest.raises(kms.CmkAWSError):
        create_once(client, Scripted())
    assert client.count("create_key") == 1


@pytest.mark.parametrize("call, state, done", [
    (lambda c: kms.schedule_key_deletion(c, "k", 7), "PendingDeletion", True),
    (lambda c: kms.schedule_key_deletion(c, "k", 7), "Enabled", False),
    (lambda c: kms.cancel_key_deletion(c, "k"), "Disabled", True),
    (lambda c: kms.cancel_key_deletion(c, "k"), "PendingDeletion", False),
])
def test_a_refused_repeat_is_fine_when_the_key_is_as_asked(call, state, done):
    client = Scripted(schedule_key_deletion=[error("KMSInvalidStateException")],
                      cancel_key_deletion=[error("KMSInvalidStateException")],
                      describe_key=[{"KeyMetadata": {"KeyState": state}}])
    if done:
        call(client)
    else:
        with pytest.raises(kms.CmkAWSError):
            call(client)


def test_arn_parts():
    assert (kms.account_of(ARN), kms.key_id_of(ARN)) == ("111122223333", "1234abcd-12ab-34cd-56ef-1234567890ab")


@pytest.mark.parametrize("exc, transient, fresh, create_safe, create_unknown", [
    (error("ThrottlingException"), True, True, True, False),
    (error("RequestLimitExceeded"), True, True, True, False),
    (error("KMSInternalException", 500), True, True, False, True),
    (error("DependencyTimeoutException"), True, True, False, True),
    (error("Anything", 503), True, True, False, True),
    (EndpointConnectionError(endpoint_url="http://x"), True, True, False, True),
    (error("NotFoundException"), False, True, False, False),
    (error("KMSInvalidStateException"), False, True, False, False),
    (error("AccessDeniedException"), False, False, False, False),
    (error("MalformedPolicyDocumentException"), False, False, False, False),
    (ValueError("not botocore's"), False, False, False, False),
])
def test_retry_decisions_are_named_predicates_over_botocore_errors(exc, transient, fresh, create_safe, create_unknown):
    assert kms.transient(exc) is transient and kms.retried(exc) is transient
    assert kms.transient_or_not_yet_visible(exc) is fresh
    wrapped = kms.CmkAWSError(exception=exc, message="create the key")
    assert kms.create_key_transient(wrapped) is create_safe and kms.create_key_unknown(wrapped) is create_unknown
