"""How long the site of a synthetic organisation takes to build (a benchmark, not a test).

    python plugins/mgovern-site/tools/benchmark.py [GROUPS] [OUT_FOLDER]

Uses benchmarks/synthetic.py's generator (default 2,000 groups), builds the site as of
2026-03-01 with 2026's meetings, and prints the time of each step and the site's size.
With OUT_FOLDER the files are written there too.
"""

from __future__ import annotations

import datetime as dt
import sys
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parents[3]


def _children_cpu() -> float:
    import resource

    used = resource.getrusage(resource.RUSAGE_CHILDREN)
    return used.ru_utime + used.ru_stime


def main(groups: int, out: Path | None) -> None:
    sys.path.insert(0, str(ROOT / "benchmarks"))
    from mgovern_site._build import build_site
    from synthetic import synthetic_organization  # type: ignore[import-not-found]

    from mgovern.files import write_all

    began = time.perf_counter()
    org = synthetic_organization(groups)
    print(f"organisation: {len(org.groups)} groups, {len(org.categories)} categories")
    print(f"generate: {time.perf_counter() - began:.1f} s")
    for label, calendars_url in (
        ("with every group's .ics in the site", None),
        ("calendars published elsewhere (--calendars-url)", "https://intranet.example/kal"),
    ):
        wall, cpu, helper = time.perf_counter(), time.process_time(), _children_cpu()
        files = build_site(
            org,
            on=dt.date(2026, 3, 1),
            start=dt.date(2026, 1, 1),
            end=dt.date(2026, 12, 31),
            calendars_url=calendars_url,
        )
        size = sum(len(d) for d in files.values())
        print(
            f"build_site, {label}: {time.perf_counter() - wall:.1f} s wall clock, CPU "
            f"{time.process_time() - cpu:.1f} s + {_children_cpu() - helper:.1f} s in the helper "
            f"process, {len(files)} files, {size / 1e6:.1f} MB"
        )
    if out is not None:
        write_all({out / name: data for name, data in files.items()})


if __name__ == "__main__":
    main(
        int(sys.argv[1]) if len(sys.argv) > 1 else 2000,
        Path(sys.argv[2]) if len(sys.argv) > 2 else None,
    )
