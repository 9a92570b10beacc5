from __future__ import annotations

from ansible_collections.cmkops.atlassian_cmk.plugins.plugin_utils.report import (Host, account_id_of,
                                                                                  account_record, render_markdown,
                                                                                  render_table, sections)

NOW = "2026-12-01T10:00:00Z"
EARLIER = "2026-11-30T09:00:00Z"
A, B, C = "111122223333", "222233334444", "333344445555"


def arn(account, region="eu-west-1"):
    return f"arn:aws:kms:{region}:{account}:key/k-{account}"


def ran(name, account, state="Enabled", failure=""):
    keys = {"eu-west-1": {"key_arn": arn(account), "key_state": state, "managed": True}}
    entry = {"realm": "united_kingdom", "alias": "alias/atlassian-cmk-key", "context_tag": "Acme",
             "key_arns": {"eu-west-1": arn(account)}, "complete": state == "Enabled"}
    return Host(name, True, failure, account, {account: entry}, keys)


def records_of(hosts, check_mode=False):
    return {r["account_id"]: r for r in (account_record(h, NOW, check_mode) for h in hosts) if r}


def test_a_record_holds_what_atlassian_needs_and_when_it_was_written():
    record = account_record(ran("prod", A), NOW, True)
    assert record == {"account_id": A, "host": "prod", "realm": "united_kingdom", "alias": "alias/atlassian-cmk-key",
                      "context_tag": "Acme", "key_arns": {"eu-west-1": arn(A)},
                      "keys": [{"region": "eu-west-1", "key_arn": arn(A), "key_state": "Enabled", "managed": True,
                                "revoked_at": None, "fixed": [], "last_used": None}],
                      "complete": True, "successor_alias": None, "successor_key_arns": {}, "successor_keys": [],
                      "retired_keys": [], "policy_template": None,
                      "written_at": NOW, "check_mode": True}


def test_a_failed_host_has_no_record():
    assert account_record(ran("prod", A, failure="boom"), NOW, False) is None


def test_only_the_inventorys_accounts_are_reported_and_outside_limit_keeps_its_last_record():
    old_b = dict(account_record(ran("staging", B), EARLIER, False))
    stray = dict(account_record(ran("demo", "123456789012"), EARLIER, False))
    hosts = [ran("prod", A), Host("staging", False, "", B, None, None),
             Host("broken", True, "Ensure the key: AccessDenied", C, None, None),
             Host("localhost", True, "Check the role variables: bad", None, None, None)]
    report = sections(hosts, {B: old_b, "123456789012": stray}, records_of(hosts))
    assert [(s.host, s.status, s.account_id) for s in report] == [
        ("prod", "run", A), ("staging", "outside", B), ("broken", "failed", C), ("localhost", "failed", None)]
    md = render_markdown(report, NOW)
    assert "123456789012" not in md
    assert f"## AWS account {A}" in md and f"## AWS account {B}" in md
    assert f"Not in this run (outside --limit): the values below are from the run of {EARLIER}." in md
    assert f"- broken (AWS account `{C}`): Ensure the key: AccessDenied" in md
    assert "- localhost: Check the role variables: bad" in md


def test_a_failed_host_with_an_earlier_record_shows_it_with_the_reason():
    old = account_record(ran("prod", A), EARLIER, False)
    report = sections([Host("prod", True, "Ensure the key: throttled", A, None, None)], {A: old}, {})
    md = render_markdown(report, NOW)
    assert f"> Failed in this run (prod): Ensure the key: throttled. The values below are from the run of {EARLIER}." in md
    assert arn(A) in md


def test_incomplete_and_check_mode_accounts_say_so():
    hosts = [ran("prod", A, state="Disabled")]
    md = render_markdown(sections(hosts, {}, records_of(hosts, check_mode=True)), NOW)
    assert "Check mode: the values below are predicted" in md
    assert "not yet in eu-west-1 (Disabled)" in md
    assert "— key state: Disabled" in md


def test_the_table_has_one_line_per_key_and_per_unreported_host():
    hosts = [ran("prod", A), Host("new", False, "", None, None, None)]
    table = render_table(sections(hosts, {}, records_of(hosts)))
    assert table[0].split() == ["ACCOUNT", "REGION", "STATE", "ARN"]
    assert table[1].split() == [A, "eu-west-1", "Enabled", arn(A)]
    assert table[2].split() == ["new", "-", "NOT", "RUN", "never", "reported"]


def test_account_ids_only_when_valid():
    assert account_id_of(111122223333) == A and account_id_of(" 111122223333") == A
    assert account_id_of(1402433619) is None and account_id_of("localhost") is None and account_id_of(True) is None


def test_a_revoked_key_shows_its_age_and_warns_past_atlassians_limits():
    host = ran("prod", A, state="Disabled")
    host.keys["eu-west-1"]["revoked_at"] = "2026-11-20T10:00:00Z"  # 11 days before NOW
    record = account_record(host, NOW, False)
    assert record["keys"][0]["revoked_at"] == "2026-11-20T10:00:00Z"
    md = render_markdown(sections([host], {}, {A: record}), NOW)
    assert "key state: Disabled, revoked at 2026-11-20T10:00:00Z, 11 days ago" in md
    assert "more than 10 days: Atlassian can reinstate sites only within 10 days of a revocation" in md
    host.keys["eu-west-1"]["revoked_at"] = "unknown"
    md = render_markdown(sections([host], {}, {A: account_record(host, NOW, False)}), NOW)
    assert "revoked at unknown" in md and "Warning" not in md


def test_a_re_encryption_lists_the_successor_keys_to_send_and_the_retired_keys():
    host = ran("prod", A)
    new, old = arn(A, "eu-west-1").replace("k-", "new-"), arn(A).replace("k-", "old-")
    host.enrollment[A].update(successor_alias="alias/cmk-2027", successor_key_arns={"eu-west-1": new},
                              retired_keys=[{"region": "eu-west-1", "alias": "alias/cmk-2026", "key_arn": old,
                                             "key_state": "PendingDeletion", "deletion_date": "2026-12-31T10:00:00Z",
                                             "last_used": {"known": True, "operation": "Decrypt",
                                                           "used_at": "2026-10-01T00:00:00Z"}}])
    host.keys["eu-west-1"]["last_used"] = {"known": True, "operation": "GenerateDataKey",
                                           "used_at": "2026-12-01T00:00:00Z"}
    records = records_of([host])
    assert records[A]["successor_key_arns"] == {"eu-west-1": new}
    md = render_markdown(sections([host], {}, records), NOW)
    heading = ("### Successor keys (alias/cmk-2027): send these ARNs to Atlassian with the re-encryption request")
    assert heading in md and f"- KMS key ARN, eu-west-1: `{new}`" in md.split(heading)[1]
    assert (f"- alias/cmk-2026, eu-west-1: `{old}`, key state: PendingDeletion, deleted by AWS on "
            "2026-12-31T10:00:00Z — last use: Decrypt at 2026-10-01T00:00:00Z") in md
    assert f"- KMS key ARN, eu-west-1: `{arn(A)}` — last use: GenerateDataKey at 2026-12-01T00:00:00Z" in md
    table = render_table(sections([host], {}, records))
    assert any("SUCCESSOR" in line and new in line for line in table)
    assert any("RETIRED PendingDeletion" in line and old in line for line in table)


def test_a_key_put_right_says_what_was_wrong():
    host = ran("prod", A)
    host.keys["eu-west-1"]["fixed"] = ["atlassian_access", "tags"]
    md = render_markdown(sections([host], {}, records_of([host])), NOW)
    assert f"- KMS key ARN, eu-west-1: `{arn(A)}` — put right: atlassian_access, tags" in md


def test_successor_keys_revoked_with_the_enrolled_ones_show_their_state():
    host = ran("prod", A, state="Disabled")
    new = arn(A).replace("k-", "new-")
    host.keys["eu-west-1"]["revoked_at"] = "2026-11-30T10:00:00Z"
    host.enrollment[A].update(successor_alias="alias/cmk-2027", successor_key_arns={"eu-west-1": new},
                              successor_keys=[{"region": "eu-west-1", "key_arn": new, "key_state": "Disabled",
                                               "revoked_at": "2026-11-30T10:00:00Z"}])
    records = records_of([host])
    md = render_markdown(sections([host], {}, records), NOW)
    assert f"- KMS key ARN, eu-west-1: `{new}` — key state: Disabled, revoked at 2026-11-30T10:00:00Z, 1 days ago" in md
    assert any("SUCCESSOR Disabled" in line and new in line for line in render_table(sections([host], {}, records)))
