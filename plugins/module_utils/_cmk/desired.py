# -*- coding: utf-8 -*-
# Copyright: cmkops contributors
# GNU General Public License v3.0+ (see https://www.gnu.org/licenses/gpl-3.0.txt)
"""What the module is asked for, read once from its params: the typed desired state, and every input
check made before the first AWS call (shared by the module and the key_input_errors filter).

Only this file reads the params; the planners and the policy code see a ``Desired``.
"""

from __future__ import annotations

from dataclasses import dataclass, replace
from typing import Any, Dict, List, Mapping, Optional, Tuple

from .policy import DEFAULT_VIA_SERVICES, builtin_policy, lint_policy, parse_policy
from .policy import render_template, template_uses_org_paths
from .revocation import utc_now
from .validate import InvalidInput, alias_name, check_params, user_tags

# The account a template is linted with before the real one is known.
STAND_IN_ACCOUNT = "000000000000"


@dataclass(frozen=True)
class Desired:
    alias: str  # normalised: alias/...
    region: str
    state: str
    enabled: Optional[bool]
    description: str
    tags: Dict[str, str]
    purge_tags: bool
    enable_key_rotation: bool
    rotation_period_days: int
    pending_window_days: int
    cancel_pending_deletion: bool
    adopt: bool
    adopt_from_stack: bool  # adopt a key that a CloudFormation stack still owns
    account_id: Optional[str]  # the account the caller expects, if given
    policy_option: str  # the option a policy problem is reported under
    bypass_lockout: bool
    allow_wildcard: bool
    policy_source: "PolicySource"
    policy: Optional[dict] = None  # rendered for one account by for_account
    now: str = ""  # the run's UTC time (ISO 8601): a revocation's marker, and its age
    successor_alias: Optional[str] = None  # recorded on the key, so that revoking it revokes the successor too

    @classmethod
    def from_params(cls, params: Mapping[str, Any], region: str, now: Optional[str] = None) -> "Desired":
        return cls(
            now=now or utc_now(),
            alias=alias_name(params["alias"]),
            region=region,
            state=params["state"],
            enabled=params["enabled"],
            description=params["description"],
            tags=user_tags(params.get("tags")),
            # Unset tags leave the key's tags alone, as in amazon.aws.
            purge_tags=params["purge_tags"] and params.get("tags") is not None,
            enable_key_rotation=params["enable_key_rotation"],
            rotation_period_days=params["rotation_period_days"],
            pending_window_days=params["pending_window_days"],
            cancel_pending_deletion=params["cancel_pending_deletion"],
            adopt=params["adopt"],
            adopt_from_stack=params.get("adopt_from_stack", False),
            account_id=params.get("account_id"),
            policy_option=policy_option(params),
            bypass_lockout=params["bypass_policy_lockout_safety_check"],
            allow_wildcard=params["allow_wildcard_principal"],
            policy_source=policy_source(params),
            successor_alias=alias_name(params["successor_alias"]) if params.get("successor_alias") else None,
        )

    def for_account(self, account_id: str) -> "Desired":
        """The same request with the policy this account's key should have."""
        return replace(self, policy=render(self.policy_source, account_id, self.region))


PolicySource = Tuple[Optional[str], Optional[str], Tuple[str, ...], Tuple[str, ...]]


def policy_source(params: Mapping[str, Any]) -> PolicySource:
    """(policy, policy_template, org_paths, via_services): what the policy is made from."""
    return (params.get("policy"), params.get("policy_template"), tuple(params.get("org_paths") or ()),
            tuple(params.get("via_services") or DEFAULT_VIA_SERVICES))


def policy_option(params: Mapping[str, Any]) -> str:
    """The option a policy problem is reported under."""
    return "policy_template" if params.get("policy_template") is not None else "policy"


def render(source: PolicySource, account_id: str, region: str) -> dict:
    """The policy a key should have: given as is, rendered from a template, or the built-in one."""
    given, template, org_paths, via_services = source
    if given is not None:
        return parse_policy("policy", given)
    if template is not None:
        return render_template(template, account_id, region, org_paths)
    return builtin_policy(account_id, region, org_paths, via_services)


def org_paths_needed(params: Mapping[str, Any]) -> bool:
    if params.get("state") in ("absent", "retired") or params.get("policy") is not None:
        return False
    if params.get("policy_template") is not None:
        return template_uses_org_paths(params["policy_template"])
    return True


def lint_template(params: Mapping[str, Any], region: Optional[str]) -> List[InvalidInput]:
    """Lint the policy before any AWS call, with a stand-in account (lockout waits for the real one)."""
    if params.get("state") in ("absent", "retired"):
        return []  # no policy is written
    try:
        policy = render(policy_source(params), STAND_IN_ACCOUNT, region or "us-east-1")
    except InvalidInput as e:
        return [e]
    return lint_policy(policy_option(params), policy, STAND_IN_ACCOUNT, allow_lockout=True,
                       allow_wildcard=params.get("allow_wildcard_principal", False))


def input_errors(params: Mapping[str, Any], region: Optional[str]) -> List[InvalidInput]:
    """Every check before the first AWS call, for the module and the key_input_errors filter alike."""
    return check_params(params, org_paths_needed(params)) or lint_template(params, region)


def policy_checked(params: Mapping[str, Any]) -> bool:
    """Whether the expected policy can be built: the built-in template, or a template using
    OrganisationalUnits, needs org_paths."""
    return not (org_paths_needed(params) and not params.get("org_paths"))


def audit_input_errors(params: Mapping[str, Any], region: Optional[str]) -> List[InvalidInput]:
    """The audit module's checks: org_paths may be missing (the policy is then not compared)."""
    errors = check_params(params, org_paths_needed=False)
    return errors or (lint_template(params, region) if policy_checked(params) else [])
