# -*- coding: utf-8 -*-
# Copyright: cmkops contributors
# GNU General Public License v3.0+ (see https://www.gnu.org/licenses/gpl-3.0.txt)
"""The audit report, pure: this run's accounts in, audit.json's document, audit.md and a table out."""

from __future__ import annotations

from typing import Any, Dict, List, NamedTuple, Optional

from ansible_collections.cmkops.atlassian_cmk.plugins.module_utils._cmk.usage import describe
from ansible_collections.cmkops.atlassian_cmk.plugins.plugin_utils.template_source import describe as template_text


class Audited(NamedTuple):
    """One inventory host as the audit left it."""
    name: str
    account_id: Optional[str]        # the inventory's atlassian_cmk_account_id, when a valid ID
    failure: str                     # "" when the host did not fail
    audit: Optional[Dict[str, Any]]  # the role's atlassian_cmk_audit fact


def document(hosts: List[Audited], written_at: str, check_mode: bool) -> Dict[str, Any]:
    accounts = []
    for host in hosts:
        audit = host.audit if not host.failure else None
        accounts.append({
            "host": host.name,
            "account_id": (audit or {}).get("account_id") or host.account_id,
            "status": "failed" if host.failure else "audited",
            "reason": host.failure or None,
            "realm": (audit or {}).get("realm"),
            "alias": (audit or {}).get("alias"),
            "compliant": bool(audit and audit.get("compliant")),
            "regions": (audit or {}).get("regions", []),
            "policy_template": (audit or {}).get("policy_template"),
        })
    return {"written_at": written_at, "check_mode": check_mode, "accounts": accounts,
            "compliant": all(a["compliant"] for a in accounts)}


def _findings(region: Dict[str, Any]) -> str:
    return "; ".join(f"{f['code']} ({f.get('severity', 'critical')}): {f['message']}" for f in region["findings"]) or "none"


def render_markdown(doc: Dict[str, Any]) -> str:
    lines = ["# Atlassian Cloud CMK key audit", "",
             f"Written at {doc['written_at']} (UTC), read-only. "
             f"{'Every key complies.' if doc['compliant'] else '**Some keys do not comply.**'}", "",
             "| Account | Region | State | Key ARN | Last use | Findings |", "|---|---|---|---|---|---|"]
    for account in doc["accounts"]:
        name = account["account_id"] or account["host"]
        if account["status"] == "failed":
            lines.append(f"| {name} | | | | | audit failed: {account['reason']} |")
        for region in account["regions"]:
            lines.append(f"| {name} | {region['region']} | {region['key_state'] or '(no key)'} | "
                         f"{region['key_arn'] or ''} | {describe(region.get('last_used'))} | {_findings(region)} |")
    templates = [f"- {a['account_id'] or a['host']}: {template_text(a['policy_template'])}"
                 for a in doc["accounts"] if a.get("policy_template")]
    lines += ["", "Key policies compared with these templates:", ""] + templates if templates else []
    return "\n".join(lines) + "\n"


def render_table(doc: Dict[str, Any]) -> List[str]:
    rows = [("ACCOUNT", "REGION", "STATE", "FINDINGS")]
    for account in doc["accounts"]:
        name = account["account_id"] or account["host"]
        if account["status"] == "failed":
            rows.append((name, "-", "failed", account["reason"]))
        rows += [(name, r["region"], r["key_state"] or "(no key)",
                  ", ".join(f["code"] for f in r["findings"]) or "none") for r in account["regions"]]
    widths = [max(len(str(row[i])) for row in rows) for i in range(3)]
    return ["  ".join(str(c).ljust(w) for c, w in zip(row[:3], widths)) + "  " + str(row[3]) for row in rows]
