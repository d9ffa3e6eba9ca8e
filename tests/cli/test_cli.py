"""The command line, run as a user runs it: exit codes, one-line errors, output."""

from __future__ import annotations

import json
import subprocess
import sys
from pathlib import Path

import pytest
from click.testing import CliRunner

from mgovern.cli import build_cli


def run(*args: str, env: dict[str, str] | None = None):  # type: ignore[no-untyped-def]
    return CliRunner().invoke(build_cli(), list(args), env=env, catch_exceptions=False)


def test_show_prints_the_tree() -> None:
    result = run("show")
    assert result.exit_code == 0
    assert "använder den inbyggda exempelorganisationen" in result.stderr
    out = result.stdout
    assert "Exploateringsnämnden [namnd]" in out
    assert "  Kontorsledningsgruppen [klg]" in out
    assert "    Mark och värdering [mv]" in out
    assert out.index("[namnd]") < out.index("[klg]") < out.index("[mv]")


def test_show_json() -> None:
    data = json.loads(run("show", "--json").stdout)
    (board,) = data["groups"]
    assert board["id"] == "namnd"
    (klg,) = board["children"]
    assert klg["id"] == "klg"
    assert len(klg["children"]) == 8
    assert klg["chair"]
    assert {c["id"] for c in klg["cycles"]} >= {"taktiskt", "strategiskt"}


def test_validate_ok() -> None:
    result = run("validate")
    assert result.exit_code == 0
    assert "giltig (" in result.stdout


def test_version() -> None:
    assert run("--version").stdout.startswith("mgovern, version ")


def test_plugins_lists_builtins() -> None:
    result = run("plugins")
    assert "mgovern.builtins (built-in)" in result.stdout


@pytest.mark.parametrize(
    ("content", "expected"),
    [
        ('id = "x"\nname = \n', ":2: TOML syntax error"),
        ('id = "x"\nname = "X"\ncolour = 1\n', ": colour: unknown key"),
        ('id = "x"\n', ": name: required key is missing"),
        ('id = "x"\nname = "X"\ntimezone = "Mars/Olympus"\n', "unknown time zone 'Mars/Olympus'"),
    ],
)
def test_bad_file_is_exit_2_and_one_line(tmp_path: Path, content: str, expected: str) -> None:
    path = tmp_path / "org.toml"
    path.write_text(content, encoding="utf-8")
    before = sorted(tmp_path.iterdir())
    result = run("validate", "--org", str(path))
    assert result.exit_code == 2
    assert result.stdout == ""
    lines = result.stderr.strip().splitlines()
    assert len(lines) == 1
    assert lines[0].startswith(f"mgovern: error: {path}")
    assert expected in lines[0]
    assert sorted(tmp_path.iterdir()) == before


def test_missing_file_via_environment(tmp_path: Path) -> None:
    result = run("show", env={"MGOVERN_ORG": str(tmp_path / "none.toml")})
    assert result.exit_code == 2
    assert "none.toml: file not found" in result.stderr


def test_real_process_has_no_traceback(tmp_path: Path) -> None:
    path = tmp_path / "org.toml"
    path.write_text("[[groups]\n", encoding="utf-8")
    proc = subprocess.run(
        [sys.executable, "-m", "mgovern", "validate", "--org", str(path)],
        capture_output=True,
        text=True,
        check=False,
    )
    assert proc.returncode == 2
    assert "Traceback" not in proc.stderr
    assert proc.stderr.count("\n") == 1


def test_unknown_command_is_usage_error() -> None:
    result = CliRunner().invoke(build_cli(), ["nosuch"])
    assert result.exit_code == 2


@pytest.mark.parametrize(
    ("args", "expected"),
    [
        (["--raised-in", "klg", "--category", "nope"], "unknown category 'nope'"),
        (["--raised-in", "zz", "--category", "budget"], "unknown group 'zz'"),
        (["--raised-in", "klg", "--category", "budget", "--unit", "qq"], "unknown group 'qq'"),
        (["--raised-in", "klg", "--category", "budget", "--flag", "hush"], "unknown flag 'hush'"),
        (["--raised-in", "klg", "--category", "budget", "--amount", "-5"], "must be a number >= 0"),
        (["--raised-in", "klg", "--category", "budget", "--amount", "lots"], "is not an amount"),
    ],
)
def test_route_bad_input_is_exit_2(args: list[str], expected: str) -> None:
    result = CliRunner().invoke(build_cli(), ["route", *args])
    assert result.exit_code == 2
    assert "Traceback" not in result.output
    assert expected in result.stderr
    assert result.stdout == ""


def test_route_prints_outcome_home_decider_and_clause() -> None:
    result = run(
        "route", "--raised-in", "klg", "--category", "fastighetsforsaljning", "--amount", "3000000"
    )
    assert result.exit_code == 0
    lines = result.stdout.splitlines()
    assert lines[0] == "utfall:      delegate"
    assert lines[1] == "hemvist:     mv"
    assert lines[2].startswith("beslutas av: avdelningschef (")
    assert lines[3] == "regel:       mv/handles/fastighet-liten"
    assert "Beslutas av Avdelningschef" in result.stdout
