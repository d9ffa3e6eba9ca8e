"""``mgovern agenda``, ``report`` and ``documents``: what is on a meeting's agenda, where
meeting time goes, and the notices and minutes made from it."""

from __future__ import annotations

import datetime as dt
import sys
from decimal import Decimal
from pathlib import Path
from typing import TYPE_CHECKING, Any

import click

from mgovern.cli.app import EXIT_FINDINGS, cli, fail
from mgovern.cli.commands.actions import register_actions
from mgovern.cli.options import (
    db_option,
    default_window,
    described_window,
    format_option,
    items_option,
    json_option,
    load_org,
    meeting_options,
    org_option,
    resolve_window,
)
from mgovern.cli.output import change_data, emit_json, print_changes, table
from mgovern.i18n import gettext_for

if TYPE_CHECKING:
    from collections.abc import Iterable

    from mgovern.agenda.planner import Agenda
    from mgovern.model import Organization
    from mgovern.register.records import Action


def meeting_agenda(
    org: Organization,
    group_id: str,
    when: dt.date | dt.datetime,
    items_path: Path,
    *,
    actions: Iterable[Action] = (),
) -> Agenda:
    """The agenda of one meeting, following every item in the file from its submission.

    ``actions`` (from the register): the group's actions overdue at the meeting's agenda
    deadline come up as follow-up items (:mod:`mgovern.register.followup`).
    """
    from mgovern.agenda.items import load_items
    from mgovern.agenda.planner import find_meeting, plan
    from mgovern.register.followup import follow_up_items

    org.group(group_id)
    items = load_items(org, items_path)
    meeting = find_meeting(org, group_id, when)
    on = (meeting.agenda_deadline or meeting.start).date()
    follow_ups = follow_up_items(org, actions, on, meeting=meeting)
    items = (*items, *(item for item in follow_ups if item.raised_in == group_id))
    submitted = [i.submitted for i in items if i.submitted is not None]
    first = min([*(s.date() for s in submitted), meeting.start.date()]) - dt.timedelta(days=1)
    # look beyond the meeting, so items meant for later meetings are not pulled into it
    agendas, _ = plan(org, items, first, meeting.start.date() + dt.timedelta(days=62))
    agenda = next(a for a in agendas if a.meeting == meeting)
    from mgovern.annual.stages import with_annual  # the year wheel's stages on this meeting

    return with_annual(org, agenda)


@cli.command("agenda")
@org_option
@meeting_options
@format_option("text", "md", "json")
@db_option
def agenda_command(
    org_path: Path | None,
    group_id: str,
    when: Any,
    items_path: Path,
    fmt: str,
    db_path: Path | None,
) -> None:
    """Build a meeting's agenda from the submitted items.

    Every item in the file is followed from the meeting it was submitted to (its
    raised_in group, the first meeting whose deadline it makes): forwarded to its home
    group, deferred when late or not accepted, carried over when a meeting is full.
    With --db, the group's actions overdue at the agenda deadline are follow-up items.
    """
    from mgovern.agenda.formatting import agenda_data, agenda_markdown, agenda_text
    from mgovern.cli.commands.decisions import with_board_report

    org = load_org(org_path, on=when.date() if isinstance(when, dt.datetime) else when)
    actions = register_actions(db_path)
    agenda = meeting_agenda(org, group_id, when, items_path, actions=actions)
    agenda = with_board_report(org, agenda, db_path)  # a board meeting: delegated decisions
    if fmt == "json":
        data = agenda_data(org, agenda)
        if agenda.delegation_report is not None:  # a board meeting: the decisions reported
            from mgovern.register.reporting import report_data

            data["delegation_report"] = report_data(org, agenda.delegation_report)
        emit_json(data)
    elif fmt == "md":
        click.echo(agenda_markdown(org, agenda), nl=False)
    else:
        click.echo(agenda_text(org, agenda), nl=False)


@cli.command("report")
@org_option
@items_option
@described_window(
    "First day (default: first submission).", "Last day (default: two months after the last)."
)
@click.option(
    "--svg",
    "chart",
    type=click.Path(dir_okay=False, path_type=Path),
    help="Also write an SVG chart of operative share per group and month to this file.",
)
@db_option
@json_option
def report_command(
    org_path: Path | None,
    items_path: Path,
    start: Any,
    end: Any,
    chart: Path | None,
    db_path: Path | None,
    as_json: bool,
) -> None:
    """Where meeting time goes: per group and month, minutes by horizon and kind,
    forwarded items, and the groups over their operative limit (exit 0 either way).
    With --db, every action that fell overdue is followed up once, at its group's next
    meeting."""
    from mgovern.agenda.drift import drift, drift_chart
    from mgovern.agenda.items import load_items
    from mgovern.agenda.planner import plan
    from mgovern.files import write_atomically
    from mgovern.register.followup import follow_ups_until

    org = load_org(org_path)
    items = load_items(org, items_path)
    submitted = sorted(i.submitted.date() for i in items if i.submitted is not None)
    default = (
        (submitted[0], submitted[-1] + dt.timedelta(days=62)) if submitted else default_window()
    )
    first, last = resolve_window(start, end, default)
    follow_ups = follow_ups_until(org, register_actions(db_path), last)
    agendas, unplaced = plan(org, [*items, *follow_ups], first, last)
    figures = drift(org, agendas)
    if chart is not None:
        write_atomically(chart, drift_chart(org, figures))
    if as_json:
        emit_json(
            {
                "from": first.isoformat(),
                "to": last.isoformat(),
                "months": [
                    {
                        "group": f.group,
                        "month": f.month,
                        "meetings": f.meetings,
                        "meeting_minutes": f.meeting_minutes,
                        "strategic_minutes": f.strategic_minutes,
                        "operative_minutes": f.operative_minutes,
                        "minutes_by_kind": dict(f.minutes_by_kind),
                        "forwarded_in": f.forwarded_in,
                        "forwarded_out": f.forwarded_out,
                        "operative_share": str(f.operative_share.quantize(Decimal("0.001"))),
                        "limit_percent": f.limit_percent,
                        "over_limit": f.over_limit,
                    }
                    for f in figures
                ],
                "unplaced": [m.item.item.id for m in unplaced],
            }
        )
        return
    _ = gettext_for(org)
    rows = []
    for f in figures:
        kinds = dict(f.minutes_by_kind)
        rows.append(
            (
                f.group,
                f.month,
                f.meetings,
                f.meeting_minutes,
                f.strategic_minutes,
                f.operative_minutes,
                f"{f.operative_share * 100:.0f}",
                f.limit_percent if f.limit_percent is not None else "-",
                kinds["decision"],
                kinds["discussion"],
                kinds["follow-up"],
                kinds["information"],
                f.forwarded_in,
                f.forwarded_out,
                _("OVER LIMIT") if f.over_limit else "",
            )
        )
    _ = gettext_for(org)
    click.echo(
        _("{name}: meeting time {first}..{last}").format(name=org.name, first=first, last=last)
    )
    header = (
        _("group"),
        _("month"),
        _("mtgs"),
        _("min"),
        _("strat"),
        _("oper"),
        _("oper%"),
        _("limit"),
        _("dec"),
        _("disc"),
        _("f-up"),
        _("info"),
        _("in"),
        _("out"),
        "",
    )
    for line in table(header, rows, left=2):
        click.echo(line)
    over = sorted({f.group for f in figures if f.over_limit})
    click.echo(
        _("groups over their operative limit: {groups}").format(
            groups=", ".join(over) if over else _("none")
        )
    )
    if unplaced:
        click.echo(
            _("items with no meeting in the window: {items}").format(
                items=", ".join(m.item.item.id for m in unplaced)
            )
        )
    if chart is not None:
        click.echo(_("chart written to {path}").format(path=chart), err=True)


@cli.command("documents")
@org_option
@meeting_options
@click.option(
    "--kind", type=click.Choice(["notice", "minutes"]), default="notice", show_default=True
)
@click.option(
    "--format",
    "fmt",
    default="md",
    show_default=True,
    help="The document's file format: md, or html/docx with mgovern-documents.",
)
@click.option("--out", "url", required=True, help="Where to store it: file:///folder, webdav://...")
@click.option("--dry-run", is_flag=True, help="Say what would change; change nothing.")
@click.option(
    "--force", is_flag=True, help="Overwrite a document changed there since mgovern wrote it."
)
@db_option
@click.option("--json", "as_json", is_flag=True, help="What was written, as one JSON document.")
def documents_command(
    org_path: Path | None,
    group_id: str,
    when: Any,
    items_path: Path,
    kind: str,
    fmt: str,
    url: str,
    dry_run: bool,
    force: bool,
    db_path: Path | None,
    as_json: bool,
) -> None:
    """Write a meeting's notice (kallelse with dagordning) or minutes template.

    It goes to OUT/<group>/<date>/<name>.<format>; writing the same document again
    changes nothing. Exit 1 when the document there was changed and left alone.
    """
    from mgovern.calendars.publish import PublishJob, credentials_for, document_paths, publisher_for
    from mgovern.register.documents import document_name, renderers

    publisher, parts = publisher_for(url)  # a bad URL is refused before anything else
    org = load_org(org_path, on=when.date() if isinstance(when, dt.datetime) else when)
    available = renderers()
    render = available.get((kind, fmt.lower()))
    if render is None:
        formats = ", ".join(sorted(f for k, f in available if k == kind))
        fail(f"--format {fmt!r}: no renderer for {kind} in that format (installed: {formats})")
    # with --db, the group's overdue actions are follow-up items, as on `mgovern agenda`
    agenda = meeting_agenda(org, group_id, when, items_path, actions=register_actions(db_path))
    if kind == "notice":  # with --db, a board meeting's notice lists its delegated decisions
        from mgovern.cli.commands.decisions import with_board_report

        agenda = with_board_report(org, agenda, db_path)
    templates = None
    if org.documents.templates:  # a relative folder is relative to the organisation file
        base = org_path.parent if org_path is not None else Path.cwd()
        templates = base / org.documents.templates
    data = render(org, agenda, templates)
    (path,) = document_paths(
        group_id, agenda.meeting.start.date(), [document_name(org, kind, fmt.lower())]
    )
    job = PublishJob(
        org,
        url,
        agenda.meeting.start.date(),
        agenda.meeting.start.date(),
        dry_run=dry_run,
        force=force,
        credentials=credentials_for(parts),
    )
    report = publisher.put_documents(job, {path: data})
    if as_json:
        emit_json(change_data(report, dry_run))
    else:
        print_changes(report, dry_run, org=org)
    if report.conflicts:
        sys.exit(EXIT_FINDINGS)
