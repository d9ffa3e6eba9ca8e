"""Meetings at a local time that a change of offset (DST) makes unclear, and how the
calendar files write them so that every reader shows them exactly.

Three cases, each named by ``mgovern check``:

- ``gap``: the meeting's local time does not exist that day (02:30 on the spring change
  Sunday in Europe). RFC 5545 3.3.5 reads it with the offset before the gap, so it is
  the instant an hour later on the clock (03:30); mgovern follows the RFC. Readers
  differ on such a written time (ical.js/Thunderbird takes the offset after the gap).
- ``fold``: the local time exists twice (02:30 on the autumn change Sunday). RFC 5545
  and mgovern take the first; ical.js takes the second.
- ``spans``: the meeting runs across the change. It lasts exactly its duration
  (RFC 5545 3.8.5.3), and mgovern computes its end so; ical.js and
  recurring_ical_events add a series' length to the wall clock, so they would end it an
  hour early or late.

The files leave readers no choice (:func:`series_reads_exactly`, :func:`as_written`):
an instance of a series that a reader would place or end otherwise than mgovern gets
an override (``RECURRENCE-ID``, its original local time, as the rule makes it) with its
own ``DTSTART`` and ``DTEND``, each a local time that exists once (a start in a gap as
the clock then shows it, 03:30), or both in UTC where one of them exists twice. A
meeting no rule describes, or a moved one, is written the same way; a series' ``UNTIL``
is the latest instant its last instance's local time may mean (:func:`latest_reading`).
ical.js and recurring_ical_events then show every meeting exactly, with one known
exception: recurring_ical_events turns UTC times into the file's ``X-WR-TIMEZONE`` and
orders and subtracts them on the wall clock, so it may misplace a meeting given in UTC
(a start or end the clock shows twice); its ``fold`` finding says so.

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
    "as_written",
    "dst_findings",
    "exact_length",
    "latest_reading",
    "local_kind",
    "series_reads_exactly",
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
    wall clock, the meeting does not run across a change. Else a series' master gives
    the length as ``DURATION``."""
    assert end.tzinfo is not None
    if series and _spans(start, end):
        return False
    return local_kind(end.tzinfo, _wall(end)) is None and _wall(end) > _wall(start)


def series_reads_exactly(start: dt.datetime, end: dt.datetime) -> bool:
    """Whether a reader that places an instance of a series at its local start time (as
    the rule gives it) and adds the series' length on the wall clock finds exactly
    ``start`` and ``end``: both local times exist once and the meeting does not run
    across a change. Else the instance needs an override of its own
    (:func:`as_written`)."""
    zone = start.tzinfo
    assert zone is not None
    return (
        local_kind(zone, _wall(start)) is None
        and local_kind(zone, _wall(end)) is None
        and not _spans(start, end)
    )


def latest_reading(moment: dt.datetime) -> dt.datetime:
    """The latest instant (UTC) a reader may take the local time of ``moment`` for: the
    second of a time that exists twice (ical.js), the offset before a gap (RFC 5545).
    A series' ``UNTIL`` is that of its last instance, so that no reader loses it."""
    return max(moment.replace(fold=0).astimezone(dt.UTC), moment.replace(fold=1).astimezone(dt.UTC))


def _real(moment: dt.datetime) -> dt.datetime:
    """``moment`` as the clock shows it (a time in a gap is moved past it: 02:30 on the
    spring change Sunday, read with the offset before it, is 03:30)."""
    return moment.astimezone(dt.UTC).astimezone(moment.tzinfo)


def as_written(start: dt.datetime, end: dt.datetime) -> tuple[dt.datetime, dt.datetime]:
    """``DTSTART`` and ``DTEND`` of an event of its own (an override, a moved meeting, a
    meeting no rule describes) that every reader reads as exactly ``start`` and ``end``:
    local times in their zone as the clock shows them, when each exists once and the end
    comes after the start on the clock; else both in UTC (a time that exists twice has
    no other form that names one instant)."""
    first, last = _real(start), _real(end)
    zone = start.tzinfo
    assert zone is not None
    if (
        local_kind(zone, _wall(first)) is None
        and local_kind(zone, _wall(last)) is None
        and _wall(last) > _wall(first)
    ):
        return first, last
    return start.astimezone(dt.UTC), end.astimezone(dt.UTC)


def exact_length(start: dt.datetime, end: dt.datetime) -> dt.timedelta:
    """Real time from ``start`` to ``end`` (Python subtracts aware datetimes of one zone
    on the wall clock)."""
    return end.astimezone(dt.UTC) - start.astimezone(dt.UTC)


def _spans(start: dt.datetime, end: dt.datetime) -> bool:
    """Whether the wall clock runs differently from real time between start and end."""
    return _wall(end) - _wall(start) != exact_length(start, end)


@frozen
class DstFinding:
    """One meeting (or skipped instance) at a local time a change of offset makes
    unclear, or running across such a change."""

    group: str
    cycle: str
    uid: str
    kind: DstKind
    zone: str
    local: dt.datetime  # the wall-clock time concerned (naive)
    start: dt.datetime  # the meeting as mgovern places it (RFC 5545)
    end: dt.datetime
    at_end: bool = False  # ``local`` is the meeting's end, not its start
    skipped: bool = False  # an instance that does not take place (EXDATE)

    def __str__(self) -> str:
        zone = self.start.tzinfo
        assert zone is not None
        when = f"{self.local:%Y-%m-%d %H:%M}" + (" (its end)" if self.at_end else "")
        exact = exact_length(self.start, self.end)
        length = int(exact.total_seconds() // 60)
        if self.kind is DstKind.SPANS:
            clock = _wall(_real(self.end)) - _wall(_real(self.start))
            said = (
                f"{when} + {length} min runs across a change of offset in {self.zone}: "
                f"it ends at {_clock(self.end)}, exactly {length} minutes later "
                f"({int(clock.total_seconds() // 60)} minutes on the clock)"
            )
        elif self.at_end:
            said = (
                f"{when} exists twice in {self.zone}: the meeting ends at "
                f"{_clock(self.end)}, exactly {length} minutes after it starts"
            )
        elif self.kind is DstKind.GAP:
            earlier = self.local.replace(tzinfo=zone, fold=0)
            said = (
                f"{when} does not exist in {self.zone}: mgovern takes the offset before "
                f"the change (RFC 5545), {_clock(earlier)}"
            )
        else:
            earlier = self.local.replace(tzinfo=zone, fold=0)
            said = (
                f"{when} exists twice in {self.zone}: mgovern takes the first "
                f"(RFC 5545), {_clock(earlier)}"
            )
        if self.skipped:
            return f"{said}; the instance does not take place (EXDATE)"
        written, _ = as_written(self.start, self.end)
        form = " in UTC" if written.tzinfo is dt.UTC else ""
        if form:
            return (
                f"{said}; the calendars give its start and end in UTC, the only form that "
                "names them: ical.js shows it exactly, recurring_ical_events (3.8), which "
                "reads UTC in the file's X-WR-TIMEZONE and counts on the clock, may not"
            )
        return (
            f"{said}; the calendars give this meeting its own start and end, so every "
            "reader shows it so"
        )


def _clock(moment: dt.datetime) -> str:
    """The real local time of ``moment``, with its abbreviation and UTC."""
    assert moment.tzinfo is not None
    real = moment.astimezone(dt.UTC).astimezone(moment.tzinfo)
    utc = moment.astimezone(dt.UTC)
    return f"{real:%Y-%m-%d %H:%M} {real.tzname()} = {utc:%H:%M} UTC"


def dst_findings(
    org: Organization,
    start: dt.date,
    end: dt.date,
    *,
    groups: Iterable[str] | None = None,
    pm: pluggy.PluginManager | None = None,
) -> tuple[DstFinding, ...]:
    """Every meeting or skipped instance in the window (by original date) in a DST gap
    or fold, and every meeting running across a change of offset; in group, cycle and
    time order. The calendar files write each so that every reader shows it exactly
    (see the module's docstring); ``mgovern check`` names them all the same, since a
    meeting at 02:30 on the spring change Sunday takes place at 03:30."""
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
            DstFinding(
                group, cycle, uid, kind, org.timezone, local, begin, finish, at_end, o is None
            ),
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
                if _spans(o.start, o.end):
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
