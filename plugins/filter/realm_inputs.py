# -*- coding: utf-8 -*-
# Copyright: cmkops contributors
# GNU General Public License v3.0+ (see https://www.gnu.org/licenses/gpl-3.0.txt)

from __future__ import annotations

DOCUMENTATION = r"""
name: realm_inputs
short_description: Read and check the realm_keys role's variables without calling AWS
version_added: 1.0.0
author:
  - cmkops contributors (@cmkops)
description:
  - Reads the variables of the C(cmkops.atlassian_cmk.realm_keys) role as their users write them and checks
    them all at once, before any AWS call. Every message names the variable and its value.
  - Lists (regions, organization paths) may be given as a list, as one string, or as a string separated by
    commas or new lines, with spaces around the items, as an AWX survey or C(-e name=value) hands them over.
  - An account ID that YAML read as a number is taken as its digits when it has 12 of them, and refused with
    a hint to quote it otherwise (an unquoted ID loses its leading zeros, or is read as octal).
  - Booleans are read with Ansible's own boolean conversion, so V(false), V(no) or V(0) given as text (C(-e),
    an AWX survey) are false; anything else is refused. Numbers of days may be given as their digits; text,
    floats and booleans are refused. The role uses the typed values this filter returns, never the variables.
  - The key options are checked with the M(cmkops.atlassian_cmk.atlassian_cmk_key) module's own rules
    (see the C(cmkops.atlassian_cmk.key_input_errors) filter).
options:
  _input:
    description:
      - The role's variables without their V(atlassian_cmk_) prefix, as a dictionary, for example V(realm),
        V(regions), V(audit_regions), V(org_paths), V(account_id), V(alias), V(state), V(tags), V(rotation_period_days),
        V(context_tag), V(assume_role_arn), V(endpoint_url), V(policy_template_path), V(policy_template)
        (the file's text, or V(null) when there is no such file), V(policy_template_sha256) (the pin),
        V(policy_template_fetched) (where a template from a URL was fetched to), V(enabled), V(purge_tags), V(adopt),
        V(adopt_from_stack), V(cancel_pending_deletion), V(enable_key_rotation), V(audit_fail_on),
        V(audit_unused_days), and for re-encryption V(successor_alias), V(retire_alias), V(retire_state),
        V(pending_window_days) and V(retire_quiet_days).
    type: dict
    required: true
  prefix:
    description: Prepended to each variable's name in the messages.
    type: str
    default: atlassian_cmk_
  audit:
    description: Check the key options with the audit module's rules, where V(org_paths) may be missing.
    type: bool
    default: false
seealso:
  - module: cmkops.atlassian_cmk.atlassian_cmk_key
"""

EXAMPLES = r"""
- name: Read the role variables
  ansible.builtin.set_fact:
    inputs: >-
      {{ {'realm': 'europe', 'regions': 'eu-west-1, eu-central-1', 'org_paths': 'o-rab3nm4fez/*/ou-ab12-cdef3456/*'}
         | cmkops.atlassian_cmk.realm_inputs }}
  # => inputs.errors == [], inputs.target_regions == ['eu-central-1', 'eu-west-1']
"""

RETURN = r"""
_value:
  description: What the role runs with.
  type: dict
  contains:
    errors:
      description: One message per bad variable, naming it and its value; empty when all is well.
      type: list
      elements: str
    realm_regions:
      description: The realm's regions in Atlassian's order; empty for an unknown realm.
      type: list
      elements: str
    target_regions:
      description: The regions this run manages (all of the realm's unless V(regions) narrows them).
      type: list
      elements: str
    audit_regions:
      description: The regions the audit reads (all of the realm's unless V(audit_regions) narrows them).
      type: list
      elements: str
      version_added: 3.1.0
    org_paths:
      description: The organization paths as a list.
      type: list
      elements: str
    account_id:
      description: The account ID as a string of digits, or V(null) when not given.
      type: str
    policy_template:
      description: The policy template's text as given, read once for every region; V(null) for the built-in one.
      type: str
    key_items:
      description:
        - The role's ensure loop, one item per region the run manages and alias, each with V(region), V(alias)
          (with the V(alias/) prefix), V(managed) (always true), V(state), V(enabled)
          (V(null) to leave it), V(successor), V(retired), V(successor_alias) (what an enrolled key records
          as its successor, V(null) to leave it) and V(cancel_pending_deletion) (true only for a managed key the
          run keeps); the enrolled alias's items come first. The successor's items
          get the enrolled ones' V(enabled), since a revocation covers every key Atlassian may hold.
      type: list
      elements: dict
    left_out:
      description:
        - The regions of the realm that C(regions) leaves out, read with
          M(cmkops.atlassian_cmk.atlassian_cmk_key_info) and never written, one item per region and alias, each
          with V(region), V(alias) and V(successor).
      type: list
      elements: dict
      version_added: 1.2.0
    successor_reads:
      description:
        - What a revoking or restoring run (V(enabled) given) reads before any write, one item per managed region,
          each with V(region) and V(alias). These are the enrolled keys, read for the successor each one records.
          Empty otherwise.
      type: list
      elements: dict
    read_items:
      description:
        - What a run that retires the old alias reads before any write, one item per managed region and alias,
          each with V(region), V(alias) and V(retired); empty when nothing is retired.
      type: list
      elements: dict
    retire_alias:
      description: The alias whose keys are retired, with the V(alias/) prefix; V(null) when none.
      type: str
    retiring:
      description: Whether the run retires the old alias's keys, the one place the role decides it.
      type: bool
      version_added: 1.2.0
    enabled:
      description: V(true), V(false), or V(null) when not given.
      type: bool
    purge_tags:
      description: The variable as a boolean (V(true) when not given).
      type: bool
    adopt:
      description: The variable as a boolean (V(false) when not given).
      type: bool
    adopt_from_stack:
      description: The variable as a boolean (V(false) when not given).
      type: bool
      version_added: 3.0.0
    cancel_pending_deletion:
      description: The variable as a boolean (V(false) when not given).
      type: bool
    enable_key_rotation:
      description: The variable as a boolean (V(true) when not given).
      type: bool
    audit_fail_on:
      description:
        - Which findings fail an account in the audit playbook, V(critical), V(warning) (every finding) or V(never).
        - The variable; without it, V(critical). The variable it replaced, V(audit_fail_on_findings), was removed
          in 3.0.0 and is refused, naming the value to set instead.
      type: str
      version_added: 2.0.0
    audit_unused_days:
      description: The variable as a whole number (V(14) when not given).
      type: int
      version_added: 2.0.0
    rotation_period_days:
      description: The variable as a whole number (V(365) when not given).
      type: int
    pending_window_days:
      description: The variable as a whole number (V(30) when not given).
      type: int
    retire_quiet_days:
      description: The variable as a whole number (V(7) when not given).
      type: int
      version_added: 2.0.0
    policy_template_source:
      description:
        - Where the policy template comes from, for the reports. V(source) is the URL or the controller path, or
          V(built-in); V(sha256) is the template's (V(null) for the built-in one); V(version) is the collection's
          for the built-in template.
      type: dict
      version_added: 2.1.0
    deletion_reads:
      description:
        - What a run with V(state=absent) reads before any write, one item per managed region, each with V(region)
          and V(alias). These are the enrolled keys it would schedule for deletion, read for their last use. Empty otherwise,
          and with V(retire_quiet_days=0).
      type: list
      elements: dict
      version_added: 2.0.0
"""

import re

from ansible.errors import AnsibleFilterError

from ansible_collections.cmkops.atlassian_cmk.plugins.filter.key_input_errors import key_input_errors
from ansible_collections.cmkops.atlassian_cmk.plugins.plugin_utils.lifecycle import key_items
from ansible_collections.cmkops.atlassian_cmk.plugins.plugin_utils.lifecycle import lifecycle_errors
from ansible_collections.cmkops.atlassian_cmk.plugins.plugin_utils.lifecycle import read_items
from ansible_collections.cmkops.atlassian_cmk.plugins.plugin_utils.lifecycle import successor_reads
from ansible_collections.cmkops.atlassian_cmk.plugins.module_utils._cmk.realms import REALMS
from ansible_collections.cmkops.atlassian_cmk.plugins.module_utils._cmk.severity import FAIL_ON
from ansible_collections.cmkops.atlassian_cmk.plugins.module_utils._cmk.validate import InvalidInput
from ansible_collections.cmkops.atlassian_cmk.plugins.module_utils._cmk.validate import alias_name
from ansible_collections.cmkops.atlassian_cmk.plugins.module_utils._cmk.validate import UNUSED_DAYS
from ansible_collections.cmkops.atlassian_cmk.plugins.module_utils._cmk.validate import check_range
from ansible_collections.cmkops.atlassian_cmk.plugins.plugin_utils import user_values
from ansible_collections.cmkops.atlassian_cmk.plugins.plugin_utils.template_source import collection_version
from ansible_collections.cmkops.atlassian_cmk.plugins.plugin_utils.template_source import is_url
from ansible_collections.cmkops.atlassian_cmk.plugins.plugin_utils.template_source import pin_errors
from ansible_collections.cmkops.atlassian_cmk.plugins.plugin_utils.template_source import provenance
from ansible_collections.cmkops.atlassian_cmk.plugins.plugin_utils.user_values import as_list

_CONTEXT_TAG = re.compile(r"^[A-Za-z0-9]{0,12}$")
_ROLE_ARN = re.compile(r"^arn:aws[a-z-]*:iam::[0-9]{12}:role/.+$")
_URL = re.compile(r"^https?://.+$")

# The booleans and numbers the role reads itself (its own logic, or the audit's): name -> (reader, default).
# Each is read once here, typed, so that `-e name=false` is false, not the text "false".
TYPED = {
    "enabled": (user_values.boolean, None),
    "purge_tags": (user_values.boolean, True),
    "adopt": (user_values.boolean, False),
    "adopt_from_stack": (user_values.boolean, False),
    "cancel_pending_deletion": (user_values.boolean, False),
    "enable_key_rotation": (user_values.boolean, True),
    "audit_unused_days": (user_values.integer, 14),
    "rotation_period_days": (user_values.integer, 365),
    "pending_window_days": (user_values.integer, 30),
    "retire_quiet_days": (user_values.integer, 7),
}


def _typed(v, prefix, errors):
    """The TYPED variables as Python values; a bad one is reported and read as its default."""
    out = {}
    for name, (reader, default) in TYPED.items():
        try:
            out[name] = reader(v.get(name), prefix + name, default)
        except InvalidInput as e:
            errors.append(str(e))
            out[name] = default
    return out


def _fail_on(v, prefix, errors):
    """audit_fail_on (critical when not given). The variable it replaced, removed in 3.0.0, is refused rather than
    ignored: an audit that someone set to fail on every finding must not pass on warnings unnoticed."""
    fail_on = v.get("audit_fail_on") or None
    if v.get("audit_fail_on_findings") is not None:
        errors.append(f"{prefix}audit_fail_on_findings={v['audit_fail_on_findings']!r}: removed in 3.0.0; set "
                      f"{prefix}audit_fail_on to warning (what true meant) or never (what false meant)")
    if fail_on is None:
        return "critical"
    if fail_on not in FAIL_ON:
        errors.append(f"{prefix}audit_fail_on={fail_on!r}: must be critical, warning or never")
        return "critical"
    return fail_on


def _split(items):
    """The ensure loop's items (the regions the run manages) and the reads of the regions it leaves out."""
    return {"key_items": [i for i in items if i["managed"]],
            "left_out": [{"region": i["region"], "alias": i["alias"], "successor": i["successor"]}
                         for i in items if not i["managed"]]}


def realm_inputs(variables, prefix="atlassian_cmk_", audit=False):
    if not isinstance(variables, dict):
        raise AnsibleFilterError(f"realm_inputs expects a dictionary of role variables, got {type(variables).__name__}")
    v = {k: val for k, val in variables.items() if val is not None}
    errors = []

    realm = v.get("realm")
    realm_regions = list(REALMS.get(realm, ())) if isinstance(realm, str) else []
    if not realm_regions:
        errors.append(f"{prefix}realm={realm!r}: not an Atlassian Cloud realm; one of {', '.join(REALMS)}")

    def subset(name):
        """The realm's regions, in its order, that the variable keeps (all of them when it is empty)."""
        chosen = as_list(v.get(name))
        outside = [r for r in chosen if r not in realm_regions]
        if outside and realm_regions:
            errors.append(f"{prefix}{name}={chosen!r}: {', '.join(map(str, outside))} not in realm {realm} "
                          f"({', '.join(realm_regions)})")
        return [r for r in realm_regions if not chosen or r in chosen]

    targets = subset("regions")
    audit_regions = subset("audit_regions")

    try:
        account_id = user_values.account_id(v.get("account_id"), prefix + "account_id")
    except InvalidInput as e:
        errors.append(str(e))
        account_id = None
    typed = _typed(v, prefix, errors)
    typed["audit_fail_on"] = _fail_on(v, prefix, errors)
    errors += [str(e.renamed(prefix + "audit_unused_days"))
               for e in check_range("audit_unused_days", typed["audit_unused_days"], UNUSED_DAYS)]

    state = v.get("state", "present")
    if state not in ("present", "absent"):
        errors.append(f"{prefix}state={state!r}: must be present or absent")
    context_tag = v.get("context_tag", "")
    if not isinstance(context_tag, str) or not _CONTEXT_TAG.match(context_tag):
        errors.append(f"{prefix}context_tag={context_tag!r}: at most 12 letters and digits")
    path = v.get("policy_template_path") or ""
    if path and v.get("policy_template") is None and not is_url(path):
        errors.append(f"{prefix}policy_template={path!r}: no such file on the controller")
    errors += pin_errors(path, v.get("policy_template"), v.get("policy_template_sha256"), prefix,
                         v.get("policy_template_fetched") or "")
    for name, pattern, what in (("assume_role_arn", _ROLE_ARN, "an IAM role ARN"), ("endpoint_url", _URL,
                                                                                    "an http(s) URL")):
        value = v.get(name) or ""
        if value and not (isinstance(value, str) and pattern.match(value)):
            errors.append(f"{prefix}{name}={value!r}: not {what}")

    org_paths = as_list(v.get("org_paths"))
    options = {key: v.get(key) for key in ("alias", "tags", "description", "policy_template")}
    options.update(state=state if state in ("present", "absent") else "present", org_paths=org_paths,
                   account_id=account_id, rotation_period_days=typed["rotation_period_days"])
    errors += key_input_errors(options, prefix=prefix, audit=audit)
    errors += [] if audit else lifecycle_errors(dict(v, **typed), prefix)
    alias = v.get("alias")
    reads = read_items(targets, alias, v.get("retire_alias")) if not audit else []
    return dict(typed, errors=errors, realm_regions=realm_regions, target_regions=targets, audit_regions=audit_regions,
                org_paths=org_paths,
                account_id=account_id, policy_template=v.get("policy_template"),
                policy_template_source=provenance(path, v.get("policy_template"), collection_version()),
                **_split(key_items(realm_regions, targets, alias, None if audit else v.get("successor_alias"),
                                   options["state"], typed["enabled"], typed["cancel_pending_deletion"])),
                read_items=reads, retire_alias=reads[-1]["alias"] if reads else None, retiring=bool(reads),
                successor_reads=[] if audit else successor_reads(targets, alias, typed["enabled"]),
                deletion_reads=[{"region": region, "alias": alias_name(alias)} for region in targets]
                if state == "absent" and typed["retire_quiet_days"] and not audit and not errors else [])


class FilterModule:
    def filters(self):
        return {"realm_inputs": realm_inputs}
