"""The audit report's pure part: audit.json's document, audit.md and the job output's table."""

from __future__ import annotations

from ansible_collections.cmkops.atlassian_cmk.plugins.plugin_utils.audit_report import Audited
from ansible_collections.cmkops.atlassian_cmk.plugins.plugin_utils.audit_report import document
from ansible_collections.cmkops.atlassian_cmk.plugins.plugin_utils.audit_report import render_markdown
from ansible_collections.cmkops.atlassian_cmk.plugins.plugin_utils.audit_report import render_table

ARN = "arn:aws:kms:eu-west-1:111122223333:key/k"
AUDIT = {"account_id": "111122223333", "realm": "europe", "alias": "alias/a", "compliant": False,
         "regions": [{"region": "eu-west-1", "key_arn": ARN, "key_state": "Disabled",
                      "findings": [{"code": "disabled", "severity": "critical", "message": "alias/a in eu-west-1 is Disabled"}],
                      "last_used": {"known": True, "operation": "Decrypt", "used_at": "2026-12-01T10:00:00Z"}}]}


def test_a_drifted_account_and_a_failed_one():
    doc = document([Audited("prod", "111122223333", "", AUDIT), Audited("dev", None, "denied", None)],
                   "2026-12-02T00:00:00Z", False)
    assert doc["compliant"] is False
    assert [(a["host"], a["status"], a["compliant"]) for a in doc["accounts"]] == [
        ("prod", "audited", False), ("dev", "failed", False)]
    md = render_markdown(doc)
    assert (f"| 111122223333 | eu-west-1 | Disabled | {ARN} | Decrypt at 2026-12-01T10:00:00Z | "
            "disabled (critical): alias/a in eu-west-1 is Disabled |") in md
    assert "| dev | | | | | audit failed: denied |" in md
    table = render_table(doc)
    assert table[0].split() == ["ACCOUNT", "REGION", "STATE", "FINDINGS"]
    assert table[1].split() == ["111122223333", "eu-west-1", "Disabled", "disabled"]
    assert table[2].split()[:3] == ["dev", "-", "failed"]


def test_an_unknown_last_use_says_why_and_a_key_not_read_shows_nothing():
    unknown = {"known": False, "reason": "GetKeyLastUsage was denied (AccessDeniedException)"}
    regions = [dict(AUDIT["regions"][0], last_used=unknown), dict(AUDIT["regions"][0], region="eu-central-1",
                                                                  last_used=None)]
    md = render_markdown(document([Audited("prod", "111122223333", "", dict(AUDIT, regions=regions))], "t", False))
    assert f"| {ARN} | unknown (GetKeyLastUsage was denied (AccessDeniedException)) | disabled (critical):" in md
    assert f"| eu-central-1 | Disabled | {ARN} |  | disabled (critical):" in md


def test_every_key_complies():
    ok = dict(AUDIT, compliant=True, regions=[dict(AUDIT["regions"][0], key_state="Enabled", findings=[])])
    doc = document([Audited("prod", "111122223333", "", ok)], "t", False)
    assert doc["compliant"] is True and "Every key complies." in render_markdown(doc)
