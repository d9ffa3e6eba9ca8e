"""How often do sampled matters find a hole that the exact ``check`` always finds?

For each clause removed from the embedded example, draw matters with
``mgovern.testing.matters`` and count the draws whose routing differs from the example's
(the draws that land in the cells the removal opened). ``p`` is the chance that one
example reaches the hole; ``(1 - p) ** n`` the chance that a test with ``n`` examples
misses it. ``check`` finds every one of them, every time.

    python benchmarks/sampling_vs_exact.py [--draws 4000]

Writes benchmarks/results/sampling.json; docs/testing.md quotes it.
"""

from __future__ import annotations

import argparse
import json
from pathlib import Path

import attrs
from hypothesis import HealthCheck, Phase, given, seed, settings

import mgovern
from mgovern.model import Organization
from mgovern.rules.coverage import check
from mgovern.rules.scope import route
from mgovern.testing import matters

REMOVED = [
    ("klg", "tvargaende"),
    ("klg", "kontorsgemensamt"),
    ("klg", "utredningsbeslut"),
    ("mv", "upplatelse-medel"),
    ("klg", "markanvisning-forlangning"),
]


def without(org: Organization, group_id: str, clause_id: str) -> Organization:
    def edit(group: mgovern.Group) -> mgovern.Group:
        if group.id != group_id:
            return group
        handles = tuple(c for c in group.mandate.handles if c.id != clause_id)
        return attrs.evolve(group, mandate=attrs.evolve(group.mandate, handles=handles))

    return attrs.evolve(org, groups=tuple(edit(g) for g in org.groups))


def reach(base: Organization, org: Organization, draws: int) -> tuple[int, int]:
    """(draws, hits): how many sampled matters route differently in ``org`` than in
    ``base``, i.e. land in the cells the change opened."""
    counts = {"draws": 0, "hits": 0}

    @seed(1)
    @settings(
        max_examples=draws,
        deadline=None,
        database=None,
        phases=[Phase.generate],
        suppress_health_check=list(HealthCheck),
    )
    @given(matters(org))
    def sample(matter: mgovern.Matter) -> None:
        counts["draws"] += 1
        changed = route(org, matter, raised_in="klg")
        if changed.clause != route(base, matter, raised_in="klg").clause:
            counts["hits"] += 1

    sample()
    return counts["draws"], counts["hits"]


def fallback_cells(org: Organization) -> set[tuple[object, ...]]:
    """Every (category, units, flags, year, amount range) only a fallback takes or none."""
    report = check(org)
    return {
        (g.category, g.units, g.flags, g.year, str(a))
        for g in (*report.gaps, *report.fallback_only)
        for a in g.amounts
    }


def measure(draws: int) -> list[dict[str, object]]:
    base = mgovern.example()
    before = fallback_cells(base)
    rows: list[dict[str, object]] = []
    for group_id, clause_id in REMOVED:
        org = without(base, group_id, clause_id)
        done, hits = reach(base, org, draws)
        p = hits / done
        rows.append(
            {
                "removed": f"{group_id}/handles/{clause_id}",
                "draws": done,
                "hits": hits,
                "p": round(p, 5),
                "miss_100": round((1 - p) ** 100, 3),
                "miss_200": round((1 - p) ** 200, 3),
                "miss_1000": round((1 - p) ** 1000, 3),
                "check_finds_it": bool(fallback_cells(org) - before),
            }
        )
    return rows


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--draws", type=int, default=4000)
    args = parser.parse_args()
    rows = measure(args.draws)
    for row in rows:
        print(
            f"{row['removed']:<40} p={row['p']:<8} miss@100={row['miss_100']:<6} "
            f"miss@200={row['miss_200']:<6} miss@1000={row['miss_1000']:<6} "
            f"check finds it: {row['check_finds_it']}"
        )
    out = Path(__file__).parent / "results" / "sampling.json"
    out.write_text(json.dumps(rows, indent=2) + "\n", encoding="utf-8")


if __name__ == "__main__":
    main()
