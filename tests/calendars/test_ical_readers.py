"""Every calendar written for organisations drawn from the public strategies (fallback-form
zones, DST-edge times, closed days on every policy, every recurrence form) is read by two
independent readers, recurring_ical_events and ical.js, as exactly the instants
mgovern.occurrences computed, DST findings included (they are written as overrides of
their own); and no event ends before it starts, and every meeting lasts exactly its
duration."""

from __future__ import annotations

import datetime as dt

import icalendar
import pytest
from click.testing import CliRunner
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

import mgovern
from mgovern import model
from mgovern.calendars.cycles import occurrences
from mgovern.calendars.dst import DstKind, dst_findings, exact_length
from mgovern.calendars.ical import calendar, series_resources
from mgovern.cli import build_cli
from mgovern.plugins import make_plugin_manager
from mgovern.testing.readers import (
    IcalJs,
    Instant,
    assert_readers_show,
    occurrence_instants,
    recurring_ical_events_instants,
)
from mgovern.testing.strategies import organizations, windows

try:  # holiday regions move meetings when the mgovern-holidays plugin is installed
    import mgovern_holidays

    HOLIDAYS: list[object] = [mgovern_holidays]
except ModuleNotFoundError:  # pragma: no cover - the README's test command installs it
    HOLIDAYS = []


class _Closed:
    def __init__(self, days: set[dt.date]) -> None:
        self.days = days

    @mgovern.hookimpl
    def mgovern_closed_days(self, org, start, end):  # type: ignore[no-untyped-def]
        return [model.ClosedDay(d, "Helgdag") for d in self.days if start <= d <= end]


def assert_events_well_formed(cal: icalendar.Calendar) -> None:
    """No DTEND at or before DTSTART, as instants or as written times (both local, with
    one TZID, or both UTC); a DURATION is positive."""
    for event in icalendar.Calendar.from_ical(cal.to_ical()).walk("VEVENT"):
        start = event["DTSTART"].dt
        if "DTEND" in event:
            end = event["DTEND"].dt
            assert end.astimezone(dt.UTC) > start.astimezone(dt.UTC), event["UID"]
            assert str(end.tzinfo) == str(start.tzinfo), event["UID"]
            assert end.replace(tzinfo=None) > start.replace(tzinfo=None), event["UID"]
        else:
            assert event["DURATION"].dt > dt.timedelta(0), event["UID"]


STATS = {"examples": 0, "compared": 0, "flagged": 0, "moved": 0, "explicit_zone": 0}


@settings(
    max_examples=60,
    deadline=None,
    suppress_health_check=[HealthCheck.too_slow, HealthCheck.data_too_large],
)
@given(st.data())
def test_generated_calendars_read_alike_in_both_readers(
    mgovern_icaljs: IcalJs, data: st.DataObject
) -> None:
    org = data.draw(organizations(max_groups=3, max_categories=2, max_flags=1), label="org")
    start, end = data.draw(windows(org), label="window")
    plain = make_plugin_manager(entry_points=False, extra=HOLIDAYS)
    originals = sorted(
        {
            o.recurrence_id.date()
            for g in org.groups
            for o in occurrences(org, g.id, start, end, pm=plain)
        }
    )
    closed = data.draw(
        st.sets(st.sampled_from(originals), max_size=8) if originals else st.just(set())
    )
    pm = make_plugin_manager(entry_points=False, extra=[*HOLIDAYS, _Closed(closed)])
    meetings = [o for g in org.groups for o in occurrences(org, g.id, start, end, pm=pm)]
    findings = dst_findings(org, start, end, pm=pm)
    cal = calendar(org, start=start, end=end, pm=pm)
    computed = occurrence_instants(meetings)
    assert_readers_show(mgovern_icaljs, cal, meetings)
    assert_events_well_formed(cal)
    for meeting in meetings:
        cycle = org.group(meeting.group).cycle(meeting.cycle)
        assert exact_length(meeting.start, meeting.end) == dt.timedelta(minutes=cycle.duration)
    for group in org.groups[:1]:  # CalDAV resources: one series each, read alike too
        own = {m for m in computed if any(m[0] == o.uid for o in meetings if o.group == group.id)}
        read: set[Instant] = set()
        for _, resource in series_resources(org, group.id, start, end, pm=pm):
            assert "METHOD" not in resource
            assert_events_well_formed(resource)
            read |= mgovern_icaljs.instants(resource)
        assert read == own
    STATS["examples"] += 1
    STATS["compared"] += len(computed)
    STATS["flagged"] += len(findings)
    STATS["moved"] += sum(1 for m in meetings if m.status == "moved")
    STATS["explicit_zone"] += b"RRULE:FREQ=YEARLY" not in cal.to_ical() and bool(meetings)


def test_the_cross_check_reached_the_edges() -> None:
    """The examples above met moved meetings, DST findings and explicit-form zones."""
    if not STATS["examples"]:
        pytest.skip("the cross-check did not run (ical.js missing)")
    print(STATS)
    assert STATS["compared"] > 100
    assert STATS["moved"] > 0


# --- by hand: the cases -------------------------------------------------------------
def _org(zone: str, *cycles: model.Cycle) -> model.Organization:
    return model.Organization(
        "o", "O", timezone=zone, groups=(model.Group("klg", "KLG", cycles=cycles),)
    )


def test_a_meeting_across_the_spring_change_lasts_its_duration() -> None:
    """60 minutes from 02:30 on 2026-03-29 in Stockholm (a time that does not exist): it
    starts at 01:30Z (RFC 5545: the offset before the gap) and ends at 02:30Z."""
    org = _org(
        "Europe/Stockholm",
        model.Cycle("c", "C", dates=(dt.date(2026, 3, 29),), time=dt.time(2, 30), duration=60),
    )
    (meeting,) = occurrences(org, "klg", dt.date(2026, 3, 1), dt.date(2026, 3, 31))
    assert meeting.start.astimezone(dt.UTC) == dt.datetime(2026, 3, 29, 1, 30, tzinfo=dt.UTC)
    assert meeting.end.astimezone(dt.UTC) == dt.datetime(2026, 3, 29, 2, 30, tzinfo=dt.UTC)
    cal = calendar(org, start=dt.date(2026, 3, 1), end=dt.date(2026, 3, 31))
    assert_events_well_formed(cal)
    (event,) = icalendar.Calendar.from_ical(cal.to_ical()).walk("VEVENT")
    # DTEND 04:30 CEST is 02:30Z: exactly 60 minutes after the start as RFC 5545 reads it
    assert event["DTEND"].dt.astimezone(dt.UTC) == meeting.end.astimezone(dt.UTC)
    (finding,) = dst_findings(org, dt.date(2026, 3, 1), dt.date(2026, 3, 31))
    assert finding.kind is DstKind.GAP
    assert str(finding).startswith("2026-03-29 02:30 does not exist in Europe/Stockholm")


def test_a_short_meeting_in_the_autumn_fold_never_ends_before_it_starts() -> None:
    """30 minutes from 02:45 on 2026-10-25 (the first 02:45, CEST) end at 02:15 CET: a
    local DTEND would be written before the DTSTART, and both exist twice, so the event
    gives both in UTC."""
    org = _org(
        "Europe/Stockholm",
        model.Cycle("c", "C", dates=(dt.date(2026, 10, 25),), time=dt.time(2, 45), duration=30),
    )
    cal = calendar(org, start=dt.date(2026, 10, 1), end=dt.date(2026, 10, 31))
    assert_events_well_formed(cal)
    (meeting,) = occurrences(org, "klg", dt.date(2026, 10, 1), dt.date(2026, 10, 31))
    assert exact_length(meeting.start, meeting.end) == dt.timedelta(minutes=30)
    assert meeting.end.astimezone(dt.UTC) == dt.datetime(2026, 10, 25, 1, 15, tzinfo=dt.UTC)
    assert b"DTSTART:20261025T004500Z" in cal.to_ical()
    assert b"DTEND:20261025T011500Z" in cal.to_ical()


def test_series_across_a_change_keep_their_length_in_every_reader(mgovern_icaljs: IcalJs) -> None:
    """A weekly Saturday 09:00 of 27 hours: the four instances that run across a change
    are overrides with their own DTSTART and DTEND, so every reader gives every instance
    exactly 27 hours; `check` still names the four."""
    org = _org(
        "Europe/Stockholm",
        model.Cycle("c", "C", rule="every week on saturday", time=dt.time(9), duration=1620),
    )
    start, end = dt.date(2026, 1, 1), dt.date(2027, 12, 31)
    cal = calendar(org, start=start, end=end)
    meetings = occurrences(org, "klg", start, end)
    findings = dst_findings(org, start, end)
    assert [f.kind for f in findings] == [DstKind.SPANS] * 4
    computed = occurrence_instants(meetings)
    assert mgovern_icaljs.instants(cal) == computed
    assert recurring_ical_events_instants(cal) == computed
    overrides = [e for e in cal.walk("VEVENT") if "RECURRENCE-ID" in e]
    assert sorted(e["RECURRENCE-ID"].dt for e in overrides) == [f.start for f in findings]


def test_check_reports_dst_findings_with_the_dates(tmp_path) -> None:  # type: ignore[no-untyped-def]
    path = tmp_path / "org.toml"
    path.write_text(
        'id = "o"\nname = "O"\n[[groups]]\nid = "klg"\nname = "KLG"\n'
        '[[groups.cycles]]\nid = "taktiskt"\nname = "T"\n'
        'rule = "last sunday of the month"\ntime = "02:30"\n',
        encoding="utf-8",
    )
    args = ["check", "--org", str(path), "--from", "2027-01-01", "--to", "2027-12-31"]
    result = CliRunner().invoke(build_cli(), args)
    assert result.exit_code == 1, result.output
    assert (
        "  DST klg.taktiskt: 2027-03-28 02:30 does not exist in Europe/Stockholm: mgovern "
        "takes the offset before the change (RFC 5545), 2027-03-28 03:30 CEST = 01:30 UTC; "
        "the calendars give this meeting its own start and end, so every reader shows it so"
    ) in result.stdout
    assert (
        "  DST klg.taktiskt: 2027-10-31 02:30 exists twice in Europe/Stockholm: mgovern takes "
        "the first (RFC 5545), 2027-10-31 02:30 CEST = 00:30 UTC; the calendars give its "
        "start and end in UTC, the only form that names them: ical.js shows it exactly, "
        "recurring_ical_events (3.8), which reads UTC in the file's X-WR-TIMEZONE and counts "
        "on the clock, may not"
    ) in result.stdout
    as_json = CliRunner().invoke(build_cli(), [*args, "--json"])
    import json

    dst = json.loads(as_json.stdout)["dst"]
    assert [(d["kind"], d["local"]) for d in dst] == [
        ("gap", "2027-03-28T02:30"),
        ("fold", "2027-10-31T02:30"),
    ]


def test_the_example_has_no_dst_finding() -> None:
    org = mgovern.example()
    assert dst_findings(org, dt.date(2026, 1, 1), dt.date(2028, 12, 31)) == ()


def test_raw_rule_with_until_in_utc_is_accepted() -> None:
    """UNTIL in UTC (the form RFC 5545 requires beside a zoned DTSTART) is the moment it
    names: the 09:00 Stockholm meeting of 20 January (08:00Z) is the last."""
    rule = "FREQ=WEEKLY;BYDAY=TU;UNTIL=20260120T080000Z"
    org = _org("Europe/Stockholm", model.Cycle("c", "C", rrule=rule))
    days = [
        m.start.date() for m in occurrences(org, "klg", dt.date(2026, 1, 1), dt.date(2026, 3, 1))
    ]
    assert days == [dt.date(2026, 1, 6), dt.date(2026, 1, 13), dt.date(2026, 1, 20)]
    earlier = _org("Europe/Stockholm", model.Cycle("c", "C", rrule=rule.replace("0800", "0759")))
    assert len(occurrences(earlier, "klg", dt.date(2026, 1, 1), dt.date(2026, 3, 1))) == 2


def test_a_cycle_without_first_meets_before_2000_in_the_same_phase() -> None:
    org = _org("Europe/Stockholm", model.Cycle("c", "C", rule="every 2 weeks on monday"))
    days = [
        m.start.date() for m in occurrences(org, "klg", dt.date(1999, 11, 1), dt.date(2000, 1, 31))
    ]
    assert days == [
        dt.date(1999, 11, 8),
        dt.date(1999, 11, 22),
        dt.date(1999, 12, 6),
        dt.date(1999, 12, 20),
        dt.date(2000, 1, 3),
        dt.date(2000, 1, 17),
        dt.date(2000, 1, 31),
    ]


def test_an_agenda_across_the_autumn_change_counts_real_minutes() -> None:
    """A 180-minute meeting from 01:30 CEST on 2026-10-25 in Stockholm ends at 03:30 CET
    (02:30 UTC): its three hour-long items start at 23:30, 00:30 and 01:30 UTC (the third
    at the second 02:30, CET; adding minutes on the wall clock would put it at 03:30)."""
    from mgovern.agenda.planner import build_agenda

    org = _org(
        "Europe/Stockholm",
        model.Cycle("c", "C", dates=(dt.date(2026, 10, 25),), time=dt.time(1, 30), duration=180),
    )
    items = [
        model.AgendaItem(f"i{n}", f"Ärende {n}", "klg", kind=model.Kind.DISCUSSION, minutes=60)
        for n in range(4)
    ]
    agenda = build_agenda(org, "klg", dt.date(2026, 10, 25), items)
    starts = [e.start.astimezone(dt.UTC) for e in agenda.entries]
    assert starts == [
        dt.datetime(2026, 10, 24, 23, 30, tzinfo=dt.UTC),
        dt.datetime(2026, 10, 25, 0, 30, tzinfo=dt.UTC),
        dt.datetime(2026, 10, 25, 1, 30, tzinfo=dt.UTC),
    ]
    assert agenda.used_minutes == 180  # the fourth item does not fit in the real 3 hours


def test_the_example_reads_alike_in_both_readers(mgovern_icaljs: IcalJs) -> None:
    """all.ics and every group's file of the embedded example, 2026-2028."""
    org = mgovern.example()
    start, end = dt.date(2026, 1, 1), dt.date(2028, 12, 31)
    everything: set[Instant] = set()
    for group in org.groups:
        cal = calendar(org, group=group.id, start=start, end=end)
        computed = occurrence_instants(occurrences(org, group.id, start, end))
        assert mgovern_icaljs.instants(cal) == computed, group.id
        everything |= computed
    whole = calendar(org, start=start, end=end)
    assert_events_well_formed(whole)
    assert mgovern_icaljs.instants(whole) == everything
    assert recurring_ical_events_instants(whole) == everything
    assert len(everything) > 1000
