"""Section 1: AWS API calls per run, counted with moto's recorder, ours vs amazon.aws.kms_key.

For each module: a create, a no-change run, and a run that fixes policy drift (the policy changed
behind the module's back). Between the modules the first one's key loses its alias and is scheduled
for deletion, so the second one creates its own (the 500 keys are seeded once). Once in an empty account (moto's 14 ``alias/aws/*``
aliases only), once in an account holding 500 other keys with aliases, on a moto server whose
ListAliases pages at 50 like AWS (benchmarks/moto_paged.py).
"""

from __future__ import annotations

import json
import os
from collections import Counter
from concurrent.futures import ThreadPoolExecutor
from typing import Dict, List

import boto3

import modules
from servers import BenchMotoServer

REGION = "eu-central-1"
SCENARIOS = ("create", "no-change", "policy drift")


def kms_client(url: str):
    return boto3.client("kms", region_name=REGION, endpoint_url=url,
                        aws_access_key_id="testing", aws_secret_access_key="testing")


def seed_other_keys(url: str, count: int) -> None:
    """``count`` keys, each with its own alias (alias/other-NNNN), straight on moto."""
    def make(chunk: List[int]) -> None:
        kms = kms_client(url)
        for i in chunk:
            key = kms.create_key(Description=f"other key {i}")["KeyMetadata"]["KeyId"]
            kms.create_alias(AliasName=f"alias/other-{i:04d}", TargetKeyId=key)

    with ThreadPoolExecutor(4) as pool:
        list(pool.map(make, [list(range(count))[i::4] for i in range(4)]))


def retire_key(url: str) -> None:
    """Take the previous module's key out of the way without reseeding the account: delete its alias
    and schedule its deletion (it stays, pending deletion and without an alias, like any dead key)."""
    kms = kms_client(url)
    key_id = kms.describe_key(KeyId="alias/" + modules.ALIAS)["KeyMetadata"]["KeyId"]
    kms.delete_alias(AliasName="alias/" + modules.ALIAS)
    kms.schedule_key_deletion(KeyId=key_id, PendingWindowInDays=7)


def drift_policy(url: str) -> None:
    """Change the key's policy out of band: drop its last statement."""
    kms = kms_client(url)
    key_id = kms.describe_key(KeyId="alias/" + modules.ALIAS)["KeyMetadata"]["KeyId"]
    policy = json.loads(kms.get_key_policy(KeyId=key_id, PolicyName="default")["Policy"])
    policy["Statement"] = policy["Statement"][:-1]
    kms.put_key_policy(KeyId=key_id, PolicyName="default", Policy=json.dumps(policy))


def key_state(url: str) -> Dict:
    """What a run left behind, comparable across the modules (the collection's marker tags left out)."""
    kms = kms_client(url)
    meta = kms.describe_key(KeyId="alias/" + modules.ALIAS)["KeyMetadata"]
    policy = json.loads(kms.get_key_policy(KeyId=meta["KeyId"], PolicyName="default")["Policy"])
    tags = {t["TagKey"]: t["TagValue"] for t in kms.list_resource_tags(KeyId=meta["KeyId"])["Tags"]
            if not t["TagKey"].startswith("cmkops:")}
    return {
        "description": meta.get("Description"),
        "enabled": meta.get("Enabled"),
        "policy": policy,
        "tags": tags,
        "rotation": kms.get_key_rotation_status(KeyId=meta["KeyId"])["KeyRotationEnabled"],
    }


def run_module(server: BenchMotoServer, module: str, workdir: str) -> Dict:
    args = modules.module_args(module, REGION, server.url)
    with server.recording() as rec:
        result = modules.adhoc(module, args, workdir)
    return {"changed": bool(result.get("changed")), "ops": rec.operations(), "writes": rec.writes()}


def measure_account(other_keys: int, workdir: str, log) -> Dict[str, Dict]:
    """{module: {scenario: {changed, ops, writes}, "_state": key_state}}."""
    results: Dict[str, Dict] = {}
    with BenchMotoServer(paged=other_keys > 0) as server:
        if other_keys:
            seed_other_keys(server.url, other_keys)
        for module in (modules.OURS, modules.KMS_KEY):
            if module != modules.OURS:
                retire_key(server.url)
            res: Dict = {}
            res["create"] = run_module(server, module, workdir)
            res["_state"] = key_state(server.url)
            res["no-change"] = run_module(server, module, workdir)
            drift_policy(server.url)
            res["policy drift"] = run_module(server, module, workdir)
            res["_state_after_drift"] = key_state(server.url)
            results[module] = res
            log(f"  calls, {other_keys} other keys, {modules.NAMES[module]}: "
                + ", ".join(f"{s} {len(res[s]['ops'])}" for s in SCENARIOS))
    return results


def run(workdir: str, log, other_keys: int = 500) -> Dict:
    os.makedirs(workdir, exist_ok=True)
    accounts = {"empty account": measure_account(0, workdir, log),
                f"account with {other_keys} other keys": measure_account(other_keys, workdir, log)}
    checks = []
    for name, res in accounts.items():
        ours, theirs = res[modules.OURS], res[modules.KMS_KEY]
        checks.append((f"{name}: same key after create (alias, policy, tags, description, rotation)",
                       ours["_state"] == theirs["_state"]))
        checks.append((f"{name}: same key after fixing drift", ours["_state_after_drift"] == theirs["_state_after_drift"]))
        for module, r in res.items():
            expected = {"create": True, "no-change": False, "policy drift": True}
            checks.append((f"{name}: {modules.NAMES[module]} reported changed as expected "
                           "(create yes, no-change no, drift yes)",
                           all(r[s]["changed"] == expected[s] for s in SCENARIOS)))
    return {"accounts": accounts, "checks": checks}


def breakdown(ops: List[str]) -> str:
    counts = Counter(ops)
    return ", ".join(f"{op}" + (f" ×{n}" if n > 1 else "") for op, n in counts.items())
