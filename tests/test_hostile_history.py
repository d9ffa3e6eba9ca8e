"""History files (docs/revisions.md) go through the same bounded reader and the same
one-line errors as organisation files: exit 2, one line naming file and key, no
traceback — whatever the file holds."""

from __future__ import annotations

from pathlib import Path

import pytest
from click.testing import CliRunner

import mgovern
from mgovern.cli import build_cli

EXAMPLE = Path(mgovern.__file__).parent / "examples" / "exploateringskontoret.toml"


def history(tmp_path: Path, body: str, *, bom: bool = False) -> Path:
    path = tmp_path / "historik.toml"
    text = f'based_on = "{EXAMPLE.as_posix()}"\n{body}'
    path.write_bytes(("\ufeff" if bom else "").encode() + text.encode("utf-8"))
    return path


@pytest.mark.parametrize(
    ("body", "expected"),
    [
        ('revisions = "x"\n', "revisions: write each as a [[revisions]] table"),
        ("appointments = [1, 2]\n", "appointments: write each as a [[appointments]] table"),
        ("[[revisions]]\ntitle = 'no date'\n", "revisions[0]: needs effective = a TOML date"),
        ("[[revisions]]\neffective = 2026-05-01\nlocale = 5\n", "revisions[0]: locale:"),
        (
            '[[revisions]]\neffective = 2026-05-01\nname = "a\\u0000b"\n',
            "revisions[0]: name:",
        ),
        ("nonsense = 1\n", "unknown key 'nonsense'"),
        ("x = " + "[" * 5000 + "]" * 5000 + "\n", "levels"),
        ("[[revisions]\n", "historik.toml"),
        (
            "[[appointments]]\nperson = 'ingen'\ngroup = 'klg'\n",
            "appointments[0]",
        ),
    ],
)
def test_a_broken_history_is_one_line(tmp_path: Path, body: str, expected: str) -> None:
    path = history(tmp_path, body)
    result = CliRunner().invoke(build_cli(), ["validate", "--org", str(path)])
    assert result.exit_code == 2, result.output
    (line,) = result.stderr.splitlines()
    assert "Traceback" not in result.output
    assert len(line) <= 300
    assert "historik.toml" in line
    assert expected in line


def test_a_history_naming_a_missing_file(tmp_path: Path) -> None:
    path = tmp_path / "historik.toml"
    path.write_text('based_on = "finns-inte.toml"\n', encoding="utf-8")
    result = CliRunner().invoke(build_cli(), ["check", "--org", str(path)])
    assert result.exit_code == 2
    assert result.stderr.strip().endswith("finns-inte.toml: file not found: check the path")


def test_a_history_with_a_byte_order_mark_is_read(tmp_path: Path) -> None:
    path = history(tmp_path, "", bom=True)
    result = CliRunner().invoke(build_cli(), ["validate", "--org", str(path)])
    assert result.exit_code == 0, result.stderr
    assert "giltig (10 grupper" in result.stdout


def test_a_device_is_not_taken_for_a_history(tmp_path: Path) -> None:
    if not Path("/dev/zero").exists():
        pytest.skip("no /dev/zero here")
    from mgovern.history import is_history_file

    assert is_history_file("/dev/zero") is False  # read 64 KiB of it, not all
