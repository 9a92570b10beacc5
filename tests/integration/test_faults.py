"""Throttling, 5xx answers, lost responses, interrupted and concurrent creations (through a fault proxy)."""

from __future__ import annotations

import concurrent.futures

import pytest

from harness.kms_state import alias_target, customer_keys, key_tags
from conftest import ORG_PATH, kms_in, run_module

from harness.proxy import FaultProxy, Rule

MARKER = "cmkops:atlassian_cmk:alias"
EUROPE = ("eu-central-1", "eu-west-1")


@pytest.fixture
def proxy(moto):
    with FaultProxy(moto.url, [], seed=20261128) as p:
        yield p


def marked_live_keys(kms):
    """Keys carrying the alias's marker that are not pending deletion."""
    return [k for k in customer_keys(kms)
            if k["KeyState"] != "PendingDeletion" and MARKER in key_tags(kms, k["KeyId"])]


def test_realm_converges_with_30_percent_of_calls_failing(moto, proxy):
    proxy.set_rules([Rule("throttle", probability=0.15, max_count=1000),
                     Rule("error500", probability=0.18, max_count=1000)])
    for region in EUROPE:
        result = run_module(moto, region=region, endpoint_url=proxy.url, org_paths=[ORG_PATH])
        assert not result.get("failed"), result.get("msg")
    faults = [e for e in proxy.events if e.action in ("throttle", "error500")]
    assert len(faults) >= 3, "the fault rate was not applied"
    for region in EUROPE:
        kms = kms_in(moto, region)
        keys = customer_keys(kms)
        assert len(keys) == 1 and alias_target(kms) == keys[0]["KeyId"]
    for region in EUROPE:
        again = run_module(moto, region=region, endpoint_url=proxy.url, org_paths=[ORG_PATH])
        assert again["changed"] is False, again.get("msg")


def test_lost_create_key_response_makes_no_second_key(moto, proxy, kms):
    proxy.set_rules([Rule("drop_response", ops={"CreateKey"}, calls=[1])])
    result = run_module(moto, endpoint_url=proxy.url, org_paths=[ORG_PATH])
    assert not result.get("failed"), result.get("msg")
    assert [e.action for e in proxy.events if e.operation == "CreateKey"] == ["drop_response"]
    live = marked_live_keys(kms)
    assert [k["KeyId"] for k in live] == [result["key_id"]]
    assert alias_target(kms) == result["key_id"]
    assert [k["KeyId"] for k in customer_keys(kms)] == [result["key_id"]]
    proxy.set_rules([])
    assert run_module(moto, endpoint_url=proxy.url, org_paths=[ORG_PATH])["changed"] is False


def test_run_dying_before_create_alias_is_finished_by_the_next(moto, proxy, kms):
    proxy.set_rules([Rule("refuse", ops={"CreateAlias"}, calls=[1], status=400, code="AccessDeniedException")])
    died = run_module(moto, endpoint_url=proxy.url, org_paths=[ORG_PATH])
    assert died.get("failed") and "AccessDeniedException" in died["msg"] and "CreateAlias" in died["msg"]
    orphan = customer_keys(kms)
    assert len(orphan) == 1 and alias_target(kms) is None

    proxy.set_rules([])
    finished = run_module(moto, endpoint_url=proxy.url, org_paths=[ORG_PATH])
    assert finished["changed"] is True and finished["key_id"] == orphan[0]["KeyId"]
    assert [k["KeyId"] for k in customer_keys(kms)] == [orphan[0]["KeyId"]]
    assert alias_target(kms) == orphan[0]["KeyId"]


def test_not_found_just_after_creation_is_retried(moto, proxy, kms):
    proxy.set_rules([Rule("refuse", ops={"CreateAlias"}, calls=[1], status=400, code="NotFoundException"),
                     Rule("refuse", ops={"EnableKeyRotation"}, calls=[1], status=400,
                          code="KMSInvalidStateException")])
    result = run_module(moto, endpoint_url=proxy.url, org_paths=[ORG_PATH])
    assert not result.get("failed"), result.get("msg")
    ops = [(e.operation, e.action) for e in proxy.events if e.operation in ("CreateAlias", "EnableKeyRotation")]
    assert ops == [("CreateAlias", "refuse"), ("CreateAlias", "forwarded"),
                   ("EnableKeyRotation", "refuse"), ("EnableKeyRotation", "forwarded")]
    assert len(customer_keys(kms)) == 1
    assert kms.get_key_rotation_status(KeyId=result["key_id"])["KeyRotationEnabled"] is True


def test_four_concurrent_converges_end_with_one_key(moto, proxy, kms):
    # Holding CreateKey open makes every run see "no key yet" before any alias exists: a real race.
    proxy.set_rules([Rule("delay", ops={"CreateKey"}, seconds=4, max_count=4)])
    with concurrent.futures.ThreadPoolExecutor(4) as pool:
        runs = [pool.submit(run_module, moto, endpoint_url=proxy.url, org_paths=[ORG_PATH]) for _run in range(4)]
        results = [r.result() for r in runs]
    assert all(not r.get("failed") for r in results), [r.get("msg") for r in results]
    created = [e for e in proxy.events if e.operation == "CreateKey"]
    assert len(created) >= 2, "the runs did not overlap; the race was not exercised"
    arns = {r["key_arn"] for r in results}
    assert len(arns) == 1
    winner = alias_target(kms)
    assert [k["KeyId"] for k in marked_live_keys(kms)] == [winner]
    assert kms.describe_key(KeyId=winner)["KeyMetadata"]["KeyState"] == "Enabled"
    losers = [k for k in customer_keys(kms) if k["KeyId"] != winner]
    assert len(losers) == len(created) - 1
    for loser in losers:
        assert loser["KeyState"] == "PendingDeletion"
        assert (loser["DeletionDate"] - loser["CreationDate"]).days in (6, 7)
        assert key_tags(kms, loser["KeyId"])["cmkops:atlassian_cmk:superseded-by"].endswith(winner)
