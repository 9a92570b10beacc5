# -*- coding: utf-8 -*-
# Copyright: cmkops contributors
# GNU General Public License v3.0+ (see https://www.gnu.org/licenses/gpl-3.0.txt)

from __future__ import annotations

DOCUMENTATION = r"""
name: realm_retirement
short_description: Whether and where the realm_keys role may retire the old alias's keys
version_added: 1.0.0
author:
  - cmkops contributors (@cmkops)
description:
  - Re-encryption's last step retires the keys Atlassian no longer uses. This filter decides it from what
    M(cmkops.atlassian_cmk.atlassian_cmk_key_info) read of the enrolled alias and the retired alias in each
    region, before any write.
  - A region where the enrolled alias has no key, has a key that is not C(Enabled), or points at the very key
    that would be retired, is refused, with a message naming the region and what is missing.
  - So is a region whose old key is not quiet (since 2.0.0), that is KMS saw a cryptographic use of it
    (C(GetKeyLastUsage)) within O(quiet_days), has tracked it for less than that, or its last use is unknown.
    The message names the region, the key's ARN, and the operation and its time.
  - The C(cmkops.atlassian_cmk.realm_keys) role refuses the whole run when any region is refused.
options:
  _input:
    description:
      - The registered loop results of the info module, whose items are the role's C(read_items) (see the
        C(cmkops.atlassian_cmk.realm_inputs) filter), each with V(region), V(alias) and V(retired).
    type: list
    elements: dict
    required: true
  retire_state:
    description:
      - V(disabled) or V(absent). An old key already pending deletion is left alone when disabling.
    type: str
    default: disabled
  quiet_days:
    description: Days without use an old key needs before it is retired; V(0) skips the check.
    type: int
    default: 7
    version_added: 2.0.0
"""

EXAMPLES = r"""
- name: Decide where the old keys are retired
  ansible.builtin.set_fact:
    retirement: "{{ reads.results | cmkops.atlassian_cmk.realm_retirement(retire_state='disabled') }}"
"""

RETURN = r"""
_value:
  description: The decision.
  type: dict
  contains:
    refusals:
      description: One message per region where retiring is refused; empty when it may go ahead.
      type: list
      elements: str
    regions:
      description: The regions whose old key is retired now.
      type: list
      elements: str
    alias:
      description: The retired alias, with the V(alias/) prefix.
      type: str
    items:
      description: The ensure loop's items that retire the old keys, in the form of the C(key_items) of
        the C(cmkops.atlassian_cmk.realm_inputs) filter.
      type: list
      elements: dict
    keys:
      description: Region to the old key as read (the info module's C(key)), or V(null) without one.
      type: dict
    last_used:
      description:
        - V(enrolled) and V(retired), each region to that key's last use as read (the info module's
          C(last_used)).
      type: dict
      version_added: 2.0.0
"""

from ansible.errors import AnsibleFilterError

from ansible_collections.cmkops.atlassian_cmk.plugins.module_utils._cmk.revocation import utc_now
from ansible_collections.cmkops.atlassian_cmk.plugins.plugin_utils.lifecycle import retirement


def realm_retirement(reads, retire_state="disabled", quiet_days=7):
    if not isinstance(reads, list):
        raise AnsibleFilterError(f"realm_retirement expects the registered results list, got {type(reads).__name__}")
    return retirement(reads, retire_state, quiet_days, utc_now())


class FilterModule:
    def filters(self):
        return {"realm_retirement": realm_retirement}
