"""The exact coverage analysis, checked against route() and a brute-force oracle."""

from __future__ import annotations

import itertools
import json
from decimal import Decimal
from pathlib import Path

import attrs
import pytest
from click.testing import CliRunner
from hypothesis import given, settings
from hypothesis import strategies as st

import mgovern
from mgovern import model
from mgovern.cli import build_cli
from mgovern.rules.coverage import Report, check
from mgovern.rules.scope import ClauseRef, Outcome, clause_matches, route
from mgovern.testing import assert_every_matter_has_one_home, matters, organizations


def assert_witnesses_reproduce(org: model.Organization, report: Report) -> None:
    raised_in = org.groups[0].id
    for gap in (*report.gaps, *report.fallback_only):
        routing = route(org, gap.witness, raised_in=raised_in)
        if gap.caught_by is None:
            assert routing.outcome is Outcome.GAP, (gap, routing)
        else:
            assert routing.fallback
            assert routing.clause == gap.caught_by
    for overlap in report.overlaps:
        routing = route(org, overlap.witness, raised_in=raised_in)
        assert sorted(routing.homes) == list(overlap.homes)
        if overlap.resolved:
            assert routing.home == overlap.winner
        else:
            assert routing.outcome is Outcome.AMBIGUOUS
    for dead in report.dead_clauses:
        if dead.witness is None:
            continue
        routing = route(org, dead.witness, raised_in=raised_in)
        assert routing.clause != dead.clause
        assert routing.clause == dead.decided_instead_by
        group = org.group(dead.clause.group)
        clause = next(c for c in group.mandate.handles if c.id == dead.clause.clause)
        assert clause_matches(org, group.id, clause, dead.witness)


@settings(max_examples=150)
@given(organizations(with_cycles=False))
def test_every_witness_reproduces_its_finding(org: model.Organization) -> None:
    assert_witnesses_reproduce(org, check(org))


def brute_force(org: model.Organization) -> tuple[bool, bool, set[ClauseRef]]:
    """Route every matter of a grid that reaches every cell: (any open gap, any ambiguous,
    the clauses that decide something). Knows nothing of the partition."""
    years: list[int | None] = [b.year for b in org.base_amounts] or [None]
    points: set[Decimal] = {Decimal(0), Decimal("123456789.5")}
    for group in org.groups:
        for clause in (*group.mandate.handles, *group.mandate.excludes):
            for bound in (clause.amount_min, clause.amount_max):
                if bound is None:
                    continue
                for base in [b.amount for b in org.base_amounts] or [Decimal(1)]:
                    value = bound * base if clause.amount_unit is model.AmountUnit.BASE else bound
                    points.update({value, value + Decimal("0.01")})
    amounts: list[Decimal | None] = [None, *sorted(points)]
    ids = [g.id for g in org.groups]
    unit_sets = [(), *((g,) for g in ids), *itertools.combinations(ids, 2)]
    flag_ids = [f.id for f in org.flags]
    flag_sets = [
        frozenset(c) for n in range(len(flag_ids) + 1) for c in itertools.combinations(flag_ids, n)
    ]
    gap = ambiguous = False
    deciding: set[ClauseRef] = set()
    for category, amount, units, flags, year in itertools.product(
        [c.id for c in org.categories], amounts, unit_sets, flag_sets, years
    ):
        matter = model.Matter(category, amount=amount, units=units, flags=flags, year=year)
        routing = route(org, matter, raised_in=ids[0])
        gap |= routing.outcome is Outcome.GAP
        ambiguous |= routing.outcome is Outcome.AMBIGUOUS
        if routing.clause is not None:
            deciding.add(routing.clause)
    return gap, ambiguous, deciding


@settings(max_examples=40)
@given(organizations(max_groups=5, max_categories=2, max_flags=2, with_cycles=False))
def test_analysis_agrees_with_brute_force(org: model.Organization) -> None:
    report = check(org)
    gap, ambiguous, deciding = brute_force(org)
    assert bool(report.gaps) == gap
    assert bool(report.ambiguous) == ambiguous
    all_handles = {ClauseRef(g.id, "handles", c.id) for g in org.groups for c in g.mandate.handles}
    dead = {d.clause for d in report.dead_clauses if d.clause.kind == "handles"}
    assert deciding == all_handles - dead


@settings(max_examples=100)
@given(organizations(with_cycles=False), st.data())
def test_no_gap_exactly_when_every_generated_matter_has_a_home(
    org: model.Organization, data: st.DataObject
) -> None:
    report = check(org)
    for _ in range(20):
        routing = route(org, data.draw(matters(org)), raised_in=org.groups[0].id)
        if not report.gaps:
            assert routing.outcome is not Outcome.GAP
        if not report.ambiguous:
            assert routing.outcome is not Outcome.AMBIGUOUS
    if report.gaps:  # and a gap is reached by a generated matter: its witness
        assert route(org, report.gaps[0].witness, raised_in=org.groups[0].id).outcome is Outcome.GAP


# --- the example ------------------------------------------------------------------------
def test_example_has_one_home_for_every_matter() -> None:
    org = mgovern.example()
    assert_every_matter_has_one_home(org)
    report = check(org)
    assert report.ok
    assert not report.dead_clauses
    assert_witnesses_reproduce(org, report)
    # the board's catch-all is a fallback: it catches only matters without an amount
    assert report.gaps == ()
    caught = {(g.category, g.amounts[0].none) for g in report.fallback_only}
    assert caught == {
        ("fastighetsforsaljning", True),
        ("upphandling", True),
        ("upplatelse", True),
        ("utredningsbeslut", True),
    }


def without_clause(org: model.Organization, group_id: str, clause_id: str) -> model.Organization:
    group = org.group(group_id)
    handles = tuple(c for c in group.mandate.handles if c.id != clause_id)
    assert len(handles) == len(group.mandate.handles) - 1
    changed = attrs.evolve(group, mandate=attrs.evolve(group.mandate, handles=handles))
    return attrs.evolve(org, groups=tuple(changed if g.id == group_id else g for g in org.groups))


@pytest.mark.parametrize(
    ("group_id", "clause_id"),
    [("mv", "fastighet-liten"), ("klg", "utredningsbeslut"), ("namnd", "fastighet-stor")],
)
def test_removing_a_threshold_clause_reports_exactly_the_gap_it_opens(
    group_id: str, clause_id: str
) -> None:
    org = mgovern.example()
    removed = ClauseRef(group_id, "handles", clause_id)
    clause = next(c for c in org.group(group_id).mandate.handles if c.id == clause_id)

    def cells(report: Report) -> set[tuple[object, ...]]:
        return {
            (g.category, g.units, g.flags, g.year, a, g.witness)
            for g in (*report.gaps, *report.fallback_only)
            for a in g.amounts
        }

    before = {cell[:5] for cell in cells(check(org))}
    smaller = without_clause(org, group_id, clause_id)
    report = check(smaller)
    new = [cell for cell in cells(report) if cell[:5] not in before]
    assert new
    for category, _, _, _, amount, witness in new:
        assert category in clause.categories
        assert not amount.none  # a threshold clause never took matters without an amount
        matter = attrs.evolve(witness, amount=amount.low or Decimal(0))
        # in the original organisation, the removed clause decided exactly these matters ...
        assert route(org, matter, raised_in="klg").clause == removed
        assert clause_matches(org, group_id, clause, matter)
        # ... and now nothing regular does
        assert route(smaller, matter, raised_in="klg").clause in (
            None,
            ClauseRef("namnd", "handles", "catch-all"),
        )
    assert_witnesses_reproduce(smaller, report)


def test_cli_check_after_removing_a_clause(tmp_path: Path) -> None:
    text = mgovern.dumps(mgovern.example())
    start = text.index('id = "fastighet-liten"')
    block_start = text.rindex("[[groups.mandate.handles]]", 0, start)
    block_end = text.index("[[", start)
    path = tmp_path / "org.toml"
    path.write_text(text[:block_start] + text[block_end:], encoding="utf-8")
    runner = CliRunner()
    result = runner.invoke(build_cli(), ["check", "--org", str(path), "--fallback"])
    assert result.exit_code == 0  # the board's fallback catches it: reported, not fatal
    lines = [
        line for line in result.stdout.splitlines() if "FALLBACK fastighetsforsaljning" in line
    ]
    # 100 prisbasbelopp in 2026 = 5 920 000 SEK: the range the removed clause covered
    assert any("[0, 5920000)" in line and "av namnd/handles/catch-all" in line for line in lines)
    routed = runner.invoke(
        build_cli(),
        [
            *("route", "--org", str(path), "--raised-in", "klg"),
            *("--category", "fastighetsforsaljning", "--amount", "3000000", "--json"),
        ],
    )
    data = json.loads(routed.stdout)
    assert data["fallback"] is True
    assert data["clause"] == "namnd/handles/catch-all"


def test_cli_check_exit_1_on_open_gap(tmp_path: Path) -> None:
    org = mgovern.example()
    board = org.group("namnd")
    no_fallback = attrs.evolve(
        board,
        mandate=attrs.evolve(
            board.mandate, handles=tuple(c for c in board.mandate.handles if not c.fallback)
        ),
    )
    org = attrs.evolve(org, groups=tuple(no_fallback if g.id == "namnd" else g for g in org.groups))
    path = tmp_path / "org.toml"
    path.write_text(mgovern.dumps(org), encoding="utf-8")
    result = CliRunner().invoke(build_cli(), ["check", "--org", str(path), "--json"])
    assert result.exit_code == 1
    data = json.loads(result.stdout)
    assert data["ok"] is False
    assert {g["category"] for g in data["gaps"] if g["caught_by"] is None} == {
        "fastighetsforsaljning",
        "upphandling",
        "upplatelse",
        "utredningsbeslut",
    }
