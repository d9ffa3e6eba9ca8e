"""Benchmark: checking a year of meeting records of a synthetic organisation, measured
against reading them (issue 25).

Run ``python benchmarks/bench_meetings.py [--groups 2000] [--meetings 12]``. It builds
:func:`synthetic.synthetic_organization` with that many groups, writes one TOML record
per meeting (``--meetings`` a year per group, six items each: a member or two absent,
jäv declared in one item in three, a named vote in one item in four), then times
reading them all (:func:`mgovern.meetings.sources.load_records`: the bounded TOML read,
the converter, the check of everyone against the body) and checking them all
(:func:`mgovern.meetings.check_record`), and writes ``benchmarks/results/meetings.json``.
"""

from __future__ import annotations

import argparse
import datetime as dt
import json
import platform
import random
import sys
import tempfile
import time
from pathlib import Path
from typing import Any

sys.path.insert(0, str(Path(__file__).parent))

from synthetic import synthetic_organization

from mgovern.meetings import check_record
from mgovern.meetings.sources import load_records
from mgovern.model import Group


def _q(text: str) -> str:
    return json.dumps(text, ensure_ascii=False)


def record_text(group: Group, day: dt.date, rng: random.Random) -> str:
    """One meeting's record as TOML, deterministic for the generator's state."""
    members = list(group.members)
    absent = set(rng.sample(members, k=min(len(members) - 1, rng.randint(0, 2))))
    present = [m for m in members if m not in absent]
    lines = [
        f"group = {_q(group.id)}",
        f"start = {day.isoformat()}T09:00:00+01:00",
        "present = [" + ", ".join(_q(p) for p in present) + "]",
        "",
    ]
    for number in range(1, 7):
        lines += [
            "[[items]]",
            f"number = {number}",
            f'title = "Ärende {number}"',
            'decision = "Beslutat enligt förslaget."',
        ]
        jav = rng.choice(present) if rng.random() < 1 / 3 and len(present) > 1 else None
        if jav:
            lines += ["[[items.jav]]", f"person = {_q(jav)}", 'ground = "närstående"']
        if rng.random() < 1 / 4:
            voters = [p for p in present if p != jav]
            cut = (len(voters) + 2) // 2
            lines += [
                f'[[items.motions]]\nby = {_q(voters[0])}\ntext = "Bifall."',
                f'[[items.motions]]\nby = {_q(voters[-1])}\ntext = "Avslag."',
                "[items.vote]",
                'kind = "named"',
                'result = "ja"',
                "ja = [" + ", ".join(_q(p) for p in voters[:cut]) + "]",
                "nej = [" + ", ".join(_q(p) for p in voters[cut:]) + "]",
            ]
        lines.append("")
    return "\n".join(lines)


def measure(n_groups: int, per_year: int) -> dict[str, Any]:
    org = synthetic_organization(n_groups)
    rng = random.Random(25)
    groups = [g for g in org.groups if len(g.members) >= 2]
    with tempfile.TemporaryDirectory() as folder:
        root = Path(folder)
        count = 0
        for group in groups:
            for month in range(per_year):
                day = dt.date(2026, 1, 5) + dt.timedelta(days=month * 365 // per_year)
                path = root / f"{group.id}-{day.isoformat()}.toml"
                path.write_text(record_text(group, day, rng), encoding="utf-8")
                count += 1
        started = time.perf_counter()
        records = load_records([root], lambda _: org)
        read = time.perf_counter() - started
    by_id = {g.id: g for g in org.groups}
    started = time.perf_counter()
    findings = [f for r in records for f in check_record(r, by_id[r.group])]
    check = time.perf_counter() - started
    items = sum(len(r.items) for r in records)
    assert len(records) == count
    return {
        "groups": n_groups,
        "records": count,
        "items": items,
        "read_seconds": round(read, 3),
        "check_seconds": round(check, 3),
        "check_share_of_read": round(check / read, 3),
        "findings": len(findings),
    }


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--groups", type=int, default=2000)
    parser.add_argument("--meetings", type=int, default=12)
    args = parser.parse_args()
    row = measure(args.groups, args.meetings)
    print(json.dumps(row, indent=2))
    out = Path(__file__).parent / "results" / "meetings.json"
    out.write_text(
        json.dumps({"python": platform.python_version(), "rows": [row]}, indent=2) + "\n",
        encoding="utf-8",
    )


if __name__ == "__main__":
    main()
