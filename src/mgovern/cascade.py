"""Lead-time cascade: does a group meet early enough for its parent's agenda deadline?

An item escalated at a group's meeting should reach the parent's **next** meeting. It
can only if the meeting ends before that meeting's agenda deadline; otherwise it waits
for a later one. :func:`cascade` finds every meeting of every group for which that
happens, with the delay it causes.
"""

from __future__ import annotations

import bisect
import datetime as dt
from typing import TYPE_CHECKING

from attrs import frozen

from mgovern.cycles import Occurrence, occurrences
from mgovern.model import Organization

if TYPE_CHECKING:
    import pluggy

__all__ = ["LateMeeting", "cascade"]


@frozen
class LateMeeting:
    """A meeting whose escalated items miss the parent's next meeting."""

    meeting: Occurrence
    parent_meeting: Occurrence  # the parent's next meeting, whose deadline is missed
    reached: Occurrence | None  # the first parent meeting the items can reach (None: none)

    @property
    def delay(self) -> dt.timedelta | None:
        """How much later the items are dealt with than at the parent's next meeting."""
        if self.reached is None:
            return None
        return self.reached.start - self.parent_meeting.start


def cascade(
    org: Organization,
    start: dt.date,
    end: dt.date,
    *,
    pm: pluggy.PluginManager | None = None,
) -> tuple[LateMeeting, ...]:
    """Every meeting in the window whose escalated items miss the parent's next meeting.

    Only parent meetings with an agenda deadline take submitted items; a parent without
    such meetings is not checked.
    """
    found: list[LateMeeting] = []
    reach = end + dt.timedelta(days=92)
    for group in org.groups:
        if group.parent is None:
            continue
        parent = org.group(group.parent)
        deadlines = {c.id for c in parent.cycles if c.agenda_deadline is not None}
        if not deadlines:
            continue
        parent_meetings = [
            o for o in occurrences(org, parent.id, start, reach, pm=pm) if o.cycle in deadlines
        ]
        starts = [o.start for o in parent_meetings]
        for meeting in occurrences(org, group.id, start, end, pm=pm):
            index = bisect.bisect_right(starts, meeting.end)
            if index >= len(parent_meetings):
                continue
            following = parent_meetings[index]
            assert following.agenda_deadline is not None
            if following.agenda_deadline >= meeting.end:
                continue
            reached = next(
                (
                    o
                    for o in parent_meetings[index + 1 :]
                    if o.agenda_deadline is not None and o.agenda_deadline >= meeting.end
                ),
                None,
            )
            found.append(LateMeeting(meeting, following, reached))
    return tuple(found)
