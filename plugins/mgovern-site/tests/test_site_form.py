"""The "where does my matter go?" form against mgovern.route, in headless Chromium.

A matter with several homes (``resolution = "strict"``) is answered with its candidate
homes, never as a gap; amounts are read and compared as ``mgovern route --amount`` reads
and compares them (the oracle is :func:`mgovern.bounds.parse_amount` and route itself);
an answer's link, opened anew, gives the same answer (issue 22, points 7 and 8).
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterator
from decimal import Decimal
from pathlib import Path
from typing import Any

import pytest
from hypothesis import HealthCheck, example, given, settings
from hypothesis import strategies as st
from mgovern_site._build import build_site

import mgovern
from mgovern.bounds import parse_amount
from mgovern.exceptions import ConfigError
from mgovern.files import write_all
from mgovern.rules.scope import route

from .conftest import END, ON, START
from .test_site_build import strict_example

STRICT = strict_example()
ORG = mgovern.example()
SETTINGS = settings(
    max_examples=40,
    deadline=None,
    database=None,
    suppress_health_check=[HealthCheck.function_scoped_fixture, HealthCheck.too_slow],
)


@pytest.fixture(scope="module")
def strict_dir(tmp_path_factory: pytest.TempPathFactory) -> Path:
    root = tmp_path_factory.mktemp("strict") / "handbok"
    files = build_site(STRICT, on=ON, start=START, end=END)
    write_all({root / name: data for name, data in files.items()})
    return root


def _page(browser: Any, folder: Path) -> Iterator[Any]:
    page = browser.new_page()
    errors: list[str] = []
    page.on("pageerror", lambda e: errors.append(str(e)))
    page.goto((folder / "where.html").as_uri())
    yield page
    page.close()
    assert errors == []


@pytest.fixture(scope="module")
def strict_form(browser: Any, strict_dir: Path) -> Iterator[Any]:
    yield from _page(browser, strict_dir)


@pytest.fixture(scope="module")
def form(browser: Any, site_dir: Path) -> Iterator[Any]:
    yield from _page(browser, site_dir)


def _ask(
    page: Any, category: str, amount: str, units: list[str], raised: str
) -> dict[str, str | None]:
    """Fill the form, press its button, read the answer (or the refusal)."""
    page.evaluate(
        """([category, amount, units, raised]) => {
            const form = document.getElementById("where");
            form.category.value = category;
            form.amount.value = amount;
            for (const option of form.units.options) option.selected = units.includes(option.value);
            for (const box of form.querySelectorAll("input[name=flags]")) box.checked = false;
            form.raised.value = raised;
            document.getElementById("answer").textContent = "";
        }""",
        [category, amount, units, raised],
    )
    page.click("button[type=submit]")
    page.wait_for_selector("#answer-home, #answer-refused")
    if page.query_selector("#answer-refused"):
        return {"refused": page.text_content("#answer-refused")}
    home = page.query_selector("#answer-home")
    return {
        "home": home.get_attribute("data-group") or None,
        "homes": home.get_attribute("data-homes"),
        "text": page.text_content("#answer"),
        "role": page.get_attribute("#answer-role", "data-role") or None,
        "link": page.get_attribute("#answer-link", "href"),
    }


def test_a_matter_with_two_homes_is_answered_with_both(strict_form: Any) -> None:
    """Upphandling for Administration: klg and adm both handle it, strict picks none."""
    matter = mgovern.Matter("upphandling", amount=Decimal(0), units=("adm",), year=ON.year)
    routing = route(STRICT, matter, raised_in="klg")
    assert routing.outcome.value == "ambiguous"
    answer = _ask(strict_form, "upphandling", "0", ["adm"], "klg")
    assert answer["home"] is None
    assert set(str(answer["homes"]).split()) == set(routing.homes) == {"klg", "adm"}
    text = str(answer["text"])
    assert "flera hemvister" in text
    assert "ingen hemvist" not in text
    assert "lucka" not in text
    for home in routing.homes:
        assert STRICT.group(home).name in text
    links = strict_form.eval_on_selector_all(
        "#answer a.candidate", "a => a.map(x => x.dataset.group)"
    )
    assert set(links) == {"klg", "adm"}


@SETTINGS
@given(
    category=st.sampled_from([c.id for c in STRICT.categories]),
    amount=st.none() | st.sampled_from([0, 100_000, 592_000, 5_920_000, 29_600_000, 10**9]),
    units=st.lists(st.sampled_from([g.id for g in STRICT.groups]), unique=True, max_size=3),
    raised=st.sampled_from([g.id for g in STRICT.groups]),
)
def test_the_strict_form_answers_like_route(
    strict_form: Any, category: str, amount: int | None, units: list[str], raised: str
) -> None:
    value = None if amount is None else Decimal(amount)
    matter = mgovern.Matter(category, amount=value, units=tuple(units), year=ON.year)
    routing = route(STRICT, matter, raised_in=raised)
    answer = _ask(strict_form, category, "" if amount is None else str(amount), units, raised)
    assert answer["home"] == routing.home, matter
    assert answer["role"] == routing.decided_by, matter
    expected = routing.homes if routing.outcome.value == "ambiguous" else ()
    assert set(str(answer["homes"]).split()) == set(expected), matter


# --- amounts as route reads them --------------------------------------------------------
_AMOUNT_TEXT = st.one_of(
    st.from_regex(r"\A[+-]?[0-9 ]{0,18}([.,][0-9]{0,9})?\Z"),
    st.from_regex(r"\A[0-9]{1,3}(\.[0-9]{0,3})?[eE][+-]?[0-9]{1,2}\Z"),
    st.decimals(min_value=0, max_value=10**16, places=7, allow_nan=False).map(lambda d: f"{d:f}"),
    st.text(alphabet="0123456789 ,._-+eEkrSK\u00a0\u2009", max_size=20),
)


def _route_reads(text: str) -> Decimal | None:
    try:
        return parse_amount(text) if text.strip() else None
    except ConfigError:
        raise ValueError(text) from None


@SETTINGS
@example(text="5919999.9999999999")  # ten decimals: route refuses, a float rounds it up
@example(text="1e15")  # too large for route
@example(text="999999999999999.999999")  # the largest amount route takes
@example(text="5,92e6")  # route refuses an exponent after a decimal comma
@example(text="5.92e6")
@example(text="5 920 000")
@example(text="5919999,999999")
@example(text="3000000kr")
@example(text="-0")
@example(text="-1")
@example(text="5.")
@example(text=",5")
@example(text="1e-7")
@example(text="_")  # route refuses a separator alone
@example(text=" \u00a0")  # only spaces: no amount
@given(text=_AMOUNT_TEXT)
def test_the_form_reads_and_compares_amounts_as_route_does(form: Any, text: str) -> None:
    answer = _ask(form, "fastighetsforsaljning", text, [], "mv")
    try:
        amount = _route_reads(text)
    except ValueError:
        assert "refused" in answer, (text, answer)
        return
    assert "refused" not in answer, (text, answer)
    matter = mgovern.Matter("fastighetsforsaljning", amount=amount, year=ON.year)
    routing = route(ORG, matter, raised_in="mv")
    assert (answer["home"], answer["role"]) == (routing.home, routing.decided_by), text


def test_amounts_on_both_sides_of_every_threshold(form: Any) -> None:
    """Just below a bound (six decimals) and on it: the answer changes exactly there."""
    for bound in (Decimal(592_000), Decimal(5_920_000), Decimal(29_600_000)):
        for amount in (bound - Decimal("0.000001"), bound):
            answer = _ask(form, "fastighetsforsaljning", f"{amount:f}", [], "mv")
            matter = mgovern.Matter("fastighetsforsaljning", amount=amount, year=ON.year)
            routing = route(ORG, matter, raised_in="mv")
            assert (answer["home"], answer["role"]) == (routing.home, routing.decided_by), amount


# --- an answer as a link ----------------------------------------------------------------
def test_an_answer_can_be_shared_as_a_link(
    browser: Any, strict_dir: Path, strict_form: Any
) -> None:
    for category, amount, units, raised in (
        ("fastighetsforsaljning", "3 000 000", [], "mv"),
        ("upphandling", "0", ["adm"], "klg"),
        ("upphandling", "", ["adm", "mv"], "adm"),
    ):
        asked = _ask(strict_form, category, amount, units, raised)
        link = str(asked["link"])
        assert link.startswith("#")
        assert strict_form.evaluate("window.location.hash") == link
        other = browser.new_page()
        other.goto((strict_dir / "where.html").as_uri() + link)
        other.wait_for_selector("#answer-home")
        home = other.query_selector("#answer-home")
        assert (home.get_attribute("data-group") or None) == asked["home"]
        assert home.get_attribute("data-homes") == asked["homes"]
        assert other.text_content("#answer") == asked["text"]
        assert other.input_value("#category") == category
        assert other.input_value("#amount") == amount.strip()
        assert other.input_value("#raised") == raised
        chosen = other.eval_on_selector_all("#units option:checked", "o => o.map(x => x.value)")
        assert sorted(chosen) == sorted(units)
        other.close()
    # a link to a question route refuses shows the refusal, not an answer
    other = browser.new_page()
    other.goto(
        (strict_dir / "where.html").as_uri() + "#category=upphandling&amount=1e15&raised=klg"
    )
    other.wait_for_selector("#answer-refused")
    other.close()


# --- the search (issue 22, point 9) -------------------------------------------------------
def _synthetic(groups: int) -> mgovern.Organization:
    import sys

    benchmarks = str(Path(__file__).resolve().parents[3] / "benchmarks")
    if benchmarks not in sys.path:
        sys.path.insert(0, benchmarks)
    from synthetic import synthetic_organization  # type: ignore[import-not-found]

    org: mgovern.Organization = synthetic_organization(groups)
    return org


@pytest.fixture(scope="module")
def large_dir(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """A 150-group organisation's site, where a hundred group pages name each category."""
    root = tmp_path_factory.mktemp("large") / "handbok"
    org = _synthetic(150)
    files = build_site(org, on=ON, start=START, end=dt.date(2026, 3, 31))
    write_all({root / name: data for name, data in files.items()})
    return root


def _searcher(browser: Any, folder: Path) -> Any:
    page = browser.new_page()
    page.goto((folder / "index.html").as_uri())

    def first_hits(typed: str) -> list[str]:
        page.fill("#q", "")
        page.fill("#q", typed)
        page.wait_for_selector("#hits a")
        hrefs: list[str] = page.eval_on_selector_all("#hits a", "links => links.map(a => a.href)")
        return hrefs

    first_hits.page = page  # type: ignore[attr-defined]
    return first_hits


@pytest.mark.parametrize("size", ["example", "150 groups"])
def test_typing_a_category_name_finds_its_matrix_first(
    browser: Any, site_dir: Path, large_dir: Path, size: str
) -> None:
    org, folder = (ORG, site_dir) if size == "example" else (_synthetic(150), large_dir)
    matrix = (folder / "who-decides.html").as_uri()
    first_hits = _searcher(browser, folder)
    for number, category in enumerate(org.categories):
        typed = (category.name, category.name.lower(), f" {category.name.upper()} ")[number % 3]
        hrefs = first_hits(typed)
        assert hrefs[0] == f"{matrix}#{category.id}", (typed, hrefs[:3])
    # and a group's name still finds the group's page first
    group = org.groups[len(org.groups) // 2]
    hrefs = first_hits(group.name)
    assert hrefs[0] == (folder / "groups" / f"{group.id}.html").as_uri(), (group.name, hrefs[:3])
    first_hits.page.close()
