"""Decisions and actions read back from Word minutes that mgovern wrote.

The minutes name their meeting in a custom document property (``mgovern-minutes``:
``klg 2026-03-17``). Every decision field has a bookmark mgovern put in its label cell
(``mgovern_4_role``: item 4's role; ``mgovern_4_text``: in the decision box itself), so
the value is the cell beside it, whatever the secretary typed and however Word split it
into runs; the action list is the table whose header holds the bookmark
``mgovern_actions``, every row under the header (rows added in Word included). The
rules for the values are :mod:`mgovern.register.minutes`'s, the same as for Markdown minutes.

A .docx is a zip archive, and a small one may inflate to gigabytes (a "zip bomb"). Before
anything of it is parsed, the file is at most :data:`~mgovern.bounds.MAX_FILE_BYTES`, it
has at most :data:`MAX_PARTS` parts, each declared in the zip's directory at most
:data:`MAX_PART_BYTES` uncompressed and all together at most :data:`MAX_TOTAL_BYTES`; and
every part is then inflated with a counter that stops at its bound, since a directory can
lie. A file over a bound is refused with one line naming the part.
"""

from __future__ import annotations

import re
import xml.etree.ElementTree as etree
import zipfile
from pathlib import Path
from typing import Any

from mgovern.exceptions import ConfigError, quote
from mgovern.model import Organization
from mgovern.register.minutes import DECISION_KEYS, meeting_day, read_action, read_decision
from mgovern.register.records import Action, Decision, DecisionBatch
from mgovern_documents._docx import ACTIONS_BOOKMARK, CUSTOM_NS, MINUTES_PROPERTY, VT_NS

__all__ = ["MAX_PARTS", "MAX_PART_BYTES", "MAX_TOTAL_BYTES", "read_docx_minutes"]

#: Parts of one .docx (python-docx's minutes have 15; Word's with images a few dozen).
MAX_PARTS = 2000
#: One part, uncompressed (the minutes' document.xml is some hundred kilobytes).
MAX_PART_BYTES = 32 * 1024 * 1024
#: All parts together, uncompressed.
MAX_TOTAL_BYTES = 128 * 1024 * 1024
_CHUNK = 1024 * 1024

W = "{http://schemas.openxmlformats.org/wordprocessingml/2006/main}"
_FIELD = re.compile(r"mgovern_(\d+)_([a-z]+)")


def _check_archive(path: Path) -> bool:
    """Whether ``path`` is a zip archive; a ConfigError when it is one over the bounds."""
    from mgovern.bounds import MAX_FILE_BYTES

    source = str(path)
    try:
        if path.stat().st_size > MAX_FILE_BYTES:
            raise ConfigError(
                f"is larger than {MAX_FILE_BYTES:,} bytes, the most mgovern reads", source=source
            )
        archive = zipfile.ZipFile(path)
    except (OSError, zipfile.BadZipFile):
        return False
    with archive:
        parts = archive.infolist()
        if len(parts) > MAX_PARTS:
            raise ConfigError(
                f"has {len(parts):,} parts, more than the {MAX_PARTS:,} a .docx may have",
                source=source,
            )
        total = 0
        for part in parts:
            total += part.file_size
            if part.file_size > MAX_PART_BYTES or total > MAX_TOTAL_BYTES:
                raise ConfigError(_too_big(part.filename, part.file_size), source=source)
        for part in parts:
            _inflate(archive, part, source)
    return True


def _too_big(name: str, size: int) -> str:
    return (
        f"the part {quote(name)} inflates to {size:,} bytes: a .docx may have at most "
        f"{MAX_PART_BYTES:,} bytes in a part and {MAX_TOTAL_BYTES:,} in all; "
        "this is not minutes mgovern wrote"
    )


def _inflate(archive: zipfile.ZipFile, part: zipfile.ZipInfo, source: str) -> None:
    """Inflate ``part`` with a counter: never more than its declared size (at most
    MAX_PART_BYTES) is taken, and a part whose data is not what its directory says
    (longer, shorter, another checksum) is refused."""
    read = 0
    try:
        with archive.open(part) as handle:
            while chunk := handle.read(_CHUNK):
                read += len(chunk)
                if read > min(part.file_size, MAX_PART_BYTES):
                    raise ConfigError(_too_big(part.filename, read), source=source)
    except (zipfile.BadZipFile, OSError, EOFError, NotImplementedError, ValueError) as exc:
        raise ConfigError(
            f"the part {quote(part.filename)} cannot be read ({type(exc).__name__}): "
            "save the minutes again in Word",
            source=source,
        ) from None
    if read != part.file_size:
        raise ConfigError(
            f"the part {quote(part.filename)} is {read:,} bytes, not the {part.file_size:,} "
            "its directory says: save the minutes again in Word",
            source=source,
        )


def _meeting(path: Path) -> str | None:
    """The ``mgovern-minutes`` property of the file, or None."""
    try:
        with zipfile.ZipFile(path) as archive:
            blob = archive.read("docProps/custom.xml")
    except (KeyError, OSError, zipfile.BadZipFile):
        return None
    try:
        root = etree.fromstring(blob)
    except etree.ParseError:
        return None
    for prop in root.iter(f"{{{CUSTOM_NS}}}property"):
        if prop.get("name") == MINUTES_PROPERTY:
            value = prop.find(f"{{{VT_NS}}}lpwstr")
            return (value.text or "") if value is not None else ""
    return None


def _text(element: Any) -> str:
    """The text of a cell: its paragraphs' runs joined, paragraphs on lines of their own."""
    lines = []
    for paragraph in element.iter(f"{W}p"):
        parts = []
        for node in paragraph.iter(f"{W}t", f"{W}tab", f"{W}br", f"{W}cr"):
            if node.tag == f"{W}t":
                parts.append(node.text or "")
            else:
                parts.append("\t" if node.tag == f"{W}tab" else "\n")
        lines.append("".join(parts))
    return "\n".join(lines).strip()


def _ancestor(element: Any, tag: str) -> Any:
    while element is not None and element.tag != tag:
        element = element.getparent()
    return element


def _beside(cell: Any) -> Any:
    """The cell after ``cell`` in its row."""
    following = cell.getnext()
    while following is not None and following.tag != f"{W}tc":
        following = following.getnext()
    return following


def read_docx_minutes(org: Organization, path: Path) -> DecisionBatch | None:
    """The decisions and actions in Word minutes mgovern wrote; None for other files.

    :raises ConfigError: a file that says it is mgovern's minutes but is wrong, or a
        filled field that is wrong, naming the file, item and field.
    """
    import docx

    source = str(path)
    if not _check_archive(path):
        return None
    meeting = _meeting(path)
    if meeting is None:
        return None
    group, _, day_text = meeting.partition(" ")
    if not org.has_group(group):
        raise ConfigError(f"the minutes are for an unknown group {quote(group)}", source=source)
    try:
        day = meeting_day(day_text)
    except ValueError:
        raise ConfigError(
            f"bad meeting date {quote(day_text)}: write it 2026-03-17", source=source
        ) from None
    try:
        body = docx.Document(str(path)).element.body
    except Exception as exc:  # python-docx raises several kinds for a bad file
        raise ConfigError(
            f"not a Word document python-docx can open ({type(exc).__name__})", source=source
        ) from None

    fields: dict[int, dict[str, str]] = {}
    actions_table = None
    for mark in body.iter(f"{W}bookmarkStart"):
        name = mark.get(f"{W}name", "")
        if name == ACTIONS_BOOKMARK:
            actions_table = _ancestor(mark, f"{W}tbl")
            continue
        found = _FIELD.fullmatch(name)
        if found is None or found.group(2) not in DECISION_KEYS:
            continue
        number, key = int(found.group(1)), found.group(2)
        cell = _ancestor(mark, f"{W}tc")
        if cell is None:
            continue
        value = cell if key == "text" else _beside(cell)
        fields.setdefault(number, {})[key] = "" if value is None else _text(value)

    decisions: list[Decision] = []
    for number in sorted(fields):
        decision = read_decision(org, source, group, day, number, fields[number])
        if decision is not None:
            decisions.append(decision)
    actions: list[Action] = []
    if actions_table is not None:
        for row_number, row in enumerate(actions_table.iterchildren(f"{W}tr")):
            if row_number == 0:
                continue  # the header
            cells = [_text(cell) for cell in row.iterchildren(f"{W}tc")]
            where = f"action list row {row_number}"
            action = read_action(org, source, group, day, len(actions) + 1, where, cells)
            if action is not None:
                actions.append(action)
    return DecisionBatch(source, tuple(decisions), tuple(actions))
