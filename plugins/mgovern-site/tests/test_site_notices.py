"""The notice board (anslagstavla): notices of approved minutes up until their appeal
period has ended, as a page (opened in Chromium), an Atom feed (read back with
feedparser) and an iCalendar file (read back with icalendar); `--on` moves them on and
off."""

from __future__ import annotations

import datetime as dt
from pathlib import Path
from typing import Any

import pytest
from click.testing import CliRunner

import mgovern
from mgovern.cli import build_cli

from .test_site_browser import _axe_source

EXAMPLES = Path(mgovern.__file__).parent / "examples"
MINUTES_URL = "https://www.stockholm.se/protokoll/namnd-2026-02-12.pdf"


def run(*args: str) -> Any:
    result = CliRunner().invoke(build_cli(), list(args), catch_exceptions=False)
    assert result.exit_code == 0, result.output
    return result


@pytest.fixture(scope="module")
def db(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """The example's first quarter, with the board's minutes of 12 February (announced
    20 February, appealable until 13 March) and 19 March (announced 27 March,
    appealable until 17 April)."""
    path = tmp_path_factory.mktemp("register") / "register.sqlite"
    run("decisions", "import", str(EXAMPLES / "decisions-2026q1.csv"), "--db", str(path))
    for meeting, approved, posted, url in (
        ("2026-02-12", "2026-02-19", "2026-02-20", MINUTES_URL),
        ("2026-03-19", "2026-03-27", "2026-03-27", ""),
    ):
        where = ("--group", "namnd", "--meeting", meeting, "--db", str(path))
        run("minutes", "approve", *where, "--by", "Karin Holmberg", "--on", approved)
        run(
            "minutes", "announce", *where, "--on", posted,
            "--where", "https://www.stockholm.se/anslagstavla", "--minutes", url,
        )  # fmt: skip
    return path


def site(db: Path, tmp_path: Path, on: str) -> Path:
    out = tmp_path / on
    run("site", "--out", str(out), "--db", str(db), "--on", on)
    return out


def test_on_moves_notices_on_and_off(db: Path, tmp_path: Path) -> None:
    import feedparser
    import icalendar

    expected = {
        "2026-02-19": [],  # approved, not yet announced
        "2026-02-20": ["2026-02-12"],
        "2026-03-13": ["2026-02-12"],  # the last day of appeal: still up
        "2026-03-16": [],  # taken down; the next not yet posted
        "2026-03-27": ["2026-03-19"],
        "2026-04-17": ["2026-03-19"],
        "2026-04-20": [],
    }
    for on, meetings in expected.items():
        out = site(db, tmp_path, on)
        page = (out / "anslagstavla.html").read_text(encoding="utf-8")
        assert page.count('<tr data-meeting="namnd ') == len(meetings), on
        for meeting in meetings:
            assert f'<tr data-meeting="namnd {meeting}">' in page, on
        assert ("Inga anslag just nu." in page) == (not meetings), on
        feed = feedparser.parse((out / "anslagstavla.atom").read_bytes())
        assert not feed.bozo, feed.get("bozo_exception")
        assert feed.version == "atom10"
        assert [e.title for e in feed.entries] == [
            f"Protokoll från Exploateringsnämnden {m}" for m in meetings
        ], on
        calendar = icalendar.Calendar.from_ical((out / "anslagstavla.ics").read_bytes())
        events = calendar.walk("VEVENT")
        assert [str(e["summary"]) for e in events] == [e.title for e in feed.entries], on
    # the notice of 12 February: its period as an all-day event (DTEND is exclusive),
    # its link to the minutes in the feed
    out = site(db, tmp_path, "2026-03-01")
    (event,) = icalendar.Calendar.from_ical((out / "anslagstavla.ics").read_bytes()).walk("VEVENT")
    assert event.decoded("dtstart") == dt.date(2026, 2, 20)
    assert event.decoded("dtend") == dt.date(2026, 3, 14)
    (entry,) = feedparser.parse((out / "anslagstavla.atom").read_bytes()).entries
    assert entry.link == MINUTES_URL
    assert "kan överklagas till och med 2026-03-13" in entry.summary


def test_the_notice_board_in_chromium(browser: Any, db: Path, tmp_path: Path) -> None:
    out = site(db, tmp_path, "2026-03-01")
    page = browser.new_page()
    problems: list[str] = []
    page.on("console", lambda m: m.type == "error" and problems.append(m.text))
    page.on("pageerror", lambda e: problems.append(str(e)))
    page.goto((out / "anslagstavla.html").as_uri(), wait_until="load")
    assert page.locator("main h1").inner_text() == "Anslagstavla"
    cells = page.eval_on_selector_all(
        "#notices tbody tr td", "cells => cells.map(c => c.innerText.trim())"
    )
    assert cells == [
        "Exploateringsnämnden",
        "2026-02-12",
        "2026-02-19",
        "2026-02-20",
        "2026-03-13",
        "Protokoll från Exploateringsnämnden 2026-02-12",
    ]
    links = page.eval_on_selector_all("#notices a", "links => links.map(a => a.href)")
    assert links == [(out / "groups" / "namnd.html").as_uri(), MINUTES_URL]
    # the menu leads here from every page; the feed and the calendar are beside the page
    page.goto((out / "index.html").as_uri())
    page.click("nav a[href$='anslagstavla.html']")
    page.wait_for_selector("#notices")
    for name in ("anslagstavla.atom", "anslagstavla.ics"):
        href = page.eval_on_selector(f"main a[href='{name}']", "a => a.href")
        assert Path(href.removeprefix("file://")).is_file()
    feed = page.eval_on_selector("link[rel=alternate]", "l => l.type")
    assert feed == "application/atom+xml"
    assert problems == []
    # accessible (axe-core: nothing serious; its own requests under file:// are refused,
    # as in the site's other axe test) and never sideways on a phone
    page.add_script_tag(content=_axe_source())
    result = page.evaluate("axe.run(document, {resultTypes: ['violations']})")
    serious = [v["id"] for v in result["violations"] if v["impact"] in ("serious", "critical")]
    assert serious == []
    page.set_viewport_size({"width": 360, "height": 740})
    page.goto((out / "anslagstavla.html").as_uri())
    width = page.evaluate("[document.documentElement.scrollWidth, window.innerWidth]")
    assert width[0] <= width[1]
    page.close()
