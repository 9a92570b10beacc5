"""Every refusal atlassian_cmk_key makes before its first AWS call, as main() makes them: the argument spec
(types, choices, mutually exclusive options), then refuse_bad_input (the region, then input_errors). Each names
the option and the value. The integration tests run a few of these through Ansible against moto to prove the
wiring; the table lives here."""

from __future__ import annotations

import json

import pytest

from ansible.module_utils.common.arg_spec import ArgumentSpecValidator

from ansible_collections.cmkops.atlassian_cmk.plugins.module_utils._cmk.desired import input_errors
from ansible_collections.cmkops.atlassian_cmk.plugins.module_utils._cmk.kms import known_regions
from ansible_collections.cmkops.atlassian_cmk.plugins.module_utils._cmk.module import ASSUME_ROLE
from ansible_collections.cmkops.atlassian_cmk.plugins.module_utils._cmk.module import EXCLUSIVE
from ansible_collections.cmkops.atlassian_cmk.plugins.module_utils._cmk.validate import check_region
from ansible_collections.cmkops.atlassian_cmk.plugins.modules.atlassian_cmk_key import ARGUMENT_SPEC

ORG_PATH = "o-rab3nm4fez/*/ou-ab12-cdef3456/*"
WILDCARD = json.dumps({"Version": "2012-10-17", "Statement": [
    {"Effect": "Allow", "Principal": {"AWS": "arn:aws:iam::123456789012:root"}, "Action": "kms:*", "Resource": "*"},
    {"Sid": "Everyone", "Effect": "Allow", "Principal": "*", "Action": "kms:Decrypt", "Resource": "*"}]})
HUGE = json.dumps({"Version": "2012-10-17", "Statement": [
    {"Sid": f"S{i}", "Effect": "Allow", "Principal": {"AWS": "arn:aws:iam::123456789012:root"},
     "Action": "kms:*", "Resource": "*"} for i in range(400)]})
PLACEHOLDER = json.dumps({"Version": "2012-10-17", "Statement": [
    {"Effect": "Allow", "Principal": {"AWS": "arn:aws:iam::<your-account-id>:root"}, "Action": "kms:*",
     "Resource": "*"}]})
TOKEN_IN_TEXT = json.dumps({"Version": "2012-10-17", "Statement": [
    {"Effect": "Allow", "Principal": {"AWS": "arn:aws:iam::AWSACCOUNTID:root"}, "Action": "kms:*", "Resource": "*",
     "Condition": {"StringLike": {"aws:PrincipalOrgPaths": "OrganisationalUnits/extra"}}}]})
OWN_ACCOUNT = json.dumps({"Version": "2012-10-17", "Statement": [  # a template without OrganisationalUnits
    {"Effect": "Allow", "Principal": {"AWS": "arn:aws:iam::AWSACCOUNTID:root"}, "Action": "kms:*", "Resource": "*"}]})
PRINCIPAL_STRING = json.dumps({"Version": "2012-10-17", "Statement": [
    {"Effect": "Allow", "Principal": "arn:aws:iam::123456789012:root", "Action": "kms:*", "Resource": "*"}]})


def refusals(args: dict) -> str:
    """What main() says before its first AWS call (empty when it would go on), for these module arguments."""
    args = dict({"org_paths": [ORG_PATH], "region": "eu-west-1"}, **args)
    region = args.pop("region")
    spec = dict(ARGUMENT_SPEC, **ASSUME_ROLE)
    result = ArgumentSpecValidator(spec, mutually_exclusive=EXCLUSIVE).validate(args)
    if result.error_messages:
        return "; ".join(result.error_messages)
    errors = check_region(region, known_regions(), False) + input_errors(result.validated_parameters, region)
    return "; ".join(str(e) for e in errors)


# (arguments, option named in the message, value named in the message)
CASES = {
    "reserved alias": (dict(alias="alias/aws/ebs"), "alias", "alias/aws/ebs"),
    "alias with a space": (dict(alias="my key"), "alias", "my key"),
    "alias too long": (dict(alias="a" * 251), "alias", "a" * 251),
    "account id too short": (dict(account_id="12345"), "account_id", "12345"),
    "account id not digits": (dict(account_id="abcdefghijkl"), "account_id", "abcdefghijkl"),
    "org path shape": (dict(org_paths=["ou-ab12-cdef3456"]), "org_paths", "ou-ab12-cdef3456"),
    "org path missing": (dict(org_paths=None), "org_paths", "None"),
    "rotation too short": (dict(rotation_period_days=30), "rotation_period_days", "30"),
    "rotation too long": (dict(rotation_period_days=3000), "rotation_period_days", "3000"),
    "window too short": (dict(state="absent", pending_window_days=3), "pending_window_days", "3"),
    "window too long": (dict(state="absent", pending_window_days=31), "pending_window_days", "31"),
    "policy not json": (dict(policy="{not json"), "policy", "{not json"),
    "policy over 32 KB": (dict(policy=HUGE), "policy", "bytes"),
    "template placeholder left": (dict(policy_template=PLACEHOLDER), "policy_template", "<your-account-id>"),
    "template token left": (dict(policy_template=TOKEN_IN_TEXT), "policy_template", "OrganisationalUnits"),
    "wildcard principal": (dict(policy=WILDCARD), "policy", "Everyone"),
    "reserved tag prefix": (dict(tags={"aws:owner": "me"}), "tags", "aws:owner"),
    "marker tag prefix": (dict(tags={"cmkops:atlassian_cmk:alias": "x"}), "tags", "cmkops:atlassian_cmk:alias"),
    "via service": (dict(via_services=["s3", "not a service"]), "via_services", "not a service"),
    "both policies": (dict(policy=PLACEHOLDER, policy_template=PLACEHOLDER), "policy", "policy_template"),
    "unknown state": (dict(state="gone"), "state", "gone"),
    "enabled not a bool": (dict(enabled="maybe"), "enabled", "maybe"),
    # Ansible's own type check; before 2.18 its message does not repeat the value.
    "rotation not a number": (dict(rotation_period_days="abc"), "rotation_period_days", ""),
    "policy statement a string": (dict(policy='{"Version": "2012-10-17", "Statement": "x"}'), "policy",
                                  "Statement must be an object"),
    "template statements not objects": (dict(policy_template='{"Statement": ["x", 1]}'), "policy_template",
                                        "Statement must be an object"),
    "principal a bare string": (dict(policy=PRINCIPAL_STRING), "policy", "Principal must be"),
    "region in capitals": (dict(region="EU-CENTRAL-1"), "region", "EU-CENTRAL-1"),
    "region botocore does not know": (dict(region="eu-moon-1"), "region", "eu-moon-1"),
    "more tags than a key holds": (dict(tags={f"t{i}": "x" for i in range(49)}), "tags", "49 tags"),
    "tag value a dict": (dict(tags={"team": {"a": 1}}), "tags", "not dict"),
    "successor alias reserved": (dict(successor_alias="alias/aws/s3"), "successor_alias", "alias/aws/s3"),
    "successor alias its own": (dict(successor_alias="atlassian-cmk-key"), "successor_alias", "atlassian-cmk-key"),
    "retired state unknown": (dict(state="retire"), "state", "retire"),
}


@pytest.mark.parametrize("args, option, value", CASES.values(), ids=CASES.keys())
def test_bad_input_is_refused_naming_the_option_and_the_value(args, option, value):
    said = refusals(args)
    assert option in said and value in said, said


@pytest.mark.parametrize("args", [{}, {"state": "absent", "org_paths": None}, {"state": "retired", "org_paths": None},
                                  {"account_id": "111122223333", "successor_alias": "cmk-2027"},
                                  {"policy_template": OWN_ACCOUNT, "org_paths": None}])
def test_good_input_goes_on_to_aws(args):
    assert refusals(args) == ""
