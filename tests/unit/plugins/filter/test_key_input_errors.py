"""The key_input_errors filter: the module's own checks, with the role's variable names in the messages."""

from __future__ import annotations

import pytest
from ansible.errors import AnsibleFilterError

from ansible_collections.cmkops.atlassian_cmk.plugins.filter.key_input_errors import key_input_errors

ORG = "o-rab3nm4fez/*/ou-ab12-cdef3456/*"


def test_good_options_give_no_error():
    assert key_input_errors({"alias": "atlassian-cmk-key", "org_paths": [ORG], "account_id": "111122223333",
                             "rotation_period_days": "365", "tags": None}) == []


@pytest.mark.parametrize("options, named, value", [
    ({"alias": "alias/aws/ebs", "org_paths": [ORG]}, "cmk_alias", "alias/aws/ebs"),
    ({"org_paths": [ORG], "account_id": "12345"}, "cmk_account_id", "12345"),
    ({"org_paths": ["not-a-path"]}, "cmk_org_paths", "not-a-path"),
    ({"org_paths": [ORG], "rotation_period_days": "30"}, "cmk_rotation_period_days", "30"),
    ({"org_paths": [ORG], "policy_template": '{"Statement": [{"Sid": "<your-account-id>"}]}'},
     "cmk_policy_template", "<your-account-id>"),
])
def test_each_error_names_the_prefixed_option_and_its_value(options, named, value):
    errors = key_input_errors(options, prefix="cmk_")
    assert errors and errors[0].startswith(named + "=") and value in errors[0]


def test_built_in_template_needs_org_paths():
    assert [e.split("=")[0] for e in key_input_errors({}, prefix="x_")] == ["x_org_paths"]


def test_a_policy_given_needs_no_org_paths():
    policy = '{"Version": "2012-10-17", "Statement": [{"Effect": "Allow", "Principal": {"AWS": ' \
             '"arn:aws:iam::111122223333:root"}, "Action": "kms:*", "Resource": "*"}]}'
    assert key_input_errors({"policy": policy}) == []


def test_not_a_dictionary():
    with pytest.raises(AnsibleFilterError, match="expects a dictionary of options, got list"):
        key_input_errors(["alias"])


def test_the_filters_import_no_aws_sdk():
    """The role's checks run in the controller's own process, once per account: importing botocore there
    would cost more than the checks themselves."""
    import os
    import subprocess
    import sys
    from pathlib import Path

    from ansible_collections.cmkops.atlassian_cmk.plugins.filter import key_input_errors as plugin

    root = Path(plugin.__file__).parents[5]  # the directory holding ansible_collections/
    code = ("import sys; import ansible_collections.cmkops.atlassian_cmk.plugins.filter.realm_inputs; "
            "print(sorted(m for m in ('boto3', 'botocore') if m in sys.modules))")
    path = os.pathsep.join(filter(None, [str(root), os.environ.get("PYTHONPATH")]))  # ansible itself may come from it
    out = subprocess.run([sys.executable, "-c", code], env=dict(os.environ, PYTHONPATH=path), capture_output=True,
                         text=True, check=False)
    assert out.returncode == 0, out.stderr
    assert out.stdout.strip() == "[]"
