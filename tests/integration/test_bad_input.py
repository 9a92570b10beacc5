"""Bad input fails with a message naming the option and the value, and nothing is written (moto). The whole
table of refusals made before any AWS call is tests/unit/plugins/modules/test_atlassian_cmk_key_input.py; these
cases prove the wiring through Ansible, and the refusals that need AWS (the account, the lockout check)."""

from __future__ import annotations

import json

import pytest

from harness.kms_state import customer_keys
from conftest import ORG_PATH

LOCKOUT = json.dumps({"Version": "2012-10-17", "Statement": [
    {"Effect": "Allow", "Principal": {"AWS": "arn:aws:iam::999999999999:role/other"}, "Action": "kms:*",
     "Resource": "*"}]})
# (arguments, option named in the message, value named in the message, calls allowed before failing)
CASES = {
    "reserved alias": (dict(alias="alias/aws/ebs"), "alias", "alias/aws/ebs", 0),
    "unknown state": (dict(state="gone"), "state", "gone", 0),
    "region in capitals": (dict(region="EU-CENTRAL-1"), "region", "EU-CENTRAL-1", 0),
    "policy locks the account out": (dict(policy=LOCKOUT), "policy", "kms:PutKeyPolicy", 3),
    "wrong account": (dict(account_id="111122223333"), "account_id", "111122223333", 2),
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
