"""The guard's remediation: whose deletion may be cancelled (_cmk/guard.py), and the key ARN it acts on
(_cmk/validate.py)."""
from __future__ import annotations

import pytest

from ansible_collections.cmkops.atlassian_cmk.plugins.module_utils._cmk.guard import may_cancel
from ansible_collections.cmkops.atlassian_cmk.plugins.module_utils._cmk.guard import outcome
from ansible_collections.cmkops.atlassian_cmk.plugins.module_utils._cmk.validate import check_key_arn

ALIAS = "alias/atlassian-cmk-key"
ARN = "arn:aws:kms:eu-central-1:111122223333:key/1234abcd-12ab-34cd-56ef-1234567890ab"
OTHER = "arn:aws:kms:eu-central-1:111122223333:key/9999abcd-12ab-34cd-56ef-1234567890ab"
MARKED = {"cmkops:atlassian_cmk:alias": ALIAS}
PENDING = {"Arn": ARN, "KeyState": "PendingDeletion"}

CASES = {
    # name: (target of the alias, the key, its tags) -> (cancel, words of the reason)
    "the enrolled key, scheduled by someone": ({"Arn": ARN}, PENDING, MARKED, True, "stays Disabled"),
    "no such key": ({"Arn": ARN}, None, {}, False, "no such key"),
    "the alias points at another key (a successor, a retired key)": ({"Arn": OTHER}, PENDING, MARKED, False,
                                                                     f"points at {OTHER}"),
    "the alias is gone": (None, PENDING, MARKED, False, "points at no key"),
    "not marked by the collection": ({"Arn": ARN}, PENDING, {}, False, "not a key this collection enrolled"),
    "marked for another alias (a successor's)": ({"Arn": ARN}, PENDING,
                                                 {"cmkops:atlassian_cmk:alias": "alias/cmk-2027"}, False,
                                                 "not a key this collection enrolled"),
    "retired": ({"Arn": ARN}, PENDING, dict(MARKED, **{"cmkops:atlassian_cmk:retired-at": "2026-11-30"}), False,
                "is retired"),
    "superseded": ({"Arn": ARN}, PENDING, dict(MARKED, **{"cmkops:atlassian_cmk:superseded-by": "k"}), False,
                   "is superseded"),
    "already cancelled": ({"Arn": ARN}, {"Arn": ARN, "KeyState": "Disabled"}, MARKED, False, "no deletion to cancel"),
    "enabled": ({"Arn": ARN}, {"Arn": ARN, "KeyState": "Enabled"}, MARKED, False, "is Enabled"),
}


@pytest.mark.parametrize("target, meta, tags, cancel, words", CASES.values(), ids=CASES.keys())
def test_only_the_enrolled_keys_deletion_nobody_asked_for_is_cancelled(target, meta, tags, cancel, words):
    decided, reason = may_cancel(ARN, ALIAS, target, meta, tags)
    assert decided is cancel and words in reason


@pytest.mark.parametrize("cancel, check_mode, expected", [
    (True, False, {"changed": True, "cancelled": True, "key_state": "Disabled"}),
    (True, True, {"changed": True, "cancelled": False, "key_state": "Disabled"}),
    (False, False, {"changed": False, "cancelled": False, "key_state": "PendingDeletion"}),
])
def test_the_outcome_says_the_key_stays_disabled(cancel, check_mode, expected):
    assert outcome(cancel, "why", PENDING, check_mode) == dict(expected, reason="why")


@pytest.mark.parametrize("value, region, words", [
    (ARN, "eu-central-1", None),
    ("arn:aws-us-gov:kms:us-gov-west-1:111122223333:key/mrk-1234abcd", "us-gov-west-1", None),
    (ARN, "eu-west-1", "a key of eu-central-1, not of the region eu-west-1"),
    ("alias/atlassian-cmk-key", "eu-central-1", "not a KMS key ARN"),
    ("1234abcd-12ab-34cd-56ef-1234567890ab", "eu-central-1", "not a KMS key ARN"),
    ("arn:aws:kms:eu-central-1:111122223333:alias/atlassian-cmk-key", "eu-central-1", "not a KMS key ARN"),
    (None, "eu-central-1", "not a KMS key ARN"),
])
def test_the_key_is_named_by_its_arn_in_the_modules_region(value, region, words):
    errors = check_key_arn(value, region)
    assert [e.option for e in errors] == ([] if words is None else ["key_arn"])
    assert words is None or words in str(errors[0]) and repr(value) in str(errors[0])
