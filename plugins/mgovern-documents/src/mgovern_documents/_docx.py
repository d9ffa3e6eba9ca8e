"""Word documents (DOCX) with python-docx: the notice and the minutes template.

Every element is made through python-docx (and its ``OxmlElement`` for what it has no
API for: table captions, repeating header rows, content controls), never from strings.
A base document ``notice.docx`` / ``minutes.docx`` in the templates folder gives the
styles, page setup, headers and footers; its body is replaced.

The same agenda gives the same bytes: the document's dates (created, modified, last
printed) are the meeting's start, and the zip entries are written again with that time
and fixed attributes (python-docx stamps them with the current time).
"""

from __future__ import annotations

import datetime as dt
import io
import xml.etree.ElementTree as etree
import zipfile
from pathlib import Path
from typing import TYPE_CHECKING, Any

from mgovern.agenda.planner import Agenda
from mgovern.exceptions import ConfigError
from mgovern.model import Organization
from mgovern_documents._content import Document, Row, document

if TYPE_CHECKING:
    from docx.document import Document as DocxDocument
    from docx.table import Table
    from docx.text.paragraph import Paragraph

__all__ = ["BASE_NAMES", "render_docx"]

#: The base document each kind starts from, when the templates folder has it.
BASE_NAMES = {"notice": "notice.docx", "minutes": "minutes.docx"}

#: Column widths of the item table in centimetres (A4 with 2 cm margins: 17 cm).
ITEM_WIDTHS = (1.3, 0.9, 4.6, 3.0, 2.9, 4.3)
ACTION_WIDTHS = (8.0, 4.0, 2.8, 2.2)
#: The minutes' decision fields: label and value column.
FIELD_WIDTHS = (4.5, 12.5)
#: The custom document property naming the meeting the minutes are for (``klg 2026-03-17``).
MINUTES_PROPERTY = "mgovern-minutes"
CUSTOM_NS = "http://schemas.openxmlformats.org/officeDocument/2006/custom-properties"
VT_NS = "http://schemas.openxmlformats.org/officeDocument/2006/docPropsVTypes"
#: Bookmarks mgovern puts in the minutes' cells, to read them back exactly.
ACTIONS_BOOKMARK = "mgovern_actions"
TABLE_FONT_PT = 9.5


def _style(doc: DocxDocument, name: str) -> str | None:
    """The style's name if the document has it (a user's base document may not)."""
    try:
        doc.styles[name]
    except KeyError:
        return None
    return name


def _paragraph(doc: DocxDocument, text: str = "", style: str | None = None) -> Paragraph:
    return doc.add_paragraph(text, style=_style(doc, style) if style else None)


def _heading(doc: DocxDocument, text: str, level: int) -> Paragraph:
    name = "Title" if level == 0 else f"Heading {level}"
    if _style(doc, name) is not None:
        return doc.add_paragraph(text, style=name)
    paragraph = doc.add_paragraph()
    run = paragraph.add_run(text)
    run.bold = True
    return paragraph


def _labelled(doc: DocxDocument, label: str, value: str) -> Paragraph:
    paragraph = doc.add_paragraph()
    paragraph.add_run(f"{label}: ").bold = True
    paragraph.add_run(value)
    paragraph.paragraph_format.space_after = 0
    return paragraph


def _language(doc: DocxDocument, tag: str) -> None:
    """The document's default language (spelling, hyphenation, screen readers)."""
    from docx.oxml import OxmlElement
    from docx.oxml.ns import qn

    full = {"sv": "sv-SE", "en": "en-GB"}.get(tag, tag)
    styles = doc.styles.element
    defaults = styles.find(qn("w:docDefaults"))
    if defaults is None:
        return
    rpr = defaults.find(f"{qn('w:rPrDefault')}/{qn('w:rPr')}")
    if rpr is None:
        return
    lang = rpr.find(qn("w:lang"))
    if lang is None:
        lang = OxmlElement("w:lang")
        rpr.append(lang)
    lang.set(qn("w:val"), full)


def _table(
    doc: DocxDocument, headings: tuple[str, ...], widths: tuple[float, ...], caption: str
) -> Table:
    """A table with a header row repeated on every page and an accessible caption."""
    from docx.oxml import OxmlElement
    from docx.oxml.ns import qn
    from docx.shared import Cm, Pt

    table: Table = doc.add_table(rows=1, cols=len(headings))
    style = _style(doc, "Table Grid")
    if style is not None:
        table.style = style
    table.autofit = False
    tbl_pr = table._tbl.tblPr
    for name, value in (("w:tblCaption", caption), ("w:tblDescription", caption)):
        element = OxmlElement(name)
        element.set(qn("w:val"), value)
        tbl_pr.append(element)
    for column, width in zip(table.columns, widths, strict=True):
        column.width = Cm(width)  # the grid, which LibreOffice follows
    header = table.rows[0]
    header._tr.get_or_add_trPr().append(OxmlElement("w:tblHeader"))
    for cell, text, width in zip(header.cells, headings, widths, strict=True):
        cell.width = Cm(width)
        run = cell.paragraphs[0].add_run(text)
        run.bold = True
        run.font.size = Pt(TABLE_FONT_PT)
    return table


def _row(
    table: Table, values: tuple[str, ...], widths: tuple[float, ...], height: float = 0
) -> None:
    from docx.enum.table import WD_ROW_HEIGHT_RULE
    from docx.oxml import OxmlElement
    from docx.shared import Cm, Pt

    row = table.add_row()  # type: ignore[no-untyped-call]
    row._tr.get_or_add_trPr().append(OxmlElement("w:cantSplit"))
    if height:
        row.height = Cm(height)
        row.height_rule = WD_ROW_HEIGHT_RULE.AT_LEAST
    for cell, text, width in zip(row.cells, values, widths, strict=True):
        cell.width = Cm(width)
        if text:
            cell.paragraphs[0].add_run(text).font.size = Pt(TABLE_FONT_PT)


def _caption(doc: DocxDocument, text: str) -> None:
    paragraph = _paragraph(doc, text, "Caption")
    paragraph.paragraph_format.keep_with_next = True


def _field(doc: DocxDocument, data: Document, row: Row) -> None:
    """A box to write the decision (or notes) in: a Word content control in a cell."""
    from docx.enum.table import WD_ROW_HEIGHT_RULE
    from docx.oxml import OxmlElement
    from docx.oxml.ns import qn
    from docx.shared import Cm

    label = str(data.words["field"]).format(label=row.record, number=row.number)
    table = doc.add_table(rows=1, cols=1)
    style = _style(doc, "Table Grid")
    if style is not None:
        table.style = style
    caption = OxmlElement("w:tblCaption")
    caption.set(qn("w:val"), label)
    table._tbl.tblPr.append(caption)
    cell_row = table.rows[0]
    cell_row.height = Cm(2.5)
    cell_row.height_rule = WD_ROW_HEIGHT_RULE.AT_LEAST
    paragraph = cell_row.cells[0].paragraphs[0]._p
    sdt = OxmlElement("w:sdt")
    properties = OxmlElement("w:sdtPr")
    for name, value in (
        ("w:alias", label),
        ("w:tag", f"mgovern:{'decision' if row.section == 'decision' else 'notes'}:{row.number}"),
        ("w:id", str(1000 + row.number)),
    ):
        element = OxmlElement(name)
        element.set(qn("w:val"), value)
        properties.append(element)
    content = OxmlElement("w:sdtContent")
    paragraph.addprevious(sdt)
    sdt.append(properties)
    sdt.append(content)
    content.append(paragraph)


def _bookmark(paragraph: Any, name: str, number: int) -> None:
    """A collapsed bookmark at the start of a ``w:p``: how the reader finds its cell."""
    from docx.oxml import OxmlElement
    from docx.oxml.ns import qn

    start = OxmlElement("w:bookmarkStart")
    start.set(qn("w:id"), str(number))
    start.set(qn("w:name"), name)
    end = OxmlElement("w:bookmarkEnd")
    end.set(qn("w:id"), str(number))
    paragraph.insert(0 if paragraph.pPr is None else 1, start)
    start.addnext(end)


def _decision_fields(
    doc: DocxDocument, row: Row, labels: dict[str, str], values: dict[str, str]
) -> None:
    """Who decided and the matter: a label column and cells to write in, bookmarked by key."""
    from docx.oxml import OxmlElement
    from docx.oxml.ns import qn
    from docx.shared import Cm, Pt

    from mgovern.register.minutes import DECISION_KEYS

    caption = labels["fields"].format(number=row.number)
    table = doc.add_table(rows=0, cols=2)
    style = _style(doc, "Table Grid")
    if style is not None:
        table.style = style
    table.autofit = False
    element = OxmlElement("w:tblCaption")
    element.set(qn("w:val"), caption)
    table._tbl.tblPr.append(element)
    for column, width in zip(table.columns, FIELD_WIDTHS, strict=True):
        column.width = Cm(width)
    for index, key in enumerate(DECISION_KEYS[1:], start=1):
        cells = table.add_row().cells
        for cell, width in zip(cells, FIELD_WIDTHS, strict=True):
            cell.width = Cm(width)
        label = cells[0].paragraphs[0]
        label.add_run(labels[key]).font.size = Pt(TABLE_FONT_PT)
        _bookmark(label._p, f"mgovern_{row.number}_{key}", 2000 + 20 * row.number + index)
        if values.get(key):
            cells[1].paragraphs[0].add_run(values[key]).font.size = Pt(TABLE_FONT_PT)


def _custom_properties(doc: DocxDocument, properties: dict[str, str]) -> None:
    """Custom document properties (``docProps/custom.xml``), kept by Word and LibreOffice."""
    from docx.opc.constants import CONTENT_TYPE as CT
    from docx.opc.constants import RELATIONSHIP_TYPE as RT
    from docx.opc.packuri import PackURI
    from docx.opc.part import Part

    ns, vt = CUSTOM_NS, VT_NS
    etree.register_namespace("", ns)  # the prefixes Office writes
    etree.register_namespace("vt", vt)
    package = doc.part.package
    existing = next(
        (rel.target_part for rel in package.rels.values() if rel.reltype == RT.CUSTOM_PROPERTIES),
        None,
    )
    if existing is not None:  # the base document's own, kept
        root = etree.fromstring(existing.blob)
    else:
        root = etree.Element(f"{{{ns}}}Properties")
    for old in list(root):
        if old.get("name") in properties:
            root.remove(old)
    pids = [int(p.get("pid", "1")) for p in root]
    for pid, (name, value) in enumerate(properties.items(), start=max([1, *pids]) + 1):
        prop = etree.SubElement(root, f"{{{ns}}}property")
        prop.set("fmtid", "{D5CDD505-2E9C-101B-9397-08002B2CF9AE}")
        prop.set("pid", str(pid))
        prop.set("name", name)
        etree.SubElement(prop, f"{{{vt}}}lpwstr").text = value
    blob = etree.tostring(root, xml_declaration=True, encoding="UTF-8")
    if existing is not None:
        existing._blob = blob
    else:
        part = Part(PackURI("/docProps/custom.xml"), CT.OFC_CUSTOM_PROPERTIES, blob, package)
        package.relate_to(part, RT.CUSTOM_PROPERTIES)


def _header(doc: DocxDocument, data: Document) -> None:
    _heading(doc, data.title, 0)
    _paragraph(doc, data.cycle, "Subtitle")
    for label, value in data.facts:
        _labelled(doc, label, value)


def _notice(doc: DocxDocument, data: Document) -> None:
    from docx.shared import Pt

    _header(doc, data)
    _heading(doc, str(data.words["title"]), 1)
    _caption(doc, data.caption)
    columns = data.columns
    table = _table(
        doc,
        (
            columns["time"],
            columns["number"],
            columns["title"],
            columns["presenter"],
            columns["kind"],
            columns["proposed"],
        ),
        ITEM_WIDTHS,
        data.caption,
    )
    for row in data.rows:
        _row(
            table,
            (row.time, str(row.number), row.title, row.presenter, row.kind, row.proposed),
            ITEM_WIDTHS,
        )
    _paragraph(doc, data.shares).paragraph_format.space_before = Pt(6)
    for heading, lines in data.moved:
        _heading(doc, heading, 1)
        for line in lines:
            _paragraph(doc, line, "List Bullet")
    if data.delegation is not None:  # a board meeting: its delegated decisions
        title, period, sections = data.delegation
        _heading(doc, title, 1)
        _paragraph(doc, period)
        for heading, lines in sections:
            _heading(doc, heading, 2)
            for line in lines:
                _paragraph(doc, line, "List Bullet")
    if data.warnings:
        _heading(doc, data.warnings_heading, 1)
        for warning in data.warnings:
            _paragraph(doc, warning, "List Bullet")


def _minutes(
    doc: DocxDocument, data: Document, org: Organization, fields: dict[int, dict[str, str]]
) -> None:
    from docx.oxml.ns import qn

    from mgovern.register.minutes import action_labels, field_labels

    _header(doc, data)
    columns = data.columns
    labels = field_labels(org)
    for row in data.rows:
        _heading(doc, f"{row.number}. {row.title}", 1)
        meta = [row.time, f"{row.minutes} {columns['minutes']}", row.kind]
        if row.presenter:
            meta.append(f"{columns['presenter']}: {row.presenter}")
        _paragraph(doc, " · ".join(meta))
        if row.proposed:
            _labelled(doc, columns["proposed"], row.proposed)
        _heading(doc, row.record, 2)
        _field(doc, data, row)
        if row.number in fields:
            box = doc.tables[-1]._tbl.tr_lst[0].tc_lst[0]  # the field: its text is the decision
            _bookmark(
                box.find(f".//{qn('w:p')}"), f"mgovern_{row.number}_text", 2000 + 20 * row.number
            )
            _decision_fields(doc, row, labels, fields[row.number])
    _heading(doc, str(data.words["actions"]), 1)
    _caption(doc, data.actions_caption)
    headings = action_labels(org)
    table = _table(doc, headings, ACTION_WIDTHS, data.actions_caption)
    _bookmark(table.rows[0].cells[0].paragraphs[0]._p, ACTIONS_BOOKMARK, 999)
    for _ in range(data.action_rows):
        _row(table, ("",) * len(headings), ACTION_WIDTHS, height=0.9)


def _start(templates: Path | None, kind: str) -> DocxDocument:
    """The base document: the user's, body emptied, or python-docx's default on A4."""
    import docx
    from docx.oxml.ns import qn
    from docx.shared import Cm

    if templates is not None:
        if not templates.is_dir():
            raise ConfigError(
                f"{templates}: the documents.templates folder does not exist",
                path="documents.templates",
            )
        base = templates / BASE_NAMES[kind]
        if base.is_file():
            try:
                doc = docx.Document(str(base))
            except Exception as exc:  # python-docx raises several kinds for a bad file
                raise ConfigError(
                    f"{base}: not a Word document python-docx can open ({type(exc).__name__})",
                    path="documents.templates",
                ) from None
            body = doc.element.body
            for child in list(body):
                if child.tag != qn("w:sectPr"):
                    body.remove(child)
            return doc
    doc = docx.Document()
    doc.styles["Normal"].font.name = "Calibri"
    for section in doc.sections:
        section.page_width, section.page_height = Cm(21.0), Cm(29.7)
        section.left_margin = section.right_margin = Cm(2.0)
        section.top_margin = section.bottom_margin = Cm(2.0)
    return doc


def _properties(doc: DocxDocument, org: Organization, data: Document) -> None:
    moment = data.start.astimezone(dt.UTC).replace(tzinfo=None)
    properties = doc.core_properties
    properties.title = f"{data.title}, {data.day}"
    properties.subject = data.caption
    properties.author = org.name
    properties.last_modified_by = "mgovern"
    properties.category = str(data.words[data.kind])
    properties.keywords = f"{data.group}; {data.day}"
    properties.comments = str(data.words["generator"])
    properties.language = data.lang
    properties.revision = 1
    properties.created = moment
    properties.modified = moment
    properties.last_printed = moment


def _repack(data: bytes, moment: dt.datetime) -> bytes:
    """The same zip with every entry stamped ``moment`` and fixed attributes."""
    stamp = (max(moment.year, 1980), moment.month, moment.day, moment.hour, moment.minute, 0)
    out = io.BytesIO()
    with (
        zipfile.ZipFile(io.BytesIO(data)) as source,
        zipfile.ZipFile(out, "w", zipfile.ZIP_DEFLATED) as target,
    ):
        for info in source.infolist():
            entry = zipfile.ZipInfo(info.filename, date_time=stamp)
            entry.compress_type = zipfile.ZIP_DEFLATED
            entry.create_system = 0
            entry.external_attr = 0
            target.writestr(entry, source.read(info.filename))
    return out.getvalue()


def render_docx(org: Organization, agenda: Agenda, templates: Path | None, kind: str) -> bytes:
    """The notice or the minutes template as a Word document."""
    data = document(org, agenda, kind)
    doc = _start(templates, kind)
    _language(doc, data.lang)
    if kind == "notice":
        _notice(doc, data)
    else:
        from mgovern.register.minutes import has_decision_fields, prefill

        fields = {e.number: prefill(agenda, e) for e in agenda.entries if has_decision_fields(e)}
        _minutes(doc, data, org, fields)
        _custom_properties(doc, {MINUTES_PROPERTY: f"{agenda.group} {data.day}"})
    _properties(doc, org, data)
    out = io.BytesIO()
    doc.save(out)
    return _repack(out.getvalue(), data.start)
