"""The cascade: can each group's meetings feed its parent's, without an avoidable wait?

Items escalated at a group's meeting go to the parent's first meeting whose agenda is
still open when the meeting ends (only parent meetings with an agenda deadline take
items). Two findings, each with its own type:

**UNFED parent meeting** (:func:`unfed`). A parent meeting is fed by a child group when
some meeting of the child ends after the agenda deadline of the previous meeting of the
same parent series and no later than this meeting's deadline: only then can something
the child decided reach this meeting and not an earlier one. A meeting is checked only
when its series has an earlier deadline, and only against a child group that had met
by then (a series, or a child, that has just started is not a finding).

**LATE child meeting** (:func:`cascade`). A child meeting *skips* a parent meeting that
starts after it ends but whose agenda closed before it ended: its items wait for a later
one. The skip is forced by the parent's rhythm, and is not a finding, when that meeting's
agenda is closed (deadline to start) for at least the child group's **rhythm** (the
usual interval of its most frequent series: a weekly group falls into such a stretch
whatever day it meets) or for at least the interval of the parent's own series (then no
meeting of the child ever reaches the next one). It is LATE when the closed stretch is
shorter than both: a meeting at another point of the child's rhythm would have
made it.

A rhythm is the median interval between consecutive meetings of a series, so breaks and
moved meetings do not change it.
"""

from __future__ import annotations

import bisect
import datetime as dt
import itertools
import statistics
from collections.abc import Sequence
from typing import TYPE_CHECKING

from attrs import frozen

from mgovern.calendars.cycles import Occurrence, occurrences
from mgovern.model import Organization

if TYPE_CHECKING:
    import pluggy

__all__ = ["LateMeeting", "UnfedMeeting", "cascade", "rhythm", "unfed"]

_LOOK_BACK = dt.timedelta(days=400)  # earlier meetings: previous deadlines, rhythms
_LOOK_AHEAD = dt.timedelta(days=92)  # later parent meetings the items may reach


def _when(moment: dt.datetime) -> str:
    return f"{moment:%Y-%m-%d %H:%M}"


def _name(meeting: Occurrence) -> str:
    return f"{meeting.group}.{meeting.cycle} {_when(meeting.start)}"


@frozen
class LateMeeting:
    """A child meeting whose items skip a parent meeting they could have made.

    ``parent_meeting`` starts after ``meeting`` ends, but its agenda closed before; its
    agenda is closed for less than ``rhythm`` (the shorter of the child group's and the
    parent series' rhythm), so the child could have met outside that stretch.
    """

    meeting: Occurrence  # the child's meeting
    parent_meeting: Occurrence  # the parent meeting its items skip
    reached: Occurrence | None  # the first parent meeting they can reach (None: none ahead)
    rhythm: dt.timedelta | None  # what the closed stretch is shorter than (None: no rhythm)

    @property
    def delay(self) -> dt.timedelta | None:
        """How much later the items are dealt with than at the skipped meeting."""
        if self.reached is None:
            return None
        return self.reached.start - self.parent_meeting.start

    @property
    def wait(self) -> dt.timedelta | None:
        """From the end of the child's meeting to the parent meeting the items reach."""
        if self.reached is None:
            return None
        return self.reached.start - self.meeting.end

    def __str__(self) -> str:
        deadline = self.parent_meeting.agenda_deadline
        assert deadline is not None
        text = (
            f"LATE {_name(self.meeting)} ends {_when(self.meeting.end)}, after the deadline "
            f"{_when(deadline)} of {_name(self.parent_meeting)}"
        )
        if self.reached is None:
            return f"{text}; no later parent meeting takes its items"
        assert self.wait is not None
        days = round(self.wait / dt.timedelta(days=1))
        return f"{text}; its items wait {days} days for {_name(self.reached)}"


@frozen
class UnfedMeeting:
    """A parent meeting no meeting of a child group can feed.

    No meeting of ``child`` ends in ``(opens, meeting.agenda_deadline]``, where ``opens``
    is the agenda deadline of the previous meeting of the same parent series.
    """

    meeting: Occurrence  # the parent meeting
    child: str  # the child group
    opens: dt.datetime  # the previous deadline of the parent's series

    def __str__(self) -> str:
        deadline = self.meeting.agenda_deadline
        assert deadline is not None
        return (
            f"UNFED {_name(self.meeting)}: no meeting of {self.child} ends between "
            f"{_when(self.opens)} and its agenda deadline {_when(deadline)}"
        )


def rhythm(meetings: Sequence[Occurrence]) -> dt.timedelta | None:
    """The median interval between consecutive meetings (None: fewer than two)."""
    starts = sorted(m.start for m in meetings)
    gaps = [b - a for a, b in itertools.pairwise(starts)]
    return statistics.median_low(gaps) if gaps else None


def _group_rhythm(meetings: Sequence[Occurrence]) -> dt.timedelta | None:
    """The rhythm of the group's most frequent series."""
    series: dict[str, list[Occurrence]] = {}
    for meeting in meetings:
        series.setdefault(meeting.cycle, []).append(meeting)
    found = [r for r in map(rhythm, series.values()) if r is not None]
    return min(found, default=None)


def _shorter(a: dt.timedelta | None, b: dt.timedelta | None) -> dt.timedelta | None:
    if a is None or b is None:
        return b if a is None else a
    return min(a, b)


@frozen
class _Pair:
    """A child group and its parent's meetings, from the look-back to the look-ahead."""

    child: str
    child_meetings: tuple[Occurrence, ...]  # sorted by start
    parent_meetings: tuple[Occurrence, ...]  # with an agenda deadline, sorted by start


def _pairs(
    org: Organization, start: dt.date, end: dt.date, pm: pluggy.PluginManager | None
) -> list[_Pair]:
    low, high = start - _LOOK_BACK, end + _LOOK_AHEAD
    pairs: list[_Pair] = []
    for group in org.groups:
        if group.parent is None or not group.cycles:
            continue
        parent = org.group(group.parent)
        if not any(c.agenda_deadline is not None for c in parent.cycles):
            continue
        taking = tuple(
            o
            for o in occurrences(org, parent.id, low, high, pm=pm)
            if o.agenda_deadline is not None
        )
        own = tuple(occurrences(org, group.id, low, high, pm=pm))
        pairs.append(_Pair(group.id, own, taking))
    return pairs


def _in_window(meeting: Occurrence, start: dt.date, end: dt.date) -> bool:
    return start <= meeting.recurrence_id.date() <= end


def cascade(
    org: Organization,
    start: dt.date,
    end: dt.date,
    *,
    pm: pluggy.PluginManager | None = None,
) -> tuple[LateMeeting, ...]:
    """Every LATE child meeting in the window (by original date), in group order."""
    found: list[LateMeeting] = []
    for pair in _pairs(org, start, end, pm):
        parents = pair.parent_meetings
        starts = [o.start for o in parents]
        series_rhythm = {
            cycle: rhythm([o for o in parents if o.cycle == cycle])
            for cycle in {o.cycle for o in parents}
        }
        child_rhythm = _group_rhythm(pair.child_meetings)
        for meeting in pair.child_meetings:
            if not _in_window(meeting, start, end):
                continue
            index = bisect.bisect_right(starts, meeting.end)  # parents starting after it
            reach = index
            while reach < len(parents) and _deadline(parents[reach]) < meeting.end:
                reach += 1
            reached = parents[reach] if reach < len(parents) else None
            for skipped in parents[index:reach]:
                if reached is not None and skipped.start >= reached.start:
                    break  # dealt with at the same time as the meeting the items reach
                limit = _shorter(child_rhythm, series_rhythm[skipped.cycle])
                closed = skipped.start - _deadline(skipped)
                if limit is None or closed < limit:
                    found.append(LateMeeting(meeting, skipped, reached, limit))
                    break
    return tuple(found)


def unfed(
    org: Organization,
    start: dt.date,
    end: dt.date,
    *,
    pm: pluggy.PluginManager | None = None,
) -> tuple[UnfedMeeting, ...]:
    """Every UNFED parent meeting in the window (by original date), per child group."""
    found: list[UnfedMeeting] = []
    for pair in _pairs(org, start, end, pm):
        ends = sorted(o.end for o in pair.child_meetings)
        if not ends:
            continue
        opens_of = _previous_deadlines(pair.parent_meetings)
        for meeting in pair.parent_meetings:
            opens = opens_of[meeting]
            if opens is None or not _in_window(meeting, start, end):
                continue  # the first meeting of its series: no previous deadline
            if ends[0] > opens:
                continue  # the child had not met yet when the window opened
            closes = min(_deadline(meeting), meeting.start - dt.timedelta(microseconds=1))
            first_after = bisect.bisect_right(ends, opens)
            if first_after < len(ends) and ends[first_after] <= closes:
                continue
            found.append(UnfedMeeting(meeting, pair.child, opens))
    return tuple(found)


def _previous_deadlines(meetings: Sequence[Occurrence]) -> dict[Occurrence, dt.datetime | None]:
    """For each meeting, the latest deadline before its own among the earlier meetings of
    its series (meetings whose agendas close together share the window before them)."""
    seen: dict[str, list[dt.datetime]] = {}
    result: dict[Occurrence, dt.datetime | None] = {}
    for meeting in meetings:  # sorted by start
        deadlines = seen.setdefault(meeting.cycle, [])
        index = bisect.bisect_left(deadlines, _deadline(meeting))
        result[meeting] = deadlines[index - 1] if index else None
        bisect.insort(deadlines, _deadline(meeting))
    return result


def _deadline(meeting: Occurrence) -> dt.datetime:
    assert meeting.agenda_deadline is not None
    return meeting.agenda_deadline
