"""Bad role variables fail before any AWS call, naming the variable and the value (site.yml, moto recorder)."""

from __future__ import annotations

import pytest

from conftest import ORG_PATH, run_site

GOOD = {"atlassian_cmk_realm": "europe", "atlassian_cmk_org_paths": [ORG_PATH]}

# (variables, variable named in the message, value named in the message)
CASES = {
    "unknown realm": ({"atlassian_cmk_realm": "atlantis"}, "atlassian_cmk_realm", "atlantis"),
    "region outside the realm": ({"atlassian_cmk_regions": ["us-east-1"]}, "atlassian_cmk_regions", "us-east-1"),
    "context tag too long": ({"atlassian_cmk_context_tag": "AcmeProduction1"}, "atlassian_cmk_context_tag",
                             "AcmeProduction1"),
    "context tag not alphanumeric": ({"atlassian_cmk_context_tag": "acme-prod"}, "atlassian_cmk_context_tag",
                                     "acme-prod"),
    "account id": ({"atlassian_cmk_account_id": "12345"}, "atlassian_cmk_account_id", "12345"),
    "org path": ({"atlassian_cmk_org_paths": ["o-short/*"]}, "atlassian_cmk_org_paths", "o-short/*"),
    "reserved alias": ({"atlassian_cmk_alias": "alias/aws/s3"}, "atlassian_cmk_alias", "alias/aws/s3"),
    "rotation period": ({"atlassian_cmk_rotation_period_days": 60}, "atlassian_cmk_rotation_period_days", "60"),
    "reserved tag": ({"atlassian_cmk_tags": {"aws:cost": "x"}}, "atlassian_cmk_tags", "aws:cost"),
    "missing template file": ({"atlassian_cmk_policy_template": "/nonexistent/policy.json"},
                              "atlassian_cmk_policy_template", "/nonexistent/policy.json"),
    "role arn": ({"atlassian_cmk_assume_role_arn": "not-an-arn"}, "atlassian_cmk_assume_role_arn", "not-an-arn"),
    "unknown state": ({"atlassian_cmk_state": "gone"}, "atlassian_cmk_state", "gone"),
}


@pytest.mark.parametrize("variables, name, value", CASES.values(), ids=CASES.keys())
def test_bad_role_variable_fails_before_any_aws_call(moto, tmp_path, variables, name, value):
    extra = dict(GOOD, atlassian_cmk_endpoint_url=moto.url, atlassian_cmk_report_dir=str(tmp_path), **variables)
    with moto.recording() as calls:
        proc = run_site(extra)
    assert proc.returncode == 2, proc.stdout[-3000:]
    assert name in proc.stdout and value in proc.stdout, proc.stdout[-3000:]
    assert "argument_spec" not in proc.stdout, "the role's whole argument spec was printed"
    assert calls.operations() == []
    assert "Failed in this run" in (tmp_path / "enrollment.md").read_text()
