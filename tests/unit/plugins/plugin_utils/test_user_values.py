"""Values as users write them: one reading for the role's variables and the inventory plugin's options."""

from __future__ import annotations

import pytest

from ansible_collections.cmkops.atlassian_cmk.plugins.module_utils._cmk.validate import InvalidInput
from ansible_collections.cmkops.atlassian_cmk.plugins.plugin_utils import user_values as uv


@pytest.mark.parametrize("value, expected", [
    (None, []),
    ("", []),
    ([], []),
    ("eu-west-1", ["eu-west-1"]),
    ("eu-west-1, eu-central-1", ["eu-west-1", "eu-central-1"]),
    ("eu-west-1 ,\n eu-central-1\n", ["eu-west-1", "eu-central-1"]),
    (["eu-west-1 ", "eu-central-1"], ["eu-west-1", "eu-central-1"]),
    (123456789012, [123456789012]),
])
def test_lists_as_users_write_them(value, expected):
    assert uv.as_list(value) == expected


@pytest.mark.parametrize("value, expected", [
    ("111122223333", "111122223333"),
    (" 111122223333 ", "111122223333"),
    ("012345678901", "012345678901"),
    (111122223333, "111122223333"),  # unquoted, still 12 digits
    (None, None),
    ("", None),
])
def test_account_ids_read(value, expected):
    assert uv.account_id(value, "x_account_id") == expected


@pytest.mark.parametrize("value, hint", [
    (12345678901, "quote it"),        # 012345678901 unquoted: the leading zero is gone
    (0o12345670123, "quote it"),      # 012345670123 unquoted is YAML 1.1 octal: 1402433619
    ("12345", "12-digit"),
    ("1111222233334", "12-digit"),
    ("acme-prod", "12-digit"),
    (True, "12-digit"),
    (111122223333.0, "12-digit"),
    (["111122223333"], "12-digit"),
])
def test_bad_account_ids_are_named_with_their_value(value, hint):
    with pytest.raises(InvalidInput) as e:
        uv.account_id(value, "x_account_id")
    assert str(e.value).startswith(f"x_account_id={value!r}: ") and hint in str(e.value)


def test_a_list_of_account_ids_names_the_first_bad_one():
    assert uv.account_ids([111122223333, "444455556666"], "exclude_accounts") == ["111122223333", "444455556666"]
    assert uv.account_ids("111122223333, 444455556666", "exclude_accounts") == ["111122223333", "444455556666"]
    with pytest.raises(InvalidInput, match=r"^exclude_accounts='12345': "):
        uv.account_ids(["111122223333", "12345"], "exclude_accounts")


@pytest.mark.parametrize("value", ["r-ab12", "ou-ab12-cdef3456", "ou-ab12-cdef34567890"])
def test_parent_ids_read(value):
    assert uv.parent_ids([value], "parents") == [value]


@pytest.mark.parametrize("value", ["ou-ab12", "o-abcdefghij", "OU-AB12-CDEF3456", "111122223333", 12, True])
def test_bad_parent_ids_are_named(value):
    with pytest.raises(InvalidInput) as e:
        uv.parent_ids([value], "parents")
    assert str(e.value).startswith(f"parents={value!r}: not an AWS Organizations root ID")


@pytest.mark.parametrize("value, expected", [
    (True, True), (False, False), ("false", False), ("False", False), ("no", False), ("off", False), ("0", False),
    ("n", False), (0, False), ("true", True), ("yes", True), ("on", True), ("1", True), (1, True), ("Y", True),
    (None, None), ("", None),
])
def test_booleans_read_as_ansible_reads_them(value, expected):
    assert uv.boolean(value, "x_adopt") is expected


def test_a_missing_boolean_takes_the_default():
    assert uv.boolean(None, "x_adopt", default=False) is False and uv.boolean("", "x_purge", default=True) is True


@pytest.mark.parametrize("value", ["maybe", "ture", "flase", "2", 2, 0.5, -1, ["false"], {"a": 1}])
def test_anything_else_is_not_a_boolean(value):
    with pytest.raises(InvalidInput) as e:
        uv.boolean(value, "x_cancel_pending_deletion")
    assert str(e.value).startswith(f"x_cancel_pending_deletion={value!r}: must be a boolean")


@pytest.mark.parametrize("value, expected", [(365, 365), ("365", 365), (" 90 ", 90), ("-5", -5), (None, None),
                                             ("", None)])
def test_whole_numbers_read(value, expected):
    assert uv.integer(value, "x_days") == expected


@pytest.mark.parametrize("value", ["abc", "365 days", "36.5", 365.0, 90.5, True, False, [365], "1e3"])
def test_text_floats_and_booleans_are_not_whole_numbers(value):
    with pytest.raises(InvalidInput) as e:
        uv.integer(value, "x_rotation_period_days")
    assert str(e.value) == f"x_rotation_period_days={value!r}: must be a whole number"
