"""docs/guard/plumbing.yml against moto: check mode makes nothing; one pass makes the queue with its policy and the
rule with its pattern and target; a second pass changes nothing. moto's KMS calls raise no CloudTrail events, so an
event of CloudTrail's shape is put on the bus by hand (moto accepts the aws.kms source; AWS would refuse it)."""

from __future__ import annotations

import json
import re

import yaml

from harness.kms_state import client
from conftest import REGION, ROOT, run_site

ACCOUNT = "123456789012"  # moto's account
NAME = "atlassian-cmk-guard"
QUEUE_ARN = f"arn:aws:sqs:{REGION}:{ACCOUNT}:{NAME}"
RULE_ARN = f"arn:aws:events:{REGION}:{ACCOUNT}:rule/{NAME}"
EVENT_NAMES = ["DisableKey", "ScheduleKeyDeletion", "PutKeyPolicy", "DeleteAlias", "UpdateAlias",
               "DisableKeyRotation", "CreateGrant"]


def plumbing(moto, *flags, **variables):
    extra = dict({"cmk_guard_region": REGION, "cmk_guard_endpoint_url": moto.url}, **variables)
    return run_site(extra, *flags, playbook="docs/guard/plumbing.yml")


def changed(proc) -> int:
    assert proc.returncode == 0, proc.stdout[-3000:] + proc.stderr[-2000:]
    return int(re.search(r"localhost\s+: ok=\d+\s+changed=(\d+)", proc.stdout).group(1))


def aws(moto, service: str):
    return client(moto.url, REGION, service)


def cloudtrail_event(event_name: str, source: str = "kms.amazonaws.com") -> dict:
    detail = {"eventSource": source, "eventName": event_name, "awsRegion": REGION,
              "requestParameters": {"keyId": "1234abcd-12ab-34cd-56ef-1234567890ab"}}
    return {"Source": "aws." + source.split(".")[0], "DetailType": "AWS API Call via CloudTrail",
            "Detail": json.dumps(detail)}


def test_one_pass_makes_the_queue_and_the_rule_and_a_second_changes_nothing(moto):
    sqs, events = aws(moto, "sqs"), aws(moto, "events")
    assert changed(plumbing(moto, "--check")) == 1  # the queue; cloudwatchevent_rule has no check mode: skipped
    assert "QueueUrls" not in sqs.list_queues() and events.list_rules()["Rules"] == []

    assert changed(plumbing(moto)) == 2

    url = sqs.get_queue_url(QueueName=NAME)["QueueUrl"]
    attributes = sqs.get_queue_attributes(QueueUrl=url, AttributeNames=["All"])["Attributes"]
    assert attributes["QueueArn"] == QUEUE_ARN and attributes["MessageRetentionPeriod"] == "345600"
    (statement,) = json.loads(attributes["Policy"])["Statement"]
    assert statement["Effect"] == "Allow" and statement["Principal"] == {"Service": "events.amazonaws.com"}
    assert statement["Action"] in ("sqs:SendMessage", ["sqs:SendMessage"]) and statement["Resource"] == QUEUE_ARN
    assert statement["Condition"] == {"ArnEquals": {"aws:SourceArn": RULE_ARN}}

    rule = events.describe_rule(Name=NAME)
    assert (rule["Arn"], rule["State"], rule["EventBusName"]) == (RULE_ARN, "ENABLED", "default")
    pattern = json.loads(rule["EventPattern"])
    assert pattern == {"source": ["aws.kms"], "detail-type": ["AWS API Call via CloudTrail"],
                       "detail": {"eventSource": ["kms.amazonaws.com"], "eventName": pattern["detail"]["eventName"]}}
    assert sorted(pattern["detail"]["eventName"]) == sorted(EVENT_NAMES)
    assert [target["Arn"] for target in events.list_targets_by_rule(Rule=NAME)["Targets"]] == [QUEUE_ARN]

    # moto matches the pattern and delivers to the target (it does not enforce the queue's policy).
    entries = [cloudtrail_event(name) for name in EVENT_NAMES + ["Decrypt"]]
    entries.append(cloudtrail_event("DeleteUser", "iam.amazonaws.com"))
    assert events.put_events(Entries=entries)["FailedEntryCount"] == 0
    received = []
    while batch := sqs.receive_message(QueueUrl=url, MaxNumberOfMessages=10).get("Messages"):
        received += [json.loads(message["Body"])["detail"]["eventName"] for message in batch]
    assert sorted(received) == sorted(EVENT_NAMES)

    assert changed(plumbing(moto)) == 0


def test_without_the_region_it_stops_before_any_call(moto):
    proc = plumbing(moto, cmk_guard_region="")
    assert proc.returncode != 0 and "Set cmk_guard_region to the region of the keys" in proc.stdout, proc.stdout
    assert "QueueUrls" not in aws(moto, "sqs").list_queues()


def test_the_reader_policy_reads_only_the_queue_the_playbook_makes():
    (play,) = yaml.safe_load((ROOT / "docs" / "guard" / "plumbing.yml").read_text())
    (statement,) = json.loads((ROOT / "docs" / "iam" / "guard-reader-policy.json").read_text())["Statement"]
    assert statement["Effect"] == "Allow"
    assert sorted(statement["Action"]) == ["sqs:DeleteMessage", "sqs:GetQueueUrl", "sqs:ReceiveMessage"]
    assert statement["Resource"] == f"arn:aws:sqs:*:${{aws:PrincipalAccount}}:{play['vars']['cmk_guard_queue_name']}"
