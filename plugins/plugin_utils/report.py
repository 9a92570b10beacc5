# -*- coding: utf-8 -*-
# Copyright: cmkops contributors
# GNU General Public License v3.0+ (see https://www.gnu.org/licenses/gpl-3.0.txt)
"""The enrolment report, pure: this run's accounts in, account records, enrollment.md and a table out.

The accounts are the inventory's, never the files found in the report directory: an account that is
not one of ``hosts`` is not reported. A host outside ``--limit`` keeps the record its last run wrote,
marked with that run's time. A failed host keeps its last good record too, and is listed with the reason.
"""

from __future__ import annotations

from typing import Any, Dict, List, Mapping, NamedTuple, Optional

from ansible_collections.cmkops.atlassian_cmk.plugins.module_utils._cmk.revocation import age
from ansible_collections.cmkops.atlassian_cmk.plugins.module_utils._cmk.revocation import warning
from ansible_collections.cmkops.atlassian_cmk.plugins.module_utils._cmk.usage import describe
from ansible_collections.cmkops.atlassian_cmk.plugins.module_utils._cmk.validate import InvalidInput
from ansible_collections.cmkops.atlassian_cmk.plugins.plugin_utils import user_values
from ansible_collections.cmkops.atlassian_cmk.plugins.plugin_utils.template_source import describe as template_text


class Host(NamedTuple):
    """One inventory host as the run left it."""
    name: str
    in_run: bool
    failure: str                      # "" when the host did not fail
    account_id: Optional[str]         # the inventory's atlassian_cmk_account_id, when a valid ID
    enrollment: Optional[Dict[str, Any]]  # the role's atlassian_cmk_enrollment fact: {account: entry}
    keys: Optional[Dict[str, Any]]        # the role's atlassian_cmk_keys fact: region -> key


class Section(NamedTuple):
    host: str
    status: str                       # "run", "failed" or "outside" (not in this run: --limit)
    account_id: Optional[str]
    record: Optional[Dict[str, Any]]  # None: nothing to show (never reported)
    reason: str = ""


def account_id_of(value: Any) -> Optional[str]:
    """A valid 12-digit account ID as text, from a string or from a number YAML read; else None."""
    try:
        return user_values.account_id(value, "atlassian_cmk_account_id")
    except InvalidInput:
        return None


def account_record(host: Host, written_at: str, check_mode: bool) -> Optional[Dict[str, Any]]:
    """The account's JSON from this run's facts, or None when the run produced none."""
    if not host.enrollment or host.failure:
        return None
    (account_id, entry), = host.enrollment.items()
    keys = host.keys or {}
    return {
        "account_id": str(account_id),
        "host": host.name,
        "realm": entry["realm"],
        "alias": entry["alias"],
        "context_tag": entry["context_tag"],
        "key_arns": dict(entry["key_arns"]),
        "keys": [{"region": region, "key_arn": key.get("key_arn"), "key_state": key.get("key_state"),
                  "managed": key.get("managed", True), "revoked_at": key.get("revoked_at"),
                  "fixed": list(key.get("fixed") or []), "last_used": key.get("last_used"),
                  **({"error": key["error"]} if key.get("error") else {})}
                 for region, key in keys.items()],
        "complete": entry["complete"],
        "successor_alias": entry.get("successor_alias"),
        "successor_key_arns": dict(entry.get("successor_key_arns") or {}),
        "successor_keys": list(entry.get("successor_keys") or []),
        "retired_keys": list(entry.get("retired_keys") or []),
        "policy_template": entry.get("policy_template"),
        "written_at": written_at,
        "check_mode": check_mode,
    }


def sections(hosts: List[Host], previous: Mapping[str, Dict[str, Any]], records: Mapping[str, Dict[str, Any]]
             ) -> List[Section]:
    """What the report shows for each host: this run's record, or the last one written (``previous``)."""
    by_host = {record["host"]: record for record in records.values()}
    out = []
    for host in hosts:
        mine = by_host.get(host.name)
        if mine is not None:
            out.append(Section(host.name, "run", mine["account_id"], mine))
            continue
        status = "failed" if host.in_run else "outside"
        out.append(Section(host.name, status, host.account_id,
                           previous.get(host.account_id) if host.account_id else None, host.failure))
    return sorted(out, key=lambda s: (s.account_id or "~", s.host))


def _title(realm: str) -> str:
    return realm.replace("_", " ").title()


def _notes(section: Section) -> List[str]:
    record = section.record
    notes = []
    when = f"the run of {record['written_at']}" + (" (check mode)" if record.get("check_mode") else "")
    if section.status == "failed":
        notes.append(f"Failed in this run ({section.host}): {section.reason}. The values below are from {when}.")
    elif section.status == "outside":
        notes.append(f"Not in this run (outside --limit): the values below are from {when}.")
    elif record.get("check_mode"):
        notes.append("Check mode: the values below are predicted; nothing was written to AWS, and a key that "
                     "does not exist yet has no ARN.")
    if not record.get("complete"):
        gaps = [f"{k['region']} ({k['key_state'] or 'no key'})" for k in record["keys"]
                if k.get("key_state") != "Enabled"]
        notes.append(f"Incomplete: Atlassian needs an Enabled key in every region of the realm; not yet in "
                     f"{', '.join(gaps)}.")
    return notes


def _state(key: Mapping[str, Any], written_at: str) -> str:
    """What follows a key's ARN: its state unless Enabled, a revocation's age, with Atlassian's limits, and its
    last use when the run read it."""
    state = "" if key.get("key_state") in ("Enabled", None) else f" — key state: {key['key_state']}"
    if key.get("revoked_at"):
        state += f", revoked at {age(key['revoked_at'], written_at)}"
        late = warning(key["region"], key["revoked_at"], written_at)
        state += f". **Warning: {late}.**" if late else ""
    fixed = f" — put right: {', '.join(key['fixed'])}" if key.get("fixed") else ""
    return state + fixed + _last_use(key)


def _last_use(key: Mapping[str, Any]) -> str:
    return f" — last use: {describe(key['last_used'])}" if key.get("last_used") else ""


def _lifecycle_lines(record: Dict[str, Any]) -> List[str]:
    """Re-encryption: the successor keys to send Atlassian, and the keys retired after it."""
    lines = []
    if record.get("successor_key_arns"):
        lines += ["", f"### Successor keys ({record['successor_alias']}): send these ARNs to Atlassian with the "
                  "re-encryption request", ""]
        states = {key["region"]: key for key in record.get("successor_keys") or []}
        lines += [f"- KMS key ARN, {region}: {f'`{arn}`' if arn else '(no key)'}"
                  f"{_state(states.get(region, {}), record['written_at'])}"
                  for region, arn in record["successor_key_arns"].items()]
    if record.get("retired_keys"):
        lines += ["", "### Retired keys (no longer enrolled)", ""]
        for key in record["retired_keys"]:
            what = f"`{key['key_arn']}`, key state: {key['key_state']}" if key.get("key_arn") else "(no key)"
            when = f", deleted by AWS on {key['deletion_date']}" if key.get("deletion_date") else ""
            fault = f", error: {key['error']}" if key.get("error") else ""
            lines.append(f"- {key['alias']}, {key['region']}: {what}{when}{fault}{_last_use(key)}")
    return lines


def render_markdown(report: List[Section], generated_at: str) -> str:
    lines = [
        "# Atlassian Cloud CMK enrolment",
        "",
        "What Atlassian's CMK enrolment asks for, per AWS account: the account ID, the realm and its region(s),",
        "one KMS key ARN per region, and the context tag.",
        f"Written by cmkops.atlassian_cmk at {generated_at} for the accounts of the inventory; do not edit.",
    ]
    for section in (s for s in report if s.record):
        record = section.record
        lines += ["", f"## AWS account {record['account_id']}", ""]
        lines += [f"> {note}" for note in _notes(section)] + ([""] if _notes(section) else [])
        regions = ", ".join(k["region"] for k in record["keys"])
        lines += [f"- AWS account ID: `{record['account_id']}`",
                  f"- Realm: {_title(record['realm'])} ({regions})"]
        for key in record["keys"]:
            arn = f"`{key['key_arn']}`" if key["key_arn"] else "(no key)"
            lines.append(f"- KMS key ARN, {key['region']}: {arn}{_state(key, record['written_at'])}")
        tag = f"`{record['context_tag']}`" if record.get("context_tag") else "(not chosen yet)"
        lines += [f"- Context tag: {tag}", f"- Inventory host: {record['host']}"]
        lines += [f"- Key policy template: {template_text(record['policy_template'])}"] if record.get("policy_template") else []
        lines += _lifecycle_lines(record)
    for status, heading in (("failed", "Failed in this run, never reported"),
                            ("outside", "Not in this run (outside --limit), never reported")):
        alone = [s for s in report if s.status == status and not s.record]
        if alone:
            lines += ["", f"## {heading}", ""]
            for s in alone:
                account = f" (AWS account `{s.account_id}`)" if s.account_id else ""
                lines.append(f"- {s.host}{account}" + (f": {s.reason}" if s.reason else ""))
    return "\n".join(lines) + "\n"


def render_table(report: List[Section]) -> List[str]:
    """account, region, state, ARN: one line per key, for the job output."""
    rows = [("ACCOUNT", "REGION", "STATE", "ARN")]
    for s in report:
        label = s.account_id or s.host
        if s.status != "run":
            rows.append((label, "-", "FAILED" if s.status == "failed" else "NOT RUN",
                         s.reason or (f"last written {s.record['written_at']}" if s.record else "never reported")))
            if not s.record:
                continue
        for key in s.record["keys"]:
            rows.append((label, key["region"], key.get("key_state") or "MISSING", key.get("key_arn") or "-"))
        states = {key["region"]: key.get("key_state") for key in s.record.get("successor_keys") or []}
        for region, arn in (s.record.get("successor_key_arns") or {}).items():
            state = states.get(region)
            rows.append((label, region, "SUCCESSOR" + (f" {state}" if state not in ("Enabled", None) else ""),
                         arn or "-"))
        for key in s.record.get("retired_keys") or []:
            rows.append((label, key["region"], f"RETIRED {key.get('key_state') or 'MISSING'}", key.get("key_arn") or "-"))
    widths = [max(len(str(r[i])) for r in rows) for i in range(3)]
    return [f"{r[0]:<{widths[0]}}  {r[1]:<{widths[1]}}  {r[2]:<{widths[2]}}  {r[3]}" for r in rows]
