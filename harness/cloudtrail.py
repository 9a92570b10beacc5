"""KMS calls as CloudTrail delivers them to EventBridge ("AWS API Call via CloudTrail"), for the guard's tests: moto's
KMS raises no CloudTrail events, so the tests write them."""

from __future__ import annotations

import uuid

ACCOUNT = "123456789012"  # moto's own account


def kms_call(name: str, region: str, key_arn: str, caller: str, account: str = ACCOUNT, **request) -> dict:
    """The EventBridge event of the KMS call ``name`` on ``key_arn`` by ``caller`` (an assumed role's ARN)."""
    detail = {"eventVersion": "1.09", "eventTime": "2026-12-03T10:00:00Z", "eventSource": "kms.amazonaws.com",
              "eventName": name, "awsRegion": region, "sourceIPAddress": "203.0.113.7",
              "userIdentity": {"type": "AssumedRole", "arn": caller, "accountId": account},
              "requestParameters": {"keyId": key_arn, **request}, "responseElements": None,
              "resources": [{"accountId": account, "type": "AWS::KMS::Key", "ARN": key_arn}],
              "eventType": "AwsApiCall", "managementEvent": True, "recipientAccountId": account,
              "eventCategory": "Management"}
    return {"version": "0", "id": str(uuid.uuid4()), "detail-type": "AWS API Call via CloudTrail",
            "source": "aws.kms", "account": account, "time": detail["eventTime"], "region": region, "resources": [],
            "detail": detail}
