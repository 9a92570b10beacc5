from __future__ import annotations

import pytest

from ansible_collections.cmkops.atlassian_cmk.plugins.plugin_utils.lifecycle import deletion_refusals
from ansible_collections.cmkops.atlassian_cmk.plugins.plugin_utils.lifecycle import retirement
from ansible_collections.cmkops.atlassian_cmk.plugins.plugin_utils.lifecycle import recorded_successors

NEW, OLD = "alias/cmk-2027", "alias/atlassian-cmk-key"
NEW_ARN = "arn:aws:kms:eu-west-1:111122223333:key/new"
OLD_ARN = "arn:aws:kms:eu-west-1:111122223333:key/old"


def read(region, alias, key_arn, state="Enabled", last_used=None):
    key = {"key_arn": key_arn, "key_state": state} if key_arn else None
    return {"item": {"region": region, "alias": alias, "retired": alias == OLD}, "key": key, "last_used": last_used}


def reads(new=(NEW_ARN, "Enabled"), old=(OLD_ARN, "Enabled"), region="eu-west-1", old_used=None):
    return [read(region, NEW, *new), read(region, OLD, *old, last_used=old_used)]


NOW = "2026-12-02T10:00:00Z"


def used(at=None, tracking_since="2026-01-01T00:00:00Z", operation="Decrypt"):
    return {"known": True, "operation": operation if at else None, "used_at": at, "tracking_since": tracking_since}


DENIED = {"known": False, "reason": "GetKeyLastUsage was denied (AccessDeniedException); allow kms:GetKeyLastUsage"}
# (the old key's last use, quiet days, the refusal's words or None)
QUIET = {
    "used yesterday": (used("2026-12-01T09:00:00Z"), 7,
                       f"eu-west-1: the key of {OLD}, {OLD_ARN}, was used for Decrypt at 2026-12-01T09:00:00Z, "
                       "1.0 days ago, within atlassian_cmk_retire_quiet_days=7: Atlassian may still use it"),
    "used 6.9 days ago": (used("2026-11-25T12:00:00Z"), 7, "6.9 days ago"),
    "used 7 days ago": (used("2026-11-25T10:00:00Z"), 7, None),
    "used a month ago": (used("2026-11-01T00:00:00Z"), 7, None),
    "used yesterday, 1 day asked": (used("2026-12-01T09:00:00Z"), 1, None),
    "never used since a long tracking": (used(), 7, None),
    "never used, tracked 3 days": (used(tracking_since="2026-11-29T10:00:00Z"), 7,
                                   "has no recorded use, but KMS has tracked it only since 2026-11-29T10:00:00Z, "
                                   "3.0 days, less than atlassian_cmk_retire_quiet_days=7"),
    "denied": (DENIED, 7, "has an unknown last use (GetKeyLastUsage was denied (AccessDeniedException); allow "
                          "kms:GetKeyLastUsage); it may still be in use. Set atlassian_cmk_retire_quiet_days: 0"),
    "not read": (None, 7, "has an unknown last use (it was not read)"),
    "known, but no time to go by": ({"known": True, "operation": None, "used_at": None, "tracking_since": None}, 7,
                                    "has no last-use time to go by"),
    "denied, no check asked": (DENIED, 0, None),
    "used yesterday, no check asked": (used("2026-12-01T09:00:00Z"), 0, None),
}


@pytest.mark.parametrize("last, quiet_days, says", QUIET.values(), ids=QUIET.keys())
def test_an_old_key_is_retired_only_when_quiet(last, quiet_days, says):
    out = retirement(reads(old_used=last), "disabled", quiet_days, NOW)
    assert out["regions"] == ["eu-west-1"] and out["last_used"]["retired"] == {"eu-west-1": last}
    if says is None:
        assert out["refusals"] == []
    else:
        assert len(out["refusals"]) == 1 and says in out["refusals"][0], out["refusals"]
        assert out["refusals"][0].startswith(f"eu-west-1: the key of {OLD}, {OLD_ARN},")


def test_quiet_is_asked_only_of_the_keys_retired_now():
    busy = used("2026-12-01T09:00:00Z")
    assert retirement(reads(old=(OLD_ARN, "PendingDeletion"), old_used=busy), "disabled", 7, NOW)["refusals"] == []
    assert retirement(reads(old=(OLD_ARN, "PendingDeletion"), old_used=busy), "absent", 7, NOW)["refusals"] == []
    assert retirement(reads(old=(None,), old_used=None), "absent", 7, NOW)["refusals"] == []
    # The enrolled key's use is evidence for the report, never a reason to refuse.
    ok = [read("eu-west-1", NEW, NEW_ARN, last_used=busy), read("eu-west-1", OLD, OLD_ARN, last_used=used())]
    out = retirement(ok, "absent", 7, NOW)
    assert out["refusals"] == [] and out["last_used"]["enrolled"] == {"eu-west-1": busy}


def test_every_region_at_fault_is_named():
    busy = used("2026-12-01T09:00:00Z")
    out = retirement(reads(old_used=busy) + reads(region="eu-central-1", old_used=DENIED), "disabled", 7, NOW)
    assert [r.split(":")[0] for r in out["refusals"]] == ["eu-west-1", "eu-central-1"]


@pytest.mark.parametrize("last, quiet_days, says", QUIET.values(), ids=QUIET.keys())
def test_a_deletion_of_the_enrolled_keys_asks_the_same_quiet(last, quiet_days, says):
    got = deletion_refusals([read("eu-west-1", OLD, OLD_ARN, last_used=last)], quiet_days, NOW)
    if says is None:
        assert got == []
    else:
        assert len(got) == 1 and says in got[0]


def test_a_deletion_without_a_key_or_of_one_pending_deletion_is_not_refused():
    busy = used("2026-12-01T09:00:00Z")
    assert deletion_refusals([read("eu-west-1", OLD, None, last_used=None),
                              read("eu-central-1", OLD, OLD_ARN, "PendingDeletion", last_used=busy)], 7, NOW) == []


@pytest.mark.parametrize("retire_state", ["disabled", "absent"])
def test_an_enabled_successor_lets_the_old_key_retire(retire_state):
    out = retirement(reads(), retire_state)
    absent = retire_state == "absent"
    assert out == {"refusals": [], "regions": ["eu-west-1"], "alias": OLD,
                   "items": [{"region": "eu-west-1", "alias": OLD, "managed": True, "state": "absent" if absent else
                              "retired", "enabled": None, "successor": False, "retired": True,
                              "successor_alias": None, "cancel_pending_deletion": False}],
                   "keys": {"eu-west-1": {"key_arn": OLD_ARN, "key_state": "Enabled"}},
                   "last_used": {"enrolled": {"eu-west-1": None}, "retired": {"eu-west-1": None}}}


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
