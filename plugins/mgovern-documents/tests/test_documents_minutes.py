"""Decisions and actions read back from Word minutes, filled in as a secretary would."""

from __future__ import annotations

import copy
import datetime as dt
import io
from decimal import Decimal
from pathlib import Path
from typing import Any

import pytest

from mgovern.exceptions import ConfigError
from mgovern.model import Matter
from mgovern.plugins import plugin_manager
from mgovern.register.documents import renderers
from mgovern.register.records import Action, ActionStatus, Decision, DecisionBatch

W = "{http://schemas.openxmlformats.org/wordprocessingml/2006/main}"
DAY = dt.date(2026, 3, 17)


def blank_minutes(sample: Any) -> Any:
    import docx

    data = renderers()[("minutes", "docx")](sample.org, sample.agenda, None)
    return docx.Document(io.BytesIO(data))


def type_in(paragraph: Any, *pieces: str) -> None:
    """Type text as Word stores it: several runs, some formatted differently."""
    for index, piece in enumerate(pieces):
        run = paragraph.add_run(piece)
        run.bold = index % 2 == 1


def decision_box(doc: Any, number: int) -> Any:
    """The paragraph in the content control 'Beslut för punkt N' (where the cursor goes)."""
    from docx.text.paragraph import Paragraph

    for sdt in doc.element.body.iter(f"{W}sdt"):
        alias = sdt.find(f"{W}sdtPr/{W}alias")
        if alias is not None and alias.get(f"{W}val") == f"Beslut för punkt {number}":
            return Paragraph(sdt.find(f"{W}sdtContent/{W}p"), None)
    raise AssertionError(f"no decision box for item {number}")


def new_paragraph_after(paragraph: Any) -> Any:
    """Enter at the end of a paragraph: a new one after it, in the same box."""
    from docx.text.paragraph import Paragraph

    element = copy.deepcopy(paragraph._p)
    for child in list(element):
        if child.tag != f"{W}pPr":
            element.remove(child)
    paragraph._p.addnext(element)
    return Paragraph(element, paragraph._parent)


def details(doc: Any, number: int) -> dict[str, Any]:
    """Item N's decision details table, by the labels a person reads: label -> value cell."""
    for table in doc.tables:
        labels = {row.cells[0].text: row.cells[1] for row in table.rows if len(row.cells) == 2}
        cell = labels.get("Beslutsnummer")
        if cell is not None and cell.text == f"klg-2026-03-17 §{number}":
            return labels
    raise AssertionError(f"no decision details for item {number}")


def action_table(doc: Any) -> Any:
    return next(t for t in doc.tables if t.rows[0].cells[0].text == "Vad")


def fill_cell(cell: Any, *pieces: str) -> None:
    type_in(cell.paragraphs[0], *pieces)


def save(doc: Any, path: Path) -> str:
    doc.save(str(path))
    return str(path)


def read(sample: Any, source: str) -> DecisionBatch | None:
    result: DecisionBatch | None = plugin_manager().hook.mgovern_read_decisions(
        org=sample.org, source=source
    )
    return result


def decision_items(sample: Any) -> list[Any]:
    return [e for e in sample.agenda.entries if e.section == "decision"]


def test_blank_minutes_hold_nothing(sample: Any, tmp_path: Path) -> None:
    batch = read(sample, save(blank_minutes(sample), tmp_path / "motesanteckningar.docx"))
    assert batch == DecisionBatch(str(tmp_path / "motesanteckningar.docx"))


def test_filled_word_minutes_give_exactly_their_decisions_and_actions(
    sample: Any, tmp_path: Path
) -> None:
    first, second = decision_items(sample)
    doc = blank_minutes(sample)
    # the first decision item: a decision over two paragraphs, typed in pieces
    box = decision_box(doc, first.number)
    type_in(box, "Fortsatt sanering ", "godkänns", " inom en utökad ram om 12 mnkr.")
    type_in(new_paragraph_after(box), "Avvikelsen ", "rapporteras till nämnden i T1.")
    fields = details(doc, first.number)
    fill_cell(fields["Beslutande (roll)"], "Exploaterings", "direktör")
    fill_cell(fields["Beslutsfattare"], "Magnus ", "Forsberg")
    # the amount decided differs from the item's
    amount = fields["Belopp"]
    assert amount.text == "12000000"
    amount.paragraphs[0].runs[0].text = "11 500 000"
    # the second decision item was only discussed: nothing written in its fields
    table = action_table(doc)
    assert [c.text for c in table.rows[0].cells] == ["Vad", "Vem", "Klart senast", "Status"]
    row = table.rows[1].cells
    fill_cell(row[0], "Ta fram reviderad ", "tidplan för saneringen")
    fill_cell(row[1], "tomas-engstrom")
    fill_cell(row[2], "2026-04-", "14")
    row = table.rows[2].cells
    fill_cell(row[0], "Informera nämnden om avvikelsen")
    fill_cell(row[1], "Jenny Almqvist")
    fill_cell(row[2], "2026-04-28")
    fill_cell(row[3], "klar ", "2026-04-02")
    # the six empty rows are not enough: a row added at the end (Tab in the last cell)
    added = table.add_row().cells
    fill_cell(added[0], "Boka möte med miljöförvaltningen")
    fill_cell(added[1], "Camilla Roos")
    fill_cell(added[2], "2026-03-31")
    source = save(doc, tmp_path / "motesanteckningar.docx")

    batch = read(sample, source)
    assert batch is not None
    matter = first.item.matter
    assert batch.decisions == (
        Decision(
            f"klg-2026-03-17 §{first.number}",
            DAY,
            "direktor",
            Matter(
                matter.category,
                amount=Decimal("11500000"),
                units=matter.units,
                flags=matter.flags,
                year=2026,
            ),
            "Fortsatt sanering godkänns inom en utökad ram om 12 mnkr.\n"
            "Avvikelsen rapporteras till nämnden i T1.",
            decision_maker="magnus-forsberg",
            forum="klg",
            item=first.item.item.id,
        ),
    )
    assert second.item is not None
    people = {p.name: p.id for p in sample.org.people}
    assert batch.actions == (
        Action(
            "klg-2026-03-17 #1",
            "Ta fram reviderad tidplan för saneringen",
            "tomas-engstrom",
            dt.date(2026, 4, 14),
            group="klg",
            meeting=DAY,
        ),
        Action(
            "klg-2026-03-17 #2",
            "Informera nämnden om avvikelsen",
            "jenny-almqvist",
            dt.date(2026, 4, 28),
            group="klg",
            meeting=DAY,
            status=ActionStatus.DONE,
            done_on=dt.date(2026, 4, 2),
        ),
        Action(
            "klg-2026-03-17 #3",
            "Boka möte med miljöförvaltningen",
            people["Camilla Roos"],
            dt.date(2026, 3, 31),
            group="klg",
            meeting=DAY,
        ),
    )
    assert f"item {first.number}" in batch.decisions[0].source


@pytest.mark.parametrize(
    ("label", "value", "message"),
    [
        ("Beslutande (roll)", "kung", r"Beslutande \(roll\): unknown role 'kung'"),
        ("Beslutsfattare", "Nils Holgersson", r"Beslutsfattare: unknown person"),
        ("Flaggor", "brådskande", r"Flaggor: unknown flag 'brådskande'"),
        ("Belopp", "tolv miljoner", r"Belopp: 'tolv miljoner' is not an amount"),
    ],
)
def test_a_wrong_field_names_file_item_and_field(
    sample: Any, tmp_path: Path, label: str, value: str, message: str
) -> None:
    number = decision_items(sample)[0].number
    doc = blank_minutes(sample)
    type_in(decision_box(doc, number), "Godkänt.")
    cell = details(doc, number)[label]
    for paragraph in cell.paragraphs:
        for run in paragraph.runs:
            run.text = ""
    fill_cell(cell, value)
    source = save(doc, tmp_path / "motesanteckningar.docx")
    with pytest.raises(ConfigError, match=rf"motesanteckningar\.docx: item {number}, {message}"):
        read(sample, source)


def test_a_bad_due_date_names_the_row(sample: Any, tmp_path: Path) -> None:
    doc = blank_minutes(sample)
    row = action_table(doc).rows[3].cells
    fill_cell(row[0], "Något")
    fill_cell(row[1], "tomas-engstrom")
    fill_cell(row[2], "31/3")
    source = save(doc, tmp_path / "m.docx")
    with pytest.raises(ConfigError, match=r"action list row 3, Klart senast: '31/3' is not a date"):
        read(sample, source)


def test_a_notice_is_not_minutes(sample: Any, tmp_path: Path) -> None:
    notice = tmp_path / "kallelse.docx"
    notice.write_bytes(renderers()[("notice", "docx")](sample.org, sample.agenda, None))
    assert read(sample, str(notice)) is None


def test_a_base_document_with_custom_properties_keeps_them(sample: Any, tmp_path: Path) -> None:
    import zipfile

    import docx
    from mgovern_documents._docx import _custom_properties

    base = docx.Document()
    _custom_properties(base, {"Diarienummer": "EXPN-2026-00017"})
    base.save(str(tmp_path / "minutes.docx"))
    data = renderers()[("minutes", "docx")](sample.org, sample.agenda, tmp_path)
    custom = zipfile.ZipFile(io.BytesIO(data)).read("docProps/custom.xml").decode("utf-8")
    assert "EXPN-2026-00017" in custom
    assert "klg 2026-03-17" in custom
    path = tmp_path / "m.docx"
    path.write_bytes(data)
    batch = read(sample, str(path))
    assert batch is not None
    assert batch.decisions == ()


def test_importing_filled_minutes_twice_adds_nothing(sample: Any, tmp_path: Path) -> None:
    """The whole way through the command line: write, fill in, import, import again."""
    import json

    import docx
    from click.testing import CliRunner

    from mgovern.cli import build_cli

    from .conftest import ITEMS

    def run(*args: str) -> Any:
        return CliRunner().invoke(build_cli(), list(args), catch_exceptions=False)

    written = run(
        *("documents", "--group", "klg", "--date", "2026-03-17", "--items", str(ITEMS)),
        *("--kind", "minutes", "--format", "docx", "--out", (tmp_path / "dokument").as_uri()),
    )
    assert written.exit_code == 0, written.output
    path = tmp_path / "dokument" / "klg" / "2026-03-17" / "motesanteckningar.docx"
    doc = docx.Document(str(path))
    first = decision_items(sample)[0]
    type_in(decision_box(doc, first.number), "Godkänt ", "enligt förslaget.")
    fill_cell(details(doc, first.number)["Beslutsfattare"], "Magnus Forsberg")
    row = action_table(doc).rows[1].cells
    fill_cell(row[0], "Ta fram reviderad tidplan")
    fill_cell(row[1], "Tomas Engström")
    fill_cell(row[2], "2026-04-01")
    doc.save(str(path))
    db = str(tmp_path / "register.sqlite")

    once = run("decisions", "import", str(path), "--db", db, "--json")
    assert once.exit_code == 0, once.output
    assert json.loads(once.stdout) | {"source": ""} == {
        "source": "",
        "added_decisions": 1,
        "added_actions": 1,
        "updated_actions": 0,
        "unchanged": 0,
    }
    before = Path(db).read_bytes()
    twice = run("decisions", "import", str(path), "--db", db, "--json")
    assert twice.exit_code == 0, twice.output
    assert json.loads(twice.stdout) | {"source": ""} == {
        "source": "",
        "added_decisions": 0,
        "added_actions": 0,
        "updated_actions": 0,
        "unchanged": 2,
    }
    listed = run("decisions", "list", "--db", db, "--json")
    assert listed.exit_code == 0, listed.output
    assert f"klg-2026-03-17 §{first.number}" in listed.stdout
    assert len(Path(db).read_bytes()) == len(before)
    # the action, overdue in mid-April, is followed up at KLG's next meeting
    actions = run("actions", "--db", db, "--on", "2026-04-15", "--json")
    (action,) = json.loads(actions.stdout)["actions"]
    assert action["id"] == "klg-2026-03-17 #1"
    assert action["standing"] == "overdue"
    assert action["follow_up_at"].startswith("2026-04-21T09:00")


def test_a_wrong_field_fails_the_import_exit_2(sample: Any, tmp_path: Path) -> None:
    from click.testing import CliRunner

    from mgovern.cli import build_cli

    doc = blank_minutes(sample)
    number = decision_items(sample)[0].number
    type_in(decision_box(doc, number), "Godkänt.")
    fill_cell(details(doc, number)["Beslutande (roll)"], "kung")
    source = save(doc, tmp_path / "motesanteckningar.docx")
    db = tmp_path / "register.sqlite"
    result = CliRunner().invoke(
        build_cli(), ["decisions", "import", source, "--db", str(db)], catch_exceptions=False
    )
    assert result.exit_code == 2
    assert f"motesanteckningar.docx: item {number}, Beslutande (roll): unknown role" in (
        result.stderr
    )
    assert not db.exists()


def test_minutes_saved_again_by_libreoffice_read_the_same(sample: Any, tmp_path: Path) -> None:
    """Filled in, then opened and saved as .docx by LibreOffice: the same batch."""
    import shutil
    import subprocess

    soffice = shutil.which("soffice") or shutil.which("libreoffice")
    if soffice is None:
        pytest.skip("LibreOffice (soffice) is not installed")
    first = decision_items(sample)[0]
    doc = blank_minutes(sample)
    type_in(decision_box(doc, first.number), "Fortsatt sanering ", "godkänns.")
    fill_cell(details(doc, first.number)["Beslutsfattare"], "Magnus ", "Forsberg")
    row = action_table(doc).rows[1].cells
    fill_cell(row[0], "Ta fram ", "tidplan")
    fill_cell(row[1], "tomas-engstrom")
    fill_cell(row[2], "2026-04-14")
    added = action_table(doc).add_row().cells
    fill_cell(added[0], "Boka möte")
    fill_cell(added[1], "Camilla Roos")
    fill_cell(added[2], "2026-03-31")
    source = save(doc, tmp_path / "motesanteckningar.docx")
    out = tmp_path / "saved"
    result = subprocess.run(
        [
            soffice,
            f"-env:UserInstallation={(tmp_path / 'profile').as_uri()}",
            *("--headless", "--norestore", "--convert-to", "docx:MS Word 2007 XML"),
            *("--outdir", str(out), source),
        ],
        capture_output=True,
        text=True,
        timeout=120,
        check=False,
    )
    assert result.returncode == 0, result.stderr
    before = read(sample, source)
    after = read(sample, str(out / "motesanteckningar.docx"))
    assert before is not None
    assert after is not None
    assert len(before.decisions) == 1
    assert len(before.actions) == 2
    assert (after.decisions, after.actions) == (before.decisions, before.actions)
