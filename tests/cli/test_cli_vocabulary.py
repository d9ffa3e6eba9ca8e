"""One CLI vocabulary (docs/cli.md): every command, the plugins' too, walked and held to it."""

from __future__ import annotations

import re
from collections.abc import Iterator
from pathlib import Path

import click
import pytest
from click.testing import CliRunner

from mgovern.cli import build_cli

DOC = Path(__file__).resolve().parents[2] / "docs" / "cli.md"
FORMATS = {"text", "md", "json", "csv"}
#: Commands whose --format is the file format of the document they write (docs/cli.md).
#: commands whose --format is a document's file format (md, html, docx: a plugin's too)
DOCUMENT_FORMAT = {"documents", "meetings show"}


def commands() -> Iterator[tuple[str, click.Command]]:
    def walk(command: click.Command, path: str) -> Iterator[tuple[str, click.Command]]:
        if isinstance(command, click.Group):
            for name, sub in sorted(command.commands.items()):
                yield from walk(sub, f"{path} {name}".strip())
        else:
            yield path, command

    yield from walk(build_cli(), "")


COMMANDS = dict(commands())


def options(command: click.Command) -> dict[str, click.Option]:
    return {
        name: param
        for param in command.params
        if isinstance(param, click.Option)
        for name in param.opts
    }


def documented() -> set[str]:
    table = DOC.read_text(encoding="utf-8").split("## Options", 1)[1]
    return {
        name
        for cell in re.findall(r"^\| (`[^|]+`) \|", table, re.MULTILINE)
        for name in re.findall(r"`(-[-\w]+)", cell)
    }


@pytest.mark.parametrize("path", sorted(COMMANDS))
def test_every_option_is_in_the_vocabulary(path: str) -> None:
    unknown = sorted(set(options(COMMANDS[path])) - documented())
    assert not unknown, f"mgovern {path}: {unknown} are not in docs/cli.md"


@pytest.mark.parametrize("path", sorted(COMMANDS))
def test_format_json_and_markdown_mean_one_thing(path: str) -> None:
    found = options(COMMANDS[path])
    formats = [p for p in COMMANDS[path].params if "--format" in getattr(p, "opts", ())]
    assert len(formats) <= 1, f"mgovern {path}: --format twice"
    if path in DOCUMENT_FORMAT:
        return
    if "--json" in found:
        assert formats, f"mgovern {path}: --json without --format json"
    if formats:
        (fmt,) = formats
        assert isinstance(fmt.type, click.Choice)
        assert set(fmt.type.choices) <= FORMATS, f"mgovern {path}: {fmt.type.choices}"
        for alias, value in (("--json", "json"), ("--markdown", "md")):
            if value in fmt.type.choices:
                assert alias in found, f"mgovern {path}: {alias} missing"
            if alias in found:
                option = found[alias]
                assert (option.name, option.flag_value) == (fmt.name, value), (path, alias)


@pytest.mark.parametrize("path", sorted(COMMANDS))
def test_from_and_to_are_only_a_window(path: str) -> None:
    found = options(COMMANDS[path])
    assert ("--from" in found) == ("--to" in found), f"mgovern {path}: --from without --to"
    names = [n for n in found if re.search(r"-(from|to)$", n) and n not in ("--from", "--to")]
    assert not names, f"mgovern {path}: {names}: a window is --from/--to"


@pytest.mark.parametrize("path", sorted(COMMANDS))
def test_a_year_is_year_and_checked(path: str) -> None:
    found = options(COMMANDS[path])
    assert not [n for n in found if "year" in n and n != "--year"], path
    if "--year" in found:
        assert isinstance(found["--year"].type, click.IntRange), f"mgovern {path}: --year"


def run(*args: str) -> click.testing.Result:
    return CliRunner().invoke(build_cli(), list(args), catch_exceptions=False)


@pytest.mark.parametrize(
    ("args", "alias"),
    [
        (("show",), "--json"),
        (("decisions", "audit"), "--json"),
        (("decisions", "report", "--group", "namnd", "--date", "2026-04-23"), "--json"),
        (("arshjul", "--year", "2026"), "--markdown"),
        (("diff", "src/mgovern/examples/exploateringskontoret-historik.toml"), "--markdown"),
    ],
)
def test_an_alias_prints_what_its_format_prints(args: tuple[str, ...], alias: str) -> None:
    root = Path(__file__).resolve().parents[2]
    args = tuple(str(root / a) if a.startswith("src/") else a for a in args)
    value = {"--json": "json", "--markdown": "md"}[alias]
    assert run(*args, alias).stdout == run(*args, "--format", value).stdout


def test_the_writing_options_are_out_and_a_kind() -> None:
    """What a command writes goes to --out; files besides are --ics or --svg."""
    assert "--out" in options(COMMANDS["documents"])
    assert "--to" not in options(COMMANDS["documents"])
    assert "--svg" in options(COMMANDS["report"])
    assert "--chart" not in options(COMMANDS["report"])
