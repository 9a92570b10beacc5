"""The converge and the audit never disagree (_cmk/compare.py, read by _cmk/plan.py and _cmk/audit.py).

For every kind of difference, combined with every option that changes what it means: the converge plans a write
exactly when the audit reports a finding that has a write, its writes are the ones the finding's code names, the
key the converge leaves behind audits clean (bar the findings that have no write), and a second converge plans
nothing. A key the converge refuses is a finding of the refusal's code, and nothing is written.
"""
from __future__ import annotations

import copy

import pytest

from ansible_collections.cmkops.atlassian_cmk.plugins.module_utils._cmk import audit
from ansible_collections.cmkops.atlassian_cmk.plugins.module_utils._cmk.compare import MARKER_ALIAS
from ansible_collections.cmkops.atlassian_cmk.plugins.module_utils._cmk.compare import MARKER_SUCCESSOR
from ansible_collections.cmkops.atlassian_cmk.plugins.module_utils._cmk.plan import plan_present
from ansible_collections.cmkops.atlassian_cmk.plugins.module_utils._cmk.plan import refusal
from ansible_collections.cmkops.atlassian_cmk.plugins.module_utils._cmk.revocation import MARKER_REVOKED
from ansible_collections.cmkops.atlassian_cmk.tests.unit.plugins.module_utils.plan_samples import ACCOUNT
from ansible_collections.cmkops.atlassian_cmk.tests.unit.plugins.module_utils.plan_samples import ALIAS
from ansible_collections.cmkops.atlassian_cmk.tests.unit.plugins.module_utils.plan_samples import POLICY
from ansible_collections.cmkops.atlassian_cmk.tests.unit.plugins.module_utils.plan_samples import current
from ansible_collections.cmkops.atlassian_cmk.tests.unit.plugins.module_utils.plan_samples import desired

OURS = {"team": "security", MARKER_ALIAS: ALIAS}
DRIFTED = {"Version": "2012-10-17", "Statement": [dict(POLICY["Statement"][0])]}  # Atlassian cut off
PARTNER = {"Effect": "Allow", "Principal": {"AWS": "210987654321"}, "Action": "kms:Decrypt", "Resource": "*"}
OPENED = dict(POLICY, Statement=POLICY["Statement"] + [PARTNER])  # another account
STACK = {"stack_name": "atlassian-cmk", "stack_id": "arn:aws:cloudformation:eu-west-1:123456789012:stack/atlassian-cmk/1",
         "resources": ["CMKKey (AWS::KMS::Key)", "CMKAlias (AWS::KMS::Alias)"]}
OWN_ADMIN = {"Effect": "Allow", "Resource": "*", "Action": "kms:*", "Principal": {"AWS": f"arn:aws:iam::{ACCOUNT}:role/Admin"}}
ADMIN = dict(POLICY, Statement=POLICY["Statement"] + [OWN_ADMIN])

# Each kind of difference, as a key found in AWS.
KEYS = {
    "as made": {},
    "disabled": dict(state="Disabled"),
    "revoked": dict(state="Disabled", tags=dict(OURS, **{MARKER_REVOKED: "2026-11-30T09:00:00Z"})),
    "pending deletion": dict(state="PendingDeletion", DeletionDate="2026-12-30T09:00:00Z"),
    "unavailable": dict(state="Unavailable"),
    "policy drift": dict(policy=DRIFTED),
    "policy opened": dict(policy=OPENED),
    "admin statement": dict(policy=ADMIN),
    "description": dict(Description="changed by hand"),
    "rotation off": dict(rotation=(False, None)),
    "rotation period": dict(rotation=(True, 180)),
    "extra tag": dict(tags=dict(OURS, extra="by hand")),
    "changed tag": dict(tags=dict(OURS, team="other")),
    "missing tag": dict(tags={MARKER_ALIAS: ALIAS}),
    "not ours": dict(tags={"team": "security"}),
    "another alias's": dict(tags={"team": "security", MARKER_ALIAS: "alias/another"}),
    "aws managed": dict(KeyManager="AWS"),
    "wrong spec": dict(KeySpec="RSA_2048", KeyUsage="SIGN_VERIFY"),
    "successor recorded": dict(tags=dict(OURS, **{MARKER_SUCCESSOR: "alias/atlassian-cmk-2027"})),
    "disabled with drift": dict(state="Disabled", policy=DRIFTED, rotation=(False, None), Description="x"),
    "stack owned": dict(tags={"team": "security"}, stack=STACK),
    "stack owned, adopted": dict(stack=STACK),
}

# Each option that changes what a difference means, one at a time and in the pairs that matter.
OPTIONS = {
    "defaults": {},
    "purge_tags false": dict(purge_tags=False),
    "tags unset": dict(tags=None),
    "tags unset, purge false": dict(tags=None, purge_tags=False),
    "enabled true": dict(enabled=True),
    "enabled false": dict(enabled=False),
    "rotation off": dict(enable_key_rotation=False),
    "rotation 180 days": dict(rotation_period_days=180),
    "adopt": dict(adopt=True),
    "adopt from stack": dict(adopt=True, adopt_from_stack=True),
    "cancel deletion": dict(cancel_pending_deletion=True),
    "cancel deletion, enabled true": dict(cancel_pending_deletion=True, enabled=True),
    "account guard, same": dict(account_id=ACCOUNT),
    "account guard, other": dict(account_id="210987654321"),
    "successor": dict(successor_alias="atlassian-cmk-2027"),
    "description": dict(description="Another description"),
}

# What the converge may write for each finding code; the codes absent here are never written.
WRITES_OF = {
    "pending_deletion": {"cancel_key_deletion"},
    "disabled": {"enable_key", "untag_resource"},
    "enabled": {"tag_resource", "disable_key"},
    "policy_drift": {"put_key_policy"},
    "atlassian_access": {"put_key_policy"},
    "external_access": {"put_key_policy"},
    "description": {"update_key_description"},
    "rotation": {"enable_key_rotation", "disable_key_rotation"},
    "tags": {"tag_resource", "untag_resource"},
    "foreign_key": {"tag_resource"},
    "successor": {"tag_resource"},
}


def key_after(plan):
    """The key as AWS holds it after the converge, from the plan's predicted result."""
    result = plan.result
    meta = dict(current()["metadata"], KeyState=result["key_state"], Enabled=result["enabled"],
                Description=result["description"])
    return {"metadata": meta, "policy": copy.deepcopy(result["policy"]), "rotation_enabled": result["rotation_enabled"],
            "rotation_period_days": result["rotation_period_days"], "tags": dict(result["tags"])}


def writes_of_findings(found, wanted, state):
    """The findings a converge with ``wanted`` acts on: all but a disabled key while enabled is unset, rotation
    on a key that stays disabled (KMS refuses rotation changes on a disabled key), and a stack that owns the key."""
    enabled_meanwhile = state == "Enabled" or wanted.enabled is True
    return [f for f in found if f["code"] != "stack_owned" and not (f["code"] == "disabled" and wanted.enabled is None)
            and not (f["code"] == "rotation" and not enabled_meanwhile)]


@pytest.mark.parametrize("options", OPTIONS.values(), ids=list(OPTIONS))
@pytest.mark.parametrize("key", KEYS.values(), ids=list(KEYS))
def test_the_converge_writes_exactly_what_the_audit_finds(key, options):
    found_key = current(**key)
    wanted = desired(**options)
    found = audit.findings(found_key, wanted, checked=True)
    codes = {f["code"] for f in found}
    refused = refusal(found_key, wanted)
    if refused:
        assert refused.code in codes, (refused, found)
        return
    plan = plan_present(found_key, wanted, ACCOUNT)
    acted_on = writes_of_findings(found, wanted, found_key["metadata"]["KeyState"])
    assert bool(plan.actions) == bool(acted_on), (plan.actions, found)
    allowed = set().union(*(WRITES_OF[f["code"]] for f in acted_on))
    assert {name for name, _args in plan.actions} <= allowed, (plan.actions, found)
    for code in {f["code"] for f in acted_on}:
        assert WRITES_OF[code] & {name for name, _args in plan.actions}, (code, plan.actions)

    after = key_after(plan)
    assert writes_of_findings(audit.findings(after, wanted, checked=True), wanted, plan.result["key_state"]) == []
    assert plan_present(after, wanted, ACCOUNT).actions == []


@pytest.mark.parametrize("key, options, code", [
    ("pending deletion", "defaults", "pending_deletion"),
    ("not ours", "defaults", "foreign_key"),
    ("another alias's", "adopt", "foreign_key"),
    ("aws managed", "adopt", "foreign_key"),
    ("wrong spec", "adopt", "key_spec"),
    ("as made", "account guard, other", "wrong_account"),
    ("unavailable", "defaults", "disabled"),
    ("stack owned", "adopt", "stack_owned"),
])
def test_the_findings_without_a_write_are_refusals(key, options, code):
    """docs/lifecycle.md lists them: the converge refuses the key and writes nothing."""
    found_key = current(**KEYS[key])
    wanted = desired(**OPTIONS[options])
    refused = refusal(found_key, wanted)
    assert refused is not None and refused.code == code and not refused.writes
    assert code in {f["code"] for f in audit.findings(found_key, wanted, checked=True)}


@pytest.mark.parametrize("key", ["extra tag", "changed tag", "missing tag"])
def test_purge_tags_false_leaves_other_tags_to_both(key):
    found_key = current(**KEYS[key])
    wanted = desired(purge_tags=False)
    codes = [f["code"] for f in audit.findings(found_key, wanted, checked=True)]
    assert codes == ([] if key == "extra tag" else ["tags"])
    assert bool(plan_present(found_key, wanted, ACCOUNT).actions) == (key != "extra tag")
