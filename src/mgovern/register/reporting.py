"""Reporting delegated decisions to the board (*anmälan av delegationsbeslut*).

Kommunallagen 6 kap. 40 §: the board decides which decisions taken under its delegation
are reported to it; the others are recorded separately (*protokollförs särskilt*).
6 kap. 39 §: the chair's urgent decisions are reported at the board's next meeting. The
appeal period (*laglighetsprövning*, 13 kap.) of a reported decision runs from the day
the approval of the minutes that report it is announced on the notice board; those
dates are counted by :mod:`mgovern.legal_periods` (lag 1930:173 included).

For a meeting of a board (a group meeting in a cycle of kind ``board``) on day D whose
previous meeting was on day P, :func:`board_report` lists:

* every **delegated decision** taken on P..D-1 (on or after the previous meeting's day,
  before this one; so every decision is reported exactly once): a decision not urgent
  and not taken by the board itself as a body, whose forum (if any) lies in the board's
  subtree, taken under the board's delegation, of a category the board asked to have
  reported (the organisation's ``[reporting] categories``; empty: all), grouped by
  delegate (role and person). *Under the board's delegation* (6 kap. 37 §: a member, an
  employee, a committee) means by a role someone in the board's subtree holds, or by a
  group in the subtree as a body; a decision recorded for a body no one there holds
  (such as ``kommunfullmaktige``, the council above the board) is not the board's;
* every **urgent decision** taken on P..D-1;
* the delegated decisions of the other categories, **recorded separately**.

Each reported decision is *reported at* D and *appealable until* three weeks after the
minutes of D are announced (:func:`mgovern.legal_periods.minutes_dates`).

The report becomes the standing agenda item "Anmälan av delegationsbeslut" of that
meeting (:func:`with_report`) and a section of its notice.
"""

from __future__ import annotations

import datetime as dt
import functools
from collections.abc import Iterable
from typing import TYPE_CHECKING, Any

import attrs
from attrs import frozen

from mgovern.exceptions import MgovernError
from mgovern.i18n import pgettext_for
from mgovern.legal_periods import minutes_dates
from mgovern.model import GROUP_DECIDES, CycleKind, Organization
from mgovern.register.records import Decision

if TYPE_CHECKING:
    import pluggy

    from mgovern.agenda.planner import Agenda
    from mgovern.calendars.cycles import Occurrence

__all__ = [
    "BoardReport",
    "Delegate",
    "ReportedDecision",
    "board_report",
    "delegate_roles",
    "report_data",
    "report_lines",
    "report_sections",
    "title",
    "with_report",
]

#: Minutes the standing item gets on the agenda.
ITEM_MINUTES = 5


@functools.cache
def _words_for(language: str) -> dict[str, Any]:
    """This module's words in ``language`` (the catalogue: mgovern.i18n)."""
    pgettext = pgettext_for(language)
    return {
        "title": pgettext("reporting", "Delegated decisions reported"),
        "urgent": pgettext("reporting", "Urgent decisions by the chair (KL 6:39)"),
        "separately": pgettext("reporting", "Recorded separately (not reported to the board)"),
        "none": pgettext("reporting", "No decisions."),
        "since": pgettext("reporting", "Decisions taken {start} to {end}"),
        "reported": pgettext("reporting", "reported"),
        "appeal": pgettext("reporting", "appealable until"),
        "body": pgettext("reporting", "as a body"),
    }


def words(org: Organization) -> dict[str, str]:
    return _words_for(org.language)


def title(org: Organization) -> str:
    """The standing item's title: "Anmälan av delegationsbeslut" in Swedish."""
    return words(org)["title"]


@frozen
class ReportedDecision:
    decision: Decision
    reported_at: dt.date
    appealable_until: dt.date


@frozen(order=True)
class Delegate:
    """Who took a delegated decision: a role (or a group as a body) and a person."""

    role: str
    person: str | None


@frozen
class BoardReport:
    """What is reported at one board meeting. ``previous`` is the board's previous
    meeting day (None: no earlier meeting, every earlier decision counts)."""

    group: str
    meeting: dt.date
    previous: dt.date | None
    announced: dt.date
    delegated: tuple[tuple[Delegate, tuple[ReportedDecision, ...]], ...]
    urgent: tuple[ReportedDecision, ...]
    recorded_separately: tuple[Decision, ...]

    @property
    def reported(self) -> tuple[ReportedDecision, ...]:
        """Every reported decision: the delegated ones by delegate, then the urgent."""
        return (*(r for _, rs in self.delegated for r in rs), *self.urgent)


def board_meeting(
    org: Organization, group_id: str, day: dt.date, *, pm: pluggy.PluginManager | None = None
) -> tuple[Occurrence, dt.date | None]:
    """The board's meeting on ``day`` and the day of its previous meeting."""
    from mgovern.calendars.cycles import occurrences

    group = org.group(group_id)
    boards = {c.id for c in group.cycles if c.kind is CycleKind.BOARD}
    if not boards:
        raise MgovernError(
            f"group {group_id!r} has no board meetings (a cycle of kind 'board'): delegated "
            "decisions are reported to a board"
        )
    earlier = [
        o
        for o in occurrences(org, group_id, day - dt.timedelta(days=400), day, pm=pm)
        if o.cycle in boards and o.start.date() <= day
    ]
    this = [o for o in earlier if o.start.date() == day]
    if not this:
        later = [
            o
            for o in occurrences(org, group_id, day, day + dt.timedelta(days=120), pm=pm)
            if o.cycle in boards
        ]
        near = sorted({o.start.date() for o in [*earlier[-1:], *later[:1]]})
        hint = f" (nearest: {', '.join(str(d) for d in near)})" if near else ""
        raise MgovernError(f"{group_id!r} has no board meeting on {day}{hint}: give its date")
    before = [o.start.date() for o in earlier if o.start.date() < day]
    return this[0], (before[-1] if before else None)


def board_report(
    org: Organization,
    decisions: Iterable[Decision],
    *,
    group: str,
    meeting: dt.date,
    pm: pluggy.PluginManager | None = None,
    announced_on: dt.date | None = None,
) -> BoardReport:
    """What is reported at the board ``group``'s meeting on ``meeting`` (see the module).
    ``announced_on``: the day the approval of that meeting's minutes was actually
    announced (recorded with ``mgovern minutes announce``); else the law's last day."""
    _, previous = board_meeting(org, group, meeting, pm=pm)
    settings = org.reporting
    dates = minutes_dates(org, meeting, pm=pm)
    announced, until = dates.announced, dates.appealable_until
    if announced_on is not None:
        from mgovern.legal_periods import closed_by_law, last_day

        end = announced_on + dt.timedelta(days=org.legal_periods.appeal_days + 30)
        closed = closed_by_law(org, announced_on, end, pm=pm)
        announced = announced_on
        until = last_day(announced_on + dt.timedelta(days=org.legal_periods.appeal_days), closed)
    subtree = set(org.subtree(group))
    delegates = delegate_roles(org, group)
    delegated: dict[Delegate, list[ReportedDecision]] = {}
    urgent: list[ReportedDecision] = []
    separately: list[Decision] = []
    for decision in sorted(decisions, key=lambda d: (d.date, d.id)):
        if not (previous is None or previous <= decision.date) or decision.date >= meeting:
            continue
        if decision.forum is not None and decision.forum not in subtree:
            continue
        if decision.urgent:
            urgent.append(ReportedDecision(decision, meeting, until))
            continue
        if decision.decided_by == GROUP_DECIDES and decision.forum in (None, group):
            continue  # the board's own decision
        if decision.decided_by != GROUP_DECIDES and decision.decided_by not in delegates:
            continue  # not under the board's delegation: a body above it, such as the council
        if settings.categories and decision.matter.category not in settings.categories:
            separately.append(decision)
            continue
        who = Delegate(decision.decided_by, decision.decision_maker)
        delegated.setdefault(who, []).append(ReportedDecision(decision, meeting, until))
    order = {r.id: i for i, r in enumerate(org.roles)}
    ranked = sorted(
        delegated.items(),
        key=lambda kv: (order.get(kv[0].role, len(order)), _name(org, kv[0].person)),
    )
    return BoardReport(
        group,
        meeting,
        previous,
        announced,
        tuple((who, tuple(rs)) for who, rs in ranked),
        tuple(urgent),
        tuple(separately),
    )


def delegate_roles(org: Organization, group: str) -> frozenset[str]:
    """The roles the board ``group`` can delegate to: those held by the people who sit
    in a group of its subtree (its members, the chair, the officials below it)."""
    people = {p for g in org.subtree(group) for p in org.group(g).participants}
    return frozenset(role for p in sorted(people) for role in org.person(p).roles)


def _name(org: Organization, person: str | None) -> str:
    if person is None:
        return ""
    try:
        return org.person(person).name
    except KeyError:
        return person


def delegate_label(org: Organization, who: Delegate) -> str:
    """``Avdelningschef Henrik Blom``; a group as a body by its name."""
    if who.role == GROUP_DECIDES:
        return words(org)["body"]
    role = next((r.name for r in org.roles if r.id == who.role), who.role)
    return f"{role} {_name(org, who.person)}".strip()


def decision_line(org: Organization, reported: ReportedDecision | Decision) -> str:
    """One decision as a line: date, id, text, and (when reported) the appeal date."""
    w = words(org)
    d = reported.decision if isinstance(reported, ReportedDecision) else reported
    line = f"{d.date.isoformat()} {d.id}: {d.text or d.matter.category}"
    if isinstance(reported, ReportedDecision):
        line += f" ({w['appeal']} {reported.appealable_until.isoformat()})"
    return line


def report_sections(
    org: Organization, report: BoardReport
) -> tuple[str, str, tuple[tuple[str, tuple[str, ...]], ...]]:
    """The report as the notice shows it: title, the period, and (heading, lines) per
    delegate, then the urgent decisions and those recorded separately. Every format
    (Markdown, HTML, Word) renders these, so each shows the same list."""
    w = words(org)
    start = report.previous.isoformat() if report.previous else "…"
    end = (report.meeting - dt.timedelta(days=1)).isoformat()
    period = w["since"].format(start=start, end=end) + "."
    if not report.delegated and not report.urgent:
        period += " " + w["none"]
    sections: list[tuple[str, tuple[str, ...]]] = [
        (delegate_label(org, who), tuple(decision_line(org, r) for r in decisions))
        for who, decisions in report.delegated
    ]
    if report.urgent:
        lines = tuple(
            f"{decision_line(org, r)} ({_name(org, r.decision.decision_maker)})"
            for r in report.urgent
        )
        sections.append((w["urgent"], lines))
    if report.recorded_separately:
        lines = tuple(decision_line(org, d) for d in report.recorded_separately)
        sections.append((w["separately"], lines))
    return w["title"], period, tuple(sections)


def report_lines(org: Organization, report: BoardReport, *, heading: str = "##") -> list[str]:
    """The report as Markdown lines (the notice's section)."""
    name, period, sections = report_sections(org, report)
    lines = [f"{heading} {name}", "", period, ""]
    for title_, entries in sections:
        lines.extend([f"{heading}# {title_}", ""])
        lines.extend(f"- {entry}" for entry in entries)
        lines.append("")
    return lines


def report_data(org: Organization, report: BoardReport) -> dict[str, Any]:
    """The report as JSON data."""
    from mgovern.register.store import decision_data

    def reported(r: ReportedDecision) -> dict[str, Any]:
        return {
            **decision_data(r.decision),
            "reported_at": r.reported_at.isoformat(),
            "appealable_until": r.appealable_until.isoformat(),
        }

    return {
        "group": report.group,
        "meeting": report.meeting.isoformat(),
        "previous_meeting": report.previous.isoformat() if report.previous else None,
        "announced": report.announced.isoformat(),
        "delegated": [
            {
                "role": who.role,
                "person": who.person,
                "label": delegate_label(org, who),
                "decisions": [reported(r) for r in rs],
            }
            for who, rs in report.delegated
        ],
        "urgent": [reported(r) for r in report.urgent],
        "recorded_separately": [decision_data(d) for d in report.recorded_separately],
    }


def with_report(org: Organization, agenda: Agenda, report: BoardReport) -> Agenda:
    """The agenda with the standing item "Anmälan av delegationsbeslut" after the
    opening items (later items move on by its minutes) and the report attached for the
    notice."""
    from mgovern.agenda.planner import Entry

    entries = list(agenda.entries)
    at = next((i for i, e in enumerate(entries) if e.section != "opening"), len(entries))
    start = entries[at].start if at < len(entries) else agenda.meeting.start
    if at == len(entries) and entries:
        start = entries[-1].start + dt.timedelta(minutes=entries[-1].minutes)
    item = Entry(at + 1, title(org), start, ITEM_MINUTES, "opening")
    shift = dt.timedelta(minutes=ITEM_MINUTES)
    moved = [attrs.evolve(e, number=e.number + 1, start=e.start + shift) for e in entries[at:]]
    return attrs.evolve(agenda, entries=(*entries[:at], item, *moved), delegation_report=report)
