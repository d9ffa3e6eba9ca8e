"""Scale benchmark: routing against a naive baseline, and the exact coverage check.

Run ``python benchmarks/bench_scope.py [--sizes 250,1000,2000] [--matters N]``. For each
size it builds :func:`synthetic.synthetic_organization`, draws ``N`` matters
deterministically and measures, in the same run:

(a) :func:`mgovern.rules.scope.route` for every matter;
(b) a naive baseline that evaluates every clause of every group with
    :func:`mgovern.rules.scope.clause_matches` and resolves with
    :func:`mgovern.rules.scope.resolve`;
    every matter's naive home must equal route's home;
(c) :func:`mgovern.rules.coverage.check` in a child process (so a time limit can stop it),
    and the growth between successive sizes;

plus peak memory: tracemalloc for building the organisation and routing, and for the
check (tracemalloc when the check is quick enough to run twice, always the growth of
the child's peak resident set). Prints a table and writes ``benchmarks/results/scope.json``.
"""

from __future__ import annotations

import argparse
import collections
import datetime as dt
import hashlib
import itertools
import json
import math
import multiprocessing
import platform
import random
import resource
import subprocess
import sys
import time
import tracemalloc
from decimal import Decimal
from multiprocessing.connection import Connection
from pathlib import Path
from typing import Any

from synthetic import synthetic_organization

import mgovern
import mgovern.model
import mgovern.rules.coverage
import mgovern.rules.scope
from mgovern.model import AmountUnit, Matter, Organization, ScopeClause, Span
from mgovern.rules.coverage import check
from mgovern.rules.scope import clause_matches, resolve, route, span_of

RESULTS = Path(__file__).resolve().parent / "results" / "scope.json"
MIB = 1024 * 1024
#: Matters routed under tracemalloc (routing keeps nothing per matter, so a sample shows
#: the peak as well as all of them would).
TRACED_MATTERS = 2000


# --- matters ------------------------------------------------------------------------------
def _thresholds(org: Organization) -> dict[str, list[tuple[Decimal, AmountUnit]]]:
    """Every amount bound a clause sets for each category."""
    found: dict[str, set[tuple[Decimal, AmountUnit]]] = {c.id: set() for c in org.categories}
    for group in org.groups:
        for clause in (*group.mandate.handles, *group.mandate.excludes):
            bounds = [b for b in (clause.amount_min, clause.amount_max) if b is not None]
            for category in clause.categories or found.keys():
                found[category].update((b, clause.amount_unit) for b in bounds)
    return {c: sorted(bounds) for c, bounds in found.items()}


def draw_matters(org: Organization, count: int, seed: int) -> list[tuple[Matter, str]]:
    """``count`` (matter, raised_in) pairs: amounts on and around thresholds, 0-2 units."""
    rng = random.Random(seed)
    thresholds = _thresholds(org)
    categories = [c.id for c in org.categories]
    flags = [f.id for f in org.flags]
    years: list[int | None] = [None, *(b.year for b in org.base_amounts)]
    depth = {g.id: org.depth(g.id) for g in org.groups}
    leaves = [g for g, d in depth.items() if d == max(depth.values())]
    inner = [g for g, d in depth.items() if 0 < d < max(depth.values())]
    by_parent: dict[str | None, list[str]] = collections.defaultdict(list)
    for group in org.groups:
        by_parent[group.parent].append(group.id)
    top: dict[str, str] = {}  # group -> its office (the child of the root above it)
    for gid in depth:
        chain = [gid, *org.ancestors(gid)]
        top[gid] = chain[-2] if len(chain) > 1 else gid
    leaves_of_top: dict[str, list[str]] = collections.defaultdict(list)
    for leaf in leaves:
        leaves_of_top[top[leaf]].append(leaf)

    def amount(category: str, year: int | None) -> Decimal | None:
        roll = rng.random()
        if roll < 0.15 or not thresholds[category]:
            return None if roll < 0.15 else Decimal(rng.randint(0, 10**7))
        if roll < 0.75:
            bound, unit = rng.choice(thresholds[category])
            value = bound * org.base_amount(year) if unit is AmountUnit.BASE else bound
            return max(Decimal(0), value + rng.choice((Decimal(-1), Decimal(0), Decimal(1))))
        return Decimal(round(10 ** rng.uniform(3, 9)))

    def units() -> tuple[str, ...]:
        roll = rng.random()
        if roll < 0.2:
            return ()
        if roll < 0.7:
            pick = rng.random()
            if pick < 0.8:
                return (rng.choice(leaves),)
            return (rng.choice(inner),) if pick < 0.97 else (org.groups[0].id,)
        first = rng.choice(leaves)
        pick = rng.random()
        if pick < 0.5:
            pool = by_parent[org.group(first).parent]
        elif pick < 0.8:
            pool = leaves_of_top[top[first]]
        else:
            pool = leaves
        second = rng.choice(pool)
        return (first,) if second == first else (first, second)

    drawn = []
    for _ in range(count):
        category = rng.choice(categories)
        year = rng.choice(years)
        matter = Matter(
            category,
            amount=amount(category, year),
            units=units(),
            flags=frozenset(f for f in flags if rng.random() < 0.07),
            year=year,
        )
        if matter.units and rng.random() < 0.6:
            raised_in = matter.units[0]
        else:
            raised_in = rng.choice(leaves if rng.random() < 0.7 else inner)
        drawn.append((matter, raised_in))
    return drawn


# --- the naive baseline -------------------------------------------------------------------
Table = list[tuple[str, list[ScopeClause], list[ScopeClause], tuple[ScopeClause, ...], bool]]


def naive_table(org: Organization) -> Table:
    """Per group: regular handles, fallback handles, excludes, whether spans matter."""
    return [
        (
            g.id,
            [c for c in g.mandate.handles if not c.fallback],
            [c for c in g.mandate.handles if c.fallback],
            g.mandate.excludes,
            any(c.span is not Span.ANY for c in (*g.mandate.handles, *g.mandate.excludes)),
        )
        for g in org.groups
    ]


def naive_home(org: Organization, table: Table, matter: Matter) -> str | None:
    """Evaluate every handles clause of every group (excludes where one matched), then the
    fallback clauses if no group is a home; resolve like route does."""
    for fallback in (False, True):
        homes = []
        for gid, regular, fallbacks, excludes, needs_span in table:
            span = span_of(org, gid, matter.units) if needs_span else None
            matched = [
                c
                for c in (fallbacks if fallback else regular)
                if clause_matches(org, gid, c, matter, span)
            ]
            if matched and not [c for c in excludes if clause_matches(org, gid, c, matter, span)]:
                homes.append(gid)
        if homes:
            return resolve(org, homes)
    return None


# --- the check, in a child process ----------------------------------------------------------
def _check_child(n_groups: int, seed: int, trace_limit: float, conn: Connection) -> None:
    org = synthetic_organization(n_groups, seed)
    rss_before = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss
    start = time.perf_counter()
    report = check(org)
    seconds = time.perf_counter() - start
    rss_after = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss
    result: dict[str, Any] = {
        "seconds": seconds,
        "cells": report.cells,
        "gaps": len(report.gaps) + len(report.fallback_only),
        "open_gaps": len(report.gaps),
        "overlaps": len(report.overlaps),
        "ambiguous": len(report.ambiguous),
        "dead_clauses": len(report.dead_clauses),
        "rss_growth_mib": (rss_after - rss_before) / 1024,  # ru_maxrss is in KiB on Linux
        "tracemalloc_peak_mib": None,
    }
    del report
    if seconds <= trace_limit:
        tracemalloc.start()
        check(org)
        result["tracemalloc_peak_mib"] = tracemalloc.get_traced_memory()[1] / MIB
        tracemalloc.stop()
    conn.send(result)
    conn.close()


def run_check(n_groups: int, seed: int, timeout: float, trace_limit: float) -> dict[str, Any]:
    context = multiprocessing.get_context("fork")
    receive, send = context.Pipe(duplex=False)
    child = context.Process(target=_check_child, args=(n_groups, seed, trace_limit, send))
    child.start()
    send.close()
    # the untraced run must finish within the timeout; the traced one may take 3x longer
    if receive.poll(timeout + 3 * min(trace_limit, timeout)):
        result: dict[str, Any] = receive.recv()
        child.join()
        return result
    child.terminate()
    child.join()
    return {"seconds": None, "timeout": timeout}


# --- one size -----------------------------------------------------------------------------
def bench_size(
    n_groups: int, n_matters: int, seed: int, check_timeout: float, trace_limit: float
) -> dict[str, Any]:
    start = time.perf_counter()
    org = synthetic_organization(n_groups, seed)
    build_seconds = time.perf_counter() - start
    matters = draw_matters(org, n_matters, seed + 1)

    # the first call builds route's memoised indexes: timed apart, then every matter
    start = time.perf_counter()
    route(org, matters[0][0], raised_in=matters[0][1])
    first_call_seconds = time.perf_counter() - start
    start = time.perf_counter()
    routings = [route(org, matter, raised_in=raised_in) for matter, raised_in in matters]
    route_seconds = time.perf_counter() - start
    route_homes = [r.home for r in routings]
    outcomes = collections.Counter(r.outcome.value for r in routings)
    fallback = sum(r.fallback for r in routings)
    del routings

    table = naive_table(org)
    start = time.perf_counter()
    naive_homes = [naive_home(org, table, matter) for matter, _ in matters]
    naive_seconds = time.perf_counter() - start
    mismatches = [
        (matter, a, b)
        for (matter, _), a, b in zip(matters, route_homes, naive_homes, strict=True)
        if a != b
    ]
    assert not mismatches, f"{len(mismatches)} matters routed differently: {mismatches[:3]}"

    # memory: a fresh organisation and a sample of routings under tracemalloc
    tracemalloc.start()
    traced = synthetic_organization(n_groups, seed)
    org_mib = tracemalloc.get_traced_memory()[0] / MIB
    tracemalloc.reset_peak()
    for matter, raised_in in matters[:TRACED_MATTERS]:
        route(traced, matter, raised_in=raised_in)
    route_peak_mib = tracemalloc.get_traced_memory()[1] / MIB
    tracemalloc.stop()
    del traced

    depth = collections.Counter(org.depth(g.id) for g in org.groups)
    result = {
        "groups": n_groups,
        "shape": {
            "depth_counts": [depth[d] for d in sorted(depth)],
            "people": len(org.people),
            "categories": len(org.categories),
            "flags": len(org.flags),
            "handles_clauses": sum(len(g.mandate.handles) for g in org.groups),
            "excludes_clauses": sum(len(g.mandate.excludes) for g in org.groups),
            "cycles": sum(len(g.cycles) for g in org.groups),
        },
        "build_seconds": build_seconds,
        "matters": n_matters,
        "route_first_call_seconds": first_call_seconds,
        "route_seconds": route_seconds,
        "route_per_second": n_matters / route_seconds,
        "naive_seconds": naive_seconds,
        "naive_per_second": n_matters / naive_seconds,
        "ratio": naive_seconds / route_seconds,
        "homes_agree": True,
        "outcomes": dict(sorted(outcomes.items())),
        "fallback_routings": fallback,
        "org_mib": org_mib,
        "route_peak_mib": route_peak_mib,
    }
    result["check"] = run_check(n_groups, seed, check_timeout, trace_limit)
    return result


def _growth(results: list[dict[str, Any]]) -> None:
    """Per size: the growth over the previous size of check time and route time per matter,
    as factors and as exponents (time ~ groups ** exponent; 1.0 is linear)."""
    for previous, current in itertools.pairwise(results):
        size_ratio = current["groups"] / previous["groups"]
        growth: dict[str, float | None] = {"groups": size_ratio}
        for key, now, then in (
            ("check", current["check"].get("seconds"), previous["check"].get("seconds")),
            ("route_per_matter", 1 / current["route_per_second"], 1 / previous["route_per_second"]),
            ("naive_per_matter", 1 / current["naive_per_second"], 1 / previous["naive_per_second"]),
        ):
            factor = now / then if now and then else None
            growth[f"{key}_factor"] = factor
            growth[f"{key}_exponent"] = math.log(factor) / math.log(size_ratio) if factor else None
        current["growth"] = growth


def _fmt(value: float | None, spec: str) -> str:
    return "-" if value is None else format(value, spec)


def print_table(results: list[dict[str, Any]]) -> None:
    header = (
        f"{'groups':>6} {'index s':>7} {'route/s':>9} {'naive/s':>9} {'ratio':>6} {'check s':>9} "
        f"{'cells':>10} {'growth':>7} {'exp':>5} {'org MiB':>8} {'route MiB':>9} "
        f"{'check MiB':>9} {'chk RSS':>8}"
    )
    print(header)
    print("-" * len(header))
    for r in results:
        c = r["check"]
        g = r.get("growth", {})
        check_seconds = c.get("seconds")
        print(
            f"{r['groups']:>6} {r['route_first_call_seconds']:>7.2f} "
            f"{r['route_per_second']:>9.0f} {r['naive_per_second']:>9.0f} "
            f"{r['ratio']:>6.2f} "
            f"{_fmt(check_seconds, '.1f') if check_seconds else '>' + str(c['timeout']):>9} "
            f"{_fmt(c.get('cells'), ',d'):>10} "
            f"{_fmt(g.get('check_factor'), '.2f'):>7} {_fmt(g.get('check_exponent'), '.2f'):>5} "
            f"{r['org_mib']:>8.1f} {r['route_peak_mib']:>9.1f} "
            f"{_fmt(c.get('tracemalloc_peak_mib'), '.1f'):>9} "
            f"{_fmt(c.get('rss_growth_mib'), '.1f'):>8}"
        )
    print()
    for r in results:
        c = r["check"]
        findings = (
            f"gaps {c['gaps']} (open {c['open_gaps']}), overlaps {c['overlaps']} "
            f"(ambiguous {c['ambiguous']}), dead clauses {c['dead_clauses']}"
            if c.get("seconds")
            else "check timed out"
        )
        print(f"{r['groups']:>6} groups: {findings}; routes {r['outcomes']}")


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--sizes", default="250,1000,2000,5000", help="comma-separated")
    parser.add_argument("--matters", type=int, default=20000)
    parser.add_argument("--seed", type=int, default=0)
    parser.add_argument(
        "--check-timeout",
        type=float,
        default=1800.0,
        help="seconds before a check is stopped and reported as timed out",
    )
    parser.add_argument(
        "--trace-limit",
        type=float,
        default=30.0,
        help="run the check again under tracemalloc when it took at most this long",
    )
    parser.add_argument("--output", type=Path, default=RESULTS)
    args = parser.parse_args(argv)
    sizes = [int(s) for s in args.sizes.split(",") if s.strip()]

    results = []
    for size in sizes:
        print(f"... {size} groups", file=sys.stderr, flush=True)
        results.append(
            bench_size(size, args.matters, args.seed, args.check_timeout, args.trace_limit)
        )
        _growth(results)
        args.output.parent.mkdir(parents=True, exist_ok=True)
        args.output.write_text(json.dumps(_document(args, results), indent=2) + "\n")
    print_table(results)
    return 0


def _provenance() -> dict[str, Any]:
    """Which code was measured: the commit, whether src/ had local changes, and a digest
    of the modules under test as imported (the tree may change while a run goes on)."""
    root = Path(__file__).resolve().parent.parent

    def git(*argv: str) -> str | None:
        try:
            done = subprocess.run(
                ["git", *argv], cwd=root, capture_output=True, text=True, check=True
            )
        except (OSError, subprocess.CalledProcessError):
            return None
        return done.stdout.strip()

    status = git("status", "--porcelain", "--", "src")
    return {
        "mgovern_path": str(Path(mgovern.__file__).parent),
        "commit": git("rev-parse", "--short", "HEAD"),
        "src_modified": None if status is None else bool(status),
        "sha256": {
            Path(module.__file__).name: hashlib.sha256(
                Path(module.__file__).read_bytes()
            ).hexdigest()[:16]
            for module in (mgovern.rules.scope, mgovern.rules.coverage, mgovern.model)
            if module.__file__
        },
    }


PROVENANCE = _provenance()


def _document(args: argparse.Namespace, results: list[dict[str, Any]]) -> dict[str, Any]:
    return {
        "benchmark": "scope",
        "when": dt.datetime.now(dt.UTC).isoformat(timespec="seconds"),
        "mgovern": mgovern.__version__,
        "code": PROVENANCE,
        "python": platform.python_version(),
        "machine": platform.machine(),
        "seed": args.seed,
        "matters": args.matters,
        "check_timeout": args.check_timeout,
        "results": results,
    }


if __name__ == "__main__":
    sys.exit(main())
