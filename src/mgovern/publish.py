"""Publishers by URL scheme: where calendars and documents go.

A plugin registers a publisher class for one or more URL schemes through the
``mgovern_register_publishers(register)`` hook; the core registers ``file://``.
``mgovern publish URL`` and ``mgovern documents --to URL`` pick the publisher by the
URL's scheme. A publisher must be safe to run every night: idempotent (the same input
changes nothing), never overwriting what someone else changed unless forced, and
failing with one clear line (exit 2) when the far end says no.

Credentials never travel in the URL (process lists show command lines): they come from
``MGOVERN_USERNAME`` / ``MGOVERN_PASSWORD`` or a netrc file, and never appear in output,
logs or exceptions.
"""

from __future__ import annotations

import datetime as dt
import enum
import netrc
import os
from collections.abc import Callable, Mapping, Sequence
from pathlib import Path
from typing import TYPE_CHECKING, Protocol
from urllib.parse import SplitResult, urlsplit, urlunsplit

import attrs
from attrs import frozen

from mgovern.exceptions import MgovernError
from mgovern.model import Organization

if TYPE_CHECKING:
    import pluggy

__all__ = [
    "Change",
    "Credentials",
    "PublishError",
    "PublishJob",
    "PublishReport",
    "Publisher",
    "calendar_files",
    "credentials_for",
    "publisher_for",
    "publishers",
    "redact",
]


class PublishError(MgovernError):
    """The far end refused or could not be reached; the message is safe to print."""


class Change(enum.StrEnum):
    CREATED = "created"
    UPDATED = "updated"
    DELETED = "deleted"
    KEPT = "kept"  # already as published
    CONFLICT = "conflict"  # changed there by someone else: left alone (see --force)


@frozen
class Credentials:
    username: str
    password: str = attrs.field(repr=False)

    def __repr__(self) -> str:  # never show the password, not even in a traceback
        return f"Credentials(username={self.username!r}, password=***)"


@frozen
class PublishJob:
    """What to publish where, and how carefully."""

    org: Organization
    url: str  # without credentials
    start: dt.date
    end: dt.date
    stamp: dt.datetime | None = None
    dry_run: bool = False
    prune: bool = False
    force: bool = False
    people: bool = False  # also one calendar per person, where the target supports it
    credentials: Credentials | None = attrs.field(default=None, repr=False)
    progress: Callable[[str, int, int], None] | None = attrs.field(
        default=None, eq=False, repr=False
    )


@frozen
class PublishReport:
    """Each resource (a path, or collection/uid) and what happened to it."""

    changes: tuple[tuple[str, Change], ...]

    def of(self, change: Change) -> tuple[str, ...]:
        return tuple(name for name, what in self.changes if what is change)

    @property
    def conflicts(self) -> tuple[str, ...]:
        return self.of(Change.CONFLICT)

    def summary(self) -> str:
        counts = {c: len(self.of(c)) for c in Change}
        return ", ".join(f"{n} {c.value}" for c, n in counts.items())


class Publisher(Protocol):
    """What a plugin implements for its URL schemes."""

    def publish_calendars(self, job: PublishJob) -> PublishReport:
        """Put every group's (and with ``job.people`` every person's) series there."""
        ...

    def put_documents(self, job: PublishJob, documents: Mapping[str, bytes]) -> PublishReport:
        """Store documents at paths relative to the URL (``klg/2026-03-17/kallelse.docx``)."""
        ...


PublisherFactory = Callable[[SplitResult], Publisher]


def publishers(pm: pluggy.PluginManager | None = None) -> dict[str, PublisherFactory]:
    """Every registered URL scheme and its publisher factory."""
    if pm is None:
        from mgovern.plugins import plugin_manager

        pm = plugin_manager()
    found: dict[str, PublisherFactory] = {}

    def register(scheme: str, factory: PublisherFactory) -> None:
        scheme = scheme.lower()
        if scheme in found:
            raise MgovernError(f"two plugins register the URL scheme {scheme!r}")
        found[scheme] = factory

    pm.hook.mgovern_register_publishers(register=register)
    return found


def redact(url: str) -> str:
    """The URL without any user or password in it."""
    parts = urlsplit(url)
    host = parts.hostname or ""
    if ":" in host:  # an IPv6 address keeps its brackets
        host = f"[{host}]"
    if parts.port:
        host = f"{host}:{parts.port}"
    return urlunsplit((parts.scheme, host, parts.path, parts.query, parts.fragment))


def publisher_for(
    url: str, pm: pluggy.PluginManager | None = None
) -> tuple[Publisher, SplitResult]:
    """The publisher for a URL; refuses a password in it (process lists show it)."""
    parts = urlsplit(url)
    if parts.password is not None:
        raise PublishError(
            f"{redact(url)}: the URL holds a password, which other users can read in the "
            "process list; remove it and set MGOVERN_USERNAME/MGOVERN_PASSWORD or use ~/.netrc"
        )
    available = publishers(pm)
    factory = available.get(parts.scheme.lower())
    if factory is None and not parts.scheme:
        raise PublishError(
            f"{url!r} has no scheme: write a URL such as file://{Path(url).absolute()} "
            "or caldavs://host/path/"
        )
    if factory is None:
        schemes = ", ".join(f"{s}://" for s in sorted(available))
        raise PublishError(
            f"no publisher for {parts.scheme or 'a URL without a scheme'}:// "
            f"(installed: {schemes}); install the plugin for it"
        )
    return factory(parts), parts


def credentials_for(
    parts: SplitResult, environ: Mapping[str, str] | None = None
) -> Credentials | None:
    """From MGOVERN_USERNAME/MGOVERN_PASSWORD, else the netrc entry for the host."""
    env = os.environ if environ is None else environ
    username = env.get("MGOVERN_USERNAME") or parts.username
    password = env.get("MGOVERN_PASSWORD")
    if username and password is not None:
        return Credentials(username, password)
    path = env.get("NETRC") or str(Path.home() / ".netrc")
    try:
        entry = netrc.netrc(path).authenticators(parts.hostname or "")
    except (FileNotFoundError, netrc.NetrcParseError, OSError):
        entry = None
    if entry is not None:
        login, _, secret = entry
        if secret is not None:
            return Credentials(username or login or "", secret)
    return None


def calendar_files(job: PublishJob) -> dict[str, bytes]:
    """The feeds as files, by relative path: ``groups/<id>.ics`` for every group,
    ``people/<id>.ics`` for everyone who sits in one, and ``all.ics``; what
    ``mgovern calendars`` writes and file-like stores (file://, webdav://) publish."""
    from mgovern.ical import calendar

    org = job.org
    start, end, stamp = job.start, job.end, job.stamp
    files = {
        f"groups/{g.id}.ics": calendar(org, group=g.id, start=start, end=end, stamp=stamp).to_ical()
        for g in org.groups
    }
    for person in org.people:
        if org.groups_of(person.id):
            files[f"people/{person.id}.ics"] = calendar(
                org, person=person.id, start=start, end=end, stamp=stamp
            ).to_ical()
    files["all.ics"] = calendar(org, start=start, end=end, stamp=stamp).to_ical()
    return files


# --- the built-in file:// publisher -------------------------------------------------------
class FilePublisher:
    """``file:///path``: the same files as ``mgovern calendars``, and documents as files.

    A file changed in the folder since mgovern wrote it is a conflict, left alone unless
    ``--force`` (see :func:`mgovern.files.write_tracked`)."""

    def __init__(self, parts: SplitResult) -> None:
        if parts.netloc not in ("", "localhost"):
            raise PublishError(f"file:// URLs name a local folder, not the host {parts.netloc!r}")
        self.root = Path(parts.path or ".")

    def publish_calendars(self, job: PublishJob) -> PublishReport:
        return self._write(job, calendar_files(job))

    def put_documents(self, job: PublishJob, documents: Mapping[str, bytes]) -> PublishReport:
        return self._write(job, documents)

    def _write(self, job: PublishJob, files: Mapping[str, bytes]) -> PublishReport:
        from mgovern.files import write_tracked

        results = write_tracked(self.root, files, force=job.force, dry_run=job.dry_run)
        return PublishReport(tuple((name, Change(what)) for name, what in results))


def file_publisher(parts: SplitResult) -> Publisher:
    return FilePublisher(parts)


def document_paths(group_id: str, day: dt.date, names: Sequence[str]) -> list[str]:
    """Where documents of a meeting go: a folder per group and meeting date."""
    return [f"{group_id}/{day.isoformat()}/{name}" for name in names]
