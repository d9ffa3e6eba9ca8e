"""The site as files: deterministic bytes, valid HTML5, relative links only, nothing
external, the command line, and publishing through the existing stores."""

from __future__ import annotations

import datetime as dt
import re
from collections.abc import Iterator
from pathlib import Path
from urllib.parse import unquote, urlsplit

import html5lib
import pytest
from click.testing import CliRunner
from mgovern_site._build import context_key, year_class

from mgovern.cli import build_cli

from .conftest import example_files

REFERENCE = re.compile(rb"""(?:href|src)="([^"]*)\"""")


def test_the_same_input_gives_the_same_bytes(
    site_files: dict[str, bytes], register_db: Path | None
) -> None:
    assert example_files(register_db) == site_files


def test_the_second_process_gives_the_same_bytes(
    site_files: dict[str, bytes], register_db: Path | None, monkeypatch: pytest.MonkeyPatch
) -> None:
    """A large organisation's check and calendars run in a forked process: same result."""
    from mgovern_site import _build

    monkeypatch.setattr(_build, "PARALLEL_FROM", 1)
    assert example_files(register_db) == site_files


def test_the_year_wheel_when_the_feature_exists(site_files: dict[str, bytes]) -> None:
    try:
        from mgovern.annual import plan
    except ImportError:
        assert "arshjul.html" not in site_files
        return
    import mgovern

    from .conftest import ON

    page = site_files["arshjul.html"].decode()
    planned = plan(mgovern.example(), dt.date(ON.year, 1, 1), dt.date(ON.year, 12, 31))
    assert planned.plans
    assert page.count("<section") == len(planned.plans)
    for found in planned.plans:
        assert f"<h2>{found.matter.name}</h2>" in page


def test_the_latest_decisions_only_with_a_register(
    site_files: dict[str, bytes], register_db: Path | None
) -> None:
    if register_db is None:
        pytest.skip("mgovern.register is not installed: the decisions page is left out")
    page = site_files["decisions.html"].decode()
    assert page.count("<tr>") == 1 + 25  # the header and the 25 latest of 62 decisions
    assert "decisions.html" not in example_files(None)


def test_every_page_is_html5_with_the_organisations_language(site_files: dict[str, bytes]) -> None:
    pages = {n: d for n, d in site_files.items() if n.endswith(".html")}
    # ten groups; start, matrix, form, coverage, contents; the decisions with a register,
    # the year wheel where mgovern.annual is installed
    assert len(pages) == 10 + 5 + ("decisions.html" in pages) + ("arshjul.html" in pages)
    for name, data in pages.items():
        parser = html5lib.HTMLParser(strict=True, namespaceHTMLElements=False)
        tree = parser.parse(data)  # raises on any parse error
        assert data.startswith(b"<!DOCTYPE html>\n"), name
        assert tree.get("lang") == "sv", name
        assert tree.find("head/title").text, name
        ids = re.findall(rb' id="([^"]+)"', data)
        assert len(ids) == len(set(ids)), name


def test_links_are_relative_and_resolve_inside_the_folder(site_files: dict[str, bytes]) -> None:
    for name, data in site_files.items():
        if not name.endswith(".html"):
            continue
        for raw in REFERENCE.findall(data):
            link = raw.decode()
            parts = urlsplit(link)
            assert not parts.scheme, (name, link)  # nothing external
            assert not parts.netloc, (name, link)
            if not parts.path:
                continue
            target = (Path(name).parent / unquote(parts.path)).as_posix()
            resolved = Path(target).resolve().relative_to(Path.cwd().resolve()).as_posix()
            assert resolved in site_files, (name, link)


def test_no_file_names_an_address_elsewhere(site_files: dict[str, bytes]) -> None:
    for name, data in site_files.items():
        if name.endswith((".html", ".js", ".css")):
            assert not re.search(rb"(?:https?:)?//[a-z0-9.-]+\.[a-z]{2,}/", data), name
            assert b"@import" not in data, name
            assert b"url(" not in data, name


def test_context_keys_and_year_class() -> None:
    import mgovern
    from mgovern.model import Span

    org = mgovern.example()
    assert context_key(None, None) == ""
    assert context_key("klg", Span.MULTI) == "klg*"
    assert context_key("mv", Span.OWN) == "mv"
    assert year_class(org, __import__("datetime").date(2030, 5, 1)) == 2026
    assert year_class(org, __import__("datetime").date(2020, 5, 1)) == 2024


def _run(*args: str) -> tuple[int, str]:
    result = CliRunner().invoke(build_cli(), list(args), catch_exceptions=False)
    return result.exit_code, result.output


def test_mgovern_site_writes_a_folder_and_keeps_unchanged_pages(tmp_path: Path) -> None:
    out = tmp_path / "site"
    args = (
        "site",
        "--out",
        str(out),
        "--on",
        "2026-03-01",
        "--from",
        "2026-01-01",
        "--to",
        "2026-12-31",
    )
    code, output = _run(*args)
    assert code == 0, output
    assert (out / "index.html").is_file()
    assert (out / "groups" / "mv.html").is_file()
    assert "0 konflikter" in output
    code, output = _run(*args)
    assert code == 0
    assert " 0 skapade, 0 uppdaterade" in output.replace("\n", " ") or output.count("oförändrade")
    # a page someone edited by hand is left alone, and says so with exit 1
    (out / "coverage.html").write_text("edited", encoding="utf-8")
    code, output = _run(*args)
    assert code == 1
    assert (out / "coverage.html").read_text(encoding="utf-8") == "edited"


def test_mgovern_site_publishes_through_a_file_url_without_rewriting(tmp_path: Path) -> None:
    url = (tmp_path / "pub").as_uri()
    args = ("site", "--to-url", url, "--on", "2026-03-01", "--json")
    code, first = _run(*args)
    assert code == 0, first
    assert '"change": "created"' in first
    stamps = {p: p.stat().st_mtime_ns for p in (tmp_path / "pub").rglob("*.html")}
    code, second = _run(*args)
    assert code == 0
    assert '"change": "created"' not in second
    assert '"change": "updated"' not in second
    assert stamps == {p: p.stat().st_mtime_ns for p in (tmp_path / "pub").rglob("*.html")}


@pytest.mark.parametrize(
    ("args", "message"),
    [
        ((), "give --out DIR or --to-url URL"),
        (("--out", "x", "--to-url", "file:y"), "give --out DIR or --to-url URL"),
        (("--to-url", "gopher://x/"), "gopher"),
        (("--out", "x", "--db", "no-such.sqlite"), "no such register"),
        (("--out", "x", "--on", "9999-01-01"), "use a day between the years 1900 and 2100"),
    ],
)
def test_mistakes_are_one_line_and_exit_2(
    args: tuple[str, ...], message: str, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.chdir(tmp_path)
    result = CliRunner().invoke(build_cli(), ["site", *args])
    assert result.exit_code == 2, result.output
    assert message in result.output
    assert not (tmp_path / "x").exists()


def test_a_history_gives_the_people_of_the_sites_day(tmp_path: Path) -> None:
    """With a history file as --org, the site shows who held each role on --on: Mark och
    värdering's head changes on 1 September 2026 in the example's history."""
    from importlib import resources

    history = Path(str(resources.files("mgovern.examples"))) / "exploateringskontoret-historik.toml"
    pages = {}
    for day in ("2026-06-01", "2026-10-01"):
        out = tmp_path / day
        result = CliRunner().invoke(
            build_cli(), ["site", "--org", str(history), "--on", day, "--out", str(out)]
        )
        assert result.exit_code == 0, result.output
        pages[day] = (out / "groups" / "mv.html").read_text(encoding="utf-8")
    assert "Henrik Blom" in pages["2026-06-01"]
    assert "Sara Lind" not in pages["2026-06-01"]
    assert "Sara Lind" in pages["2026-10-01"]
    assert "Henrik Blom" not in pages["2026-10-01"]


@pytest.fixture
def webdav(tmp_path: Path) -> Iterator[tuple[str, Path]]:
    """A WsgiDAV server (basic authentication) on a free port of 127.0.0.1 over a folder."""
    from mgovern.publish import publishers

    if "webdav" not in publishers():
        pytest.skip("no webdav:// publisher: pip install ./plugins/mgovern-documents")
    from mgovern.testing.webdav import webdav_server

    served = tmp_path / "served"
    (served / "handbok").mkdir(parents=True)  # the publisher creates folders below the URL's
    with webdav_server({"/dav": served}, "webmaster", "hemligt-7") as (host, port):
        yield f"webdav://{host}:{port}/dav/handbok/", served / "handbok"


def test_mgovern_site_publishes_to_webdav_without_rewriting(
    webdav: tuple[str, Path], monkeypatch: pytest.MonkeyPatch
) -> None:
    url, folder = webdav
    monkeypatch.setenv("MGOVERN_USERNAME", "webmaster")
    monkeypatch.setenv("MGOVERN_PASSWORD", "hemligt-7")
    args = ("site", "--to-url", url, "--on", "2026-03-01", "--json")
    code, first = _run(*args)
    assert code == 0, first
    assert (folder / "index.html").is_file()
    assert (folder / "groups" / "mv.html").is_file()
    assert (folder / "assets" / "routes" / "fastighetsforsaljning.js").is_file()
    stamps = {p: p.stat().st_mtime_ns for p in folder.rglob("*") if p.is_file()}
    code, second = _run(*args)
    assert code == 0, second
    assert '"change": "created"' not in second
    assert '"change": "updated"' not in second
    assert stamps == {p: p.stat().st_mtime_ns for p in folder.rglob("*") if p.is_file()}
