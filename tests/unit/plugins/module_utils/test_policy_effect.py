"""What a changed key policy means (_cmk/policy_effect.py), over a table of real-world edits of the built-in
template, and through the comparison the audit and the converge share."""

from __future__ import annotations

import copy

import pytest

from ansible_collections.cmkops.atlassian_cmk.plugins.module_utils._cmk import audit
from ansible_collections.cmkops.atlassian_cmk.plugins.module_utils._cmk.plan import plan_present
from ansible_collections.cmkops.atlassian_cmk.plugins.module_utils._cmk.policy_effect import classify
from ansible_collections.cmkops.atlassian_cmk.tests.unit.plugins.module_utils.plan_samples import ACCOUNT
from ansible_collections.cmkops.atlassian_cmk.tests.unit.plugins.module_utils.plan_samples import POLICY
from ansible_collections.cmkops.atlassian_cmk.tests.unit.plugins.module_utils.plan_samples import current
from ansible_collections.cmkops.atlassian_cmk.tests.unit.plugins.module_utils.plan_samples import desired

ORG = "o-rab3nm4fez/*/ou-ab12-cdef3456/*"
CUT, OPEN, DRIFT = "atlassian_access", "external_access", "policy_drift"


def edited(edit):
    policy = copy.deepcopy(POLICY)
    edit(policy["Statement"])
    return policy


def add(statement):
    return lambda statements: statements.append(dict({"Effect": "Allow", "Resource": "*"}, **statement))


def set_org_paths(paths):
    def edit(statements):
        for stmt in statements[1:]:
            stmt["Condition"]["ForAnyValue:StringLike"]["aws:PrincipalOrgPaths"] = paths
    return edit


def drop_org_paths(statements):
    del statements[1]["Condition"]["ForAnyValue:StringLike"]


def drop_action(statements):
    statements[1]["Action"].remove("kms:Decrypt")


# (the edit, the classes it has)
EDITS = {
    "a Deny on kms:Decrypt for all principals": (add({"Effect": "Deny", "Principal": "*", "Action": "kms:Decrypt"}),
                                                 [CUT]),
    "a Deny on kms:* for every principal": (add({"Effect": "Deny", "Principal": {"AWS": "*"}, "Action": "kms:*"}),
                                            [CUT]),
    "a Deny of everything but DescribeKey": (add({"Effect": "Deny", "Principal": "*", "NotAction": "kms:DescribeKey"}),
                                             [CUT]),
    "a Deny for one of the account's roles": (add({"Effect": "Deny", "Action": "kms:Decrypt",
                                                   "Principal": {"AWS": f"arn:aws:iam::{ACCOUNT}:role/intern"}}),
                                              [DRIFT]),
    "the OrgPath widened to the organization": (set_org_paths(["o-rab3nm4fez/*"]), [CUT, OPEN]),
    "the OrgPath removed": (drop_org_paths, [CUT, OPEN]),
    "another OrgPath": (set_org_paths(["o-zzzzzzzzzz/*/ou-zz99-zzzzzzzz/*"]), [CUT, OPEN]),
    "a statement for another account": (add({"Principal": {"AWS": "arn:aws:iam::210987654321:root"},
                                             "Action": "kms:Decrypt"}), [OPEN]),
    "another account by its bare ID": (add({"Principal": {"AWS": "210987654321"}, "Action": ["kms:Encrypt"]}), [OPEN]),
    "a service outside the template": (add({"Principal": {"Service": "logs.amazonaws.com"}, "Action": "kms:Decrypt"}),
                                       [OPEN]),
    "every principal with no condition": (add({"Principal": "*", "Action": "kms:Decrypt"}), [OPEN]),
    "everyone but one (NotPrincipal)": (add({"NotPrincipal": {"AWS": "arn:aws:iam::210987654321:root"},
                                             "Action": "kms:Decrypt"}), [OPEN]),
    "an extra admin statement for the account": (add({"Principal": {"AWS": f"arn:aws:iam::{ACCOUNT}:role/Admin"},
                                                      "Action": "kms:*"}), [DRIFT]),
    "a narrower OrgPath on an extra statement": (add({"Principal": "*", "Action": "kms:Decrypt", "Condition": {
        "ForAnyValue:StringLike": {"aws:PrincipalOrgPaths": ["o-rab3nm4fez/*/ou-ab12-cdef3456/ou-ab12-11111111/*"]}}}),
        [DRIFT]),
    "Atlassian's RDS statement removed": (lambda statements: statements.pop(), [CUT]),
    "kms:Decrypt taken from Atlassian's statement": (drop_action, [CUT]),
    "the account's own statement removed": (lambda statements: statements.pop(0), [DRIFT]),
}


@pytest.mark.parametrize("edit, classes", EDITS.values(), ids=EDITS.keys())
def test_each_edit_is_classified_by_its_effect(edit, classes):
    got = classify(edited(edit), POLICY, ACCOUNT)
    assert [code for code, _what in got] == classes, got


@pytest.mark.parametrize("edit, classes", EDITS.values(), ids=EDITS.keys())
def test_the_audit_reports_each_class_and_the_converge_fixes_it_with_one_write(edit, classes):
    key = current(policy=edited(edit))
    found = audit.findings(key, desired(), True)
    assert [f["code"] for f in found] == classes
    assert all(f["severity"] == ("warning" if f["code"] == DRIFT else "critical") for f in found)
    plan = plan_present(key, desired(), ACCOUNT)
    assert [name for name, _args in plan.actions] == ["put_key_policy"]
    assert plan.fixed == classes


def test_the_statements_reordered_are_no_change_at_all():
    policy = copy.deepcopy(POLICY)
    policy["Statement"].reverse()
    for stmt in policy["Statement"]:
        if isinstance(stmt["Action"], list):
            stmt["Action"].reverse()
    key = current(policy=policy)
    assert audit.findings(key, desired(), True) == [] and plan_present(key, desired(), ACCOUNT).actions == []


def test_the_messages_name_the_statements():
    (cut,) = classify(edited(lambda statements: statements.pop()), POLICY, ACCOUNT)
    assert cut[1] == ("no longer grants what the template's AtlassianRdsPerformanceInsightsUsage grant outside the "
                      "account: Atlassian is cut off")
    (opened,) = classify(edited(add({"Sid": "Partner", "Principal": {"AWS": "210987654321"}, "Action": "kms:*"})),
                         POLICY, ACCOUNT)
    assert opened[1] == ("grants access beyond the account and the template (Partner opens the key to AWS "
                         "arn:aws:iam::210987654321:root)")
