"""The realm_audit and failure_reason filters."""

from __future__ import annotations

from ansible_collections.cmkops.atlassian_cmk.plugins.filter.failure_reason import failure_reason
from ansible_collections.cmkops.atlassian_cmk.plugins.filter.realm_audit import realm_audit

ARN = "arn:aws:kms:eu-west-1:111122223333:key/k"


def test_an_account_with_one_drifted_region_and_one_missing():
    results = [{"item": "eu-central-1", "key": None, "findings": [{"code": "missing", "message": "m"}]},
               {"item": "eu-west-1", "key": {"key_arn": ARN, "key_state": "Enabled", "account_id": "111122223333",
                                             "alias": "alias/a"}, "findings": []}]
    got = realm_audit(results, realm="europe", alias="a")
    assert got == {"account_id": "111122223333", "realm": "europe", "alias": "alias/a", "compliant": False,
                   "regions": [{"region": "eu-central-1", "key_arn": None, "key_state": None,
                                "findings": [{"code": "missing", "message": "m"}]},
                               {"region": "eu-west-1", "key_arn": ARN, "key_state": "Enabled", "findings": []}]}


def test_no_key_anywhere_takes_the_account_given():
    got = realm_audit([{"item": "eu-west-1", "key": None, "findings": [{"code": "missing"}]}], "europe",
                      "alias/a", account_id="acme-prod")
    assert got["account_id"] == "acme-prod" and got["compliant"] is False


def test_failure_reason_of_a_loop_names_each_failed_item():
    result = {"results": [{"item": "eu-central-1", "failed": False}, {"item": "eu-west-1", "failed": True, "msg": "denied"}],
              "msg": "One or more items failed"}
    assert failure_reason(result, "Audit the key in the region") == "Audit the key in the region: eu-west-1: denied"


def test_failure_reason_names_the_region_and_an_alias_other_than_the_enrolled_one():
    result = {"results": [
        {"item": {"region": "eu-west-1", "alias": "alias/a", "successor": False}, "failed": True, "msg": "denied"},
        {"item": {"region": "eu-west-1", "alias": "alias/b", "successor": True}, "failed": True, "msg": "throttled"}]}
    assert failure_reason(result, "Ensure") == "Ensure: eu-west-1: denied; eu-west-1 alias/b: throttled"


def test_failure_reason_of_one_task_and_of_nothing():
    assert failure_reason({"msg": "bad variable"}, "Check") == "Check: bad variable"
    assert failure_reason(None) == "failed without a message"
