# -*- coding: utf-8 -*-
# Copyright: cmkops contributors
# GNU General Public License v3.0+ (see https://www.gnu.org/licenses/gpl-3.0.txt)
"""Writes the enrolment report on the controller, with no module process (see enrollment_report.yml)."""

from __future__ import annotations

import json
import os

from ansible_collections.cmkops.atlassian_cmk.plugins.plugin_utils.report import Host
from ansible_collections.cmkops.atlassian_cmk.plugins.plugin_utils.report import account_id_of
from ansible_collections.cmkops.atlassian_cmk.plugins.plugin_utils.report import account_record
from ansible_collections.cmkops.atlassian_cmk.plugins.plugin_utils.report import render_markdown
from ansible_collections.cmkops.atlassian_cmk.plugins.plugin_utils.report import render_table
from ansible_collections.cmkops.atlassian_cmk.plugins.plugin_utils.report import sections
from ansible_collections.cmkops.atlassian_cmk.plugins.plugin_utils.report_action import ReportAction
from ansible_collections.cmkops.atlassian_cmk.plugins.plugin_utils.report_action import plain
from ansible_collections.cmkops.atlassian_cmk.plugins.plugin_utils.report_action import read_json
from ansible_collections.cmkops.atlassian_cmk.plugins.plugin_utils.report_action import write_whole


class ActionModule(ReportAction):
    def report(self, directory, names, hostvars, in_run, now, check_mode):
        hosts = []
        for name in names:
            hv = hostvars[name]
            hosts.append(Host(name, name in in_run, str(hv.get("atlassian_cmk_failure") or ""),
                              account_id_of(hv.get("atlassian_cmk_account_id")),
                              plain(hv.get("atlassian_cmk_enrollment")) if name in in_run else None,
                              plain(hv.get("atlassian_cmk_keys")) if name in in_run else None))
        records = {}
        for host in hosts:
            record = account_record(host, now, check_mode)
            if record:
                records[record["account_id"]] = record
        previous = {h.account_id: read_json(os.path.join(directory, f"{h.account_id}.json"))
                    for h in hosts if h.account_id and h.account_id not in records}
        report = sections(hosts, {k: v for k, v in previous.items() if v}, records)
        for account_id, record in records.items():
            write_whole(os.path.join(directory, f"{account_id}.json"), json.dumps(record, indent=2, sort_keys=True) + "\n")
        write_whole(os.path.join(directory, "enrollment.md"), render_markdown(report, now))
        return {"table": render_table(report),
                "accounts": {s.host: {"status": s.status, "account_id": s.account_id,
                                      "complete": bool(s.record and s.record.get("complete"))} for s in report}}
