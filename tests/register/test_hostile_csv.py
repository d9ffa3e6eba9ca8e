"""Decision lists as spreadsheets write them, through ``mgovern decisions import|export``.

The files here are written the way Excel and LibreOffice write CSV (``;`` with a Swedish
locale, CRLF, a byte-order mark, quotes doubled, line breaks inside quoted values, UTF-16
"Unicode text" with tabs), by a writer of this module, not by mgovern's exporter.
"""

from __future__ import annotations

import csv
import io
from pathlib import Path

import pytest
from click.testing import CliRunner, Result
from hypothesis import HealthCheck, example, given, settings
from hypothesis import strategies as st

from mgovern._util.csvfile import escape, unescape
from mgovern.cli import build_cli

HEADER = ("id", "date", "decided_by", "category", "text")


def run(*args: str) -> Result:
    return CliRunner().invoke(build_cli(), list(args))


def excel(rows: list[tuple[str, ...]], *, delimiter: str = ";", end: str = "\r\n") -> str:
    """CSV as Excel writes it: a value with the delimiter, a quote or a line break is
    quoted, its quotes doubled; others as they are."""

    def cell(value: str) -> str:
        if any(c in value for c in (delimiter, '"', "\n", "\r")):
            return '"' + value.replace('"', '""') + '"'
        return value

    return "".join(delimiter.join(cell(v) for v in row) + end for row in rows)


def imported(tmp_path: Path, name: str, data: bytes, *extra: str) -> Result:
    path = tmp_path / name
    path.write_bytes(data)
    return run("decisions", "import", str(path), "--db", str(tmp_path / "r.db"), *extra)


def exported(tmp_path: Path, db: str = "r.db") -> bytes:
    out = tmp_path / f"{db}.csv"
    result = run("decisions", "export", "--db", str(tmp_path / db), "--out", str(out))
    assert result.exit_code == 0, result.stderr
    return out.read_bytes()


def texts(data: bytes) -> dict[str, str]:
    """id -> text of an export, read with the csv module's own Excel dialect."""
    reader = csv.DictReader(io.StringIO(data.decode("utf-8"), newline=""))
    return {row["id"]: row["text"] for row in reader}


def one_error(result: Result) -> str:
    assert result.exit_code == 2, result.output
    assert "Traceback" not in result.stderr
    (line,) = [x for x in result.stderr.splitlines() if x.startswith("mgovern: error:")]
    assert len(result.stderr.splitlines()) <= 2  # the error (and the example-org note)
    return line


TEXT = 'Arrende "Årsta 1:45"; 3 år'


# --- point 1: doubled quotes, encodings, dates -----------------------------------------------
def test_doubled_quotes_as_excel_writes_them_are_read(tmp_path: Path) -> None:
    data = excel([HEADER, ("KS-1", "2026-03-02", "group", "budget", TEXT)])
    assert '"Arrende ""Årsta 1:45""; 3 år"' in data
    result = imported(tmp_path, "lista.csv", b"\xef\xbb\xbf" + data.encode("utf-8"))
    assert result.exit_code == 0, result.stderr
    assert texts(exported(tmp_path)) == {"KS-1": TEXT}


def test_libreoffice_quoting_every_text_cell_and_line_breaks_in_values(tmp_path: Path) -> None:
    data = (
        '"id","date","decided_by","category","text"\n'
        '"KS-1","2026-03-02","group","budget","Första stycket,\nandra ""stycket"""\n'
        '"KS-2","2026-03-03","group","budget","x"\n'
    )
    result = imported(tmp_path, "lista.csv", data.encode("utf-8"))
    assert result.exit_code == 0, result.stderr
    assert texts(exported(tmp_path)) == {
        "KS-1": 'Första stycket,\nandra "stycket"',
        "KS-2": "x",
    }


@pytest.mark.parametrize("codec", ["utf-16-le", "utf-16-be"])
def test_utf16_unicode_text_with_tabs_is_read(tmp_path: Path, codec: str) -> None:
    mark = "\ufeff".encode(codec)
    data = excel([HEADER, ("KS-1", "2026-03-02", "group", "budget", TEXT)], delimiter="\t")
    result = imported(tmp_path, "unicode.csv", mark + data.encode(codec))
    assert result.exit_code == 0, result.stderr
    assert texts(exported(tmp_path)) == {"KS-1": TEXT}


def test_one_stray_windows_1252_byte_refuses_the_file_naming_its_row(tmp_path: Path) -> None:
    rows = [HEADER, *[(f"KS-{n}", "2026-03-02", "group", "budget", "Grönt") for n in range(3)]]
    data = bytearray(excel(rows).encode("utf-8"))
    data[data.rindex("ö".encode())] = 0xF6  # the last row's ö as Windows-1252 writes it
    line = one_error(imported(tmp_path, "lista.csv", bytes(data)))
    assert line.startswith("mgovern: error: ")
    assert "lista.csv: row 4: the byte 0xF6 is not UTF-8 text" in line
    assert "--encoding cp1252" in line
    assert not (tmp_path / "r.db").exists()


def test_encoding_reads_the_rest(tmp_path: Path) -> None:
    data = excel([HEADER, ("KS-1", "2026-03-02", "group", "budget", "Gräns; öst")])
    result = imported(tmp_path, "excel.csv", data.encode("cp1252"), "--encoding", "cp1252")
    assert result.exit_code == 0, result.stderr
    assert texts(exported(tmp_path)) == {"KS-1": "Gräns; öst"}
    line = one_error(imported(tmp_path, "b.csv", data.encode("cp1252"), "--encoding", "klingon"))
    assert "unknown encoding 'klingon'" in line
    assert "--encoding is for CSV lists" in one_error(
        imported(tmp_path, "b.toml", b"", "--encoding", "cp1252")
    )


def test_utf16_without_a_mark_is_named(tmp_path: Path) -> None:
    data = excel([HEADER, ("KS-1", "2026-03-02", "group", "budget", "x")]).encode("utf-16-le")
    assert "UTF-16 without a byte-order mark" in one_error(imported(tmp_path, "u.csv", data))


@pytest.mark.parametrize(
    "day", ["20260302", "2026-W10-1", "2026-061", "2026-3-2", "2026-03-02T00:00", "2026-02-30"]
)
def test_dates_are_only_yyyy_mm_dd(tmp_path: Path, day: str) -> None:
    data = excel([HEADER, ("KS-1", day, "group", "budget", "x")])
    line = one_error(imported(tmp_path, "lista.csv", data.encode("utf-8")))
    assert "row 2, column date: expected a date such as 2026-03-17" in line


# --- point 17: the file's rows --------------------------------------------------------------
def test_errors_name_the_row_of_the_file_counting_line_breaks_in_values(tmp_path: Path) -> None:
    rows = [
        HEADER,
        ("KS-1", "2026-03-02", "group", "budget", "rad ett\nrad två\nrad tre"),  # rows 2-4
        ("KS-2", "2026-03-02", "group", "nope", "x"),  # row 5
    ]
    line = one_error(imported(tmp_path, "lista.csv", excel(rows).encode("utf-8")))
    assert "lista.csv: row 5, column category: unknown category 'nope'" in line


def test_a_value_after_a_multiline_value_is_named_by_its_own_line(tmp_path: Path) -> None:
    header = ("id", "date", "decided_by", "text", "category")
    rows = [header, ("KS-1", "2026-03-02", "group", "ett\ntvå", "nope")]
    line = one_error(imported(tmp_path, "lista.csv", excel(rows).encode("utf-8")))
    assert "lista.csv: row 3, column category: unknown category 'nope'" in line


def test_a_file_with_cr_line_ends_and_a_cr_in_a_quoted_value(tmp_path: Path) -> None:
    rows = [
        HEADER,
        ("KS-1", "2026-03-02", "group", "budget", "ett\rtvå"),  # rows 2-3
        ("KS-2", "2026-03-02", "group", "budget", "x"),
        ("KS\r3", "2026-03-02", "group", "budget", "x"),  # row 5: a line break in an id
    ]
    line = one_error(imported(tmp_path, "mac.csv", excel(rows, end="\r").encode("utf-8")))
    assert "mac.csv: row 5, column id:" in line
    assert "unquoted field" not in line
    ok = rows[:3]
    result = imported(tmp_path, "mac.csv", excel(ok, end="\r").encode("utf-8"))
    assert result.exit_code == 0, result.stderr
    assert texts(exported(tmp_path))["KS-1"] == "ett\ntvå"  # a line break, as in the file


@pytest.mark.parametrize(
    ("data", "expected"),
    [
        (
            "id;date;decided_by;category;text\r\nKS-1;2026-03-02;group;budget;x\r\n"
            'KS-2;2026-03-02;group;budget;"aldrig\r\nstängd\r\n',
            "row 3: a quoted value is never closed",
        ),
        (
            'id;date;decided_by;category;text\r\nKS-1;2026-03-02;group;budget;"två\r\n'
            'rader" och mer\r\n',
            'row 3: text after the closing " of a quoted value',
        ),
        (
            "id;date;decided_by;category;text\r\nKS-1;2026-03-02;group;budget;x;y\r\n",
            "row 2: more values than columns (6 values, 5 columns)",
        ),
        ("id;date;text;text\r\n", "row 1: the column 'text' is there twice"),
    ],
    ids=["never-closed", "after-closing-quote", "more-values", "twice"],
)
def test_malformed_csv_names_the_row(tmp_path: Path, data: str, expected: str) -> None:
    line = one_error(imported(tmp_path, "lista.csv", data.encode("utf-8")))
    assert f"lista.csv: {expected}" in line


def test_blank_rows_and_trailing_empty_cells_from_a_spreadsheet_are_skipped(
    tmp_path: Path,
) -> None:
    data = (
        "id;date;decided_by;category;text;;\r\n"
        "KS-1;2026-03-02;group;budget;x;;\r\n"
        ";;;;;;\r\n"
        "\r\n"
        "KS-2;2026-03-03;group;nope;x;;\r\n"
    )
    line = one_error(imported(tmp_path, "lista.csv", data.encode("utf-8")))
    assert "lista.csv: row 5, column category" in line


# --- point 2: formula injection -------------------------------------------------------------
FORMULAS = [
    '=HYPERLINK("http://example.com";"klicka")',
    "+46 8 508 000 00",
    "-5 % på arrendet",
    "@SUM(A1:A2)",
    "'=1+2",
    "''+x",
    "'vanlig apostrof",
    "Anna's beslut",
]


def test_export_never_writes_a_cell_a_spreadsheet_executes(tmp_path: Path) -> None:
    rows = [
        HEADER,
        *[(f"KS-{n}", "2026-03-02", "group", "budget", t) for n, t in enumerate(FORMULAS)],
    ]
    # the file holds the texts as escaped by mgovern (a spreadsheet's own text prefix)
    escaped = [rows[0], *[(*r[:4], _prefixed(r[4])) for r in rows[1:]]]
    result = imported(tmp_path, "lista.csv", excel(escaped).encode("utf-8"))
    assert result.exit_code == 0, result.stderr
    data = exported(tmp_path)
    cells = [c for row in csv.reader(io.StringIO(data.decode(), newline="")) for c in row]
    assert not [c for c in cells if c[:1] in ("=", "+", "-", "@", "\t", "\r")]
    written = texts(data)
    assert written["KS-0"] == "'" + FORMULAS[0]
    assert written["KS-4"] == "''=1+2"
    assert written["KS-5"] == "'''+x"
    assert written["KS-6"] == "'vanlig apostrof"  # not a formula: as it is
    # and the export imports as the texts themselves
    again = tmp_path / "again.csv"
    again.write_bytes(data)
    result = run("decisions", "import", str(again), "--db", str(tmp_path / "r2.db"))
    assert result.exit_code == 0, result.stderr
    assert exported(tmp_path, "r2.db") == data
    result = run("decisions", "list", "--db", str(tmp_path / "r2.db"))
    for text in FORMULAS:
        assert f": {text}\n" in result.stdout


# --- export -> import -> export, for any text -----------------------------------------------
_LINE = st.text(
    st.characters(
        codec="utf-8",
        exclude_categories=("Cc", "Cs", "Zl", "Zp"),
        exclude_characters="\u202a\u202b\u202c\u202d\u202e\u2066\u2067\u2068\u2069",
    )
    | st.sampled_from(['"', ";", ",", "'", "=", "+", "-", "@", " ", "|"]),
    min_size=1,
    max_size=30,
)
_TEXT = st.lists(_LINE, min_size=1, max_size=3).map("\n".join).map(str.strip).filter(bool)


@settings(
    max_examples=30, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture]
)
@example(
    values=[TEXT, 'a"b', '"', "=1", "'=x", "-", 'ett\n"två"; tre'],
    delimiter=";",
    end="\r\n",
    bom=True,
)
@example(values=['x,"y"', "@a\n+b"], delimiter=",", end="\n", bom=False)
@given(
    values=st.lists(_TEXT, min_size=1, max_size=4),
    delimiter=st.sampled_from([";", ",", "\t"]),
    end=st.sampled_from(["\r\n", "\n"]),
    bom=st.booleans(),
)
def test_export_import_export_is_byte_identical_for_any_text(
    tmp_path_factory: pytest.TempPathFactory, values: list[str], delimiter: str, end: str, bom: bool
) -> None:
    tmp_path = tmp_path_factory.mktemp("round")
    rows = [
        HEADER,
        *[(f"KS-{n}", "2026-03-02", "group", "budget", v) for n, v in enumerate(values)],
    ]
    # a text that begins as a formula is given as a spreadsheet gives it: with its ' prefix
    given_rows = [rows[0], *[(*r[:4], _prefixed(r[4])) for r in rows[1:]]]
    data = excel(given_rows, delimiter=delimiter, end=end).encode("utf-8")
    result = imported(tmp_path, "lista.csv", (b"\xef\xbb\xbf" if bom else b"") + data)
    assert result.exit_code == 0, result.stderr
    first = exported(tmp_path)
    again = tmp_path / "again.csv"
    again.write_bytes(first)
    result = run("decisions", "import", str(again), "--db", str(tmp_path / "r2.db"))
    assert result.exit_code == 0, result.stderr
    assert exported(tmp_path, "r2.db") == first
    stored = {k: _unprefixed(v) for k, v in texts(first).items()}
    assert stored == {f"KS-{n}": v for n, v in enumerate(values)}


def _prefixed(text: str) -> str:
    """The oracle's escaping, from the documented rule: one ' before a text that is any
    number of ' followed by =, +, -, @, tab or CR."""
    rest = text.lstrip("'")
    return "'" + text if rest[:1] in ("=", "+", "-", "@", "\t", "\r") else text


def _unprefixed(cell: str) -> str:
    rest = cell.lstrip("'")
    return (
        cell[1:] if cell.startswith("'") and rest[:1] in ("=", "+", "-", "@", "\t", "\r") else cell
    )


@given(st.text())
def test_the_escaping_is_exact_and_leaves_no_formula(text: str) -> None:
    written = escape(text)
    assert written[:1] not in ("=", "+", "-", "@", "\t", "\r")
    assert unescape(written) == text
    assert written == _prefixed(text)  # the documented rule, written independently
