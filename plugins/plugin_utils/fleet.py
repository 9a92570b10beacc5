# -*- coding: utf-8 -*-
# Copyright: cmkops contributors
# GNU General Public License v3.0+ (see https://www.gnu.org/licenses/gpl-3.0.txt)
"""Which accounts a site or audit run is for, pure: the hosts of the group atlassian_cmk_accounts, or, with no
inventory, the account of the current credentials. Never that account because an inventory failed."""

from __future__ import annotations

from typing import Any, List, Mapping, Union

GROUP = "atlassian_cmk_accounts"
ON_PURPOSE = "atlassian_cmk_current_account"


def _listed(value: Union[str, List[str], None]) -> List[str]:
    if not value:
        return []
    return [value] if isinstance(value, str) else list(value)


def fleet_problem(groups: Mapping[str, Any], sources: List[str], current_account: bool,
                  builtin_sources: Union[str, List[str], None]) -> str:
    """What is wrong with running over this inventory ("" when nothing is). ``builtin_sources`` is Ansible's own
    default inventory, which counts as no inventory given."""
    given = [s for s in sources if s not in _listed(builtin_sources)]
    if GROUP in groups:
        if current_account:
            return (f"{ON_PURPOSE}=true asks for the account of the current credentials, but the inventory has the "
                    f"group {GROUP} ({len(groups[GROUP])} hosts): unset {ON_PURPOSE}, or use an inventory without "
                    "the group")
        if not groups[GROUP]:
            return (f"the inventory's group {GROUP} has no hosts ({', '.join(sources)}), so no account would be "
                    "run; nothing was done")
        return ""
    if not given or current_account:
        return ""
    return (f"the inventory ({', '.join(given)}) has no group {GROUP}, so it names no AWS account: an inventory "
            "source that failed to load is dropped by Ansible with a warning (see above). Nothing was run, in any "
            f"account. Fix the inventory, or, to run for the account of the current credentials on purpose, set "
            f"{ON_PURPOSE}=true (or run with no inventory at all)")
