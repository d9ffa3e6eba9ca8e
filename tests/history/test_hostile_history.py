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


# --- issue 21: revisions change only what they name; hostile history files ---------------
def _validate(path: Path) -> tuple[int, str, str]:
    result = CliRunner().invoke(build_cli(), ["validate", "--org", str(path)])
    assert "Traceback" not in result.output
    return result.exit_code, result.stdout, result.stderr


TYPO = """
[[revisions]]
effective = 2026-05-01
title = "Delegationsordning 2026"
[[revisions.groups]]
id = "mv"
[[revisions.groups.mandate.handles]]
id = "fastighet-litn"
amount_max = 75
"""


def test_a_revision_naming_a_clause_that_does_not_exist_is_refused(tmp_path: Path) -> None:
    code, out, err = _validate(history(tmp_path, TYPO))
    assert code == 2
    assert out == ""
    (line,) = err.splitlines()
    assert "historik.toml: revisions[0].groups[0].mandate.handles[0]:" in line
    assert "'fastighet-litn'" in line
    assert "nearest: fastighet-liten" in line
    assert "add = true" in line


def test_a_revision_adds_a_clause_when_it_says_so(tmp_path: Path) -> None:
    body = TYPO.replace('id = "fastighet-litn"', 'id = "mark-ny"\nadd = true\n')
    body += 'categories = ["fastighetsforsaljning"]\ndecided_by = "avdelningschef"\n'
    code, out, err = _validate(history(tmp_path, body))
    assert code == 0, err
    assert "giltig" in out


@pytest.mark.parametrize(
    ("body", "expected"),
    [
        # adding what exists, removing what does not, both at once
        (
            '[[revisions]]\neffective = 2026-05-01\n[[revisions.groups]]\nid = "mv"\nadd = true\n',
            "revisions[0].groups[0].add: adds 'mv', which exists already",
        ),
        (
            '[[revisions]]\neffective = 2026-05-01\n[[revisions.people]]\nid = "henrik-blum"\n'
            "remove = true\n",
            "revisions[0].people[0]: removes 'henrik-blum', which the people lack "
            "(nearest: henrik-blom",
        ),
        (
            '[[revisions]]\neffective = 2026-05-01\n[[revisions.groups]]\nid = "mv"\n'
            "add = true\nremove = true\n",
            "revisions[0].groups[0]: both adds and removes 'mv'",
        ),
        (
            '[[revisions]]\neffective = 2026-05-01\n[[revisions.groups]]\nid = "mv"\nadd = 1\n',
            "revisions[0].groups[0].add: add must be true or false",
        ),
        # a list or a table where a string belongs
        (
            '[[revisions]]\neffective = 2026-05-01\n[[revisions.groups]]\nid = ["mv"]\n',
            "revisions[0].groups[0].id: needs id = the string id",
        ),
        (
            '[[revisions]]\neffective = 2026-05-01\n[[revisions.groups]]\nid = "mv"\n'
            "[[revisions.groups.mandate.handles]]\nid = {x = 1}\n",
            "revisions[0].groups[0].mandate.handles[0].id: needs id = the string id",
        ),
        (
            '[[revisions]]\neffective = 2026-05-01\n[[revisions.groups]]\nid = "mv"\n'
            "[[revisions.groups.mandate.handles]]\n"
            'id = "fastighet-liten"\ncategories = [["x"]]\n',
            "revisions[0]: groups[3].mandate.handles",
        ),
        ("[[revisions]]\neffective = 2026-05-01\ntitle = ['a']\n", "revisions[0].title: must be"),
        (
            "[[appointments]]\nperson = ['henrik-blom']\ngroup = 'mv'\n",
            "appointments[0].person: must be a string",
        ),
        (
            "[[appointments]]\nperson = 'henrik-blom'\ngroup = 'mv'\nrole = ['direktor']\n",
            "appointments[0].role: must be a string",
        ),
        # an appointment of a person a revision in force during it no longer lists
        (
            '[[revisions]]\neffective = 2026-05-01\n[[revisions.people]]\nid = "stina-borg"\n'
            'remove = true\n[[revisions.groups]]\nid = "mv"\nsecretary = "fredrik-holm"\n'
            "[[appointments]]\nperson = 'stina-borg'\ngroup = 'mv'\nposition = 'secretary'\n"
            "to = 2026-12-31\n",
            "appointments[0].person: appoints 'stina-borg' to 'mv', but revisions[0] (in force "
            "from 2026-05-01) has no such person",
        ),
    ],
)
def test_hostile_revisions_are_one_line(tmp_path: Path, body: str, expected: str) -> None:
    code, out, err = _validate(history(tmp_path, body))
    assert code == 2, out
    (line,) = err.splitlines()
    assert "historik.toml" in line
    assert expected in line


def test_an_organisation_quoting_based_on_is_an_organisation(tmp_path: Path) -> None:
    """Whether a file is a history is decided by its TOML structure, never by its text: a
    description may hold a line that reads like a history's first line."""
    text = EXAMPLE.read_text(encoding="utf-8").replace(
        'description = """\\\n', 'description = """\nbased_on = "en-annan-fil.toml"\n', 1
    )
    assert '\nbased_on = "en-annan-fil.toml"\n' in text
    path = tmp_path / "org.toml"
    path.write_text(text, encoding="utf-8")
    code, out, err = _validate(path)
    assert code == 0, err
    assert "giltig (10 grupper" in out


def test_the_last_day_there_is_ends_no_calendar(tmp_path: Path) -> None:
    path = history(
        tmp_path,
        "[[appointments]]\nperson = 'henrik-blom'\ngroup = 'mv'\nposition = 'chair'\n"
        "to = 9999-12-31\n",
    )
    result = CliRunner().invoke(
        build_cli(),
        ["governance", "--org", str(path), "--from", "2026-01-01", "--to", "2026-12-31"],
    )
    assert result.exit_code == 0, result.output
    assert "Traceback" not in result.output
