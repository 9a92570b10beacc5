# -*- coding: utf-8 -*-
# Copyright: cmkops contributors
# GNU General Public License v3.0+ (see https://www.gnu.org/licenses/gpl-3.0.txt)
"""What the collection's modules share around AnsibleAWSModule: the key options' spec, the masked access
key, and how they fail on bad input or an AWS error."""

from __future__ import annotations

from typing import List

from ansible_collections.amazon.aws.plugins.module_utils.modules import aws_argument_spec

from .kms import CLIENT_CONFIG, CmkAWSError, known_regions
from .sts import assume_role
from .policy import DEFAULT_VIA_SERVICES
from .validate import InvalidInput, check_region

# The options that say which key and what it should be (doc fragment cmkops.atlassian_cmk.key), shared by the
# module that ensures the key and the one that audits it, so that both compare it with the same request.
KEY_OPTIONS = dict(
    alias=dict(type="str", default="atlassian-cmk-key"),
    account_id=dict(type="str"),
    org_paths=dict(type="list", elements="str", aliases=["organisational_units"]),
    policy_template=dict(type="str"),
    policy=dict(type="json"),
    via_services=dict(type="list", elements="str", default=list(DEFAULT_VIA_SERVICES)),
    tags=dict(type="dict", aliases=["resource_tags"]),
    enable_key_rotation=dict(type="bool", default=True),
    rotation_period_days=dict(type="int", default=365),
    enabled=dict(type="bool"),
    description=dict(type="str", default="Atlassian Cloud customer-managed key (CMK)"),
    purge_tags=dict(type="bool", default=True),
    cancel_pending_deletion=dict(type="bool", default=False),
    adopt=dict(type="bool", default=False),
    adopt_from_stack=dict(type="bool", default=False),
    successor_alias=dict(type="str"),
)
# The options only a write uses: the audit compares a key with the other options alone.
WRITE_OPTIONS = dict(
    state=dict(type="str", choices=["present", "absent", "retired"], default="present"),
    pending_window_days=dict(type="int", default=30),
    bypass_policy_lockout_safety_check=dict(type="bool", default=False),
    allow_wildcard_principal=dict(type="bool", default=False),
)
# The role the module assumes itself, in its own process, for every call (doc fragment assume_role).
ASSUME_ROLE = dict(
    assume_role_arn=dict(type="str"),
    assume_role_session_name=dict(type="str", default="cmkops-atlassian-cmk"),
)
# amazon.aws's own option, masked in the output like the secret key: an access key ID names the account.
MASKED_ACCESS_KEY = dict(access_key=dict(aws_argument_spec()["access_key"], no_log=True))
EXCLUSIVE = [("policy", "policy_template")]


def write_defaults() -> dict:
    """What the write-only options are when unset: the audit's request is a converge's with state=present."""
    return {name: spec.get("default") for name, spec in WRITE_OPTIONS.items()}


CREDENTIALS_HINT = (
    "They come from the access_key, secret_key and session_token options or the profile option, else from the "
    "environment (AWS_ACCESS_KEY_ID and AWS_SECRET_ACCESS_KEY, or AWS_PROFILE), the ~/.aws/credentials and "
    "~/.aws/config files, or the instance or container role; in AWX, attach an Amazon Web Services credential "
    "to the job template."
)


def refuse_bad_input(module, errors: List[InvalidInput]) -> None:
    """Fail before the first AWS call on a bad region or input; each message names the option and the value."""
    errors = check_region(module.region, known_regions(), bool(module.params.get("endpoint_url"))) + errors
    if errors:
        module.fail_json(msg="; ".join(str(e) for e in errors), invalid_options=sorted({e.option for e in errors}))


def _no_credentials(error: CmkAWSError) -> bool:
    return type(error.exception).__name__ == "NoCredentialsError"


def fail_aws(module, error: CmkAWSError) -> None:
    if _no_credentials(error):
        module.fail_json(msg=f"{error.message}: no AWS credentials were found. {CREDENTIALS_HINT}")
    module.fail_json_aws_error(error)


def connect(module):
    """The KMS client and a maker of other clients, with the assumed role's credentials when one is given.
    They live in this process only: never in a task's result or the host's variables."""
    credentials = {}
    role_arn = module.params.get("assume_role_arn")
    if role_arn:
        try:
            credentials = assume_role(module.client("sts", config=CLIENT_CONFIG), role_arn,
                                      module.params["assume_role_session_name"])
        except CmkAWSError as e:
            if _no_credentials(e):
                fail_aws(module, e)
            module.fail_json(msg=f"assume_role_arn={role_arn!r}: "
                                 f"{e.message}: {e.exception}")
        credentials["profile_name"] = None  # the role's keys, not the profile's

    def make_client(service: str):
        return module.client(service, config=CLIENT_CONFIG, **credentials)

    return make_client("kms"), make_client
