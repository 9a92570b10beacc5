# -*- coding: utf-8 -*-
# Copyright: cmkops contributors
# GNU General Public License v3.0+ (see https://www.gnu.org/licenses/gpl-3.0.txt)
"""A key's last cryptographic use, pure: KMS's GetKeyLastUsage answer as the modules return it, what a read that
failed says instead, and how long a key has been quiet.

KMS records a key's last successful cryptographic operation (Encrypt, Decrypt, GenerateDataKey, ...) from its
tracking start, the later of the key's creation and the day KMS began tracking. Atlassian's use of an enrolled
key is exactly such operations, so the answer is evidence of whether Atlassian uses the key. A read that fails
(denied, or an endpoint without GetKeyLastUsage) is "unknown", never "unused".
"""

from __future__ import annotations

from datetime import datetime
from typing import Any, Dict, Mapping, Optional

from .revocation import UTC_FORMAT, utc_text

PERMISSION = "kms:GetKeyLastUsage"
DENIED = frozenset({"AccessDeniedException", "AccessDenied"})
UNSUPPORTED = frozenset({"UnknownOperationException", "InvalidAction", "NotImplemented"})


def last_used(answer: Mapping[str, Any]) -> Dict[str, Any]:
    """GetKeyLastUsage's answer: the operation and its time, or None for both when the key has had no
    cryptographic use since ``tracking_since``."""
    usage = answer.get("KeyLastUsage") or {}
    return {"known": True, "operation": usage.get("Operation"), "used_at": utc_text(usage.get("Timestamp")),
            "tracking_since": utc_text(answer.get("TrackingStartDate")),
            "cloudtrail_event_id": usage.get("CloudTrailEventId"), "reason": None}


def unknown(reason: str) -> Dict[str, Any]:
    return {"known": False, "operation": None, "used_at": None, "tracking_since": None, "cloudtrail_event_id": None,
            "reason": reason}


def unknown_reason(code: Optional[str], message: str = "", status: int = 0) -> str:
    """Why the last use is unknown, naming the permission the read needs."""
    if code in DENIED or status == 403:
        return f"GetKeyLastUsage was denied ({code}); allow {PERMISSION} to read the key's last use"
    if code in UNSUPPORTED or status in (404, 501) or (status >= 500 and not (code or "").isalpha()):
        return (f"this KMS endpoint does not answer GetKeyLastUsage (HTTP {status or '?'}, {code or 'no code'}); "
                f"AWS KMS answers it, with {PERMISSION} allowed")
    detail = f": {message}" if message else ""
    return f"GetKeyLastUsage failed ({code or 'no answer'}{detail}); it needs {PERMISSION}"


def _time(text: Optional[str]) -> Optional[datetime]:
    try:
        return datetime.strptime(text or "", UTC_FORMAT)
    except ValueError:
        return None


def quiet_days(last: Optional[Mapping[str, Any]], now: str) -> Optional[float]:
    """Days since the key's last cryptographic use; with none since tracking started, the days since then (a
    lower bound). None when not known."""
    if not last or not last.get("known"):
        return None
    since, at = _time(now), _time(last.get("used_at")) or _time(last.get("tracking_since"))
    return None if since is None or at is None else (since - at).total_seconds() / 86400


def describe(last: Optional[Mapping[str, Any]]) -> str:
    """For the reports: "Decrypt at 2026-11-30T10:00:00Z", "no use since 2026-06-01T00:00:00Z (tracking start)",
    or "unknown (reason)"; "" when not read."""
    if not last:
        return ""
    if not last.get("known"):
        return f"unknown ({last.get('reason')})"
    if last.get("used_at"):
        return f"{last.get('operation')} at {last['used_at']}"
    return f"no use since {last.get('tracking_since')} (tracking start)"
