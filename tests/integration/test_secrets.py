"""Credentials never show: not with -vvv, not in the result, not in a failure."""

from __future__ import annotations

import json
import re
import subprocess
import sys
from pathlib import Path

from conftest import MODULE, ORG_PATH, REGION, ROOT, ansible_env, run_site

from tests.fault.proxy import FaultProxy

SECRET = "wJalrXUtnFEMI/K7MDENG/bPxRfiCYSECRETKEY1"
TOKEN = "FwoGZXIvYXdzEXAMPLESESSIONTOKENVALUE0123456789"


def run_verbose(moto, **args):
    args = dict({"region": REGION, "endpoint_url": moto.url, "access_key": "AKIAEXAMPLEKEY000001",
                 "secret_key": SECRET, "session_token": TOKEN}, **args)
    env = ansible_env(AWS_ACCESS_KEY_ID="", AWS_SECRET_ACCESS_KEY="")
    cmd = [str(Path(sys.executable).with_name("ansible")), "localhost", "-m", MODULE, "-a", json.dumps(args),
           "-e", f"ansible_python_interpreter={sys.executable}", "-vvv", "--diff"]
    return subprocess.run(cmd, env=env, capture_output=True, text=True, check=False, cwd=ROOT, timeout=300)


def test_secrets_absent_from_verbose_output(moto):
    created = run_verbose(moto, org_paths=[ORG_PATH])
    failed = run_verbose(moto, org_paths=[ORG_PATH], rotation_period_days=1)  # a failure path too
    for proc in (created, failed):
        assert '"key_arn"' in proc.stdout or '"failed": true' in proc.stdout, proc.stdout[-2000:]
        for secret in (SECRET, TOKEN):
            assert secret not in proc.stdout and secret not in proc.stderr
    report = created.stdout[created.stdout.index("\n{\n") + 1:]  # the json callback's report follows -vvv lines
    result = json.loads(report)["plays"][0]["tasks"][0]["hosts"]["localhost"]
    assert result["changed"] is True
    # The arguments were echoed (so the check above could have caught them), masked. ansible-core 2.21's
    # json callback no longer includes the invocation.
    if "invocation" in result:
        assert result["invocation"]["module_args"]["secret_key"] == "VALUE_SPECIFIED_IN_NO_LOG_PARAMETER"
    assert SECRET not in json.dumps(result) and TOKEN not in json.dumps(result)


class CapturingProxy(FaultProxy):
    """Forwards everything and keeps the credentials STS hands out, so the test knows what to look for."""

    issued: list

    def _forward(self, method, path, headers, body):
        status, response_headers, payload = super()._forward(method, path, headers, body)
        found = re.findall(rb"<(SecretAccessKey|SessionToken)>([^<]+)<", payload)
        self.issued = getattr(self, "issued", []) + [value.decode() for _field, value in found]
        return status, response_headers, payload


def test_assumed_role_credentials_never_show_through_the_role(moto, tmp_path):
    extra = {"atlassian_cmk_realm": "germany", "atlassian_cmk_org_paths": [ORG_PATH],
             "atlassian_cmk_assume_role_arn": "arn:aws:iam::210987654321:role/atlassian-cmk-admin",
             "atlassian_cmk_account_id": "210987654321", "atlassian_cmk_report_dir": str(tmp_path)}
    with CapturingProxy(moto.url) as proxy:
        extra["atlassian_cmk_endpoint_url"] = proxy.url
        proc = run_site(extra, "-vvv", env={"AWS_SECRET_ACCESS_KEY": SECRET, "AWS_SESSION_TOKEN": TOKEN})
    assert proc.returncode == 0, proc.stdout[-3000:]
    assert len(proxy.issued) == 2, "STS issued no credentials: the check below would prove nothing"
    report = "".join(p.read_text() for p in tmp_path.iterdir())
    assert "arn:aws:kms:eu-central-1:210987654321:key/" in report
    for secret in proxy.issued + [SECRET, TOKEN]:
        assert secret not in proc.stdout and secret not in proc.stderr and secret not in report
