"""GetKeyLastUsage, answered by the harness: moto does not implement it (it answers a bare HTTP 500).

A test gives ``FaultProxy`` a table, key ID (or ``"*"`` for every other key) to ``LastUsage``; the proxy answers
GetKeyLastUsage for the keys the table names, as KMS would, and forwards every other call (and the keys it does
not name) to moto::

    with FaultProxy(moto.url, last_usage={key_id: LastUsage("Decrypt", used_at=yesterday)}) as proxy:
        ...
"""

from __future__ import annotations

import json
import uuid
from dataclasses import dataclass
from datetime import datetime, timezone
from typing import Mapping, Optional

TRACKING_START = datetime(2025, 11, 1, tzinfo=timezone.utc)


@dataclass(frozen=True)
class LastUsage:
    operation: Optional[str] = None  # None: no cryptographic use since tracking started
    used_at: Optional[datetime] = None
    tracking_since: datetime = TRACKING_START
    error: str = ""  # an error code KMS answers instead, e.g. AccessDeniedException
    status: int = 400


def answer(table: Mapping[str, LastUsage], body: bytes) -> Optional[tuple[int, list[tuple[str, str]], bytes]]:
    """The HTTP answer to one GetKeyLastUsage request, or None when the table does not name its key."""
    key_id = str(json.loads(body or b"{}").get("KeyId", "")).rsplit("/", 1)[-1]
    entry = table.get(key_id, table.get("*"))
    if entry is None:
        return None
    headers = [("Content-Type", "application/x-amz-json-1.1"), ("x-amzn-RequestId", str(uuid.uuid4()))]
    if entry.error:
        payload = {"__type": entry.error, "message": f"injected {entry.error}"}
        return entry.status, headers + [("x-amzn-ErrorType", entry.error)], json.dumps(payload).encode()
    usage = {"Operation": entry.operation, "Timestamp": entry.used_at.timestamp(), "CloudTrailEventId": str(uuid.uuid4()),
             "KmsRequestId": str(uuid.uuid4())} if entry.operation and entry.used_at else {}
    payload = {"KeyId": key_id, "KeyLastUsage": usage, "TrackingStartDate": entry.tracking_since.timestamp(),
               "KeyCreationDate": entry.tracking_since.timestamp()}
    return 200, headers, json.dumps(payload).encode()
