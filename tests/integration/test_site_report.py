"""site.yml for the account of the current credentials: the report is this run's, truthfully (moto)."""

from __future__ import annotations

import json
import re

from harness.kms_state import alias_target, customer_keys, key_policy, key_tags
from conftest import CREDENTIALS, ORG_PATH, kms_in, run_site

ACCOUNT = "123456789012"  # moto's account for any static credentials
ORG_PATH_2 = "o-rab3nm4fez/*/ou-ab12-99999999/*"
EUROPE = ["eu-central-1", "eu-west-1"]


def site(moto, report_dir, *flags, env=None, **variables):
    extra = dict({"atlassian_cmk_realm": "europe", "atlassian_cmk_org_paths": [ORG_PATH],
                  "atlassian_cmk_endpoint_url": moto.url, "atlassian_cmk_report_dir": str(report_dir)}, **variables)
    proc = run_site(extra, *flags, env=env)
    recap = re.search(r"localhost\s+: ok=\d+\s+changed=(\d+)", proc.stdout)
    proc.changed = int(recap.group(1)) if recap else None
    return proc


def record(report_dir, account=ACCOUNT):
    return json.loads((report_dir / f"{account}.json").read_text())


def test_a_stale_account_json_in_the_directory_is_never_reported(moto, tmp_path):
    stale = {"account_id": "999988887777", "host": "localhost", "realm": "europe", "alias": "alias/x",
             "context_tag": None, "key_arns": {}, "keys": [], "complete": True, "written_at": "2026-01-01T00:00:00Z",
             "check_mode": False}
    (tmp_path / "999988887777.json").write_text(json.dumps(stale))
    proc = site(moto, tmp_path)
    assert proc.returncode == 0, proc.stdout[-3000:]
    md = (tmp_path / "enrollment.md").read_text()
    assert f"## AWS account {ACCOUNT}" in md and "999988887777" not in md
    assert record(tmp_path)["complete"] is True and record(tmp_path)["check_mode"] is False
    assert re.fullmatch(r"\d{4}-\d\d-\d\dT\d\d:\d\d:\d\dZ", record(tmp_path)["written_at"])


def test_a_region_subset_writes_one_region_and_still_reports_the_other(moto, tmp_path):
    with moto.recording() as calls:
        proc = site(moto, tmp_path, "-e", "atlassian_cmk_regions=eu-west-1")  # key=value: one string
    assert proc.returncode == 0, proc.stdout[-3000:]
    assert customer_keys(kms_in(moto, "eu-central-1")) == [], "a region outside the subset was written"
    assert len(customer_keys(kms_in(moto, "eu-west-1"))) == 1
    assert calls.writes().count("CreateKey") == 1
    rec = record(tmp_path)
    assert rec["complete"] is False
    assert [(k["region"], k["key_state"], k["managed"]) for k in rec["keys"]] == [
        ("eu-central-1", None, False), ("eu-west-1", "Enabled", True)]
    assert rec["key_arns"]["eu-central-1"] is None and rec["key_arns"]["eu-west-1"].startswith("arn:aws:kms:eu-west-1")
    assert "Incomplete" in (tmp_path / "enrollment.md").read_text()
    # The whole realm afterwards: the read-only region is created, the other unchanged, and complete.
    proc = site(moto, tmp_path)
    assert proc.returncode == 0 and record(tmp_path)["complete"] is True
    assert record(tmp_path)["key_arns"]["eu-west-1"] == rec["key_arns"]["eu-west-1"]


def test_check_mode_and_re_runs_in_a_fresh_directory_report_no_change(moto, tmp_path):
    assert site(moto, tmp_path / "first").returncode == 0
    check = site(moto, tmp_path / "check", "--check")
    assert check.returncode == 0 and check.changed == 0, check.stdout[-3000:]
    assert record(tmp_path / "check")["check_mode"] is True
    again = site(moto, tmp_path / "again")
    assert again.returncode == 0 and again.changed == 0, again.stdout[-3000:]
    # The ARNs are in the job output, as a table.
    for region in EUROPE:
        arn = record(tmp_path / "again")["key_arns"][region]
        assert re.search(rf"{ACCOUNT}\s+{region}\s+Enabled\s+{re.escape(arn)}", again.stdout), again.stdout[-2000:]


def test_a_hand_made_key_is_refused_then_adopted_with_one_variable(moto, tmp_path):
    """As Atlassian's CloudFormation stack (Method 1) or the console (Method 2) leave it: key + alias, no marker."""
    made = {}
    for region in EUROPE:
        client = kms_in(moto, region)
        key = client.create_key(Description="Atlassian CMK", KeyUsage="ENCRYPT_DECRYPT")["KeyMetadata"]
        client.create_alias(AliasName="alias/atlassian-cmk-key", TargetKeyId=key["KeyId"])
        client.tag_resource(KeyId=key["KeyId"], Tags=[{"TagKey": "CostCenter", "TagValue": "42"}])
        made[region] = key
    refused = site(moto, tmp_path)
    assert refused.returncode == 2 and "atlassian_cmk_adopt" in refused.stdout, refused.stdout[-3000:]
    assert "Failed in this run" in (tmp_path / "enrollment.md").read_text()
    adopted = site(moto, tmp_path, atlassian_cmk_adopt=True)
    assert adopted.returncode == 0, adopted.stdout[-3000:]
    for region, key in made.items():
        client = kms_in(moto, region)
        assert alias_target(client) == key["KeyId"], "the enrolled key was replaced"
        assert record(tmp_path)["key_arns"][region] == key["Arn"]
        tags = key_tags(client, key["KeyId"])
        assert tags["cmkops:atlassian_cmk:alias"] == "alias/atlassian-cmk-key"
        assert tags["CostCenter"] == "42", "tags were purged though atlassian_cmk_tags is unset"
        assert ORG_PATH in json.dumps(key_policy(client, key["KeyId"]))
    assert len(customer_keys(kms_in(moto, "eu-west-1"))) == 1


def test_tags_are_purged_only_when_tags_are_given(moto, tmp_path):
    assert site(moto, tmp_path).returncode == 0
    client = kms_in(moto, "eu-west-1")
    key_id = alias_target(client)
    client.tag_resource(KeyId=key_id, Tags=[{"TagKey": "CostCenter", "TagValue": "42"}])
    unset = site(moto, tmp_path)
    assert unset.returncode == 0 and unset.changed == 0
    assert key_tags(client, key_id)["CostCenter"] == "42"
    given = site(moto, tmp_path, atlassian_cmk_tags={"owner": "platform"})
    assert given.returncode == 0 and given.changed == 1
    tags = key_tags(client, key_id)
    assert "CostCenter" not in tags and tags["owner"] == "platform"


def test_org_paths_as_one_comma_separated_string_with_spaces(moto, tmp_path):
    proc = site(moto, tmp_path, atlassian_cmk_org_paths=f"{ORG_PATH}, {ORG_PATH_2}\n")
    assert proc.returncode == 0, proc.stdout[-3000:]
    policy = json.dumps(key_policy(kms_in(moto, "eu-west-1"), alias_target(kms_in(moto, "eu-west-1"))))
    assert ORG_PATH in policy and ORG_PATH_2 in policy


def test_an_account_id_yaml_read_as_octal_is_refused_before_any_call(moto, tmp_path):
    variables = tmp_path / "vars.yml"
    variables.write_text("atlassian_cmk_account_id: 012345670123\n")  # unquoted: YAML 1.1 octal
    with moto.recording() as calls:
        proc = site(moto, tmp_path / "report", "-e", f"@{variables}")
    assert proc.returncode == 2
    assert "atlassian_cmk_account_id=1402433619" in proc.stdout and "quote it" in proc.stdout
    assert calls.operations() == []
    md = (tmp_path / "report" / "enrollment.md").read_text()
    assert "- localhost: Check the role variables: atlassian_cmk_account_id=1402433619" in md
    assert "AWS account `" not in md, "an invalid account ID was reported"


def test_missing_credentials_say_where_credentials_come_from(moto, tmp_path):
    env = {name: "" for name in CREDENTIALS}
    env.update(AWS_CONFIG_FILE="/dev/null", AWS_SHARED_CREDENTIALS_FILE="/dev/null", AWS_EC2_METADATA_DISABLED="true")
    proc = site(moto, tmp_path, env=env)
    assert proc.returncode == 2
    assert "no AWS credentials were found" in proc.stdout and "AWS_PROFILE" in proc.stdout, proc.stdout[-3000:]


def test_the_profile_variable_picks_the_credentials(moto, tmp_path):
    credentials = tmp_path / "credentials"
    credentials.write_text("[cmk]\naws_access_key_id = testing\naws_secret_access_key = testing\n")
    env = {name: "" for name in CREDENTIALS}
    env.update(AWS_CONFIG_FILE="/dev/null", AWS_SHARED_CREDENTIALS_FILE=str(credentials),
               AWS_EC2_METADATA_DISABLED="true")
    without = site(moto, tmp_path / "without", env=env)
    assert without.returncode == 2 and "no AWS credentials were found" in without.stdout
    proc = site(moto, tmp_path / "with", env=env, atlassian_cmk_profile="cmk")
    assert proc.returncode == 0, proc.stdout[-3000:]
    assert record(tmp_path / "with")["complete"] is True
