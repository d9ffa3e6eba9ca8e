"""``mgovern decisions import|amend|list|audit|report|export``: the decision register.

Every subcommand takes ``--db FILE`` (or ``MGOVERN_DB``). Without one, and with the
embedded example organisation, the reading subcommands use the embedded example
register (the first quarter of 2026) and say so on stderr; ``import`` and ``amend``
always need a register file. The reading subcommands open the register read-only, so
they work on a read-only file or share.
"""

from __future__ import annotations

import datetime as dt
import sys
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path
from typing import TYPE_CHECKING, Any

import click

from mgovern.cli.app import EXIT_BAD_INPUT, EXIT_FINDINGS, cli, fail
from mgovern.cli.commands.minutes import finding_line, followed_minutes_findings
from mgovern.cli.options import (
    db_option,
    format_option,
    json_option,
    load_org,
    org_option,
    parse_day,
    parse_meeting_when,
)
from mgovern.cli.output import emit_json, matter_text
from mgovern.exceptions import ConfigError
from mgovern.i18n import gettext_for, ngettext_for

if TYPE_CHECKING:
    from mgovern.agenda.planner import Agenda
    from mgovern.model import Organization
    from mgovern.register.records import Action, Decision, DecisionBatch
    from mgovern.register.store import ImportResult

#: The embedded example register: decisions and actions of the first quarter of 2026.
EXAMPLE_FILES = ("decisions-2026q1.csv", "actions-2026q1.toml")


def example_register(org: Organization) -> tuple[tuple[Decision, ...], tuple[Action, ...]]:
    """The embedded example's decisions and actions, read as any list is read."""
    from importlib import resources

    from mgovern.register.lists import read_decision_list

    decisions: list[Decision] = []
    actions: list[Action] = []
    for name in EXAMPLE_FILES:
        text = resources.files("mgovern.examples").joinpath(name).read_text(encoding="utf-8")
        batch = read_decision_list(
            org, text, source=f"<embedded {name}>", csv_format=name.endswith(".csv")
        )
        decisions.extend(batch.decisions)
        actions.extend(batch.actions)
    return tuple(sorted(decisions, key=lambda d: (d.date, d.id))), tuple(actions)


def register_contents(
    org: Organization, org_path: Path | None, db_path: Path | None
) -> tuple[tuple[Decision, ...], tuple[Action, ...]]:
    """What the register holds: the file's, or the embedded example's."""
    from mgovern.register.store import Register

    if db_path is None:
        if org_path is not None:
            fail("give the register: --db FILE (or set MGOVERN_DB)")
        _ = gettext_for(org)
        click.echo(_("mgovern: using the embedded example register (give --db FILE)"), err=True)
        return example_register(org)
    with Register(db_path, read_only=True) as register:
        return register.decisions(), register.actions()


@cli.group("decisions")
def decisions_group() -> None:
    """The decision register: import, amend, list, audit, report to the board, export."""


@decisions_group.command("import")
@click.argument("source")
@org_option
@db_option
@json_option
@click.option(
    "--encoding",
    default=None,
    help="The encoding of a CSV list that is not UTF-8 or UTF-16, e.g. cp1252.",
)
def import_command(
    org_path: Path | None, db_path: Path | None, source: str, as_json: bool, encoding: str | None
) -> None:
    """Import the decisions and actions SOURCE holds, as one transaction.

    SOURCE is a delegation-decision list (.csv, .toml), minutes (.md, .docx) or whatever a
    plugin reads. The same decision twice adds nothing; a changed decision under an
    existing id is a conflict and nothing is imported.
    """
    from mgovern.register.store import Register

    if db_path is None:
        fail("give the register to import into: --db FILE (or set MGOVERN_DB)")
    org, batch = _read_source(org_path, source, encoding)
    with _conflicts_shown(source), Register(db_path) as register:
        result = register.import_batch(batch)
    _show_result(org, result, as_json)


@decisions_group.command("amend")
@click.argument("source")
@org_option
@db_option
@click.option("--by", "by", required=True, help="Who records the correction (a name).")
@click.option("--reason", required=True, help="Why the decisions are corrected.")
@json_option
def amend_command(
    org_path: Path | None, db_path: Path | None, source: str, by: str, reason: str, as_json: bool
) -> None:
    """Import SOURCE, and let its decisions correct those stored under the same ids.

    Each corrected decision's earlier version is kept, with who (--by) and why
    (--reason): `mgovern decisions list --history ID` shows them. New decisions and
    actions are imported as `import` does; an action changed other than by its
    follow-up is still a conflict, and nothing is written.
    """
    from mgovern.clock import today
    from mgovern.register.store import Register

    if db_path is None:
        fail("give the register to amend: --db FILE (or set MGOVERN_DB)")
    org, batch = _read_source(org_path, source)
    with _conflicts_shown(source), Register(db_path, create=False) as register:
        result = register.amend(batch, by=by, reason=reason, on=today())
    _show_result(org, result, as_json, amended=True)


def _read_source(
    org_path: Path | None, source: str, encoding: str | None = None
) -> tuple[Organization, DecisionBatch]:
    """Everything SOURCE holds, read before the register is touched."""
    from mgovern.plugins import plugin_manager
    from mgovern.register.lists import load_decision_list

    if encoding is not None and not source.lower().endswith(".csv"):
        fail(f"{source}: --encoding is for CSV lists (.csv); leave it out")
    org = load_org(org_path)
    batch: DecisionBatch | None
    if encoding is not None:  # only the built-in reader of CSV lists reads other encodings
        batch = load_decision_list(org, source, encoding=encoding)
    else:
        batch = plugin_manager().hook.mgovern_read_decisions(org=org, source=source)
    if batch is None:
        fail(
            f"{source}: no reader for this kind of source; known: .csv, .toml (and .md/.docx "
            "minutes; other systems through plugins: mgovern plugins)"
        )
    return org, batch


@contextmanager
def _conflicts_shown(source: str) -> Iterator[None]:
    """A refused import: the line naming the ids, then both versions of each record."""
    from mgovern.register.store import ImportConflict

    try:
        yield
    except ImportConflict as conflict:
        click.echo(f"mgovern: error: {conflict}", err=True)
        for stored, incoming in conflict.conflicts:
            click.echo(f"  {stored.id}:", err=True)
            click.echo(f"    register: {_record_text(stored)}", err=True)
            click.echo(f"    {source}: {_record_text(incoming)}", err=True)
        sys.exit(EXIT_BAD_INPUT)


def _show_result(
    org: Organization, result: ImportResult, as_json: bool, *, amended: bool = False
) -> None:
    if as_json:
        emit_json(
            {
                "source": result.source,
                "added_decisions": result.added_decisions,
                "added_actions": result.added_actions,
                "updated_actions": result.updated_actions,
                **({"amended_decisions": result.amended_decisions} if amended else {}),
                "unchanged": result.unchanged,
            }
        )
    else:
        ngettext = ngettext_for(org)
        added = ngettext(
            "{source}: {decisions} decision and {actions} actions added",
            "{source}: {decisions} decisions and {actions} actions added",
            result.added_decisions,
        )
        click.echo(
            added.format(
                source=result.source,
                decisions=result.added_decisions,
                actions=result.added_actions,
            )
            + ngettext(
                ", {updated} actions updated, {n} already in the register",
                ", {updated} actions updated, {n} already in the register",
                result.unchanged,
            ).format(updated=result.updated_actions, n=result.unchanged)
            + (
                ngettext(
                    ", {n} decision amended", ", {n} decisions amended", result.amended_decisions
                ).format(n=result.amended_decisions)
                if amended
                else ""
            )
        )


def _record_text(record: Any) -> str:
    from mgovern.register.records import Decision

    if isinstance(record, Decision):
        who = record.decided_by + (f" {record.decision_maker}" if record.decision_maker else "")
        extra = " urgent" if record.urgent else ""
        forum = f" forum={record.forum}" if record.forum else ""
        return f"{record.date} {who}{extra}{forum} {matter_text(record.matter)}: {record.text!r}"
    done = f" done {record.done_on}" if record.done_on else ""
    return f"{record.what!r} owner={record.owner} due={record.due} {record.status}{done}"


@decisions_group.command("list")
@org_option
@db_option
@click.option("--from", "start", callback=parse_day, help="First day.")
@click.option("--to", "end", callback=parse_day, help="Last day.")
@click.option(
    "--history",
    "history_id",
    metavar="ID",
    help="Decision ID as the register holds it, and each earlier version it replaced.",
)
@json_option
def list_command(
    org_path: Path | None,
    db_path: Path | None,
    start: dt.date | None,
    end: dt.date | None,
    history_id: str | None,
    as_json: bool,
) -> None:
    """List the decisions in the register, by date (--history ID: one decision and its
    earlier versions)."""
    from mgovern.register.store import decision_data

    org = load_org(org_path)
    if history_id is not None:
        _show_history(org, org_path, db_path, history_id, as_json)
        return
    decisions, _actions = register_contents(org, org_path, db_path)
    first = start or dt.date.min
    last = end or dt.date.max
    if last < first:
        fail(f"--to {last} is before --from {first}: swap the dates")
    chosen = [d for d in decisions if first <= d.date <= last]
    _ = gettext_for(org)
    if as_json:
        emit_json({"decisions": [decision_data(d) for d in chosen]})
        return
    for d in chosen:
        who = d.decided_by + (f" ({d.decision_maker})" if d.decision_maker else "")
        urgent = " [" + _("urgent") + "]" if d.urgent else ""
        click.echo(f"{d.date} {d.id}: {who}{urgent}: {d.text or matter_text(d.matter)}")
    ngettext = ngettext_for(org)
    click.echo(
        ngettext("{n} decision", "{n} decisions", len(chosen)).format(n=len(chosen)), err=True
    )


def _show_history(
    org: Organization, org_path: Path | None, db_path: Path | None, ident: str, as_json: bool
) -> None:
    from mgovern.exceptions import quote
    from mgovern.register.store import Register, decision_data

    if db_path is None:
        fail("give the register: --db FILE (or set MGOVERN_DB)")
    with Register(db_path, read_only=True) as register:
        current = next((d for d in register.decisions() if d.id == ident), None)
        earlier = register.history(ident)
    if current is None:
        fail(f"{db_path}: no decision {quote(ident)} in the register")
    if as_json:
        emit_json(
            {
                "decision": decision_data(current),
                "earlier": [
                    {
                        "version": v.version,
                        "replaced_on": v.replaced_on.isoformat(),
                        "replaced_by": v.replaced_by,
                        "reason": v.reason,
                        "decision": decision_data(v.decision),
                    }
                    for v in earlier
                ],
            }
        )
        return
    _ = gettext_for(org)
    click.echo(f"{current.id}: {_record_text(current)}")
    for v in reversed(earlier):
        replaced = _("version {n}, replaced {day} by {who}: {why}").format(
            n=v.version, day=v.replaced_on, who=v.replaced_by, why=v.reason
        )
        click.echo(f"  {replaced}")
        click.echo(f"    {_record_text(v.decision)}")
    ngettext = ngettext_for(org)
    count = ngettext("{n} earlier version", "{n} earlier versions", len(earlier))
    click.echo(count.format(n=len(earlier)), err=True)


@decisions_group.command("audit")
@org_option
@db_option
@click.option(
    "--on", "on", callback=parse_day, help="Judge the minutes' legal dates as of this day."
)
@json_option
def audit_command(
    org_path: Path | None, db_path: Path | None, on: dt.date | None, as_json: bool
) -> None:
    """Check every decision against the rules in force on its date. Exit 1 on findings.

    Findings: outside mandate (naming who should have decided), prepared in another
    forum than the matter's home, an urgent chair decision the rules do not allow, and
    a matter no rule covers. With a register whose minutes are followed (mgovern
    minutes), also their legal life as of --on (default today): minutes approved late
    or never, approvals announced late or never, content changed after approval
    without a recorded correction, decisions acted on before their appeal period ended
    (legal_periods.wait_for_appeal), delegated decisions reported in minutes never
    announced.
    With meeting records in the register, also what ``mgovern meetings check --db``
    finds in them.
    """
    from mgovern.cli.commands.meetings import audit_meetings
    from mgovern.history import is_history_file, load_history
    from mgovern.register.audit import audit, by_decision, kind_label

    org = load_org(org_path)
    decisions, _actions = register_contents(org, org_path, db_path)
    # a history file: each decision judged by the rules and people of its own day
    rules = load_history(org_path) if org_path and is_history_file(org_path) else org
    try:
        findings = by_decision(audit(rules, decisions))
    except ConfigError as exc:  # a category the organisation lacks: name the register
        raise exc.located(str(db_path) if db_path else "<embedded example register>") from None
    legal = followed_minutes_findings(org, db_path, on)
    meeting_lines, meeting_data = audit_meetings(org_path, db_path)
    if as_json:
        emit_json(
            {
                "decisions": len(decisions),
                **({"meeting_findings": meeting_data} if meeting_data else {}),
                "findings": [
                    {
                        "decision": found[0].decision.id,
                        "date": found[0].decision.date.isoformat(),
                        "kinds": [f.kind.value for f in found],
                        "messages": [f.message for f in found],
                        "should_decide": found[0].should_decide,
                        "should_decide_person": found[0].should_decide_person,
                        "home": found[0].routing.home,
                        "clause": str(found[0].routing.clause) if found[0].routing.clause else None,
                        "explanation": found[0].explanation,
                    }
                    for found in findings
                ],
                **({"minutes_findings": legal} if legal is not None else {}),
            }
        )
    else:
        for found in findings:
            first = found[0]
            kinds = "; ".join(kind_label(f.kind, org) for f in found)
            click.echo(f"{first.decision.date} {first.decision.id}: {kinds}")
            for f in found:
                click.echo(f"  - {f.message}")
            for line in first.explanation.splitlines():
                click.echo(f"    {line}")
        for finding in legal or ():
            click.echo(finding_line(finding))
        _ = gettext_for(org)
        for line in meeting_lines:
            click.echo(_("meeting {finding}").format(finding=line))
        ngettext = ngettext_for(org)
        summary = ngettext(
            "{n} decision audited, {found} with findings",
            "{n} decisions audited, {found} with findings",
            len(decisions),
        ).format(n=len(decisions), found=len(findings))
        if legal:
            summary += ngettext(
                ", {n} on the minutes' legal dates", ", {n} on the minutes' legal dates", len(legal)
            ).format(n=len(legal))
        if meeting_lines:
            summary += ngettext(
                ", {n} in meeting records", ", {n} in meeting records", len(meeting_lines)
            ).format(n=len(meeting_lines))
        click.echo(summary, err=True)
    if findings or legal or meeting_lines:
        sys.exit(EXIT_FINDINGS)


@decisions_group.command("report")
@org_option
@db_option
@click.option("--group", "group_id", required=True, help="The board, e.g. namnd.")
@click.option(
    "--date", "when", required=True, callback=parse_meeting_when, help="The board meeting's day."
)
@format_option("md", "json", default="md")
def report_command(
    org_path: Path | None, db_path: Path | None, group_id: str, when: Any, fmt: str
) -> None:
    """The delegated decisions to report at a board meeting (anmälan av delegationsbeslut).

    Every decision a delegate took since the board's previous meeting, of the kinds the
    board asked to have reported, by delegate; the chair's urgent decisions; and, apart,
    those recorded separately. Each with the day it is reported and the last day it can
    be appealed.
    """
    from mgovern.register.reporting import board_report, report_data, report_lines

    org = load_org(org_path)
    decisions, _actions = register_contents(org, org_path, db_path)
    day = when.date() if isinstance(when, dt.datetime) else when
    announced = _announced(db_path, group_id, day)
    report = board_report(org, decisions, group=group_id, meeting=day, announced_on=announced)
    if fmt == "json":
        emit_json(report_data(org, report))
        return
    click.echo("\n".join(report_lines(org, report, heading="#")).rstrip("\n"))
    _ = gettext_for(org)
    summary = _(
        "{reported} reported at {meeting}, announced {announced}; {separately} recorded separately"
    )
    click.echo(
        summary.format(
            reported=len(report.reported),
            meeting=report.meeting,
            announced=report.announced,
            separately=len(report.recorded_separately),
        ),
        err=True,
    )


def _announced(db_path: Path | None, group_id: str, day: dt.date) -> dt.date | None:
    """The day the register recorded the announcement of the board's minutes of ``day``
    (KL 6:40: the reported decisions' appeal period runs from it), if it did."""
    from mgovern.register.finality import Minutes, Step
    from mgovern.register.store import Register

    if db_path is None:
        return None
    with Register(db_path, read_only=True) as register:
        events = register.minutes_events(Minutes(group_id, day))
    return next((e.on for e in events if e.step is Step.ANNOUNCED and not e.paragraphs), None)


@decisions_group.command("export")
@org_option
@db_option
@format_option(
    "csv", "json", default="csv", help="csv (a decision list that imports again) or json."
)
@click.option(
    "--out",
    "out",
    type=click.Path(dir_okay=False, path_type=Path),
    default=None,
    help="Write to FILE (atomically) instead of stdout.",
)
def export_command(org_path: Path | None, db_path: Path | None, fmt: str, out: Path | None) -> None:
    """Export the register: CSV (a decision list that imports again) or JSON (decisions
    and actions; also --json). The same register always gives the same bytes."""
    from mgovern.files import write_atomically
    from mgovern.register.store import decisions_csv, decisions_json

    org = load_org(org_path)
    decisions, actions = register_contents(org, org_path, db_path)
    data = decisions_json(decisions, actions) if fmt == "json" else decisions_csv(decisions)
    if out is None:
        click.echo(data.decode("utf-8"), nl=False)
        return
    try:
        write_atomically(out, data)
    except OSError as exc:
        fail(f"{out}: cannot write: {exc.strerror or exc}")
    click.echo(f"{len(decisions)} decisions written to {out}", err=True)


def with_board_report(org: Organization, agenda: Agenda, db_path: Path | None) -> Agenda:
    """A board meeting's agenda with "Anmälan av delegationsbeslut" from the register at
    ``db_path``; any other agenda (or no register) as it is."""
    from mgovern.model import CycleKind
    from mgovern.register.reporting import board_report, with_report
    from mgovern.register.store import Register

    meeting = agenda.meeting
    cycle = org.group(meeting.group).cycle(meeting.cycle)
    if db_path is None or cycle.kind is not CycleKind.BOARD:
        return agenda
    with Register(db_path, read_only=True) as register:
        decisions = register.decisions()
    day = meeting.start.date()
    return with_report(org, agenda, board_report(org, decisions, group=meeting.group, meeting=day))
