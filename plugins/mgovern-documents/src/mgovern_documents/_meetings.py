"""A meeting record as a Word document, and read back from it (also after a secretary
filled it in Word or LibreOffice saved it again).

The document holds one table per part of the record, each found by a bookmark mgovern put
in its first cell, so whatever the secretary typed and however the program split it into
runs, the value is the cell's text:

- ``mgovern_meeting``: the body, the start and the chair (rows bookmarked
  ``mgovern_meeting_group``, ``_start``, ``_chair``);
- ``mgovern_attendance``: a row per person present (person id, from item, until item;
  both empty: the whole meeting); rows added in Word are read too;
- ``mgovern_serving``: a row per substitute serving (substitute, member, from, until);
- ``mgovern_item_N`` for item N: its fields in rows bookmarked ``mgovern_item_N_KEY``
  (title, decision, decisions, procedure, information, immediate, jav, stayed, motions,
  vote, ja, nej, abstain, result, casting, lot, reservations, notes). Lists of people are
  ids separated by commas; jäv, motions, reservations and notes are a line each,
  ``person: text``.

What is read goes through :func:`mgovern.meetings.sources.record_from_data`, as strictly
as a TOML record: a wrong cell is one line naming the file and the key path.
"""

from __future__ import annotations

import io
import re
from pathlib import Path
from typing import Any

from mgovern.exceptions import ConfigError
from mgovern.meetings.record import MeetingRecord, VoteKind
from mgovern.meetings.sources import record_from_data
from mgovern.model import Organization
from mgovern_documents._docx import _bookmark
from mgovern_documents._read import W, _ancestor, _beside, _check_archive, _text

__all__ = ["read_record_docx", "record_docx"]

_MARK = re.compile(r"mgovern_(meeting|attendance|serving|item)(?:_(\d+))?(?:_([a-z]+))?")
#: The labels of the item rows, by key (Swedish; the keys are what is read).
ITEM_LABELS: dict[str, str] = {
    "title": "Rubrik",
    "decision": "Beslut",
    "decisions": "Beslut i registret",
    "procedure": "Propositionsordning",
    "information": "Informationsärende (ja/nej)",
    "immediate": "Omedelbar justering (ja/nej)",
    "jav": "Jäv (person: grund)",
    "stayed": "Jäviga som stannade kvar",
    "motions": "Yrkanden (person: yrkande)",
    "vote": "Omröstning (named/counted)",
    "ja": "Ja",
    "nej": "Nej",
    "abstain": "Avstår",
    "result": "Utfall (ja/nej)",
    "casting": "Ordförandens utslagsröst (ja/nej)",
    "lot": "Lottning (ja/nej)",
    "reservations": "Reservationer (person: motivering)",
    "notes": "Protokollsanteckningar (person: text)",
}


def _yes(value: bool) -> str:
    return "ja" if value else "nej"


def _item_values(item: Any) -> dict[str, str]:
    vote = item.vote
    named = vote is not None and vote.kind is VoteKind.NAMED
    return {
        "title": item.title,
        "decision": item.decision,
        "decisions": ", ".join(item.decisions),
        "procedure": item.procedure,
        "information": _yes(item.information),
        "immediate": _yes(item.immediate_approval),
        "jav": "\n".join(f"{d.person}: {d.ground}" for d in item.jav),
        "stayed": ", ".join(d.person for d in item.jav if not d.left),
        "motions": "\n".join(f"{m.by}: {m.text}" for m in item.motions),
        "vote": "" if vote is None else vote.kind.value,
        "ja": "" if vote is None else ", ".join(vote.ja) if named else str(vote.ja_count),
        "nej": "" if vote is None else ", ".join(vote.nej) if named else str(vote.nej_count),
        "abstain": ""
        if vote is None
        else ", ".join(vote.abstain)
        if named
        else str(vote.abstain_count),
        "result": "" if vote is None else vote.result.value,
        "casting": "" if vote is None else _yes(vote.casting_vote),
        "lot": "" if vote is None else _yes(vote.by_lot),
        "reservations": "\n".join(f"{r.person}: {r.reasons}" for r in item.reservations),
        "notes": "\n".join(f"{n.person}: {n.text}" for n in item.notes),
    }


def _set(cell: Any, text: str) -> None:
    lines = text.split("\n")
    cell.paragraphs[0].text = lines[0]
    for line in lines[1:]:
        cell.add_paragraph(line)


def record_docx(org: Organization, record: MeetingRecord) -> bytes:
    """The record as a Word document mgovern reads back (see the module docstring)."""
    import docx

    document = docx.Document()
    group = org.group(record.group)
    document.add_heading(f"{group.name} {record.start.isoformat(timespec='minutes')}", 1)
    marks = iter(range(3000, 1_000_000))

    table = document.add_table(rows=3, cols=2)
    for row, (key, label, value) in zip(
        table.rows,
        [
            ("group", "Organ", record.group),
            ("start", "Sammanträde", record.start.isoformat()),
            ("chair", "Ordförande", record.chair or ""),
        ],
        strict=True,
    ):
        _set(row.cells[0], label)
        _set(row.cells[1], value)
        _bookmark(row.cells[0].paragraphs[0]._p, f"mgovern_meeting_{key}", next(marks))
    # the table's own mark after the texts: setting a paragraph's text clears its marks
    _bookmark(table.rows[0].cells[0].paragraphs[0]._p, "mgovern_meeting", next(marks))

    document.add_heading("Närvarande", 2)
    rows = [(p, "", "") for p in record.present] + [
        (a.person, str(a.from_item or ""), str(a.until_item or "")) for a in record.partly
    ]
    table = document.add_table(rows=1, cols=3)
    for cell, label in zip(table.rows[0].cells, ("Person", "Från §", "Till §"), strict=True):
        _set(cell, label)
    _bookmark(table.rows[0].cells[0].paragraphs[0]._p, "mgovern_attendance", next(marks))
    for values in rows:
        for cell, value in zip(table.add_row().cells, values, strict=True):
            _set(cell, value)

    document.add_heading("Tjänstgörande ersättare", 2)
    table = document.add_table(rows=1, cols=4)
    for cell, label in zip(
        table.rows[0].cells, ("Ersättare", "För", "Från §", "Till §"), strict=True
    ):
        _set(cell, label)
    _bookmark(table.rows[0].cells[0].paragraphs[0]._p, "mgovern_serving", next(marks))
    for s in record.serving:
        row_values = (s.substitute, s.member, str(s.from_item or ""), str(s.until_item or ""))
        for cell, value in zip(table.add_row().cells, row_values, strict=True):
            _set(cell, value)

    for item in record.items:
        document.add_heading(f"§ {item.number} {item.title}", 2)
        fields = _item_values(item)
        table = document.add_table(rows=len(ITEM_LABELS), cols=2)
        for row, (key, label) in zip(table.rows, ITEM_LABELS.items(), strict=True):
            _set(row.cells[0], label)
            _set(row.cells[1], fields[key])
            _bookmark(
                row.cells[0].paragraphs[0]._p, f"mgovern_item_{item.number}_{key}", next(marks)
            )
        _bookmark(
            table.rows[0].cells[0].paragraphs[0]._p, f"mgovern_item_{item.number}", next(marks)
        )
    out = io.BytesIO()
    document.save(out)
    return out.getvalue()


def _ids(text: str) -> list[str]:
    return [part.strip() for part in re.split(r"[,\n]", text) if part.strip()]


def _pairs(text: str) -> list[tuple[str, str]]:
    pairs = []
    for line in text.split("\n"):
        if line.strip():
            person, _, rest = line.partition(":")
            pairs.append((person.strip(), rest.strip()))
    return pairs


def _flag(text: str) -> bool:
    return text.strip().lower() in ("ja", "yes", "x", "true")


def _number(text: str) -> int | str | None:
    text = text.strip().removeprefix("§").strip()
    if not text:
        return None
    return int(text) if text.isdigit() else text  # a wrong one is named by the reader


def _rows(table: Any) -> list[list[str]]:
    rows = []
    for index, row in enumerate(table.iterchildren(f"{W}tr")):
        if index:
            cells = [_text(cell) for cell in row.iterchildren(f"{W}tc")]
            if any(cells):
                rows.append(cells + [""] * 4)
    return rows


def _item_data(number: int, fields: dict[str, str]) -> dict[str, Any]:
    get = fields.get
    data: dict[str, Any] = {"number": number, "title": get("title", "")}
    for key in ("decision", "procedure"):
        if get(key):
            data[key] = get(key)
    if get("decisions"):
        data["decisions"] = _ids(get("decisions", ""))
    data["information"] = _flag(get("information", ""))
    data["immediate_approval"] = _flag(get("immediate", ""))
    stayed = set(_ids(get("stayed", "")))
    data["jav"] = [
        {"person": p, "ground": g, "left": p not in stayed} for p, g in _pairs(get("jav", ""))
    ]
    data["motions"] = [{"by": p, "text": t} for p, t in _pairs(get("motions", ""))]
    kind = get("vote", "").strip()
    if kind:
        vote: dict[str, Any] = {
            "kind": kind,
            "result": get("result", "").strip(),
            "casting_vote": _flag(get("casting", "")),
            "by_lot": _flag(get("lot", "")),
        }
        for key, counted in (
            ("ja", "ja_count"),
            ("nej", "nej_count"),
            ("abstain", "abstain_count"),
        ):
            value = get(key, "").strip()
            if kind == "counted":
                vote[counted] = int(value) if value.isdigit() else value or 0
            else:
                vote[key] = _ids(value)
        data["vote"] = vote
    data["reservations"] = [
        {"person": p, "reasons": r} if r else {"person": p}
        for p, r in _pairs(get("reservations", ""))
    ]
    data["notes"] = [{"person": p, "text": t} for p, t in _pairs(get("notes", ""))]
    return data


def read_record_docx(org: Organization, path: Path) -> MeetingRecord | None:
    """The meeting record in a Word document :func:`record_docx` wrote (and a person
    filled in); None for a file that is not one.

    :raises ConfigError: a document that is one but holds a wrong value, naming the file
        and the key path.
    """
    import docx

    source = str(path)
    if not _check_archive(path):
        return None
    try:
        body = docx.Document(str(path)).element.body
    except Exception as exc:  # python-docx raises several kinds for a bad file
        raise ConfigError(
            f"not a Word document python-docx can open ({type(exc).__name__})", source=source
        ) from None
    meeting: dict[str, str] = {}
    tables: dict[str, Any] = {}
    items: dict[int, dict[str, str]] = {}
    for mark in body.iter(f"{W}bookmarkStart"):
        found = _MARK.fullmatch(mark.get(f"{W}name", ""))
        if found is None:
            continue
        part, number, key = found.groups()
        if key is None and number is None:
            tables[part] = _ancestor(mark, f"{W}tbl")
            continue
        cell = _ancestor(mark, f"{W}tc")
        value = _beside(cell) if cell is not None else None
        text = "" if value is None else _text(value)
        if part == "meeting" and key:
            meeting[key] = text
        elif part == "item" and number and key:
            items.setdefault(int(number), {})[key] = text
    if "meeting" not in tables or not meeting.get("group"):
        return None
    data: dict[str, Any] = {"group": meeting["group"], "start": meeting.get("start", "")}
    if meeting.get("chair"):
        data["chair"] = meeting["chair"]
    present, partly = [], []
    if tables.get("attendance") is not None:
        for person, first, last, *_ in _rows(tables["attendance"]):
            if first or last:
                entry: dict[str, Any] = {"person": person}
                for name, value in (("from_item", first), ("until_item", last)):
                    if _number(value) is not None:
                        entry[name] = _number(value)
                partly.append(entry)
            else:
                present.append(person)
    serving = []
    if tables.get("serving") is not None:
        for substitute, member, first, last, *_ in _rows(tables["serving"]):
            entry = {"substitute": substitute, "member": member}
            for name, value in (("from_item", first), ("until_item", last)):
                if _number(value) is not None:
                    entry[name] = _number(value)
            serving.append(entry)
    data.update(present=present, partly=partly, serving=serving)
    data["items"] = [_item_data(number, items[number]) for number in sorted(items)]
    return record_from_data(data, org, source=source)
