from __future__ import annotations

import pytest

from ansible_collections.cmkops.atlassian_cmk.plugins.module_utils._cmk.policy import DEFAULT_VIA_SERVICES
from ansible_collections.cmkops.atlassian_cmk.plugins.module_utils._cmk.validate import MARKER_PREFIX
from ansible_collections.cmkops.atlassian_cmk.plugins.module_utils._cmk.validate import PENDING_WINDOW_DAYS
from ansible_collections.cmkops.atlassian_cmk.plugins.module_utils._cmk.validate import ROTATION_DAYS
from ansible_collections.cmkops.atlassian_cmk.plugins.module_utils._cmk.validate import InvalidInput
from ansible_collections.cmkops.atlassian_cmk.plugins.module_utils._cmk.validate import alias_name
from ansible_collections.cmkops.atlassian_cmk.plugins.module_utils._cmk.validate import check_account_id
from ansible_collections.cmkops.atlassian_cmk.plugins.module_utils._cmk.validate import check_alias
from ansible_collections.cmkops.atlassian_cmk.plugins.module_utils._cmk.validate import check_description
from ansible_collections.cmkops.atlassian_cmk.plugins.module_utils._cmk.validate import check_org_paths
from ansible_collections.cmkops.atlassian_cmk.plugins.module_utils._cmk.validate import check_params
from ansible_collections.cmkops.atlassian_cmk.plugins.module_utils._cmk.validate import check_range
from ansible_collections.cmkops.atlassian_cmk.plugins.module_utils._cmk.validate import check_tags
from ansible_collections.cmkops.atlassian_cmk.plugins.module_utils._cmk.validate import check_via_services
from ansible_collections.cmkops.atlassian_cmk.plugins.module_utils._cmk.validate import user_tags

GOOD_ORG_PATHS = [
    "o-rab3nm4fez/*/ou-ab12-cdef3456/*",
    "o-a1b2c3d4e5/r-ab12/ou-ab12-11111111/*",
]


def assert_names(error: InvalidInput, option: str, value) -> None:
    """The message must name the option and the offending value."""
    assert isinstance(error, InvalidInput)
    assert error.option == option
    assert option in str(error)
    assert repr(value) in str(error) or str(value) in str(error)


def valid_params(**overrides):
    params = {
        "alias": "atlassian-cmk-key",
        "account_id": "123456789012",
        "org_paths": list(GOOD_ORG_PATHS),
        "via_services": list(DEFAULT_VIA_SERVICES),
        "description": "Atlassian Cloud customer-managed key (CMK)",
        "tags": {"team": "security"},
        "rotation_period_days": 365,
        "pending_window_days": 30,
    }
    params.update(overrides)
    return params


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
    errors = check_alias(alias)
    assert len(errors) == 1
    assert_names(errors[0], "alias", alias)
    assert "256" in str(errors[0])


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
    errors = check_alias(alias)
    assert len(errors) == 1
    assert_names(errors[0], "alias", alias)


@pytest.mark.parametrize("alias", ["alias/aws/", "alias/aws/kms", "aws/kms", "aws/s3", "alias/aws/rds/x"])
def test_check_alias_refuses_aws_reserved(alias):
    errors = check_alias(alias)
    assert len(errors) == 1
    assert_names(errors[0], "alias", alias)
    assert "alias/aws/" in str(errors[0])


@pytest.mark.parametrize("alias", ["", "alias/", None, 42, ["alias/x"]])
def test_check_alias_refuses_empty_or_not_a_string(alias):
    errors = check_alias(alias)
    assert len(errors) == 1
    assert_names(errors[0], "alias", alias)


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
    errors = check_account_id(account_id)
    assert len(errors) == 1
    assert_names(errors[0], "account_id", account_id)
    assert "12 digits" in str(errors[0])


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
    errors = check_org_paths([GOOD_ORG_PATHS[0], bad], needed=True)
    assert len(errors) == 1
    assert_names(errors[0], "org_paths", bad)


def test_check_org_paths_one_error_per_bad_path():
    bad = ["ou-ab12-cdef3456", GOOD_ORG_PATHS[1], "o-short/*"]
    errors = check_org_paths(bad, needed=False)
    assert [e.value for e in errors] == ["ou-ab12-cdef3456", "o-short/*"]


@pytest.mark.parametrize("org_paths", [None, []])
def test_check_org_paths_required_when_needed(org_paths):
    errors = check_org_paths(org_paths, needed=True)
    assert len(errors) == 1
    assert_names(errors[0], "org_paths", org_paths)
    assert "required" in str(errors[0])


@pytest.mark.parametrize("org_paths", [None, []])
def test_check_org_paths_optional_when_not_needed(org_paths):
    assert check_org_paths(org_paths, needed=False) == []


# ---------------------------------------------------------------- ranges


@pytest.mark.parametrize(
    "option, bounds, value, ok",
    [
        ("rotation_period_days", ROTATION_DAYS, 89, False),
        ("rotation_period_days", ROTATION_DAYS, 90, True),
        ("rotation_period_days", ROTATION_DAYS, 365, True),
        ("rotation_period_days", ROTATION_DAYS, 2560, True),
        ("rotation_period_days", ROTATION_DAYS, 2561, False),
        ("rotation_period_days", ROTATION_DAYS, 0, False),
        ("rotation_period_days", ROTATION_DAYS, -365, False),
        ("pending_window_days", PENDING_WINDOW_DAYS, 6, False),
        ("pending_window_days", PENDING_WINDOW_DAYS, 7, True),
        ("pending_window_days", PENDING_WINDOW_DAYS, 30, True),
        ("pending_window_days", PENDING_WINDOW_DAYS, 31, False),
        ("pending_window_days", PENDING_WINDOW_DAYS, 0, False),
    ],
)
def test_check_range(option, bounds, value, ok):
    errors = check_range(option, value, bounds)
    if ok:
        assert errors == []
    else:
        assert len(errors) == 1
        assert_names(errors[0], option, value)
        assert f"{bounds[0]} and {bounds[1]}" in str(errors[0])


def test_range_bounds_match_the_issue():
    assert ROTATION_DAYS == (90, 2560)
    assert PENDING_WINDOW_DAYS == (7, 30)


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
    errors = check_via_services(["dynamodb", bad])
    assert len(errors) == 1
    assert_names(errors[0], "via_services", bad)


@pytest.mark.parametrize("services", [[], None])
def test_check_via_services_needs_one(services):
    errors = check_via_services(services)
    assert len(errors) == 1
    assert_names(errors[0], "via_services", services)


# ---------------------------------------------------------------- tags


@pytest.mark.parametrize(
    "tags",
    [None, {}, {"team": "security"}, {"k" * 128: "v" * 256}, {"env": ""}, {"count": 3}, {"awsome": "x"},
     {"cmkops:other": "x"}],
)
def test_check_tags_accepts(tags):
    assert check_tags(tags) == []


@pytest.mark.parametrize(
    "key, value, reason",
    [
        ("aws:cloudformation:stack-name", "x", "aws:"),
        ("AWS:foo", "x", "aws:"),
        ("aws:", "x", "aws:"),
        (MARKER_PREFIX + "alias", "alias/x", MARKER_PREFIX),
        (MARKER_PREFIX + "attempt", "abc", MARKER_PREFIX),
        (MARKER_PREFIX + "anything", "abc", MARKER_PREFIX),
        ("", "x", "1-128"),
        ("k" * 129, "x", "1-128"),
        ("team", "v" * 257, "256"),
    ],
)
def test_check_tags_refuses(key, value, reason):
    errors = check_tags({"ok": "fine", key: value})
    assert len(errors) == 1
    err = errors[0]
    assert err.option == "tags"
    assert "tags" in str(err)
    assert repr(key) in str(err)
    assert reason in str(err)
    if len(value) > 256:
        assert value in str(err)


def test_check_tags_reports_every_bad_key():
    errors = check_tags({"aws:a": "1", "good": "2", MARKER_PREFIX + "b": "3", "c": "v" * 300})
    assert len(errors) == 3
    assert all(e.option == "tags" for e in errors)


@pytest.mark.parametrize(
    "tags, expected",
    [(None, {}), ({}, {}), ({"a": 1, "b": True, "c": "x"}, {"a": "1", "b": "True", "c": "x"})],
)
def test_user_tags_are_strings(tags, expected):
    assert user_tags(tags) == expected


# ---------------------------------------------------------------- description


@pytest.mark.parametrize("length, ok", [(0, True), (8192, True), (8193, False)])
def test_check_description(length, ok):
    errors = check_description("d" * length)
    assert (errors == []) is ok
    if not ok:
        assert errors[0].option == "description"
        assert "description" in str(errors[0]) and "ddd" in str(errors[0])


# ---------------------------------------------------------------- check_params


@pytest.mark.parametrize("needed", [True, False])
def test_check_params_valid(needed):
    assert check_params(valid_params(), org_paths_needed=needed) == []


@pytest.mark.parametrize(
    "overrides, needed, option, value",
    [
        ({"alias": "alias/aws/x"}, True, "alias", "alias/aws/x"),
        ({"account_id": "1234"}, True, "account_id", "1234"),
        ({"org_paths": None}, True, "org_paths", None),
        ({"org_paths": ["ou-ab12-cdef3456"]}, False, "org_paths", "ou-ab12-cdef3456"),
        ({"via_services": ["S3"]}, True, "via_services", "S3"),
        ({"description": "d" * 9000}, True, "description", "ddd"),
        ({"tags": {"aws:x": "y"}}, True, "tags", "aws:x"),
        ({"rotation_period_days": 89}, True, "rotation_period_days", 89),
        ({"pending_window_days": 31}, True, "pending_window_days", 31),
    ],
)
def test_check_params_single_error(overrides, needed, option, value):
    errors = check_params(valid_params(**overrides), org_paths_needed=needed)
    assert len(errors) == 1
    assert errors[0].option == option
    assert option in str(errors[0])
    assert str(value) in str(errors[0])


def test_check_params_missing_optional_keys():
    params = valid_params()
    for key in ("account_id", "org_paths", "tags"):
        del params[key]
    assert check_params(params, org_paths_needed=False) == []
    assert [e.option for e in check_params(params, org_paths_needed=True)] == ["org_paths"]


def test_check_params_aggregates_all_errors_in_option_order():
    params = valid_params(
        alias="bad alias",
        account_id="12",
        org_paths=["nope"],
        via_services=[],
        description="d" * 9000,
        tags={"aws:x": "y"},
        rotation_period_days=3000,
        pending_window_days=1,
    )
    errors = check_params(params, org_paths_needed=True)
    assert [e.option for e in errors] == [
        "alias", "account_id", "org_paths", "via_services", "description", "tags",
        "rotation_period_days", "pending_window_days",
    ]
    for err, value in zip(errors, ["bad alias", "12", "nope", "[]", "ddd", "aws:x", "3000", "1"]):
        assert err.option in str(err)
        assert value in str(err)
