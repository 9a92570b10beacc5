# -*- coding: utf-8 -*-
# Copyright: cmkops contributors
# GNU General Public License v3.0+ (see https://www.gnu.org/licenses/gpl-3.0.txt)
"""An AWS organization's accounts as CMK inventory hosts: the listing (one wrapper per Organizations call,
every listing paginated, every call retried as the modules retry theirs) and the pure choice of hosts and
their variables, made from the listing on every read, so that a cached listing follows the filters."""

from __future__ import annotations

from typing import Any, Dict, Iterable, List, Optional

from ansible_collections.amazon.aws.plugins.module_utils.arn import parse_aws_arn
from ansible_collections.amazon.aws.plugins.module_utils.tagging import boto3_tag_list_to_ansible_dict

from ansible_collections.cmkops.atlassian_cmk.plugins.module_utils._cmk.kms import retry

# What an account's host is made of; the rest of ListAccountsForParent's answer is not kept (nor cached).
_ACCOUNT_FIELDS = ("Id", "Name", "Arn", "State", "Status")


@retry
def _call(client, operation: str, **kwargs) -> Dict[str, Any]:
    """One Organizations call, retried on throttling, 5xx answers and dropped connections (kms.retry)."""
    return getattr(client, operation)(**kwargs)


def _pages(client, operation: str, key: str, **kwargs) -> List[Dict[str, Any]]:
    """Every page of a listing, each page's call retried on its own (a throttled page does not restart it)."""
    items: List[Dict[str, Any]] = []
    token = None
    while True:
        page = _call(client, operation, **kwargs, **({"NextToken": token} if token else {}))
        items += page[key]
        token = page.get("NextToken")
        if not token:
            return items


def organization_id(client) -> str:
    return _call(client, "describe_organization")["Organization"]["Id"]


def roots(client) -> List[str]:
    return [root["Id"] for root in _pages(client, "list_roots", "Roots")]


def ancestors(client, parent_id: str) -> List[str]:
    """The IDs from the root down to ``parent_id``, included."""
    chain = [parent_id]
    while not chain[0].startswith("r-"):
        chain.insert(0, _call(client, "list_parents", ChildId=chain[0])["Parents"][0]["Id"])
    return chain


def accounts_under(client, parent_id: str, recursive: bool, path: List[str]) -> List[Dict[str, Any]]:
    """Every account directly under ``parent_id`` (and, recursive, under its OUs), each with its path of
    parent IDs from the root."""
    found = [dict({k: account[k] for k in _ACCOUNT_FIELDS if k in account}, ParentPath=path) for account in
             _pages(client, "list_accounts_for_parent", "Accounts", ParentId=parent_id)]
    if recursive:
        for ou in _pages(client, "list_organizational_units_for_parent", "OrganizationalUnits", ParentId=parent_id):
            found += accounts_under(client, ou["Id"], True, path + [ou["Id"]])
    return found


def account_tags(client, account_id: str) -> Dict[str, str]:
    return boto3_tag_list_to_ansible_dict(_pages(client, "list_tags_for_resource", "Tags", ResourceId=account_id))


def is_active(account: Dict[str, Any]) -> bool:
    """ACTIVE by its State (AWS's current field), else by its older Status; suspended and closed are not."""
    return (account.get("State") or account.get("Status")) == "ACTIVE"


def listing(client, parents: List[str], recursive: bool, include_tags: bool) -> Dict[str, Any]:
    """What AWS says, before any filter: the organization, every account under ``parents`` (the roots when
    empty) and, with ``include_tags``, each active account's tags. This is what the inventory caches."""
    accounts: List[Dict[str, Any]] = []
    for parent in parents or roots(client):
        accounts += accounts_under(client, parent, recursive, ancestors(client, parent))
    tags = {a["Id"]: account_tags(client, a["Id"]) for a in accounts if is_active(a)} if include_tags else None
    return {"organization_id": organization_id(client), "accounts": accounts, "tags": tags}


def not_listed(accounts: Iterable[Dict[str, Any]], include: List[str]) -> List[str]:
    """The IDs of ``include`` that are not an active account of the listing: a typo, or an account gone."""
    active = {a["Id"] for a in accounts if is_active(a)}
    return [account_id for account_id in include if account_id not in active]


def chosen(accounts: Iterable[Dict[str, Any]], include: List[str], exclude: List[str]) -> List[Dict[str, Any]]:
    """The active accounts, once each (an account under two listed parents), by the include and exclude lists."""
    seen, out = set(), []
    for account in accounts:
        if account["Id"] in seen or not is_active(account):
            continue
        if (include and account["Id"] not in include) or account["Id"] in exclude:
            continue
        seen.add(account["Id"])
        out.append(account)
    return sorted(out, key=lambda a: a["Id"])


def host_vars(account: Dict[str, Any], org_id: str, role_name: Optional[str],
              tags: Optional[Dict[str, str]]) -> Dict[str, Any]:
    """The variables the site and audit playbooks read; the ou_path has the aws:PrincipalOrgPaths form."""
    partition = parse_aws_arn(account["Arn"])["partition"]
    out = {
        "atlassian_cmk_account_id": account["Id"],
        "atlassian_cmk_account_name": account.get("Name"),
        "atlassian_cmk_ou_path": "/".join([org_id] + account["ParentPath"]) + "/",
    }
    if role_name:
        out["atlassian_cmk_assume_role_arn"] = f"arn:{partition}:iam::{account['Id']}:role/{role_name}"
    if tags is not None:
        out["atlassian_cmk_account_tags"] = tags
    return out


def hostname(account: Dict[str, Any], hostnames: str) -> str:
    return account["Name"] if hostnames == "name" else account["Id"]
