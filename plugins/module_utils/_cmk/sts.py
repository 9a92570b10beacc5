# -*- coding: utf-8 -*-
# Copyright: cmkops contributors
# GNU General Public License v3.0+ (see https://www.gnu.org/licenses/gpl-3.0.txt)
"""The STS calls, with kms.py's errors and retries: whose the credentials are, and the role they assume."""

from __future__ import annotations

from typing import Dict, Tuple

from .kms import Errors, retry


@Errors.common_error_handler("find out the account of the credentials")
@retry
def caller_identity(sts) -> Tuple[str, str]:
    identity = sts.get_caller_identity()
    return identity["Account"], identity["Arn"]


@Errors.common_error_handler("assume the role")
@retry
def assume_role(sts, role_arn: str, session_name: str) -> Dict[str, str]:
    """The role's temporary credentials, as boto3 client arguments."""
    creds = sts.assume_role(RoleArn=role_arn, RoleSessionName=session_name)["Credentials"]
    return {"aws_access_key_id": creds["AccessKeyId"], "aws_secret_access_key": creds["SecretAccessKey"],
            "aws_session_token": creds["SessionToken"]}
