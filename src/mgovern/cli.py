"""The ``mgovern`` command line.

Exit codes: 0 success, 1 findings (e.g. ``check`` found gaps), 2 bad input or usage.
A user's mistake prints one line on stderr naming the file, line or key path and what to
change, never a traceback.
"""

from __future__ import annotations

import json
import sys
from collections.abc import Callable, Sequence
from pathlib import Path
from typing import Any, NoReturn, TypeVar

import click

from mgovern import __version__
from mgovern.exceptions import MgovernError
from mgovern.model import Group, Organization

F = TypeVar("F", bound=Callable[..., Any])

EXIT_FINDINGS = 1
EXIT_BAD_INPUT = 2


def fail(message: str) -> NoReturn:
    """Print one error line and leave with exit code 2."""
    click.echo(f"mgovern: error: {message}", err=True)
    sys.exit(EXIT_BAD_INPUT)


class _Group(click.Group):
    """Turns every MgovernError into one line and exit code 2."""

    def invoke(self, ctx: click.Context) -> Any:
        try:
            return super().invoke(ctx)
        except MgovernError as exc:
            fail(str(exc))


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
    """Check that an organisation file is valid."""
    org = load_org(org_path)
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
