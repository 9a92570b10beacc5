#!/usr/bin/python
# -*- coding: utf-8 -*-
# Copyright: cmkops contributors
# GNU General Public License v3.0+ (see https://www.gnu.org/licenses/gpl-3.0.txt)

DOCUMENTATION = r"""
---
module: audit_report
version_added: 1.0.0
short_description: Write the read-only audit report of a run's Atlassian Cloud CMK keys
description:
  - Writes, on the controller, C(audit.json) and C(audit.md) in O(dir), from the C(atlassian_cmk_audit) fact
    that the C(cmkops.atlassian_cmk.realm_keys) role's C(audit) entry point sets, and the failure the audit
    playbook recorded (C(atlassian_cmk_failure)).
  - C(audit.json) holds C(written_at) (ISO 8601, UTC), C(compliant), and per account of this run its
    C(status) (V(audited) or V(failed)), C(reason), C(realm), C(alias), C(compliant) and C(regions), each with
    C(region), C(key_arn), C(key_state) and C(findings).
  - Only the hosts of this run are reported (not those outside C(--limit)); the files are rewritten whole.
  - It never reports changed. Run it once (C(run_once)), after every account's audit; the
    C(cmkops.atlassian_cmk.audit) playbook does.
author:
  - cmkops contributors (@cmkops)
extends_documentation_fragment:
  - cmkops.atlassian_cmk.report
attributes:
  check_mode:
    support: full
    description: Writes the report in check mode too; the audit itself never writes to AWS.
seealso:
  - module: cmkops.atlassian_cmk.atlassian_cmk_key_info
"""

EXAMPLES = r"""
- name: Write the audit report
  cmkops.atlassian_cmk.audit_report:
    dir: cmk-audit
    hosts: "{{ groups['atlassian_cmk_accounts'] | default(['localhost']) }}"
  run_once: true
  register: audit
"""

RETURN = r"""
dir:
  description: The audit directory, resolved.
  returned: always
  type: str
  sample: /home/ops/cmk-audit
table:
  description: One line per key (account, region, state, finding codes), and one per failed host.
  returned: always
  type: list
  elements: str
compliant:
  description: Whether every key of every account of the run complies.
  returned: always
  type: bool
"""
