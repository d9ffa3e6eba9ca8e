"""check and diff in several processes give exactly the single-process result."""

from __future__ import annotations

import datetime as dt
import os
import pickle
import sys
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from pathlib import Path

import attrs
import pytest
from click.testing import CliRunner
from hypothesis import given, settings

import mgovern
from mgovern._util import processes
from mgovern.cli import build_cli
from mgovern.config import dumps
from mgovern.history import load_history
from mgovern.model import Organization
from mgovern.rules import coverage
from mgovern.rules.compare import diff
from mgovern.rules.coverage import Report, check, workers
from mgovern.testing import organizations

ROOT = Path(__file__).parents[2]
HISTORY = ROOT / "src/mgovern/examples/exploateringskontoret-historik.toml"


@contextmanager
def fanning_out(start_method: str | None = None) -> Iterator[None]:
    """Every organisation counts as large enough to fan out (a plain context manager:
    Hypothesis runs many examples per test function)."""
    saved = coverage.FAN_OUT_FROM, processes.START_METHOD
    coverage.FAN_OUT_FROM, processes.START_METHOD = 0, start_method
    try:
        yield
    finally:
        coverage.FAN_OUT_FROM, processes.START_METHOD = saved


def synthetic(groups: int) -> Organization:
    sys.path.insert(0, str(ROOT / "benchmarks"))
    try:
        from synthetic import synthetic_organization
    finally:
        sys.path.remove(str(ROOT / "benchmarks"))
    org: Organization = synthetic_organization(groups, 0)
    return org


def told_to(told: list[tuple[str, int, int]]) -> Callable[[str, int, int], None]:
    return lambda *args: told.append(args)


def assert_same(one: Report, other: Report) -> None:
    # field by field first, for a readable failure; then the whole report and its text
    assert one.cells == other.cells
    assert one.gaps == other.gaps
    assert one.fallback_only == other.fallback_only
    assert one.overlaps == other.overlaps
    assert one.dead_clauses == other.dead_clauses
    assert one == other
    assert str(one) == str(other)
    assert repr(one) == repr(other)


def test_the_partition_is_by_category_and_only_large_work_fans_out() -> None:
    assert workers(1, 40, 10**9) == 1  # --jobs 1 never starts a process
    assert workers(2, 1, 10**9) == 1  # one part: nothing to share
    assert workers(2, 40, coverage.FAN_OUT_FROM - 1) == 1  # too small to gain
    assert workers(2, 40, coverage.FAN_OUT_FROM) == 2
    assert workers(8, 3, coverage.FAN_OUT_FROM) == 3  # at most one per part
    assert workers(None, 40, coverage.FAN_OUT_FROM) >= 1


def test_by_default_only_idle_cpus_are_used(monkeypatch: pytest.MonkeyPatch) -> None:
    big = coverage.FAN_OUT_FROM
    monkeypatch.setattr(os, "sched_getaffinity", lambda _: set(range(4)), raising=False)
    for load, expected in ((0.0, 4), (0.7, 4), (1.0, 4), (1.5, 3), (3.2, 1), (9.0, 1)):
        monkeypatch.setattr(os, "getloadavg", lambda load=load: (load, load, load))
        assert workers(None, 40, big) == expected, load
    assert workers(3, 40, big) == 3  # asked for: used, whatever the load
    monkeypatch.setattr(os, "getloadavg", lambda: (0.0, 0.0, 0.0))
    assert workers(None, 2, big) == 2


@settings(max_examples=25)
@given(organizations(max_groups=8, max_categories=4, edges=False))
def test_generated_organisations_check_the_same_in_two_processes(org: Organization) -> None:
    single = check(org)
    with fanning_out():
        assert_same(check(org, jobs=2), single)


def test_the_example_checks_the_same_in_two_processes(mgovern_example: Organization) -> None:
    with fanning_out():
        assert_same(check(mgovern_example, jobs=2), check(mgovern_example, jobs=1))
        assert_same(check(mgovern_example, jobs=3), check(mgovern_example))


def test_a_large_organisation_fans_out_by_itself_and_checks_the_same() -> None:
    org = synthetic(200)
    size = len(org.groups) * len(org.categories)
    assert size >= coverage.FAN_OUT_FROM
    assert workers(2, len(org.categories), size) == 2
    single = check(org)
    assert single.overlaps  # something to keep in order
    assert single.fallback_only
    assert_same(check(synthetic(200), jobs=2), single)  # fresh: nothing built before


def test_the_organisation_pickles_and_spawned_workers_check_the_same(
    mgovern_example: Organization,
) -> None:
    org = mgovern_example
    single = check(org)  # its indexes are built now, and pickle along
    again = pickle.loads(pickle.dumps(org))
    assert again == org
    assert_same(check(again), single)
    with fanning_out("spawn"):
        assert_same(check(org, jobs=2), single)


def test_progress_counts_the_categories_in_one_and_in_several_processes(
    mgovern_example: Organization,
) -> None:
    for jobs in (1, 2):
        told: list[tuple[str, int, int]] = []
        with fanning_out():
            check(mgovern_example, jobs=jobs, progress=told_to(told))
        total = len(mgovern_example.categories)
        assert told[-1] == ("checking categories", total, total)
        counts = [done for _, done, _ in told]
        assert counts == sorted(counts)
        assert all(t == total for _, _, t in told)


def test_a_history_diffs_the_same_in_two_processes() -> None:
    history = load_history(HISTORY)
    days = [r.effective for r in history.revisions if r.effective is not None]
    assert days
    for day in days:
        old, new = history.as_of(day - dt.timedelta(days=1)), history.as_of(day)
        single = diff(old, new)
        told: list[tuple[str, int, int]] = []
        with fanning_out():
            several = diff(old, new, jobs=2, progress=told_to(told))
        assert several == single
        assert several.cells == single.cells
        if told:
            assert told[-1][1] == told[-1][2]


def test_a_revision_of_many_categories_diffs_the_same_in_two_processes() -> None:
    old = synthetic(12)
    # a delegation threshold of the first office moves: a family of categories changes
    office = next(g for g in old.groups if old.depth(g.id) == 1)
    groups = []
    for group in old.groups:
        if group.id == office.id:
            moved = next(c for c in group.mandate.excludes if c.amount_min is not None)
            assert moved.amount_min is not None
            twice = attrs.evolve(moved, amount_min=moved.amount_min * 2)
            excludes = tuple(twice if c is moved else c for c in group.mandate.excludes)
            group = attrs.evolve(group, mandate=attrs.evolve(group.mandate, excludes=excludes))
        groups.append(group)
    new = attrs.evolve(old, groups=tuple(groups))
    single = diff(old, new)
    assert single.changed
    assert len({c.category for c in single.changes}) > 2
    with fanning_out():
        several = diff(old, new, jobs=2)
    assert several == single
    assert several.cells == single.cells


def test_check_prints_the_same_bytes_with_one_and_with_two_jobs(tmp_path: Path) -> None:
    path = tmp_path / "org.toml"
    path.write_text(dumps(synthetic(12)), encoding="utf-8")
    runner = CliRunner()
    cli = build_cli()
    outputs = []
    with fanning_out():
        for args in (["--jobs", "1"], ["--jobs", "2"], ["-j", "2", "--json"], ["-j1", "--json"]):
            result = runner.invoke(cli, ["check", "--org", str(path), *args])
            assert result.exit_code in (0, 1), result.output
            outputs.append(result.stdout_bytes)
    assert outputs[0] == outputs[1]
    assert outputs[2] == outputs[3]
    bad = runner.invoke(cli, ["check", "--org", str(path), "--jobs", "0"])
    assert bad.exit_code == 2


def test_the_public_check_and_diff_take_jobs(mgovern_example: Organization) -> None:
    # a small organisation never fans out, whatever jobs says
    assert mgovern.check(mgovern_example, jobs=None) == mgovern.check(mgovern_example)
    assert not mgovern.diff(mgovern_example, mgovern_example, jobs=None).changed


def test_a_moved_group_diffs_the_same_in_two_processes(mgovern_example: Organization) -> None:
    # the pairs of unit contexts (sok's matters meet at mv now) reach the workers too
    groups = tuple(
        attrs.evolve(g, parent="mv") if g.id == "sok" else g for g in mgovern_example.groups
    )
    new = attrs.evolve(mgovern_example, groups=groups)
    single = diff(mgovern_example, new)
    assert any(c.moved for c in single.changes)
    with fanning_out():
        several = diff(mgovern_example, new, jobs=2)
    assert several == single
    assert several.cells == single.cells
