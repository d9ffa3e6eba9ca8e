"""``mgovern site``: write the handbook to a folder, or send it to any publisher."""

from __future__ import annotations

import datetime as dt
import sys
from pathlib import Path
from typing import Any

import click

from mgovern.cli.app import EXIT_FINDINGS, fail
from mgovern.cli.options import (
    db_option,
    described_window,
    json_option,
    load_source,
    org_option,
    parse_day,
    quiet_option,
    resolve_window,
)


@click.command("site")
@org_option
@click.option(
    "--out",
    "out",
    type=click.Path(file_okay=False, path_type=Path),
    default=None,
    help="Folder to write the site to (pages changed by hand there are left alone).",
)
@click.option(
    "--to-url",
    "url",
    default=None,
    help="Publish the site there instead (file:///folder, webdav://host/path, ...).",
)
@click.option(
    "--on",
    "on",
    callback=parse_day,
    default=None,
    help="The day the site describes (default: today, or SOURCE_DATE_EPOCH's day).",
)
@described_window(
    "First day of the meetings shown (default: 1 January of --on's year).",
    "Last day of the meetings shown (default: 31 December the year after).",
)
@click.option(
    "--calendars-url",
    default=None,
    help="Where 'mgovern publish' put the calendars (https://, http:// or webcal://, "
    "no user name or password): subscribe links become webcal:// there; without it each "
    "group's .ics is part of the site.",
)
@db_option
@click.option("--force", is_flag=True, help="Overwrite pages changed since mgovern wrote them.")
@quiet_option
@json_option
def site_command(
    org_path: Path | None,
    out: Path | None,
    url: str | None,
    on: dt.date | None,
    start: dt.datetime | None,
    end: dt.datetime | None,
    calendars_url: str | None,
    db_path: Path | None,
    force: bool,
    as_json: bool,
) -> None:
    """Write the governance handbook, a static website, to --out DIR (or --to-url URL).

    Every group's mandate and meetings, who decides what (the exact partition 'mgovern
    check' decides), a 'where does my matter go?' form, the coverage report, and the
    register's latest decisions with --db. Exit 1 when a page changed by hand was left
    alone. A progress bar shows on a terminal (--quiet: none).
    """
    from mgovern.calendars.publish import (
        Change,
        PublishJob,
        PublishReport,
        credentials_for,
        publisher_for,
    )
    from mgovern.cli.output import change_data, change_summary, emit_json, print_changes, progress
    from mgovern.clock import today
    from mgovern_site._build import build_site, calendars_base

    if (out is None) == (url is None):
        fail("mgovern site: give --out DIR or --to-url URL (one of them)")
    if calendars_url is not None:
        calendars_base(calendars_url)  # refused before the work starts
    target: Any = None
    if url is not None:
        target = publisher_for(url)  # a bad URL is refused before the work starts
    if db_path is not None and not db_path.is_file():
        fail(f"{db_path}: no such register; run 'mgovern decisions import' first")
    from mgovern.history import in_force
    from mgovern.rules.scope import offices

    day = on or today()
    source = load_source(org_path)
    org = in_force(source, day)  # a history file: the rules and people of that day
    first, last = resolve_window(
        start, end, (dt.date(day.year, 1, 1), dt.date(day.year + 1, 12, 31))
    )
    files = build_site(
        org,
        on=day,
        start=first,
        end=last,
        calendars_url=calendars_url,
        db=db_path,
        progress=progress(),
        offices=offices(source),
    )
    if target is not None:
        publisher, parts = target
        assert url is not None
        job = PublishJob(org, url, first, last, force=force, credentials=credentials_for(parts))
        report = publisher.put_documents(job, files)
    else:
        from mgovern.files import write_tracked

        assert out is not None
        done = write_tracked(out, files, force=force)
        report = PublishReport(tuple((name, Change(what)) for name, what in done))
    if as_json:
        emit_json(change_data(report, False))
    else:
        changed = [(n, c) for n, c in report.changes if c is not Change.KEPT]
        if len(changed) > 20:
            click.echo(f"{len(files)} files for {org.name}, {first}..{last}")
            click.echo(change_summary(org, report))
        else:
            print_changes(report, False, org=org)
    if report.conflicts:
        sys.exit(EXIT_FINDINGS)
