"""The site as files: deterministic bytes, valid HTML5, relative links only, nothing
external, the command line, and publishing through the existing stores."""

from __future__ import annotations

import datetime as dt
import re
from collections.abc import Iterator
from pathlib import Path
from typing import Any
from urllib.parse import unquote, urlsplit

import html5lib
import pytest
from click.testing import CliRunner
from mgovern_site._build import build_site, context_key, year_class

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
        from mgovern.annual.planning import plan
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
        pytest.skip("mgovern.register.store is not installed: the decisions page is left out")
    page = site_files["decisions.html"].decode()
    assert page.count("<tr>") == 1 + 25  # the header and the 25 latest of 62 decisions
    assert "decisions.html" not in example_files(None)


def test_every_page_is_html5_with_the_organisations_language(site_files: dict[str, bytes]) -> None:
    pages = {n: d for n, d in site_files.items() if n.endswith(".html")}
    # ten groups; start, matrix, form, coverage, contents; the decisions with a register,
    # the year wheel where mgovern.annual.planning is installed
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
    from mgovern.calendars.publish import publishers

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


@pytest.mark.parametrize(
    "address",
    [
        "javascript:alert(1)",
        "JavaScript://x.se/%0Aalert(1)",
        "data:text/html,<script>alert(1)</script>",
        "vbscript:msgbox",
        "file:///etc/",
        "ftp://x.se/kalendrar/",
        "//x.se/kalendrar/",
        "kalendrar/",
    ],
)
def test_calendars_url_takes_only_web_and_webcal_addresses(address: str, tmp_path: Path) -> None:
    out = tmp_path / "site"
    result = CliRunner().invoke(
        build_cli(), ["site", "--out", str(out), "--calendars-url", address]
    )
    assert result.exit_code == 2, result.output
    errors = [line for line in result.output.splitlines() if line.startswith("mgovern: error")]
    assert len(errors) == 1
    assert "--calendars-url" in errors[0]
    assert "https://" in errors[0]
    assert not out.exists()


@pytest.mark.parametrize(
    "address",
    [
        "https://anna:secret@kalender.example.se/kalendrar/",
        "https://anna:secret@kalender.example.se",
        "webcal://anna:secret@kalender.example.se/k/",
        "https://anna:se/cret@kalender.example.se/k/",
        "https://anna%3Asecret@kalender.example.se/k/",
        "https://anna＠kalender.example.se/k/:secret",
        "https://anna@kalender.example.se/k/",
    ],
)
def test_calendars_url_with_user_information_is_refused_without_echoing_it(
    address: str, tmp_path: Path
) -> None:
    out = tmp_path / "site"
    result = CliRunner().invoke(
        build_cli(), ["site", "--out", str(out), "--calendars-url", address]
    )
    assert result.exit_code == 2, result.output
    errors = [line for line in result.output.splitlines() if line.startswith("mgovern: error")]
    assert len(errors) == 1
    assert "--calendars-url" in errors[0]
    assert "secret" not in result.output
    assert "anna" not in result.output
    assert not out.exists()


@pytest.mark.parametrize("address", ["https://x.se/kal/", "http://x.se/kal", "WEBCAL://x.se/kal/"])
def test_calendars_url_subscribe_links_are_webcal(address: str, tmp_path: Path) -> None:
    out = tmp_path / "site"
    result = CliRunner().invoke(
        build_cli(), ["site", "--out", str(out), "--calendars-url", address, "--on", "2026-03-01"]
    )
    assert result.exit_code == 0, result.output
    page = (out / "groups" / "mv.html").read_text(encoding="utf-8")
    assert 'href="webcal://x.se/kal/groups/mv.ics"' in page


# --- the matrix says what route says (issue 22, point 7) ----------------------------------
def strict_example() -> Any:
    """The example with ``resolution = "strict"``: overlaps become several homes."""
    from importlib import resources

    import mgovern

    text = resources.files("mgovern.examples").joinpath("exploateringskontoret.toml")
    source = text.read_text(encoding="utf-8")
    assert '\nresolution = "lowest"\n' in source
    return mgovern.loads(source.replace('\nresolution = "lowest"\n', '\nresolution = "strict"\n'))


def _matrix_cells(page: bytes) -> Iterator[tuple[str, str, str | None, str | None, Any]]:
    """(category, units, low, high, cell) for every cell of the who-decides page, read
    from the HTML alone (html5lib), nothing from the site's code."""
    ns = {"h": "http://www.w3.org/1999/xhtml"}
    tree = html5lib.parse(page, namespaceHTMLElements=True)
    for section in tree.iterfind(".//h:section", ns):
        category = section.find("h:h2", ns).get("id")
        heads = section.findall(".//h:thead/h:tr/h:th", ns)[1:]
        for row in section.iterfind(".//h:tbody/h:tr", ns):
            units = row.find("h:th", ns).get("data-units")
            for head, cell in zip(heads, row.findall("h:td", ns), strict=True):
                if head.get("data-none") is not None:
                    yield category, units, None, None, cell
                else:
                    yield category, units, head.get("data-low"), head.get("data-high"), cell


@pytest.mark.parametrize("resolution", ["strict", "lowest"])
def test_every_matrix_cell_says_what_route_says(resolution: str) -> None:
    from decimal import Decimal

    import mgovern
    from mgovern.rules.scope import route

    org = strict_example() if resolution == "strict" else mgovern.example()
    on = dt.date(2026, 3, 1)
    files = build_site(org, on=on, start=dt.date(2026, 1, 1), end=dt.date(2026, 12, 31))
    page = files["who-decides.html"]
    root = org.groups[0].id
    outcomes: dict[str, int] = {}
    checked = 0
    for category, units, low, high, cell in _matrix_cells(page):
        text = "".join(cell.itertext())
        amounts: list[Decimal | None] = [None]
        if low is not None:
            amounts = [Decimal(low)]
            if high:  # and the last amount below the band's end
                amounts.append(Decimal(high) - Decimal("0.000001"))
        for amount in amounts:
            matter = mgovern.Matter(
                category, amount=amount, units=tuple(units.split()), year=on.year
            )
            routing = route(org, matter, raised_in=root)
            outcomes[routing.outcome.value] = outcomes.get(routing.outcome.value, 0) + 1
            assert (cell.get("data-home") or None) == routing.home, (matter, text)
            if routing.outcome.value == "ambiguous":
                assert set(cell.get("data-homes").split()) == set(routing.homes), matter
                assert "flera hemvister" in text
                assert "lucka" not in text
                for home in routing.homes:
                    assert org.group(home).name in text
            elif routing.home is None:
                assert cell.get("data-homes") == ""
                assert "lucka" in text
            else:
                assert cell.get("data-homes") == ""
                assert org.group(routing.home).name in text
            checked += 1
    report = mgovern.check(org)
    assert checked > 300
    if resolution == "strict":
        assert outcomes.get("ambiguous", 0) > 100
        assert not report.gaps
    assert b"lucka" not in page or report.gaps


# --- what staff read (issue 22, point 11) --------------------------------------------------
def test_a_site_as_of_a_day_shows_no_later_decision_and_names_people(
    register_db: Path | None, tmp_path: Path
) -> None:
    if register_db is None:
        pytest.skip("no register module")
    import mgovern

    org = mgovern.example()
    out = tmp_path / "site"
    args = ["site", "--out", str(out), "--db", str(register_db), "--on", "2026-02-01"]
    result = CliRunner().invoke(build_cli(), args)
    assert result.exit_code == 0, result.output
    page = (out / "decisions.html").read_text(encoding="utf-8")
    days = re.findall(r'<td class="nowrap">(\d{4}-\d\d-\d\d)</td>', page)
    assert days
    assert max(days) <= "2026-02-01"
    for person in org.people:
        assert f"({person.id})" not in page
    named = [p.name for p in org.people if f"({p.name})" in page]
    assert len(named) >= 3


def test_amounts_are_in_words_and_the_coverage_page_names_groups_and_years(
    tmp_path: Path,
) -> None:
    import mgovern

    org = strict_example()
    files = build_site(
        org, on=dt.date(2026, 3, 1), start=dt.date(2026, 1, 1), end=dt.date(2026, 1, 31)
    )
    pages = {name: data.decode() for name, data in files.items() if name.endswith(".html")}
    for name, page in pages.items():
        text = re.sub(r"<[^>]+>", "", page)
        assert not re.search(r"\[[0-9][^\]\n]*\)", text), name  # no [0, 10 prisbasbelopp)
        assert "belopp [" not in text, name
    matrix = pages["who-decides.html"]
    assert ">under 100 prisbasbelopp<" in matrix
    assert ">100–500 prisbasbelopp<" in matrix
    assert ">från 500 prisbasbelopp<" in matrix
    assert "100–1\u00a0000 prisbasbelopp" in pages["groups/adm.html"]
    coverage = re.sub(r"<[^>]+>", "\n", pages["coverage.html"])
    report = mgovern.check(org)
    # one finding per year: the 2024, 2025 and 2026 fallback findings read differently
    caught = [line for line in coverage.splitlines() if "exempel:" in line and "catch-all" in line]
    assert len(caught) == min(len(report.fallback_only), 100)
    assert len(set(caught)) == len(caught)
    assert any("år 2024" in line for line in caught)
    assert any("år 2026" in line for line in caught)
    for group in org.groups:  # groups by name, never as a list of ids
        assert f"{group.id}, " not in coverage
