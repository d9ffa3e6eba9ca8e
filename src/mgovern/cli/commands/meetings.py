"""``mgovern meetings``: meeting records imported into the register (``import``), checked
for validly made decisions (``check``) and shown with their attendance and vote grid
(``show``)."""

from __future__ import annotations

import sys
from pathlib import Path
from typing import TYPE_CHECKING, Any

import click

from mgovern.cli.app import cli
from mgovern.cli.options import db_option, format_option, load_source, org_option
from mgovern.cli.output import emit_json

if TYPE_CHECKING:
    from mgovern.meetings.record import MeetingRecord
    from mgovern.model import Organization
    from mgovern.register.records import Decision

FORMATS = click.Choice(["text", "md", "json"])
PATHS = click.argument("paths", nargs=-1, type=click.Path(exists=True, path_type=Path))


def _stored_records(db_path: Path) -> tuple[list[MeetingRecord], tuple[Decision, ...]]:
    from mgovern.meetings.sources import from_stored
    from mgovern.register.store import Register

    with Register(db_path, read_only=True) as register:
        stored = register.meetings()
        decisions = register.decisions()
    return [from_stored(s, source=str(db_path)) for s in stored], decisions


def record_formats() -> dict[str, tuple[Any, Any]]:
    """The plugins' formats of meeting records: ``{suffix: (write, read)}``."""
    from mgovern.plugins import plugin_manager

    formats: dict[str, tuple[Any, Any]] = {}

    def register(suffix: str, write: Any, read: Any) -> None:
        formats[suffix.lower()] = (write, read)

    plugin_manager().hook.mgovern_register_record_formats(register=register)
    return formats


def _records(
    org_path: Path | None, paths: tuple[Path, ...], db_path: Path | None
) -> tuple[Organization, list[tuple[MeetingRecord, Organization]], tuple[Decision, ...] | None]:
    """The organisation of today, each record (from the files, else from the register)
    with the organisation of its day, and the register's decisions (None without one)."""
    from mgovern.history import in_force
    from mgovern.meetings.sources import load_records

    if not paths and db_path is None:
        raise click.UsageError("give meeting record files (or folders), or --db")
    source = load_source(org_path)
    decisions = None
    if paths:
        readers = {suffix: read for suffix, (_, read) in record_formats().items()}
        records = load_records(paths, lambda day: in_force(source, day), readers)
    if db_path is not None:
        stored, decisions = _stored_records(db_path)
        if not paths:
            records = stored
    return (
        in_force(source, None),
        [(r, in_force(source, r.start.date())) for r in records],
        decisions,
    )


def audit_meetings(
    org_path: Path | None, db_path: Path | None
) -> tuple[list[str], list[dict[str, Any]]]:
    """The findings of the register's meeting records (with the decisions no record
    holds), as lines and as data, for ``mgovern decisions audit``; none without --db or
    without records."""
    from mgovern.meetings.formatting import (
        findings_data,
        findings_text,
        unrecorded_data,
        unrecorded_text,
    )
    from mgovern.meetings.validity import check_record, unrecorded

    if db_path is None:
        return [], []
    from mgovern.history import in_force

    stored, decisions = _stored_records(db_path)
    if not stored:
        return [], []
    source = load_source(org_path)
    org = in_force(source, None)
    checked = [
        (r, check_record(r, in_force(source, r.start.date()).group(r.group))) for r in stored
    ]
    missing = unrecorded(decisions, stored)
    return (
        findings_text(org, checked) + unrecorded_text(org, missing),
        findings_data(org, checked) + unrecorded_data(org, missing),
    )


@cli.group("meetings")
def meetings() -> None:
    """Meeting records: attendance, jäv, votes, and whether each decision was validly
    made (see docs/meetings.md)."""


@meetings.command("import")
@org_option
@db_option
@click.argument("paths", nargs=-1, required=True, type=click.Path(exists=True, path_type=Path))
def import_command(org_path: Path | None, db_path: Path | None, paths: tuple[Path, ...]) -> None:
    """Import meeting records (TOML files, or folders of them) into the register, as one
    transaction. The same record twice adds nothing; a different record of a meeting
    already there is a conflict and nothing is imported."""
    from mgovern.meetings.sources import to_stored
    from mgovern.register.store import Register

    if db_path is None:
        raise click.UsageError("give the register: --db FILE (or MGOVERN_DB)")
    _, records, _ = _records(org_path, paths, None)
    source = ", ".join(str(p) for p in paths)
    with Register(db_path) as register:
        added, unchanged = register.import_meetings(source, [to_stored(r) for r, _ in records])
    click.echo(
        f"{source}: {added} meeting records added, {unchanged} already in the register", err=True
    )


@meetings.command("check")
@org_option
@db_option
@PATHS
@format_option("text", "md", "json")
def check_command(
    org_path: Path | None, db_path: Path | None, paths: tuple[Path, ...], fmt: str
) -> None:
    """Check meeting records (TOML files or folders of them, else the register's with
    --db): quorum after jäv, jäv, substitutes' order, votes, reservations and what the
    minutes must show; with --db also the body's decisions that no record holds. Exit 1
    when a rule is broken."""
    from mgovern.meetings.formatting import (
        findings_data,
        findings_text,
        summary,
        unrecorded_data,
        unrecorded_text,
    )
    from mgovern.meetings.validity import check_record, unrecorded

    org, records, decisions = _records(org_path, paths, db_path)
    checked = [(r, check_record(r, o.group(r.group))) for r, o in records]
    missing = unrecorded(decisions or (), [r for r, _ in records])
    if fmt == "json":
        emit_json(findings_data(org, checked) + unrecorded_data(org, missing))
    else:
        for line in findings_text(org, checked) + unrecorded_text(org, missing):
            click.echo(f"- {line}" if fmt == "md" else line)
    click.echo(summary(org, checked, len(missing)), err=True)
    if missing or any(found for _, found in checked):
        sys.exit(1)


@meetings.command("show")
@org_option
@db_option
@PATHS
@click.option(
    "--format",
    "fmt",
    default="text",
    show_default=True,
    help="text, md or json; or a plugin's file format (docx with mgovern-documents), "
    "written to --out.",
)
@click.option("--out", type=click.Path(dir_okay=False, path_type=Path), help="The file to write.")
def show_command(
    org_path: Path | None,
    db_path: Path | None,
    paths: tuple[Path, ...],
    fmt: str,
    out: Path | None,
) -> None:
    """Show meeting records (files, else the register's with --db): who was there, who
    served, jäv, motions, votes, decisions, reservations; Markdown adds the attendance
    and vote grid. A plugin's format (``--format docx --out FILE``) writes one record
    as a document to fill in and read back."""
    from mgovern.files import write_atomically
    from mgovern.meetings.formatting import record_data, record_markdown, record_text

    formats = record_formats()
    if fmt not in ("text", "md", "json") and f".{fmt}" not in formats:
        choices = ", ".join(["text", "md", "json", *(s.lstrip(".") for s in formats)])
        raise click.BadParameter(f"{fmt!r}: use one of {choices}", param_hint="--format")
    _, records, _ = _records(org_path, paths, db_path)
    if f".{fmt}" in formats:
        if out is None or len(records) != 1:
            raise click.UsageError(f"--format {fmt} writes one record to a file: give --out")
        record, org = records[0]
        write_atomically(out, formats[f".{fmt}"][0](org, record))
        click.echo(f"{out}: {record.id}", err=True)
        return
    if fmt == "json":
        emit_json([record_data(r, o.group(r.group)) for r, o in records])
        return
    render = record_markdown if fmt == "md" else record_text
    blocks = ["\n".join(render(o, r, o.group(r.group))) for r, o in records]
    click.echo("\n\n".join(blocks))
