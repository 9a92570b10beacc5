"""The audit's pure parts (_cmk/audit.py): findings from a key and the expectations, and the read-only client."""

from __future__ import annotations

import inspect
import re
from dataclasses import replace

import pytest

from ansible_collections.cmkops.atlassian_cmk.plugins.module_utils._cmk import audit
from ansible_collections.cmkops.atlassian_cmk.plugins.module_utils._cmk import compare
from ansible_collections.cmkops.atlassian_cmk.plugins.module_utils._cmk import policy_effect
from ansible_collections.cmkops.atlassian_cmk.plugins.module_utils._cmk import severity
from ansible_collections.cmkops.atlassian_cmk.plugins.module_utils._cmk.desired import audit_input_errors
from ansible_collections.cmkops.atlassian_cmk.plugins.module_utils._cmk.desired import policy_checked
from ansible_collections.cmkops.atlassian_cmk.plugins.module_utils._cmk.module import write_defaults
from ansible_collections.cmkops.atlassian_cmk.tests.unit.plugins.module_utils.plan_samples import POLICY
from ansible_collections.cmkops.atlassian_cmk.tests.unit.plugins.module_utils.plan_samples import REGION
from ansible_collections.cmkops.atlassian_cmk.tests.unit.plugins.module_utils.plan_samples import current
from ansible_collections.cmkops.atlassian_cmk.tests.unit.plugins.module_utils.plan_samples import desired
from ansible_collections.cmkops.atlassian_cmk.tests.unit.plugins.module_utils.plan_samples import metadata


def expected(**params):
    return desired(**params)


def codes(cur, wanted, checked=True):
    return sorted(f["code"] for f in audit.findings(cur, wanted, checked))


def test_a_key_as_made_has_no_finding():
    assert codes(current(), expected()) == []


@pytest.mark.parametrize("cur, params, code", [
    (dict(state="Disabled"), {}, "disabled"),
    (dict(state="PendingDeletion"), {}, "pending_deletion"),
    (dict(rotation=(False, None)), {}, "rotation"),
    (dict(rotation=(True, 90)), {}, "rotation"),  # the period differs
    (dict(tags={"cmkops:atlassian_cmk:alias": "alias/atlassian-cmk-key", "team": "other"}), {}, "tags"),
    (dict(tags={"cmkops:atlassian_cmk:alias": "alias/atlassian-cmk-key", "team": "security", "extra": "x"}), {}, "tags"),
    ({}, {"account_id": "210987654321"}, "wrong_account"),
    (dict(tags={"team": "security"}), {}, "foreign_key"),
])
def test_each_difference_is_one_finding(cur, params, code):
    found = codes(current(**cur), expected(**params))
    assert found == [code], found


def test_policy_drift_carries_the_diff_and_unchecked_is_said():
    cur = current(policy={"Version": "2012-10-17", "Statement": []})
    (drift,) = audit.findings(cur, expected(), True)  # no statement at all: Atlassian is cut off
    assert drift["code"] == "atlassian_access" and drift["diff"] == {"before": cur["policy"], "after": POLICY}
    assert codes(cur, replace(expected(), policy=None), checked=False) == ["policy_unchecked"]


def test_a_wrong_key_spec():
    cur = current()
    cur["metadata"] = metadata(KeySpec="RSA_2048", KeyUsage="SIGN_VERIFY")
    assert "key_spec" in codes(cur, expected())


def test_unset_tags_are_not_compared():
    cur = current()
    cur["tags"]["anything"] = "goes"
    assert codes(cur, expected(tags=None)) == []


@pytest.mark.parametrize("params, checked", [
    ({"org_paths": ["o-a/*"]}, True), ({}, False), ({"policy": "{}"}, True),
    ({"policy_template": '{"Statement": ["OrganisationalUnits"]}'}, False),
    ({"policy_template": '{"Statement": []}'}, True),
])
def test_policy_checked_only_when_the_policy_can_be_built(params, checked):
    assert policy_checked(dict(write_defaults(), **params)) is checked


def test_input_errors_let_org_paths_be_missing_but_name_bad_values():
    assert audit_input_errors(dict(write_defaults(), alias="atlassian-cmk-key"), REGION) == []
    (error,) = audit_input_errors(dict(write_defaults(), rotation_period_days=5), REGION)
    assert error.option == "rotation_period_days" and error.value == 5


class Client:
    def __getattr__(self, name):
        return lambda **kwargs: name


@pytest.mark.parametrize("call", sorted(audit.READS))
def test_the_read_only_client_makes_the_four_reads(call):
    assert getattr(audit.ReadOnlyClient(Client()), call)() == call


@pytest.mark.parametrize("call", ["create_key", "put_key_policy", "disable_key", "tag_resource", "schedule_key_deletion"])
def test_the_read_only_client_refuses_every_write(call):
    with pytest.raises(PermissionError, match=call):
        getattr(audit.ReadOnlyClient(Client()), call)


def test_a_disabled_key_says_how_long_it_has_been_revoked():
    tags = {"team": "security", "cmkops:atlassian_cmk:alias": "alias/atlassian-cmk-key",
            "cmkops:atlassian_cmk:revoked-at": "2026-11-01T09:00:00Z"}
    (found,) = audit.findings(current(state="Disabled", tags=tags), expected(now="2026-11-25T09:00:00Z"), True)
    assert found["code"] == "disabled" and found["revoked_at"] == "2026-11-01T09:00:00Z"
    assert "revoked at 2026-11-01T09:00:00Z, 24 days ago" in found["message"]
    assert "more than 20 days: Atlassian may be unable to fully recover the sites" in found["message"]
    del tags["cmkops:atlassian_cmk:revoked-at"]
    (found,) = audit.findings(current(state="Disabled", tags=tags), expected(), True)
    assert found["revoked_at"] == "unknown" and "revoked at unknown" in found["message"]


def last_use(used_at=None, tracking_since="2026-01-01T00:00:00Z"):
    return {"known": True, "operation": "Decrypt" if used_at else None, "used_at": used_at,
            "tracking_since": tracking_since}


# now is plan_samples.NOW, 2026-12-01T09:00:00Z. (state, last use, unused_days, the message's words or None)
UNUSED = {
    "used 20 days ago": ("Enabled", last_use("2026-11-11T09:00:00Z"), 14,
                         "alias/atlassian-cmk-key in eu-west-1: no cryptographic use for 20 days, since its last use, "
                         "Decrypt at 2026-11-11T09:00:00Z: has Atlassian enrolled this ARN?"),
    "used 13 days ago": ("Enabled", last_use("2026-11-18T09:00:00Z"), 14, None),
    "never used, tracked 30 days": ("Enabled", last_use(tracking_since="2026-11-01T09:00:00Z"), 14,
                                    "no cryptographic use for 30 days, since KMS began tracking it at "
                                    "2026-11-01T09:00:00Z"),
    "never used, tracked 3 days": ("Enabled", last_use(tracking_since="2026-11-28T09:00:00Z"), 14, None),
    "unknown": ("Enabled", {"known": False, "reason": "denied"}, 14, None),
    "not read": ("Enabled", None, 14, None),
    "disabled": ("Disabled", last_use("2026-01-11T09:00:00Z"), 14, None),
    "turned off": ("Enabled", last_use("2026-01-11T09:00:00Z"), 0, None),
    "one day asked": ("Enabled", last_use("2026-11-29T09:00:00Z"), 1, "for 2 days"),
}


@pytest.mark.parametrize("state, last, days, says", UNUSED.values(), ids=UNUSED.keys())
def test_an_enabled_key_without_use_is_unused_and_an_unknown_use_never_is(state, last, days, says):
    key = dict(current(state=state), last_used=last)
    found = [f for f in audit.findings(key, expected(enabled=None), True, days) if f["code"] == "unused"]
    if says is None:
        assert found == []
    else:
        assert len(found) == 1 and says in found[0]["message"] and found[0]["severity"] == "warning"


@pytest.mark.parametrize("code", sorted(severity.SEVERITY))
def test_every_finding_has_its_codes_severity(code):
    assert audit.finding(code, "m") == {"code": code, "severity": severity.SEVERITY[code], "message": "m"}


def test_every_code_the_comparison_makes_has_a_severity():
    made = set(re.findall(r'Difference\("([a-z_]+)"', inspect.getsource(compare)))
    made |= {policy_effect.ATLASSIAN_ACCESS, policy_effect.EXTERNAL_ACCESS, policy_effect.POLICY_DRIFT}
    assert made and made <= set(severity.SEVERITY)


CRITICAL = {"code": "disabled", "severity": "critical"}
WARNING = {"code": "tags", "severity": "warning"}


@pytest.mark.parametrize("fail_on, fails", [("critical", [CRITICAL]), ("warning", [CRITICAL, WARNING]), ("never", [])])
def test_which_findings_fail_the_audit(fail_on, fails):
    assert severity.failing([CRITICAL, WARNING], fail_on) == fails
    assert severity.failing([WARNING], "critical") == []
