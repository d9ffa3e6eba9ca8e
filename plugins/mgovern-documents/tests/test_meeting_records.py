"""Meeting records as Word documents: written by ``mgovern meetings show --format docx``,
filled in with python-docx as a secretary would (text split into runs, rows added),
saved again by LibreOffice, and read back to exactly the record."""

from __future__ import annotations

import json
import shutil
import subprocess
from pathlib import Path
from typing import Any

import attrs
import docx
import pytest
from click.testing import CliRunner
from mgovern_documents._meetings import read_record_docx

import mgovern.examples
from mgovern import config
from mgovern.cli.main import build_cli
from mgovern.meetings.record import Attendance, Jav
from mgovern.meetings.sources import load_record

EXAMPLE = Path(mgovern.examples.__file__).parent / "namnd-2026"
W = "{http://schemas.openxmlformats.org/wordprocessingml/2006/main}"


def run(*args: str) -> tuple[int, str, str]:
    result = CliRunner().invoke(build_cli(), list(args))
    return result.exit_code, result.stdout, result.stderr


def written(tmp_path: Path, name: str) -> Path:
    out = tmp_path / name.replace(".toml", ".docx")
    code, _, err = run(
        "meetings", "show", "--format", "docx", "--out", str(out), str(EXAMPLE / name)
    )
    assert code == 0, err
    return out


@pytest.mark.parametrize("name", sorted(p.name for p in EXAMPLE.glob("*.toml")))
def test_every_example_record_reads_back_exactly(tmp_path: Path, name: str) -> None:
    org = config.example()
    assert read_record_docx(org, written(tmp_path, name)) == load_record(EXAMPLE / name, org)


def _cell(document: Any, mark: str) -> Any:
    """The cell beside the label cell that holds bookmark ``mark``."""
    for table in document.tables:
        for row in table.rows:
            if any(b.get(f"{W}name") == mark for b in row.cells[0]._tc.iter(f"{W}bookmarkStart")):
                return row.cells[1]
    raise AssertionError(mark)


def _type(cell: Any, *runs: str) -> None:
    """Replace a cell's text with these runs, as Word splits what is typed."""
    paragraph = cell.paragraphs[0]
    for extra in cell.paragraphs[1:]:
        extra._p.getparent().remove(extra._p)
    for run_ in list(paragraph.runs):
        run_._r.getparent().remove(run_._r)
    for text in runs:
        paragraph.add_run(text)


def _attendance(document: Any) -> Any:
    for table in document.tables:
        marks = table.rows[0].cells[0]._tc.iter(f"{W}bookmarkStart")
        if any(b.get(f"{W}name") == "mgovern_attendance" for b in marks):
            return table
    raise AssertionError("no attendance table")


def filled(tmp_path: Path) -> tuple[Path, Any]:
    """The June record, filled in: a late arrival added, a jäv declared by one who
    stayed, a decision retyped in three runs. Returns the file and the expected record."""
    org = config.example()
    source = written(tmp_path, "namnd-2026-06-18.toml")
    document = docx.Document(str(source))
    # Nina Berg (a substitute) came for §4 and §5: a row added to the attendance table
    row = _attendance(document).add_row().cells
    _type(row[0], "nina", "-berg")
    _type(row[1], "§ ", "4")
    _type(row[2], "5")
    _type(_cell(document, "mgovern_item_4_jav"), "per-lundgren: ", "delägare i ", "köparen")
    _type(_cell(document, "mgovern_item_4_stayed"), "per-", "lundgren")
    _type(_cell(document, "mgovern_item_3_decision"), "Nämnden ", "godkänner ", "uppföljningen.")
    path = tmp_path / "filled.docx"
    document.save(str(path))
    record = load_record(EXAMPLE / "namnd-2026-06-18.toml", org)
    items = list(record.items)
    items[3] = attrs.evolve(
        items[3], jav=(Jav("per-lundgren", ground="delägare i köparen", left=False),)
    )
    expected = attrs.evolve(
        record,
        partly=(Attendance("nina-berg", from_item=4, until_item=5),),
        items=tuple(items),
    )
    return path, expected


def test_filled_in_with_split_runs_and_added_rows_reads_back(tmp_path: Path) -> None:
    path, expected = filled(tmp_path)
    assert read_record_docx(config.example(), path) == expected
    code, out, _ = run("meetings", "check", "--format", "json", str(path))
    assert code == 1
    assert [(f["item"], f["rule"], f["people"]) for f in json.loads(out)] == [
        (4, "jav-present", ["per-lundgren"])
    ]


def test_saved_again_by_libreoffice_reads_back_the_same(tmp_path: Path) -> None:
    soffice = shutil.which("soffice") or shutil.which("libreoffice")
    if soffice is None:
        pytest.skip("LibreOffice (soffice) is not installed")
    path, expected = filled(tmp_path)
    out = tmp_path / "saved"
    result = subprocess.run(
        [
            soffice,
            f"-env:UserInstallation={(tmp_path / 'profile').as_uri()}",
            *("--headless", "--norestore", "--convert-to", "docx:MS Word 2007 XML"),
            *("--outdir", str(out), str(path)),
        ],
        capture_output=True,
        text=True,
        timeout=120,
        check=False,
    )
    assert result.returncode == 0, result.stderr
    assert read_record_docx(config.example(), out / "filled.docx") == expected


def test_a_wrong_cell_is_one_line_naming_the_key(tmp_path: Path) -> None:
    source = written(tmp_path, "namnd-2026-04-23.toml")
    document = docx.Document(str(source))
    _type(_cell(document, "mgovern_item_5_result"), "kanske")
    document.save(str(source))
    code, _, err = run("meetings", "check", str(source))
    assert code == 2
    assert "items[4].vote.result: 'kanske' is not allowed; use one of 'ja', 'nej'" in err


def test_another_word_document_is_no_record(tmp_path: Path) -> None:
    path = tmp_path / "letter.docx"
    docx.Document().save(str(path))
    assert read_record_docx(config.example(), path) is None
    code, _, err = run("meetings", "check", str(path))
    assert code == 2
    assert "is no meeting record mgovern wrote as .docx" in err
