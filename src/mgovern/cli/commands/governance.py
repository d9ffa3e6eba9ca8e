"""``mgovern governance``: a history's governance calendar, as text, JSON or .ics."""

from __future__ import annotations

import datetime as dt
from pathlib import Path
from typing import Any

import click

from mgovern.cli.app import cli
from mgovern.cli.options import (
    json_option,
    note_example,
    org_option,
    resolve_window,
    window_options,
)
from mgovern.cli.output import emit_json, governance_json
from mgovern.i18n import gettext_for, ngettext_for


@cli.command("governance")
@org_option
@window_options
@click.option(
    "--ics",
    "ics_path",
    type=click.Path(dir_okay=False, path_type=Path),
    help="Also write the events as all-day events to this .ics file (governance.ics).",
)
@json_option
def governance_command(
    org_path: Path | None, start: Any, end: Any, ics_path: Path | None, as_json: bool
) -> None:
    """Revisions taking effect, terms ending, roles falling vacant (and the decisions left
    without a decision-maker) and meetings without a chair or secretary in the window."""
    from mgovern.clock import today
    from mgovern.config import example
    from mgovern.files import write_atomically
    from mgovern.governance import governance_calendar, governance_events
    from mgovern.history import History, load_history

    if org_path is None:
        note_example(example().language)
        history = History.from_organization(example())
    else:
        history = load_history(org_path)
    first, last = resolve_window(start, end)
    events = governance_events(history, first, last)
    if ics_path is not None:
        org = history.as_of(last)
        moment = dt.datetime.combine(today(), dt.time(), tzinfo=dt.UTC)  # same day, same bytes
        cal = governance_calendar(org, events, stamp=moment)
        write_atomically(ics_path, cal.to_ical())
    if as_json:
        emit_json(
            {
                "from": first.isoformat(),
                "to": last.isoformat(),
                "events": governance_json(events),
            }
        )
        return
    _ = gettext_for(history.as_of(last))
    ngettext = ngettext_for(history.as_of(last))
    click.echo(
        ngettext(
            "governance calendar {first}..{last}: {n} event",
            "governance calendar {first}..{last}: {n} events",
            len(events),
        ).format(first=first, last=last, n=len(events))
    )
    for e in events:
        click.echo(f"{e.date} {e.kind}: {e.message}")
    if ics_path is not None:
        click.echo(_("written to {path}").format(path=ics_path), err=True)
