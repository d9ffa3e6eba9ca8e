"""``mgovern arshjul``: the year wheel — every annual matter's chain with its dates, as a
table per month and per group (text or Markdown), JSON, an SVG wheel and the milestones
as an iCalendar file."""

from __future__ import annotations

import datetime as dt
import sys
from pathlib import Path
from typing import TYPE_CHECKING, Any

import click

from mgovern.cli.app import EXIT_FINDINGS, cli
from mgovern.cli.options import YEAR, format_option, load_org, org_option, parse_stamp
from mgovern.cli.output import emit_json, table
from mgovern.i18n import gettext_for, month_names

if TYPE_CHECKING:
    from mgovern.annual.planning import AnnualPlan, YearPlan
    from mgovern.model import Organization


def _rows(org: Organization, wheel: AnnualPlan) -> list[tuple[Any, ...]]:
    """(start, month, group label, cycle name, matter name, what, deadline) per stage."""
    from mgovern.annual.ical import stage_what
    from mgovern.annual.planning import deadline

    rows = []
    for p in wheel.plans:
        for index, s in enumerate(p.stages):
            m = s.meeting
            group = org.group(m.group)
            rows.append(
                (
                    m.start,
                    m.start.month,
                    group.short_name or group.name,
                    group.cycle(m.cycle).name,
                    p.matter.name,
                    stage_what(org, p, index),
                    deadline(m),
                )
            )
    return sorted(rows, key=lambda r: (r[0], r[4]))


def _plan_json(org: Organization, p: YearPlan) -> dict[str, Any]:
    from mgovern.annual.planning import deadline

    return {
        "matter": p.matter.id,
        "name": p.matter.name,
        "year": p.year,
        "decision": p.decision.start.isoformat(),
        "stages": [
            {
                "group": s.meeting.group,
                "cycle": s.meeting.cycle,
                "kind": s.stage.kind.value,
                "minutes": s.stage.minutes,
                "start": s.meeting.start.isoformat(),
                "end": s.meeting.end.isoformat(),
                "agenda_deadline": deadline(s.meeting).isoformat(),
                "ready_by": s.ready_by.isoformat() if s.ready_by else None,
                "uid": s.meeting.uid,
            }
            for s in p.stages
        ],
    }


def _text(org: Organization, wheel: AnnualPlan, year: int, markdown: bool) -> list[str]:
    _ = gettext_for(org)
    out: list[str] = []
    head = "# " if markdown else ""
    sub = "## " if markdown else ""
    out.append(head + _("Year wheel {year}: {name}").format(year=year, name=org.name))
    out.append("")
    out.append(sub + _("Matters"))
    out.append("")
    for p in wheel.plans:
        chain = " → ".join(
            f"{org.group(s.meeting.group).short_name or s.meeting.group} "
            f"{s.meeting.start:%Y-%m-%d %H:%M}"
            for s in p.stages
        )
        out.append(f"{'- ' if markdown else ''}{p.matter.name}: {chain}")
    rows = _rows(org, wheel)
    header = (
        _("Date"),
        _("Time"),
        _("Group"),
        _("Meeting"),
        _("Matter"),
        _("Stage"),
        _("Last day"),
    )

    def cells(r: tuple[Any, ...]) -> list[str]:
        return [
            f"{r[0]:%Y-%m-%d}",
            f"{r[0]:%H:%M}",
            r[2],
            r[3],
            r[4],
            r[5],
            f"{r[6]:%Y-%m-%d %H:%M}",
        ]

    def block(title: str, chosen: list[tuple[Any, ...]]) -> None:
        out.append("")
        out.append(f"{'### ' if markdown else ''}{title}")
        out.append("")
        if markdown:
            out.append("| " + " | ".join(header) + " |")
            out.append("|" + "---|" * len(header))
            out.extend("| " + " | ".join(cells(r)) + " |" for r in chosen)
        else:
            out.extend("  " + line for line in table(header, [cells(r) for r in chosen], left=7))

    months = month_names(org)
    out.append("")
    out.append(sub + _("By month"))
    for month in range(1, 13):
        chosen = [r for r in rows if r[0].year == year and r[1] == month]
        if chosen:
            block(months[month - 1].capitalize(), chosen)
    out.append("")
    out.append(sub + _("By group"))
    for group in org.groups:
        label = group.short_name or group.name
        chosen = [r for r in rows if r[2] == label]
        if chosen:
            block(f"{group.name} ({label})" if group.short_name else group.name, chosen)
    for finding in (*wheel.not_fitting, *wheel.crowded):
        out.append("")
        out.append(str(finding))
    return out


@cli.command("arshjul")
@org_option
@click.option("--year", type=YEAR, help="The year (default: this year).")
@format_option("text", "md", "json")
@click.option("--svg", "svg_path", type=click.Path(dir_okay=False, path_type=Path))
@click.option(
    "--ics",
    "ics_path",
    type=click.Path(dir_okay=False, path_type=Path),
    help="Write the milestones as all-day events (e.g. calendars/arshjul.ics).",
)
@click.option(
    "--stamp", callback=parse_stamp, help="DTSTAMP of the .ics (default: 1 January 00:00 UTC)."
)
def arshjul_command(
    org_path: Path | None,
    year: int | None,
    fmt: str,
    svg_path: Path | None,
    ics_path: Path | None,
    stamp: dt.datetime | None,
) -> None:
    """The year wheel: every annual matter decided in the year, its chain of meetings
    from the first preparation to the decision (exit 1 when one does not fit)."""
    from mgovern.annual.ical import milestones
    from mgovern.annual.planning import plan
    from mgovern.annual.wheel import svg_wheel
    from mgovern.calendars.cycles import occurrences
    from mgovern.clock import today
    from mgovern.files import write_atomically

    org = load_org(org_path)
    year = year if year is not None else today().year
    first, last = dt.date(year, 1, 1), dt.date(year, 12, 31)
    wheel = plan(org, first, last)
    if svg_path is not None:
        board = [
            m
            for root in org.roots
            for m in occurrences(org, root.id, first, last)
            if org.group(root.id).cycle(m.cycle).kind.value == "board"
        ]
        write_atomically(svg_path, svg_wheel(org, wheel, year, board_meetings=board).encode())
    if ics_path is not None:
        moment = stamp or dt.datetime(year, 1, 1, tzinfo=dt.UTC)
        write_atomically(ics_path, milestones(org, wheel, stamp=moment).to_ical())
    if fmt == "json":
        emit_json(
            {
                "year": year,
                "plans": [_plan_json(org, p) for p in wheel.plans],
                "not_fitting": [
                    {"matter": f.matter.id, "year": f.year, "stage": f.stage + 1, "message": str(f)}
                    for f in wheel.not_fitting
                ],
                "crowded": [str(c) for c in wheel.crowded],
            }
        )
    else:
        for line in _text(org, wheel, year, fmt == "md"):
            click.echo(line)
    if wheel.not_fitting or wheel.crowded:
        sys.exit(EXIT_FINDINGS)
