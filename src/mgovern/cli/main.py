"""The ``mgovern`` console script: the root command with every command family added.

The wiring lives here, apart from :mod:`mgovern.cli.app`, because every command module
imports the root command from ``app``: ``app`` knowing the command modules as well would
be a circle.
"""

from __future__ import annotations

import importlib
import pkgutil
from collections.abc import Sequence

import click

from mgovern.cli import commands
from mgovern.cli.app import cli, fail
from mgovern.exceptions import MgovernError

__all__ = ["build_cli", "main"]


def _load_commands() -> None:
    """Import every module of :mod:`mgovern.cli.commands`; each adds its commands to
    :data:`cli`. A new command family is one new file there."""
    for module in pkgutil.iter_modules(commands.__path__):
        importlib.import_module(f"{commands.__name__}.{module.name}")


def build_cli() -> click.Group:
    """The root command with the built-in commands and every plugin's commands added."""
    from mgovern.plugins import plugin_manager

    _load_commands()
    plugin_manager().hook.mgovern_register_commands(cli=cli)
    return cli


def main(argv: Sequence[str] | None = None) -> None:
    """Entry point of the ``mgovern`` console script."""
    try:
        command = build_cli()
    except MgovernError as exc:
        fail(str(exc))
    command.main(args=argv, prog_name="mgovern")
