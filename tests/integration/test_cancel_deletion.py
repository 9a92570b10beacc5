"""atlassian_cmk_cancel_deletion, the guard's remediation, against moto: it cancels the deletion someone scheduled of
the enrolled key, leaves the key Disabled, and never touches another key."""

from __future__ import annotations

from conftest import ORG_PATH, REGION

CANCEL = "cmkops.atlassian_cmk.atlassian_cmk_cancel_deletion"


def state_of(kms, key_id):
    return kms.describe_key(KeyId=key_id)["KeyMetadata"]["KeyState"]


def test_the_enrolled_keys_deletion_is_cancelled_and_the_key_stays_disabled(module, moto, kms):
    key = module(org_paths=[ORG_PATH])
    kms.schedule_key_deletion(KeyId=key["key_id"], PendingWindowInDays=7)  # someone, outside the collection

    with moto.recording() as calls:
        checked = module(module=CANCEL, key_arn=key["key_arn"], check=True)
    assert checked["changed"] is True and checked["cancelled"] is False and calls.writes() == []
    assert state_of(kms, key["key_id"]) == "PendingDeletion"

    with moto.recording() as calls:
        done = module(module=CANCEL, key_arn=key["key_arn"])
    assert (done.get("changed"), done.get("cancelled"), done.get("key_state")) == (True, True, "Disabled"), done
    assert calls.writes() == ["CancelKeyDeletion"]
    assert state_of(kms, key["key_id"]) == "Disabled"

    again = module(module=CANCEL, key_arn=key["key_arn"])
    assert again["changed"] is False and "no deletion to cancel" in again["reason"]


def test_a_successor_or_unenrolled_keys_deletion_is_left_as_it_is(module, moto, kms):
    module(org_paths=[ORG_PATH])
    successor = module(org_paths=[ORG_PATH], alias="cmk-2027")
    stray = kms.create_key(Description="not enrolled")["KeyMetadata"]
    for key_id in (successor["key_id"], stray["KeyId"]):
        kms.schedule_key_deletion(KeyId=key_id, PendingWindowInDays=7)

    with moto.recording() as calls:
        left = [module(module=CANCEL, key_arn=arn) for arn in (successor["key_arn"], stray["Arn"])]
    assert [r["changed"] for r in left] == [False, False] and calls.writes() == []
    assert all("points at arn:aws:kms:" in r["reason"] for r in left)
    assert state_of(kms, successor["key_id"]) == state_of(kms, stray["KeyId"]) == "PendingDeletion"


def test_a_key_named_by_anything_but_its_arn_in_the_region_is_refused_before_any_call(module, moto):
    key = module(org_paths=[ORG_PATH])
    elsewhere = key["key_arn"].replace(REGION, "eu-central-1")
    with moto.recording() as calls:
        results = [module(module=CANCEL, key_arn=value) for value in ("alias/atlassian-cmk-key", elsewhere)]
    assert calls.operations() == []
    assert all(r.failed and r["invalid_options"] == ["key_arn"] for r in results)
    assert "'alias/atlassian-cmk-key'" in results[0]["msg"] and f"not of the region {REGION}" in results[1]["msg"]
