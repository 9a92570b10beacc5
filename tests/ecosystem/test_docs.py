"""ansible-doc renders complete docs for the module, the role and the filter.

Complete: version_added, semantic markup that parses and points at real options and return values,
attributes (module), notes (module), seealso, EXAMPLES that pass yamllint and use only documented
options, and a RETURN sample for every key.
"""

from __future__ import annotations

import json
import re
from typing import Iterator, List, Tuple

import pytest
import yaml
from antsibull_docs_parser import dom
from antsibull_docs_parser.parser import Context, parse
from yamllint import linter
from yamllint.config import YamlLintConfig

from tests.ecosystem.support import FILTER, FIRST_RELEASE, MODULE, ROLE, ROOT, repo_env, run, tool


def examples_yamllint_config() -> YamlLintConfig:
    """The repository's yamllint rules; EXAMPLES are fragments embedded in the docs, without "---"."""
    config = yaml.safe_load((ROOT / ".yamllint").read_text())
    config.pop("ignore", None)
    config.setdefault("rules", {})["document-start"] = "disable"
    return YamlLintConfig(yaml.safe_dump(config))


def ansible_doc_json(name: str, plugin_type: str) -> dict:
    proc = run([tool("ansible-doc"), "--json", "-t", plugin_type, name], env=repo_env())
    assert "[WARNING]" not in proc.stderr and "[ERROR]" not in proc.stderr, proc.stderr
    data = json.loads(proc.stdout)
    assert name in data, f"ansible-doc found no {plugin_type} {name}: {proc.stderr}"
    return data[name]


@pytest.fixture(scope="module")
def module_doc() -> dict:
    return ansible_doc_json(MODULE, "module")


@pytest.fixture(scope="module")
def filter_doc() -> dict:
    return ansible_doc_json(FILTER, "filter")


@pytest.fixture(scope="module")
def role_doc() -> dict:
    return ansible_doc_json(ROLE, "role")["entry_points"]["main"]


def own_options() -> List[str]:
    """The module's own options (not those from amazon.aws's doc fragments)."""
    from ansible_collections.cmkops.atlassian_cmk.plugins.modules.atlassian_cmk_key import ARGUMENT_SPEC
    return sorted(ARGUMENT_SPEC)


def texts(node, path: str = "") -> Iterator[Tuple[str, str]]:
    """(where, text) for every description-like string in a doc tree."""
    if isinstance(node, dict):
        for key, value in node.items():
            if key in ("description", "notes", "short_description") and isinstance(value, (str, list)):
                for i, text in enumerate([value] if isinstance(value, str) else value):
                    yield f"{path}.{key}[{i}]", text
            elif isinstance(value, (dict, list)):
                yield from texts(value, f"{path}.{key}")
    elif isinstance(node, list):
        for i, item in enumerate(node):
            yield from texts(item, f"{path}[{i}]")


def return_keys(node: dict, path: str = "") -> Iterator[Tuple[str, dict]]:
    for key, value in node.items():
        yield f"{path}{key}", value
        if isinstance(value.get("contains"), dict):
            yield from return_keys(value["contains"], f"{path}{key}.")


def check_markup(doc: dict, plugin: dom.PluginIdentifier, options: List[str], returns: List[str],
                 entrypoint=None) -> List[str]:
    problems = []
    context = Context(current_plugin=plugin, role_entrypoint=entrypoint)
    for where, text in texts(doc):
        try:
            paragraphs = parse(text, context, errors="exception", strict=True)
        except Exception as e:  # the parser's own error types vary between versions
            problems.append(f"{where}: {e}")
            continue
        for part in (p for paragraph in paragraphs for p in paragraph):
            if isinstance(part, dom.OptionNamePart) and part.plugin == plugin and part.link[0] not in options:
                problems.append(f"{where}: O({part.name}) is not an option")
            if isinstance(part, dom.ReturnValuePart) and part.plugin == plugin and part.link[0] not in returns:
                problems.append(f"{where}: RV({part.name}) is not a return value")
            if isinstance(part, (dom.CodePart, dom.ItalicPart)) and (
                    getattr(part, "text", "").split("=")[0] in options):
                problems.append(f"{where}: {part.text!r} names an option: use O(...)")
    return problems


def lint_examples(examples: str) -> List[str]:
    # EXAMPLES = r"""<newline>...: the docstring's first line break is not part of the YAML.
    text = examples.lstrip("\n").rstrip() + "\n"
    return [f"{p.line}:{p.column} {p.message}" for p in linter.run(text, examples_yamllint_config())]


def check_return(doc_return: dict) -> List[str]:
    problems = []
    for key, entry in return_keys(doc_return):
        for field in ("description", "returned", "type", "sample"):
            if field not in entry and not (key.startswith("_value") and field == "returned"):
                problems.append(f"RETURN {key}: no {field}")
    return problems


@pytest.mark.parametrize("name, plugin_type", [(MODULE, "module"), (ROLE, "role"), (FILTER, "filter")])
def test_ansible_doc_renders_as_text(name, plugin_type):
    proc = run([tool("ansible-doc"), "-t", plugin_type, name], env=repo_env(ANSIBLE_NOCOLOR="1"))
    assert proc.stdout.strip(), proc.stderr
    assert "[WARNING]" not in proc.stderr and "[ERROR]" not in proc.stderr, proc.stderr
    assert name in proc.stdout.splitlines()[0]
    expected = {"module": ["OPTIONS", "ATTRIBUTES", "NOTES", "SEE ALSO", "EXAMPLES", "RETURN VALUES"],
                "filter": ["OPTIONS", "SEE ALSO", "EXAMPLES", "RETURN VALUES"],
                "role": ["ENTRY POINT:", "Options", "EXAMPLES"]}[plugin_type]
    missing = [heading for heading in expected if heading not in proc.stdout]
    assert not missing, f"ansible-doc -t {plugin_type} {name} has no {missing}:\n{proc.stdout[:3000]}"


def test_module_doc_is_complete(module_doc):
    doc = module_doc["doc"]
    assert doc["version_added"] == FIRST_RELEASE
    assert doc["version_added_collection"] == "cmkops.atlassian_cmk"
    assert doc["short_description"] and doc["description"] and doc["author"]
    for attribute in ("check_mode", "diff_mode"):
        assert doc["attributes"][attribute]["support"] in ("full", "partial", "none")
        assert doc["attributes"][attribute]["description"]
    assert doc["notes"], "notes: the AWS quirks the user must know"
    assert doc["seealso"]
    assert module_doc["metadata"] is None or isinstance(module_doc["metadata"], dict)
    options = doc["options"]
    for name in own_options():
        assert name in options, f"option {name} is in the argument spec but not documented"
        assert options[name].get("version_added"), f"option {name} has no version_added"
        assert options[name].get("description") and options[name].get("type"), name
    # The AWS connection options come from amazon.aws's doc fragments, not by hand.
    for name in ("region", "endpoint_url", "access_key", "profile"):
        assert name in options, f"{name} missing: extends_documentation_fragment amazon.aws.*"


def test_module_doc_uses_semantic_markup(module_doc):
    doc = module_doc["doc"]
    plugin = dom.PluginIdentifier(fqcn=MODULE, type="module")
    options = list(doc["options"])
    returns = [key.split(".")[0] for key in dict(return_keys(module_doc["return"]))]
    # amazon.aws's doc fragments are theirs to mark up: check the module's own text.
    own = dict(doc, options={name: doc["options"][name] for name in own_options()})
    assert not check_markup(own, plugin, options, returns)
    assert not check_markup(module_doc["return"], plugin, options, returns)
    joined = json.dumps(own)
    assert "O(" in joined and "V(" in joined, "options and values are marked up with O() and V()"
    assert not re.search(r"\bI\(", joined), "I() is classic markup: O() for options, V() for values"


def leaf_tasks(tasks: list) -> Iterator[dict]:
    """The tasks of a task list, inside blocks too (an example may show module_defaults on a block)."""
    for task in tasks:
        assert task.get("name"), f"unnamed example: {task}"
        if "block" in task:
            for section in ("block", "rescue", "always"):
                yield from leaf_tasks(task.get(section) or [])
        else:
            yield task


TASK_KEYWORDS = {"name", "register", "when", "loop", "loop_control", "vars", "check_mode", "diff", "tags",
                 "changed_when", "failed_when", "no_log", "delegate_to", "environment", "module_defaults"}


def test_module_examples_pass_yamllint_and_use_documented_options(module_doc):
    examples = module_doc["examples"]
    assert not lint_examples(examples), lint_examples(examples)
    tasks = yaml.safe_load(examples)
    assert isinstance(tasks, list) and tasks
    options = set(module_doc["doc"]["options"])
    for option in list(module_doc["doc"]["options"].values()):
        options.update(option.get("aliases", []))
    calls = 0
    for task in leaf_tasks(tasks):
        actions = [key for key in task if key not in TASK_KEYWORDS]
        assert len(actions) == 1 and actions[0].count(".") == 2, f"{task['name']!r}: one module, by its FQCN"
        if actions[0] == MODULE:
            calls += 1
            unknown = set(task[MODULE]) - options
            assert not unknown, f"example {task['name']!r} uses undocumented options {unknown}"
    assert calls, f"no example calls {MODULE}"


def test_module_return_has_a_sample_for_every_key(module_doc):
    assert module_doc["return"], "RETURN is empty"
    assert not check_return(module_doc["return"])


def test_module_return_documents_what_the_module_returns(module_doc):
    """The documented keys are the ones the module's plan returns (check mode included)."""
    keys = set(module_doc["return"])
    assert {"key_arn", "key_id", "alias", "region", "account_id", "key_state", "policy", "tags"} <= keys


def test_role_doc_is_complete(role_doc):
    assert role_doc.get("version_added") == FIRST_RELEASE, "argument_specs main: version_added"
    assert role_doc["short_description"] and role_doc["description"] and role_doc["author"]
    assert role_doc.get("examples"), "argument_specs main: examples"
    assert not lint_examples(role_doc["examples"]), lint_examples(role_doc["examples"])
    assert role_doc.get("seealso"), "argument_specs main: seealso"
    for name, option in role_doc["options"].items():
        assert name.startswith("atlassian_cmk_"), name
        assert option.get("description") and option.get("type"), name
    plugin = dom.PluginIdentifier(fqcn=ROLE, type="role")
    assert not check_markup(role_doc, plugin, list(role_doc["options"]), [], entrypoint="main")


def test_filter_doc_is_complete(filter_doc):
    doc = filter_doc["doc"]
    assert doc["version_added"] == FIRST_RELEASE
    assert doc["short_description"] and doc["description"] and doc["author"]
    assert doc["seealso"]
    assert not lint_examples(filter_doc["examples"]), lint_examples(filter_doc["examples"])
    assert yaml.safe_load(filter_doc["examples"])
    assert not check_return(filter_doc["return"])
    plugin = dom.PluginIdentifier(fqcn=FILTER, type="filter")
    assert not check_markup(doc, plugin, list(doc["options"]), ["_value"])


REPO_LINK = re.compile(r"\]\((https://github\.com/cmkops/atlassian_cmk/(?:blob|tree)/main/([^)#]*))")


@pytest.mark.parametrize("page", ["README.md", "SUPPORT.md", "CONTRIBUTING.md", "CODE_OF_CONDUCT.md", "docs/awx.md",
                                  "docs/lifecycle.md", "docs/iam/README.md"])
def test_shipped_pages_link_absolutely_to_files_that_exist(page):
    """Galaxy renders the README away from the repository: every link is absolute, and names a real file."""
    text = (ROOT / page).read_text()
    relative = [t for t in re.findall(r"\]\(([^)]*)\)", text) if not t.startswith(("https://", "#", "<"))]
    assert not relative, f"{page}: relative links {relative}"
    for url, path in REPO_LINK.findall(text):
        assert (ROOT / path).exists(), f"{page}: {url} names no file of the repository"
