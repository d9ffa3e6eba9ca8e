"""Occurrences -> iCalendar: the only module that knows the icalendar library.

What real clients need (see ICALENDAR.md in the project's shared notes), in short: one
VEVENT with RRULE per regular series, EXDATE (same TZID) for skipped instances, overrides
with RECURRENCE-ID for moved ones, a VEVENT and UID of its own for every meeting no rule
describes (never RDATE), a VTIMEZONE in the classic RRULE form derived from the zone's
current rule (Outlook-safe) for every TZID used, deterministic UIDs and DTSTAMP. All text
goes through icalendar, which escapes and folds it.
"""

from __future__ import annotations

import datetime as dt
import functools
import re
import zoneinfo
from collections.abc import Iterable, Sequence
from importlib import resources
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

from mgovern import __version__
from mgovern.cycles import Occurrence, Series, schedule
from mgovern.model import Group, Organization

if TYPE_CHECKING:
    import pluggy

__all__ = ["build_calendar", "calendar", "series_resources", "vtimezone"]

PRODID = f"-//mgovern//mgovern {__version__}//EN"


# --- VTIMEZONE --------------------------------------------------------------------------
_POSIX = re.compile(
    r"(?P<std><[^>]+>|[A-Za-z]{3,})(?P<stdoff>[+-]?\d{1,2}(?::\d{2}){0,2})"
    r"(?:(?P<dst><[^>]+>|[A-Za-z]{3,})(?P<dstoff>[+-]?\d{1,2}(?::\d{2}){0,2})?"
    r",M(?P<sm>\d{1,2})\.(?P<sw>\d)\.(?P<sd>\d)(?:/(?P<st>[+-]?\d{1,3}(?::\d{2}){0,2}))?"
    r",M(?P<em>\d{1,2})\.(?P<ew>\d)\.(?P<ed>\d)(?:/(?P<et>[+-]?\d{1,3}(?::\d{2}){0,2}))?)?"
)
_BYDAY = ("SU", "MO", "TU", "WE", "TH", "FR", "SA")


def _seconds(text: str) -> int:
    sign = -1 if text.startswith("-") else 1
    parts = [int(p) for p in text.lstrip("+-").split(":")]
    parts += [0] * (3 - len(parts))
    return sign * (parts[0] * 3600 + parts[1] * 60 + parts[2])


def _posix_rule(name: str) -> str | None:
    """The POSIX TZ string at the end of the zone's TZif file (its current rule)."""
    try:
        data = resources.files("tzdata.zoneinfo").joinpath(*name.split("/")).read_bytes()
    except (FileNotFoundError, ModuleNotFoundError, OSError):
        return None
    footer = data.rstrip(b"\n").rsplit(b"\n", 1)[-1]
    return footer.decode("ascii", "replace") if footer and not footer.startswith(b"TZif") else None


def _nth_weekday(year: int, month: int, week: int, weekday: int) -> dt.date:
    """POSIX Mm.w.d: the w-th (5 = last) weekday d (0 = Sunday) of month m."""
    first = dt.date(year, month, 1)
    offset = (weekday - (first.isoweekday() % 7)) % 7
    day = first + dt.timedelta(days=offset + 7 * (week - 1))
    while day.month != month:
        day -= dt.timedelta(days=7)
    return day


def _rule_components(
    name: str, years: Sequence[int]
) -> list[TimezoneStandard | TimezoneDaylight] | None:
    """STANDARD/DAYLIGHT with yearly RRULEs, if the zone's POSIX rule describes every year
    in ``years`` exactly (checked against zoneinfo); else None."""
    text = _posix_rule(name)
    if text is None:
        return None
    match = _POSIX.fullmatch(text)
    if match is None:
        return None
    zone = zoneinfo.ZoneInfo(name)
    std_name = match["std"].strip("<>")
    std = dt.timedelta(seconds=-_seconds(match["stdoff"]))
    if not match["dst"]:
        for year in years:
            for month in (1, 7):
                if zone.utcoffset(dt.datetime(year, month, 15, 12)) != std:
                    return None
        fixed = TimezoneStandard()
        fixed.add("dtstart", dt.datetime(1970, 1, 1))
        fixed.add("tzoffsetfrom", std)
        fixed.add("tzoffsetto", std)
        fixed.add("tzname", std_name)
        return [fixed]
    dst_name = match["dst"].strip("<>")
    dst = (
        dt.timedelta(seconds=-_seconds(match["dstoff"]))
        if match["dstoff"]
        else std + dt.timedelta(hours=1)
    )
    transitions: list[_Transition] = []
    for daylight, prefix, before, after, label in (
        (True, "s", std, dst, dst_name),
        (False, "e", dst, std, std_name),
    ):
        at = match[f"{prefix}t"]
        seconds = _seconds(at) if at else 7200
        if not 0 <= seconds < 86400:
            return None
        transitions.append(
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
    for year in years:
        for t in transitions:
            instant = (t.local(year) - t.before).replace(tzinfo=dt.UTC)
            for delta, expected in ((-60, t.before), (60, t.after)):
                moment = (instant + dt.timedelta(seconds=delta)).astimezone(zone)
                if moment.utcoffset() != expected:
                    return None
    components: list[TimezoneStandard | TimezoneDaylight] = []
    for t in transitions:
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
        day = _nth_weekday(year, self.month, self.week, self.weekday)
        return dt.datetime.combine(day, dt.time()) + dt.timedelta(seconds=self.seconds)


@functools.lru_cache(maxsize=64)
def vtimezone(name: str, first: dt.date, last: dt.date) -> Timezone:
    """A VTIMEZONE valid for every date in ``[first, last]``: the classic RRULE form when
    the zone's current rule covers the whole range, icalendar's exact form otherwise.

    Cached: calendars of one run share it (it is never changed after it is built)."""
    years = list(range(first.year, last.year + 1))
    components = _rule_components(name, years)
    if components is None:
        return Timezone.from_tzinfo(
            zoneinfo.ZoneInfo(name),
            tzid=name,
            first_date=first - dt.timedelta(days=366),
            last_date=last + dt.timedelta(days=366),
        )
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
    if org.locale.lower().startswith("sv"):
        return {
            "purpose": "Gruppens uppdrag",
            "meeting": "Mötet",
            "deadline": "Sista dag för ärenden",
            "days_before": "{days} dagar före mötet kl. {time}",
            "notice": "Kallelse skickas",
            "moved": "Flyttat från {date} ({reason})",
        }
    return {
        "purpose": "The group's purpose",
        "meeting": "This meeting",
        "deadline": "Agenda items due",
        "days_before": "{days} days before the meeting at {time}",
        "notice": "Notice sent",
        "moved": "Moved from {date} ({reason})",
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
) -> Event:
    event = Event()
    event.add("uid", uid)
    event.add("dtstamp", stamp)
    event.add("dtstart", start)
    event.add("dtend", end)
    title = group.short_name or group.name
    event.add("summary", f"{title}: {series.cycle.name}")
    description = _describe(org, group, series, occurrence)
    if description:
        event.add("description", description)
    if series.cycle.location:
        event.add("location", series.cycle.location)
    event.add("categories", [group.name, series.cycle.kind.value])
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
    org: Organization, group: Group, series: Series, stamp: dt.datetime
) -> list[Event]:
    events: list[Event] = []
    if series.rrule is not None:
        if series.dtstart is None or series.until is None:
            return events
        length = dt.timedelta(minutes=series.cycle.duration)
        master = _event(
            org, group, series, series.uid, series.dtstart, series.dtstart + length, stamp, None
        )
        recur = vRecur.from_ical(series.rrule)
        recur["UNTIL"] = [series.until.astimezone(dt.UTC)]
        master.add("rrule", recur)
        if series.skipped:
            master.add("exdate", [s.original for s in series.skipped])
        events.append(master)
        for occurrence in series.occurrences:
            if occurrence.status == "moved":
                override = _event(
                    org,
                    group,
                    series,
                    series.uid,
                    occurrence.start,
                    occurrence.end,
                    stamp,
                    occurrence,
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
            )
        )
    return events


def _utc_stamp(start: dt.date, stamp: dt.datetime | None) -> dt.datetime:
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
        events: list[Event] = []
        moments: list[dt.datetime] = []
        for series in schedule(org, group.id, start, end, pm=pm):
            events.extend(_series_events(org, group, series, stamp))
            moments.extend(o.start for o in series.occurrences)
            moments.extend(o.end for o in series.occurrences)
            moments.extend(s.original for s in series.skipped)
        cached = (events, moments)
        org._memo[key] = cached
    return cached


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
    stamp = _utc_stamp(start, stamp)
    cal = Calendar()
    cal.add("prodid", PRODID)
    cal.add("version", "2.0")
    cal.add("calscale", "GREGORIAN")
    if method:
        cal.add("method", method)
    cal.add("x-wr-calname", vText(name))  # X- and NAME are untyped here: escape as TEXT
    cal.add("name", vText(name))
    cal.add("x-wr-timezone", org.timezone)
    cal.add("refresh-interval", dt.timedelta(days=1), parameters={"VALUE": "DURATION"})
    cal.add("x-published-ttl", "P1D")
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
    for event in sorted(events, key=_event_key):
        cal.add_component(event)
    return cal


def _event_key(event: Event) -> tuple[str, str, str]:
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
    stamp = _utc_stamp(start, stamp)
    by_uid: dict[str, list[Event]] = {}
    moments: dict[str, list[dt.datetime]] = {}
    for series in schedule(org, chosen.id, start, end, pm=pm):
        for event in _series_events(org, chosen, series, stamp):
            uid = str(event["uid"])
            by_uid.setdefault(uid, []).append(event)
        for occurrence in series.occurrences:
            moments.setdefault(occurrence.uid, []).extend((occurrence.start, occurrence.end))
        for skipped in series.skipped:
            moments.setdefault(skipped.uid, []).append(skipped.original)
    resources = []
    for uid in sorted(by_uid):
        cal = Calendar()
        cal.add("prodid", PRODID)
        cal.add("version", "2.0")
        used = moments.get(uid) or [stamp]
        cal.add_component(vtimezone(org.timezone, min(used).date(), max(used).date()))
        for event in sorted(by_uid[uid], key=_event_key):
            cal.add_component(event)
        resources.append((uid, cal))
    return resources
