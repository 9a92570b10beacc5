# -*- coding: utf-8 -*-
# Copyright: cmkops contributors
# GNU General Public License v3.0+ (see https://www.gnu.org/licenses/gpl-3.0.txt)
"""The catalog of Atlassian Cloud CMK realms: the one source of truth for realm → regions."""

from __future__ import annotations

from typing import Dict, List, Tuple

# Ordered as Atlassian lists them. Atlassian's page spells Canada's region "ca-cantral-1":
# that is a typo for ca-central-1, which is what AWS knows.
REALMS: Dict[str, Tuple[str, ...]] = {
    "europe": ("eu-central-1", "eu-west-1"),
    "united_states": ("us-east-1", "us-west-2"),
    "australia": ("ap-southeast-2",),
    "canada": ("ca-central-1",),
    "germany": ("eu-central-1",),
    "india": ("ap-south-1",),
    "japan": ("ap-northeast-1",),
    "south_korea": ("ap-northeast-2",),
    "singapore": ("ap-southeast-1",),
    "united_kingdom": ("eu-west-2",),
}


class UnknownRealmError(ValueError):
    pass


def realm_regions(realm: str) -> List[str]:
    """Return the ordered regions of ``realm``; an unknown realm names the known ones."""
    try:
        return list(REALMS[realm])
    except (KeyError, TypeError):
        raise UnknownRealmError(
            f"unknown realm {realm!r}: expected one of {', '.join(sorted(REALMS))}"
        ) from None
