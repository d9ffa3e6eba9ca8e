"""Hostile input through the command line, given as a user (or an attacker) would give it.

Organisation files, item files and text fields that are wrong in every way the review
found and more: strings where lists belong, wrong types, huge and impossible numbers,
rules that never meet, deep nesting, huge values, ids no file system takes, control
characters, dates out of any window, byte-order marks. For each: exit code 2, exactly one
line on stderr of at most 300 characters that names the file and the key path (or the
item and its column), no traceback, and no file written.
"""

from __future__ import annotations

import datetime as dt
import importlib.util
import re
import subprocess
import sys
import time
import tomllib
from collections.abc import Callable, Sequence
from decimal import Decimal
from pathlib import Path
from typing import Any

import pytest
import tomli_w
from click.testing import CliRunner, Result
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

import mgovern
from mgovern._util.bounds import MAX_FILE_BYTES, parse_amount
from mgovern.cli import build_cli

HOLIDAYS = importlib.util.find_spec("mgovern_holidays") is not None

ORG = """\
id = "bolaget"
name = "Bolaget AB"
locale = "sv"
currency = "SEK"
base_amount_name = "prisbasbelopp"
base_amounts = [{ year = 2025, amount = 58800 }, { year = 2026, amount = 59200 }]
categories = [
  { id = "inkop", name = "Inköp", keywords = ["upphandling"] },
  { id = "personal", name = "Personal" },
]
flags = [{ id = "principiell", name = "Principiell" }]
roles = [{ id = "vd", name = "VD" }]
people = [
  { id = "anna", name = "Anna Berg", email = "anna@example.se", title = "VD", roles = ["vd"] },
  { id = "bo", name = "Bo Lind", email = "bo@example.se" },
  { id = "ola", name = "Ola Ek" },
]

[[blackouts]]
name = "Sommar"
start = "07-01"
end = "07-31"

[[strategic]]
id = "stort"
name = "Stort belopp"
amount_min = 5000000

[agenda]
opening = [{ title = "Mötets öppnande", minutes = 2 }]

[[groups]]
id = "styrelse"
name = "Styrelsen"
chair = "bo"

[[groups.mandate.handles]]
id = "allt"
note = "Allt som inte beslutas längre ned."

[[groups.cycles]]
id = "sammantrade"
name = "Styrelsemöte"
kind = "board"
dates = [2026-02-17, 2026-04-21, 2026-06-16]
time = "13:00"
duration = 120

[[groups]]
id = "lg"
name = "Ledningsgrupp"
short_name = "LG"
parent = "styrelse"
chair = "anna"
members = ["ola"]

[groups.mandate]
purpose = "Leder bolaget."
responsibilities = ["Budget", "Personal"]

[[groups.mandate.handles]]
id = "inkop-under-10-pbb"
categories = ["inkop"]
amount_max = 10
amount_unit = "base"
decided_by = "vd"

[[groups.mandate.handles]]
id = "personal"
categories = ["personal"]

[[groups.cycles]]
id = "veckomote"
name = "Veckomöte"
rule = "every week on tuesday"
time = "09:00"
location = "Rum 1"
first = 2026-01-06

[groups.cycles.agenda_deadline]
days_before = 6
time = "17:00"

[[groups.cycles]]
id = "manad"
name = "Månadsmöte"
rrule = "FREQ=MONTHLY;BYDAY=1TH"
time = "13:00"
first = 2026-01-01

[[groups.cycles]]
id = "beredning"
name = "Beredning"
anchor = { cycle = "styrelse.sammantrade", days_before = 14, weekday = "tuesday" }
"""

ITEMS = """\
[[items]]
id = "i1"
title = "Upphandling av städtjänster"
raised_in = "lg"
category = "inkop"
amount = "120 000"
submitted = 2026-03-05T10:00:00
"""

CSV_ITEMS = "id;title;raised_in;amount\ni1;Upphandling;lg;120 000\n"

MEETING = "2026-03-17"  # a Tuesday: the lg's weekly meeting


# --- running the command line -----------------------------------------------------------
def run(*args: str) -> Result:
    return CliRunner().invoke(build_cli(), list(args), catch_exceptions=True)


def files_under(folder: Path) -> set[Path]:
    return set(folder.rglob("*"))


def assert_one_line(result: Result, *expected: str) -> str:
    """Exit 2, one line on stderr (nothing on stdout), at most 300 characters, with each
    expected text in it, no traceback."""
    assert result.exception is None or isinstance(result.exception, SystemExit), (
        result.exception,
        result.stderr,
    )
    assert result.exit_code == 2, (result.exit_code, result.stdout, result.stderr)
    lines = [line for line in result.stderr.splitlines() if line.strip()]
    assert len(lines) == 1, result.stderr
    line = lines[0]
    assert line.startswith("mgovern: error: "), line
    assert len(line) <= 300, (len(line), line)
    assert "Traceback" not in result.stderr + result.stdout
    assert result.stdout == "", result.stdout
    for text in expected:
        assert text in line, (text, line)
    return line


COMMANDS: dict[str, Callable[[Path, Path, Path], list[str]]] = {
    "validate": lambda org, items, out: ["validate", "--org", str(org)],
    "show": lambda org, items, out: ["show", "--org", str(org)],
    "check": lambda org, items, out: ["check", "--org", str(org)],
    "calendars": lambda org, items, out: ["calendars", "--org", str(org), "--out", str(out)],
    "route": lambda org, items, out: [
        "route",
        "--org",
        str(org),
        "--raised-in",
        "lg",
        "--category",
        "inkop",
        "--amount",
        "1000",
    ],
    "agenda": lambda org, items, out: [
        "agenda",
        "--org",
        str(org),
        "--group",
        "lg",
        "--date",
        MEETING,
        "--items",
        str(items),
    ],
}


def write(folder: Path, name: str, text: str | bytes) -> Path:
    path = folder / name
    if isinstance(text, bytes):
        path.write_bytes(text)
    else:
        path.write_text(text, encoding="utf-8")
    return path


def fails(
    tmp_path: Path,
    command: str,
    expected: Sequence[str],
    *,
    org: str | bytes = ORG,
    items: str | bytes = ITEMS,
    items_name: str = "items.toml",
) -> str:
    """Run ``command`` on the files; it must fail with one line naming ``expected`` and
    leave nothing behind."""
    org_path = write(tmp_path, "org.toml", org)
    items_path = write(tmp_path, items_name, items)
    out = tmp_path / "out"
    before = files_under(tmp_path)
    result = run(*COMMANDS[command](org_path, items_path, out))
    line = assert_one_line(result, *expected)
    assert files_under(tmp_path) == before, "a failing run wrote a file"
    return line


def test_the_base_files_pass_every_command(tmp_path: Path) -> None:
    org = write(tmp_path, "org.toml", ORG)
    items = write(tmp_path, "items.toml", ITEMS)
    for name, args in COMMANDS.items():
        result = run(*args(org, items, tmp_path / "out"))
        assert result.exit_code in (0, 1), (name, result.stderr, result.exception)
        assert "Traceback" not in result.stderr


# --- organisation files -----------------------------------------------------------------
def replace(old: str, new: str) -> Callable[[str], str]:
    def mutate(text: str) -> str:
        assert old in text, old
        return text.replace(old, new, 1)

    return mutate


def prepend(extra: str) -> Callable[[str], str]:
    return lambda text: extra + text


ORG_CASES: list[tuple[str, Callable[[str], str], tuple[str, ...]]] = [
    # strings where lists belong: never split into letters
    (
        "members-string",
        replace('members = ["ola"]', 'members = "ola"'),
        ("groups[1].members: expected a list of texts [\"...\"], got text 'ola'", 'write ["ola"]'),
    ),
    (
        "categories-string",
        replace('categories = ["inkop"]', 'categories = "inkop"'),
        ("groups[1].mandate.handles[0].categories: expected a list", "got text 'inkop'"),
    ),
    (
        "keywords-string",
        replace('keywords = ["upphandling"]', 'keywords = "upphandling"'),
        ("categories[0].keywords: expected a list",),
    ),
    (
        "roles-string",
        replace('roles = ["vd"] }', 'roles = "vd" }'),
        ("people[0].roles: expected a list", "got text 'vd'"),
    ),
    (
        "regions-string",
        prepend('closed_days = { regions = "SE" }\n'),
        ("closed_days.regions: expected a list", "got text 'SE'"),
    ),
    (
        "include-string",
        prepend('closed_days = { include = "julafton" }\n'),
        ("closed_days.include: expected a list", "got text 'julafton'"),
    ),
    (
        "responsibilities-string",
        replace('responsibilities = ["Budget", "Personal"]', 'responsibilities = "Budget"'),
        ("groups[1].mandate.responsibilities: expected a list",),
    ),
    (
        "dates-string",
        replace("dates = [2026-02-17, 2026-04-21, 2026-06-16]", 'dates = "2026-02-17"'),
        ("groups[0].cycles[0].dates: expected a list",),
    ),
    (
        "skip-months-int",
        replace("duration = 120\n", "duration = 120\nskip_months = 7\n"),
        ("groups[0].cycles[0].skip_months: expected a list", "got a whole number 7"),
    ),
    (
        "people-table",
        replace("people = [", 'people = { id = "x", name = "X" }\nunused = ['),
        ("people: expected a list of tables, got one table", "[[people]]"),
    ),
    # wrong types, named as such
    (
        "deadline-int",
        replace(
            "[groups.cycles.agenda_deadline]\ndays_before = 6\n",
            "agenda_deadline = 4\n[groups.cycles.unused]\n",
        ),
        ("groups[1].cycles[0].agenda_deadline: expected a table {...}", "got a whole number 4"),
    ),
    (
        "limits-string",
        replace('members = ["ola"]', 'members = ["ola"]\nlimits = "none"'),
        ("groups[1].limits: expected a table {...} with keys max_operative_percent", "text 'none'"),
    ),
    (
        "single-brackets",
        replace('[[groups.mandate.handles]]\nid = "allt"', '[groups.mandate.handles]\nid = "allt"'),
        ("groups[0].mandate.handles: expected a list of tables", "[[groups.mandate.handles]]"),
    ),
    (
        "name-number",
        replace('name = "Bolaget AB"', "name = 5"),
        ("name: expected text, got a whole number 5",),
    ),
    (
        "chair-list",
        replace('chair = "anna"', 'chair = ["anna"]'),
        ("groups[1].chair: expected text, got a list of 1",),
    ),
    (
        "duration-text",
        replace("duration = 120", 'duration = "120"'),
        ("groups[0].cycles[0].duration: expected a whole number, got text '120'",),
    ),
    (
        "duration-float",
        replace("duration = 120", "duration = 1.5"),
        ("groups[0].cycles[0].duration: expected a whole number, got a decimal number 1.5",),
    ),
    (
        "fallback-text",
        replace('id = "personal"\ncategories', 'id = "personal"\nfallback = "yes"\ncategories'),
        ("groups[1].mandate.handles[1].fallback: expected true or false, got text 'yes'",),
    ),
    (
        "kind-number",
        replace('kind = "board"', "kind = 3"),
        ("groups[0].cycles[0].kind: expected one of 'tactical'", "got a whole number 3"),
    ),
    (
        "first-text",
        replace("first = 2026-01-06", 'first = "next tuesday"'),
        ("groups[1].cycles[0].first: expected a date such as 2026-03-17, got text",),
    ),
    (
        "first-datetime",
        replace("first = 2026-01-06", "first = 2026-01-06T09:00:00"),
        ("groups[1].cycles[0].first: expected a date (YYYY-MM-DD), got a date-time",),
    ),
    (
        "time-number",
        replace('time = "09:00"', "time = 9"),
        ("groups[1].cycles[0].time: expected a time of day", "got a whole number 9"),
    ),
    (
        "default-minutes-list",
        replace('opening = [{ title = "Mötets öppnande", minutes = 2 }]', "default_minutes = [1]"),
        ("agenda.default_minutes: expected a table {...}",),
    ),
    (
        "unknown-key-huge",
        prepend(f"{'k' * 100_000} = 1\n"),
        ("unknown key", "(100,000 characters)"),
    ),
    # amounts and other numbers
    (
        "amount-9e999999",
        replace("amount_max = 10", 'amount_max = "9e999999"'),
        ("groups[1].mandate.handles[0].amount_max: '9e999999' is not an amount",),
    ),
    (
        "amount-1e300-float",
        replace("amount_max = 10", "amount_max = 1e300"),
        ("groups[1].mandate.handles[0].amount_max:", "is too large: amounts are below 10^15"),
    ),
    (
        "amount-nan",
        replace("amount_max = 10", "amount_max = nan"),
        ("groups[1].mandate.handles[0].amount_max: nan: the amount must be a number >= 0",),
    ),
    (
        "amount-inf",
        replace("amount_max = 10", "amount_max = inf"),
        ("groups[1].mandate.handles[0].amount_max: inf: the amount must be a number >= 0",),
    ),
    (
        "amount-negative",
        replace("amount_min = 5000000", "amount_min = -1"),
        ("strategic[0].amount_min: -1: the amount must be a number >= 0",),
    ),
    (
        "amount-too-many-decimals",
        replace("amount_max = 10", 'amount_max = "0,0000001"'),
        ("amount_max: '0,0000001' has more than 6 decimals",),
    ),
    (
        "amount-64-bit",
        replace("amount_max = 10", "amount_max = 9223372036854775807"),
        ("amount_max: 9223372036854775807 is too large",),
    ),
    (
        "amount-digits",
        replace("amount_max = 10", "amount_max = " + "9" * 5000),
        ("org.toml: a number has too many digits",),
    ),
    (
        "base-amount-zero",
        replace("{ year = 2025, amount = 58800 }", "{ year = 2025, amount = 0 }"),
        ("base_amounts[0].amount: a base amount must be above 0",),
    ),
    (
        "base-year",
        replace("{ year = 2025, amount = 58800 }", "{ year = 99999, amount = 58800 }"),
        ("base_amounts[0].year: must be 1900..2100, got 99999",),
    ),
    (
        "duration-huge",
        replace("duration = 120", "duration = 99999999999"),
        ("groups[0].cycles[0].duration: must be 1..10080, got 99999999999",),
    ),
    (
        "duration-zero",
        replace("duration = 120", "duration = 0"),
        ("groups[0].cycles[0].duration: must be 1..10080, got 0",),
    ),
    (
        "days-before-negative",
        replace("days_before = 6", "days_before = -1"),
        ("groups[1].cycles[0].agenda_deadline.days_before: must be 0..366, got -1",),
    ),
    (
        "days-before-huge",
        replace("days_before = 6", "days_before = 10000000"),
        ("agenda_deadline.days_before: must be 0..366, got 10000000",),
    ),
    (
        "anchor-days",
        replace("days_before = 14", "days_before = 400"),
        ("groups[1].cycles[2].anchor.days_before: must be 0..366, got 400",),
    ),
    (
        "max-occurrences",
        prepend("max_occurrences = 100000000\n"),
        ("max_occurrences: must be 1..10000, got 100000000",),
    ),
    (
        "minutes-template",
        replace("minutes = 2 }", "minutes = -5 }"),
        ("agenda.opening[0].minutes: must be 0..10080, got -5",),
    ),
    (
        "skip-every-month",
        replace("duration = 120\n", "duration = 120\nskip_months = [1,2,3,4,5,6,7,8,9,10,11,12]\n"),
        ("groups[0].cycles[0].skip_months: every month is skipped",),
    ),
    (
        "percent",
        replace('members = ["ola"]', 'members = ["ola"]\nlimits = { max_operative_percent = 250 }'),
        ("groups[1].limits.max_operative_percent: must be a percentage 0..100, got 250",),
    ),
    # recurrence rules
    (
        "interval-zero",
        replace('rrule = "FREQ=MONTHLY;BYDAY=1TH"', 'rrule = "FREQ=WEEKLY;INTERVAL=0;BYDAY=TU"'),
        ("groups[1].cycles[1].rrule:", "INTERVAL must be 1..208 with FREQ=WEEKLY"),
    ),
    (
        "interval-negative",
        replace('rrule = "FREQ=MONTHLY;BYDAY=1TH"', 'rrule = "FREQ=DAILY;INTERVAL=-3"'),
        ("groups[1].cycles[1].rrule:", "INTERVAL must be 1..1461 with FREQ=DAILY"),
    ),
    (
        "interval-huge",
        replace('rrule = "FREQ=MONTHLY;BYDAY=1TH"', 'rrule = "FREQ=YEARLY;INTERVAL=99999"'),
        ("groups[1].cycles[1].rrule:", "INTERVAL must be 1..4 with FREQ=YEARLY"),
    ),
    (
        "friendly-interval-zero",
        replace('rule = "every week on tuesday"', 'rule = "every 0 weeks on tuesday"'),
        ("groups[1].cycles[0].rule:", "the number of weeks must be 1..208"),
    ),
    (
        "friendly-interval-huge",
        replace('rule = "every week on tuesday"', 'rule = "1st monday of every 999 months"'),
        ("groups[1].cycles[0].rule:", "the number of months must be 1..48"),
    ),
    (
        "30-february",
        replace(
            'rrule = "FREQ=MONTHLY;BYDAY=1TH"', 'rrule = "FREQ=YEARLY;BYMONTH=2;BYMONTHDAY=30"'
        ),
        ("groups[1].cycles[1].rrule:", "gives no meeting within 4 years of its first date"),
    ),
    (
        "31-february-daily",
        replace('rrule = "FREQ=MONTHLY;BYDAY=1TH"', 'rrule = "FREQ=DAILY;BYMONTH=2;BYMONTHDAY=31"'),
        ("groups[1].cycles[1].rrule:", "gives no meeting within 4 years"),
    ),
    (
        "31-april-weekly",
        replace(
            'rrule = "FREQ=MONTHLY;BYDAY=1TH"', 'rrule = "FREQ=WEEKLY;BYMONTH=4;BYMONTHDAY=31"'
        ),
        ("groups[1].cycles[1].rrule:", "gives no meeting within 4 years"),
    ),
    (
        "tuesday-every-7-days-from-thursday",
        replace('rrule = "FREQ=MONTHLY;BYDAY=1TH"', 'rrule = "FREQ=DAILY;INTERVAL=7;BYDAY=TU"'),
        ("groups[1].cycles[1].rrule:", "gives no meeting within 4 years"),
    ),
    (
        "6th-tuesday",
        replace('rrule = "FREQ=MONTHLY;BYDAY=1TH"', 'rrule = "FREQ=MONTHLY;BYDAY=TU;BYSETPOS=6"'),
        ("groups[1].cycles[1].rrule:", "gives no meeting"),
    ),
    (
        "until-before-first",
        replace('rrule = "FREQ=MONTHLY;BYDAY=1TH"', 'rrule = "FREQ=WEEKLY;UNTIL=20200101"'),
        ("groups[1].cycles[1].rrule:", "gives no meeting"),
    ),
    (
        "count-zero",
        replace('rrule = "FREQ=MONTHLY;BYDAY=1TH"', 'rrule = "FREQ=WEEKLY;COUNT=0"'),
        ("groups[1].cycles[1].rrule:", "COUNT must be a whole number >= 1"),
    ),
    (
        "byeaster",
        replace('rrule = "FREQ=MONTHLY;BYDAY=1TH"', 'rrule = "FREQ=YEARLY;BYEASTER=0"'),
        ("groups[1].cycles[1].rrule:", "'BYEASTER' is not a part mgovern reads"),
    ),
    (
        "hourly",
        replace('rrule = "FREQ=MONTHLY;BYDAY=1TH"', 'rrule = "FREQ=HOURLY"'),
        ("groups[1].cycles[1].rrule:", "meetings recur at most daily"),
    ),
    (
        "rrule-garbage",
        replace('rrule = "FREQ=MONTHLY;BYDAY=1TH"', 'rrule = "FREQ=WEEKLY;BYDAY=XX"'),
        ("groups[1].cycles[1].rrule: 'FREQ=WEEKLY;BYDAY=XX' is not a valid RRULE",),
    ),
    (
        "last-before-first-meeting",
        replace("first = 2026-01-06", "first = 2026-01-07\nlast = 2026-01-12"),
        ("groups[1].cycles[0].rule:", "gives no meeting between first (2026-01-07) and last"),
    ),
    # dates
    (
        "first-year-9999",
        replace("first = 2026-01-06", "first = 9999-12-31"),
        ("groups[1].cycles[0].first: 9999-12-31 is outside the years 1900..2100",),
    ),
    (
        "first-year-1",
        replace("first = 2026-01-06", "first = 0001-01-01"),
        ("groups[1].cycles[0].first: 0001-01-01 is outside the years 1900..2100",),
    ),
    (
        "date-year-9999",
        replace("2026-06-16]", "9999-12-31]"),
        ("groups[0].cycles[0].dates[2]: 9999-12-31 is outside the years 1900..2100",),
    ),
    (
        "blackout-year-1",
        lambda t: t.replace('start = "07-01"', "start = 0001-01-01").replace(
            'end = "07-31"', "end = 0001-01-02"
        ),
        ("blackouts[0].start: 0001-01-01 is outside the years",),
    ),
    # ids that become file names
    (
        "person-id-300",
        replace('{ id = "ola", name', f'{{ id = "{"o" * 300}", name'),
        ("people[2].id:", "(300 characters) is too long for an id: at most 64 characters"),
    ),
    (
        "person-id-1mb",
        replace('{ id = "ola", name', f'{{ id = "{"o" * 1_000_000}", name'),
        ("people[2].id:", "(1,000,000 characters) is too long for an id"),
    ),
    (
        "group-id-slash",
        replace('id = "lg"', 'id = "../../etc"'),
        ("groups[1].id: '../../etc' is not a valid id",),
    ),
    (
        "group-id-dots",
        replace('id = "lg"', 'id = ".."'),
        ("groups[1].id: '..' is not a valid id",),
    ),
    (
        "person-id-nul",
        replace('{ id = "ola", name', '{ id = "ola\\u0000", name'),
        ("people[2].id: 'ola\\x00' is not a valid id",),
    ),
    (
        "person-id-con",
        replace('{ id = "ola", name', '{ id = "con", name'),
        ("people[2].id: 'con' is a device name Windows refuses as a file name",),
    ),
    (
        "group-id-lpt1",
        replace('id = "lg"', 'id = "lpt1"'),
        ("groups[1].id: 'lpt1' is a device name Windows refuses",),
    ),
    (
        "group-id-upper",
        replace('id = "lg"', 'id = "LG"'),
        ("groups[1].id: 'LG' is not a valid id",),
    ),
    # echoed values are capped
    (
        "timezone-100k",
        prepend(f'timezone = "{"E" * 100_000}"\n'),
        ("timezone: unknown time zone", "(100,000 characters)"),
    ),
    (
        "timezone-path",
        prepend('timezone = "../../../etc/passwd"\n'),
        ("timezone: unknown time zone '../../../etc/passwd'",),
    ),
    (
        "unknown-person-huge",
        replace('members = ["ola"]', f'members = ["{"x" * 50_000}"]'),
        ("groups[1].members[0]: unknown person", "(50,000 characters)"),
    ),
    (
        "name-huge",
        replace('name = "Bolaget AB"', f'name = "{"B" * 5000}"'),
        ("name:", "(5,000 characters) is too long: at most 1,000 characters"),
    ),
    (
        "purpose-huge",
        replace('purpose = "Leder bolaget."', f'purpose = "{"p" * 30_000}"'),
        ("groups[1].mandate.purpose:", "is too long: at most 20,000 characters"),
    ),
    # e-mail addresses
    (
        "email-space",
        replace("anna@example.se", "anna berg@example.se"),
        ("people[0].email: 'anna berg@example.se' is not an e-mail address",),
    ),
    (
        "email-no-at",
        replace("anna@example.se", "anna.example.se"),
        ("people[0].email: 'anna.example.se' is not an e-mail address",),
    ),
    (
        "email-angle",
        replace("anna@example.se", "Anna <anna@example.se>"),
        ("people[0].email:", "is not an e-mail address"),
    ),
    (
        "email-newline",
        replace("anna@example.se", "anna@example.se\\nBCC:evil@example.com"),
        ("people[0].email:", "control character U+000A LINE FEED"),
    ),
    # locale
    (
        "locale-svenska",
        replace('locale = "sv"', 'locale = "svenska"'),
        ("locale: unknown locale 'svenska': use 'sv' (Swedish) or 'en' (English)",),
    ),
    (
        "locale-de",
        replace('locale = "sv"', 'locale = "de"'),
        ("locale: unknown locale 'de'",),
    ),
    (
        "locale-empty",
        replace('locale = "sv"', 'locale = ""'),
        ("locale: unknown locale ''",),
    ),
    # size and depth, refused before parsing
    (
        "nested-arrays",
        prepend("x = " + "[" * 50_000 + "]" * 50_000 + "\n"),
        ("org.toml:1: arrays and tables nested deeper than 20 levels: at most 20 are allowed",),
    ),
    (
        "nested-inline-tables",
        prepend("x = " + "{a=" * 30_000 + "1" + "}" * 30_000 + "\n"),
        ("org.toml:1: arrays and tables nested deeper than 20 levels",),
    ),
    (
        "dotted-keys",
        prepend("a." * 50_000 + "a = 1\n"),
        ("org.toml:1: a dotted key of 50,001 parts: at most 20 are allowed",),
    ),
    (
        "dotted-number-keys",
        prepend("1." * 50_000 + "1 = 1\n"),
        ("org.toml:1: a dotted key of", "parts: at most 20 are allowed"),
    ),
    (
        "deep-header",
        prepend("[" + "a." * 30_000 + "a]\nb = 1\n"),
        ("org.toml:1: a dotted key of 30,001 parts",),
    ),
    # syntax
    (
        "syntax",
        replace('name = "Bolaget AB"', "name = Bolaget AB"),
        ("org.toml:2: TOML syntax error",),
    ),
    (
        "anchor-unknown-huge",
        replace('cycle = "styrelse.sammantrade"', f'cycle = "{"s" * 10_000}"'),
        ("groups[1].cycles[2].anchor.cycle: unknown cycle", "(10,000 characters)"),
    ),
    (
        "weekday-huge",
        replace('weekday = "tuesday"', f'weekday = "{"t" * 10_000}"'),
        ("groups[1].cycles[2].anchor.weekday:", "is not a weekday"),
    ),
]

HEAVY = {
    "person-id-1mb",
    "timezone-100k",
    "unknown-key-huge",
    "nested-arrays",
    "nested-inline-tables",
    "dotted-keys",
    "dotted-number-keys",
    "deep-header",
    "unknown-person-huge",
}


@pytest.mark.parametrize(
    ("mutation", "expected"), [(m, e) for _, m, e in ORG_CASES], ids=[c[0] for c in ORG_CASES]
)
def test_organisation_files_validate(
    tmp_path: Path, mutation: Callable[[str], str], expected: tuple[str, ...]
) -> None:
    line = fails(tmp_path, "validate", ("org.toml", *expected), org=mutation(ORG))
    assert line.startswith(f"mgovern: error: {tmp_path / 'org.toml'}")


@pytest.mark.parametrize("command", ["show", "check", "calendars", "route", "agenda"])
@pytest.mark.parametrize(
    ("mutation", "expected"),
    [(m, e) for name, m, e in ORG_CASES if name not in HEAVY],
    ids=[name for name, _, _ in ORG_CASES if name not in HEAVY],
)
def test_every_command_reads_the_organisation_the_same_way(
    tmp_path: Path, command: str, mutation: Callable[[str], str], expected: tuple[str, ...]
) -> None:
    """validate, show, check, calendars, route and agenda: one path, one message."""
    fails(tmp_path, command, ("org.toml", *expected), org=mutation(ORG))


# --- text fields: control and direction characters ---------------------------------------
HOSTILE_CHARACTERS = {
    "nul": ("\\u0000", "U+0000 NUL"),
    "escape": ("\\u001b[31m", "U+001B ESCAPE"),
    "delete": ("\\u007f", "U+007F DELETE"),
    "vertical-tab": ("\\u000b", "U+000B VERTICAL TAB"),
    "form-feed": ("\\f", "U+000C FORM FEED"),
    "carriage-return": ("\\r", "U+000D CARRIAGE RETURN"),
    "line-feed": ("\\nATTENDEE:mailto:evil@example.com", "U+000A LINE FEED"),
    "tab": ("\\t", "U+0009 TAB"),
    "next-line-c1": ("\\u0085", "U+0085"),
    "csi-c1": ("\\u009b", "U+009B"),
    "right-to-left-override": ("\\u202e", "U+202E RIGHT-TO-LEFT OVERRIDE"),
    "isolate": ("\\u2066", "U+2066 LEFT-TO-RIGHT ISOLATE"),
    "line-separator": ("\\u2028", "U+2028 LINE SEPARATOR"),
}
ONE_LINE_FIELDS = {
    "org-name": ('name = "Bolaget AB"', 'name = "Bolaget{}AB"', "name:"),
    "person-name": ('name = "Anna Berg"', 'name = "Anna{}Berg"', "people[0].name:"),
    "person-title": ('title = "VD"', 'title = "V{}D"', "people[0].title:"),
    "person-email": ('email = "bo@example.se"', 'email = "bo@example.se{}"', "people[1].email:"),
    "group-name": ('name = "Ledningsgrupp"', 'name = "Lednings{}grupp"', "groups[1].name:"),
    "short-name": ('short_name = "LG"', 'short_name = "L{}G"', "groups[1].short_name:"),
    "cycle-name": ('name = "Veckomöte"', 'name = "Vecko{}möte"', "groups[1].cycles[0].name:"),
    "location": ('location = "Rum 1"', 'location = "Rum{}1"', "groups[1].cycles[0].location:"),
    "keyword": ('keywords = ["upphandling"]', 'keywords = ["upp{}handling"]', "keywords[0]:"),
    "blackout-name": ('name = "Sommar"', 'name = "Som{}mar"', "blackouts[0].name:"),
    "currency": ('currency = "SEK"', 'currency = "SE{}K"', "currency:"),
}


@pytest.mark.parametrize("field", ONE_LINE_FIELDS)
@pytest.mark.parametrize("character", HOSTILE_CHARACTERS)
def test_control_characters_in_one_line_text(tmp_path: Path, field: str, character: str) -> None:
    old, new, path = ONE_LINE_FIELDS[field]
    escaped, name = HOSTILE_CHARACTERS[character]
    org = ORG.replace(old, new.format(escaped), 1)
    fails(tmp_path, "validate", (path, "has the control character", name, "remove it"), org=org)


PROSE_FIELDS = {
    "purpose": ('purpose = "Leder bolaget."', 'purpose = "Leder{}bolaget."', "mandate.purpose:"),
    "note": ('note = "Allt', 'note = "All{}t', "groups[0].mandate.handles[0].note:"),
    "responsibility": ('"Budget", "Personal"', '"Bud{}get", "Personal"', "responsibilities[0]:"),
}


@pytest.mark.parametrize("field", PROSE_FIELDS)
@pytest.mark.parametrize(
    "character", [c for c in HOSTILE_CHARACTERS if c not in ("tab", "line-feed")]
)
def test_control_characters_in_prose(tmp_path: Path, field: str, character: str) -> None:
    old, new, path = PROSE_FIELDS[field]
    escaped, name = HOSTILE_CHARACTERS[character]
    org = ORG.replace(old, new.format(escaped), 1)
    fails(tmp_path, "calendars", (path, name, "remove it (line breaks and tabs are fine)"), org=org)


@pytest.mark.parametrize("field", PROSE_FIELDS)
def test_prose_may_have_line_breaks_and_tabs(tmp_path: Path, field: str) -> None:
    old, new, _ = PROSE_FIELDS[field]
    org = write(tmp_path, "org.toml", ORG.replace(old, new.format("\\n\\t"), 1))
    assert run("validate", "--org", str(org)).exit_code == 0


def test_quotes_in_names_reach_the_calendar_encoded(tmp_path: Path) -> None:
    org = write(tmp_path, "org.toml", ORG.replace('"Anna Berg"', '"Anna \\"Nan\\" Berg"'))
    result = run("calendars", "--org", str(org), "--out", str(tmp_path / "out"))
    assert result.exit_code == 0, result.stderr
    ics = (tmp_path / "out" / "people" / "anna.ics").read_text(encoding="utf-8")
    assert "CN=\"Anna ^'Nan^' Berg\"" in ics  # RFC 6868: a quote inside a parameter


def test_many_attendees_keep_their_lines(tmp_path: Path) -> None:
    """Every attendee of all.ics is there (no line dropped for a control character)."""
    people = "".join(
        f'  {{ id = "p{i}", name = "Person {i}; \\"{i}\\"", email = "p{i}@example.se" }},\n'
        for i in range(60)
    )
    text = ORG.replace("people = [\n", "people = [\n" + people).replace(
        'members = ["ola"]', "members = [" + ", ".join(f'"p{i}"' for i in range(60)) + "]"
    )
    org = write(tmp_path, "org.toml", text)
    result = run("calendars", "--org", str(org), "--out", str(tmp_path / "out"))
    assert result.exit_code == 0, result.stderr
    ics = (tmp_path / "out" / "all.ics").read_bytes().decode("utf-8")
    unfolded = ics.replace("\r\n ", "")
    for i in range(60):
        assert f"mailto:p{i}@example.se" in unfolded


# --- item files ---------------------------------------------------------------------------
def item(**fields: Any) -> str:
    base: dict[str, Any] = {"id": "i1", "title": "Budget", "raised_in": "lg"}
    base.update(fields)
    return tomli_w.dumps({"items": [{k: v for k, v in base.items() if v is not None}]})


ITEM_CASES: list[tuple[str, str, tuple[str, ...]]] = [
    ("amount-1e999999", item(amount="1e999999"), ("items[0].amount: '1e999999' is not an amount",)),
    ("amount-9e99", item(amount="9e99"), ("items[0].amount: '9e99' is too large",)),
    ("amount-float-huge", item(amount=1e300), ("items[0].amount:", "is too large")),
    ("amount-nan", item(amount=float("nan")), ("items[0].amount: nan: the amount must be",)),
    ("amount-negative", item(amount="-5"), ("items[0].amount: '-5': the amount must be",)),
    ("amount-words", item(amount="3,2 mnkr"), ("items[0].amount: '3,2 mnkr' is not an amount",)),
    ("amount-list", item(amount=[1]), ("items[0].amount: expected an amount",)),
    ("amount-true", item(amount=True), ("items[0].amount: expected an amount",)),
    ("amount-decimals", item(amount="1,00000001"), ("has more than 6 decimals",)),
    (
        "meeting-year-1",
        item(meeting=dt.date(1, 1, 1)),
        ("items[0].meeting: 0001-01-01 is outside the years 1900..2100",),
    ),
    (
        "meeting-year-9999",
        item(meeting=dt.date(9999, 12, 31)),
        ("items[0].meeting: 9999-12-31 is outside the years 1900..2100",),
    ),
    (
        "meeting-not-a-meeting",
        item(meeting=dt.date(2026, 3, 18)),
        ("items[0].meeting: item 'i1': 'lg' has no meeting on 2026-03-18", "nearest: 2026-03-17"),
    ),
    (
        "meeting-far-not-a-meeting",
        item(meeting=dt.date(2099, 6, 3)),
        ("items[0].meeting: item 'i1': 'lg' has no meeting on 2099-06-03",),
    ),
    (
        "meeting-in-blackout",
        item(meeting=dt.date(2026, 7, 7)),
        ("items[0].meeting: item 'i1': 'lg' has no meeting on 2026-07-07",),
    ),
    (
        "meeting-of-another-cycle",
        item(meeting=dt.date(2026, 3, 17), cycle="manad"),
        ("items[0].meeting: item 'i1': its cycle 'manad' has no meeting on 2026-03-17",),
    ),
    (
        "meeting-datetime",
        item(meeting=dt.datetime(2026, 3, 17, 9, 0)),
        ("items[0].meeting: expected a date such as 2026-03-17, got a date-time",),
    ),
    ("meeting-text", item(meeting="next week"), ("items[0].meeting: 'next week' is not a date",)),
    (
        "submitted-year-9999",
        item(submitted=dt.datetime(9999, 1, 1, 10, 0)),
        ("items[0].submitted: 9999-01-01T10:00:00 is outside the years",),
    ),
    (
        "submitted-number",
        item(submitted=5),
        ("items[0].submitted: expected a date-time such as", "got a whole number 5"),
    ),
    ("year-huge", item(year=99999), ("items[0].year: must be 1900..2100, got 99999",)),
    ("minutes-zero", item(minutes=0), ("items[0].minutes: must be 1..10080, got 0",)),
    ("minutes-huge", item(minutes=10**12), ("items[0].minutes: must be 1..10080",)),
    ("minutes-text", item(minutes="many"), ("items[0].minutes: expected a whole number",)),
    ("title-missing", item(title=None), ("items[0].title: required",)),
    ("title-escape", item(title="Bud\x1b[2Jget"), ("items[0].title:", "U+001B ESCAPE")),
    ("title-nul", item(title="Bud\x00get"), ("items[0].title:", "U+0000 NUL")),
    ("title-rlo", item(title="Bud\u202eget"), ("items[0].title:", "U+202E")),
    ("title-newline", item(title="Bud\nget"), ("items[0].title:", "U+000A LINE FEED")),
    ("title-huge", item(title="t" * 5000), ("items[0].title:", "is too long")),
    ("presenter-cr", item(presenter="An\rna"), ("items[0].presenter:", "CARRIAGE RETURN")),
    ("purpose-escape", item(purpose="a\x1bb"), ("items[0].purpose:", "U+001B ESCAPE")),
    ("id-escape", item(id="i\x1b1"), ("items[0].id:", "U+001B ESCAPE")),
    ("raised-in-unknown-huge", item(raised_in="g" * 100_000), ("items[0].raised_in:", "(100,000")),
    ("raised-in-list", item(raised_in=["lg"]), ("items[0].raised_in: expected text",)),
    ("units-unknown", item(units=["lg", "zz"]), ("items[0].units: unknown group 'zz'",)),
    ("units-number", item(units=5), ("items[0].units: expected a list of ids",)),
    ("cycle-unknown", item(cycle="zz"), ("items[0].cycle: group 'lg' has no cycle 'zz'",)),
    ("kind-unknown", item(kind="beslut"), ("items[0].kind: 'beslut' is not a kind",)),
    ("urgent-text", item(urgent="kanske"), ("items[0].urgent: 'kanske': write true or false",)),
    ("unknown-key", item(colour="red"), ("items[0].colour: unknown key 'colour'",)),
    ("top-level-key", 'x = 1\n[[items]]\ntitle = "T"\nraised_in = "lg"\n', ("unknown key 'x'",)),
    ("items-table", '[items]\ntitle = "T"\n', ("items must be an array of tables",)),
    (
        "nested",
        "x = " + "[" * 40_000 + "]" * 40_000 + "\n",
        ("items.toml:1: arrays and tables nested deeper than 20",),
    ),
    ("syntax", "[[items]\n", ("items.toml:1: TOML syntax error",)),
    ("bigint", "[[items]]\nminutes = " + "9" * 5000 + "\n", ("a number has too many digits",)),
]


@pytest.mark.parametrize(
    ("items", "expected"), [(i, e) for _, i, e in ITEM_CASES], ids=[c[0] for c in ITEM_CASES]
)
def test_item_files(tmp_path: Path, items: str, expected: tuple[str, ...]) -> None:
    fails(tmp_path, "agenda", ("items.toml", *expected), items=items)


CSV_CASES: list[tuple[str, str | bytes, tuple[str, ...]]] = [
    (
        "field-1mb",
        "title;raised_in\n" + "x" * 1_000_000 + ";lg\n",
        ("items.csv:2: a value is longer than 131,072 characters: shorten it",),
    ),
    ("nul", "title;raised_in\nBud\x00get;lg\n", ("row 2, column title:", "U+0000 NUL")),
    (
        "open-quote",
        'title;raised_in\n"Bud;lg\n',
        ("row 2, column raised_in: required: the group the item is submitted to",),
    ),
    ("amount", "title;raised_in;amount\nX;lg;1e999999\n", ("row 2, column amount:",)),
    (
        "meeting",
        "title;raised_in;meeting\nX;lg;0001-01-01\n",
        ("row 2, column meeting: 0001-01-01 is outside the years 1900..2100",),
    ),
    ("escape", "title;raised_in\nB\x1bX;lg\n", ("row 2, column title:", "U+001B ESCAPE")),
    ("rlo", "title;raised_in\nB\u202eX;lg\n", ("row 2, column title:", "U+202E")),
    ("minutes", "title;raised_in;minutes\nX;lg;²\n", ("row 2, column minutes: expected a whole",)),
    ("column", "title;raised_in;belopp\nX;lg;5\n", ("items.csv:1: unknown column 'belopp'",)),
    (
        "column-huge",
        "title;raised_in;" + "c" * 100_000 + "\nX;lg;5\n",
        ("items.csv:1: unknown column", "(100,000 characters)"),
    ),
    ("more-values", "title;raised_in\nX;lg;5;6\n", ("items.csv:2: more values than columns",)),
    ("not-text", b"title;raised_in\n\x81\x8d\x8f;lg\n", ("is neither UTF-8 nor Windows-1252",)),
]


@pytest.mark.parametrize(
    ("items", "expected"), [(i, e) for _, i, e in CSV_CASES], ids=[c[0] for c in CSV_CASES]
)
def test_csv_item_files(tmp_path: Path, items: str | bytes, expected: tuple[str, ...]) -> None:
    fails(tmp_path, "agenda", expected, items=items, items_name="items.csv")


def test_huge_amount_in_an_item_file_fails_fast(tmp_path: Path) -> None:
    started = time.monotonic()
    fails(tmp_path, "agenda", ("items[0].amount",), items=item(amount="1e999999"))
    fails(
        tmp_path,
        "agenda",
        ("row 2, column amount",),
        items="title,raised_in,amount\nX,lg,9e99\n",
        items_name="items.csv",
    )
    assert time.monotonic() - started < 5


def test_an_item_naming_a_real_meeting_is_read(tmp_path: Path) -> None:
    org = write(tmp_path, "org.toml", ORG)
    items = write(tmp_path, "items.toml", item(meeting=dt.date(2026, 3, 17), cycle="veckomote"))
    result = run(*COMMANDS["agenda"](org, items, tmp_path / "out"))
    assert result.exit_code == 0, result.stderr


# --- byte-order marks ----------------------------------------------------------------------
def test_a_byte_order_mark_is_accepted_everywhere(tmp_path: Path) -> None:
    org = write(tmp_path, "org.toml", "\ufeff" + ORG)
    toml_items = write(tmp_path, "items.toml", "\ufeff" + ITEMS)
    csv_items = write(tmp_path, "items.csv", "\ufeff" + CSV_ITEMS)
    assert run("validate", "--org", str(org)).exit_code == 0
    for items in (toml_items, csv_items):
        result = run(*COMMANDS["agenda"](org, items, tmp_path / "out"))
        assert result.exit_code == 0, result.stderr
    assert mgovern.loads("\ufeff" + ORG).id == "bolaget"


def test_a_file_larger_than_the_bound_is_not_read(tmp_path: Path) -> None:
    padding = ("# " + "x" * 1022 + "\n") * 1024  # 1 MiB of comments
    big = ORG + padding * (MAX_FILE_BYTES // len(padding) + 1)
    line = fails(
        tmp_path, "validate", (f"org.toml: is larger than {MAX_FILE_BYTES:,} bytes",), org=big
    )
    assert "split it" in line


def test_a_device_is_not_read_forever(tmp_path: Path) -> None:
    """``--org /dev/zero`` reads at most the bound, then stops (in a process of its own
    with 2 GiB of memory: a reader without a bound fails there, not the test run)."""
    if not Path("/dev/zero").exists():
        pytest.skip("no /dev/zero here")
    import resource

    def limit_memory() -> None:
        resource.setrlimit(resource.RLIMIT_AS, (2 << 30, 2 << 30))

    proc = subprocess.run(
        [sys.executable, "-m", "mgovern", "validate", "--org", "/dev/zero"],
        capture_output=True,
        text=True,
        check=False,
        timeout=120,
        preexec_fn=limit_memory,
    )
    assert proc.returncode == 2, proc.stderr[-500:]
    (line,) = proc.stderr.splitlines()
    assert line == (
        f"mgovern: error: /dev/zero: is larger than {MAX_FILE_BYTES:,} bytes, the most "
        "mgovern reads: split it"
    )


# --- the ids' promise: nothing written on error ---------------------------------------------
def test_calendars_writes_nothing_when_an_id_cannot_be_a_file_name(tmp_path: Path) -> None:
    people = "".join(f'  {{ id = "p{i}", name = "P{i}" }},\n' for i in range(100))
    long = "q" * 300
    text = ORG.replace(
        "people = [\n", "people = [\n" + people + f'  {{ id = "{long}", name = "Q" }},\n'
    ).replace('members = ["ola"]', f'members = ["ola", "{long}"]')
    fails(tmp_path, "calendars", ("people[100].id:", "too long for an id"), org=text)
    assert not (tmp_path / "out").exists()


def test_calendars_writes_all_or_nothing_when_the_file_system_refuses_one(
    tmp_path: Path,
) -> None:
    """A folder where one calendar file belongs: no other file is written either."""
    org = write(tmp_path, "org.toml", ORG)
    blocked = tmp_path / "out" / "people" / "ola.ics"
    blocked.mkdir(parents=True)
    before = files_under(tmp_path)
    result = run("calendars", "--org", str(org), "--out", str(tmp_path / "out"))
    assert_one_line(result, "out/people/", "Is a directory")
    assert files_under(tmp_path) == before


def test_files_are_staged_before_any_is_put_in_place(tmp_path: Path) -> None:
    from mgovern.files import write_together

    files = {tmp_path / "a" / "x.ics": b"x", tmp_path / "b" / ("y" * 300 + ".ics"): b"y"}
    with pytest.raises(OSError, match="too long"):
        write_together(files)
    assert list(tmp_path.iterdir()) == []  # no file, no folder made for them


# --- closed days, judged by the plugins when the file is read -------------------------------
@pytest.mark.skipif(not HOLIDAYS, reason="mgovern-holidays is not installed")
@pytest.mark.parametrize("command", ["validate", "calendars", "check", "show"])
@pytest.mark.parametrize(
    ("closed", "expected"),
    [
        ('{ regions = ["SE"], include = ["midsomar"] }', "closed_days.include[0]: 'midsomar'"),
        ('{ regions = ["XX"] }', "closed_days.regions[0]: 'XX'"),
        ('{ include = ["julafton", "nyår"] }', "closed_days.include[1]: 'nyår'"),
    ],
)
def test_closed_day_names_are_checked_when_the_file_is_read(
    tmp_path: Path, command: str, closed: str, expected: str
) -> None:
    fails(tmp_path, command, ("org.toml", expected), org=f"closed_days = {closed}\n" + ORG)


# --- route's arguments ----------------------------------------------------------------------
ROUTE_CASES: list[tuple[str, list[str], tuple[str, ...]]] = [
    ("raised-in-huge", ["--raised-in", "g" * 1_000_000], ("unknown group", "(1,000,000")),
    ("raised-in-escape", ["--raised-in", "l\x1bg"], ("unknown group 'l\\x1bg'",)),
    ("category-huge", ["--category", "c" * 100_000], ("unknown category", "(100,000")),
    ("amount-9e999999", ["--amount", "9e999999"], ("amount",)),
    ("amount-negative", ["--amount", "-5"], ("amount",)),
    ("amount-nan", ["--amount", "NaN"], ("amount",)),
    ("year", ["--year", "99999"], ("year",)),
]


@pytest.mark.parametrize(
    ("args", "expected"), [(a, e) for _, a, e in ROUTE_CASES], ids=[c[0] for c in ROUTE_CASES]
)
def test_route_arguments(tmp_path: Path, args: list[str], expected: tuple[str, ...]) -> None:
    org = write(tmp_path, "org.toml", ORG)
    given = dict(zip(args[::2], args[1::2], strict=True))
    options = {"--raised-in": "lg", "--category": "inkop", **given}
    result = run("route", "--org", str(org), *[x for kv in options.items() for x in kv])
    assert_one_line(result, *expected)


# --- the one amount reader --------------------------------------------------------------------
@pytest.mark.parametrize(
    ("text", "amount"),
    [
        ("3200000", Decimal(3200000)),
        ("3 200 000", Decimal(3200000)),
        ("3\u00a0200\u00a0000", Decimal(3200000)),
        ("3\u202f200", Decimal(3200)),
        ("2,5", Decimal("2.5")),
        ("2.5", Decimal("2.5")),
        ("1_000", Decimal(1000)),
        (" 7 ", Decimal(7)),
        (5, Decimal(5)),
        (2.5, Decimal("2.5")),
        (Decimal("1.25"), Decimal("1.25")),
    ],
)
def test_parse_amount_reads_what_people_write(text: object, amount: Decimal) -> None:
    assert parse_amount(text) == amount


@pytest.mark.parametrize(
    "text",
    [
        "9e999999",
        "1e999999",
        "-1",
        "NaN",
        "inf",
        "",
        "abc",
        "1,234.5",
        "3.200.000",
        "1,5,0",
        "1" * 16,
        "0,0000001",
        True,
        None,
        [1],
        10**20,
        float("nan"),
    ],
)
def test_parse_amount_refuses_the_rest(text: object) -> None:
    started = time.monotonic()
    with pytest.raises(mgovern.ConfigError) as info:
        parse_amount(text)
    assert time.monotonic() - started < 0.1
    assert len(str(info.value)) < 120


# --- through the Python API too ---------------------------------------------------------------
def test_loads_refuses_a_string_for_a_list() -> None:
    with pytest.raises(mgovern.ConfigError, match=r"groups\[1\]\.members: expected a list"):
        mgovern.loads(ORG.replace('members = ["ola"]', 'members = "ola"'))


def test_loads_refuses_deep_nesting_quickly() -> None:
    started = time.monotonic()
    with pytest.raises(mgovern.ConfigError, match="a dotted key of 200,001 parts"):
        mgovern.loads("a." * 200_000 + "a = 1\n")
    assert time.monotonic() - started < 2


def test_a_rule_that_never_meets_is_refused_quickly() -> None:
    started = time.monotonic()
    for rule in ("FREQ=DAILY;BYMONTH=2;BYMONTHDAY=30", "FREQ=WEEKLY;BYMONTH=2;BYMONTHDAY=31"):
        with pytest.raises(mgovern.ConfigError, match="gives no meeting within 4 years"):
            mgovern.loads(ORG.replace('"FREQ=MONTHLY;BYDAY=1TH"', f'"{rule}"'))
    assert time.monotonic() - started < 3


def test_a_real_process_prints_one_line_and_no_traceback(tmp_path: Path) -> None:
    org = write(tmp_path, "org.toml", ORG.replace('members = ["ola"]', 'members = "ola"'))
    proc = subprocess.run(
        [
            sys.executable,
            "-m",
            "mgovern",
            "calendars",
            "--org",
            str(org),
            "--out",
            str(tmp_path / "out"),
        ],
        capture_output=True,
        text=True,
        check=False,
    )
    assert proc.returncode == 2
    assert proc.stdout == ""
    (line,) = proc.stderr.splitlines()
    assert "groups[1].members: expected a list" in line
    assert not (tmp_path / "out").exists()


# --- generated: hostile values at random key paths --------------------------------------------
HOSTILE_VALUES = st.one_of(
    st.sampled_from(
        [
            "ola",
            "",
            "\x1b[31m",
            "a\x00b",
            "x" * 5000,
            "9e999999",
            "FREQ=WEEKLY;INTERVAL=0",
            "../..",
            "con",
            -1,
            0,
            10**18,
            2**63 - 1,
            1e300,
            float("nan"),
            float("inf"),
            True,
            dt.date(1, 1, 1),
            dt.date(9999, 12, 31),
            dt.datetime(2026, 1, 1, 9, 0),
            [],
            ["ola"],
            {},
            {"id": "x"},
        ]
    ),
    st.text(max_size=20),
    st.integers(-(2**63), 2**63 - 1),
)


def _paths(data: object, prefix: tuple[object, ...] = ()) -> list[tuple[object, ...]]:
    found: list[tuple[object, ...]] = [prefix] if prefix else []
    if isinstance(data, dict):
        for key, value in data.items():
            found.extend(_paths(value, (*prefix, key)))
    elif isinstance(data, list):
        for index, value in enumerate(data):
            found.extend(_paths(value, (*prefix, index)))
    return found


BASE_DATA = tomllib.loads(ORG)
BASE_PATHS = _paths(BASE_DATA)


def _set(data: Any, path: tuple[object, ...], value: object) -> None:
    for step in path[:-1]:
        data = data[step]
    data[path[-1]] = value


@settings(
    max_examples=60,
    deadline=None,
    suppress_health_check=[HealthCheck.too_slow, HealthCheck.function_scoped_fixture],
)
@given(st.lists(st.tuples(st.sampled_from(BASE_PATHS), HOSTILE_VALUES), min_size=1, max_size=3))
def test_generated_hostile_organisations(
    tmp_path_factory: pytest.TempPathFactory, mutations: list[tuple[tuple[object, ...], object]]
) -> None:
    """validate says no in one line naming the file and a key, or yes; and a file it
    accepts is one calendars and check accept too (one validation path)."""
    import copy

    data = copy.deepcopy(BASE_DATA)
    for path, value in mutations:
        try:
            _set(data, path, value)
        except (KeyError, IndexError, TypeError):
            continue
    try:
        text = tomli_w.dumps(data)
    except (TypeError, ValueError):
        return  # NaN in a date position and the like: not TOML at all
    folder = tmp_path_factory.mktemp("generated")
    org = write(folder, "org.toml", text)
    result = run("validate", "--org", str(org))
    if result.exit_code == 0:
        out = folder / "out"
        for args in (
            ["calendars", "--org", str(org), "--out", str(out)],
            ["check", "--org", str(org)],
        ):
            after = run(*args)
            assert "Traceback" not in after.stderr
            assert after.exception is None or isinstance(after.exception, SystemExit), (
                args,
                after.exception,
            )
            if after.exit_code == 2:  # only what the window adds: documented
                assert re.search("max_occurrences|matches no date between", after.stderr), (
                    args,
                    after.stderr,
                )
        return
    line = assert_one_line(result, str(org))
    after_file = line.removeprefix(f"mgovern: error: {org}")
    assert re.match(r"(:\d+)?: ", after_file), line  # a line number or a key path follows
