"""enabled unset/false/true, state=absent, keys pending deletion, and keys made by someone else."""

from __future__ import annotations

from datetime import datetime, timezone

import pytest

from ansible_collections.cmkops.atlassian_cmk.plugins.module_utils._cmk.revocation import utc_text
from harness.kms_state import alias_target, customer_keys, key_tags
from conftest import ORG_PATH


def state_of(kms, key_id):
    return kms.describe_key(KeyId=key_id)["KeyMetadata"]["KeyState"]


def test_revoke_leave_alone_restore(module, moto, kms):
    key_id = module(org_paths=[ORG_PATH])["key_id"]

    revoked = module(org_paths=[ORG_PATH], enabled=False)
    assert revoked["changed"] is True and revoked["key_state"] == "Disabled"
    assert state_of(kms, key_id) == "Disabled"

    with moto.recording() as calls:
        left = module(org_paths=[ORG_PATH])  # enabled unset: a revoked key stays revoked
    assert left["changed"] is False and left["enabled"] is False
    assert calls.writes() == []
    assert state_of(kms, key_id) == "Disabled"

    restored = module(org_paths=[ORG_PATH], enabled=True)
    assert restored["changed"] is True and restored["enabled"] is True
    assert state_of(kms, key_id) == "Enabled"
    assert module(org_paths=[ORG_PATH], enabled=True)["changed"] is False


def test_key_disabled_by_hand_is_never_enabled_silently(module, kms):
    key_id = module(org_paths=[ORG_PATH])["key_id"]
    kms.disable_key(KeyId=key_id)
    assert module(org_paths=[ORG_PATH])["changed"] is False
    assert state_of(kms, key_id) == "Disabled"


def test_absent_schedules_deletion_once(module, moto, kms):
    key_id = module(org_paths=[ORG_PATH])["key_id"]
    with moto.recording() as calls:
        gone = module(state="absent", pending_window_days=7)
    assert gone["changed"] is True and gone["key_state"] == "PendingDeletion"
    assert calls.writes() == ["ScheduleKeyDeletion"]
    meta = kms.describe_key(KeyId=key_id)["KeyMetadata"]
    assert meta["KeyState"] == "PendingDeletion"
    assert (meta["DeletionDate"] - meta["CreationDate"]).days in (6, 7)
    aws_date = utc_text(meta["DeletionDate"])
    # The scheduling run predicts the date from its own clock; AWS's own date differs by the calls' seconds.
    predicted = datetime.strptime(gone["deletion_date"], "%Y-%m-%dT%H:%M:%SZ").replace(tzinfo=timezone.utc)
    assert abs((predicted - meta["DeletionDate"]).total_seconds()) < 120
    with moto.recording() as calls:
        again = module(state="absent")
    assert again["changed"] is False and again["deletion_date"] == aws_date  # AWS's date on every later run
    assert calls.writes() == []


@pytest.mark.parametrize("state", ["absent", "retired"])
def test_absent_or_retired_without_a_key_changes_nothing(module, moto, kms, state):
    with moto.recording() as calls:
        result = module(state=state)
    assert result["changed"] is False and result["key_arn"] is None
    assert calls.operations() == ["DescribeKey"] and customer_keys(kms) == []


def test_pending_deletion_fails_unless_cancelled(module, moto, kms):
    key_id = module(org_paths=[ORG_PATH])["key_id"]
    module(state="absent")
    with moto.recording() as calls:
        refused = module(org_paths=[ORG_PATH])
    assert refused.failed and "pending deletion" in refused["msg"] and "cancel_pending_deletion" in refused["msg"]
    assert calls.writes() == []
    assert state_of(kms, key_id) == "PendingDeletion"

    kept = module(org_paths=[ORG_PATH], cancel_pending_deletion=True)
    assert kept["changed"] is True and kept["key_arn"].endswith(key_id)
    assert state_of(kms, key_id) == "Disabled"  # cancelled, but not re-enabled
    assert [k["KeyId"] for k in customer_keys(kms)] == [key_id]


def test_pending_deletion_cancelled_and_enabled(module, kms):
    key_id = module(org_paths=[ORG_PATH])["key_id"]
    module(state="absent")
    restored = module(org_paths=[ORG_PATH], cancel_pending_deletion=True, enabled=True)
    assert restored["key_state"] == "Enabled"
    assert state_of(kms, key_id) == "Enabled"


def test_foreign_alias_fails_unless_adopted(module, moto, kms):
    foreign = kms.create_key(Description="made by hand")["KeyMetadata"]["KeyId"]
    kms.create_alias(AliasName="alias/atlassian-cmk-key", TargetKeyId=foreign)
    with moto.recording() as calls:
        refused = module(org_paths=[ORG_PATH])
    assert refused.failed and "adopt=true" in refused["msg"] and foreign in refused["msg"]
    assert calls.writes() == []

    adopted = module(org_paths=[ORG_PATH], adopt=True)
    assert adopted["changed"] is True and adopted["key_id"] == foreign
    assert key_tags(kms, foreign)["cmkops:atlassian_cmk:alias"] == "alias/atlassian-cmk-key"
    assert alias_target(kms) == foreign and len(customer_keys(kms)) == 1
    assert module(org_paths=[ORG_PATH])["changed"] is False  # ours now, adopt no longer needed


def test_a_key_marked_for_another_alias_is_never_adopted_for_a_second(module, moto, kms):
    enrolled = module(org_paths=[ORG_PATH])  # alias/atlassian-cmk-key
    kms.create_alias(AliasName="alias/cmk-2027", TargetKeyId=enrolled["key_id"])  # the successor alias, by mistake
    with moto.recording() as calls:
        refused = module(alias="cmk-2027", org_paths=[ORG_PATH], adopt=True)
    assert refused.failed and "never adopted for a second alias" in refused["msg"], refused
    assert calls.writes() == []
    assert key_tags(kms, enrolled["key_id"])["cmkops:atlassian_cmk:alias"] == "alias/atlassian-cmk-key"
    assert module(org_paths=[ORG_PATH])["changed"] is False  # the enrolled alias still runs as before


def test_alias_on_a_key_of_the_wrong_spec_is_refused(module, moto, kms):
    rsa = kms.create_key(KeySpec="RSA_2048", KeyUsage="SIGN_VERIFY")["KeyMetadata"]["KeyId"]
    kms.create_alias(AliasName="alias/atlassian-cmk-key", TargetKeyId=rsa)
    with moto.recording() as calls:
        refused = module(org_paths=[ORG_PATH], adopt=True)
    assert refused.failed and "RSA_2048" in refused["msg"] and "never replaced" in refused["msg"]
    assert calls.writes() == []
    assert len(customer_keys(kms)) == 1


def test_interrupted_creation_is_finished_without_a_second_key(module, kms):
    # What a run leaves behind when it dies between CreateKey and CreateAlias.
    orphan = kms.create_key(Tags=[{"TagKey": "cmkops:atlassian_cmk:alias", "TagValue": "alias/atlassian-cmk-key"},
                                  {"TagKey": "cmkops:atlassian_cmk:attempt", "TagValue": "0" * 32}],
                            KeyUsage="ENCRYPT_DECRYPT", KeySpec="SYMMETRIC_DEFAULT")["KeyMetadata"]["KeyId"]
    finished = module(org_paths=[ORG_PATH])
    assert finished["changed"] is True and finished["key_id"] == orphan
    assert alias_target(kms) == orphan
    assert [k["KeyId"] for k in customer_keys(kms)] == [orphan]
    assert any("earlier run" in w for w in finished.get("warnings", []))
    assert module(org_paths=[ORG_PATH])["changed"] is False


def test_unset_tags_leave_the_keys_tags_alone(module, moto, kms):
    key_id = module(org_paths=[ORG_PATH], tags={"owner": "security"})["key_id"]
    with moto.recording() as calls:
        assert module(org_paths=[ORG_PATH])["changed"] is False
    assert calls.writes() == []
    assert key_tags(kms, key_id)["owner"] == "security"
    assert module(org_paths=[ORG_PATH], tags={})["changed"] is True  # an explicit empty dict purges
    assert "owner" not in key_tags(kms, key_id)
