"""``mgovern calendars`` and ``mgovern publish``: the meeting series as iCalendar files,
written to a folder or published to a server."""

from __future__ import annotations

import datetime as dt
import sys
from pathlib import Path
from typing import TYPE_CHECKING, Any

import click

from mgovern.cli.app import EXIT_FINDINGS, cli
from mgovern.cli.commands.actions import register_actions
from mgovern.cli.options import (
    db_option,
    jobs_option,
    json_option,
    load_org,
    org_option,
    parse_stamp,
    quiet_option,
    resolve_window,
    window_options,
)
from mgovern.cli.output import change_data, emit_json, print_changes, progress, warn
from mgovern.i18n import gettext_for

if TYPE_CHECKING:
    from mgovern.model import Organization

#: Google Calendar stops reading a subscribed file above about this size.
SUBSCRIPTION_LIMIT = 1_000_000


def warn_without_holidays(org: Organization) -> None:
    """Say so when the organisation names holiday regions but no plugin provides them."""
    from mgovern.plugins import plugin_manager

    if org.closed_days.regions and not plugin_manager().hook.mgovern_closed_days.get_hookimpls():
        warn(
            "closed_days.regions is set but no plugin provides holidays; "
            "install mgovern-holidays (pip install ./plugins/mgovern-holidays)"
        )


def warn_if_too_big_to_subscribe(sizes: dict[str, int]) -> list[str]:
    """The files Google Calendar would stop reading (by their sizes in bytes), each with
    a warning on stderr."""
    big = sorted(name for name, size in sizes.items() if size > SUBSCRIPTION_LIMIT)
    for name in big:
        warn(
            f"{name} is {sizes[name] / 1e6:.1f} MB: Google Calendar stops reading a "
            "subscribed file above about 1 MB; subscribe to the group and person files "
            "instead (see docs/calendars.md)"
        )
    return big


@cli.command("calendars")
@org_option
@click.option(
    "--out",
    "out",
    required=True,
    type=click.Path(file_okay=False, path_type=Path),
    help="Folder to write groups/*.ics, people/*.ics and all.ics into.",
)
@window_options
@click.option("--group", "groups", multiple=True, help="Only these groups (repeat); default: all.")
@click.option(
    "--stamp", callback=parse_stamp, help="DTSTAMP for every event (default: the --from day, UTC)."
)
@click.option("--force", is_flag=True, help="Overwrite files changed since mgovern wrote them.")
@db_option
@jobs_option
@quiet_option
@json_option
def calendars_command(
    org_path: Path | None,
    out: Path,
    start: Any,
    end: Any,
    groups: tuple[str, ...],
    stamp: Any,
    force: bool,
    db_path: Path | None,
    jobs: int | None,
    as_json: bool,
) -> None:
    """Write every group's and every person's meeting series as iCalendar files.

    Files are written as they are built into a staging folder beside --out and moved
    into place together at the end: an error or a killed run leaves --out as it was.
    With --db, each person's file also holds their open actions as tasks (VTODO).
    Exit 1 when a file changed since mgovern wrote it was left alone (a conflict).
    """
    from mgovern.calendars.feeds import write_calendar_files
    from mgovern.files import TrackedWriter

    org = load_org(org_path)
    first, last = resolve_window(start, end)
    chosen = [org.group(g).id for g in groups] or [g.id for g in org.groups]
    warn_without_holidays(org)
    actions = register_actions(db_path)
    extra = None
    if actions:
        from mgovern.register.followup import action_todos

        moment = stamp or dt.datetime.combine(first, dt.time(), tzinfo=dt.UTC)

        def extra(person_id: str) -> Any:
            return action_todos(org, actions, person_id, stamp=moment)

    with TrackedWriter(out, force=force) as writer:
        sizes = write_calendar_files(
            writer,
            org,
            first,
            last,
            stamp=stamp,
            groups=list(groups) or None,
            extra=extra,
            jobs=jobs,
            progress=progress(),
            validate=True,  # each group's schedule, in the processes that build it
        )
    results = writer.results
    people = sum(1 for name in sizes if name.startswith("people/"))
    too_big = warn_if_too_big_to_subscribe(sizes)
    changed = sum(1 for _, what in results if what in ("created", "updated"))
    conflicts = [name for name, what in results if what == "conflict"]
    if as_json:
        emit_json(
            {
                "out": str(out),
                "from": first.isoformat(),
                "to": last.isoformat(),
                "files": [{"name": name, "result": what} for name, what in results],
                "groups": len(chosen),
                "people": people,
                "changed": changed,
                "conflicts": conflicts,
                "too_big_to_subscribe": too_big,
            }
        )
    else:
        _ = gettext_for(org)
        for name in conflicts:
            click.echo(
                _("CONFLICT (changed there; not overwritten, use --force): {name}").format(
                    name=name
                )
            )
        wrote = (
            _("wrote {groups} group and {people} person calendars and all.ics to {out}")
            if not groups
            else _("wrote {groups} group and {people} person calendars to {out}")
        )
        left = (
            _("{changed} changed, {n} left alone: changed there")
            if conflicts
            else _("{changed} changed")
        )
        click.echo(
            wrote.format(groups=len(chosen), people=people, out=out)
            + " "
            + _("for {first}..{last}").format(first=first, last=last)
            + f" ({left.format(changed=changed, n=len(conflicts))})"
        )
    if conflicts:
        sys.exit(EXIT_FINDINGS)


@cli.command("publish")
@org_option
@click.argument("url")
@window_options
@click.option(
    "--stamp", callback=parse_stamp, help="DTSTAMP for every event (default: the --from day)."
)
@click.option("--dry-run", is_flag=True, help="Say what would change; change nothing.")
@click.option("--prune", is_flag=True, help="Delete series mgovern published that no longer exist.")
@click.option(
    "--force", is_flag=True, help="Overwrite what was changed there since mgovern wrote it."
)
@click.option("--people", is_flag=True, help="Also one calendar per person (where supported).")
@jobs_option
@quiet_option
@json_option
def publish_command(
    org_path: Path | None,
    url: str,
    start: Any,
    end: Any,
    stamp: Any,
    dry_run: bool,
    prune: bool,
    force: bool,
    people: bool,
    jobs: int | None,
    as_json: bool,
) -> None:
    """Publish every group's meeting series to URL (file://, and e.g. caldav:// from plugins).

    Credentials come from MGOVERN_USERNAME/MGOVERN_PASSWORD or ~/.netrc, never from the
    URL. Exit 1 when a resource changed there was left alone (a conflict).
    """
    from mgovern.calendars.cycles import validate_schedule
    from mgovern.calendars.publish import PublishJob, credentials_for, publisher_for

    publisher, parts = publisher_for(url)  # a bad URL is refused before anything else
    org = load_org(org_path)
    first, last = resolve_window(start, end)
    warn_without_holidays(org)
    validate_schedule(org, first, last)
    job = PublishJob(
        org,
        url,
        first,
        last,
        stamp=stamp,
        dry_run=dry_run,
        prune=prune,
        force=force,
        people=people,
        credentials=credentials_for(parts),
        progress=progress(),
        jobs=jobs,
    )
    report = publisher.publish_calendars(job)
    if as_json:
        emit_json(change_data(report, dry_run))
    else:
        print_changes(report, dry_run, org=org)
    if report.conflicts:
        sys.exit(EXIT_FINDINGS)
