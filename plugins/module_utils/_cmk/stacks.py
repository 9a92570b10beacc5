# -*- coding: utf-8 -*-
# Copyright: cmkops contributors
# GNU General Public License v3.0+ (see https://www.gnu.org/licenses/gpl-3.0.txt)
"""Whether a CloudFormation stack still owns a key (Atlassian's Method 1): the one CloudFormation read, with
kms.py's errors and retries, and what its answer means (pure).

The read is made only where it matters: when a run adopts a key, and, in the audit, for a key that carries the
tag ``aws:cloudformation:stack-name``. The tag alone cannot tell: it stays on a key that a stack deleted with
``DeletionPolicy: Retain`` has let go of, and nobody can remove it.
"""

from __future__ import annotations

from typing import Any, Dict, Iterable, List, Mapping, Optional

from ansible_collections.amazon.aws.plugins.module_utils.botocore import is_boto3_error_code

from .kms import Errors, retry

STACK_TAG = "aws:cloudformation:stack-name"
# What a resource's status is once its stack has let go of it: deleted, or kept by DeletionPolicy Retain.
LET_GO = frozenset({"DELETE_COMPLETE", "DELETE_SKIPPED"})
PERMISSION = "cloudformation:DescribeStackResources"


@Errors.common_error_handler("ask CloudFormation whether a stack owns the key")
@retry
def stack_resources(client, physical_id: str) -> List[Dict[str, Any]]:
    """The resources of the stack (running, or deleted in the last 90 days) that holds ``physical_id``;
    [] when no stack does (CloudFormation answers ValidationError)."""
    try:
        return client.describe_stack_resources(PhysicalResourceId=physical_id)["StackResources"]
    except is_boto3_error_code("ValidationError"):
        return []


def owner(resources: Iterable[Mapping[str, Any]], ids: Iterable[str]) -> Optional[Dict[str, Any]]:
    """The stack that still holds any of ``ids`` (the key's ID and ARN, its alias), with what it holds; None
    when no stack does, or its stack has let go of them."""
    wanted = set(ids)
    held = [r for r in resources if r.get("PhysicalResourceId") in wanted and r.get("ResourceStatus") not in LET_GO]
    if not held:
        return None
    return {"stack_name": held[0]["StackName"], "stack_id": held[0].get("StackId"),
            "resources": [f"{r['LogicalResourceId']} ({r.get('ResourceType')})" for r in held]}


def read_owner(client, metadata: Mapping[str, Any], alias: str) -> Optional[Dict[str, Any]]:
    """The stack that still owns the key behind ``alias`` (one DescribeStackResources by the key's ID), or None."""
    return owner(stack_resources(client, metadata["KeyId"]), (metadata["KeyId"], metadata["Arn"], alias))


def unknown(tags: Mapping[str, str], reason: str) -> Dict[str, Any]:
    """The audit's answer when the read fails: the stack the tag names, not known to own the key or not."""
    return {"stack_name": tags.get(STACK_TAG), "stack_id": None, "resources": [], "unknown": reason}


def text(stack: Mapping[str, Any]) -> str:
    """What a stack that owns the key means for the user."""
    if stack.get("unknown"):
        return (f"the key carries the tag {STACK_TAG}={stack['stack_name']}, and whether that stack still owns it "
                f"is unknown: {stack['unknown']} (it needs {PERMISSION})")
    return (f"CloudFormation stack {stack['stack_name']} still owns the key ({', '.join(stack['resources'])}): an "
            "update of the stack puts the stack's key policy back, and deleting the stack deletes the key unless its "
            "DeletionPolicy is Retain; see 'Moving from Method 1' in docs/lifecycle.md")
