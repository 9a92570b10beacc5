"""atlassian_cmk_key_info and the audit playbook, read-only, against drifted keys (moto)."""

from __future__ import annotations

import json
from datetime import datetime, timedelta, timezone

import pytest

from conftest import ORG_PATH, kms_in, run_module, run_site
from harness.kms_state import key_policy
from harness.last_usage import LastUsage
from harness.proxy import FaultProxy

INFO = "cmkops.atlassian_cmk.atlassian_cmk_key_info"
READS = ["DescribeKey", "GetKeyPolicy", "GetKeyRotationStatus", "ListResourceTags", "GetKeyLastUsage"]
TAGS = {"owner": "platform-security"}


def info(moto, **args):
    return run_module(moto, module=INFO, **dict({"org_paths": [ORG_PATH], "tags": TAGS}, **args))


def made(module):
    key = module(org_paths=[ORG_PATH], tags=TAGS)
    assert not key.failed, key
    return key


def codes(result):
    return sorted(f["code"] for f in result["findings"])


def test_a_key_as_made_complies_with_the_five_reads_and_no_write(moto, module):
    key = made(module)
    with moto.recording() as calls:
        got = info(moto)
    assert not got.failed and got["changed"] is False
    assert got["compliant"] is True and got["findings"] == []
    assert got["key"]["key_arn"] == key["key_arn"] and got["key"]["tags"] == key["tags"]
    assert sorted(calls.operations()) == sorted(READS) and calls.writes() == []
    # moto has no GetKeyLastUsage: the last use is unknown, which is no finding
    assert got["last_used"]["known"] is False and "does not answer GetKeyLastUsage" in got["last_used"]["reason"]


def test_a_drifted_key_shows_each_drift_and_is_left_as_it_was(moto, module, kms):
    key = made(module)
    policy = key_policy(kms, key["key_id"])
    policy["Statement"] = policy["Statement"][:-1]
    kms.put_key_policy(KeyId=key["key_id"], PolicyName="default", Policy=json.dumps(policy))
    kms.disable_key_rotation(KeyId=key["key_id"])
    kms.tag_resource(KeyId=key["key_id"], Tags=[{"TagKey": "owner", "TagValue": "someone-else"}])
    kms.disable_key(KeyId=key["key_id"])
    with moto.recording() as calls:
        got = info(moto)
    assert codes(got) == ["atlassian_access", "disabled", "rotation", "tags"], got["findings"]  # a statement gone
    assert got["compliant"] is False and got["changed"] is False
    drift = next(f for f in got["findings"] if f["code"] == "atlassian_access")
    assert drift["diff"]["before"] == policy and len(drift["diff"]["after"]["Statement"]) == len(policy["Statement"]) + 1
    assert len(calls.operations()) == 5 and calls.writes() == []
    assert key_policy(kms, key["key_id"]) == policy  # nothing put back
    assert kms.describe_key(KeyId=key["key_id"])["KeyMetadata"]["KeyState"] == "Disabled"


@pytest.mark.parametrize("args, expected", [
    ({"alias": "no-such-alias"}, ["missing"]),
    ({"account_id": "210987654321"}, ["wrong_account"]),
    ({"org_paths": None}, ["policy_unchecked"]),
    ({"enable_key_rotation": False}, ["rotation"]),  # moto 5.2 keeps no rotation period: unit-tested
    ({"tags": {"owner": "platform-security", "cost-centre": "1"}}, ["tags"]),
])
def test_each_expectation_has_its_finding(moto, module, args, expected):
    made(module)
    with moto.recording() as calls:
        got = info(moto, **args)
    assert codes(got) == expected, got["findings"]
    assert calls.writes() == [] and len(calls.operations()) == (1 if expected == ["missing"] else 5)
    assert (got["key"] is None) is (expected == ["missing"])


def test_last_use_is_read_as_kms_answers_and_an_unknown_one_is_no_finding(moto, module):
    key = made(module)
    yesterday = datetime.now(timezone.utc) - timedelta(days=1)
    with FaultProxy(moto.url, last_usage={key["key_id"]: LastUsage("Decrypt", used_at=yesterday)}) as proxy:
        got = info(moto, endpoint_url=proxy.url)
        assert got["compliant"] is True and got["last_used"]["operation"] == "Decrypt"
        assert got["last_used"]["used_at"] == yesterday.strftime("%Y-%m-%dT%H:%M:%SZ")
        proxy.last_usage = {"*": LastUsage(error="AccessDeniedException")}
        denied = info(moto, endpoint_url=proxy.url)
        skipped = info(moto, endpoint_url=proxy.url, read_last_used=False)
    assert denied["compliant"] is True and denied["findings"] == []
    assert denied["last_used"] == {"known": False, "operation": None, "used_at": None, "tracking_since": None,
                                   "cloudtrail_event_id": None, "reason": "GetKeyLastUsage was denied "
                                   "(AccessDeniedException); allow kms:GetKeyLastUsage to read the key's last use"}
    assert skipped["last_used"] is None and skipped["compliant"] is True
    assert [e.op for e in proxy.events].count("GetKeyLastUsage") == 2  # not with read_last_used=false


def test_pending_deletion(moto, module, kms):
    key = made(module)
    kms.schedule_key_deletion(KeyId=key["key_id"], PendingWindowInDays=7)
    assert codes(info(moto)) == ["pending_deletion"]


def test_a_foreign_key_and_a_wrong_key_spec(moto, kms):
    foreign = kms.create_key(Description="made in the console")["KeyMetadata"]["KeyId"]
    kms.create_alias(AliasName="alias/atlassian-cmk-key", TargetKeyId=foreign)
    assert "foreign_key" in codes(info(moto))
    signing = kms.create_key(KeySpec="RSA_2048", KeyUsage="SIGN_VERIFY",
                             Tags=[{"TagKey": "cmkops:atlassian_cmk:alias", "TagValue": "alias/signing"}])
    kms.create_alias(AliasName="alias/signing", TargetKeyId=signing["KeyMetadata"]["KeyId"])
    assert "key_spec" in codes(info(moto, alias="signing"))


def test_bad_input_names_the_option_and_reads_nothing(moto):
    with moto.recording() as calls:
        got = info(moto, rotation_period_days=5)
    assert got.failed and "rotation_period_days" in got["msg"] and "5" in got["msg"]
    assert calls.operations() == []


def audit(moto, audit_dir, *flags, **variables):
    extra = dict({"atlassian_cmk_realm": "europe", "atlassian_cmk_org_paths": [ORG_PATH],
                  "atlassian_cmk_endpoint_url": moto.url, "atlassian_cmk_audit_dir": str(audit_dir),
                  "atlassian_cmk_report_dir": str(audit_dir / "report")}, **variables)
    return run_site(extra, *flags, playbook="playbooks/audit.yml", env={"ANSIBLE_SHOW_CUSTOM_STATS": "1"})


def test_the_audit_playbook_reports_drift_and_fails(moto, tmp_path, kms):
    site = run_site({"atlassian_cmk_realm": "europe", "atlassian_cmk_org_paths": [ORG_PATH],
                     "atlassian_cmk_endpoint_url": moto.url, "atlassian_cmk_report_dir": str(tmp_path / "report")})
    assert site.returncode == 0, site.stdout[-3000:]
    clean = audit(moto, tmp_path)
    assert clean.returncode == 0, clean.stdout[-3000:]
    assert json.loads((tmp_path / "audit.json").read_text())["compliant"] is True

    key_id = kms.describe_key(KeyId="alias/atlassian-cmk-key")["KeyMetadata"]["KeyId"]  # eu-west-1
    kms.disable_key(KeyId=key_id)
    with moto.recording() as calls:
        drifted = audit(moto, tmp_path)
    assert drifted.returncode == 2, drifted.stdout[-3000:]
    assert calls.writes() == []
    doc = json.loads((tmp_path / "audit.json").read_text())
    (account,) = doc["accounts"]
    assert doc["compliant"] is False and account["account_id"] == "123456789012" and account["compliant"] is False
    by_region = {r["region"]: [f["code"] for f in r["findings"]] for r in account["regions"]}
    assert by_region == {"eu-central-1": [], "eu-west-1": ["disabled"]}
    assert "eu-west-1" in (tmp_path / "audit.md").read_text() and "disabled" in drifted.stdout
    assert "atlassian_cmk_audit_123456789012" in drifted.stdout  # set_stats, shown by show_custom_stats

    report_only = audit(moto, tmp_path, atlassian_cmk_audit_fail_on="never")
    assert report_only.returncode == 0, report_only.stdout[-3000:]
    with moto.recording() as calls:
        removed = audit(moto, tmp_path, atlassian_cmk_audit_fail_on_findings=False)  # 1.1's variable, gone in 3.0.0
    assert removed.returncode == 2 and calls.operations() == [], removed.stdout[-3000:]
    assert "atlassian_cmk_audit_fail_on_findings=False: removed in 3.0.0" in removed.stdout
    assert "atlassian_cmk_audit_fail_on to warning (what true meant) or never" in removed.stdout


def test_the_audit_reports_last_use_and_an_unused_key_as_a_warning(moto, tmp_path, kms):
    site = run_site({"atlassian_cmk_realm": "europe", "atlassian_cmk_org_paths": [ORG_PATH],
                     "atlassian_cmk_endpoint_url": moto.url, "atlassian_cmk_report_dir": str(tmp_path / "report")})
    assert site.returncode == 0, site.stdout[-3000:]
    now = datetime.now(timezone.utc)
    dublin = kms.describe_key(KeyId="alias/atlassian-cmk-key")["KeyMetadata"]["KeyId"]  # eu-west-1
    frankfurt = kms_in(moto, "eu-central-1").describe_key(KeyId="alias/atlassian-cmk-key")["KeyMetadata"]["KeyId"]
    table = {dublin: LastUsage("Decrypt", used_at=now - timedelta(days=30)),
             frankfurt: LastUsage("GenerateDataKey", used_at=now - timedelta(hours=1))}
    with FaultProxy(moto.url, last_usage=table) as proxy:
        warned = audit(moto, tmp_path, atlassian_cmk_endpoint_url=proxy.url)
        assert warned.returncode == 0, warned.stdout[-3000:]  # a warning fails nothing by default
        (account,) = json.loads((tmp_path / "audit.json").read_text())["accounts"]
        regions = {r["region"]: r for r in account["regions"]}
        assert regions["eu-central-1"]["findings"] == []
        assert regions["eu-central-1"]["last_used"]["operation"] == "GenerateDataKey"
        (unused,) = regions["eu-west-1"]["findings"]
        assert unused["code"] == "unused" and unused["severity"] == "warning"
        assert unused["message"].startswith("alias/atlassian-cmk-key in eu-west-1: no cryptographic use for 30 days, "
                                            "since its last use, Decrypt at ")
        assert f"Decrypt at {now - timedelta(days=30):%Y-%m-%dT%H:%M:%SZ}" in (tmp_path / "audit.md").read_text()
        assert audit(moto, tmp_path, atlassian_cmk_endpoint_url=proxy.url,
                     atlassian_cmk_audit_fail_on="warning").returncode == 2
        assert audit(moto, tmp_path, atlassian_cmk_endpoint_url=proxy.url,
                     atlassian_cmk_audit_unused_days=0).returncode == 0
    assert json.loads((tmp_path / "audit.json").read_text())["compliant"] is True  # unused_days 0: no finding


def test_a_policy_opened_to_another_account_is_critical_and_the_converge_says_it_fixed_it(moto, tmp_path, kms):
    variables = {"atlassian_cmk_realm": "europe", "atlassian_cmk_org_paths": [ORG_PATH],
                 "atlassian_cmk_endpoint_url": moto.url, "atlassian_cmk_report_dir": str(tmp_path / "report")}
    assert run_site(variables).returncode == 0
    key_id = kms.describe_key(KeyId="alias/atlassian-cmk-key")["KeyMetadata"]["KeyId"]  # eu-west-1
    policy = key_policy(kms, key_id)
    policy["Statement"].append({"Sid": "Partner", "Effect": "Allow", "Principal": {"AWS": "arn:aws:iam::210987654321:root"},
                                "Action": "kms:Decrypt", "Resource": "*"})
    kms.put_key_policy(KeyId=key_id, PolicyName="default", Policy=json.dumps(policy))

    found = audit(moto, tmp_path, **variables)
    assert found.returncode == 2, found.stdout[-3000:]  # critical fails by default
    (account,) = json.loads((tmp_path / "audit.json").read_text())["accounts"]
    (opened,) = next(r for r in account["regions"] if r["region"] == "eu-west-1")["findings"]
    assert (opened["code"], opened["severity"]) == ("external_access", "critical")
    assert "Partner opens the key to AWS arn:aws:iam::210987654321:root" in opened["message"]

    with moto.recording() as calls:
        converge = run_site(variables)
    assert converge.returncode == 0 and calls.writes() == ["PutKeyPolicy"], converge.stdout[-3000:]
    record = json.loads((tmp_path / "report" / "123456789012.json").read_text())
    assert {k["region"]: k["fixed"] for k in record["keys"]} == {"eu-central-1": [], "eu-west-1": ["external_access"]}
    assert "— put right: external_access" in (tmp_path / "report" / "enrollment.md").read_text()
    assert audit(moto, tmp_path, **variables).returncode == 0


def test_the_audit_and_the_converge_agree_on_kept_tags_and_a_changed_description(moto, tmp_path, kms):
    """With atlassian_cmk_purge_tags false a tag added by hand is no finding and no change; a description changed
    by hand is a finding, and the converge puts it back."""
    variables = {"atlassian_cmk_realm": "europe", "atlassian_cmk_org_paths": [ORG_PATH],
                 "atlassian_cmk_endpoint_url": moto.url, "atlassian_cmk_report_dir": str(tmp_path / "report"),
                 "atlassian_cmk_tags": TAGS, "atlassian_cmk_purge_tags": False}
    assert run_site(variables).returncode == 0
    key_id = kms.describe_key(KeyId="alias/atlassian-cmk-key")["KeyMetadata"]["KeyId"]  # eu-west-1
    kms.tag_resource(KeyId=key_id, Tags=[{"TagKey": "cost-centre", "TagValue": "by-hand"}])
    kms.update_key_description(KeyId=key_id, Description="changed by hand")

    found = audit(moto, tmp_path, atlassian_cmk_audit_fail_on="warning", **variables)
    assert found.returncode == 2, found.stdout[-3000:]
    (account,) = json.loads((tmp_path / "audit.json").read_text())["accounts"]
    by_region = {r["region"]: [f["code"] for f in r["findings"]] for r in account["regions"]}
    assert by_region == {"eu-central-1": [], "eu-west-1": ["description"]}

    with moto.recording() as calls:
        converge = run_site(variables)
    assert converge.returncode == 0, converge.stdout[-3000:]
    assert calls.writes() == ["UpdateKeyDescription"], calls.writes()
    meta = kms.describe_key(KeyId=key_id)["KeyMetadata"]
    tags = {t["TagKey"]: t["TagValue"] for t in kms.list_resource_tags(KeyId=key_id)["Tags"]}
    assert meta["Description"] == "Atlassian Cloud customer-managed key (CMK)" and tags["cost-centre"] == "by-hand"
    assert audit(moto, tmp_path, **variables).returncode == 0
    assert json.loads((tmp_path / "audit.json").read_text())["compliant"] is True
