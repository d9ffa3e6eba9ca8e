"""The model: the tree, lookups and invariants that need no file."""

from __future__ import annotations

import datetime as dt
from decimal import Decimal

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

import mgovern
from mgovern import model
from mgovern.testing import organizations


def small_org(**groups_parent: str | None) -> model.Organization:
    return model.Organization(
        "o",
        "O",
        groups=tuple(model.Group(gid, gid.upper(), parent=p) for gid, p in groups_parent.items()),
    )


def test_tree_queries() -> None:
    org = small_org(a=None, b="a", c="a", d="b", e=None)
    assert [g.id for g in org.roots] == ["a", "e"]
    assert org.children("a") == ("b", "c")
    assert list(org.ancestors("d")) == ["b", "a"]
    assert list(org.subtree("a")) == ["a", "b", "d", "c"]
    assert [org.depth(g) for g in "abcde"] == [0, 1, 1, 2, 0]


def test_depth_is_right_whatever_the_order() -> None:
    org = small_org(d="b", b="a", a=None, c="d")
    assert [org.depth(g) for g in "abdc"] == [0, 1, 2, 3]


def test_self_parent_is_a_cycle() -> None:
    with pytest.raises(mgovern.ConfigError, match=r"a -> a"):
        small_org(a="a")


def test_unknown_group_lookup_is_a_clear_error() -> None:
    org = small_org(a=None)
    with pytest.raises(mgovern.UnknownReferenceError, match="unknown group 'zz'; known groups: a"):
        org.group("zz")


def test_base_amount_by_year() -> None:
    org = model.Organization(
        "o",
        "O",
        base_amounts=(
            model.BaseAmount(2026, Decimal(59200)),
            model.BaseAmount(2024, Decimal(57300)),
        ),
    )
    assert org.base_amount(None) == Decimal(59200)
    assert org.base_amount(2025) == Decimal(57300)  # latest earlier year
    assert org.base_amount(2020) == Decimal(57300)  # before all: the earliest
    assert org.base_amount(2030) == Decimal(59200)


def test_yearly_blackout_across_new_year() -> None:
    b = model.Blackout("Nyår", model.MonthDay(12, 27), model.MonthDay(1, 2))
    assert b.covers(dt.date(2026, 12, 31))
    assert b.covers(dt.date(2027, 1, 2))
    assert not b.covers(dt.date(2027, 1, 3))
    assert not b.covers(dt.date(2026, 12, 26))


def test_cycle_needs_exactly_one_form() -> None:
    with pytest.raises(mgovern.ConfigError, match="exactly one of rule, rrule, dates or anchor"):
        model.Cycle("c", "C")
    with pytest.raises(mgovern.ConfigError, match=r"found rule, rrule"):
        model.Cycle("c", "C", rule="every week on monday", rrule="FREQ=WEEKLY")


def test_money_is_never_a_float() -> None:
    org = mgovern.loads(
        'id = "o"\nname = "O"\ncategories=[{id="a",name="A"}]\n'
        '[[groups]]\nid="g"\nname="G"\n[[groups.mandate.handles]]\nid="h"\namount_min=0.1\namount_max="2.675"\n'
    )
    clause = org.group("g").mandate.handles[0]
    assert clause.amount_min == Decimal("0.1")
    assert clause.amount_max == Decimal("2.675")
    assert isinstance(clause.amount_min, Decimal)


@settings(max_examples=60)
@given(organizations(), st.data())
def test_tree_invariants(org: model.Organization, data: st.DataObject) -> None:
    gid = data.draw(st.sampled_from([g.id for g in org.groups]))
    ancestors = list(org.ancestors(gid))
    assert len(ancestors) == org.depth(gid)
    assert gid not in ancestors
    for ancestor in ancestors:
        assert gid in set(org.subtree(ancestor))
    assert sum(len(list(org.subtree(r.id))) for r in org.roots) == len(org.groups)


def test_example_has_the_office(mgovern_example: model.Organization) -> None:
    org = mgovern_example
    assert len(org.groups) >= 10
    klg = org.group("klg")
    assert klg.name == "Kontorsledningsgruppen"
    board = org.group(klg.parent)  # type: ignore[arg-type]
    assert board.id == "namnd"
    assert board.parent is None
    assert org.children("klg") == ("adm", "mv", "pu", "gi", "gy", "nds", "slu", "sok")
    assert org.base_amount(2026) == Decimal(59200)
    assert all(p.email.endswith("@example.se") for p in org.people)
    assert org.category("fastighetsforsaljning").keywords
    thresholds = [c for g in org.groups for c in g.mandate.handles if c.amount_min or c.amount_max]
    assert len(thresholds) >= 8
