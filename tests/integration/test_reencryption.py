"""Re-encryption's lifecycle through site.yml (moto): retired keys raise no revocation alarm, a revocation
covers every key Atlassian may hold, and a key is retired or deleted only when KMS saw it quiet. The clock is
faked through the marker tags' values, never by sleeping; moto has no GetKeyLastUsage, so the harness's proxy
answers it (harness/last_usage.py)."""

from __future__ import annotations

import json
from datetime import datetime, timedelta, timezone

import pytest

from conftest import ORG_PATH, kms_in, run_site
from harness.kms_state import key_tags
from harness.last_usage import LastUsage
from harness.proxy import FaultProxy

ACCOUNT = "123456789012"  # moto's account for any static credentials
EUROPE = ("eu-central-1", "eu-west-1")
MARKERS = ("cmkops:atlassian_cmk:revoked-at", "cmkops:atlassian_cmk:retired-at")


def ago(days: int) -> str:
    return (datetime.now(timezone.utc) - timedelta(days=days, hours=1)).strftime("%Y-%m-%dT%H:%M:%SZ")


@pytest.fixture
def quiet(moto):
    """A proxy in front of moto whose GetKeyLastUsage answers: no key used since tracking started (a year ago),
    unless the test says otherwise in ``quiet.last_usage``."""
    with FaultProxy(moto.url, last_usage={"*": LastUsage()}) as proxy:
        yield proxy


def site(moto, tmp_path, ok=True, **variables):
    extra = dict({"atlassian_cmk_realm": "europe", "atlassian_cmk_org_paths": [ORG_PATH],
                  "atlassian_cmk_endpoint_url": moto.url, "atlassian_cmk_report_dir": str(tmp_path)}, **variables)
    proc = run_site(extra)
    assert (proc.returncode == 0) is ok, proc.stdout[-3000:]
    return proc


def key_of(moto, region, alias):
    return kms_in(moto, region).describe_key(KeyId=f"alias/{alias}")["KeyMetadata"]


def test_retired_keys_raise_no_revocation_alarm_and_show_state_and_deletion_date(moto, tmp_path, quiet):
    site(moto, tmp_path)
    site(moto, tmp_path, atlassian_cmk_successor_alias="cmk-2027")
    promote = {"atlassian_cmk_alias": "cmk-2027", "atlassian_cmk_retire_alias": "atlassian-cmk-key",
               "atlassian_cmk_endpoint_url": quiet.url}
    site(moto, tmp_path, **promote)
    for region in EUROPE:  # 21 days later, by the retirement's own marker
        old = key_of(moto, region, "atlassian-cmk-key")
        kms = kms_in(moto, region)
        for marker in MARKERS:
            if marker in key_tags(kms, old["KeyId"]):
                kms.tag_resource(KeyId=old["KeyId"], Tags=[{"TagKey": marker, "TagValue": ago(21)}])

    proc = site(moto, tmp_path, **promote)  # the promote command, run again
    assert "more than 20 days" not in proc.stdout + proc.stderr and "recover the sites" not in proc.stdout + proc.stderr
    md = (tmp_path / "enrollment.md").read_text()
    assert "more than 10 days" not in md and "recover the sites" not in md
    record = json.loads((tmp_path / f"{ACCOUNT}.json").read_text())
    assert [(k["region"], k["key_state"], k["deletion_date"]) for k in record["retired_keys"]] == [
        (region, "Disabled", None) for region in EUROPE]
    for region in EUROPE:
        assert key_of(moto, region, "atlassian-cmk-key")["KeyState"] == "Disabled"
        assert key_of(moto, region, "cmk-2027")["KeyState"] == "Enabled"

    site(moto, tmp_path, atlassian_cmk_retire_state="absent", atlassian_cmk_pending_window_days=7, **promote)
    record = json.loads((tmp_path / f"{ACCOUNT}.json").read_text())
    assert all(k["key_state"] == "PendingDeletion" and k["deletion_date"] for k in record["retired_keys"])
    assert "deleted by AWS on" in (tmp_path / "enrollment.md").read_text()


def test_a_revocation_covers_the_successor_keys_sent_to_atlassian(moto, tmp_path):
    site(moto, tmp_path)
    site(moto, tmp_path, atlassian_cmk_successor_alias="cmk-2027")  # its ARNs go to Atlassian

    # The emergency revoke, as docs/lifecycle.md gives it: no successor variable in the run.
    site(moto, tmp_path, atlassian_cmk_enabled="false")
    for region in EUROPE:
        for alias in ("atlassian-cmk-key", "cmk-2027"):
            key = key_of(moto, region, alias)
            assert key["KeyState"] == "Disabled", (region, alias)
            assert MARKERS[0] in key_tags(kms_in(moto, region), key["KeyId"]), (region, alias)
    record = json.loads((tmp_path / f"{ACCOUNT}.json").read_text())
    assert [(k["region"], k["key_state"]) for k in record["successor_keys"]] == [(r, "Disabled") for r in EUROPE]
    md = (tmp_path / "enrollment.md").read_text()
    assert md.count("— key state: Disabled, revoked at") == 4  # two enrolled keys and two successors

    # Restoring enables what it names: the enrolled keys, then the successors when the run names them; until
    # then the report shows them disabled.
    site(moto, tmp_path, atlassian_cmk_enabled=True)
    assert [key_of(moto, r, "atlassian-cmk-key")["KeyState"] for r in EUROPE] == ["Enabled", "Enabled"]
    assert [key_of(moto, r, "cmk-2027")["KeyState"] for r in EUROPE] == ["Disabled", "Disabled"]
    record = json.loads((tmp_path / f"{ACCOUNT}.json").read_text())
    assert [(k["region"], k["key_state"]) for k in record["successor_keys"]] == [(r, "Disabled") for r in EUROPE]
    site(moto, tmp_path, atlassian_cmk_enabled=True, atlassian_cmk_successor_alias="cmk-2027")
    assert [key_of(moto, r, "cmk-2027")["KeyState"] for r in EUROPE] == ["Enabled", "Enabled"]


def retire_refusal(proc) -> str:
    lines = [line for line in proc.stdout.splitlines() if "refused, nothing written" in line]
    assert lines, proc.stdout[-3000:]
    return lines[0]


def test_an_old_key_used_yesterday_is_not_retired_and_an_unknown_use_only_with_quiet_days_0(moto, tmp_path, quiet):
    site(moto, tmp_path)
    site(moto, tmp_path, atlassian_cmk_successor_alias="cmk-2027")
    old = {region: key_of(moto, region, "atlassian-cmk-key") for region in EUROPE}
    promote = {"atlassian_cmk_alias": "cmk-2027", "atlassian_cmk_retire_alias": "atlassian-cmk-key",
               "atlassian_cmk_endpoint_url": quiet.url}
    yesterday = datetime.now(timezone.utc) - timedelta(days=1)
    quiet.last_usage[old["eu-west-1"]["KeyId"]] = LastUsage("Decrypt", used_at=yesterday)

    with moto.recording() as calls:
        refused = retire_refusal(site(moto, tmp_path, ok=False, **promote))
    assert calls.writes() == []
    assert (f"eu-west-1: the key of alias/atlassian-cmk-key, {old['eu-west-1']['Arn']}, was used for Decrypt at "
            f"{yesterday:%Y-%m-%dT%H:%M:%SZ}, 1.0 days ago, within atlassian_cmk_retire_quiet_days=7") in refused
    assert "eu-central-1" not in refused  # quiet there

    quiet.last_usage = {"*": LastUsage(error="AccessDeniedException")}
    with moto.recording() as calls:
        refused = retire_refusal(site(moto, tmp_path, ok=False, **promote))
    assert calls.writes() == [] and refused.count("has an unknown last use (GetKeyLastUsage was denied") == 2
    assert "Set atlassian_cmk_retire_quiet_days: 0 to go ahead without that evidence" in refused
    assert [key_of(moto, r, "atlassian-cmk-key")["KeyState"] for r in EUROPE] == ["Enabled", "Enabled"]

    site(moto, tmp_path, atlassian_cmk_retire_quiet_days=0, **promote)  # on purpose, without the evidence
    assert [key_of(moto, r, "atlassian-cmk-key")["KeyState"] for r in EUROPE] == ["Disabled", "Disabled"]
    record = json.loads((tmp_path / f"{ACCOUNT}.json").read_text())
    assert {k["last_used"]["reason"] for k in record["retired_keys"]} == {
        "GetKeyLastUsage was denied (AccessDeniedException); allow kms:GetKeyLastUsage to read the key's last use"}


def test_deleting_the_enrolled_keys_asks_the_same_quiet(moto, tmp_path, quiet):
    site(moto, tmp_path)
    frankfurt = key_of(moto, "eu-central-1", "atlassian-cmk-key")
    quiet.last_usage[frankfurt["KeyId"]] = LastUsage("GenerateDataKey", used_at=datetime.now(timezone.utc))
    absent = {"atlassian_cmk_state": "absent", "atlassian_cmk_endpoint_url": quiet.url}
    with moto.recording() as calls:
        refused = retire_refusal(site(moto, tmp_path, ok=False, **absent))
    assert calls.writes() == [] and "atlassian_cmk_state=absent: refused, nothing written; eu-central-1: " in refused
    assert f"eu-central-1: the key of alias/atlassian-cmk-key, {frankfurt['Arn']}, was used for GenerateDataKey" in refused
    assert [key_of(moto, r, "atlassian-cmk-key")["KeyState"] for r in EUROPE] == ["Enabled", "Enabled"]

    del quiet.last_usage[frankfurt["KeyId"]]  # quiet for a year
    site(moto, tmp_path, **absent)
    assert [key_of(moto, r, "atlassian-cmk-key")["KeyState"] for r in EUROPE] == ["PendingDeletion", "PendingDeletion"]
