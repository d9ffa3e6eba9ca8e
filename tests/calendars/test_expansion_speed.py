"""Expansion remembers work per organisation (rule dates, meeting times, closures and
deadlines shared by groups that meet alike): what it remembers never changes a result.

Each group's schedule on an organisation that has already scheduled its other groups,
under two plugin managers with different closed days in turn, is exactly what a fresh
copy of the organisation gives for that group alone (the speed itself is measured by
``benchmarks/run.py``, not asserted here)."""

from __future__ import annotations

import datetime as dt

import attrs
import pluggy
from hypothesis import given
from hypothesis import strategies as st

import mgovern
from mgovern import model
from mgovern.calendars.cycles import Series, occurrences, schedule
from mgovern.plugins import make_plugin_manager

START, END = dt.date(2026, 1, 1), dt.date(2026, 12, 31)


class _Closed:
    def __init__(self, days: set[dt.date]) -> None:
        self.days = days

    @mgovern.hookimpl
    def mgovern_closed_days(self, org, start, end):  # type: ignore[no-untyped-def]
        return [model.ClosedDay(d, "Helgdag") for d in self.days if start <= d <= end]


def _manager(days: set[dt.date]) -> pluggy.PluginManager:
    pm = make_plugin_manager(entry_points=False)
    pm.register(_Closed(days))
    return pm


def _exact(series: tuple[Series, ...]) -> list[str]:
    """Everything a schedule says, the fold of every time included (``==`` on aware
    times of one zone compares the wall clock only)."""
    moments = [
        getattr(item, name)
        for s in series
        for item in (*s.occurrences, *s.skipped)
        for name in ("start", "end", "recurrence_id", "original", "agenda_deadline", "notice")
        if isinstance(getattr(item, name, None), dt.datetime)
    ]
    return [repr(s) for s in series] + [f"{m!r} {m.fold}" for m in moments]


_RULES = ["every week on tuesday", "every 2 weeks on monday", "last thursday of the month"]
_DAYS = st.dates(dt.date(2025, 12, 1), dt.date(2027, 1, 31))


@st.composite
def alike_groups(draw: st.DrawFn) -> model.Organization:
    """Groups drawing their cycles from few rules, times and deadlines: most of what
    one group computes another can reuse, if nothing it depends on differs."""
    groups = []
    for g in range(draw(st.integers(2, 5))):
        cycles = []
        for c in range(draw(st.integers(1, 3))):
            cycles.append(
                model.Cycle(
                    f"k{c}",
                    f"Möte {c}",
                    rule=draw(st.sampled_from(_RULES)),
                    time=draw(st.sampled_from([dt.time(9), dt.time(13, 30), dt.time(2, 30)])),
                    duration=draw(st.sampled_from([60, 90])),
                    first=draw(st.none() | st.sampled_from([dt.date(2026, 3, 2)])),
                    last=draw(st.none() | st.sampled_from([dt.date(2026, 10, 30)])),
                    closed_days=draw(st.sampled_from(model.ClosedDayPolicy)),
                    skip_months=draw(st.sampled_from([frozenset(), frozenset({7})])),
                    blackouts=draw(
                        st.sampled_from(
                            [
                                (),
                                (
                                    model.Blackout(
                                        "Lov", dt.date(2026, 2, 16), dt.date(2026, 2, 20)
                                    ),
                                ),
                            ]
                        )
                    ),
                    agenda_deadline=draw(
                        st.none() | st.sampled_from([model.Deadline(3), model.Deadline(7)])
                    ),
                    notice=draw(st.none() | st.sampled_from([model.Deadline(1, dt.time(12))])),
                )
            )
        groups.append(model.Group(f"g{g}", f"Grupp {g}", cycles=tuple(cycles)))
    return model.Organization(
        "o",
        "O",
        timezone=draw(st.sampled_from(["Europe/Stockholm", "America/New_York"])),
        locale=draw(st.sampled_from(["sv", "en"])),
        groups=tuple(groups),
        blackouts=draw(
            st.sampled_from(
                [(), (model.Blackout("Jul", model.MonthDay(12, 24), model.MonthDay(1, 1)),)]
            )
        ),
    )


@given(alike_groups(), st.sets(_DAYS, max_size=25), st.sets(_DAYS, max_size=25))
def test_shared_work_gives_what_a_fresh_organisation_gives(
    org: model.Organization, holidays: set[dt.date], other: set[dt.date]
) -> None:
    first, second = _manager(holidays), _manager(other)
    for group in org.groups:
        for pm in (first, second):
            shared = schedule(org, group.id, START, END, pm=pm)
            alone = schedule(attrs.evolve(org), group.id, START, END, pm=pm)
            assert _exact(shared) == _exact(alone)
            found = occurrences(org, group.id, START, END, pm=pm)
            assert [repr(o) for o in found] == [
                repr(o) for o in occurrences(attrs.evolve(org), group.id, START, END, pm=pm)
            ]


def test_occurrences_keep_the_order_of_the_classes() -> None:
    org = mgovern.example()
    for group in org.groups:
        found = occurrences(org, group.id, dt.date(2025, 1, 1), dt.date(2028, 12, 31))
        assert found == sorted(found)  # Occurrence's own order: every field in turn
        for series in schedule(org, group.id, dt.date(2025, 1, 1), dt.date(2028, 12, 31)):
            assert list(series.occurrences) == sorted(series.occurrences)
            assert list(series.skipped) == sorted(series.skipped)
