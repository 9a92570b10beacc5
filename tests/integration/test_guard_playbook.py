"""The guard's playbook (cmkops.atlassian_cmk.guard) as ansible-rulebook runs it, with the event in the extra variable
ansible_eda, without the rulebook (tests/guard runs both): the remediation is off unless asked for, and an event of
an account the inventory does not list is refused before any AWS call."""

from __future__ import annotations

import json

from harness.cloudtrail import ACCOUNT, kms_call
from harness.kms_state import client
from conftest import ORG_PATH, run_site


def event_vars(tmp_path, name: str, region: str, key_arn: str, account: str = ACCOUNT) -> list:
    body = dict(kms_call(name, region, key_arn, f"arn:aws:sts::{account}:assumed-role/a/jane", account), id="e-1")
    path = tmp_path / "event.json"
    path.write_text(json.dumps({"ansible_eda": {"event": {"body": body}}}))
    return ["-e", f"@{path}"]


def inventory(tmp_path, moto, **extra) -> list:
    path = tmp_path / "accounts.json"
    path.write_text(json.dumps({"atlassian_cmk_accounts": {
        "vars": dict({"atlassian_cmk_realm": "europe", "atlassian_cmk_org_paths": ORG_PATH,
                      "atlassian_cmk_endpoint_url": moto.url, "atlassian_cmk_guard_dir": str(tmp_path / "guard"),
                      "atlassian_cmk_report_dir": str(tmp_path / "report"), "atlassian_cmk_audit_unused_days": 0},
                     **extra),
        "hosts": {"acme-prod": {"atlassian_cmk_account_id": ACCOUNT}}}}))
    return ["-i", str(path)]


def test_a_scheduled_deletion_is_audited_and_left_alone_unless_remediation_is_on(moto, tmp_path):
    assert run_site({}, *inventory(tmp_path, moto)).returncode == 0
    kms = client(moto.url, "eu-central-1")
    key = kms.describe_key(KeyId="alias/atlassian-cmk-key")["KeyMetadata"]
    kms.schedule_key_deletion(KeyId=key["KeyId"], PendingWindowInDays=7)

    with moto.recording() as calls:
        event = event_vars(tmp_path, "ScheduleKeyDeletion", "eu-central-1", key["Arn"])
        run = run_site({}, *inventory(tmp_path, moto), *event, playbook="playbooks/guard.yml")
    assert run.returncode == 2, run.stdout  # the critical finding fails the run, as the audit does
    assert calls.writes() == [] and "pending_deletion" in run.stdout and '"remediation": "none"' in run.stdout
    audit = json.loads((tmp_path / "guard" / "e-1" / "audit.json").read_text())
    assert [r["region"] for r in audit["accounts"][0]["regions"]] == ["eu-central-1"]
    assert kms.describe_key(KeyId=key["KeyId"])["KeyMetadata"]["KeyState"] == "PendingDeletion"


def test_an_event_of_an_account_the_inventory_does_not_list_is_refused_before_any_call(moto, tmp_path):
    arn = "arn:aws:kms:eu-west-1:999988887777:key/1234abcd-12ab-34cd-56ef-1234567890ab"
    with moto.recording() as calls:
        run = run_site({}, *inventory(tmp_path, moto, atlassian_cmk_guard_remediate=True),
                       *event_vars(tmp_path, "ScheduleKeyDeletion", "eu-west-1", arn, account="999988887777"),
                       playbook="playbooks/guard.yml")
    assert run.returncode == 2 and calls.operations() == []
    assert "account 999988887777 is no host of the inventory's group atlassian_cmk_accounts" in run.stdout
    assert not (tmp_path / "guard").exists()
