"""The minutes' legal life over a whole register: each meeting's status, and the findings
an auditor would note (:mod:`.finality` holds the rules of one meeting's minutes).

Findings, as of a day:

* per minutes (:func:`~mgovern.register.finality.minutes_findings`): approved late or
  never, an approval announced late or never, content changed after approval without a
  recorded correction;
* **acted on early**: an action of a decision whose category the organisation does not
  carry out before the appeal period has ended (``[legal_periods] wait_for_appeal``),
  done on or before its last day of appeal — or done while the decision could not yet
  be appealed at all (its minutes not announced);
* **never appealable**: a delegated decision reported at a board meeting (kommunallagen
  6 kap. 40 §, :mod:`.reporting`) whose minutes were never announced although the
  announcement was due, and that was not announced in minutes of its own (a group's
  decisions in that group's minutes): its appeal period never started (13 kap. 5 §).
  Only boards whose minutes the register follows (a step recorded for any of their
  meetings) are judged.
"""

from __future__ import annotations

import datetime as dt
from typing import TYPE_CHECKING, Any

from attrs import frozen

from mgovern.legal_periods import closed_by_law, last_day
from mgovern.register.finality import (
    Clock,
    Minutes,
    Step,
    canonical,
    clocks,
    minutes_findings,
)

if TYPE_CHECKING:
    from collections.abc import Sequence

    from mgovern.model import Organization
    from mgovern.register.finality import Event
    from mgovern.register.store import Register

__all__ = ["Notice", "minutes_status", "notices", "register_findings"]

#: How far past the last day concerned the closed days are asked for: the longest
#: periods (a year of appeal at most) with room for Christmas.
_HORIZON = dt.timedelta(days=400)
_STATES = ("draft", "approved", "announced", "final")


def _closed(org: Organization, first: dt.date, last: dt.date) -> frozenset[dt.date]:
    end = min(dt.date.max - _HORIZON, last) + _HORIZON
    return closed_by_law(org, first, end)


def _iso(day: dt.date | None) -> str | None:
    return None if day is None else day.isoformat()


def _state(found: Sequence[Clock], on: dt.date) -> str:
    states = [c.state(on) for c in found]
    if "appealed" in states:
        return "appealed"
    ordered = [s for s in states if s in _STATES]
    return min(ordered, key=_STATES.index) if ordered else "draft"


def _clocks(
    org: Organization, register: Register, minutes: Minutes, on: dt.date
) -> tuple[tuple[Event, ...], tuple[Clock, ...], str, frozenset[dt.date]]:
    events = register.minutes_events(minutes)
    decisions = register.minutes_decisions(minutes)
    closed = _closed(org, minutes.meeting, max([on, minutes.meeting, *(e.on for e in events)]))
    found = clocks(minutes, events, [d.id for d in decisions], org.legal_periods, closed)
    return events, found, canonical(decisions), closed


def minutes_status(
    org: Organization, register: Register, minutes: Minutes, on: dt.date
) -> dict[str, Any]:
    """One meeting's minutes as data: the state, each decision's clock, the recorded
    steps (corrections with their difference) and the findings, as of ``on``."""
    import json

    events, found, current, closed = _clocks(org, register, minutes, on)
    periods = org.legal_periods
    findings = minutes_findings(minutes, events, current, periods, closed, on)
    approve_by = last_day(minutes.meeting + dt.timedelta(days=periods.approval_days), closed)
    return {
        "group": minutes.group,
        "meeting": minutes.meeting.isoformat(),
        "on": on.isoformat(),
        "state": _state(found, on),
        "approve_by": approve_by.isoformat(),
        "decisions": [
            {
                "id": c.decision,
                "state": c.state(on),
                "approve_by": _iso(c.approve_by),
                "approved": _iso(c.approved),
                "announce_by": _iso(c.announce_by),
                "announced": _iso(c.announced),
                "appealable_until": _iso(c.appealable_until),
                "appealed": [
                    {
                        "on": day.isoformat(),
                        "in_time": c.appealable_until is None or day <= c.appealable_until,
                    }
                    for day in c.appealed
                ],
            }
            for c in found
        ],
        "steps": [
            {
                "step": e.step.value,
                "on": e.on.isoformat(),
                "by": e.by,
                "paragraphs": list(e.paragraphs),
                **({"where": e.place} if e.place else {}),
                **(
                    {("minutes" if e.step is Step.ANNOUNCED else "reason"): e.note}
                    if e.note
                    else {}
                ),
                **({"seal": e.seal} if e.seal else {}),
                **({"difference": json.loads(e.difference)} if e.difference else {}),
            }
            for e in events
        ],
        "findings": [
            {"group": f.minutes.group, "meeting": f.minutes.meeting.isoformat(), **_kind(f)}
            for f in findings
        ],
    }


def _kind(f: Any) -> dict[str, str]:
    return {"kind": f.kind, "message": f.message}


def register_findings(org: Organization, register: Register, on: dt.date) -> list[dict[str, Any]]:
    """Every finding on the minutes the register follows, as of ``on`` (see the module):
    each with ``group``, ``meeting``, ``kind``, ``message`` and, where one decision is
    concerned, ``decision``."""
    followed = register.all_minutes()
    found: list[dict[str, Any]] = []
    until: dict[str, dt.date | None] = {}
    for minutes in followed:
        found.extend(minutes_status(org, register, minutes, on)["findings"])
        _, minute_clocks, _, _ = _clocks(org, register, minutes, on)
        until.update({c.decision: c.appealable_until for c in minute_clocks})
    decisions = register.decisions()
    found.extend(_never_appealable(org, register, followed, decisions, on, until))
    by_id = {d.id: d for d in decisions}
    wait = org.legal_periods.wait_for_appeal
    for action in register.actions():
        decision = by_id.get(action.decision or "")
        if decision is None or decision.matter.category not in wait or action.done_on is None:
            continue
        if decision.id not in until:
            continue  # the register does not follow this decision's minutes
        last = until[decision.id]
        if last is None or action.done_on <= last:
            when = "before it could be appealed" if last is None else f"by {last}"
            found.append(
                {
                    "group": decision.forum or decision.decided_by,
                    "meeting": decision.date.isoformat(),
                    "decision": decision.id,
                    "kind": "acted-before-final",
                    "message": (
                        f"{decision.id}: action {action.id} done {action.done_on}, while the "
                        f"decision was still appealable ({when}; "
                        "legal_periods.wait_for_appeal)"
                    ),
                }
            )
    return found


def _never_appealable(
    org: Organization,
    register: Register,
    followed: Sequence[Minutes],
    decisions: Sequence[Any],
    on: dt.date,
    until: dict[str, dt.date | None],
) -> list[dict[str, Any]]:
    from mgovern.calendars.cycles import occurrences
    from mgovern.legal_periods import minutes_dates
    from mgovern.model import CycleKind
    from mgovern.register.reporting import board_report

    boards = sorted({m.group for m in followed})
    found: list[dict[str, Any]] = []
    if not decisions:
        return found
    first = min(d.date for d in decisions)
    for group_id in boards:
        group = org.group(group_id)
        kinds = {c.id for c in group.cycles if c.kind is CycleKind.BOARD}
        if not kinds:
            continue
        meetings = sorted(
            {
                o.start.date()
                for o in occurrences(org, group_id, first, on)
                if o.cycle in kinds and o.start.date() <= on
            }
        )
        for meeting in meetings:
            due = minutes_dates(org, meeting).announced
            events = register.minutes_events(Minutes(group_id, meeting))
            announced = [e.on for e in events if e.step is Step.ANNOUNCED and not e.paragraphs]
            report = board_report(org, decisions, group=group_id, meeting=meeting)
            if announced:  # KL 6:40: appealable from the announcement of these minutes
                days = dt.timedelta(days=org.legal_periods.appeal_days)
                closed = _closed(org, announced[0], announced[0])
                last = last_day(announced[0] + days, closed)
                until.update({r.decision.id: last for r in report.reported})
                continue
            if on <= due:
                continue
            for reported in report.reported:
                d = reported.decision
                if until.get(d.id) is not None:
                    continue  # announced in minutes of its own (KL 6:40, the board's choice)
                until[d.id] = None
                found.append(
                    {
                        "group": group_id,
                        "meeting": meeting.isoformat(),
                        "decision": d.id,
                        "kind": "never-appealable",
                        "message": (
                            f"{d.id} ({d.date}) was reported at {group_id}'s meeting on "
                            f"{meeting}, whose minutes were never announced (due {due}): "
                            "its appeal period never started (KL 6:40, 13:5)"
                        ),
                    }
                )
    return found


@frozen
class Notice:
    """An announcement on the notice board (*anslag*): of the approval of ``minutes`` (or
    of the paragraphs approved at once), posted on ``posted`` at ``place``, up until the
    appeal period has ended (``appealable_until``, 8 kap. 12 §). ``minutes_url``: where
    the approved minutes can be read, when the announcement said so."""

    minutes: Minutes
    paragraphs: tuple[str, ...]
    approved: dt.date
    posted: dt.date
    place: str
    appealable_until: dt.date
    minutes_url: str = ""


def notices(
    org: Organization, register: Register, on: dt.date, *, current: bool = True
) -> tuple[Notice, ...]:
    """The notices posted on or before ``on``, newest first; ``current``: only those still
    up on ``on`` (their appeal period has not ended)."""
    found = []
    days = dt.timedelta(days=org.legal_periods.appeal_days)
    for minutes in register.all_minutes():
        events = register.minutes_events(minutes)
        for e in events:
            if e.step is not Step.ANNOUNCED or e.on > on:
                continue
            approved = max(
                (
                    a.on
                    for a in events
                    if a.step is Step.APPROVED
                    and a.on <= e.on
                    and (
                        set(a.paragraphs) <= set(e.paragraphs) if e.paragraphs else not a.paragraphs
                    )
                ),
                default=e.on,
            )
            until = last_day(e.on + days, _closed(org, e.on, e.on))
            if current and until < on:
                continue
            found.append(Notice(minutes, e.paragraphs, approved, e.on, e.place, until, e.note))
    return tuple(sorted(found, key=lambda n: (n.posted, n.minutes.key), reverse=True))
