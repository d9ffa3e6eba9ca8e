"""An agenda as text, Markdown or JSON-ready data, in the organisation's language."""

from __future__ import annotations

import datetime as dt
import functools
from decimal import Decimal
from typing import Any

from mgovern.agenda.planner import Agenda, ClassifiedItem, Entry, Move
from mgovern.i18n import pgettext_for
from mgovern.model import Organization
from mgovern.rules.explain import format_amount

__all__ = ["agenda_data", "agenda_markdown", "agenda_text", "labels"]


@functools.cache
def _labels_for(language: str) -> dict[str, Any]:
    """This module's words in ``language`` (the catalogue: mgovern.i18n)."""
    pgettext = pgettext_for(language)
    return {
        "title": pgettext("agenda_format", "Agenda"),
        "time": pgettext("agenda_format", "Time"),
        "item": pgettext("agenda_format", "Item"),
        "opening": pgettext("agenda_format", "Opening"),
        "decision": pgettext("agenda_format", "Decisions"),
        "discussion": pgettext("agenda_format", "Discussion and preparation"),
        "follow-up": pgettext("agenda_format", "Follow-up"),
        "information": pgettext("agenda_format", "Information"),
        "closing": pgettext("agenda_format", "Closing"),
        "presenter": pgettext("agenda_format", "Presenter"),
        "proposed": pgettext("agenda_format", "Proposed decision"),
        "strategic": pgettext("agenda_format", "strategic"),
        "operative": pgettext("agenda_format", "operative"),
        "inferred": pgettext("agenda_format", "inferred from the title"),
        "fields": {
            "category": pgettext("agenda_format", "category"),
            "amount": pgettext("agenda_format", "amount"),
            "kind": pgettext("agenda_format", "kind"),
        },
        "forwarded": pgettext("agenda_format", "Forwarded to the right group"),
        "deferred": pgettext("agenda_format", "Moved to a later meeting"),
        "warnings": pgettext("agenda_format", "Please note"),
        "shares": pgettext(
            "agenda_format",
            "Operative share {operative} %{olimit}, information share {information} %{ilimit}",
        ),
        "limit": pgettext("agenda_format", " (limit {limit} %)"),
        "no_meeting": pgettext("agenda_format", "no meeting found"),
        "location": pgettext("agenda_format", "Location"),
        "deadline": pgettext("agenda_format", "Agenda deadline"),
        "minutes": pgettext("agenda_format", "min"),
        "weekdays": pgettext(
            "agenda_format", "Monday Tuesday Wednesday Thursday Friday Saturday Sunday"
        ),
        "months": pgettext(
            "agenda_format",
            "January February March April May June July August September October November December",
        ),
        "reasons": {
            "forwarded": pgettext("agenda_format", "forwarded"),
            "late": pgettext("agenda_format", "submitted late"),
            "not-accepted": pgettext("agenda_format", "not taken by this meeting"),
            "overflow": pgettext("agenda_format", "does not fit"),
            "too-long": pgettext("agenda_format", "longer than any meeting of the group"),
            "no-meeting": pgettext("agenda_format", "no meeting in the period"),
        },
    }


def labels(org: Organization) -> dict[str, Any]:
    """The words agendas and documents use, in the organisation's language."""
    return _labels_for(org.language)


def long_date(org: Organization, moment: dt.datetime | dt.date) -> str:
    words = labels(org)
    weekday = words["weekdays"].split()[moment.weekday()]
    month = words["months"].split()[moment.month - 1]
    return f"{weekday} {moment.day} {month} {moment.year}"


def _percent(share: Decimal) -> str:
    return f"{(share * 100).quantize(Decimal(1))}"


def _facts(org: Organization, item: ClassifiedItem) -> list[str]:
    words = labels(org)
    facts = []
    if item.item.presenter:
        facts.append(f"{words['presenter']}: {item.item.presenter}")
    level = words["strategic"] if item.horizon.horizon == "strategic" else words["operative"]
    if item.horizon.criterion:
        level += f" ({item.horizon.criterion})"
    facts.append(level)
    if item.matter is not None:
        category = org.category(item.matter.category).name
        if item.matter.amount is not None:
            category += ", " + format_amount(item.matter.amount, org.currency, org.locale)
        facts.append(category)
    if item.inferred:
        fields = ", ".join(words["fields"][f] for f in sorted(item.inferred))
        facts.append(f"{words['inferred']}: {fields}")
    return facts


def _heading(org: Organization, agenda: Agenda) -> tuple[str, list[str]]:
    words = labels(org)
    group = org.group(agenda.group)
    cycle = group.cycle(agenda.meeting.cycle)
    meeting = agenda.meeting
    title = (
        f"{words['title']}: {group.name}, {cycle.name.lower()} "
        f"{long_date(org, meeting.start)} {meeting.start:%H:%M}–{meeting.end:%H:%M}"
    )
    details = []
    if cycle.location:
        details.append(f"{words['location']}: {cycle.location}")
    if meeting.agenda_deadline is not None:
        details.append(f"{words['deadline']}: {meeting.agenda_deadline:%Y-%m-%d %H:%M}")
    return title, details


def _move_line(org: Organization, move: Move) -> str:
    words = labels(org)
    where = org.group(move.group).name
    when = (
        f"{move.meeting.start:%Y-%m-%d %H:%M}" if move.meeting is not None else words["no_meeting"]
    )
    return f"{move.item.item.title} → {where}, {when}: {move.explanation}"


def _shares(org: Organization, agenda: Agenda) -> str:
    words = labels(org)
    limits = org.group(agenda.group).limits
    olimit = (
        words["limit"].format(limit=limits.max_operative_percent)
        if limits.max_operative_percent is not None
        else ""
    )
    ilimit = (
        words["limit"].format(limit=limits.max_information_percent)
        if limits.max_information_percent is not None
        else ""
    )
    return str(words["shares"]).format(
        operative=_percent(agenda.operative_share),
        information=_percent(agenda.information_share),
        olimit=olimit,
        ilimit=ilimit,
    )


def _sections(agenda: Agenda) -> list[tuple[str, list[Entry]]]:
    sections: list[tuple[str, list[Entry]]] = []
    for entry in agenda.entries:
        if not sections or sections[-1][0] != entry.section:
            sections.append((entry.section, []))
        sections[-1][1].append(entry)
    return sections


def agenda_text(org: Organization, agenda: Agenda) -> str:
    """Plain text, for a terminal or an e-mail."""
    words = labels(org)
    title, details = _heading(org, agenda)
    lines = [title, *details, ""]
    for section, entries in _sections(agenda):
        lines.append(words[section])
        for entry in entries:
            lines.append(
                f"  {entry.start:%H:%M}  {entry.number:>2}. {entry.title} "
                f"({entry.minutes} {words['minutes']})"
            )
            if entry.item is not None:
                lines.append("              " + " · ".join(_facts(org, entry.item)))
                if entry.item.item.proposed_decision:
                    lines.append(
                        f"              {words['proposed']}: {entry.item.item.proposed_decision}"
                    )
        lines.append("")
    lines.append(_shares(org, agenda))
    for heading, moves in (
        (words["forwarded"], agenda.forwarded),
        (words["deferred"], agenda.deferred),
    ):
        if moves:
            lines.extend(["", heading])
            lines.extend(f"  - {_move_line(org, move)}" for move in moves)
    if agenda.warnings:
        lines.extend(["", words["warnings"]])
        lines.extend(f"  ! {warning}" for warning in agenda.warnings)
    return "\n".join(lines) + "\n"


def _md(text: str) -> str:
    """Escape what Markdown would read as markup in running text."""
    for char in "\\`*_[]<>|#":
        text = text.replace(char, "\\" + char)
    return text


def agenda_markdown(org: Organization, agenda: Agenda) -> str:
    """Markdown: a heading, a table per section, then what moved and why."""
    words = labels(org)
    title, details = _heading(org, agenda)
    lines = [f"# {_md(title)}", ""]
    lines.extend(f"{_md(d)}  " for d in details)
    lines.append("")
    for section, entries in _sections(agenda):
        header = f"| {words['time']} | # | {words['item']} | Min | |"
        lines.extend([f"## {words[section]}", "", header, "|---|---|---|---|---|"])
        for entry in entries:
            facts = _facts(org, entry.item) if entry.item is not None else []
            if entry.item is not None and entry.item.item.proposed_decision:
                facts.append(f"{words['proposed']}: {entry.item.item.proposed_decision}")
            cell = _md(" · ".join(facts)).replace("\n", " ")
            title = _md(entry.title).replace("\n", " ")
            lines.append(
                f"| {entry.start:%H:%M} | {entry.number} | {title} | {entry.minutes} | {cell} |"
            )
        lines.append("")
    lines.append(_md(_shares(org, agenda)))
    for heading, moves in (
        (words["forwarded"], agenda.forwarded),
        (words["deferred"], agenda.deferred),
    ):
        if moves:
            lines.extend(["", f"## {heading}", ""])
            lines.extend(f"- {_md(_move_line(org, move))}" for move in moves)
    if agenda.warnings:
        lines.extend(["", f"## {words['warnings']}", ""])
        lines.extend(f"- {_md(w)}" for w in agenda.warnings)
    return "\n".join(lines) + "\n"


def _item_data(org: Organization, item: ClassifiedItem) -> dict[str, Any]:
    routing = item.routing
    return {
        "id": item.item.id,
        "title": item.item.title,
        "kind": item.kind.value,
        "horizon": item.horizon.horizon.value,
        "horizon_criterion": item.horizon.criterion,
        "category": item.matter.category if item.matter else None,
        "amount": f"{item.matter.amount:f}"
        if item.matter and item.matter.amount is not None
        else None,
        "inferred": sorted(item.inferred),
        "presenter": item.item.presenter,
        "proposed_decision": item.item.proposed_decision,
        "raised_in": item.item.raised_in,
        "home": routing.home if routing else None,
        "outcome": routing.outcome.value if routing else None,
        "decided_by": routing.decided_by if routing else None,
        "clause": str(routing.clause) if routing and routing.clause else None,
    }


def _move_data(org: Organization, move: Move) -> dict[str, Any]:
    return {
        "item": _item_data(org, move.item),
        "reason": move.reason.value,
        "group": move.group,
        "meeting": move.meeting.start.isoformat() if move.meeting else None,
        "meeting_cycle": move.meeting.cycle if move.meeting else None,
        "explanation": move.explanation,
    }


def agenda_data(org: Organization, agenda: Agenda) -> dict[str, Any]:
    """Plain data for JSON: every entry with its start time, and every moved item."""
    meeting = agenda.meeting
    return {
        "group": agenda.group,
        "cycle": meeting.cycle,
        "start": meeting.start.isoformat(),
        "end": meeting.end.isoformat(),
        "agenda_deadline": meeting.agenda_deadline.isoformat() if meeting.agenda_deadline else None,
        "entries": [
            {
                "number": e.number,
                "start": e.start.isoformat(),
                "minutes": e.minutes,
                "section": e.section,
                "title": e.title,
                "item": _item_data(org, e.item) if e.item is not None else None,
            }
            for e in agenda.entries
        ],
        "forwarded": [_move_data(org, m) for m in agenda.forwarded],
        "deferred": [_move_data(org, m) for m in agenda.deferred],
        "operative_share": str(agenda.operative_share.quantize(Decimal("0.001"))),
        "information_share": str(agenda.information_share.quantize(Decimal("0.001"))),
        "warnings": list(agenda.warnings),
    }
