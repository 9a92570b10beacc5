"""module_defaults and the collection's action group (meta/runtime.yml).

`group/cmkops.atlassian_cmk.atlassian_cmk` holds the module and, through `extend_group: [amazon.aws.aws]`,
every amazon.aws module: one module_defaults entry sets the AWS connection for both collections.
extend_group works in that direction only: `group/amazon.aws.aws` lists amazon.aws's modules and no
other collection can add to it, so its defaults do not reach this module (pinned below, as the docs say).
The playbooks run from the installed tarball, so the meta/runtime.yml that ships is the one tested.
"""

from __future__ import annotations

import json
from pathlib import Path

import yaml

from tests.ecosystem.support import ROOT, run, run_playbook, task_results, tool

PLAYBOOKS = Path(__file__).parent / "playbooks"


def without_aws_environment(env: dict) -> dict:
    """No credentials or region in the environment: they must come from module_defaults."""
    return {k: v for k, v in env.items() if not k.startswith("AWS_") or k in (
        "AWS_CONFIG_FILE", "AWS_SHARED_CREDENTIALS_FILE", "AWS_EC2_METADATA_DISABLED")}


def test_runtime_declares_the_action_group_extending_amazon_aws():
    runtime = yaml.safe_load((ROOT / "meta" / "runtime.yml").read_text())
    assert runtime["requires_ansible"].startswith(">=")
    group = runtime["action_groups"]["atlassian_cmk"]
    assert {"metadata": {"extend_group": ["amazon.aws.aws"]}} in group
    assert "atlassian_cmk_key" in group


def test_collection_group_defaults_reach_the_module_and_amazon_aws(installed, moto, tmp_path):
    out = run_playbook([str(PLAYBOOKS / "module_defaults.yml"), "-e", f"cmk_test_endpoint_url={moto.url}"],
                       env=without_aws_environment(installed), cwd=tmp_path)
    key = task_results(out, "Ensure the CMK key with the region and endpoint from module_defaults")["localhost"]
    assert key["changed"] and key["region"] == "eu-west-2"
    assert key["key_arn"].startswith("arn:aws:kms:eu-west-2:")
    info = task_results(out, "Read the key back with amazon.aws, whose module gets the same defaults")["localhost"]
    assert [k["key_arn"] for k in info["kms_keys"]] == [key["key_arn"]]


def test_amazon_aws_group_defaults_do_not_reach_the_module(installed, moto, tmp_path):
    out = run_playbook([str(PLAYBOOKS / "amazon_aws_group_only.yml"), "-e", f"cmk_test_endpoint_url={moto.url}"],
                       env=without_aws_environment(installed), cwd=tmp_path, expect_rc=2)
    assert not task_results(out, "List keys with amazon.aws, which gets the defaults")["localhost"].get("failed")
    result = task_results(out, "Ensure the CMK key, which does not get them")["localhost"]
    assert result["failed"] and "requires a region" in result["msg"]


def test_each_module_documents_the_action_group_it_is_in(installed):
    groups = yaml.safe_load((ROOT / "meta" / "runtime.yml").read_text())["action_groups"]
    for module in ("atlassian_cmk_key", "atlassian_cmk_key_info"):
        doc = json.loads(run([tool("ansible-doc"), "--json", f"cmkops.atlassian_cmk.{module}"], env=installed).stdout)
        membership = doc[f"cmkops.atlassian_cmk.{module}"]["doc"]["attributes"]["action_group"]["membership"]
        assert membership == ["cmkops.atlassian_cmk.atlassian_cmk"]
        assert module in groups["atlassian_cmk"]
