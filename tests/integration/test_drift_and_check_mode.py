"""Drift is corrected and shown; check mode predicts the same result and writes nothing."""

from __future__ import annotations

import json

from harness.kms_state import customer_keys, key_policy, key_tags
from conftest import ORG_PATH

from ansible_collections.cmkops.atlassian_cmk.plugins.module_utils._cmk.policy import canonical_policy

OUT_OF_BAND = {"Version": "2012-10-17", "Statement": [
    {"Sid": "EnableRoleDelegation", "Effect": "Allow", "Principal": {"AWS": "arn:aws:iam::123456789012:root"},
     "Action": "kms:*", "Resource": "*"}]}


def test_check_mode_create_writes_nothing_and_predicts_the_result(module, moto, kms):
    with moto.recording() as calls:
        predicted = module(org_paths=[ORG_PATH], check=True, diff=True)
    assert predicted["changed"] is True
    assert calls.writes() == []
    assert customer_keys(kms) == []
    real = module(org_paths=[ORG_PATH])
    assert set(predicted) - {"diff"} == set(real)
    assert predicted["key_arn"] is None and predicted["key_id"] is None
    for key in ("alias", "region", "account_id", "key_state", "enabled", "rotation_enabled",
                "rotation_period_days", "description"):
        assert predicted[key] == real[key], key
    assert canonical_policy(predicted["policy"]) == canonical_policy(real["policy"])
    assert predicted["diff"]["before"] == {}
    assert predicted["diff"]["after"]["key_state"] == "Enabled"


def test_policy_drift_is_reported_in_check_mode_then_fixed(module, moto, kms):
    created = module(org_paths=[ORG_PATH], tags={"team": "security"})
    key_id = created["key_id"]
    kms.put_key_policy(KeyId=key_id, PolicyName="default", Policy=json.dumps(OUT_OF_BAND))
    kms.tag_resource(KeyId=key_id, Tags=[{"TagKey": "stray", "TagValue": "x"}])

    with moto.recording() as calls:
        checked = module(org_paths=[ORG_PATH], tags={"team": "security"}, check=True, diff=True)
    assert checked["changed"] is True and checked["fixed"] == ["atlassian_access", "tags"]  # which kind of drift
    assert calls.writes() == []
    assert key_policy(kms, key_id) == OUT_OF_BAND
    assert checked["diff"]["before"]["policy"] == OUT_OF_BAND
    assert canonical_policy(checked["diff"]["after"]["policy"]) == canonical_policy(created["policy"])
    assert "stray" in checked["diff"]["before"]["tags"] and "stray" not in checked["diff"]["after"]["tags"]

    with moto.recording() as calls:
        fixed = module(org_paths=[ORG_PATH], tags={"team": "security"}, diff=True)
    assert fixed["changed"] is True and fixed["fixed"] == ["atlassian_access", "tags"]
    assert sorted(calls.writes()) == ["PutKeyPolicy", "UntagResource"]
    assert canonical_policy(key_policy(kms, key_id)) == canonical_policy(created["policy"])
    assert "stray" not in key_tags(kms, key_id)
    again = module(org_paths=[ORG_PATH], tags={"team": "security"})
    assert again["changed"] is False and again["fixed"] == []


def test_reformatted_policy_is_not_drift(module, moto, kms):
    created = module(org_paths=[ORG_PATH])
    shuffled = dict(created["policy"], Statement=list(reversed(created["policy"]["Statement"])))
    for stmt in shuffled["Statement"]:
        if isinstance(stmt["Action"], list):
            stmt["Action"] = list(reversed(stmt["Action"]))
    shuffled["Statement"][-1]["Principal"] = {"AWS": ["123456789012"]}  # the root, by account id
    kms.put_key_policy(KeyId=created["key_id"], PolicyName="default", Policy=json.dumps(shuffled, indent=4))
    with moto.recording() as calls:
        assert module(org_paths=[ORG_PATH])["changed"] is False
    assert calls.writes() == []


def test_description_and_rotation_drift(module, kms):
    created = module(org_paths=[ORG_PATH])
    kms.update_key_description(KeyId=created["key_id"], Description="changed by hand")
    kms.disable_key_rotation(KeyId=created["key_id"])
    fixed = module(org_paths=[ORG_PATH])
    assert fixed["changed"] is True
    meta = kms.describe_key(KeyId=created["key_id"])["KeyMetadata"]
    assert meta["Description"] == "Atlassian Cloud customer-managed key (CMK)"
    assert kms.get_key_rotation_status(KeyId=created["key_id"])["KeyRotationEnabled"] is True
