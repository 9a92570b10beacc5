"""Creating the key, and running again: the API economy and the end state in moto."""

from __future__ import annotations

from harness.kms_state import alias_target, customer_keys, key_policy, key_tags
from conftest import ORG_PATH, REGION

from ansible_collections.cmkops.atlassian_cmk.plugins.module_utils._cmk.policy import canonical_policy

RESULT_KEYS = {"key_arn", "key_id", "alias", "region", "account_id", "key_state", "enabled", "policy",
               "rotation_enabled", "rotation_period_days", "tags", "changed"}


def test_create_then_rerun_is_unchanged_in_four_reads(module, moto, kms):
    with moto.recording() as created:
        first = module(org_paths=[ORG_PATH], tags={"team": "security"})
    assert not first.failed, first.get("msg")
    assert first["changed"] is True
    assert RESULT_KEYS <= set(first)
    assert created.operations() == ["DescribeKey", "GetCallerIdentity", "GetResources", "CreateKey",
                                    "CreateAlias", "EnableKeyRotation"]

    keys = customer_keys(kms)
    assert [k["Arn"] for k in keys] == [first["key_arn"]]
    key = keys[0]
    assert (key["KeySpec"], key["KeyUsage"], key["Origin"], key["KeyState"]) == \
        ("SYMMETRIC_DEFAULT", "ENCRYPT_DECRYPT", "AWS_KMS", "Enabled")
    assert not key.get("MultiRegion")
    assert alias_target(kms) == key["KeyId"]
    assert kms.get_key_rotation_status(KeyId=key["KeyId"])["KeyRotationEnabled"] is True
    policy = key_policy(kms, key["KeyId"])
    text = str(policy)
    assert ORG_PATH in text and f"rds.{REGION}.amazonaws.com" in text and "123456789012:root" in text
    assert canonical_policy(policy) == canonical_policy(first["policy"])
    tags = key_tags(kms, key["KeyId"])
    assert tags["team"] == "security"
    assert tags["cmkops:atlassian_cmk:alias"] == "alias/atlassian-cmk-key"
    assert len(tags["cmkops:atlassian_cmk:attempt"]) == 32

    with moto.recording() as rerun:
        second = module(org_paths=[ORG_PATH], tags={"team": "security"})
    assert second["changed"] is False
    assert sorted(rerun.operations()) == ["DescribeKey", "GetKeyPolicy", "GetKeyRotationStatus", "ListResourceTags"]
    assert second["key_arn"] == first["key_arn"]
    assert RESULT_KEYS <= set(second)
    assert len(customer_keys(kms)) == 1


def test_rerun_cost_does_not_grow_with_the_account(module, moto, kms):
    for i in range(30):
        kms.create_alias(AliasName=f"alias/other-{i}", TargetKeyId=kms.create_key()["KeyMetadata"]["KeyId"])
    assert not module(org_paths=[ORG_PATH]).failed
    with moto.recording() as rerun:
        assert module(org_paths=[ORG_PATH])["changed"] is False
    assert len(rerun.operations()) == 4


def test_alias_given_with_prefix_is_the_same_key(module, kms):
    first = module(org_paths=[ORG_PATH], alias="cmk-eu")
    second = module(org_paths=[ORG_PATH], alias="alias/cmk-eu")
    assert second["changed"] is False
    assert second["key_arn"] == first["key_arn"]
    assert second["alias"] == "alias/cmk-eu"
    assert alias_target(kms, "alias/cmk-eu") == first["key_id"]


def test_create_disabled_costs_one_more_call(module, moto, kms):
    with moto.recording() as created:
        result = module(org_paths=[ORG_PATH], enabled=False)
    assert result["key_state"] == "Disabled"
    assert len(created.operations()) == 7 and created.operations()[-1] == "DisableKey"
    assert customer_keys(kms)[0]["KeyState"] == "Disabled"


def test_policy_template_is_rendered_per_region(module, kms):
    template = """{"Version": "2012-10-17", "Statement": [
      {"Sid": "EnableRoleDelegation", "Effect": "Allow",
       "Principal": {"AWS": "arn:aws:iam::AWSACCOUNTID:root"}, "Action": "kms:*", "Resource": "*"},
      {"Sid": "AwsManagedService", "Effect": "Allow", "Principal": {"AWS": "*"},
       "Action": ["kms:Decrypt"], "Resource": "*",
       "Condition": {"ForAnyValue:StringLike": {"aws:PrincipalOrgPaths": "OrganisationalUnits"},
                     "StringEquals": {"kms:ViaService": "dynamodb.AWSREGION.amazonaws.com"}}}]}"""
    result = module(org_paths=[ORG_PATH, "o-rab3nm4fez/*/ou-ab12-00000000/*"], policy_template=template)
    assert not result.failed, result.get("msg")
    stored = key_policy(kms, result["key_id"])
    statements = {s["Sid"]: s for s in stored["Statement"]}
    assert statements["EnableRoleDelegation"]["Principal"]["AWS"] == "arn:aws:iam::123456789012:root"
    condition = statements["AwsManagedService"]["Condition"]
    assert condition["ForAnyValue:StringLike"]["aws:PrincipalOrgPaths"] == \
        [ORG_PATH, "o-rab3nm4fez/*/ou-ab12-00000000/*"]
    assert condition["StringEquals"]["kms:ViaService"] == f"dynamodb.{REGION}.amazonaws.com"
    assert module(org_paths=[ORG_PATH, "o-rab3nm4fez/*/ou-ab12-00000000/*"],
                  policy_template=template)["changed"] is False
