from __future__ import annotations

from ansible_collections.cmkops.atlassian_cmk.plugins.filter.realm_enrollment import realm_enrollment

ARN1 = "arn:aws:kms:eu-central-1:111122223333:key/1"
ARN2 = "arn:aws:kms:eu-west-1:111122223333:key/2"
NEW1 = "arn:aws:kms:eu-central-1:111122223333:key/n1"
NEW2 = "arn:aws:kms:eu-west-1:111122223333:key/n2"
OLD = "arn:aws:kms:eu-west-1:111122223333:key/old"
NOTHING_ELSE = {"successor_alias": None, "successor_key_arns": {}, "successor_keys": [], "retired_keys": [],
                "policy_template": None}


def item(region, alias="alias/atlassian-cmk-key", successor=False, managed=True, retired=False):
    return {"region": region, "alias": alias, "successor": successor, "managed": managed, "retired": retired}


def result(region, arn, state="Enabled", alias="alias/atlassian-cmk-key", successor=False, managed=True,
           retired=False, **extra):
    return dict(item=item(region, alias, successor, managed, retired), key_arn=arn, key_id=arn and arn.split("/")[-1], alias=alias,
                key_state=state, account_id="111122223333", changed=False, **extra)


def test_every_region_enabled_is_complete():
    out = realm_enrollment([result("eu-central-1", ARN1), result("eu-west-1", ARN2)], "europe", "AcmeCMK")
    assert out["account_id"] == "111122223333"
    assert out["key_arns"] == [ARN1, ARN2]
    assert out["entry"] == {"realm": "europe", "alias": "alias/atlassian-cmk-key", "context_tag": "AcmeCMK",
                            "key_arns": {"eu-central-1": ARN1, "eu-west-1": ARN2}, "complete": True,
                            **NOTHING_ELSE}


def read(region, arn=None, state="Enabled", alias="alias/atlassian-cmk-key", successor=False, failed=None):
    """The info module's result for a region the run leaves out."""
    got = {"item": {"region": region, "alias": alias, "successor": successor}, "changed": False}
    if failed:
        return dict(got, failed=True, msg=failed)
    key = {"key_arn": arn, "key_id": arn.split("/")[-1], "alias": alias, "key_state": state, "revoked_at": None,
           "account_id": "111122223333"} if arn else None
    return dict(got, key=key, findings=[], compliant=bool(arn))


def test_a_region_only_read_without_a_key_is_reported_missing_and_incomplete():
    out = realm_enrollment([result("eu-west-1", ARN2)], "europe", left_out=[read("eu-central-1")])
    assert out["keys"]["eu-central-1"] == {"key_arn": None, "key_id": None, "alias": "alias/atlassian-cmk-key",
                                           "key_state": None, "changed": False, "managed": False, "revoked_at": None,
                                           "fixed": [], "last_used": None}
    assert out["keys"]["eu-west-1"]["managed"] is True
    assert list(out["keys"]) == ["eu-central-1", "eu-west-1"]  # the realm's order
    assert out["entry"]["key_arns"] == {"eu-central-1": None, "eu-west-1": ARN2}
    assert out["entry"]["complete"] is False and out["entry"]["context_tag"] is None


def test_the_enrolled_keys_show_the_last_use_the_retire_step_read():
    busy = {"known": True, "operation": "Decrypt", "used_at": "2026-12-01T00:00:00Z"}
    retirement = {"alias": "alias/old", "refusals": [], "regions": [], "keys": {"eu-west-1": None},
                  "last_used": {"enrolled": {"eu-west-1": busy}, "retired": {"eu-west-1": None}}}
    out = realm_enrollment([result("eu-central-1", NEW1, alias="alias/new"), result("eu-west-1", NEW2, alias="alias/new")],
                           "europe", retirement=retirement)
    assert out["keys"]["eu-west-1"]["last_used"] == busy and out["keys"]["eu-central-1"]["last_used"] is None


def test_a_region_only_read_shows_its_key_and_a_failed_read_its_error():
    out = realm_enrollment([result("eu-west-1", ARN2)], "europe", left_out=[read("eu-central-1", ARN1)])
    assert out["keys"]["eu-central-1"]["key_arn"] == ARN1 and out["keys"]["eu-central-1"]["managed"] is False
    assert out["entry"]["complete"] is True
    out = realm_enrollment([result("eu-west-1", ARN2)], "europe",
                           left_out=[read("eu-central-1", failed="AccessDeniedException: kms:DescribeKey")])
    assert out["keys"]["eu-central-1"]["error"] == "AccessDeniedException: kms:DescribeKey"
    assert out["keys"]["eu-central-1"]["key_arn"] is None and out["entry"]["complete"] is False


def test_a_successor_in_a_region_left_out_is_read_too():
    out = realm_enrollment([result("eu-west-1", ARN2), result("eu-west-1", NEW2, alias="alias/new", successor=True)],
                           "europe", left_out=[read("eu-central-1", ARN1),
                                               read("eu-central-1", NEW1, alias="alias/new", successor=True)])
    assert out["entry"]["successor_alias"] == "alias/new"
    assert out["entry"]["successor_key_arns"] == {"eu-central-1": NEW1, "eu-west-1": NEW2}


def test_a_disabled_key_is_incomplete_and_keeps_when_it_was_revoked():
    out = realm_enrollment([result("eu-central-1", ARN1, "Disabled", revoked_at="2026-11-30T09:00:00Z"),
                            result("eu-west-1", ARN2)], "europe")
    assert out["entry"]["complete"] is False
    assert out["keys"]["eu-central-1"]["revoked_at"] == "2026-11-30T09:00:00Z"


def test_a_failed_read_keeps_its_message_and_the_account_falls_back():
    out = realm_enrollment([{"item": item("ap-southeast-2"), "failed": True, "msg": "AccessDenied"}], "australia",
                           account_id="444455556666")
    assert out["account_id"] == "444455556666"
    assert out["keys"]["ap-southeast-2"]["error"] == "AccessDenied"
    assert out["entry"]["complete"] is False


def test_the_successor_keys_are_reported_apart_and_do_not_count_for_completeness():
    out = realm_enrollment([result("eu-central-1", ARN1), result("eu-west-1", ARN2),
                            result("eu-central-1", NEW1, alias="alias/cmk-2027", successor=True),
                            result("eu-west-1", None, state=None, alias="alias/cmk-2027", successor=True)], "europe")
    assert out["key_arns"] == [ARN1, ARN2] and out["entry"]["alias"] == "alias/atlassian-cmk-key"
    assert out["entry"]["complete"] is True
    assert out["entry"]["successor_alias"] == "alias/cmk-2027"
    assert out["entry"]["successor_key_arns"] == {"eu-central-1": NEW1, "eu-west-1": None}


def test_retired_keys_come_from_the_retiring_run_or_else_from_the_read():
    quiet = {"known": True, "operation": "Decrypt", "used_at": "2026-10-01T00:00:00Z"}
    retirement = {"alias": "alias/old", "refusals": [], "regions": ["eu-west-1"],
                  "keys": {"eu-central-1": None, "eu-west-1": {"key_arn": OLD, "key_state": "Enabled"}},
                  "last_used": {"enrolled": {}, "retired": {"eu-central-1": None, "eu-west-1": quiet}}}
    retired = result("eu-west-1", OLD, "PendingDeletion", alias="alias/old", retired=True,
                     deletion_date="2026-12-31T09:00:00Z")
    out = realm_enrollment([result("eu-central-1", NEW1, alias="alias/new"), result("eu-west-1", NEW2, alias="alias/new"),
                            retired], "europe", retirement=retirement)
    assert out["key_arns"] == [NEW1, NEW2]
    assert [key["last_used"] for key in out["keys"].values()] == [None, None]  # the retire step read none here
    assert out["entry"]["retired_keys"] == [
        {"region": "eu-central-1", "alias": "alias/old", "key_arn": None, "key_state": None, "deletion_date": None,
         "last_used": None},
        {"region": "eu-west-1", "alias": "alias/old", "key_arn": OLD, "key_state": "PendingDeletion",
         "deletion_date": "2026-12-31T09:00:00Z", "last_used": quiet},
    ]
