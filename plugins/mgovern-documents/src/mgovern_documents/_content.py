"""What a notice or a minutes template says, as plain data both formats render.

Built once from the organisation and the agenda, in the organisation's language, so the
HTML and the Word document show the same rows, facts and words. User templates get this
(``doc``) too, with the ``org`` and the ``agenda`` themselves.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass
from decimal import Decimal
from typing import Any

from mgovern.agenda.formatting import labels, long_date
from mgovern.agenda.planner import Agenda, Move
from mgovern.model import Organization
from mgovern.register.documents import legal_facts, words

__all__ = ["Document", "Row", "document"]

#: Empty rows in the minutes' action list.
ACTION_ROWS = 6


@dataclass(frozen=True)
class Row:
    """One line of the agenda."""

    number: int
    start: dt.datetime
    time: str  # "09:08"
    minutes: int
    title: str
    section: str  # "opening", a kind's value, "closing"
    kind: str  # the section's label: "Beslutsärenden", "Inledning" ...
    presenter: str
    proposed: str
    is_item: bool  # a submitted item (False: a standing item of the template)
    record: str  # the minutes' field label: "Beslut" for decisions, else "Anteckningar"

    @property
    def iso(self) -> str:
        """The start as ISO 8601 with its offset, for ``<time datetime>``."""
        return self.start.isoformat(timespec="minutes")


@dataclass(frozen=True)
class Document:
    """Everything a notice or minutes template shows."""

    kind: str  # "notice" or "minutes"
    lang: str  # BCP 47: "sv", "en-GB"
    title: str  # "Kallelse: Kontorsledningsgruppen"
    group: str
    cycle: str
    when: str  # "tisdag 17 mars 2026 09:00–10:30"
    day: str  # "2026-03-17"
    start: dt.datetime
    facts: tuple[tuple[str, str], ...]  # (label, value): when, where, chair, ...
    caption: str  # the item table's caption
    columns: dict[str, str]  # heading of each column by key
    rows: tuple[Row, ...]
    shares: str
    moved: tuple[tuple[str, tuple[str, ...]], ...]  # (heading, lines), only non-empty
    warnings_heading: str
    warnings: tuple[str, ...]
    actions_caption: str
    actions: tuple[str, str, str]  # what, who, by when
    action_rows: int
    words: dict[str, Any]  # every word: the agenda's, the documents' and these
    #: a board meeting's delegated decisions (mgovern.register.reporting): title, period, sections
    delegation: tuple[str, str, tuple[tuple[str, tuple[str, ...]], ...]] | None = None

    @property
    def items(self) -> tuple[Row, ...]:
        return tuple(row for row in self.rows if row.is_item)


def language(org: Organization) -> str:
    """The organisation's locale as a language tag: ``sv_SE`` → ``sv-SE``."""
    return org.locale.replace("_", "-").split(".")[0] or "en"


def _percent(share: Decimal) -> str:
    return f"{(share * 100).quantize(Decimal(1))}"


def _shares(org: Organization, agenda: Agenda) -> str:
    agenda_words = labels(org)
    limits = org.group(agenda.group).limits

    def limit(value: int | None) -> str:
        return "" if value is None else str(agenda_words["limit"]).format(limit=value)

    return str(agenda_words["shares"]).format(
        operative=_percent(agenda.operative_share),
        information=_percent(agenda.information_share),
        olimit=limit(limits.max_operative_percent),
        ilimit=limit(limits.max_information_percent),
    )


def _move_line(org: Organization, move: Move) -> str:
    where = org.group(move.group).name
    when = (
        f"{move.meeting.start:%Y-%m-%d %H:%M}"
        if move.meeting is not None
        else labels(org)["no_meeting"]
    )
    return f"{move.item.item.title} → {where}, {when}: {move.explanation}"


def document(org: Organization, agenda: Agenda, kind: str) -> Document:
    """The content of the notice (``kind="notice"``) or the minutes template."""
    w = words(org)
    agenda_words = labels(org)
    extra = words(org)  # the documents' words, from the core's catalogue
    group = org.group(agenda.group)
    meeting = agenda.meeting
    cycle = group.cycle(meeting.cycle)
    when = f"{long_date(org, meeting.start)} {meeting.start:%H:%M}–{meeting.end:%H:%M}"
    facts: list[tuple[str, str]] = [(w["when"], when)]
    if cycle.location:
        facts.append((w["where"], cycle.location))
    if group.chair:
        facts.append((w["chair"], org.person(group.chair).name))
    if group.secretary:
        facts.append((w["secretary"], org.person(group.secretary).name))
    people = ", ".join(org.person(p).name for p in group.participants)
    facts.append((w["to"] if kind == "notice" else w["present"], people))
    if kind == "notice" and meeting.agenda_deadline is not None:
        facts.append((agenda_words["deadline"], f"{meeting.agenda_deadline:%Y-%m-%d %H:%M}"))
    if kind == "minutes":  # a board's minutes: approval, announcement, appeal
        facts.extend(legal_facts(org, agenda))

    rows = []
    for entry in agenda.entries:
        item = entry.item
        decision = item is not None and item.kind.value == "decision"
        rows.append(
            Row(
                number=entry.number,
                start=entry.start,
                time=f"{entry.start:%H:%M}",
                minutes=entry.minutes,
                title=entry.title,
                section=entry.section,
                kind=str(agenda_words[entry.section]),
                presenter=item.item.presenter if item is not None else "",
                proposed=item.item.proposed_decision if item is not None else "",
                is_item=item is not None,
                record=w["decision"] if decision else w["notes"],
            )
        )
    moved = tuple(
        (str(heading), tuple(_move_line(org, move) for move in moves))
        for heading, moves in (
            (agenda_words["forwarded"], agenda.forwarded),
            (agenda_words["deferred"], agenda.deferred),
        )
        if moves
    )
    columns = {
        "time": extra["time"],
        "number": extra["number"],
        "number_long": extra["number_long"],
        "title": extra["item"],
        "presenter": str(agenda_words["presenter"]),
        "kind": extra["kind"],
        "proposed": str(agenda_words["proposed"]),
        "minutes": str(agenda_words["minutes"]),
    }
    return Document(
        kind=kind,
        lang=language(org),
        title=f"{w[kind]}: {group.name}",
        group=group.name,
        cycle=cycle.name,
        when=when,
        day=meeting.start.date().isoformat(),
        start=meeting.start,
        facts=tuple(facts),
        caption=extra["agenda_of"].format(group=group.name, when=when),
        columns=columns,
        rows=tuple(rows),
        shares=_shares(org, agenda),
        moved=moved,
        warnings_heading=str(agenda_words["warnings"]),
        warnings=tuple(agenda.warnings),
        actions_caption=extra["actions_of"].format(
            group=group.name, day=long_date(org, meeting.start)
        ),
        actions=(w["what"], w["who"], w["by"]),
        action_rows=ACTION_ROWS,
        words={**agenda_words, **w, **extra},
        delegation=_delegation(org, agenda),
    )


def _delegation(
    org: Organization, agenda: Agenda
) -> tuple[str, str, tuple[tuple[str, tuple[str, ...]], ...]] | None:
    """The report of delegated decisions a board meeting's agenda carries, if any."""
    report = getattr(agenda, "delegation_report", None)
    if report is None:
        return None
    from mgovern.register.reporting import report_sections

    return report_sections(org, report)
