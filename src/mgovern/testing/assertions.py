"""Assertions for users' own tests of their organisation's rules: routing
(:func:`assert_routes_to`, :func:`assert_every_matter_has_one_home`) and the agenda
planner's promises over a whole plan (:data:`PROMISES`, :func:`for_every_plan`)."""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable, Iterable
from decimal import Decimal
from typing import TYPE_CHECKING, Any

from mgovern.model import Matter, Organization
from mgovern.rules.coverage import check
from mgovern.rules.scope import Outcome, route
from mgovern.testing.planning import Plan, PlanningProblem, plan_of

if TYPE_CHECKING:
    from mgovern.agenda.planner import Agenda, ClassifiedItem
    from mgovern.calendars.cycles import Occurrence
    from mgovern.model import AgendaItem, Kind

__all__ = [
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
]


def assert_every_matter_has_one_home(org: Organization, *, allow_fallback: bool = True) -> None:
    """Fail with the first gap's or ambiguity's explanation, if the analysis finds any.

    With ``allow_fallback=False`` a matter that only a fallback (catch-all) clause takes
    counts as a gap too.
    """
    report = check(org)
    gaps = report.gaps if allow_fallback else (*report.gaps, *report.fallback_only)
    problems = [(gap.witness, "gap") for gap in gaps] + [
        (overlap.witness, "ambiguous") for overlap in report.ambiguous
    ]
    if problems:
        lines = [f"{len(gaps)} gap finding(s) and {len(report.ambiguous)} ambiguous overlap(s)"]
        for gap in gaps[:5]:
            ranges = ", ".join(str(a) for a in gap.amounts)
            caught = f"; only fallback {gap.caught_by} takes it" if gap.caught_by else ""
            lines.append(
                f"gap: {gap.category} amounts {ranges} flags {sorted(gap.flags)} "
                f"units {list(gap.units)} year {gap.year}{caught}"
            )
        for overlap in report.ambiguous[:5]:
            lines.append(
                f"ambiguous: {overlap.category} homes {list(overlap.homes)} "
                f"clauses {[str(c) for c in overlap.clauses]}"
            )
        witness, kind = problems[0]
        lines.append(f"first {kind}, routed:")
        lines.append(str(route(org, witness, raised_in=org.groups[0].id)))
        raise AssertionError("\n".join(lines))


def assert_routes_to(
    org: Organization,
    matter: Matter,
    home: str,
    *,
    raised_in: str | None = None,
    decided_by: str | None = None,
) -> None:
    """Fail unless ``matter`` belongs in ``home`` (and, if given, is decided by ``decided_by``)."""
    routing = route(org, matter, raised_in=raised_in or home)
    if routing.outcome in (Outcome.GAP, Outcome.AMBIGUOUS) or routing.home != home:
        raise AssertionError(f"expected home {home!r}, got {routing.home!r}:\n{routing}")
    if decided_by is not None and routing.decided_by != decided_by:
        raise AssertionError(
            f"expected decided_by {decided_by!r}, got {routing.decided_by!r}:\n{routing}"
        )


# --- agendas ----------------------------------------------------------------------------
# Each assertion states one promise of the agenda planner (docs/agenda.md) over a whole
# plan, and fails naming the item, the meeting, the rule and what the planner said.


def _when(meeting: Occurrence | None) -> str:
    if meeting is None:
        return "no meeting"
    return f"{meeting.group} {meeting.start:%Y-%m-%d %H:%M} ({meeting.cycle})"


def _item(item: AgendaItem) -> str:
    submitted = f"{item.submitted:%Y-%m-%d %H:%M}" if item.submitted else "no time"
    urgent = ", urgent" if item.urgent else ""
    return f"item {item.id!r} ({item.title!r}, raised in {item.raised_in}, {submitted}{urgent})"


def _placed(plan: Plan) -> dict[str, list[tuple[Agenda, ClassifiedItem]]]:
    found: dict[str, list[tuple[Agenda, ClassifiedItem]]] = {}
    for agenda in plan.agendas:
        for entry in agenda.items:
            found.setdefault(entry.item.id, []).append((agenda, entry))
    return found


def assert_every_item_in_one_place(plan: Plan) -> None:
    """Every submitted item ends in exactly one place: on one agenda of the window, or
    among the items that found no meeting in it, with a reason and an explanation. No
    agenda lists an item nobody submitted."""
    placed = _placed(plan)
    left = {}
    for move in plan.unplaced:
        if move.item.item.id in left:
            raise AssertionError(f"{_item(move.item.item)} is left out twice")
        left[move.item.item.id] = move
    submitted = {item.id: item for item in plan.problem.items}
    for item_id, where in placed.items():
        if item_id not in submitted:
            raise AssertionError(
                f"item {item_id!r} is on {_when(where[0][0].meeting)}, but nobody submitted it"
            )
    for item_id, item in submitted.items():
        on = [_when(agenda.meeting) for agenda, _ in placed.get(item_id, [])]
        out = left.get(item_id)
        if len(on) + (out is not None) == 1:
            if out is not None and not (out.reason and out.explanation):
                raise AssertionError(f"{_item(item)} is left out without a reason")
            continue
        if not on and out is None:
            raise AssertionError(
                f"{_item(item)} is lost: on no agenda of {plan.problem.start}.."
                f"{plan.problem.end} and not among the items left out (every item ends in "
                "exactly one place)"
            )
        places = on + ([f"left out ({out.reason}: {out.explanation})"] if out else [])
        raise AssertionError(
            f"{_item(item)} is in {len(places)} places: {'; '.join(places)} (every item "
            "ends in exactly one place)"
        )


def _length(meeting: Occurrence) -> int:
    """The meeting's real length in whole minutes (UTC, so a DST change counts)."""
    elapsed = meeting.end.astimezone(dt.UTC) - meeting.start.astimezone(dt.UTC)
    return int(elapsed.total_seconds() // 60)


def assert_no_agenda_overruns(plan: Plan) -> None:
    """No agenda runs over its meeting: the standing items and the items placed take no
    more minutes than the meeting lasts."""
    for agenda in plan.agendas:
        used = sum(entry.minutes for entry in agenda.entries)
        length = _length(agenda.meeting)
        if used > length:
            items = ", ".join(
                f"{e.item.item.id} ({e.minutes} min)" for e in agenda.entries if e.item
            )
            raise AssertionError(
                f"the agenda of {_when(agenda.meeting)} takes {used} min of a {length}-min "
                f"meeting (no agenda runs over its meeting); items: {items}"
            )


def _shares(org: Organization, agenda: Agenda) -> tuple[Decimal, Decimal]:
    from mgovern.model import Horizon, Kind
    from mgovern.rules.horizons import horizon

    length = _length(agenda.meeting)
    operative = information = 0
    for entry in agenda.items:
        level = horizon(org, entry.matter).horizon if entry.matter else Horizon.OPERATIVE
        operative += entry.minutes if level is Horizon.OPERATIVE else 0
        information += entry.minutes if entry.kind is Kind.INFORMATION else 0
    if not length:
        return Decimal(0), Decimal(0)
    return Decimal(operative) / length, Decimal(information) / length


def assert_shares_reported(plan: Plan) -> None:
    """Each agenda's operative and information shares are the true shares of the meeting's
    time, and every share over the group's limit is warned about on the agenda (the
    planner measures and warns; it does not refuse items to keep a share)."""
    org = plan.problem.org
    for agenda in plan.agendas:
        operative, information = _shares(org, agenda)
        limits = org.group(agenda.group).limits
        for name, true, told, limit in (
            ("operative", operative, agenda.operative_share, limits.max_operative_percent),
            ("information", information, agenda.information_share, limits.max_information_percent),
        ):
            if true != told:
                raise AssertionError(
                    f"the agenda of {_when(agenda.meeting)} says its {name} share is "
                    f"{told:.3f}, but its items take {true:.3f} of the meeting"
                )
            if (
                limit is not None
                and true * 100 > limit
                and not any(str(limit) in warning for warning in agenda.warnings)
            ):
                raise AssertionError(
                    f"the agenda of {_when(agenda.meeting)} gives {true * 100:.0f} % to "
                    f"{name} items, over the group's limit of {limit} %, without a warning"
                )


def assert_shares_within_limits(plan: Plan, *, groups: Iterable[str] | None = None) -> None:
    """A policy, not a promise of the planner: every agenda of ``groups`` (default: all)
    keeps its group's operative share and information cap. Use it to test that your
    rules keep a group strategic whatever is submitted."""
    org = plan.problem.org
    chosen = set(groups) if groups is not None else {g.id for g in org.groups}
    for agenda in plan.agendas:
        if agenda.group not in chosen:
            continue
        operative, information = _shares(org, agenda)
        limits = org.group(agenda.group).limits
        for share, limit, kinds in (
            (operative, limits.max_operative_percent, "operative"),
            (information, limits.max_information_percent, "information"),
        ):
            if limit is not None and share * 100 > limit:
                items = ", ".join(
                    f"{e.item.id} ({e.minutes} min, {e.horizon.horizon}, {e.kind})"
                    for e in agenda.items
                )
                raise AssertionError(
                    f"the agenda of {_when(agenda.meeting)} gives {share * 100:.0f} % of the "
                    f"meeting to {kinds} items, over {agenda.group}'s limit of {limit} %; "
                    f"items: {items}"
                )


def assert_items_at_home(plan: Plan) -> None:
    """Every placed item whose matter has one home sits in a meeting of that home group
    (routing as the rules in force decide it); items without a home (a gap, several
    homes, no category) stay where they were raised, with a warning on the agenda."""
    org = plan.problem.org
    for agenda in plan.agendas:
        for entry in agenda.items:
            if entry.matter is None:
                continue
            routing = route(org, entry.matter, raised_in=entry.item.raised_in)
            if routing.outcome in (Outcome.GAP, Outcome.AMBIGUOUS):
                continue
            if routing.home != agenda.group:
                raise AssertionError(
                    f"{_item(entry.item)} is on the agenda of {_when(agenda.meeting)}, but its "
                    f"home is {routing.home} (every placed item sits in its home group's "
                    f"meeting):\n{routing}"
                )


def assert_deadlines_kept(plan: Plan) -> None:
    """Nothing is placed on an agenda whose deadline had passed when it was submitted,
    unless it is urgent."""
    for agenda in plan.agendas:
        deadline = agenda.meeting.agenda_deadline
        if deadline is None:
            continue
        for entry in agenda.items:
            submitted = entry.item.submitted
            if submitted is not None and submitted > deadline and not entry.item.urgent:
                raise AssertionError(
                    f"{_item(entry.item)} is on the agenda of {_when(agenda.meeting)}, whose "
                    f"deadline {deadline:%Y-%m-%d %H:%M} had passed (nothing is placed after "
                    "its deadline unless urgent)"
                )


def _accepts(org: Organization, meeting: Occurrence, matter: Matter | None, kind: Kind) -> bool:
    from mgovern.model import Horizon
    from mgovern.rules.horizons import horizon

    cycle = org.group(meeting.group).cycle(meeting.cycle)
    level = horizon(org, matter).horizon if matter is not None else Horizon.OPERATIVE
    if cycle.accepts_horizons and level not in cycle.accepts_horizons:
        return False
    return not (cycle.accepts_kinds and kind not in cycle.accepts_kinds)


#: How far ahead the planner looks for a forwarded item's meeting (docs/agenda.md).
LOOKAHEAD_DAYS = 400


def assert_forwarded_reach_first_meeting(plan: Plan) -> None:
    """An item forwarded from a meeting goes to the first meeting of its home group that
    starts after the forwarding meeting's deadline (and after it was submitted), whose own
    deadline it makes and whose series takes items like it: of the window's meetings, or
    of those within 400 days after."""
    from mgovern.calendars.cycles import occurrences

    org = plan.problem.org
    for agenda in plan.agendas:
        source = agenda.meeting
        for move in agenda.forwarded:
            entry = move.item
            reference = source.agenda_deadline or source.start
            submitted = entry.item.submitted
            ready = max(reference, submitted) if submitted is not None else reference
            horizon_end = max(plan.problem.end, ready.date() + dt.timedelta(days=LOOKAHEAD_DAYS))
            candidates = [
                m
                for m in occurrences(org, move.group, ready.date(), horizon_end)
                if m.start > ready
                and (m.agenda_deadline is None or m.agenda_deadline >= ready)
                and _accepts(org, m, entry.matter, entry.kind)
                and m.recurrence_id.date() >= plan.problem.start  # no agenda before it
                and (
                    m.recurrence_id.date() <= plan.problem.end
                    or m.recurrence_id.date() <= ready.date() + dt.timedelta(days=LOOKAHEAD_DAYS)
                )
            ]
            expected = min(candidates, key=lambda m: (m.start, m.end, m.cycle), default=None)
            if move.meeting != expected:
                raise AssertionError(
                    f"{_item(entry.item)} is forwarded from {_when(source)} to "
                    f"{_when(move.meeting)}, but the first meeting of {move.group} that can "
                    f"take it is {_when(expected)} (forwarded items reach the first meeting "
                    f"of their home that can take them); the planner said: {move.explanation}"
                )


#: The planner's promises, in the order :func:`assert_plan_keeps_its_promises` checks them.
PROMISES = (
    assert_every_item_in_one_place,
    assert_no_agenda_overruns,
    assert_shares_reported,
    assert_items_at_home,
    assert_deadlines_kept,
    assert_forwarded_reach_first_meeting,
)


def assert_plan_keeps_its_promises(plan: Plan) -> None:
    """Every promise of the planner (:data:`PROMISES`), the first broken one failing."""
    for promise in PROMISES:
        promise(plan)


def for_every_plan(
    org: Organization,
    predicate: Callable[[Plan], bool | None],
    **knobs: Any,
) -> Callable[[], None]:
    """A test function (name it ``test_...``) that draws planning problems of ``org``
    (:func:`mgovern.testing.strategies.planning_problems` with ``knobs``), plans each and
    calls ``predicate`` on the plan: it fails when the predicate raises or returns False.
    Hypothesis' settings come from the profile in force (docs/testing.md)."""
    from hypothesis import given, note

    from mgovern.testing.strategies import planning_problems

    @given(planning_problems(org, **knobs))
    def test(problem: PlanningProblem) -> None:
        plan = plan_of(problem)
        for agenda in plan.agendas:
            if agenda.items or agenda.forwarded or agenda.deferred:
                note(
                    f"{_when(agenda.meeting)}: on it {[e.item.id for e in agenda.items]}, "
                    f"sent on {[m.item.item.id for m in (*agenda.forwarded, *agenda.deferred)]}"
                )
        if predicate(plan) is False:
            raise AssertionError(f"{getattr(predicate, '__name__', predicate)!r} is False")

    test.__name__ = f"for_every_plan_{getattr(predicate, '__name__', 'predicate')}"
    return test
