# -*- coding: utf-8 -*-
# Copyright: cmkops contributors
# GNU General Public License v3.0+ (see https://www.gnu.org/licenses/gpl-3.0.txt)
"""Re-encryption onto successor keys, pure: which aliases a run ensures, which successor keys a revocation
covers, and whether and where the old alias's keys may be retired.

Atlassian re-encrypts a customer's data onto new keys on request, and warns that this leaves the old keys,
and the backups they protect, non-functional. So the new keys are made first (the successor alias), sent
to Atlassian, promoted once Atlassian confirms (they become the enrolled alias), and only then are the old
keys retired: disabled, or scheduled for deletion. Retiring is refused, before any write, in any region
where the enrolled alias has no Enabled key or points at the very key that would be retired, or where the old
key is not quiet yet: KMS saw it used (GetKeyLastUsage) within atlassian_cmk_retire_quiet_days, or cannot say.
Deleting the enrolled keys (state absent) asks the same quiet."""

from __future__ import annotations

from typing import Any, Dict, List, Mapping, Optional

from ansible_collections.cmkops.atlassian_cmk.plugins.module_utils._cmk.usage import quiet_days as days_quiet
from ansible_collections.cmkops.atlassian_cmk.plugins.module_utils._cmk.validate import PENDING_WINDOW_DAYS
from ansible_collections.cmkops.atlassian_cmk.plugins.module_utils._cmk.validate import alias_name
from ansible_collections.cmkops.atlassian_cmk.plugins.module_utils._cmk.validate import check_alias
from ansible_collections.cmkops.atlassian_cmk.plugins.module_utils._cmk.validate import check_range

RETIRE_STATES = ("disabled", "absent")
QUIET = "atlassian_cmk_retire_quiet_days"


def _full(alias: Any) -> Optional[str]:
    return alias_name(alias) if isinstance(alias, str) and alias else None


def lifecycle_errors(v: Mapping[str, Any], prefix: str) -> List[str]:
    """The role's successor and retire variables, checked against each other and the enrolled alias; ``enabled``
    and ``pending_window_days`` come typed (the realm_inputs filter reads them)."""
    errors: List[str] = []
    for name in ("successor_alias", "retire_alias"):
        value = v.get(name) or ""
        errors += [str(e.renamed(prefix + name)) for e in check_alias(value)] if value else []
    enrolled, successor, retire = (_full(v.get(n)) for n in ("alias", "successor_alias", "retire_alias"))
    if successor and successor == enrolled:
        errors.append(f"{prefix}successor_alias={v['successor_alias']!r}: the enrolled alias itself "
                      f"({prefix}alias); a successor needs an alias of its own")
    if retire and retire == enrolled:
        errors.append(f"{prefix}retire_alias={v['retire_alias']!r}: the enrolled alias itself; to promote the "
                      f"successor, set {prefix}alias to the successor alias and retire the old one")
    if retire and retire == successor:
        errors.append(f"{prefix}retire_alias={v['retire_alias']!r}: the successor alias; a successor is retired "
                      "only after another one replaces it")
    if (successor or retire) and v.get("state", "present") != "present":
        errors.append(f"{prefix}state={v.get('state')!r}: successor and retired keys go with state present only")
    if retire and v.get("enabled") is False:
        errors.append(f"{prefix}enabled=False: retiring the old keys while revoking the enrolled ones would leave "
                      f"Atlassian without a usable key; revoke in a run without {prefix}retire_alias")
    retire_state = v.get("retire_state", "disabled")
    if retire_state not in RETIRE_STATES:
        errors.append(f"{prefix}retire_state={retire_state!r}: must be disabled or absent")
    bad = check_range("pending_window_days", v.get("pending_window_days", 30), PENDING_WINDOW_DAYS)
    errors += [str(e.renamed(prefix + "pending_window_days")) for e in bad]
    if v.get("retire_quiet_days", 7) < 0:
        errors.append(f"{prefix}retire_quiet_days={v['retire_quiet_days']!r}: must be 0 (no check) or more days")
    return errors


def quiet_refusal(region: str, alias: str, key: Optional[Mapping[str, Any]], last: Optional[Mapping[str, Any]],
                  quiet_days: int, now: str) -> Optional[str]:
    """Why a key may not be retired or deleted yet, or None: KMS saw a cryptographic use of it (Atlassian's
    reads and writes of the customer's data) within ``quiet_days``, or cannot say (unknown), or has tracked it
    for less than that. ``last`` is the key's last use as atlassian_cmk_key_info returns it; 0 days: no check."""
    if not key or quiet_days == 0 or key.get("key_state") == "PendingDeletion":
        return None
    where = f"{region}: the key of {alias}, {key.get('key_arn')},"
    if not last or not last.get("known"):
        why = (last or {}).get("reason") or "it was not read"
        return (f"{where} has an unknown last use ({why}); it may still be in use. Set {QUIET}: 0 to go ahead "
                "without that evidence")
    days = days_quiet(last, now)
    if days is None:
        return (f"{where} has no last-use time to go by ({last}); it may still be in use. Set {QUIET}: 0 to go "
                "ahead without that evidence")
    if days >= quiet_days:
        return None
    if last.get("used_at"):
        return (f"{where} was used for {last.get('operation')} at {last['used_at']}, {days:.1f} days ago, within "
                f"{QUIET}={quiet_days}: Atlassian may still use it")
    return (f"{where} has no recorded use, but KMS has tracked it only since {last.get('tracking_since')}, "
            f"{days:.1f} days, less than {QUIET}={quiet_days}")


def deletion_refusals(reads: List[Mapping[str, Any]], quiet_days: int, now: str) -> List[str]:
    """From the atlassian_cmk_key_info results of the enrolled keys a state=absent run would schedule for
    deletion: one refusal per key not yet quiet (``quiet_refusal``)."""
    found = [quiet_refusal(read["item"]["region"], read["item"]["alias"], read.get("key"), read.get("last_used"),
                           quiet_days, now) for read in reads]
    return [refusal for refusal in found if refusal]


def _item(region: str, alias: Optional[str], managed: bool, state: str = "present", enabled: Optional[bool] = None,
          successor: bool = False, retired: bool = False, successor_alias: Optional[str] = None,
          cancel: bool = False) -> Dict[str, Any]:
    """One run of the role's ensure loop: the region, the alias, and what the module is asked there. A region
    not managed is only read: the role runs the module in check mode, asking no state change. An enrolled key
    records its ``successor_alias``, so that revoking it later revokes the successor too. A pending deletion is
    cancelled (``cancel``, atlassian_cmk_cancel_pending_deletion) only where the run manages a key it keeps."""
    return {"region": region, "alias": alias, "managed": managed, "state": state if managed else "present",
            "enabled": enabled if managed else None, "successor": successor, "retired": retired,
            "successor_alias": successor_alias if managed else None,
            "cancel_pending_deletion": bool(cancel and managed and not retired)}


def key_items(regions: List[str], targets: List[str], alias: Any, successor: Any, state: str,
              enabled: Optional[bool], cancel: bool = False) -> List[Dict[str, Any]]:
    """The role's ensure loop: the enrolled alias in every region of the realm, then the successor's. Atlassian may
    hold both (the successor's ARN has been sent), so a revocation or a restoration covers both."""
    items = [_item(region, _full(alias), region in targets, state, enabled, successor_alias=_full(successor),
                   cancel=cancel) for region in regions]
    if _full(successor):
        items += [_item(region, _full(successor), region in targets, enabled=enabled, successor=True, cancel=cancel)
                  for region in regions]
    return items


def successor_reads(targets: List[str], alias: Any, enabled: Optional[bool]) -> List[Dict[str, Any]]:
    """What a revoking or restoring run reads first: the enrolled alias in each region it manages, for the
    successor its key records (the module's successor_alias)."""
    return [{"region": region, "alias": _full(alias)} for region in targets] if enabled is not None else []


def recorded_successors(reads: List[Mapping[str, Any]], successor: Any, enabled: Optional[bool],
                        cancel: bool = False) -> List[Dict[str, Any]]:
    """From the atlassian_cmk_key_info results of ``successor_reads``: the ensure loop's items for the successor
    keys the enrolled keys record, besides ``successor`` (the run's own, already in the loop). A revocation
    disables them with the enrolled keys; a restoration leaves them as they are and reports them (a successor is
    enabled again only by a run that names it, so that a successor abandoned and retired stays disabled)."""
    found = [(read["item"]["region"], (read.get("key") or {}).get("successor_alias")) for read in reads]
    return [_item(region, alias, True, enabled=False if enabled is False else None, successor=True, cancel=cancel)
            for region, alias in found if alias and alias != _full(successor)]


def read_items(regions: List[str], alias: Any, retire: Any) -> List[Dict[str, Any]]:
    """What a retiring run reads first: the enrolled and the retired alias in each region it manages."""
    if not _full(retire):
        return []
    return [{"region": region, "alias": name, "retired": name == _full(retire)}
            for region in regions for name in (_full(alias), _full(retire))]


def retirement(reads: List[Mapping[str, Any]], retire_state: str, quiet_days: int = 0, now: str = "") -> Dict[str, Any]:
    """From the atlassian_cmk_key_info results of ``read_items``: the refusals (one per region at fault, each
    naming the region and what is missing, or the old key's recent use) and the regions whose old key is to be
    retired now."""
    by_region: Dict[str, Dict[str, Any]] = {}
    last_used: Dict[str, Dict[str, Any]] = {"enrolled": {}, "retired": {}}
    for read in reads:
        item = read["item"]
        which = "retired" if item["retired"] else "enrolled"
        by_region.setdefault(item["region"], {})[which] = (item["alias"], read.get("key"))
        last_used[which][item["region"]] = read.get("last_used")
    refusals, regions, old_alias = [], [], None
    for region, got in by_region.items():
        (alias, enrolled), (old_alias, old) = got["enrolled"], got["retired"]
        if not enrolled:
            refusals.append(f"{region}: {alias} has no key, so nothing would take over from {old_alias}; ensure it "
                            "first (atlassian_cmk_successor_alias) and promote it once Atlassian has re-encrypted")
        elif enrolled.get("key_state") != "Enabled":
            refusals.append(f"{region}: the key of {alias} is {enrolled.get('key_state')}, not Enabled, so nothing "
                            f"would take over from {old_alias}")
        elif old and old.get("key_arn") == enrolled.get("key_arn"):
            refusals.append(f"{region}: {old_alias} and {alias} point at the same key {enrolled.get('key_arn')}; "
                            "retiring it would retire the enrolled key")
        if old and (retire_state == "absent" or old.get("key_state") != "PendingDeletion"):
            regions.append(region)
            quiet = quiet_refusal(region, old_alias, old, last_used["retired"][region], quiet_days, now)
            refusals += [quiet] if quiet else []
    absent = retire_state == "absent"
    return {"refusals": refusals, "regions": regions, "alias": old_alias,
            "items": [_item(region, old_alias, True, "absent" if absent else "retired", retired=True)
                      for region in regions],
            "keys": {region: got["retired"][1] for region, got in by_region.items()},
            "last_used": last_used}


def retired_keys(retirement: Mapping[str, Any], results: List[Mapping[str, Any]]) -> List[Dict[str, Any]]:
    """The report's retired keys, one per region read (``retirement`` is what ``retirement`` returned): this
    run's result (the ensure loop's retired items) where it acted, else the key as read."""
    acted = {r["item"]["region"]: r for r in results if r["item"].get("retired") and not r.get("skipped")}
    out, alias = [], retirement["alias"]
    for region, key in retirement["keys"].items():
        now = acted.get(region, key) or {}
        ok = not now.get("failed")
        out.append({"region": region, "alias": alias, "key_arn": now.get("key_arn") if ok else None,
                    "key_state": now.get("key_state") if ok else None,
                    "deletion_date": now.get("deletion_date") if ok else None,
                    "last_used": retirement.get("last_used", {}).get("retired", {}).get(region),
                    **({} if ok else {"error": str(now.get("msg", "failed"))})})
    return out
