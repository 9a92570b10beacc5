# -*- coding: utf-8 -*-
# Copyright: cmkops contributors
# GNU General Public License v3.0+ (see https://www.gnu.org/licenses/gpl-3.0.txt)
"""What the report action plugins share: their options, their files on the controller, the facts they read."""

from __future__ import annotations

import json
import os
import tempfile
from datetime import datetime, timezone

from ansible.errors import AnsibleActionFail
from ansible.plugins.action import ActionBase


def write_whole(path: str, text: str) -> None:
    """Whole or not at all: a reader never sees half a file."""
    fd, tmp = tempfile.mkstemp(dir=os.path.dirname(path), prefix=".tmp-")
    with os.fdopen(fd, "w") as f:
        f.write(text)
    os.chmod(tmp, 0o644)
    os.replace(tmp, path)


def read_json(path: str):
    try:
        with open(path) as f:
            return json.load(f)
    except (OSError, ValueError):
        return None


def plain(value):
    """Facts as plain JSON data (templated values may be tagged subclasses)."""
    return json.loads(json.dumps(value)) if value is not None else None


def report_args(args) -> tuple:
    """The report plugins' options, checked: (the directory resolved, the host names)."""
    directory, names = args.get("dir"), args.get("hosts")
    if not isinstance(directory, str) or not directory:
        raise AnsibleActionFail(f"dir={directory!r}: the report directory must be a path")
    if not isinstance(names, list):
        raise AnsibleActionFail(f"hosts={names!r}: must be the list of the inventory's account hosts")
    return os.path.realpath(os.path.expanduser(directory)), names


class ReportAction(ActionBase):
    """Runs on the controller with no module process; a subclass writes its report in ``report``."""

    TRANSFERS_FILES = False
    _supports_check_mode = True
    _requires_connection = False

    def run(self, tmp=None, task_vars=None):
        result = super().run(tmp, task_vars)
        directory, names = report_args(self._task.args)
        now = datetime.now(timezone.utc).strftime("%Y-%m-%dT%H:%M:%SZ")
        check_mode = bool(self._task.check_mode or self._play_context.check_mode)
        os.makedirs(directory, exist_ok=True)
        result.update(self.report(directory, names, task_vars["hostvars"],
                                  set(task_vars.get("ansible_play_hosts_all", [])), now, check_mode),
                      changed=False, dir=directory)  # the controller's record of the run, not a change to AWS
        return result

    def report(self, directory, names, hostvars, in_run, now, check_mode) -> dict:
        raise NotImplementedError
