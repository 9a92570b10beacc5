"""Revocations that know their age (moto): the marker tag the module sets and removes, the result's
revoked_at, the warnings past Atlassian's 10 and 20 days, the report and the audit. The clock is faked
through the tag's value, never by sleeping."""

from __future__ import annotations

import json
from datetime import datetime, timedelta, timezone

import pytest

from conftest import ORG_PATH, run_site
from harness.kms_state import key_tags, live_keys

MARKER = "cmkops:atlassian_cmk:revoked-at"
FORMAT = "%Y-%m-%dT%H:%M:%SZ"


def ago(days: int) -> str:
    return (datetime.now(timezone.utc) - timedelta(days=days, hours=1)).strftime(FORMAT)


def test_revoking_records_when_and_restoring_forgets_it(module, kms):
    made = module(org_paths=[ORG_PATH])
    before = datetime.now(timezone.utc).replace(microsecond=0) - timedelta(seconds=1)
    revoked = module(org_paths=[ORG_PATH], enabled=False)
    assert revoked["changed"] and revoked["key_state"] == "Disabled"
    tag = key_tags(kms, made["key_id"])[MARKER]
    assert revoked["revoked_at"] == tag
    assert before <= datetime.strptime(tag, FORMAT).replace(tzinfo=timezone.utc) <= datetime.now(timezone.utc)
    again = module(org_paths=[ORG_PATH], enabled=False)
    assert not again["changed"] and again["revoked_at"] == tag and key_tags(kms, made["key_id"])[MARKER] == tag

    restored = module(org_paths=[ORG_PATH], enabled=True)
    assert restored["changed"] and restored["revoked_at"] is None
    assert MARKER not in key_tags(kms, made["key_id"])
    assert kms.describe_key(KeyId=made["key_id"])["KeyMetadata"]["KeyState"] == "Enabled"
    assert live_keys(kms) == 1


@pytest.mark.parametrize("days, limit, consequence", [
    (11, 10, "Atlassian can reinstate sites only within 10 days of a revocation"),
    (21, 20, "Atlassian may be unable to fully recover the sites"),
])
def test_a_revocation_past_atlassians_limits_warns(module, kms, days, limit, consequence):
    made = module(org_paths=[ORG_PATH])
    module(org_paths=[ORG_PATH], enabled=False)
    since = ago(days)
    kms.tag_resource(KeyId=made["key_id"], Tags=[{"TagKey": MARKER, "TagValue": since}])
    got = module(org_paths=[ORG_PATH])  # enabled unset: the revoked key is left alone
    assert not got["changed"] and got["revoked_at"] == since
    warnings = " ".join(got.get("warnings", []))
    assert f"revoked {days} days ago (at {since}), more than {limit} days: {consequence}" in warnings


def test_a_key_disabled_by_someone_else_was_revoked_at_an_unknown_time(module, kms):
    made = module(org_paths=[ORG_PATH])
    kms.disable_key(KeyId=made["key_id"])
    got = module(org_paths=[ORG_PATH])
    assert got["revoked_at"] == "unknown" and not got.get("warnings")


def test_the_report_and_the_audit_show_the_age_of_a_revoked_realm(moto, tmp_path, kms):
    base = {"atlassian_cmk_realm": "europe", "atlassian_cmk_org_paths": [ORG_PATH],
            "atlassian_cmk_endpoint_url": moto.url, "atlassian_cmk_report_dir": str(tmp_path / "report"),
            "atlassian_cmk_audit_dir": str(tmp_path / "audit")}
    assert run_site(dict(base, atlassian_cmk_enabled=False)).returncode == 0
    key_id = kms.describe_key(KeyId="alias/atlassian-cmk-key")["KeyMetadata"]["KeyId"]  # eu-west-1
    since = ago(21)
    kms.tag_resource(KeyId=key_id, Tags=[{"TagKey": MARKER, "TagValue": since}])

    proc = run_site(base)
    assert proc.returncode == 0, proc.stdout[-3000:]
    assert "more than 20 days" in proc.stderr  # the module's warning, in the job output
    record = json.loads(next((tmp_path / "report").glob("*.json")).read_text())
    assert {k["region"]: k["revoked_at"] for k in record["keys"]}["eu-west-1"] == since
    md = (tmp_path / "report" / "enrollment.md").read_text()
    assert f"revoked at {since}, 21 days ago" in md and "Atlassian may be unable to fully recover the sites" in md

    audit = run_site(base, playbook="playbooks/audit.yml")
    assert audit.returncode == 2
    doc = json.loads((tmp_path / "audit" / "audit.json").read_text())
    findings = {r["region"]: r["findings"] for r in doc["accounts"][0]["regions"]}
    (west,) = findings["eu-west-1"]
    assert west["code"] == "disabled" and west["revoked_at"] == since and "more than 20 days" in west["message"]
    assert findings["eu-central-1"][0]["revoked_at"] != since  # the other region's own revocation time
