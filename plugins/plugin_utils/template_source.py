# -*- coding: utf-8 -*-
# Copyright: cmkops contributors
# GNU General Public License v3.0+ (see https://www.gnu.org/licenses/gpl-3.0.txt)
"""Where the key policy template comes from: the pin a template from a URL must match, and what the reports
record about it (pure, but for ``collection_version``, which reads the collection's own metadata).

Atlassian publishes its template at a ``latest/`` address, and changes it. The template decides who can decrypt
the customer's data, so it never changes under a customer without review: a template fetched from a URL must be
pinned by its sha256, and a fetched template that does not match is refused, before any AWS call, naming both
checksums. The fetched file stays beside the report for review.
"""

from __future__ import annotations

import functools
import hashlib
import json
import re
from pathlib import Path
from typing import Any, Dict, List, Optional

import yaml

_URL = re.compile(r"^https?://\S+$")
_SHA256 = re.compile(r"^[0-9a-f]{64}$")
BUILT_IN = "built-in"


def is_url(source: Any) -> bool:
    return isinstance(source, str) and bool(_URL.match(source))


def sha256_of(text: str) -> str:
    return hashlib.sha256(text.encode("utf-8")).hexdigest()


def pin_errors(source: str, text: Optional[str], pin: Any, prefix: str, kept_at: str = "") -> List[str]:
    """Why the template from ``source`` (a URL or a controller path; "" for the built-in one) may not be used:
    a URL without a pin, a pin that is not a sha256, or a template whose sha256 is not the pin."""
    pin = pin.strip().lower() if isinstance(pin, str) else pin
    if pin and not (isinstance(pin, str) and _SHA256.match(pin)):
        return [f"{prefix}policy_template_sha256={pin!r}: not a sha256 (64 hexadecimal digits)"]
    if not source or text is None:
        return [f"{prefix}policy_template_sha256={pin!r}: there is no template file or URL to pin"] if pin else []
    got = sha256_of(text)
    kept = f" (kept for review at {kept_at})" if kept_at else ""
    if is_url(source) and not pin:
        return [f"{prefix}policy_template={source!r}: a template from a URL must be pinned; the one fetched has "
                f"sha256 {got}{kept}. Review it, then set {prefix}policy_template_sha256: {got}"]
    if pin and pin != got:
        return [f"{prefix}policy_template_sha256={pin!r}: the template at {source} has sha256 {got}, not the pinned "
                f"one{kept}. Review the change, move the pin, and run with --check --diff to see each key's policy "
                "change"]
    return []


def provenance(source: str, text: Optional[str], version: str) -> Dict[str, Optional[str]]:
    """What the reports record: the template's source and sha256, or the built-in one with the collection's
    version."""
    if not source:
        return {"source": BUILT_IN, "sha256": None, "version": version}
    return {"source": source, "sha256": sha256_of(text) if text is not None else None, "version": None}


def describe(record: Optional[Dict[str, Any]]) -> str:
    """For the reports: "https://… (sha256 ab12…)" or "built-in (cmkops.atlassian_cmk 2.1.0)"."""
    if not record:
        return ""
    if record.get("source") == BUILT_IN:
        return f"built-in (cmkops.atlassian_cmk {record.get('version')})"
    return f"{record.get('source')} (sha256 {record.get('sha256')})"


@functools.lru_cache(maxsize=None)
def collection_version(root: Optional[Path] = None) -> str:
    """This collection's version: MANIFEST.json's when installed, galaxy.yml's in a checkout (read once)."""
    root = root or Path(__file__).resolve().parents[2]
    manifest = root / "MANIFEST.json"
    if manifest.is_file():
        return str(json.loads(manifest.read_text(encoding="utf-8"))["collection_info"]["version"])
    galaxy = root / "galaxy.yml"
    return str(yaml.safe_load(galaxy.read_text(encoding="utf-8"))["version"]) if galaxy.is_file() else "unknown"
