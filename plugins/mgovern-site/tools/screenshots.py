"""Screenshots of the example's site for docs/site.md, taken in Debian's Chromium.

    python plugins/mgovern-site/tools/screenshots.py [OUT_FOLDER]

Builds the embedded example's site (as of 2026-03-01) in a temporary folder, opens the
start page, a group page and the answered form from disk (file://) in headless
/usr/bin/chromium through Playwright, and writes PNGs to OUT_FOLDER (default
docs/images/, as site-*.png). No browser is downloaded.
"""

from __future__ import annotations

import datetime as dt
import sys
import tempfile
from pathlib import Path

from mgovern_site._build import build_site

import mgovern
from mgovern.files import write_all

# the same browser, started the same way, as the plugin's browser tests
sys.path.insert(0, str(Path(__file__).resolve().parents[1] / "tests"))
from conftest import CHROMIUM, FLAGS


def main(out: Path) -> None:
    from playwright.sync_api import sync_playwright

    out.mkdir(parents=True, exist_ok=True)
    with tempfile.TemporaryDirectory() as tmp:
        site = Path(tmp) / "site"
        files = build_site(
            mgovern.example(),
            on=dt.date(2026, 3, 1),
            start=dt.date(2026, 1, 1),
            end=dt.date(2026, 12, 31),
        )
        write_all({site / name: data for name, data in files.items()})
        with sync_playwright() as p:
            browser = p.chromium.launch(executable_path=CHROMIUM, args=FLAGS)
            page = browser.new_page(viewport={"width": 1280, "height": 900})
            page.goto((site / "index.html").as_uri())
            page.screenshot(path=str(out / "site-start.png"), full_page=True)
            page.set_viewport_size({"width": 1280, "height": 1500})
            page.goto((site / "groups" / "klg.html").as_uri())
            page.screenshot(path=str(out / "site-group-klg.png"))
            page.goto((site / "where.html").as_uri())
            page.select_option("#category", "fastighetsforsaljning")
            page.fill("#amount", "3 000 000")
            page.select_option("#raised", "mv")
            page.click("button[type=submit]")
            page.wait_for_selector("#answer-home")
            page.screenshot(path=str(out / "site-where.png"), full_page=True)
            phone = browser.new_page(viewport={"width": 375, "height": 740})
            phone.goto((site / "groups" / "mv.html").as_uri())
            phone.screenshot(path=str(out / "site-phone-mv.png"))
            browser.close()
    for name in ("site-start.png", "site-group-klg.png", "site-where.png", "site-phone-mv.png"):
        print(out / name)


if __name__ == "__main__":
    main(Path(sys.argv[1]) if len(sys.argv) > 1 else Path("docs/images"))
