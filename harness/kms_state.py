#!/usr/bin/env python
# Copyright: cmkops contributors
# GNU General Public License v3.0+ (see https://www.gnu.org/licenses/gpl-3.0.txt)
"""What the molecule scenarios check and tamper with, read and written with boto3 alone.

  python -m harness.kms_state show --endpoint URL --alias A --region R [--region R2] [--role-arn ARN]
      print {"account_id", "regions": {R: {"customer_keys", "key": null or {arn, key_id, key_state,
      enabled, policy, rotation_enabled, tags}}}}
  python -m harness.kms_state put-policy  --endpoint URL --alias A --region R [--role-arn ARN] --policy JSON
  python -m harness.kms_state disable|enable --endpoint URL --alias A --region R [--role-arn ARN]

The one reader of KMS state for the tests, molecule and the benchmarks. Independent of the
collection on purpose: the tests verify the module with another reader.
Credentials come from the environment (moto accepts any); --role-arn assumes a role first, which
moto maps to that account's own backend.
"""

from __future__ import annotations

import argparse
import datetime
import json

import boto3


def session(endpoint: str, role_arn: str | None) -> boto3.Session:
    if not role_arn:
        return boto3.Session()
    sts = boto3.client("sts", endpoint_url=endpoint, region_name="us-east-1")
    creds = sts.assume_role(RoleArn=role_arn, RoleSessionName="molecule-verify")["Credentials"]
    return boto3.Session(
        aws_access_key_id=creds["AccessKeyId"],
        aws_secret_access_key=creds["SecretAccessKey"],
        aws_session_token=creds["SessionToken"],
    )


def client(url: str, region: str, service: str = "kms", **credentials: str):
    """A client of moto's default account (moto accepts any credentials), or of the ``credentials``."""
    credentials = credentials or {"aws_access_key_id": "testing", "aws_secret_access_key": "testing"}
    return boto3.client(service, region_name=region, endpoint_url=url, **credentials)


def alias_name(alias: str) -> str:
    return alias if alias.startswith("alias/") else "alias/" + alias


def customer_keys(kms) -> list:
    """Every customer key in the region, with its metadata (moto's AWS managed keys left out)."""
    keys = [kms.describe_key(KeyId=k["KeyId"])["KeyMetadata"]
            for page in kms.get_paginator("list_keys").paginate() for k in page["Keys"]]
    return [k for k in keys if k.get("KeyManager") == "CUSTOMER"]


def live_keys(kms) -> int:
    """Customer keys not pending deletion: a run that created one key too many shows here."""
    return sum(1 for k in customer_keys(kms) if k["KeyState"] != "PendingDeletion")


def alias_target(kms, alias: str = "alias/atlassian-cmk-key"):
    aliases = [a for a in kms.list_aliases()["Aliases"] if a["AliasName"] == alias_name(alias)]
    return aliases[0].get("TargetKeyId") if aliases else None


def key_policy(kms, key_id: str) -> dict:
    return json.loads(kms.get_key_policy(KeyId=key_id, PolicyName="default")["Policy"])


def key_tags(kms, key_id: str) -> dict:
    return {t["TagKey"]: t["TagValue"] for t in kms.list_resource_tags(KeyId=key_id).get("Tags", [])}


def read_key(kms, alias: str) -> dict | None:
    try:
        meta = kms.describe_key(KeyId=alias_name(alias))["KeyMetadata"]
    except kms.exceptions.NotFoundException:
        return None
    key_id = meta["KeyId"]
    return {
        "arn": meta["Arn"],
        "key_id": key_id,
        "key_state": meta["KeyState"],
        "enabled": meta["Enabled"],
        "deletion_date": (meta["DeletionDate"].astimezone(datetime.timezone.utc).strftime("%Y-%m-%dT%H:%M:%SZ")
                          if meta.get("DeletionDate") else None),
        "policy": key_policy(kms, key_id),
        "rotation_enabled": kms.get_key_rotation_status(KeyId=key_id)["KeyRotationEnabled"],
        "tags": key_tags(kms, key_id),
    }


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("action", choices=["show", "put-policy", "disable", "enable"])
    parser.add_argument("--endpoint", required=True)
    parser.add_argument("--alias", default="atlassian-cmk-key")
    parser.add_argument("--region", action="append", required=True)
    parser.add_argument("--role-arn")
    parser.add_argument("--policy", help="the policy JSON, for put-policy")
    args = parser.parse_args()

    aws = session(args.endpoint, args.role_arn)
    alias = alias_name(args.alias)
    if args.action == "show":
        account = aws.client("sts", endpoint_url=args.endpoint, region_name="us-east-1").get_caller_identity()
        regions = {}
        for region in args.region:
            kms = aws.client("kms", endpoint_url=args.endpoint, region_name=region)
            regions[region] = {"customer_keys": live_keys(kms), "key": read_key(kms, alias)}
        print(json.dumps({"account_id": account["Account"], "regions": regions}))
        return

    for region in args.region:
        kms = aws.client("kms", endpoint_url=args.endpoint, region_name=region)
        key_id = kms.describe_key(KeyId=alias)["KeyMetadata"]["KeyId"]  # moto wants the id, not the ARN
        if args.action == "put-policy":
            kms.put_key_policy(KeyId=key_id, PolicyName="default", Policy=args.policy)
        elif args.action == "disable":
            kms.disable_key(KeyId=key_id)
        else:
            kms.enable_key(KeyId=key_id)
    print(json.dumps({"changed": True}))


if __name__ == "__main__":
    main()
