from __future__ import annotations

import pytest
from ansible.errors import AnsibleFilterError

from ansible_collections.cmkops.atlassian_cmk.plugins.filter.realm_regions import FilterModule


def test_filter_returns_regions():
    f = FilterModule().filters()["realm_regions"]
    assert f("united_states") == ["us-east-1", "us-west-2"]


def test_filter_unknown_realm_is_a_filter_error():
    f = FilterModule().filters()["realm_regions"]
    with pytest.raises(AnsibleFilterError, match="unknown realm 'atlantis'"):
        f("atlantis")
