"""Item files: TOML and CSV in, and every mistake named by file, row and column."""

from __future__ import annotations

import datetime as dt
from decimal import Decimal
from pathlib import Path

import pytest
from click.testing import CliRunner

import mgovern
from mgovern.agenda.items import load_items, read_items
from mgovern.cli import build_cli

ORG = mgovern.example()

CSV = (
    "id;title;raised_in;kind;category;amount;units;flags;presenter;minutes;submitted;urgent\n"
    "a1;Försäljning av fastigheten X;klg;decision;fastighetsforsaljning;3 200 000,50;"
    "gi|gy;namndarende;Anna;15;2026-03-02T10:00;nej\n"
    "a2;Information om T1-prognosen;klg;;;;;;;;2026-03-03T09:00;\n"
)


def test_csv_with_swedish_conventions() -> None:
    first, second = read_items(ORG, CSV, source="items.csv", csv_format=True)
    assert first.amount == Decimal("3200000.50")
    assert first.units == ("gi", "gy")
    assert first.flags == {"namndarende"}
    assert first.submitted == dt.datetime(2026, 3, 2, 10, tzinfo=ORG.zone)
    assert first.urgent is False
    assert second.kind is None
    assert second.category is None  # left to the classifier


def test_toml_items(tmp_path: Path) -> None:
    path = tmp_path / "items.toml"
    path.write_text(
        '[[items]]\ntitle = "Budget 2027"\nraised_in = "klg"\nkind = "discussion"\n'
        "submitted = 2026-03-02T10:00:00\n",
        encoding="utf-8",
    )
    (item,) = load_items(ORG, path)
    assert item.id == "items-1"
    assert item.submitted.tzinfo is not None


@pytest.mark.parametrize(
    ("text", "csv_format", "expected"),
    [
        ("title,raised_in,colour\nX,klg,red\n", True, "items.csv: row 1: unknown column 'colour'"),
        (
            "title,raised_in,amount\nX,klg,lots\n",
            True,
            "items.csv: row 2, column amount: 'lots' is not an amount",
        ),
        (
            "title,raised_in,amount\nX,klg,-5\n",
            True,
            "row 2, column amount: '-5': the amount must be a number >= 0",
        ),
        ("title,raised_in\nX,nowhere\n", True, "row 2, column raised_in: unknown group 'nowhere'"),
        ("title,raised_in,units\nX,klg,gi|zz\n", True, "row 2, column units: unknown group 'zz'"),
        (
            "title,raised_in,kind\nX,klg,decree\n",
            True,
            "row 2, column kind: 'decree' is not a kind",
        ),
        (
            "title,raised_in,submitted\nX,klg,tomorrow\n",
            True,
            "row 2, column submitted: 'tomorrow' is not a date-time",
        ),
        ("title,raised_in\n,klg\n", True, "row 2, column title: required"),
        (
            '[[items]]\ntitle = "X"\nraised_in = "klg"\namount = true\n',
            False,
            "items[0].amount: expected an amount",
        ),
        (
            '[[items]]\ntitle = "X"\nraised_in = "klg"\ncolour = 1\n',
            False,
            "items[0].colour: unknown key",
        ),
        ('[[items]]\ntitle = "X"\n', False, "items[0].raised_in: required"),
        (
            '[[items]]\nid="a"\ntitle = "X"\nraised_in = "klg"\n'
            '[[items]]\nid="a"\ntitle = "Y"\nraised_in = "klg"\n',
            False,
            "items[1].id: duplicate id 'a'",
        ),
    ],
)
def test_bad_item_files_name_file_row_and_column(
    text: str, csv_format: bool, expected: str
) -> None:
    source = "items.csv" if csv_format else "items.toml"
    with pytest.raises(mgovern.ConfigError) as info:
        read_items(ORG, text, source=source, csv_format=csv_format)
    assert expected in str(info.value)
    assert "\n" not in str(info.value)


def test_cli_bad_items_exit_2(tmp_path: Path) -> None:
    path = tmp_path / "items.csv"
    path.write_text("title,raised_in,amount\nX,klg,12 kronor\n", encoding="utf-8")
    result = CliRunner().invoke(
        build_cli(), ["agenda", "--group", "klg", "--date", "2026-03-17", "--items", str(path)]
    )
    assert result.exit_code == 2
    assert f"{path}: row 2, column amount" in result.stderr
    assert "Traceback" not in result.output


def test_cli_date_with_no_meeting_exit_2(tmp_path: Path) -> None:
    path = tmp_path / "items.csv"
    path.write_text("title,raised_in\nX,klg\n", encoding="utf-8")
    result = CliRunner().invoke(
        build_cli(), ["agenda", "--group", "klg", "--date", "2026-03-18", "--items", str(path)]
    )
    assert result.exit_code == 2
    assert (
        "group 'klg' has no meeting on 2026-03-18; its next meeting is 2026-03-24 09:00"
        in result.stderr
    )
