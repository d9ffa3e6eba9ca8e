"""The bounds on what mgovern reads: files, nesting, ids, text, amounts, days and years.

Every bound is generous for a real organisation (a city with thousands of groups) and
tight enough that no input can make a command run for minutes, fill the screen or write
a file the file system refuses. Input beyond a bound is refused where it is read, as a
:class:`~mgovern.exceptions.ConfigError` naming the key; ``docs/configuration.md``
("Bounds") lists them. :func:`parse_amount` is the one reader of amounts: organisation
files, item files and the command line's ``--amount`` all go through it.
"""

from __future__ import annotations

import re
import unicodedata
from decimal import Decimal, InvalidOperation

from mgovern.exceptions import ConfigError, quote

__all__ = [
    "FIRST_YEAR",
    "LAST_YEAR",
    "MAX_AMOUNT",
    "MAX_AMOUNT_DECIMALS",
    "MAX_DAYS_BEFORE",
    "MAX_EMAIL_LENGTH",
    "MAX_FILE_BYTES",
    "MAX_ID_LENGTH",
    "MAX_LINE_LENGTH",
    "MAX_MINUTES",
    "MAX_NESTING",
    "MAX_OCCURRENCES",
    "MAX_PROSE_LENGTH",
    "MAX_UNITS",
    "RECURRENCE_YEARS",
    "check_amount",
    "check_text",
    "parse_amount",
]

#: An organisation or item file (a synthetic city of 5,000 groups is 27 MB).
MAX_FILE_BYTES = 64 * 1024 * 1024
#: Arrays and inline tables inside each other, and the parts of one dotted key (a real
#: file uses four or five); checked before the TOML is parsed.
MAX_NESTING = 20
#: Ids become file names (``people/<id>.ics``) and URL segments.
MAX_ID_LENGTH = 64
#: One-line text: names, titles, locations (with a meeting link), e-mail addresses.
MAX_LINE_LENGTH = 1000
#: Text that may have several lines: purposes, responsibilities, descriptions, notes.
MAX_PROSE_LENGTH = 20_000
MAX_EMAIL_LENGTH = 254
#: Amounts are below a thousand million million (10**15), with at most six decimals:
#: exact in every product with a base amount.
MAX_AMOUNT = Decimal(10) ** 15
MAX_AMOUNT_DECIMALS = 6
#: Dates, years of base amounts and of matters.
FIRST_YEAR = 1900
LAST_YEAR = 2100
#: ``days_before`` of deadlines, notices and anchors.
MAX_DAYS_BEFORE = 366
#: A meeting's duration, an item's or standing item's minutes: at most a week (planning
#: days over a day and a half are one meeting).
MAX_MINUTES = 7 * 24 * 60
#: ``max_occurrences``: servers expand a few thousand instances of a series at most.
MAX_OCCURRENCES = 10_000
#: ``min_units`` of a strategic criterion.
MAX_UNITS = 100_000
#: A recurrence repeats at least every this many years (its INTERVAL), and meets within
#: this many years of its first date.
RECURRENCE_YEARS = 4

# C0 and C1 controls, DEL, the line and paragraph separators and the bidirectional
# embeddings, overrides and isolates: in a calendar's ``CN="..."`` or a document they
# end a line, hide text or reorder it.
_DIRECTION = "\u202a\u202b\u202c\u202d\u202e\u2066\u2067\u2068\u2069\u2028\u2029"
_CONTROL = re.compile(f"[\x00-\x1f\x7f-\x9f{_DIRECTION}]")
_PROSE_CONTROL = re.compile(f"[\x00-\x08\x0b-\x1f\x7f-\x9f{_DIRECTION}]")


_CONTROL_NAMES = {
    "\x00": "NUL",
    "\t": "TAB",
    "\n": "LINE FEED",
    "\x0b": "VERTICAL TAB",
    "\x0c": "FORM FEED",
    "\r": "CARRIAGE RETURN",
    "\x1b": "ESCAPE",
    "\x7f": "DELETE",
}


def _character_name(char: str) -> str:
    code = f"U+{ord(char):04X}"
    name = _CONTROL_NAMES.get(char) or unicodedata.name(char, "")
    return f"{code} {name}" if name else code


def check_text(value: str, *, prose: bool = False) -> str | None:
    """What is wrong with a text value, or None.

    One-line text has no control characters at all; ``prose`` may have line breaks and
    tabs (``\\n``, ``\\t``). Neither has the characters that reorder text (U+202E ...).
    """
    limit = MAX_PROSE_LENGTH if prose else MAX_LINE_LENGTH
    if len(value) > limit:
        return f"{quote(value, 30)} is too long: at most {limit:,} characters"
    found = (_PROSE_CONTROL if prose else _CONTROL).search(value)
    if found is None:
        return None
    allowed = " (line breaks and tabs are fine)" if prose else ""
    return (
        f"{quote(value, 20)} has the control character {_character_name(found.group())} at "
        f"position {found.start() + 1}: remove it{allowed}"
    )


_SEPARATORS = str.maketrans("", "", " \u00a0\u202f\u2009_")
_SHAPE = re.compile(
    r"[+-]?(?:[0-9]+(?:[.,][0-9]*)?|[.,][0-9]+|[0-9]+(?:\.[0-9]*)?[eE][+-]?[0-9]{1,4})"
)


def check_amount(amount: Decimal, given: object = None) -> str | None:
    """What is wrong with an amount, or None (finite, >= 0, below :data:`MAX_AMOUNT`,
    at most :data:`MAX_AMOUNT_DECIMALS` decimals). ``given``: what the user wrote."""
    shown = quote(amount if given is None else given)
    if not amount.is_finite() or amount < 0:
        return f"{shown}: the amount must be a number >= 0"
    if amount >= MAX_AMOUNT:
        return f"{shown} is too large: amounts are below 10^15 (1 000 000 000 000 000)"
    exponent = amount.normalize().as_tuple().exponent
    if isinstance(exponent, int) and exponent < -MAX_AMOUNT_DECIMALS:
        return f"{shown} has more than {MAX_AMOUNT_DECIMALS} decimals: round it"
    return None


def parse_amount(value: object) -> Decimal:
    """An amount from a file or the command line, exactly.

    Accepts a Decimal, an int, a float (through its shortest decimal form) or text such
    as ``3200000``, ``"3 200 000"``, ``"2,5"`` or ``"2.5"``: spaces (also no-break and
    thin spaces) and ``_`` group digits, a comma or a point is the decimal sign. Refuses
    anything else, negative, not finite, ``>= 10**15`` or with more than six decimals.

    :raises ConfigError: what is wrong and how to write it (without a file or key path:
        the caller knows those).
    """
    if isinstance(value, bool) or not isinstance(value, (Decimal, int, float, str)):
        raise ConfigError(f'expected an amount such as 3200000 or "2,5", got {quote(value)}')
    if isinstance(value, Decimal):
        amount = value
    elif isinstance(value, int):
        amount = Decimal(value) if value.bit_length() <= 64 else MAX_AMOUNT
    elif isinstance(value, float):
        if value != value or abs(value) == float("inf"):
            raise ConfigError(f"{quote(value)}: the amount must be a number >= 0")
        amount = Decimal(repr(value))
    else:
        text = value.strip().translate(_SEPARATORS)
        if len(text) > 40 or not _SHAPE.fullmatch(text):
            raise ConfigError(f"{quote(value)} is not an amount; write e.g. 3200000 or 3200000,50")
        try:
            amount = Decimal(text.replace(",", "."))
        except InvalidOperation:  # pragma: no cover - the shape admits only numbers
            raise ConfigError(f"{quote(value)} is not an amount; write e.g. 3200000") from None
    problem = check_amount(amount, value)
    if problem is not None:
        raise ConfigError(problem)
    return amount
