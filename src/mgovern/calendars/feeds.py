"""Every calendar file of a run, each event serialised once.

A group's meeting appears in the group's file, in every member's file and in
``all.ics``: serialising each calendar with :meth:`icalendar.Calendar.to_ical` turns the
same VEVENT into text that often (five times on average in the benchmark's
organisations). Here icalendar serialises every VEVENT, every VTIMEZONE and the lines of
every file's opening exactly **once**, and each file is assembled from those bytes. The
result is byte for byte what :func:`mgovern.calendars.ical.calendar` gives (a test compares them),
because a component's text inside a calendar is exactly its own ``to_ical()``:
``BEGIN:VCALENDAR``, the calendar's properties, each subcomponent, ``END:VCALENDAR``.

Files are produced one at a time (:func:`calendar_files` is a generator), so a caller
that writes each as it comes (:class:`mgovern.files.TrackedWriter`) holds one file and
the serialised events at a time, not every file of the run. With ``jobs`` above one the
groups' events are built and serialised in worker processes (:mod:`mgovern._util.processes`),
and :func:`write_calendar_files` also has workers assemble, compare and stage a share of
the files each; the bytes and the writer's results do not depend on ``jobs``.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable, Iterable, Iterator, Sequence
from concurrent.futures.process import BrokenProcessPool
from operator import itemgetter
from typing import TYPE_CHECKING

from attrs import frozen
from icalendar import Calendar, Component

from mgovern._util import processes
from mgovern.calendars.cycles import validate_schedule
from mgovern.calendars.ical import (
    add_name,
    annual_meetings,
    build_group_events,
    calendar_properties,
    event_order,
    utc_stamp,
    vtimezone,
)
from mgovern.files import TrackedWriter
from mgovern.model import Organization

if TYPE_CHECKING:
    import pluggy

__all__ = [
    "PARALLEL_FROM_GROUPS",
    "FeedEvents",
    "calendar_files",
    "feed_names",
    "group_events",
    "write_calendar_files",
]

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
    validate: bool = False,
) -> FeedEvents:
    """The group's events for ``[start, end]``, each serialised by icalendar once.

    ``validate``: first :func:`mgovern.calendars.cycles.validate_schedule` for the group (a rule
    that matches no date in the window is an error), as ``mgovern calendars`` wants."""
    group = org.group(group_id)
    if validate:
        validate_schedule(org, start, end, groups=[group.id], pm=pm)
    events, moments = build_group_events(org, group, start, end, utc_stamp(start, stamp), pm)
    parts = sorted(((event_order(e), e.to_ical()) for e in events), key=itemgetter(0))
    days = [moment.date() for moment in moments]
    return FeedEvents(
        group.id, tuple(parts), min(days) if days else None, max(days) if days else None
    )


@frozen
class _File:
    """One file of a run: its path, its calendar's name, whose events it shows, and
    whose open actions (a person's) it appends."""

    path: str
    name: str
    group_ids: tuple[str, ...]
    person: str | None = None


def _files(
    org: Organization, groups: Sequence[str] | None, people: bool, everything: bool | None
) -> list[_File]:
    """The files of a run, in order: each chosen group's (default: all), each of their
    participants' (``people``), and ``all.ics`` (``everything``; by default when no
    groups are chosen)."""
    chosen = [org.group(g).id for g in groups] if groups else [g.id for g in org.groups]
    if everything is None:
        everything = not groups
    members = sorted({p for g in chosen for p in org.group(g).participants}) if people else []
    files = [_File(f"groups/{g}.ics", org.group(g).name, (g,)) for g in chosen]
    files += [
        _File(f"people/{p}.ics", org.person(p).name, tuple(g.id for g in org.groups_of(p)), p)
        for p in members
    ]
    if everything:
        files.append(_File("all.ics", org.name, tuple(g.id for g in org.groups)))
    return files


def feed_names(org: Organization, groups: Sequence[str] | None = None) -> list[str]:
    """The files a run writes, in the order :func:`calendar_files` yields them:
    ``groups/<id>.ics``, ``people/<id>.ics`` for everyone in one of those groups, and
    ``all.ics`` when every group is written."""
    return [file.path for file in _files(org, groups, people=True, everything=None)]


class _Run:
    """Every file of one run, and what they are assembled from."""

    def __init__(
        self,
        org: Organization,
        start: dt.date,
        end: dt.date,
        *,
        stamp: dt.datetime | None,
        groups: Sequence[str] | None,
        people: bool,
        everything: bool | None,
        method: str | None,
        extra: Callable[[str], Iterable[Component]] | None,
    ) -> None:
        self.files = _files(org, groups, people, everything)
        needed = {g for f in self.files for g in f.group_ids}
        self.order = [g.id for g in org.groups if g.id in needed]
        self.org, self.start, self.end = org, start, end
        self.stamp = utc_stamp(start, stamp)
        self.extra = extra
        self.events: dict[str, FeedEvents] = {}
        self.zones: dict[tuple[dt.date, dt.date], bytes] = {}
        self.head = _Heads(org, method)

    def serialise(
        self,
        jobs: int | None,
        pm: pluggy.PluginManager | None,
        *,
        validate: bool = False,
        progress: Callable[[str, int, int], None] | None = None,
    ) -> None:
        for done, events in enumerate(
            _all_group_events(
                self.org, self.order, self.start, self.end, self.stamp, jobs, pm, validate
            ),
            1,
        ):
            self.events[events.group_id] = events
            if progress is not None and (done % 16 == 0 or done == len(self.order)):
                progress("events", done, len(self.order))

    def assemble(self, file: _File) -> bytes:
        parts = [self.events[g] for g in file.group_ids]
        chunks = [self.head.opening(file.name)]
        firsts = [p.first for p in parts if p.first is not None]
        lasts = [p.last for p in parts if p.last is not None]
        if any(p.events for p in parts) and firsts and lasts:
            span = (min(firsts), max(lasts))
            if span not in self.zones:
                self.zones[span] = vtimezone(self.org.timezone, *span).to_ical()
            chunks.append(self.zones[span])
        events = [e for p in parts for e in p.events]
        if len(parts) > 1:
            events.sort(key=itemgetter(0))
        chunks.extend(data for _, data in events)
        if file.person is not None and self.extra is not None:
            chunks.extend(component.to_ical() for component in self.extra(file.person))
        chunks.append(self.head.closing)
        return b"".join(chunks)


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

    The bytes are those of :func:`mgovern.calendars.ical.calendar` for the same file. ``extra``
    gives components to append to a person's calendar (their open actions as VTODOs).
    ``jobs``: worker processes for building and serialising the events; None means
    :func:`mgovern._util.processes.default_processes` when the organisation has at least
    :data:`PARALLEL_FROM_GROUPS` groups, else one.
    """
    run = _Run(
        org,
        start,
        end,
        stamp=stamp,
        groups=groups,
        people=people,
        everything=everything,
        method=method,
        extra=extra,
    )
    run.serialise(jobs, pm, progress=progress)
    for done, file in enumerate(run.files, 1):
        yield file.path, run.assemble(file)
        if progress is not None:
            progress("calendars", done, len(run.files))


def write_calendar_files(
    writer: TrackedWriter,
    org: Organization,
    start: dt.date,
    end: dt.date,
    *,
    stamp: dt.datetime | None = None,
    groups: Sequence[str] | None = None,
    extra: Callable[[str], Iterable[Component]] | None = None,
    jobs: int | None = 1,
    pm: pluggy.PluginManager | None = None,
    progress: Callable[[str, int, int], None] | None = None,
    validate: bool = False,
) -> dict[str, int]:
    """Give every file of :func:`calendar_files` to ``writer`` (which stages it); the
    size of each file in bytes.

    With several ``jobs`` (and where processes can be forked) the files are also
    assembled, compared and staged in worker processes, a share of the files each; the
    writer ends up with the same results and staged files as in one process.
    ``validate``: check each group's schedule first (see :func:`group_events`); the
    first error, in the order of the groups, is raised before any file is given.
    """
    run = _Run(
        org,
        start,
        end,
        stamp=stamp,
        groups=groups,
        people=True,
        everything=None,
        method="PUBLISH",
        extra=extra,
    )
    run.serialise(jobs, pm, validate=validate, progress=progress)
    workers = _workers(jobs, len(org.groups))
    total = len(run.files)
    sizes: dict[str, int] = {}
    if workers <= 1 or total < 2 or not _can_fork():
        for done, file in enumerate(run.files, 1):
            data = run.assemble(file)
            writer.add(file.path, data)
            sizes[file.path] = len(data)
            if progress is not None:
                progress("calendars", done, total)
        return sizes
    writer.prepare()  # one staging folder, made before the workers share it
    # the largest files (all.ics holds every event) first and alone, so that no worker
    # is left with one at the end; then the rest in runs of neighbouring files
    largest = sorted(range(total), key=lambda i: -len(run.files[i].group_ids))[: workers - 1]
    alone = set(largest)
    rest = [i for i in range(total) if i not in alone]
    step = max(1, len(rest) // (workers * 8))
    shares = [[i] for i in largest] + [rest[i : i + step] for i in range(0, len(rest), step)]
    _WORK.update(run=run, writer=writer)
    done = 0
    try:
        with processes.pool(min(workers, len(shares))) as pool:
            for share in pool.map(_write_share, shares):
                writer.merge(share.results, share.staged)
                sizes.update(share.sizes)
                done += len(share.results)
                if progress is not None:
                    progress("calendars", done, total)
    except BrokenProcessPool:
        raise processes.WorkerError from None
    finally:
        _WORK.clear()
    return sizes


@frozen
class _Share:
    results: list[tuple[str, str]]
    staged: list[str]
    sizes: dict[str, int]


def _write_share(indexes: list[int]) -> _Share:
    """In a worker: assemble, compare and stage a share of the run's files."""
    run = _WORK["run"]
    writer = _WORK["writer"]
    assert isinstance(run, _Run)
    assert isinstance(writer, TrackedWriter)
    writer.drain()  # this process's copy: only what this share adds goes back
    sizes = {}
    for index in indexes:
        file = run.files[index]
        data = run.assemble(file)
        writer.add(file.path, data)
        sizes[file.path] = len(data)
    results, staged = writer.drain()
    return _Share(results, staged, sizes)


class _Heads:
    """The opening of each file — ``BEGIN:VCALENDAR`` and the calendar's properties —
    from icalendar's text of each property line: the lines that do not carry the name
    are serialised once per run, the name lines once per file."""

    def __init__(self, org: Organization, method: str | None) -> None:
        template = calendar_properties(org, "-", method)
        self.keys = template.sorted_keys()
        self.lines = {k: template.content_line(k, template[k]).to_ical() for k in self.keys}
        empty = Calendar().to_ical()  # BEGIN:VCALENDAR, END:VCALENDAR
        self.begin, _, closing = empty.partition(b"\r\n")
        self.closing = closing
        self._check: tuple[Organization, str | None] | None = (org, method)

    def opening(self, name: str) -> bytes:
        named = Calendar()
        add_name(named, name)
        lines = [
            named.content_line(k, named[k]).to_ical() if k in named else self.lines[k]
            for k in self.keys
        ]
        text = b"\r\n".join([self.begin, *lines]) + b"\r\n"
        if self._check is not None:  # the first file: the same as icalendar's whole text
            whole = calendar_properties(self._check[0], name, self._check[1]).to_ical()
            if whole != text + self.closing:
                raise AssertionError("the calendar's opening differs from icalendar's text")
            self._check = None
        return text


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
    validate: bool = False,
) -> Iterator[FeedEvents]:
    """Each group's serialised events, in ``group_ids`` order, from this process or from
    ``jobs`` worker processes."""
    workers = _workers(jobs, len(org.groups))
    if pm is not None and not _can_fork():
        workers = 1  # the caller's plugin manager cannot be sent to a spawned worker
    if workers <= 1 or len(group_ids) < 2:
        for group_id in group_ids:
            yield group_events(org, group_id, start, end, stamp=stamp, pm=pm, validate=validate)
        return
    annual_meetings(org, start, end, pm)  # computed once here, inherited by the workers
    size = max(1, len(group_ids) // (workers * 8))
    chunks = [group_ids[i : i + size] for i in range(0, len(group_ids), size)]
    if _can_fork():  # the workers inherit the organisation and plugin manager as they are
        _WORK.update(org=org, pm=pm)
    window = (start, end, stamp, validate)
    try:
        with processes.pool(
            min(workers, len(chunks)),
            initializer=None if _can_fork() else _receive,
            initargs=() if _can_fork() else (org,),
        ) as pool:
            for chunk in pool.map(_serialise_chunk, chunks, [window] * len(chunks)):
                yield from chunk
    except BrokenProcessPool:
        raise processes.WorkerError from None
    finally:
        _WORK.clear()


def _can_fork() -> bool:
    """Whether workers are forked, and so inherit what this process built."""
    return processes.start_method() == "fork"


def _workers(jobs: int | None, groups: int) -> int:
    if jobs is None:
        return processes.default_processes() if groups >= PARALLEL_FROM_GROUPS else 1
    return max(1, jobs)


def _receive(org: Organization) -> None:  # pragma: no cover - platforms without fork
    _WORK.update(org=org, pm=None)


def _serialise_chunk(
    group_ids: list[str], window: tuple[dt.date, dt.date, dt.datetime, bool]
) -> list[FeedEvents]:
    org = _WORK["org"]
    pm = _WORK.get("pm")
    assert isinstance(org, Organization)
    start, end, stamp, validate = window
    return [
        group_events(org, g, start, end, stamp=stamp, pm=pm, validate=validate)  # type: ignore[arg-type]
        for g in group_ids
    ]
