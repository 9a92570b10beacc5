"""Sample org paths and the error checks shared by the test_validate_*.py files (_cmk/validate.py).

Imported by its collection name, which works both under plain pytest (pytest.ini puts `collections` on
sys.path) and under `ansible-test units` (its collection loader); conftest.py has pytest rewrite its asserts.
"""
from __future__ import annotations

from ansible_collections.cmkops.atlassian_cmk.plugins.module_utils._cmk.validate import InvalidInput

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


def only_error(errors: list, option: str, value) -> InvalidInput:
    """The one error in ``errors``, which must name the option and the offending value."""
    assert len(errors) == 1
    assert_names(errors[0], option, value)
    return errors[0]
