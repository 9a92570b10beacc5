"""Kill a process and every descendant by PID, as a crash would (SIGKILL, no clean-up).

Ansible's workers call setsid(), so killing ansible-playbook's process group misses the module's
process; its descendants by parent PID (from /proc) are all found.
"""

from __future__ import annotations

import os
import signal
from pathlib import Path
from typing import List


def descendants(pid: int) -> List[int]:
    children: dict = {}
    for stat in Path("/proc").glob("[0-9]*/stat"):
        try:
            fields = stat.read_text().rsplit(")", 1)[1].split()
        except (OSError, IndexError):
            continue  # gone meanwhile
        children.setdefault(int(fields[1]), []).append(int(stat.parent.name))
    found, todo = [], [pid]
    while todo:
        for child in children.get(todo.pop(), []):
            found.append(child)
            todo.append(child)
    return found


def kill_tree(pid: int) -> List[int]:
    """SIGKILL ``pid`` and its descendants (found first, so none is re-parented away); return them."""
    victims = [pid] + descendants(pid)
    for victim in victims:
        try:
            os.kill(victim, signal.SIGKILL)
        except ProcessLookupError:
            pass
    return victims
