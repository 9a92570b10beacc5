"""Tests for checking the other options (ranges, tags, description) and all of them at once (check_params)."""
from __future__ import annotations

import pytest

from ansible_collections.cmkops.atlassian_cmk.plugins.module_utils._cmk.policy import DEFAULT_VIA_SERVICES
from ansible_collections.cmkops.atlassian_cmk.plugins.module_utils._cmk.validate import MARKER_PREFIX
from ansible_collections.cmkops.atlassian_cmk.plugins.module_utils._cmk.validate import PENDING_WINDOW_DAYS
from ansible_collections.cmkops.atlassian_cmk.plugins.module_utils._cmk.validate import ROTATION_DAYS
from ansible_collections.cmkops.atlassian_cmk.plugins.module_utils._cmk.validate import check_description
from ansible_collections.cmkops.atlassian_cmk.plugins.module_utils._cmk.validate import check_params
from ansible_collections.cmkops.atlassian_cmk.plugins.module_utils._cmk.validate import check_range
from ansible_collections.cmkops.atlassian_cmk.plugins.module_utils._cmk.validate import check_tags
from ansible_collections.cmkops.atlassian_cmk.plugins.module_utils._cmk.validate import user_tags
from ansible_collections.cmkops.atlassian_cmk.tests.unit.plugins.module_utils.validate_samples import GOOD_ORG_PATHS
from ansible_collections.cmkops.atlassian_cmk.tests.unit.plugins.module_utils.validate_samples import only_error


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
        assert f"{bounds[0]} and {bounds[1]}" in str(only_error(errors, option, value))


def test_range_bounds_match_the_issue():
    assert ROTATION_DAYS == (90, 2560)
    assert PENDING_WINDOW_DAYS == (7, 30)


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


# ---------------------------------------------------------------- successor_alias


@pytest.mark.parametrize("value, reason", [("alias/aws/s3", "reserved"), ("bad alias!", "the name after alias/"),
                                           ("alias/atlassian-cmk-key", "is the key's own alias"),
                                           ("atlassian-cmk-key", "is the key's own alias")])
def test_a_bad_successor_alias_is_named(value, reason):
    errors = check_params(valid_params(successor_alias=value), org_paths_needed=True)
    assert [e.option for e in errors] == ["successor_alias"] and reason in str(errors[0])
    assert str(errors[0]).startswith(f"successor_alias={value!r}: ")


def test_a_successor_alias_of_its_own_is_accepted():
    assert check_params(valid_params(successor_alias="cmk-2027"), org_paths_needed=True) == []
