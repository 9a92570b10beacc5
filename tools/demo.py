"""`make demo`: `ansible-playbook site.yml` for the Europe realm against a local moto server.

Starts moto_server on 127.0.0.1 (a free port), runs the site playbook (realm europe, a sample org
path), prints the two key ARNs and where the enrolment report is, then stops the server by its PID.
"""

from __future__ import annotations

import json
import os
import subprocess
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))

from harness.servers import MotoServer  # noqa: E402

REPORT_DIR = ROOT / "cmk-report"
ACCOUNT = "123456789012"  # moto's account for any credentials


def main() -> int:
    env = dict(os.environ, AWS_ACCESS_KEY_ID="demo", AWS_SECRET_ACCESS_KEY="demo",
               ANSIBLE_CONFIG=str(ROOT / "ansible.cfg"), ANSIBLE_LOCALHOST_WARNING="0",
               ANSIBLE_INVENTORY_UNPARSED_WARNING="0")
    extra = {"atlassian_cmk_realm": "europe", "atlassian_cmk_org_paths": ["o-rab3nm4fez/*/ou-ab12-cdef3456/*"],
             "atlassian_cmk_context_tag": "DemoCMK", "atlassian_cmk_report_dir": str(REPORT_DIR)}
    with MotoServer() as moto:
        print(f"moto server on {moto.url} (pid {moto.pid})")
        extra["atlassian_cmk_endpoint_url"] = moto.url
        subprocess.run([str(Path(sys.executable).with_name("ansible-playbook")), "site.yml",
                        "-e", json.dumps(extra)], env=env, cwd=ROOT, check=True)
    print("moto server stopped\n")
    report = json.loads((REPORT_DIR / f"{ACCOUNT}.json").read_text())
    for key in report["keys"]:
        print(f"{key['region']}: {key['key_arn']}")
    print(f"\nenrolment report: {REPORT_DIR / 'enrollment.md'} and {REPORT_DIR / (ACCOUNT + '.json')}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
