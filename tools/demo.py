"""`make demo`: the keys of the Europe realm on a local moto server, with the module, then their ARNs.

Starts moto_server on 127.0.0.1 (a free port), runs cmkops.atlassian_cmk.atlassian_cmk_key once per
region of the realm through ansible-playbook, prints the ARNs and stops the server by its PID.
"""

from __future__ import annotations

import json
import os
import subprocess
import sys
import tempfile
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))

from tests.support.moto_server import MotoServer  # noqa: E402

PLAYBOOK = """
- name: Keys of the Europe realm on moto
  hosts: localhost
  connection: local
  gather_facts: false
  tasks:
    - name: Ensure the CMK key in each region of the realm
      cmkops.atlassian_cmk.atlassian_cmk_key:
        region: "{{ item }}"
        endpoint_url: "{{ endpoint_url }}"
        org_paths: ["o-rab3nm4fez/*/ou-ab12-cdef3456/*"]
      loop: "{{ 'europe' | cmkops.atlassian_cmk.realm_regions }}"
      register: keys
    - name: Write the ARNs
      ansible.builtin.copy:
        content: "{{ keys.results | map(attribute='key_arn') | list | to_json }}"
        dest: "{{ arns_file }}"
        mode: "0600"
"""


def main() -> int:
    env = dict(os.environ, AWS_ACCESS_KEY_ID="demo", AWS_SECRET_ACCESS_KEY="demo",
               ANSIBLE_CONFIG=str(ROOT / "ansible.cfg"), ANSIBLE_LOCALHOST_WARNING="0",
               ANSIBLE_INVENTORY_UNPARSED_WARNING="0")
    with tempfile.TemporaryDirectory() as tmp, MotoServer() as moto:
        print(f"moto server on {moto.url} (pid {moto.process.pid})")
        playbook = Path(tmp, "demo.yml")
        playbook.write_text(PLAYBOOK)
        arns = Path(tmp, "arns.json")
        subprocess.run([str(Path(sys.executable).with_name("ansible-playbook")), str(playbook),
                        "-e", f"endpoint_url={moto.url} arns_file={arns}",
                        "-e", f"ansible_python_interpreter={sys.executable}"],
                       env=env, cwd=ROOT, check=True)
        for region, arn in zip(("eu-central-1", "eu-west-1"), json.loads(arns.read_text())):
            print(f"{region}: {arn}")
    print("moto server stopped")
    return 0


if __name__ == "__main__":
    sys.exit(main())
