#!/usr/bin/python
# -*- coding: utf-8 -*-
# Copyright: cmkops contributors
# GNU General Public License v3.0+ (see https://www.gnu.org/licenses/gpl-3.0.txt)

DOCUMENTATION = r"""
---
module: enrollment_report
version_added: 1.0.0
short_description: Write the Atlassian Cloud CMK enrolment report of a run's accounts
description:
  - Writes, on the controller, one C(<account_id>.json) per account of the run and C(enrollment.md), the
    document to send Atlassian, from the facts the C(cmkops.atlassian_cmk.realm_keys) role set
    (C(atlassian_cmk_enrollment), C(atlassian_cmk_keys)) and the failure the site playbook recorded
    (C(atlassian_cmk_failure)).
  - The accounts reported are O(hosts), never the files found in O(dir). A host outside C(--limit) keeps
    the record its last run wrote, marked with the time of that run. A failed host keeps its last good
    record and is listed with the reason. An account ID is shown only when it is a valid 12-digit ID.
  - Each account's JSON holds C(written_at) (ISO 8601, UTC), C(check_mode) and C(complete) (every region of the
    realm has an C(Enabled) key).
  - It never reports changed, since the report is the controller's record of the run, not a change to AWS. It
    writes in check mode too, marking the records as predicted.
  - Run it once (C(run_once)), after every account's keys. The C(cmkops.atlassian_cmk.site) playbook does.
author:
  - cmkops contributors (@cmkops)
extends_documentation_fragment:
  - cmkops.atlassian_cmk.report
attributes:
  check_mode:
    support: full
    description: Writes the report in check mode too, with C(check_mode=true) in each account's JSON.
notes:
  - AWX keeps no files of a job. There the job output (the site playbook prints the report's table) and the
    C(set_stats) artifacts are what remains of a run.
seealso:
  - module: cmkops.atlassian_cmk.atlassian_cmk_key
"""

EXAMPLES = r"""
- name: Write the enrolment report
  cmkops.atlassian_cmk.enrollment_report:
    dir: cmk-report
    hosts: "{{ groups['atlassian_cmk_accounts'] | default(['localhost']) }}"
  run_once: true
  register: report

- name: Show the keys
  ansible.builtin.debug:
    msg: "{{ report.table }}"
  run_once: true
"""

RETURN = r"""
dir:
  description: The report directory, resolved.
  returned: always
  type: str
  sample: /home/ops/cmk-report
table:
  description: One line per key (account, region, state, ARN), and one per failed or unreported host.
  returned: always
  type: list
  elements: str
  sample: ["ACCOUNT       REGION        STATE    ARN",
           "111122223333  eu-central-1  Enabled  arn:aws:kms:eu-central-1:111122223333:key/1234abcd-12ab-34cd-56ef-1234567890ab"]
accounts:
  description: Host to its V(status) (V(run), V(failed) or V(outside)), V(account_id) and V(complete).
  returned: always
  type: dict
  sample: {"acme-prod": {"status": "run", "account_id": "111122223333", "complete": true}}
"""
