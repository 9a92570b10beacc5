# -*- coding: utf-8 -*-
# Copyright: cmkops contributors
# GNU General Public License v3.0+ (see https://www.gnu.org/licenses/gpl-3.0.txt)
"""The options and attributes of the action plugins that write a run's report on the controller."""


class ModuleDocFragment:
    DOCUMENTATION = r"""
options:
  dir:
    description: The directory on the controller; made if missing.
    type: path
    required: true
  hosts:
    description: The inventory's account hosts (the group C(atlassian_cmk_accounts), or V([localhost])).
    type: list
    elements: str
    required: true
attributes:
  diff_mode:
    support: none
    description: Shows no diff; the report's files are rewritten whole.
  action:
    support: full
    description: Runs on the controller as an action plugin; no module process.
"""
