# -*- coding: utf-8 -*-
# Copyright: cmkops contributors
# GNU General Public License v3.0+ (see https://www.gnu.org/licenses/gpl-3.0.txt)
"""The role a module assumes itself, in its own process."""


class ModuleDocFragment:
    DOCUMENTATION = r"""
options:
  assume_role_arn:
    description:
      - An IAM role to assume with the credentials given, for every call of this run, for example the role of
        one account of a fleet.
      - The module assumes it in its own process; the temporary credentials never leave it, so they are in
        no task result and no host variable.
      - Unset, the credentials given are used as they are.
    type: str
    version_added: 1.0.0
  assume_role_session_name:
    description: The session name of O(assume_role_arn), as CloudTrail shows it.
    type: str
    default: cmkops-atlassian-cmk
    version_added: 1.0.0
notes:
  - With O(assume_role_arn), each run makes one C(sts:AssumeRole) call before its KMS calls.
"""
