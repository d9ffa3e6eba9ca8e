"""Agenda items from files: TOML (``[[items]]`` tables) or CSV (one item a row).

Columns / keys: ``id`` (optional: ``<file>-<row>``), ``title`` (required), ``raised_in``
(required: the group it is submitted to), ``cycle`` (the group's meeting series it is
meant for, e.g. ``strategiskt``), ``meeting`` (the date of the meeting it is meant
for; without it, the next meeting whose deadline it makes), ``kind``, ``category``,
``amount``, ``units``, ``flags``, ``year``, ``presenter``, ``minutes``, ``submitted``
(ISO date-time; without an offset it is the organisation's local time), ``urgent``,
``purpose``,
``proposed_decision``. In CSV, lists (units, flags) are separated by ``|``, ``,`` or
spaces; the file is read as spreadsheets write it (:mod:`mgovern._util.csvfile`). Every mistake
is a ConfigError naming the file, the row (or item) and the column.

Items are checked as the organisation is, by the same rules (:mod:`mgovern.bounds`): text
without control characters, amounts through :func:`~mgovern.bounds.parse_amount`, dates
and years within bounds, and a ``meeting`` date that is a meeting of the group (of its
``cycle``, when one is named).
"""

from __future__ import annotations

import datetime as dt
import re
from collections.abc import Callable, Mapping
from decimal import Decimal
from pathlib import Path
from typing import TYPE_CHECKING, Any

from mgovern._util import csvfile
from mgovern.bounds import FIRST_YEAR, LAST_YEAR, parse_amount, parse_date, parse_datetime
from mgovern.config import describe, read_file, read_toml
from mgovern.exceptions import ConfigError, listing, quote
from mgovern.model import AgendaItem, Kind, Organization

if TYPE_CHECKING:
    import pluggy

__all__ = ["COLUMNS", "FOLLOW_UP_PREFIX", "is_follow_up", "load_items", "read_items"]

COLUMNS = (
    "id",
    "title",
    "raised_in",
    "cycle",
    "meeting",
    "kind",
    "category",
    "amount",
    "units",
    "flags",
    "year",
    "presenter",
    "minutes",
    "submitted",
    "urgent",
    "purpose",
    "proposed_decision",
)
_LIST_SPLIT = re.compile(r"[|,;\s]+")
_KIND_NAMES = {dt.date: "date", dt.datetime: "date-time"}


def load_items(
    org: Organization,
    path: str | Path,
    *,
    pm: pluggy.PluginManager | None = None,
    encoding: str | None = None,
) -> tuple[AgendaItem, ...]:
    """Read agenda items from a ``.toml`` or ``.csv`` file (at most MAX_FILE_BYTES).

    :param encoding: the encoding of a CSV file that is neither UTF-8 nor UTF-16 with a
        byte-order mark, such as ``cp1252`` (:func:`mgovern._util.csvfile.decode`).
    """
    path = Path(path)
    raw = read_file(path)
    is_csv = path.suffix.lower() == ".csv"
    if is_csv:
        text = csvfile.decode(raw, str(path), encoding)
    else:
        try:
            text = raw.decode("utf-8-sig")
        except UnicodeDecodeError:
            raise ConfigError("is not UTF-8 text: save it as UTF-8", source=str(path)) from None
    return read_items(org, text, source=str(path), csv_format=is_csv, pm=pm)


def read_items(
    org: Organization,
    text: str,
    *,
    source: str = "<items>",
    csv_format: bool = False,
    pm: pluggy.PluginManager | None = None,
) -> tuple[AgendaItem, ...]:
    """Read agenda items from TOML (default) or CSV text.

    :param pm: the plugin manager whose closed days decide which days have meetings
        (default: the installed plugins).
    """
    stem = Path(source).stem or "item"
    rows: list[tuple[Mapping[str, Any], Callable[[str], str]]] = []
    if csv_format:
        rows = _csv_rows(text, source)
    else:
        data = read_toml(text, source=source)
        unknown = sorted(set(data) - {"items"})
        if unknown:
            raise ConfigError(
                f"unknown key {quote(unknown[0])}: the file holds [[items]] tables",
                source=source,
            )
        items = data.get("items", [])
        if not isinstance(items, list):
            raise ConfigError("items must be an array of tables: write [[items]]", source=source)
        for index, row in enumerate(items):
            if not isinstance(row, dict):
                raise ConfigError(
                    "each item must be a table", source=source, path=f"items[{index}]"
                )
            rows.append((row, _toml_place(index)))
    parsed: list[AgendaItem] = []
    seen: dict[str, str] = {}
    for number, (fields, where) in enumerate(rows, start=1):
        item = _item(org, fields, where, default_id=f"{stem}-{number}", source=source)
        if item.id in seen:
            raise ConfigError(
                f"duplicate id {item.id!r} (also at {seen[item.id]}): give each item its own id",
                source=source,
                path=where("id"),
            )
        seen[item.id] = where("id")
        parsed.append(item)
    _check_meetings(org, parsed, [where for _, where in rows], source, pm)
    return tuple(parsed)


def _csv_rows(text: str, source: str) -> list[tuple[Mapping[str, Any], Callable[[str], str]]]:
    return [(values, place) for values, place in csvfile.rows(text, source, COLUMNS)]


#: Named meeting dates closer than this share one look-up of the group's meetings.
_CLUSTER = dt.timedelta(days=120)


def _check_meetings(
    org: Organization,
    items: list[AgendaItem],
    places: list[Callable[[str], str]],
    source: str,
    pm: pluggy.PluginManager | None,
) -> None:
    """Every ``meeting`` date an item names is a meeting of its group (of its cycle)."""
    from mgovern.calendars.cycles import MAX_MOVE, occurrences

    named: dict[str, set[dt.date]] = {}
    for item in items:
        if item.meeting is not None:
            named.setdefault(item.raised_in, set()).add(item.meeting)
    reach = dt.timedelta(days=MAX_MOVE)  # a moved meeting is at most this far from its date
    held: dict[str, dict[dt.date, set[str]]] = {}
    for group_id, days in named.items():
        meetings = held.setdefault(group_id, {})
        ordered = sorted(days)
        while ordered:
            first = ordered[0]
            cluster = [d for d in ordered if d - first <= _CLUSTER]
            ordered = ordered[len(cluster) :]
            for meeting in occurrences(org, group_id, first - reach, cluster[-1] + reach, pm=pm):
                meetings.setdefault(meeting.start.date(), set()).add(meeting.cycle)
    for item, where in zip(items, places, strict=True):
        day = item.meeting
        if day is None:
            continue
        cycles = held[item.raised_in].get(day, set())
        if cycles and (item.cycle is None or item.cycle in cycles):
            continue
        nearby = sorted(held[item.raised_in], key=lambda d: abs((d - day).days))[:2]
        hint = f" (nearest: {', '.join(str(d) for d in sorted(nearby))})" if nearby else ""
        what = f"its cycle {item.cycle!r}" if item.cycle and cycles else repr(item.raised_in)
        raise ConfigError(
            f"item {quote(item.id, 30)}: {what} has no meeting on {day}{hint}; correct the date",
            source=source,
            path=where("meeting"),
        )


def _toml_place(index: int) -> Callable[[str], str]:
    return lambda column: f"items[{index}].{column}"


def _item(
    org: Organization,
    row: Mapping[str, Any],
    where: Callable[[str], str],
    *,
    default_id: str,
    source: str,
) -> AgendaItem:
    def fail(column: str, message: str) -> ConfigError:
        return ConfigError(message, source=source, path=where(column))

    for key in row:
        if key not in COLUMNS:
            raise ConfigError(
                f"unknown key {quote(key, 30)}; use one of: {', '.join(COLUMNS)}",
                source=source,
                path=where(key if key.isprintable() and len(key) <= 40 else "…"),
            )

    def text(column: str, default: str = "") -> str:
        value = row.get(column, default)
        if not isinstance(value, str):
            raise fail(column, f"expected text, got {describe(value)}")
        return value.strip()

    def listed(column: str) -> tuple[str, ...]:
        value = row.get(column)
        if value is None:
            return ()
        if isinstance(value, str):
            return tuple(v for v in _LIST_SPLIT.split(value) if v)
        if isinstance(value, list) and all(isinstance(v, str) for v in value):
            return tuple(value)
        raise fail(column, f"expected a list of ids, got {describe(value)}")

    def whole(column: str) -> int | None:
        value = row.get(column)
        if value is None:
            return None
        if isinstance(value, str) and re.fullmatch(r"\s*[0-9]{1,9}\s*", value):
            return int(value)
        if isinstance(value, int) and not isinstance(value, bool):
            return value
        raise fail(column, f"expected a whole number, got {describe(value)}")

    def when(column: str, kind: type[dt.date], example: str) -> Any:
        value = row[column]
        if isinstance(value, str):
            value = (parse_datetime(value) if kind is dt.datetime else parse_date(value)) or value
        dated = isinstance(value, kind) and (
            kind is dt.datetime or not isinstance(value, dt.datetime)
        )
        if not dated and isinstance(row[column], str):
            raise fail(
                column, f"{quote(row[column])} is not a {_KIND_NAMES[kind]}; write e.g. {example}"
            )
        if not dated:
            raise fail(
                column,
                f"expected a {_KIND_NAMES[kind]} such as {example}, got {describe(row[column])}",
            )
        if not FIRST_YEAR <= value.year <= LAST_YEAR:
            raise fail(
                column, f"{value.isoformat()} is outside the years {FIRST_YEAR}..{LAST_YEAR}"
            )
        return value

    title = text("title")
    if not title:
        raise fail("title", "required: every item needs a title")
    raised_in = text("raised_in")
    if not raised_in:
        raise fail("raised_in", "required: the group the item is submitted to")
    if not org.has_group(raised_in):
        raise fail(
            "raised_in",
            f"unknown group {quote(raised_in)}; use one of: {listing(g.id for g in org.groups)}",
        )

    cycle = text("cycle") or None
    if cycle is not None:
        series = [c.id for c in org.group(raised_in).cycles]
        if cycle not in series:
            raise fail(
                "cycle",
                f"group {raised_in!r} has no cycle {quote(cycle)}; use one of: {listing(series)}",
            )

    meeting = when("meeting", dt.date, "2026-03-17") if "meeting" in row else None

    kind = None
    if "kind" in row:
        try:
            kind = Kind(text("kind"))
        except ValueError:
            raise fail(
                "kind",
                f"{quote(row['kind'])} is not a kind; use one of: "
                + ", ".join(k.value for k in Kind),
            ) from None

    category = text("category") or None
    if category is not None and category not in {c.id for c in org.categories}:
        raise fail(
            "category",
            f"unknown category {quote(category)}; use one of: "
            + listing(c.id for c in org.categories),
        )

    amount: Decimal | None = None
    if "amount" in row:
        try:
            amount = parse_amount(row["amount"])
        except ConfigError as exc:
            raise fail("amount", exc.message) from None

    units = listed("units")
    for unit in units:
        if not org.has_group(unit):
            raise fail(
                "units",
                f"unknown group {quote(unit)}; use one of: {listing(g.id for g in org.groups)}",
            )
    flags = frozenset(listed("flags"))
    known_flags = {f.id for f in org.flags}
    for flag in sorted(flags - known_flags):
        raise fail(
            "flags", f"unknown flag {quote(flag)}; use one of: {listing(sorted(known_flags))}"
        )

    submitted = None
    if "submitted" in row:
        submitted = when("submitted", dt.datetime, "2026-03-04T16:30")
        if submitted.tzinfo is None:
            submitted = submitted.replace(tzinfo=org.zone)

    urgent = row.get("urgent", False)
    if isinstance(urgent, str):
        lowered = urgent.strip().lower()
        if lowered not in ("true", "false", "yes", "no", "ja", "nej", "1", "0", ""):
            raise fail("urgent", f"{quote(urgent)}: write true or false")
        urgent = lowered in ("true", "yes", "ja", "1")
    if not isinstance(urgent, bool):
        raise fail("urgent", f"expected true or false, got {describe(urgent)}")

    year, minutes = whole("year"), whole("minutes")
    try:
        return AgendaItem(
            text("id") or default_id,
            title,
            raised_in,
            cycle=cycle,
            meeting=meeting,
            kind=kind,
            category=category,
            amount=amount,
            units=units,
            flags=flags,
            year=year,
            presenter=text("presenter"),
            minutes=minutes,
            submitted=submitted,
            urgent=urgent,
            purpose=text("purpose"),
            proposed_decision=text("proposed_decision"),
        )
    except ConfigError as exc:  # the model's own checks: text, bounds
        if exc.source is not None:
            raise
        raise fail(exc.path.partition("[")[0] or "id", exc.message) from None


#: The id prefix of the agenda items that follow up an action of the register
#: (:func:`mgovern.register.followup.follow_up_items` makes them).
FOLLOW_UP_PREFIX = "follow-up:"


def is_follow_up(item: AgendaItem) -> bool:
    """Whether ``item`` is an action's follow-up (made by the register, not submitted):
    the planner lists it without a matter to route."""
    return item.kind is Kind.FOLLOW_UP and item.id.startswith(FOLLOW_UP_PREFIX)
