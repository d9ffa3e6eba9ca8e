"""What was decided, by whom, under which matter — and the actions that follow.

A :class:`Decision` is the record a municipal office keeps of every decision: a board or
group decision taken at a meeting, or a delegated decision (*delegationsbeslut*) taken by
a person under the delegation order. It carries the same :class:`~mgovern.model.Matter`
that routing uses, so a decision can be checked against the rules that were supposed to
allow it (the audit), and reported to the board as the law requires
(kommunallagen 6 kap. 40 §; urgent chair decisions under 6 kap. 39 §).

An :class:`Action` is a task a decision or meeting gave someone, followed up until done.

Both are plain frozen values; where they come from (minutes, lists, plugins) and where
they are kept (the SQLite register) live in their own modules.
"""

from __future__ import annotations

import datetime as dt
import enum

from attrs import field, frozen

from mgovern.model import Matter

__all__ = ["Action", "ActionStatus", "Decision", "DecisionBatch"]


@frozen
class Decision:
    """One decision.

    ``id`` is its identity in the register: a diarienummer (``EXPN-2026-00123``) or a
    minutes reference (``klg-2026-03-17 §4``). ``decided_by`` is a role id (or ``group``
    for a decision of a group as a body), ``decision_maker`` the person who took it.
    ``forum`` is the group it was prepared in, if any; ``item`` the agenda item it came
    from. ``urgent`` marks a chair's decision in a matter that could not wait
    (kommunallagen 6 kap. 39 §). ``source`` says where it was read from (a file and row);
    it is not part of the decision's identity or equality.
    """

    id: str
    date: dt.date
    decided_by: str
    matter: Matter
    text: str = ""
    decision_maker: str | None = field(default=None, kw_only=True)
    forum: str | None = field(default=None, kw_only=True)
    item: str | None = field(default=None, kw_only=True)
    urgent: bool = field(default=False, kw_only=True)
    source: str = field(default="", kw_only=True, eq=False)


class ActionStatus(enum.StrEnum):
    OPEN = "open"
    DONE = "done"


@frozen
class Action:
    """A task with an owner and a due date, from a decision or a meeting.

    ``decision`` is the id of the decision it came from; ``group`` and ``meeting`` the
    meeting (group id and day) where it was agreed. ``done_on`` is set when ``status`` is
    done.
    """

    id: str
    what: str
    owner: str  # a person id
    due: dt.date
    decision: str | None = field(default=None, kw_only=True)
    group: str | None = field(default=None, kw_only=True)
    meeting: dt.date | None = field(default=None, kw_only=True)
    status: ActionStatus = field(default=ActionStatus.OPEN, kw_only=True)
    done_on: dt.date | None = field(default=None, kw_only=True)
    note: str = field(default="", kw_only=True)
    source: str = field(default="", kw_only=True, eq=False)


@frozen
class DecisionBatch:
    """What one source held: read as a whole, imported as one transaction."""

    source: str
    decisions: tuple[Decision, ...] = ()
    actions: tuple[Action, ...] = ()
