"""moto_server, patched where moto 5.2 answers differently from AWS in ways the tests depend on.

- ``--paged``: KMS ListAliases pages like AWS's (for the benchmarks' call counts). moto ignores ``Limit``
  and ``Marker`` and returns every alias in one answer; AWS returns at most ``Limit`` aliases (default 50,
  at most 100) with ``Truncated`` and ``NextMarker``.
- Always, for keys that a CloudFormation stack made (Atlassian's Method 1):
  - CloudFormation tags each key it creates with ``aws:cloudformation:stack-name``, ``stack-id`` and
    ``logical-id``; moto adds no tags;
  - DescribeStackResources takes a ``PhysicalResourceId`` alone and answers the stack that holds it (or
    ValidationError when none does); moto needs ``StackName``;
  - ``KeyPolicy`` may be a JSON object in a template; moto stores it as such and then fails DescribeKey;
  - a stack update that changes only a resource's attributes (``DeletionPolicy: Retain``, the first step
    of moving from Method 1) leaves the resource alone; moto updates it anyway, and fails on an alias.

Takes moto_server's arguments, and ``--paged`` first::

    python -m harness.moto_aws [--paged] -H 127.0.0.1 -p 5000

The recorder (``MOTO_RECORDER_FILEPATH``) works as usual.
"""

from __future__ import annotations

import json
import sys

DEFAULT_LIMIT = 50
MAX_LIMIT = 100
STACK_TAGS = ("aws:cloudformation:stack-name", "aws:cloudformation:stack-id", "aws:cloudformation:logical-id")


def page(answer: dict, limit, marker) -> dict:
    """One AWS-sized page of a full ListAliases answer; the marker is the next alias's index."""
    aliases = answer.get("Aliases", [])
    size = min(max(int(limit or DEFAULT_LIMIT), 1), MAX_LIMIT)
    start = int(marker) if marker else 0
    chunk = aliases[start:start + size]
    result = {"Aliases": chunk, "Truncated": start + size < len(aliases)}
    if result["Truncated"]:
        result["NextMarker"] = str(start + size)
    return result


def patch_paging() -> None:
    from moto.kms.responses import KmsResponse

    original = KmsResponse.list_aliases

    def list_aliases(self) -> str:
        full = json.loads(original(self))
        return json.dumps(page(full, self._get_param("Limit"), self._get_param("Marker")))

    KmsResponse.list_aliases = list_aliases


def stack_tags(stack_id: str, logical_id: str) -> dict:
    """The tags CloudFormation puts on a resource it creates (stack ids: arn:...:stack/<name>/<uuid>)."""
    return dict(zip(STACK_TAGS, (stack_id.split("/")[1], stack_id, logical_id)))


def patch_stacks() -> None:
    from moto.cloudformation import parsing
    from moto.cloudformation.exceptions import ValidationError
    from moto.cloudformation.responses import ActionResult, CloudFormationResponse, StackResourceDTO
    from moto.kms import models as kms

    create_resource, update_resource = parsing.parse_and_create_resource, parsing.parse_and_update_resource
    created = {}  # (stack id, logical id) -> the properties the resource was made with

    def parse_and_create_resource(logical_id, resource_json, resources_map, account_id, region_name):
        created[resources_map.stack_id, logical_id] = json.dumps(resource_json.get("Properties"), sort_keys=True)
        policy = resource_json.get("Properties", {}).get("KeyPolicy")
        if resource_json.get("Type") == "AWS::KMS::Key" and isinstance(policy, dict):
            resource_json = dict(resource_json, Properties=dict(resource_json["Properties"], KeyPolicy=json.dumps(policy)))
        resource = create_resource(logical_id, resource_json, resources_map, account_id, region_name)
        if isinstance(resource, kms.Key):
            kms.kms_backends[account_id][region_name].tag_resource(resource.id, stack_tags(resources_map.stack_id,
                                                                                           logical_id))
        return resource

    def parse_and_update_resource(logical_id, resource_json, resources_map, account_id, region_name):
        properties = json.dumps(resource_json.get("Properties"), sort_keys=True)
        if created.get((resources_map.stack_id, logical_id)) == properties:
            return resources_map[logical_id]
        return update_resource(logical_id, resource_json, resources_map, account_id, region_name)

    parsing.parse_and_create_resource = parse_and_create_resource
    parsing.parse_and_update_resource = parse_and_update_resource

    describe = CloudFormationResponse.describe_stack_resources

    def describe_stack_resources(self):
        physical_id = self._get_param("PhysicalResourceId")
        if self._get_param("StackName") or not physical_id:
            return describe(self)
        backend = self.cloudformation_backend
        for stack in list(backend.stacks.values()) + list(backend.deleted_stacks.values()):
            if any(getattr(r, "physical_resource_id", None) == physical_id for r in stack.stack_resources):
                stack, resources = backend.describe_stack_resources(stack.stack_id, self._get_param("LogicalResourceId"))
                return ActionResult({"StackResources": [StackResourceDTO(stack, r) for r in resources]})
        raise ValidationError(message=f"Stack for {physical_id} does not exist")

    CloudFormationResponse.describe_stack_resources = describe_stack_resources


def main(argv=None) -> None:
    args = list(argv if argv is not None else sys.argv[1:])
    if "--paged" in args:
        args.remove("--paged")
        patch_paging()
    patch_stacks()
    from moto.server import main as moto_main

    moto_main(args)


if __name__ == "__main__":
    main()
