"""``mgovern meetings``: meeting records checked for validly made decisions (``check``)
and shown with their attendance and vote grid (``show``)."""

from __future__ import annotations

import sys
from pathlib import Path
from typing import TYPE_CHECKING

import click

from mgovern.cli.app import cli
from mgovern.cli.options import load_source, org_option
from mgovern.cli.output import emit_json

if TYPE_CHECKING:
    from mgovern.meetings.record import MeetingRecord
    from mgovern.model import Organization

FORMATS = click.Choice(["text", "md", "json"])


def _records(
    org_path: Path | None, paths: tuple[Path, ...]
) -> tuple[Organization, list[tuple[MeetingRecord, Organization]]]:
    """The organisation of today and each record with the organisation of its day."""
    from mgovern.history import in_force
    from mgovern.meetings.sources import load_records

    source = load_source(org_path)
    records = load_records(paths, lambda day: in_force(source, day))
    return in_force(source, None), [(r, in_force(source, r.start.date())) for r in records]


@cli.group("meetings")
def meetings() -> None:
    """Meeting records: attendance, jäv, votes, and whether each decision was validly
    made (see docs/meetings.md)."""


@meetings.command("check")
@org_option
@click.argument("paths", nargs=-1, required=True, type=click.Path(exists=True, path_type=Path))
@click.option("--format", "fmt", type=FORMATS, default="text", show_default=True)
def check_command(org_path: Path | None, paths: tuple[Path, ...], fmt: str) -> None:
    """Check meeting records (TOML files, or folders of them): quorum after jäv, jäv,
    substitutes' order, votes, reservations and what the minutes must show. Exit 1 when
    a rule is broken."""
    from mgovern.meetings.formatting import findings_data, findings_text, summary
    from mgovern.meetings.validity import check_record

    org, records = _records(org_path, paths)
    checked = [(r, check_record(r, o.group(r.group))) for r, o in records]
    if fmt == "json":
        emit_json(findings_data(org, checked))
    else:
        for line in findings_text(org, checked):
            click.echo(f"- {line}" if fmt == "md" else line)
    click.echo(summary(org, checked), err=True)
    if any(found for _, found in checked):
        sys.exit(1)


@meetings.command("show")
@org_option
@click.argument("paths", nargs=-1, required=True, type=click.Path(exists=True, path_type=Path))
@click.option("--format", "fmt", type=FORMATS, default="text", show_default=True)
def show_command(org_path: Path | None, paths: tuple[Path, ...], fmt: str) -> None:
    """Show meeting records: who was there, who served, jäv, motions, votes, decisions,
    reservations; Markdown adds the attendance and vote grid."""
    from mgovern.meetings.formatting import record_data, record_markdown, record_text

    _, records = _records(org_path, paths)
    if fmt == "json":
        emit_json([record_data(r, o.group(r.group)) for r, o in records])
        return
    render = record_markdown if fmt == "md" else record_text
    blocks = ["\n".join(render(o, r, o.group(r.group))) for r, o in records]
    click.echo("\n\n".join(blocks))
