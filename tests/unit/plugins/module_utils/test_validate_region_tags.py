from __future__ import annotations

import pytest

from ansible_collections.cmkops.atlassian_cmk.plugins.module_utils._cmk.kms import known_regions
from ansible_collections.cmkops.atlassian_cmk.plugins.module_utils._cmk.validate import check_region, check_tags

KNOWN = ["eu-central-1", "us-east-1", "cn-north-1"]


@pytest.mark.parametrize("region, custom", [("eu-central-1", False), ("cn-north-1", False), ("xx-fake-7", True),
                                            ("us-gov-west-1", True)])
def test_regions_accepted(region, custom):
    assert check_region(region, KNOWN, custom) == []


@pytest.mark.parametrize("region, custom", [("EU-CENTRAL-1", False), ("EU-CENTRAL-1", True), ("eu-central", True),
                                            ("eu-central-1 ", False), ("xx-fake-7", False)])
def test_regions_refused_by_name(region, custom):
    errors = check_region(region, KNOWN, custom)
    assert len(errors) == 1 and errors[0].option == "region" and errors[0].value == region


def test_no_region_is_left_to_amazon_aws_which_says_where_one_comes_from():
    assert check_region(None, KNOWN, False) == []


def test_botocore_knows_the_realms_regions():
    regions = known_regions()
    assert {"eu-central-1", "eu-west-1", "ca-central-1", "ap-south-1", "ap-northeast-2"} <= set(regions)
    assert "EU-CENTRAL-1" not in regions


def test_47_user_tags_fit_beside_the_three_markers():
    assert check_tags({f"t{i}": "x" for i in range(47)}) == []
    errors = check_tags({f"t{i}": "x" for i in range(48)})
    assert [e.option for e in errors] == ["tags"] and "48 tags" in str(errors[0])


@pytest.mark.parametrize("value", [{"a": 1}, ["a"], None, True])
def test_tag_values_that_are_not_strings_or_numbers_are_refused(value):
    errors = check_tags({"team": value})
    assert len(errors) == 1 and "tag value must be a string or a number" in str(errors[0])


@pytest.mark.parametrize("value", ["x", 5, 1.5])
def test_tag_values_strings_and_numbers(value):
    assert check_tags({"team": value}) == []
