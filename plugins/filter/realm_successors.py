# -*- coding: utf-8 -*-
# Copyright: cmkops contributors
# GNU General Public License v3.0+ (see https://www.gnu.org/licenses/gpl-3.0.txt)

from __future__ import annotations

DOCUMENTATION = r"""
name: realm_successors
short_description: The successor keys a revocation of the realm_keys role covers, and a restoration reports
version_added: 1.1.0
author:
  - cmkops contributors (@cmkops)
description:
  - A revocation must cover every key Atlassian may hold. Besides the enrolled keys, that is each successor key
    made for re-encryption, whose ARN has been sent to Atlassian.
  - An enrolled key records its successor's alias (the M(cmkops.atlassian_cmk.atlassian_cmk_key) module's
    O(cmkops.atlassian_cmk.atlassian_cmk_key#module:successor_alias)). From what
    M(cmkops.atlassian_cmk.atlassian_cmk_key_info) read of the enrolled keys, this filter gives the ensure loop's
    items that disable those successor keys too, with no C(atlassian_cmk_successor_alias) needed in the run.
  - A restoration leaves them as they are, and they are reported with their state. A successor key is enabled
    again only by a run that names it in C(atlassian_cmk_successor_alias), so that a successor abandoned and
    retired stays disabled.
options:
  _input:
    description:
      - The registered loop results of the info module, whose items are the role's C(successor_reads) (see the
        C(cmkops.atlassian_cmk.realm_inputs) filter).
    type: list
    elements: dict
    required: true
  successor_alias:
    description: The run's own successor alias, whose items the ensure loop has already; V(null) without one.
    type: str
  enabled:
    description: The run's C(enabled), V(false) to revoke or V(true) to restore.
    type: bool
    required: true
  cancel_pending_deletion:
    description: The run's C(cancel_pending_deletion), carried by each item.
    type: bool
    default: false
    version_added: 1.2.0
"""

EXAMPLES = r"""
- name: Decide which successor keys the revocation covers
  ansible.builtin.set_fact:
    successors: "{{ reads.results | cmkops.atlassian_cmk.realm_successors(successor_alias=none, enabled=false) }}"
"""

RETURN = r"""
_value:
  description:
    - The ensure loop's items for the successor keys, in the form of the C(key_items) of the
      C(cmkops.atlassian_cmk.realm_inputs) filter (V(successor=true), V(enabled=false) to revoke, V(null) to leave
      as they are); empty without any.
  type: list
  elements: dict
"""

from ansible.errors import AnsibleFilterError

from ansible_collections.cmkops.atlassian_cmk.plugins.plugin_utils.lifecycle import recorded_successors


def realm_successors(reads, enabled, successor_alias=None, cancel_pending_deletion=False):
    if not isinstance(reads, list):
        raise AnsibleFilterError(f"realm_successors expects the registered results list, got {type(reads).__name__}")
    return recorded_successors(reads, successor_alias, enabled, cancel_pending_deletion)


class FilterModule:
    def filters(self):
        return {"realm_successors": realm_successors}
