"""The ``mgovern`` command line.

:mod:`~mgovern.cli.app` holds the root command and how errors become one line;
:mod:`~mgovern.cli.main` adds every command family to it (the console script);
:mod:`~mgovern.cli.options` the options commands share; :mod:`~mgovern.cli.output` the
JSON, table and change-list printing; :mod:`mgovern.cli.commands` one module per command
family. Plugins add commands through the ``mgovern_register_commands`` hook.
"""

from __future__ import annotations

from mgovern.cli.app import EXIT_BAD_INPUT, EXIT_FINDINGS, cli, fail
from mgovern.cli.commands.agendas import meeting_agenda
from mgovern.cli.main import build_cli, main
from mgovern.cli.options import json_option, load_org, org_option, window_options
from mgovern.cli.output import emit_json

__all__ = [
    "EXIT_BAD_INPUT",
    "EXIT_FINDINGS",
    "build_cli",
    "cli",
    "emit_json",
    "fail",
    "json_option",
    "load_org",
    "main",
    "meeting_agenda",
    "org_option",
    "window_options",
]
