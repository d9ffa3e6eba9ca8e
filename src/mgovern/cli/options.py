"""The options several commands share, and what they turn into.

A command family declares its options with these decorators, so ``--org``, ``--json``,
``--from``/``--to`` and the meeting options are spelled, documented and checked the same
way everywhere.
"""

from __future__ import annotations

import datetime as dt
import functools
from collections.abc import Callable
from pathlib import Path
from typing import TYPE_CHECKING, Any, TypeVar, cast

import click

from mgovern.bounds import FIRST_YEAR, LAST_YEAR
from mgovern.cli.app import fail
from mgovern.cli.app import quiet_option as quiet_option  # the root has it too
from mgovern.exceptions import shorten

if TYPE_CHECKING:
    from mgovern.history import History
    from mgovern.model import Organization

F = TypeVar("F", bound=Callable[..., Any])


def _org_from_root(ctx: click.Context, _: click.Parameter, value: Path | None) -> Path | None:
    """``mgovern show --org F`` and ``mgovern --org F show`` mean the same."""
    if value is not None:
        return value
    root = ctx.find_root()
    given = root.params.get("org_path") if root is not ctx else None
    return given if isinstance(given, Path) else None


def org_option(func: F) -> F:
    """``--org FILE`` (or ``MGOVERN_ORG``); without it, the embedded example."""
    return click.option(
        "--org",
        "org_path",
        envvar="MGOVERN_ORG",
        type=click.Path(dir_okay=False, path_type=Path),
        default=None,
        callback=_org_from_root,
        help="Organisation TOML file (default: $MGOVERN_ORG, else the embedded example).",
    )(func)


#: The forms a command prints its result in (docs/cli.md): ``--format`` chooses among
#: those a command has; ``--json`` and ``--markdown`` are aliases of json and md.
FORMATS = ("text", "md", "json", "csv")


def format_option(
    *choices: str, default: str = "text", help: str | None = None
) -> Callable[[F], F]:
    """``--format`` among ``choices`` (of :data:`FORMATS`), with ``--json`` for
    ``--format json`` and ``--markdown`` for ``--format md`` where those apply; the
    command receives ``fmt``. The last of them on the command line wins."""
    unknown = set(choices) - set(FORMATS)
    assert not unknown, f"--format {unknown}: not in the CLI vocabulary (docs/cli.md)"

    def decorate(func: F) -> F:
        if "md" in choices:
            func = click.option(
                "--markdown", "fmt", flag_value="md", help="The same as --format md."
            )(func)
        if "json" in choices:
            func = click.option(
                "--json", "fmt", flag_value="json", help="The same as --format json."
            )(func)
        return click.option(
            "--format",
            "fmt",
            type=click.Choice(choices),
            default=default,
            show_default=True,
            help=help or "How to print the result (json: one machine-readable document).",
        )(func)

    return decorate


def json_option(func: F) -> F:
    """``--format text|json`` (``--json`` the same as ``--format json``) for a command
    that prints text or one JSON document; the command receives ``as_json``."""

    @functools.wraps(func)
    def chosen(*args: Any, fmt: str, **kwargs: Any) -> Any:
        return func(*args, as_json=fmt == "json", **kwargs)

    return format_option("text", "json")(cast(F, chosen))


def default_window() -> tuple[dt.date, dt.date]:
    """This year and next: the window commands use when no ``--from``/``--to`` is given.

    "This year" is :func:`mgovern.clock.today`'s, which honours ``SOURCE_DATE_EPOCH``.
    """
    from mgovern.clock import today

    year = today().year
    return dt.date(year, 1, 1), dt.date(year + 1, 12, 31)


def _within_years(when: dt.date) -> None:
    """Days the library can compute with: mgovern.bounds' years, as for the files."""
    if not FIRST_YEAR <= when.year <= LAST_YEAR:
        raise click.BadParameter(f"use a day between the years {FIRST_YEAR} and {LAST_YEAR}")


def parse_stamp(_: click.Context, __: click.Parameter, value: str | None) -> dt.datetime | None:
    """``--stamp``: an ISO date-time; a naive one is taken as UTC."""
    if value is None:
        return None
    try:
        moment = dt.datetime.fromisoformat(value)
    except ValueError:
        raise click.BadParameter(
            f"{shorten(value, 40)!r} is not a date-time; write e.g. 2026-01-01T00:00Z"
        ) from None
    _within_years(moment)
    return moment if moment.tzinfo else moment.replace(tzinfo=dt.UTC)


def window_options(func: F) -> F:
    """``--from DAY --to DAY``; see :func:`resolve_window` for the defaults."""
    return described_window(
        "First day (default: 1 January this year).",
        "Last day (default: 31 December next year).",
    )(func)


def described_window(first: str, last: str) -> Callable[[F], F]:
    """``--from DAY --to DAY`` with the help texts of a command whose defaults differ."""

    def decorate(func: F) -> F:  # --from listed before --to in the help
        func = click.option("--to", "end", type=click.DateTime(["%Y-%m-%d"]), help=last)(func)
        return click.option("--from", "start", type=click.DateTime(["%Y-%m-%d"]), help=first)(func)

    return decorate


def resolve_window(
    start: dt.datetime | None,
    end: dt.datetime | None,
    default: tuple[dt.date, dt.date] | None = None,
) -> tuple[dt.date, dt.date]:
    """The window as dates; an end before the start is a usage error."""
    default_start, default_end = default or default_window()
    first = start.date() if start else default_start
    last = end.date() if end else default_end
    for flag, day in (("--from", first), ("--to", last)):
        if not FIRST_YEAR <= day.year <= LAST_YEAR:
            fail(f"{flag} {day}: use a day between the years {FIRST_YEAR} and {LAST_YEAR}")
    if last < first:
        fail(f"--to {last} is before --from {first}: swap the dates")
    return first, last


def parse_amount(_: click.Context, __: click.Parameter, value: str | None) -> Any:
    """``--amount``: read exactly as an amount in an item file is read
    (:func:`mgovern.bounds.parse_amount`: decimal comma, spaces as thousands separators,
    the same bounds)."""
    from mgovern.bounds import parse_amount as read_amount
    from mgovern.exceptions import ConfigError

    if value is None:
        return None
    try:
        return read_amount(value)
    except ConfigError as exc:
        raise click.BadParameter(exc.message) from None


def note_example(language: str) -> None:
    """Say on stderr that the command works on the embedded example organisation."""
    from mgovern.i18n import gettext_for

    _ = gettext_for(language)
    click.echo(_("mgovern: using the embedded example organisation (give --org FILE)"), err=True)


def load_org(path: Path | None, *, on: dt.date | None = None) -> Organization:
    """The organisation a command works on; says on stderr when it is the example. A
    history file (see docs/revisions.md) gives its rules and people in force ``on``
    (default today)."""
    from mgovern.config import example, load
    from mgovern.history import in_force, is_history_file, load_history

    if path is None:
        org = example()
        note_example(org.language)
        return org
    if is_history_file(path):
        return in_force(load_history(path), on)
    return load(path)


def load_source(path: Path | None) -> Organization | History:
    """What ``--org`` names as it is: a history file as its :class:`History` (for what
    needs more than one day of it, such as which roles are seats people hold), else the
    organisation (the embedded example without ``--org``, said on stderr)."""
    from mgovern.history import is_history_file, load_history

    if path is not None and is_history_file(path):
        return load_history(path)
    return load_org(path)


def parse_day(_: click.Context, __: click.Parameter, value: str | None) -> dt.date | None:
    """A day as ``YYYY-MM-DD``."""
    if value is None:
        return None
    try:
        day = dt.date.fromisoformat(value)
    except ValueError:
        raise click.BadParameter(
            f"{shorten(value, 40)!r} is not a date; write e.g. 2026-03-17"
        ) from None
    _within_years(day)
    return day


#: ``--year``: the years the library computes with, checked by click.
YEAR = click.IntRange(FIRST_YEAR, LAST_YEAR)


def on_option(func: F) -> F:
    """``--on DAY``: the day whose rules and role holders apply (default today)."""
    return click.option(
        "--on",
        "on",
        callback=parse_day,
        help="Apply the rules and people in force on this day (default: today).",
    )(func)


def parse_meeting_when(_: click.Context, __: click.Parameter, value: str) -> Any:
    """``--date``: a meeting's day, or its day and time when a group meets twice a day."""
    try:
        when = dt.datetime.fromisoformat(value) if "T" in value else dt.date.fromisoformat(value)
    except ValueError:
        raise click.BadParameter(
            f"{shorten(value, 40)!r} is not a date; write e.g. 2026-03-17 (or 2026-03-17T09:00)"
        ) from None
    _within_years(when)
    return when


def db_option(func: F) -> F:
    """``--db FILE`` (or ``MGOVERN_DB``): the decision register, a SQLite file."""
    return click.option(
        "--db",
        "db_path",
        envvar="MGOVERN_DB",
        type=click.Path(dir_okay=False, path_type=Path),
        default=None,
        help="Decision register, a SQLite file (default: $MGOVERN_DB).",
    )(func)


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
        "--date",
        "when",
        required=True,
        callback=parse_meeting_when,
        help="Meeting date (or date-time).",
    )(func)
    return click.option(
        "--group", "group_id", required=True, help="The group whose meeting it is."
    )(func)


def jobs_option(func: F) -> F:
    """``--jobs N``: how many processes may work at once (default: this one and one more
    per CPU the load average shows idle, :func:`mgovern._util.processes.default_processes`,
    used only when the organisation is large enough to gain)."""
    return click.option(
        "--jobs",
        "-j",
        "jobs",
        type=click.IntRange(1, 256),
        default=None,
        help="Processes to work at once (default, for large organisations only: 1 + the CPUs "
        "the load average shows idle; 1: no other process).",
    )(func)
