"""Every calendar file of a run, each event serialised once.

A group's meeting appears in the group's file, in every member's file and in
``all.ics`` — six or seven times on average in a large organisation. Serialising each
calendar with :meth:`icalendar.Calendar.to_ical` turns the same VEVENT into text that
often; here icalendar serialises every VEVENT, every VTIMEZONE and every file's
calendar-level properties exactly **once**, and each file is assembled from those bytes.
The result is byte for byte what :func:`mgovern.ical.calendar` gives (a test compares
them), because a component's text inside a calendar is exactly its own ``to_ical()``:
``BEGIN:VCALENDAR``, the calendar's properties, each subcomponent, ``END:VCALENDAR``.

Files are produced one at a time (:func:`calendar_files` is a generator), so a caller
that writes each as it comes (:class:`mgovern.files.TrackedWriter`) holds one file and
the serialised events at a time, not every file of the run. With ``jobs`` above one the
groups' events are built and serialised in worker processes; the files are assembled in
the calling process in the same order, so the bytes do not depend on ``jobs``.
"""

from __future__ import annotations

import datetime as dt
import functools
import os
from collections.abc import Callable, Iterable, Iterator, Sequence
from operator import itemgetter
from typing import TYPE_CHECKING

from attrs import frozen
from icalendar import Component

from mgovern.ical import (
    _annual_meetings,
    _event_key,
    _serialise_events,
    _utc_stamp,
    calendar_properties,
    vtimezone,
)
from mgovern.model import Organization

if TYPE_CHECKING:
    import pluggy

__all__ = ["FeedEvents", "calendar_files", "default_jobs", "feed_names", "group_events"]

#: Below this many groups, worker processes cost more than they save (measured in
#: benchmarks/run.py: starting them and sending the events back takes about a second).
PARALLEL_FROM_GROUPS = 200


@frozen
class FeedEvents:
    """One group's VEVENTs in the window as iCalendar text, sorted as calendars list
    them, and the first and last day they touch (for the VTIMEZONE's range)."""

    group_id: str
    events: tuple[tuple[tuple[str, str, str], bytes], ...]
    first: dt.date | None
    last: dt.date | None


def group_events(
    org: Organization,
    group_id: str,
    start: dt.date,
    end: dt.date,
    *,
    stamp: dt.datetime | None = None,
    pm: pluggy.PluginManager | None = None,
) -> FeedEvents:
    """The group's events for ``[start, end]``, each serialised by icalendar once."""
    group = org.group(group_id)
    events, moments = _serialise_events(org, group, start, end, _utc_stamp(start, stamp), pm)
    parts = sorted(((_event_key(e), e.to_ical()) for e in events), key=itemgetter(0))
    days = [moment.date() for moment in moments]
    return FeedEvents(
        group.id, tuple(parts), min(days) if days else None, max(days) if days else None
    )


def feed_names(org: Organization, groups: Sequence[str] | None = None) -> list[str]:
    """The files a run writes, in the order :func:`calendar_files` yields them:
    ``groups/<id>.ics``, ``people/<id>.ics`` for everyone in one of those groups, and
    ``all.ics`` when every group is written."""
    chosen = [org.group(g).id for g in groups] if groups else [g.id for g in org.groups]
    people = sorted({p for g in chosen for p in org.group(g).participants})
    names = [f"groups/{g}.ics" for g in chosen] + [f"people/{p}.ics" for p in people]
    return names + ([] if groups else ["all.ics"])


def default_jobs() -> int:
    """The CPU count this process may use."""
    try:
        return len(os.sched_getaffinity(0))
    except AttributeError:  # not on every platform
        return os.cpu_count() or 1


def calendar_files(
    org: Organization,
    start: dt.date,
    end: dt.date,
    *,
    stamp: dt.datetime | None = None,
    groups: Sequence[str] | None = None,
    people: bool = True,
    everything: bool | None = None,
    method: str | None = "PUBLISH",
    extra: Callable[[str], Iterable[Component]] | None = None,
    jobs: int | None = 1,
    pm: pluggy.PluginManager | None = None,
    progress: Callable[[str, int, int], None] | None = None,
) -> Iterator[tuple[str, bytes]]:
    """Yield ``(relative path, bytes)`` for every calendar file of a run, in the order of
    :func:`feed_names`: each group's, each member's (``people``), and ``all.ics``
    (``everything``; by default when no ``groups`` are chosen).

    The bytes are those of :func:`mgovern.ical.calendar` for the same file. ``extra``
    gives components to append to a person's calendar (their open actions as VTODOs).
    ``jobs``: worker processes for building and serialising the events; None means
    :func:`default_jobs` when the organisation has at least
    :data:`PARALLEL_FROM_GROUPS` groups, else one.
    """
    chosen = [org.group(g).id for g in groups] if groups else [g.id for g in org.groups]
    if everything is None:
        everything = not groups
    stamp = _utc_stamp(start, stamp)
    needed = set(chosen)
    members = sorted({p for g in chosen for p in org.group(g).participants}) if people else []
    for member in members:
        needed.update(g.id for g in org.groups_of(member))
    if everything:
        needed.update(g.id for g in org.groups)
    order = [g.id for g in org.groups if g.id in needed]
    total = len(chosen) + len(members) + (1 if everything else 0)
    done = 0
    serialised: dict[str, FeedEvents] = {}
    for events in _all_group_events(org, order, start, end, stamp, jobs, pm):
        serialised[events.group_id] = events
    zones: dict[tuple[dt.date, dt.date], bytes] = {}

    def assemble(name: str, group_ids: Sequence[str], extras: Iterable[Component] = ()) -> bytes:
        parts = [serialised[g] for g in group_ids]
        head = calendar_properties(org, name, method).to_ical()
        closing = b"END:VCALENDAR\r\n"
        if not head.endswith(closing):  # icalendar's own text; guard the assumption
            raise AssertionError("icalendar closed a calendar differently")
        chunks = [head[: -len(closing)]]
        firsts = [p.first for p in parts if p.first is not None]
        lasts = [p.last for p in parts if p.last is not None]
        if any(p.events for p in parts) and firsts and lasts:
            span = (min(firsts), max(lasts))
            if span not in zones:
                zones[span] = vtimezone(org.timezone, *span).to_ical()
            chunks.append(zones[span])
        events = [e for p in parts for e in p.events]
        if len(parts) > 1:
            events.sort(key=itemgetter(0))
        chunks.extend(data for _, data in events)
        chunks.extend(component.to_ical() for component in extras)
        chunks.append(closing)
        return b"".join(chunks)

    for group_id in chosen:
        yield f"groups/{group_id}.ics", assemble(org.group(group_id).name, [group_id])
        done += 1
        if progress is not None:
            progress("calendars", done, total)
    for person_id in members:
        extras = list(extra(person_id)) if extra is not None else []
        yield (
            f"people/{person_id}.ics",
            assemble(org.person(person_id).name, [g.id for g in org.groups_of(person_id)], extras),
        )
        done += 1
        if progress is not None:
            progress("calendars", done, total)
    if everything:
        yield "all.ics", assemble(org.name, [g.id for g in org.groups])
        done += 1
        if progress is not None:
            progress("calendars", done, total)


# --- worker processes ----------------------------------------------------------------------
_WORK: dict[str, object] = {}


def _all_group_events(
    org: Organization,
    group_ids: list[str],
    start: dt.date,
    end: dt.date,
    stamp: dt.datetime,
    jobs: int | None,
    pm: pluggy.PluginManager | None,
) -> Iterator[FeedEvents]:
    """Each group's serialised events, in ``group_ids`` order, from this process or from
    ``jobs`` worker processes."""
    workers = _workers(jobs, len(org.groups))
    if workers <= 1 or len(group_ids) < 2:
        for group_id in group_ids:
            yield group_events(org, group_id, start, end, stamp=stamp, pm=pm)
        return
    import multiprocessing
    from concurrent.futures import ProcessPoolExecutor

    _annual_meetings(org, start, end, pm)  # computed once here, inherited by the workers
    size = max(1, len(group_ids) // (workers * 8))
    chunks = [group_ids[i : i + size] for i in range(0, len(group_ids), size)]
    fork = "fork" in multiprocessing.get_all_start_methods()
    if fork:  # the workers inherit the organisation and plugin manager as they are
        _WORK.update(org=org, pm=pm)
    pool = ProcessPoolExecutor(
        workers,
        mp_context=multiprocessing.get_context("fork" if fork else None),
        initializer=None if fork else functools.partial(_receive, org),
    )
    try:
        with pool:
            for chunk in pool.map(_serialise_chunk, chunks, [(start, end, stamp)] * len(chunks)):
                yield from chunk
    finally:
        _WORK.clear()


def _workers(jobs: int | None, groups: int) -> int:
    if jobs is None:
        return default_jobs() if groups >= PARALLEL_FROM_GROUPS else 1
    return max(1, jobs)


def _receive(org: Organization) -> None:  # pragma: no cover - platforms without fork
    _WORK.update(org=org, pm=None)


def _serialise_chunk(
    group_ids: list[str], window: tuple[dt.date, dt.date, dt.datetime]
) -> list[FeedEvents]:
    org = _WORK["org"]
    pm = _WORK.get("pm")
    assert isinstance(org, Organization)
    start, end, stamp = window
    return [
        group_events(org, g, start, end, stamp=stamp, pm=pm)  # type: ignore[arg-type]
        for g in group_ids
    ]
