"""Calendars read back by independent readers: recurring_ical_events expands the written
.ics to exactly the instants mgovern.occurrences returns."""

from __future__ import annotations

import datetime as dt
from pathlib import Path

import icalendar
import pytest
import recurring_ical_events
from click.testing import CliRunner
from dateutil import rrule as du_rrule
from hypothesis import given, settings
from hypothesis import strategies as st

import mgovern
from mgovern import model, timezones
from mgovern.calendars.cycles import occurrences
from mgovern.calendars.ical import calendar, vtimezone
from mgovern.cli import build_cli
from mgovern.plugins import make_plugin_manager

START, END = dt.date(2026, 1, 1), dt.date(2028, 12, 31)


def expand(cal: icalendar.Calendar) -> set[tuple[str, dt.datetime, dt.datetime]]:
    """Parse the bytes again and let recurring_ical_events expand everything in them."""
    parsed = icalendar.Calendar.from_ical(cal.to_ical())
    events = recurring_ical_events.of(parsed).between(dt.date(1990, 1, 1), dt.date(2100, 1, 1))
    return {(str(e["UID"]), e["DTSTART"].dt, e["DTEND"].dt) for e in events}


def computed(org: model.Organization, group_ids: list[str], pm=None):  # type: ignore[no-untyped-def]
    return {
        (o.uid, o.start, o.end) for g in group_ids for o in occurrences(org, g, START, END, pm=pm)
    }


def _exdate_props(event: icalendar.Event) -> list:  # type: ignore[type-arg]
    value = event.get("EXDATE")
    if value is None:
        return []
    return value if isinstance(value, list) else [value]


def assert_masters_well_formed(cal: icalendar.Calendar) -> None:
    """Every EXDATE and RECURRENCE-ID is an instance of its master's rule (checked with
    dateutil from the parsed RRULE), with the master's TZID; no RDATE anywhere."""
    parsed = icalendar.Calendar.from_ical(cal.to_ical())
    masters = {}
    for event in parsed.walk("VEVENT"):
        assert "RDATE" not in event
        assert event["DTSTART"].dt.tzinfo is not None  # never floating
        if "RRULE" in event:
            start = event["DTSTART"].dt
            rule = du_rrule.rrulestr(event["RRULE"].to_ical().decode(), dtstart=start)
            instances = set(rule)
            masters[str(event["UID"])] = (instances, event["DTSTART"].params["TZID"])
            for exdate in _exdate_props(event):
                assert exdate.params["TZID"] == event["DTSTART"].params["TZID"]
                for value in exdate.dts:
                    assert value.dt in instances
    for event in parsed.walk("VEVENT"):
        if "RECURRENCE-ID" in event:
            instances, tzid = masters[str(event["UID"])]
            assert event["RECURRENCE-ID"].params["TZID"] == tzid
            assert event["RECURRENCE-ID"].dt in instances


# --- the example ------------------------------------------------------------------------
@pytest.fixture(scope="module")
def org() -> model.Organization:
    return mgovern.example()


def test_every_group_matches_recurring_ical_events(org: model.Organization) -> None:
    for group in org.groups:
        cal = calendar(org, group=group.id, start=START, end=END)
        assert expand(cal) == computed(org, [group.id])
        assert_masters_well_formed(cal)


def test_person_and_all_calendars_match(org: model.Organization) -> None:
    for person in org.people[:12]:
        cal = calendar(org, person=person.id, start=START, end=END)
        assert expand(cal) == computed(org, [g.id for g in org.groups_of(person.id)])
    everything = calendar(org, start=START, end=END)
    assert expand(everything) == computed(org, [g.id for g in org.groups])


def test_wall_clock_time_is_kept_across_dst(org: model.Organization) -> None:
    seen_offsets = set()
    for group in org.groups:
        for occ in occurrences(org, group.id, START, END):
            cycle = group.cycle(occ.cycle)
            assert occ.start.tzinfo is org.zone  # the tzdata package's zone
            assert str(occ.start.tzinfo) == "Europe/Stockholm"
            assert occ.start.time() == cycle.time
            seen_offsets.add(occ.start.utcoffset())
    assert seen_offsets == {dt.timedelta(hours=1), dt.timedelta(hours=2)}
    cal = calendar(org, group="klg", start=START, end=END)
    parsed = icalendar.Calendar.from_ical(cal.to_ical())
    for event in recurring_ical_events.of(parsed).between(
        dt.date(2026, 3, 23), dt.date(2026, 4, 5)
    ):
        if "Taktiskt" in str(event["SUMMARY"]) or event["DTSTART"].dt.hour == 9:
            assert event["DTSTART"].dt.hour == 9


def test_klg_file_has_series_exdates_overrides_and_board_preparation(
    org: model.Organization,
) -> None:
    cal = calendar(org, group="klg", start=dt.date(2026, 1, 1), end=dt.date(2026, 12, 31))
    text = cal.to_ical().decode()
    parsed = icalendar.Calendar.from_ical(text)
    masters = [e for e in parsed.walk("VEVENT") if "RRULE" in e]
    tactical = next(e for e in masters if e["X-MGOVERN-CYCLE"] == "taktiskt")
    assert tactical["RRULE"]["FREQ"] == ["WEEKLY"]
    exdates = {v.dt.date() for prop in _exdate_props(tactical) for v in prop.dts}
    assert {dt.date(2026, 7, 7), dt.date(2026, 7, 28), dt.date(2026, 12, 29)} <= exdates
    overrides = [e for e in parsed.walk("VEVENT") if "RECURRENCE-ID" in e]
    assert overrides, "a tactical meeting on a holiday is moved, as an override"
    assert all(
        str(e["UID"]) == str(tactical["UID"])
        for e in overrides
        if e["X-MGOVERN-CYCLE"] == "taktiskt"
    )
    # board preparation: the Tuesday on or before 15 days before board meetings (the last
    # Tuesday before the board's agenda closes, 14 days before)
    board = [
        o.start.date() for o in occurrences(org, "namnd", dt.date(2026, 1, 1), dt.date(2027, 2, 28))
    ]
    prep = [
        o
        for o in occurrences(org, "klg", dt.date(2026, 1, 1), dt.date(2026, 12, 31))
        if o.cycle == "namndberedning"
    ]
    assert prep
    for occ in prep:
        assert occ.start.weekday() == 1
        assert any(15 <= (b - occ.start.date()).days <= 21 for b in board)
    board_2026 = [b for b in board if dt.date(2026, 1, 16) <= b <= dt.date(2027, 1, 21)]
    assert len(prep) == len(board_2026)
    assert "METHOD:PUBLISH" in text
    assert "X-WR-CALNAME:Kontorsledningsgruppen" in text
    assert "X-WR-TIMEZONE:Europe/Stockholm" in text
    assert "RRULE:FREQ=YEARLY;BYDAY=-1SU;BYMONTH=3" in text  # Outlook-safe VTIMEZONE
    assert "RDATE" not in text


def test_regeneration_is_byte_identical(org: model.Organization) -> None:
    stamp = dt.datetime(2026, 1, 1, tzinfo=dt.UTC)
    first = calendar(org, group="klg", start=START, end=END, stamp=stamp).to_ical()
    again = calendar(mgovern.example(), group="klg", start=START, end=END, stamp=stamp).to_ical()
    assert first == again


def test_uids_are_deterministic_and_url_safe(org: model.Organization) -> None:
    uids = {o.uid for g in org.groups for o in occurrences(org, g.id, START, END)}
    again = {o.uid for g in org.groups for o in occurrences(mgovern.example(), g.id, START, END)}
    assert uids == again
    assert all(set(uid) <= set("0123456789abcdef-") for uid in uids)


# --- time zones -------------------------------------------------------------------------
@pytest.mark.parametrize(
    ("zone", "first", "last", "rule_form"),
    [
        ("Europe/Stockholm", dt.date(2026, 1, 1), dt.date(2060, 12, 31), True),
        ("America/New_York", dt.date(2026, 1, 1), dt.date(2030, 12, 31), True),
        ("Australia/Sydney", dt.date(2026, 1, 1), dt.date(2030, 12, 31), True),
        ("UTC", dt.date(2026, 1, 1), dt.date(2030, 12, 31), True),
        ("Europe/Moscow", dt.date(2010, 1, 1), dt.date(2016, 12, 31), False),
    ],
)
def test_vtimezone_agrees_with_the_zone_database(
    zone: str, first: dt.date, last: dt.date, rule_form: bool
) -> None:
    component = vtimezone(zone, first, last)
    text = component.to_ical().decode()
    assert ("RRULE:FREQ=YEARLY" in text) == rule_form or zone == "UTC"
    tz = (
        icalendar.Calendar.from_ical(
            "BEGIN:VCALENDAR\r\nVERSION:2.0\r\nPRODID:x\r\n" + text + "END:VCALENDAR\r\n"
        )
        .walk("VTIMEZONE")[0]
        .to_tz()
    )
    reference = timezones.zone(zone)  # the tzdata package, as mgovern's meetings
    moment = dt.datetime.combine(first, dt.time(), tzinfo=dt.UTC)
    while moment.date() <= last:
        assert moment.astimezone(tz).utcoffset() == moment.astimezone(reference).utcoffset(), moment
        moment += dt.timedelta(hours=29)


# --- generated cycles -------------------------------------------------------------------
class _Closed:
    def __init__(self, days: set[dt.date]) -> None:
        self.days = days

    @mgovern.hookimpl
    def mgovern_closed_days(self, org, start, end):  # type: ignore[no-untyped-def]
        return [model.ClosedDay(d, "Helgdag") for d in self.days if start <= d <= end]


_RULES = [
    "every week on tuesday",
    "every 2 weeks on monday",
    "every week on monday and thursday",
    "2nd tuesday of the month",
    "last thursday of the month",
    "1st wednesday of every 3 months",
]
# Days around the DST changes of 2026 and 2027 in Europe and the US.
_DST_DAYS = [
    dt.date(2026, 3, 8),
    dt.date(2026, 3, 9),
    dt.date(2026, 3, 27),
    dt.date(2026, 3, 29),
    dt.date(2026, 3, 30),
    dt.date(2026, 10, 23),
    dt.date(2026, 10, 25),
    dt.date(2026, 10, 26),
    dt.date(2026, 11, 2),
    dt.date(2027, 3, 29),
    dt.date(2027, 10, 31),
    dt.date(2027, 11, 1),
]


@st.composite
def scheduled_orgs(draw: st.DrawFn) -> tuple[model.Organization, set[dt.date]]:
    days = st.dates(dt.date(2026, 1, 1), dt.date(2027, 12, 31)) | st.sampled_from(_DST_DAYS)
    cycles = []
    for index in range(draw(st.integers(1, 4))):
        form = draw(
            st.sampled_from(
                ["rule", "rrule", "dates", "anchor"] if index else ["rule", "rrule", "dates"]
            )
        )
        kwargs: dict[str, object] = {}
        if form == "rule":
            kwargs["rule"] = draw(st.sampled_from(_RULES))
        elif form == "rrule":
            kwargs["rrule"] = draw(
                st.sampled_from(
                    [
                        "FREQ=WEEKLY;BYDAY=FR",
                        "FREQ=MONTHLY;BYMONTHDAY=15",
                        "FREQ=WEEKLY;INTERVAL=3;BYDAY=WE",
                        "FREQ=DAILY;INTERVAL=9",
                    ]
                )
            )
        elif form == "dates":
            kwargs["dates"] = tuple(sorted(draw(st.sets(days, min_size=1, max_size=6))))
        else:
            kwargs["anchor"] = model.Anchor(
                "g.k0",
                days_before=draw(st.integers(0, 25)),
                weekday=draw(st.none() | st.sampled_from(["monday", "tuesday", "friday"])),
            )
        cycles.append(
            model.Cycle(
                f"k{index}",
                f"Möte {index}",
                time=dt.time(draw(st.integers(7, 18)), draw(st.sampled_from([0, 30]))),
                duration=draw(st.integers(30, 180)),
                first=draw(st.none() | st.dates(dt.date(2025, 11, 1), dt.date(2026, 6, 1))),
                last=draw(st.none() | st.dates(dt.date(2026, 9, 1), dt.date(2028, 3, 1))),
                closed_days=draw(st.sampled_from(model.ClosedDayPolicy)),
                skip_months=draw(st.frozensets(st.integers(1, 12), max_size=2)),
                **kwargs,  # type: ignore[arg-type]
            )
        )
    org = model.Organization(
        "o",
        'Org; with: hostile, text and "quotes"',
        timezone=draw(
            st.sampled_from(["Europe/Stockholm", "America/New_York", "Australia/Sydney"])
        ),
        people=(model.Person("p", 'Anna; Chair, "Boss"', email="anna@example.se"),),
        groups=(
            model.Group(
                "g", "Grupp: ett; två, tre", chair="p", members=("p",), cycles=tuple(cycles)
            ),
        ),
        blackouts=tuple(
            draw(
                st.lists(
                    st.sampled_from(
                        [
                            model.Blackout("Sommar", model.MonthDay(7, 1), model.MonthDay(7, 31)),
                            model.Blackout("Jul", model.MonthDay(12, 24), model.MonthDay(1, 1)),
                            model.Blackout("Ett år", dt.date(2026, 4, 1), dt.date(2026, 4, 10)),
                        ]
                    ),
                    unique=True,
                    max_size=2,
                )
            )
        ),
    )
    closed = draw(st.sets(days, max_size=25))
    return org, closed


@settings(max_examples=80, deadline=None)
@given(scheduled_orgs())
def test_generated_cycles_match_recurring_ical_events(
    case: tuple[model.Organization, set[dt.date]],
) -> None:
    org, closed = case
    pm = make_plugin_manager(entry_points=False, extra=[_Closed(closed)])
    window = (dt.date(2026, 1, 1), dt.date(2027, 12, 31))
    occs = occurrences(org, "g", *window, pm=pm)
    cal = calendar(org, group="g", start=window[0], end=window[1], pm=pm)
    assert expand(cal) == {(o.uid, o.start, o.end) for o in occs}
    assert_masters_well_formed(cal)
    group = org.group("g")
    for occ in occs:
        cycle = group.cycle(occ.cycle)
        assert occ.start.time() == cycle.time  # wall clock kept, DST or not
        assert occ.start.date() not in closed  # never on a closed day
        assert occ.start.month not in cycle.skip_months
        assert occ.recurrence_id.month not in cycle.skip_months
        assert not any(b.covers(occ.start.date()) for b in org.blackouts)
        if occ.status == "moved":
            assert occ.start.weekday() < 5
            assert occ.recurrence_id.date() in closed
            step = 1 if cycle.closed_days is model.ClosedDayPolicy.NEXT_WORKING_DAY else -1
            assert (occ.start.date() - occ.recurrence_id.date()).days * step > 0
    # regular meetings may overlap by configuration; a move never adds an overlap
    moved = [o for o in occs if o.status == "moved"]
    for occ in moved:
        others = [o for o in occs if o is not occ]
        assert not any(o.start < occ.end and occ.start < o.end for o in others)


def test_hostile_text_does_not_inject_properties() -> None:
    org = model.Organization(
        "o",
        "O",
        people=(
            model.Person("p", 'Eve "ATTENDEE:mailto:evil@example.com";', email="eve@example.se"),
        ),
        groups=(
            model.Group(
                "g",
                "Name;DTSTART:19990101T000000",
                chair="p",
                cycles=(
                    model.Cycle(
                        "c", "C,LOCATION:x", rule="every week on monday", location="Rum: 1; 2, 3"
                    ),
                ),
                mandate=model.Mandate(purpose="Purpose\nSUMMARY:injected"),
            ),
        ),
    )
    cal = calendar(org, group="g", start=dt.date(2026, 1, 1), end=dt.date(2026, 1, 31))
    parsed = icalendar.Calendar.from_ical(cal.to_ical())
    (event,) = parsed.walk("VEVENT")
    assert str(event["SUMMARY"]) == "Name;DTSTART:19990101T000000: C,LOCATION:x"
    assert str(event["LOCATION"]) == "Rum: 1; 2, 3"
    assert len([k for k in event if k == "DTSTART"]) == 1
    assert event["ATTENDEE"].params["CN"] == 'Eve "ATTENDEE:mailto:evil@example.com";'
    assert str(event["ORGANIZER"]) == "mailto:eve@example.se"
    assert str(event["ATTENDEE"]) == "mailto:eve@example.se"  # one attendee, not two
    assert len(parsed.walk("VEVENT")) == 1


@pytest.mark.parametrize(
    "name", ["Eve\r\nATTENDEE:mailto:evil@example.com", "Eve\x1b[31m", "Eve\x00", "Eve\u202e"]
)
def test_control_characters_never_reach_a_calendar(name: str) -> None:
    """Readers drop a line with a control character in CN="..." (and its attendee)."""
    with pytest.raises(mgovern.ConfigError, match="control character"):
        model.Person("p", name, email="eve@example.se")


# --- the command ------------------------------------------------------------------------
def test_calendars_command_writes_every_file_identically_twice(tmp_path: Path) -> None:
    runner = CliRunner()
    args = [
        "calendars",
        "--out",
        str(tmp_path / "a"),
        "--from",
        "2026-01-01",
        "--to",
        "2027-12-31",
        "--stamp",
        "2026-01-01T00:00Z",
    ]
    result = runner.invoke(build_cli(), args)
    assert result.exit_code == 0, result.output
    org = mgovern.example()
    groups = sorted(p.name for p in (tmp_path / "a" / "groups").iterdir())
    assert groups == sorted(f"{g.id}.ics" for g in org.groups)
    people = sorted(p.name for p in (tmp_path / "a" / "people").iterdir())
    assert people == sorted(f"{p.id}.ics" for p in org.people if org.groups_of(p.id))
    assert (tmp_path / "a" / "all.ics").exists()
    args[2] = str(tmp_path / "b")
    assert runner.invoke(build_cli(), args).exit_code == 0
    for path in (tmp_path / "a").rglob("*.ics"):
        assert path.read_bytes() == (tmp_path / "b" / path.relative_to(tmp_path / "a")).read_bytes()
    again = runner.invoke(build_cli(), args)
    assert "(0 ändrade)" in again.stdout


@pytest.mark.parametrize(
    ("args", "expected", "org_text"),
    [
        (["--group", "nope"], "unknown group 'nope'", None),
        (["--from", "2027-01-01", "--to", "2026-01-01"], "before --from", None),
        (
            ["--from", "2026-02-01", "--to", "2026-02-28"],
            "matches no date between",
            'rule = "5th tuesday of the month"',
        ),
        (
            ["--from", "2026-01-01", "--to", "2035-12-31"],
            "more than max_occurrences",
            'rrule = "FREQ=DAILY"',
        ),
        (["--from", "2026-13-01"], "Invalid value for '--from'", None),
    ],
)
def test_calendars_bad_input_is_exit_2_and_writes_nothing(
    tmp_path: Path, args: list[str], expected: str, org_text: str | None
) -> None:
    command = ["calendars", "--out", str(tmp_path / "out"), *args]
    if org_text is not None:
        path = tmp_path / "org.toml"
        path.write_text(
            'id = "o"\nname = "O"\n[[groups]]\nid = "g"\nname = "G"\n'
            '[[groups.cycles]]\nid = "c"\nname = "C"\n' + org_text + "\n",
            encoding="utf-8",
        )
        command += ["--org", str(path)]
    result = CliRunner().invoke(build_cli(), command)
    assert result.exit_code == 2, result.output
    assert expected in result.stderr
    assert len(result.stderr.strip().splitlines()) <= 2  # the example notice + one error line
    assert not (tmp_path / "out").exists()
