"""``mgovern meetings check`` and ``show`` as a secretary meets them: the example board's
2026 records, each output format, and bad records refused with one line (exit 2)."""

from __future__ import annotations

import json
import shutil
from pathlib import Path

import attrs
import pytest
from click.testing import CliRunner

import mgovern.examples
from mgovern import config
from mgovern.cli.main import build_cli

EXAMPLE = Path(mgovern.examples.__file__).parent / "namnd-2026"


def run(*args: str) -> tuple[int, str, str]:
    result = CliRunner().invoke(build_cli(), list(args))
    return result.exit_code, result.stdout, result.stderr


def test_the_example_check_names_exactly_the_two_planted_faults() -> None:
    code, out, err = run("meetings", "check", "--format", "json", str(EXAMPLE))
    assert code == 1
    found = [(f["meeting"], f["item"], f["rule"], f["people"]) for f in json.loads(out)]
    assert found == [
        ("namnd@2026-10-22T16:00+02:00", 4, "quorum", ["elin-nordstrom", "sara-lindahl"]),
        ("namnd@2026-11-19T16:00+01:00", 3, "jav-voted", ["johan-sjostrom"]),
    ]
    assert "2 avvikelse(r) i 9 sammanträde(n)" in err


def test_the_check_in_text_names_item_people_and_law() -> None:
    code, out, _ = run("meetings", "check", str(EXAMPLE))
    assert code == 1
    assert out.splitlines() == [
        "namnd@2026-10-22T16:00+02:00 § 4: Elin Nordström, Sara Lindahl: nämnden är inte "
        "beslutför när de jäviga har lämnat [quorum; KL 6:27]",
        "namnd@2026-11-19T16:00+01:00 § 3: Johan Sjöström: röstade trots anmält jäv "
        "[jav-voted; KL 6:28–32]",
    ]


def test_a_valid_record_passes(tmp_path: Path) -> None:
    code, out, err = run("meetings", "check", str(EXAMPLE / "namnd-2026-03-19.toml"))
    assert (code, out) == (0, "")
    assert "varje beslut giltigt fattat" in err


def test_show_json_names_who_served_on_each_item() -> None:
    code, out, _ = run(
        "meetings", "show", "--format", "json", str(EXAMPLE / "namnd-2026-03-19.toml")
    )
    assert code == 0
    (record,) = json.loads(out)
    served = {item["number"]: set(item["served"]) for item in record["items"]}
    # the jävig member left §9 and a substitute took her seat for it
    assert "elin-nordstrom" in served[8]
    assert "elin-nordstrom" not in served[9]
    assert "nina-berg" in served[9]
    assert "nina-berg" not in served[8]
    assert len(served[9]) == 13


def test_show_markdown_has_the_attendance_and_vote_grid() -> None:
    code, out, _ = run("meetings", "show", "--format", "md", str(EXAMPLE / "namnd-2026-04-23.toml"))
    assert code == 0
    assert "## Närvaro- och omröstningslista" in out
    assert "| Anders Bergqvist | x | x | x | x | nej | x | x | x |" in out
    assert "- Reservation: Anders Bergqvist: Marken borde ha anvisats" in out


def test_english_for_an_english_organisation(tmp_path: Path) -> None:
    org = attrs.evolve(config.example(), locale="en-GB")
    (tmp_path / "org.toml").write_text(config.dumps(org), encoding="utf-8")
    code, out, err = run("meetings", "check", "--org", str(tmp_path / "org.toml"), str(EXAMPLE))
    assert code == 1
    assert "voted despite declared jäv [jav-voted; KL 6:28–32]" in out
    assert "2 finding(s) in 9 meeting(s)" in err


GOOD = """\
group = "namnd"
start = 2026-02-12T16:00:00+01:00
present = ["karin-holmberg"]

[[items]]
number = 1
title = "Val av justerare"
decision = "Ordföranden justerar."
"""


@pytest.mark.parametrize(
    ("change", "message"),
    [
        (("", "[[items]]\nnumber = 2\ntitle = 'x'\nbogus = 1\n"), "items[1].bogus: unknown key"),
        (('"karin-holmberg"', '"nobody"'), "present[0]: 'nobody' is no member or substitute"),
        (('"namnd"', '"nosuch"'), "group: unknown group 'nosuch'"),
        (("+01:00", ""), "start: needs a time zone offset"),
        (
            ("", "[[items]]\nnumber = 1\ntitle = 'x'\n"),
            "items[1].number: item 1 follows item 1",
        ),
        (
            ("", "[items.vote]\nkind = 'secret'\nresult = 'ja'\n"),
            "items[0].vote.kind: 'secret' is not allowed; use one of 'named', 'counted'",
        ),
        (
            ("", '[[serving]]\nsubstitute = "karin-holmberg"\nmember = "per-lundgren"\n'),
            "serving[0].substitute: 'karin-holmberg' is no substitute",
        ),
        (("present = [", "present = [[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[["), "nested deeper"),
        (('"Val av justerare"', '"Val av\\u0007justerare"'), "items[0].title: "),
        (('"Val av justerare"', '"' + "x" * 1001 + '"'), "items[0].title: "),
        (("number = 1", "number = 100001"), "items[0].number: "),
        (
            ("", "[items.vote]\nkind = 'named'\nresult = 'ja'\nja = ['karin-holmberg', 'krain']\n"),
            "items[0].vote.ja[1]: unknown person 'krain'",
        ),
        (
            ("", "[[items.reservations]]\nperson = 'nobody'\n"),
            "items[0].reservations[0].person: unknown person 'nobody'",
        ),
        (('["karin-holmberg"]', '"karin-holmberg"'), "present: expected a list"),
    ],
)
def test_a_bad_record_is_one_line_naming_the_key(
    tmp_path: Path, change: tuple[str, str], message: str
) -> None:
    old, new = change
    text = GOOD + new if old == "" else GOOD.replace(old, new, 1)
    path = tmp_path / "bad.toml"
    path.write_text(text, encoding="utf-8")
    code, out, err = run("meetings", "check", str(path))
    assert code == 2
    assert out == ""
    (line,) = [
        x for x in err.splitlines() if not x.startswith(("mgovern: using", "mgovern: använder"))
    ]
    assert str(path) in line
    assert message in line
    assert "Traceback" not in err


def test_two_files_of_one_meeting_are_refused(tmp_path: Path) -> None:
    for name in ("a.toml", "b.toml"):
        (tmp_path / name).write_text(GOOD, encoding="utf-8")
    code, _, err = run("meetings", "check", str(tmp_path))
    assert code == 2
    assert "records the meeting namnd@2026-02-12T16:00+01:00 that" in err


def test_a_history_gives_the_seats_of_the_meetings_day(tmp_path: Path) -> None:
    # Malin Öberg holds a seat on the board from 1 October 2026
    shutil.copy(EXAMPLE.parent / "exploateringskontoret.toml", tmp_path / "org.toml")
    (tmp_path / "history.toml").write_text(
        'based_on = "org.toml"\n\n[[appointments]]\nperson = "malin-oberg"\n'
        'group = "namnd"\nfrom = 2026-10-01\n',
        encoding="utf-8",
    )
    november = (EXAMPLE / "namnd-2026-11-19.toml").read_text(encoding="utf-8")
    june = (EXAMPLE / "namnd-2026-06-18.toml").read_text(encoding="utf-8")
    with_her = '"karin-holmberg",\n    "malin-oberg",'
    (tmp_path / "nov.toml").write_text(
        november.replace('"karin-holmberg",', with_her, 1), encoding="utf-8"
    )
    (tmp_path / "jun.toml").write_text(
        june.replace('"karin-holmberg",', with_her, 1), encoding="utf-8"
    )
    history = str(tmp_path / "history.toml")
    code, out, _ = run("meetings", "check", "--org", history, str(tmp_path / "nov.toml"))
    assert code == 1  # read: she held the seat that day; the planted fault still there
    assert "[jav-voted; KL 6:28–32]" in out
    code, _, err = run("meetings", "check", "--org", history, str(tmp_path / "jun.toml"))
    assert code == 2
    assert "present[1]: 'malin-oberg' is no member or substitute of 'namnd'" in err
