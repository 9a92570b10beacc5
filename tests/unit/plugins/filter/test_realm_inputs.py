from __future__ import annotations

import pytest

from ansible_collections.cmkops.atlassian_cmk.plugins.plugin_utils.template_source import collection_version

from ansible_collections.cmkops.atlassian_cmk.plugins.filter.realm_inputs import realm_inputs

ORG = "o-rab3nm4fez/*/ou-ab12-cdef3456/*"
ORG2 = "o-rab3nm4fez/*/ou-ab12-cdef3457/*"
GOOD = {"realm": "europe", "org_paths": [ORG], "alias": "atlassian-cmk-key"}


def item(region, alias="alias/atlassian-cmk-key", managed=True, enabled=None, successor=False, successor_alias=None,
         cancel=False):
    return {"region": region, "alias": alias, "managed": managed, "state": "present", "enabled": enabled,
            "successor": successor, "retired": False, "successor_alias": successor_alias,
            "cancel_pending_deletion": cancel}


def test_good_variables_give_no_error_and_the_realm_order():
    out = realm_inputs(dict(GOOD, regions="eu-west-1, eu-central-1"))
    assert out == {"errors": [], "realm_regions": ["eu-central-1", "eu-west-1"],
                   "target_regions": ["eu-central-1", "eu-west-1"],
                   "audit_regions": ["eu-central-1", "eu-west-1"], "org_paths": [ORG], "account_id": None,
                   "policy_template": None, "read_items": [], "retire_alias": None, "retiring": False,
                   "successor_reads": [], "key_items": [item("eu-central-1"), item("eu-west-1")], "left_out": [],
                   "deletion_reads": [], "policy_template_source": BUILT_IN, **DEFAULTS}


@pytest.mark.parametrize("cancel", [False, True])
def test_a_pending_deletion_is_cancelled_only_where_the_run_keeps_a_key_it_manages(cancel):
    out = realm_inputs(dict(GOOD, regions="eu-west-1", cancel_pending_deletion=cancel, successor_alias="cmk-2027"))
    assert [(i["alias"], i["region"], i["cancel_pending_deletion"]) for i in out["key_items"]] == [
        ("alias/atlassian-cmk-key", "eu-west-1", cancel), ("alias/cmk-2027", "eu-west-1", cancel)]
    retiring = realm_inputs(dict(GOOD, cancel_pending_deletion=cancel, retire_alias="cmk-2026"))
    assert retiring["retiring"] is True and retiring["retire_alias"] == "alias/cmk-2026"


BUILT_IN = {"source": "built-in", "sha256": None, "version": collection_version()}

# The booleans and numbers the role reads itself, as the filter returns them when not given.
DEFAULTS = {"enabled": None, "purge_tags": True, "adopt": False, "adopt_from_stack": False, "cancel_pending_deletion": False,
            "enable_key_rotation": True, "rotation_period_days": 365,
            "pending_window_days": 30, "retire_quiet_days": 7, "audit_unused_days": 14, "audit_fail_on": "critical"}
BOOLEANS = [name for name, value in DEFAULTS.items() if value is None or isinstance(value, bool)]
NUMBERS = ["rotation_period_days", "pending_window_days", "retire_quiet_days", "audit_unused_days"]


@pytest.mark.parametrize("text, expected", [("false", False), ("no", False), ("0", False), ("False", False),
                                            ("true", True), ("yes", True), ("on", True), (1, True)])
@pytest.mark.parametrize("name", BOOLEANS)
def test_booleans_given_as_text_are_read_as_ansible_reads_them(name, text, expected):
    out = realm_inputs(dict(GOOD, **{name: text}))
    assert out["errors"] == [] and out[name] is expected


@pytest.mark.parametrize("value", ["maybe", "ture", 2, 0.5, "", None])
@pytest.mark.parametrize("name", BOOLEANS)
def test_a_boolean_that_is_not_one_is_refused_or_left_at_its_default(name, value):
    out = realm_inputs(dict(GOOD, **{name: value}))
    if value in ("", None):  # not given
        assert out["errors"] == [] and out[name] is DEFAULTS[name]
    else:
        assert out["errors"] == [f"atlassian_cmk_{name}={value!r}: must be a boolean: true or false (also yes/no, "
                                 "on/off, 1/0)"]


@pytest.mark.parametrize("value", ["abc", 365.0, 90.5, True, "36.5"])
@pytest.mark.parametrize("name", NUMBERS)
def test_a_number_given_as_text_float_or_boolean_is_refused_naming_it(name, value):
    assert realm_inputs(dict(GOOD, **{name: value}))["errors"] == [
        f"atlassian_cmk_{name}={value!r}: must be a whole number"]


@pytest.mark.parametrize("name, text, expected", [("rotation_period_days", "180", 180),
                                                  ("pending_window_days", "7", 7), ("retire_quiet_days", "0", 0),
                                                  ("retire_quiet_days", "30", 30)])
def test_a_number_given_as_its_digits_is_read(name, text, expected):
    out = realm_inputs(dict(GOOD, **{name: text}))
    assert out["errors"] == [] and out[name] == expected


def test_one_region_narrows_the_targets_but_not_the_realm():
    out = realm_inputs(dict(GOOD, regions="eu-west-1"))
    assert out["errors"] == [] and out["target_regions"] == ["eu-west-1"]
    assert out["realm_regions"] == ["eu-central-1", "eu-west-1"]


def test_org_paths_as_one_string_with_spaces():
    assert realm_inputs(dict(GOOD, org_paths=f"{ORG}, {ORG2}"))["org_paths"] == [ORG, ORG2]
    assert realm_inputs(dict(GOOD, org_paths=f"{ORG}\n{ORG2}\n"))["errors"] == []


@pytest.mark.parametrize("value, expected", [(123456789012, "123456789012"), ("012345678901", "012345678901"),
                                             ("", None), (None, None)])
def test_account_ids_accepted(value, expected):
    out = realm_inputs(dict(GOOD, account_id=value))
    assert out["errors"] == [] and out["account_id"] == expected


def test_account_id_that_yaml_read_as_octal_is_refused_with_a_hint_to_quote_it():
    # 012345670123 unquoted is YAML 1.1 octal: 1402433619.
    errors = realm_inputs(dict(GOOD, account_id=0o12345670123))["errors"]
    assert len(errors) == 1
    assert errors[0].startswith("atlassian_cmk_account_id=1402433619: ") and "quote it" in errors[0]


# (variables, the variable named, the value named)
BAD = {
    "unknown realm": ({"realm": "atlantis"}, "atlassian_cmk_realm", "atlantis"),
    "no realm": ({"realm": None}, "atlassian_cmk_realm", "None"),
    "region outside the realm": ({"regions": "us-east-1"}, "atlassian_cmk_regions", "us-east-1"),
    "context tag": ({"context_tag": "acme-prod"}, "atlassian_cmk_context_tag", "acme-prod"),
    "context tag too long": ({"context_tag": "AcmeProduction1"}, "atlassian_cmk_context_tag", "AcmeProduction1"),
    "reserved tag": ({"tags": {"aws:cost": "x"}}, "atlassian_cmk_tags", "aws:cost"),
    "rotation as a number": ({"rotation_period_days": 60}, "atlassian_cmk_rotation_period_days", "60"),
    "state": ({"state": "gone"}, "atlassian_cmk_state", "gone"),
    "template file": ({"policy_template_path": "/no/such.json"}, "atlassian_cmk_policy_template", "/no/such.json"),
    "role arn": ({"assume_role_arn": "not-an-arn"}, "atlassian_cmk_assume_role_arn", "not-an-arn"),
    "endpoint": ({"endpoint_url": "ftp://x"}, "atlassian_cmk_endpoint_url", "ftp://x"),
    "account id": ({"account_id": "12345"}, "atlassian_cmk_account_id", "12345"),
    "org path": ({"org_paths": "o-short/*"}, "atlassian_cmk_org_paths", "o-short/*"),
    "alias": ({"alias": "alias/aws/s3"}, "atlassian_cmk_alias", "alias/aws/s3"),
    "rotation": ({"rotation_period_days": "60"}, "atlassian_cmk_rotation_period_days", "60"),
    "successor alias": ({"successor_alias": "alias/aws/s3"}, "atlassian_cmk_successor_alias", "alias/aws/s3"),
    "successor is the alias": ({"successor_alias": "alias/atlassian-cmk-key"}, "atlassian_cmk_successor_alias",
                               "alias/atlassian-cmk-key"),
    "retire alias": ({"retire_alias": "bad alias!"}, "atlassian_cmk_retire_alias", "bad alias!"),
    "retiring the enrolled alias": ({"retire_alias": "atlassian-cmk-key"}, "atlassian_cmk_retire_alias",
                                    "atlassian-cmk-key"),
    "retiring the successor": ({"successor_alias": "new", "retire_alias": "alias/new"}, "atlassian_cmk_retire_alias",
                               "alias/new"),
    "retire state": ({"retire_state": "deleted"}, "atlassian_cmk_retire_state", "deleted"),
    "pending window": ({"pending_window_days": "45"}, "atlassian_cmk_pending_window_days", "45"),
    "successor with absent": ({"successor_alias": "new", "state": "absent"}, "atlassian_cmk_state", "absent"),
    "retire while revoking": ({"retire_alias": "old", "enabled": False}, "atlassian_cmk_enabled", "False"),
    "retire while revoking, from -e": ({"retire_alias": "old", "enabled": "false"}, "atlassian_cmk_enabled", "False"),
    "negative quiet days": ({"retire_quiet_days": "-1"}, "atlassian_cmk_retire_quiet_days", "-1"),
    "negative unused days": ({"audit_unused_days": -1}, "atlassian_cmk_audit_unused_days", "-1"),
    "fail on": ({"audit_fail_on": "findings"}, "atlassian_cmk_audit_fail_on", "findings"),
    "audit region outside the realm": ({"audit_regions": "eu-west-1, us-east-1"}, "atlassian_cmk_audit_regions",
                                       "us-east-1 not in realm europe"),
    "short account id": ({"account_id": "12345"}, "atlassian_cmk_account_id", "12345"),
    "account id lost its zero": ({"account_id": 12345678901}, "atlassian_cmk_account_id", "quote it"),
    "account id as a boolean": ({"account_id": True}, "atlassian_cmk_account_id", "True"),
}


@pytest.mark.parametrize("variables, name, value", BAD.values(), ids=BAD.keys())
def test_each_bad_variable_is_named_with_its_value(variables, name, value):
    errors = realm_inputs(dict(GOOD, **variables))["errors"]
    assert len(errors) == 1, errors
    assert errors[0].startswith(f"{name}=") and value in errors[0]


@pytest.mark.parametrize("given, expected", [
    (None, ["eu-central-1", "eu-west-1"]), ([], ["eu-central-1", "eu-west-1"]), ("", ["eu-central-1", "eu-west-1"]),
    ("eu-west-1", ["eu-west-1"]), (["eu-west-1"], ["eu-west-1"]), ("eu-west-1,eu-central-1", ["eu-central-1", "eu-west-1"]),
    ("eu-west-1\n", ["eu-west-1"])])
def test_the_audit_reads_the_regions_audit_regions_keeps_and_the_converge_ignores_it(given, expected):
    out = realm_inputs(dict(GOOD, audit_regions=given), audit=True)
    assert out["errors"] == [] and out["audit_regions"] == expected
    converge = realm_inputs(dict(GOOD, audit_regions=given))
    assert converge["target_regions"] == ["eu-central-1", "eu-west-1"] and len(converge["key_items"]) == 2


def test_a_successor_follows_the_enrolled_alias_in_every_region_of_the_realm():
    out = realm_inputs(dict(GOOD, regions="eu-west-1", successor_alias="cmk-2027", enabled=False))
    assert out["errors"] == []
    # Only the managed region is asked a change; the revocation covers the successor too, which the enrolled key
    # records, and the enrolled keys are read first for the successors they record.
    assert out["key_items"] == [
        item("eu-west-1", enabled=False, successor_alias="alias/cmk-2027"),
        item("eu-west-1", "alias/cmk-2027", enabled=False, successor=True),
    ]
    # The region left out is read, never written.
    assert out["left_out"] == [
        {"region": "eu-central-1", "alias": "alias/atlassian-cmk-key", "successor": False},
        {"region": "eu-central-1", "alias": "alias/cmk-2027", "successor": True},
    ]
    assert out["successor_reads"] == [{"region": "eu-west-1", "alias": "alias/atlassian-cmk-key"}]


def test_retiring_reads_both_aliases_in_the_managed_regions_only():
    out = realm_inputs(dict(GOOD, regions="eu-west-1", alias="cmk-2027", retire_alias="alias/atlassian-cmk-key"))
    assert out["errors"] == [] and out["retire_alias"] == "alias/atlassian-cmk-key"
    assert out["read_items"] == [{"region": "eu-west-1", "alias": "alias/cmk-2027", "retired": False},
                                 {"region": "eu-west-1", "alias": "alias/atlassian-cmk-key", "retired": True}]


@pytest.mark.parametrize("variables, reads", [
    ({"state": "absent", "regions": "eu-west-1"}, [{"region": "eu-west-1", "alias": "alias/atlassian-cmk-key"}]),
    ({"state": "absent", "alias": "cmk-2027"}, [{"region": "eu-central-1", "alias": "alias/cmk-2027"},
                                                {"region": "eu-west-1", "alias": "alias/cmk-2027"}]),
    ({"state": "absent", "retire_quiet_days": 0}, []),  # no check: nothing to read
    ({"state": "absent", "retire_quiet_days": "0"}, []),
    ({"state": "present"}, []),
])
def test_a_deletion_reads_the_keys_it_would_delete_first(variables, reads):
    out = realm_inputs(dict(GOOD, **variables))
    assert out["errors"] == [] and out["deletion_reads"] == reads
    assert realm_inputs(dict(GOOD, **variables), audit=True)["deletion_reads"] == []


@pytest.mark.parametrize("variables, fail_on", [
    ({}, "critical"),
    ({"audit_fail_on": "warning"}, "warning"),
    ({"audit_fail_on": "never"}, "never"),
    ({"audit_fail_on": ""}, "critical"),  # not given
])
def test_which_findings_fail_the_audit(variables, fail_on):
    out = realm_inputs(dict(GOOD, **variables), audit=True)
    assert out["errors"] == [] and out["audit_fail_on"] == fail_on


@pytest.mark.parametrize("value", [True, False, "false", "yes"])
def test_the_variable_removed_in_3_0_0_is_refused_naming_its_replacement(value):
    out = realm_inputs(dict(GOOD, audit_fail_on_findings=value), audit=True)
    assert out["errors"] == [f"atlassian_cmk_audit_fail_on_findings={value!r}: removed in 3.0.0; set "
                             "atlassian_cmk_audit_fail_on to warning (what true meant) or never (what false meant)"]


def test_a_removed_variable_left_unset_is_no_error():
    assert realm_inputs(dict(GOOD, audit_fail_on_findings=None), audit=True)["errors"] == []


def test_the_audit_ignores_the_lifecycle_variables():
    out = realm_inputs(dict(GOOD, successor_alias="alias/aws/x", retire_state="bad"), audit=True)
    assert out["errors"] == [] and len(out["key_items"]) == 2 and out["read_items"] == []


def test_every_bad_variable_is_named_at_once():
    errors = realm_inputs({"realm": "germany", "regions": ["eu-west-1"], "context_tag": "Not-Alnum-Tag",
                           "account_id": "12345", "org_paths": []})["errors"]
    assert [e.split("=")[0] for e in errors] == ["atlassian_cmk_regions", "atlassian_cmk_account_id",
                                                 "atlassian_cmk_context_tag", "atlassian_cmk_org_paths"]
    assert "eu-west-1 not in realm germany (eu-central-1)" in errors[0]
