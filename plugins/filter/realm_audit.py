# -*- coding: utf-8 -*-
# Copyright: cmkops contributors
# GNU General Public License v3.0+ (see https://www.gnu.org/licenses/gpl-3.0.txt)

from __future__ import annotations

DOCUMENTATION = r"""
name: realm_audit
short_description: One account's CMK audit from the audit module's results
version_added: 1.0.0
author:
  - cmkops contributors (@cmkops)
description:
  - Turns the results of M(cmkops.atlassian_cmk.atlassian_cmk_key_info), one per region of the realm, into
    the account's audit, that is per region the key's ARN, its state and its findings.
  - The C(cmkops.atlassian_cmk.realm_keys) role's C(audit) entry point sets its fact and stats from this filter.
options:
  _input:
    description: The registered loop results of the module, one per region (the C(results) list).
    type: list
    elements: dict
    required: true
  realm:
    description: The realm.
    type: str
    required: true
  alias:
    description: The alias audited, with or without the V(alias/) prefix.
    type: str
    required: true
  account_id:
    description: The account to report when no key names one (every alias missing).
    type: str
  fail_on:
    description:
      - Which findings fail the account (RV(_value.fails)), by their severity; V(warning) fails any finding, and
        V(never) none.
    type: str
    choices: [critical, warning, never]
    default: critical
    version_added: 2.0.0
  policy_template:
    description:
      - Which policy template the keys were compared with, as the C(cmkops.atlassian_cmk.realm_inputs) filter's
        C(policy_template_source) says; returned as given.
    type: dict
    version_added: 2.1.0
"""

EXAMPLES = r"""
- name: Keep the account's audit
  ansible.builtin.set_fact:
    audit: "{{ results.results | cmkops.atlassian_cmk.realm_audit(realm='europe', alias='atlassian-cmk-key') }}"
"""

RETURN = r"""
_value:
  description: The account's audit.
  type: dict
  contains:
    account_id:
      description: The AWS account.
      type: str
    realm:
      description: The realm.
      type: str
    alias:
      description: The alias audited, with the V(alias/) prefix.
      type: str
    regions:
      description:
        - Per region of the realm, in its order, V(region), V(key_arn), V(key_state), V(findings) and V(last_used)
          (the key's last cryptographic use as M(cmkops.atlassian_cmk.atlassian_cmk_key_info) returns it).
      type: list
      elements: dict
    compliant:
      description: Whether no region has a finding.
      type: bool
    policy_template:
      description: The policy template the keys were compared with (V(source), V(sha256), V(version)).
      type: dict
      version_added: 2.1.0
    fails:
      description:
        - The messages of the findings that fail the account with O(fail_on); empty when the account passes.
      type: list
      elements: str
      version_added: 2.0.0
"""

from ansible_collections.cmkops.atlassian_cmk.plugins.module_utils._cmk.severity import failing
from ansible_collections.cmkops.atlassian_cmk.plugins.module_utils._cmk.validate import alias_name


def realm_audit(results, realm, alias, account_id=None, fail_on="critical", policy_template=None):
    regions = [{"region": r["item"], "key_arn": (r.get("key") or {}).get("key_arn"),
                "key_state": (r.get("key") or {}).get("key_state"), "findings": list(r.get("findings") or []),
                "last_used": r.get("last_used")}
               for r in results]
    accounts = [r["key"]["account_id"] for r in results if r.get("key")]
    found = [f for region in regions for f in region["findings"]]
    return {"account_id": accounts[0] if accounts else (account_id or None), "realm": realm, "alias": alias_name(alias),
            "regions": regions, "compliant": not found, "fails": [f.get("message", f["code"]) for f in failing(found, fail_on)],
            "policy_template": policy_template}


class FilterModule:
    def filters(self):
        return {"realm_audit": realm_audit}
