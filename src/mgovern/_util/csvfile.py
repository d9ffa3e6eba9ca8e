"""CSV files as spreadsheets write them, and as mgovern writes them.

One reader for every CSV file mgovern takes (decision lists, agenda items) and one writer
for the CSV it writes (``mgovern decisions export``), with the stdlib :mod:`csv` module
and a fixed dialect:

- **Encoding**: UTF-8, with or without a byte-order mark, or UTF-16 with its byte-order
  mark (Excel's "Unicode text"); strictly: a byte that is not UTF-8 refuses the file,
  naming the row it is in. Files in another encoding (Excel's Swedish "CSV
  (semikolonavgränsad)" is Windows-1252) are read when the caller names it
  (``--encoding cp1252``).
- **Dialect**: the delimiter is the first ``;``, ``,`` or tab on the header line (the
  column names), else ``,``; values may be quoted with ``"``, a quote inside a quoted
  value is doubled (``"Arrende ""Årsta 1:45""; 3 år"``), a quoted value may hold the
  delimiter and line breaks; rows end with CRLF, LF or CR. Nothing is guessed from the
  values.
- **Rows** are the file's lines, counted as a text editor counts them (a value with line
  breaks spans several): every error names the line where the value (or the row) starts.
- Line breaks inside a value are read as ``\\n``, whichever the file uses. Leading and
  trailing spaces of a value are dropped; an empty value is no value. Blank lines and
  rows whose every value is empty are skipped, as are empty cells after the last column.
- **Formulas**: a value that begins with ``=``, ``+``, ``-``, ``@``, a tab or a carriage
  return is one a spreadsheet may execute (CSV injection). :func:`write` puts a single
  quote ``'`` before such a value, and before a value that is already one or more single
  quotes followed by such a character (so ``'=1`` is written ``''=1``); readers that ask
  for it (:func:`rows` with ``formulas=True``) take exactly that one quote away again.
  Every other value is written and read as it is, a leading quote included.
"""

from __future__ import annotations

import codecs
import csv
import io
import re
from collections.abc import Callable, Iterable, Mapping

from mgovern.bounds import MAX_FILE_BYTES
from mgovern.exceptions import ConfigError, quote

__all__ = [
    "DELIMITERS",
    "FORMULA_START",
    "Place",
    "Row",
    "decode",
    "escape",
    "rows",
    "unescape",
    "write",
]

#: The delimiters a header line may use, in the order they are looked for.
DELIMITERS = (";", ",", "\t")
#: The first characters that make a spreadsheet read a value as a formula (OWASP).
FORMULA_START = frozenset("=+-@\t\r")

#: Where a value is: ``place("amount")`` is ``"row 7, column amount"``.
Place = Callable[[str], str]
#: One row of values (by column) and where each is.
Row = tuple[dict[str, str], Place]

_BREAK = re.compile(r"\r\n|\r|\n")
_ESCAPED = re.compile(r"'*[=+\-@\t\r]")
_BOMS = (
    (codecs.BOM_UTF8, "utf-8"),
    (codecs.BOM_UTF16_LE, "utf-16"),
    (codecs.BOM_UTF16_BE, "utf-16"),
)
_SAVE_AS = "save it as UTF-8 (in Excel: 'CSV UTF-8')"


def decode(raw: bytes, source: str, encoding: str | None = None, *, hint: str = "") -> str:
    """The text of a CSV file: UTF-8 (a byte-order mark dropped), UTF-16 with a byte-order
    mark, or ``encoding`` when the caller names one.

    :param hint: what else the user can do about a file that is not UTF-8 (such as
        ``"or give --encoding cp1252"``), added to the error.
    :raises ConfigError: an unknown ``encoding``, or a byte the encoding does not have,
        naming the row it is in.
    """
    if encoding is not None:
        try:
            name = codecs.lookup(encoding).name
        except LookupError:
            raise ConfigError(
                f"unknown encoding {quote(encoding)}: give one such as utf-8, utf-16 or cp1252",
                source=source,
            ) from None
        if name == "utf-8":
            name = "utf-8-sig"
    else:
        name = next((codec for bom, codec in _BOMS if raw.startswith(bom)), "utf-8-sig")
        if name == "utf-8-sig" and _utf16_without_mark(raw):
            raise ConfigError(
                "has NUL bytes: UTF-16 without a byte-order mark? "
                f"{_SAVE_AS}{f' {hint}' if hint else ''}",
                source=source,
                path="row 1",
            )
    try:
        return raw.decode(name)
    except UnicodeDecodeError as error:
        start = error.start
        before = raw[:start].decode(name, errors="replace")
        row = len(_BREAK.findall(before)) + 1
        byte = raw[start : start + 1].hex().upper()
        what = "UTF-8" if name == "utf-8-sig" else name
        advice = (
            f"{_SAVE_AS}{f' {hint}' if hint else ''}"
            if encoding is None
            else f"name the file's own encoding, or {_SAVE_AS}"
        )
        raise ConfigError(
            f"the byte 0x{byte} is not {what} text: {advice}", source=source, path=f"row {row}"
        ) from None


def _utf16_without_mark(raw: bytes) -> bool:
    """Whether the file starts as UTF-16 text does: a NUL beside every ASCII byte."""
    sample = raw[:256]
    halves = (sample[0::2], sample[1::2])
    return len(sample) >= 8 and any(half.count(0) >= 0.8 * len(half) for half in halves)


def rows(text: str, source: str, columns: Iterable[str], *, formulas: bool = False) -> list[Row]:
    """The rows of CSV ``text`` under its header, each with where its values are.

    :param columns: the column names the header may use (in any order, each once).
    :param formulas: take away the single quote :func:`write` put before a value that
        would be a formula.
    :raises ConfigError: naming the file's row (and column) of the first mistake.
    """
    known = tuple(columns)
    if len(text) > MAX_FILE_BYTES:
        raise ConfigError(f"is larger than {MAX_FILE_BYTES:,} characters: split it", source=source)
    text = text.removeprefix("\ufeff")
    reader = csv.reader(io.StringIO(text, newline=""), dialect=_dialect(text))
    found: list[Row] = []
    header: list[str] = []
    start = 1
    try:
        for record in reader:
            if not header:
                header = _header(record, source, known)
                start = reader.line_num + 1
                continue
            found.extend(_row(record, start, header, source, formulas))
            start = reader.line_num + 1
    except csv.Error as error:
        row = _where(error, start, reader.line_num)
        raise ConfigError(_problem(error), source=source, path=f"row {row}") from None
    return found


def _dialect(text: str) -> type[csv.Dialect]:
    """The fixed dialect, with the delimiter the header line uses."""
    first = _BREAK.split(text, maxsplit=1)[0]
    outside = re.sub(r'"[^"]*"', "", first)  # a quoted column name holds no delimiter
    delimiter = min(
        (d for d in DELIMITERS if d in outside), key=outside.index, default=DELIMITERS[1]
    )

    class Spreadsheet(csv.Dialect):
        """Excel's and LibreOffice's CSV: quotes doubled, strict about what follows one."""

        quotechar = '"'
        doublequote = True
        escapechar = None
        skipinitialspace = False
        lineterminator = "\r\n"
        quoting = csv.QUOTE_MINIMAL
        strict = True

    Spreadsheet.delimiter = delimiter
    return Spreadsheet


def _header(record: list[str], source: str, known: tuple[str, ...]) -> list[str]:
    names = [name.strip() for name in record]
    while names and not names[-1]:
        names.pop()  # empty cells after the last column
    seen: set[str] = set()
    for name in names:
        if name not in known:
            raise ConfigError(
                f"unknown column {quote(name)}; columns are: {', '.join(known)}",
                source=source,
                path="row 1",
            )
        if name in seen:
            raise ConfigError(
                f"the column {quote(name)} is there twice: keep one", source=source, path="row 1"
            )
        seen.add(name)
    if not names:
        raise ConfigError(
            f"the first row names no columns; columns are: {', '.join(known)}",
            source=source,
            path="row 1",
        )
    return names


def _row(
    record: list[str], start: int, header: list[str], source: str, formulas: bool
) -> list[Row]:
    """The row (none for an empty one), with the line each value starts on."""
    lines: dict[str, int] = {}
    values: dict[str, str] = {}
    line = start
    for index, raw in enumerate(record):
        breaks = len(_BREAK.findall(raw))
        value = _BREAK.sub("\n", raw).strip()
        if index >= len(header):
            if value:
                raise ConfigError(
                    f"more values than columns ({len(record)} values, {len(header)} columns): "
                    "quote values that contain the delimiter",
                    source=source,
                    path=f"row {line}",
                )
        elif value:
            column = header[index]
            values[column] = unescape(value) if formulas else value
            lines[column] = line
        line += breaks
    if not values:
        return []
    return [(values, lambda column: f"row {lines.get(column, start)}, column {column}")]


def _problem(error: csv.Error) -> str:
    text = str(error)
    if "field larger than field limit" in text:
        return f"a value is longer than {csv.field_size_limit():,} characters: shorten it"
    if "unexpected end of data" in text:
        return 'a quoted value is never closed: end it with a " (a " inside it is written "")'
    if "expected after" in text:
        return (
            'text after the closing " of a quoted value: write a " inside a quoted value '
            'as "" and end the value with "'
        )
    return f"not readable as CSV ({text}): check the quoting"


def _where(error: csv.Error, start: int, line: int) -> int:
    """The row to name: where a never-closed value's row starts, else the reader's line."""
    return start if "unexpected end of data" in str(error) else line


def escape(value: str) -> str:
    """``value`` as :func:`write` writes it: a single quote before a would-be formula."""
    return f"'{value}" if _ESCAPED.match(value) else value


def unescape(value: str) -> str:
    """What :func:`escape` was given: one single quote fewer before a would-be formula."""
    return value[1:] if value.startswith("'") and _ESCAPED.match(value, 1) else value


def write(columns: Iterable[str], records: Iterable[Mapping[str, str]]) -> bytes:
    """CSV bytes (UTF-8, ``,``, CRLF, quotes doubled) with a header of ``columns``; no
    value begins as a formula (:func:`escape`). The same records give the same bytes."""
    names = tuple(columns)
    out = io.StringIO(newline="")
    writer = csv.writer(out, lineterminator="\r\n")
    writer.writerow(names)
    for record in records:
        writer.writerow([escape(record.get(name, "")) for name in names])
    return out.getvalue().encode("utf-8")
