"""Credentials never show: not with -vvv, not in the result, not in a failure."""

from __future__ import annotations

import json
import subprocess
import sys
from pathlib import Path

from conftest import MODULE, ORG_PATH, REGION, ROOT, ansible_env

SECRET = "wJalrXUtnFEMI/K7MDENG/bPxRfiCYSECRETKEY1"
TOKEN = "FwoGZXIvYXdzEXAMPLESESSIONTOKENVALUE0123456789"


def run_verbose(moto, **args):
    args = dict({"region": REGION, "endpoint_url": moto.url, "access_key": "AKIAEXAMPLEKEY000001",
                 "secret_key": SECRET, "session_token": TOKEN}, **args)
    env = ansible_env(AWS_ACCESS_KEY_ID="", AWS_SECRET_ACCESS_KEY="")
    cmd = [str(Path(sys.executable).with_name("ansible")), "localhost", "-m", MODULE, "-a", json.dumps(args),
           "-e", f"ansible_python_interpreter={sys.executable}", "-vvv", "--diff"]
    return subprocess.run(cmd, env=env, capture_output=True, text=True, cwd=ROOT, timeout=300)


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
    # The arguments were echoed (so the check above could have caught them), masked.
    assert result["invocation"]["module_args"]["secret_key"] == "VALUE_SPECIFIED_IN_NO_LOG_PARAMETER"
    assert SECRET not in json.dumps(result) and TOKEN not in json.dumps(result)
