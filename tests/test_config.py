"""Reading and writing organisations: round trips and errors a person can act on."""

from __future__ import annotations

import re
import tomllib
from decimal import Decimal

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

import mgovern
from mgovern import config
from mgovern.testing import organizations

BASE = """\
id = "x"
name = "X"
categories = [{ id = "a", name = "A" }]
flags = [{ id = "f", name = "F" }]
people = [{ id = "p", name = "P" }]

[[groups]]
id = "board"
name = "Board"
chair = "p"

[[groups]]
id = "klg"
name = "KLG"
parent = "board"

[[groups.mandate.handles]]
id = "c1"
categories = ["a"]
amount_max = 3
"""


def error_of(text: str) -> mgovern.ConfigError:
    with pytest.raises(mgovern.ConfigError) as info:
        config.loads(text, source="org.toml")
    message = str(info.value)
    assert "\n" not in message
    assert message.startswith("org.toml")
    return info.value


def test_base_document_is_valid() -> None:
    org = config.loads(BASE)
    assert org.group("klg").parent == "board"
    assert org.group("klg").mandate.handles[0].amount_max == Decimal(3)


@pytest.mark.parametrize(
    ("mutation", "expected"),
    [
        (lambda t: t + "x = \n", r"^org\.toml:21: TOML syntax error"),
        (
            lambda t: t.replace('name = "KLG"', 'name = "KLG"\ncolour = "red"'),
            r"groups\[1\]\.colour: unknown key.*allowed keys here: id, name",
        ),
        (
            lambda t: t.replace("amount_max = 3", "amount_max = 3\nmaxx = 2"),
            r"groups\[1\]\.mandate\.handles\[0\]\.maxx: unknown key",
        ),
        (lambda t: t.replace('name = "KLG"\n', ""), r"groups\[1\]\.name: required key is missing"),
        (lambda t: t.replace('id = "x"\n', "", 1), r"org\.toml: id: required key is missing"),
        (
            lambda t: t.replace("amount_max = 3", "amount_max = true"),
            r"handles\[0\]\.amount_max: expected an amount",
        ),
        (
            lambda t: t.replace("amount_max = 3", 'amount_max = "lots"'),
            r"handles\[0\]\.amount_max: 'lots' is not an amount; write e\.g\. 3200000",
        ),
        (lambda t: t.replace('name = "KLG"', "name = 5"), r"groups\[1\]\.name: expected text"),
        (
            lambda t: t.replace('categories = ["a"]', 'categories = ["zz"]'),
            r"handles\[0\]\.categories: unknown category 'zz'; use one of: a",
        ),
        (
            lambda t: t.replace("amount_max = 3", 'amount_max = 3\nflags_required = ["q"]'),
            r"handles\[0\]\.flags_required: unknown flag 'q'",
        ),
        (
            lambda t: t.replace('chair = "p"', 'chair = "nobody"'),
            r"groups\[0\]\.chair: unknown person 'nobody'",
        ),
        (
            lambda t: t.replace('parent = "board"', 'parent = "bord"'),
            r"groups\[1\]\.parent: unknown parent group 'bord'; use one of: board, klg",
        ),
        (
            lambda t: t.replace('name = "Board"', 'name = "Board"\nparent = "klg"'),
            r"cycle through their parent links: board -> klg -> board",
        ),
        (
            lambda t: t.replace('id = "klg"', 'id = "board"').replace('parent = "board"', ""),
            r"groups\[1\]\.id: duplicate group id 'board'",
        ),
        (
            lambda t: t.replace('name = "X"', 'name = "X"\ntimezone = "Europe/Stockhlm"'),
            r"timezone: unknown time zone 'Europe/Stockhlm'",
        ),
        (
            lambda t: t.replace("amount_max = 3", 'amount_max = 3\nspan = "mine"'),
            r"handles\[0\]\.span: 'mine' is not allowed; use one of 'own', 'multi', 'any'",
        ),
        (
            lambda t: t.replace('flags = [{ id = "f", name = "F" }]', "flags = 3"),
            r"flags: expected a list",
        ),
        (
            lambda t: t.replace("amount_max = 3", "amount_min = 5\namount_max = 3"),
            r"amount_max: amount_min \(5\) must be below amount_max \(3\)",
        ),
    ],
    ids=[
        "syntax",
        "unknown-key",
        "unknown-nested-key",
        "missing-key",
        "missing-top-key",
        "wrong-type-bool",
        "wrong-type-text",
        "wrong-type-name",
        "unknown-category",
        "unknown-flag",
        "unknown-person",
        "unknown-parent",
        "parent-cycle",
        "duplicate-id",
        "unknown-timezone",
        "bad-enum",
        "not-a-list",
        "inverted-range",
    ],
)
def test_mistakes_name_the_place_and_the_fix(mutation, expected) -> None:  # type: ignore[no-untyped-def]
    error = error_of(mutation(BASE))
    assert re.search(expected, str(error)), str(error)


def test_nonexistent_file(tmp_path) -> None:  # type: ignore[no-untyped-def]
    with pytest.raises(mgovern.ConfigError, match=r"nope\.toml: file not found"):
        mgovern.load(tmp_path / "nope.toml")


def test_syntax_error_reports_line(tmp_path) -> None:  # type: ignore[no-untyped-def]
    path = tmp_path / "org.toml"
    path.write_text('id = "x"\nname = \n', encoding="utf-8")
    with pytest.raises(mgovern.ConfigError) as info:
        mgovern.load(path)
    assert info.value.line == 2
    assert str(info.value).startswith(f"{path}:2: TOML syntax error")


@settings(
    max_examples=150, suppress_health_check=[HealthCheck.too_slow, HealthCheck.data_too_large]
)
@given(organizations())
def test_dumps_then_loads_gives_the_same_organisation(org: mgovern.Organization) -> None:
    text = mgovern.dumps(org)
    assert mgovern.loads(text) == org
    assert mgovern.dumps(mgovern.loads(text)) == text  # and the text is stable


def test_example_round_trips() -> None:
    org = mgovern.example()
    assert mgovern.loads(mgovern.dumps(org)) == org


_VALUES = st.one_of(
    st.none(),
    st.booleans(),
    st.integers(-5, 10**12),
    st.floats(allow_nan=True),
    st.text(max_size=8),
    st.lists(st.text(max_size=3), max_size=2),
    st.dictionaries(st.text(max_size=4), st.integers(), max_size=2),
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


def _mutate(data: dict[str, object], path: tuple[object, ...], action: str, value: object) -> None:
    target: object = data
    for step in path[:-1]:
        target = target[step]  # type: ignore[index]
    last = path[-1]
    if action == "delete" and isinstance(target, dict):
        del target[last]
    elif action == "rename" and isinstance(target, dict):
        target[f"{last}x"] = target.pop(last)
    elif value is not None:
        target[last] = value  # type: ignore[index]


@settings(max_examples=300, suppress_health_check=[HealthCheck.too_slow])
@given(data=st.data())
def test_only_mgovern_errors_escape_loads(data: st.DataObject) -> None:
    source = tomllib.loads(mgovern.dumps(mgovern.example()))
    paths = _paths(source)
    for _ in range(data.draw(st.integers(1, 3))):
        path = data.draw(st.sampled_from(paths))
        action = data.draw(st.sampled_from(["delete", "rename", "replace"]))
        try:
            _mutate(source, path, action, data.draw(_VALUES))
        except (KeyError, IndexError, TypeError):
            continue
    try:
        import tomli_w

        text = tomli_w.dumps(source)
    except (TypeError, ValueError):
        return  # not representable as TOML at all
    cut = data.draw(st.integers(0, len(text)))
    if data.draw(st.booleans()):
        text = (
            text[:cut] + data.draw(st.sampled_from(["=", "[", '"', "\n[[", "]]", "{"])) + text[cut:]
        )
    message = ""
    try:
        mgovern.loads(text)
    except mgovern.MgovernError as error:
        message = str(error)
    assert "\n" not in message
    assert "Traceback" not in message
