# -*- coding: utf-8 -*-
# Copyright: cmkops contributors
# GNU General Public License v3.0+ (see https://www.gnu.org/licenses/gpl-3.0.txt)

DOCUMENTATION = r"""
name: aws_accounts
short_description: The accounts of an AWS organization, as the inventory of a CMK fleet
version_added: 1.0.0
description:
  - Lists the accounts of an AWS Organizations organization under the given roots or OUs, and makes each
    C(ACTIVE) account a host of the group C(atlassian_cmk_accounts), the group the
    C(cmkops.atlassian_cmk.site) and C(cmkops.atlassian_cmk.audit) playbooks run over. Suspended and closed
    accounts are left out.
  - Each host gets C(atlassian_cmk_account_id), C(atlassian_cmk_account_name), C(atlassian_cmk_ou_path) (the
    account's path in the C(aws:PrincipalOrgPaths) form, V(o-.../r-.../ou-.../)) and, with O(role_name),
    C(atlassian_cmk_assume_role_arn) in the account's partition. With O(include_tags) it also gets
    C(atlassian_cmk_account_tags), so that O(compose) and O(keyed_groups) can take the realm and other
    variables from the account's tags.
  - Every Organizations listing is paginated. The calls are C(organizations:DescribeOrganization),
    C(ListRoots), C(ListParents) (for an OU in O(parents)), C(ListAccountsForParent),
    C(ListOrganizationalUnitsForParent) and, with O(include_tags), one C(ListTagsForResource) per account.
    They are made with the management account's credentials, or those of a delegated administrator.
  - Uses a YAML configuration file whose name ends with C(aws_accounts.yml) or C(aws_accounts.yaml).
options:
  plugin:
    description: The name of this plugin.
    required: true
    choices: [cmkops.atlassian_cmk.aws_accounts]
    type: str
  parents:
    description:
      - Root or OU IDs whose accounts are listed, for example V(ou-ab12-cdef3456).
      - Empty, the organization's root.
    type: list
    elements: str
    default: []
  recursive:
    description: Also list the accounts of the OUs below O(parents), at any depth.
    type: bool
    default: true
  include_accounts:
    description: Only these account IDs, when not empty.
    type: list
    elements: str
    default: []
  exclude_accounts:
    description: Never these account IDs.
    type: list
    elements: str
    default: []
  role_name:
    description:
      - The role the playbooks assume in each account (C(atlassian_cmk_assume_role_arn)), for example
        V(cmk-admin). Unset, no role is set and the playbooks use the current credentials.
    type: str
  hostnames:
    description: Name each host by the account's V(id) or its V(name).
    type: str
    choices: [id, name]
    default: id
  include_tags:
    description: Read each account's tags into C(atlassian_cmk_account_tags), at one call per account.
    type: bool
    default: false
extends_documentation_fragment:
  - inventory_cache
  - constructed
  - amazon.aws.boto3
  - amazon.aws.common.plugins
  - amazon.aws.region.plugins
  - amazon.aws.assume_role.plugins
notes:
  - The IAM permissions are in the collection's C(docs/iam/README.md).
author:
  - cmkops contributors (@cmkops)
"""

EXAMPLES = r"""
# organization.aws_accounts.yml: the accounts under two OUs, the realm from each account's tag
plugin: cmkops.atlassian_cmk.aws_accounts
parents: [ou-ab12-cdef3456, ou-ab12-99999999]
exclude_accounts: ["111122223333"]
role_name: cmk-admin
include_tags: true
compose:
  atlassian_cmk_realm: atlassian_cmk_account_tags['atlassian-cmk-realm'] | default('europe')
keyed_groups:
  - key: atlassian_cmk_account_tags['atlassian-cmk-realm'] | default('untagged')
    prefix: realm
cache: true
cache_plugin: ansible.builtin.jsonfile
cache_connection: ~/.cache/cmkops-aws-accounts
"""

try:
    import botocore
except ImportError:
    pass  # AWSInventoryBase reports the missing SDK

from ansible.errors import AnsibleError

from ansible_collections.amazon.aws.plugins.plugin_utils.inventory import AWSInventoryBase

from ansible_collections.cmkops.atlassian_cmk.plugins.plugin_utils import organization as org


def _why(exc, parents) -> str:
    response = getattr(exc, "response", {})
    code = response.get("Error", {}).get("Code", "")
    if response.get("ResponseMetadata", {}).get("HTTPStatusCode") == 403:
        code = "AccessDeniedException"  # also when the body is not Organizations' JSON
    operation = getattr(exc, "operation_name", "")
    if code == "AWSOrganizationsNotInUseException":
        return ("AWS Organizations is not enabled for the account of these credentials: use the credentials of "
                "the organization's management account, or of a delegated administrator")
    if code in ("AccessDeniedException", "AccessDenied"):
        return f"the credentials may not call organizations:{operation}; grant it (docs/iam/README.md lists them)"
    if code in ("ParentNotFoundException", "ChildNotFoundException", "InvalidInputException",
                "OrganizationalUnitNotFoundException"):
        return f"parents={parents!r}: not a root or OU ID of this organization ({code})"
    return str(exc)


class InventoryModule(AWSInventoryBase):
    NAME = "cmkops.atlassian_cmk.aws_accounts"
    INVENTORY_FILE_SUFFIXES = ("aws_accounts.yml", "aws_accounts.yaml")

    def parse(self, inventory, loader, path, cache=True):
        super().parse(inventory, loader, path, cache=cache)
        was_cached, hosts = self.get_cached_result(path, cache)
        if not was_cached:
            hosts = self._list()
            self.update_cached_result(path, cache, hosts)
        self.inventory.add_group(org.GROUP)
        strict = self.get_option("strict")
        for name, variables in hosts.items():
            self.inventory.add_host(name, group=org.GROUP)
            for key, value in variables.items():
                self.inventory.set_variable(name, key, value)
            self._set_composite_vars(self.get_option("compose"), variables, name, strict=strict)
            self._add_host_to_composed_groups(self.get_option("groups"), variables, name, strict=strict)
            self._add_host_to_keyed_groups(self.get_option("keyed_groups"), variables, name, strict=strict)

    def _list(self):
        """{host name: variables} of the chosen accounts, from Organizations."""
        parents = self.get_option("parents")
        client = self.client("organizations", region=self.region or "us-east-1")
        try:
            org_id = org.organization_id(client)
            listed = []
            for parent in parents or org.roots(client):
                path = org.ancestors(client, parent)
                listed += org.accounts_under(client, parent, self.get_option("recursive"), path)
            accounts = org.chosen(listed, self.get_option("include_accounts"), self.get_option("exclude_accounts"))
            tags = {a["Id"]: org.account_tags(client, a["Id"]) for a in accounts} if self.get_option(
                "include_tags") else {}
        except (botocore.exceptions.ClientError, botocore.exceptions.BotoCoreError) as e:
            raise AnsibleError(f"{self.NAME}: {_why(e, parents)}") from e
        hosts = {}
        for account in accounts:
            name = org.hostname(account, self.get_option("hostnames"))
            hosts[name] = org.host_vars(account, org_id, self.get_option("role_name"), tags.get(account["Id"])
                                        if self.get_option("include_tags") else None)
        return hosts
