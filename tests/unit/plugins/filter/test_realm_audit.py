"""The realm_audit and failure_reason filters."""

from __future__ import annotations

import pytest

from ansible_collections.cmkops.atlassian_cmk.plugins.filter.failure_reason import failure_reason
from ansible_collections.cmkops.atlassian_cmk.plugins.filter.realm_audit import realm_audit

ARN = "arn:aws:kms:eu-west-1:111122223333:key/k"


def test_an_account_with_one_drifted_region_and_one_missing():
    used = {"known": True, "operation": "Decrypt", "used_at": "2026-12-01T10:00:00Z"}
    results = [{"item": "eu-central-1", "key": None, "findings": [{"code": "missing", "message": "m"}],
                "last_used": None},
               {"item": "eu-west-1", "key": {"key_arn": ARN, "key_state": "Enabled", "account_id": "111122223333",
                                             "alias": "alias/a"}, "findings": [], "last_used": used}]
    got = realm_audit(results, realm="europe", alias="a")
    assert got == {"account_id": "111122223333", "realm": "europe", "alias": "alias/a", "compliant": False,
                   "fails": ["m"], "policy_template": None,
                   "regions": [{"region": "eu-central-1", "key_arn": None, "key_state": None,
                                "findings": [{"code": "missing", "message": "m"}], "last_used": None},
                               {"region": "eu-west-1", "key_arn": ARN, "key_state": "Enabled", "findings": [],
                                "last_used": used}]}


@pytest.mark.parametrize("fail_on, fails", [("critical", ["gone"]), ("warning", ["gone", "tag"]), ("never", [])])
def test_the_findings_that_fail_the_account(fail_on, fails):
    results = [{"item": "eu-central-1", "key": None, "findings": [{"code": "missing", "severity": "critical",
                                                                   "message": "gone"}]},
               {"item": "eu-west-1", "key": {"key_arn": ARN, "key_state": "Enabled", "account_id": "111122223333"},
                "findings": [{"code": "tags", "severity": "warning", "message": "tag"}]}]
    got = realm_audit(results, "europe", "a", fail_on=fail_on)
    assert got["fails"] == fails and got["compliant"] is False


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


@pytest.mark.parametrize("msg, said", [
    ("set adopt=true to manage it", "set adopt=true (role variable atlassian_cmk_adopt) to manage it"),
    ("set cancel_pending_deletion=true to keep it (it stays disabled unless enabled=true)",
     "set cancel_pending_deletion=true (role variable atlassian_cmk_cancel_pending_deletion) to keep it (it stays "
     "disabled unless enabled=true (role variable atlassian_cmk_enabled))"),
    ("atlassian_cmk_adopt=true was given", "atlassian_cmk_adopt=true was given"),
    ("adopt=maybe", "adopt=maybe"),
    ("assume_role_arn='arn:aws:iam::111122223333:role/x': AccessDenied",
     "assume_role_arn='arn:aws:iam::111122223333:role/x' (role variable atlassian_cmk_assume_role_arn): AccessDenied"),
    ("describe: no AWS credentials were found. They come from",
     "describe: no AWS credentials were found. The realm_keys role also takes atlassian_cmk_profile and "
     "atlassian_cmk_assume_role_arn. They come from"),
])
def test_failure_reason_names_the_role_variable_of_the_options_it_advises(msg, said):
    assert failure_reason({"msg": msg}, "Ensure") == f"Ensure: {said}"
