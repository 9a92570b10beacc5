#!/usr/bin/python
# -*- coding: utf-8 -*-
# Copyright: cmkops contributors
# GNU General Public License v3.0+ (see https://www.gnu.org/licenses/gpl-3.0.txt)

DOCUMENTATION = r"""
---
module: atlassian_cmk_cancel_deletion
version_added: 3.1.0
short_description: Cancel the deletion someone scheduled of an enrolled Atlassian Cloud CMK key, and nothing else
description:
  - The guard's remediation (the C(cmkops.atlassian_cmk.guard) playbook runs it when
    C(atlassian_cmk_guard_remediate) is true). Cancels the pending deletion of O(key_arn) with C(CancelKeyDeletion)
    only when the key is the one the enrolled O(alias) points at in its region, carries this collection's marker
    tag for that alias, is neither retired nor superseded, and is C(PendingDeletion).
  - Any other key is left as it is, with RV(reason) saying why; that is no failure. A successor or a retired key
    has another alias, or none, so it is never touched.
  - KMS leaves a key whose deletion is cancelled C(Disabled). The module does not enable it, since the key may have
    been revoked on purpose; a run of the C(cmkops.atlassian_cmk.realm_keys) role (or
    M(cmkops.atlassian_cmk.atlassian_cmk_key) with O(cmkops.atlassian_cmk.atlassian_cmk_key#module:enabled=true))
    enables it.
  - Three reads (C(DescribeKey) of the key and of the alias, C(ListResourceTags)), then at most one write.
author:
  - cmkops contributors (@cmkops)
options:
  key_arn:
    description:
      - The ARN of the key whose deletion was scheduled, as the CloudTrail event names it; a key of O(region).
        An alias or a key ID is refused, so that only the key the event named is ever acted on.
    type: str
    required: true
  alias:
    description:
      - The enrolled alias (with or without the V(alias/) prefix). Only the key it points at is ever cancelled.
    type: str
    default: atlassian-cmk-key
attributes:
  check_mode:
    support: full
    description: Says whether it would cancel the deletion, and writes nothing.
extends_documentation_fragment:
  - cmkops.atlassian_cmk.assume_role
  - amazon.aws.common.modules
  - amazon.aws.region.modules
  - amazon.aws.boto3
seealso:
  - module: cmkops.atlassian_cmk.atlassian_cmk_key
"""

EXAMPLES = r"""
- name: Cancel the deletion of the enrolled key that someone scheduled
  cmkops.atlassian_cmk.atlassian_cmk_cancel_deletion:
    key_arn: arn:aws:kms:eu-central-1:111122223333:key/1234abcd-12ab-34cd-56ef-1234567890ab
    alias: atlassian-cmk-key
  register: remedy
"""

RETURN = r"""
cancelled:
  description: Whether the deletion was cancelled (false in check mode, and for a key left as it is).
  returned: always
  type: bool
reason:
  description: Why the deletion was cancelled, or why the key was left as it is.
  returned: always
  type: str
  sample: "alias/atlassian-cmk-key points at arn:aws:kms:...:key/..., not at arn:aws:kms:...:key/...: a successor,
    retired or other key is left as it is"
key_state:
  description: The key's state after the module, V(Disabled) after a cancellation; null for a key that does not exist.
  returned: always
  type: str
"""

from ansible_collections.amazon.aws.plugins.module_utils.modules import AnsibleAWSModule

from ansible_collections.cmkops.atlassian_cmk.plugins.module_utils._cmk import kms
from ansible_collections.cmkops.atlassian_cmk.plugins.module_utils._cmk.guard import may_cancel
from ansible_collections.cmkops.atlassian_cmk.plugins.module_utils._cmk.guard import outcome
from ansible_collections.cmkops.atlassian_cmk.plugins.module_utils._cmk.module import ASSUME_ROLE
from ansible_collections.cmkops.atlassian_cmk.plugins.module_utils._cmk.module import MASKED_ACCESS_KEY
from ansible_collections.cmkops.atlassian_cmk.plugins.module_utils._cmk.module import connect
from ansible_collections.cmkops.atlassian_cmk.plugins.module_utils._cmk.module import fail_aws
from ansible_collections.cmkops.atlassian_cmk.plugins.module_utils._cmk.module import refuse_bad_input
from ansible_collections.cmkops.atlassian_cmk.plugins.module_utils._cmk.validate import alias_name
from ansible_collections.cmkops.atlassian_cmk.plugins.module_utils._cmk.validate import check_alias
from ansible_collections.cmkops.atlassian_cmk.plugins.module_utils._cmk.validate import check_key_arn


def main():
    module = AnsibleAWSModule(argument_spec=dict(key_arn=dict(type="str", required=True, no_log=False),
                                                 alias=dict(type="str", default="atlassian-cmk-key"),
                                                 **ASSUME_ROLE, **MASKED_ACCESS_KEY),
                              supports_check_mode=True)
    key_arn, alias = module.params["key_arn"], alias_name(module.params["alias"])
    refuse_bad_input(module, check_key_arn(key_arn, module.region) + check_alias(module.params["alias"]))
    client = connect(module)[0]
    try:
        meta = kms.describe_key(client, key_arn)
        target = kms.describe_key(client, alias)
        tags = kms.list_tags(client, key_arn) if meta else {}
        cancel, reason = may_cancel(key_arn, alias, target, meta, tags)
        if cancel and not module.check_mode:
            kms.cancel_key_deletion(client, kms.key_id_of(key_arn))
    except kms.CmkAWSError as e:
        fail_aws(module, e)
    module.exit_json(**outcome(cancel, reason, meta, module.check_mode))


if __name__ == "__main__":
    main()
