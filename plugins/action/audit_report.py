# -*- coding: utf-8 -*-
# Copyright: cmkops contributors
# GNU General Public License v3.0+ (see https://www.gnu.org/licenses/gpl-3.0.txt)
"""Writes the audit report on the controller, with no module process (see audit_report.yml)."""

from __future__ import annotations

import json
import os

from ansible_collections.cmkops.atlassian_cmk.plugins.plugin_utils.audit_report import Audited
from ansible_collections.cmkops.atlassian_cmk.plugins.plugin_utils.audit_report import document
from ansible_collections.cmkops.atlassian_cmk.plugins.plugin_utils.audit_report import render_markdown
from ansible_collections.cmkops.atlassian_cmk.plugins.plugin_utils.audit_report import render_table
from ansible_collections.cmkops.atlassian_cmk.plugins.plugin_utils.report import account_id_of
from ansible_collections.cmkops.atlassian_cmk.plugins.plugin_utils.report_action import ReportAction
from ansible_collections.cmkops.atlassian_cmk.plugins.plugin_utils.report_action import plain
from ansible_collections.cmkops.atlassian_cmk.plugins.plugin_utils.report_action import write_whole


class ActionModule(ReportAction):
    def report(self, directory, names, hostvars, in_run, now, check_mode):
        hosts = [Audited(name, account_id_of(hostvars[name].get("atlassian_cmk_account_id")),
                         str(hostvars[name].get("atlassian_cmk_failure") or ""),
                         plain(hostvars[name].get("atlassian_cmk_audit")))
                 for name in names if name in in_run]
        doc = document(hosts, now, check_mode)
        write_whole(os.path.join(directory, "audit.json"), json.dumps(doc, indent=2, sort_keys=True) + "\n")
        write_whole(os.path.join(directory, "audit.md"), render_markdown(doc))
        return {"table": render_table(doc), "compliant": doc["compliant"]}
