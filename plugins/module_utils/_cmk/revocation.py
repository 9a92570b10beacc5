# -*- coding: utf-8 -*-
# Copyright: cmkops contributors
# GNU General Public License v3.0+ (see https://www.gnu.org/licenses/gpl-3.0.txt)
"""How long a key has been revoked, pure: the marker tag the module sets when it disables a key, and
Atlassian's limits. Atlassian can reinstate sites within 10 days of a revocation (with up to an hour of
data lost); beyond 20 days it may be unable to fully recover them.

A key retired after re-encryption is disabled too, on purpose and for good: it carries another marker, and
Atlassian's limits do not apply to it."""

from __future__ import annotations

from datetime import datetime, timedelta, timezone
from typing import Any, Mapping, Optional

from .validate import MARKER_PREFIX

MARKER_REVOKED = MARKER_PREFIX + "revoked-at"
MARKER_RETIRED = MARKER_PREFIX + "retired-at"
UNKNOWN = "unknown"  # disabled by someone else: when is not known
LIMITS = ((20, "Atlassian may be unable to fully recover the sites"),
          (10, "Atlassian can reinstate sites only within 10 days of a revocation"))
UTC_FORMAT = "%Y-%m-%dT%H:%M:%SZ"


def utc_now() -> str:
    return datetime.now(timezone.utc).strftime(UTC_FORMAT)


def utc_text(value: Any) -> Optional[str]:
    """A time as the module returns it (UTC, ISO 8601): boto3's datetime, or text already so."""
    if isinstance(value, datetime):
        return value.astimezone(timezone.utc).strftime(UTC_FORMAT)
    return value if value is None else str(value)


def days_after(now: str, days: int) -> str:
    """The deletion date a ScheduleKeyDeletion made at ``now`` sets, for the prediction of the run making it."""
    return (datetime.strptime(now, UTC_FORMAT) + timedelta(days=days)).strftime(UTC_FORMAT)


def revoked_at(state: Optional[str], tags: Mapping[str, str]) -> Optional[str]:
    """When a disabled key was revoked (UTC, ISO 8601), "unknown" without the marker, None when not disabled
    or when retired."""
    if state != "Disabled" or MARKER_RETIRED in tags:
        return None
    return tags.get(MARKER_REVOKED, UNKNOWN)


def days_revoked(since: Optional[str], now: str) -> Optional[int]:
    try:
        return (datetime.strptime(now, UTC_FORMAT) - datetime.strptime(since or "", UTC_FORMAT)).days
    except ValueError:
        return None


def warning(where: str, since: Optional[str], now: str) -> Optional[str]:
    """Once past 10 days, and again past 20: the limit passed, citing Atlassian's."""
    days = days_revoked(since, now)
    for limit, consequence in LIMITS:
        if days is not None and days >= limit:
            return f"{where} was revoked {days} days ago (at {since}), more than {limit} days: {consequence}"
    return None


def age(since: Optional[str], now: str) -> str:
    """For the report: "2026-11-01T09:00:00Z, 12 days ago", or "unknown"."""
    days = days_revoked(since, now)
    return f"{since}, {days} days ago" if days is not None else UNKNOWN
