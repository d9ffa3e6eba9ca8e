"""Agenda items from files: TOML (``[[items]]`` tables) or CSV (one item a row).

Columns / keys: ``id`` (optional: ``<file>-<row>``), ``title`` (required), ``raised_in``
(required: the group it is submitted to), ``cycle`` (the group's meeting series it is
meant for, e.g. ``strategiskt``), ``meeting`` (the date of the meeting it is meant
for; without it, the next meeting whose deadline it makes), ``kind``, ``category``,
``amount``, ``units``, ``flags``, ``year``, ``presenter``, ``minutes``, ``submitted``
(ISO date-time; without an offset it is the organisation's local time), ``urgent``,
``purpose``,
``proposed_decision``. In CSV, lists (units, flags) are separated by ``|``, ``,`` or
spaces, and the delimiter may be ``,``, ``;`` or a tab. Every mistake is a ConfigError
naming the file, the row (or item) and the column.
"""

from __future__ import annotations

import csv
import datetime as dt
import io
import re
import tomllib
from collections.abc import Callable, Mapping
from decimal import Decimal, InvalidOperation
from pathlib import Path
from typing import Any

from mgovern.exceptions import ConfigError
from mgovern.model import AgendaItem, Kind, Organization

__all__ = ["COLUMNS", "load_items", "read_items"]

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


def load_items(org: Organization, path: str | Path) -> tuple[AgendaItem, ...]:
    """Read agenda items from a ``.toml`` or ``.csv`` file."""
    path = Path(path)
    try:
        raw = path.read_bytes()
    except FileNotFoundError:
        raise ConfigError("file not found: check the path", source=str(path)) from None
    except OSError as exc:
        raise ConfigError(f"cannot read: {exc.strerror or exc}", source=str(path)) from None
    try:
        text = raw.decode("utf-8-sig")
    except UnicodeDecodeError:
        if path.suffix.lower() != ".csv":
            raise ConfigError("is not UTF-8 text: save it as UTF-8", source=str(path)) from None
        text = raw.decode("cp1252", errors="strict") if _cp1252(raw) else ""
        if not text:
            raise ConfigError(
                "is neither UTF-8 nor Windows-1252 text: save it as 'CSV UTF-8'", source=str(path)
            ) from None
    return read_items(org, text, source=str(path), csv_format=path.suffix.lower() == ".csv")


def _cp1252(raw: bytes) -> bool:
    """Excel's Swedish CSV export ("semikolonavgränsad") is Windows-1252."""
    try:
        raw.decode("cp1252")
    except UnicodeDecodeError:
        return False
    return True


def read_items(
    org: Organization, text: str, *, source: str = "<items>", csv_format: bool = False
) -> tuple[AgendaItem, ...]:
    """Read agenda items from TOML (default) or CSV text."""
    stem = Path(source).stem or "item"
    rows: list[tuple[Mapping[str, Any], Callable[[str], str]]] = []
    if csv_format:
        try:
            dialect: Any = csv.Sniffer().sniff(text.split("\n", 1)[0], delimiters=",;\t")
        except csv.Error:
            dialect = csv.excel
        reader = csv.DictReader(io.StringIO(text), dialect=dialect)
        header = reader.fieldnames or []
        for column in header:
            if column not in COLUMNS:
                raise ConfigError(
                    f"unknown column {column!r}; columns are: {', '.join(COLUMNS)}",
                    source=source,
                    line=1,
                )
        for number, row in enumerate(reader, start=2):
            if None in row:
                raise ConfigError(
                    "more values than columns: quote values that contain the delimiter",
                    source=source,
                    line=number,
                )
            values = {k: v for k, v in row.items() if v is not None and v.strip() != ""}
            rows.append((values, _csv_place(number)))
    else:
        try:
            data = tomllib.loads(text)
        except tomllib.TOMLDecodeError as exc:
            raise ConfigError(f"TOML syntax error: {exc}", source=source) from None
        unknown = sorted(set(data) - {"items"})
        if unknown:
            raise ConfigError(
                f"unknown key {unknown[0]!r}: the file holds [[items]] tables", source=source
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
    return tuple(parsed)


def _csv_place(number: int) -> Callable[[str], str]:
    return lambda column: f"row {number}, column {column}"


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
            raise fail(key, f"unknown key; use one of: {', '.join(COLUMNS)}")

    def text(column: str, default: str = "") -> str:
        value = row.get(column, default)
        if not isinstance(value, str):
            raise fail(column, f"expected text, got {value!r}")
        return value.strip()

    def listed(column: str) -> tuple[str, ...]:
        value = row.get(column)
        if value is None:
            return ()
        if isinstance(value, str):
            return tuple(v for v in _LIST_SPLIT.split(value) if v)
        if isinstance(value, list) and all(isinstance(v, str) for v in value):
            return tuple(value)
        raise fail(column, f"expected a list of ids, got {value!r}")

    def whole(column: str) -> int | None:
        value = row.get(column)
        if value is None:
            return None
        if isinstance(value, str) and value.strip().isdigit():
            return int(value)
        if isinstance(value, int) and not isinstance(value, bool):
            return value
        raise fail(column, f"expected a whole number, got {value!r}")

    title = text("title")
    if not title:
        raise fail("title", "required: every item needs a title")
    raised_in = text("raised_in")
    if not raised_in:
        raise fail("raised_in", "required: the group the item is submitted to")
    if not org.has_group(raised_in):
        raise fail(
            "raised_in",
            f"unknown group {raised_in!r}; use one of: {', '.join(g.id for g in org.groups)}",
        )

    cycle = text("cycle") or None
    if cycle is not None:
        series = [c.id for c in org.group(raised_in).cycles]
        if cycle not in series:
            raise fail(
                "cycle",
                f"group {raised_in!r} has no cycle {cycle!r}; use one of: {', '.join(series)}",
            )

    meeting = None
    if "meeting" in row:
        raw_meeting = row["meeting"]
        if isinstance(raw_meeting, dt.date) and not isinstance(raw_meeting, dt.datetime):
            meeting = raw_meeting
        elif isinstance(raw_meeting, str):
            try:
                meeting = dt.date.fromisoformat(raw_meeting.strip())
            except ValueError:
                raise fail(
                    "meeting", f"{raw_meeting!r} is not a date; write e.g. 2026-03-17"
                ) from None
        else:
            raise fail("meeting", f"expected a date such as 2026-03-17, got {raw_meeting!r}")

    kind = None
    if "kind" in row:
        try:
            kind = Kind(text("kind"))
        except ValueError:
            raise fail(
                "kind",
                f"{row['kind']!r} is not a kind; use one of: {', '.join(k.value for k in Kind)}",
            ) from None

    category = text("category") or None
    if category is not None and category not in {c.id for c in org.categories}:
        raise fail(
            "category",
            f"unknown category {category!r}; use one of: {', '.join(c.id for c in org.categories)}",
        )

    amount = None
    if "amount" in row:
        raw = row["amount"]
        if isinstance(raw, bool) or not isinstance(raw, (int, float, str)):
            raise fail("amount", f"expected an amount such as 3200000, got {raw!r}")
        cleaned = str(raw).replace(" ", "").replace("\u00a0", "").replace("_", "")
        if isinstance(raw, str):
            cleaned = cleaned.replace(",", ".")
        try:
            amount = Decimal(cleaned)
        except InvalidOperation:
            raise fail(
                "amount", f"{raw!r} is not an amount; write e.g. 3200000 or 3200000,50"
            ) from None
        if not amount.is_finite() or amount < 0:
            raise fail("amount", f"{raw!r}: the amount must be a number >= 0")

    units = listed("units")
    for unit in units:
        if not org.has_group(unit):
            raise fail(
                "units",
                f"unknown group {unit!r}; use one of: {', '.join(g.id for g in org.groups)}",
            )
    flags = frozenset(listed("flags"))
    known_flags = {f.id for f in org.flags}
    for flag in sorted(flags - known_flags):
        raise fail("flags", f"unknown flag {flag!r}; use one of: {', '.join(sorted(known_flags))}")

    minutes = whole("minutes")
    if minutes is not None and minutes < 1:
        raise fail("minutes", "must be at least 1")

    submitted = None
    if "submitted" in row:
        raw = row["submitted"]
        if isinstance(raw, dt.datetime):
            submitted = raw
        elif isinstance(raw, str):
            try:
                submitted = dt.datetime.fromisoformat(raw.strip())
            except ValueError:
                raise fail(
                    "submitted", f"{raw!r} is not a date-time; write e.g. 2026-03-04T16:30"
                ) from None
        else:
            raise fail("submitted", f"expected a date-time such as 2026-03-04T16:30, got {raw!r}")
        if submitted.tzinfo is None:
            submitted = submitted.replace(tzinfo=org.zone)

    urgent = row.get("urgent", False)
    if isinstance(urgent, str):
        lowered = urgent.strip().lower()
        if lowered not in ("true", "false", "yes", "no", "ja", "nej", "1", "0", ""):
            raise fail("urgent", f"{urgent!r}: write true or false")
        urgent = lowered in ("true", "yes", "ja", "1")
    if not isinstance(urgent, bool):
        raise fail("urgent", f"expected true or false, got {urgent!r}")

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
        year=whole("year"),
        presenter=text("presenter"),
        minutes=minutes,
        submitted=submitted,
        urgent=urgent,
        purpose=text("purpose"),
        proposed_decision=text("proposed_decision"),
    )
