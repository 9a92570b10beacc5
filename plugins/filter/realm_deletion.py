# -*- coding: utf-8 -*-
# Copyright: cmkops contributors
# GNU General Public License v3.0+ (see https://www.gnu.org/licenses/gpl-3.0.txt)

from __future__ import annotations

DOCUMENTATION = r"""
name: realm_deletion
short_description: Whether the realm_keys role may schedule the enrolled keys for deletion
version_added: 2.0.0
author:
  - cmkops contributors (@cmkops)
description:
  - With V(state=absent) the C(cmkops.atlassian_cmk.realm_keys) role schedules the enrolled keys for deletion,
    which destroys the data and the backups they protect once the window ends. This filter decides, from what
    M(cmkops.atlassian_cmk.atlassian_cmk_key_info) read of each key before any write, whether every key is
    quiet.
  - A key is not quiet when KMS saw a cryptographic use of it (C(GetKeyLastUsage)) within O(quiet_days), when
    KMS has tracked it for less than that, or when its last use is unknown. Each refusal names the region, the
    key's ARN, and the operation and its time. A key already pending deletion, or no key, is never refused.
options:
  _input:
    description:
      - The registered loop results of the info module, whose items are the role's C(deletion_reads) (see the
        C(cmkops.atlassian_cmk.realm_inputs) filter), each with V(region) and V(alias).
    type: list
    elements: dict
    required: true
  quiet_days:
    description: Days without use a key needs; V(0) refuses nothing.
    type: int
    default: 7
"""

EXAMPLES = r"""
- name: Refuse to delete keys still in use
  ansible.builtin.assert:
    that: reads.results | cmkops.atlassian_cmk.realm_deletion(quiet_days=7) | length == 0
"""

RETURN = r"""
_value:
  description: One message per key that is not quiet; empty when the deletion may go ahead.
  type: list
  elements: str
"""

from ansible.errors import AnsibleFilterError

from ansible_collections.cmkops.atlassian_cmk.plugins.module_utils._cmk.revocation import utc_now
from ansible_collections.cmkops.atlassian_cmk.plugins.plugin_utils.lifecycle import deletion_refusals


def realm_deletion(reads, quiet_days=7):
    if not isinstance(reads, list):
        raise AnsibleFilterError(f"realm_deletion expects the registered results list, got {type(reads).__name__}")
    return deletion_refusals(reads, quiet_days, utc_now())


class FilterModule:
    def filters(self):
        return {"realm_deletion": realm_deletion}
