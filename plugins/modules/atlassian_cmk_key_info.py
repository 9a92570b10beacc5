#!/usr/bin/python
# -*- coding: utf-8 -*-
# Copyright: cmkops contributors
# GNU General Public License v3.0+ (see https://www.gnu.org/licenses/gpl-3.0.txt)

DOCUMENTATION = r"""
---
module: atlassian_cmk_key_info
version_added: 1.0.0
short_description: Audit the AWS KMS key behind Atlassian Cloud customer-managed keys (CMK) in one region, read-only
description:
  - Reads the key behind an alias in one region and reports how it differs from what
    M(cmkops.atlassian_cmk.atlassian_cmk_key) would make of it with the same options, as a list of findings.
  - Read-only. It never reports a change and makes no write call, whatever the options; its clients refuse every
    call but C(DescribeKey), C(GetKeyPolicy), C(GetKeyRotationStatus), C(ListResourceTags), C(GetKeyLastUsage)
    and CloudFormation's C(DescribeStackResources).
  - Five reads per region; one (C(DescribeKey)) when the alias is missing. They are the four of a run of the main
    module that changes nothing, and C(GetKeyLastUsage) for RV(last_used) (not with O(read_last_used=false)).
    The account is read from the key's ARN, so no C(sts:GetCallerIdentity) is made.
  - A key that CloudFormation made (it carries the tag C(aws:cloudformation:stack-name), as keys of Atlassian's
    Method 1 do) costs one more read, C(cloudformation:DescribeStackResources) by the key's ID, since the tag stays
    on a key that its stack has let go of (since 3.0.0).
  - It takes the main module's options, except those only a write uses, and shares its reads, desired state and
    its one comparison. Each difference that the main module would write with the same options is a finding of
    one code, so the two never disagree on what drift is; for example, with O(purge_tags=false) a tag added by
    hand is no finding, and a changed O(description) is.
  - Some findings have no write; the main module refuses the key instead (V(foreign_key) without O(adopt),
    V(pending_deletion) without O(cancel_pending_deletion), V(key_spec), V(wrong_account), a V(disabled) key in
    a state it cannot manage), or, like the audit, only reports it (V(disabled) while O(enabled) is unset, and
    V(policy_unchecked)).
  - O(enabled), O(description), O(purge_tags), O(cancel_pending_deletion), O(adopt) and O(successor_alias) are
    options of this module since 1.2.0. Before, it compared a key as if O(purge_tags=true) and never compared the
    description.
  - The C(cmkops.atlassian_cmk.audit) playbook runs it for every region of each account's realm.
author:
  - cmkops contributors (@cmkops)
options:
  read_last_used:
    description:
      - Read the key's last cryptographic use with C(GetKeyLastUsage) (it needs C(kms:GetKeyLastUsage)) and
        return it as RV(last_used). With V(false), RV(last_used) is null and the module makes four reads.
      - A read that is denied or that the endpoint does not answer fails nothing; RV(last_used) says why it is
        unknown.
    type: bool
    default: true
    version_added: 2.0.0
  unused_days:
    description:
      - An C(Enabled) key with no cryptographic use for this many days, since KMS began tracking it, is the finding
        V(unused), a warning. Atlassian uses an enrolled key every day, so has Atlassian enrolled this ARN?
      - V(0) turns the finding off. An unknown last use (see RV(last_used)) is never V(unused).
    type: int
    default: 14
    version_added: 2.0.0
attributes:
  check_mode:
    support: full
    description: The module is read-only; check mode changes nothing.
extends_documentation_fragment:
  - cmkops.atlassian_cmk.key
  - cmkops.atlassian_cmk.key.action_group
  - cmkops.atlassian_cmk.assume_role
  - amazon.aws.common.modules
  - amazon.aws.region.modules
  - amazon.aws.boto3
notes:
  - C(GetKeyLastUsage) has a quota of 5 requests per second per account and region; the audit makes one per key,
    and retries a throttled one. An endpoint without it (an emulator, or botocore before 1.44) leaves RV(last_used)
    unknown, never a failure.
  - The key policy is compared only when the expected one can be built. The built-in template, and a
    O(policy_template) that uses V(OrganisationalUnits), need O(org_paths); without them the finding
    V(policy_unchecked) says so, and the key is not compliant.
seealso:
  - module: cmkops.atlassian_cmk.atlassian_cmk_key
  - module: amazon.aws.kms_key_info
"""

EXAMPLES = r"""
- name: Audit the Frankfurt key against the built-in template
  cmkops.atlassian_cmk.atlassian_cmk_key_info:
    region: eu-central-1
    org_paths:
      - o-rab3nm4fez/*/ou-ab12-cdef3456/*
    tags:
      owner: platform-security
  register: audit

- name: Fail when the key drifted
  ansible.builtin.assert:
    that: audit.compliant
    fail_msg: "{{ audit.findings | map(attribute='message') | join('; ') }}"
"""

RETURN = r"""
key:
  description:
    - The key as the main module returns it, or null when no key has the alias.
  returned: always
  type: dict
  contains:
    key_arn:
      description: The key's ARN, the value Atlassian enrols.
      type: str
      sample: arn:aws:kms:eu-central-1:111122223333:key/1234abcd-12ab-34cd-56ef-1234567890ab
    key_id:
      description: The key's ID.
      type: str
    alias:
      description: The key's alias, with the V(alias/) prefix.
      type: str
    region:
      description: The key's region.
      type: str
    account_id:
      description: The key's AWS account.
      type: str
    key_state:
      description: The key's state, for example V(Enabled), V(Disabled) or V(PendingDeletion).
      type: str
    enabled:
      description: Whether the key is enabled.
      type: bool
    description:
      description: The key's description.
      type: str
    policy:
      description: The key policy.
      type: dict
    rotation_enabled:
      description: Whether automatic rotation is on.
      type: bool
    rotation_period_days:
      description: Days between rotations; null when rotation is off or AWS does not report it.
      type: int
    tags:
      description: The key's tags, the collection's marker tags included.
      type: dict
    revoked_at:
      description:
        - When a disabled key was revoked (its marker tag), V(unknown) without it; null when not disabled, or
          when retired.
      type: str
    retired_at:
      description: When the key was retired (its marker tag); null for a key never retired.
      type: str
      version_added: 1.1.0
    successor_alias:
      description: The alias of the key's successor (its marker tag); null without one.
      type: str
      version_added: 1.1.0
    deletion_date:
      description: When AWS deletes a key pending deletion (UTC, ISO 8601); null when not pending deletion.
      type: str
      version_added: 1.0.0
findings:
  description:
    - How the key differs from what is expected; empty when it complies.
    - C(code) is one of V(missing), V(disabled), V(enabled) (with O(enabled=false)), V(pending_deletion),
      V(atlassian_access), V(external_access), V(policy_drift), V(description), V(rotation), V(tags), V(successor)
      (with O(successor_alias)),
      V(foreign_key) (the alias is on a key this collection did not create), V(wrong_account), V(key_spec)
      (not a symmetric single-region ENCRYPT_DECRYPT key), V(policy_unchecked), V(unused) (since 2.0.0) and
      V(stack_owned) (since 3.0.0; a CloudFormation stack still owns the key, so a stack update puts the stack's
      policy back and deleting the stack deletes the key unless its DeletionPolicy is Retain).
    - C(severity) is V(critical) when Atlassian cannot use the key or may lose it, or when the audit cannot tell
      (V(missing), V(disabled), V(enabled), V(pending_deletion), V(key_spec), V(wrong_account), V(foreign_key),
      V(policy_unchecked)), or when someone else can use it (V(external_access)); V(warning) when the key works
      for Atlassian but differs from the request (V(policy_drift), V(description), V(rotation), V(tags),
      V(successor), V(unused)), or another owner may undo it (V(stack_owned)).
    - A key policy that differs from the expected one is classified by its effect (since 2.0.0), one finding per
      class. V(atlassian_access) (critical) when a statement of the template that grants access outside the
      account (Atlassian's OrgPath statements, service statements) is missing, grants fewer actions, has another
      condition, or a Deny overlaps it. V(external_access) (critical) when the policy grants an action to a principal
      that is neither the account nor one the template names (another account, a service outside the template,
      V(*) without the template's OrgPath condition or with a wider one). Any other difference is V(policy_drift).
  returned: always
  type: list
  elements: dict
  contains:
    code:
      description: What kind of finding.
      type: str
      sample: policy_drift
    severity:
      description: V(critical) or V(warning), by its code.
      type: str
      sample: warning
      version_added: 2.0.0
    message:
      description: The finding, naming the alias and the region.
      type: str
      sample: "alias/atlassian-cmk-key in eu-central-1: the key policy differs from the expected one"
    diff:
      description:
        - For V(atlassian_access), V(external_access) and V(policy_drift), the key's policy (C(before)) and the
          expected one (C(after)).
      type: dict
      returned: for a key policy that differs
    revoked_at:
      description:
        - For V(disabled), when the key was revoked (its marker tag), or V(unknown). Past 10 and past 20 days the
          message says so, citing Atlassian's limits for reinstating sites.
      type: str
      returned: for disabled
    stack:
      description:
        - For V(stack_owned), the stack (C(stack_name), C(stack_id)) and what it holds of the key and its alias
          (C(resources), logical ID and type). C(unknown) says why the stack could not be read; the finding then
          names the stack of the key's tag.
      type: dict
      returned: for stack_owned
      version_added: 3.0.0
last_used:
  description:
    - The key's last successful cryptographic operation (for example V(Decrypt), as when Atlassian uses the key),
      from C(GetKeyLastUsage); null when no key has the alias or with O(read_last_used=false).
    - Unknown (C(known=false)) when the read was denied or the endpoint does not answer it. Unknown is never
      taken for unused.
  returned: always
  type: dict
  version_added: 2.0.0
  contains:
    known:
      description: Whether KMS answered.
      type: bool
    operation:
      description: The last operation; null when the key has had none since RV(last_used.tracking_since).
      type: str
      sample: Decrypt
    used_at:
      description: When (UTC, ISO 8601); null with no operation.
      type: str
      sample: "2026-11-30T10:00:00Z"
    tracking_since:
      description: Since when KMS records the key's use (UTC, ISO 8601), the later of the key's creation and
        the start of KMS's tracking.
      type: str
    cloudtrail_event_id:
      description: The CloudTrail event of the last operation.
      type: str
    reason:
      description: Why it is unknown, naming the permission C(kms:GetKeyLastUsage); null when known.
      type: str
      sample: GetKeyLastUsage was denied (AccessDeniedException); allow kms:GetKeyLastUsage to read the key's last use
compliant:
  description: Whether there are no findings.
  returned: always
  type: bool
  sample: false
"""

from ansible_collections.amazon.aws.plugins.module_utils.modules import AnsibleAWSModule

from ansible_collections.cmkops.atlassian_cmk.plugins.module_utils._cmk.audit import ReadOnlyClient
from ansible_collections.cmkops.atlassian_cmk.plugins.module_utils._cmk.audit import audit
from ansible_collections.cmkops.atlassian_cmk.plugins.module_utils._cmk.desired import audit_input_errors
from ansible_collections.cmkops.atlassian_cmk.plugins.module_utils._cmk.desired import Desired
from ansible_collections.cmkops.atlassian_cmk.plugins.module_utils._cmk.desired import policy_checked
from ansible_collections.cmkops.atlassian_cmk.plugins.module_utils._cmk.kms import CmkAWSError
from ansible_collections.cmkops.atlassian_cmk.plugins.module_utils._cmk.module import ASSUME_ROLE
from ansible_collections.cmkops.atlassian_cmk.plugins.module_utils._cmk.module import EXCLUSIVE
from ansible_collections.cmkops.atlassian_cmk.plugins.module_utils._cmk.module import KEY_OPTIONS
from ansible_collections.cmkops.atlassian_cmk.plugins.module_utils._cmk.module import MASKED_ACCESS_KEY
from ansible_collections.cmkops.atlassian_cmk.plugins.module_utils._cmk.module import connect
from ansible_collections.cmkops.atlassian_cmk.plugins.module_utils._cmk.module import fail_aws
from ansible_collections.cmkops.atlassian_cmk.plugins.module_utils._cmk.module import refuse_bad_input
from ansible_collections.cmkops.atlassian_cmk.plugins.module_utils._cmk.module import write_defaults
from ansible_collections.cmkops.atlassian_cmk.plugins.module_utils._cmk.validate import UNUSED_DAYS
from ansible_collections.cmkops.atlassian_cmk.plugins.module_utils._cmk.validate import check_range


def main():
    module = AnsibleAWSModule(argument_spec=dict(KEY_OPTIONS, read_last_used=dict(type="bool", default=True),
                                                 unused_days=dict(type="int", default=14),
                                                 **ASSUME_ROLE, **MASKED_ACCESS_KEY),
                              mutually_exclusive=EXCLUSIVE, supports_check_mode=True)
    params = dict(write_defaults(), **module.params)  # a converge's request with state=present
    bad = audit_input_errors(params, module.region) + check_range("unused_days", params["unused_days"], UNUSED_DAYS)
    refuse_bad_input(module, bad)
    kms_client, make_client = connect(module)
    try:
        report = audit(ReadOnlyClient(kms_client), Desired.from_params(params, module.region), policy_checked(params),
                       params["read_last_used"], params["unused_days"],
                       stack_client=lambda: ReadOnlyClient(make_client("cloudformation")))
    except CmkAWSError as e:
        fail_aws(module, e)
    module.exit_json(changed=False, **report)


if __name__ == "__main__":
    main()
