"""The aws_accounts inventory plugin against moto's Organizations: nested OUs, more accounts than a page,
a closed account, an exclude list, groups from tags, the cache, the errors; then site.yml over it."""

from __future__ import annotations

import json
import subprocess
import sys
from pathlib import Path

import boto3
import pytest
import yaml

from conftest import ORG_PATH, ROOT, ansible_env, kms_in, run_site
from harness.kms_state import customer_keys
from harness.proxy import FaultProxy, Rule

PAGE = 20  # AWS's page size for accounts and OUs, and moto's
# What the inventory calls; nothing else, KMS above all, in any account.
ORGANIZATIONS_READS = {"DescribeOrganization", "ListRoots", "ListParents", "ListAccountsForParent",
                       "ListOrganizationalUnitsForParent", "ListTagsForResource"}


def organizations(moto):
    return boto3.client("organizations", region_name="us-east-1", endpoint_url=moto.url,
                        aws_access_key_id="testing", aws_secret_access_key="testing")


def new_account(client, name: str, parent: str, root: str, tags=None) -> str:
    status = client.create_account(Email=f"{name}@example.com", AccountName=name,
                                   Tags=[{"Key": k, "Value": v} for k, v in (tags or {}).items()])
    account = status["CreateAccountStatus"]["AccountId"]
    if parent != root:
        client.move_account(AccountId=account, SourceParentId=root, DestinationParentId=parent)
    return account


@pytest.fixture
def org(moto):
    """root → prod (30+ accounts, one closed) and platform → platform/eu (nested); tags carry the realm."""
    client = organizations(moto)
    org_id = client.create_organization(FeatureSet="ALL")["Organization"]["Id"]
    root = client.list_roots()["Roots"][0]["Id"]
    prod = client.create_organizational_unit(ParentId=root, Name="prod")["OrganizationalUnit"]["Id"]
    platform = client.create_organizational_unit(ParentId=root, Name="platform")["OrganizationalUnit"]["Id"]
    eu = client.create_organizational_unit(ParentId=platform, Name="eu")["OrganizationalUnit"]["Id"]
    prod_accounts = [new_account(client, f"prod-{i:02d}", prod, root) for i in range(PAGE + 12)]
    closed = prod_accounts.pop()
    client.close_account(AccountId=closed)
    platform_account = new_account(client, "platform-tools", platform, root, {"atlassian-cmk-realm": "europe"})
    eu_accounts = [new_account(client, f"eu-{i}", eu, root, {"atlassian-cmk-realm": "europe"}) for i in range(2)]
    au = new_account(client, "au-0", eu, root, {"atlassian-cmk-realm": "australia"})
    return {"id": org_id, "root": root, "prod": prod, "platform": platform, "eu": eu, "closed": closed,
            "prod_accounts": prod_accounts, "platform_account": platform_account, "eu_accounts": eu_accounts,
            "au": au}


def write_inventory(tmp_path: Path, moto, **options) -> Path:
    config = dict({"plugin": "cmkops.atlassian_cmk.aws_accounts", "endpoint_url": moto.url, "role_name": "cmk-admin"},
                  **options)
    path = tmp_path / "organization.aws_accounts.yml"
    path.write_text(yaml.safe_dump(config))
    return path


def inventory(path: Path, *flags: str) -> subprocess.CompletedProcess:
    env = ansible_env(ANSIBLE_INVENTORY_ENABLED="cmkops.atlassian_cmk.aws_accounts", ANSIBLE_INVENTORY_UNPARSED_FAILED="1")
    return subprocess.run([str(Path(sys.executable).with_name("ansible-inventory")), "-i", str(path), "--list", *flags],
                          env=env, capture_output=True, text=True, check=False, cwd=ROOT, timeout=300)


def trusted(value):
    """ansible-inventory's JSON marks values from AWS as unsafe ({"__ansible_unsafe": ...}): their values."""
    if isinstance(value, dict):
        return trusted(value["__ansible_unsafe"]) if set(value) == {"__ansible_unsafe"} else {
            k: trusted(v) for k, v in value.items()}
    return [trusted(v) for v in value] if isinstance(value, list) else value


def listed(path: Path, *flags: str) -> dict:
    proc = inventory(path, *flags)
    assert proc.returncode == 0, proc.stderr[-3000:]
    return trusted(json.loads(proc.stdout))


def test_every_active_account_of_the_root_pages_and_all(moto, org, tmp_path):
    with moto.recording() as calls:
        got = listed(write_inventory(tmp_path, moto))
    hosts = got["atlassian_cmk_accounts"]["hosts"]
    management = organizations(moto).describe_organization()["Organization"]["MasterAccountId"]
    expected = org["prod_accounts"] + [org["platform_account"], org["au"], management] + org["eu_accounts"]
    assert sorted(hosts) == sorted(expected)
    assert org["closed"] not in hosts
    assert calls.count("ListAccountsForParent") >= 3, "more accounts than one page were listed in one call"
    hv = got["_meta"]["hostvars"][org["eu_accounts"][0]]
    assert hv["atlassian_cmk_account_id"] == org["eu_accounts"][0] and hv["atlassian_cmk_account_name"] == "eu-0"
    assert hv["atlassian_cmk_assume_role_arn"] == f"arn:aws:iam::{org['eu_accounts'][0]}:role/cmk-admin"
    assert hv["atlassian_cmk_ou_path"] == f"{org['id']}/{org['root']}/{org['platform']}/{org['eu']}/"
    assert "atlassian_cmk_account_tags" not in hv


def test_parents_exclude_tags_keyed_groups_and_names(moto, org, tmp_path):
    path = write_inventory(tmp_path, moto, parents=[org["platform"]], exclude_accounts=[org["eu_accounts"][1]],
                           include_tags=True, hostnames="name",
                           compose={"atlassian_cmk_realm": "atlassian_cmk_account_tags['atlassian-cmk-realm']"},
                           keyed_groups=[{"key": "atlassian_cmk_account_tags['atlassian-cmk-realm']", "prefix": "realm"}])
    got = listed(path)
    assert sorted(got["atlassian_cmk_accounts"]["hosts"]) == ["au-0", "eu-0", "platform-tools"]
    assert sorted(got["realm_europe"]["hosts"]) == ["eu-0", "platform-tools"] and got["realm_australia"]["hosts"] == ["au-0"]
    assert got["_meta"]["hostvars"]["au-0"]["atlassian_cmk_realm"] == "australia"
    assert got["_meta"]["hostvars"]["eu-0"]["atlassian_cmk_account_tags"] == {"atlassian-cmk-realm": "europe"}
    flat = listed(write_inventory(tmp_path, moto, parents=[org["platform"]], recursive=False))
    assert list(flat["atlassian_cmk_accounts"]["hosts"]) == [org["platform_account"]]


def test_the_cache_answers_without_calling_aws(moto, org, tmp_path):
    path = write_inventory(tmp_path, moto, parents=[org["eu"]], cache=True, cache_plugin="ansible.builtin.jsonfile",
                           cache_connection=str(tmp_path / "cache"))
    first = listed(path)
    with moto.recording() as calls:
        again = listed(path)
    assert calls.operations() == [] and again == first
    with moto.recording() as calls:
        listed(path, "--flush-cache")
    assert calls.count("ListAccountsForParent") == 1


def test_the_cache_holds_what_aws_said_and_the_filters_run_on_every_read(moto, org, tmp_path):
    cached = dict(cache=True, cache_plugin="ansible.builtin.jsonfile", cache_connection=str(tmp_path / "cache"),
                  cache_timeout=3600, include_tags=True)
    eu0, eu1 = org["eu_accounts"]
    assert sorted(listed(write_inventory(tmp_path, moto, parents=[org["eu"]], **cached))["atlassian_cmk_accounts"]
                  ["hosts"]) == sorted([eu0, eu1, org["au"]])
    # An account added to exclude_accounts is gone at once, from the cache, with no call to AWS.
    with moto.recording() as calls:
        got = listed(write_inventory(tmp_path, moto, parents=[org["eu"]], exclude_accounts=[eu1], **cached))
    assert calls.operations() == []
    assert sorted(got["atlassian_cmk_accounts"]["hosts"]) == sorted([eu0, org["au"]])
    assert got["_meta"]["hostvars"][eu0]["atlassian_cmk_account_tags"] == {"atlassian-cmk-realm": "europe"}
    # Other parents are another listing: AWS is asked, not the cache of the first.
    with moto.recording() as calls:
        got = listed(write_inventory(tmp_path, moto, parents=[org["platform"]], recursive=False, **cached))
    assert calls.count("ListAccountsForParent") == 1
    assert list(got["atlassian_cmk_accounts"]["hosts"]) == [org["platform_account"]]


def test_account_ids_written_as_yaml_numbers_are_read_as_ids(moto, org, tmp_path):
    # Unquoted, as a user writes them: YAML reads numbers. moto's account IDs are random, and one with a leading
    # zero cannot be written as a number (that refusal is unit-tested): the number is an ID without one, made
    # under eu if none of eu's accounts has such an ID.
    under_eu = [*org["eu_accounts"], org["au"]]
    while all(account.startswith("0") for account in under_eu):
        under_eu.append(new_account(organizations(moto), f"eu-{len(under_eu)}", org["eu"], org["root"],
                                    {"atlassian-cmk-realm": "europe"}))
    number = next(account for account in under_eu if not account.startswith("0"))
    path = tmp_path / "organization.aws_accounts.yml"
    path.write_text(f"plugin: cmkops.atlassian_cmk.aws_accounts\nendpoint_url: {moto.url}\n"
                    f"parents: [{org['eu']}]\nexclude_accounts: [{int(number)}]\n")
    assert sorted(listed(path)["atlassian_cmk_accounts"]["hosts"]) == sorted(set(under_eu) - {number})
    path.write_text(f"plugin: cmkops.atlassian_cmk.aws_accounts\nendpoint_url: {moto.url}\n"
                    f"parents: [{org['eu']}]\ninclude_accounts: [{int(number)}]\n")
    assert list(listed(path)["atlassian_cmk_accounts"]["hosts"]) == [number]


# (options, the option named, the value named): refused before any AWS call.
BAD_OPTIONS = {
    "short account id": ({"exclude_accounts": ["12345"]}, "exclude_accounts", "'12345'"),
    "account id that lost its zero": ({"include_accounts": [12345678901]}, "include_accounts", "12345678901"),
    "account id as a boolean": ({"include_accounts": [True]}, "include_accounts", "True"),
    "parent that is no OU": ({"parents": ["ou-ab12"]}, "parents", "'ou-ab12'"),
    "parent that is an account": ({"parents": ["111122223333"]}, "parents", "'111122223333'"),
    "recursive as text": ({"recursive": "maybe"}, "recursive", "'maybe'"),
    "include_tags as a number": ({"include_tags": 2}, "include_tags", "2"),
}


@pytest.mark.parametrize("options, name, value", BAD_OPTIONS.values(), ids=BAD_OPTIONS.keys())
def test_a_bad_option_is_named_before_any_call(moto, org, tmp_path, options, name, value):
    with moto.recording() as calls:
        proc = inventory(write_inventory(tmp_path, moto, **options))
    assert proc.returncode != 0 and f"{name}={value}: " in proc.stderr, proc.stderr[-2000:]
    assert "Traceback" not in proc.stderr and calls.operations() == []


def test_an_included_account_that_is_not_listed_fails_the_inventory(moto, org, tmp_path):
    proc = inventory(write_inventory(tmp_path, moto, parents=[org["eu"]], include_accounts=[org["platform_account"]]))
    assert proc.returncode != 0, proc.stdout[-2000:]
    assert f"include_accounts=['{org['platform_account']}']: not an ACTIVE account under parents" in proc.stderr


def test_throttled_and_failing_calls_are_retried_like_the_modules(moto, org, tmp_path):
    rules = [Rule("throttle", ops={"ListAccountsForParent"}, calls=[1, 2, 3], code="TooManyRequestsException"),
             Rule("error500", ops={"ListOrganizationalUnitsForParent"}, calls=[1, 2], code="ServiceException")]
    with FaultProxy(moto.url, rules, seed=7) as proxy:
        got = listed(write_inventory(tmp_path, moto, parents=[org["eu"]], endpoint_url=proxy.url))
        faults = [e for e in proxy.events if e.action != "forwarded"]
    assert sorted(got["atlassian_cmk_accounts"]["hosts"]) == sorted(org["eu_accounts"] + [org["au"]])
    assert len(faults) == 5


def test_errors_say_what_to_do(moto, tmp_path):
    proc = inventory(write_inventory(tmp_path, moto))
    assert proc.returncode != 0 and "Organizations is not enabled" in proc.stderr, proc.stderr[-2000:]
    organizations(moto).create_organization(FeatureSet="ALL")
    proc = inventory(write_inventory(tmp_path, moto, parents=["ou-zzzz-00000000"]))
    assert proc.returncode != 0 and "parents=['ou-zzzz-00000000']: not a root or OU ID" in proc.stderr, proc.stderr[-2000:]


def test_the_shipped_example_lists_the_accounts_with_their_realm(moto, org, tmp_path):
    example = yaml.safe_load((ROOT / "inventories" / "organization.aws_accounts.yml").read_text())
    example.update(parents=[org["eu"]], exclude_accounts=[org["eu_accounts"][1]], endpoint_url=moto.url,
                   cache_connection=str(tmp_path / "cache"))
    path = tmp_path / "organization.aws_accounts.yml"
    path.write_text(yaml.safe_dump(example))
    got = listed(path)
    assert sorted(got["atlassian_cmk_accounts"]["hosts"]) == sorted([org["eu_accounts"][0], org["au"]])
    assert got["realm_australia"]["hosts"] == [org["au"]]
    hv = got["_meta"]["hostvars"][org["eu_accounts"][0]]
    assert hv["atlassian_cmk_realm"] == "europe" and hv["atlassian_cmk_org_paths"] == ["o-rab3nm4fez/*/ou-ab12-cdef3456/*"]
    assert hv["atlassian_cmk_assume_role_arn"].endswith(":role/atlassian-cmk-admin")


def customer_keys_in_realm(moto):
    return [k for region in ("eu-central-1", "eu-west-1") for k in customer_keys(kms_in(moto, region))]


BAD_OU = {"parents": ["ou-zzzz-00000000"]}
DENIED = Rule("refuse", ops={"ListRoots"}, status=403, code="AccessDeniedException", max_count=100)
THROTTLED = Rule("throttle", ops={"ListRoots"}, code="TooManyRequestsException", max_count=100)
# (playbook, inventory options, fault, faults answered: a denial is final, throttling is retried, the warning)
BROKEN = {
    "site, an OU ID with a typo": ("site.yml", BAD_OU, None, 0, "not a root or OU ID of this organization"),
    "site, denied": ("site.yml", {}, DENIED, 1, "may not call organizations:ListRoots"),
    "site, throttled": ("site.yml", {}, THROTTLED, 8, "organizations:ListRoots failed after 8 tries"),
    "audit, an OU ID with a typo": ("audit.yml", BAD_OU, None, 0, "not a root or OU ID of this organization"),
}


@pytest.mark.parametrize("playbook, options, fault, answered, warning", BROKEN.values(), ids=BROKEN.keys())
def test_a_broken_inventory_never_falls_back_to_the_controllers_account(
        moto, org, tmp_path, playbook, options, fault, answered, warning):
    with FaultProxy(moto.url, [fault] if fault else [], seed=7) as proxy:
        path = write_inventory(tmp_path, moto, endpoint_url=proxy.url, **options)
        with moto.recording() as calls:
            proc = run_site({"atlassian_cmk_realm": "europe", "atlassian_cmk_org_paths": [ORG_PATH],
                             "atlassian_cmk_endpoint_url": moto.url, "atlassian_cmk_report_dir": str(tmp_path / "r"),
                             "atlassian_cmk_audit_dir": str(tmp_path / "a")}, "-i", str(path), playbook=playbook,
                            env={"ANSIBLE_INVENTORY_ENABLED": "cmkops.atlassian_cmk.aws_accounts"})
        faults = [e for e in proxy.events if e.action != "forwarded"]
    assert proc.returncode == 2, proc.stdout[-3000:]
    assert warning in proc.stderr and f"the inventory ({path}) has no group atlassian_cmk_accounts" in proc.stdout
    assert len(faults) == answered
    assert set(calls.operations()) <= ORGANIZATIONS_READS, calls.operations()
    assert customer_keys_in_realm(moto) == [] and not (tmp_path / "r").exists() and not (tmp_path / "a").exists()


def test_an_inventory_without_the_group_runs_the_current_account_only_when_asked(moto, tmp_path):
    path = tmp_path / "hosts.yml"
    path.write_text("all:\n  hosts: {}\n")
    extra = {"atlassian_cmk_realm": "europe", "atlassian_cmk_org_paths": [ORG_PATH],
             "atlassian_cmk_endpoint_url": moto.url, "atlassian_cmk_report_dir": str(tmp_path / "r")}
    assert run_site(extra, "-i", str(path)).returncode == 2 and customer_keys_in_realm(moto) == []
    proc = run_site(dict(extra, atlassian_cmk_current_account="true"), "-i", str(path))
    assert proc.returncode == 0, proc.stdout[-3000:]
    assert len(customer_keys_in_realm(moto)) == 2
