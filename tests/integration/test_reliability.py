"""Deaths and lost answers aimed where they hurt: a hold rule stops a call, SIGKILL ends the run there."""

from __future__ import annotations

import subprocess

from harness.kms_state import alias_target, customer_keys, key_tags
from conftest import ORG_PATH, ROOT, ansible_env, kms_in, module_command
from conftest import run_module

from harness.proxy import FaultProxy, Rule
from harness.process_tree import kill_tree

MARKER = "cmkops:atlassian_cmk:alias"
SUPERSEDED = "cmkops:atlassian_cmk:superseded-by"
REGION = "eu-west-1"


def live_unaliased_marked(kms):
    aliased = alias_target(kms)
    return [k for k in customer_keys(kms) if k["KeyState"] != "PendingDeletion" and k["KeyId"] != aliased
            and MARKER in key_tags(kms, k["KeyId"])]


def test_two_runs_killed_right_after_create_key_leave_one_live_key(moto):
    kms = kms_in(moto, REGION)
    # Both runs look for an earlier run's key before either has made one, so both make a key.
    rules = [Rule("hold", ops={"GetResources"}, max_count=2), Rule("hold", ops={"CreateAlias"}, max_count=2)]
    with FaultProxy(moto.url, rules) as proxy:
        runs = [subprocess.Popen(module_command(proxy.url, org_paths=[ORG_PATH]), env=ansible_env(), cwd=ROOT,
                                 stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL) for _run in range(2)]
        try:
            proxy.wait_held(2, timeout=120)  # both at the orphan lookup
            proxy.release(forward=True)
            proxy.wait_held(2, timeout=120)  # both made their key and wait on CreateAlias
            for run in runs:
                assert len(kill_tree(run.pid)) > 1, "the module's process was not among the killed"
        finally:
            for run in runs:
                run.kill()
                run.wait(30)
            proxy.release(forward=False)  # the killed runs' CreateAlias never reaches AWS
    assert alias_target(kms) is None and len(live_unaliased_marked(kms)) == 2, "the crash was not where aimed"
    result = run_module(moto, org_paths=[ORG_PATH])
    assert not result.failed, result.get("msg")
    keys = customer_keys(kms)
    assert len(keys) == 2, "a third key was made"
    oldest = min(keys, key=lambda k: (str(k["CreationDate"]), k["KeyId"]))
    assert alias_target(kms) == oldest["KeyId"] == result["key_id"]
    twin = next(k for k in keys if k["KeyId"] != oldest["KeyId"])
    assert kms.describe_key(KeyId=twin["KeyId"])["KeyMetadata"]["KeyState"] == "PendingDeletion"
    assert key_tags(kms, twin["KeyId"])[SUPERSEDED] == oldest["Arn"]
    assert live_unaliased_marked(kms) == []
    assert run_module(moto, org_paths=[ORG_PATH])["changed"] is False


def lost_then_refused(operation):
    """The call's answer is lost; its retry is refused as AWS refuses a repeat."""
    return [Rule("drop_response", ops={operation}, calls=[1]),
            Rule("refuse", ops={operation}, calls=[2], status=400, code="KMSInvalidStateException",
                 message="arn is pending deletion")]


def test_a_lost_answer_to_schedule_key_deletion_is_not_a_failure(moto):
    kms = kms_in(moto, REGION)
    key_id = run_module(moto, org_paths=[ORG_PATH])["key_id"]
    with FaultProxy(moto.url, lost_then_refused("ScheduleKeyDeletion")) as proxy:
        result = run_module(moto, endpoint_url=proxy.url, state="absent", pending_window_days=7)
        actions = [e.action for e in proxy.events if e.operation == "ScheduleKeyDeletion"]
    assert actions == ["drop_response", "refuse"], actions
    assert not result.failed and result["changed"] and result["key_state"] == "PendingDeletion", result.get("msg")
    assert kms.describe_key(KeyId=key_id)["KeyMetadata"]["KeyState"] == "PendingDeletion"


def test_a_lost_answer_to_cancel_key_deletion_is_not_a_failure(moto):
    kms = kms_in(moto, REGION)
    key_id = run_module(moto, org_paths=[ORG_PATH])["key_id"]
    kms.schedule_key_deletion(KeyId=key_id, PendingWindowInDays=7)
    with FaultProxy(moto.url, lost_then_refused("CancelKeyDeletion")) as proxy:
        result = run_module(moto, endpoint_url=proxy.url, org_paths=[ORG_PATH], cancel_pending_deletion=True)
        actions = [e.action for e in proxy.events if e.operation == "CancelKeyDeletion"]
    assert actions == ["drop_response", "refuse"], actions
    assert not result.failed and result["key_state"] == "Disabled", result.get("msg")
    assert kms.describe_key(KeyId=key_id)["KeyMetadata"]["KeyState"] == "Disabled"


def test_a_real_refusal_still_fails(moto):
    run_module(moto, org_paths=[ORG_PATH])
    refuse = Rule("refuse", ops={"ScheduleKeyDeletion"}, status=400, code="KMSInvalidStateException", max_count=5)
    with FaultProxy(moto.url, [refuse]) as proxy:
        result = run_module(moto, endpoint_url=proxy.url, state="absent")
    assert result.failed and "KMSInvalidStateException" in str(result)


def test_tags_beyond_aws_limit_with_the_keys_own_are_refused_before_any_write(moto):
    kms = kms_in(moto, REGION)
    key_id = run_module(moto, org_paths=[ORG_PATH], tags={f"t{i}": "x" for i in range(40)})["key_id"]
    with moto.recording() as calls:
        result = run_module(moto, org_paths=[ORG_PATH], purge_tags=False, tags={f"n{i}": "x" for i in range(15)})
    assert result.failed and "tags" in result["msg"] and "50" in result["msg"], result.get("msg")
    assert calls.writes() == []
    assert len(key_tags(kms, key_id)) == 42
