"""Benchmark: ``mgovern governance`` over many appointments is near-linear (issue 21,
point 6: before, 500 appointments took 3.6 s, 2,000 took 22 s and 10,000 took 372 s).

Run ``python benchmarks/bench_governance.py [--sizes 500 2000 10000]``. For each size it
builds :func:`appointments` (terms of office in the embedded example's groups, one after
another, some overlapping, some leaving a seat vacant for a while), times
:func:`mgovern.governance.governance_events` over the three years they span (a fresh
history for every size: nothing is cached between sizes), and counts the work: how often
the whole organisation is built as of a day (``History.as_of``) and how often one group
is (``History.group_as_of``). It prints seconds, the counts and the growth per size, and
writes ``benchmarks/results/governance.json``.

The counts are what ``tests/history/test_governance.py`` holds to (no time is asserted there):
whole organisations are built on the window's first day and on each revision's day,
whatever the number of appointments; single groups a bounded number of times per
appointment.
"""

from __future__ import annotations

import argparse
import datetime as dt
import itertools
import json
import platform
import sys
import time
from collections import Counter
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path
from typing import Any

import mgovern
from mgovern.governance import governance_events
from mgovern.history import POSITIONS, Appointment, History

FIRST = dt.date(2026, 1, 1)
WINDOW = (FIRST, dt.date(2028, 12, 31))


def appointments(count: int) -> History:
    """The example with ``count`` appointments: group after group, each of its seats (a
    position, with the head of division's role for a chair) filled by term after term,
    each term a few days, every seventh leaving a day's gap, every fifth overlapping the
    next; deterministic."""
    org = mgovern.example()
    groups = [g for g in org.groups if g.participants]
    made: list[Appointment] = []
    day = {(g.id, p): FIRST for g in groups for p in POSITIONS}
    for i in range(count):
        group = groups[i % len(groups)]
        position = POSITIONS[(i // len(groups)) % len(POSITIONS)]
        people = group.participants
        person = people[(i // (len(groups) * len(POSITIONS))) % len(people)]
        start = day[(group.id, position)]
        length = 2 + i % 5
        end = start + dt.timedelta(days=length - 1 + (2 if i % 5 == 0 else 0))
        role = "avdelningschef" if position == "chair" and group.parent == "klg" else None
        made.append(Appointment(person, group.id, position, role, start, end))
        day[(group.id, position)] = start + dt.timedelta(days=length + (1 if i % 7 == 0 else 0))
    return History(History.from_organization(org).revisions, tuple(made))


@contextmanager
def counted() -> Iterator[Counter[str]]:
    """How often ``History.as_of`` and ``History.group_as_of`` run inside the block."""
    counts: Counter[str] = Counter()
    originals = {name: getattr(History, name) for name in ("as_of", "group_as_of")}

    def wrap(name: str) -> Any:
        original = originals[name]

        def wrapper(self: History, *args: Any, **kwargs: Any) -> Any:
            counts[name] += 1
            return original(self, *args, **kwargs)

        return wrapper

    for name in originals:
        setattr(History, name, wrap(name))
    try:
        yield counts
    finally:
        for name, original in originals.items():
            setattr(History, name, original)


def measure(count: int) -> dict[str, Any]:
    history = appointments(count)
    with counted() as counts:
        began = time.perf_counter()
        events = governance_events(history, *WINDOW)
        seconds = time.perf_counter() - began
    kinds = Counter(e.kind for e in events)
    return {
        "appointments": count,
        "seconds": round(seconds, 3),
        "events": dict(sorted(kinds.items())),
        "organisations_built": counts["as_of"],
        "groups_built": counts["group_as_of"],
    }


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--sizes", type=int, nargs="+", default=[500, 2000, 10000])
    args = parser.parse_args()
    rows = [measure(n) for n in args.sizes]
    for before, after in itertools.pairwise(rows):
        after["growth"] = round(
            (after["seconds"] / before["seconds"])
            / (after["appointments"] / before["appointments"]),
            2,
        )
    for row in rows:
        print(
            f"{row['appointments']:>6} appointments: {row['seconds']:7.2f} s, "
            f"{row['organisations_built']} organisations and {row['groups_built']} groups "
            f"built, {sum(row['events'].values())} events"
            + (
                f", time per appointment x{row['growth']} of the size before"
                if "growth" in row
                else ""
            )
        )
    out = Path(__file__).parent / "results" / "governance.json"
    out.write_text(
        json.dumps(
            {"python": platform.python_version(), "window": [str(d) for d in WINDOW], "rows": rows},
            indent=2,
        )
        + "\n",
        encoding="utf-8",
    )
    print(f"written to {out}")


if __name__ == "__main__":
    sys.exit(main())
