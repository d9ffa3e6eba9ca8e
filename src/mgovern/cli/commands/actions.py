"""``mgovern actions``: the open, due and overdue actions of the register, per group and
person, and the meeting where each overdue one is followed up."""

from __future__ import annotations

import datetime as dt
from pathlib import Path
from typing import TYPE_CHECKING, Any

import click

from mgovern.cli.app import cli
from mgovern.cli.options import db_option, json_option, load_org, org_option, parse_day
from mgovern.cli.output import emit_json, table
from mgovern.i18n import gettext_for

if TYPE_CHECKING:
    from mgovern.calendars.cycles import Occurrence
    from mgovern.model import Organization
    from mgovern.register.followup import ActionState
    from mgovern.register.records import Action

#: How far ahead `mgovern actions` looks for the meeting that follows an action up.
LOOK_AHEAD = dt.timedelta(days=92)


def register_actions(db_path: Path | None) -> tuple[Action, ...]:
    """The actions in the register ``--db`` names (none without it)."""
    if db_path is None:
        return ()
    from mgovern.register.store import Register

    with Register(db_path, read_only=True) as register:
        return register.actions()


def follow_up_meetings(
    org: Organization, actions: tuple[Action, ...], on: dt.date
) -> dict[str, Occurrence | None]:
    """The meeting each action overdue on ``on`` is followed up at (None: none found),
    by action id: the agenda :func:`mgovern.agenda.planner.plan` puts its follow-up item on."""
    from mgovern.agenda.planner import plan
    from mgovern.register.followup import follow_up_id, follow_up_items

    items = follow_up_items(org, actions, on)
    if not items:
        return {}
    agendas, _ = plan(org, items, on, on + LOOK_AHEAD)
    placed = {
        entry.item.item.id: agenda.meeting
        for agenda in agendas
        for entry in agenda.entries
        if entry.item is not None
    }
    action_of = {follow_up_id(a): a.id for a in actions}
    return {action_of[item.id]: placed.get(item.id) for item in items}


def _state_data(
    org: Organization, state: ActionState, meeting: Occurrence | None
) -> dict[str, Any]:
    from mgovern.register.store import action_data

    return {
        **action_data(state.action),
        "standing": state.standing.value,
        "follow_up_group": state.group,
        "days_late": state.days_late,
        "follow_up_at": meeting.start.isoformat(timespec="minutes") if meeting else None,
    }


@cli.command("actions")
@org_option
@db_option
@click.option("--group", "group_id", help="Only the actions this group follows up.")
@click.option("--person", help="Only the actions this person (an id) owns.")
@click.option(
    "--on",
    callback=parse_day,
    help="The day to look from (default: today, or SOURCE_DATE_EPOCH's).",
)
@json_option
def actions_command(
    org_path: Path | None,
    db_path: Path | None,
    group_id: str | None,
    person: str | None,
    on: dt.date | None,
    as_json: bool,
) -> None:
    """Open, due and overdue actions, and where each overdue one is followed up.

    An action is overdue when its due date has passed and it is not done, due when it
    falls due within a week. Each overdue action becomes a follow-up item on the next
    meeting of the group that follows it up (its own group, else its owner's first
    group); done actions leave the list.
    """
    from mgovern.cli.commands.decisions import register_contents
    from mgovern.clock import today
    from mgovern.register.followup import Standing, action_list

    org = load_org(org_path)
    _decisions, actions = register_contents(org, org_path, db_path)
    day = on if on is not None else today()
    states = action_list(org, actions, day, group=group_id, person=person)
    overdue = tuple(s.action for s in states if s.standing is Standing.OVERDUE)
    # placed among all overdue actions: their follow-ups share the meetings' time
    meetings = follow_up_meetings(org, overdue, day)
    if as_json:
        emit_json(
            {
                "on": day.isoformat(),
                "actions": [_state_data(org, s, meetings.get(s.action.id)) for s in states],
            }
        )
        return
    _ = gettext_for(org)
    standings = {
        Standing.OVERDUE: _("overdue"),
        Standing.DUE: _("due soon"),
        Standing.OPEN: _("open"),
    }
    counts = dict.fromkeys(Standing, 0)
    rows = []
    for state in states:
        counts[state.standing] += 1
        action = state.action
        meeting = meetings.get(action.id)
        at = f"{meeting.group} {meeting.start:%Y-%m-%d %H:%M}" if meeting else ""
        rows.append(
            (
                standings[state.standing],
                action.due.isoformat(),
                action.id,
                action.owner,
                state.group or "-",
                at,
                action.what,
            )
        )
    click.echo(
        _(
            "{name}: actions open on {day}: {overdue} overdue, {due} due within a week, {open} open"
        ).format(
            name=org.name,
            day=day,
            overdue=counts[Standing.OVERDUE],
            due=counts[Standing.DUE],
            open=counts[Standing.OPEN],
        )
    )
    if rows:
        header = (
            _("standing"),
            _("due"),
            _("id"),
            _("owner"),
            _("group"),
            _("follow-up at"),
            _("what"),
        )
        for line in table(header, rows, left=len(header)):
            click.echo(line)
