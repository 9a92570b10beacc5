"""Credentials never show: not with -vvv, not in the result, not in a failure."""

from __future__ import annotations

import json
import re
import subprocess
import sys
from pathlib import Path

from conftest import MODULE, ORG_PATH, REGION, ROOT, ansible_env, run_site

from harness.proxy import FaultProxy

SECRET = "wJalrXUtnFEMI/K7MDENG/bPxRfiCYSECRETKEY1"
TOKEN = "FwoGZXIvYXdzEXAMPLESESSIONTOKENVALUE0123456789"
KEY_ID = "AKIAEXAMPLEKEY000001"  # an identifier, not a secret, but it names the account


def run_verbose(moto, from_env=False, **args):
    credentials = {"access_key": KEY_ID, "secret_key": SECRET, "session_token": TOKEN}
    args = dict({"region": REGION, "endpoint_url": moto.url}, **({} if from_env else credentials), **args)
    env = ansible_env(AWS_ACCESS_KEY_ID=KEY_ID if from_env else "", AWS_SECRET_ACCESS_KEY=SECRET if from_env else "",
                      AWS_SESSION_TOKEN=TOKEN if from_env else "")
    cmd = [str(Path(sys.executable).with_name("ansible")), "localhost", "-m", MODULE, "-a", json.dumps(args),
           "-e", f"ansible_python_interpreter={sys.executable}", "-vvv", "--diff"]
    return subprocess.run(cmd, env=env, capture_output=True, text=True, check=False, cwd=ROOT, timeout=300)


def test_secrets_absent_from_verbose_output(moto):
    created = run_verbose(moto, org_paths=[ORG_PATH])
    failed = run_verbose(moto, org_paths=[ORG_PATH], rotation_period_days=1)  # a failure path too
    from_env = run_verbose(moto, from_env=True, org_paths=[ORG_PATH])  # amazon.aws copies them into the options
    for proc in (created, failed, from_env):
        assert '"key_arn"' in proc.stdout or '"failed": true' in proc.stdout, proc.stdout[-2000:]
        for secret in (SECRET, TOKEN, KEY_ID):
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
        found = re.findall(rb"<(AccessKeyId|SecretAccessKey|SessionToken)>([^<]+)<", payload)
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
    assert len(proxy.issued) == 3, "STS issued no credentials: the check below would prove nothing"
    report = "".join(p.read_text() for p in tmp_path.iterdir())
    assert "arn:aws:kms:eu-central-1:210987654321:key/" in report
    for secret in proxy.issued + [SECRET, TOKEN]:
        assert secret not in proc.stdout and secret not in proc.stderr and secret not in report


def test_assumed_role_credentials_are_gone_from_the_hosts_variables(moto, tmp_path):
    extra = {"atlassian_cmk_realm": "germany", "atlassian_cmk_org_paths": [ORG_PATH],
             "atlassian_cmk_assume_role_arn": "arn:aws:iam::210987654321:role/atlassian-cmk-admin",
             "atlassian_cmk_report_dir": str(tmp_path)}
    playbook = tmp_path / "after.yml"
    playbook.write_text(
        "- ansible.builtin.import_playbook: cmkops.atlassian_cmk.site\n"
        "- hosts: localhost\n  gather_facts: false\n  tasks:\n"
        "    - ansible.builtin.copy:\n        content: '{{ hostvars.localhost | to_json }}'\n"
        f"        dest: {tmp_path / 'hostvars.json'}\n        mode: '0600'\n")
    with CapturingProxy(moto.url) as proxy:
        extra["atlassian_cmk_endpoint_url"] = proxy.url
        proc = run_site(extra, playbook=str(playbook))
    assert proc.returncode == 0, proc.stdout[-3000:]
    hostvars = (tmp_path / "hostvars.json").read_text()
    assert "atlassian_cmk_keys" in hostvars and len(proxy.issued) == 3
    for secret in proxy.issued:
        assert secret not in hostvars
