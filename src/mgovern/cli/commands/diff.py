"""``mgovern diff``: what a revision of the rules (or a change of people) changes."""

from __future__ import annotations

import datetime as dt
import sys
from pathlib import Path
from typing import TYPE_CHECKING

import click

from mgovern.cli.app import EXIT_FINDINGS, cli, fail
from mgovern.cli.options import (
    format_option,
    jobs_option,
    note_example,
    org_option,
    parse_day,
    quiet_option,
)
from mgovern.cli.output import emit_json, progress

if TYPE_CHECKING:
    from mgovern.history import History


def _history(path: Path | None) -> tuple[History, str]:
    from mgovern.config import example
    from mgovern.history import History, load_history

    if path is None:
        org = example()
        note_example(org.language)
        return History.from_organization(org), "<embedded example>"
    return load_history(path), path.name


def _label(history: History, day: dt.date | None, name: str) -> str:
    if len(history.revisions) == 1 and not history.appointments:
        return name
    revision = history.revision(day or dt.date.min)
    title = revision.title or name
    return f"{title} ({day})" if day else title


@cli.command("diff")
@click.argument("files", nargs=-1, type=click.Path(dir_okay=False, path_type=Path))
@org_option
@click.option("--old-on", "start", callback=parse_day, help="The old version: as of this day.")
@click.option("--new-on", "end", callback=parse_day, help="The new version: as of this day.")
@click.option(
    "--from",
    "meetings_from",
    callback=parse_day,
    help="List meetings added or removed from this day.",
)
@click.option(
    "--to", "meetings_to", callback=parse_day, help="... up to this day (default: a year on)."
)
@format_option("text", "md", "json", help="How to print the result (md: for the board's papers).")
@jobs_option
@quiet_option
def diff_command(
    files: tuple[Path, ...],
    org_path: Path | None,
    start: dt.date | None,
    end: dt.date | None,
    meetings_from: dt.date | None,
    meetings_to: dt.date | None,
    fmt: str,
    jobs: int | None,
) -> None:
    """Every matter decided differently in NEW than in OLD, exactly (exit 1 when any).

    OLD and NEW are organisation or history files (NEW as of --new-on, OLD as of --old-on;
    default today). With one file (or --org): that history as of --from and --to; without
    dates, its last revision against the rules the day before it took effect. Many
    changed categories of a large organisation are compared in several processes
    (--jobs), with a progress bar on a terminal (--quiet: none).
    """
    from mgovern.clock import today
    from mgovern.rules.compare import diff
    from mgovern.rules.compare_format import diff_json, diff_lines, diff_markdown

    if len(files) > 2:
        fail("give at most two files: OLD NEW (or one history with --old-on/--new-on)")
    if len(files) == 2:
        (h0, n0), (h1, n1) = _history(files[0]), _history(files[1])
        d0, d1 = start or today(), end or today()
        old, new = h0.as_of(d0), h1.as_of(d1)
        old_label, new_label = _label(h0, start, n0), _label(h1, end, n1)
    else:
        history, name = _history(files[0] if files else org_path)
        if start is None and end is None:
            if len(history.revisions) < 2:
                fail(
                    f"{name} has one version: give OLD NEW, or a history file "
                    "(docs/revisions.md) with --old-on/--new-on"
                )
            last = history.revisions[-1]
            assert last.effective is not None
            start, end = last.effective - dt.timedelta(days=1), last.effective
        d0, d1 = start or today(), end or today()
        if d1 < d0:
            fail(f"--new-on {d1} is before --old-on {d0}: swap the dates")
        old, new = history.as_of(d0), history.as_of(d1)
        old_label, new_label = _label(history, d0, name), _label(history, d1, name)
    window = None
    if meetings_from is not None or meetings_to is not None:
        first = meetings_from or today()
        window = (first, meetings_to or first + dt.timedelta(days=365))
        if window[1] < window[0]:
            fail(f"--to {window[1]} is before --from {window[0]}: swap the dates")
    result = diff(old, new, window=window, jobs=jobs, progress=progress())
    if fmt == "json":
        emit_json(diff_json(result, old_label=old_label, new_label=new_label))
    elif fmt == "md":
        click.echo(diff_markdown(result, old_label=old_label, new_label=new_label), nl=False)
    else:
        for line in diff_lines(result, old_label=old_label, new_label=new_label):
            click.echo(line)
    if result.changed:
        sys.exit(EXIT_FINDINGS)
