"""The cascade: UNFED parent meetings and LATE child meetings (see docs/calendars.md)."""

from __future__ import annotations

import datetime as dt
from pathlib import Path

import attrs
import pytest
from hypothesis import assume, given
from hypothesis import strategies as st

import mgovern
from mgovern import model
from mgovern.calendars.cascade import LateMeeting, UnfedMeeting, cascade, rhythm, unfed
from mgovern.calendars.cycles import occurrences
from mgovern.plugins import make_plugin_manager

PM = make_plugin_manager(entry_points=False)  # no holidays: only weekends and blackouts
MARCH = (dt.date(2026, 3, 1), dt.date(2026, 3, 31))
WEEKLY_TUESDAY = model.Cycle(
    "weekly",
    "Weekly",
    rule="every week on tuesday",
    time=dt.time(9),
    duration=90,
    agenda_deadline=model.Deadline(6, dt.time(17)),  # Wednesday 17:00 the week before
)


def org_of(
    parent: tuple[model.Cycle, ...],
    child: tuple[model.Cycle, ...],
    *,
    blackouts: tuple[model.Blackout, ...] = (),
) -> model.Organization:
    return model.Organization(
        "o",
        "O",
        blackouts=blackouts,
        groups=(
            model.Group("top", "Top", cycles=parent),
            model.Group("child", "Child", parent="top", cycles=child),
        ),
    )


def child_on(rule: str, time: dt.time = dt.time(9)) -> model.Cycle:
    return model.Cycle("c", "C", rule=rule, time=time, duration=60)


def day(meeting: mgovern.Occurrence | None) -> dt.date | None:
    return None if meeting is None else meeting.start.date()


# --- LATE ----------------------------------------------------------------------------------


def test_monday_meetings_skip_the_tuesday_meeting_and_wait_eight_days() -> None:
    org = org_of((WEEKLY_TUESDAY,), (child_on("every week on monday"),))
    late = cascade(org, *MARCH, pm=PM)
    assert [(day(x.meeting), day(x.parent_meeting), day(x.reached)) for x in late] == [
        (dt.date(2026, 3, 2), dt.date(2026, 3, 3), dt.date(2026, 3, 10)),
        (dt.date(2026, 3, 9), dt.date(2026, 3, 10), dt.date(2026, 3, 17)),
        (dt.date(2026, 3, 16), dt.date(2026, 3, 17), dt.date(2026, 3, 24)),
        (dt.date(2026, 3, 23), dt.date(2026, 3, 24), dt.date(2026, 3, 31)),
        (dt.date(2026, 3, 30), dt.date(2026, 3, 31), dt.date(2026, 4, 7)),
    ]
    first = late[0]
    assert first.delay == dt.timedelta(days=7)
    assert first.wait == dt.timedelta(days=7, hours=23)
    assert first.rhythm == dt.timedelta(days=7)
    assert str(first) == (
        "LATE child.c 2026-03-02 09:00 ends 2026-03-02 10:00, after the deadline "
        "2026-02-25 17:00 of top.weekly 2026-03-03 09:00; its items wait 8 days for "
        "top.weekly 2026-03-10 09:00"
    )
    assert unfed(org, *MARCH, pm=PM) == ()  # every Tuesday is fed, a week late


@pytest.mark.parametrize(
    ("weekday", "late"),
    [
        ("monday", True),  # after Wednesday's deadline, the day before the meeting
        ("tuesday", False),  # after the meeting: its items make the next deadline
        ("wednesday", False),  # ends 10:00, before the deadline at 17:00
        ("thursday", True),
        ("friday", True),
    ],
)
def test_a_weekly_child_is_late_exactly_when_it_meets_while_the_agenda_is_closed(
    weekday: str, late: bool
) -> None:
    org = org_of((WEEKLY_TUESDAY,), (child_on(f"every week on {weekday}"),))
    found = cascade(org, *MARCH, pm=PM)
    assert bool(found) is late
    if late:
        assert len(found) == len(occurrences(org, "child", *MARCH, pm=PM))


def monthly_board(lead_days: int = 14) -> model.Cycle:
    return model.Cycle(
        "board",
        "Board",
        dates=(
            dt.date(2026, 2, 12),
            dt.date(2026, 3, 19),
            dt.date(2026, 4, 23),
            dt.date(2026, 5, 21),
            dt.date(2026, 6, 18),
        ),
        time=dt.time(16),
        duration=120,
        agenda_deadline=model.Deadline(lead_days, dt.time(12)),
    )


def test_a_weekly_group_under_a_monthly_board_is_neither_late_nor_unfed() -> None:
    # Two of its meetings a month fall in the board's closed fortnight: the board's
    # rhythm, not lateness (a weekly group falls into it whatever day it meets).
    org = org_of((monthly_board(),), (child_on("every week on tuesday"),))
    window = (dt.date(2026, 1, 1), dt.date(2026, 6, 30))
    assert cascade(org, *window, pm=PM) == ()
    assert unfed(org, *window, pm=PM) == ()


def test_a_monthly_meeting_inside_the_board_closed_fortnight_is_late() -> None:
    # The child meets only monthly: it could have met outside the closed fortnight.
    org = org_of((monthly_board(),), (child_on("2nd tuesday of the month"),))
    late = cascade(org, dt.date(2026, 1, 1), dt.date(2026, 6, 30), pm=PM)
    assert [(day(x.meeting), day(x.parent_meeting), day(x.reached)) for x in late] == [
        (dt.date(2026, 2, 10), dt.date(2026, 2, 12), dt.date(2026, 3, 19)),
        (dt.date(2026, 3, 10), dt.date(2026, 3, 19), dt.date(2026, 4, 23)),
        (dt.date(2026, 4, 14), dt.date(2026, 4, 23), dt.date(2026, 5, 21)),
        (dt.date(2026, 5, 12), dt.date(2026, 5, 21), dt.date(2026, 6, 18)),
        (dt.date(2026, 6, 9), dt.date(2026, 6, 18), None),
    ]
    assert late[-1].wait is None
    assert str(late[-1]).endswith("; no later parent meeting takes its items")


def test_a_lead_longer_than_the_parent_interval_is_its_rhythm() -> None:
    # Items for a weekly meeting are due ten days ahead: no child meeting ever reaches
    # the next one, whatever day it is on.
    lead = attrs.evolve(WEEKLY_TUESDAY, agenda_deadline=model.Deadline(10, dt.time(17)))
    org = org_of((lead,), (child_on("1st thursday of the month"),))
    assert cascade(org, *MARCH, pm=PM) == ()


def test_a_parent_meeting_at_the_same_time_as_the_one_reached_is_not_skipped() -> None:
    closing_early = model.Cycle(
        "early",
        "Early",
        rule="every week on tuesday",
        time=dt.time(9),
        agenda_deadline=model.Deadline(14, dt.time(17)),
    )
    org = org_of((WEEKLY_TUESDAY, closing_early), (child_on("every week on wednesday"),))
    assert cascade(org, *MARCH, pm=PM) == ()


def test_meetings_without_a_deadline_take_no_items() -> None:
    open_door = attrs.evolve(WEEKLY_TUESDAY, agenda_deadline=None)
    org = org_of((open_door,), (child_on("every week on monday"),))
    assert cascade(org, *MARCH, pm=PM) == ()
    assert unfed(org, *MARCH, pm=PM) == ()


# --- UNFED ---------------------------------------------------------------------------------


def test_every_other_weekly_meeting_is_unfed_by_a_fortnightly_child() -> None:
    fortnightly = model.Cycle(
        "c", "C", rule="every 2 weeks on wednesday", first=dt.date(2026, 2, 25), duration=60
    )
    org = org_of((WEEKLY_TUESDAY,), (fortnightly,))
    found = unfed(org, *MARCH, pm=PM)
    assert [(day(x.meeting), x.opens.date(), x.child) for x in found] == [
        (dt.date(2026, 3, 10), dt.date(2026, 2, 25), "child"),  # due 4 March: no meeting
        (dt.date(2026, 3, 24), dt.date(2026, 3, 11), "child"),  # due 18 March: none
    ]
    assert str(found[0]) == (
        "UNFED top.weekly 2026-03-10 09:00: no meeting of child ends between "
        "2026-02-25 17:00 and its agenda deadline 2026-03-04 17:00"
    )
    assert cascade(org, *MARCH, pm=PM) == ()  # what it sends is never late


def test_the_first_meeting_of_a_series_and_a_child_that_has_not_started_are_not_checked() -> None:
    parent = attrs.evolve(WEEKLY_TUESDAY, first=dt.date(2026, 3, 3))
    child = attrs.evolve(child_on("every week on wednesday"), first=dt.date(2026, 3, 11))
    org = org_of((parent,), (child,))
    # 3 March: the first meeting; 10 March (due 4 March): the child starts on 11 March
    assert unfed(org, *MARCH, pm=PM) == ()
    assert cascade(org, *MARCH, pm=PM) == ()


SUMMER = model.Blackout("Sommar", model.MonthDay(7, 1), model.MonthDay(7, 31))
SUMMER_2026 = (dt.date(2026, 6, 1), dt.date(2026, 8, 31))


def test_after_the_summer_unfed_only_when_no_child_meeting_can_feed_it() -> None:
    # The first August meeting's agenda closes before the summer, on 30 June (29 July is
    # in the break). A child meeting on Wednesday morning has already sent its items to
    # 30 June; nothing is left for 4 August.
    wednesday = org_of(
        (WEEKLY_TUESDAY,), (child_on("every week on wednesday"),), blackouts=(SUMMER,)
    )
    assert [
        (day(x.meeting), x.opens, x.meeting.agenda_deadline)
        for x in unfed(wednesday, *SUMMER_2026, pm=PM)
    ] == [
        (
            dt.date(2026, 8, 4),
            dt.datetime(2026, 6, 24, 17, tzinfo=wednesday.zone),
            dt.datetime(2026, 6, 30, 17, tzinfo=wednesday.zone),
        )
    ]
    # On Tuesday afternoon it meets after the parent, before the deadline: fed.
    tuesday = org_of(
        (WEEKLY_TUESDAY,),
        (child_on("every week on tuesday", dt.time(13)),),
        blackouts=(SUMMER,),
    )
    assert unfed(tuesday, *SUMMER_2026, pm=PM) == ()
    assert cascade(tuesday, *SUMMER_2026, pm=PM) == ()
    assert cascade(wednesday, *SUMMER_2026, pm=PM) == ()


def test_rhythm_is_the_median_interval() -> None:
    org = org_of((WEEKLY_TUESDAY,), (), blackouts=(SUMMER,))
    meetings = occurrences(org, "top", *SUMMER_2026, pm=PM)
    assert rhythm(meetings) == dt.timedelta(days=7)  # the summer gap does not count
    assert rhythm(meetings[:1]) is None


# --- property: one child meeting just before every parent deadline ----------------------


@st.composite
def board_and_feeders(draw: st.DrawFn) -> tuple[model.Organization, list[dt.date]]:
    lead = draw(st.integers(1, 20))
    gaps = draw(st.lists(st.integers(lead + 5, lead + 60), min_size=2, max_size=7))
    first = dt.date(2026, 1, 5) + dt.timedelta(days=draw(st.integers(0, 300)))
    dates = [first]
    for gap in gaps:
        dates.append(dates[-1] + dt.timedelta(days=gap))
    parent = model.Cycle(
        "p",
        "P",
        dates=tuple(dates),
        time=dt.time(draw(st.integers(8, 16))),
        agenda_deadline=model.Deadline(lead, dt.time(draw(st.integers(10, 17)))),
    )
    org = org_of((parent,), ())
    return org, dates


def with_child_before(org: model.Organization, deadlines: list[dt.datetime]) -> model.Organization:
    """A child that meets 08:00-09:00 on the day of each deadline (all due at 10:00 or later)."""
    child = model.Cycle(
        "c", "C", dates=tuple(d.date() for d in deadlines), time=dt.time(8), duration=60
    )
    groups = (org.groups[0], model.Group("child", "Child", parent="top", cycles=(child,)))
    return attrs.evolve(org, groups=groups)


@given(board_and_feeders(), st.data())
def test_a_child_meeting_before_every_deadline_feeds_every_meeting(
    drawn: tuple[model.Organization, list[dt.date]], data: st.DataObject
) -> None:
    org, dates = drawn
    window = (dates[0] - dt.timedelta(days=1), dates[-1] + dt.timedelta(days=1))
    parents = occurrences(org, "top", *window, pm=PM)
    deadlines = [m.agenda_deadline for m in parents]
    assert all(d is not None and d.time() >= dt.time(10) for d in deadlines)
    fed = with_child_before(org, deadlines)  # type: ignore[arg-type]
    assert unfed(fed, *window, pm=PM) == ()
    assert cascade(fed, *window, pm=PM) == ()

    # Without the child meeting before one deadline, exactly that meeting is UNFED
    # (the first meeting of the series, and one before the child first met, are not
    # checked: without the first feeder the child starts one meeting later).
    gone = data.draw(st.integers(0, len(deadlines) - 1))
    rest = [d for i, d in enumerate(deadlines) if i != gone]
    starved = with_child_before(org, rest)  # type: ignore[arg-type]
    found = unfed(starved, *window, pm=PM)
    expected = [] if gone == 0 else [(parents[gone].start, deadlines[gone - 1])]
    assert [(x.meeting.start, x.opens) for x in found] == expected
    assert all(isinstance(x, UnfedMeeting) and x.child == "child" for x in found)
    assert cascade(starved, *window, pm=PM) == ()


WEEKDAYS = ["monday", "tuesday", "wednesday", "thursday", "friday"]


@given(
    parent_day=st.integers(0, 4),
    lead=st.integers(1, 6),
    deadline_hour=st.integers(8, 18),
    child_day=st.integers(0, 4),
    child_hour=st.integers(7, 17),
)
def test_weekly_under_weekly_is_late_exactly_when_the_next_agenda_has_closed(
    parent_day: int, lead: int, deadline_hour: int, child_day: int, child_hour: int
) -> None:
    # A weekly parent whose agenda closes less than a week ahead (on a weekday, so it is
    # not moved): a weekly child could always make it, so every skip is LATE.
    assume((parent_day - lead) % 7 < 5)
    parent = model.Cycle(
        "p",
        "P",
        rule=f"every week on {WEEKDAYS[parent_day]}",
        time=dt.time(9),
        agenda_deadline=model.Deadline(lead, dt.time(deadline_hour)),
    )
    org = org_of(
        (parent,), (child_on(f"every week on {WEEKDAYS[child_day]}", dt.time(child_hour)),)
    )
    window = (dt.date(2026, 3, 2), dt.date(2026, 3, 29))
    late = {x.meeting for x in cascade(org, *window, pm=PM)}
    parents = occurrences(org, "top", window[0], window[1] + dt.timedelta(days=30), pm=PM)
    for meeting in occurrences(org, "child", *window, pm=PM):
        following = next(p for p in parents if p.start > meeting.end)
        assert following.agenda_deadline is not None
        assert (meeting in late) is (following.agenda_deadline < meeting.end)


# --- the embedded example -----------------------------------------------------------------

TWO_YEARS = (dt.date(2026, 1, 1), dt.date(2027, 12, 31))


def test_the_example_is_clean_over_two_years() -> None:
    org = mgovern.example()
    assert cascade(org, *TWO_YEARS) == ()
    assert unfed(org, *TWO_YEARS) == ()


def example_with(group: str, cycle: str, **changes: object) -> model.Organization:
    org = mgovern.example()
    target = org.group(group)
    cycles = tuple(
        attrs.evolve(c, **changes) if c.id == cycle else c  # type: ignore[misc]
        for c in target.cycles
    )
    groups = tuple(attrs.evolve(g, cycles=cycles) if g.id == group else g for g in org.groups)
    return attrs.evolve(org, groups=groups)


def test_the_example_with_mark_och_varderings_monday_meeting_is_late() -> None:
    # The layout the example had before: the division meets on Monday morning, the day
    # before the KLG, whose agenda closed the Wednesday before.
    broken = example_with(
        "mv",
        "veckomote",
        rule="every week on monday",
        first=dt.date(2026, 1, 5),
        time=dt.time(9),
    )
    late: list[LateMeeting] = list(cascade(broken, *MARCH))
    assert [(x.meeting.start, x.parent_meeting.start, day(x.reached)) for x in late] == [
        (
            dt.datetime(2026, 3, day_, 9, tzinfo=broken.zone),
            dt.datetime(2026, 3, day_ + 1, 9, tzinfo=broken.zone),
            dt.date(2026, 3, day_ + 8),
        )
        for day_ in (2, 9, 16, 23)
    ] + [
        (
            dt.datetime(2026, 3, 30, 9, tzinfo=broken.zone),
            dt.datetime(2026, 3, 31, 9, tzinfo=broken.zone),
            dt.date(2026, 4, 7),
        )
    ]
    assert {(x.meeting.group, x.parent_meeting.group, x.parent_meeting.cycle) for x in late} == {
        ("mv", "klg", "taktiskt")
    }
    assert unfed(broken, *MARCH) == ()


def test_the_example_with_a_fortnightly_division_leaves_klg_meetings_unfed() -> None:
    broken = example_with(
        "gi",
        "veckomote",
        rule="every 2 weeks on wednesday",
        first=dt.date(2026, 1, 7),
    )
    found = unfed(broken, *MARCH)
    # gi now meets on 18 February, 4 and 18 March: nothing of it reaches the KLG
    # meetings whose agendas close on 25 February, 11 and 25 March.
    assert [(x.meeting.start, x.opens, x.child) for x in found] == [
        (
            dt.datetime(2026, 3, day_, 9, tzinfo=broken.zone),
            dt.datetime(2026, 2, 18, 17, tzinfo=broken.zone) + dt.timedelta(days=day_ - 3),
            "gi",
        )
        for day_ in (3, 17, 31)
    ]
    assert {x.meeting.cycle for x in found} == {"taktiskt"}
    assert cascade(broken, *MARCH) == ()


def test_check_command_on_the_example_reports_no_cascade_finding() -> None:
    from click.testing import CliRunner

    from mgovern.cli import build_cli

    result = CliRunner().invoke(
        build_cli(), ["check", "--from", "2026-01-01", "--to", "2027-12-31"]
    )
    assert result.exit_code == 0, result.output
    assert "LATE" not in result.stdout
    assert "UNFED" not in result.stdout


def test_check_command_reports_the_late_division(tmp_path: Path) -> None:
    from click.testing import CliRunner

    from mgovern.cli import build_cli
    from mgovern.config import dumps

    broken = example_with(
        "mv", "veckomote", rule="every week on monday", first=dt.date(2026, 1, 5), time=dt.time(9)
    )
    path = tmp_path / "broken.toml"
    path.write_text(dumps(broken), encoding="utf-8")
    result = CliRunner().invoke(
        build_cli(), ["check", "--org", str(path), "--from", "2026-03-01", "--to", "2026-03-31"]
    )
    assert result.exit_code == 0, result.output  # the cascade is reported, not fatal
    assert "LATE mv.veckomote -> klg.taktiskt: 5 möte(n)" in result.stdout
