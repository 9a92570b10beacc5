# -*- coding: utf-8 -*-
# Copyright: cmkops contributors
# GNU General Public License v3.0+ (see https://www.gnu.org/licenses/gpl-3.0.txt)
"""The only place that talks to KMS and the tagging API (sts.py: STS): one small wrapper per call, one error
type, one retry policy.

botocore's own retries are switched off for these clients (see ``CLIENT_CONFIG``): botocore would
resend a CreateKey whose response was lost and make a second key. Retries happen here instead,
per call, and CreateKey is never among them.
"""

from __future__ import annotations

import json
import time
from typing import Any, Dict, List, Optional, Tuple

try:
    import botocore
    import botocore.loaders

    _RETRIED_EXCEPTIONS = (botocore.exceptions.ClientError, botocore.exceptions.ConnectionError,
                           botocore.exceptions.HTTPClientError)
except ImportError:
    _RETRIED_EXCEPTIONS = ()  # AnsibleAWSModule reports the missing SDK

from ansible_collections.amazon.aws.plugins.module_utils.arn import parse_aws_arn
from ansible_collections.amazon.aws.plugins.module_utils.botocore import is_boto3_error_code
from ansible_collections.amazon.aws.plugins.module_utils.cloud import BackoffIterator
from ansible_collections.amazon.aws.plugins.module_utils.errors import AWSErrorHandler
from ansible_collections.amazon.aws.plugins.module_utils.exceptions import AnsibleAWSError
from ansible_collections.amazon.aws.plugins.module_utils.retries import AWSRetry
from ansible_collections.amazon.aws.plugins.module_utils.tagging import ansible_dict_to_boto3_tag_list
from ansible_collections.amazon.aws.plugins.module_utils.tagging import boto3_tag_list_to_ansible_dict

CLIENT_CONFIG = {"retries": {"total_max_attempts": 1}}

# Answered before anything was done: the call was throttled.
THROTTLED = frozenset({"ThrottlingException", "Throttling", "TooManyRequestsException", "RequestLimitExceeded"})
# KMS (or a service behind it) was busy or failed inside: the call may or may not have been carried out.
BUSY = frozenset({"KMSInternalException", "DependencyTimeoutException", "InternalFailure", "InternalError",
                  "ServiceUnavailable", "Unavailable"})
# Just after CreateKey/CreateAlias, KMS may not show the key everywhere yet (eventual consistency).
NOT_YET_VISIBLE = frozenset({"NotFoundException", "KMSInvalidStateException"})


def _code(exc: Exception) -> Optional[str]:
    return exc.response.get("Error", {}).get("Code") if isinstance(exc, botocore.exceptions.ClientError) else None


def error_parts(error: AnsibleAWSError) -> Tuple[Optional[str], str, int]:
    """The AWS error code, message and HTTP status behind a wrapper's error (None, its text, 0 without an answer)."""
    cause = error.exception
    if not isinstance(cause, botocore.exceptions.ClientError):
        return None, str(cause or error), 0
    return (_code(cause), cause.response.get("Error", {}).get("Message", ""),
            cause.response.get("ResponseMetadata", {}).get("HTTPStatusCode", 0))


def throttled(error: Exception) -> bool:
    return _code(error) in THROTTLED


def transient(error: Exception) -> bool:
    """Worth the same call again: throttled, KMS busy, an HTTP 5xx answer, or no answer at all (a dropped
    connection). Every call retried on it is idempotent, or guarded (CreateKey: ``create_key_once``)."""
    if not isinstance(error, botocore.exceptions.ClientError):
        return isinstance(error, _RETRIED_EXCEPTIONS)
    status = error.response.get("ResponseMetadata", {}).get("HTTPStatusCode", 0)
    return _code(error) in THROTTLED | BUSY or status >= 500


def transient_and_named(error: Exception) -> bool:
    """``transient``, except an HTTP 5xx without a KMS error code: that is how an endpoint without a newer call
    (GetKeyLastUsage) answers it, and no retry changes that answer."""
    named = not isinstance(error, botocore.exceptions.ClientError) or _code(error) in THROTTLED | BUSY
    return transient(error) and named


def transient_or_not_yet_visible(error: Exception) -> bool:
    """``transient``, or a key this run has just created that KMS does not show yet."""
    return transient(error) or _code(error) in NOT_YET_VISIBLE


class CmkAWSError(AnsibleAWSError):
    pass


class AliasTaken(Exception):
    """CreateAlias lost a race: another run's key already holds the alias."""


class Errors(AWSErrorHandler):
    _CUSTOM_EXCEPTION = CmkAWSError

    @classmethod
    def _is_missing(cls):
        return is_boto3_error_code("NotFoundException")


class _Retry(AWSRetry):
    """amazon.aws's AWSRetry (bounded, jittered backoff), deciding by a predicate over the whole botocore error
    rather than by a list of error codes: the ``catch_extra_error_codes`` it is given is that predicate."""

    base_class = _RETRIED_EXCEPTIONS

    @staticmethod
    def status_code_from_exception(error):
        return error

    @staticmethod
    def found(response_code, catch_extra_error_codes=None):
        return bool(catch_extra_error_codes and catch_extra_error_codes(response_code))


RETRY_TIMING = {"retries": 8, "delay": 0.5, "backoff": 2.0, "max_delay": 8}  # retries: tries in all
retry = _Retry.jittered_backoff(catch_extra_error_codes=transient, **RETRY_TIMING)
# For the writes a creation makes on the key it has just created (and the same writes on older keys).
retry_fresh = _Retry.jittered_backoff(catch_extra_error_codes=transient_or_not_yet_visible, **RETRY_TIMING)
# For GetKeyLastUsage, whose answer a reader can go without ("unknown"): KMS's own transient errors only.
retry_named = _Retry.jittered_backoff(catch_extra_error_codes=transient_and_named, **RETRY_TIMING)


def retried(error: Exception) -> bool:
    """Whether ``retry`` retried this error until it gave up (throttling, 5xx, a dropped connection)."""
    return isinstance(error, _RETRIED_EXCEPTIONS) and transient(error)


def account_of(arn: str) -> str:
    return parse_aws_arn(arn)["account_id"]


def key_id_of(arn: str) -> str:
    return parse_aws_arn(arn)["resource_id"]


def known_regions() -> List[str]:
    """Every region of every partition botocore knows (its small partitions file; no AWS call).

    KMS is in every AWS region, so a region missing here is a typo, or newer than this botocore.
    """
    data = botocore.loaders.create_loader().load_data("partitions")
    return sorted(region for partition in data["partitions"] for region in partition.get("regions", {}))


# ---------------------------------------------------------------- reads


@Errors.list_error_handler("describe the key behind the alias")
@retry
def describe_key(client, key_id: str) -> Optional[Dict[str, Any]]:
    """KeyMetadata, or None when the alias (or key) does not exist."""
    return client.describe_key(KeyId=key_id)["KeyMetadata"]


@Errors.common_error_handler("read the key policy")
@retry
def get_key_policy(client, key_id: str) -> dict:
    return json.loads(client.get_key_policy(KeyId=key_id, PolicyName="default")["Policy"])


@Errors.common_error_handler("read the key rotation status")
@retry
def get_key_rotation(client, key_id: str) -> Tuple[bool, Optional[int]]:
    status = client.get_key_rotation_status(KeyId=key_id)
    return status["KeyRotationEnabled"], status.get("RotationPeriodInDays")


@Errors.common_error_handler("read the key's tags")
@retry
def list_tags(client, key_id: str) -> Dict[str, str]:
    tags: Dict[str, str] = {}
    kwargs: Dict[str, Any] = {"KeyId": key_id}
    while True:
        page = client.list_resource_tags(**kwargs)
        tags.update(boto3_tag_list_to_ansible_dict(page.get("Tags", []), "TagKey", "TagValue"))
        if not page.get("Truncated"):
            return tags
        kwargs["Marker"] = page["NextMarker"]


@Errors.common_error_handler("read the key's last use")
@retry_named
def get_key_last_usage(client, key_id: str) -> Dict[str, Any]:
    """GetKeyLastUsage's whole answer (KeyLastUsage, TrackingStartDate, KeyCreationDate)."""
    return client.get_key_last_usage(KeyId=key_id)


@Errors.common_error_handler("look up keys by their marker tag")
@retry
def keys_tagged(tagging, key: str, value: str) -> List[Dict[str, Any]]:
    """Keys carrying tag ``key=value`` with their tags, via the tagging API (no listing of keys)."""
    found = []
    kwargs: Dict[str, Any] = {"TagFilters": [{"Key": key, "Values": [value]}], "ResourceTypeFilters": ["kms:key"]}
    while True:
        page = tagging.get_resources(**kwargs)
        for item in page.get("ResourceTagMappingList", []):
            found.append({"arn": item["ResourceARN"], "tags": boto3_tag_list_to_ansible_dict(item.get("Tags", []))})
        if not page.get("PaginationToken"):
            return found
        kwargs["PaginationToken"] = page["PaginationToken"]


# ---------------------------------------------------------------- writes
# Each write names its retry: ``retry_fresh`` for the writes a creation makes on a key KMS may not show yet
# (CreateAlias, PutKeyPolicy, EnableKeyRotation, TagResource, and DisableKey for a key created disabled);
# ``retry`` for the others, which only ever act on a key that has been read (EnableKey, UpdateKeyDescription,
# DisableKeyRotation, UntagResource, CancelKeyDeletion, ScheduleKeyDeletion).


@Errors.common_error_handler("create the key")
def create_key(client, policy: dict, description: str, tags: Dict[str, str], bypass_lockout_check: bool):
    """One CreateKey attempt, never retried here: the caller first checks whether it happened."""
    return client.create_key(
        Policy=json.dumps(policy),
        Description=description,
        KeyUsage="ENCRYPT_DECRYPT",
        KeySpec="SYMMETRIC_DEFAULT",
        Origin="AWS_KMS",
        MultiRegion=False,
        BypassPolicyLockoutSafetyCheck=bypass_lockout_check,
        Tags=ansible_dict_to_boto3_tag_list(tags, "TagKey", "TagValue"),
    )["KeyMetadata"]


CREATE_ATTEMPTS = 5


def create_key_once(client, tagging, policy: dict, description: str, tags: Dict[str, str],
                    bypass_lockout_check: bool, attempt_tag: Tuple[str, str]) -> Tuple[Dict[str, Any], bool]:
    """One key made, even when CreateKey's answers are lost: a try is repeated only when it certainly did
    not happen (throttled), or when the attempt's tag (``attempt_tag``, on the key) finds no key it made.

    Returns the key's metadata and whether an earlier try's outcome stayed unknown (a lost answer, a 5xx),
    in which case that try may have made a twin that the tagging API shows only later.
    """
    waits = iter(BackoffIterator(delay=0.5, backoff=2.0, max_delay=8, jitter=True))
    uncertain = False
    for tries_left in range(CREATE_ATTEMPTS - 1, -1, -1):
        try:
            return create_key(client, policy, description, tags, bypass_lockout_check), uncertain
        except CmkAWSError as e:
            if not tries_left or not (create_key_transient(e) or create_key_unknown(e)):
                raise
            if create_key_unknown(e):
                uncertain = True
                made = keys_tagged(tagging, *attempt_tag)
                if made:
                    arn = made[0]["arn"]
                    return {"Arn": arn, "KeyId": key_id_of(arn), "AWSAccountId": account_of(arn)}, uncertain
            time.sleep(next(waits))
    raise AssertionError("unreachable")


def create_key_transient(error: CmkAWSError) -> bool:
    """Did this CreateKey failure happen before the write (throttled), so a retry is safe?"""
    return throttled(error.exception)


def create_key_unknown(error: CmkAWSError) -> bool:
    """Might this CreateKey failure hide a key that was made (KMS busy, a 5xx, a lost answer)?"""
    return transient(error.exception) and not throttled(error.exception)


@Errors.common_error_handler("create the alias")
@retry_fresh
def _create_alias(client, alias: str, key_id: str) -> None:
    client.create_alias(AliasName=alias, TargetKeyId=key_id)


def create_alias(client, alias: str, key_id: str) -> None:
    """Point a new alias at ``key_id``; raise AliasTaken when another key got there first."""
    try:
        _create_alias(client, alias, key_id)
    except CmkAWSError as e:
        if _code(e.exception) == "AlreadyExistsException":
            raise AliasTaken(alias) from None
        raise


@Errors.common_error_handler("write the key policy")
@retry_fresh
def put_key_policy(client, key_id: str, policy: dict, bypass_lockout_check: bool) -> None:
    client.put_key_policy(KeyId=key_id, PolicyName="default", Policy=json.dumps(policy),
                          BypassPolicyLockoutSafetyCheck=bypass_lockout_check)


@Errors.common_error_handler("update the key description")
@retry
def update_key_description(client, key_id: str, description: str) -> None:
    client.update_key_description(KeyId=key_id, Description=description)


@Errors.common_error_handler("enable key rotation")
@retry_fresh
def enable_key_rotation(client, key_id: str, days: int) -> None:
    client.enable_key_rotation(KeyId=key_id, RotationPeriodInDays=days)


@Errors.common_error_handler("disable key rotation")
@retry
def disable_key_rotation(client, key_id: str) -> None:
    client.disable_key_rotation(KeyId=key_id)


@Errors.common_error_handler("tag the key")
@retry_fresh
def tag_resource(client, key_id: str, tags: Dict[str, str]) -> None:
    client.tag_resource(KeyId=key_id, Tags=ansible_dict_to_boto3_tag_list(tags, "TagKey", "TagValue"))


@Errors.common_error_handler("untag the key")
@retry
def untag_resource(client, key_id: str, keys: List[str]) -> None:
    client.untag_resource(KeyId=key_id, TagKeys=keys)


# KMS wants the key id, not the ARN, for these (moto answers 500 to an ARN).
@Errors.common_error_handler("enable the key")
@retry
def enable_key(client, key_id: str) -> None:
    client.enable_key(KeyId=key_id)


@Errors.common_error_handler("disable the key")
@retry_fresh
def disable_key(client, key_id: str) -> None:
    client.disable_key(KeyId=key_id)


@Errors.common_error_handler("cancel the key's deletion")
@retry
def _cancel_key_deletion(client, key_id: str) -> None:
    client.cancel_key_deletion(KeyId=key_id)


@Errors.common_error_handler("schedule the key's deletion")
@retry
def _schedule_key_deletion(client, key_id: str, days: int) -> None:
    client.schedule_key_deletion(KeyId=key_id, PendingWindowInDays=days)


def _unless_done(call, done, client, key_id: str, *args) -> None:
    """KMS refuses a repeat of the two calls below (KMSInvalidStateException): after a lost answer the retry
    is refused though the first call worked. The key's state then says whether it is as asked."""
    try:
        call(client, key_id, *args)
    except CmkAWSError as e:
        meta = describe_key(client, key_id) if _code(e.exception) == "KMSInvalidStateException" else None
        if meta is None or not done(meta["KeyState"]):
            raise


def cancel_key_deletion(client, key_id: str) -> None:
    _unless_done(_cancel_key_deletion, lambda state: state != "PendingDeletion", client, key_id)


def schedule_key_deletion(client, key_id: str, days: int) -> None:
    _unless_done(_schedule_key_deletion, lambda state: state == "PendingDeletion", client, key_id, days)
