"""One time-zone database: the declared ``tzdata`` package, for everything.

``zoneinfo.ZoneInfo(name)`` prefers the machine's own database (``/usr/share/zoneinfo``)
and falls back to ``tzdata`` only when that has no such zone, so the same organisation
would give different instants on machines with older or newer system data. mgovern
reads every zone from the ``tzdata`` package instead: the meetings it computes
(:func:`zone`) and the VTIMEZONE it writes (:func:`transitions`) come from the same
bytes, whatever the machine.
"""

from __future__ import annotations

import bisect
import datetime as dt
import functools
import re
import struct
import zoneinfo
from importlib import resources
from io import BytesIO

from attrs import frozen

__all__ = [
    "Transition",
    "TzdataZone",
    "available",
    "database_version",
    "transitions",
    "zone",
]


def _data(name: str) -> bytes:
    if not name or name.startswith(("/", ".")) or ".." in name.split("/") or "\\" in name:
        raise zoneinfo.ZoneInfoNotFoundError(f"No time zone found with key {name}")
    try:
        return resources.files("tzdata.zoneinfo").joinpath(*name.split("/")).read_bytes()
    except (FileNotFoundError, IsADirectoryError, NotADirectoryError, PermissionError):
        raise zoneinfo.ZoneInfoNotFoundError(f"No time zone found with key {name}") from None


class TzdataZone(zoneinfo.ZoneInfo):
    """A zone read from the ``tzdata`` package: a :class:`zoneinfo.ZoneInfo` in every
    respect, that pickles (and deep-copies) as its name, read again from the package
    (a plain ``ZoneInfo.from_file`` zone cannot be pickled)."""

    def __reduce__(self) -> tuple[object, tuple[str]]:
        return (zone, (str(self.key),))

    def __repr__(self) -> str:
        return f"zoneinfo.ZoneInfo(key={self.key!r})"


@functools.cache
def zone(name: str) -> zoneinfo.ZoneInfo:
    """The zone ``name`` from the ``tzdata`` package (one object per name).

    Raises :class:`zoneinfo.ZoneInfoNotFoundError` for a name the package does not have.
    """
    data = _data(name)
    if not data.startswith(b"TZif"):
        raise zoneinfo.ZoneInfoNotFoundError(f"No time zone found with key {name}")
    return TzdataZone.from_file(BytesIO(data), key=name)


def available() -> tuple[str, ...]:
    """Every zone name in the ``tzdata`` package, sorted."""
    text = resources.files("tzdata").joinpath("zones").read_text(encoding="utf-8")
    return tuple(sorted(text.split()))


def database_version() -> str:
    """The IANA release of the ``tzdata`` package, e.g. ``"2026f"``."""
    text = resources.files("tzdata").joinpath("__init__.py").read_text(encoding="utf-8")
    match = re.search(r'IANA_VERSION = "([^"]+)"', text)
    return match[1] if match else "unknown"


@frozen
class Transition:
    """A change of a zone's local time: at ``at`` (UTC) the offset goes from ``before``
    to ``after``; ``dst`` and ``name`` describe the time after it."""

    at: dt.datetime
    before: dt.timedelta
    after: dt.timedelta
    dst: bool
    name: str


@frozen
class _Type:
    offset: int
    dst: bool
    name: str


@frozen
class _Table:
    times: tuple[int, ...]
    types: tuple[_Type, ...]  # the type in force from each time on
    initial: _Type
    footer: str


@functools.lru_cache(maxsize=1024)
def _table(name: str) -> _Table:
    """The TZif file's version-2 data (RFC 8536): 64-bit transition times, their local
    time types, and the POSIX TZ string for the times after the last one."""
    data = _data(name)
    header = struct.Struct(">4sc15x6l")
    magic, version, *counts = header.unpack_from(data, 0)
    if magic != b"TZif" or version == b"\x00":
        raise ValueError(f"{name}: not a version 2+ TZif file")
    isut, isstd, leap, timecnt, typecnt, charcnt = counts
    offset = header.size + timecnt * 5 + typecnt * 6 + charcnt + leap * 8 + isstd + isut
    magic, version, *counts = header.unpack_from(data, offset)
    isut, isstd, leap, timecnt, typecnt, charcnt = counts
    offset += header.size
    times = struct.unpack_from(f">{timecnt}q", data, offset)
    offset += timecnt * 8
    indices = data[offset : offset + timecnt]
    offset += timecnt
    raw_types = [struct.unpack_from(">lBB", data, offset + 6 * i) for i in range(typecnt)]
    offset += typecnt * 6
    chars = data[offset : offset + charcnt]
    offset += charcnt + leap * 12 + isstd + isut
    footer = data[offset:].strip(b"\n").decode("ascii")

    def abbreviation(index: int) -> str:
        return chars[index : chars.index(b"\x00", index)].decode("ascii")

    types = [_Type(utoff, bool(isdst), abbreviation(abbr)) for utoff, isdst, abbr in raw_types]
    return _Table(tuple(times), tuple(types[i] for i in indices), types[0], footer)


_POSIX = re.compile(
    r"(?P<std><[^>]+>|[A-Za-z]{3,})(?P<stdoff>[+-]?\d{1,2}(?::\d{2}){0,2})"
    r"(?:(?P<dst><[^>]+>|[A-Za-z]{3,})(?P<dstoff>[+-]?\d{1,2}(?::\d{2}){0,2})?"
    r",M(?P<sm>\d{1,2})\.(?P<sw>\d)\.(?P<sd>\d)(?:/(?P<st>[+-]?\d{1,3}(?::\d{2}){0,2}))?"
    r",M(?P<em>\d{1,2})\.(?P<ew>\d)\.(?P<ed>\d)(?:/(?P<et>[+-]?\d{1,3}(?::\d{2}){0,2}))?)?"
)


def seconds(text: str) -> int:
    """``[+-]hh[:mm[:ss]]`` in seconds."""
    sign = -1 if text.startswith("-") else 1
    parts = [int(p) for p in text.lstrip("+-").split(":")]
    parts += [0] * (3 - len(parts))
    return sign * (parts[0] * 3600 + parts[1] * 60 + parts[2])


def nth_weekday(year: int, month: int, week: int, weekday: int) -> dt.date:
    """POSIX ``Mm.w.d``: the w-th (5 = last) weekday d (0 = Sunday) of month m."""
    first = dt.date(year, month, 1)
    offset = (weekday - (first.isoweekday() % 7)) % 7
    day = first + dt.timedelta(days=offset + 7 * (week - 1))
    while day.month != month:
        day -= dt.timedelta(days=7)
    return day


def posix_rule(name: str) -> str:
    """The POSIX TZ string at the end of the zone's TZif file (its current rule)."""
    return _table(name).footer


def _footer_changes(footer: str, year: int) -> list[tuple[int, _Type]]:
    """The POSIX rule's changes in ``year``: (UTC seconds, the type from then on)."""
    match = _POSIX.fullmatch(footer)
    if match is None:
        raise ValueError(f"unsupported POSIX TZ string {footer!r}")
    std = _Type(-seconds(match["stdoff"]), False, match["std"].strip("<>"))
    if not match["dst"]:
        return []
    dst_offset = -seconds(match["dstoff"]) if match["dstoff"] else std.offset + 3600
    dst = _Type(dst_offset, True, match["dst"].strip("<>"))
    changes = []
    for prefix, before, after in (("s", std, dst), ("e", dst, std)):
        day = nth_weekday(
            year, int(match[f"{prefix}m"]), int(match[f"{prefix}w"]), int(match[f"{prefix}d"])
        )
        at = match[f"{prefix}t"]
        local = (day - dt.date(1970, 1, 1)).days * 86400 + (seconds(at) if at else 7200)
        changes.append((local - before.offset, after))
    return sorted(changes, key=lambda change: change[0])


def _epoch(moment: dt.datetime) -> int:
    return int((moment - dt.datetime(1970, 1, 1, tzinfo=dt.UTC)).total_seconds())


def _instant(value: int) -> dt.datetime:
    return dt.datetime(1970, 1, 1, tzinfo=dt.UTC) + dt.timedelta(seconds=value)


def _state(table: _Table, at: int) -> _Type:
    """The local time type in force at ``at`` (UTC seconds)."""
    index = bisect.bisect_right(table.times, at)
    if index < len(table.times) or not table.footer:
        return table.types[index - 1] if index else table.initial
    found = table.types[-1] if table.times else table.initial
    year = _instant(at).year
    for when, kind in (
        *_footer_changes(table.footer, year - 1),
        *_footer_changes(table.footer, year),
    ):
        if (not table.times or table.times[-1] < when) and when <= at:
            found = kind
    return found


def transitions(name: str, start: dt.datetime, end: dt.datetime) -> list[Transition]:
    """Every change of the zone's offset, abbreviation or daylight flag in
    ``(start, end]`` (aware datetimes), from the TZif data and its POSIX rule."""
    table = _table(name)
    low, high = _epoch(start), _epoch(end)
    current = _state(table, low)
    changes: list[tuple[int, _Type]] = [
        (when, kind)
        for when, kind in zip(table.times, table.types, strict=True)
        if low < when <= high
    ]
    last = table.times[-1] if table.times else None
    if table.footer and (last is None or high > last):
        for year in range(
            max(_instant(max(low, last or low)).year - 1, 1), _instant(high).year + 1
        ):
            for when, kind in _footer_changes(table.footer, year):
                if low < when <= high and (last is None or when > last):
                    changes.append((when, kind))
    result = []
    for when, kind in sorted(changes, key=lambda change: change[0]):
        if kind == current:
            continue
        result.append(
            Transition(
                _instant(when),
                dt.timedelta(seconds=current.offset),
                dt.timedelta(seconds=kind.offset),
                kind.dst,
                kind.name,
            )
        )
        current = kind
    return result


def state(name: str, moment: dt.datetime) -> tuple[dt.timedelta, bool, str]:
    """The zone's offset, daylight flag and abbreviation at ``moment`` (aware)."""
    kind = _state(_table(name), _epoch(moment))
    return dt.timedelta(seconds=kind.offset), kind.dst, kind.name
