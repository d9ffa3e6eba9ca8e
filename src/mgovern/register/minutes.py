"""Decisions and actions read back from the minutes mgovern wrote.

The minutes template (``mgovern documents --kind minutes``) gives every decision item a
set of **decision fields** and the meeting an **action list**. mgovern writes the
structure and fills in what it knows (the decision's number, the item's matter); the
secretary fills in what was decided. Reading the minutes back takes only those fields,
found by the markers mgovern wrote — nothing is guessed from prose.

The fields of a decision item, by key (the labels follow the organisation's language):

========== ====================== =====================================================
key        Swedish label          meaning
========== ====================== =====================================================
text       Beslut                 the decision text; empty: the item was not decided
id         Beslutsnummer          the decision's id, written as ``klg-2026-03-17 §4``
role       Beslutande (roll)      a role id or name; empty: the group as a body
person     Beslutsfattare         a person id or name (optional)
category   Kategori               the matter's category, from the item
amount     Belopp                 the matter's amount, from the item
units      Berörda enheter        group ids, separated by commas or spaces
flags      Flaggor                flag ids, separated by commas or spaces
item       Ärende-id              the agenda item it came from
========== ====================== =====================================================

The action list has four columns: what, who (a person id or name), by when (a date,
``2026-04-30``) and status (empty or ``öppen``/``open``; ``klar``/``done``, optionally
followed by the day it was done, else the meeting's day). Rows that are entirely empty
are skipped; a secretary may add rows.

Ids are derived from the meeting: the decision under item 4 of KLG's meeting on
17 March 2026 is ``klg-2026-03-17 §4`` (unless the secretary wrote another id, such as
a diarienummer), the third filled row of its action list ``klg-2026-03-17 #3``. The
same minutes always give the same ids, so importing them twice adds nothing.

This module reads Markdown minutes (``--format md``); the mgovern-documents plugin reads
the Word minutes with the same rules (:func:`read_decision`, :func:`read_action`).
"""

from __future__ import annotations

import datetime as dt
import functools
import re
from collections.abc import Mapping, Sequence
from decimal import Decimal, InvalidOperation
from pathlib import Path
from typing import Any

from mgovern.agenda.planner import Agenda, Entry
from mgovern.bounds import FIRST_YEAR, LAST_YEAR, check_amount, check_text, parse_date
from mgovern.exceptions import ConfigError, quote
from mgovern.i18n import pgettext_for
from mgovern.model import GROUP_DECIDES, LOCALES, Matter, Organization
from mgovern.register.records import Action, ActionStatus, Decision, DecisionBatch

__all__ = [
    "ACTION_KEYS",
    "DECISION_KEYS",
    "action_id",
    "action_labels",
    "decision_id",
    "field_labels",
    "has_decision_fields",
    "markdown_actions",
    "markdown_fields",
    "markdown_marker",
    "meeting_day",
    "prefill",
    "read_action",
    "read_decision",
    "read_markdown_minutes",
]

#: The decision fields, in the order the minutes show them.
DECISION_KEYS = ("text", "id", "role", "person", "category", "amount", "units", "flags", "item")
#: The action list's columns.
ACTION_KEYS = ("what", "owner", "due", "status")


@functools.cache
def _labels_for(language: str) -> dict[str, Any]:
    """This module's words in ``language`` (the catalogue: mgovern.i18n)."""
    pgettext = pgettext_for(language)
    return {
        "text": pgettext("minutes", "Decision"),
        "id": pgettext("minutes", "Decision no."),
        "role": pgettext("minutes", "Decided by (role)"),
        "person": pgettext("minutes", "Decision-maker"),
        "category": pgettext("minutes", "Category"),
        "amount": pgettext("minutes", "Amount"),
        "units": pgettext("minutes", "Units concerned"),
        "flags": pgettext("minutes", "Flags"),
        "item": pgettext("minutes", "Item id"),
        "what": pgettext("minutes", "What"),
        "owner": pgettext("minutes", "Who"),
        "due": pgettext("minutes", "By when"),
        "status": pgettext("minutes", "Status"),
        "fields": pgettext("minutes", "Decision details for item {number}"),
    }


_OPEN = {"", "öppen", "öppet", "pågår", "open", "ongoing"}
_DONE = {"klar", "klart", "avklarad", "avklarat", "done", "closed"}
_SPLIT = re.compile(r"[,;\s]+")
#: The longest decision id (a diarienummer, or ``klg-2026-03-17 §4``): as in decision lists.
MAX_ID = 200


def _lang(org: Organization) -> str:
    return org.language


def field_labels(org: Organization) -> dict[str, str]:
    """The label of every decision field and action column, in the organisation's language.

    Also ``fields``: the caption of an item's decision fields (``{number}`` to fill in).
    """
    return dict(_labels_for(_lang(org)))


def action_labels(org: Organization) -> tuple[str, ...]:
    """The action list's column headings: what, who, by when, status."""
    labels = _labels_for(_lang(org))
    return tuple(labels[key] for key in ACTION_KEYS)


def _key_of_label(label: str) -> str | None:
    wanted = " ".join(label.split()).casefold()
    for labels in (_labels_for(lang) for lang in LOCALES):
        for key in DECISION_KEYS:
            if labels[key].casefold() == wanted:
                return key
    return None


def decision_id(group: str, day: dt.date, number: int) -> str:
    """``klg-2026-03-17 §4``: the decision under item ``number`` of that meeting."""
    return f"{group}-{day.isoformat()} §{number}"


def action_id(group: str, day: dt.date, index: int) -> str:
    """``klg-2026-03-17 #3``: the ``index``-th filled row of that meeting's action list."""
    return f"{group}-{day.isoformat()} #{index}"


def has_decision_fields(entry: Entry) -> bool:
    """Whether the minutes give this agenda line decision fields: submitted decision items."""
    return entry.item is not None and entry.section == "decision"


def _amount_text(amount: Decimal) -> str:
    return f"{amount:f}"


def prefill(agenda: Agenda, entry: Entry) -> dict[str, str]:
    """What mgovern writes into an item's decision fields: its id and the item's matter."""
    values = dict.fromkeys(DECISION_KEYS, "")
    values["id"] = decision_id(agenda.group, agenda.meeting.start.date(), entry.number)
    if entry.item is not None:
        values["item"] = entry.item.item.id
        matter = entry.item.matter
        if matter is not None:
            values["category"] = matter.category
            if matter.amount is not None:
                values["amount"] = _amount_text(matter.amount)
            values["units"] = ", ".join(matter.units)
            values["flags"] = ", ".join(sorted(matter.flags))
    return values


def _error(source: str, where: str, label: str, message: str) -> ConfigError:
    return ConfigError(message, path=f"{where}, {label}", source=source)


def _find_role(org: Organization, text: str) -> str | None:
    wanted = text.casefold()
    for role in org.roles:
        if wanted in (role.id.casefold(), role.name.casefold()):
            return role.id
    return None


def _find_person(org: Organization, text: str) -> str | None:
    wanted = " ".join(text.split()).casefold()
    for person in org.people:
        if wanted in (person.id.casefold(), person.name.casefold()):
            return person.id
    return None


def _amount(text: str) -> Decimal:
    cleaned = "".join(text.split()).replace("\u00a0", "").replace("_", "")
    for suffix in ("kr", "sek", ":-"):
        if cleaned.lower().endswith(suffix):
            cleaned = cleaned[: -len(suffix)]
    if len(cleaned) > 40 or not re.fullmatch(r"[0-9]+([.,][0-9]+)?", cleaned):
        raise ValueError(text)
    try:
        amount = Decimal(cleaned.replace(",", "."))
    except InvalidOperation:  # pragma: no cover - the pattern admits only numbers
        raise ValueError(text) from None
    if check_amount(amount) is not None:
        raise ValueError(text)
    return amount


def _date(text: str) -> dt.date:
    """A day written ``YYYY-MM-DD`` within the years every list takes (as decision lists)."""
    day = parse_date(text)
    if day is None or not FIRST_YEAR <= day.year <= LAST_YEAR:
        raise ValueError(text)
    return day


def meeting_day(text: str) -> dt.date:
    """The meeting's day the minutes name (``2026-03-17``), as strictly as a list's dates.

    :raises ValueError: any other text, or a day outside the years lists take.
    """
    return _date(text)


def _checked(
    source: str, where: str, label: str, value: str, *, prose: bool = False, ident: bool = False
) -> str:
    """``value`` if it keeps the bounds of decision lists (:func:`mgovern.bounds.check_text`,
    ids at most :data:`MAX_ID` characters): what minutes give, a list can hold again."""
    problem = check_text(value, prose=prose)
    if problem is None and ident and len(value) > MAX_ID:
        problem = f"{quote(value)} is too long: at most {MAX_ID} characters"
    if problem is not None:
        raise _error(source, where, label, problem)
    return value


def read_decision(
    org: Organization,
    source: str,
    group: str,
    day: dt.date,
    number: int,
    values: Mapping[str, str],
) -> Decision | None:
    """The decision in item ``number``'s fields, or None when its text is empty.

    ``values`` maps the keys of :data:`DECISION_KEYS` to the text found in the fields
    (missing keys count as empty).

    :raises ConfigError: a filled field that is wrong, naming ``source``, the item and
        the field.
    """
    labels = _labels_for(_lang(org))
    where = f"item {number}"

    def value(key: str) -> str:
        return values.get(key, "").strip()

    text = "\n".join(line.strip() for line in value("text").splitlines()).strip()
    if not text:
        return None
    _checked(source, where, labels["text"], text, prose=True)
    for key in ("id", "item"):
        _checked(source, where, labels[key], value(key), ident=True)
    for key in ("role", "person", "category", "units", "flags"):
        _checked(source, where, labels[key], value(key), prose=key in ("units", "flags"))
    role_text, person_text = value("role"), value("person")
    person = None
    if person_text:
        person = _find_person(org, person_text)
        if person is None:
            raise _error(
                source, where, labels["person"], f"unknown person {quote(person_text)}; give an id"
            )
    if role_text:
        group_names = {group.casefold(), org.group(group).name.casefold(), GROUP_DECIDES, "gruppen"}
        as_group = role_text.casefold() in group_names
        role = GROUP_DECIDES if as_group else _find_role(org, role_text)
        if role is None:
            known = ", ".join(r.id for r in org.roles)
            raise _error(
                source, where, labels["role"], f"unknown role {quote(role_text)}; roles: {known}"
            )
    elif person is not None and len(org.person(person).roles) == 1:
        role = org.person(person).roles[0]
    elif person is not None:
        held = org.person(person).roles
        message = (
            f"{person_text} holds the roles {', '.join(held)}; name the one they decided in"
            if held
            else f"{person_text} holds no role; name the role they decided in"
        )
        raise _error(source, where, labels["role"], message)
    else:
        role = GROUP_DECIDES
    category = value("category")
    if not category:
        raise _error(source, where, labels["category"], "the matter's category is empty")
    if category not in {c.id for c in org.categories}:
        by_name = [c.id for c in org.categories if c.name.casefold() == category.casefold()]
        if not by_name:
            raise _error(source, where, labels["category"], f"unknown category {quote(category)}")
        category = by_name[0]
    amount = None
    if value("amount"):
        try:
            amount = _amount(value("amount"))
        except ValueError:
            raise _error(
                source,
                where,
                labels["amount"],
                f"{quote(value('amount'))} is not an amount below 10^15 with at most six "
                "decimals; write e.g. 3200000 or 3 200 000",
            ) from None
    units = tuple(u for u in _SPLIT.split(value("units")) if u)
    for unit in units:
        if not org.has_group(unit):
            raise _error(source, where, labels["units"], f"unknown group {quote(unit)}")
    flags = frozenset(f for f in _SPLIT.split(value("flags")) if f)
    known_flags = {f.id for f in org.flags}
    for flag in sorted(flags - known_flags):
        raise _error(source, where, labels["flags"], f"unknown flag {quote(flag)}")
    return Decision(
        value("id") or decision_id(group, day, number),
        day,
        role,
        Matter(category, amount=amount, units=units, flags=flags, year=day.year),
        text,
        decision_maker=person,
        forum=group,
        item=value("item") or None,
        source=f"{source}: {where}",
    )


def read_action(
    org: Organization,
    source: str,
    group: str,
    day: dt.date,
    index: int,
    where: str,
    cells: Sequence[str],
) -> Action | None:
    """The action in one row of the action list (``cells``: what, who, by when, status).

    ``index`` numbers the filled rows (the action's id); ``where`` names the row in
    errors (``action list row 3``). An entirely empty row is None.

    :raises ConfigError: a filled row that is wrong, naming ``source``, the row and the
        column.
    """
    labels = _labels_for(_lang(org))
    padded = [" ".join(cell.split()) for cell in [*cells, "", "", "", ""][:4]]
    what, owner_text, due_text, status_text = padded
    if not (what or owner_text or due_text or status_text):
        return None
    if not what:
        raise _error(source, where, labels["what"], "what is to be done is empty")
    _checked(source, where, labels["what"], what, prose=True)
    for key, cell in (("owner", owner_text), ("due", due_text), ("status", status_text)):
        _checked(source, where, labels[key], cell)
    owner = _find_person(org, owner_text) if owner_text else None
    if owner is None:
        message = f"unknown person {quote(owner_text)}" if owner_text else "nobody is named"
        raise _error(source, where, labels["owner"], message)
    try:
        due = _date(due_text)
    except ValueError:
        raise _error(
            source, where, labels["due"], f"{quote(due_text)} is not a date; write e.g. 2026-04-30"
        ) from None
    word, _, rest = status_text.partition(" ")
    status, done_on = ActionStatus.OPEN, None
    if status_text.casefold() in _OPEN:
        pass
    elif word.casefold() in _DONE:
        status = ActionStatus.DONE
        try:
            done_on = _date(rest) if rest.strip() else day
        except ValueError:
            raise _error(
                source,
                where,
                labels["status"],
                f"{quote(rest.strip())} is not a date; write e.g. 'klar 2026-04-02'",
            ) from None
    else:
        raise _error(
            source,
            where,
            labels["status"],
            f"{quote(status_text)}: write nothing (open), 'klar' or 'klar 2026-04-02' (done)",
        )
    return Action(
        action_id(group, day, index),
        what,
        owner,
        due,
        group=group,
        meeting=day,
        status=status,
        done_on=done_on,
        source=f"{source}: {where}",
    )


# --- Markdown ----------------------------------------------------------------------------

_MINUTES = re.compile(r"<!--\s*mgovern:minutes\s+group=(\S+)\s+meeting=(\S+)\s*-->")
_DECISION = re.compile(r"<!--\s*mgovern:decision\s+item=(\d+)\s*-->")
_ACTIONS = re.compile(r"<!--\s*mgovern:actions\s*-->")


def _cell(text: str) -> str:
    return text.replace("|", "\\|").replace("\n", "<br>")


def markdown_fields(org: Organization, agenda: Agenda, entry: Entry) -> list[str]:
    """An item's decision fields as Markdown lines: a marker comment and a table."""
    labels = _labels_for(_lang(org))
    values = prefill(agenda, entry)
    lines = [
        f"<!-- mgovern:decision item={entry.number} -->",
        f"| {labels['fields'].format(number=entry.number)} | |",
        "|---|---|",
    ]
    lines += [f"| {labels[key]} | {_cell(values[key])} |" for key in DECISION_KEYS]
    return lines


def markdown_marker(agenda: Agenda) -> str:
    """The comment that names the meeting the Markdown minutes are for."""
    return f"<!-- mgovern:minutes group={agenda.group} meeting={agenda.meeting.start.date()} -->"


def markdown_actions(org: Organization, rows: int = 1) -> list[str]:
    """The action list as a Markdown table, after its marker comment."""
    headings = action_labels(org)
    return [
        "<!-- mgovern:actions -->",
        "| " + " | ".join(headings) + " |",
        "|" + "---|" * len(headings),
        *(["|" + "  |" * len(headings)] * rows),
    ]


def _split_row(line: str) -> list[str]:
    """The cells of a Markdown table row; ``\\|`` is a pipe, ``<br>`` a line break."""
    body = line.strip()
    body = body.removeprefix("|")
    if body.endswith("|") and not body.endswith("\\|"):
        body = body[:-1]
    cells = re.split(r"(?<!\\)\|", body)
    return [
        re.sub(r"<br\s*/?>", "\n", cell.replace("\\|", "|"), flags=re.IGNORECASE).strip()
        for cell in cells
    ]


def _table(lines: list[str], start: int) -> list[tuple[int, list[str]]]:
    """The body rows (line number, cells) of the table that starts at ``start``."""
    rows = []
    index = start
    while index < len(lines) and not lines[index].strip():
        index += 1
    seen = 0
    while index < len(lines) and lines[index].lstrip().startswith("|"):
        if seen >= 2:  # the header and the separator line
            rows.append((index + 1, _split_row(lines[index])))
        seen += 1
        index += 1
    return rows


def read_markdown_minutes(org: Organization, path: Path) -> DecisionBatch | None:
    """The decisions and actions in Markdown minutes mgovern wrote; None for other files.

    :raises ConfigError: a filled field that is wrong, naming the file, item and field.
    """
    from mgovern.config import read_file

    source = str(path)
    try:
        text = read_file(path).decode("utf-8-sig")  # at most MAX_FILE_BYTES
    except UnicodeDecodeError:
        return None
    found = _MINUTES.search(text)
    if found is None:
        return None
    group = found.group(1)
    if not org.has_group(group):
        raise ConfigError(f"the minutes are for an unknown group {quote(group)}", source=source)
    try:
        day = meeting_day(found.group(2))
    except ValueError:
        raise ConfigError(
            f"bad meeting date {quote(found.group(2))}: write it 2026-03-17", source=source
        ) from None
    lines = text.splitlines()
    decisions: list[Decision] = []
    actions: list[Action] = []
    for number_line, line in enumerate(lines):
        marker = _DECISION.search(line)
        if marker is not None:
            number = int(marker.group(1))
            values: dict[str, str] = {}
            for row, cells in _table(lines, number_line + 1):
                label, value = cells[0], " | ".join(cells[1:])  # an unescaped | stays text
                key = _key_of_label(label)
                if key is None:
                    raise ConfigError(
                        f"unknown field {quote(label)}; the fields are "
                        + ", ".join(_labels_for(_lang(org))[k] for k in DECISION_KEYS),
                        source=source,
                        line=row,
                    )
                values[key] = value
            decision = read_decision(org, source, group, day, number, values)
            if decision is not None:
                decisions.append(decision)
        elif _ACTIONS.search(line):
            for row, cells in _table(lines, number_line + 1):
                if any(cells[len(ACTION_KEYS) :]):
                    raise ConfigError(
                        f"more than {len(ACTION_KEYS)} columns; write a | in the text as \\|",
                        source=source,
                        line=row,
                    )
                index = len(actions) + 1
                action = read_action(org, source, group, day, index, f"line {row}", cells)
                if action is not None:
                    actions.append(action)
    return DecisionBatch(source, tuple(decisions), tuple(actions))
