# -*- coding: utf-8 -*-
# Copyright: cmkops contributors
# GNU General Public License v3.0+ (see https://www.gnu.org/licenses/gpl-3.0.txt)
"""The guard's remediation, pure: whether the deletion a KMS event scheduled may be cancelled."""

from __future__ import annotations

from typing import Any, Dict, Mapping, Optional, Tuple

from .compare import MARKER_ALIAS
from .plan import MARKER_SUPERSEDED
from .revocation import MARKER_RETIRED


def may_cancel(key_arn: str, alias: str, target: Optional[Mapping[str, Any]], meta: Optional[Mapping[str, Any]],
               tags: Mapping[str, str]) -> Tuple[bool, str]:
    """Cancel only the deletion of the key the enrolled ``alias`` points at (``target``), marked by this collection
    for that alias, neither retired nor superseded, and pending deletion. Every other key is left as it is: a
    successor or a retired key has another alias, or none, and a key KMS already deletes needs nothing."""
    if meta is None:
        return False, f"{key_arn}: no such key"
    if target is None or target.get("Arn") != key_arn:
        return False, (f"{alias} points at {target['Arn'] if target else 'no key'}, not at {key_arn}: a successor, "
                       "retired or other key is left as it is")
    if tags.get(MARKER_ALIAS) != alias:
        return False, f"{key_arn} has no {MARKER_ALIAS} tag for {alias}: not a key this collection enrolled"
    for marker, what in ((MARKER_RETIRED, "retired"), (MARKER_SUPERSEDED, "superseded")):
        if marker in tags:
            return False, f"{key_arn} is {what} ({marker}): its deletion was asked for"
    if meta.get("KeyState") != "PendingDeletion":
        return False, f"{key_arn} is {meta.get('KeyState')}: no deletion to cancel"
    return True, f"{key_arn}: deletion cancelled; the key stays Disabled until a run enables it"


def outcome(cancel: bool, reason: str, meta: Optional[Mapping[str, Any]], check_mode: bool) -> Dict[str, Any]:
    """The module's result: what was decided, and the key's state after it (Disabled after a cancellation)."""
    state = "Disabled" if cancel else (meta or {}).get("KeyState")
    return {"changed": cancel, "cancelled": cancel and not check_mode, "reason": reason, "key_state": state}
