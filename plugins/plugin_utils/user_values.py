# -*- coding: utf-8 -*-
# Copyright: cmkops contributors
# GNU General Public License v3.0+ (see https://www.gnu.org/licenses/gpl-3.0.txt)
"""Values as users write them, read one way for the role's variables and the inventory plugin's options.

YAML, ``-e name=value`` and AWX surveys hand the same setting over as different types: an account ID as a
number, a boolean as the text ``"false"``, a number of days as text. Each reader returns the typed value or
raises ``InvalidInput`` naming the variable and the value; none calls AWS. An empty value (``None`` or ``""``)
is the setting not given.
"""

from __future__ import annotations

import re
from typing import Any, List, Optional

from ansible.module_utils.parsing.convert_bool import boolean as ansible_boolean

from ansible_collections.cmkops.atlassian_cmk.plugins.module_utils._cmk.validate import InvalidInput
from ansible_collections.cmkops.atlassian_cmk.plugins.module_utils._cmk.validate import is_account_id

# Organizations' IDs: a root r-xxxx, an OU ou-xxxx-xxxxxxxx.
_PARENT_ID = re.compile(r"^(r-[0-9a-z]{4,32}|ou-[0-9a-z]{4,32}-[a-z0-9]{8,32})$")


def given(value: Any) -> bool:
    return value is not None and value != ""


def as_list(value: Any) -> List[Any]:
    """A list as users write one: a list, one value, or a string separated by commas or new lines."""
    if not given(value):
        return []
    if isinstance(value, str):
        value = re.split(r"[,\n]", value)
    elif not isinstance(value, (list, tuple)):
        value = [value]
    return [item.strip() if isinstance(item, str) else item for item in value
            if not (isinstance(item, str) and not item.strip())]


def account_id(value: Any, name: str) -> Optional[str]:
    """A 12-digit account ID as text, from text or from a number YAML read; None when not given."""
    if not given(value):
        return None
    if isinstance(value, int) and not isinstance(value, bool):
        if len(str(value)) == 12:
            return str(value)
        raise InvalidInput(name, value, "YAML read the account ID as a number, which loses its leading zeros (and "
                           f"reads one that starts with 0 as octal); quote it, as in {name}: \"012345678901\"")
    if isinstance(value, str) and is_account_id(value.strip()):
        return value.strip()
    raise InvalidInput(name, value, "must be a 12-digit AWS account ID")


def account_ids(value: Any, name: str) -> List[str]:
    """A list of account IDs (see ``as_list``); the first bad one is named."""
    return [account_id(item, name) for item in as_list(value)]


def parent_ids(value: Any, name: str) -> List[str]:
    """A list of AWS Organizations root (r-...) or OU (ou-...-...) IDs."""
    out = []
    for item in as_list(value):
        if not (isinstance(item, str) and _PARENT_ID.match(item)):
            raise InvalidInput(name, item, "not an AWS Organizations root ID (r-...) or OU ID (ou-...-...)")
        out.append(item)
    return out


def boolean(value: Any, name: str, default: Optional[bool] = None) -> Optional[bool]:
    """Ansible's own reading of a boolean (true/false, yes/no, on/off, 1/0, ...); anything else is refused."""
    if not given(value):
        return default
    try:
        return ansible_boolean(value, strict=True)
    except TypeError:
        raise InvalidInput(name, value, "must be a boolean: true or false (also yes/no, on/off, 1/0)") from None


def integer(value: Any, name: str, default: Optional[int] = None) -> Optional[int]:
    """A whole number, from a number or its digits as text; text, floats and booleans are refused."""
    if not given(value):
        return default
    if isinstance(value, int) and not isinstance(value, bool):
        return value
    if isinstance(value, str) and re.fullmatch(r"\s*-?[0-9]+\s*", value):
        return int(value)
    raise InvalidInput(name, value, "must be a whole number")
