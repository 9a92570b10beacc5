"""Which accounts a site or audit run is for: never the controller's because an inventory failed."""

from __future__ import annotations

import pytest

from ansible_collections.cmkops.atlassian_cmk.plugins.filter.fleet_check import fleet_check
from ansible_collections.cmkops.atlassian_cmk.plugins.plugin_utils.fleet import fleet_problem

BUILTIN = ["/etc/ansible/hosts"]
EMPTY = {"all": [], "ungrouped": []}
FLEET = dict(EMPTY, atlassian_cmk_accounts=["acme-prod", "acme-dev"])
ORG = "/srv/org.aws_accounts.yml"

# (groups, sources, current_account, the problem's words or "" when the run may go on)
CASES = {
    "no inventory at all: the current account": (EMPTY, BUILTIN, False, ""),
    "no source at all": (EMPTY, [], False, ""),
    "a fleet": (FLEET, [ORG], False, ""),
    "a fleet from the built-in default": (FLEET, BUILTIN, False, ""),
    "a source that failed": (EMPTY, [ORG], False, f"the inventory ({ORG}) has no group atlassian_cmk_accounts"),
    "two sources, one built-in": (EMPTY, BUILTIN + [ORG], False, f"the inventory ({ORG}) has no group"),
    "an inventory without the group, on purpose": (EMPTY, [ORG], True, ""),
    "on purpose, beside a fleet": (FLEET, [ORG], True, "atlassian_cmk_current_account=true asks for the account"),
    "an empty fleet": (dict(EMPTY, atlassian_cmk_accounts=[]), [ORG], False, "group atlassian_cmk_accounts has no "
                       "hosts"),
}


@pytest.mark.parametrize("groups, sources, current_account, words", CASES.values(), ids=CASES.keys())
def test_the_run_goes_on_only_where_the_accounts_are_known(groups, sources, current_account, words):
    problem = fleet_problem(groups, sources, current_account, BUILTIN)
    assert (words in problem and problem) if words else problem == ""


def test_the_refusal_says_how_to_run_the_current_account_on_purpose():
    problem = fleet_problem(EMPTY, [ORG], False, "/etc/ansible/hosts")
    assert "atlassian_cmk_current_account=true" in problem and "Nothing was run, in any account" in problem


@pytest.mark.parametrize("value, words", [("yes", ""), ("true", ""), (True, ""), ("false", "has no group"),
                                          (None, "has no group"), ("", "has no group"),
                                          ("maybe", "atlassian_cmk_current_account='maybe': must be a boolean")])
def test_the_filter_reads_the_variable_as_users_write_it(value, words):
    problem = fleet_check(EMPTY, [ORG], value)
    assert (words in problem) if words else problem == ""
