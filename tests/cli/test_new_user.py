"""What a new user trips over (issue 11, section 5): one ``--json`` convention, ``--org``
before the command, gaps named apart from fallback catches, no name that is both a
function and a module, aligned tables, and the warnings a user needs."""

from __future__ import annotations

import json
import subprocess
import sys
from pathlib import Path

import attrs
import pytest
from click.testing import CliRunner

import mgovern
from mgovern.cli import build_cli

EXAMPLE_ITEMS = Path(mgovern.__file__).parent / "examples" / "agenda-items.toml"


@pytest.fixture(scope="module")
def org_file(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """The example under another name, so a test can tell it was the file that was read."""
    org = mgovern.example()
    renamed = attrs.evolve(org, name="Testkontoret")
    path = tmp_path_factory.mktemp("org") / "org.toml"
    path.write_text(mgovern.dumps(renamed), encoding="utf-8")
    return path


def run(*args: str) -> tuple[int, str, str]:
    result = CliRunner().invoke(build_cli(), list(args))
    return result.exit_code, result.stdout, result.stderr


# --- one --json convention ---------------------------------------------------------------
def _json_commands(tmp: Path) -> dict[str, list[str]]:
    meeting = ["--group", "klg", "--date", "2026-03-17", "--items", str(EXAMPLE_ITEMS)]
    return {
        "validate": ["validate"],
        "show": ["show"],
        "plugins": ["plugins"],
        "route": ["route", "--raised-in", "klg", "--category", "budget"],
        "check": ["check", "--from", "2026-01-01", "--to", "2026-03-31"],
        "calendars": ["calendars", "--out", str(tmp / "cal"), "--to", "2026-12-31"],
        "publish": ["publish", (tmp / "pub").as_uri(), "--to", "2026-12-31"],
        "agenda": ["agenda", *meeting],
        "report": ["report", "--items", str(EXAMPLE_ITEMS)],
        "documents": ["documents", *meeting, "--out", (tmp / "docs").as_uri()],
    }


@pytest.mark.parametrize(
    "command",
    [
        "validate",
        "show",
        "plugins",
        "route",
        "check",
        "calendars",
        "publish",
        "agenda",
        "report",
        "documents",
    ],
)
def test_every_reporting_command_prints_one_json_document(tmp_path: Path, command: str) -> None:
    args = _json_commands(tmp_path)[command]
    code, out, _ = run(*args, "--json")
    assert code == 0, out
    data = json.loads(out)  # the whole of stdout is one document
    assert data
    if command == "calendars":
        assert data["groups"] == 10
        assert data["conflicts"] == []
        assert {f["name"] for f in data["files"]} >= {"all.ics", "groups/klg.ics"}
    if command in ("publish", "documents"):
        assert data["conflicts"] == 0
        assert data["changes"]
    if command == "validate":
        assert data == {
            "valid": True,
            "id": "exploateringskontoret",
            "name": "Exploateringskontoret, Stockholms stad",
            "groups": 10,
            "people": 55,
            "cycles": data["cycles"],
            "warnings": [],
        }
    if command == "check":
        assert data["gaps"] == []
        assert len(data["fallback_only"]) == 110


def test_agenda_format_json_is_the_same_as_json() -> None:
    meeting = ["--group", "klg", "--date", "2026-03-17", "--items", str(EXAMPLE_ITEMS)]
    assert run("agenda", *meeting, "--json")[1] == run("agenda", *meeting, "--format", "json")[1]


# --- --org before or after the command ---------------------------------------------------
@pytest.mark.parametrize("command", ["show", "validate", "check"])
def test_org_before_the_command_is_the_same_as_after(org_file: Path, command: str) -> None:
    before = run("--org", str(org_file), command)
    after = run(command, "--org", str(org_file))
    assert before == after
    assert "Testkontoret" in before[1]
    assert "embedded example" not in before[2]


def test_org_after_the_command_wins_over_before(org_file: Path, tmp_path: Path) -> None:
    missing = tmp_path / "missing.toml"
    code, _, err = run("--org", str(missing), "show", "--org", str(org_file))
    assert code == 0
    code, _, err = run("--org", str(org_file), "show", "--org", str(missing))
    assert code == 2
    assert "missing.toml" in err


# --- gaps named apart ------------------------------------------------------------------
def test_gaps_mean_matters_without_a_home_everywhere() -> None:
    report = mgovern.check(mgovern.example())
    assert report.gaps == ()
    assert report.open_gaps == ()
    assert len(report.fallback_only) == 110
    assert all(g.caught_by is not None for g in report.fallback_only)
    _code, out, _ = run("check", "--from", "2026-01-01", "--to", "2026-01-31")
    assert "luckor (ingen hemvist): 0\n" in out
    assert "tas bara av en uppsamlingsregel: 110 (4 rader; lista dem med --fallback)" in out
    assert "FALLBACK" not in out
    listed = run("check", "--from", "2026-01-01", "--to", "2026-01-31", "--fallback")[1]
    assert listed.count("  FALLBACK ") == 4


def test_a_report_prints_readably() -> None:
    report = mgovern.check(mgovern.example())
    text = str(report)
    assert text.splitlines()[:2] == [
        "ok: 25344 cells of the matter space decided",
        "gaps (no home): 0",
    ]
    assert len(text) < 1000
    assert repr(report) == (
        "Report(ok=True, cells=25344, gaps=0, fallback_only=110, overlaps=48, "
        "ambiguous=0, dead_clauses=0)"
    )


# --- no public name is also a submodule ---------------------------------------------------
def test_no_public_name_is_shadowed_by_a_submodule() -> None:
    code = (
        "import importlib, pkgutil, mgovern\n"
        "for m in pkgutil.iter_modules(mgovern.__path__):\n"
        "    if m.name != '__main__':\n"
        "        importlib.import_module('mgovern.' + m.name)\n"
        "bad = [n for n in mgovern.__all__ if type(getattr(mgovern, n)).__name__ == 'module']\n"
        "assert not bad, bad\n"
        "from decimal import Decimal\n"
        "org = mgovern.example()\n"
        "print(mgovern.horizon(org, mgovern.Matter('budget')).horizon.value)\n"
    )
    done = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, check=False)
    assert done.returncode == 0, done.stderr
    assert done.stdout.strip() in ("strategic", "operative")


def test_mgovern_alone_prints_the_help() -> None:
    code, out, err = run()
    assert code == 2
    assert err == ""
    assert out.startswith("Usage: ")
    assert "Commands:" in out
    assert "calendars" in out


# --- tables stay aligned ------------------------------------------------------------------
def test_report_table_stays_aligned_with_long_group_ids(tmp_path: Path) -> None:
    text = mgovern.dumps(mgovern.example())
    long_id = "avdelningen-for-mark-och-vardering"
    text = text.replace('"mv"', f'"{long_id}"')
    org_path = tmp_path / "org.toml"
    org_path.write_text(text, encoding="utf-8")
    items = EXAMPLE_ITEMS.read_text(encoding="utf-8").replace('"mv"', f'"{long_id}"')
    items_path = tmp_path / "items.toml"
    items_path.write_text(items, encoding="utf-8")
    code, out, err = run("report", "--org", str(org_path), "--items", str(items_path))
    assert code == 0, err
    lines = out.splitlines()
    header = lines[1]
    rows = [line for line in lines[2:] if line[:1].isalnum() and not line.startswith("grupper ")]
    assert any(row.startswith(long_id) for row in rows)
    month = header.index("månad")
    minutes_end = header.index("min") + len("min")
    for row in rows:
        assert row[month - 1] == " ", row
        assert row[month : month + 4].isdigit(), row
        assert row[minutes_end - 1].isdigit(), row
        assert row[minutes_end] == " ", row


# --- warnings a user needs ---------------------------------------------------------------
def test_a_calendar_too_big_to_subscribe_is_warned_about(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    from mgovern.cli.commands import calendars

    monkeypatch.setattr(calendars, "SUBSCRIPTION_LIMIT", 20_000)
    code, _out, err = run("calendars", "--out", str(tmp_path), "--to", "2026-12-31")
    assert code == 0
    warned = [line for line in err.splitlines() if "Google Calendar stops reading" in line]
    assert any(line.startswith("mgovern: warning: all.ics is ") for line in warned)
    sizes = {p.name: p.stat().st_size for p in tmp_path.rglob("*.ics")}
    assert len(warned) == sum(1 for size in sizes.values() if size > 20_000)


def test_no_warning_for_the_example_at_the_real_limit(tmp_path: Path) -> None:
    code, _, err = run("calendars", "--out", str(tmp_path))
    assert code == 0
    assert "warning" not in err
    assert (tmp_path / "all.ics").stat().st_size < 1_000_000


def test_strategies_without_hypothesis_say_what_to_install() -> None:
    code = (
        "import sys\n"
        "sys.modules['hypothesis'] = None\n"
        "try:\n"
        "    from mgovern.testing import matters\n"
        "except ModuleNotFoundError as exc:\n"
        "    print(exc)\n"
    )
    done = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, check=False)
    assert done.returncode == 0, done.stderr
    assert "need Hypothesis: pip install hypothesis" in done.stdout


# --- every day and year option is bounded like the files ---------------------------------
@pytest.mark.parametrize(
    ("args", "expected"),
    [
        (["actions", "--on", "9999-12-31"], "'--on': use a day between the years 1900 and 2100"),
        (["decisions", "list", "--from", "9999-12-31"], "'--from': use a day between"),
        (["decisions", "list", "--to", "0001-01-01"], "'--to': use a day between"),
        (["arshjul", "--year", "99999"], "'--year': 99999 is not in the range 1900<=x<=2100"),
        (["arshjul", "--year", "0"], "'--year': 0 is not in the range 1900<=x<=2100"),
    ],
)
def test_days_and_years_out_of_range_are_one_line(args: list[str], expected: str) -> None:
    code, _, err = run(*args)
    assert code == 2
    (line,) = err.strip().splitlines()[-1:]
    assert expected in line
    assert "Traceback" not in err


def test_a_usage_mistake_in_a_subcommand_points_at_its_own_help() -> None:
    _, _, err = run("decisions", "list", "--from", "x")
    assert err.strip().endswith("(see 'cli decisions list --help')")
