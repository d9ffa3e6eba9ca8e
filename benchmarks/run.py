"""mgovern at city scale: ratios measured in the same run, against the libraries it uses.

    python benchmarks/run.py [--quick] [--only plan] [--output benchmarks/results/run.json]

For each size of synthetic organisation (``benchmarks/synthetic.py``), each measurement
runs in a child process of its own (so peak memory is that phase's, and no cache is
shared) and reports:

- **calendars**: every group's and every person's calendar and ``all.ics`` for one
  year, each event serialised once (:func:`mgovern.calendars.feeds.calendar_files`, one
  process), against the *floor*: icalendar building each file's VEVENTs (same
  properties, from plain Python values) and serialising the whole calendar, file by
  file, written directly here. The two must give the same bytes (SHA-256 of every
  file). Target ratio <= 0.35.
- **mgovern calendars**: the command as a user runs it on the organisation written to
  a TOML file (loading included), into an empty folder and again with nothing to
  change, with ``--jobs 1`` and ``--jobs 2`` (same bytes, checked): seconds, peak
  memory of the command's largest process, memory per group, the largest file.
  Targets at 2,000 groups: peak <= 250 MiB, ``--jobs 2`` >= 1.6x faster.
- **occurrences**: mgovern's expansion of every group's cycles for the year, against
  recurring_ical_events expanding the written .ics to the same instants (checked).
  Target ratio <= 0.2.
- **routing**: matters per second once the organisation's clause index is built (its
  one-time cost is reported apart), against a naive loop over every clause of every
  group (same homes, checked). Target >= 20x from 1,000 groups up.
- **check**: the exact coverage analysis; growth per doubling of groups, target <= 2.3.
- **CLI start**: ``mgovern --help`` against ``python -c pass``. Target <= 5x.
- **planning**: :func:`mgovern.agenda.planner.plan` over a year of the embedded example's
  meetings with 1,000, 10,000 and 100,000 submitted items (``synthetic_items``), each
  size in a process of its own after a warm-up plan (the schedules, the clause index and
  the plugins, reported apart); items per second of the process's CPU time (one
  thread; wall time is also recorded), and its ratio to the 1,000-item rate. The
  example cannot hold 10,000 items a year, so most are carried from meeting to meeting
  and each agenda lists them: the moves per item are reported too. Target: near-linear,
  the ratio >= 0.5 at 100 times the items.

These machines are noisy: read the ratios, not the seconds.
"""

from __future__ import annotations

import argparse
import datetime as dt
import json
import math
import multiprocessing as mp
import os
import platform
import resource
import statistics
import subprocess
import sys
import time
from collections.abc import Callable
from multiprocessing.connection import Connection
from pathlib import Path
from typing import Any

sys.path.insert(0, str(Path(__file__).parent))

FULL_SIZES = (250, 1000, 2000, 5000)
QUICK_SIZES = (250, 500, 1000)
PLAN_ITEMS = (1000, 10000, 100000)
QUICK_PLAN_ITEMS = (1000, 10000)
YEAR = (dt.date(2026, 1, 1), dt.date(2026, 12, 31))
STAMP = dt.datetime(2026, 1, 1, tzinfo=dt.UTC)


# --- the phases, each run in a child process ----------------------------------------------
def _org(size: int) -> Any:
    from synthetic import synthetic_organization

    return synthetic_organization(size, 0)


def _plain(prop: Any) -> Any:
    """A property as the plain Python value a program would hand to icalendar."""
    from icalendar import prop as p

    if isinstance(prop, p.vDDDTypes):
        return prop.dt
    if isinstance(prop, p.vDDDLists):
        return [d.dt for d in prop.dts]
    if isinstance(prop, p.vRecur):
        return dict(prop)
    if isinstance(prop, p.vCategory):
        return list(prop.cats)
    if isinstance(prop, p.vCalAddress):
        address = p.vCalAddress(str(prop))
        address.params.update(prop.params)
        return address
    if isinstance(prop, p.vInt):
        return int(prop)
    if isinstance(prop, p.vDuration):
        return prop.td
    if isinstance(prop, p.vUTCOffset):
        return prop.td
    if isinstance(prop, p.vText):
        return p.vText(str(prop))  # untyped names (X-, NAME) need TEXT escaping said
    return str(prop)


def _recipe(calendar: Any) -> list[Any]:
    """What the floor needs to build the same calendar: plain values, no icalendar objects
    except the VTIMEZONE, which icalendar's own code builds the same way in both."""
    recipe: list[Any] = [
        (
            "calendar",
            [
                (k, _plain(v), dict(v.params))
                for k, v in calendar.property_items(recursive=False)
                if k not in ("BEGIN", "END")
            ],
        )
    ]
    for component in calendar.subcomponents:
        if component.name != "VEVENT":
            recipe.append(("component", component))
            continue
        props = []
        for name, value in component.property_items(recursive=False):
            if name in ("BEGIN", "END"):
                continue
            props.append((name, _plain(value), dict(value.params)))
        recipe.append(("event", props))
    return recipe


def _floor(recipe: list[Any]) -> bytes:
    from icalendar import Calendar, Event

    cal = Calendar()
    for kind, payload in recipe:
        if kind == "calendar":
            for name, value, params in payload:
                cal.add(name, value, parameters=params or None)
        elif kind == "component":
            cal.add_component(payload)
        else:
            event = Event()
            for name, value, params in payload:
                event.add(name, value, parameters=params or None)
            cal.add_component(event)
    data: bytes = cal.to_ical()
    return data


def phase_calendars(size: int) -> dict[str, Any]:
    """mgovern building every file of a year (each event serialised once,
    :func:`mgovern.calendars.feeds.calendar_files`, one process), the SHA-256 of each."""
    import hashlib

    from mgovern.calendars.feeds import calendar_files
    from mgovern.plugins import make_plugin_manager

    org = _org(size)
    pm = make_plugin_manager(entry_points=False)
    digests: dict[str, str] = {}
    hashing = 0.0
    total = 0
    largest = 0
    start = time.perf_counter()
    for name, data in calendar_files(org, *YEAR, stamp=STAMP, jobs=1, pm=pm):
        moment = time.perf_counter()
        digests[name] = hashlib.sha256(data).hexdigest()
        total += len(data)
        largest = max(largest, len(data))
        hashing += time.perf_counter() - moment
    seconds = time.perf_counter() - start - hashing
    return {
        "calendars": len(digests),
        "bytes": total,
        "largest_file_bytes": largest,
        "mgovern_seconds": seconds,
        "digests": digests,
    }


def phase_floor(size: int) -> dict[str, Any]:
    """The floor: icalendar building each file's VEVENTs from plain Python values and
    serialising the whole calendar, file by file (only that is timed; the recipe comes
    from the plain path, :func:`mgovern.calendars.ical.calendar`)."""
    import hashlib

    from mgovern.calendars.feeds import feed_names
    from mgovern.calendars.ical import calendar
    from mgovern.plugins import make_plugin_manager

    org = _org(size)
    pm = make_plugin_manager(entry_points=False)
    digests: dict[str, str] = {}
    seconds = 0.0
    events = 0
    for name in feed_names(org):
        kind, _, rest = name.partition("/")
        which = {"group": rest[:-4]} if kind == "groups" else {}
        if kind == "people":
            which = {"person": rest[:-4]}
        recipe = _recipe(calendar(org, **which, start=YEAR[0], end=YEAR[1], stamp=STAMP, pm=pm))
        start = time.perf_counter()
        data = _floor(recipe)
        seconds += time.perf_counter() - start
        digests[name] = hashlib.sha256(data).hexdigest()
        events += data.count(b"BEGIN:VEVENT")
    return {"floor_seconds": seconds, "events": events, "digests": digests}


def phase_cli_calendars(org_file: str, out: str, jobs: int) -> dict[str, Any]:
    """``mgovern calendars`` as a user runs it, into an empty folder and again (nothing
    changed: the nightly run on an unchanged organisation); wall time and the peak
    memory of the command (its largest process)."""
    import hashlib

    command = [sys.executable, "-m", "mgovern", "--quiet", "calendars", "--org", org_file]
    command += ["--out", out, "--from", YEAR[0].isoformat(), "--to", YEAR[1].isoformat()]
    command += ["--jobs", str(jobs)]
    runs = []
    for _ in range(2):
        start = time.perf_counter()
        process = subprocess.Popen(command, stdout=subprocess.DEVNULL)
        _, status, usage = os.wait4(process.pid, 0)
        runs.append((time.perf_counter() - start, usage.ru_maxrss / 1024))
        if status != 0:
            raise SystemExit(f"{' '.join(command)} failed ({status})")
    tree = hashlib.sha256()
    for path in sorted(Path(out).rglob("*")):
        if path.is_file():
            tree.update(str(path.relative_to(out)).encode() + b"\0" + path.read_bytes())
    return {
        "jobs": jobs,
        "seconds": runs[0][0],
        "peak_mib": runs[0][1],
        "unchanged_seconds": runs[1][0],
        "unchanged_peak_mib": runs[1][1],
        "tree_sha256": tree.hexdigest(),
    }


def phase_load(org_file: str) -> dict[str, Any]:
    """``mgovern validate``: loading and checking the organisation file alone, the part
    of every command that grows with the organisation and stays in one process."""
    start = time.perf_counter()
    process = subprocess.Popen(
        [sys.executable, "-m", "mgovern", "validate", "--org", org_file],
        stdout=subprocess.DEVNULL,
    )
    _, status, usage = os.wait4(process.pid, 0)
    if status != 0:
        raise SystemExit(f"mgovern validate --org {org_file} failed ({status})")
    return {"seconds": time.perf_counter() - start, "peak_mib": usage.ru_maxrss / 1024}


def load_only(size: int) -> dict[str, Any]:
    import shutil
    import tempfile

    import mgovern

    folder = Path(tempfile.mkdtemp(prefix="mgovern-bench-"))
    try:
        org_file = folder / "org.toml"
        org_file.write_text(mgovern.dumps(_org(size)), encoding="utf-8")
        return {**phase_load(str(org_file)), "toml_bytes": org_file.stat().st_size}
    finally:
        shutil.rmtree(folder, ignore_errors=True)


def cli_calendars(size: int) -> dict[str, Any]:
    """``--jobs 1`` and ``--jobs 2`` on the same organisation file; same bytes."""
    import shutil
    import tempfile

    import mgovern

    folder = Path(tempfile.mkdtemp(prefix="mgovern-bench-"))
    try:
        org_file = folder / "org.toml"
        org_file.write_text(mgovern.dumps(_org(size)), encoding="utf-8")
        load = phase_load(str(org_file))
        one = phase_cli_calendars(str(org_file), str(folder / "one"), 1)
        two = phase_cli_calendars(str(org_file), str(folder / "two"), 2)
    finally:
        shutil.rmtree(folder, ignore_errors=True)
    assert one["tree_sha256"] == two["tree_sha256"], "--jobs 2 must write the same bytes"
    return {
        "load": load,
        "jobs1": one,
        "jobs2": two,
        "speedup": one["seconds"] / two["seconds"],
    }


def phase_occurrences(size: int) -> dict[str, Any]:
    import icalendar
    import recurring_ical_events

    from mgovern.calendars.cycles import occurrences
    from mgovern.calendars.feeds import calendar_files
    from mgovern.plugins import make_plugin_manager

    org = _org(size)
    pm = make_plugin_manager(entry_points=False)
    writing = make_plugin_manager(entry_points=False)  # kept alive: its own cache entries
    files = [
        data
        for _, data in calendar_files(
            org, *YEAR, stamp=STAMP, people=False, everything=False, pm=writing
        )
    ]
    start = time.perf_counter()
    ours = {(o.uid, o.start) for g in org.groups for o in occurrences(org, g.id, *YEAR, pm=pm)}
    mgovern_seconds = time.perf_counter() - start
    start = time.perf_counter()
    theirs = set()
    for data in files:
        parsed = icalendar.Calendar.from_ical(data)
        for event in recurring_ical_events.of(parsed).between(
            dt.date(2025, 12, 1), dt.date(2027, 2, 1)
        ):
            theirs.add((str(event["UID"]), event["DTSTART"].dt))
    reader_seconds = time.perf_counter() - start
    assert ours == theirs, "recurring_ical_events must find the same instants"
    return {
        "instants": len(ours),
        "mgovern_seconds": mgovern_seconds,
        "reader_seconds": reader_seconds,
    }


def phase_routing(size: int, matters: int) -> dict[str, Any]:
    from bench_scope import draw_matters, naive_home, naive_table

    from mgovern.rules.scope import route

    org = _org(size)
    drawn = draw_matters(org, matters, 0)
    start = time.perf_counter()
    route(org, drawn[0][0], raised_in=drawn[0][1])  # builds the clause index, once per org
    index_seconds = time.perf_counter() - start
    start = time.perf_counter()
    homes = [route(org, m, raised_in=r).home for m, r in drawn]
    route_seconds = time.perf_counter() - start
    table = naive_table(org)
    sample = drawn[: max(matters // 5, 200)]
    start = time.perf_counter()
    naive = [naive_home(org, table, m) for m, _ in sample]
    naive_seconds = time.perf_counter() - start
    assert naive == homes[: len(sample)], "the naive loop must find the same homes"
    return {
        "matters": matters,
        "index_seconds": index_seconds,
        "route_per_second": matters / route_seconds,
        "naive_per_second": len(sample) / naive_seconds,
    }


def phase_check(size: int) -> dict[str, Any]:
    from mgovern.rules.coverage import check

    org = _org(size)
    start = time.perf_counter()
    report = check(org)
    seconds = time.perf_counter() - start
    return {
        "seconds": seconds,
        "cells": report.cells,
        "open_gaps": len(report.open_gaps),
        "ambiguous": len(report.ambiguous),
    }


def phase_plan(count: int) -> dict[str, Any]:
    from collections import Counter

    from synthetic import synthetic_items

    import mgovern
    from mgovern.agenda.planner import plan
    from mgovern.plugins import make_plugin_manager

    org = mgovern.example()
    pm = make_plugin_manager(entry_points=False)
    items = synthetic_items(org, count, 0, YEAR[0].year)
    start = time.perf_counter()
    plan(org, items[:10], *YEAR, pm=pm)  # schedules, clause index: once per organisation
    setup_seconds = time.perf_counter() - start
    start, cpu = time.perf_counter(), time.process_time()
    agendas, unplaced = plan(org, items, *YEAR, pm=pm)
    seconds, cpu_seconds = time.perf_counter() - start, time.process_time() - cpu
    placed = sum(len(a.items) for a in agendas)
    assert placed + len(unplaced) == count, "every item is placed once or left out"
    return {
        "items": count,
        "agendas": len(agendas),
        "placed": placed,
        "unplaced": len(unplaced),
        "unplaced_by_reason": dict(Counter(m.reason.value for m in unplaced)),
        "moves": sum(len(a.forwarded) + len(a.deferred) for a in agendas),
        "setup_seconds": setup_seconds,
        "seconds": seconds,
        "cpu_seconds": cpu_seconds,
        "items_per_second": count / cpu_seconds,
    }


def _child(phase: Callable[..., dict[str, Any]], args: tuple[Any, ...], conn: Connection) -> None:
    result = phase(*args)
    result["peak_mib"] = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024
    conn.send(result)
    conn.close()


def isolated(phase: Callable[..., dict[str, Any]], *args: Any) -> dict[str, Any]:
    """Run a phase in a fresh process: its own memory peak, no shared caches."""
    context = mp.get_context("fork")
    parent, child = context.Pipe(duplex=False)
    process = context.Process(target=_child, args=(phase, args, child))
    process.start()
    child.close()
    result: dict[str, Any] = parent.recv()
    process.join()
    if process.exitcode != 0:
        raise SystemExit(f"{phase.__name__}({args}) failed with exit code {process.exitcode}")
    return result


def cli_start(runs: int) -> dict[str, Any]:
    def median(command: list[str]) -> float:
        times = []
        for _ in range(runs):
            start = time.perf_counter()
            subprocess.run(command, check=True, capture_output=True)
            times.append(time.perf_counter() - start)
        return statistics.median(times)

    python = median([sys.executable, "-c", "pass"])
    mgovern = median([sys.executable, "-m", "mgovern", "--help"])
    return {"python_seconds": python, "mgovern_seconds": mgovern, "ratio": mgovern / python}


# --- the run ------------------------------------------------------------------------------
def verdict(value: float, target: float, *, at_most: bool) -> str:
    holds = value <= target if at_most else value >= target
    return ("holds" if holds else "MISSED") + f" (target {'<=' if at_most else '>='} {target:g})"


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--quick", action="store_true", help="smaller sizes: under two minutes")
    parser.add_argument(
        "--output", type=Path, default=Path(__file__).parent / "results" / "run.json"
    )
    parser.add_argument(
        "--only",
        choices=["plan", "load"],
        help="only this phase, e.g. --only plan --output benchmarks/results/plan.json, "
        "--only load --output benchmarks/results/load.json (loading alone, from 1,000 groups)",
    )
    options = parser.parse_args(argv)
    sizes: tuple[int, ...] = ()
    if options.only is None:
        sizes = QUICK_SIZES if options.quick else FULL_SIZES
    calendar_sizes = sizes[:1] if options.quick else sizes
    matters = 3000 if options.quick else 20000
    results: dict[str, Any] = {
        "when": dt.datetime.now(dt.UTC).isoformat(timespec="seconds"),
        "quick": options.quick,
        "only": options.only,
        "python": platform.python_version(),
        "machine": platform.machine(),
        "cpus": os.cpu_count(),
        "sizes": {},
    }
    lines = []
    began = time.perf_counter()
    if options.only == "load":
        results["load"] = {}
        for size in FULL_SIZES[1:]:
            load = results["load"][size] = load_only(size)
            lines.append(
                f"{size:>6} groups: mgovern validate {load['seconds']:5.1f} s, "
                f"{load['peak_mib']:5.0f} MiB, TOML {load['toml_bytes'] / 1e6:.1f} MB"
            )
        print("\n".join(lines))
        options.output.write_text(json.dumps(results, indent=2) + "\n", encoding="utf-8")
        return 0
    for size in sizes:
        row: dict[str, Any] = {}
        print(f"... {size} groups", file=sys.stderr, flush=True)
        if size in calendar_sizes:
            started = time.perf_counter()
            ours = isolated(phase_calendars, size)
            floor = isolated(phase_floor, size)
            assert ours.pop("digests") == floor.pop("digests"), "the floor's bytes differ"
            row["calendars"] = {**ours, **floor, "floor_peak_mib": floor["peak_mib"]}
            row["calendars"]["peak_mib"] = ours["peak_mib"]
            row["cli_calendars"] = cli_calendars(size)
            row["occurrences"] = isolated(phase_occurrences, size)
            row["calendar_phases_seconds"] = time.perf_counter() - started
        row["routing"] = isolated(phase_routing, size, matters)
        row["check"] = isolated(phase_check, size)
        results["sizes"][size] = row
    if options.only is None:
        results["cli"] = cli_start(5)
    results["plan"] = {}
    for count in QUICK_PLAN_ITEMS if options.quick else PLAN_ITEMS:
        print(f"... planning {count} items", file=sys.stderr, flush=True)
        results["plan"][count] = isolated(phase_plan, count)

    mode = "quick" if options.quick else "full"
    lines.append(
        f"mgovern benchmarks ({mode}): Python {results['python']} on {results['machine']}, "
        f"{results['cpus']} cpus; ratios are measured in the same run"
    )
    if sizes:
        lines.append("")
        lines.append(
            f"{'groups':>6}  {'calendars mgovern/floor':<32} "
            f"{'mgovern calendars --jobs 1: s, peak, per group, largest file':<58} "
            f"{'--jobs 2: speedup':<30} {'unchanged run':<14}"
        )
        for size, row in results["sizes"].items():
            if "calendars" not in row:
                continue
            c = row["calendars"]
            c["ratio"] = c["mgovern_seconds"] / c["floor_seconds"]
            ratio = f"{c['ratio']:5.2f}x {verdict(c['ratio'], 0.35, at_most=True)}"
            one = row["cli_calendars"]["jobs1"]
            one["mib_per_group"] = one["peak_mib"] / size
            memory = f"{one['seconds']:6.1f} s {one['peak_mib']:5.0f} MiB"
            if size == 2000:
                memory += " " + verdict(one["peak_mib"], 250, at_most=True)
            memory += (
                f", {one['mib_per_group'] * 1024:4.0f} KiB/group, "
                f"{c['largest_file_bytes'] / 2**20:.1f} MiB"
            )
            speedup = row["cli_calendars"]["speedup"]
            sped = f"{speedup:4.2f}x" + (
                f" {verdict(speedup, 1.6, at_most=False)}" if size == 2000 else ""
            )
            lines.append(
                f"{size:>6}  {ratio:<32} {memory:<58} {sped:<30} {one['unchanged_seconds']:5.1f} s"
            )
        lines.append("")
        lines.append(
            f"{'groups':>6}  {'occurrences mgovern/r-i-e':<46} {'routing route/naive':<42} check"
        )
        previous: tuple[int, float] | None = None
        for size, row in results["sizes"].items():
            cells = ["-"]
            if "occurrences" in row:
                o = row["occurrences"]
                o["ratio"] = o["mgovern_seconds"] / o["reader_seconds"]
                judged = verdict(o["ratio"], 0.2, at_most=True)
                cells[0] = f"{o['ratio']:5.2f}x {judged:<22} ({o['instants']} inst.)"
            r = row["routing"]
            r["ratio"] = r["route_per_second"] / r["naive_per_second"]
            judged = (
                verdict(r["ratio"], 20, at_most=False) if size >= 1000 else "(target from 1000)"
            )
            cells.append(f"{r['route_per_second']:7.0f}/s {r['ratio']:5.1f}x {judged}")
            k = row["check"]
            growth = ""
            if previous is not None:
                factor = k["seconds"] / previous[1]
                per_doubling = factor ** (1 / math.log2(size / previous[0]))
                k["growth"] = factor
                k["growth_per_doubling"] = per_doubling
                judged = verdict(per_doubling, 2.3, at_most=True)
                growth = f" x{factor:.2f}, {per_doubling:.2f}/doubling {judged}"
            cells.append(f"{k['seconds']:6.1f} s{growth}, {k['peak_mib']:.0f} MiB")
            previous = (size, k["seconds"])
            lines.append(f"{size:>6}  {cells[0]:<46} {cells[1]:<42} {cells[2]}")
        cli = results["cli"]
        lines.append("")
        lines.append(
            f"CLI start: mgovern --help {cli['mgovern_seconds'] * 1000:.0f} ms, "
            f"python -c pass {cli['python_seconds'] * 1000:.0f} ms: {cli['ratio']:.2f}x "
            f"{verdict(cli['ratio'], 5, at_most=True)}"
        )
    lines.append("")
    lines.append(
        "planning a year of the example's meetings: items per CPU second (ratio to 1,000 "
        "items), placed, left out, moves per item, peak memory"
    )
    base: float | None = None
    for count, p in results["plan"].items():
        base = base or p["items_per_second"]
        p["ratio"] = p["items_per_second"] / base
        judged = verdict(p["ratio"], 0.5, at_most=False) if count != min(results["plan"]) else ""
        lines.append(
            f"{count:>7} items  {p['items_per_second']:7.0f}/s ({p['ratio']:.2f}) {judged:<22} "
            f"{p['placed']:>6} placed, {p['unplaced']:>6} left out, "
            f"{p['moves'] / count:4.1f} moves/item, setup {p['setup_seconds']:.1f} s, "
            f"{p['peak_mib']:.0f} MiB"
        )
    results["seconds"] = time.perf_counter() - began
    print("\n".join(lines))
    options.output.parent.mkdir(parents=True, exist_ok=True)
    options.output.write_text(json.dumps(results, indent=2, default=str) + "\n", encoding="utf-8")
    print(f"\nwritten to {options.output}")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
