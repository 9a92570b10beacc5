"""The inventory plugin's pure part: which accounts become hosts, and their variables."""

from __future__ import annotations

from ansible_collections.cmkops.atlassian_cmk.plugins.plugin_utils import organization as org


def account(id_, state="ACTIVE", name=None, partition="aws", path=("r-ab12",)):
    return {"Id": id_, "Name": name or f"acct-{id_}", "State": state, "ParentPath": list(path),
            "Arn": f"arn:{partition}:organizations::999999999999:account/o-abcdefghij/{id_}"}


def test_only_active_accounts_once_each_by_include_and_exclude():
    listed = [account("222222222222"), account("111111111111"), account("333333333333", state="SUSPENDED"),
              account("444444444444", state="CLOSED"), account("111111111111"), account("555555555555")]
    assert [a["Id"] for a in org.chosen(listed, [], ["555555555555"])] == ["111111111111", "222222222222"]
    assert [a["Id"] for a in org.chosen(listed, ["222222222222"], [])] == ["222222222222"]


def test_the_older_status_field_counts_when_state_is_missing():
    old = {"Id": "1", "Status": "ACTIVE"}
    assert org.is_active(old) and not org.is_active({"Id": "2", "Status": "SUSPENDED"})


def test_host_variables_in_the_accounts_partition_and_org_path_form():
    got = org.host_vars(account("111111111111", partition="aws-us-gov", path=("r-ab12", "ou-ab12-11111111")),
                        "o-abcdefghij", "cmk-admin", {"atlassian-cmk-realm": "europe"})
    assert got == {"atlassian_cmk_account_id": "111111111111", "atlassian_cmk_account_name": "acct-111111111111",
                   "atlassian_cmk_ou_path": "o-abcdefghij/r-ab12/ou-ab12-11111111/",
                   "atlassian_cmk_assume_role_arn": "arn:aws-us-gov:iam::111111111111:role/cmk-admin",
                   "atlassian_cmk_account_tags": {"atlassian-cmk-realm": "europe"}}
    bare = org.host_vars(account("111111111111"), "o-abcdefghij", None, None)
    assert "atlassian_cmk_assume_role_arn" not in bare and "atlassian_cmk_account_tags" not in bare


def test_host_names():
    assert org.hostname(account("1", name="payments"), "name") == "payments"
    assert org.hostname(account("1", name="payments"), "id") == "1"


def test_included_ids_that_are_not_active_accounts_of_the_listing():
    listed = [account("111111111111"), account("222222222222", state="SUSPENDED")]
    wanted = ["111111111111", "222222222222", "333333333333"]
    assert org.not_listed(listed, wanted) == ["222222222222", "333333333333"]
    assert org.not_listed(listed, []) == []
