"""Tests for checking the names the module is given: alias, account_id, org_paths, via_services."""
from __future__ import annotations

import pytest

from ansible_collections.cmkops.atlassian_cmk.plugins.module_utils._cmk.policy import DEFAULT_VIA_SERVICES
from ansible_collections.cmkops.atlassian_cmk.plugins.module_utils._cmk.validate import alias_name
from ansible_collections.cmkops.atlassian_cmk.plugins.module_utils._cmk.validate import check_account_id
from ansible_collections.cmkops.atlassian_cmk.plugins.module_utils._cmk.validate import check_alias
from ansible_collections.cmkops.atlassian_cmk.plugins.module_utils._cmk.validate import check_org_paths
from ansible_collections.cmkops.atlassian_cmk.plugins.module_utils._cmk.validate import check_via_services
from ansible_collections.cmkops.atlassian_cmk.tests.unit.plugins.module_utils.validate_samples import GOOD_ORG_PATHS
from ansible_collections.cmkops.atlassian_cmk.tests.unit.plugins.module_utils.validate_samples import only_error


# ---------------------------------------------------------------- alias


@pytest.mark.parametrize(
    "alias, full",
    [
        ("atlassian-cmk-key", "alias/atlassian-cmk-key"),
        ("alias/atlassian-cmk-key", "alias/atlassian-cmk-key"),
        ("team/jira_cmk", "alias/team/jira_cmk"),
        ("alias/team/jira_cmk", "alias/team/jira_cmk"),
    ],
)
def test_alias_name_adds_prefix_once(alias, full):
    assert alias_name(alias) == full


@pytest.mark.parametrize(
    "alias",
    [
        "atlassian-cmk-key",
        "alias/atlassian-cmk-key",
        "a",
        "alias/a",
        "Team_A/jira-cmk/2024",
        "alias/Team_A/jira-cmk/2024",
        "x" * 250,  # alias/ + 250 = 256
        "alias/" + "x" * 250,
        "awsome-key",  # starts with "aws" but not "aws/"
        "alias/my/aws/key",  # aws/ not at the start
    ],
)
def test_check_alias_accepts(alias):
    assert check_alias(alias) == []


@pytest.mark.parametrize(
    "alias",
    [
        "x" * 251,  # alias/ + 251 = 257
        "alias/" + "x" * 251,
        "y" * 300,
    ],
)
def test_check_alias_length_is_counted_on_alias_slash_name(alias):
    assert "256" in str(only_error(check_alias(alias), "alias", alias))


@pytest.mark.parametrize(
    "alias",
    [
        "my key",
        "key.name",
        "alias/key.name",
        "key:name",
        "clé",
        "key*",
        "key\n",
        "alias/key\n",
        "\nkey",
        "key\t",
    ],
)
def test_check_alias_refuses_bad_characters(alias):
    only_error(check_alias(alias), "alias", alias)


@pytest.mark.parametrize("alias", ["alias/aws/", "alias/aws/kms", "aws/kms", "aws/s3", "alias/aws/rds/x"])
def test_check_alias_refuses_aws_reserved(alias):
    assert "alias/aws/" in str(only_error(check_alias(alias), "alias", alias))


@pytest.mark.parametrize("alias", ["", "alias/", None, 42, ["alias/x"]])
def test_check_alias_refuses_empty_or_not_a_string(alias):
    only_error(check_alias(alias), "alias", alias)


# ---------------------------------------------------------------- account_id


@pytest.mark.parametrize("account_id", [None, "123456789012", "000000000000", 123456789012])
def test_check_account_id_accepts(account_id):
    assert check_account_id(account_id) == []


@pytest.mark.parametrize(
    "account_id",
    ["", "12345678901", "1234567890123", "12345678901a", "1234-5678-9012", " 123456789012",
     "123456789012\n", "arn:aws:iam::123456789012:root"],
)
def test_check_account_id_refuses(account_id):
    assert "12 digits" in str(only_error(check_account_id(account_id), "account_id", account_id))


# ---------------------------------------------------------------- org_paths


@pytest.mark.parametrize(
    "org_paths",
    [
        ["o-rab3nm4fez/*/ou-ab12-cdef3456/*"],
        ["o-a1b2c3d4e5/r-ab12/ou-ab12-11111111/*"],
        ["o-a1b2c3d4e5/*"],
        ["o-a1b2c3d4e5/r-ab12/*"],
        ["o-a1b2c3d4e5/r-ab12/ou-ab12-11111111/ou-ab12-22222222/*"],
        GOOD_ORG_PATHS,
    ],
)
@pytest.mark.parametrize("needed", [True, False])
def test_check_org_paths_accepts_atlassian_shape(org_paths, needed):
    assert check_org_paths(org_paths, needed) == []


@pytest.mark.parametrize(
    "bad",
    [
        "ou-ab12-cdef3456",  # no organisation
        "ou-ab12-cdef3456/*",
        "o-rab3nm4fez/*/ou-ab12-cdef3456",  # no trailing /*
        "o-rab3nm4fez",
        "o-rab3nm4fez/*/ou-ab12-cdef3456/*/",
        "o-RAB3NM4FEZ/*/ou-ab12-cdef3456/*",  # upper case
        "o-short/*",  # organisation id too short
        "o-rab3nm4fez/*/ou-ab12-cdef/*",  # OU id too short
        "o-rab3nm4fez/*/ab12-cdef3456/*",
        "arn:aws:organizations::123456789012:ou/o-rab3nm4fez/ou-ab12-cdef3456",
        "*",
        "",
        " o-rab3nm4fez/*",
        "o-rab3nm4fez/*\n",
        "o-rab3nm4fez/*/ou-ab12-cdef3456/*\n",
        123,
        None,
    ],
)
def test_check_org_paths_refuses_bad_path(bad):
    only_error(check_org_paths([GOOD_ORG_PATHS[0], bad], needed=True), "org_paths", bad)


def test_check_org_paths_one_error_per_bad_path():
    bad = ["ou-ab12-cdef3456", GOOD_ORG_PATHS[1], "o-short/*"]
    errors = check_org_paths(bad, needed=False)
    assert [e.value for e in errors] == ["ou-ab12-cdef3456", "o-short/*"]


@pytest.mark.parametrize("org_paths", [None, []])
def test_check_org_paths_required_when_needed(org_paths):
    assert "required" in str(only_error(check_org_paths(org_paths, needed=True), "org_paths", org_paths))


@pytest.mark.parametrize("org_paths", [None, []])
def test_check_org_paths_optional_when_not_needed(org_paths):
    assert check_org_paths(org_paths, needed=False) == []


# ---------------------------------------------------------------- via_services


@pytest.mark.parametrize(
    "services",
    [list(DEFAULT_VIA_SERVICES), ["dynamodb"], ["s3", "rds"], ["secretsmanager"], ["a" * 63], ["ec2-x"]],
)
def test_check_via_services_accepts(services):
    assert check_via_services(services) == []


@pytest.mark.parametrize(
    "bad",
    ["S3", "s3.amazonaws.com", "dynamodb.eu-west-1.amazonaws.com", "-s3", "", "a" * 64, "s 3", "s3\n", None],
)
def test_check_via_services_refuses(bad):
    only_error(check_via_services(["dynamodb", bad]), "via_services", bad)


@pytest.mark.parametrize("services", [[], None])
def test_check_via_services_needs_one(services):
    only_error(check_via_services(services), "via_services", services)
