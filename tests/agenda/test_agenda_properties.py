"""The agenda strategies and assertions users test their own rules with
(mgovern.testing, docs/testing.md "Property tests of your agenda rules").

The real planner keeps every promise over 500 drawn problems; each assertion catches a
planted defect of the planner with its documented message; and the strategies reach the
cases independent checks found planners getting wrong.
"""

from __future__ import annotations

import collections
import datetime as dt
import sys
from pathlib import Path
from typing import Any

import pytest
from hypothesis import HealthCheck, Phase, given, settings

import mgovern
from mgovern.agenda.planner import MoveReason
from mgovern.testing import assertions
from mgovern.testing.planning import Plan, PlanningProblem, plan_of
from mgovern.testing.strategies import agenda_items, meetings, planning_problems

sys.path.insert(0, str(Path(__file__).resolve().parents[2] / "benchmarks"))
from agenda_defects import DEFECTS

ORG = mgovern.example()
QUICK = settings(
    deadline=None,
    database=None,
    suppress_health_check=list(HealthCheck),
    phases=(Phase.explicit, Phase.generate),  # no shrinking: the message is what is tested
)


# --- the real planner keeps every promise; the hard cases are drawn ---------------------
SEEN: collections.Counter[str] = collections.Counter()


def _hard_cases(problem: PlanningProblem, plan: Plan) -> set[str]:
    """Which of the cases independent checks found planners failing this problem holds."""
    found = set()
    aimed = collections.Counter(
        (i.raised_in, i.meeting, i.cycle) for i in problem.items if i.meeting
    )
    if any(n > 1 for n in aimed.values()):
        found.add("several items for one meeting")
    deadlines: dict[tuple[str | None, dt.datetime], set[str]] = {}
    for item in problem.items:
        if item.meeting is None:
            continue
        for agenda in plan.agendas:
            m = agenda.meeting
            if (
                m.group == item.raised_in
                and m.start.date() == item.meeting
                and m.cycle == item.cycle
            ):
                if m.agenda_deadline is not None:
                    parent = ORG.group(m.group).parent
                    deadlines.setdefault((parent, m.agenda_deadline), set()).add(m.group)
                if item.submitted == m.agenda_deadline:
                    found.add("an item submitted at the deadline")
    if any(len(groups) > 1 for groups in deadlines.values()):
        found.add("items for sibling groups whose agendas close at the same moment")
    if any(len(a.items) > 1 for a in plan.agendas):
        found.add("an agenda with several items")
    if any(m.reason is MoveReason.OVERFLOW for a in plan.agendas for m in a.deferred):
        found.add("a full meeting")
    return found


@settings(max_examples=500, deadline=None, database=None, suppress_health_check=list(HealthCheck))
@given(planning_problems(ORG))
def _every_promise_on_the_real_planner(problem: PlanningProblem) -> None:
    plan = plan_of(problem)
    assertions.assert_plan_keeps_its_promises(plan)
    SEEN["problems"] += 1
    SEEN.update(_hard_cases(problem, plan))


def test_the_real_planner_keeps_every_promise_and_the_hard_cases_are_drawn() -> None:
    SEEN.clear()
    _every_promise_on_the_real_planner()
    assert SEEN["problems"] >= 500
    for case in (
        "several items for one meeting",
        "items for sibling groups whose agendas close at the same moment",
        "an item submitted at the deadline",
        "an agenda with several items",
        "a full meeting",
    ):
        # each in at least one problem in twenty
        assert SEEN[case] >= SEEN["problems"] // 20, (case, dict(SEEN))


# --- each assertion catches a planted defect, with its message ---------------------------
@pytest.mark.parametrize("defect", sorted(DEFECTS))
def test_each_assertion_catches_its_planted_defect(
    defect: str, monkeypatch: pytest.MonkeyPatch
) -> None:
    planted = DEFECTS[defect]

    # stops at the first plan that exposes it; the rarest (the deadline one, about one
    # problem in 25) may need hundreds (benchmarks/results/agenda_defects.json)
    @settings(QUICK, max_examples=2000)
    @given(planning_problems(ORG, **planted.knobs))
    def check(problem: PlanningProblem) -> None:
        planted.assertion(plan_of(problem))

    planted.plant(monkeypatch.setattr)  # (it holds on the real planner: the test above)
    with pytest.raises(AssertionError, match=None) as caught:
        check()
    assert planted.message in str(caught.value), str(caught.value)


def test_the_shares_policy_names_the_meeting_and_the_items() -> None:
    # a flood of operative decisions that are the KLG's own (staffing matters of the whole
    # office): the planner takes them and warns; the policy assertion fails, naming the
    # agenda and its items
    zone = ORG.zone
    problem = PlanningProblem(
        ORG,
        tuple(
            mgovern.AgendaItem(
                f"op{n}",
                f"Beslut {n}",
                "klg",
                kind=mgovern.Kind.DECISION,
                category="personal",
                submitted=dt.datetime(2026, 3, 2, 9, tzinfo=zone),
                minutes=20,
            )
            for n in range(3)
        ),
        dt.date(2026, 3, 2),
        dt.date(2026, 3, 31),
    )
    plan = plan_of(problem)
    assertions.assert_plan_keeps_its_promises(plan)  # warned about, not refused
    crowded = [a for a in plan.agendas if a.group == "klg" and len(a.items) == 3]
    assert crowded, "the three items share one KLG agenda"
    assert any("25" in warning for warning in crowded[0].warnings)
    with pytest.raises(AssertionError, match=r"over klg's limit of 25 %; items: op0"):
        assertions.assert_shares_within_limits(plan)
    assertions.assert_shares_within_limits(plan, groups=["mv"])  # only the groups named


# --- the strategies ---------------------------------------------------------------------
@settings(QUICK, max_examples=60)
@given(meetings(ORG, group="klg", window=(dt.date(2026, 3, 1), dt.date(2026, 5, 31))))
def test_meetings_are_real_occurrences(meeting: Any) -> None:
    assert meeting in mgovern.occurrences(ORG, "klg", dt.date(2026, 3, 1), dt.date(2026, 5, 31))


def _klg_meetings() -> list[Any]:
    return mgovern.occurrences(ORG, "klg", dt.date(2026, 3, 1), dt.date(2026, 3, 31))


@settings(QUICK, max_examples=60)
@given(agenda_items(ORG, meetings=_klg_meetings(), late=True, urgent=False, min_size=1, max_size=5))
def test_late_items_are_submitted_after_the_deadline_of_the_meeting_they_name(items: Any) -> None:
    by_day = {(m.start.date(), m.cycle): m for m in _klg_meetings()}
    for item in items:
        if item.raised_in != "klg":
            continue  # a group without meetings to name: never late
        meeting = by_day[(item.meeting, item.cycle)]
        assert meeting.agenda_deadline < item.submitted <= meeting.start
        assert not item.urgent


@settings(QUICK, max_examples=60)
@given(agenda_items(ORG, misplaced=True, title_only=False, min_size=1, max_size=5))
def test_misplaced_items_are_raised_away_from_home(items: Any) -> None:
    for item in items:
        matter = mgovern.Matter(
            item.category, amount=item.amount, units=item.units, flags=item.flags
        )
        home = mgovern.route(ORG, matter, raised_in=item.raised_in).home
        assert home is None or home != item.raised_in


@settings(QUICK, max_examples=30)
@given(agenda_items(ORG, too_long=True, title_only=True, categories=["it"], min_size=1, max_size=3))
def test_the_knobs_hold_for_every_item(items: Any) -> None:
    longest = max(c.duration for g in ORG.groups for c in g.cycles)
    for item in items:
        assert item.minutes > longest
        assert item.category is None
        assert item.kind is None


def test_for_every_plan_runs_a_users_invariant() -> None:
    calls: list[Plan] = []

    def nothing_lost(plan: Plan) -> bool:
        calls.append(plan)
        placed = {e.item.id for a in plan.agendas for e in a.items}
        left = {m.item.item.id for m in plan.unplaced}
        return placed | left == {i.id for i in plan.problem.items}

    test = settings(QUICK, max_examples=10)(assertions.for_every_plan(ORG, nothing_lost, weeks=3))
    test()
    assert len(calls) >= 10

    broken = settings(QUICK, max_examples=10)(assertions.for_every_plan(ORG, lambda plan: False))
    with pytest.raises(AssertionError, match="is False"):
        broken()
