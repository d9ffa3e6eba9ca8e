"""Documents of a meeting: the notice (kallelse with dagordning) and the minutes template.

Renderers are registered by kind and format through ``mgovern_register_renderers``; the
core ships Markdown for both kinds. The minutes template has a place for the decision
under every item and an action list (what, who, by when), as Swedish management groups
keep *mötesanteckningar* with a *beslutslogg* and an *åtgärdslista*.
"""

from __future__ import annotations

import functools
from collections.abc import Callable
from pathlib import Path
from typing import TYPE_CHECKING, Any

from mgovern.agenda.formatting import agenda_markdown, labels, long_date
from mgovern.agenda.planner import Agenda
from mgovern.exceptions import MgovernError
from mgovern.i18n import pgettext_for
from mgovern.model import Organization

if TYPE_CHECKING:
    import pluggy

__all__ = [
    "KINDS",
    "Renderer",
    "document_name",
    "legal_facts",
    "minutes_markdown",
    "notice_markdown",
    "renderers",
]

KINDS = ("notice", "minutes")
Renderer = Callable[[Organization, Agenda, "Path | None"], bytes]


@functools.cache
def _words_for(language: str) -> dict[str, Any]:
    """This module's words in ``language`` (the catalogue: mgovern.i18n)."""
    pgettext = pgettext_for(language)
    return {
        "notice": pgettext("render", "Notice of meeting"),
        "minutes": pgettext("render", "Minutes"),
        "to": pgettext("render", "To"),
        "when": pgettext("render", "When"),
        "where": pgettext("render", "Where"),
        "chair": pgettext("render", "Chair"),
        "secretary": pgettext("render", "Secretary"),
        "decision": pgettext("render", "Decision"),
        "notes": pgettext("render", "Notes"),
        "actions": pgettext("render", "Action list"),
        "what": pgettext("render", "What"),
        "who": pgettext("render", "Who"),
        "by": pgettext("render", "By when"),
        "present": pgettext("render", "Present"),
        "approved": pgettext("render", "Approved by"),
        "announced": pgettext("render", "Approval announced on the notice board by"),
        "appealable": pgettext("render", "Appealable until"),
        "time": pgettext("render", "Time"),
        "number": pgettext("render", "No."),
        "number_long": pgettext("render", "Number"),
        "item": pgettext("render", "Item"),
        "kind": pgettext("render", "Kind"),
        "length": pgettext("render", "Length"),
        "agenda_of": pgettext("render", "Agenda of {group}, {when}"),
        "actions_of": pgettext("render", "Action list of {group}, {day}"),
        "field": pgettext("render", "{label} for item {number}"),
        "generator": pgettext("render", "Made by mgovern"),
        "file": {
            "notice": pgettext("render", "notice"),
            "minutes": pgettext("render", "minutes"),
        },
    }


def words(org: Organization) -> dict[str, Any]:
    """Document words in the organisation's language (with the agenda's words)."""
    return _words_for(org.language)


def document_name(org: Organization, kind: str, fmt: str) -> str:
    """``kallelse.docx``, ``motesanteckningar.md``, ``notice.html`` ..."""
    names = words(org)["file"]
    assert isinstance(names, dict)
    return f"{names[kind]}.{fmt}"


def _people(org: Organization, ids: tuple[str, ...]) -> str:
    return ", ".join(org.person(p).name for p in ids)


def legal_facts(org: Organization, agenda: Agenda) -> tuple[tuple[str, str], ...]:
    """The legal dates a board meeting's minutes state, as (label, date) pairs: when
    they are approved, when that is announced and until when its decisions can be
    appealed (:func:`mgovern.legal_periods.minutes_dates`); none for other meetings,
    whose notes are not announced."""
    from mgovern.legal_periods import minutes_dates
    from mgovern.model import CycleKind

    cycle = org.group(agenda.group).cycle(agenda.meeting.cycle)
    if cycle.kind is not CycleKind.BOARD:
        return ()
    w = words(org)
    dates = minutes_dates(org, agenda.meeting.start.date())
    return (
        (w["approved"], dates.approved.isoformat()),
        (w["announced"], dates.announced.isoformat()),
        (w["appealable"], dates.appealable_until.isoformat()),
    )


def _header(org: Organization, agenda: Agenda, kind: str) -> list[str]:
    w = words(org)
    group = org.group(agenda.group)
    meeting = agenda.meeting
    cycle = group.cycle(meeting.cycle)
    lines = [f"# {w[kind]}: {group.name}", ""]
    when = f"{long_date(org, meeting.start)} {meeting.start:%H:%M}–{meeting.end:%H:%M}"
    lines.append(f"**{w['when']}:** {when}  ")
    if cycle.location:
        lines.append(f"**{w['where']}:** {cycle.location}  ")
    if group.chair:
        lines.append(f"**{w['chair']}:** {org.person(group.chair).name}  ")
    if group.secretary:
        lines.append(f"**{w['secretary']}:** {org.person(group.secretary).name}  ")
    lines.append(
        f"**{w['to'] if kind == 'notice' else w['present']}:** {_people(org, group.participants)}"
    )
    if kind == "minutes":
        lines[-1] += "  "
        lines.extend(f"**{label}:** {value}  " for label, value in legal_facts(org, agenda))
        lines[-1] = lines[-1].rstrip()
    lines.append("")
    return lines


def notice_markdown(org: Organization, agenda: Agenda, templates: Path | None = None) -> bytes:
    """The notice: who, when, where, then the agenda with times."""
    body = agenda_markdown(org, agenda)
    text = "\n".join(_header(org, agenda, "notice")) + "\n" + body.replace("# ", "## ", 1)
    if agenda.delegation_report is not None:  # a board meeting: the decisions reported
        from mgovern.register.reporting import report_lines

        section = report_lines(org, agenda.delegation_report)
        text = text.rstrip("\n") + "\n\n" + "\n".join(section).rstrip("\n") + "\n"
    return text.encode("utf-8")


def minutes_markdown(org: Organization, agenda: Agenda, templates: Path | None = None) -> bytes:
    """The minutes template: every item with a place for the decision, and an action list."""
    from mgovern.register.minutes import markdown_actions, markdown_fields, markdown_marker

    w = words(org)
    agenda_words = labels(org)
    lines = _header(org, agenda, "minutes")
    lines[2:2] = [markdown_marker(agenda), ""]
    for entry in agenda.entries:
        lines.append(f"## {entry.number}. {entry.title}")
        lines.append("")
        if entry.item is not None:
            item = entry.item
            if item.item.presenter:
                lines.append(f"*{agenda_words['presenter']}: {item.item.presenter}*  ")
            if item.item.proposed_decision:
                lines.append(f"*{agenda_words['proposed']}: {item.item.proposed_decision}*  ")
            if entry.section == "decision":  # the fields mgovern reads back
                lines.extend(["", *markdown_fields(org, agenda, entry), ""])
            else:
                lines.extend(["", f"**{w['notes']}:** ", ""])
    lines.extend([f"## {w['actions']}", "", *markdown_actions(org), ""])
    return "\n".join(lines).encode("utf-8")


def renderers(pm: pluggy.PluginManager | None = None) -> dict[tuple[str, str], Renderer]:
    """Every registered (kind, format) and its renderer; later registrations win."""
    if pm is None:
        from mgovern.plugins import plugin_manager

        pm = plugin_manager()
    found: dict[tuple[str, str], Renderer] = {}

    def register(kind: str, fmt: str, render: Renderer) -> None:
        if kind not in KINDS:
            raise MgovernError(f"unknown document kind {kind!r}; kinds are {', '.join(KINDS)}")
        found[(kind, fmt.lower())] = render

    # pluggy calls the most recently registered plugin first: reverse so plugins win
    for impl in reversed(pm.hook.mgovern_register_renderers.get_hookimpls()):
        impl.function(register=register)
    return found
