"""Has pytest rewrite the asserts of the helper modules the tests here share, as it does the tests' own."""
from __future__ import annotations

import pytest

pytest.register_assert_rewrite(
    "ansible_collections.cmkops.atlassian_cmk.tests.unit.plugins.module_utils.validate_samples")
