"""Every hook mgovern calls. Plugins implement them with ``@mgovern.hookimpl``.

Each hook is documented with a runnable example in ``docs/plugins.md``; a test fails
when one is not.
"""

from __future__ import annotations

from typing import TYPE_CHECKING

import pluggy

if TYPE_CHECKING:
    import click

PROJECT = "mgovern"

hookspec = pluggy.HookspecMarker(PROJECT)


@hookspec
def mgovern_register_commands(cli: click.Group) -> None:
    """Add commands to the ``mgovern`` command line.

    :param cli: the root click group; call ``cli.command()`` or ``cli.add_command()``.
    """
