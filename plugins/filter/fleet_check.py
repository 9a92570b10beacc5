# -*- coding: utf-8 -*-
# Copyright: cmkops contributors
# GNU General Public License v3.0+ (see https://www.gnu.org/licenses/gpl-3.0.txt)

from __future__ import annotations

DOCUMENTATION = r"""
name: fleet_check
short_description: Why the site and audit playbooks must not run on this inventory, before any AWS call
version_added: 1.1.0
author:
  - cmkops contributors (@cmkops)
description:
  - The C(cmkops.atlassian_cmk.site) and C(cmkops.atlassian_cmk.audit) playbooks run over the hosts of the group
    C(atlassian_cmk_accounts), one AWS account each, or, with no inventory at all, once on localhost for the
    account of the current credentials.
  - An inventory source that fails (an OU ID with a typo, expired credentials, throttling) is dropped by Ansible
    with a warning. Falling back to localhost then would run on the controller's own account, often the
    organization's management account. This filter names that case, so that the playbooks stop first.
  - An inventory counts as given when its sources are not Ansible's built-in default (C(-i), C(ANSIBLE_INVENTORY),
    the C(inventory) setting of C(ansible.cfg), or AWX's inventory). A given inventory must hold the group with at
    least one host, unless O(current_account=true) asks for the account of the current credentials on purpose.
options:
  _input:
    description: The inventory's groups (the C(groups) variable).
    type: dict
    required: true
  sources:
    description: The inventory's sources (the C(ansible_inventory_sources) variable).
    type: list
    elements: str
    required: true
  current_account:
    description:
      - The C(atlassian_cmk_current_account) variable. V(true) runs once on localhost, for the account of the
        current credentials, with an inventory that has no C(atlassian_cmk_accounts) group, as AWX's one-account
        job template does. It is refused beside such a group.
    type: raw
seealso:
  - plugin: cmkops.atlassian_cmk.aws_accounts
    plugin_type: inventory
"""

EXAMPLES = r"""
- name: Refuse an inventory that names no account, before any AWS call
  ansible.builtin.assert:
    that: problem | length == 0
    fail_msg: "{{ problem }}"
  vars:
    problem: "{{ groups | cmkops.atlassian_cmk.fleet_check(ansible_inventory_sources, atlassian_cmk_current_account | default(none)) }}"
"""

RETURN = r"""
_value:
  description: What is wrong, naming the inventory's sources and what to do; empty when the playbook may run.
  type: str
  sample: >-
    the inventory (/srv/org.aws_accounts.yml) has no group atlassian_cmk_accounts, so its accounts are unknown
    ...
"""

from ansible import constants as C
from ansible.errors import AnsibleFilterError

from ansible_collections.cmkops.atlassian_cmk.plugins.module_utils._cmk.validate import InvalidInput
from ansible_collections.cmkops.atlassian_cmk.plugins.plugin_utils.fleet import fleet_problem
from ansible_collections.cmkops.atlassian_cmk.plugins.plugin_utils.user_values import boolean


def fleet_check(groups, sources, current_account=None):
    if not isinstance(groups, dict):
        raise AnsibleFilterError(f"fleet_check expects the groups variable, got {type(groups).__name__}")
    try:
        wanted = boolean(current_account, "atlassian_cmk_current_account", default=False)
    except InvalidInput as e:
        return str(e)
    builtin = C.config.get_configuration_definition("DEFAULT_HOST_LIST").get("default")
    return fleet_problem(groups, list(sources or []), wanted, builtin)


class FilterModule:
    def filters(self):
        return {"fleet_check": fleet_check}
