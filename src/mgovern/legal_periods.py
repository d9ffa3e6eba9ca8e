"""Legal periods: when minutes are approved, announced, and when an appeal runs out.

One function counts every period the law sets for a meeting's minutes, so the board
report, the notices and minutes that carry it and anything else that shows a legal date
agree:

* **approval** (*justering*): the minutes are approved no later than 14 days after the
  meeting (kommunallagen 5 kap. 69 §, for a board through 6 kap. 35 §);
* **announcement** (*anslag*): that the minutes are approved is announced on the notice
  board no later than the second day after the approval (8 kap. 12 §);
* **appeal** (*laglighetsprövning*): an appeal must arrive within three weeks from the
  day of the announcement (13 kap. 5 §).

Each period is a setting (``[legal_periods]``; the law's values are the defaults: an
organisation that approves its minutes after a week says so). Each ends on a day that
is then moved by **lag (1930:173) om beräkning av lagstadgad tid**: a period whose last
day falls on a Saturday, a Sunday, a public holiday, midsommarafton, julafton or
nyårsafton runs to the next weekday that is none of these. The approval and the
announcement are acts done on that working day.

The closed days come from the same plugins as the calendars' (the
``mgovern_closed_days`` hook, e.g. mgovern-holidays), asked for the days the law names
(``[legal_periods] closed_days``: Sweden's public holidays and the three eves by
default) rather than the organisation's own closures: a bridge day or a summer break
closes meetings, not the law's clock.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Container
from typing import TYPE_CHECKING

import attrs
from attrs import frozen

from mgovern.exceptions import MgovernError, PluginError
from mgovern.model import ClosedDay, Organization

if TYPE_CHECKING:
    import pluggy

__all__ = ["MinutesDates", "closed_by_law", "last_day", "minutes_dates"]

_ONE_DAY = dt.timedelta(days=1)
_SATURDAY = 5
#: Beyond the last period's nominal end: room for the longest run of closed days
#: (Christmas to the Epiphany is at most nine days).
_MARGIN = dt.timedelta(days=30)


@frozen
class MinutesDates:
    """The legal dates of one meeting's minutes. ``approved``: the approval (justering);
    ``announced``: the announcement on the notice board; ``appealable_until``: the last
    day an appeal can arrive."""

    meeting: dt.date
    approved: dt.date
    announced: dt.date
    appealable_until: dt.date


def last_day(nominal: dt.date, closed: Container[dt.date]) -> dt.date:
    """The last day of a period whose nominal last day is ``nominal`` (lag 1930:173):
    that day, or if it is a Saturday, a Sunday or in ``closed``, the next day that is
    none of these."""
    day = nominal
    while day.weekday() >= _SATURDAY or day in closed:
        day += _ONE_DAY
    return day


def closed_by_law(
    org: Organization, start: dt.date, end: dt.date, *, pm: pluggy.PluginManager | None = None
) -> frozenset[dt.date]:
    """The days in ``[start, end]`` that the law counts as closed besides weekends:
    the closed-day plugins' answer for ``org.legal_periods.closed_days``.

    :raises MgovernError: those closed days are asked for but no plugin provides any
        (legal dates would silently ignore public holidays).
    """
    if pm is None:
        from mgovern.plugins import plugin_manager

        pm = plugin_manager()
    wanted = org.legal_periods.closed_days
    if not (wanted.regions or wanted.include):
        return frozenset()
    if not pm.hook.mgovern_closed_days.get_hookimpls():
        raise MgovernError(
            "legal periods need the public holidays of legal_periods.closed_days but no "
            "plugin provides closed days: install mgovern-holidays"
        )
    key = ("legal_periods.closed", start, end, id(pm))
    cached: frozenset[dt.date] | None = org._memo.get(key)
    if cached is not None:
        return cached
    asked = attrs.evolve(org, closed_days=wanted)
    days: set[dt.date] = set()
    for result in pm.hook.mgovern_closed_days(org=asked, start=start, end=end):
        for day in result or ():
            if not isinstance(day, ClosedDay):
                raise PluginError(f"mgovern_closed_days returned {day!r}, not a ClosedDay")
            if start <= day.date <= end:
                days.add(day.date)
    found = frozenset(days)
    org._memo[key] = found
    return found


def minutes_dates(
    org: Organization, meeting: dt.date, *, pm: pluggy.PluginManager | None = None
) -> MinutesDates:
    """The approval, announcement and last appeal day of the minutes of a meeting on
    ``meeting`` (see the module): each period counted from the previous date, each end
    moved to the next weekday that is not closed by law."""
    periods = org.legal_periods
    total = periods.approval_days + periods.announcement_days + periods.appeal_days
    room = (dt.date.max - meeting).days
    end = meeting + dt.timedelta(days=min(room, total + _MARGIN.days))
    closed = closed_by_law(org, meeting, end, pm=pm)
    try:
        approved = last_day(meeting + dt.timedelta(days=periods.approval_days), closed)
        announced = last_day(approved + dt.timedelta(days=periods.announcement_days), closed)
        until = last_day(announced + dt.timedelta(days=periods.appeal_days), closed)
    except OverflowError:
        message = f"the legal periods of a meeting on {meeting} run past year 9999"
        raise MgovernError(message) from None
    return MinutesDates(meeting, approved, announced, until)
