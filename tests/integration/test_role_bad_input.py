"""Role variables as users write them, through site.yml and audit.yml (moto): bad ones fail before any AWS call,
naming the variable and the value; booleans given as text are read as Ansible reads them. The whole table of
values is the realm_inputs filter's unit test; these cases prove the wiring."""

from __future__ import annotations

import pytest

from conftest import ORG_PATH, kms_in, run_site

GOOD = {"atlassian_cmk_realm": "europe", "atlassian_cmk_org_paths": [ORG_PATH]}

# (variables, variable named in the message, value named in the message)
CASES = {
    "unknown realm": ({"atlassian_cmk_realm": "atlantis"}, "atlassian_cmk_realm", "atlantis"),
    "rotation period as text": ({"atlassian_cmk_rotation_period_days": "abc"}, "atlassian_cmk_rotation_period_days",
                                "abc"),
    "boolean that is not one": ({"atlassian_cmk_adopt": "maybe"}, "atlassian_cmk_adopt", "maybe"),
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


def test_the_audit_names_a_rotation_period_given_as_text(moto, tmp_path):
    extra = dict(GOOD, atlassian_cmk_endpoint_url=moto.url, atlassian_cmk_audit_dir=str(tmp_path),
                 atlassian_cmk_rotation_period_days="abc")
    with moto.recording() as calls:
        proc = run_site(extra, playbook="audit.yml")
    assert proc.returncode == 2, proc.stdout[-3000:]
    assert "atlassian_cmk_rotation_period_days='abc': must be a whole number" in proc.stdout, proc.stdout[-3000:]
    assert "Traceback" not in proc.stdout + proc.stderr and calls.operations() == []


def test_cancel_pending_deletion_false_given_as_text_keeps_the_deletion_and_refuses(moto, tmp_path):
    extra = dict(GOOD, atlassian_cmk_endpoint_url=moto.url, atlassian_cmk_report_dir=str(tmp_path),
                 atlassian_cmk_regions="eu-west-1")
    assert run_site(extra).returncode == 0
    kms = kms_in(moto, "eu-west-1")
    key_id = kms.describe_key(KeyId="alias/atlassian-cmk-key")["KeyMetadata"]["KeyId"]
    kms.schedule_key_deletion(KeyId=key_id, PendingWindowInDays=7)

    proc = run_site(dict(extra, atlassian_cmk_cancel_pending_deletion="false"))  # as -e name=false hands it over
    assert proc.returncode == 2 and "pending deletion" in proc.stdout, proc.stdout[-3000:]
    assert kms.describe_key(KeyId=key_id)["KeyMetadata"]["KeyState"] == "PendingDeletion"
    proc = run_site(dict(extra, atlassian_cmk_cancel_pending_deletion="yes"))
    assert proc.returncode == 0, proc.stdout[-3000:]
    assert kms.describe_key(KeyId=key_id)["KeyMetadata"]["KeyState"] == "Disabled"
