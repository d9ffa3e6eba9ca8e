"""Meetings at a change of offset (DST) are shown exactly by every reader (issue 21, 11).

An instance of a series that runs across a change, or starts in a gap or a fold, has
another length or start on the wall clock than its series: recurring_ical_events and
ical.js add the series' length to the instance's local start, and ical.js reads a time
in a gap or fold otherwise than RFC 5545. The files give such an instance an override
(RECURRENCE-ID) with its own DTSTART and DTEND, so both readers expand the file to
exactly the instants of :func:`mgovern.occurrences`. ``check`` keeps naming them.

The instants are also checked against an oracle written here from RFC 5545 (3.3.5: a
local time in a gap is read with the offset before it, a time that exists twice is the
first; 3.8.5.3: a meeting lasts exactly its duration), independent of mgovern's code.
"""

from __future__ import annotations

import datetime as dt
import json
from pathlib import Path

import icalendar
from click.testing import CliRunner
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

import mgovern
from mgovern import model, timezones
from mgovern.calendars.cycles import occurrences
from mgovern.calendars.feeds import calendar_files
from mgovern.calendars.ical import calendar, series_resources
from mgovern.cli import build_cli
from mgovern.plugins import make_plugin_manager
from mgovern.recurrence import WEEKDAY_CODES
from mgovern.testing.readers import (
    IcalJs,
    Instant,
    assert_readers_show,
    occurrence_instants,
    recurring_ical_events_instants,
)

UTC = dt.UTC

#: The tactical meeting crosses both changes of 2026 (01:30 + 120 min on the last
#: Sunday of March and of October); the night meeting starts in the spring gap (02:30)
#: and in the autumn fold.
ORG_TOML = """\
id = "o"
name = "O"
timezone = "Europe/Stockholm"

[[groups]]
id = "klg"
name = "KLG"

[[groups.cycles]]
id = "taktiskt"
name = "Taktiskt"
rule = "last sunday of the month"
time = "01:30"
duration = 120

[[groups.cycles]]
id = "natt"
name = "Natt"
rrule = "FREQ=YEARLY;BYMONTH=3,10;BYDAY=-1SU"
time = "02:30"
duration = 60
"""


def test_calendars_show_meetings_at_a_change_exactly(
    tmp_path: Path, mgovern_icaljs: IcalJs
) -> None:
    """`mgovern calendars`: both readers expand the group's file to exactly the
    meetings, with their start and end; before, each showed the four meetings at the
    changes an hour long or short (or an hour early)."""
    path = tmp_path / "org.toml"
    path.write_text(ORG_TOML, encoding="utf-8")
    out = tmp_path / "out"
    args = ["calendars", "--org", str(path), "--out", str(out)]
    result = CliRunner().invoke(build_cli(), [*args, "--from", "2026-01-01", "--to", "2026-12-31"])
    assert result.exit_code == 0, result.output
    data = (out / "groups" / "klg.ics").read_bytes()
    org = mgovern.load(path)
    meetings = occurrences(org, "klg", dt.date(2026, 1, 1), dt.date(2026, 12, 31))
    expected = occurrence_instants(meetings)
    assert_readers_show(mgovern_icaljs, data, meetings)
    # the tactical meeting of 29 March: 01:30 CET to 04:30 CEST, exactly two hours
    assert (
        meetings[0].uid,
        dt.datetime(2026, 3, 29, 0, 30, tzinfo=UTC),
        dt.datetime(2026, 3, 29, 2, 30, tzinfo=UTC),
    ) in expected
    # written as an override of its own, with the times as the clock shows them
    events = icalendar.Calendar.from_ical(data).walk("VEVENT")
    night = [e for e in events if "RECURRENCE-ID" in e and str(e["X-MGOVERN-CYCLE"]) == "natt"]
    spring = next(e for e in night if e["RECURRENCE-ID"].dt.month == 3)
    assert spring["RECURRENCE-ID"].dt.replace(tzinfo=None) == dt.datetime(2026, 3, 29, 2, 30)
    assert spring["DTSTART"].dt.replace(tzinfo=None) == dt.datetime(2026, 3, 29, 3, 30)
    assert str(spring["DTSTART"].dt.tzinfo) == "Europe/Stockholm"
    autumn = next(e for e in night if e["RECURRENCE-ID"].dt.month == 10)
    assert autumn["DTSTART"].dt == dt.datetime(2026, 10, 25, 0, 30, tzinfo=UTC)  # the first 02:30
    # only the meetings at a change are overrides: the others follow the rule
    assert len([e for e in events if "RECURRENCE-ID" in e]) == 4


def test_caldav_resources_show_meetings_at_a_change_exactly(
    tmp_path: Path, mgovern_icaljs: IcalJs
) -> None:
    """What `publish caldav://` sends (one resource per series) reads alike too."""
    path = tmp_path / "org.toml"
    path.write_text(ORG_TOML, encoding="utf-8")
    org = mgovern.load(path)
    start, end = dt.date(2026, 1, 1), dt.date(2027, 12, 31)
    read: set[Instant] = set()
    for _, resource in series_resources(org, "klg", start, end):
        read |= mgovern_icaljs.instants(resource)
        assert recurring_ical_events_instants(resource) <= occurrence_instants(
            occurrences(org, "klg", start, end)
        )
    assert read == occurrence_instants(occurrences(org, "klg", start, end))


def test_check_keeps_naming_meetings_at_a_change(tmp_path: Path) -> None:
    path = tmp_path / "org.toml"
    path.write_text(ORG_TOML, encoding="utf-8")
    args = ["check", "--org", str(path), "--from", "2026-01-01", "--to", "2026-12-31"]
    result = CliRunner().invoke(build_cli(), args)
    assert result.exit_code == 1, result.output
    assert "meetings at a DST change (2026-01-01..2026-12-31): 5" in result.stdout
    assert (
        "  DST klg.taktiskt: 2026-03-29 01:30 + 120 min runs across a change of offset in "
        "Europe/Stockholm: it ends at 2026-03-29 04:30 CEST = 02:30 UTC, exactly 120 minutes "
        "later (180 minutes on the clock); the calendars give this meeting its own start and "
        "end, so every reader shows it so"
    ) in result.stdout
    found = json.loads(CliRunner().invoke(build_cli(), [*args, "--json"]).stdout)["dst"]
    assert [(d["cycle"], d["kind"], d["local"], d["at_end"]) for d in found] == [
        ("natt", "gap", "2026-03-29T02:30", False),
        ("natt", "fold", "2026-10-25T02:30", False),
        ("taktiskt", "spans", "2026-03-29T01:30", False),
        ("taktiskt", "spans", "2026-10-25T01:30", False),
        ("taktiskt", "fold", "2026-10-25T02:30", True),
    ]


# --- the property: any time, length and recurrence around a change -------------------------
#: Zones with a one-hour change (Stockholm, New York), a 30-minute one (Lord Howe), a
#: negative DST (Dublin), changes at 24:00 (Santiago: the explicit VTIMEZONE form).
DST_ZONES = (
    "Europe/Stockholm",
    "America/New_York",
    "Australia/Lord_Howe",
    "Europe/Dublin",
    "America/Santiago",
)


def _changes(zone: str) -> list[timezones.Transition]:
    low = dt.datetime(2026, 1, 1, tzinfo=UTC)
    high = dt.datetime(2028, 1, 1, tzinfo=UTC)
    return [t for t in timezones.transitions(zone, low, high) if t.before != t.after]


def rfc_instant(zone: str, local: dt.datetime) -> dt.datetime:
    """The instant RFC 5545 3.3.5 gives the local time ``local`` (naive) in ``zone``,
    found from the zone's changes of offset alone: each offset in force around that
    day that maps back to ``local``, the earliest of them (a time that exists twice);
    none (a time in a gap): the offset in force before the change."""
    tz = timezones.zone(zone)
    offsets = {
        (local.replace(tzinfo=UTC) + shift).astimezone(tz).utcoffset()
        for shift in (dt.timedelta(hours=-36), dt.timedelta(hours=36))
    }
    candidates = []
    for offset in offsets:
        assert offset is not None
        moment = (local - offset).replace(tzinfo=UTC)
        if moment.astimezone(tz).replace(tzinfo=None) == local:
            candidates.append(moment)
    if candidates:
        return min(candidates)
    near = local.replace(tzinfo=UTC)
    (change,) = (
        t
        for t in timezones.transitions(
            zone, near - dt.timedelta(days=2), near + dt.timedelta(days=2)
        )
        if t.before < t.after
    )
    return (local - change.before).replace(tzinfo=UTC)


class _Closed:
    def __init__(self, days: set[dt.date]) -> None:
        self.days = days

    @mgovern.hookimpl
    def mgovern_closed_days(self, org, start, end):  # type: ignore[no-untyped-def]
        return [model.ClosedDay(d, "Helgdag") for d in self.days if start <= d <= end]


@st.composite
def meetings_at_a_change(draw: st.DrawFn) -> tuple[model.Organization, dt.date, dt.date]:
    """One group with one cycle whose meetings start up to five hours before or after a
    change of offset of the zone (in its gap or fold too), last 1 minute to 27 hours,
    and recur weekly, daily, yearly on the change's weekday, or on given dates."""
    zone = draw(st.sampled_from(DST_ZONES))
    change = draw(st.sampled_from(_changes(zone)))
    at = (change.at + change.before).replace(tzinfo=None)  # the change on the clock before it
    shift = draw(st.integers(-300, 300) | st.sampled_from([-30, -1, 0, 1, 15, 29, 30, 31, 59]))
    local = at + dt.timedelta(minutes=shift)
    if draw(st.booleans()):  # in the middle of the gap or fold
        local = at + abs(change.after - change.before) / 2
    day, time = local.date(), local.time().replace(second=0, microsecond=0)
    duration = draw(st.integers(1, 1620) | st.sampled_from([1, 29, 30, 31, 59, 60, 61, 90, 120]))
    form = draw(st.sampled_from(["weekly", "daily", "yearly", "dates"]))
    code = WEEKDAY_CODES[day.strftime("%A").lower()]
    weeks = draw(st.integers(0, 3))
    kwargs: dict[str, object] = {}
    if form == "weekly":
        kwargs = {
            "rule": f"every week on {day.strftime('%A').lower()}",
            "first": day - dt.timedelta(weeks=weeks),
            "last": day + dt.timedelta(weeks=draw(st.integers(0, 3))),
        }
    elif form == "daily":
        kwargs = {
            "rrule": "FREQ=DAILY",
            "first": day - dt.timedelta(days=weeks),
            "last": day + dt.timedelta(days=draw(st.integers(0, 3))),
        }
    elif form == "yearly":
        last_week = (day + dt.timedelta(days=7)).month != day.month
        nth = -1 if last_week else (day.day - 1) // 7 + 1
        kwargs = {"rrule": f"FREQ=YEARLY;BYMONTH={day.month};BYDAY={nth}{code}"}
    else:
        kwargs = {"dates": (day, day + dt.timedelta(days=draw(st.integers(1, 10))))}
    cycle = model.Cycle(
        "c",
        "C",
        time=time,
        duration=duration,
        closed_days=draw(st.sampled_from(model.ClosedDayPolicy)),
        **kwargs,  # type: ignore[arg-type]
    )
    org = model.Organization(
        "o", "O", timezone=zone, groups=(model.Group("klg", "KLG", cycles=(cycle,)),)
    )
    return org, dt.date(day.year - 1, 1, 1), dt.date(day.year + 1, 12, 31)


STATS = {"examples": 0, "overrides": 0, "utc": 0, "moved": 0}


@settings(
    max_examples=150,
    deadline=None,
    suppress_health_check=[HealthCheck.too_slow, HealthCheck.data_too_large],
)
@given(drawn=meetings_at_a_change(), data=st.data())
def test_both_readers_show_every_meeting_at_a_change_exactly(
    mgovern_icaljs: IcalJs,
    drawn: tuple[model.Organization, dt.date, dt.date],
    data: st.DataObject,
) -> None:
    org, start, end = drawn
    cycle = org.groups[0].cycles[0]
    plain = make_plugin_manager(entry_points=False)
    originals = sorted(
        {o.recurrence_id.date() for o in occurrences(org, "klg", start, end, pm=plain)}
    )
    closed = data.draw(
        st.sets(st.sampled_from(originals), max_size=2) if originals else st.just(set())
    )
    pm = make_plugin_manager(entry_points=False, extra=[_Closed(closed)])
    meetings = occurrences(org, "klg", start, end, pm=pm)
    expected = occurrence_instants(meetings)
    # the oracle: RFC 5545's instant of the local time, and exactly the duration
    for meeting in meetings:
        local = dt.datetime.combine(meeting.start.date(), cycle.time)
        begin = rfc_instant(org.timezone, local)
        assert meeting.start.astimezone(UTC) == begin
        assert meeting.end.astimezone(UTC) == begin + dt.timedelta(minutes=cycle.duration)
    # the files and the CalDAV resources, read by both readers
    cal = calendar(org, group="klg", start=start, end=end, pm=pm)
    assert_readers_show(mgovern_icaljs, cal, meetings)
    files = dict(calendar_files(org, start, end, pm=pm))
    assert files["groups/klg.ics"] == cal.to_ical()  # the feeds' writer: the same bytes
    read: set[Instant] = set()
    for _, resource in series_resources(org, "klg", start, end, pm=pm):
        read |= mgovern_icaljs.instants(resource) | recurring_ical_events_instants(resource)
    assert read == expected
    events = cal.walk("VEVENT")
    STATS["examples"] += 1
    STATS["overrides"] += sum(1 for e in events if "RECURRENCE-ID" in e)
    STATS["utc"] += sum(1 for e in events if e["DTSTART"].dt.tzinfo is UTC)
    STATS["moved"] += sum(1 for m in meetings if m.status == "moved")


def test_the_property_reached_overrides_utc_and_moves() -> None:
    if not STATS["examples"]:
        import pytest

        pytest.skip("the property did not run (ical.js missing)")
    assert STATS["overrides"] > 20
    assert STATS["moved"] > 0
    # UTC times (a meeting in a fold) are drawn by some runs only: the fold case is held
    # by test_a_meeting_in_a_fold_is_written_in_utc every run


def test_a_meeting_in_a_fold_is_written_in_utc(mgovern_icaljs: IcalJs) -> None:
    """02:30 on 25 October 2026 happens twice in Stockholm: the override says which in
    UTC, and both readers show the meeting where occurrences puts it."""
    cycle = model.Cycle("c", "C", time=dt.time(2, 30), duration=60, dates=(dt.date(2026, 10, 25),))
    org = model.Organization(
        "o", "O", timezone="Europe/Stockholm", groups=(model.Group("klg", "KLG", cycles=(cycle,)),)
    )
    start, end = dt.date(2026, 1, 1), dt.date(2026, 12, 31)
    pm = make_plugin_manager(entry_points=False)
    meetings = occurrences(org, "klg", start, end, pm=pm)
    cal = calendar(org, group="klg", start=start, end=end, pm=pm)
    assert [e["DTSTART"].dt.tzinfo for e in cal.walk("VEVENT")] == [UTC]
    assert_readers_show(mgovern_icaljs, cal, meetings)
