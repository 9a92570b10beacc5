"""The AWX snippets of docs/awx.md (files in docs/awx/), each exercised as far as it can be without AWX.

- docs/awx.md links every file of docs/awx/.
- controller.yml: only documented awx.awx arguments and choices (ansible-lint's args rule cannot load
  awx.awx's modules, so the test checks them against ansible-doc), lint clean, and the objects it names fit
  together (playbooks and inventory paths exist, prompts set by workflow nodes and schedules are asked for).
- platform.yml (Automation Platform 2.5 and later): its automation controller play is controller.yml's, task for
  task, with ansible.controller for awx.awx (the same modules and arguments: ansible.controller is built from
  awx.awx's source). Both playbooks take every name from vars.yml. It is lint clean with the gateway's and the
  controller's modules mocked: neither collection can be installed without Automation Hub.
- The survey asks for role variables; its answers, passed as AWX passes them, run site.yml.
- The fleet inventory parses. The fleet runs sliced, each slice an ansible-runner job as AWX runs it (host i
  in slice i mod N); the slices' artifacts are merged as AWX merges them, one dict.update per slice in the
  order they finished, and receive-enrollment.yml gets every account from the per-account keys.
- The drift check (job_type check, diff_mode) writes nothing and shows the drift it finds.
- The nightly audit runs audit.yml with the template's extra variables (each account's read-only role);
  it writes nothing, publishes each account's audit, and fails the job when a key drifted.

Jobs run as AWX runs them: from the project checkout (cwd), with AWX's collections path (the project's
requirements, then the execution environment's, which holds this collection installed from its tarball),
the AWS credential's environment variables and the job's extra variables.
"""

from __future__ import annotations

import json
import re
from concurrent.futures import ThreadPoolExecutor, as_completed
from pathlib import Path
from typing import Dict, List

import ansible_runner
import pytest
import yaml

from ansible_collections.cmkops.atlassian_cmk.plugins.module_utils._cmk.realms import realm_regions

from tests.ecosystem.support import (ORG_PATH, ROOT, awx_job_env, changed_count, clean_env, kms, run, run_playbook,
                                     task_results, tool)


class AnsibleYaml(yaml.SafeLoader):
    """YAML as Ansible reads it, as far as controller.yml goes: !unsafe is a string left untemplated."""


AnsibleYaml.add_constructor("!unsafe", lambda loader, node: loader.construct_scalar(node))

DOCS = ROOT / "docs"
AWX = DOCS / "awx"
INVENTORY = AWX / "inventory-fleet.yml"
SURVEY = AWX / "survey-single-account.json"
CONTROLLER = AWX / "controller.yml"
PLATFORM = AWX / "platform.yml"
SHARED_VARS = AWX / "vars.yml"
RECEIVER = AWX / "receive-enrollment.yml"


# --- helpers ---------------------------------------------------------------------------------------

def survey_extra_vars(spec: dict, answers: dict) -> dict:
    """The extra variables AWX passes: each question's answer, or its default when not answered."""
    return {item["variable"]: answers.get(item["variable"], item.get("default", "")) for item in spec["spec"]}


def role_options() -> dict:
    specs = yaml.safe_load((ROOT / "roles" / "realm_keys" / "meta" / "argument_specs.yml").read_text())
    return specs["argument_specs"]["main"]["options"]


def inventory_hosts() -> Dict[str, dict]:
    proc = run([tool("ansible-inventory"), "-i", str(INVENTORY), "--list"], env=clean_env())
    data = json.loads(proc.stdout)
    return {h: data["_meta"]["hostvars"][h] for h in data["atlassian_cmk_accounts"]["hosts"]}


# --- docs/awx.md shows the files -------------------------------------------------------------------

def test_awx_md_links_every_file_of_docs_awx():
    text = (DOCS / "awx.md").read_text()
    for path in AWX.iterdir():
        link = f"(https://github.com/cmkops/atlassian_cmk/blob/main/docs/awx/{path.name})"
        assert link in text, f"docs/awx.md does not link {path.name}"


def test_one_execution_environment_image_everywhere():
    images = set(re.findall(r"[\w./-]*atlassian-cmk-ee:[\w.-]+", "\n".join(
        p.read_text() for p in (ROOT / "execution-environment.yml", SHARED_VARS, DOCS / "awx.md"))))
    assert len(images) == 1, images


# --- controller.yml --------------------------------------------------------------------------------

@pytest.fixture(scope="module")
def controller_tasks() -> List[dict]:
    plays = yaml.load(CONTROLLER.read_text(), Loader=AnsibleYaml)
    return [task for play in plays for task in play["tasks"]]


def awx_objects(tasks: List[dict], module: str) -> Dict[str, dict]:
    return {t[f"awx.awx.{module}"]["name"]: t[f"awx.awx.{module}"] for t in tasks if f"awx.awx.{module}" in t}


def test_controller_playbook_uses_only_documented_awx_arguments(controller_tasks):
    modules = sorted({key for task in controller_tasks for key in task if key.startswith("awx.awx.")})
    docs = json.loads(run([tool("ansible-doc"), "--json"] + modules, env=clean_env()).stdout)

    def unknown(args: dict, options: dict, where: str) -> List[str]:
        problems = []
        names = {n for name, o in options.items() for n in [name] + o.get("aliases", [])}
        for key, value in args.items():
            if key not in names:
                problems.append(f"{where}.{key}")
                continue
            option = next(o for name, o in options.items() if key in [name] + o.get("aliases", []))
            if "choices" in option and isinstance(value, str) and "{{" not in value:
                if value not in option["choices"]:
                    problems.append(f"{where}.{key}={value} not in {option['choices']}")
            sub = option.get("suboptions")
            items = value if isinstance(value, list) else [value]
            if sub:
                for i, item in enumerate(items):
                    if isinstance(item, dict):
                        problems += unknown(item, sub, f"{where}.{key}[{i}]")
        return problems

    problems = []
    for task in controller_tasks:
        module = next(k for k in task if k.startswith("awx.awx."))
        problems += unknown(task[module], docs[module]["doc"]["options"], f"{task['name']}: {module}")
    assert not problems, problems


def test_controller_and_platform_playbooks_pass_syntax_check_and_ansible_lint():
    run([tool("ansible-playbook"), "--syntax-check", str(CONTROLLER), str(RECEIVER)], env=clean_env())
    # The production profile: schema, FQCN, names, no_log on the credentials, Jinja and YAML style. platform.yml's
    # syntax check is ansible-lint's, with its modules mocked (.ansible-lint).
    proc = run([tool("ansible-lint"), "--offline", "-q", str(CONTROLLER), str(PLATFORM), str(RECEIVER),
                str(INVENTORY)], env=clean_env(), check=False)
    assert proc.returncode == 0, proc.stdout + proc.stderr


def test_platform_playbook_makes_the_objects_of_controller_yml_with_ansible_controller(controller_tasks):
    gateway, controller = yaml.load(PLATFORM.read_text(), Loader=AnsibleYaml)
    expected = [{key.replace("awx.awx.", "ansible.controller."): value for key, value in task.items()}
                for task in controller_tasks]
    assert controller["tasks"] == expected
    assert [next(k for k in task if "." in k) for task in gateway["tasks"]] == ["ansible.platform.organization"]
    assert gateway["tasks"][0]["ansible.platform.organization"]["name"] == "{{ cmk_awx_organization }}"


def test_both_playbooks_take_their_names_from_vars_yml():
    shared = yaml.safe_load(SHARED_VARS.read_text())
    vault = {f"cmk_awx_{who}_{key}" for who in ("fleet", "payments", "audit")
             for key in ("access_key_id", "secret_access_key")}
    for path in (CONTROLLER, PLATFORM):
        for play in yaml.load(path.read_text(), Loader=AnsibleYaml):
            assert "vars" not in play and play["vars_files"] == ["vars.yml"], path.name
        used = set(re.findall(r"\b(cmk_awx_\w+)", path.read_text()))
        assert used - vault == set(shared), f"{path.name}: {sorted(used - vault)} against {sorted(shared)}"
    # docs/awx.md names the six vault variables: they are the only names not in vars.yml.
    assert vault <= set(re.findall(r"\b(cmk_awx_\w+)", (DOCS / "awx.md").read_text()))


def test_controller_objects_fit_together(controller_tasks):
    templates = awx_objects(controller_tasks, "job_template")
    inventories = awx_objects(controller_tasks, "inventory")
    credentials = awx_objects(controller_tasks, "credential")
    for name, jt in templates.items():
        assert (ROOT / jt["playbook"]).is_file(), f"{name}: no playbook {jt['playbook']} in the project"
        assert jt["inventory"] in inventories, name
        assert all(c in credentials for c in jt.get("credentials", [])), name
    for cred in credentials.values():
        assert cred["credential_type"] == "Amazon Web Services"
        assert set(cred["inputs"]) <= {"username", "password", "security_token"}
    for source in awx_objects(controller_tasks, "inventory_source").values():
        assert (ROOT / source["source_path"]).is_file()
        assert source["inventory"] in inventories
    single = templates["Atlassian CMK - one account"]
    assert single["survey_enabled"] and "survey-single-account.json" in single["survey_spec"]
    fleet = templates["Atlassian CMK - fleet"]
    assert fleet["job_slice_count"] > 1, "the fleet template slices the accounts"
    # AWX silently drops a prompt the template does not ask for: check each one set elsewhere is asked.
    workflow = awx_objects(controller_tasks, "workflow_job_template")["Atlassian CMK - keys and enrolment"]
    nodes = {n["identifier"]: n for n in workflow["workflow_nodes"]}
    for node in nodes.values():
        jt = templates[node["unified_job_template"]["name"]]
        for prompt in ("job_slice_count", "job_type", "diff_mode", "limit", "inventory"):
            if prompt in node:
                assert jt.get(f"ask_{prompt}_on_launch"), f"node {node['identifier']} sets {prompt} unasked"
        for follower in node.get("related", {}).get("success_nodes", []):
            assert follower["identifier"] in nodes
    assert "job_slice_count" not in nodes["ensure-keys"], "the workflow's fleet node stays sliced"
    assert nodes["ensure-keys"]["related"]["success_nodes"] == [{"identifier": "receive-enrollment"}]
    assert templates[nodes["receive-enrollment"]["unified_job_template"]["name"]]["playbook"] == str(
        RECEIVER.relative_to(ROOT))
    schedule = awx_objects(controller_tasks, "schedule")["Atlassian CMK - nightly audit"]
    audit = templates[schedule["unified_job_template"]]
    assert audit["playbook"] == "audit.yml" and audit["credentials"] == ["AWS - Atlassian CMK audit"]
    assert "job_type" not in schedule, "the audit is read-only by itself, not by check mode"
    assert re.match(r"DTSTART(;TZID=[\w/]+)?:\d{8}T\d{6}Z? RRULE:FREQ=DAILY", schedule["rrule"])


# --- the survey ------------------------------------------------------------------------------------

def test_survey_names_role_variables():
    spec = json.loads(SURVEY.read_text())
    options = role_options()
    for item in spec["spec"]:
        assert item["variable"] in options, f"survey variable {item['variable']} is no role variable"
    realm = next(i for i in spec["spec"] if i["variable"] == "atlassian_cmk_realm")
    assert realm["choices"] == options["atlassian_cmk_realm"]["choices"]
    assert {i["variable"] for i in spec["spec"]} == {"atlassian_cmk_realm", "atlassian_cmk_org_paths",
                                                     "atlassian_cmk_alias", "atlassian_cmk_context_tag"}


def test_survey_answers_run_the_single_account_template(moto_server, tmp_path, installed, controller_tasks):
    """The job AWX launches from the survey: site.yml, an inventory with no hosts, the template's extra variables
    and the survey's answers, the account's AWS credential."""
    moto_server.reset()
    spec = json.loads(SURVEY.read_text())
    second = "o-rab3nm4fez/*/ou-ab12-99999999/*"
    extra = dict(awx_objects(controller_tasks, "job_template")["Atlassian CMK - one account"]["extra_vars"])
    extra.update(survey_extra_vars(spec, {"atlassian_cmk_org_paths": f"{ORG_PATH},{second}",
                                          "atlassian_cmk_context_tag": "acme01"}))
    extra.update(atlassian_cmk_endpoint_url=moto_server.url, atlassian_cmk_report_dir=str(tmp_path / "report"))
    (tmp_path / "extra_vars.json").write_text(json.dumps(extra))
    (tmp_path / "hosts.json").write_text(json.dumps({"all": {"hosts": {}}}))  # AWX's inventory of no host
    out = run_playbook(["site.yml", "-i", str(tmp_path / "hosts.json"), "-e", f"@{tmp_path / 'extra_vars.json'}"],
                       env=awx_job_env(tmp_path, installed))
    stats = out["global_custom_stats"]["atlassian_cmk_enrollment"]
    (account, entry), = stats.items()
    assert entry["realm"] == "europe" and entry["context_tag"] == "acme01"
    assert sorted(entry["key_arns"]) == ["eu-central-1", "eu-west-1"]
    # The comma-separated text answer became both org paths of the key policy.
    client = kms(moto_server, "eu-west-1")
    policy = client.get_key_policy(KeyId=entry["key_arns"]["eu-west-1"], PolicyName="default")["Policy"]
    assert ORG_PATH in policy and second in policy


# --- the fleet: inventory, slices, workflow, drift check ------------------------------------------

def test_fleet_inventory_parses_into_accounts_with_their_roles():
    hosts = inventory_hosts()
    assert len(hosts) >= 2
    realms = role_options()["atlassian_cmk_realm"]["choices"]
    for name, hostvars in hosts.items():
        account = hostvars["atlassian_cmk_account_id"]
        assert isinstance(account, str) and re.fullmatch(r"\d{12}", account), name
        assert hostvars["atlassian_cmk_assume_role_arn"].startswith(f"arn:aws:iam::{account}:role/"), name
        assert hostvars["atlassian_cmk_realm"] in realms and hostvars["atlassian_cmk_org_paths"], name
    assert len({h["atlassian_cmk_account_id"] for h in hosts.values()}) == len(hosts)


def runner_job(private_dir: Path, env: Dict[str, str], extravars: dict, limit: str = "", playbook: str = "site.yml"
               ) -> dict:
    """One AWX job: ansible-runner in the project checkout; returns its artifacts, as AWX reads them from
    the playbook_on_stats event's artifact_data, and its status."""
    private_dir.mkdir(parents=True, exist_ok=True)
    result = ansible_runner.run(private_data_dir=str(private_dir), project_dir=str(ROOT), playbook=playbook,
                                inventory=str(INVENTORY), limit=limit or None, extravars=extravars, envvars=env,
                                quiet=True)
    stats = [e for e in result.events if e.get("event") == "playbook_on_stats"]
    assert stats, f"{private_dir.name}: no playbook_on_stats event (status {result.status})"
    return {"status": result.status, "rc": result.rc, "artifacts": stats[-1]["event_data"].get("artifact_data", {}),
            "changed": sum(stats[-1]["event_data"].get("changed", {}).values())}


@pytest.fixture(scope="module")
def fleet(moto_server, tmp_path_factory, installed):
    """The fleet template as AWX runs it sliced: three slices side by side, host i in slice i mod 3."""
    moto_server.reset()
    tmp = tmp_path_factory.mktemp("fleet")
    env = awx_job_env(tmp, installed)
    hosts = inventory_hosts()
    extravars = {"atlassian_cmk_endpoint_url": moto_server.url, "atlassian_cmk_report_dir": str(tmp / "report")}
    names = list(hosts)
    slices = [names[k::3] for k in range(3)]
    finished = []
    with ThreadPoolExecutor(max_workers=3) as pool:
        jobs = {pool.submit(runner_job, tmp / f"slice{k}", env, extravars, ",".join(part)): k
                for k, part in enumerate(slices)}
        for job in as_completed(jobs):
            finished.append(job.result())
    common = ["site.yml", "-i", str(INVENTORY), "-e", f"atlassian_cmk_endpoint_url={moto_server.url}",
              "-e", f"atlassian_cmk_report_dir={tmp / 'report'}"]
    return {"env": env, "tmp": tmp, "hosts": hosts, "slices": finished, "common": common, "extravars": extravars}


def run_receiver(fleet: dict, artifacts: dict, expect_rc: int) -> dict:
    path = fleet["tmp"] / f"artifacts-{expect_rc}.json"
    path.write_text(json.dumps(artifacts))
    return run_playbook([str(RECEIVER), "-i", str(INVENTORY), "-e", f"@{path}"], env=fleet["env"],
                        expect_rc=expect_rc)


def test_fleet_slices_create_every_accounts_keys_in_its_own_account(fleet, moto_server):
    assert [job["status"] for job in fleet["slices"]] == ["successful"] * 3
    assert all(job["changed"] > 0 for job in fleet["slices"])
    for name, hostvars in fleet["hosts"].items():
        account = hostvars["atlassian_cmk_account_id"]
        for region in realm_regions(hostvars["atlassian_cmk_realm"]):
            arn = kms(moto_server, region, account).describe_key(KeyId="alias/atlassian-cmk-key")["KeyMetadata"]["Arn"]
            assert f":{account}:" in arn, (name, arn)


def test_a_sliced_job_hands_every_account_to_the_next_workflow_node(fleet):
    # AWX's WorkflowJob.get_effective_artifacts: one dict, updated with each slice's artifacts in turn.
    merged: dict = {}
    for job in fleet["slices"]:
        merged.update(job["artifacts"])
    accounts = sorted(h["atlassian_cmk_account_id"] for h in fleet["hosts"].values())
    assert sorted(k for k in merged if k.startswith("atlassian_cmk_enrollment_")) == [
        f"atlassian_cmk_enrollment_{a}" for a in accounts]
    assert len(merged["atlassian_cmk_enrollment"]) < len(accounts), "the aggregate key keeps one slice only"
    for account in accounts:
        entry = merged[f"atlassian_cmk_enrollment_{account}"]
        assert entry["complete"] and all(f":{account}:key/" in arn for arn in entry["key_arns"].values())
    out = run_receiver(fleet, merged, expect_rc=0)
    handed_on = task_results(out, "Hand the enrolment on (replace with your ticket, mail or chat step)")
    assert len(handed_on["localhost"]["results"]) == len(accounts)


def test_the_receiver_names_an_account_missing_from_the_artifacts(fleet):
    merged: dict = {}
    for job in fleet["slices"][:-1]:  # one slice's artifacts lost
        merged.update(job["artifacts"])
    out = run_receiver(fleet, merged, expect_rc=2)
    failed = task_results(out, "Check that every account of the inventory is in the enrolment")["localhost"]
    assert failed["failed"] and "Accounts missing from the enrolment" in failed["msg"]


def test_the_unsliced_job_changes_nothing_and_its_output_shows_the_arns(fleet, moto_server):
    job = runner_job(fleet["tmp"] / "whole", fleet["env"], fleet["extravars"])
    assert job["status"] == "successful" and job["changed"] == 0
    stdout = (fleet["tmp"] / "whole" / "artifacts").glob("*/stdout")
    text = "".join(p.read_text() for p in stdout)
    for entry in job["artifacts"]["atlassian_cmk_enrollment"].values():
        for arn in entry["key_arns"].values():
            assert arn in text, "the job output lacks an ARN"


def test_drift_check_writes_nothing_and_shows_the_drift(fleet, moto_server):
    """The schedule's job: job_type check and diff_mode, i.e. --check --diff."""
    clean = run_playbook(fleet["common"] + ["--check", "--diff"], env=fleet["env"])
    assert changed_count(clean) == 0
    account = sorted(fleet["hosts"].values(), key=lambda h: h["atlassian_cmk_account_id"])[0][
        "atlassian_cmk_account_id"]
    client = kms(moto_server, "eu-west-1", account)
    key_id = client.describe_key(KeyId="alias/atlassian-cmk-key")["KeyMetadata"]["KeyId"]
    policy = json.loads(client.get_key_policy(KeyId=key_id, PolicyName="default")["Policy"])
    drifted = dict(policy, Statement=policy["Statement"][:-1])
    client.put_key_policy(KeyId=key_id, PolicyName="default", Policy=json.dumps(drifted))
    try:
        drift = run_playbook(fleet["common"] + ["--check", "--diff"], env=fleet["env"])
        now = json.loads(client.get_key_policy(KeyId=key_id, PolicyName="default")["Policy"])
    finally:  # the tests after this one see the fleet as made
        client.put_key_policy(KeyId=key_id, PolicyName="default", Policy=json.dumps(policy))
    assert len(now["Statement"]) == len(drifted["Statement"]), "a check run wrote to AWS"
    assert changed_count(drift) == 1
    key_task = task_results(drift, "Ensure the key in the region")
    changed = [r for host in key_task.values() for r in host["results"] if r["changed"]]
    assert [r["item"]["region"] for r in changed] == ["eu-west-1"] and "policy" in json.dumps(changed[0]["diff"])


def test_the_nightly_audit_reads_each_account_and_fails_on_drift(fleet, moto_server, controller_tasks):
    """The audit template as AWX runs it: its extra variables (a templated role ARN per account) and the
    audit credential's environment; moto maps each assumed role to its account."""
    template = awx_objects(controller_tasks, "job_template")["Atlassian CMK - audit"]
    extravars = dict(fleet["extravars"], atlassian_cmk_audit_dir=str(fleet["tmp"] / "audit"), **template["extra_vars"])
    clean = runner_job(fleet["tmp"] / "audit-clean", fleet["env"], extravars, playbook=template["playbook"])
    accounts = sorted(h["atlassian_cmk_account_id"] for h in fleet["hosts"].values())
    assert clean["status"] == "successful" and clean["changed"] == 0
    assert sorted(k for k in clean["artifacts"] if k.startswith("atlassian_cmk_audit_")) == [
        f"atlassian_cmk_audit_{a}" for a in accounts]
    assert all(clean["artifacts"][f"atlassian_cmk_audit_{a}"]["compliant"] for a in accounts)

    drifting = next(h["atlassian_cmk_account_id"] for h in fleet["hosts"].values()
                    if "eu-west-1" in realm_regions(h["atlassian_cmk_realm"]))
    client = kms(moto_server, "eu-west-1", drifting)
    key_id = client.describe_key(KeyId="alias/atlassian-cmk-key")["KeyMetadata"]["KeyId"]
    client.disable_key(KeyId=key_id)
    try:
        drifted = runner_job(fleet["tmp"] / "audit-drift", fleet["env"], extravars, playbook=template["playbook"])
    finally:
        client.enable_key(KeyId=key_id)
    assert drifted["status"] == "failed" and drifted["changed"] == 0
    audits = {a: drifted["artifacts"][f"atlassian_cmk_audit_{a}"] for a in accounts}
    assert [a for a, audit in audits.items() if not audit["compliant"]] == [drifting]
    assert [(r["region"], [f["code"] for f in r["findings"]]) for r in audits[drifting]["regions"]
            if r["findings"]] == [("eu-west-1", ["disabled"])]
