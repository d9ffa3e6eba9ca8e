"""A board meeting's notice lists its delegated decisions: the same list in Markdown,
HTML and Word, as ``mgovern decisions report`` gives it."""

from __future__ import annotations

import io
import json
from pathlib import Path

import docx
from click.testing import CliRunner

import mgovern
from mgovern.cli import build_cli

EXAMPLES = Path(mgovern.__file__).parent / "examples"
ITEMS = EXAMPLES / "agenda-items.toml"


def test_the_board_notice_has_the_reports_list_in_html_and_word(tmp_path: Path) -> None:
    runner = CliRunner()
    db = tmp_path / "register.db"
    for source in ("decisions-2026q1.csv", "actions-2026q1.toml"):
        result = runner.invoke(
            build_cli(), ["decisions", "import", str(EXAMPLES / source), "--db", str(db)]
        )
        assert result.exit_code == 0, result.output
    report = json.loads(
        runner.invoke(
            build_cli(),
            [
                "decisions",
                "report",
                "--group",
                "namnd",
                "--date",
                "2026-04-23",
                "--db",
                str(db),
                "--json",
            ],
        ).stdout
    )
    expected = [
        (d["id"], d["appealable_until"])
        for group in report["delegated"]
        for d in group["decisions"]
    ]
    assert len(expected) == 10
    texts = {}
    for fmt in ("html", "docx", "md"):
        result = runner.invoke(
            build_cli(),
            [
                "documents",
                "--group",
                "namnd",
                "--date",
                "2026-04-23",
                "--items",
                str(ITEMS),
                "--format",
                fmt,
                "--out",
                (tmp_path / "out").as_uri(),
                "--db",
                str(db),
            ],
        )
        assert result.exit_code == 0, result.output
        path = tmp_path / "out" / "namnd" / "2026-04-23" / f"kallelse.{fmt}"
        if fmt == "docx":
            document = docx.Document(io.BytesIO(path.read_bytes()))
            texts[fmt] = "\n".join(p.text for p in document.paragraphs)
            cells = [c.text for t in document.tables for r in t.rows for c in r.cells]
            assert "Anmälan av delegationsbeslut" in cells  # the standing agenda item
        else:
            texts[fmt] = path.read_text(encoding="utf-8")
    for fmt, text in texts.items():
        assert "Anmälan av delegationsbeslut" in text, fmt
        listed = [line for line in text.splitlines() if "överklagbar till och med" in line]
        assert len(listed) == len(expected), fmt
        for ident, until in expected:
            assert any(ident in line and until in line for line in listed), (fmt, ident)
        assert "EXPN-2026-00455" in text  # recorded separately, listed apart
