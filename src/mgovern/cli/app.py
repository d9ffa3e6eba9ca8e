"""The root ``mgovern`` command and how errors become one line.

Exit codes: 0 success, 1 findings (e.g. ``check`` found gaps), 2 bad input or usage.
A user's mistake prints one line on stderr naming the file, line or key path and what to
change, never a traceback. Only the exceptions that *are* a user's mistake are turned
into that line (MgovernError, click's usage errors, the operating system refusing a
path); anything else is a bug and keeps its traceback.
"""

from __future__ import annotations

import errno
import sys
from collections.abc import Callable
from pathlib import Path
from typing import Any, NoReturn, TypeVar

import click

from mgovern import __version__
from mgovern.exceptions import MgovernError, shorten

EXIT_FINDINGS = 1
EXIT_BAD_INPUT = 2


def fail(message: str) -> NoReturn:
    """Print one error line and leave with exit code 2."""
    click.echo(f"mgovern: error: {message}", err=True)
    sys.exit(EXIT_BAD_INPUT)


def _middle(text: str, limit: int = 80) -> str:
    """A long path cut in the middle, so that its start and its file name both show."""
    if len(text) <= limit:
        return text
    half = (limit - 1) // 2
    return f"{text[:half]}…{text[-half:]}"


QUIET = "mgovern.quiet"


def set_quiet(ctx: click.Context, value: bool) -> None:
    """``--quiet`` before or after the command name: no progress bar."""
    if value:
        ctx.meta[QUIET] = True  # meta is shared by the root and every subcommand


F = TypeVar("F", bound=Callable[..., Any])


def quiet_option(func: F) -> F:
    """``--quiet``/``-q``: no progress bar; on the root (``mgovern --quiet X``) or on a
    command (``mgovern X --quiet``), the same."""
    return click.option(
        "--quiet",
        "-q",
        is_flag=True,
        expose_value=False,
        callback=lambda ctx, _, value: set_quiet(ctx, value),
        help="No progress bar on the terminal.",
    )(func)


class RootGroup(click.Group):
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
            where = _middle(str(exc.filename)) if exc.filename else "output"
            if exc.errno in (errno.EAGAIN, errno.EINVAL):  # busy, or what to do is said
                fail(f"{where}: {exc.strerror or exc}")
            fail(f"{where}: {exc.strerror or exc}; choose another path or fix its permissions")

    def main(self, *args: Any, **kwargs: Any) -> Any:
        kwargs["standalone_mode"] = False
        try:
            result = super().main(*args, **kwargs)
        except click.exceptions.NoArgsIsHelpError as exc:  # `mgovern` alone: the help
            click.echo(exc.ctx.get_help() if exc.ctx else self.get_usage(click.Context(self)))
            sys.exit(EXIT_BAD_INPUT)
        except click.UsageError as exc:
            command = exc.ctx.command_path if exc.ctx else "mgovern"
            where = f" (see '{command} --help')" if exc.ctx and exc.ctx.parent else ""
            message = shorten(exc.format_message(), 240)
            fail(f"{command}: {message}{where}")
        except click.ClickException as exc:
            fail(shorten(exc.format_message(), 280))
        except click.Abort:
            click.echo("mgovern: aborted", err=True)
            sys.exit(EXIT_FINDINGS)
        sys.exit(result if isinstance(result, int) else 0)


@click.group(cls=RootGroup, context_settings={"help_option_names": ["-h", "--help"]})
@click.version_option(__version__, prog_name="mgovern")
@click.option(
    "--org",
    "org_path",
    envvar="MGOVERN_ORG",
    type=click.Path(dir_okay=False, path_type=Path),
    default=None,
    help="Organisation TOML file for the command (it may also follow the command name).",
)
@quiet_option
def cli(org_path: Path | None) -> None:
    """Govern management-group meetings: mandates, routing, agendas, calendars."""
