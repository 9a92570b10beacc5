# -*- coding: utf-8 -*-
# Copyright: cmkops contributors
# GNU General Public License v3.0+ (see https://www.gnu.org/licenses/gpl-3.0.txt)

from __future__ import annotations

DOCUMENTATION = r"""
name: realm_regions
short_description: The AWS regions of an Atlassian Cloud CMK realm
version_added: 0.1.0
author:
  - cmkops contributors (@cmkops)
description:
  - Returns the ordered list of AWS regions of an Atlassian Cloud customer-managed keys (CMK) realm,
    one KMS key being needed in each.
  - The catalog is the one the M(cmkops.atlassian_cmk.atlassian_cmk_key) module and the
    C(cmkops.atlassian_cmk.realm_keys) role use.
  - Atlassian's documentation spells Canada's region V(ca-cantral-1); that is a typo for V(ca-central-1),
    which is what this filter returns.
options:
  _input:
    description: The realm's name.
    type: str
    required: true
    choices:
      - europe
      - united_states
      - australia
      - canada
      - germany
      - india
      - japan
      - south_korea
      - singapore
      - united_kingdom
seealso:
  - name: Atlassian CMK realms
    description: Atlassian's list of realms and regions for customer-managed keys.
    link: https://support.atlassian.com/organization-administration/docs/set-up-your-aws-account-and-create-a-kms-key-policy/
"""

EXAMPLES = r"""
- name: Show the regions of the Europe realm
  ansible.builtin.debug:
    msg: "{{ 'europe' | cmkops.atlassian_cmk.realm_regions }}"
  # => ["eu-central-1", "eu-west-1"]
"""

RETURN = r"""
_value:
  description: The realm's regions, in Atlassian's order.
  type: list
  elements: str
  sample: ["eu-central-1", "eu-west-1"]
"""

from ansible.errors import AnsibleFilterError

from ansible_collections.cmkops.atlassian_cmk.plugins.module_utils._cmk.realms import UnknownRealmError
from ansible_collections.cmkops.atlassian_cmk.plugins.module_utils._cmk.realms import realm_regions


def _realm_regions(realm):
    try:
        return realm_regions(realm)
    except UnknownRealmError as e:
        raise AnsibleFilterError(f"realm_regions: {e}") from None


class FilterModule:
    def filters(self):
        return {"realm_regions": _realm_regions}
