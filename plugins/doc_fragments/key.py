# -*- coding: utf-8 -*-
# Copyright: cmkops contributors
# GNU General Public License v3.0+ (see https://www.gnu.org/licenses/gpl-3.0.txt)
"""The options that say which key and what it should be, shared by the modules that ensure and audit it: the audit
compares a key with the request a converge would carry out."""


class ModuleDocFragment:
    DOCUMENTATION = r"""
options:
  alias:
    description:
      - The key's alias, with or without the V(alias/) prefix.
      - 1 to 256 characters of V(A-Z), V(a-z), V(0-9), V(/), V(_) and V(-). Aliases under V(alias/aws/) are
        reserved for AWS and refused.
    type: str
    default: atlassian-cmk-key
    version_added: 0.1.0
  account_id:
    description:
      - The 12-digit AWS account the key must be in.
      - When the credentials belong to another account the module fails before any write.
      - Unset, the account is read from the existing key's ARN, or from C(sts:GetCallerIdentity) when a key
        is to be created.
    type: str
    version_added: 0.1.0
  org_paths:
    description:
      - Atlassian's OrgPath(s), the AWS Organizations paths that the key policy lets use the key,
        for example V(o-rab3nm4fez/*/ou-ab12-cdef3456/*).
      - Required with the built-in policy template and with a O(policy_template) that uses the
        V(OrganisationalUnits) token.
    type: list
    elements: str
    aliases: [organisational_units]
    version_added: 0.1.0
  policy_template:
    description:
      - A key policy template as JSON text, such as the one Atlassian publishes.
      - V(AWSACCOUNTID) and V(AWSREGION) are replaced inside strings; a JSON string that is exactly
        V(OrganisationalUnits) becomes the list of O(org_paths).
      - Any token left over, or another template's V(<...>) placeholder, is an error.
      - Mutually exclusive with O(policy).
    type: str
    version_added: 0.1.0
  policy:
    description:
      - A complete key policy, used as given.
      - Mutually exclusive with O(policy_template).
    type: json
    version_added: 0.1.0
  via_services:
    description:
      - The AWS services allowed to use the key on Atlassian's behalf in the built-in template's
        C(AwsManagedService) statements, as endpoint prefixes; each becomes a
        C(kms:ViaService) value V(<service>.<region>.amazonaws.com).
    type: list
    elements: str
    default: [dynamodb, ec2, elasticache, es, kinesis, rds, s3, secretsmanager, sns, sqs]
    version_added: 0.1.0
  enable_key_rotation:
    description:
      - Whether AWS rotates the key material automatically.
    type: bool
    default: true
    version_added: 0.1.0
  rotation_period_days:
    description:
      - Days between automatic rotations, from 90 to 2560.
    type: int
    default: 365
    version_added: 0.1.0
  enabled:
    description:
      - Unset leaves the key's enabled state alone, so a key disabled on purpose to revoke Atlassian's access
        is never enabled again silently.
      - V(false) disables the key (revocation) and records when in the marker tag
        V(cmkops:atlassian_cmk:revoked-at); V(true) enables it (restoration) and removes the tag.
      - A new key is created enabled unless O(enabled=false).
    type: bool
    version_added: 0.1.0
  description:
    description:
      - The key's description.
    type: str
    default: Atlassian Cloud customer-managed key (CMK)
    version_added: 0.1.0
  tags:
    description:
      - Tags for the key. Keys with the reserved V(aws:) prefix or this collection's V(cmkops:atlassian_cmk:)
        prefix are refused.
      - At most 47 tags, since a KMS key holds 50 and the collection's marker tags take up to 3; with
        O(purge_tags=false) the key's other tags count too. A key that records a successor (O(successor_alias))
        takes one tag fewer. A run that would leave no room for the marker a revocation sets is refused before
        any write, so that a revocation never fails on the limit. Values are strings or numbers.
      - Unset leaves the key's tags alone.
    type: dict
    aliases: [resource_tags]
    version_added: 0.1.0
  purge_tags:
    description:
      - Remove tags not in O(tags), when O(tags) is set. The collection's own marker tags are never removed.
    type: bool
    default: true
    version_added: 0.1.0
  cancel_pending_deletion:
    description:
      - A key found pending deletion, when it is to be present, makes M(cmkops.atlassian_cmk.atlassian_cmk_key)
        fail, unless this is V(true); then its deletion is cancelled. The key stays disabled unless
        O(enabled=true).
    type: bool
    default: false
    version_added: 0.1.0
  adopt:
    description:
      - An alias that points at a key this collection did not create (one without the
        V(cmkops:atlassian_cmk:alias) marker tag) makes M(cmkops.atlassian_cmk.atlassian_cmk_key) fail, unless
        this is V(true); then the key is managed and marked as this collection's.
      - A key whose marker names another alias is never adopted, with or without this option. It is already
        this collection's key for that alias, such as the enrolled key behind a successor alias, and its ARN
        would be reported under both.
      - Adopting a key costs one more read, C(cloudformation:DescribeStackResources) by the key's ID. A key that a
        CloudFormation stack still owns (Atlassian's Method 1) is refused unless O(adopt_from_stack=true).
    type: bool
    default: false
    version_added: 0.1.0
  adopt_from_stack:
    description:
      - With O(adopt=true), adopt a key that a CloudFormation stack still owns, with a warning that names the stack.
      - A stack that owns the key puts its own key policy back on its next update, and deleting the stack deletes
        the key unless its C(DeletionPolicy) is C(Retain). Better, move the key out of the stack first (set
        C(DeletionPolicy) and C(UpdateReplacePolicy) to C(Retain) on the key and the alias, update the stack,
        delete it) and adopt it then, without this option.
    type: bool
    default: false
    version_added: 3.0.0
  successor_alias:
    description:
      - Re-encryption. The alias of the key that is to take over from this one (its successor), recorded on this
        key in the tag V(cmkops:atlassian_cmk:successor), with or without the V(alias/) prefix. The
        C(cmkops.atlassian_cmk.realm_keys) role reads it when it revokes this key, and revokes the successor too,
        since its ARN has been sent to Atlassian.
      - Unset leaves the tag as it is.
    type: str
    version_added: 1.1.0
notes:
  - The built-in template follows the statement structure of Atlassian's published template. It is a
    reconstruction from Atlassian's and AWS's documentation, not Atlassian's file; whoever holds Atlassian's
    current template should pass it as O(policy_template).
  - Policies are compared semantically (statement and action order, a string against a one-item list, an
    account id against its root ARN), so AWS's reformatting is not reported as drift.
"""

    # The modules' action group (meta/runtime.yml), for module_defaults.
    ACTION_GROUP = r"""
attributes:
  action_group:
    description:
      - Use C(group/cmkops.atlassian_cmk.atlassian_cmk) in C(module_defaults) to set defaults for this
        module. The group also holds amazon.aws's C(group/aws) modules, while C(group/aws) and
        C(group/amazon.aws.aws) do not reach this module.
    support: full
    membership:
      - cmkops.atlassian_cmk.atlassian_cmk
"""
