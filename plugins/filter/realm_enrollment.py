# -*- coding: utf-8 -*-
# Copyright: cmkops contributors
# GNU General Public License v3.0+ (see https://www.gnu.org/licenses/gpl-3.0.txt)

from __future__ import annotations

DOCUMENTATION = r"""
name: realm_enrollment
short_description: One account's CMK enrolment from the realm_keys role's module results
version_added: 1.0.0
author:
  - cmkops contributors (@cmkops)
description:
  - Turns the results of M(cmkops.atlassian_cmk.atlassian_cmk_key), one per region the run manages, and the reads
    of the other regions of the realm, into what
    Atlassian's enrolment asks for, that is the account, the realm, one key ARN per region and the context tag.
  - Every region of the realm is reported. A region without a key has a V(null) ARN, and the enrolment is
    complete only when every region has an C(Enabled) key.
  - During a re-encryption it also gives the successor alias's ARNs, to send Atlassian with the request, and
    their state, since a revocation disables them too; and the keys of the retired alias.
  - The C(cmkops.atlassian_cmk.realm_keys) role sets its facts and stats from this filter.
options:
  _input:
    description:
      - The registered loop results of the module (the C(results) list), whose items are the role's
        C(key_items) and the retiring items, each with V(region), V(alias), V(managed), V(successor) and
        V(retired).
    type: list
    elements: dict
    required: true
  retirement:
    description: What the C(cmkops.atlassian_cmk.realm_retirement) filter decided, when the run retired keys.
    type: dict
  realm:
    description: The realm.
    type: str
    required: true
  context_tag:
    description: The context tag for Atlassian, empty when not chosen yet.
    type: str
    default: ""
  account_id:
    description: The account to report when no result names one (no key, or every region failed).
    type: str
  left_out:
    description:
      - The registered loop results of M(cmkops.atlassian_cmk.atlassian_cmk_key_info) for the regions the run leaves
        out, whose items are the role's C(left_out) (V(region), V(alias), V(successor)). They are reported as read,
        never written; a failed read is reported with its error.
    type: list
    elements: dict
    version_added: 1.2.0
  policy_template:
    description:
      - Which policy template the keys follow, as the C(cmkops.atlassian_cmk.realm_inputs) filter's
        C(policy_template_source) says (V(source), V(sha256), V(version)).
    type: dict
    version_added: 2.1.0
"""

EXAMPLES = r"""
- name: Keep the account's enrolment
  ansible.builtin.set_fact:
    enrollment: "{{ results.results | cmkops.atlassian_cmk.realm_enrollment(realm='europe', context_tag='AcmeCMK') }}"
"""

RETURN = r"""
_value:
  description: The account's enrolment.
  type: dict
  contains:
    account_id:
      description: The AWS account.
      type: str
    keys:
      description: >-
        Region to V(key_arn), V(key_id), V(alias), V(key_state), V(changed), V(managed) (false when only read),
        V(revoked_at) (when a disabled key was revoked, V(unknown), or V(null) when not disabled), V(fixed) (the
        finding codes the run put right, as M(cmkops.atlassian_cmk.atlassian_cmk_key) returns them) and V(last_used)
        (the key's last cryptographic use as the retire step read it, or V(null) when the run retired nothing).
      type: dict
    key_arns:
      description: The ARNs in the realm's order, V(null) for a region without a key.
      type: list
      elements: str
    entry:
      description: >-
        What the enrolment holds for the account: V(realm), V(alias), V(context_tag), V(key_arns)
        (region to ARN), V(complete), V(successor_alias) and V(successor_key_arns) (region to ARN; V(null)
        and an empty dictionary without a successor), V(successor_keys) (V(region), V(key_arn), V(key_state) and
        V(revoked_at) of each successor key: a revocation covers them), and V(retired_keys) (V(region), V(alias),
        V(key_arn), V(key_state), V(deletion_date) and V(last_used) of each retired key; empty when the run retired
        none), and V(policy_template) (what O(policy_template) says).
      type: dict
"""

from ansible_collections.cmkops.atlassian_cmk.plugins.module_utils._cmk.realms import REALMS
from ansible_collections.cmkops.atlassian_cmk.plugins.plugin_utils.lifecycle import retired_keys


def _key(result, managed):
    ok = not result.get("failed")
    return {
        "key_arn": result.get("key_arn") if ok else None,
        "key_id": result.get("key_id") if ok else None,
        "alias": result.get("alias"),
        "key_state": result.get("key_state") if ok and result.get("key_arn") else None,
        "changed": bool(result.get("changed")),
        "managed": managed,
        "revoked_at": result.get("revoked_at") if ok else None,
        "fixed": list(result.get("fixed") or []) if ok else [],
        "last_used": None,
        **({} if ok else {"error": str(result.get("msg", "failed"))}),
    }


def _read(result):
    """A read of a region the run leaves out (the info module's result) in the form of the ensure loop's."""
    key = result.get("key") or {}
    item = dict(result["item"], managed=False, retired=False)
    if result.get("failed"):
        return {"item": item, "failed": True, "msg": result.get("msg", "failed"), "alias": item["alias"]}
    return dict(key, item=item, alias=item["alias"], changed=False)


def realm_enrollment(results, realm, context_tag="", account_id=None, retirement=None, left_out=None,
                     policy_template=None):
    order = {region: n for n, region in enumerate(REALMS.get(realm, ()))}
    results = list(results) + [_read(r) for r in left_out or []]

    def in_realm_order(rows):
        rows = sorted(rows, key=lambda r: order.get(r["item"]["region"], len(order)))
        return {r["item"]["region"]: _key(r, r["item"]["managed"]) for r in rows}

    enrolled = [r for r in results if not r["item"]["successor"] and not r["item"]["retired"]]
    keys = in_realm_order(enrolled)
    for region, last in ((retirement or {}).get("last_used") or {}).get("enrolled", {}).items():
        if region in keys:
            keys[region]["last_used"] = last  # what the retire step read before its writes
    successors = in_realm_order([r for r in results if r["item"]["successor"]])
    accounts = [r.get("account_id") for r in results if not r.get("failed") and r.get("account_id")]
    entry = {
        "realm": realm,
        "alias": enrolled[0]["item"]["alias"] if enrolled else None,
        "context_tag": context_tag or None,
        "key_arns": {region: key["key_arn"] for region, key in keys.items()},
        "complete": bool(keys) and all(key["key_state"] == "Enabled" for key in keys.values()),
        "successor_alias": next((r["item"]["alias"] for r in results if r["item"]["successor"]), None),
        "successor_key_arns": {region: key["key_arn"] for region, key in successors.items()},
        "successor_keys": [{"region": region, "key_arn": key["key_arn"], "key_state": key["key_state"],
                            "revoked_at": key["revoked_at"]} for region, key in successors.items()],
        "retired_keys": retired_keys(retirement, results) if retirement else [],
        "policy_template": policy_template,
    }
    return {"account_id": accounts[0] if accounts else (account_id or None), "keys": keys,
            "key_arns": [key["key_arn"] for key in keys.values()], "entry": entry}


class FilterModule:
    def filters(self):
        return {"realm_enrollment": realm_enrollment}
