"""Meetings whose local time a change of offset (DST) makes unclear to calendar readers.

Three cases, each a finding of ``mgovern check``:

- ``gap``: the meeting's local time does not exist that day (02:30 on the spring change
  Sunday in Europe). RFC 5545 3.3.5 reads it with the offset before the gap, so it is
  the instant an hour later on the clock (03:30); mgovern follows the RFC. ical.js
  (Thunderbird) takes the offset after the gap and shows the meeting an hour earlier.
- ``fold``: the local time exists twice (02:30 on the autumn change Sunday). RFC 5545
  and mgovern take the first; ical.js takes the second, an hour later.
- ``spans``: the meeting runs across the change. Every instance of a series lasts
  exactly its duration (RFC 5545 3.8.5.3), and mgovern computes its end so; ical.js and
  recurring_ical_events add the length to the wall clock, so they end it an hour early
  or late. A standalone or moved meeting whose end is written as an unambiguous
  ``DTEND`` is read right by all and is not a finding.

Moved and skipped instances count by their original local time too: that is the
``RECURRENCE-ID`` or ``EXDATE`` a reader must match against the rule.
"""

from __future__ import annotations

import datetime as dt
import enum
from collections.abc import Iterable
from typing import TYPE_CHECKING

from attrs import frozen

from mgovern.calendars.cycles import Occurrence, schedule
from mgovern.model import Organization

if TYPE_CHECKING:
    import zoneinfo

    import pluggy

__all__ = [
    "DstFinding",
    "DstKind",
    "dst_findings",
    "exact_length",
    "local_kind",
    "writes_exact_end",
]


class DstKind(enum.StrEnum):
    GAP = "gap"
    FOLD = "fold"
    SPANS = "spans"


def local_kind(zone: zoneinfo.ZoneInfo | dt.tzinfo, local: dt.datetime) -> DstKind | None:
    """Whether the wall-clock time ``local`` (naive) is in a gap or a fold of ``zone``."""
    first = local.replace(tzinfo=zone, fold=0)
    second = local.replace(tzinfo=zone, fold=1)
    if first.utcoffset() == second.utcoffset():
        return None
    back = first.astimezone(dt.UTC).astimezone(zone).replace(tzinfo=None)
    return DstKind.FOLD if back == local else DstKind.GAP


def _wall(moment: dt.datetime) -> dt.datetime:
    return moment.replace(tzinfo=None)


def writes_exact_end(start: dt.datetime, end: dt.datetime, *, series: bool = False) -> bool:
    """Whether ``DTEND`` as local time (with TZID) gives exactly ``end`` to every reader:
    the end's local time exists once and comes after the start's, and for a series'
    master (``series``), whose DTEND - DTSTART readers apply to every instance on the
    wall clock, the meeting does not run across a change. Else a calendar file gives
    the length as ``DURATION``."""
    assert end.tzinfo is not None
    if series and _spans(start, end):
        return False
    return local_kind(end.tzinfo, _wall(end)) is None and _wall(end) > _wall(start)


def exact_length(start: dt.datetime, end: dt.datetime) -> dt.timedelta:
    """Real time from ``start`` to ``end`` (Python subtracts aware datetimes of one zone
    on the wall clock)."""
    return end.astimezone(dt.UTC) - start.astimezone(dt.UTC)


def _spans(start: dt.datetime, end: dt.datetime) -> bool:
    """Whether the wall clock runs differently from real time between start and end."""
    return _wall(end) - _wall(start) != exact_length(start, end)


@frozen
class DstFinding:
    """One meeting (or skipped instance) at a local time that readers read differently."""

    group: str
    cycle: str
    uid: str
    kind: DstKind
    zone: str
    local: dt.datetime  # the wall-clock time concerned (naive)
    start: dt.datetime  # the meeting as mgovern places it (RFC 5545)
    end: dt.datetime
    at_end: bool = False  # ``local`` is the meeting's end, not its start

    def __str__(self) -> str:
        zone = self.start.tzinfo
        assert zone is not None
        when = f"{self.local:%Y-%m-%d %H:%M}" + (" (its end)" if self.at_end else "")
        if self.kind is DstKind.SPANS:
            exact = exact_length(self.start, self.end)
            length = int(exact.total_seconds() // 60)
            wall = _wall(self.start) + exact
            return (
                f"{when} + {length} min runs across a change of offset in {self.zone} "
                f"(readers differ: mgovern and RFC 5545 end it at "
                f"{_clock(self.end)}, exactly {length} minutes later; ical.js and "
                f"recurring_ical_events at {wall:%Y-%m-%d %H:%M} on the wall clock)"
            )
        if self.at_end:
            return (
                f"{when} exists twice in {self.zone}: mgovern ends the meeting at "
                f"{_clock(self.end)} (readers differ: RFC 5545 takes the first of the two, "
                "ical.js/Thunderbird the second)"
            )
        earlier = self.local.replace(tzinfo=zone, fold=0)
        later = self.local.replace(tzinfo=zone, fold=1)
        if self.kind is DstKind.GAP:
            return (
                f"{when} does not exist in {self.zone} (readers differ: mgovern and "
                f"RFC 5545 take the offset before the change, {_clock(earlier)}; "
                f"ical.js/Thunderbird the offset after it, {_clock(later)})"
            )
        return (
            f"{when} exists twice in {self.zone} (readers differ: mgovern and RFC 5545 "
            f"take the first, {_clock(earlier)}; ical.js/Thunderbird the second, "
            f"{_clock(later)})"
        )


def _clock(moment: dt.datetime) -> str:
    """The real local time of ``moment``, with its abbreviation and UTC."""
    assert moment.tzinfo is not None
    real = moment.astimezone(dt.UTC).astimezone(moment.tzinfo)
    utc = moment.astimezone(dt.UTC)
    return f"{real:%Y-%m-%d %H:%M} {real.tzname()} = {utc:%H:%M} UTC"


def _own_event(occurrence: Occurrence) -> bool:
    """Whether the meeting is written as an event of its own (standalone or override)."""
    return not occurrence.in_series or occurrence.status == "moved"


def dst_findings(
    org: Organization,
    start: dt.date,
    end: dt.date,
    *,
    groups: Iterable[str] | None = None,
    pm: pluggy.PluginManager | None = None,
) -> tuple[DstFinding, ...]:
    """Every meeting or skipped instance in the window (by original date) in a DST gap
    or fold, or running across a change of offset where readers differ; in group,
    cycle and time order."""
    zone = org.zone
    found: dict[tuple[str, str, dt.datetime, DstKind], DstFinding] = {}

    def add(
        group: str,
        cycle: str,
        uid: str,
        kind: DstKind,
        local: dt.datetime,
        o: Occurrence | None,
        at_end: bool = False,
    ) -> None:
        begin = o.start if o is not None else local.replace(tzinfo=zone)
        finish = o.end if o is not None else begin
        found.setdefault(
            (group, cycle, local, kind),
            DstFinding(group, cycle, uid, kind, org.timezone, local, begin, finish, at_end),
        )

    for group_id in groups if groups is not None else [g.id for g in org.groups]:
        for series in schedule(org, group_id, start, end, pm=pm):
            for o in series.occurrences:
                unclear = False
                for moment in (o.start, o.recurrence_id):
                    kind = local_kind(zone, _wall(moment))
                    if kind is not None:
                        add(o.group, o.cycle, o.uid, kind, _wall(moment), o)
                        unclear = True
                if unclear:
                    continue  # its end follows from a start readers already differ on
                kind = local_kind(zone, _wall(o.end))
                if kind is not None:  # only a fold: a computed end is never in a gap
                    add(o.group, o.cycle, o.uid, kind, _wall(o.end), o, at_end=True)
                if _spans(o.start, o.end) and not (
                    _own_event(o) and writes_exact_end(o.start, o.end)
                ):
                    add(o.group, o.cycle, o.uid, DstKind.SPANS, _wall(o.start), o)
            for skipped in series.skipped:
                kind = local_kind(zone, _wall(skipped.original))
                if kind is not None:
                    add(
                        skipped.group,
                        skipped.cycle,
                        skipped.uid,
                        kind,
                        _wall(skipped.original),
                        None,
                    )
    return tuple(found[key] for key in sorted(found, key=lambda k: (k[0], k[1], k[2], k[3].value)))
