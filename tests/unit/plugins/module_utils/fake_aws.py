"""In-memory KMS, tagging and STS clients for the creation saga's unit tests: just the calls it makes."""

from __future__ import annotations

import itertools
import json
from typing import Callable, Dict, List, Optional

from botocore.exceptions import ClientError

ACCOUNT = "111122223333"
REGION = "eu-west-1"


def error(code: str, status: int = 400, operation: str = "Call") -> ClientError:
    return ClientError({"Error": {"Code": code, "Message": code},
                        "ResponseMetadata": {"HTTPStatusCode": status}}, operation)


class FakeAWS:
    """One account and region. ``before[operation]`` runs before a call (to race it or fail it);
    ``lose_answer`` names operations whose next call happens and then fails with a 500."""

    def __init__(self) -> None:
        self.keys: Dict[str, dict] = {}
        self.aliases: Dict[str, str] = {}
        self.calls: List[str] = []
        self.before: Dict[str, Callable[[], None]] = {}
        self.lose_answer: List[str] = []
        self.hidden_lookups = 0  # the tagging API's eventual consistency: this many lookups see nothing
        self._ids = (f"{i:08d}-0000-0000-0000-000000000000" for i in itertools.count(1))

    # ---- plumbing
    def _call(self, operation: str) -> None:
        self.calls.append(operation)
        hook = self.before.pop(operation, None)
        if hook:
            hook()

    def _answer(self, operation: str, value):
        if operation in self.lose_answer:
            self.lose_answer.remove(operation)
            raise error("InternalFailure", 500, operation)
        return value

    def _key(self, key_id: str) -> dict:
        key_id = self.aliases.get(key_id, key_id).split("/")[-1]
        if key_id not in self.keys:
            raise error("NotFoundException")
        return self.keys[key_id]

    def make_key(self, tags: Optional[dict] = None) -> dict:
        key_id = next(self._ids)
        self.keys[key_id] = {"KeyId": key_id, "Arn": f"arn:aws:kms:{REGION}:{ACCOUNT}:key/{key_id}",
                             "AWSAccountId": ACCOUNT, "KeyState": "Enabled", "KeyManager": "CUSTOMER",
                             "KeySpec": "SYMMETRIC_DEFAULT", "KeyUsage": "ENCRYPT_DECRYPT", "Origin": "AWS_KMS",
                             "CreationDate": f"2026-12-01T00:00:{len(self.keys):02d}", "Description": "",
                             "_tags": dict(tags or {}), "_policy": "{}", "_rotation": False}
        return self.keys[key_id]

    def live_keys(self) -> List[dict]:
        return [k for k in self.keys.values() if k["KeyState"] != "PendingDeletion"]

    # ---- KMS
    def describe_key(self, KeyId):
        self._call("DescribeKey")
        return {"KeyMetadata": {k: v for k, v in self._key(KeyId).items() if not k.startswith("_")}}

    def get_key_policy(self, KeyId, PolicyName):
        self._call("GetKeyPolicy")
        return {"Policy": self._key(KeyId)["_policy"]}

    def get_key_rotation_status(self, KeyId):
        self._call("GetKeyRotationStatus")
        return {"KeyRotationEnabled": self._key(KeyId)["_rotation"]}

    def list_resource_tags(self, KeyId, **_kwargs):
        self._call("ListResourceTags")
        return {"Tags": [{"TagKey": k, "TagValue": v} for k, v in self._key(KeyId)["_tags"].items()],
                "Truncated": False}

    def create_key(self, Policy, Description, Tags, **_kwargs):
        self._call("CreateKey")
        key = self.make_key({t["TagKey"]: t["TagValue"] for t in Tags})
        key.update(Description=Description, _policy=Policy)
        return self._answer("CreateKey", {"KeyMetadata": {k: v for k, v in key.items() if not k.startswith("_")}})

    def create_alias(self, AliasName, TargetKeyId):
        self._call("CreateAlias")
        if AliasName in self.aliases:
            raise error("AlreadyExistsException")
        self.aliases[AliasName] = self._key(TargetKeyId)["KeyId"]
        return self._answer("CreateAlias", {})

    def put_key_policy(self, KeyId, Policy, **_kwargs):
        self._call("PutKeyPolicy")
        self._key(KeyId)["_policy"] = Policy

    def update_key_description(self, KeyId, Description):
        self._call("UpdateKeyDescription")
        self._key(KeyId)["Description"] = Description

    def enable_key_rotation(self, KeyId, **_kwargs):
        self._call("EnableKeyRotation")
        self._key(KeyId)["_rotation"] = True

    def tag_resource(self, KeyId, Tags):
        self._call("TagResource")
        self._key(KeyId)["_tags"].update({t["TagKey"]: t["TagValue"] for t in Tags})

    def schedule_key_deletion(self, KeyId, PendingWindowInDays):
        self._call("ScheduleKeyDeletion")
        self._key(KeyId)["KeyState"] = "PendingDeletion"

    # ---- tagging and STS
    def get_resources(self, TagFilters, **_kwargs):
        self._call("GetResources")
        if self.hidden_lookups:
            self.hidden_lookups -= 1
            return {"ResourceTagMappingList": []}
        (tag_filter,) = TagFilters
        found = [k for k in self.keys.values() if k["_tags"].get(tag_filter["Key"]) in tag_filter["Values"]]
        return {"ResourceTagMappingList": [{"ResourceARN": k["Arn"], "Tags": [
            {"Key": t, "Value": v} for t, v in k["_tags"].items()]} for k in found]}

    def get_caller_identity(self):
        self._call("GetCallerIdentity")
        return {"Account": ACCOUNT, "Arn": f"arn:aws:iam::{ACCOUNT}:user/ops"}

    def policy_of(self, key: dict) -> dict:
        return json.loads(key["_policy"])
