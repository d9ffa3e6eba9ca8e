"""How often do drawn planning problems expose a planted defect of the agenda planner?

Each defect is planted in the planner (the way a careless change would), problems are
drawn with ``mgovern.testing.planning_problems`` and the assertion that states the
broken promise is run on each plan. ``p`` is the share of drawn problems that expose the
defect; ``(1 - p) ** n`` the chance that a test with ``n`` examples misses it. The last
row is the rule change of docs/testing.md's chapter (a division's limit typed 0.5 instead
of 5 base amounts), caught by the chapter's own test of the small organisation.

    python benchmarks/agenda_defects.py [--draws 400]

Writes benchmarks/results/agenda_defects.json; docs/testing.md quotes it. The defects are
also the planted defects of tests/agenda/test_agenda_properties.py.
"""

from __future__ import annotations

import argparse
import datetime as dt
import json
import re
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from decimal import Decimal
from pathlib import Path
from typing import Any

import attrs
from hypothesis import HealthCheck, Phase, given, seed, settings

import mgovern
from mgovern.agenda import planner
from mgovern.agenda.planner import MoveReason
from mgovern.testing import assertions, plan_of, planning_problems
from mgovern.testing.planning import Plan

ROOT = Path(__file__).resolve().parents[1]
Setattr = Callable[[Any, str, Any], None]


def _agenda_wrapper(change: Callable[[Any, list[Any]], tuple[Any, list[Any]]]) -> Any:
    real = planner._agenda

    def wrapped(*args: Any, **kwargs: Any) -> Any:
        agenda, carried = real(*args, **kwargs)
        return change(agenda, carried)

    return wrapped


def _route_wrapper(change: Callable[..., Any]) -> Any:
    real = planner._route

    def wrapped(org: Any, meeting: Any, entry: Any, **kwargs: Any) -> Any:
        return change(real(org, meeting, entry, **kwargs), entry, kwargs["meetings"])

    return wrapped


def _forward_one_meeting_late(move: Any, entry: Any, meetings: Any) -> Any:
    if move is None or move.reason is not MoveReason.FORWARDED or move.meeting is None:
        return move
    later = meetings.first(move.group, entry, after=move.meeting.start, ready=move.meeting.start)
    return attrs.evolve(move, meeting=later)


def _longer(start: dt.datetime, end: dt.datetime) -> dt.timedelta:
    return end.astimezone(dt.UTC) - start.astimezone(dt.UTC) + dt.timedelta(minutes=30)


@attrs.frozen
class Defect:
    """A defect planted with ``plant(setattr)``, the assertion that catches it, the words
    of its message, and the knobs of ``planning_problems`` that reach it."""

    plant: Callable[[Setattr], None]
    assertion: Callable[[Plan], None]
    message: str
    knobs: dict[str, Any] = attrs.field(factory=lambda: {"weeks": 3})


DEFECTS: dict[str, Defect] = {
    "carried items dropped": Defect(
        lambda put: put(planner, "_agenda", _agenda_wrapper(lambda a, c: (a, []))),
        assertions.assert_every_item_in_one_place,
        "(every item ends in exactly one place)",
    ),
    "meetings counted 30 minutes long": Defect(
        lambda put: put(planner, "exact_length", _longer),
        assertions.assert_no_agenda_overruns,
        "(no agenda runs over its meeting)",
    ),
    "operative share reported as nothing": Defect(
        lambda put: put(
            planner,
            "_agenda",
            _agenda_wrapper(lambda a, c: (attrs.evolve(a, operative_share=Decimal(0)), c)),
        ),
        assertions.assert_shares_reported,
        "says its operative share is 0.000",
    ),
    "items never forwarded": Defect(
        lambda put: put(
            planner,
            "_route",
            _route_wrapper(
                lambda m, e, ms: None if m is not None and m.reason is MoveReason.FORWARDED else m
            ),
        ),
        assertions.assert_items_at_home,
        "(every placed item sits in its home group's meeting)",
    ),
    "deadline ignored when moved on": Defect(
        lambda put: put(planner, "_ready", lambda entry: None),
        assertions.assert_deadlines_kept,
        "(nothing is placed after its deadline unless urgent)",
        # the KLG has two series with different deadlines: items move between them
        {"raised_in": "klg", "weeks": 8},
    ),
    "forwarded one meeting too late": Defect(
        lambda put: put(planner, "_route", _route_wrapper(_forward_one_meeting_late)),
        assertions.assert_forwarded_reach_first_meeting,
        "(forwarded items reach the first meeting of their home that can take them)",
    ),
}


@contextmanager
def planted(defect: Defect) -> Iterator[None]:
    saved: list[tuple[Any, str, Any]] = []

    def put(obj: Any, name: str, value: Any) -> None:
        saved.append((obj, name, getattr(obj, name)))
        setattr(obj, name, value)

    defect.plant(put)
    try:
        yield
    finally:
        for obj, name, value in reversed(saved):
            setattr(obj, name, value)


def chapter_organisation(typo: bool) -> mgovern.Organization:
    """The small organisation of docs/testing.md, with the chapter's typo if asked."""
    page = (ROOT / "docs" / "testing.md").read_text(encoding="utf-8")
    found = re.search(r"<!-- console: file organisation.toml -->\n```toml\n(.*?)```", page, re.S)
    assert found, "docs/testing.md has no organisation.toml block"
    text = found.group(1)
    if typo:
        text = text.replace("amount_max = 5\n", "amount_max = 0.5\n", 1)
    return mgovern.loads(text)


def small_purchases_stay(plan: Plan) -> None:
    """The chapter's rule: a purchase below 5 base amounts that concerns one division only
    is never on the management group's agenda (as test_agenda_rules.py states it)."""
    limit = 5 * plan.problem.org.base_amounts[-1].amount
    for agenda in plan.agendas:
        if agenda.group != "lg":
            continue
        for entry in agenda.items:
            matter = entry.matter
            if (
                matter is not None
                and matter.category == "inkop"
                and matter.amount is not None
                and matter.amount < limit
                and len(matter.units) == 1
                and matter.units[0] in ("salj", "drift")
            ):
                raise AssertionError(f"{entry.item.id} on {agenda.meeting.start:%Y-%m-%d}")


def exposure(
    draws: int, org: mgovern.Organization, check: Callable[[Plan], None], **knobs: Any
) -> float:
    """The share of ``draws`` drawn problems on which ``check`` fails."""
    found = [0, 0]

    @seed(20261208)
    @settings(
        max_examples=draws,
        deadline=None,
        database=None,
        phases=(Phase.generate,),
        suppress_health_check=list(HealthCheck),
    )
    @given(planning_problems(org, **knobs))
    def run(problem: Any) -> None:
        found[0] += 1
        try:
            check(plan_of(problem))
        except AssertionError:
            found[1] += 1

    run()
    return found[1] / found[0]


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--draws", type=int, default=400)
    args = parser.parse_args()
    example = mgovern.example()
    rows = []
    for name, defect in DEFECTS.items():
        with planted(defect):
            p = exposure(args.draws, example, defect.assertion, **defect.knobs)
        rows.append({"defect": name, "knobs": defect.knobs, "p": p})
    typo = chapter_organisation(typo=True)
    p = exposure(args.draws, typo, small_purchases_stay, raised_in="salj", categories=["inkop"])
    rows.append(
        {
            "defect": "chapter: a division's limit typed 0.5",
            "knobs": {"raised_in": "salj", "categories": ["inkop"]},
            "p": p,
        }
    )
    out = ROOT / "benchmarks" / "results" / "agenda_defects.json"
    out.write_text(json.dumps({"draws": args.draws, "rows": rows}, indent=2) + "\n")
    for row in rows:
        p = row["p"]
        misses = "  ".join(f"{(1 - p) ** n:.3f}" for n in (50, 100, 200, 500))
        print(f"{row['defect']:45} p={p:.3f}  missed at 50/100/200/500: {misses}")


if __name__ == "__main__":
    main()
