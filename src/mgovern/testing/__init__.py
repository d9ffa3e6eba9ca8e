"""Testing helpers for users and plugin authors.

Hypothesis strategies (``organizations``, ``matters``, ``agenda_items``, ``meetings``,
``windows``, ``planning_problems``) live in :mod:`mgovern.testing.strategies`; assertions
for your own rules and the agenda planner's promises in :mod:`mgovern.testing.assertions`
(a problem and its plan in :mod:`mgovern.testing.planning`); pytest fixtures
(``mgovern_org``, ``mgovern_example``, ...) in :mod:`mgovern.testing.pytest_plugin`, which
pytest loads automatically once mgovern is installed. Names are imported on first
use, so the pytest plugin works in projects without Hypothesis.
"""

from __future__ import annotations

import importlib
from typing import TYPE_CHECKING, Any

if TYPE_CHECKING:
    from mgovern.testing.assertions import (
        PROMISES,
        assert_deadlines_kept,
        assert_every_item_in_one_place,
        assert_every_matter_has_one_home,
        assert_forwarded_reach_first_meeting,
        assert_items_at_home,
        assert_no_agenda_overruns,
        assert_plan_keeps_its_promises,
        assert_routes_to,
        assert_shares_reported,
        assert_shares_within_limits,
        for_every_plan,
    )
    from mgovern.testing.planning import Plan, PlanningProblem, plan_of
    from mgovern.testing.strategies import (
        agenda_items,
        matters,
        meetings,
        organizations,
        planning_problems,
        texts,
        windows,
    )

_ASSERTIONS = (
    "PROMISES",
    "assert_deadlines_kept",
    "assert_every_item_in_one_place",
    "assert_every_matter_has_one_home",
    "assert_forwarded_reach_first_meeting",
    "assert_items_at_home",
    "assert_no_agenda_overruns",
    "assert_plan_keeps_its_promises",
    "assert_routes_to",
    "assert_shares_reported",
    "assert_shares_within_limits",
    "for_every_plan",
)
_STRATEGIES = (
    "agenda_items",
    "matters",
    "meetings",
    "organizations",
    "planning_problems",
    "texts",
    "windows",
)
_LAZY = {
    **dict.fromkeys(_ASSERTIONS, "mgovern.testing.assertions"),
    **dict.fromkeys(("Plan", "PlanningProblem", "plan_of"), "mgovern.testing.planning"),
    **dict.fromkeys(_STRATEGIES, "mgovern.testing.strategies"),
}


def __getattr__(name: str) -> Any:
    module = _LAZY.get(name)
    if module is None:
        raise AttributeError(f"module 'mgovern.testing' has no attribute {name!r}")
    return getattr(importlib.import_module(module), name)


__all__ = [
    "PROMISES",
    "Plan",
    "PlanningProblem",
    "agenda_items",
    "assert_deadlines_kept",
    "assert_every_item_in_one_place",
    "assert_every_matter_has_one_home",
    "assert_forwarded_reach_first_meeting",
    "assert_items_at_home",
    "assert_no_agenda_overruns",
    "assert_plan_keeps_its_promises",
    "assert_routes_to",
    "assert_shares_reported",
    "assert_shares_within_limits",
    "for_every_plan",
    "matters",
    "meetings",
    "organizations",
    "plan_of",
    "planning_problems",
    "texts",
    "windows",
]
