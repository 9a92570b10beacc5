# -*- coding: utf-8 -*-
# Copyright: cmkops contributors
# GNU General Public License v3.0+ (see https://www.gnu.org/licenses/gpl-3.0.txt)
"""Writes the enrolment report on the controller, with no module process (see enrollment_report.yml)."""

from __future__ import annotations

import json
import os
import tempfile
from datetime import datetime, timezone

from ansible.errors import AnsibleActionFail
from ansible.plugins.action import ActionBase

from ansible_collections.cmkops.atlassian_cmk.plugins.plugin_utils.report import Host
from ansible_collections.cmkops.atlassian_cmk.plugins.plugin_utils.report import account_id_of
from ansible_collections.cmkops.atlassian_cmk.plugins.plugin_utils.report import account_record
from ansible_collections.cmkops.atlassian_cmk.plugins.plugin_utils.report import render_markdown
from ansible_collections.cmkops.atlassian_cmk.plugins.plugin_utils.report import render_table
from ansible_collections.cmkops.atlassian_cmk.plugins.plugin_utils.report import sections


def _write(path: str, text: str) -> None:
    """Whole or not at all: a reader never sees half a file."""
    fd, tmp = tempfile.mkstemp(dir=os.path.dirname(path), prefix=".tmp-")
    with os.fdopen(fd, "w") as f:
        f.write(text)
    os.chmod(tmp, 0o644)
    os.replace(tmp, path)


def _read(path: str):
    try:
        with open(path) as f:
            return json.load(f)
    except (OSError, ValueError):
        return None


def _plain(value):
    """Facts as plain JSON data (templated values may be tagged subclasses)."""
    return json.loads(json.dumps(value)) if value is not None else None


class ActionModule(ActionBase):
    TRANSFERS_FILES = False
    _supports_check_mode = True
    _requires_connection = False

    def run(self, tmp=None, task_vars=None):
        result = super().run(tmp, task_vars)
        args = self._task.args
        directory = args.get("dir")
        names = args.get("hosts")
        if not isinstance(directory, str) or not directory:
            raise AnsibleActionFail(f"dir={directory!r}: the report directory must be a path")
        if not isinstance(names, list):
            raise AnsibleActionFail(f"hosts={names!r}: must be the list of the inventory's account hosts")
        directory = os.path.realpath(os.path.expanduser(directory))
        now = datetime.now(timezone.utc).strftime("%Y-%m-%dT%H:%M:%SZ")
        check_mode = bool(self._task.check_mode or self._play_context.check_mode)
        hostvars = task_vars["hostvars"]
        in_run = set(task_vars.get("ansible_play_hosts_all", []))

        hosts = []
        for name in names:
            hv = hostvars[name]
            hosts.append(Host(name, name in in_run, str(hv.get("atlassian_cmk_failure") or ""),
                              account_id_of(hv.get("atlassian_cmk_account_id")),
                              _plain(hv.get("atlassian_cmk_enrollment")) if name in in_run else None,
                              _plain(hv.get("atlassian_cmk_keys")) if name in in_run else None))
        records = {}
        for host in hosts:
            record = account_record(host, now, check_mode)
            if record:
                records[record["account_id"]] = record
        os.makedirs(directory, exist_ok=True)
        previous = {h.account_id: _read(os.path.join(directory, f"{h.account_id}.json"))
                    for h in hosts if h.account_id and h.account_id not in records}
        report = sections(hosts, {k: v for k, v in previous.items() if v}, records)
        for account_id, record in records.items():
            _write(os.path.join(directory, f"{account_id}.json"), json.dumps(record, indent=2, sort_keys=True) + "\n")
        _write(os.path.join(directory, "enrollment.md"), render_markdown(report, now))

        result.update(
            changed=False,  # the report is the controller's record of the run, not a change to AWS
            dir=directory,
            table=render_table(report),
            accounts={s.host: {"status": s.status, "account_id": s.account_id,
                               "complete": bool(s.record and s.record.get("complete"))} for s in report},
        )
        return result
