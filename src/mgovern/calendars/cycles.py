"""Meeting cycles -> occurrences: the dates, times and moves that calendars publish.

Each cycle says when its group meets: a recurrence rule (friendly or raw RRULE),
explicit dates, or dates anchored to another cycle's meetings. An instance on a
**closed day** (a holiday from plugins, an organisation or cycle blackout) or in a
skipped month is skipped, or moved by the cycle's policy to the previous or next working
day — never onto another closed day, never colliding with the group's other meetings,
never past the series' neighbouring instance; when no such day exists it is skipped
with the reason.

Each occurrence knows its agenda deadline and notice time: ``days_before`` the meeting,
moved back to the working day before when that falls on a weekend, a holiday or in a
blackout. The window ``[start, end]`` selects instances by their **original** date; a moved
instance keeps its place in the series (``recurrence_id``) even if the move takes it
just outside the window. :mod:`mgovern.calendars.ical` publishes exactly these instants.

Why one module of 652 lines: recurrence, closed days, moves and lead times are one
computation per series and share its caches (docs/performance.md).
"""

from __future__ import annotations

import datetime as dt
import enum
import operator
import uuid
from collections.abc import Iterable, Mapping, Sequence
from typing import TYPE_CHECKING, Any

from attrs import Factory, fields, frozen
from dateutil import rrule as _rrule

from mgovern.exceptions import ScheduleError, quote
from mgovern.i18n import gettext_for, month_names
from mgovern.model import ClosedDay, ClosedDayPolicy, Cycle, Deadline, Organization
from mgovern.recurrence import (
    PHASE_ANCHOR,
    WEEKDAY_CODES,
    parse_rule,
    until_in_zone,
    validate_rrule,
)

if TYPE_CHECKING:
    import pluggy

__all__ = [
    "MAX_MOVE",
    "Occurrence",
    "Series",
    "Skipped",
    "Status",
    "closed_days",
    "occurrences",
    "schedule",
    "series_uid",
    "validate_schedule",
]

_UID_NAMESPACE = uuid.UUID("6f1c1f0e-5d7e-4c61-9a55-0d0b6c9e2a11")
_MARGIN = dt.timedelta(days=70)  # how far beyond the window neighbours are looked up
_EPOCH = PHASE_ANCHOR  # a Monday: the phase of "every 2 weeks" without a first date
_MAX_MOVE = 14  # days a meeting may move at most
#: Days a meeting on a closed day may move at most (so a meeting on day D has its
#: original date within D +/- MAX_MOVE).
MAX_MOVE = _MAX_MOVE


class Status(enum.StrEnum):
    SCHEDULED = "scheduled"
    MOVED = "moved"


@frozen(order=True)
class Occurrence:
    """One meeting, with aware times in the organisation's zone."""

    start: dt.datetime
    end: dt.datetime
    group: str
    cycle: str
    uid: str
    recurrence_id: dt.datetime  # the rule's original start
    status: Status = Status.SCHEDULED
    reason: str = ""  # why it moved
    in_series: bool = True  # an instance of the cycle's RRULE (else a VEVENT of its own)
    agenda_deadline: dt.datetime | None = None
    notice: dt.datetime | None = None


@frozen(order=True)
class Skipped:
    """An instance that does not take place (EXDATE), and why."""

    original: dt.datetime
    group: str
    cycle: str
    uid: str
    reason: str
    in_series: bool = True


#: The order of ``@frozen(order=True)`` (every field in turn) as a sort key: computed
#: once per item instead of in every comparison, for the same order.
_OCCURRENCE_ORDER = operator.attrgetter(*(a.name for a in fields(Occurrence)))
_SKIPPED_ORDER = operator.attrgetter(*(a.name for a in fields(Skipped)))


@frozen
class Series:
    """One cycle of one group in a window: what a calendar needs to describe it."""

    group: str
    cycle: Cycle
    uid: str
    rrule: str | None  # without DTSTART/UNTIL/COUNT; None for dates and anchors
    dtstart: dt.datetime | None  # first original instance in the window
    until: dt.datetime | None  # last original instance in the window
    occurrences: tuple[Occurrence, ...]
    skipped: tuple[Skipped, ...]


def series_uid(org: Organization, group_id: str, cycle_id: str, day: dt.date | None = None) -> str:
    """Deterministic, URL-safe UID of a series (or of one standalone meeting)."""
    name = f"{org.id}/{group_id}/{cycle_id}" + (f"/{day.isoformat()}" if day else "")
    return str(uuid.uuid5(_UID_NAMESPACE, name))


# --- closed days ------------------------------------------------------------------------
def closed_days(
    org: Organization,
    start: dt.date,
    end: dt.date,
    *,
    pm: pluggy.PluginManager | None = None,
) -> dict[dt.date, str]:
    """Holidays from the ``mgovern_closed_days`` plugins (blackouts are separate: see
    :func:`_closure`)."""
    if pm is None:
        from mgovern.plugins import plugin_manager

        pm = plugin_manager()
    key = ("cycles.closed", start, end, id(pm))
    cached: dict[dt.date, str] | None = org._memo.get(key)
    if cached is not None:
        return cached
    days: dict[dt.date, str] = {}
    for result in pm.hook.mgovern_closed_days(org=org, start=start, end=end):
        for day in result or ():
            if not isinstance(day, ClosedDay):
                from mgovern.exceptions import PluginError

                raise PluginError(f"mgovern_closed_days returned {day!r}, not a ClosedDay")
            if start <= day.date <= end:
                days.setdefault(day.date, day.name)
    org._memo[key] = days
    return days


# --- raw instances ----------------------------------------------------------------------
def cycle_rrule(cycle: Cycle) -> str | None:
    """The cycle's RRULE without DTSTART, UNTIL and COUNT (None: dates or anchor)."""
    if cycle.rule:
        return parse_rule(cycle.rule)
    if cycle.rrule:
        parts = [
            p
            for p in validate_rrule(cycle.rrule).split(";")
            if p.split("=", 1)[0].upper() not in ("UNTIL", "COUNT")
        ]
        return ";".join(parts)
    return None


def _cycle_rrule(org: Organization, cycle: Cycle) -> str | None:
    """:func:`cycle_rrule`, remembered per organisation."""
    key = ("cycles.rrule", cycle.rule, cycle.rrule)
    try:
        found: str | None = org._memo[key]
    except KeyError:
        found = org._memo[key] = cycle_rrule(cycle)
    return found


def _phase_anchor(rrule: str, start: dt.date) -> dt.date:
    """Where a rule without a first date starts counting: the fixed epoch (Monday
    3 January 2000), which sets the phase of "every 2 weeks"; for a window that starts
    before it, the epoch moved back by whole periods of the rule (INTERVAL days, weeks,
    months or years), so the same phase goes on before 2000. A rule with COUNT counts
    from the epoch itself."""
    parts = dict(p.partition("=")[::2] for p in rrule.upper().split(";"))
    if start >= _EPOCH or "COUNT" in parts:
        return _EPOCH
    interval = int(parts.get("INTERVAL") or 1)
    freq = parts.get("FREQ", "WEEKLY")
    if freq in ("DAILY", "WEEKLY"):
        step = interval * (7 if freq == "WEEKLY" else 1)
        periods = -(-(_EPOCH - start).days // step)
        return max(_EPOCH - dt.timedelta(days=periods * step), dt.date.min)
    step = interval * (12 if freq == "YEARLY" else 1)  # months
    behind = (_EPOCH.year - start.year) * 12 + _EPOCH.month - start.month
    month = _EPOCH.year * 12 + _EPOCH.month - 1 - (-(-behind // step) + 1) * step
    if month < 12:  # before the year 1: as far back as dates go, in phase
        month += -(-(12 - month) // step) * step
    return dt.date(month // 12, month % 12 + 1, _EPOCH.day)


def _rule_dates(
    org: Organization, cycle: Cycle, start: dt.date, end: dt.date
) -> tuple[dt.date, ...]:
    """The rule's original dates in [start, end] (also honouring first/last and a raw
    rule's own COUNT/UNTIL); stops early past ``2 * max_occurrences + 200`` (enough for
    the caller to see that the window holds more than ``max_occurrences``).

    Remembered per organisation by everything the dates depend on: groups that share a
    rule expand it once."""
    time = cycle.time
    key = (
        "cycles.rule_dates",
        cycle.rule,
        cycle.rrule,
        cycle.first,
        cycle.last,
        time,
        time.fold,
        id(time.tzinfo),
        start,
        end,
    )
    cached: tuple[dt.date, ...] | None = org._memo.get(key)
    if cached is None:
        cached = org._memo[key] = tuple(_expand_rule(org, cycle, start, end))
    return cached


def _expand_rule(org: Organization, cycle: Cycle, start: dt.date, end: dt.date) -> list[dt.date]:
    text = validate_rrule(cycle.rrule) if cycle.rrule else parse_rule(cycle.rule or "")
    anchor = cycle.first or _phase_anchor(text, start)
    text = until_in_zone(text, org.zone)  # an UNTIL in UTC, as the organisation's local time
    rule = _rrule.rrulestr(text, dtstart=dt.datetime.combine(anchor, cycle.time))
    low = max(start, cycle.first) if cycle.first else start
    high = min(end, cycle.last) if cycle.last else end
    found: list[dt.date] = []
    if low > high:
        return found
    for moment in rule.xafter(dt.datetime.combine(low, dt.time(0)), inc=True):
        if moment.date() > high:
            break
        found.append(moment.date())
        if len(found) > 2 * org.max_occurrences + 200:
            break
    return found


def _within(cycle: Cycle, day: dt.date) -> bool:
    return (cycle.first is None or day >= cycle.first) and (cycle.last is None or day <= cycle.last)


def _weekday_on_or_before(day: dt.date, weekday: str) -> dt.date:
    target = list(WEEKDAY_CODES).index(weekday)
    return day - dt.timedelta(days=(day.weekday() - target) % 7)


def _original_dates(
    org: Organization,
    group_id: str,
    cycle: Cycle,
    start: dt.date,
    end: dt.date,
    pm: pluggy.PluginManager | None,
    depth: int,
) -> Sequence[dt.date]:
    if cycle.rule or cycle.rrule:
        return _rule_dates(org, cycle, start, end)
    if cycle.dates:
        return sorted(d for d in set(cycle.dates) if start <= d <= end and _within(cycle, d))
    assert cycle.anchor is not None
    target_group, target_cycle = cycle.anchor.cycle.split(".", 1)
    reach = dt.timedelta(days=cycle.anchor.days_before + 7)
    anchors = [
        o
        for series in _schedule(
            org, target_group, start, end + reach, pm, depth + 1, anchored=False
        )
        for o in series.occurrences
        if o.cycle == target_cycle
    ]
    dates = set()
    for anchor in anchors:
        day = anchor.start.date() - dt.timedelta(days=cycle.anchor.days_before)
        if cycle.anchor.weekday:
            day = _weekday_on_or_before(day, cycle.anchor.weekday)
        if start <= day <= end and _within(cycle, day):
            dates.add(day)
    return sorted(dates)


# --- placing ----------------------------------------------------------------------------
def _at(org: Organization, day: dt.date, time: dt.time) -> dt.datetime:
    """``time`` on ``day`` in the organisation's zone; a time in a DST gap or fold has
    ``fold=0``, the offset before the change (RFC 5545 3.3.5, see :mod:`mgovern.calendars.dst`)."""
    return dt.datetime.combine(day, time, tzinfo=org.zone)


def meeting_end(start: dt.datetime, minutes: int) -> dt.datetime:
    """``minutes`` after ``start`` in absolute time, in start's zone: every meeting of a
    series lasts exactly its duration, also across a change of offset (RFC 5545 3.8.5.3;
    wall-clock arithmetic would make a meeting at 02:30 on the spring change end when it
    starts)."""
    return (start.astimezone(dt.UTC) + dt.timedelta(minutes=minutes)).astimezone(start.tzinfo)


def _lead(
    org: Organization, day: dt.date, deadline: Deadline | None, closed: Mapping[dt.date, str]
) -> dt.datetime | None:
    """``days_before`` the meeting at ``time``; a deadline that would fall on a weekend,
    a holiday or in a blackout comes on the working day before it instead."""
    if deadline is None:
        return None
    moment = day - dt.timedelta(days=deadline.days_before)
    for _ in range(62):  # a blackout may be a whole month
        off = moment.weekday() >= 5 or moment in closed
        if not off and not any(b.covers(moment) for b in org.blackouts):
            break
        moment -= dt.timedelta(days=1)
    return _at(org, moment, deadline.time)


@frozen(eq=False)
class _Known:
    """What one mapping of closed days gives, remembered for every group of the
    organisation (most groups meet on the same days): deadlines and closures."""

    closed: Mapping[dt.date, str]  # kept alive here: its id stays unique in the memo key
    leads: dict[Any, dt.datetime | None] = Factory(dict)
    closures: dict[Any, tuple[str, bool] | None] = Factory(dict)


def _known(org: Organization, closed: Mapping[dt.date, str]) -> _Known:
    key = ("cycles.known", id(closed))
    known: _Known | None = org._memo.get(key)
    if known is None or known.closed is not closed:
        known = org._memo[key] = _Known(closed)
    return known


def _lead_of(
    org: Organization, day: dt.date, deadline: Deadline | None, known: _Known
) -> dt.datetime | None:
    """:func:`_lead`, remembered."""
    if deadline is None:
        return None
    time = deadline.time
    key = (day, deadline.days_before, time, time.fold, id(time.tzinfo))
    try:
        return known.leads[key]
    except KeyError:
        found = known.leads[key] = _lead(org, day, deadline, known.closed)
        return found


def _closure_of(
    org: Organization, cycle: Cycle, day: dt.date, known: _Known
) -> tuple[str, bool] | None:
    """:func:`_closure`, remembered (it reads only these parts of the cycle)."""
    key = (day, cycle.skip_months, cycle.blackouts)
    try:
        return known.closures[key]
    except KeyError:
        found = known.closures[key] = _closure(org, cycle, day, known.closed)
        return found


def _slots(org: Organization) -> dict[Any, tuple[dt.datetime, dt.datetime]]:
    """Start and end of a meeting by day, time and duration, for every group of the
    organisation (see :func:`_slot`)."""
    slots: dict[Any, tuple[dt.datetime, dt.datetime]] | None = org._memo.get("cycles.slots")
    if slots is None:
        slots = org._memo["cycles.slots"] = {}
    return slots


def _slot(
    org: Organization,
    slots: dict[Any, tuple[dt.datetime, dt.datetime]],
    day: dt.date,
    time: dt.time,
    minutes: int,
) -> tuple[dt.datetime, dt.datetime]:
    """``time`` on ``day`` (:func:`_at`) and ``minutes`` later (:func:`meeting_end`).

    A time in a key comes with what ``==`` leaves out: its fold, and which tzinfo (an
    object of the organisation, alive as long as its memo)."""
    key = (day, time, time.fold, id(time.tzinfo), minutes)
    try:
        return slots[key]
    except KeyError:
        begin = _at(org, day, time)
        found = slots[key] = (begin, meeting_end(begin, minutes))
        return found


def _month_name(org: Organization, month: int) -> str:
    return month_names(org)[month - 1]


def _closure(
    org: Organization, cycle: Cycle, day: dt.date, closed: Mapping[dt.date, str]
) -> tuple[str, bool] | None:
    """Why ``day`` has no meeting of this cycle, and whether the meeting may move.

    Skipped months and blackouts are periods without meetings: their instances are
    skipped. A holiday closes one day: the cycle's policy may move the meeting.
    """
    if day.month in cycle.skip_months:
        _ = gettext_for(org)
        return _("no meetings in {month}").format(month=_month_name(org, day.month)), False
    for blackout in (*cycle.blackouts, *org.blackouts):
        if blackout.covers(day):
            return blackout.name, False
    holiday = closed.get(day)
    return (holiday, True) if holiday is not None else None


def _overlaps(a: tuple[dt.datetime, dt.datetime], b: tuple[dt.datetime, dt.datetime]) -> bool:
    # in UTC: Python compares aware datetimes of one zone on the wall clock
    a0, a1, b0, b1 = (moment.astimezone(dt.UTC) for moment in (*a, *b))
    return a0 < b1 and b0 < a1


@frozen
class _Instance:
    cycle: Cycle
    original: dt.date
    previous: dt.date | None  # the series' neighbouring original dates
    following: dt.date | None
    closed_reason: str | None
    movable: bool


def schedule(
    org: Organization,
    group_id: str,
    start: dt.date,
    end: dt.date,
    *,
    pm: pluggy.PluginManager | None = None,
) -> tuple[Series, ...]:
    """Every cycle of the group in the window, with its occurrences and skipped dates."""
    return _schedule(org, group_id, start, end, pm, 0)


def _schedule(
    org: Organization,
    group_id: str,
    start: dt.date,
    end: dt.date,
    pm: pluggy.PluginManager | None,
    depth: int,
    *,
    anchored: bool = True,
) -> tuple[Series, ...]:
    """``anchored=False`` leaves out anchored cycles: the dates anchors derive from."""
    if end < start:
        raise ScheduleError(f"the window ends ({end}) before it starts ({start}): swap the dates")
    key = ("cycles.schedule", group_id, start, end, id(pm), anchored)
    cached: tuple[Series, ...] | None = org._memo.get(key)
    if cached is not None:
        return cached
    if depth > 20:
        raise ScheduleError(f"anchors nest too deeply at group {group_id!r}")
    group = org.group(group_id)
    closed = closed_days(org, start - _MARGIN, end + _MARGIN, pm=pm)
    slots = _slots(org)
    known = _known(org, closed)

    cycles = [c for c in group.cycles if anchored or c.anchor is None]
    instances: list[_Instance] = []
    of_cycle: dict[int, list[int]] = {id(c): [] for c in cycles}  # indexes in instances
    for cycle in cycles:
        wide = _original_dates(org, group_id, cycle, start - _MARGIN, end + _MARGIN, pm, depth)
        indexes = of_cycle[id(cycle)]
        for index, day in enumerate(wide):
            if start <= day <= end:
                closure = _closure_of(org, cycle, day, known)
                indexes.append(len(instances))
                instances.append(
                    _Instance(
                        cycle,
                        day,
                        wide[index - 1] if index > 0 else None,
                        wide[index + 1] if index + 1 < len(wide) else None,
                        closure[0] if closure else None,
                        closure[1] if closure else True,
                    )
                )
    for cycle in cycles:
        count = len(of_cycle[id(cycle)])
        if count > org.max_occurrences:
            raise ScheduleError(
                f"group {group_id!r} cycle {cycle.id!r} has {count} meetings in the window, "
                f"more than max_occurrences = {org.max_occurrences}; narrow the window or "
                "raise max_occurrences"
            )

    placed: list[tuple[dt.datetime, dt.datetime]] = []
    fixed: dict[int, tuple[dt.date, Status, str]] = {}
    for index, inst in enumerate(instances):
        if inst.closed_reason is None:
            placed.append(_slot(org, slots, inst.original, inst.cycle.time, inst.cycle.duration))
            fixed[index] = (inst.original, Status.SCHEDULED, "")

    moves: dict[int, tuple[dt.date, Status, str] | str] = {}
    order = sorted(
        (i for i in range(len(instances)) if i not in fixed),
        key=lambda i: (instances[i].original, instances[i].cycle.time, instances[i].cycle.id),
    )
    for index in order:
        inst = instances[index]
        moves[index] = _move(org, inst, known, placed)
        moved = moves[index]
        if not isinstance(moved, str):
            placed.append(_slot(org, slots, moved[0], inst.cycle.time, inst.cycle.duration))

    series: list[Series] = []
    for cycle in cycles:
        rrule = _cycle_rrule(org, cycle)
        in_series = rrule is not None
        uid = series_uid(org, group_id, cycle.id)
        time, duration = cycle.time, cycle.duration
        occs: list[Occurrence] = []
        skipped: list[Skipped] = []
        originals: list[dt.date] = []
        for index in of_cycle[id(cycle)]:
            inst = instances[index]
            originals.append(inst.original)
            own_uid = uid if in_series else series_uid(org, group_id, cycle.id, inst.original)
            original = _slot(org, slots, inst.original, time, duration)[0]
            outcome = fixed.get(index) or moves[index]
            if isinstance(outcome, str):
                skipped.append(Skipped(original, group_id, cycle.id, own_uid, outcome, in_series))
                continue
            day, status, reason = outcome
            begin, finish = _slot(org, slots, day, time, duration)
            occs.append(
                Occurrence(
                    start=begin,
                    end=finish,
                    group=group_id,
                    cycle=cycle.id,
                    uid=own_uid,
                    recurrence_id=original,
                    status=status,
                    reason=reason,
                    in_series=in_series,
                    agenda_deadline=_lead_of(org, day, cycle.agenda_deadline, known),
                    notice=_lead_of(org, day, cycle.notice, known),
                )
            )
        series.append(
            Series(
                group=group_id,
                cycle=cycle,
                uid=uid,
                rrule=rrule,
                dtstart=_at(org, min(originals), time) if in_series and originals else None,
                until=_at(org, max(originals), time) if in_series and originals else None,
                occurrences=tuple(sorted(occs, key=_OCCURRENCE_ORDER)),
                skipped=tuple(sorted(skipped, key=_SKIPPED_ORDER)),
            )
        )
    result = tuple(series)
    org._memo[key] = result
    return result


def _move(
    org: Organization,
    inst: _Instance,
    known: _Known,
    placed: list[tuple[dt.datetime, dt.datetime]],
) -> tuple[dt.date, Status, str] | str:
    """Where a closed instance goes under its cycle's policy, or the reason it is skipped."""
    reason = inst.closed_reason or ""
    policy = inst.cycle.closed_days
    if policy is ClosedDayPolicy.SKIP or not inst.movable:
        return reason
    step = 1 if policy is ClosedDayPolicy.NEXT_WORKING_DAY else -1
    limit = inst.following if step == 1 else inst.previous
    for offset in range(1, _MAX_MOVE + 1):
        day = inst.original + dt.timedelta(days=offset * step)
        if limit is not None and (day >= limit if step == 1 else day <= limit):
            break
        if day.weekday() >= 5 or _closure_of(org, inst.cycle, day, known) is not None:
            continue
        when = _at(org, day, inst.cycle.time)
        slot = (when, meeting_end(when, inst.cycle.duration))
        if any(_overlaps(slot, other) for other in placed):
            continue
        return day, Status.MOVED, reason
    _ = gettext_for(org)
    return _("{reason} (no free working day to move it to)").format(reason=reason)


def _occurrences_of(
    org: Organization,
    group_id: str,
    start: dt.date,
    end: dt.date,
    pm: pluggy.PluginManager | None,
    depth: int,
) -> list[Occurrence]:
    found = [o for s in _schedule(org, group_id, start, end, pm, depth) for o in s.occurrences]
    found.sort(key=_OCCURRENCE_ORDER)
    return found


def occurrences(
    org: Organization,
    group_id: str,
    start: dt.date,
    end: dt.date,
    *,
    pm: pluggy.PluginManager | None = None,
) -> list[Occurrence]:
    """The group's meetings whose original date lies in ``[start, end]``, sorted by start."""
    return _occurrences_of(org, group_id, start, end, pm, 0)


def validate_schedule(
    org: Organization,
    start: dt.date,
    end: dt.date,
    *,
    groups: Iterable[str] | None = None,
    pm: pluggy.PluginManager | None = None,
) -> None:
    """Raise ScheduleError for a window that is inverted, or a rule that matches no date in
    a window where its cycle is active (e.g. "5th tuesday of the month" in a short window)."""
    if end < start:
        raise ScheduleError(f"--to {end} is before --from {start}: swap the dates")
    for group_id in groups if groups is not None else [g.id for g in org.groups]:
        group = org.group(group_id)
        for cycle in group.cycles:
            if not (cycle.rule or cycle.rrule):
                continue
            low = max(start, cycle.first) if cycle.first else start
            high = min(end, cycle.last) if cycle.last else end
            if low <= high and not _rule_dates(org, cycle, start, end):
                raise ScheduleError(
                    f"group {group_id!r} cycle {cycle.id!r}: "
                    f"{quote(cycle.rule or cycle.rrule)} matches no date between {low} and {high}; "
                    "correct the rule or its first/last dates"
                )
        schedule(org, group_id, start, end, pm=pm)
