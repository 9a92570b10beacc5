"""A policy template from a URL, pinned by its sha256 (site.yml and the audit, against moto and a template server
this test starts on 127.0.0.1): fetched once, refused before any AWS call when it moved or is unpinned, recorded
in the reports; after the pin moves, the audit lists the keys still on the old template."""

from __future__ import annotations

import datetime
import hashlib
import http.server
import ipaddress
import json
import ssl
import threading
from pathlib import Path

import pytest

from conftest import ORG_PATH, ROOT, kms_in, run_site
from harness.kms_state import key_policy

EUROPE = ("eu-central-1", "eu-west-1")
ACCOUNT = "123456789012"
V1 = (ROOT / "extensions/molecule/single_region/files/atlassian-key-policy.json").read_text()
V2 = V1.replace('"kms:DescribeKey"]', '"kms:DescribeKey", "kms:ReEncrypt*"]')  # Atlassian's next version
assert V2 != V1


def sha256(text: str) -> str:
    return hashlib.sha256(text.encode()).hexdigest()


class TemplateServer:
    """GET /latest/template.json answers ``self.text``; each request is counted."""

    def __init__(self, tls: tuple[str, str] | None = None) -> None:
        self.text, self.requests = V1, 0
        server = self

        class Handler(http.server.BaseHTTPRequestHandler):
            def do_GET(self):  # noqa: N802 (http.server's name)
                server.requests += 1
                body = server.text.encode()
                self.send_response(200 if self.path == "/latest/template.json" else 404)
                self.send_header("Content-Length", str(len(body)))
                self.end_headers()
                self.wfile.write(body)

            def log_message(self, *args):
                pass

        self.httpd = http.server.ThreadingHTTPServer(("127.0.0.1", 0), Handler)
        scheme = "http"
        if tls:
            context = ssl.SSLContext(ssl.PROTOCOL_TLS_SERVER)
            context.load_cert_chain(*tls)
            self.httpd.socket = context.wrap_socket(self.httpd.socket, server_side=True)
            scheme = "https"
        self.url = f"{scheme}://127.0.0.1:{self.httpd.server_address[1]}/latest/template.json"
        self.thread = threading.Thread(target=self.httpd.serve_forever, daemon=True)
        self.thread.start()

    def stop(self) -> None:
        self.httpd.shutdown()
        self.httpd.server_close()


@pytest.fixture
def templates():
    server = TemplateServer()
    yield server
    server.stop()


def site(moto, tmp_path, *flags, playbook="site.yml", **variables):
    extra = dict({"atlassian_cmk_realm": "europe", "atlassian_cmk_org_paths": [ORG_PATH],
                  "atlassian_cmk_endpoint_url": moto.url, "atlassian_cmk_report_dir": str(tmp_path / "report"),
                  "atlassian_cmk_audit_dir": str(tmp_path / "audit")}, **variables)
    return run_site(extra, *flags, playbook=playbook)


def test_a_pinned_template_is_fetched_once_and_recorded(moto, tmp_path, templates):
    proc = site(moto, tmp_path, atlassian_cmk_policy_template=templates.url,
                atlassian_cmk_policy_template_sha256=sha256(V1))
    assert proc.returncode == 0, proc.stdout[-3000:]
    assert templates.requests == 1  # once per run, whatever the number of regions
    for region in EUROPE:
        kms = kms_in(moto, region)
        policy = key_policy(kms, kms.describe_key(KeyId="alias/atlassian-cmk-key")["KeyMetadata"]["KeyId"])
        assert [s["Sid"] for s in policy["Statement"]] == ["EnableIAMUserPermissions", "AllowAtlassianServicesInTheOrgPaths"]
    record = json.loads((tmp_path / "report" / f"{ACCOUNT}.json").read_text())
    assert record["policy_template"] == {"source": templates.url, "sha256": sha256(V1), "version": None}
    assert f"- Key policy template: {templates.url} (sha256 {sha256(V1)})" in (tmp_path / "report" / "enrollment.md").read_text()
    assert (tmp_path / "report" / "policy-template.fetched.json").read_text() == V1


@pytest.mark.parametrize("pin, says", [
    ("", "a template from a URL must be pinned; the one fetched has sha256 {new}"),
    ("v1", "the template at {url} has sha256 {new}, not the pinned one"),
])
def test_a_moved_or_unpinned_template_is_refused_before_any_aws_call(moto, tmp_path, templates, pin, says):
    templates.text = V2  # Atlassian's latest/ moved on
    with moto.recording() as calls:
        proc = site(moto, tmp_path, atlassian_cmk_policy_template=templates.url,
                    atlassian_cmk_policy_template_sha256=sha256(V1) if pin else "")
    assert proc.returncode != 0 and calls.operations() == []
    assert says.format(new=sha256(V2), url=templates.url) in proc.stdout, proc.stdout[-3000:]
    kept = tmp_path / "report" / "policy-template.fetched.json"
    assert f"kept for review at {kept}" in proc.stdout and kept.read_text() == V2
    if pin:
        assert sha256(V1) in proc.stdout  # both checksums named


def test_an_unreachable_template_fails_before_any_aws_call_and_never_falls_back(moto, tmp_path, templates):
    url = templates.url
    templates.stop()
    with moto.recording() as calls:
        proc = site(moto, tmp_path, atlassian_cmk_policy_template=url, atlassian_cmk_policy_template_sha256=sha256(V1))
    assert proc.returncode != 0 and calls.operations() == []
    assert "Fetch the policy template" in proc.stdout and "Connection refused" in proc.stdout, proc.stdout[-3000:]


def test_after_the_pin_moves_the_audit_lists_the_keys_on_the_old_template(moto, tmp_path, templates):
    v1 = {"atlassian_cmk_policy_template": templates.url, "atlassian_cmk_policy_template_sha256": sha256(V1)}
    assert site(moto, tmp_path, **v1).returncode == 0
    templates.text = V2
    v2 = {"atlassian_cmk_policy_template": templates.url,
          "atlassian_cmk_policy_template_sha256": sha256(V2)}  # reviewed, the pin moved

    # The new template grants Atlassian an action the keys do not: each key still on the old one is
    # atlassian_access (critical), with the diff. That is the fleet's to-do list.
    audited = site(moto, tmp_path, playbook="playbooks/audit.yml", **v2)
    assert audited.returncode == 2, audited.stdout[-3000:]
    doc = json.loads((tmp_path / "audit" / "audit.json").read_text())
    (account,) = doc["accounts"]
    assert account["policy_template"]["sha256"] == sha256(V2)
    for region in account["regions"]:
        (drift,) = region["findings"]
        assert drift["code"] == "atlassian_access" and "kms:ReEncrypt*" in json.dumps(drift["diff"]["after"])
    assert f"sha256 {sha256(V2)}" in (tmp_path / "audit" / "audit.md").read_text()

    checked = site(moto, tmp_path, "--check", "--diff", **v2)
    assert checked.returncode == 0 and "kms:ReEncrypt*" in checked.stdout
    assert site(moto, tmp_path, **v2).returncode == 0
    assert site(moto, tmp_path, playbook="playbooks/audit.yml", **v2).returncode == 0
    assert json.loads((tmp_path / "audit" / "audit.json").read_text())["compliant"] is True


def self_signed(tmp_path: Path) -> tuple[str, str]:
    from cryptography import x509
    from cryptography.hazmat.primitives import hashes, serialization
    from cryptography.hazmat.primitives.asymmetric import ec
    from cryptography.x509.oid import NameOID

    key = ec.generate_private_key(ec.SECP256R1())
    name = x509.Name([x509.NameAttribute(NameOID.COMMON_NAME, "127.0.0.1")])
    now = datetime.datetime.now(datetime.timezone.utc)
    cert = (x509.CertificateBuilder().subject_name(name).issuer_name(name).public_key(key.public_key())
            .serial_number(x509.random_serial_number()).not_valid_before(now - datetime.timedelta(minutes=5))
            .not_valid_after(now + datetime.timedelta(days=1))
            .add_extension(x509.SubjectAlternativeName([x509.IPAddress(ipaddress.ip_address("127.0.0.1"))]), False)
            .add_extension(x509.BasicConstraints(ca=True, path_length=None), True)
            .sign(key, hashes.SHA256()))
    cert_file, key_file = tmp_path / "cert.pem", tmp_path / "key.pem"
    cert_file.write_bytes(cert.public_bytes(serialization.Encoding.PEM))
    key_file.write_bytes(key.private_bytes(serialization.Encoding.PEM, serialization.PrivateFormat.PKCS8,
                                           serialization.NoEncryption()))
    return str(cert_file), str(key_file)


def test_https_checks_the_certificate_against_the_usual_ca_bundle(moto, tmp_path):
    cert, key = self_signed(tmp_path)
    server = TemplateServer(tls=(cert, key))
    try:
        pinned = {"atlassian_cmk_policy_template": server.url, "atlassian_cmk_policy_template_sha256": sha256(V1)}
        untrusted = site(moto, tmp_path, **pinned)
        assert untrusted.returncode != 0 and "CERTIFICATE_VERIFY_FAILED" in untrusted.stdout, untrusted.stdout[-3000:]
        extra = dict(pinned, atlassian_cmk_realm="europe", atlassian_cmk_org_paths=[ORG_PATH],
                     atlassian_cmk_endpoint_url=moto.url, atlassian_cmk_report_dir=str(tmp_path / "report"))
        trusted = run_site(extra, env={"SSL_CERT_FILE": cert})
        assert trusted.returncode == 0, trusted.stdout[-3000:]
        unchecked = site(moto, tmp_path, atlassian_cmk_validate_certs=False, **pinned)
        assert unchecked.returncode == 0, unchecked.stdout[-3000:]
    finally:
        server.stop()
