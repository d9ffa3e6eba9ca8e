"""The plugin manager: built-ins, entry points, blocking, broken plugins, docs."""

from __future__ import annotations

import importlib.metadata
import re
from pathlib import Path

import click
import pytest

import mgovern
from mgovern import hookspecs
from mgovern.plugins import DEFAULT_PLUGINS, make_plugin_manager

DOCS = Path(__file__).parent.parent / "docs" / "plugins.md"


def hook_names() -> list[str]:
    return sorted(n for n in dir(hookspecs) if n.startswith("mgovern_"))


def test_every_hook_is_documented() -> None:
    text = DOCS.read_text(encoding="utf-8")
    headings = set(re.findall(r"^## `(mgovern_\w+)", text, flags=re.MULTILINE))
    missing = [name for name in hook_names() if name not in headings]
    assert not missing, f"hooks without a section in docs/plugins.md: {missing}"


def test_builtins_are_registered_as_plugins() -> None:
    pm = make_plugin_manager(entry_points=False)
    for name in DEFAULT_PLUGINS:
        assert pm.get_plugin(name) is not None


def test_disable_blocks_a_plugin() -> None:
    pm = make_plugin_manager(entry_points=False, disabled=["mgovern.builtins"])
    assert pm.get_plugin("mgovern.builtins") is None
    assert pm.is_blocked("mgovern.builtins")


def test_misspelled_hook_is_caught() -> None:
    class Typo:
        @mgovern.hookimpl
        def mgovern_register_comands(self, cli: click.Group) -> None: ...

    with pytest.raises(mgovern.PluginError, match="mgovern_register_comands"):
        make_plugin_manager(entry_points=False, extra=[Typo()])


class _FakeEntryPoint:
    name = "broken"
    dist = None

    def load(self) -> object:
        raise ImportError("No module named 'missing_dependency'")


def test_broken_entry_point_is_named(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(importlib.metadata, "entry_points", lambda group: [_FakeEntryPoint()])
    with pytest.raises(
        mgovern.PluginError, match=r"plugin 'broken' .* failed to load: ImportError"
    ):
        make_plugin_manager()
    # and it can be blocked by name
    monkeypatch.setenv("MGOVERN_DISABLE_PLUGINS", "broken")
    assert make_plugin_manager().is_blocked("broken")


def test_plugin_adds_a_command() -> None:
    from click.testing import CliRunner

    from mgovern import cli as cli_module

    class Hello:
        @mgovern.hookimpl
        def mgovern_register_commands(self, cli: click.Group) -> None:
            @cli.command()
            def hello() -> None:
                click.echo("hej")

    pm = make_plugin_manager(entry_points=False, extra=[Hello()])
    group = click.Group("mgovern", commands=dict(cli_module.cli.commands))
    pm.hook.mgovern_register_commands(cli=group)
    result = CliRunner().invoke(group, ["hello"])
    assert result.output == "hej\n"
