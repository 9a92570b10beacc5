"""moto_server whose KMS ListAliases pages like AWS's (for the benchmarks' call counts).

moto 5.2 ignores ``Limit`` and ``Marker`` and returns every alias in one answer; AWS returns at
most ``Limit`` aliases (default 50, at most 100) with ``Truncated`` and ``NextMarker``. A client
that lists the account's aliases therefore makes one call on moto but ``ceil(n / 50)`` on AWS.
This launcher patches moto's KMS ListAliases response handler to page the same way, then runs the
normal moto server, taking the same arguments::

    python -m harness.moto_paged -H 127.0.0.1 -p 5000   # MotoServer(paged=True)

Nothing else changes; the recorder (``MOTO_RECORDER_FILEPATH``) works as usual.
"""

from __future__ import annotations

import json
import sys

DEFAULT_LIMIT = 50
MAX_LIMIT = 100


def page(answer: dict, limit, marker) -> dict:
    """One AWS-sized page of a full ListAliases answer; the marker is the next alias's index."""
    aliases = answer.get("Aliases", [])
    size = min(max(int(limit or DEFAULT_LIMIT), 1), MAX_LIMIT)
    start = int(marker) if marker else 0
    chunk = aliases[start:start + size]
    result = {"Aliases": chunk, "Truncated": start + size < len(aliases)}
    if result["Truncated"]:
        result["NextMarker"] = str(start + size)
    return result


def patch_moto() -> None:
    from moto.kms.responses import KmsResponse

    original = KmsResponse.list_aliases
    if getattr(original, "_paged", False):
        return

    def list_aliases(self) -> str:
        full = json.loads(original(self))
        return json.dumps(page(full, self._get_param("Limit"), self._get_param("Marker")))

    list_aliases._paged = True
    KmsResponse.list_aliases = list_aliases


def main(argv=None) -> None:
    patch_moto()
    from moto.server import main as moto_main

    moto_main(argv if argv is not None else sys.argv[1:])


if __name__ == "__main__":
    main()
