"""Fixtures: the example's site in a folder, and Debian's Chromium driven by Playwright.

The browser is ``/usr/bin/chromium`` (Debian's ``chromium``, which ``.ci/run`` installs
when missing), started headless with the flags this sandbox needs and a fresh profile;
no browser is ever downloaded. Without Chromium or Playwright the browser tests are
skipped with the reason, except when ``MGOVERN_REQUIRE_BROWSER`` is set (CI), where
they fail instead.
"""

from __future__ import annotations

import datetime as dt
import os
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest
from mgovern_site._build import build_site

import mgovern
from mgovern.files import write_all

CHROMIUM = "/usr/bin/chromium"
FLAGS = [
    "--headless",
    "--no-sandbox",
    "--disable-gpu",
    "--disable-quic",
    "--no-first-run",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
]
ON = dt.date(2026, 3, 1)
START, END = dt.date(2026, 1, 1), dt.date(2026, 12, 31)


def example_files(db: Path | None = None) -> dict[str, bytes]:
    return build_site(mgovern.example(), on=ON, start=START, end=END, db=db)


@pytest.fixture(scope="session")
def register_db(tmp_path_factory: pytest.TempPathFactory) -> Path | None:
    """The example's Q1 2026 decisions in a register (None without the register module)."""
    try:
        import mgovern.register.store
    except ImportError:
        return None
    from click.testing import CliRunner

    from mgovern.cli import build_cli

    db = tmp_path_factory.mktemp("register") / "register.sqlite"
    source = Path(mgovern.__file__).parent / "examples" / "decisions-2026q1.csv"
    result = CliRunner().invoke(build_cli(), ["decisions", "import", "--db", str(db), str(source)])
    assert result.exit_code == 0, result.output
    return db


@pytest.fixture(scope="session")
def site_files(register_db: Path | None) -> dict[str, bytes]:
    return example_files(register_db)


@pytest.fixture(scope="session")
def site_dir(site_files: dict[str, bytes], tmp_path_factory: pytest.TempPathFactory) -> Path:
    root = tmp_path_factory.mktemp("site") / "handbok"
    write_all({root / name: data for name, data in site_files.items()})
    return root


def _unavailable(reason: str) -> None:
    if os.environ.get("MGOVERN_REQUIRE_BROWSER"):
        pytest.fail(f"{reason} (MGOVERN_REQUIRE_BROWSER is set, so this is an error)")
    pytest.skip(reason)


@pytest.fixture(scope="session")
def browser(tmp_path_factory: pytest.TempPathFactory) -> Iterator[Any]:
    """Headless Chromium with a fresh profile, for the whole session."""
    if not Path(CHROMIUM).exists():
        _unavailable(f"{CHROMIUM} is not installed (apt-get install chromium chromium-driver)")
    try:
        from playwright.sync_api import sync_playwright
    except ImportError:
        _unavailable("playwright is not installed (pip install playwright)")
    profile = tmp_path_factory.mktemp("chromium-profile")
    with sync_playwright() as p:
        context = p.chromium.launch_persistent_context(
            str(profile),
            executable_path=CHROMIUM,
            args=FLAGS,
            headless=True,
            viewport={"width": 1280, "height": 900},
        )
        yield context
        context.close()
