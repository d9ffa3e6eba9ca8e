"""Build the site: every file by its relative path, the same bytes for the same input.

The decision data comes from :func:`mgovern.rules.coverage.cell_classes` (the partition that
``mgovern check`` decides exactly) and :func:`mgovern.route` (every explanation); the
pages are Jinja2 templates; the "where does my matter go?" form reads a table of that
partition (one script per category, loaded with a ``<script>`` element so that it works
from ``file://``) and does nothing but look up.

Why one module of 1015 lines: every page is one small function over one partition and one
set of words; the markup lives in the templates.
"""

from __future__ import annotations

import datetime as dt
import json
import unicodedata
from collections.abc import Callable, Iterable, Mapping, Sequence
from decimal import Decimal
from pathlib import Path
from typing import Any

import attrs

from mgovern.calendars.cycles import Occurrence, occurrences
from mgovern.calendars.ical import calendar
from mgovern.model import GROUP_DECIDES, AmountUnit, Matter, Organization, ScopeClause, Span
from mgovern.rules.coverage import Cell, CellClass, Report, cell_classes, check
from mgovern.rules.explain import format_amount
from mgovern.rules.scope import route
from mgovern_site._notices import atom_feed, notice_board, notice_calendar, notice_link
from mgovern_site._texts import texts

__all__ = ["build_site", "calendars_base", "context_key", "year_class"]

#: The most columns the who-decides matrix shows per category.
MAX_COLUMNS = 24
#: Meetings listed per series on a group page.
NEXT_MEETINGS = 5
#: Findings listed per kind on the coverage page (``mgovern check --json`` has them all).
MAX_FINDINGS = 100
#: Key dates on the start page.
MAX_KEY_DATES = 40
#: Decisions listed from the register.
LATEST_DECISIONS = 25

STATIC = ("site.css", "site.js", "where.js")


def year_class(org: Organization, day: dt.date) -> int | None:
    """The listed base-amount year in force on ``day`` (None: no base amounts listed)."""
    years = sorted(b.year for b in org.base_amounts)
    if not years:
        return None
    earlier = [y for y in years if y <= day.year]
    return earlier[-1] if earlier else years[0]


def context_key(where: str | None, span: Span | None) -> str:
    """How the form names a unit context: ``""`` (no units), ``mv``, or ``klg*`` (several
    branches under klg)."""
    if where is None:
        return ""
    return f"{where}*" if span is Span.MULTI else where


def _json(value: Any) -> str:
    return json.dumps(value, ensure_ascii=False, sort_keys=True, separators=(",", ":"))


def _exact(value: Decimal | None) -> str | None:
    """An amount bound as the form compares it: exact decimal text (``"88800.5"``), never a
    JavaScript number (a float: ``0.1 + 0.2`` and amounts beyond 2**53 are not exact)."""
    if value is None:
        return None
    text = f"{value:f}"
    return text.rstrip("0").rstrip(".") if "." in text else text


def _plain(text: str) -> str:
    """Lower case without diacritics: what the search compares."""
    folded = unicodedata.normalize("NFD", text.lower())
    return "".join(c for c in folded if not unicodedata.combining(c))


@attrs.define
class _Routes:
    """The partition as the form and the matrix read it, for one category."""

    classes: list[dict[str, Any]] = attrs.Factory(list)
    contexts: dict[str, tuple[int, list[int]]] = attrs.Factory(dict)
    # (home, deciding role, explanation, the candidate homes when ambiguous)
    results: list[tuple[str | None, str | None, int, tuple[str, ...]]] = attrs.Factory(list)
    result_index: dict[tuple[object, ...], int] = attrs.Factory(dict)


@attrs.define
class _Partition:
    routes: dict[str, _Routes]
    texts: list[str]
    # (group, excludes clause) -> where those matters go: (home,), the candidate homes of
    # an ambiguous matter, or () for a gap
    excluded_to: dict[tuple[str, str], set[tuple[str, ...]]]


def _signature(cell: Cell) -> tuple[object, ...]:
    return (cell.home, cell.clause, cell.reasons, cell.homes)


def _explained(
    org: Organization, witness: Matter, raised_in: str, home: str | None, homes: tuple[str, ...]
) -> tuple[str, str | None]:
    """What mgovern.route says about the witness, raised in its home, after the lines
    about the matter itself; and the deciding role.

    For a matter with a home these are the deciding clause and who decides, the same for
    every matter whose deciding clause this is; the lines naming the other clauses that
    also matched or were excluded are left out (they differ with every unit context: in
    a 2,000-group organisation they would make 750,000 different texts). For a gap or
    an ambiguous matter everything route says is kept.
    """
    routing = route(org, witness, raised_in=raised_in)
    assert routing.home == home, (routing, home)
    assert homes == (routing.homes if routing.outcome.value == "ambiguous" else ()), routing
    lines = str(routing).splitlines()[2:]
    return "\n".join(lines[:2] if home is not None else lines), routing.decided_by


def _partition(org: Organization, classes: Sequence[CellClass]) -> _Partition:
    """Every class's cells as rows, every context's results, every explanation once."""
    root = org.groups[0].id
    routes: dict[str, _Routes] = {c.id: _Routes() for c in org.categories}
    text_index: dict[str, int] = {}
    all_texts: list[str] = []
    explained: dict[tuple[object, ...], tuple[str | None, str | None, int, tuple[str, ...]]] = {}
    excluded_to: dict[tuple[str, str], set[tuple[str, ...]]] = {}
    for found in classes:
        table = routes[found.category]
        slots: dict[tuple[object, ...], int] = {}
        witnesses: list[Cell] = []
        rows: list[list[Any]] = []
        mentioned: set[str] = set()
        for cell in found.cells:
            slot = slots.setdefault(_signature(cell), len(slots))
            if slot == len(witnesses):
                witnesses.append(cell)
            mentioned |= cell.mentioned
            rows.append(
                [
                    0 if cell.amounts.none else 1,
                    _exact(cell.amounts.low),
                    _exact(cell.amounts.high),
                    ",".join(sorted(cell.flags)),
                    slot,
                ]
            )
        class_index = len(table.classes)
        table.classes.append({"m": sorted(mentioned), "r": rows})
        # what each slot's excluding clauses are, by the excluding group
        excluding: list[dict[str, list[str]]] = []
        for cell in witnesses:
            by_group: dict[str, list[str]] = {}
            for ref in cell.excluded_by:
                by_group.setdefault(ref.group, []).append(ref.clause)
            excluding.append(by_group)
        for where, span, units, pairs in found.contexts:
            rename = dict(pairs)
            own = next((first for first, this in pairs if this == where), where)
            results = []
            for slot, cell in enumerate(witnesses):
                home = rename.get(cell.home, cell.home) if cell.home else None
                # several homes that the organisation's resolution does not tell apart
                # (resolution = "strict"): the candidates, as route names them
                homes = (
                    tuple(rename.get(h, h) for h in cell.homes)
                    if home is None and len(cell.homes) > 1
                    else ()
                )
                key: tuple[object, ...]
                if cell.clause is not None:  # the deciding clause says it all (see _explained)
                    key = (home, cell.clause.clause)
                else:
                    key = (
                        None,
                        frozenset(
                            (rename.get(r.group, r.group), r.kind, r.clause) for r in cell.reasons
                        ),
                        frozenset(rename.get(h, h) for h in cell.homes),
                    )
                result = explained.get(key)
                if result is None:
                    witness = attrs.evolve(cell.witness, units=units)
                    text, decided_by = _explained(org, witness, home or root, home, homes)
                    if text not in text_index:
                        text_index[text] = len(all_texts)
                        all_texts.append(text)
                    result = explained[key] = (home, decided_by, text_index[text], homes)
                if where is not None and own in excluding[slot]:
                    # matters of the group's own units that it excludes: where they go
                    for clause_id in excluding[slot][own]:
                        excluded_to.setdefault((where, clause_id), set()).add(
                            (home,) if home is not None else homes
                        )
                index = table.result_index.setdefault(result, len(table.results))
                if index == len(table.results):
                    table.results.append(result)
                results.append(index)
            table.contexts[context_key(where, span)] = (class_index, results)
    return _Partition(routes, all_texts, excluded_to)


def _routes_script(org: Organization, category: str, table: _Routes, all_texts: list[str]) -> str:
    used = sorted({r[2] for r in table.results})
    local = {t: i for i, t in enumerate(used)}
    data = {
        "classes": table.classes,
        "contexts": {k: [c, r] for k, (c, r) in sorted(table.contexts.items())},
        "results": [[home, role, local[t], list(homes)] for home, role, t, homes in table.results],
        "texts": [all_texts[t] for t in used],
    }
    return f"MG.routes[{_json(category)}] = {_json(data)};\n"


# --- the matrix --------------------------------------------------------------------------
@attrs.frozen
class _Column:
    """A row of the matrix: a unit context, its label, and units of a matter in it."""

    key: str
    label: str
    units: tuple[str, ...]


def _columns(org: Organization, words: Mapping[str, Any]) -> tuple[list[_Column], bool]:
    """The matrix's unit contexts, shallowest first, at most MAX_COLUMNS; and whether
    deeper ones were left out."""
    every: list[tuple[int, int, _Column]] = [(-1, -1, _Column("", str(words["units_none"]), ()))]
    for position, group in enumerate(org.groups):
        depth = org.depth(group.id)
        every.append((depth, position * 2, _Column(group.id, group.name, (group.id,))))
        children = org.children(group.id)
        if len(children) >= 2:
            label = str(words["units_multi"]).format(name=group.name)
            every.append(
                (depth, position * 2 + 1, _Column(f"{group.id}*", label, tuple(children[:2])))
            )
    depths = sorted({d for d, *_ in every})
    chosen = every[:1]
    for depth in depths[1:]:
        more = [c for c in every if c[0] == depth]
        if len(chosen) + len(more) > MAX_COLUMNS and len(chosen) > 1:
            break
        chosen.extend(more)
    chosen.sort(key=lambda c: (c[0] >= 0, c[1]))
    return [column for _, _, column in chosen], len(chosen) < len(every)


def _base_multiples(org: Organization) -> set[Decimal]:
    """The bounds that clauses write in base amounts."""
    found: set[Decimal] = set()
    for group in org.groups:
        for clause in (*group.mandate.handles, *group.mandate.excludes):
            if clause.amount_unit is AmountUnit.BASE:
                found.update(v for v in (clause.amount_min, clause.amount_max) if v is not None)
    return found


def _number(value: Decimal, org: Organization) -> str:
    return format_amount(value, "", org.locale).rstrip()


def amount_words(
    org: Organization,
    low: Decimal | None,
    high: Decimal | None,
    words: Mapping[str, Any],
    *,
    base: bool = False,
    year: int | None = None,
) -> str:
    """``[low, high)`` as staff say it: "under 50 prisbasbelopp", "50–200 prisbasbelopp",
    "från 200 prisbasbelopp", "under 592 000 SEK" (never interval notation).

    ``base``: the bounds are in base amounts (a clause's own words). Otherwise they are in
    currency, and a bound that is a clause's base-amount bound in ``year`` is said in base
    amounts.
    """
    multiples = _base_multiples(org) if not base and year is not None else set()
    amount_of_year = org.base_amount(year) if multiples else None

    def said(value: Decimal) -> tuple[str, str]:  # the number and its unit
        if base:
            return _number(value, org), org.base_amount_name
        if amount_of_year:
            multiple = value / amount_of_year
            if multiple in multiples:
                return _number(multiple, org), org.base_amount_name
        return _number(value, org), org.currency

    low = None if low is not None and low == 0 else low
    if low is None and high is None:
        return str(words["any_amount"])
    if low is None:
        assert high is not None
        return str(words["below"]).format(high=" ".join(said(high)))
    if high is None:
        return str(words["from"]).format(low=" ".join(said(low)))
    (low_number, low_unit), (high_number, high_unit) = said(low), said(high)
    if low_unit == high_unit:
        return str(words["between"]).format(low=low_number, high=high_number) + f" {low_unit}"
    return str(words["between_mixed"]).format(
        low=f"{low_number} {low_unit}", high=f"{high_number} {high_unit}"
    )


def _matrix(
    org: Organization,
    table: _Routes,
    columns: list[_Column],
    words: Mapping[str, Any],
    year: int | None,
) -> dict[str, Any]:
    """Every band of amounts in which no row's answer changes, and each row's answer in
    it: ``(home, role, candidate homes)``. Amounts compared exactly, as Decimals."""
    bounds: set[Decimal] = set()
    per_column: list[list[list[Any]]] = []
    for column in columns:
        class_index, _results = table.contexts[column.key]
        rows = [r for r in table.classes[class_index]["r"] if r[3] == ""]
        per_column.append(rows)
        bounds.update(Decimal(r[1]) for r in rows if r[0] == 1)
    lows = sorted(bounds)

    def result_of(column: int, amount: Decimal | None) -> tuple[Any, ...]:
        _, results = table.contexts[columns[column].key]
        row = next(
            r
            for r in per_column[column]
            if (
                r[0] == 0
                if amount is None
                else r[0] == 1
                and Decimal(r[1]) <= amount
                and (r[2] is None or amount < Decimal(r[2]))
            )
        )
        home, role, _text, homes = table.results[results[row[4]]]
        return (home, role, homes)

    merged: list[list[Any]] = []  # [low, high, cells]
    for i, low in enumerate(lows):
        high = lows[i + 1] if i + 1 < len(lows) else None
        cells = [result_of(c, low) for c in range(len(columns))]
        if merged and merged[-1][2] == cells:
            merged[-1][1] = high
        else:
            merged.append([low, high, cells])
    bands = [
        {
            "label": str(words["no_amount"]),
            "none": True,
            "low": "",
            "high": "",
            "cells": [result_of(i, None) for i in range(len(columns))],
        }
    ]
    bands += [
        {
            "label": amount_words(org, low, high, words, year=year),
            "none": False,
            "low": _exact(low),
            "high": _exact(high) or "",
            "cells": cells,
        }
        for low, high, cells in merged
    ]
    return {"bands": bands}


# --- pages ---------------------------------------------------------------------------------
def _role_name(org: Organization, role: str | None, words: Mapping[str, Any]) -> str:
    if role is None:
        return ""
    if role == GROUP_DECIDES:
        return str(words["group_decides"])
    return next((r.name for r in org.roles if r.id == role), role)


def _describe_clause(org: Organization, clause: ScopeClause, words: Mapping[str, Any]) -> str:
    """A clause in the words of a page: categories, amounts ("50–200 prisbasbelopp"),
    span, flags by name."""
    flag_names = {f.id: f.name for f in org.flags}
    parts = [
        ", ".join(org.category(c).name for c in sorted(clause.categories))
        if clause.categories
        else str(words["all_categories"])
    ]
    if clause.has_amount_range:
        parts.append(
            amount_words(
                org,
                clause.amount_min,
                clause.amount_max,
                words,
                base=clause.amount_unit is AmountUnit.BASE,
            )
        )
    parts.append(str(words["span"][clause.span.value]))
    if clause.flags_required:
        names = sorted(flag_names.get(f, f) for f in clause.flags_required)
        parts.append(f"{words['needs']} " + ", ".join(names))
    if clause.flags_forbidden:
        names = sorted(flag_names.get(f, f) for f in clause.flags_forbidden)
        parts.append(f"{words['not']} " + ", ".join(names))
    return "; ".join(parts)


def _clause_sentence(
    org: Organization,
    group_name: str,
    clause: ScopeClause,
    words: Mapping[str, Any],
    vacant: bool = False,
) -> str:
    decider = _role_name(org, clause.decided_by, words)
    if vacant:  # an office nobody in the group holds on the site's day
        decider += f" ({words['vacant']})"
    sentence = f"{group_name} {words['handles_verb']} {_describe_clause(org, clause, words)}; "
    sentence += (
        decider if clause.decided_by == GROUP_DECIDES else f"{words['decision']}: {decider.lower()}"
    )
    if clause.fallback:
        sentence += f" {words['fallback']}"
    return sentence + "."


def _when(moment: dt.datetime, org: Organization) -> str:
    local = moment.astimezone(org.zone)
    return f"{local:%Y-%m-%d %H:%M}"


def _capital(text: str) -> str:
    return text[:1].upper() + text[1:]


def _until(start: dt.datetime, end: dt.datetime, org: Organization) -> str:
    """A meeting's end: the time, or the day and time when it ends on a later day."""
    local = end.astimezone(org.zone)
    same_day = local.date() == start.astimezone(org.zone).date()
    return f"{local:%H:%M}" if same_day else f"{local:%Y-%m-%d %H:%M}"


def _group_page(
    org: Organization,
    group_id: str,
    *,
    on: dt.date,
    start: dt.date,
    end: dt.date,
    partition: _Partition,
    subscribe: str,
    words: Mapping[str, Any],
    meetings: Sequence[Occurrence],
    offices: frozenset[str],
) -> dict[str, Any]:
    from mgovern.rules.scope import vacant

    group = org.group(group_id)
    mandate = group.mandate
    handles = [
        _clause_sentence(org, group.name, c, words, vacant(org, group_id, c.decided_by, offices))
        for c in mandate.handles
    ]
    excludes = []
    for clause in mandate.excludes:
        goes = sorted(
            partition.excluded_to.get((group.id, clause.id), set()),
            key=lambda homes: (not homes, [_position(org, h) for h in homes]),
        )
        excludes.append(
            {
                "text": _capital(_describe_clause(org, clause, words))
                + (f". {clause.note.rstrip('.')}" if clause.note else ""),
                "to": [
                    {
                        "homes": [(h, org.group(h).name) for h in homes],
                        "note": ""
                        if len(homes) == 1
                        else str(words["nowhere"])
                        if not homes
                        else f"({words['candidates']})",
                    }
                    for homes in goes
                ],
            }
        )
    people = []
    seen: set[str] = set()
    for person_id, label in (
        *(((group.chair, words["chair"]),) if group.chair else ()),
        *(((group.secretary, words["secretary"]),) if group.secretary else ()),
        *((m, words["member"]) for m in group.members),
    ):
        if person_id in seen:
            continue
        seen.add(person_id)
        person = org.person(person_id)
        roles = [
            name
            for r in person.roles
            if (name := _role_name(org, r, words)) and name.lower() not in person.title.lower()
        ]
        people.append({"name": person.name, "label": label, "title": person.title, "roles": roles})
    series = []
    for cycle in group.cycles:
        upcoming = [m for m in meetings if m.cycle == cycle.id and m.start.date() >= on]
        series.append(
            {
                "name": cycle.name,
                "description": cycle.description,
                "time": f"{cycle.time:%H:%M}",
                "minutes": cycle.duration,
                "location": cycle.location,
                "next": [
                    {
                        "when": _when(m.start, org),
                        "until": _until(m.start, m.end, org),
                        "deadline": _when(m.agenda_deadline, org) if m.agenda_deadline else "",
                        "status": str(m.status.value) if str(m.status.value) != "scheduled" else "",
                        "reason": m.reason,
                    }
                    for m in upcoming[:NEXT_MEETINGS]
                ],
            }
        )
    return {
        "group": group,
        "ancestors": [org.group(a) for a in reversed(list(org.ancestors(group.id)))],
        "children": [org.group(c) for c in org.children(group.id)],
        "handles": handles,
        "excludes": excludes,
        "people": people,
        "series": series,
        "subscribe": subscribe,
    }


def _position(org: Organization, group_id: str | None) -> int:
    return 0 if group_id is None else [g.id for g in org.groups].index(group_id)


def _tree(org: Organization) -> list[dict[str, Any]]:
    def node(group_id: str) -> dict[str, Any]:
        group = org.group(group_id)
        return {"group": group, "children": [node(c) for c in org.children(group_id)]}

    return [node(g.id) for g in org.roots]


def _key_dates(
    org: Organization, on: dt.date, meetings: Mapping[str, Sequence[Occurrence]]
) -> list[dict[str, str]]:
    """The year's meetings of the root groups, and every planning or board meeting."""
    found = []
    for group in org.groups:
        keep = {
            c.id: c.name
            for c in group.cycles
            if group.parent is None or c.kind.value in ("board", "planning")
        }
        for meeting in meetings[group.id]:
            if meeting.cycle in keep and meeting.start.astimezone(org.zone).year == on.year:
                found.append(
                    (
                        meeting.start,
                        group.id,
                        {
                            "when": _when(meeting.start, org),
                            "group": group.id,
                            "group_name": group.name,
                            "what": keep[meeting.cycle],
                        },
                    )
                )
    found.sort(key=lambda f: (f[0], f[1]))
    return [f[2] for f in found[:MAX_KEY_DATES]]


def _decisions(
    org: Organization, db: Path | None, on: dt.date, words: Mapping[str, Any]
) -> list[dict[str, str]] | None:
    """The register's latest decisions up to ``on`` (the site's day: a site "as of" a day
    shows nothing decided after it), decision-makers by name; None when no register is
    given or the register module is not there (the section is left out)."""
    if db is None:
        return None
    try:
        from mgovern.register.store import Register
    except ImportError:
        return None
    with Register(db, read_only=True) as register:
        decisions = register.decisions()
    decided = [d for d in decisions if d.date <= on]
    latest = sorted(decided, key=lambda d: (d.date, d.id), reverse=True)[:LATEST_DECISIONS]
    people = {p.id: p.name for p in org.people}
    return [
        {
            "date": d.date.isoformat(),
            "id": d.id,
            "text": d.text,
            "by": _role_name(org, d.decided_by, words)
            + (f" ({people.get(d.decision_maker, d.decision_maker)})" if d.decision_maker else ""),
            "forum": d.forum or "",
            "forum_name": org.group(d.forum).name if d.forum and _known(org, d.forum) else "",
        }
        for d in latest
    ]


def _meeting_records(
    org: Organization, db: Path | None, on: dt.date
) -> list[dict[str, Any]] | None:
    """The register's meeting records up to ``on``, each with its attendance and vote
    grid and the validity check's findings (mgovern.meetings); None without a register,
    without records, or without that module (the section is left out)."""
    if db is None:
        return None
    try:
        from mgovern.meetings.formatting import finding_line
        from mgovern.meetings.sources import from_stored
        from mgovern.meetings.validity import check_record, serving_on
        from mgovern.register.store import Register
    except ImportError:
        return None
    with Register(db, read_only=True) as register:
        stored = register.meetings() if hasattr(register, "meetings") else ()
    records = [from_stored(s, source=str(db)) for s in stored]
    records = [r for r in records if r.start.date() <= on and _known(org, r.group)]
    if not records:
        return None
    people = {p.id: p.name for p in org.people}
    views = []
    for record in sorted(records, key=lambda r: (r.start, r.group), reverse=True):
        group = org.group(record.group)
        there = set(record.present) | {a.person for a in record.partly}
        persons = [*group.members, *(s for s in group.substitutes if s in there)]
        rows = []
        for person in persons:
            cells = []
            for item in record.items:
                cell = "x" if person in serving_on(record, group, item) else ""
                if any(d.person == person for d in item.jav):
                    cell = "J"
                vote = item.vote
                if vote is not None and vote.kind.value == "named":
                    for side, label in ((vote.ja, "ja"), (vote.nej, "nej"), (vote.abstain, "avst")):
                        if person in side:
                            cell = label
                cells.append(cell)
            rows.append({"name": people.get(person, person), "cells": cells})
        views.append(
            {
                "path": f"meetings/{record.group}-{record.start.strftime('%Y-%m-%d-%H%M')}.html",
                "group": group.id,
                "group_name": group.name,
                "when": _when(record.start, org),
                "items": [
                    {"number": i.number, "title": i.title, "decision": i.decision}
                    for i in record.items
                ],
                "rows": rows,
                "findings": [finding_line(org, record, f) for f in check_record(record, group)],
            }
        )
    return views


def _year_wheel(org: Organization, on: dt.date) -> dict[str, Any] | None:
    """The year's annual matters planned back through the meetings (mgovern.annual.planning); None
    when that module is not installed or the organisation has no annual matters."""
    if not getattr(org, "annual", ()):
        return None
    try:
        from mgovern.annual.planning import plan
    except ImportError:
        return None
    found = plan(org, dt.date(on.year, 1, 1), dt.date(on.year, 12, 31))
    return {
        "plans": [
            {
                "name": p.matter.name,
                "decision": _when(p.decision.start, org),
                "stages": [
                    {
                        "group": s.stage.group,
                        "group_name": org.group(s.stage.group).name,
                        "when": _when(s.meeting.start, org),
                        "deadline": _when(s.meeting.agenda_deadline, org)
                        if s.meeting.agenda_deadline
                        else "",
                    }
                    for s in p.stages
                ],
            }
            for p in found.plans
        ],
        "problems": [str(n) for n in (*found.not_fitting, *found.crowded)],
    }


def _known(org: Organization, group_id: str) -> bool:
    return any(g.id == group_id for g in org.groups)


def _report_view(org: Organization, report: Report, words: Mapping[str, Any]) -> dict[str, Any]:
    """The report's findings in names, not ids, each with the base-amount year it holds
    for (a finding for 2024 and one for 2026 are two findings, not one written twice);
    each list cut at MAX_FINDINGS (the page says how many more)."""
    from mgovern.rules.explain import describe_matter

    def cut(found: Sequence[Any], show: Any) -> tuple[list[Any], int]:
        return [show(x) for x in found[:MAX_FINDINGS]], max(0, len(found) - MAX_FINDINGS)

    def name(group_id: str) -> str:
        return org.group(group_id).name if _known(org, group_id) else group_id

    def clause(ref: Any) -> str:
        return f"{name(ref.group)}: {ref.clause}"

    def witness(matter: Matter, year: int | None = None) -> str:
        year = matter.year if year is None else year
        said = f"{words['witness']}: {describe_matter(org, matter)}"
        return f"{words['in_year'].format(year=year)}, {said}" if year is not None else said

    years = sorted({b.year for b in org.base_amounts})
    return {
        "ok": report.ok,
        "cells": report.cells,
        "years": ", ".join(map(str, years)),
        "gaps": cut(report.gaps, lambda g: witness(g.witness, g.year)),
        "overlaps": cut(
            report.overlaps,
            lambda o: (
                f" {words['or']} ".join(name(h) for h in o.homes),
                name(o.winner) if o.winner else "",
                witness(o.witness),
            ),
        ),
        "fallback_only": cut(
            report.fallback_only,
            lambda g: (clause(g.caught_by), witness(g.witness, g.year)),
        ),
        "dead": cut(report.dead_clauses, lambda d: clause(d.clause)),
    }


#: The schemes a calendar subscription link may have (no ``javascript:``, ``data:``, ...).
CALENDAR_SCHEMES = ("https", "http", "webcal")


def calendars_base(calendars_url: str) -> str:
    """The ``webcal://`` address the subscribe links start with, for the folder where
    ``mgovern publish`` put the calendars.

    Refused (:class:`mgovern.urls.URLError`, a message that never quotes a user name or
    password): any scheme but ``https:``, ``http:`` or ``webcal:``, and any user
    information: the address is written into every group page, which anyone may read.
    """
    import re

    from mgovern.urls import URLError, parse_url

    if "@" in unicodedata.normalize("NFKC", calendars_url):
        raise URLError(
            "--calendars-url: the address holds an '@' (a user name or password?), which "
            "would be written into every public page; give the address subscribers use, "
            "without 'user:password@' (an '@' in a path is written %40)"
        )
    scheme = re.match(r"([A-Za-z][A-Za-z0-9+.-]{0,31}):", calendars_url)
    if scheme is None or scheme[1].lower() not in CALENDAR_SCHEMES:
        raise URLError(
            "--calendars-url: a calendar address starts with https://, http:// or webcal://, "
            "e.g. https://www.example.se/kalendrar/"
        )
    try:
        url = parse_url(calendars_url)
    except URLError as exc:
        raise URLError(f"--calendars-url: {exc}") from None
    return f"webcal://{url.netloc}{url.path.rstrip('/')}"


def _subscribe(calendars_url: str | None, group_id: str) -> str:
    if calendars_url is None:
        return f"../calendars/groups/{group_id}.ics"
    return f"{calendars_base(calendars_url)}/groups/{group_id}.ics"


#: From this many groups on, check and the calendars run in a second process.
PARALLEL_FROM = 200

_WORK: tuple[Any, ...] | None = None  # what a forked helper computes (set before the fork)


def _report_and_calendars() -> tuple[Report, dict[str, bytes]]:
    assert _WORK is not None
    org, report, start, end, stamp, with_calendars = _WORK
    if report is None:
        report = check(org)
    calendars: dict[str, bytes] = {}
    if with_calendars:
        for group in org.groups:
            calendars[f"calendars/groups/{group.id}.ics"] = calendar(
                org, group=group.id, start=start, end=end, stamp=stamp
            ).to_ical()
    return report, calendars


class _Helper:
    """check's report and the calendar files: in a forked process for a large organisation
    on a machine with a core to spare (the same result, sooner), else here when asked."""

    def __init__(self, org: Organization, *work: Any) -> None:
        import os

        global _WORK
        _WORK = (org, *work)
        self._future: Any = None
        if len(org.groups) >= PARALLEL_FROM and (os.cpu_count() or 1) > 1 and os.name == "posix":
            import multiprocessing
            from concurrent.futures import ProcessPoolExecutor

            self._pool = ProcessPoolExecutor(1, mp_context=multiprocessing.get_context("fork"))
            self._future = self._pool.submit(_report_and_calendars)

    def result(self) -> tuple[Report, dict[str, bytes]]:
        global _WORK
        try:
            if self._future is None:
                return _report_and_calendars()
            found: tuple[Report, dict[str, bytes]] = self._future.result()
            self._pool.shutdown()
            return found
        finally:
            _WORK = None


def build_site(
    org: Organization,
    *,
    on: dt.date,
    start: dt.date,
    end: dt.date,
    calendars_url: str | None = None,
    db: Path | None = None,
    report: Report | None = None,
    progress: Callable[[str, int, int], None] | None = None,
    offices: frozenset[str] | None = None,
) -> dict[str, bytes]:
    """Every file of the site by its path relative to the site's folder (sorted).

    ``on``: the day the site describes (next meetings from it; its year's base amount for
    the matrix and the form). ``start``..``end``: the meetings and calendar files.
    ``calendars_url``: where ``mgovern publish`` put the calendars (the subscribe links
    become ``webcal://`` there; only https:, http: or webcal:, no user information, see
    :func:`calendars_base`); else each group's .ics is in the site. ``db``: a decision
    register whose latest decisions up to ``on`` get a page. ``report``: :func:`mgovern.check`'s, if
    already computed. ``progress``: told ``(label, done, total)`` as the categories'
    partitions, the report and calendars, and the pages are done. ``offices``: the roles
    that are seats people hold (:func:`mgovern.rules.scope.offices` of the history the site is
    drawn from; default: the roles someone holds in ``org``); a clause whose office nobody
    in its group holds is marked vacant.
    """
    import jinja2

    from mgovern.rules.scope import offices as offices_of

    if calendars_url is not None:
        calendars_base(calendars_url)  # refused before any work (URLError)
    seats = offices if offices is not None else offices_of(org)
    words = texts(org.locale)
    year = year_class(org, on)
    stamp = dt.datetime.combine(on, dt.time(0), dt.UTC)
    # check's report and the calendar files on the other core, for a large organisation
    helper = _Helper(org, report, start, end, stamp, calendars_url is None)
    steps = 2 * len(org.categories) + len(org.groups) + 2
    done = 0

    def step() -> None:
        nonlocal done
        done += 1
        if progress is not None:
            progress("building the site", done, steps)

    classes: list[CellClass] = []
    for found in cell_classes(org, years=(year,) if year is not None else None):
        if classes and classes[-1].category != found.category:
            step()  # a category's partition is decided
        classes.append(found)
    while done < len(org.categories):
        step()
    partition = _partition(org, classes)
    report, calendars = helper.result()
    step()
    decisions = _decisions(org, db, on, words)
    board = notice_board(org, db, on, words)
    records = _meeting_records(org, db, on)
    wheel = _year_wheel(org, on)
    meetings = {g.id: occurrences(org, g.id, start, end) for g in org.groups}

    env = jinja2.Environment(
        loader=jinja2.PackageLoader("mgovern_site", "templates"),
        autoescape=True,
        undefined=jinja2.StrictUndefined,
        trim_blocks=True,
        lstrip_blocks=True,
        keep_trailing_newline=True,
    )
    nav = [
        ("index.html", words["start"]),
        ("who-decides.html", words["who_decides"]),
        ("where.html", words["where"]),
        ("coverage.html", words["coverage"]),
        *((("arshjul.html", words["wheel"]),) if wheel is not None else ()),
        *((("decisions.html", words["decisions"]),) if decisions is not None else ()),
        *((("anslagstavla.html", words["notices"]),) if board is not None else ()),
        *((("meetings.html", words["meeting_records"]),) if records is not None else ()),
        ("sitemap.html", words["sitemap"]),
    ]
    common = {
        "org": org,
        "t": words,
        "nav": nav,
        "day": on.isoformat(),
        "year": year if year is not None else on.year,
    }
    files: dict[str, bytes] = {}
    pages: list[tuple[str, str, str]] = []  # path, title, searchable text

    def page(path: str, template: str, title: str, search: Iterable[str], **context: Any) -> None:
        root = "../" * path.count("/")
        html = env.get_template(template).render(
            **common, root=root, here=path, title=title, **context
        )
        files[path] = html.encode("utf-8")
        pages.append((path, title, " ".join(search)))

    page(
        "index.html",
        "index.html.j2",
        f"{words['handbook']}: {org.name}",
        [org.name, *(g.name for g in org.groups)],
        tree=_tree(org),
        key_dates=_key_dates(org, on, meetings),
    )
    for group in org.groups:
        view = _group_page(
            org,
            group.id,
            on=on,
            start=start,
            end=end,
            partition=partition,
            subscribe=_subscribe(calendars_url, group.id),
            words=words,
            meetings=meetings[group.id],
            offices=seats,
        )
        page(
            f"groups/{group.id}.html",
            "group.html.j2",
            group.name,
            [
                group.name,
                group.short_name,
                group.mandate.purpose,
                *group.mandate.responsibilities,
                *view["handles"],
                *(p["name"] for p in view["people"]),
            ],
            **view,
        )
        step()
    files.update(calendars)

    columns, deeper = _columns(org, words)
    matrices = []
    for category in org.categories:
        table = partition.routes[category.id]
        flags = sorted({f for c in table.classes for f in c["m"]})
        matrices.append(
            {
                "category": category,
                "flags": [next(f.name for f in org.flags if f.id == x) for x in flags],
                **_matrix(org, table, columns, words, year),
            }
        )
        files[f"assets/routes/{category.id}.js"] = _routes_script(
            org, category.id, table, partition.texts
        ).encode("utf-8")
        step()
    roles = {r.id: r.name for r in org.roles}
    page(
        "who-decides.html",
        "who-decides.html.j2",
        str(words["who_decides"]),
        [c.name for c in org.categories],
        columns=columns,
        deeper=deeper,
        matrices=matrices,
        group_names={g.id: g.name for g in org.groups},
        roles={**roles, GROUP_DECIDES: _capital(str(words["group_decides"]))},
    )
    form_data = {
        "groups": {g.id: {"name": g.name, "up": list(org.ancestors(g.id))} for g in org.groups},
        "roles": {**roles, GROUP_DECIDES: _capital(str(words["group_decides"]))},
        "outcome": words["outcome"],
        "words": {
            k: words[k]
            for k in (
                "home",
                "decided_by",
                "why",
                "bad_amount",
                "gap",
                "ambiguous",
                "candidates",
                "or",
                "share",
            )
        },
    }
    files["assets/where-data.js"] = f"MG.where = {_json(form_data)};\n".encode()
    page(
        "where.html",
        "where.html.j2",
        str(words["where"]),
        [str(words["where"])],
        categories=org.categories,
        flags=org.flags,
    )
    page(
        "coverage.html",
        "coverage.html.j2",
        str(words["coverage"]),
        [str(words["coverage"])],
        report=_report_view(org, report, words),
    )
    if wheel is not None:
        page(
            "arshjul.html",
            "arshjul.html.j2",
            f"{words['wheel']} {on.year}",
            [p["name"] for p in wheel["plans"]],
            wheel=wheel,
        )
    if decisions is not None:
        page(
            "decisions.html",
            "decisions.html.j2",
            str(words["decisions"]),
            [d["text"] for d in decisions],
            decisions=decisions,
        )
    if board is not None:
        page(
            "anslagstavla.html",
            "notices.html.j2",
            str(words["notices"]),
            [n["title"] for n in board],
            notices=[{**n, "link": notice_link(n)} for n in board],
        )
        files["anslagstavla.atom"] = atom_feed(org, board, on, words)
        files["anslagstavla.ics"] = notice_calendar(org, board, on, words)
    if records is not None:
        page(
            "meetings.html",
            "meetings.html.j2",
            str(words["meeting_records"]),
            [f"{r['group_name']} {r['when']}" for r in records],
            records=records,
        )
        for record in records:
            page(
                record["path"],
                "meeting.html.j2",
                f"{record['group_name']} {record['when']}",
                [i["title"] for i in record["items"]],
                record=record,
            )
    listed = sorted(pages, key=lambda p: (p[0].count("/"), p[0]))
    page("sitemap.html", "sitemap.html.j2", str(words["sitemap"]), [], listed=listed)
    entries = sorted(pages)
    # each category's matrix is an entry of its own, titled by the category's name: the
    # search ranks an exact title first, so typing a category finds its matrix even where
    # a hundred group pages mention it
    entries += [
        (f"who-decides.html#{c.id}", f"{c.name} – {words['who_decides']}", c.name)
        for c in org.categories
    ]
    index = [
        [path, title, _plain(f"{title} {text}"), _plain(title)] for path, title, text in entries
    ]
    files["assets/search-index.js"] = f"MG.search = {_json(index)};\n".encode()
    for name in STATIC:
        files[f"assets/{name}"] = (Path(__file__).parent / "static" / name).read_bytes()
    step()
    return dict(sorted(files.items()))
