"""Tests for what is planned from before any call: Desired, spec_mismatches, refusal."""
from __future__ import annotations

import pytest

from ansible_collections.cmkops.atlassian_cmk.plugins.module_utils._cmk.desired import Desired
from ansible_collections.cmkops.atlassian_cmk.plugins.module_utils._cmk.compare import KEY_SPEC
from ansible_collections.cmkops.atlassian_cmk.plugins.module_utils._cmk.plan import MARKER_ALIAS
from ansible_collections.cmkops.atlassian_cmk.plugins.module_utils._cmk.plan import MARKER_ATTEMPT
from ansible_collections.cmkops.atlassian_cmk.plugins.module_utils._cmk.plan import refusal
from ansible_collections.cmkops.atlassian_cmk.plugins.module_utils._cmk.compare import spec_mismatches
from ansible_collections.cmkops.atlassian_cmk.tests.unit.plugins.module_utils.plan_samples import ALIAS
from ansible_collections.cmkops.atlassian_cmk.tests.unit.plugins.module_utils.plan_samples import ARN
from ansible_collections.cmkops.atlassian_cmk.tests.unit.plugins.module_utils.plan_samples import ATTEMPT
from ansible_collections.cmkops.atlassian_cmk.tests.unit.plugins.module_utils.plan_samples import REGION
from ansible_collections.cmkops.atlassian_cmk.tests.unit.plugins.module_utils.plan_samples import current
from ansible_collections.cmkops.atlassian_cmk.tests.unit.plugins.module_utils.plan_samples import desired
from ansible_collections.cmkops.atlassian_cmk.tests.unit.plugins.module_utils.plan_samples import metadata
from ansible_collections.cmkops.atlassian_cmk.tests.unit.plugins.module_utils.plan_samples import params


# ---------------------------------------------------------------- Desired


@pytest.mark.parametrize("alias", ["atlassian-cmk-key", "alias/atlassian-cmk-key"])
def test_desired_normalises_alias(alias):
    assert desired(alias=alias).alias == ALIAS


def test_desired_from_params():
    d = Desired.from_params(params(tags={"n": 1, "b": False}, enabled=False, account_id="123456789012",
                                   org_paths=["o-a/*"]), "us-east-1")
    assert (d.region, d.tags, d.enabled, d.account_id, d.policy) == (
        "us-east-1", {"n": "1", "b": "False"}, False, "123456789012", None)
    assert d.policy_option == "policy" and d.purge_tags is True


def test_desired_for_account_renders_the_policy_once_per_account():
    template = '{"Version": "2012-10-17", "Statement": [{"Effect": "Allow", "Principal": {"AWS": ' \
               '"arn:aws:iam::AWSACCOUNTID:root"}, "Action": "kms:*", "Resource": "*"}]}'
    d = Desired.from_params(params(policy_template=template), "us-east-1")
    assert d.policy_option == "policy_template"
    rendered = d.for_account("210987654321")
    assert rendered.policy["Statement"][0]["Principal"]["AWS"] == "arn:aws:iam::210987654321:root"
    assert d.policy is None  # frozen: the request itself is unchanged


@pytest.mark.parametrize("tags", [None, {}])
def test_desired_no_tags(tags):
    d = desired(tags=tags)
    assert d.tags == {} and d.purge_tags is (tags is not None)


# ---------------------------------------------------------------- spec_mismatches


@pytest.mark.parametrize(
    "meta, expected",
    [
        (metadata(), {}),
        ({k: v for k, v in metadata().items() if k != "KeyUsage"}, {}),
        ({k: v for k, v in metadata().items() if k not in ("KeyUsage", "MultiRegion", "Origin")}, {}),
        ({k: v for k, v in metadata().items() if k != "KeySpec"} | {"CustomerMasterKeySpec": "SYMMETRIC_DEFAULT"},
         {}),
        (metadata(KeyUsage="GENERATE_VERIFY_MAC"), {"KeyUsage": "GENERATE_VERIFY_MAC"}),
        (metadata(KeySpec="RSA_2048", KeyUsage="SIGN_VERIFY"), {"KeySpec": "RSA_2048", "KeyUsage": "SIGN_VERIFY"}),
        (metadata(Origin="EXTERNAL"), {"Origin": "EXTERNAL"}),
        (metadata(Origin="AWS_CLOUDHSM"), {"Origin": "AWS_CLOUDHSM"}),
        (metadata(MultiRegion=True), {"MultiRegion": True}),
        ({k: v for k, v in metadata().items() if k != "KeySpec"} | {"CustomerMasterKeySpec": "ECC_NIST_P256"},
         {"KeySpec": "ECC_NIST_P256"}),
    ],
)
def test_spec_mismatches(meta, expected):
    assert spec_mismatches(meta) == expected


def test_key_spec_is_symmetric_default():
    assert KEY_SPEC == {"KeySpec": "SYMMETRIC_DEFAULT", "KeyUsage": "ENCRYPT_DECRYPT", "Origin": "AWS_KMS",
                        "MultiRegion": False}


# ---------------------------------------------------------------- refusal


def key_problem(current_key, wanted):
    """Why the key must not be touched (the refusal's message), or None."""
    found = refusal(current_key, wanted)
    return found.message if found else None


@pytest.mark.parametrize("state", ["present", "absent"])
@pytest.mark.parametrize("tags", [{}, {"team": "security"}, {MARKER_ATTEMPT: ATTEMPT}])
def test_key_problem_foreign_key_needs_adopt(state, tags):
    problem = key_problem(current(tags=tags), desired(state=state, adopt=False))
    assert problem is not None
    assert ALIAS in problem and ARN in problem and REGION in problem
    assert "adopt=true" in problem


@pytest.mark.parametrize("state", ["present", "absent"])
@pytest.mark.parametrize("tags", [{}, {"team": "security"}])
def test_key_problem_adopt_true_allows_foreign_key(state, tags):
    assert key_problem(current(tags=tags), desired(state=state, adopt=True)) is None


@pytest.mark.parametrize("state", ["present", "absent"])
@pytest.mark.parametrize("adopt", [False, True])
def test_a_key_marked_for_another_alias_is_never_adopted_for_a_second(state, adopt):
    # The enrolled key behind a successor alias: adopting it would report the enrolled ARN as the successor's.
    problem = key_problem(current(tags={MARKER_ALIAS: "alias/another-alias"}), desired(state=state, adopt=adopt))
    assert problem is not None and ARN in problem
    assert "this collection manages for alias/another-alias" in problem and "never adopted for a second" in problem
    assert "adopt=true" not in problem


@pytest.mark.parametrize("state", ["Enabled", "Disabled"])
@pytest.mark.parametrize("adopt", [False, True])
def test_key_problem_none_for_own_key(state, adopt):
    assert key_problem(current(state=state), desired(adopt=adopt)) is None


@pytest.mark.parametrize(
    "meta, shown",
    [
        ({"KeySpec": "RSA_2048", "KeyUsage": "SIGN_VERIFY"}, "RSA_2048"),
        ({"MultiRegion": True}, "MultiRegion"),
        ({"Origin": "EXTERNAL"}, "EXTERNAL"),
        ({"KeyUsage": "GENERATE_VERIFY_MAC"}, "GENERATE_VERIFY_MAC"),
    ],
)
@pytest.mark.parametrize("adopt", [False, True])
def test_key_problem_wrong_spec(meta, shown, adopt):
    problem = key_problem(current(**meta), desired(adopt=adopt))
    assert problem is not None
    assert shown in problem and ARN in problem and ALIAS in problem


def test_key_problem_wrong_spec_still_deletable():
    assert key_problem(current(KeySpec="RSA_2048"), desired(state="absent")) is None


def test_key_problem_pending_deletion_without_cancel():
    cur = current(state="PendingDeletion", DeletionDate="2030-01-01T00:00:00Z")
    problem = key_problem(cur, desired(cancel_pending_deletion=False))
    assert problem is not None
    assert "pending deletion" in problem
    assert "cancel_pending_deletion=true" in problem
    assert ALIAS in problem and ARN in problem and "2030-01-01" in problem


@pytest.mark.parametrize("enabled", [None, True, False])
def test_key_problem_pending_deletion_with_cancel(enabled):
    cur = current(state="PendingDeletion")
    assert key_problem(cur, desired(cancel_pending_deletion=True, enabled=enabled)) is None


def test_key_problem_pending_deletion_absent_is_fine():
    assert key_problem(current(state="PendingDeletion"), desired(state="absent")) is None


@pytest.mark.parametrize("state", ["present", "absent"])
@pytest.mark.parametrize("adopt", [False, True])
def test_key_problem_aws_managed_key(state, adopt):
    cur = current(KeyManager="AWS", tags={})
    problem = key_problem(cur, desired(state=state, adopt=adopt))
    assert problem is not None
    assert "AWS managed" in problem and ARN in problem


@pytest.mark.parametrize("key_state", ["PendingImport", "Unavailable", "Creating", "Updating", "PendingReplicaDeletion"])
def test_key_problem_unmanageable_state(key_state):
    problem = key_problem(current(state=key_state), desired(cancel_pending_deletion=True))
    assert problem is not None
    assert key_state in problem
