"""Where the policy template comes from (plugin_utils/template_source.py): the pin, and what the reports record."""

from __future__ import annotations

import hashlib
import json

import pytest

from ansible_collections.cmkops.atlassian_cmk.plugins.filter.realm_inputs import realm_inputs
from ansible_collections.cmkops.atlassian_cmk.plugins.plugin_utils import template_source as ts

URL = "https://cmk-atlassian.s3.us-east-1.amazonaws.com/latest/atlassian-isolated-cmk-key-template.json"
TEXT = '{"Version": "2012-10-17", "Statement": []}\n'
SHA = hashlib.sha256(TEXT.encode()).hexdigest()  # what `sha256sum` prints for the file
OTHER = "0" * 64
KEPT = "cmk-report/policy-template.fetched.json"

# (source, text, pin, the error's words or None)
PINS = {
    "a URL pinned": (URL, TEXT, SHA, None),
    "a URL pinned in capitals": (URL, TEXT, SHA.upper(), None),
    "a URL unpinned": (URL, TEXT, "", f"atlassian_cmk_policy_template='{URL}': a template from a URL must be pinned; "
                       f"the one fetched has sha256 {SHA} (kept for review at {KEPT}). Review it, then set "
                       f"atlassian_cmk_policy_template_sha256: {SHA}"),
    "a URL whose template moved": (URL, TEXT, OTHER, f"atlassian_cmk_policy_template_sha256='{OTHER}': the template at "
                                   f"{URL} has sha256 {SHA}, not the pinned one (kept for review at {KEPT})"),
    "a pin that is no sha256": (URL, TEXT, "abc", "atlassian_cmk_policy_template_sha256='abc': not a sha256"),
    "a file pinned": ("templates/atlassian.json", TEXT, SHA, None),
    "a file unpinned": ("templates/atlassian.json", TEXT, "", None),
    "a file changed under its pin": ("templates/atlassian.json", TEXT, OTHER, "has sha256 " + SHA + ", not the pinned"),
    "a pin without a template": ("", None, SHA, "there is no template file or URL to pin"),
    "the built-in template": ("", None, "", None),
}


@pytest.mark.parametrize("source, text, pin, says", PINS.values(), ids=PINS.keys())
def test_a_template_from_a_url_must_match_its_pin(source, text, pin, says):
    errors = ts.pin_errors(source, text, pin, "atlassian_cmk_", KEPT)
    if says is None:
        assert errors == []
    else:
        assert len(errors) == 1 and says in errors[0], errors


def test_what_the_reports_record():
    assert ts.provenance(URL, TEXT, "2.1.0") == {"source": URL, "sha256": SHA, "version": None}
    assert ts.provenance("", None, "2.1.0") == {"source": "built-in", "sha256": None, "version": "2.1.0"}
    assert ts.describe(ts.provenance(URL, TEXT, "2.1.0")) == f"{URL} (sha256 {SHA})"
    assert ts.describe(ts.provenance("", None, "2.1.0")) == "built-in (cmkops.atlassian_cmk 2.1.0)"
    assert ts.describe(None) == ""


def test_the_collections_version_installed_or_in_a_checkout(tmp_path):
    checkout, installed = tmp_path / "checkout", tmp_path / "installed"
    checkout.mkdir()
    installed.mkdir()
    (checkout / "galaxy.yml").write_text("namespace: cmkops\nname: atlassian_cmk\nversion: 2.1.0\n")
    assert ts.collection_version(checkout) == "2.1.0"
    (installed / "galaxy.yml").write_text("namespace: cmkops\nname: atlassian_cmk\nversion: 2.1.0\n")
    (installed / "MANIFEST.json").write_text(json.dumps({"collection_info": {"version": "2.1.1"}}))
    assert ts.collection_version(installed) == "2.1.1"
    assert ts.collection_version(tmp_path / "nowhere") == "unknown"


def test_the_role_refuses_a_url_it_cannot_trust_before_any_aws_call():
    good = {"realm": "europe", "org_paths": ["o-rab3nm4fez/*/ou-ab12-cdef3456/*"], "policy_template_path": URL,
            "policy_template": '{"Version": "2012-10-17", "Statement": [{"Effect": "Allow", "Action": "kms:*", '
                               '"Principal": {"AWS": "arn:aws:iam::AWSACCOUNTID:root"}, "Resource": "*"}]}',
            "policy_template_fetched": KEPT}
    sha = hashlib.sha256(good["policy_template"].encode()).hexdigest()
    unpinned = realm_inputs(good)["errors"]
    assert len(unpinned) == 1 and unpinned[0].startswith(f"atlassian_cmk_policy_template='{URL}': ")
    pinned = realm_inputs(dict(good, policy_template_sha256=sha))
    assert pinned["errors"] == [] and pinned["policy_template_source"] == {"source": URL, "sha256": sha, "version": None}
