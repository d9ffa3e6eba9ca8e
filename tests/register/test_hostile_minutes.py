"""Minutes read back through ``mgovern decisions import``: the bounds of decision lists.

Markdown and Word minutes get the text limits and control-character rules of decision
lists (:mod:`mgovern.bounds`), so what is imported from minutes always exports as a list
and imports again; a .docx is read with a bound on every part (a zip bomb is refused by
its directory, and a directory that lies is caught while inflating).
"""

from __future__ import annotations

import datetime as dt
import importlib.util
import io
import struct
import subprocess
import sys
import zipfile
import zlib
from pathlib import Path

import pytest
from click.testing import CliRunner, Result
from hypothesis import HealthCheck, example, given, settings
from hypothesis import strategies as st

import mgovern
from mgovern.agenda.planner import Agenda
from mgovern.cli import build_cli
from mgovern.model import Organization
from mgovern.register.documents import renderers

ITEMS = Path(mgovern.__file__).parent / "examples" / "agenda-items.toml"
DAY = dt.date(2026, 3, 17)
DOCUMENTS = importlib.util.find_spec("mgovern_documents") is not None


@pytest.fixture(scope="module")
def org() -> Organization:
    return mgovern.example()


@pytest.fixture(scope="module")
def agenda(org: Organization) -> Agenda:
    from mgovern.cli import meeting_agenda

    return meeting_agenda(org, "klg", DAY, ITEMS)


def run(*args: str) -> Result:
    return CliRunner().invoke(build_cli(), list(args))


def fill(text: str, label: str, value: str) -> str:
    """Write ``value`` in the first row ``| label | ... |`` (what mgovern wrote there
    replaced), as a secretary would."""
    start = text.index(f"\n| {label} | ") + 1
    end = text.index("\n", start)
    return f"{text[:start]}| {label} | {value} |{text[end:]}"


def markdown(org: Organization, agenda: Agenda, **fields: str) -> str:
    text = renderers()[("minutes", "md")](org, agenda, None).decode("utf-8")
    text = fill(text, "Beslut", fields.pop("Beslut", "Godkänns."))
    for label, value in fields.items():
        text = fill(text, label, value)
    return text


def imported(tmp_path: Path, name: str, data: str | bytes, db: str = "r.db") -> Result:
    path = tmp_path / name
    if isinstance(data, str):
        path.write_text(data, encoding="utf-8")
    else:
        path.write_bytes(data)
    return run("decisions", "import", str(path), "--db", str(tmp_path / db))


def one_error(result: Result) -> str:
    assert result.exit_code == 2, result.output
    assert "Traceback" not in result.stderr
    lines = [x for x in result.stderr.splitlines() if x.startswith("mgovern: error:")]
    assert len(lines) == 1, result.stderr
    return lines[0]


# --- Markdown minutes: the bounds of decision lists ------------------------------------------
@pytest.mark.parametrize(
    ("fields", "expected"),
    [
        ({"Beslut": "Godkänns\x1b[2J."}, "Beslut: 'Godkänns\\x1b[2J.' has the control character"),
        ({"Beslut": "Godkänns \u202eroF."}, "Beslut: 'Godkänns \\u202eroF.' has the control"),
        ({"Beslut": "x" * 20_001}, "Beslut: 'xxxx"),
        ({"Beslutsnummer": "K" * 201}, "Beslutsnummer: 'KKKK"),
        ({"Ärende-id": "a\x00b"}, "Ärende-id: 'a\\x00b' has the control character U+0000 NUL"),
        ({"Belopp": "1000000000000000"}, "Belopp: '1000000000000000' is not an amount below 10^15"),
        ({"Belopp": "1,0000001"}, "Belopp: '1,0000001' is not an amount below 10^15"),
    ],
    ids=["escape", "rlo", "long-text", "long-id", "nul-item", "huge-amount", "decimals"],
)
def test_markdown_minutes_keep_the_bounds_of_lists(
    org: Organization, agenda: Agenda, tmp_path: Path, fields: dict[str, str], expected: str
) -> None:
    line = one_error(imported(tmp_path, "protokoll.md", markdown(org, agenda, **fields)))
    assert "protokoll.md: item " in line
    assert expected in line
    assert not (tmp_path / "r.db").exists()


@pytest.mark.parametrize(
    ("cells", "expected"),
    [
        ("| Boka möte | tomas-engstrom | 20260414 |  |", "Klart senast: '20260414' is not a date"),
        ("| Boka möte | tomas-engstrom | 2026-W16-2 |  |", "'2026-W16-2' is not a date"),
        ("| Boka möte | tomas-engstrom | 1800-04-14 |  |", "'1800-04-14' is not a date"),
        ("| Boka \u202emöte | tomas-engstrom | 2026-04-14 |  |", "Vad: 'Boka \\u202emöte' has"),
        ("| Boka möte | tomas-engstrom | 2026-04-14 | klar 20260402 |", "'20260402' is not"),
    ],
    ids=["basic-date", "week-date", "year-1800", "rlo", "done-on"],
)
def test_markdown_action_rows_keep_the_bounds_of_lists(
    org: Organization, agenda: Agenda, tmp_path: Path, cells: str, expected: str
) -> None:
    text = markdown(org, agenda).replace("|  |  |  |  |", cells, 1)
    line = one_error(imported(tmp_path, "protokoll.md", text))
    assert "protokoll.md: line " in line
    assert expected in line


def test_a_meeting_date_only_as_yyyy_mm_dd(
    org: Organization, agenda: Agenda, tmp_path: Path
) -> None:
    text = markdown(org, agenda).replace("meeting=2026-03-17", "meeting=20260317", 1)
    line = one_error(imported(tmp_path, "protokoll.md", text))
    assert "protokoll.md: bad meeting date '20260317': write it 2026-03-17" in line


_LINE = st.text(
    st.characters(
        codec="utf-8",
        exclude_categories=("Cc", "Cs", "Zl", "Zp"),
        exclude_characters="\u202a\u202b\u202c\u202d\u202e\u2066\u2067\u2068\u2069<>\\",
    )
    | st.sampled_from(['"', ";", ",", "'", "=", "+", "-", "@", "|", "\t"]),
    min_size=1,
    max_size=25,
)


@settings(
    max_examples=25, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture]
)
@example(lines=["=SUMMA(A1)", 'Arrende "Årsta 1:45"; 3 år'])
@example(lines=["x" * 20_000])
@example(lines=["x" * 20_001])
@example(lines=["Godkänns \u202eroF"])
@given(lines=st.lists(_LINE, min_size=1, max_size=3))
def test_what_minutes_give_exports_and_imports_again(
    org: Organization, agenda: Agenda, tmp_path_factory: pytest.TempPathFactory, lines: list[str]
) -> None:
    tmp_path = tmp_path_factory.mktemp("minutes")
    cell = "<br>".join(line.replace("|", "\\|") for line in lines)
    result = imported(tmp_path, "protokoll.md", markdown(org, agenda, Beslut=cell))
    if result.exit_code != 0:  # refused as a list would refuse it, in one line
        one_error(result)
        return
    first = tmp_path / "first.csv"
    assert (
        run("decisions", "export", "--db", str(tmp_path / "r.db"), "--out", str(first)).exit_code
        == 0
    )
    result = imported(tmp_path, "again.csv", first.read_bytes(), db="r2.db")
    assert result.exit_code == 0, result.stderr
    second = tmp_path / "second.csv"
    assert (
        run("decisions", "export", "--db", str(tmp_path / "r2.db"), "--out", str(second)).exit_code
        == 0
    )
    assert second.read_bytes() == first.read_bytes()


# --- Word minutes: every part read with a bound --------------------------------------------
def _zip(parts: list[tuple[str, bytes, int, int, int]]) -> bytes:
    """A zip archive written by hand: (name, data as stored, method, crc, size) per part;
    the directory says ``size``, whatever the data inflates to."""
    out = io.BytesIO()
    central = []
    for name, data, method, crc, size in parts:
        offset = out.tell()
        raw = name.encode()
        out.write(
            struct.pack(
                "<IHHHHHIIIHH",
                0x04034B50,
                20,
                0,
                method,
                0,
                0x21,
                crc,
                len(data),
                size,
                len(raw),
                0,
            )
        )
        out.write(raw + data)
        central.append(
            struct.pack(
                "<IHHHHHHIIIHHHHHII",
                0x02014B50,
                20,
                20,
                0,
                method,
                0,
                0x21,
                crc,
                len(data),
                size,
                len(raw),
                0,
                0,
                0,
                0,
                0,
                offset,
            )
            + raw
        )
    start = out.tell()
    for entry in central:
        out.write(entry)
    out.write(
        struct.pack(
            "<IHHHHIIH", 0x06054B50, 0, 0, len(central), len(central), out.tell() - start, start, 0
        )
    )
    return out.getvalue()


def _zeros(mebibytes: int) -> bytes:
    """Raw deflate data that inflates to ``mebibytes`` MiB of zeros (built from one
    compressed MiB repeated: fast, and about 1 KB per MiB)."""
    compressor = zlib.compressobj(9, zlib.DEFLATED, -15)
    block = compressor.compress(bytes(1 << 20)) + compressor.flush(zlib.Z_FULL_FLUSH)
    return block * mebibytes + zlib.compressobj(9, zlib.DEFLATED, -15).flush()


def _word_minutes(org: Organization, agenda: Agenda) -> list[tuple[str, bytes]]:
    data = renderers()[("minutes", "docx")](org, agenda, None)
    with zipfile.ZipFile(io.BytesIO(data)) as archive:
        return [(info.filename, archive.read(info)) for info in archive.infolist()]


def _bomb(org: Organization, agenda: Agenda, declared: int | None, mebibytes: int) -> bytes:
    parts = []
    for name, data in _word_minutes(org, agenda):
        if name == "docProps/custom.xml":
            size = mebibytes << 20 if declared is None else declared
            parts.append((name, _zeros(mebibytes), 8, 0, size))
        else:
            parts.append((name, data, 0, zlib.crc32(data), len(data)))
    return _zip(parts)


@pytest.mark.skipif(not DOCUMENTS, reason="mgovern-documents is not installed")
@pytest.mark.skipif(sys.platform != "linux", reason="limits the memory with setrlimit")
def test_a_docx_whose_custom_xml_inflates_to_2_gib_is_refused_by_its_directory(
    org: Organization, agenda: Agenda, tmp_path: Path
) -> None:
    """In a process of its own with 1 GiB of address space: a reader that inflates the
    part fails there (today: MemoryError and a traceback), not the test run."""
    import resource

    bomb = tmp_path / "protokoll.docx"
    bomb.write_bytes(_bomb(org, agenda, None, 2048))
    assert bomb.stat().st_size < 3 << 20

    def limit_memory() -> None:
        resource.setrlimit(resource.RLIMIT_AS, (1 << 30, 1 << 30))

    proc = subprocess.run(
        [
            sys.executable,
            "-m",
            "mgovern",
            "decisions",
            "import",
            str(bomb),
            "--db",
            str(tmp_path / "r.db"),
        ],
        capture_output=True,
        text=True,
        check=False,
        timeout=600,
        preexec_fn=limit_memory,
    )
    assert proc.returncode == 2, proc.stderr[-800:]
    assert "Traceback" not in proc.stderr
    (line,) = [x for x in proc.stderr.splitlines() if x.startswith("mgovern: error:")]
    assert "protokoll.docx: the part 'docProps/custom.xml' inflates to 2,147,483,648 bytes" in line
    assert not (tmp_path / "r.db").exists()


@pytest.mark.skipif(not DOCUMENTS, reason="mgovern-documents is not installed")
def test_a_docx_whose_directory_lies_is_caught_while_inflating(
    org: Organization, agenda: Agenda, tmp_path: Path
) -> None:
    line = one_error(imported(tmp_path, "protokoll.docx", _bomb(org, agenda, 1000, 64)))
    assert "protokoll.docx: the part 'docProps/custom.xml' cannot be read" in line


@pytest.mark.skipif(not DOCUMENTS, reason="mgovern-documents is not installed")
def test_word_minutes_keep_the_bounds_of_lists(
    org: Organization, agenda: Agenda, tmp_path: Path
) -> None:
    import docx

    data = renderers()[("minutes", "docx")](org, agenda, None)
    document = docx.Document(io.BytesIO(data))
    w = "{http://schemas.openxmlformats.org/wordprocessingml/2006/main}"
    box = next(
        sdt.find(f"{w}sdtContent/{w}p")
        for sdt in document.element.body.iter(f"{w}sdt")
        if sdt.find(f"{w}sdtPr/{w}tag").get(f"{w}val").startswith("mgovern:decision:")
    )
    from docx.text.paragraph import Paragraph

    Paragraph(box, None).add_run("Godkänns \u202eroF.")
    out = io.BytesIO()
    document.save(out)
    line = one_error(imported(tmp_path, "protokoll.docx", out.getvalue()))
    assert "protokoll.docx: item " in line
    assert "Beslut: 'Godkänns \\u202eroF.' has the control character U+202E" in line
