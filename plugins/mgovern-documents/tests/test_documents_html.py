"""The HTML documents, parsed again with html.parser and checked against the agenda."""

from __future__ import annotations

import itertools
from dataclasses import dataclass, field
from html.parser import HTMLParser
from pathlib import Path
from typing import Any

import attrs
import pytest

from mgovern.agenda.formatting import labels
from mgovern.agenda.planner import Agenda
from mgovern.exceptions import ConfigError
from mgovern.model import Organization
from mgovern.register.documents import renderers


@dataclass
class Cell:
    tag: str
    attrs: dict[str, str | None]
    text: str = ""
    time: str | None = None  # a <time datetime> inside


@dataclass
class Table:
    caption: str = ""
    head: list[Cell] = field(default_factory=list)
    rows: list[list[Cell]] = field(default_factory=list)


class Page(HTMLParser):
    """Just enough of a page: its language, title, headings, tables and style."""

    def __init__(self, text: str) -> None:
        super().__init__(convert_charrefs=True)
        self.lang: str | None = None
        self.title = ""
        self.headings: list[tuple[int, str]] = []
        self.tables: list[Table] = []
        self.style = ""
        self._in: list[str] = []
        self._heading: list[str] | None = None
        self._cell: Cell | None = None
        self._row: list[Cell] | None = None
        self._section = ""
        self._caption: list[str] | None = None
        self.feed(text)
        self.close()

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        a = dict(attrs)
        if tag == "html":
            self.lang = a.get("lang")
        if tag in {"h1", "h2", "h3", "h4"}:
            self._heading = []
        if tag == "table":
            self.tables.append(Table())
        if tag in {"thead", "tbody"}:
            self._section = tag
        if tag == "caption":
            self._caption = []
        if tag == "tr":
            self._row = []
        if tag in {"td", "th"}:
            self._cell = Cell(tag, a)
        if tag == "time" and self._cell is not None:
            self._cell.time = a.get("datetime")
        self._in.append(tag)

    def handle_endtag(self, tag: str) -> None:
        while self._in and self._in.pop() != tag:
            pass
        if tag in {"h1", "h2", "h3", "h4"} and self._heading is not None:
            self.headings.append((int(tag[1]), "".join(self._heading).strip()))
            self._heading = None
        if tag == "caption" and self._caption is not None:
            self.tables[-1].caption = "".join(self._caption).strip()
            self._caption = None
        if tag in {"td", "th"} and self._cell is not None and self._row is not None:
            self._cell.text = self._cell.text.strip()
            self._row.append(self._cell)
            self._cell = None
        if tag == "tr" and self._row is not None:
            table = self.tables[-1]
            if self._section == "thead":
                table.head = self._row
            else:
                table.rows.append(self._row)
            self._row = None

    def handle_data(self, data: str) -> None:
        if self._in and self._in[-1] == "title":
            self.title += data
        if self._in and self._in[-1] == "style":
            self.style += data
        if self._heading is not None:
            self._heading.append(data)
        if self._caption is not None:
            self._caption.append(data)
        if self._cell is not None:
            self._cell.text += data


def render(org: Organization, agenda: Agenda, kind: str, templates: Path | None = None) -> str:
    data = renderers()[(kind, "html")](org, agenda, templates)
    return data.decode("utf-8")


def test_notice_table_is_the_agenda(sample: Any) -> None:
    page = Page(render(sample.org, sample.agenda, "notice"))
    assert page.lang == "sv"
    assert page.headings[0] == (1, "Kallelse: Kontorsledningsgruppen")
    assert (2, "Dagordning") in page.headings
    (table,) = page.tables
    assert table.caption.startswith("Dagordning för Kontorsledningsgruppen, tisdag 17 mars 2026")
    assert [c.text for c in table.head] == [
        "Tid",
        "Nr",
        "Ärende",
        "Föredragande",
        "Typ",
        "Förslag till beslut",
    ]
    assert all(c.tag == "th" and c.attrs.get("scope") == "col" for c in table.head)
    words = labels(sample.org)
    rows = [[c.text for c in row] for row in table.rows]
    assert rows == [
        [
            f"{e.start:%H:%M}",
            str(e.number),
            e.title,
            e.item.item.presenter if e.item else "",
            words[e.section],
            e.item.item.proposed_decision if e.item else "",
        ]
        for e in sample.agenda.entries
    ]
    # the title is each row's header; the time is machine-readable with its offset
    assert all(row[2].tag == "th" and row[2].attrs["scope"] == "row" for row in table.rows)
    assert table.rows[0][0].time == "2026-03-17T09:00+01:00"
    assert [row[0].time for row in table.rows] == [
        e.start.isoformat(timespec="minutes") for e in sample.agenda.entries
    ]


def test_notice_is_printable_and_lists_moves(sample: Any) -> None:
    text = render(sample.org, sample.agenda, "notice")
    page = Page(text)
    assert "@media print" in page.style
    assert "table-header-group" in page.style
    assert page.title == "Kallelse: Kontorsledningsgruppen, 2026-03-17"
    if sample.agenda.deferred:
        assert (2, "Flyttade till ett senare möte") in page.headings
        assert sample.agenda.deferred[0].item.item.title in text
    levels = [level for level, _ in page.headings]
    assert levels[0] == 1
    assert all(b - a <= 1 for a, b in itertools.pairwise(levels))


def test_minutes_have_a_field_per_item_and_an_action_table(sample: Any) -> None:
    text = render(sample.org, sample.agenda, "minutes")
    page = Page(text)
    entries = sample.agenda.entries
    assert [h for level, h in page.headings if level == 2] == [
        f"{e.number}. {e.title}" for e in entries
    ] + ["Åtgärdslista"]
    records = [h for level, h in page.headings if level == 3]
    assert records == ["Beslut" if e.section == "decision" else "Anteckningar" for e in entries]
    assert text.count('<div class="field"></div>') == len(entries)
    (actions,) = page.tables
    assert [c.text for c in actions.head] == ["Vad", "Vem", "Klart senast"]
    assert len(actions.rows) == 6
    assert actions.caption == "Åtgärdslista för Kontorsledningsgruppen, tisdag 17 mars 2026"


def test_english(sample: Any) -> None:
    org = attrs.evolve(sample.org, locale="en_GB")
    page = Page(render(org, sample.agenda, "notice"))
    assert page.lang == "en-GB"
    assert page.headings[:2] == [(1, "Notice of meeting: Kontorsledningsgruppen"), (2, "Agenda")]
    assert [c.text for c in page.tables[0].head][:3] == ["Time", "No.", "Item"]


def test_text_is_escaped(sample: Any) -> None:
    first, *rest = sample.agenda.entries
    agenda = attrs.evolve(
        sample.agenda, entries=(attrs.evolve(first, title="<script>alert(1)</script> & Co"), *rest)
    )
    text = render(sample.org, agenda, "notice")
    assert "<script>" not in text
    assert "&lt;script&gt;alert(1)&lt;/script&gt; &amp; Co" in text
    assert Page(text).tables[0].rows[0][2].text == "<script>alert(1)</script> & Co"


def test_templates_can_be_overridden(sample: Any, tmp_path: Path) -> None:
    (tmp_path / "notice.html.j2").write_text(
        '{% extends "builtin/notice.html.j2" %}\n'
        "{% block style %}{{ super() }} h1 { color: #7a003c; }{% endblock %}\n"
        "{% block footer %}<p>Exploateringskontoret, {{ org.name }}</p>{% endblock %}\n",
        encoding="utf-8",
    )
    text = render(sample.org, sample.agenda, "notice", tmp_path)
    assert "h1 { color: #7a003c; }" in text
    assert "@media print" in text
    assert "<p>Exploateringskontoret, Exploateringskontoret, Stockholms stad</p>" in text
    assert len(Page(text).tables[0].rows) == len(sample.agenda.entries)
    # only the notice is overridden; the minutes come from the shipped template
    assert "#7a003c" not in render(sample.org, sample.agenda, "minutes", tmp_path)


def test_a_base_override_changes_both_kinds(sample: Any, tmp_path: Path) -> None:
    (tmp_path / "base.html.j2").write_text(
        '{% extends "builtin/base.html.j2" %}{% block footer %}<p>Diarienr KS 2026/17</p>'
        "{% endblock %}",
        encoding="utf-8",
    )
    for kind in ("notice", "minutes"):
        assert "Diarienr KS 2026/17" in render(sample.org, sample.agenda, kind, tmp_path)


def test_a_template_with_an_error_names_itself(sample: Any, tmp_path: Path) -> None:
    (tmp_path / "notice.html.j2").write_text("{% block main %}\n{{ doc.title }\n", "utf-8")
    with pytest.raises(ConfigError, match=r"notice\.html\.j2:2: template syntax error"):
        render(sample.org, sample.agenda, "notice", tmp_path)
    (tmp_path / "notice.html.j2").write_text("{% include 'kontoret.j2' %}", "utf-8")
    with pytest.raises(ConfigError, match=r"no template 'kontoret\.j2' in .* or the shipped"):
        render(sample.org, sample.agenda, "notice", tmp_path)
    (tmp_path / "notice.html.j2").write_text("{{ doc.no_such_thing }}", "utf-8")
    with pytest.raises(ConfigError, match=r"no_such_thing"):
        render(sample.org, sample.agenda, "notice", tmp_path)
