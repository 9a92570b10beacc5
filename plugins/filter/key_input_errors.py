# -*- coding: utf-8 -*-
# Copyright: cmkops contributors
# GNU General Public License v3.0+ (see https://www.gnu.org/licenses/gpl-3.0.txt)

from __future__ import annotations

DOCUMENTATION = r"""
name: key_input_errors
short_description: Check atlassian_cmk_key options without calling AWS
version_added: 0.1.0
author:
  - cmkops contributors (@cmkops)
description:
  - Runs the checks that the M(cmkops.atlassian_cmk.atlassian_cmk_key) module makes before its first AWS
    call, on a dictionary of its options, and returns one message per bad value.
  - Lets a role or playbook refuse bad variables up front, naming the variable and the value, with the
    module's own rules rather than a copy of them.
  - Options missing from the input are not checked, except V(org_paths), which the built-in policy
    template needs (unless O(audit=true)).
options:
  _input:
    description: The module's options, as a dictionary (for example V(alias), V(account_id), V(org_paths),
      V(tags), V(rotation_period_days), V(policy_template), V(state)).
    type: dict
    required: true
  prefix:
    description: Prepended to each option's name in the messages, such as V(atlassian_cmk_) for role variables.
    type: str
    default: ""
  audit:
    description:
      - Check with the rules of M(cmkops.atlassian_cmk.atlassian_cmk_key_info) instead, where V(org_paths) may
        be missing (the policy is then not compared).
    type: bool
    default: false
    version_added: 1.0.0
seealso:
  - module: cmkops.atlassian_cmk.atlassian_cmk_key
"""

EXAMPLES = r"""
- name: Refuse bad variables before any AWS call
  ansible.builtin.assert:
    that: errors | length == 0
    fail_msg: "{{ errors | join('; ') }}"
  vars:
    errors: >-
      {{ {'alias': cmk_alias, 'account_id': cmk_account_id, 'org_paths': cmk_org_paths}
         | cmkops.atlassian_cmk.key_input_errors(prefix='cmk_') }}
"""

RETURN = r"""
_value:
  description: One message per bad value, naming the option (with O(prefix)) and the value; empty when all is well.
  type: list
  elements: str
  sample: ["atlassian_cmk_alias='alias/aws/ebs': alias/aws/ is reserved for AWS managed keys"]
"""

from ansible.errors import AnsibleFilterError

from ansible_collections.cmkops.atlassian_cmk.plugins.module_utils._cmk.desired import audit_input_errors
from ansible_collections.cmkops.atlassian_cmk.plugins.module_utils._cmk.desired import input_errors
from ansible_collections.cmkops.atlassian_cmk.plugins.module_utils._cmk.validate import InvalidInput
from ansible_collections.cmkops.atlassian_cmk.plugins.plugin_utils.user_values import integer


def key_input_errors(options, prefix="", audit=False):
    if not isinstance(options, dict):
        raise AnsibleFilterError(f"key_input_errors expects a dictionary of options, got {type(options).__name__}")
    params = {k: v for k, v in options.items() if v is not None}
    unread = []
    for option in ("rotation_period_days", "pending_window_days"):
        try:
            value = integer(params.pop(option, None), option)  # templated variables arrive as text
        except InvalidInput as e:
            unread.append(e)
            continue
        if value is not None:
            params[option] = value
    errors = unread + (audit_input_errors(params, None) if audit else input_errors(params, None))
    return [str(e.renamed(prefix + e.option)) for e in errors]


class FilterModule:
    def filters(self):
        return {"key_input_errors": key_input_errors}
