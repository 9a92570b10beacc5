"""AWS API calls per run, counted by moto's recorder, ours vs amazon.aws.kms_key.

For each module: a create, a no-change run, and a run that fixes policy drift (the key's last policy
statement dropped out of band). Between the modules the first one's key loses its alias and is
scheduled for deletion, so that the second one creates its own. Once in an empty account, once in an
account with ``other_keys`` aliased keys on a moto whose ListAliases pages at 50 like AWS.
"""

from __future__ import annotations

import json
from collections import Counter
from typing import Dict, List

from common import ALIAS, KMS_KEY, OURS, REGIONS, MotoServer, adhoc, client, module_args
from harness.kms_state import key_policy, live_keys, read_key

REGION = REGIONS[0]
RUNS = {"create": True, "no-change": False, "policy drift": True}  # run: whether it must change


def drift_policy(kms) -> None:
    key_id = kms.describe_key(KeyId="alias/" + ALIAS)["KeyMetadata"]["KeyId"]
    policy = key_policy(kms, key_id)
    policy["Statement"] = policy["Statement"][:-1]
    kms.put_key_policy(KeyId=key_id, PolicyName="default", Policy=json.dumps(policy))


def comparable(kms) -> Dict:
    """What a run left, comparable across the modules (the collection's marker tags left out)."""
    key = read_key(kms, ALIAS)
    key["tags"] = {k: v for k, v in key["tags"].items() if not k.startswith("cmkops:")}
    return {k: key[k] for k in ("enabled", "policy", "tags", "rotation_enabled")}


def measure(other_keys: int, workdir: str) -> Dict:
    result: Dict = {}
    with MotoServer(paged=other_keys > 0) as moto:
        kms = client(moto.url, REGION)
        for i in range(other_keys):
            kms.create_alias(AliasName=f"alias/other-{i:04d}", TargetKeyId=kms.create_key()["KeyMetadata"]["KeyId"])
        for module in (OURS, KMS_KEY):
            if module == KMS_KEY:  # ours' key out of the way, as a dead key
                key_id = kms.describe_key(KeyId="alias/" + ALIAS)["KeyMetadata"]["KeyId"]
                kms.delete_alias(AliasName="alias/" + ALIAS)
                kms.schedule_key_deletion(KeyId=key_id, PendingWindowInDays=7)
            runs = {}
            for run in RUNS:
                if run == "policy drift":
                    drift_policy(kms)
                with moto.recording() as rec:
                    changed = bool(adhoc(module, module_args(module, REGION, moto.url), workdir).get("changed"))
                runs[run] = {"changed": changed, "ops": rec.operations()}
            result[module] = {"runs": runs, "key": comparable(kms), "live_keys": live_keys(kms) - other_keys}
    return result


def run(workdir: str, other_keys: int) -> Dict:
    accounts = {"empty account": measure(0, workdir), f"account with {other_keys} other keys": measure(other_keys, workdir)}
    checks = []
    for name, res in accounts.items():
        checks.append((f"{name}: both modules left the same key", res[OURS]["key"] == res[KMS_KEY]["key"]))
        for module, got in res.items():
            checks.append((f"{name}: {module} changed on create and drift only",
                           all(got["runs"][r]["changed"] == want for r, want in RUNS.items())))
            checks.append((f"{name}: {module} made one key", got["live_keys"] == 1))
    return {"accounts": accounts, "checks": checks}


def breakdown(ops: List[str]) -> str:
    return ", ".join(op + (f" ×{n}" if n > 1 else "") for op, n in Counter(ops).items())
