"""Delegation-decision lists: what case-management systems export, as CSV or TOML.

A municipal office's case-management system (*ärendehanteringssystem*) exports its
*delegationsbeslut* as one row per decision. mgovern reads such a list into a
:class:`~mgovern.register.records.DecisionBatch`, checking every id against the organisation.

CSV columns (the header row names them, in any order; only ``id``, ``date``,
``decided_by`` and ``category`` are required): ``id`` (the diarienummer), ``date``
(ISO, ``2026-03-17``), ``decided_by`` (a role id, or ``group`` for a group deciding as a
body), ``decision_maker`` (a person id), ``category``, ``amount`` (``3200000``,
``"3 200 000"`` or ``"2,5"``), ``units`` and ``flags`` (separated by ``|``, ``,`` or
spaces), ``year``, ``forum`` (the group it was prepared in), ``item``, ``urgent``
(true/false, ja/nej) and ``text``. The file is read as spreadsheets write it
(:mod:`mgovern._util.csvfile`: delimiter ``;``, ``,`` or a tab, quotes doubled, UTF-8 or UTF-16,
another encoding when named, the single quote before a would-be formula taken away).

TOML: ``[[decisions]]`` tables with the same keys, and ``[[actions]]`` tables with
``id``, ``what``, ``owner`` (a person id), ``due``, ``decision``, ``group``, ``meeting``,
``status`` (open/done), ``done_on`` and ``note``.

Every mistake is a :class:`~mgovern.exceptions.ConfigError` naming the file, the row (or
table) and the column, and what to write instead; nothing is read from a file with one.
"""

from __future__ import annotations

import datetime as dt
import re
from collections.abc import Callable, Mapping
from decimal import Decimal
from pathlib import Path
from typing import Any

from mgovern._util import csvfile
from mgovern.bounds import FIRST_YEAR, LAST_YEAR, check_text, parse_amount, parse_date
from mgovern.exceptions import ConfigError, listing, quote
from mgovern.model import GROUP_DECIDES, Matter, Organization
from mgovern.register.records import Action, ActionStatus, Decision, DecisionBatch

__all__ = [
    "ACTION_KEYS",
    "COLUMNS",
    "SUFFIXES",
    "load_decision_list",
    "read_decision_list",
]

#: The columns of a decision list (and the keys of a ``[[decisions]]`` table).
COLUMNS = (
    "id",
    "date",
    "decided_by",
    "decision_maker",
    "category",
    "amount",
    "units",
    "flags",
    "year",
    "forum",
    "item",
    "urgent",
    "text",
)
#: The keys of an ``[[actions]]`` table.
ACTION_KEYS = (
    "id",
    "what",
    "owner",
    "due",
    "decision",
    "group",
    "meeting",
    "status",
    "done_on",
    "note",
)
#: The file kinds this module reads.
SUFFIXES = (".csv", ".toml")
_ENCODING_HINT = "or name its encoding (Excel's Swedish CSV: --encoding cp1252)"
_LIST_SPLIT = re.compile(r"[|,;\s]+")
_MAX_ID = 200

Row = Mapping[str, Any]
Place = Callable[[str], str]


def load_decision_list(
    org: Organization, path: str | Path, *, encoding: str | None = None
) -> DecisionBatch:
    """Read a decision list from a ``.csv`` or ``.toml`` file.

    :param encoding: the encoding of a CSV file that is neither UTF-8 nor UTF-16 with a
        byte-order mark, such as ``cp1252`` (:func:`mgovern._util.csvfile.decode`).
    """
    path = Path(path)
    suffix = path.suffix.lower()
    if suffix not in SUFFIXES:
        raise ConfigError(
            f"is not a decision list: give a {' or '.join(SUFFIXES)} file", source=str(path)
        )
    from mgovern.config import read_file

    raw = read_file(path)
    if suffix == ".csv":
        text = csvfile.decode(raw, str(path), encoding, hint=_ENCODING_HINT)
    else:
        if encoding is not None:
            raise ConfigError(
                "--encoding is for CSV lists: a TOML file is always UTF-8", source=str(path)
            )
        try:
            text = raw.decode("utf-8-sig")
        except UnicodeDecodeError:
            raise ConfigError("is not UTF-8 text: save it as UTF-8", source=str(path)) from None
    return read_decision_list(org, text, source=str(path), csv_format=suffix == ".csv")


def read_decision_list(
    org: Organization, text: str, *, source: str = "<decisions>", csv_format: bool = False
) -> DecisionBatch:
    """Read a decision list from CSV or TOML text (TOML by default)."""
    actions: list[Action] = []
    if csv_format:
        rows = _csv_rows(text, source)
    else:
        rows, action_rows = _toml_rows(text, source)
        actions = _unique(
            [(_action(org, row, where, source), where) for row, where in action_rows],
            source,
            "actions",
        )
    decisions = _unique(
        [(_decision(org, row, where, source), where) for row, where in rows], source, "decisions"
    )
    return DecisionBatch(source=source, decisions=tuple(decisions), actions=tuple(actions))


def _unique(records: list[tuple[Any, Place]], source: str, what: str) -> list[Any]:
    seen: dict[str, str] = {}
    for record, where in records:
        if record.id in seen:
            raise ConfigError(
                f"duplicate id {quote(record.id)} (also at {seen[record.id]}): "
                f"give each of the {what} its own id",
                source=source,
                path=where("id"),
            )
        seen[record.id] = where("id")
    return [record for record, _ in records]


def _row(where: Place) -> str:
    """``row 3`` (CSV) or ``decisions[2]`` (TOML): where a record was read."""
    return where("").removesuffix(", column ").removesuffix(".")


def _csv_rows(text: str, source: str) -> list[tuple[Row, Place]]:
    return [(values, place) for values, place in csvfile.rows(text, source, COLUMNS, formulas=True)]


def _toml_rows(text: str, source: str) -> tuple[list[tuple[Row, Place]], list[tuple[Row, Place]]]:
    from mgovern.config import read_toml

    data = read_toml(text, source=source)
    unknown = sorted(set(data) - {"decisions", "actions"})
    if unknown:
        raise ConfigError(
            f"unknown key {quote(unknown[0])}: the file holds [[decisions]] and [[actions]]",
            source=source,
        )
    found: dict[str, list[tuple[Row, Place]]] = {"decisions": [], "actions": []}
    for key, rows in found.items():
        tables = data.get(key, [])
        if not isinstance(tables, list):
            raise ConfigError(f"{key} must be an array of tables: write [[{key}]]", source=source)
        for index, table in enumerate(tables):
            if not isinstance(table, dict):
                raise ConfigError("must be a table", source=source, path=f"{key}[{index}]")
            rows.append((table, _place(f"{key}[{index}].")))
    return found["decisions"], found["actions"]


def _place(prefix: str) -> Place:
    return lambda column: f"{prefix}{column}"


class _Fields:
    """One row's values, each read with an error that names its place."""

    def __init__(self, row: Row, where: Place, source: str, known: tuple[str, ...]) -> None:
        self.row, self.where, self.source = row, where, source
        for key in row:
            if key not in known:
                raise self.fail(
                    key if key.isprintable() and len(key) <= 40 else "…",
                    f"unknown key {quote(key, 30)}; use one of: {', '.join(known)}",
                )

    def fail(self, column: str, message: str) -> ConfigError:
        return ConfigError(message, source=self.source, path=self.where(column))

    def text(self, column: str, *, required: str = "", prose: bool = False) -> str:
        value = self.row.get(column, "")
        if not isinstance(value, str):
            raise self.fail(column, f"expected text, got {quote(value)}")
        value = value.strip()
        if not value and required:
            raise self.fail(column, f"required: {required}")
        problem = check_text(value, prose=prose) if value else None
        if problem is not None:
            raise self.fail(column, problem)
        return value

    def ident(self, column: str, *, required: str = "") -> str:
        value = self.text(column, required=required)
        if len(value) > _MAX_ID:
            raise self.fail(column, f"{quote(value)} is too long: at most {_MAX_ID} characters")
        return value

    def choice(self, column: str, pool: Mapping[str, object], what: str) -> str | None:
        value = self.text(column) or None
        if value is not None and value not in pool:
            raise self.fail(
                column, f"unknown {what} {quote(value)}; use one of: {listing(sorted(pool))}"
            )
        return value

    def date(self, column: str, *, required: str = "") -> dt.date | None:
        value = self.row.get(column)
        if value is None:
            if required:
                raise self.fail(column, f"required: {required}")
            return None
        if isinstance(value, str):
            value = parse_date(value) or value
        if not isinstance(value, dt.date) or isinstance(value, dt.datetime):
            raise self.fail(column, f"expected a date such as 2026-03-17, got {quote(value)}")
        if not FIRST_YEAR <= value.year <= LAST_YEAR:
            raise self.fail(column, f"{value} is outside the years {FIRST_YEAR}..{LAST_YEAR}")
        return value

    def listed(self, column: str) -> tuple[str, ...]:
        value = self.row.get(column)
        if value is None:
            return ()
        if isinstance(value, str):
            return tuple(v for v in _LIST_SPLIT.split(value) if v)
        if isinstance(value, list) and all(isinstance(v, str) for v in value):
            return tuple(value)
        raise self.fail(column, f"expected a list of ids, got {quote(value)}")

    def flag(self, column: str) -> bool:
        value = self.row.get(column, False)
        if isinstance(value, str):
            lowered = value.strip().lower()
            if lowered not in ("true", "false", "yes", "no", "ja", "nej", "1", "0", ""):
                raise self.fail(column, f"{quote(value)}: write true or false")
            value = lowered in ("true", "yes", "ja", "1")
        if not isinstance(value, bool):
            raise self.fail(column, f"expected true or false, got {quote(value)}")
        return value


def _decision(org: Organization, row: Row, where: Place, source: str) -> Decision:
    f = _Fields(row, where, source, COLUMNS)
    ident = f.ident("id", required="every decision needs an id (its diarienummer)")
    day = f.date("date", required="the day the decision was taken")
    assert day is not None
    roles = {r.id: r for r in org.roles} | {GROUP_DECIDES: None}
    decided_by = f.choice("decided_by", roles, "role")
    if decided_by is None:
        raise f.fail("decided_by", f"required: the role that decided, or {GROUP_DECIDES!r}")
    people = {p.id: p for p in org.people}
    maker = f.choice("decision_maker", people, "person")
    groups = {g.id: g for g in org.groups}
    forum = f.choice("forum", groups, "group")
    category = f.choice("category", {c.id: c for c in org.categories}, "category")
    if category is None:
        raise f.fail("category", "required: the kind of matter decided")
    amount: Decimal | None = None
    if "amount" in row:
        try:
            amount = parse_amount(row["amount"])
        except ConfigError as exc:
            raise f.fail("amount", exc.message) from None
    units = f.listed("units")
    for unit in units:
        if unit not in groups:
            raise f.fail("units", f"unknown group {quote(unit)}; use one of: {listing(groups)}")
    flags = frozenset(f.listed("flags"))
    known_flags = sorted(fl.id for fl in org.flags)
    for flag in sorted(flags - set(known_flags)):
        raise f.fail("flags", f"unknown flag {quote(flag)}; use one of: {listing(known_flags)}")
    year = None
    if "year" in row:
        raw = row["year"]
        if isinstance(raw, str) and re.fullmatch(r"\s*[0-9]{4}\s*", raw):
            raw = int(raw)
        if not isinstance(raw, int) or isinstance(raw, bool) or not FIRST_YEAR <= raw <= LAST_YEAR:
            raise f.fail("year", f"expected a year {FIRST_YEAR}..{LAST_YEAR}, got {quote(raw)}")
        year = raw
    try:
        matter = Matter(category, amount=amount, units=units, flags=flags, year=year)
    except ConfigError as exc:
        raise f.fail(exc.path or "amount", exc.message) from None
    return Decision(
        ident,
        day,
        decided_by,
        matter,
        f.text("text", prose=True),
        decision_maker=maker,
        forum=forum,
        item=f.text("item") or None,
        urgent=f.flag("urgent"),
        source=f"{source}, {_row(where)}",
    )


def _action(org: Organization, row: Row, where: Place, source: str) -> Action:
    f = _Fields(row, where, source, ACTION_KEYS)
    ident = f.ident("id", required="every action needs an id")
    what = f.text("what", required="what is to be done", prose=True)
    owner = f.choice("owner", {p.id: p for p in org.people}, "person")
    if owner is None:
        raise f.fail("owner", "required: the person (id) who is to do it")
    due = f.date("due", required="the day it is due")
    assert due is not None
    status_text = f.text("status") or ActionStatus.OPEN.value
    try:
        status = ActionStatus(status_text)
    except ValueError:
        raise f.fail(
            "status",
            f"{quote(status_text)}: write one of {', '.join(s.value for s in ActionStatus)}",
        ) from None
    done_on = f.date("done_on")
    if status is ActionStatus.DONE and done_on is None:
        raise f.fail("done_on", "required when status is done: the day it was done")
    if status is ActionStatus.OPEN and done_on is not None:
        raise f.fail("done_on", "only a done action has done_on: remove it or set status = 'done'")
    return Action(
        ident,
        what,
        owner,
        due,
        decision=f.ident("decision") or None,
        group=f.choice("group", {g.id: g for g in org.groups}, "group"),
        meeting=f.date("meeting"),
        status=status,
        done_on=done_on,
        note=f.text("note", prose=True),
        source=f"{source}, {_row(where)}",
    )
