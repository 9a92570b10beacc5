#!/usr/bin/python
# -*- coding: utf-8 -*-
# Copyright: cmkops contributors
# GNU General Public License v3.0+ (see https://www.gnu.org/licenses/gpl-3.0.txt)

DOCUMENTATION = r"""
---
module: atlassian_cmk_key
version_added: 0.1.0
short_description: Ensure the AWS KMS key behind Atlassian Cloud customer-managed keys (CMK) in one region
description:
  - Ensures one symmetric AWS KMS key in one region for Atlassian Cloud customer-managed keys (CMK), that is
    the key, its alias, its key policy built from Atlassian's template, its rotation and its tags.
  - The key is found by its alias with a single C(DescribeKey); the account's keys and aliases are never listed
    on the normal path. A run that changes nothing makes four read calls.
  - A key is never replaced. Its ARN is what Atlassian enrols, so a new key would mean re-enrolling.
  - Creation is crash-safe and race-safe. A new key carries marker tags (the alias it is for, and a token for
    the attempt), so a run that died between C(CreateKey) and C(CreateAlias) is finished by the next run, a lost
    C(CreateKey) answer is found again instead of being retried blindly, and of concurrent runs only one key keeps
    the alias; the others are tagged as superseded and scheduled for deletion after 7 days. Keys of several
    runs that all died before their alias are found together; the oldest is finished, the others retired.
  - Use the C(cmkops.atlassian_cmk.realm_keys) role to ensure the keys of every region of a realm.
author:
  - cmkops contributors (@cmkops)
options:
  state:
    description:
      - V(present) ensures the key; V(absent) schedules the deletion of the aliased key after
        O(pending_window_days). The alias stays until AWS deletes the key, so the key can still be found and
        kept with O(cancel_pending_deletion=true).
      - V(retired) (since 1.1.0) is re-encryption's last step for a key Atlassian no longer uses. The key is
        disabled and marked retired in the tag V(cmkops:atlassian_cmk:retired-at); nothing else about it
        changes, and no key is created. Unlike a revoked key, a retired key raises no warning about Atlassian's
        10-day and 20-day limits. A key pending deletion is left as it is. O(enabled=true) with
        O(state=present) enables a retired key again and removes the tag.
    type: str
    choices: [present, absent, retired]
    default: present
    version_added: 0.1.0
  pending_window_days:
    description:
      - Days before a key scheduled for deletion with O(state=absent) is deleted, from 7 to 30.
    type: int
    default: 30
    version_added: 0.1.0
  bypass_policy_lockout_safety_check:
    description:
      - Write a policy even when no statement lets the account's root or the caller call
        C(kms:PutKeyPolicy) again. Such a key can no longer be managed; AWS support must unlock it.
    type: bool
    default: false
    version_added: 0.1.0
  allow_wildcard_principal:
    description:
      - Write a policy with an C(Allow) statement for every AWS principal (V(*)) and no condition at all.
        Refused by default, since it opens the key to every AWS account.
    type: bool
    default: false
    version_added: 0.1.0
extends_documentation_fragment:
  - cmkops.atlassian_cmk.key
  - cmkops.atlassian_cmk.key.action_group
  - cmkops.atlassian_cmk.assume_role
  - amazon.aws.common.modules
  - amazon.aws.region.modules
  - amazon.aws.boto3
attributes:
  check_mode:
    support: full
    description: Writes nothing and returns the predicted result, with the same keys as a real run.
  diff_mode:
    support: full
    description: Shows the key's policy, tags, state, rotation and description before and after.
notes:
  - KMS refuses rotation changes on a disabled key. They are applied when the key is enabled again, and
    the module warns meanwhile.
  - The tagging API, used only while creating a key to find an earlier run's unfinished key, is eventually
    consistent on AWS; a key made a few seconds earlier may not be seen yet.
  - O(region) must be a region that botocore knows (KMS is in every AWS region); with O(endpoint_url), any
    well-formed region name is accepted. Either way it is checked before any AWS call.
  - KMS refuses a repeat of C(ScheduleKeyDeletion) and C(CancelKeyDeletion). When a retry after a lost answer
    is refused, the key's state decides, and a key already as asked is a success.
  - O(access_key) is masked in the output like O(secret_key), since an access key ID names the account.
  - Botocore's own retries are switched off for this module. Throttling, AWS 5xx answers and dropped
    connections are retried with jittered backoff, and C(CreateKey) is retried only once it is known not
    to have made a key.
seealso:
  - module: amazon.aws.kms_key
  - name: Set up your AWS account and create a KMS key policy
    description: Atlassian's guide to customer-managed keys.
    link: https://support.atlassian.com/organization-administration/docs/set-up-your-aws-account-and-create-a-kms-key-policy/
  - name: Key states of AWS KMS keys
    description: What KMS allows in each key state.
    link: https://docs.aws.amazon.com/kms/latest/developerguide/key-state.html
"""

EXAMPLES = r"""
- name: Ensure the CMK key in Frankfurt with the built-in template
  cmkops.atlassian_cmk.atlassian_cmk_key:
    region: eu-central-1
    org_paths:
      - o-rab3nm4fez/*/ou-ab12-cdef3456/*
  register: cmk_key

- name: Ensure the key from Atlassian's published template, guarding the account
  cmkops.atlassian_cmk.atlassian_cmk_key:
    region: eu-west-1
    account_id: "111122223333"
    alias: alias/atlassian-cmk-key
    policy_template: "{{ lookup('ansible.builtin.file', 'atlassian-cmk-policy.json') }}"
    org_paths:
      - o-rab3nm4fez/*/ou-ab12-cdef3456/*
    tags:
      owner: platform-security

- name: Revoke Atlassian's access by disabling the key
  cmkops.atlassian_cmk.atlassian_cmk_key:
    region: eu-central-1
    org_paths:
      - o-rab3nm4fez/*/ou-ab12-cdef3456/*
    enabled: false

- name: Restore a key that was scheduled for deletion
  cmkops.atlassian_cmk.atlassian_cmk_key:
    region: eu-central-1
    org_paths:
      - o-rab3nm4fez/*/ou-ab12-cdef3456/*
    cancel_pending_deletion: true
    enabled: true

- name: Set the AWS connection once, for this module and every amazon.aws module
  module_defaults:
    group/cmkops.atlassian_cmk.atlassian_cmk:
      region: eu-central-1
      profile: atlassian-cmk
  block:
    - name: Ensure the CMK key with the region and profile from module_defaults
      cmkops.atlassian_cmk.atlassian_cmk_key:
        org_paths:
          - o-rab3nm4fez/*/ou-ab12-cdef3456/*

- name: Schedule the key's deletion in 7 days
  cmkops.atlassian_cmk.atlassian_cmk_key:
    region: eu-central-1
    state: absent
    pending_window_days: 7
"""

RETURN = r"""
key_arn:
  description: The key's ARN, the value Atlassian enrols. Null in check mode for a key that would be created.
  returned: always
  type: str
  sample: arn:aws:kms:eu-central-1:111122223333:key/1234abcd-12ab-34cd-56ef-1234567890ab
key_id:
  description: The key's id. Null in check mode for a key that would be created.
  returned: always
  type: str
  sample: 1234abcd-12ab-34cd-56ef-1234567890ab
alias:
  description: The key's alias, with the V(alias/) prefix.
  returned: always
  type: str
  sample: alias/atlassian-cmk-key
region:
  description: The key's region.
  returned: always
  type: str
  sample: eu-central-1
account_id:
  description: The key's AWS account.
  returned: always
  type: str
  sample: "111122223333"
key_state:
  description: The key's state after the run (predicted in check mode); null when there is no key.
  returned: always
  type: str
  sample: Enabled
enabled:
  description: Whether the key is enabled after the run.
  returned: always
  type: bool
  sample: true
description:
  description: The key's description.
  returned: always
  type: str
  sample: Atlassian Cloud customer-managed key (CMK)
policy:
  description: The key policy after the run.
  returned: always
  type: dict
  sample: {"Version": "2012-10-17", "Statement": [{"Sid": "EnableRoleDelegation", "Effect": "Allow",
           "Principal": {"AWS": "arn:aws:iam::111122223333:root"}, "Action": "kms:*", "Resource": "*"}]}
rotation_enabled:
  description: Whether automatic rotation is on.
  returned: always
  type: bool
  sample: true
rotation_period_days:
  description: Days between rotations; null when rotation is off or AWS does not report it.
  returned: always
  type: int
  sample: 365
tags:
  description: The key's tags, the collection's marker tags included.
  returned: always
  type: dict
  sample: {"owner": "platform-security", "cmkops:atlassian_cmk:alias": "alias/atlassian-cmk-key"}
revoked_at:
  description:
    - When the key was revoked (UTC, ISO 8601), from the marker tag the module sets when it disables the key
      (O(enabled=false)) and removes when it enables it again.
    - V(unknown) for a key disabled by someone else; null when the key is not disabled, or is retired
      (O(state=retired)).
    - Past 10 and again past 20 days the module warns, citing Atlassian's limits for reinstating sites.
  returned: always
  type: str
  sample: "2026-11-30T09:15:00Z"
  version_added: 1.0.0
successor_alias:
  description: The alias of the key's successor, from the marker tag O(successor_alias) sets; null without one.
  returned: always
  type: str
  sample: "alias/atlassian-cmk-2027"
  version_added: 1.1.0
retired_at:
  description:
    - When the key was retired (UTC, ISO 8601), from the marker tag O(state=retired) sets; null for a key
      never retired.
  returned: always
  type: str
  sample: "2026-12-02T09:15:00Z"
  version_added: 1.1.0
deletion_date:
  description:
    - When AWS deletes a key pending deletion (UTC, ISO 8601); null when the key is not pending deletion.
    - For the run that schedules the deletion, the run's time plus O(pending_window_days).
  returned: always
  type: str
  sample: "2026-12-31T09:15:00Z"
  version_added: 1.0.0
fixed:
  description:
    - The finding codes of M(cmkops.atlassian_cmk.atlassian_cmk_key_info) that this run put right (in check mode,
      would put right), for example V(missing) for a key created, or V(atlassian_access) for a key policy that
      had cut Atlassian off. So a C(--check --diff) fleet run shows which accounts had Atlassian cut off.
    - Empty when nothing changes, and for O(state=absent) and O(state=retired).
  returned: always
  type: list
  elements: str
  sample: [atlassian_access, tags]
  version_added: 2.0.0
"""

from ansible_collections.amazon.aws.plugins.module_utils.modules import AnsibleAWSModule

from ansible_collections.cmkops.atlassian_cmk.plugins.module_utils._cmk.desired import Desired
from ansible_collections.cmkops.atlassian_cmk.plugins.module_utils._cmk.desired import input_errors
from ansible_collections.cmkops.atlassian_cmk.plugins.module_utils._cmk.ensure import ensure
from ansible_collections.cmkops.atlassian_cmk.plugins.module_utils._cmk.kms import CmkAWSError
from ansible_collections.cmkops.atlassian_cmk.plugins.module_utils._cmk.module import ASSUME_ROLE
from ansible_collections.cmkops.atlassian_cmk.plugins.module_utils._cmk.module import EXCLUSIVE
from ansible_collections.cmkops.atlassian_cmk.plugins.module_utils._cmk.module import KEY_OPTIONS
from ansible_collections.cmkops.atlassian_cmk.plugins.module_utils._cmk.module import MASKED_ACCESS_KEY
from ansible_collections.cmkops.atlassian_cmk.plugins.module_utils._cmk.module import WRITE_OPTIONS
from ansible_collections.cmkops.atlassian_cmk.plugins.module_utils._cmk.module import connect
from ansible_collections.cmkops.atlassian_cmk.plugins.module_utils._cmk.module import fail_aws
from ansible_collections.cmkops.atlassian_cmk.plugins.module_utils._cmk.module import refuse_bad_input
from ansible_collections.cmkops.atlassian_cmk.plugins.module_utils._cmk.runner import KeyProblem
from ansible_collections.cmkops.atlassian_cmk.plugins.module_utils._cmk.runner import Run
from ansible_collections.cmkops.atlassian_cmk.plugins.module_utils._cmk.validate import InvalidInput

ARGUMENT_SPEC = dict(KEY_OPTIONS, **WRITE_OPTIONS)


def main():
    module = AnsibleAWSModule(argument_spec=dict(ARGUMENT_SPEC, **ASSUME_ROLE, **MASKED_ACCESS_KEY), mutually_exclusive=EXCLUSIVE,
                              supports_check_mode=True)
    refuse_bad_input(module, input_errors(module.params, module.region))

    kms_client, make_client = connect(module)
    run = Run(Desired.from_params(module.params, module.region), kms_client, make_client, module.check_mode)
    try:
        outcome = ensure(run)
    except InvalidInput as e:
        module.fail_json(msg=str(e), invalid_options=[e.option])
    except KeyProblem as e:
        module.fail_json(msg=str(e))
    except CmkAWSError as e:
        fail_aws(module, e)

    for warning in outcome.warnings:
        module.warn(warning)
    if module._diff:
        module.exit_json(changed=outcome.changed, diff=outcome.diff, fixed=outcome.fixed, **outcome.result)
    module.exit_json(changed=outcome.changed, fixed=outcome.fixed, **outcome.result)


if __name__ == "__main__":
    main()
