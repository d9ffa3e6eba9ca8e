"""The seal of approved Word minutes is over their content: LibreOffice saving them again
keeps it; one changed character in a decision's text breaks it."""

from __future__ import annotations

import io
import shutil
import subprocess
from pathlib import Path
from typing import Any

import pytest
from click.testing import CliRunner

import mgovern
from mgovern.cli import build_cli
from mgovern.register.documents import renderers

W = "{http://schemas.openxmlformats.org/wordprocessingml/2006/main}"
ORG = Path(mgovern.__file__).parent / "examples" / "exploateringskontoret.toml"


def filled_minutes(sample: Any, path: Path, text: str) -> Path:
    """KLG's Word minutes with the first decision item's text typed in three runs."""
    import docx
    from docx.text.paragraph import Paragraph

    doc = docx.Document(
        io.BytesIO(renderers()[("minutes", "docx")](sample.org, sample.agenda, None))
    )
    first = next(e for e in sample.agenda.entries if e.section == "decision")
    for sdt in doc.element.body.iter(f"{W}sdt"):
        alias = sdt.find(f"{W}sdtPr/{W}alias")
        if alias is not None and alias.get(f"{W}val") == f"Beslut för punkt {first.number}":
            box = Paragraph(sdt.find(f"{W}sdtContent/{W}p"), None)
            head, tail = text[:9], text[9:]
            box.add_run(head)
            box.add_run(tail[:4]).bold = True
            box.add_run(tail[4:])
    doc.save(str(path))
    return path


def resave(source: Path, out: Path, profile: Path) -> Path:
    soffice = shutil.which("soffice") or shutil.which("libreoffice")
    if soffice is None:
        pytest.skip("LibreOffice (soffice) is not installed")
    result = subprocess.run(
        [
            soffice,
            f"-env:UserInstallation={profile.as_uri()}",
            *("--headless", "--norestore", "--convert-to", "docx:MS Word 2007 XML"),
            *("--outdir", str(out), str(source)),
        ],
        capture_output=True,
        text=True,
        timeout=120,
        check=False,
    )
    assert result.returncode == 0, result.stderr
    return out / source.name


def run(db: Path, *args: str) -> Any:
    return CliRunner().invoke(
        build_cli(), [*args, "--org", str(ORG), "--db", str(db)], catch_exceptions=False
    )


def test_a_seal_survives_libreoffice_and_catches_one_character(sample: Any, tmp_path: Path) -> None:
    db = tmp_path / "register.db"
    minutes = filled_minutes(sample, tmp_path / "protokoll.docx", "Fortsatt sanering godkänns.")
    assert run(db, "decisions", "import", str(minutes)).exit_code == 0
    result = run(
        db, "minutes", "approve", "--group", "klg", "--meeting", "2026-03-17",
        "--by", "Gunilla Ek", "--on", "2026-03-23",
    )  # fmt: skip
    assert result.exit_code == 0, result.output
    resaved = resave(minutes, tmp_path / "saved", tmp_path / "profile")
    assert resaved.read_bytes() != minutes.read_bytes()
    result = run(db, "minutes", "verify", str(resaved))
    assert result.exit_code == 0, result.output
    assert "matches the seal of 2026-03-23" in result.stdout
    changed = filled_minutes(sample, tmp_path / "andrad.docx", "Fortsatt sanering godkänns,")
    result = run(db, "minutes", "verify", str(changed))
    assert result.exit_code == 1, result.output
    assert "- Fortsatt sanering godkänns.\n" in result.stdout
    assert "+ Fortsatt sanering godkänns,\n" in result.stdout
