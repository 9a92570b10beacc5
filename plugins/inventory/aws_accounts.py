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
    C(ListOrganizationalUnitsForParent) and, with O(include_tags), one C(ListTagsForResource) per active
    account under O(parents). They are made with the management account's credentials, or those of a
    delegated administrator.
  - Each call is retried on throttling, 5xx answers and dropped connections, as the collection's modules
    retry theirs (8 tries with jittered backoff); an error after that names the Organizations action.
  - With O(cache), the cache holds what AWS answered before any filter, under a key made of the options that
    decide the listing (O(parents), O(recursive), O(include_tags) and the connection options). The filters
    (O(include_accounts), O(exclude_accounts), O(role_name), O(hostnames)) run on every read, so a change to
    them takes effect at once.
  - An inventory source that fails is dropped by Ansible with a warning; the C(cmkops.atlassian_cmk.site)
    and C(cmkops.atlassian_cmk.audit) playbooks then refuse to run, rather than fall back to the
    controller's own account.
  - Uses a YAML configuration file whose name ends with C(aws_accounts.yml) or C(aws_accounts.yaml).
options:
  plugin:
    description: The name of this plugin.
    required: true
    choices: [cmkops.atlassian_cmk.aws_accounts]
    type: str
  parents:
    description:
      - Root (V(r-...)) or OU (V(ou-...-...)) IDs whose accounts are listed, for example V(ou-ab12-cdef3456).
        Anything else is refused before any AWS call.
      - Empty, the organization's root.
    type: list
    elements: str
    default: []
  recursive:
    description: Also list the accounts of the OUs below O(parents), at any depth.
    type: bool
    default: true
  include_accounts:
    description:
      - Only these account IDs, when not empty. Each must be an C(ACTIVE) account under O(parents), or the
        inventory fails naming it.
      - An ID YAML read as a number is taken when it still has its 12 digits, and refused with a hint to quote
        it otherwise (a leading zero is lost, or the number read as octal).
    type: list
    elements: str
    default: []
  exclude_accounts:
    description:
      - Never these account IDs, read as O(include_accounts) is.
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

import hashlib
import json

try:
    import botocore
except ImportError:
    pass  # AWSInventoryBase reports the missing SDK

from ansible.errors import AnsibleError

from ansible_collections.amazon.aws.plugins.plugin_utils.inventory import AWSInventoryBase

from ansible_collections.cmkops.atlassian_cmk.plugins.module_utils._cmk.kms import CLIENT_CONFIG
from ansible_collections.cmkops.atlassian_cmk.plugins.module_utils._cmk.kms import RETRY_TIMING
from ansible_collections.cmkops.atlassian_cmk.plugins.module_utils._cmk.kms import retried
from ansible_collections.cmkops.atlassian_cmk.plugins.module_utils._cmk.validate import InvalidInput
from ansible_collections.cmkops.atlassian_cmk.plugins.plugin_utils import organization as org
from ansible_collections.cmkops.atlassian_cmk.plugins.plugin_utils.fleet import GROUP
from ansible_collections.cmkops.atlassian_cmk.plugins.plugin_utils import user_values

# The options that decide what is listed, so the key of a cached listing: a change to any of them lists anew.
# The filters (include and exclude lists, role_name, hostnames) run on every read, cached or not.
_LISTING_OPTIONS = ("parents", "recursive", "include_tags", "endpoint_url", "region", "profile", "assume_role_arn")


def _why(exc, parents) -> str:
    response = getattr(exc, "response", {})
    code = response.get("Error", {}).get("Code", "")
    status = response.get("ResponseMetadata", {}).get("HTTPStatusCode", 0)
    if status == 403:
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
    where = f"organizations:{operation}" if operation else "AWS Organizations"
    return f"{where} failed after {RETRY_TIMING['retries']} tries: {exc}" if retried(exc) else f"{where}: {exc}"


class InventoryModule(AWSInventoryBase):
    NAME = "cmkops.atlassian_cmk.aws_accounts"
    INVENTORY_FILE_SUFFIXES = ("aws_accounts.yml", "aws_accounts.yaml")

    def _read_config_data(self, path):
        """The file's options, the account IDs, OUs and booleans read as users write them, before any AWS call."""
        config = super()._read_config_data(path)
        try:
            self._choice = {
                "parents": user_values.parent_ids(self.get_option("parents"), "parents"),
                "include_accounts": user_values.account_ids(self.get_option("include_accounts"), "include_accounts"),
                "exclude_accounts": user_values.account_ids(self.get_option("exclude_accounts"), "exclude_accounts"),
                # Ansible reads a boolean option leniently (text it does not know is false): read what was written.
                "recursive": user_values.boolean(config.get("recursive"), "recursive", default=True),
                "include_tags": user_values.boolean(config.get("include_tags"), "include_tags", default=False),
            }
        except InvalidInput as e:
            raise AnsibleError(f"{self.NAME}: {path}: {e}") from None
        return config

    def get_cache_key(self, path):
        listing = {name: self.get_option(name) for name in _LISTING_OPTIONS}
        digest = hashlib.sha256(json.dumps(listing, sort_keys=True, default=str).encode()).hexdigest()[:12]
        return f"{super().get_cache_key(path)}_{digest}"

    def parse(self, inventory, loader, path, cache=True):
        super().parse(inventory, loader, path, cache=cache)
        was_cached, listing = self.get_cached_result(path, cache)
        if not was_cached:
            listing = self._list()
            self.update_cached_result(path, cache, listing)
        hosts = self._hosts(listing)
        self.inventory.add_group(GROUP)
        strict = self.get_option("strict")
        for name, variables in hosts.items():
            self.inventory.add_host(name, group=GROUP)
            for key, value in variables.items():
                self.inventory.set_variable(name, key, value)
            self._set_composite_vars(self.get_option("compose"), variables, name, strict=strict)
            self._add_host_to_composed_groups(self.get_option("groups"), variables, name, strict=strict)
            self._add_host_to_keyed_groups(self.get_option("keyed_groups"), variables, name, strict=strict)

    def _list(self):
        """What Organizations says, unfiltered (see org.listing): the part that is cached."""
        parents = self._choice["parents"]
        client = self.client("organizations", region=self.region or "us-east-1", config=CLIENT_CONFIG)
        try:
            return org.listing(client, parents, self._choice["recursive"], self._choice["include_tags"])
        except (botocore.exceptions.ClientError, botocore.exceptions.BotoCoreError) as e:
            raise AnsibleError(f"{self.NAME}: {_why(e, parents)}") from e

    def _hosts(self, listing):
        """{host name: variables} of the chosen accounts, by this run's filters."""
        include, exclude = self._choice["include_accounts"], self._choice["exclude_accounts"]
        missing = org.not_listed(listing["accounts"], include)
        if missing:
            raise AnsibleError(f"{self.NAME}: include_accounts={missing!r}: not an ACTIVE account under parents="
                               f"{self._choice['parents'] or 'the root'!r}; remove them, or check the IDs")
        tags = listing["tags"] if self._choice["include_tags"] else None
        return {org.hostname(account, self.get_option("hostnames")):
                org.host_vars(account, listing["organization_id"], self.get_option("role_name"),
                              None if tags is None else tags.get(account["Id"], {}))
                for account in org.chosen(listing["accounts"], include, exclude)}
