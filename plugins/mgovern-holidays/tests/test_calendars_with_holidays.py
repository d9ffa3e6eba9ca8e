"""The example's calendars with the holidays plugin installed: no meeting on a Swedish
public holiday or de-facto day off, checked against the holidays package directly."""

from __future__ import annotations

import datetime as dt

import holidays
import icalendar
import recurring_ical_events

import mgovern
from mgovern.calendars.cycles import occurrences
from mgovern.plugins import make_plugin_manager

START, END = dt.date(2026, 1, 1), dt.date(2028, 12, 31)


def swedish_days_off() -> set[dt.date]:
    days: set[dt.date] = set()
    for year in range(START.year, END.year + 1):
        days.update(holidays.Sweden(years=year, include_sundays=False))
        midsummer_eve = next(
            d
            for d in (dt.date(year, 6, 19) + dt.timedelta(days=i) for i in range(7))
            if d.weekday() == 4
        )
        days.update({midsummer_eve, dt.date(year, 12, 24), dt.date(year, 12, 31)})
    return days


def test_no_meeting_on_a_swedish_holiday_or_eve() -> None:
    org = mgovern.example()
    pm = make_plugin_manager()
    assert pm.get_plugin("holidays") is not None
    closed = swedish_days_off()
    assert dt.date(2026, 6, 19) in closed  # midsommarafton 2026
    meetings = [o for g in org.groups for o in occurrences(org, g.id, START, END, pm=pm)]
    assert len(meetings) > 1000
    on_holidays = [o for o in meetings if o.start.date() in closed]
    assert on_holidays == []
    # and the calendar files agree, read back by an independent reader
    cal = mgovern.calendar(org, start=START, end=END, pm=pm)
    parsed = icalendar.Calendar.from_ical(cal.to_ical())
    expanded = recurring_ical_events.of(parsed).between(dt.date(2025, 1, 1), dt.date(2030, 1, 1))
    assert {e["DTSTART"].dt.date() for e in expanded}.isdisjoint(closed)
    assert len(expanded) == len(meetings)


def test_tactical_meeting_on_epiphany_moves_to_wednesday() -> None:
    org = mgovern.example()
    meetings = occurrences(
        org, "klg", dt.date(2026, 1, 1), dt.date(2026, 1, 31), pm=make_plugin_manager()
    )
    moved = next(o for o in meetings if o.recurrence_id.date() == dt.date(2026, 1, 6))
    assert moved.status == "moved"
    assert moved.start.date() == dt.date(2026, 1, 7)
    assert moved.reason == "Trettondedag jul"
