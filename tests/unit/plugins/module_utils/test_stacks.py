"""Whether a CloudFormation stack still owns a key, and what the converge and the audit make of it
(_cmk/stacks.py, _cmk/compare.py)."""
from __future__ import annotations

import pytest

from ansible_collections.cmkops.atlassian_cmk.plugins.module_utils._cmk import audit
from ansible_collections.cmkops.atlassian_cmk.plugins.module_utils._cmk.compare import adopting
from ansible_collections.cmkops.atlassian_cmk.plugins.module_utils._cmk.compare import compare
from ansible_collections.cmkops.atlassian_cmk.plugins.module_utils._cmk.plan import plan_present
from ansible_collections.cmkops.atlassian_cmk.plugins.module_utils._cmk.plan import refusal
from ansible_collections.cmkops.atlassian_cmk.plugins.module_utils._cmk.stacks import STACK_TAG
from ansible_collections.cmkops.atlassian_cmk.plugins.module_utils._cmk.stacks import owner
from ansible_collections.cmkops.atlassian_cmk.plugins.module_utils._cmk.stacks import text
from ansible_collections.cmkops.atlassian_cmk.plugins.module_utils._cmk.stacks import unknown
from ansible_collections.cmkops.atlassian_cmk.tests.unit.plugins.module_utils.plan_samples import ACCOUNT
from ansible_collections.cmkops.atlassian_cmk.tests.unit.plugins.module_utils.plan_samples import ALIAS
from ansible_collections.cmkops.atlassian_cmk.tests.unit.plugins.module_utils.plan_samples import ARN
from ansible_collections.cmkops.atlassian_cmk.tests.unit.plugins.module_utils.plan_samples import KEY_ID
from ansible_collections.cmkops.atlassian_cmk.tests.unit.plugins.module_utils.plan_samples import MARKER_ALIAS
from ansible_collections.cmkops.atlassian_cmk.tests.unit.plugins.module_utils.plan_samples import current
from ansible_collections.cmkops.atlassian_cmk.tests.unit.plugins.module_utils.plan_samples import desired

STACK_ID = "arn:aws:cloudformation:eu-west-1:123456789012:stack/atlassian-cmk/0a1b"


def resource(logical, physical, status="CREATE_COMPLETE", kind="AWS::KMS::Key"):
    return {"StackName": "atlassian-cmk", "StackId": STACK_ID, "LogicalResourceId": logical,
            "PhysicalResourceId": physical, "ResourceStatus": status, "ResourceType": kind}


KEY = resource("CMKKey", KEY_ID)
ALIAS_RESOURCE = resource("CMKAlias", ALIAS, kind="AWS::KMS::Alias")
OWNED = {"stack_name": "atlassian-cmk", "stack_id": STACK_ID,
         "resources": ["CMKKey (AWS::KMS::Key)", "CMKAlias (AWS::KMS::Alias)"]}


@pytest.mark.parametrize("resources, expected", [
    ([], None),  # no stack holds the key (CloudFormation answered ValidationError)
    ([KEY, ALIAS_RESOURCE], OWNED),
    ([resource("CMKKey", ARN), ALIAS_RESOURCE], OWNED),  # a physical ID given as the ARN
    ([KEY, ALIAS_RESOURCE, resource("Bucket", "my-bucket", kind="AWS::S3::Bucket")], OWNED),  # the rest is not named
    ([KEY], dict(OWNED, resources=["CMKKey (AWS::KMS::Key)"])),
    ([dict(KEY, ResourceStatus="UPDATE_COMPLETE"), dict(ALIAS_RESOURCE, ResourceStatus="DELETE_SKIPPED")],
     dict(OWNED, resources=["CMKKey (AWS::KMS::Key)"])),
    ([dict(KEY, ResourceStatus="DELETE_IN_PROGRESS")], dict(OWNED, resources=["CMKKey (AWS::KMS::Key)"])),
    # A stack deleted with DeletionPolicy Retain has let go of them (AWS: DELETE_SKIPPED; moto: DELETE_COMPLETE).
    ([dict(KEY, ResourceStatus="DELETE_SKIPPED"), dict(ALIAS_RESOURCE, ResourceStatus="DELETE_SKIPPED")], None),
    ([dict(KEY, ResourceStatus="DELETE_COMPLETE"), dict(ALIAS_RESOURCE, ResourceStatus="DELETE_COMPLETE")], None),
])
def test_the_owner_is_the_stack_that_still_holds_the_key_or_its_alias(resources, expected):
    assert owner(resources, (KEY_ID, ARN, ALIAS)) == expected


def test_the_text_names_the_stack_what_it_holds_and_both_risks():
    said = text(OWNED)
    assert "atlassian-cmk" in said and "CMKKey (AWS::KMS::Key), CMKAlias (AWS::KMS::Alias)" in said
    assert "update of the stack puts the stack's key policy back" in said
    assert "deleting the stack deletes the key unless its DeletionPolicy is Retain" in said
    said = text(unknown({STACK_TAG: "atlassian-cmk"}, "AccessDenied: not allowed"))
    assert "atlassian-cmk" in said and "AccessDenied: not allowed" in said
    assert "cloudformation:DescribeStackResources" in said


NOT_OURS = {"team": "security"}


@pytest.mark.parametrize("tags, options, expected", [
    (NOT_OURS, dict(adopt=True), True),
    (NOT_OURS, dict(adopt=False), False),  # refused as foreign_key before anything is asked
    (NOT_OURS, dict(adopt=True, state="absent"), False),
    (NOT_OURS, dict(adopt=True, state="retired"), False),
    ({MARKER_ALIAS: ALIAS}, dict(adopt=True), False),  # already this collection's: the normal path
    ({MARKER_ALIAS: "alias/another"}, dict(adopt=True), False),  # never adopted for a second alias
])
def test_only_an_adoption_asks_cloudformation(tags, options, expected):
    assert adopting(current(tags=tags), desired(**options)) is expected


def test_an_aws_managed_key_is_never_adopted_so_never_asked():
    assert not adopting(current(tags={}, KeyManager="AWS"), desired(adopt=True))


def test_adopting_a_stack_owned_key_is_refused_naming_the_stack_and_the_way_out():
    found = current(tags=NOT_OURS, stack=OWNED)
    refused = refusal(found, desired(adopt=True))
    assert refused is not None and refused.code == "stack_owned" and not refused.writes
    assert "atlassian-cmk" in refused.message and "adopt_from_stack=true" in refused.message
    assert ALIAS in refused.message and "eu-west-1" in refused.message


def test_adopt_from_stack_adopts_with_a_warning_naming_the_stack():
    found = current(tags=NOT_OURS, stack=OWNED)
    wanted = desired(adopt=True, adopt_from_stack=True)
    assert refusal(found, wanted) is None
    comparison = compare(found, wanted, ACCOUNT)
    assert [w for w in comparison.warnings if "atlassian-cmk" in w and "DeletionPolicy is Retain" in w]
    plan = plan_present(found, wanted, ACCOUNT)
    assert ("tag_resource", {"tags": {MARKER_ALIAS: ALIAS}}) in plan.actions
    assert "stack_owned" not in plan.fixed  # the stack still owns it after the run


@pytest.mark.parametrize("adopt_from_stack", [False, True])
def test_an_adopted_key_a_stack_still_owns_is_reported_and_never_written_for(adopt_from_stack):
    found = current(stack=OWNED)  # marked as this collection's
    wanted = desired(adopt_from_stack=adopt_from_stack)
    assert refusal(found, wanted) is None
    assert plan_present(found, wanted, ACCOUNT).actions == []
    (finding,) = audit.findings(found, wanted, checked=True)
    assert finding["code"] == "stack_owned" and finding["severity"] == "warning"
    assert finding["stack"] == OWNED and "atlassian-cmk" in finding["message"]


def test_a_stack_that_let_go_or_was_never_asked_is_no_finding():
    assert audit.findings(current(), desired(), checked=True) == []
    assert audit.findings(current(stack=None), desired(), checked=True) == []
