from __future__ import annotations

import pytest

from ansible_collections.cmkops.atlassian_cmk.plugins.module_utils._cmk.realms import REALMS
from ansible_collections.cmkops.atlassian_cmk.plugins.module_utils._cmk.realms import UnknownRealmError
from ansible_collections.cmkops.atlassian_cmk.plugins.module_utils._cmk.realms import realm_regions


@pytest.mark.parametrize(
    "realm, regions",
    [
        ("europe", ["eu-central-1", "eu-west-1"]),
        ("united_states", ["us-east-1", "us-west-2"]),
        ("australia", ["ap-southeast-2"]),
        ("canada", ["ca-central-1"]),
        ("germany", ["eu-central-1"]),
        ("india", ["ap-south-1"]),
        ("japan", ["ap-northeast-1"]),
        ("south_korea", ["ap-northeast-2"]),
        ("singapore", ["ap-southeast-1"]),
        ("united_kingdom", ["eu-west-2"]),
    ],
)
def test_realm_regions(realm, regions):
    assert realm_regions(realm) == regions


def test_catalog_has_exactly_the_ten_realms():
    assert len(REALMS) == 10


@pytest.mark.parametrize("realm", ["mars", "Europe", "", None, "ca-cantral-1"])
def test_unknown_realm_lists_known_ones(realm):
    with pytest.raises(UnknownRealmError) as e:
        realm_regions(realm)
    assert repr(realm) in str(e.value)
    assert "europe" in str(e.value) and "united_kingdom" in str(e.value)


def test_returned_list_is_a_copy():
    realm_regions("europe").append("us-east-1")
    assert realm_regions("europe") == ["eu-central-1", "eu-west-1"]
