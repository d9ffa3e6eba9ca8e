"""``mgovern validate``, ``show`` and ``plugins``: the organisation file and what reads it."""

from __future__ import annotations

from pathlib import Path
from typing import TYPE_CHECKING, Any

import click

from mgovern.cli.app import cli
from mgovern.cli.options import json_option, load_org, load_source, org_option
from mgovern.cli.output import emit_json
from mgovern.i18n import gettext_for, ngettext_for

if TYPE_CHECKING:
    from mgovern.model import Cycle, Group, Organization


@cli.command()
@org_option
@json_option
def validate(org_path: Path | None, as_json: bool) -> None:
    """Check that an organisation file is valid (including what plugins read from it)."""
    import datetime as dt

    from mgovern.calendars.cycles import closed_days
    from mgovern.cli.output import warn
    from mgovern.clock import today
    from mgovern.exceptions import ConfigError
    from mgovern.history import History, in_force
    from mgovern.rules.scope import bodies_of_officials

    source = load_source(org_path)
    org = in_force(source, None)
    versions = (
        [(r.title or str(r.effective), r.organization) for r in source.revisions]
        if isinstance(source, History)
        else [("", org)]
    )
    warnings = []
    for title, version in versions:
        for ref in dict.fromkeys(bodies_of_officials(version)):
            text = (
                f"{org_path or '<embedded example>'}: {ref}"
                + (f" ({title})" if title and len(versions) > 1 else "")
                + ": decided by the group as a body in a group of officials; officials do "
                "not decide as a body (docs/scope.md): name the delegate's role in "
                "decided_by, or give the group a cycle of kind 'board' if it is a board"
            )
            if text not in warnings:
                warnings.append(text)
                warn(text)
    year = today().year
    try:  # holiday regions and names are the plugins' to judge
        closed_days(org, dt.date(year, 1, 1), dt.date(year, 12, 31))
    except ConfigError as exc:
        if exc.source:
            raise
        raise exc.located(str(org_path or "<embedded example>")) from None
    counts = {
        "groups": len(org.groups),
        "people": len(org.people),
        "cycles": sum(len(g.cycles) for g in org.groups),
    }
    if as_json:
        emit_json({"valid": True, "id": org.id, "name": org.name, **counts, "warnings": warnings})
        return
    _ = gettext_for(org)
    click.echo(
        _("{name}: valid ({groups} groups, {people} people, {cycles} meeting cycles)").format(
            name=org.name, **counts
        )
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
            {"id": c.id, "name": c.name, "kind": c.kind.value, "when": _when(org, c)}
            for c in group.cycles
        ],
        "children": [_group_data(org, org.group(child)) for child in org.children(group.id)],
    }


def _when(org: Organization, cycle: Cycle) -> str:
    _ = gettext_for(org)
    ngettext = ngettext_for(org)
    if cycle.rule:
        text = str(cycle.rule)
    elif cycle.rrule:
        text = f"RRULE {cycle.rrule}"
    elif cycle.dates:
        text = ngettext("{n} date", "{n} dates", len(cycle.dates)).format(n=len(cycle.dates))
    else:
        assert cycle.anchor is not None
        days = cycle.anchor.days_before
        text = ngettext("{n} day before {cycle}", "{n} days before {cycle}", days).format(
            n=days, cycle=cycle.anchor.cycle
        )
        if cycle.anchor.weekday:
            text += " " + _("(on a {weekday})").format(weekday=cycle.anchor.weekday)
    return f"{text}, {cycle.time:%H:%M}, {cycle.duration} min"


def _show_lines(org: Organization, data: dict[str, Any], indent: str) -> list[str]:
    _ = gettext_for(org)
    lines = [f"{indent}{data['name']} [{data['id']}]"]
    pad = indent + "    "
    labels = {
        "purpose": _("purpose"),
        "chair": _("chair"),
        "secretary": _("secretary"),
        "members": _("members"),
        "meets": _("meets"),
    }
    width = max(len(label) for label in labels.values()) + 2

    def line(key: str, value: str) -> str:
        return pad + f"{labels[key]}:".ljust(width) + value

    if data["purpose"]:
        lines.append(line("purpose", data["purpose"]))
    if data["chair"]:
        lines.append(line("chair", data["chair"]))
    if data["secretary"]:
        lines.append(line("secretary", data["secretary"]))
    if data["members"]:
        lines.append(line("members", ", ".join(data["members"])))
    for cycle in data["cycles"]:
        lines.append(line("meets", f"{cycle['name']} ({cycle['kind']}): {cycle['when']}"))
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
