"""Building every CalDAV resource of a large organisation: all at once (before) or one
collection at a time (now), without a server.

    python plugins/mgovern-caldav/benchmarks/build.py [--groups 1000] [--repeat 3]

Each measurement runs in a fresh process (so ``ru_maxrss`` is that run's peak) on
``synthetic_organization(groups, 0)`` with the default window (two calendar years):

- **before**: the publisher's old ``_plan``: every group's resources built, each
  calendar serialised twice by ``prepare`` (to hash, then with the hash), all held,
  then every person's collection merged from them;
- **now**: :func:`mgovern_caldav._publisher._collections` consumed as the publisher
  does (each collection let go before the next is built), with the one-serialisation
  :func:`mgovern_caldav._resources.prepare` and its cache of parsed lines;
- **nocache**: *now* without that cache (to tell the two gains apart).

Both with and without ``--people``. Seconds are the building only (the organisation is
made first), CPU and wall (on a shared machine read CPU); ``base MiB`` is the process's
peak before building. Every run reports the SHA-256 of all the bytes it built, and all
ways must agree.
"""

from __future__ import annotations

import argparse
import datetime as dt
import hashlib
import json
import resource
import statistics
import subprocess
import sys
import time
from pathlib import Path
from typing import Any

ROOT = Path(__file__).resolve().parents[3]
START, END = dt.date(2026, 1, 1), dt.date(2027, 12, 31)


def _rss_mib() -> float:
    return resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024  # KiB on Linux


def _prepare_twice(cal: Any, org_id: str) -> tuple[bytes, str]:
    """``prepare`` as it was: two whole serialisations."""
    from mgovern_caldav._resources import HASH, content_hash, mark

    mark(cal, org_id)
    digest = content_hash(cal.to_ical())
    cal.add(HASH.lower(), digest)
    return cal.to_ical(), digest


def _before(job: Any) -> list[tuple[str, str, tuple[tuple[str, bytes, str], ...]]]:
    """The old ``CalDAVPublisher._plan``: everything built and held before publishing."""
    from mgovern.calendars.ical import series_resources

    org = job.org
    by_group: dict[str, tuple[tuple[str, bytes, str], ...]] = {}
    for group in org.groups:
        found = []
        for uid, cal in series_resources(org, group.id, job.start, job.end, stamp=job.stamp):
            data, digest = _prepare_twice(cal, org.id)
            found.append((uid, data, digest))
        by_group[group.id] = tuple(found)
    plan = [(g.id, g.name, by_group[g.id]) for g in org.groups]
    if job.people:
        for person in org.people:
            groups = org.groups_of(person.id)
            if groups:
                merged = {d[0]: d for g in groups for d in by_group[g.id]}
                plan.append(
                    (f"people-{person.id}", person.name, tuple(merged[u] for u in sorted(merged)))
                )
    return plan


def child(way: str, groups: int, people: bool) -> dict[str, Any]:
    sys.path.insert(0, str(ROOT / "benchmarks"))
    from mgovern_caldav._publisher import _collections, _people
    from synthetic import synthetic_organization

    from mgovern.calendars.publish import PublishJob

    if way != "now":  # the hash parsing every line, as it did before
        import mgovern_caldav._resources as resources

        resources._normalise = resources._normalise_line
    org = synthetic_organization(groups, 0)
    job = PublishJob(org, "caldav://127.0.0.1/home/", START, END, people=people)
    org.groups_of(org.people[0].id)  # the membership index, made before either way
    base = _rss_mib()
    digest = hashlib.sha256()
    collections = resources = 0
    begin, cpu = time.perf_counter(), time.process_time()
    if way == "before":
        plan = _before(job)
        for _name, _display, found in plan:
            collections += 1
            for uid, data, hashed in found:
                resources += 1
                digest.update(f"{_name}/{uid} {hashed}\n".encode() + data)
    else:
        for collection in _collections(job, _people(org) if people else []):
            collections += 1
            for d in collection.resources:
                resources += 1
                digest.update(f"{collection.name}/{d.uid} {d.digest}\n".encode() + d.data)
            del collection
    seconds, cpu_seconds = time.perf_counter() - begin, time.process_time() - cpu
    return {
        "way": way,
        "people": people,
        "seconds": seconds,
        "cpu_seconds": cpu_seconds,
        "peak_mib": _rss_mib(),
        "base_mib": base,
        "collections": collections,
        "resources": resources,
        "sha256": digest.hexdigest(),
    }


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--groups", type=int, default=1000)
    parser.add_argument("--repeat", type=int, default=3)
    parser.add_argument("--child", nargs=2, metavar=("WAY", "PEOPLE"))
    args = parser.parse_args()
    if args.child:
        way, people = args.child
        print(json.dumps(child(way, args.groups, people == "people")))
        return
    rows = []
    for people in ("groups", "people"):
        runs: dict[str, list[dict[str, Any]]] = {"before": [], "now": [], "nocache": []}
        for _ in range(args.repeat):
            for way in runs:
                out = subprocess.run(
                    [
                        sys.executable,
                        __file__,
                        "--groups",
                        str(args.groups),
                        "--child",
                        way,
                        people,
                    ],
                    check=True,
                    capture_output=True,
                    text=True,
                )
                runs[way].append(json.loads(out.stdout))
        assert len({r["sha256"] for found in runs.values() for r in found}) == 1, "bytes differ"
        for way, found in runs.items():
            rows.append(
                {
                    "way": way,
                    "people": people == "people",
                    "collections": found[0]["collections"],
                    "resources": found[0]["resources"],
                    "seconds_median": statistics.median(r["seconds"] for r in found),
                    "seconds_min": min(r["seconds"] for r in found),
                    "cpu_seconds_median": statistics.median(r["cpu_seconds"] for r in found),
                    "peak_mib_median": statistics.median(r["peak_mib"] for r in found),
                    "base_mib_median": statistics.median(r["base_mib"] for r in found),
                }
            )
    print(json.dumps({"groups": args.groups, "window": [str(START), str(END)], "rows": rows}))
    for row in rows:
        print(
            f"{row['way']:7} people={row['people']!s:5} {row['collections']:5} collections "
            f"{row['resources']:6} resources  CPU {row['cpu_seconds_median']:6.2f} s, "
            f"wall {row['seconds_median']:6.2f} s (min {row['seconds_min']:.2f})  "
            f"peak {row['peak_mib_median']:7.1f} MiB "
            f"(base {row['base_mib_median']:.1f})",
            file=sys.stderr,
        )


if __name__ == "__main__":
    main()
