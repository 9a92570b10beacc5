# -*- coding: utf-8 -*-
# Copyright: cmkops contributors
# GNU General Public License v3.0+ (see https://www.gnu.org/licenses/gpl-3.0.txt)
"""Pure input checks: every error names the option and the value, and none needs AWS."""

from __future__ import annotations

import re
from typing import Any, Dict, List, Mapping, Optional

ALIAS_PREFIX = "alias/"
MARKER_PREFIX = "cmkops:atlassian_cmk:"

_ALIAS_NAME = re.compile(r"^[A-Za-z0-9/_-]+$")
_ACCOUNT_ID = re.compile(r"^[0-9]{12}$")
_KEY_ARN = re.compile(r"^arn:aws[a-z-]*:kms:([a-z0-9-]+):[0-9]{12}:key/[A-Za-z0-9-]{1,128}$")
# aws:PrincipalOrgPaths: o-<org>/ then root, OU ids or wildcards, ending in /*
# e.g. o-rab3nm4fez/*/ou-ab12-cdef3456/*  or  o-a1b2c3d4e5/r-ab12/ou-ab12-11111111/*
_ORG_PATH = re.compile(r"^o-[a-z0-9]{10,32}(/(\*|r-[a-z0-9]{4,32}|ou-[a-z0-9]{4,32}-[a-z0-9]{8,32}))*/\*$")
_SERVICE = re.compile(r"^[a-z0-9][a-z0-9-]{0,62}$")

# A KMS key holds at most 50 tags, up to MARKER_TAGS of them this collection's markers: the alias the key is for,
# the creating attempt, and when it was revoked or retired. A successor's alias, during a re-encryption, is checked
# against the key's own tags (plan.tag_room), which always keep room for the revocation marker.
MAX_TAGS = 50
MARKER_TAGS = 3
MAX_USER_TAGS = MAX_TAGS - MARKER_TAGS
_REGION = re.compile(r"^[a-z]{2}(-[a-z0-9]+)+-[0-9]+$")

ROTATION_DAYS = (90, 2560)
PENDING_WINDOW_DAYS = (7, 30)
UNUSED_DAYS = (0, 3650)  # the audit's unused finding; 0: off


class InvalidInput(ValueError):
    """One bad option value; the message names the option and the value."""

    def __init__(self, option: str, value: Any, reason: str):
        self.option = option
        self.value = value
        self.reason = reason
        super().__init__(f"{option}={value!r}: {reason}")

    def renamed(self, option: str) -> "InvalidInput":
        """The same error told in another name, e.g. the role variable that fed the option."""
        return InvalidInput(option, self.value, self.reason)


def alias_name(alias: str) -> str:
    """``alias`` as AWS spells it (``alias/NAME``), accepting it with or without the prefix."""
    return alias if alias.startswith(ALIAS_PREFIX) else ALIAS_PREFIX + alias


def check_alias(alias: Any) -> List[InvalidInput]:
    if not isinstance(alias, str) or not alias:
        return [InvalidInput("alias", alias, "must be a non-empty string")]
    full = alias_name(alias)
    name = full[len(ALIAS_PREFIX):]
    if not name or not _ALIAS_NAME.fullmatch(name):
        return [InvalidInput("alias", alias, "the name after alias/ must be 1-256 characters of A-Z a-z 0-9 / _ -")]
    if len(full) > 256:
        return [InvalidInput("alias", alias, f"alias/NAME is {len(full)} characters; AWS allows 256")]
    if name.lower().startswith("aws/"):
        return [InvalidInput("alias", alias, "alias/aws/ is reserved for AWS managed keys")]
    return []


def is_account_id(value: Any) -> bool:
    """Whether ``value`` is an AWS account ID as text: exactly 12 digits (the one place that says so)."""
    return isinstance(value, str) and bool(_ACCOUNT_ID.fullmatch(value))


def check_key_arn(key_arn: Any, region: Optional[str]) -> List[InvalidInput]:
    """A KMS key's ARN (never an alias or a bare ID: the caller acts on exactly the key an event named), in
    ``region``."""
    found = _KEY_ARN.match(key_arn) if isinstance(key_arn, str) else None
    if not found:
        return [InvalidInput("key_arn", key_arn, "not a KMS key ARN (arn:aws:kms:REGION:ACCOUNT:key/ID)")]
    if region and found.group(1) != region:
        return [InvalidInput("key_arn", key_arn, f"a key of {found.group(1)}, not of the region {region}")]
    return []


def check_account_id(account_id: Optional[str]) -> List[InvalidInput]:
    if account_id is None or is_account_id(str(account_id)):
        return []
    return [InvalidInput("account_id", account_id, "must be exactly 12 digits")]


def check_org_paths(org_paths: Optional[List[str]], needed: bool) -> List[InvalidInput]:
    if not org_paths:
        if needed:
            return [InvalidInput("org_paths", org_paths, "is required by the built-in policy template "
                                 "and by templates that use OrganisationalUnits")]
        return []
    return [
        InvalidInput("org_paths", path, "is not an AWS Organizations path such as o-rab3nm4fez/*/ou-ab12-cdef3456/*")
        for path in org_paths
        if not isinstance(path, str) or not _ORG_PATH.fullmatch(path)
    ]


def check_range(option: str, value: int, bounds: tuple) -> List[InvalidInput]:
    low, high = bounds
    if low <= value <= high:
        return []
    return [InvalidInput(option, value, f"must be between {low} and {high}")]


def check_via_services(services: List[str]) -> List[InvalidInput]:
    if not services:
        return [InvalidInput("via_services", services, "must name at least one AWS service")]
    return [
        InvalidInput("via_services", s, "must be an AWS service endpoint prefix such as dynamodb or s3")
        for s in services
        if not isinstance(s, str) or not _SERVICE.fullmatch(s)
    ]


def check_region(region: Optional[str], known: List[str], custom_endpoint: bool) -> List[InvalidInput]:
    """A region AWS has; with endpoint_url (another KMS, such as moto), any well-formed region name."""
    if region is None:
        return []  # none at all: amazon.aws says where a region comes from
    if not isinstance(region, str) or not _REGION.fullmatch(region):
        return [InvalidInput("region", region, "is not an AWS region name such as eu-central-1")]
    if custom_endpoint or region in known:
        return []
    return [InvalidInput("region", region, "is not an AWS region that botocore knows (where KMS is); with "
                         "endpoint_url any well-formed region name is accepted")]


def check_tags(tags: Optional[Mapping[str, Any]]) -> List[InvalidInput]:
    errors = []
    if tags and len(tags) > MAX_USER_TAGS:
        errors.append(InvalidInput("tags", f"<{len(tags)} tags>", f"a KMS key holds at most {MAX_TAGS} tags, "
                                   f"{MARKER_TAGS} of them this collection's markers: give at most {MAX_USER_TAGS}"))
    for key, value in (tags or {}).items():
        if not 1 <= len(key) <= 128:
            errors.append(InvalidInput("tags", key, "a tag key must be 1-128 characters"))
        elif key.lower().startswith("aws:"):
            errors.append(InvalidInput("tags", key, "the aws: prefix is reserved for AWS"))
        elif key.startswith(MARKER_PREFIX):
            errors.append(InvalidInput("tags", key, f"the {MARKER_PREFIX} prefix is reserved for this collection"))
        elif not isinstance(value, (str, int, float)) or isinstance(value, bool):
            errors.append(InvalidInput("tags", {key: value}, f"a tag value must be a string or a number, not "
                                       f"{type(value).__name__}"))
        elif len(str(value)) > 256:
            errors.append(InvalidInput("tags", {key: value}, "a tag value must be at most 256 characters"))
    return errors


def check_description(description: str) -> List[InvalidInput]:
    if len(description) <= 8192:
        return []
    return [InvalidInput("description", description[:40] + "...", "must be at most 8192 characters")]


def check_params(params: Mapping[str, Any], org_paths_needed: bool) -> List[InvalidInput]:
    """Every check that needs no AWS call, in the options' order; options not given are not checked."""

    def given(option: str) -> bool:
        return params.get(option) is not None

    errors = check_alias(params["alias"]) if given("alias") else []
    if given("successor_alias"):
        errors += [e.renamed("successor_alias") for e in check_alias(params["successor_alias"])]
        if given("alias") and not errors and alias_name(params["successor_alias"]) == alias_name(params["alias"]):
            errors.append(InvalidInput("successor_alias", params["successor_alias"], "is the key's own alias"))
    errors += check_account_id(params.get("account_id"))
    errors += check_org_paths(params.get("org_paths"), org_paths_needed)
    errors += check_via_services(params["via_services"]) if given("via_services") else []
    errors += check_description(params["description"]) if given("description") else []
    errors += check_tags(params.get("tags"))
    for option, bounds in (("rotation_period_days", ROTATION_DAYS), ("pending_window_days", PENDING_WINDOW_DAYS)):
        errors += check_range(option, params[option], bounds) if given(option) else []
    return errors


def user_tags(tags: Optional[Mapping[str, Any]]) -> Dict[str, str]:
    """Tag values as AWS stores them: strings."""
    return {k: str(v) for k, v in (tags or {}).items()}
