"""The ``mgovern`` command line.

Exit codes: 0 success, 1 findings (e.g. ``check`` found gaps), 2 bad input or usage.
A user's mistake prints one line on stderr naming the file, line or key path and what to
change, never a traceback.
"""

from __future__ import annotations

import json
import sys
from collections.abc import Callable, Iterable, Sequence
from decimal import Decimal
from pathlib import Path
from typing import TYPE_CHECKING, Any, NoReturn, TypeVar

import click

from mgovern import __version__
from mgovern.exceptions import MgovernError

if TYPE_CHECKING:
    from mgovern.model import Group, Organization

F = TypeVar("F", bound=Callable[..., Any])

EXIT_FINDINGS = 1
EXIT_BAD_INPUT = 2


def fail(message: str) -> NoReturn:
    """Print one error line and leave with exit code 2."""
    click.echo(f"mgovern: error: {message}", err=True)
    sys.exit(EXIT_BAD_INPUT)


class _Group(click.Group):
    """Turns every MgovernError and usage mistake into one line and exit code 2."""

    def invoke(self, ctx: click.Context) -> Any:
        try:
            return super().invoke(ctx)
        except MgovernError as exc:
            fail(str(exc))
        except BrokenPipeError:  # `mgovern check | head`: the reader has what it wanted
            import os

            os.dup2(os.open(os.devnull, os.O_WRONLY), sys.stdout.fileno())
            sys.exit(0)
        except OSError as exc:  # a folder that is a file, a read-only share, a full disk
            where = exc.filename or "output"
            fail(f"{where}: {exc.strerror or exc}; choose another path or fix its permissions")
        except OverflowError:
            fail("a date is out of range: use dates between years 1900 and 2100")

    def main(self, *args: Any, **kwargs: Any) -> Any:
        kwargs["standalone_mode"] = False
        try:
            result = super().main(*args, **kwargs)
        except click.UsageError as exc:
            where = f" (see 'mgovern {exc.ctx.info_name} --help')" if exc.ctx else ""
            command = exc.ctx.command_path if exc.ctx else "mgovern"
            fail(f"{command}: {exc.format_message()}{where if command != 'mgovern' else ''}")
        except click.ClickException as exc:
            fail(exc.format_message())
        except click.Abort:
            click.echo("mgovern: aborted", err=True)
            sys.exit(EXIT_FINDINGS)
        sys.exit(result if isinstance(result, int) else 0)


def org_option(func: F) -> F:
    """``--org FILE`` (or ``MGOVERN_ORG``); without it, the embedded example."""
    return click.option(
        "--org",
        "org_path",
        envvar="MGOVERN_ORG",
        type=click.Path(dir_okay=False, path_type=Path),
        default=None,
        help="Organisation TOML file (default: $MGOVERN_ORG, else the embedded example).",
    )(func)


def json_option(func: F) -> F:
    return click.option("--json", "as_json", is_flag=True, help="Machine-readable output.")(func)


def _default_window() -> tuple[Any, Any]:
    import datetime as dt

    today = dt.date.today()
    return dt.date(today.year, 1, 1), dt.date(today.year + 1, 12, 31)


def _stamp(_: click.Context, __: click.Parameter, value: str | None) -> Any:
    import datetime as dt

    if value is None:
        return None
    try:
        moment = dt.datetime.fromisoformat(value)
    except ValueError:
        raise click.BadParameter(
            f"{value!r} is not a date-time; write e.g. 2026-01-01T00:00Z"
        ) from None
    return moment if moment.tzinfo else moment.replace(tzinfo=dt.UTC)


def window_options(func: F) -> F:
    func = click.option(
        "--from",
        "start",
        type=click.DateTime(["%Y-%m-%d"]),
        help="First day (default: 1 January this year).",
    )(func)
    return click.option(
        "--to",
        "end",
        type=click.DateTime(["%Y-%m-%d"]),
        help="Last day (default: 31 December next year).",
    )(func)


def resolve_window(start: Any, end: Any) -> tuple[Any, Any]:
    default_start, default_end = _default_window()
    return (start.date() if start else default_start, end.date() if end else default_end)


def load_org(path: Path | None) -> Organization:
    """The organisation a command works on; says on stderr when it is the example."""
    from mgovern.config import example, load

    if path is None:
        click.echo("mgovern: using the embedded example organisation (give --org FILE)", err=True)
        return example()
    return load(path)


def emit_json(data: Any) -> None:
    click.echo(json.dumps(data, ensure_ascii=False, indent=2, sort_keys=False, default=str))


@click.group(cls=_Group, context_settings={"help_option_names": ["-h", "--help"]})
@click.version_option(__version__, prog_name="mgovern")
def cli() -> None:
    """Govern management-group meetings: mandates, routing, agendas, calendars."""


@cli.command()
@org_option
def validate(org_path: Path | None) -> None:
    """Check that an organisation file is valid (including what plugins read from it)."""
    import datetime as dt

    from mgovern.cycles import closed_days
    from mgovern.exceptions import ConfigError

    org = load_org(org_path)
    year = dt.date.today().year
    try:  # holiday regions and names are the plugins' to judge
        closed_days(org, dt.date(year, 1, 1), dt.date(year, 12, 31))
    except ConfigError as exc:
        if exc.source:
            raise
        raise exc.located(str(org_path or "<embedded example>")) from None
    click.echo(
        f"{org.name}: valid ({len(org.groups)} groups, {len(org.people)} people, "
        f"{sum(len(g.cycles) for g in org.groups)} meeting cycles)"
    )


def _person_name(org: Organization, person_id: str | None) -> str | None:
    return org.person(person_id).name if person_id else None


def _group_data(org: Organization, group: Group) -> dict[str, Any]:
    return {
        "id": group.id,
        "name": group.name,
        "parent": group.parent,
        "purpose": group.mandate.purpose,
        "chair": _person_name(org, group.chair),
        "secretary": _person_name(org, group.secretary),
        "members": [org.person(m).name for m in group.members],
        "cycles": [
            {"id": c.id, "name": c.name, "kind": c.kind.value, "when": _when(c)}
            for c in group.cycles
        ],
        "children": [_group_data(org, org.group(child)) for child in org.children(group.id)],
    }


def _when(cycle: Any) -> str:
    if cycle.rule:
        text = str(cycle.rule)
    elif cycle.rrule:
        text = f"RRULE {cycle.rrule}"
    elif cycle.dates:
        text = f"{len(cycle.dates)} dates"
    else:
        text = f"{cycle.anchor.days_before} days before {cycle.anchor.cycle}"
        if cycle.anchor.weekday:
            text += f" (on a {cycle.anchor.weekday})"
    return f"{text}, {cycle.time:%H:%M}, {cycle.duration} min"


def _show_lines(org: Organization, data: dict[str, Any], indent: str) -> list[str]:
    lines = [f"{indent}{data['name']} [{data['id']}]"]
    pad = indent + "    "
    if data["purpose"]:
        lines.append(f"{pad}purpose:   {data['purpose']}")
    if data["chair"]:
        lines.append(f"{pad}chair:     {data['chair']}")
    if data["secretary"]:
        lines.append(f"{pad}secretary: {data['secretary']}")
    if data["members"]:
        lines.append(f"{pad}members:   {', '.join(data['members'])}")
    for cycle in data["cycles"]:
        lines.append(f"{pad}meets:     {cycle['name']} ({cycle['kind']}): {cycle['when']}")
    for child in data["children"]:
        lines.extend(_show_lines(org, child, indent + "  "))
    return lines


@cli.command()
@org_option
@json_option
def show(org_path: Path | None, as_json: bool) -> None:
    """Show the group tree: purpose, chair, members and meeting cycles of each group."""
    org = load_org(org_path)
    tree = [_group_data(org, root) for root in org.roots]
    if as_json:
        emit_json({"id": org.id, "name": org.name, "groups": tree})
        return
    click.echo(f"{org.name} ({org.timezone})")
    for root in tree:
        click.echo("\n".join(_show_lines(org, root, "")))


@cli.command("plugins")
@json_option
def list_plugins(as_json: bool) -> None:
    """List installed plugins and the hooks each implements."""
    import importlib.metadata

    from mgovern.plugins import ENTRY_POINT_GROUP, plugin_manager

    pm = plugin_manager()
    dists = {
        ep.name: f"{ep.dist.name} {ep.dist.version}" if ep.dist else ""
        for ep in importlib.metadata.entry_points(group=ENTRY_POINT_GROUP)
    }
    rows = []
    for name, plugin in sorted(pm.list_name_plugin(), key=lambda item: item[0]):
        if plugin is None:
            continue
        hooks = sorted(caller.name for caller in pm.get_hookcallers(plugin) or ())
        rows.append({"name": name, "distribution": dists.get(name, "built-in"), "hooks": hooks})
    if as_json:
        emit_json(rows)
        return
    for row in rows:
        click.echo(f"{row['name']} ({row['distribution']}): {', '.join(row['hooks']) or '-'}")


def build_cli() -> click.Group:
    """The root command with every plugin's commands added."""
    from mgovern.plugins import plugin_manager

    plugin_manager().hook.mgovern_register_commands(cli=cli)
    return cli


def main(argv: Sequence[str] | None = None) -> None:
    """Entry point of the ``mgovern`` console script."""
    try:
        command = build_cli()
    except MgovernError as exc:
        fail(str(exc))
    command.main(args=argv, prog_name="mgovern")


# --- scope ------------------------------------------------------------------------------
def _amount(_: click.Context, __: click.Parameter, value: str | None) -> Any:
    from decimal import Decimal, InvalidOperation

    if value is None:
        return None
    text = value.replace(" ", "").replace("_", "")
    try:
        amount = Decimal(text)
    except InvalidOperation:
        raise click.BadParameter(f"{value!r} is not an amount; write e.g. 3000000") from None
    if not amount.is_finite() or amount < 0:
        raise click.BadParameter(f"{value!r}: the amount must be a number >= 0")
    return amount


@cli.command("route")
@org_option
@click.option("--raised-in", required=True, help="Group where the matter is raised.")
@click.option("--category", required=True, help="Category id of the matter.")
@click.option("--amount", callback=_amount, help="Amount in the organisation's currency.")
@click.option("--unit", "units", multiple=True, help="Group whose area it concerns (repeat).")
@click.option("--flag", "flags", multiple=True, help="Flag of the matter (repeat).")
@click.option(
    "--kind",
    type=click.Choice(["decision", "discussion", "information", "follow-up"]),
    default="decision",
    show_default=True,
)
@click.option("--year", type=int, help="Year for base amounts (default: the latest listed).")
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
    as_json: bool,
) -> None:
    """Route a matter to its home group and explain why."""
    from mgovern.horizon import horizon
    from mgovern.model import Kind, Matter
    from mgovern.scope import route

    org = load_org(org_path)
    matter = Matter(
        category, amount=amount, units=units, flags=frozenset(flags), kind=Kind(kind), year=year
    )
    routing = route(org, matter, raised_in=raised_in)
    level = horizon(org, matter)
    if as_json:
        emit_json(
            {
                "outcome": routing.outcome.value,
                "home": routing.home,
                "decided_by": routing.decided_by,
                "decision_maker": routing.decision_maker,
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
        click.echo(f"outcome:    {routing.outcome.value}")
        click.echo(f"home:       {routing.home or '-'}")
        maker = routing.decided_by or "-"
        if routing.decision_maker:
            maker += f" ({routing.decision_maker})"
        click.echo(f"decided by: {maker}")
        click.echo(f"clause:     {routing.clause or '-'}")
        click.echo(f"horizon:    {level}")
        click.echo("")
        click.echo(str(routing))
    if routing.home is None:
        sys.exit(EXIT_FINDINGS)


def _matter_text(matter: Any) -> str:
    parts = [f"category={matter.category}"]
    parts.append(f"amount={matter.amount:f}" if matter.amount is not None else "amount=none")
    if matter.units:
        parts.append("units=" + ",".join(matter.units))
    if matter.flags:
        parts.append("flags=" + ",".join(sorted(matter.flags)))
    if matter.year is not None:
        parts.append(f"year={matter.year}")
    return " ".join(parts)


def _matter_json(matter: Any) -> dict[str, Any]:
    return {
        "category": matter.category,
        "amount": f"{matter.amount:f}" if matter.amount is not None else None,
        "units": list(matter.units),
        "flags": sorted(matter.flags),
        "year": matter.year,
    }


@cli.command("check")
@org_option
@window_options
@click.option(
    "--overlaps", "show_overlaps", is_flag=True, help="List the overlaps the lowest group wins too."
)
@json_option
def check_command(
    org_path: Path | None, start: Any, end: Any, show_overlaps: bool, as_json: bool
) -> None:
    """Prove every possible matter has exactly one home; list gaps, overlaps, dead clauses;
    and the meetings too late for the parent's agenda deadline (in the window).

    Exit 1 when a matter has no home or (with resolution "strict", or across branches)
    several. Late meetings are reported, not fatal.
    """
    from mgovern.cascade import cascade
    from mgovern.coverage import check

    org = load_org(org_path)
    first, last = resolve_window(start, end)
    if last < first:
        fail(f"--to {last} is before --from {first}: swap the dates")
    report = check(org)
    late = cascade(org, first, last)
    silent = [g.id for g in org.groups if g.mandate.handles and not g.cycles]
    if as_json:
        emit_json(
            {
                "ok": report.ok,
                "cells": report.cells,
                "gaps": [
                    {
                        "category": g.category,
                        "units": list(g.units),
                        "flags": sorted(g.flags),
                        "year": g.year,
                        "amounts": [str(a) for a in g.amounts],
                        "caught_by": str(g.caught_by) if g.caught_by else None,
                        "excluded_by": [str(r) for r in g.excluded_by],
                        "witness": _matter_json(g.witness),
                    }
                    for g in report.gaps
                ],
                "overlaps": [
                    {
                        "category": o.category,
                        "homes": list(o.homes),
                        "winner": o.winner,
                        "clauses": [str(c) for c in o.clauses],
                        "cells": o.cells,
                        "witness": _matter_json(o.witness),
                    }
                    for o in report.overlaps
                ],
                "dead_clauses": [
                    {
                        "clause": str(d.clause),
                        "witness": _matter_json(d.witness) if d.witness else None,
                        "decided_instead_by": str(d.decided_instead_by)
                        if d.decided_instead_by
                        else None,
                    }
                    for d in report.dead_clauses
                ],
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
                    }
                    for item in late
                ],
            }
        )
    else:
        _print_report(org, report, show_overlaps=show_overlaps)
        if silent:
            click.echo(
                "groups with a mandate but no meetings (items sent there wait): "
                + ", ".join(silent)
            )
        _print_cascade(org, late, first, last)
    if not report.ok:
        sys.exit(EXIT_FINDINGS)


def _print_cascade(org: Organization, late: Sequence[Any], first: Any, last: Any) -> None:
    click.echo(f"meetings too late for the parent's agenda deadline ({first}..{last}): {len(late)}")
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
        delays = [i.delay.days for i in items if i.delay is not None]
        example = items[0]
        deadline = example.parent_meeting.agenda_deadline
        meeting = f"{example.meeting.start:%Y-%m-%d %H:%M}"
        parent_meeting = f"{example.parent_meeting.start:%Y-%m-%d}"
        click.echo(
            f"  LATE {group}.{cycle} -> {parent}.{parent_cycle}: {len(items)} meeting(s), "
            f"items wait up to {max(delays, default=0)} days; e.g. {meeting} ends after "
            f"the deadline {deadline:%Y-%m-%d %H:%M} of {parent_meeting}"
        )


def _merge_gaps(gaps: Iterable[Any]) -> list[tuple[tuple[str, str, str], list[Any]]]:
    """Gap findings that differ only in unit context or year, as one line each."""
    merged: dict[tuple[str, str, str], list[Any]] = {}
    for gap in gaps:
        key = (
            gap.category,
            ",".join(sorted(gap.flags)) or "-",
            ", ".join(str(a) for a in gap.amounts),
        )
        merged.setdefault(key, []).append(gap)
    return sorted(merged.items())


def _contexts_text(gaps: list[Any]) -> str:
    years = sorted({g.year for g in gaps if g.year is not None})
    units = {g.units for g in gaps}
    parts = []
    if len(years) > 1:
        parts.append(f"in {', '.join(map(str, years))}")
    if len(units) > 1:
        parts.append(f"{len(units)} unit contexts")
    return f" ({'; '.join(parts)})" if parts else ""


def _print_report(org: Organization, report: Any, *, show_overlaps: bool = False) -> None:
    click.echo(f"{org.name}: {report.cells} cells of the matter space decided.")
    open_gaps = _merge_gaps(g for g in report.gaps if g.caught_by is None)
    click.echo(f"gaps (no home): {len(open_gaps)}")
    for (category, flags, amounts), gaps in open_gaps:
        contexts = _contexts_text(gaps)
        click.echo(
            f"  GAP {category} flags {flags} amounts {amounts}{contexts}: "
            f"e.g. {_matter_text(gaps[0].witness)}"
        )
        excluded = sorted({str(r) for g in gaps for r in g.excluded_by})
        if excluded:
            click.echo(f"      excluded by {', '.join(excluded)}")
    ambiguous = report.ambiguous
    click.echo(f"ambiguous (several homes): {len(ambiguous)}")
    for overlap in ambiguous:
        click.echo(
            f"  AMBIGUOUS {overlap.category} homes {', '.join(overlap.homes)} "
            f"({', '.join(map(str, overlap.clauses))}): e.g. {_matter_text(overlap.witness)}"
        )
    resolved = [o for o in report.overlaps if o.resolved]
    click.echo(
        f"overlaps resolved by the lowest group: {len(resolved)}"
        + ("" if show_overlaps or not resolved else " (list them with --overlaps)")
    )
    if show_overlaps:
        for overlap in resolved:
            losers = ", ".join(str(c) for c in overlap.clauses if c.group != overlap.winner)
            click.echo(
                f"  OVERLAP {overlap.category}: {overlap.winner} wins over {losers}: "
                f"e.g. {_matter_text(overlap.witness)}"
            )
    caught = _merge_gaps(g for g in report.gaps if g.caught_by is not None)
    click.echo(f"caught only by a fallback clause: {len(caught)}")
    for (category, flags, amounts), gaps in caught:
        clause = ", ".join(sorted({str(g.caught_by) for g in gaps}))
        click.echo(
            f"  CAUGHT {category} flags {flags} amounts {amounts}{_contexts_text(gaps)} "
            f"by {clause}: e.g. {_matter_text(gaps[0].witness)}"
        )
    click.echo(f"dead clauses (never decide a matter): {len(report.dead_clauses)}")
    for dead in report.dead_clauses:
        line = f"  DEAD {dead.clause}"
        if dead.witness is not None:
            line += f": e.g. {_matter_text(dead.witness)} is decided by {dead.decided_instead_by}"
        else:
            line += ": matches no matter that reaches it"
        click.echo(line)


# --- calendars --------------------------------------------------------------------------
def warn_without_holidays(org: Organization) -> None:
    """Say so when the organisation names holiday regions but no plugin provides them."""
    from mgovern.plugins import plugin_manager

    if org.closed_days.regions and not plugin_manager().hook.mgovern_closed_days.get_hookimpls():
        click.echo(
            "mgovern: warning: closed_days.regions is set but no plugin provides holidays; "
            "install mgovern-holidays (pip install ./plugins/mgovern-holidays)",
            err=True,
        )


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
    "--stamp", callback=_stamp, help="DTSTAMP for every event (default: the --from day, UTC)."
)
@click.option("--force", is_flag=True, help="Overwrite files changed since mgovern wrote them.")
def calendars_command(
    org_path: Path | None,
    out: Path,
    start: Any,
    end: Any,
    groups: tuple[str, ...],
    stamp: Any,
    force: bool,
) -> None:
    """Write every group's and every person's meeting series as iCalendar files."""
    from mgovern.cycles import validate_schedule
    from mgovern.ical import calendar

    org = load_org(org_path)
    first, last = resolve_window(start, end)
    chosen = [org.group(g).id for g in groups] or [g.id for g in org.groups]
    warn_without_holidays(org)
    validate_schedule(org, first, last, groups=chosen)
    files: dict[Path, bytes] = {}
    for group_id in chosen:
        files[out / "groups" / f"{group_id}.ics"] = calendar(
            org, group=group_id, start=first, end=last, stamp=stamp
        ).to_ical()
    people = sorted({p for g in chosen for p in org.group(g).participants})
    for person_id in people:
        files[out / "people" / f"{person_id}.ics"] = calendar(
            org, person=person_id, start=first, end=last, stamp=stamp
        ).to_ical()
    if not groups:
        files[out / "all.ics"] = calendar(org, start=first, end=last, stamp=stamp).to_ical()
    from mgovern.files import write_tracked

    relative = {str(path.relative_to(out)): data for path, data in files.items()}
    results = write_tracked(out, relative, force=force)
    changed = sum(1 for _, what in results if what in ("created", "updated"))
    conflicts = [name for name, what in results if what == "conflict"]
    for name in conflicts:
        click.echo(f"CONFLICT (changed there; not overwritten, use --force): {name}")
    click.echo(
        f"wrote {len(chosen)} group and {len(people)} person calendars"
        + (" and all.ics" if not groups else "")
        + f" to {out} for {first}..{last} ({changed} changed"
        + (f", {len(conflicts)} left alone: changed there)" if conflicts else ")")
    )
    if conflicts:
        sys.exit(EXIT_FINDINGS)


# --- agendas ----------------------------------------------------------------------------
def _meeting_when(_: click.Context, __: click.Parameter, value: str) -> Any:
    import datetime as dt

    try:
        return dt.datetime.fromisoformat(value) if "T" in value else dt.date.fromisoformat(value)
    except ValueError:
        raise click.BadParameter(
            f"{value!r} is not a date; write e.g. 2026-03-17 (or 2026-03-17T09:00)"
        ) from None


def items_option(func: F) -> F:
    """``--items FILE``: submitted agenda items, TOML or CSV."""
    return click.option(
        "--items",
        "items_path",
        required=True,
        type=click.Path(dir_okay=False, path_type=Path),
        help="Submitted items: a .toml ([[items]]) or .csv file.",
    )(func)


def meeting_options(func: F) -> F:
    """``--group G --date D --items FILE``: one meeting and what was submitted for it."""
    func = items_option(func)
    func = click.option(
        "--date", "when", required=True, callback=_meeting_when, help="Meeting date (or date-time)."
    )(func)
    return click.option(
        "--group", "group_id", required=True, help="The group whose meeting it is."
    )(func)


def meeting_agenda(org: Organization, group_id: str, when: Any, items_path: Path) -> Any:
    """The agenda of one meeting, following every item in the file from its submission."""
    import datetime as dt

    from mgovern.agenda import find_meeting, plan
    from mgovern.items import load_items

    org.group(group_id)
    items = load_items(org, items_path)
    meeting = find_meeting(org, group_id, when)
    submitted = [i.submitted for i in items if i.submitted is not None]
    first = min([*(s.date() for s in submitted), meeting.start.date()]) - dt.timedelta(days=1)
    # look beyond the meeting, so items meant for later meetings are not pulled into it
    agendas, _ = plan(org, items, first, meeting.start.date() + dt.timedelta(days=62))
    return next(a for a in agendas if a.meeting == meeting)


@cli.command("agenda")
@org_option
@meeting_options
@click.option(
    "--format", "fmt", type=click.Choice(["text", "md", "json"]), default="text", show_default=True
)
def agenda_command(
    org_path: Path | None, group_id: str, when: Any, items_path: Path, fmt: str
) -> None:
    """Build a meeting's agenda from the submitted items.

    Every item in the file is followed from the meeting it was submitted to (its
    raised_in group, the first meeting whose deadline it makes): forwarded to its home
    group, deferred when late or not accepted, carried over when a meeting is full.
    """
    from mgovern.agenda_format import agenda_data, agenda_markdown, agenda_text

    org = load_org(org_path)
    agenda = meeting_agenda(org, group_id, when, items_path)
    if fmt == "json":
        emit_json(agenda_data(org, agenda))
    elif fmt == "md":
        click.echo(agenda_markdown(org, agenda), nl=False)
    else:
        click.echo(agenda_text(org, agenda), nl=False)


@cli.command("report")
@org_option
@items_option
@click.option(
    "--from",
    "start",
    type=click.DateTime(["%Y-%m-%d"]),
    help="First day (default: first submission).",
)
@click.option(
    "--to",
    "end",
    type=click.DateTime(["%Y-%m-%d"]),
    help="Last day (default: two months after the last).",
)
@click.option(
    "--chart",
    type=click.Path(dir_okay=False, path_type=Path),
    help="Also write an SVG chart of operative share per group and month.",
)
@json_option
def report_command(
    org_path: Path | None, items_path: Path, start: Any, end: Any, chart: Path | None, as_json: bool
) -> None:
    """Where meeting time goes: per group and month, minutes by horizon and kind,
    forwarded items, and the groups over their operative limit (exit 0 either way)."""
    import datetime as dt

    from mgovern.agenda import plan
    from mgovern.drift import drift, drift_chart
    from mgovern.files import write_atomically
    from mgovern.items import load_items

    org = load_org(org_path)
    items = load_items(org, items_path)
    submitted = sorted(i.submitted.date() for i in items if i.submitted is not None)
    default_start, default_end = _default_window()
    first = start.date() if start else (submitted[0] if submitted else default_start)
    last = (
        end.date() if end else (submitted[-1] + dt.timedelta(days=62) if submitted else default_end)
    )
    if last < first:
        fail(f"--to {last} is before --from {first}: swap the dates")
    agendas, unplaced = plan(org, items, first, last)
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
    header = (
        f"{'group':<6} {'month':<7} {'mtgs':>4} {'min':>5} {'strat':>5} {'oper':>5} {'oper%':>5} "
        f"{'limit':>5} {'dec':>4} {'disc':>4} {'f-up':>4} {'info':>4} {'in':>3} {'out':>3}"
    )
    click.echo(f"{org.name}: meeting time {first}..{last}")
    click.echo(header)
    for f in figures:
        kinds = dict(f.minutes_by_kind)
        limit = f"{f.limit_percent}" if f.limit_percent is not None else "-"
        flag = "  OVER LIMIT" if f.over_limit else ""
        click.echo(
            f"{f.group:<6} {f.month:<7} {f.meetings:>4} {f.meeting_minutes:>5} "
            f"{f.strategic_minutes:>5} {f.operative_minutes:>5} "
            f"{f.operative_share * 100:>5.0f} {limit:>5} {kinds['decision']:>4} "
            f"{kinds['discussion']:>4} {kinds['follow-up']:>4} {kinds['information']:>4} "
            f"{f.forwarded_in:>3} {f.forwarded_out:>3}{flag}"
        )
    over = sorted({f.group for f in figures if f.over_limit})
    click.echo(f"groups over their operative limit: {', '.join(over) if over else 'none'}")
    if unplaced:
        click.echo(
            f"items with no meeting in the window: {', '.join(m.item.item.id for m in unplaced)}"
        )
    if chart is not None:
        click.echo(f"chart written to {chart}")


# --- publishing ---------------------------------------------------------------------------
def _progress() -> Any:
    """A one-line progress indicator on a terminal; nothing when output is redirected."""
    if not sys.stderr.isatty():
        return None

    def show(label: str, done: int, total: int) -> None:
        end = "\n" if done >= total else ""
        click.echo(f"\r{label}: {done}/{total}", err=True, nl=False)
        if end:
            click.echo("", err=True)

    return show


def _print_changes(report: Any, dry_run: bool) -> None:
    from mgovern.publish import Change

    verbs = {
        Change.CREATED: "would create" if dry_run else "created",
        Change.UPDATED: "would update" if dry_run else "updated",
        Change.DELETED: "would delete" if dry_run else "deleted",
        Change.CONFLICT: "CONFLICT (changed there; not overwritten, use --force)",
    }
    for name, change in report.changes:
        if change in verbs:
            click.echo(f"{verbs[change]}: {name}")
    click.echo(("dry run: " if dry_run else "") + report.summary())


@cli.command("publish")
@org_option
@click.argument("url")
@window_options
@click.option("--stamp", callback=_stamp, help="DTSTAMP for every event (default: the --from day).")
@click.option("--dry-run", is_flag=True, help="Say what would change; change nothing.")
@click.option("--prune", is_flag=True, help="Delete series mgovern published that no longer exist.")
@click.option(
    "--force", is_flag=True, help="Overwrite what was changed there since mgovern wrote it."
)
@click.option("--people", is_flag=True, help="Also one calendar per person (where supported).")
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
) -> None:
    """Publish every group's meeting series to URL (file://, and e.g. caldav:// from plugins).

    Credentials come from MGOVERN_USERNAME/MGOVERN_PASSWORD or ~/.netrc, never from the
    URL. Exit 1 when a resource changed there was left alone (a conflict).
    """
    from mgovern.publish import PublishJob, credentials_for, publisher_for

    org = load_org(org_path)
    first, last = resolve_window(start, end)
    publisher, parts = publisher_for(url)
    warn_without_holidays(org)
    from mgovern.cycles import validate_schedule

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
        progress=_progress(),
    )
    report = publisher.publish_calendars(job)
    _print_changes(report, dry_run)
    if report.conflicts:
        sys.exit(EXIT_FINDINGS)


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
    help="md, or html/docx with mgovern-documents.",
)
@click.option("--to", "url", required=True, help="Where to store it: file:///folder, webdav://...")
@click.option("--dry-run", is_flag=True, help="Say what would change; change nothing.")
@click.option(
    "--force", is_flag=True, help="Overwrite a document changed there since mgovern wrote it."
)
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
) -> None:
    """Write a meeting's notice (kallelse with dagordning) or minutes template.

    It goes to URL/<group>/<date>/<name>.<format>; writing the same document again
    changes nothing.
    """
    from mgovern.publish import PublishJob, credentials_for, document_paths, publisher_for
    from mgovern.render import document_name, renderers

    org = load_org(org_path)
    available = renderers()
    render = available.get((kind, fmt.lower()))
    if render is None:
        formats = ", ".join(sorted(f for k, f in available if k == kind))
        fail(f"--format {fmt!r}: no renderer for {kind} in that format (installed: {formats})")
    publisher, parts = publisher_for(url)
    agenda = meeting_agenda(org, group_id, when, items_path)
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
    _print_changes(report, dry_run)
    if report.conflicts:
        sys.exit(EXIT_FINDINGS)
