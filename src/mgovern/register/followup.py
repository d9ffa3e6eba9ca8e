"""Following actions up until they are done (*uppföljning av åtgärdslistan*).

An action is **open** on a day when it is not done by then (its status is open, or it
was done later), **overdue** when it is open and its due date has passed, and **due**
when it is open and due within the next ``soon`` days (7 by default, the day itself
included). Done actions leave the list.

An overdue action comes back to a meeting: :func:`follow_up_items` makes it an agenda
item of kind ``follow-up``, submitted to the group that follows it up — the action's
``group`` (the meeting that agreed it), else the first group its owner sits in — on the
day after it fell due, so :func:`mgovern.agenda.planner.plan` puts it on that group's next
meeting whose agenda deadline it makes, like any submitted item. The owner presents it.
Its title is the action itself. It is not a new matter, so it is not classified from its
title (:func:`follow_up_classification`, a built-in ``mgovern_classify_item`` asked
first): it stays with the group that follows the action up, is never forwarded, and
the agenda does not ask for its category.
"""

from __future__ import annotations

import datetime as dt
import enum
import functools
import uuid
import zoneinfo
from collections.abc import Iterable
from typing import Any

from attrs import frozen
from icalendar import Todo

from mgovern.agenda.classify import Classification
from mgovern.agenda.items import FOLLOW_UP_PREFIX, is_follow_up
from mgovern.calendars.cycles import Occurrence
from mgovern.exceptions import MgovernError
from mgovern.i18n import pgettext_for
from mgovern.model import AgendaItem, Kind, Organization
from mgovern.register.records import Action, ActionStatus

__all__ = [
    "ActionState",
    "Standing",
    "action_list",
    "action_todos",
    "follow_up_classification",
    "follow_up_group",
    "follow_up_id",
    "follow_up_items",
    "follow_ups_until",
    "is_open",
]

#: Days ahead in which an open action counts as due.
SOON = 7


@functools.cache
def _words_for(language: str) -> dict[str, Any]:
    """This module's words in ``language`` (the catalogue: mgovern.i18n)."""
    pgettext = pgettext_for(language)
    return {
        "title": pgettext("followup", "{what} (due {due})"),
        "purpose": pgettext(
            "followup", "Action {id} from {meeting} is not done; it was due {due}."
        ),
    }


class Standing(enum.StrEnum):
    """Where an open action stands on a day."""

    OVERDUE = "overdue"
    DUE = "due"
    OPEN = "open"


@frozen
class ActionState:
    """An open action on a day: where it stands, which group follows it up, days late."""

    action: Action
    standing: Standing
    group: str | None
    days_late: int


def is_open(action: Action, on: dt.date) -> bool:
    """Whether the action is not done on ``on`` (done later counts as open then)."""
    if action.status is ActionStatus.OPEN:
        return True
    return action.done_on is not None and action.done_on > on


def follow_up_group(org: Organization, action: Action) -> str | None:
    """The group that follows the action up: its own, else its owner's first group."""
    if action.group is not None and org.has_group(action.group):
        return action.group
    for group in org.groups:
        if action.owner in group.participants:
            return group.id
    return None


def _standing(action: Action, on: dt.date, soon: int) -> Standing:
    if action.due < on:
        return Standing.OVERDUE
    if action.due <= on + dt.timedelta(days=soon):
        return Standing.DUE
    return Standing.OPEN


def action_list(
    org: Organization,
    actions: Iterable[Action],
    on: dt.date,
    *,
    group: str | None = None,
    person: str | None = None,
    soon: int = SOON,
) -> tuple[ActionState, ...]:
    """The actions open on ``on``, overdue first, then by due date and id.

    ``group`` keeps the actions that group follows up, ``person`` those the person owns.
    """
    if group is not None:
        org.group(group)
    if person is not None:
        org.person(person)
    states = []
    for action in actions:
        if not is_open(action, on):
            continue
        home = follow_up_group(org, action)
        if group is not None and home != group:
            continue
        if person is not None and action.owner != person:
            continue
        standing = _standing(action, on, soon)
        states.append(ActionState(action, standing, home, max(0, (on - action.due).days)))
    order = list(Standing)
    states.sort(key=lambda s: (order.index(s.standing), s.action.due, s.action.id))
    return tuple(states)


def follow_up_id(action: Action) -> str:
    """The agenda item id of an action's follow-up: ``follow-up:klg-2026-03-17 #1``."""
    return f"{FOLLOW_UP_PREFIX}{action.id}"


def follow_up_classification(item: AgendaItem) -> Classification | None:
    """For a follow-up item made here: no category, kind follow-up; else None (pass)."""
    return Classification(kind=Kind.FOLLOW_UP) if is_follow_up(item) else None


def follow_up_items(
    org: Organization,
    actions: Iterable[Action],
    on: dt.date,
    *,
    meeting: Occurrence | None = None,
) -> tuple[AgendaItem, ...]:
    """Follow-up agenda items for the actions overdue on ``on``.

    Each is submitted to the group that follows the action up on the day after it fell
    due, at midnight in the organisation's zone. With ``meeting``, the items of that
    meeting's group name it (an action still open is followed up at every meeting until
    it is done); the others go to their group's next meeting.

    :raises MgovernError: an action whose owner sits in no group and that names none.
    """
    words = _words_for(org.language)
    zone = zoneinfo.ZoneInfo(org.timezone)
    items = []
    for state in action_list(org, actions, on):
        if state.standing is not Standing.OVERDUE:
            continue
        action = state.action
        if state.group is None:
            raise MgovernError(
                f"action {action.id!r}: its owner {action.owner!r} sits in no group and it "
                "names none; give it a group"
            )
        pinned = meeting is not None and meeting.group == state.group
        became_overdue = dt.datetime.combine(action.due + dt.timedelta(days=1), dt.time(), zone)
        items.append(
            AgendaItem(
                follow_up_id(action),
                words["title"].format(what=action.what, due=action.due),
                state.group,
                kind=Kind.FOLLOW_UP,
                presenter=org.person(action.owner).name,
                submitted=became_overdue,
                meeting=meeting.start.date() if pinned and meeting is not None else None,
                cycle=meeting.cycle if pinned and meeting is not None else None,
                purpose=words["purpose"].format(
                    id=action.id,
                    meeting=action.meeting.isoformat() if action.meeting else "-",
                    due=action.due,
                ),
            )
        )
    return tuple(items)


def follow_ups_until(
    org: Organization, actions: Iterable[Action], end: dt.date
) -> tuple[AgendaItem, ...]:
    """The follow-up item of every action that fell overdue before ``end``, each as it
    was the day after it fell due (also when it was done later): for a report over a
    period, where each overdue action is followed up once, at its group's next meeting."""
    items: list[AgendaItem] = []
    for action in actions:
        if action.due + dt.timedelta(days=1) <= end:
            items.extend(follow_up_items(org, [action], action.due + dt.timedelta(days=1)))
    return tuple(items)


#: UIDs of the actions' VTODOs: uuid5 of ``<org id>/action/<action id>`` in this namespace.
_TODO_NAMESPACE = uuid.UUID("a3f0c6de-2b1e-4f57-8d0e-6a1b3c5d7e90")


def action_todos(
    org: Organization, actions: Iterable[Action], person: str, *, stamp: dt.datetime
) -> tuple[Todo, ...]:
    """The person's open actions as iCalendar tasks (VTODO), by due date and id.

    Each has a UID of its own that stays the same as long as the action's id does,
    ``DTSTAMP`` ``stamp`` (so the same register gives the same bytes), ``SUMMARY`` what
    is to be done, ``DUE`` the day (a date), ``STATUS:NEEDS-ACTION`` and a
    ``DESCRIPTION`` naming the action, the meeting and the group that follows it up.
    """
    words = org.language
    todos = []
    for action in sorted(actions, key=lambda a: (a.due, a.id)):
        if action.owner != person or action.status is not ActionStatus.OPEN:
            continue
        todo = Todo()
        todo.add("uid", str(uuid.uuid5(_TODO_NAMESPACE, f"{org.id}/action/{action.id}")))
        todo.add("dtstamp", stamp.astimezone(dt.UTC))
        todo.add("summary", action.what)
        todo.add("due", action.due)
        todo.add("status", "NEEDS-ACTION")
        group = follow_up_group(org, action)
        lines = [f"{'Åtgärd' if words == 'sv' else 'Action'} {action.id}"]
        if action.meeting is not None or group is not None:
            where = org.group(group).name if group is not None else ""
            when = action.meeting.isoformat() if action.meeting is not None else ""
            lines.append(" ".join(part for part in (where, when) if part))
        if action.note:
            lines.append(action.note)
        todo.add("description", "\n".join(lines))
        todos.append(todo)
    return tuple(todos)
