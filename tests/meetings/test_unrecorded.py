"""Decisions of a body without a meeting record, against an oracle from the rule's text."""

from __future__ import annotations

import datetime as dt

from hypothesis import given, settings
from hypothesis import strategies as st

from mgovern.meetings import MeetingRecord
from mgovern.meetings.validity import unrecorded
from mgovern.model import Matter
from mgovern.register.records import Decision

DAYS = [dt.date(2026, 3, 1) + dt.timedelta(days=n) for n in range(10)]
ZONE = dt.timezone(dt.timedelta(hours=1))

decisions = st.lists(
    st.builds(
        lambda n, day, by, forum: Decision(f"D-{n}", day, by, Matter("budget"), forum=forum),
        st.integers(0, 10**6),
        st.sampled_from(DAYS),
        st.sampled_from(["group", "direktor"]),
        st.sampled_from(["a", "b", None]),
    ),
    max_size=15,
    unique_by=lambda d: d.id,
)
records = st.lists(
    st.builds(
        lambda group, day: MeetingRecord(
            group, dt.datetime.combine(day, dt.time(16), ZONE), items=()
        ),
        st.sampled_from(["a", "b"]),
        st.sampled_from(DAYS),
    ),
    max_size=5,
)


@settings(max_examples=300, derandomize=True, database=None)
@given(decisions, records)
def test_unrecorded_is_the_oracles(ds: list[Decision], rs: list[MeetingRecord]) -> None:
    # a decision of a body (decided_by "group", the body its forum) is made at a meeting;
    # judged only for bodies with records, between their first and last recorded day
    want = []
    for d in ds:
        if d.decided_by != "group" or d.forum is None:
            continue
        days = [r.start.date() for r in rs if r.group == d.forum]
        if days and min(days) <= d.date <= max(days) and d.date not in days:
            want.append(d.id)
    assert sorted(want) == sorted(d.id for d in unrecorded(ds, rs))
