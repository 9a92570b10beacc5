"""Bad input fails with a message naming the option and the value, and nothing is written."""

from __future__ import annotations

import json

import pytest

from harness.kms_state import customer_keys
from conftest import ORG_PATH

LOCKOUT = json.dumps({"Version": "2012-10-17", "Statement": [
    {"Effect": "Allow", "Principal": {"AWS": "arn:aws:iam::999999999999:role/other"}, "Action": "kms:*",
     "Resource": "*"}]})
WILDCARD = json.dumps({"Version": "2012-10-17", "Statement": [
    {"Effect": "Allow", "Principal": {"AWS": "arn:aws:iam::123456789012:root"}, "Action": "kms:*", "Resource": "*"},
    {"Sid": "Everyone", "Effect": "Allow", "Principal": "*", "Action": "kms:Decrypt", "Resource": "*"}]})
HUGE = json.dumps({"Version": "2012-10-17", "Statement": [
    {"Sid": f"S{i}", "Effect": "Allow", "Principal": {"AWS": "arn:aws:iam::123456789012:root"},
     "Action": "kms:*", "Resource": "*"} for i in range(400)]})
PLACEHOLDER = json.dumps({"Version": "2012-10-17", "Statement": [
    {"Effect": "Allow", "Principal": {"AWS": "arn:aws:iam::<your-account-id>:root"}, "Action": "kms:*",
     "Resource": "*"}]})
TOKEN_IN_TEXT = json.dumps({"Version": "2012-10-17", "Statement": [
    {"Effect": "Allow", "Principal": {"AWS": "arn:aws:iam::AWSACCOUNTID:root"}, "Action": "kms:*", "Resource": "*",
     "Condition": {"StringLike": {"aws:PrincipalOrgPaths": "OrganisationalUnits/extra"}}}]})

PRINCIPAL_STRING = json.dumps({"Version": "2012-10-17", "Statement": [
    {"Effect": "Allow", "Principal": "arn:aws:iam::123456789012:root", "Action": "kms:*", "Resource": "*"}]})

# (arguments, option named in the message, value named in the message, calls allowed before failing)
CASES = {
    "reserved alias": (dict(alias="alias/aws/ebs"), "alias", "alias/aws/ebs", 0),
    "alias with a space": (dict(alias="my key"), "alias", "my key", 0),
    "alias too long": (dict(alias="a" * 251), "alias", "a" * 251, 0),
    "account id too short": (dict(account_id="12345"), "account_id", "12345", 0),
    "account id not digits": (dict(account_id="abcdefghijkl"), "account_id", "abcdefghijkl", 0),
    "org path shape": (dict(org_paths=["ou-ab12-cdef3456"]), "org_paths", "ou-ab12-cdef3456", 0),
    "org path missing": (dict(org_paths=None), "org_paths", "None", 0),
    "rotation too short": (dict(rotation_period_days=30), "rotation_period_days", "30", 0),
    "rotation too long": (dict(rotation_period_days=3000), "rotation_period_days", "3000", 0),
    "window too short": (dict(state="absent", pending_window_days=3), "pending_window_days", "3", 0),
    "window too long": (dict(state="absent", pending_window_days=31), "pending_window_days", "31", 0),
    "policy not json": (dict(policy="{not json"), "policy", "{not json", 0),
    "policy over 32 KB": (dict(policy=HUGE), "policy", "bytes", 0),
    "template placeholder left": (dict(policy_template=PLACEHOLDER), "policy_template", "<your-account-id>", 0),
    "template token left": (dict(policy_template=TOKEN_IN_TEXT), "policy_template", "OrganisationalUnits", 0),
    "wildcard principal": (dict(policy=WILDCARD), "policy", "Everyone", 0),
    "reserved tag prefix": (dict(tags={"aws:owner": "me"}), "tags", "aws:owner", 0),
    "marker tag prefix": (dict(tags={"cmkops:atlassian_cmk:alias": "x"}), "tags", "cmkops:atlassian_cmk:alias", 0),
    "via service": (dict(via_services=["s3", "not a service"]), "via_services", "not a service", 0),
    "both policies": (dict(policy=LOCKOUT, policy_template=LOCKOUT), "policy", "policy_template", 0),
    "unknown state": (dict(state="gone"), "state", "gone", 0),
    "enabled not a bool": (dict(enabled="maybe"), "enabled", "maybe", 0),
    "policy locks the account out": (dict(policy=LOCKOUT), "policy", "kms:PutKeyPolicy", 3),
    "wrong account": (dict(account_id="111122223333"), "account_id", "111122223333", 2),
    "policy statement a string": (dict(policy='{"Version": "2012-10-17", "Statement": "x"}'), "policy",
                                  "Statement must be an object", 0),
    "template statements not objects": (dict(policy_template='{"Statement": ["x", 1]}'), "policy_template",
                                        "Statement must be an object", 0),
    "principal a bare string": (dict(policy=PRINCIPAL_STRING), "policy", "Principal must be", 0),
    "region in capitals": (dict(region="EU-CENTRAL-1"), "region", "EU-CENTRAL-1", 0),
    "more tags than a key holds": (dict(tags={f"t{i}": "x" for i in range(49)}), "tags", "49 tags", 0),
    "tag value a dict": (dict(tags={"team": {"a": 1}}), "tags", "not dict", 0),
}


@pytest.mark.parametrize("args, option, value, calls", CASES.values(), ids=CASES.keys())
def test_bad_input_is_refused_before_any_write(module, moto, kms, args, option, value, calls):
    args = dict({"org_paths": [ORG_PATH]}, **args)
    with moto.recording() as recorded:
        result = module(**args)
    assert result.failed
    assert option in result["msg"] and value in result["msg"], result["msg"]
    assert recorded.writes() == []
    assert len(recorded.operations()) <= calls, recorded.operations()
    assert customer_keys(kms) == []


def test_wrong_account_on_an_existing_key_fails_before_any_write(module, moto, kms):
    created = module(org_paths=[ORG_PATH])
    with moto.recording() as recorded:
        result = module(org_paths=[ORG_PATH], account_id="111122223333", enabled=False)
    assert result.failed and "111122223333" in result["msg"] and "123456789012" in result["msg"]
    assert recorded.writes() == [] and "GetCallerIdentity" not in recorded.operations()
    assert kms.describe_key(KeyId=created["key_id"])["KeyMetadata"]["KeyState"] == "Enabled"


def test_right_account_is_accepted(module):
    assert module(org_paths=[ORG_PATH], account_id="123456789012")["changed"] is True


def test_lockout_check_can_be_bypassed(module, kms):
    result = module(policy=LOCKOUT, bypass_policy_lockout_safety_check=True)
    assert not result.failed, result.get("msg")
    assert len(customer_keys(kms)) == 1
