# -*- coding: utf-8 -*-
# Copyright: cmkops contributors
# GNU General Public License v3.0+ (see https://www.gnu.org/licenses/gpl-3.0.txt)
"""The options that say which key and what it should be, shared by the modules that ensure and audit it."""


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
