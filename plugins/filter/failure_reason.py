# -*- coding: utf-8 -*-
# Copyright: cmkops contributors
# GNU General Public License v3.0+ (see https://www.gnu.org/licenses/gpl-3.0.txt)

from __future__ import annotations

DOCUMENTATION = r"""
name: failure_reason
short_description: Why a task failed, in one line, from a rescue block's ansible_failed_result
version_added: 1.0.0
author:
  - cmkops contributors (@cmkops)
description:
  - A loop's failure says only "One or more items failed". This filter names each failed item with its own
    message, after the task's name.
  - The C(cmkops.atlassian_cmk.site) and C(cmkops.atlassian_cmk.audit) playbooks record it for a failed account.
  - Advice given as a module option (V(set adopt=true)) also names the C(cmkops.atlassian_cmk.realm_keys) role
    variable that sets it (V(atlassian_cmk_adopt)).
options:
  _input:
    description: The failed task's result (C(ansible_failed_result)).
    type: dict
    required: true
  task:
    description: The failed task's name (C(ansible_failed_task.name)).
    type: str
    default: ""
"""

EXAMPLES = r"""
- name: Record why the account failed
  ansible.builtin.set_fact:
    failure: "{{ ansible_failed_result | cmkops.atlassian_cmk.failure_reason(ansible_failed_task.name) }}"
"""

RETURN = r"""
_value:
  description: "V(<task>: <message>), or V(<task>: <item>: <message>; ...) for a loop."
  type: str
"""


import re

# The modules name their own options; a role user sets them through role variables. So the reason also names
# the variable: "set adopt=true" -> "set adopt=true (role variable atlassian_cmk_adopt)".
_ROLE_NAMES = (
    (re.compile(r"(?<![\w.])(adopt|cancel_pending_deletion|enabled)=(true|false)\b"),
     lambda m: f"{m.group(0)} (role variable atlassian_cmk_{m.group(1)})"),
    (re.compile(r"(?<![\w.])assume_role_arn='[^']*'"),
     lambda m: f"{m.group(0)} (role variable atlassian_cmk_assume_role_arn)"),
    (re.compile(r"no AWS credentials were found\."),
     lambda m: f"{m.group(0)} The realm_keys role also takes atlassian_cmk_profile and atlassian_cmk_assume_role_arn."),
)


def _role_names(message):
    for pattern, said in _ROLE_NAMES:
        message = pattern.sub(said, message)
    return message


def _label(item):
    """The role's loop items are regions, or a region and an alias: the alias is named when not the enrolled one."""
    if not isinstance(item, dict):
        return str(item if item is not None else "")
    other = item.get("successor") or item.get("retired")
    return f"{item.get('region', '')} {item.get('alias', '')}" if other else str(item.get("region", ""))


def failure_reason(result, task=""):
    result = result if isinstance(result, dict) else {}
    if isinstance(result.get("results"), list):
        why = "; ".join(f"{_label(r.get('item'))}: {r.get('msg', 'failed')}" for r in result["results"]
                        if isinstance(r, dict) and r.get("failed"))
    else:
        why = str(result.get("msg") or "")
    text = f"{task}: {_role_names(why)}" if task else _role_names(why)
    return text.strip() or "failed without a message"


class FilterModule:
    def filters(self):
        return {"failure_reason": failure_reason}
