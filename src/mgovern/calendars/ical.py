"""Occurrences -> iCalendar: the components (VEVENT, VTIMEZONE, the calendar's own
properties), built with the icalendar library; :mod:`mgovern.calendars.feeds` assembles the files
of a run from their text, each serialised once.

What real clients need (see ICALENDAR.md in the project's shared notes), in short: one
VEVENT with RRULE per regular series, EXDATE (same TZID) for skipped instances, overrides
with RECURRENCE-ID for moved ones, a VEVENT and UID of its own for every meeting no rule
describes (never RDATE), a VTIMEZONE in the classic RRULE form derived from the zone's
current rule (Outlook-safe) for every TZID used, deterministic UIDs and DTSTAMP. All text
goes through icalendar, which escapes and folds it.

Why one module of 607 lines: building a group's events, the overrides a DST change needs and
the range of each VTIMEZONE are one consistency, which the feeds' byte-identity tests bind;
split, half of every VEVENT would live elsewhere.
"""

from __future__ import annotations

import datetime as dt
import functools
import re
from collections.abc import Iterable
from typing import TYPE_CHECKING

from attrs import frozen
from icalendar import (
    Calendar,
    Event,
    Timezone,
    TimezoneDaylight,
    TimezoneStandard,
    vCalAddress,
    vText,
)
from icalendar.prop import vRecur

from mgovern import __version__, timezones
from mgovern.calendars.cycles import Occurrence, Series, meeting_end, schedule
from mgovern.calendars.dst import (
    as_written,
    exact_length,
    latest_reading,
    series_reads_exactly,
    writes_exact_end,
)
from mgovern.i18n import pgettext_for
from mgovern.model import Group, Organization

if TYPE_CHECKING:
    import pluggy

__all__ = [
    "add_name",
    "annual_meetings",
    "build_calendar",
    "build_group_events",
    "calendar",
    "calendar_properties",
    "event_order",
    "group_events_by_uid",
    "series_resources",
    "utc_stamp",
    "vtimezone",
]

PRODID = f"-//mgovern//mgovern {__version__}//EN"
#: The category of a meeting that carries an annual matter (and of its milestones).
ANNUAL_CATEGORY = "Årshjul"


# --- VTIMEZONE --------------------------------------------------------------------------
_POSIX = re.compile(
    r"(?P<std><[^>]+>|[A-Za-z]{3,})(?P<stdoff>[+-]?\d{1,2}(?::\d{2}){0,2})"
    r"(?:(?P<dst><[^>]+>|[A-Za-z]{3,})(?P<dstoff>[+-]?\d{1,2}(?::\d{2}){0,2})?"
    r",M(?P<sm>\d{1,2})\.(?P<sw>\d)\.(?P<sd>\d)(?:/(?P<st>[+-]?\d{1,3}(?::\d{2}){0,2}))?"
    r",M(?P<em>\d{1,2})\.(?P<ew>\d)\.(?P<ed>\d)(?:/(?P<et>[+-]?\d{1,3}(?::\d{2}){0,2}))?)?"
)
_BYDAY = ("SU", "MO", "TU", "WE", "TH", "FR", "SA")
#: How far beyond the first and last moment a VTIMEZONE describes the zone.
_ZONE_MARGIN = dt.timedelta(days=366)


def _window(first: dt.date, last: dt.date) -> tuple[dt.datetime, dt.datetime]:
    """The UTC span a VTIMEZONE for ``[first, last]`` must describe exactly."""
    low = dt.datetime.combine(first - _ZONE_MARGIN, dt.time(), tzinfo=dt.UTC)
    high = dt.datetime.combine(last + _ZONE_MARGIN, dt.time(), tzinfo=dt.UTC)
    return low, high


def _rule_components(
    name: str, first: dt.date, last: dt.date
) -> list[TimezoneStandard | TimezoneDaylight] | None:
    """STANDARD/DAYLIGHT with yearly RRULEs, if the zone's POSIX rule gives exactly the
    zone database's changes of offset in the window (every one of them, and no other);
    else None."""
    match = _POSIX.fullmatch(timezones.posix_rule(name))
    if match is None:
        return None
    low, high = _window(first, last)
    actual = [
        (t.at, t.before, t.after)
        for t in timezones.transitions(name, low, high)
        if t.before != t.after
    ]
    std_name = match["std"].strip("<>")
    std = dt.timedelta(seconds=-timezones.seconds(match["stdoff"]))
    if not match["dst"]:
        if actual or timezones.state(name, low)[0] != std:
            return None
        fixed = TimezoneStandard()
        fixed.add("dtstart", dt.datetime(1970, 1, 1))
        fixed.add("tzoffsetfrom", std)
        fixed.add("tzoffsetto", std)
        fixed.add("tzname", std_name)
        return [fixed]
    dst_name = match["dst"].strip("<>")
    dst = (
        dt.timedelta(seconds=-timezones.seconds(match["dstoff"]))
        if match["dstoff"]
        else std + dt.timedelta(hours=1)
    )
    rules: list[_Transition] = []
    for daylight, prefix, before, after, label in (
        (True, "s", std, dst, dst_name),
        (False, "e", dst, std, std_name),
    ):
        at = match[f"{prefix}t"]
        seconds = timezones.seconds(at) if at else 7200
        if not 0 <= seconds < 86400:
            return None  # a change at 24:00 or later is not a plain yearly rule
        rules.append(
            _Transition(
                daylight,
                int(match[f"{prefix}m"]),
                int(match[f"{prefix}w"]),
                int(match[f"{prefix}d"]),
                seconds,
                before,
                after,
                label,
            )
        )
    expected = sorted(
        ((t.local(year) - t.before).replace(tzinfo=dt.UTC), t.before, t.after)
        for year in range(low.year, high.year + 1)
        for t in rules
    )
    if [change for change in expected if low < change[0] <= high] != actual:
        return None
    earlier = [change for change in expected if change[0] <= low]
    if timezones.state(name, low)[0] != (earlier[-1][2] if earlier else expected[0][1]):
        return None
    components: list[TimezoneStandard | TimezoneDaylight] = []
    for t in rules:
        component: TimezoneStandard | TimezoneDaylight = (
            TimezoneDaylight() if t.daylight else TimezoneStandard()
        )
        component.add("dtstart", t.local(1970))
        component.add("tzoffsetfrom", t.before)
        component.add("tzoffsetto", t.after)
        component.add("tzname", t.label)
        ordinal = -1 if t.week == 5 else t.week
        component.add(
            "rrule",
            {"FREQ": "YEARLY", "BYMONTH": t.month, "BYDAY": f"{ordinal}{_BYDAY[t.weekday]}"},
        )
        components.append(component)
    return components


def _explicit_components(
    name: str, first: dt.date, last: dt.date
) -> list[TimezoneStandard | TimezoneDaylight]:
    """One STANDARD or DAYLIGHT per change of the zone in the window, each with its own
    DTSTART and no RDATE (ical.js reads only the first value of ``RDATE:a,b,c``; Outlook
    is reported to shift events with RDATE lists), after one onset at the window's start
    that gives the offset in force there."""
    low, high = _window(first, last)
    offset, daylight, label = timezones.state(name, low)
    onsets: list[tuple[dt.datetime, dt.timedelta, dt.timedelta, bool, str]] = [
        ((low + offset).replace(tzinfo=None), offset, offset, daylight, label)
    ]
    for t in timezones.transitions(name, low, high):
        onsets.append(((t.at + t.before).replace(tzinfo=None), t.before, t.after, t.dst, t.name))
    components: list[TimezoneStandard | TimezoneDaylight] = []
    for start, before, after, is_dst, tzname in onsets:
        component: TimezoneStandard | TimezoneDaylight = (
            TimezoneDaylight() if is_dst else TimezoneStandard()
        )
        component.add("dtstart", start)
        component.add("tzoffsetfrom", before)
        component.add("tzoffsetto", after)
        component.add("tzname", tzname)
        components.append(component)
    return components


@frozen
class _Transition:
    """One yearly change of a POSIX TZ rule: ``Mmonth.week.weekday/seconds``."""

    daylight: bool
    month: int
    week: int
    weekday: int
    seconds: int
    before: dt.timedelta
    after: dt.timedelta
    label: str

    def local(self, year: int) -> dt.datetime:
        day = timezones.nth_weekday(year, self.month, self.week, self.weekday)
        return dt.datetime.combine(day, dt.time()) + dt.timedelta(seconds=self.seconds)


@functools.lru_cache(maxsize=64)
def vtimezone(name: str, first: dt.date, last: dt.date) -> Timezone:
    """A VTIMEZONE that gives the zone database's offset (the ``tzdata`` package, as
    :attr:`Organization.zone <mgovern.model.Organization.zone>`) at every moment from a
    year before ``first`` to a year after ``last``: the classic yearly-RRULE form when
    the zone's current rule gives exactly its changes there, else one onset per change.

    Cached: calendars of one run share it (it is never changed after it is built)."""
    components = _rule_components(name, first, last) or _explicit_components(name, first, last)
    timezone = Timezone()
    timezone.add("tzid", name)
    for component in components:
        timezone.add_component(component)
    return timezone


# --- events -----------------------------------------------------------------------------
def _address(org: Organization, person_id: str, role: str | None = None) -> vCalAddress | None:
    person = org.person(person_id)
    if not person.email:
        return None
    address = vCalAddress(f"mailto:{person.email}")
    address.params["CN"] = person.name
    if role:
        address.params["ROLE"] = role
        address.params["CUTYPE"] = "INDIVIDUAL"
    return address


def _texts(org: Organization) -> dict[str, str]:
    pgettext = pgettext_for(org)
    return {
        "purpose": pgettext("ical", "The group's purpose"),
        "meeting": pgettext("ical", "This meeting"),
        "deadline": pgettext("ical", "Agenda items due"),
        "days_before": pgettext("ical", "{days} days before the meeting at {time}"),
        "notice": pgettext("ical", "Notice sent"),
        "moved": pgettext("ical", "Moved from {date} ({reason})"),
    }


def _describe(
    org: Organization, group: Group, series: Series, occurrence: Occurrence | None
) -> str:
    texts = _texts(org)
    lines = []
    if group.mandate.purpose:
        lines.append(f"{texts['purpose']}: {group.mandate.purpose}")
    if series.cycle.description:
        lines.append(f"{texts['meeting']}: {series.cycle.description}")
    for label, lead, moment in (
        (
            "deadline",
            series.cycle.agenda_deadline,
            occurrence.agenda_deadline if occurrence else None,
        ),
        ("notice", series.cycle.notice, occurrence.notice if occurrence else None),
    ):
        if lead is None:
            continue
        when = texts["days_before"].format(days=lead.days_before, time=f"{lead.time:%H:%M}")
        if moment is not None:
            when = f"{moment:%Y-%m-%d %H:%M}"
        lines.append(f"{texts[label]}: {when}")
    if occurrence is not None and occurrence.status == "moved":
        lines.append(
            texts["moved"].format(
                date=f"{occurrence.recurrence_id:%Y-%m-%d}", reason=occurrence.reason
            )
        )
    return "\n".join(lines)


def _event(
    org: Organization,
    group: Group,
    series: Series,
    uid: str,
    start: dt.datetime,
    end: dt.datetime,
    stamp: dt.datetime,
    occurrence: Occurrence | None,
    matters: tuple[str, ...] = (),
) -> Event:
    event = Event()
    event.add("uid", uid)
    event.add("dtstamp", stamp)
    if occurrence is not None:  # an event of its own: times every reader reads alike
        start, end = as_written(start, end)
        event.add("dtstart", start)
        event.add("dtend", end)
    else:  # a series' master: its length applies to every instance on the wall clock
        event.add("dtstart", start)
        if writes_exact_end(start, end, series=True):
            event.add("dtend", end)
        else:  # its first meeting runs across a change: the exact length (RFC 5545 3.8.5.3)
            event.add("duration", exact_length(start, end))
    title = group.short_name or group.name
    event.add("summary", f"{title}: {series.cycle.name}")
    description = _describe(org, group, series, occurrence)
    if description:
        event.add("description", description)
    if series.cycle.location:
        event.add("location", series.cycle.location)
    # a meeting that carries an annual matter says so (docs/arshjul.md)
    annual = [ANNUAL_CATEGORY, *matters] if matters else []
    event.add("categories", [group.name, series.cycle.kind.value, *annual])
    event.add("status", "CONFIRMED")
    event.add("transp", "OPAQUE")
    event.add("sequence", 0)
    if group.chair and (organizer := _address(org, group.chair)) is not None:
        event.add("organizer", organizer)
    for person_id in group.participants:
        role = "CHAIR" if person_id == group.chair else "REQ-PARTICIPANT"
        attendee = _address(org, person_id, role)
        if attendee is not None:
            event.add("attendee", attendee)
    event.add("x-mgovern-group", group.id)
    event.add("x-mgovern-cycle", series.cycle.id)
    return event


def _series_events(
    org: Organization,
    group: Group,
    series: Series,
    stamp: dt.datetime,
    annual: dict[tuple[str, dt.datetime], tuple[str, ...]] | None = None,
) -> list[Event]:
    carried = annual or {}
    events: list[Event] = []
    if series.rrule is not None:
        if series.dtstart is None or series.until is None:
            return events
        end = meeting_end(series.dtstart, series.cycle.duration)
        master = _event(org, group, series, series.uid, series.dtstart, end, stamp, None)
        recur = vRecur.from_ical(series.rrule)
        # the last instance in every reading of its local time (a reader that takes the
        # second of a time that exists twice must not find it after UNTIL)
        recur["UNTIL"] = [latest_reading(series.until)]
        master.add("rrule", recur)
        if series.skipped:
            master.add("exdate", [s.original for s in series.skipped])
        events.append(master)
        for occurrence in series.occurrences:
            matters = carried.get((occurrence.uid, occurrence.recurrence_id), ())
            # an instance readers would place or end otherwise gets its own times too
            exact = series_reads_exactly(occurrence.start, occurrence.end)
            if occurrence.status == "moved" or matters or not exact:
                override = _event(
                    org,
                    group,
                    series,
                    series.uid,
                    occurrence.start,
                    occurrence.end,
                    stamp,
                    occurrence,
                    matters,
                )
                override.add("recurrence-id", occurrence.recurrence_id)
                events.append(override)
        return events
    for occurrence in series.occurrences:
        events.append(
            _event(
                org,
                group,
                series,
                occurrence.uid,
                occurrence.start,
                occurrence.end,
                stamp,
                occurrence,
                carried.get((occurrence.uid, occurrence.recurrence_id), ()),
            )
        )
    return events


def annual_meetings(
    org: Organization, start: dt.date, end: dt.date, pm: pluggy.PluginManager | None
) -> dict[tuple[str, dt.datetime], tuple[str, ...]]:
    """The meetings in the window that carry labels, by UID and original start, with the
    labels (the ``mgovern_meeting_labels`` plugins: the year wheel's annual matters)."""
    key = ("ical.annual", start, end, id(pm))
    cached: dict[tuple[str, dt.datetime], tuple[str, ...]] | None = org._memo.get(key)
    if cached is None:
        if pm is None:
            from mgovern.plugins import plugin_manager

            pm = plugin_manager()
        found: dict[tuple[str, dt.datetime], set[str]] = {}
        for labels in pm.hook.mgovern_meeting_labels(org=org, start=start, end=end, pm=pm):
            for meeting, names in (labels or {}).items():
                found.setdefault(meeting, set()).update(names)
        cached = {k: tuple(sorted(v)) for k, v in found.items()}
        org._memo[key] = cached
    return cached


def utc_stamp(start: dt.date, stamp: dt.datetime | None) -> dt.datetime:
    """DTSTAMP in UTC: the given moment, else the window's first day (never "now", so the
    same input gives the same bytes)."""
    if stamp is None:
        return dt.datetime.combine(start, dt.time(), tzinfo=dt.UTC)
    return stamp.astimezone(dt.UTC)


def _group_events(
    org: Organization,
    group: Group,
    start: dt.date,
    end: dt.date,
    stamp: dt.datetime,
    pm: pluggy.PluginManager | None,
) -> tuple[list[Event], list[dt.datetime]]:
    """A group's VEVENTs for the window, built once and shared by every calendar that
    shows them (the group's, each member's, all.ics): they are never changed after."""
    key = ("ical.events", group.id, start, end, stamp, id(pm))
    cached: tuple[list[Event], list[dt.datetime]] | None = org._memo.get(key)
    if cached is None:
        cached = build_group_events(org, group, start, end, stamp, pm)
        org._memo[key] = cached
    return cached


def build_group_events(
    org: Organization,
    group: Group,
    start: dt.date,
    end: dt.date,
    stamp: dt.datetime,
    pm: pluggy.PluginManager | None,
) -> tuple[list[Event], list[dt.datetime]]:
    """A group's VEVENTs for the window, and every moment they touch (for the range of
    the VTIMEZONE). Not kept: :mod:`mgovern.calendars.feeds` serialises each once and drops it."""
    events: list[Event] = []
    moments: list[dt.datetime] = []
    for uid_events, uid_moments in group_events_by_uid(org, group, start, end, stamp, pm).values():
        events.extend(uid_events)
        moments.extend(uid_moments)
    return events, moments


def group_events_by_uid(
    org: Organization,
    group: Group,
    start: dt.date,
    end: dt.date,
    stamp: dt.datetime,
    pm: pluggy.PluginManager | None,
) -> dict[str, tuple[list[Event], list[dt.datetime]]]:
    """A group's VEVENTs for the window by UID — a series' master and its overrides, or
    one meeting no rule describes — each with the moments they touch (a skipped meeting
    no rule describes has moments and no event).

    The one source of the group's events: the calendar files (:func:`build_group_events`)
    and the CalDAV resources (:func:`series_resources`, one per UID) show exactly these,
    overrides for moved meetings, for the year wheel's stages and for instances at a
    change of offset alike. Fresh objects on every call (a publisher marks its copies)."""
    found: dict[str, tuple[list[Event], list[dt.datetime]]] = {}
    annual = annual_meetings(org, start, end, pm)
    for series in schedule(org, group.id, start, end, pm=pm):
        for event in _series_events(org, group, series, stamp, annual):
            found.setdefault(str(event["uid"]), ([], []))[0].append(event)
        for occurrence in series.occurrences:
            found.setdefault(occurrence.uid, ([], []))[1].extend((occurrence.start, occurrence.end))
        for skipped in series.skipped:  # a skipped meeting of its own: a UID without events
            found.setdefault(skipped.uid, ([], []))[1].append(skipped.original)
    return found


def add_name(cal: Calendar, name: str) -> None:
    """The properties that carry a calendar's name (the only ones that differ between
    the files of a run)."""
    cal.add("x-wr-calname", vText(name))  # X- and NAME are untyped here: escape as TEXT
    cal.add("name", vText(name))


def calendar_properties(org: Organization, name: str, method: str | None) -> Calendar:
    """A calendar named ``name`` with its calendar-level properties and no components."""
    cal = Calendar()
    cal.add("prodid", PRODID)
    cal.add("version", "2.0")
    cal.add("calscale", "GREGORIAN")
    if method:
        cal.add("method", method)
    add_name(cal, name)
    cal.add("x-wr-timezone", org.timezone)
    cal.add("refresh-interval", dt.timedelta(days=1), parameters={"VALUE": "DURATION"})
    cal.add("x-published-ttl", "P1D")
    return cal


def build_calendar(
    org: Organization,
    name: str,
    groups: Iterable[Group],
    start: dt.date,
    end: dt.date,
    *,
    stamp: dt.datetime | None = None,
    method: str | None = "PUBLISH",
    pm: pluggy.PluginManager | None = None,
) -> Calendar:
    """A calendar of every series of ``groups`` in the window."""
    stamp = utc_stamp(start, stamp)
    cal = calendar_properties(org, name, method)
    events: list[Event] = []
    used: list[dt.datetime] = []
    for group in groups:
        group_events, group_moments = _group_events(org, group, start, end, stamp, pm)
        events.extend(group_events)
        used.extend(group_moments)
    if events:
        first = min(moment.date() for moment in used)
        last = max(moment.date() for moment in used)
        cal.add_component(vtimezone(org.timezone, first, last))
    for event in sorted(events, key=event_order):
        cal.add_component(event)
    return cal


def event_order(event: Event) -> tuple[str, str, str]:
    """Where an event goes in a calendar: by UID, then RECURRENCE-ID (the master
    first), then start, so the same events are always written in the same order."""
    recurrence = event.get("recurrence-id")
    return (
        str(event["uid"]),
        "" if recurrence is None else _text(recurrence.to_ical()),
        _text(event["dtstart"].to_ical()),
    )


def _text(value: bytes | str) -> str:
    return value.decode() if isinstance(value, bytes) else value


def calendar(
    org: Organization,
    *,
    group: str | None = None,
    person: str | None = None,
    start: dt.date,
    end: dt.date,
    stamp: dt.datetime | None = None,
    method: str | None = "PUBLISH",
    pm: pluggy.PluginManager | None = None,
) -> Calendar:
    """The calendar of one group, of one person (every group they sit in), or of all."""
    if group is not None and person is not None:
        raise ValueError("give group or person, not both")
    if group is not None:
        chosen = [org.group(group)]
        name = chosen[0].name
    elif person is not None:
        chosen = list(org.groups_of(org.person(person).id))
        name = org.person(person).name
    else:
        chosen = list(org.groups)
        name = org.name
    return build_calendar(org, name, chosen, start, end, stamp=stamp, method=method, pm=pm)


def series_resources(
    org: Organization,
    group: str,
    start: dt.date,
    end: dt.date,
    *,
    stamp: dt.datetime | None = None,
    pm: pluggy.PluginManager | None = None,
) -> list[tuple[str, Calendar]]:
    """One calendar object per UID of the group, for calendar servers (CalDAV).

    Each holds one series (master and overrides) or one standalone meeting, with its
    VTIMEZONE and **no METHOD** (RFC 4791 §4.1: servers such as SabreDAV/Nextcloud
    reject it). Sorted by UID; same input, same bytes.
    """
    chosen = org.group(group)
    stamp = utc_stamp(start, stamp)
    by_uid = group_events_by_uid(org, chosen, start, end, stamp, pm)
    resources = []
    for uid in sorted(by_uid):
        events, used = by_uid[uid]
        if not events:
            continue
        cal = Calendar()
        cal.add("prodid", PRODID)
        cal.add("version", "2.0")
        cal.add_component(vtimezone(org.timezone, min(used).date(), max(used).date()))
        for event in sorted(events, key=event_order):
            cal.add_component(event)
        resources.append((uid, cal))
    return resources
