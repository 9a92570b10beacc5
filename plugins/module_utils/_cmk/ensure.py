# -*- coding: utf-8 -*-
# Copyright: cmkops contributors
# GNU General Public License v3.0+ (see https://www.gnu.org/licenses/gpl-3.0.txt)
"""One region's run: read, plan, stop in check mode, apply.

The normal path reads one key by its alias (DescribeKey, GetKeyPolicy, GetKeyRotationStatus,
ListResourceTags) and never lists the account. A missing key goes through the creation saga (create.py).
"""

from __future__ import annotations

from typing import Any, Dict, List, NamedTuple

from . import create
from .plan import NO_ROTATION, Plan, result_of
from .runner import Run, plan_key, read_key


class Outcome(NamedTuple):
    changed: bool  # check mode: whether the plan would write; a real run: whether it wrote
    result: Dict[str, Any]
    diff: Dict[str, Dict[str, Any]]
    warnings: List[str]
    fixed: List[str]  # the finding codes the run put right (would, in check mode)


def ensure(run: Run) -> Outcome:
    current = read_key(run.kms, run.alias)
    creation = None
    if current is not None:
        plan = plan_key(run, current)
    elif run.wanted.state != "present":
        plan = _nothing(run)  # nothing to retire or delete, and nothing is created for it
    else:
        creation = create.prepare(run)
        plan = creation.plan
    if run.check_mode:
        return _outcome(run, plan, plan.changed or creation is not None)
    if creation is not None:
        plan = create.carry_out(run, creation)
    elif current is not None:
        run.apply(current["metadata"]["KeyId"], plan)
    return _outcome(run, plan, bool(run.done))


def _outcome(run: Run, plan: Plan, changed: bool) -> Outcome:
    return Outcome(changed, plan.result, plan.diff, list(dict.fromkeys(plan.warnings + run.warnings)), list(plan.fixed))


def _nothing(run: Run) -> Plan:
    result = result_of({"KeyState": None}, policy=None, rotation=NO_ROTATION, tags={}, alias=run.alias,
                       region=run.region, account_id=run.wanted.account_id)
    return Plan([], result, {"before": {}, "after": {}}, [])
