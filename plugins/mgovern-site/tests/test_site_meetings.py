"""The site shows each meeting record of the register: the grid and the findings."""

from __future__ import annotations

import shutil
from pathlib import Path

from click.testing import CliRunner

import mgovern.examples
from mgovern.cli.main import build_cli

EXAMPLE = Path(mgovern.examples.__file__).parent / "namnd-2026"
V2 = Path(__file__).parents[3] / "tests" / "data" / "register-v2.db"


def run(*args: str) -> tuple[int, str]:
    result = CliRunner().invoke(build_cli(), list(args))
    return result.exit_code, result.stderr


def test_each_meeting_record_has_its_page(tmp_path: Path) -> None:
    db = tmp_path / "r.db"
    shutil.copy(V2, db)
    assert run("meetings", "import", str(EXAMPLE), "--db", str(db))[0] == 0
    out = tmp_path / "site"
    code, err = run("site", "--out", str(out), "--db", str(db))
    assert code == 0, err
    pages = sorted(p.name for p in (out / "meetings").iterdir())
    assert len(pages) == 9
    assert '<a href="meetings.html">Sammanträden</a>' in (out / "index.html").read_text("utf-8")
    october = (out / "meetings" / "namnd-2026-10-22-1600.html").read_text("utf-8")
    assert "nämnden är inte beslutför när de jäviga har lämnat [quorum; KL 6:27]" in october
    assert (
        '<tr><th scope="row">Elin Nordström</th><td>x</td><td>x</td><td>x</td><td>J</td>' in october
    )
    june = (out / "meetings" / "namnd-2026-06-18-1600.html").read_text("utf-8")
    assert "Varje beslut giltigt fattat." in june


def test_no_records_no_section(tmp_path: Path) -> None:
    db = tmp_path / "r.db"
    shutil.copy(V2, db)
    out = tmp_path / "site"
    assert run("site", "--out", str(out), "--db", str(db))[0] == 0
    assert not (out / "meetings").exists()
    assert "meetings.html" not in (out / "index.html").read_text("utf-8")
