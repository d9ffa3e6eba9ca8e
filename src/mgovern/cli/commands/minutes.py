"""``mgovern minutes status|approve|announce|appeal|correct|verify|audit``: the legal life
of minutes (:mod:`mgovern.register.finality`).

Every subcommand takes ``--db FILE`` (or ``MGOVERN_DB``) and names the minutes by
``--group`` and ``--meeting``; the steps are recorded in the register with ``--on`` (the
day it happened, default today). A step the rules forbid is refused with one line
(exit 2) and nothing is written.
"""

from __future__ import annotations

import datetime as dt
import json
import sys
from collections.abc import Callable
from pathlib import Path
from typing import TYPE_CHECKING, Any

import click

from mgovern.cli.app import EXIT_FINDINGS, cli, fail
from mgovern.cli.options import db_option, json_option, load_org, org_option, parse_day
from mgovern.cli.output import emit_json

if TYPE_CHECKING:
    from mgovern.model import Organization
    from mgovern.register.finality import Event, Minutes
    from mgovern.register.records import Decision
    from mgovern.register.store import Register


def _group_option(func: Any) -> Any:
    return click.option("--group", "group_id", required=True, help="The group, e.g. klg.")(func)


def _meeting_option(func: Any) -> Any:
    return click.option(
        "--meeting", required=True, callback=parse_day, help="The meeting's day, e.g. 2026-03-17."
    )(func)


def _on_option(help_text: str) -> Callable[[Any], Any]:
    return click.option("--on", "on", callback=parse_day, help=help_text)


def _paragraph_option(help_text: str) -> Callable[[Any], Any]:
    return click.option("--paragraph", "paragraphs", multiple=True, metavar="ID", help=help_text)


@cli.group("minutes")
def minutes_group() -> None:
    """Minutes becoming final: approval, announcement, appeal, seals and corrections."""


def _register(db_path: Path | None, *, read_only: bool) -> Register:
    from mgovern.register.store import Register

    if db_path is None:
        fail("give the register: --db FILE (or set MGOVERN_DB)")
    return Register(db_path, read_only=read_only, create=False)


def _minutes(org: Organization, group_id: str, meeting: dt.date) -> Minutes:
    from mgovern.exceptions import quote
    from mgovern.register.finality import Minutes

    if not org.has_group(group_id):
        fail(f"--group: unknown group {quote(group_id)}; see the organisation file")
    return Minutes(group_id, meeting)


def _today(on: dt.date | None) -> dt.date:
    from mgovern.clock import today

    return on or today()


def _record(
    org: Organization,
    db_path: Path | None,
    group_id: str,
    meeting: dt.date,
    build: Callable[[tuple[Event, ...], tuple[Decision, ...]], Event],
) -> tuple[Minutes, Event]:
    """Record the step ``build`` makes, refused (exit 2, nothing written) when the
    rules forbid it."""
    from mgovern.exceptions import MgovernError
    from mgovern.register.finality import refusal

    minutes = _minutes(org, group_id, meeting)

    def checked(events: tuple[Event, ...], decisions: tuple[Decision, ...]) -> Event:
        event = build(events, decisions)
        if event in events:
            return event  # recorded before: nothing to add (an import run twice)
        why = refusal(minutes, events, event, [d.id for d in decisions])
        if why is not None:
            raise MgovernError(why)
        return event

    with _register(db_path, read_only=False) as register:
        event, added = register.record_step(minutes, checked)
    if not added:
        click.echo(f"the minutes of {minutes.key}: {event.step} {event.on} was recorded before")
        sys.exit(0)
    return minutes, event


@minutes_group.command("approve")
@org_option
@db_option
@_group_option
@_meeting_option
@click.option("--by", "by", required=True, help="Who approved: the chair and the approvers.")
@_on_option("The day of the approval (default: today).")
@_paragraph_option("Approve only this decision at once (omedelbar justering); repeatable.")
@json_option
def approve_command(
    org_path: Path | None,
    db_path: Path | None,
    group_id: str,
    meeting: dt.date,
    by: str,
    on: dt.date | None,
    paragraphs: tuple[str, ...],
    as_json: bool,
) -> None:
    """Record the approval (justering) of the minutes, or of some paragraphs at once, and
    seal their content (SHA-256 of the decisions as the register holds them)."""
    from mgovern.register.finality import Event, Step, canonical, seal

    def build(_: tuple[Event, ...], decisions: tuple[Decision, ...]) -> Event:
        chosen = [d for d in decisions if not paragraphs or d.id in paragraphs]
        content = canonical(chosen)
        return Event(
            Step.APPROVED,
            _today(on),
            by,
            paragraphs=paragraphs,
            seal=seal(content),
            content=content,
        )

    minutes, event = _record(load_org(org_path), db_path, group_id, meeting, build)
    what = ", ".join(paragraphs) or f"the minutes of {minutes.key}"
    if not _json_done(minutes, event, as_json):
        click.echo(f"{what}: approved {event.on} by {by}; sealed {event.seal[:16]}")


@minutes_group.command("announce")
@org_option
@db_option
@_group_option
@_meeting_option
@click.option("--where", "place", required=True, help="The notice board, e.g. a URL.")
@_on_option("The day the approval was announced (default: today).")
@_paragraph_option("Announce the at-once approval of this decision; repeatable.")
@click.option("--by", "by", default="", help="Who posted the notice (default: the secretary).")
@click.option(
    "--minutes", "minutes_url", default="", help="Where the approved minutes can be read (a URL)."
)
@json_option
def announce_command(
    org_path: Path | None,
    db_path: Path | None,
    group_id: str,
    meeting: dt.date,
    place: str,
    on: dt.date | None,
    paragraphs: tuple[str, ...],
    by: str,
    minutes_url: str,
    as_json: bool,
) -> None:
    """Record the announcement of the approval on the notice board (anslag); the notice
    stays up until the appeal period has ended (the site's notice board shows it)."""
    from mgovern.register.finality import Event, Step

    org = load_org(org_path)
    who = by or _secretary(org, group_id)

    def build(_: tuple[Event, ...], __: tuple[Decision, ...]) -> Event:
        return Event(
            Step.ANNOUNCED, _today(on), who, paragraphs=paragraphs, place=place, note=minutes_url
        )

    minutes, event = _record(org, db_path, group_id, meeting, build)
    what = ", ".join(paragraphs) or f"the minutes of {minutes.key}"
    if not _json_done(minutes, event, as_json):
        click.echo(f"{what}: approval announced {event.on} on {place}")


def _secretary(org: Organization, group_id: str) -> str:
    if not org.has_group(group_id):
        return "-"
    group = org.group(group_id)
    secretary = getattr(group, "secretary", None)
    return str(secretary) if secretary else group_id


@minutes_group.command("appeal")
@org_option
@db_option
@_group_option
@_meeting_option
@click.option("--by", "by", required=True, help="Who appealed (or the court's case number).")
@_on_option("The day the appeal arrived (default: today).")
@_paragraph_option("The appealed decision; repeatable (default: the whole minutes).")
@json_option
def appeal_command(
    org_path: Path | None,
    db_path: Path | None,
    group_id: str,
    meeting: dt.date,
    by: str,
    on: dt.date | None,
    paragraphs: tuple[str, ...],
    as_json: bool,
) -> None:
    """Record an appeal (laglighetsprövning) that arrived; status says if it was in time."""
    from mgovern.register.finality import Event, Step

    def build(_: tuple[Event, ...], __: tuple[Decision, ...]) -> Event:
        return Event(Step.APPEALED, _today(on), by, paragraphs=paragraphs)

    minutes, event = _record(load_org(org_path), db_path, group_id, meeting, build)
    what = ", ".join(paragraphs) or f"the minutes of {minutes.key}"
    if not _json_done(minutes, event, as_json):
        click.echo(f"{what}: appeal by {by} recorded, arrived {event.on}")


@minutes_group.command("correct")
@org_option
@db_option
@_group_option
@_meeting_option
@click.option("--by", "by", required=True, help="Who corrects (and the approvers' consent).")
@click.option("--reason", required=True, help="Why the approved minutes are corrected.")
@_on_option("The day of the correction (default: today).")
@json_option
def correct_command(
    org_path: Path | None,
    db_path: Path | None,
    group_id: str,
    meeting: dt.date,
    by: str,
    reason: str,
    on: dt.date | None,
    as_json: bool,
) -> None:
    """Record a correction (rättelse) of approved minutes: the register's decisions as
    they are now (after `mgovern decisions amend`) are sealed again, and what changed
    since the last seal is kept and shown."""
    from mgovern.exceptions import MgovernError
    from mgovern.register.finality import Event, Step, canonical, content_difference, seal

    def build(events: tuple[Event, ...], decisions: tuple[Decision, ...]) -> Event:
        sealed = [e for e in events if e.seal]
        before = sealed[-1] if sealed else None
        scope = () if before is None else before.paragraphs
        if before is not None and not scope:
            scope = ()
        elif before is not None:  # only paragraphs approved at once: those
            scope = tuple(sorted({p for e in sealed for p in e.paragraphs}))
        chosen = [d for d in decisions if not scope or d.id in scope]
        content = canonical(chosen)
        difference = content_difference(before.content if before else "", content)
        if before is not None and not difference:
            raise MgovernError(
                "nothing to correct: the register's decisions match the seal of "
                f"{before.on}; change them first (mgovern decisions amend)"
            )
        return Event(
            Step.CORRECTED,
            _today(on),
            by,
            paragraphs=scope,
            note=reason,
            seal=seal(content),
            content=content,
            difference=json.dumps(difference, ensure_ascii=False, sort_keys=True),
        )

    minutes, event = _record(load_org(org_path), db_path, group_id, meeting, build)
    if _json_done(minutes, event, as_json):
        return
    click.echo(f"the minutes of {minutes.key}: correction of {event.on} by {by} recorded")
    for line in _difference_lines(json.loads(event.difference)):
        click.echo(line)


def _json_done(minutes: Minutes, event: Event, as_json: bool) -> bool:
    """With --json: the recorded step as one JSON document (and True)."""
    if not as_json:
        return False
    emit_json(
        {
            "group": minutes.group,
            "meeting": minutes.meeting.isoformat(),
            "step": event.step.value,
            "on": event.on.isoformat(),
            "by": event.by,
            "paragraphs": list(event.paragraphs),
            **({"where": event.place} if event.place else {}),
            **({"seal": event.seal} if event.seal else {}),
            **({"difference": json.loads(event.difference)} if event.difference else {}),
        }
    )
    return True


def _difference_lines(difference: list[dict[str, Any]]) -> list[str]:
    lines = []
    for change in difference:
        if change["change"] == "changed":
            for key, values in change["fields"].items():
                lines.append(f"    {change['decision']} {key}:")
                lines.append(f"      - {values['before']}")
                lines.append(f"      + {values['after']}")
        else:
            lines.append(f"    {change['decision']}: {change['change']}")
    return lines


def followed_minutes_findings(
    org: Organization, db_path: Path | None, on: dt.date | None
) -> list[dict[str, Any]] | None:
    """The minutes' legal-life findings of a register that follows minutes, else None."""
    from mgovern.clock import today
    from mgovern.register.appeals import register_findings
    from mgovern.register.store import Register

    if db_path is None:
        return None
    with Register(db_path, read_only=True) as register:
        if not register.all_minutes():
            return None
        return register_findings(org, register, on or today())


def finding_line(f: dict[str, Any]) -> str:
    """A finding of the minutes' audit as one line."""
    return f"{f['group']} {f['meeting']}: {f['kind']}: {f['message']}"


def _status_lines(data: dict[str, Any]) -> list[str]:
    lines = [
        f"{data['group']} {data['meeting']}: {data['state']} (as of {data['on']}); "
        f"approve by {data['approve_by']}"
    ]
    for step in data["steps"]:
        scope = f" {', '.join(step['paragraphs'])}" if step["paragraphs"] else ""
        where = f" on {step['where']}" if "where" in step else ""
        why = f": {step['reason']}" if "reason" in step else ""
        lines.append(f"  {step['on']} {step['step']}{scope} by {step['by']}{where}{why}")
        if "difference" in step:
            lines.extend("  " + line for line in _difference_lines(step["difference"]))
    for d in data["decisions"]:
        dates = [
            f"{label} {d[key]}"
            for label, key in (
                ("approved", "approved"),
                ("announce by", "announce_by"),
                ("announced", "announced"),
                ("appealable until", "appealable_until"),
            )
            if d[key]
        ]
        appeals = [
            f"appealed {a['on']} ({'in time' if a['in_time'] else 'late'})" for a in d["appealed"]
        ]
        lines.append(
            f"  {d['id']}: {d['state']}; " + ", ".join(dates + appeals or ["not approved"])
        )
    lines.extend(f"  {f['kind']}: {f['message']}" for f in data["findings"])
    return lines


@minutes_group.command("status")
@org_option
@db_option
@click.option("--group", "group_id", default=None, help="Only this group's minutes.")
@click.option("--meeting", callback=parse_day, default=None, help="Only this meeting's minutes.")
@_on_option("As of this day (default: today).")
@json_option
def status_command(
    org_path: Path | None,
    db_path: Path | None,
    group_id: str | None,
    meeting: dt.date | None,
    on: dt.date | None,
    as_json: bool,
) -> None:
    """The state and legal dates of minutes and each of their decisions: one meeting's
    (--group and --meeting) or every meeting's with a recorded step."""
    from mgovern.register.appeals import minutes_status

    org = load_org(org_path)
    day = _today(on)
    with _register(db_path, read_only=True) as register:
        if group_id is not None and meeting is not None:
            chosen = [_minutes(org, group_id, meeting)]
        else:
            chosen = [
                m
                for m in register.all_minutes()
                if (group_id is None or m.group == group_id)
                and (meeting is None or m.meeting == meeting)
            ]
        data = [minutes_status(org, register, m, day) for m in chosen]
    if as_json:
        emit_json({"on": day.isoformat(), "minutes": data})
        return
    for one in data:
        click.echo("\n".join(_status_lines(one)))
    click.echo(f"{len(data)} minutes", err=True)


@minutes_group.command("audit")
@org_option
@db_option
@_on_option("As of this day (default: today).")
@json_option
def audit_command(
    org_path: Path | None, db_path: Path | None, on: dt.date | None, as_json: bool
) -> None:
    """Minutes approved late or never, approvals announced late or never, and content
    changed after approval without a recorded correction. Exit 1 on findings."""
    org = load_org(org_path)
    day = _today(on)
    with _register(db_path, read_only=True) as register:
        findings = minutes_audit(org, register, day)
    if as_json:
        emit_json({"on": day.isoformat(), "findings": findings})
    else:
        for f in findings:
            click.echo(finding_line(f))
        click.echo(f"{len(findings)} finding{'' if len(findings) == 1 else 's'}", err=True)
    if findings:
        sys.exit(EXIT_FINDINGS)


def minutes_audit(org: Organization, register: Register, on: dt.date) -> list[dict[str, Any]]:
    """Every finding on the minutes the register follows, as of ``on``."""
    from mgovern.register.appeals import register_findings

    return register_findings(org, register, on)


@minutes_group.command("verify")
@click.argument("source")
@org_option
@db_option
def verify_command(org_path: Path | None, db_path: Path | None, source: str) -> None:
    """Whether the minutes in SOURCE (.md or .docx) hold the content last sealed in the
    register (their approval or latest correction): exit 0 when they do, 1 with what
    differs when they do not."""
    from mgovern.plugins import plugin_manager
    from mgovern.register.finality import canonical, content_difference, seal

    org = load_org(org_path)
    batch = plugin_manager().hook.mgovern_read_decisions(org=org, source=source)
    if batch is None or not batch.decisions:
        fail(f"{source}: no decisions read; give minutes mgovern wrote (.md, .docx)")
    first = batch.decisions[0]
    if first.forum is None:
        fail(f"{source}: not minutes of a meeting (its decisions name no group)")
    minutes = _minutes(org, first.forum, first.date)
    with _register(db_path, read_only=True) as register:
        events = register.minutes_events(minutes)
    sealed = [e for e in events if e.seal]
    if not sealed:
        fail(f"{source}: the minutes of {minutes.key} are not approved: nothing is sealed")
    last = sealed[-1]
    chosen = [d for d in batch.decisions if not last.paragraphs or d.id in last.paragraphs]
    content = canonical(chosen)
    if seal(content) == last.seal:
        click.echo(f"{source}: matches the seal of {last.on} ({last.step}) {last.seal[:16]}")
        return
    click.echo(f"{source}: differs from the seal of {last.on} ({last.step}):")
    for line in _difference_lines(content_difference(last.content, content)):
        click.echo(line)
    sys.exit(EXIT_FINDINGS)
