from __future__ import annotations

import pytest

from ansible_collections.cmkops.atlassian_cmk.plugins.plugin_utils.lifecycle import retirement
from ansible_collections.cmkops.atlassian_cmk.plugins.plugin_utils.lifecycle import recorded_successors

NEW, OLD = "alias/cmk-2027", "alias/atlassian-cmk-key"
NEW_ARN = "arn:aws:kms:eu-west-1:111122223333:key/new"
OLD_ARN = "arn:aws:kms:eu-west-1:111122223333:key/old"


def read(region, alias, key_arn, state="Enabled"):
    key = {"key_arn": key_arn, "key_state": state} if key_arn else None
    return {"item": {"region": region, "alias": alias, "retired": alias == OLD}, "key": key}


def reads(new=(NEW_ARN, "Enabled"), old=(OLD_ARN, "Enabled"), region="eu-west-1"):
    return [read(region, NEW, *new), read(region, OLD, *old)]


@pytest.mark.parametrize("retire_state", ["disabled", "absent"])
def test_an_enabled_successor_lets_the_old_key_retire(retire_state):
    out = retirement(reads(), retire_state)
    absent = retire_state == "absent"
    assert out == {"refusals": [], "regions": ["eu-west-1"], "alias": OLD,
                   "items": [{"region": "eu-west-1", "alias": OLD, "managed": True, "state": "absent" if absent else
                              "retired", "enabled": None, "successor": False, "retired": True,
                              "successor_alias": None, "cancel_pending_deletion": False}],
                   "keys": {"eu-west-1": {"key_arn": OLD_ARN, "key_state": "Enabled"}}}


@pytest.mark.parametrize("new, fault", [
    ((None,), "alias/cmk-2027 has no key"),
    ((NEW_ARN, "Disabled"), "the key of alias/cmk-2027 is Disabled, not Enabled"),
    ((NEW_ARN, "PendingDeletion"), "is PendingDeletion, not Enabled"),
    ((OLD_ARN,), f"alias/atlassian-cmk-key and alias/cmk-2027 point at the same key {OLD_ARN}"),
])
def test_a_region_without_an_enabled_successor_is_refused_by_name(new, fault):
    out = retirement(reads() + reads(new=new, region="eu-central-1"), "disabled")
    assert len(out["refusals"]) == 1 and fault in out["refusals"][0]
    assert out["refusals"][0].startswith("eu-central-1: ")


def test_a_region_without_an_old_key_has_nothing_to_retire():
    out = retirement(reads(old=(None,)), "absent")
    assert out["refusals"] == [] and out["regions"] == [] and out["keys"] == {"eu-west-1": None}


@pytest.mark.parametrize("retire_state, acts", [("disabled", False), ("absent", True)])
def test_an_old_key_pending_deletion_is_left_alone_when_disabling(retire_state, acts):
    out = retirement(reads(old=(OLD_ARN, "PendingDeletion")), retire_state)
    assert out["regions"] == (["eu-west-1"] if acts else [])


def enrolled_read(region, successor):
    key = None if successor is False else {"key_arn": OLD_ARN, "successor_alias": successor}
    return {"item": {"region": region, "alias": "alias/atlassian-cmk-key"}, "key": key}


def successor_item(region, enabled):
    return {"region": region, "alias": "alias/cmk-2027", "managed": True, "state": "present", "enabled": enabled,
            "successor": True, "retired": False, "successor_alias": None, "cancel_pending_deletion": False}


def test_a_revocation_covers_the_successors_the_enrolled_keys_record_and_a_restoration_reports_them():
    reads = [enrolled_read("eu-central-1", "alias/cmk-2027"), enrolled_read("eu-west-1", None),
             enrolled_read("ap-south-1", False)]
    assert recorded_successors(reads, None, False) == [successor_item("eu-central-1", False)]
    assert recorded_successors(reads, None, True) == [successor_item("eu-central-1", None)]
    # The run's own successor is in the loop already.
    assert recorded_successors(reads, "cmk-2027", False) == []
