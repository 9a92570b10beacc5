"""Keys that a CloudFormation stack made and still owns (Atlassian's Method 1): adoption asks CloudFormation, the
audit names the stack, and the documented move out of the stack keeps every ARN (moto, patched like AWS:
harness/moto_aws.py)."""

from __future__ import annotations

import json

from conftest import ORG_PATH, kms_in, run_site
from harness.kms_state import alias_target, client, key_policy, key_tags

ACCOUNT = "123456789012"
EUROPE = ["eu-central-1", "eu-west-1"]
STACK = "atlassian-cmk"
ALIAS = "alias/atlassian-cmk-key"
MARKER = "cmkops:atlassian_cmk:alias"


def method_1(retain: bool = False) -> str:
    """A stack shaped like Atlassian's Method 1: the key with its policy, and the alias."""
    policy = {"Version": "2012-10-17", "Statement": [{"Sid": "Enable IAM User Permissions", "Effect": "Allow",
              "Principal": {"AWS": f"arn:aws:iam::{ACCOUNT}:root"}, "Action": "kms:*", "Resource": "*"}]}
    kept = {"DeletionPolicy": "Retain", "UpdateReplacePolicy": "Retain"} if retain else {}
    return json.dumps({"AWSTemplateFormatVersion": "2010-09-09", "Resources": {
        "AtlassianCMK": dict({"Type": "AWS::KMS::Key", "Properties": {
            "Description": "Atlassian CMK", "EnableKeyRotation": True, "KeyPolicy": policy}}, **kept),
        "AtlassianCMKAlias": dict({"Type": "AWS::KMS::Alias", "Properties": {
            "AliasName": ALIAS, "TargetKeyId": {"Ref": "AtlassianCMK"}}}, **kept)}})


def deploy(moto) -> dict:
    """The stack in each region of the realm; the key ID it made in each."""
    made = {}
    for region in EUROPE:
        client(moto.url, region, "cloudformation").create_stack(StackName=STACK, TemplateBody=method_1())
        made[region] = alias_target(kms_in(moto, region))
    return made


def play(moto, tmp_path, *flags, playbook="site.yml", **variables):
    extra = dict({"atlassian_cmk_realm": "europe", "atlassian_cmk_org_paths": [ORG_PATH],
                  "atlassian_cmk_endpoint_url": moto.url, "atlassian_cmk_report_dir": str(tmp_path / "report"),
                  "atlassian_cmk_audit_dir": str(tmp_path / "audit")}, **variables)
    return run_site(extra, *flags, playbook=playbook)


def audited(tmp_path) -> dict:
    """Each region's findings in audit.json: region -> {code: finding}."""
    doc = json.loads((tmp_path / "audit" / "audit.json").read_text())
    return {r["region"]: {f["code"]: f for f in r["findings"]} for a in doc["accounts"] for r in a["regions"]}


def test_a_stack_owned_key_is_refused_then_moved_out_of_the_stack_and_adopted_with_its_arn(moto, tmp_path):
    made = deploy(moto)
    stack_policy = key_policy(kms_in(moto, "eu-west-1"), made["eu-west-1"])

    with moto.recording() as calls:
        refused = play(moto, tmp_path, atlassian_cmk_adopt=True)
    assert refused.returncode == 2, refused.stdout[-3000:]
    assert f"CloudFormation stack {STACK} still owns the key" in refused.stdout
    assert "AtlassianCMK (AWS::KMS::Key), AtlassianCMKAlias (AWS::KMS::Alias)" in refused.stdout
    assert "adopt_from_stack=true" in refused.stdout
    assert calls.writes() == [] and calls.count("DescribeStackResources") == 2  # one per region, by the key's ID
    for region, key_id in made.items():
        kms = kms_in(moto, region)
        assert MARKER not in key_tags(kms, key_id) and key_policy(kms, key_id) == stack_policy

    # The audit names the stack: the key carries CloudFormation's tag, so it asks.
    assert play(moto, tmp_path, playbook="playbooks/audit.yml", atlassian_cmk_audit_fail_on="never").returncode == 0
    for region, found in audited(tmp_path).items():
        assert {"foreign_key", "stack_owned"} <= set(found), found
        assert found["stack_owned"]["severity"] == "warning" and found["stack_owned"]["stack"]["stack_name"] == STACK

    # docs/lifecycle.md, "Moving from Method 1": Retain on the key and the alias, update the stack, delete it.
    for region in EUROPE:
        cloudformation = client(moto.url, region, "cloudformation")
        cloudformation.update_stack(StackName=STACK, TemplateBody=method_1(retain=True))
        cloudformation.delete_stack(StackName=STACK)
        assert not [s for s in cloudformation.list_stacks()["StackSummaries"] if s["StackStatus"] != "DELETE_COMPLETE"]
        kms = kms_in(moto, region)
        assert alias_target(kms) == made[region]
        assert kms.describe_key(KeyId=made[region])["KeyMetadata"]["KeyState"] == "Enabled"
        assert key_tags(kms, made[region])["aws:cloudformation:stack-name"] == STACK  # the tag stays, as on AWS

    adopted = play(moto, tmp_path, atlassian_cmk_adopt=True)
    assert adopted.returncode == 0, adopted.stdout[-3000:]
    report = json.loads((tmp_path / "report" / f"{ACCOUNT}.json").read_text())
    for region, key_id in made.items():
        kms = kms_in(moto, region)
        arn = kms.describe_key(KeyId=key_id)["KeyMetadata"]["Arn"]
        assert report["key_arns"][region] == arn, "the enrolled ARN changed"
        assert alias_target(kms) == key_id and key_tags(kms, key_id)[MARKER] == ALIAS
        assert ORG_PATH in json.dumps(key_policy(kms, key_id))

    with moto.recording() as calls:
        clean = play(moto, tmp_path, playbook="playbooks/audit.yml")
    assert clean.returncode == 0, clean.stdout[-3000:]
    assert audited(tmp_path) == dict.fromkeys(EUROPE, {}), audited(tmp_path)
    assert calls.count("DescribeStackResources") == 2 and calls.writes() == []


def test_adopt_from_stack_adopts_with_a_warning_and_the_audit_keeps_naming_the_stack(moto, tmp_path):
    made = deploy(moto)
    adopted = play(moto, tmp_path, atlassian_cmk_adopt=True, atlassian_cmk_adopt_from_stack=True)
    assert adopted.returncode == 0, adopted.stdout[-3000:]
    assert "[WARNING]" in adopted.stderr and f"CloudFormation stack {STACK} still owns the key" in adopted.stderr
    for region, key_id in made.items():
        kms = kms_in(moto, region)
        assert alias_target(kms) == key_id and key_tags(kms, key_id)[MARKER] == ALIAS
        assert ORG_PATH in json.dumps(key_policy(kms, key_id))

    # The key is this collection's now: a converge takes the normal path and asks CloudFormation nothing.
    with moto.recording() as calls:
        again = play(moto, tmp_path)
    assert again.returncode == 0 and "changed=0" in again.stdout, again.stdout[-3000:]
    assert calls.count("DescribeStackResources") == 0 and calls.writes() == []

    # The audit warns, and a warning does not fail it by default.
    assert play(moto, tmp_path, playbook="playbooks/audit.yml").returncode == 0
    for found in audited(tmp_path).values():
        assert set(found) == {"stack_owned"}, found
        assert STACK in found["stack_owned"]["message"] and "DeletionPolicy is Retain" in found["stack_owned"]["message"]
    assert STACK in (tmp_path / "audit" / "audit.md").read_text()
