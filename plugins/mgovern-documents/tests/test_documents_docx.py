"""The Word documents, opened again with python-docx (and LibreOffice where installed)."""

from __future__ import annotations

import datetime as dt
import io
import shutil
import subprocess
import time
import zipfile
from pathlib import Path
from typing import Any

import attrs
import pytest

from mgovern.agenda.formatting import labels
from mgovern.agenda.planner import Agenda
from mgovern.exceptions import ConfigError
from mgovern.model import Organization
from mgovern.register.documents import renderers

W = "{http://schemas.openxmlformats.org/wordprocessingml/2006/main}"


def render(org: Organization, agenda: Agenda, kind: str, templates: Path | None = None) -> bytes:
    return renderers()[(kind, "docx")](org, agenda, templates)


def open_docx(data: bytes) -> Any:
    import docx

    return docx.Document(io.BytesIO(data))


def table_rows(doc: Any, first_heading: str) -> list[list[str]]:
    """The rows under the header of the table whose first heading is ``first_heading``."""
    for table in doc.tables:
        rows = [[cell.text for cell in row.cells] for row in table.rows]
        if rows and rows[0][0] == first_heading:
            return rows
    raise AssertionError(f"no table starting with {first_heading!r}")


def expected_rows(org: Organization, agenda: Agenda) -> list[list[str]]:
    words = labels(org)
    return [
        [
            f"{entry.start:%H:%M}",
            str(entry.number),
            entry.title,
            entry.item.item.presenter if entry.item else "",
            words[entry.section],
            entry.item.item.proposed_decision if entry.item else "",
        ]
        for entry in agenda.entries
    ]


def test_notice_item_table_is_the_agenda(sample: Any) -> None:
    doc = open_docx(render(sample.org, sample.agenda, "notice"))
    rows = table_rows(doc, "Tid")
    assert rows[0] == ["Tid", "Nr", "Ärende", "Föredragande", "Typ", "Förslag till beslut"]
    assert rows[1:] == expected_rows(sample.org, sample.agenda)
    assert len(rows) - 1 == len(sample.agenda.entries) >= 8
    times = [row[0] for row in rows[1:]]
    assert times == sorted(times)
    assert times[0] == "09:00"
    # the header row repeats on every page, and the table has an accessible caption
    table = next(t for t in doc.tables if t.rows[0].cells[0].text == "Tid")
    assert table.rows[0]._tr.find(f"{W}trPr/{W}tblHeader") is not None
    caption = table._tbl.tblPr.find(f"{W}tblCaption").get(f"{W}val")
    assert caption.startswith("Dagordning för Kontorsledningsgruppen, tisdag 17 mars 2026")


def test_notice_headings_and_facts(sample: Any) -> None:
    doc = open_docx(render(sample.org, sample.agenda, "notice"))
    styled = [(p.style.name, p.text) for p in doc.paragraphs if p.text]
    assert styled[0] == ("Title", "Kallelse: Kontorsledningsgruppen")
    assert ("Heading 1", "Dagordning") in styled
    texts = [text for _, text in styled]
    assert "Tid: tisdag 17 mars 2026 09:00–10:30" in texts
    assert "Ordförande: Magnus Forsberg" in texts
    assert any(t.startswith("Till: Magnus Forsberg, Helena Strand") for t in texts)
    assert any(t.startswith("Operativ andel") for t in texts)
    properties = doc.core_properties
    assert properties.title == "Kallelse: Kontorsledningsgruppen, 2026-03-17"
    assert properties.language == "sv"
    assert properties.created == dt.datetime(2026, 3, 17, 8, 0, tzinfo=dt.UTC)
    assert properties.modified == properties.created == properties.last_printed
    lang = doc.styles.element.find(f"{W}docDefaults/{W}rPrDefault/{W}rPr/{W}lang")
    assert lang.get(f"{W}val") == "sv-SE"


def test_minutes_has_a_field_per_item_and_an_action_table(sample: Any) -> None:
    doc = open_docx(render(sample.org, sample.agenda, "minutes"))
    headings = [p.text for p in doc.paragraphs if p.style.name == "Heading 1"]
    assert headings == [f"{e.number}. {e.title}" for e in sample.agenda.entries] + ["Åtgärdslista"]
    body = doc.element.body
    tags = [t.get(f"{W}val") for t in body.iter(f"{W}tag")]
    assert tags == [
        f"mgovern:{'decision' if e.section == 'decision' else 'notes'}:{e.number}"
        for e in sample.agenda.entries
    ]
    decisions = [e for e in sample.agenda.entries if e.section == "decision"]
    assert decisions
    assert all(f"mgovern:decision:{e.number}" in tags for e in decisions)
    aliases = [a.get(f"{W}val") for a in body.iter(f"{W}alias")]
    assert f"Beslut för punkt {decisions[0].number}" in aliases
    proposals = [p.text for p in doc.paragraphs if p.text.startswith("Förslag till beslut: ")]
    assert len(proposals) == sum(1 for e in decisions if e.item and e.item.item.proposed_decision)
    actions = table_rows(doc, "Vad")
    assert actions[0] == ["Vad", "Vem", "Klart senast", "Status"]
    assert len(actions) == 7
    assert all(row == ["", "", "", ""] for row in actions[1:])
    presenters = [p.text for p in doc.paragraphs if "Föredragande: " in p.text]
    assert presenters[0].startswith(f"{decisions[0].start:%H:%M} · {decisions[0].minutes} min")


def test_english_labels_from_the_locale(sample: Any) -> None:
    org = attrs.evolve(sample.org, locale="en")
    doc = open_docx(render(org, sample.agenda, "notice"))
    rows = table_rows(doc, "Time")
    assert rows[0] == ["Time", "No.", "Item", "Presenter", "Kind", "Proposed decision"]
    assert rows[1][4] == "Opening"
    assert doc.paragraphs[0].text == "Notice of meeting: Kontorsledningsgruppen"
    assert any(p.text.startswith("When: Tuesday 17 March 2026") for p in doc.paragraphs)
    minutes = open_docx(render(org, sample.agenda, "minutes"))
    assert table_rows(minutes, "What")[0] == ["What", "Who", "By when", "Status"]


def test_same_agenda_same_bytes(sample: Any, monkeypatch: pytest.MonkeyPatch) -> None:
    first = render(sample.org, sample.agenda, "notice")
    real = time.time
    monkeypatch.setattr(time, "time", lambda: real() + 7 * 3600 + 17)  # another hour
    second = render(sample.org, sample.agenda, "notice")
    assert first == second
    entries = zipfile.ZipFile(io.BytesIO(first)).infolist()
    assert {e.date_time for e in entries} == {(2026, 3, 17, 9, 0, 0)}
    assert render(sample.org, sample.agenda, "minutes") == render(
        sample.org, sample.agenda, "minutes"
    )


def test_a_base_document_gives_styles_and_header(sample: Any, tmp_path: Path) -> None:
    import docx
    from docx.shared import Cm

    base = docx.Document()
    base.sections[0].header.paragraphs[0].text = "Exploateringskontoret · brevmall"
    base.sections[0].left_margin = Cm(3.5)
    base.add_paragraph("Platshållare som ersätts")
    base.save(str(tmp_path / "notice.docx"))
    doc = open_docx(render(sample.org, sample.agenda, "notice", tmp_path))
    assert doc.sections[0].header.paragraphs[0].text == "Exploateringskontoret · brevmall"
    assert abs(doc.sections[0].left_margin - Cm(3.5)) < Cm(0.01)
    assert all(p.text != "Platshållare som ersätts" for p in doc.paragraphs)
    assert table_rows(doc, "Tid")[1:] == expected_rows(sample.org, sample.agenda)
    # no base document for the minutes in that folder: the built-in start
    minutes = open_docx(render(sample.org, sample.agenda, "minutes", tmp_path))
    assert minutes.sections[0].header.paragraphs[0].text == ""


def test_a_base_document_without_the_styles_still_renders(sample: Any, tmp_path: Path) -> None:
    import docx

    base = docx.Document()
    styles = base.styles.element
    for style in list(styles):
        if style.get(f"{W}styleId") in {"Title", "Heading1", "Heading2", "TableGrid"}:
            styles.remove(style)
    base.save(str(tmp_path / "notice.docx"))
    doc = open_docx(render(sample.org, sample.agenda, "notice", tmp_path))
    assert doc.paragraphs[0].text == "Kallelse: Kontorsledningsgruppen"
    assert table_rows(doc, "Tid")[1:] == expected_rows(sample.org, sample.agenda)


def test_bad_templates(sample: Any, tmp_path: Path) -> None:
    with pytest.raises(ConfigError, match=r"documents\.templates.*does not exist"):
        render(sample.org, sample.agenda, "notice", tmp_path / "missing")
    (tmp_path / "notice.docx").write_bytes(b"not a zip")
    with pytest.raises(ConfigError, match=r"notice\.docx: not a Word document"):
        render(sample.org, sample.agenda, "notice", tmp_path)


@pytest.mark.parametrize("kind", ["notice", "minutes"])
def test_libreoffice_converts_to_pdf(sample: Any, tmp_path: Path, kind: str) -> None:
    soffice = shutil.which("soffice") or shutil.which("libreoffice")
    if soffice is None:
        pytest.skip("LibreOffice (soffice) is not installed")
    source = tmp_path / f"{kind}.docx"
    source.write_bytes(render(sample.org, sample.agenda, kind))
    result = subprocess.run(
        [
            soffice,
            f"-env:UserInstallation={(tmp_path / 'profile').as_uri()}",
            "--headless",
            "--norestore",
            "--convert-to",
            "pdf",
            "--outdir",
            str(tmp_path),
            str(source),
        ],
        capture_output=True,
        text=True,
        timeout=120,
        check=False,
    )
    assert result.returncode == 0, result.stderr
    pdf = tmp_path / f"{kind}.pdf"
    assert pdf.read_bytes().startswith(b"%PDF-")
    assert pdf.stat().st_size > 10_000
    if shutil.which("pdftotext"):
        text = subprocess.run(
            ["pdftotext", "-layout", str(pdf), "-"], capture_output=True, text=True, check=True
        ).stdout
        positions = [text.find(entry.title.split()[0]) for entry in sample.agenda.entries]
        assert all(p >= 0 for p in positions)
