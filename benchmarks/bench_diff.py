"""Benchmark: ``mgovern.diff`` of two synthetic organisations that differ in one threshold,
against one ``mgovern.check`` of such an organisation (issue 14: within twice its time).

Run ``python benchmarks/bench_diff.py [--groups 2000] [--repeat 3]``. It builds
:func:`synthetic.synthetic_organization`, moves one amount bound of one clause (the first
amount bound of the deepest group that has one, up by half), times
:func:`mgovern.check` of the old version and :func:`mgovern.diff` of the pair (fresh
organisations for every run: nothing is cached between runs), checks every reported
change's witness with :func:`mgovern.route` in both versions, prints the times and the
ratio, and writes ``benchmarks/results/diff.json``.
"""

from __future__ import annotations

import argparse
import json
import platform
import sys
import time
from pathlib import Path

import attrs

sys.path.insert(0, str(Path(__file__).parent))

from synthetic import synthetic_organization

from mgovern.model import Organization
from mgovern.rules.compare import diff
from mgovern.rules.coverage import check
from mgovern.rules.scope import route


def revised(org: Organization) -> tuple[Organization, str]:
    """``org`` with one threshold moved (the first amount bound of the deepest group that
    has one, up by half), and which."""
    order = sorted(range(len(org.groups)), key=lambda i: -org.depth(org.groups[i].id))
    for gi in order:
        group = org.groups[gi]
        for which in ("handles", "excludes"):
            clauses = list(getattr(group.mandate, which))
            for ci, clause in enumerate(clauses):
                for bound in ("amount_min", "amount_max"):
                    value = getattr(clause, bound)
                    if value is None:
                        continue
                    clauses[ci] = attrs.evolve(clause, **{bound: value * 3 / 2})
                    mandate = attrs.evolve(group.mandate, **{which: tuple(clauses)})
                    groups = list(org.groups)
                    groups[gi] = attrs.evolve(group, mandate=mandate)
                    what = f"{group.id}/{which}/{clause.id}: {bound} {value} -> {value * 3 / 2}"
                    return attrs.evolve(org, groups=tuple(groups)), what
    raise SystemExit("no clause with an amount bound")


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--groups", type=int, default=2000)
    parser.add_argument("--repeat", type=int, default=3)
    args = parser.parse_args()
    checks, diffs = [], []
    for _ in range(args.repeat):
        old = synthetic_organization(args.groups)
        start = time.perf_counter()
        report = check(old)
        checks.append(time.perf_counter() - start)
        old = synthetic_organization(args.groups)
        new, what = revised(old)
        start = time.perf_counter()
        result = diff(old, new)
        diffs.append(time.perf_counter() - start)
    root = old.groups[0].id
    for change in result.changes:
        assert route(old, change.witness, raised_in=root).home == change.old.home
        assert route(new, change.witness, raised_in=root).home == change.new.home
    best_check, best_diff = min(checks), min(diffs)
    data = {
        "groups": args.groups,
        "moved": what,
        "check_cells": report.cells,
        "check_seconds": checks,
        "diff_seconds": diffs,
        "diff_cells": result.cells,
        "changes": len(result.changes),
        "ratio": best_diff / best_check,
        "python": platform.python_version(),
        "machine": platform.machine(),
    }
    print(f"{args.groups} groups, {what}")
    print(f"check: {best_check:.2f} s ({report.cells} cells)")
    print(f"diff:  {best_diff:.2f} s ({result.cells} refined cells, {len(result.changes)} changes)")
    print(f"diff / check = {best_diff / best_check:.2f} (must be <= 2)")
    out = Path(__file__).parent / "results" / "diff.json"
    out.parent.mkdir(exist_ok=True)
    out.write_text(json.dumps(data, indent=2) + "\n", encoding="utf-8")


if __name__ == "__main__":
    main()
