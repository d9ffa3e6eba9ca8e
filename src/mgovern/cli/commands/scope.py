"""``mgovern route`` and ``mgovern check``: where a matter goes, and proof that every
matter goes somewhere (plus the meeting structure's lead times)."""

from __future__ import annotations

import sys
from collections.abc import Iterable, Sequence
from datetime import timedelta
from pathlib import Path
from typing import TYPE_CHECKING, Any

import click

from mgovern.cli.app import EXIT_FINDINGS, cli
from mgovern.cli.commands.minutes import finding_line, followed_minutes_findings
from mgovern.cli.options import (
    YEAR,
    db_option,
    jobs_option,
    json_option,
    load_source,
    on_option,
    org_option,
    parse_amount,
    quiet_option,
    resolve_window,
    window_options,
)
from mgovern.cli.output import emit_json, governance_json, matter_text, progress
from mgovern.config import matter_json
from mgovern.i18n import gettext_for, ngettext_for

if TYPE_CHECKING:
    from mgovern.model import Organization
    from mgovern.rules.coverage import Gap, Report


@cli.command("route")
@org_option
@click.option("--raised-in", required=True, help="Group where the matter is raised.")
@click.option("--category", required=True, help="Category id of the matter.")
@click.option(
    "--amount", callback=parse_amount, help="Amount in the organisation's currency (2,5 or 2.5)."
)
@click.option("--unit", "units", multiple=True, help="Group whose area it concerns (repeat).")
@click.option("--flag", "flags", multiple=True, help="Flag of the matter (repeat).")
@click.option(
    "--kind",
    type=click.Choice(["decision", "discussion", "information", "follow-up"]),
    default="decision",
    show_default=True,
)
@click.option("--year", type=YEAR, help="Year for base amounts (default: the latest listed).")
@on_option
@json_option
def route_command(
    org_path: Path | None,
    raised_in: str,
    category: str,
    amount: Any,
    units: tuple[str, ...],
    flags: tuple[str, ...],
    kind: str,
    year: int | None,
    on: Any,
    as_json: bool,
) -> None:
    """Route a matter to its home group and explain why (exit 1 when it has none)."""
    from mgovern.history import in_force
    from mgovern.model import Kind, Matter
    from mgovern.rules.horizons import horizon
    from mgovern.rules.scope import route

    source = load_source(org_path)  # a history: its offices as well as the day's rules
    org = in_force(source, on)
    matter = Matter(
        category, amount=amount, units=units, flags=frozenset(flags), kind=Kind(kind), year=year
    )
    routing = route(source, matter, raised_in=raised_in, on=on)
    level = horizon(org, matter)
    if as_json:
        emit_json(
            {
                "outcome": routing.outcome.value,
                "home": routing.home,
                "decided_by": routing.decided_by,
                "decision_maker": routing.decision_maker,
                "vacant": routing.vacant,
                "clause": str(routing.clause) if routing.clause else None,
                "path": list(routing.path),
                "homes": list(routing.homes),
                "reasons": [str(r) for r in routing.reasons],
                "fallback": routing.fallback,
                "horizon": level.horizon.value,
                "horizon_criterion": level.criterion,
                "explanation": str(routing),
            }
        )
    else:
        _ = gettext_for(org)
        maker = routing.decided_by or "-"
        if routing.decision_maker:
            maker += f" ({routing.decision_maker})"
        elif routing.vacant:
            maker += _(" (vacant: no one in the group holds the role)")
        labelled = [
            (_("outcome"), routing.outcome.value),
            (_("home"), routing.home or "-"),
            (_("decided by"), maker),
            (_("clause"), routing.clause or "-"),
            (_("horizon"), level),
        ]
        width = max(len(label) for label, _value in labelled) + 2
        for label, value in labelled:
            click.echo(f"{label}:".ljust(width) + str(value))
        click.echo("")
        click.echo(str(routing))
    if routing.home is None:
        sys.exit(EXIT_FINDINGS)


def _gap_json(gap: Gap) -> dict[str, Any]:
    return {
        "category": gap.category,
        "units": list(gap.units),
        "flags": sorted(gap.flags),
        "year": gap.year,
        "amounts": [str(a) for a in gap.amounts],
        "caught_by": str(gap.caught_by) if gap.caught_by else None,
        "excluded_by": [str(r) for r in gap.excluded_by],
        "witness": matter_json(gap.witness),
    }


def _report_json(report: Report) -> dict[str, Any]:
    return {
        "ok": report.ok,
        "cells": report.cells,
        "gaps": [_gap_json(g) for g in report.gaps],
        "fallback_only": [_gap_json(g) for g in report.fallback_only],
        "overlaps": [
            {
                "category": o.category,
                "homes": list(o.homes),
                "winner": o.winner,
                "clauses": [str(c) for c in o.clauses],
                "cells": o.cells,
                "witness": matter_json(o.witness),
            }
            for o in report.overlaps
        ],
        "dead_clauses": [
            {
                "clause": str(d.clause),
                "witness": matter_json(d.witness) if d.witness else None,
                "decided_instead_by": str(d.decided_instead_by) if d.decided_instead_by else None,
            }
            for d in report.dead_clauses
        ],
    }


@cli.command("check")
@org_option
@window_options
@click.option(
    "--overlaps", "show_overlaps", is_flag=True, help="List the overlaps the lowest group wins too."
)
@click.option(
    "--fallback",
    "show_fallback",
    is_flag=True,
    help="List the matters only a fallback (catch-all) clause takes too.",
)
@on_option
@jobs_option
@quiet_option
@db_option
@json_option
def check_command(
    org_path: Path | None,
    start: Any,
    end: Any,
    show_overlaps: bool,
    show_fallback: bool,
    on: Any,
    jobs: int | None,
    db_path: Path | None,
    as_json: bool,
) -> None:
    """Prove every possible matter has exactly one home; list gaps, overlaps, dead clauses;
    and the cascade in the window: parent meetings no child meeting can feed (UNFED) and
    child meetings whose items skip a parent meeting they could have made (LATE).

    Exit 1 when a matter has no home or (with resolution "strict", or across branches)
    several, or when a meeting's local time is in a DST gap or fold or it runs across a
    change of offset (calendar readers differ there), or when an annual matter's chain
    does not fit the meetings or crowds one past its length (docs/arshjul.md), or when
    a role that decides a group's clauses is vacant on --on (VACANT), or, with --db, when
    the minutes the register follows are late, unannounced or changed (MINUTES). The
    cascade is reported, not fatal. A large organisation's matter space is decided in
    several processes (--jobs), with a progress bar on a terminal (--quiet: none).
    """
    from mgovern.calendars.cascade import cascade, unfed
    from mgovern.calendars.dst import dst_findings
    from mgovern.clock import today
    from mgovern.governance import vacancies
    from mgovern.history import in_force
    from mgovern.rules.coverage import check
    from mgovern.rules.scope import offices

    source = load_source(org_path)  # a history: its offices as well as the day's rules
    org = in_force(source, on)
    vacant = vacancies(org, on or today(), offices(source))
    first, last = resolve_window(start, end)
    report = check(org, jobs=jobs, progress=progress())
    late = cascade(org, first, last)
    starved = unfed(org, first, last)
    dst = dst_findings(org, first, last)
    wheel = _annual(org, first, last)
    silent = [g.id for g in org.groups if g.mandate.handles and not g.cycles]
    governance = _governance(source, first, last)
    legal = followed_minutes_findings(org, db_path, on)
    if as_json:
        emit_json(
            {
                **_report_json(report),
                **({"governance": governance_json(governance)} if governance is not None else {}),
                "vacancies": governance_json(vacant),
                "groups_without_meetings": silent,
                "late_meetings": [
                    {
                        "group": item.meeting.group,
                        "cycle": item.meeting.cycle,
                        "meeting": item.meeting.start.isoformat(),
                        "parent_meeting": item.parent_meeting.start.isoformat(),
                        "parent_deadline": item.parent_meeting.agenda_deadline.isoformat()
                        if item.parent_meeting.agenda_deadline
                        else None,
                        "reached": item.reached.start.isoformat() if item.reached else None,
                        "message": str(item),
                    }
                    for item in late
                ],
                "unfed_meetings": [
                    {
                        "group": item.meeting.group,
                        "cycle": item.meeting.cycle,
                        "meeting": item.meeting.start.isoformat(),
                        "deadline": item.meeting.agenda_deadline.isoformat()
                        if item.meeting.agenda_deadline
                        else None,
                        "opens": item.opens.isoformat(),
                        "child": item.child,
                        "message": str(item),
                    }
                    for item in starved
                ],
                "dst": [_dst_json(finding) for finding in dst],
                "annual": _annual_json(wheel),
                **({"minutes": legal} if legal is not None else {}),
            }
        )
    else:
        _print_report(org, report, show_overlaps=show_overlaps, show_fallback=show_fallback)
        _ = gettext_for(org)
        if silent:
            click.echo(
                _("groups with a mandate but no meetings (items sent there wait): {groups}").format(
                    groups=", ".join(silent)
                )
            )
        _print_cascade(org, late, starved, first, last)
        _print_dst(org, dst, first, last)
        _print_annual(org, wheel, first, last)
        for event in governance or ():
            click.echo(
                _("GOVERNANCE {date} {kind}: {message}").format(
                    date=event.date, kind=event.kind, message=event.message
                )
            )
        for event in vacant:
            click.echo(
                _("VACANT {date}: {message} ({clauses})").format(
                    date=event.date, message=event.message, clauses=", ".join(event.clauses)
                )
            )
        for finding in legal or ():
            click.echo(_("MINUTES {finding}").format(finding=finding_line(finding)))
    unheld = [e for e in governance or () if e.kind in ("vacant", "meeting-without")]
    if not report.ok or dst or wheel.not_fitting or wheel.crowded or unheld or vacant or legal:
        sys.exit(EXIT_FINDINGS)


def _governance(source: Any, first: Any, last: Any) -> Any:
    """A history's governance calendar in the window (None for a plain organisation):
    revisions taking effect, terms ending, roles falling vacant, meetings without a chair
    or secretary (docs/revisions.md)."""
    from mgovern.governance import governance_events
    from mgovern.history import History

    if not isinstance(source, History):
        return None
    return governance_events(source, first, last)


def _annual(org: Any, first: Any, last: Any) -> Any:
    """The year wheel in the window (:mod:`mgovern.annual.planning`): chains planned, not fitting,
    crowded."""
    from mgovern.annual.planning import plan

    return plan(org, first, last)


def _annual_json(wheel: Any) -> dict[str, Any]:
    return {
        "planned": len(wheel.plans),
        "not_fitting": [
            {
                "matter": f.matter.id,
                "year": f.year,
                "stage": f.stage + 1,
                "group": f.group,
                "ready_by": f.ready_by.isoformat() if f.ready_by else None,
                "not_before": f.not_before.isoformat(),
                "message": str(f),
            }
            for f in wheel.not_fitting
        ],
        "crowded": [
            {
                "group": c.meeting.group,
                "cycle": c.meeting.cycle,
                "meeting": c.meeting.start.isoformat(),
                "matters": list(c.matters),
                "minutes": c.minutes,
                "room": c.room,
                "message": str(c),
            }
            for c in wheel.crowded
        ],
    }


def _print_annual(org: Any, wheel: Any, first: Any, last: Any) -> None:
    if not org.annual:
        return
    _ = gettext_for(org)
    click.echo(
        _(
            "annual matters ({first}..{last}): {planned} chains planned, "
            "{not_fitting} not fitting, {crowded} crowded meetings"
        ).format(
            first=first,
            last=last,
            planned=len(wheel.plans),
            not_fitting=len(wheel.not_fitting),
            crowded=len(wheel.crowded),
        )
    )
    for finding in (*wheel.not_fitting, *wheel.crowded):
        click.echo(f"  {finding}")


def _dst_json(finding: Any) -> dict[str, Any]:
    return {
        "group": finding.group,
        "cycle": finding.cycle,
        "uid": finding.uid,
        "kind": finding.kind.value,
        "zone": finding.zone,
        "local": finding.local.isoformat(timespec="minutes"),
        "at_end": finding.at_end,
        "start": finding.start.isoformat(),
        "end": finding.end.isoformat(),
        "message": str(finding),
    }


def _print_dst(org: Organization, findings: Sequence[Any], first: Any, last: Any) -> None:
    """Meetings at local times a DST change makes unclear, or across one
    (mgovern.calendars.dst); nothing when there are none."""
    if not findings:
        return
    _ = gettext_for(org)
    click.echo(
        _("meetings at a DST change ({first}..{last}): {n}").format(
            first=first, last=last, n=len(findings)
        )
    )
    for finding in findings:
        click.echo(f"  DST {finding.group}.{finding.cycle}: {finding}")


def _print_cascade(
    org: Organization, late: Sequence[Any], starved: Sequence[Any], first: Any, last: Any
) -> None:
    """The cascade (mgovern.calendars.cascade), one line per series; see docs/calendars.md."""
    _ = gettext_for(org)
    click.echo(
        _("parent meetings no child meeting can feed ({first}..{last}): {n}").format(
            first=first, last=last, n=len(starved)
        )
    )
    fed: dict[tuple[str, str, str], list[Any]] = {}
    for item in starved:
        fed.setdefault((item.meeting.group, item.meeting.cycle, item.child), []).append(item)
    for (group, cycle, child), items in sorted(fed.items()):
        example = items[0]
        deadline = example.meeting.agenda_deadline
        click.echo(
            _(
                "  UNFED {group}.{cycle} <- {child}: {n} meeting(s); e.g. {start}: no meeting "
                "of {child} ends between {opens} and its deadline {deadline}"
            ).format(
                group=group,
                cycle=cycle,
                child=child,
                n=len(items),
                start=f"{example.meeting.start:%Y-%m-%d %H:%M}",
                opens=f"{example.opens:%Y-%m-%d %H:%M}",
                deadline=f"{deadline:%Y-%m-%d %H:%M}",
            )
        )
    click.echo(
        _(
            "child meetings whose items skip a parent meeting they could have made "
            "({first}..{last}): {n}"
        ).format(first=first, last=last, n=len(late))
    )
    summary: dict[tuple[str, str, str, str], list[Any]] = {}
    for item in late:
        key = (
            item.meeting.group,
            item.meeting.cycle,
            item.parent_meeting.group,
            item.parent_meeting.cycle,
        )
        summary.setdefault(key, []).append(item)
    for (group, cycle, parent, parent_cycle), items in sorted(summary.items()):
        waits = [round(i.wait / timedelta(days=1)) for i in items if i.wait is not None]
        example = items[0]
        deadline = example.parent_meeting.agenda_deadline
        click.echo(
            _(
                "  LATE {group}.{cycle} -> {parent}.{parent_cycle}: {n} meeting(s), items wait "
                "up to {days} days; e.g. {start} ends after the deadline {deadline} of {of}"
            ).format(
                group=group,
                cycle=cycle,
                parent=parent,
                parent_cycle=parent_cycle,
                n=len(items),
                days=max(waits, default=0),
                start=f"{example.meeting.start:%Y-%m-%d %H:%M}",
                deadline=f"{deadline:%Y-%m-%d %H:%M}",
                of=f"{example.parent_meeting.start:%Y-%m-%d}",
            )
        )


def _merge_gaps(gaps: Iterable[Gap]) -> list[tuple[tuple[str, str, str], list[Gap]]]:
    """Gap findings that differ only in unit context or year, as one line each."""
    merged: dict[tuple[str, str, str], list[Gap]] = {}
    for gap in gaps:
        key = (
            gap.category,
            ",".join(sorted(gap.flags)) or "-",
            ", ".join(str(a) for a in gap.amounts),
        )
        merged.setdefault(key, []).append(gap)
    return sorted(merged.items())


def _lines_note(
    org: Organization, merged: Sequence[object], findings: Sequence[object], flag: str = ""
) -> str:
    """How many lines the findings are shown as (one per kind of matter, merging unit
    contexts and years), and the flag that lists them when they are not shown."""
    _ = gettext_for(org)
    ngettext = ngettext_for(org)
    notes = []
    if len(merged) != len(findings):
        notes.append(ngettext("{n} line", "{n} lines", len(merged)).format(n=len(merged)))
    if flag and merged:
        notes.append(_("list them with {flag}").format(flag=flag))
    return f" ({'; '.join(notes)})" if notes else ""


def _contexts_text(org: Organization, gaps: list[Gap]) -> str:
    _ = gettext_for(org)
    years = sorted({g.year for g in gaps if g.year is not None})
    units = {g.units for g in gaps}
    parts = []
    if len(years) > 1:
        parts.append(_("in {years}").format(years=", ".join(map(str, years))))
    if len(units) > 1:
        parts.append(_("{n} unit contexts").format(n=len(units)))
    return f" ({'; '.join(parts)})" if parts else ""


def _print_report(
    org: Organization, report: Report, *, show_overlaps: bool, show_fallback: bool
) -> None:
    _ = gettext_for(org)
    click.echo(
        _("{name}: {cells} cells of the matter space decided.").format(
            name=org.name, cells=report.cells
        )
    )
    open_gaps = _merge_gaps(report.gaps)
    note = _lines_note(org, open_gaps, report.gaps)
    click.echo(_("gaps (no home): {n}").format(n=len(report.gaps)) + note)
    for (category, flags, amounts), gaps in open_gaps:
        click.echo(
            _("  GAP {category} flags {flags} amounts {amounts}{contexts}: e.g. {matter}").format(
                category=category,
                flags=flags,
                amounts=amounts,
                contexts=_contexts_text(org, gaps),
                matter=matter_text(gaps[0].witness),
            )
        )
        excluded = sorted({str(r) for g in gaps for r in g.excluded_by})
        if excluded:
            click.echo(_("      excluded by {clauses}").format(clauses=", ".join(excluded)))
    ambiguous = report.ambiguous
    click.echo(_("ambiguous (several homes): {n}").format(n=len(ambiguous)))
    for overlap in ambiguous:
        click.echo(
            _("  AMBIGUOUS {category} homes {homes} ({clauses}): e.g. {matter}").format(
                category=overlap.category,
                homes=", ".join(overlap.homes),
                clauses=", ".join(map(str, overlap.clauses)),
                matter=matter_text(overlap.witness),
            )
        )
    resolved = [o for o in report.overlaps if o.resolved]
    click.echo(
        _("overlaps resolved by the lowest group: {n}").format(n=len(resolved))
        + ("" if show_overlaps or not resolved else " " + _("(list them with --overlaps)"))
    )
    if show_overlaps:
        for overlap in resolved:
            losers = ", ".join(str(c) for c in overlap.clauses if c.group != overlap.winner)
            click.echo(
                _("  OVERLAP {category}: {winner} wins over {losers}: e.g. {matter}").format(
                    category=overlap.category,
                    winner=overlap.winner,
                    losers=losers,
                    matter=matter_text(overlap.witness),
                )
            )
    caught = _merge_gaps(report.fallback_only)
    click.echo(
        _("taken only by a fallback clause: {n}").format(n=len(report.fallback_only))
        + _lines_note(org, caught, report.fallback_only, "" if show_fallback else "--fallback")
    )
    for (category, flags, amounts), gaps in caught if show_fallback else ():
        clause = ", ".join(sorted({str(g.caught_by) for g in gaps}))
        click.echo(
            _(
                "  FALLBACK {category} flags {flags} amounts {amounts}{contexts} by {clause}: "
                "e.g. {matter}"
            ).format(
                category=category,
                flags=flags,
                amounts=amounts,
                contexts=_contexts_text(org, gaps),
                clause=clause,
                matter=matter_text(gaps[0].witness),
            )
        )
    click.echo(_("dead clauses (never decide a matter): {n}").format(n=len(report.dead_clauses)))
    for dead in report.dead_clauses:
        if dead.witness is not None:
            line = _("  DEAD {clause}: e.g. {matter} is decided by {instead}").format(
                clause=dead.clause,
                matter=matter_text(dead.witness),
                instead=dead.decided_instead_by,
            )
        else:
            line = _("  DEAD {clause}: matches no matter that reaches it").format(
                clause=dead.clause
            )
        click.echo(line)
