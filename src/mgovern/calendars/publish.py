"""Publishers by URL scheme: where calendars and documents go.

A plugin registers a publisher class for one or more URL schemes through the
``mgovern_register_publishers(register)`` hook; the core registers ``file://``.
``mgovern publish URL`` and ``mgovern documents --out URL`` pick the publisher with
:func:`publisher_for`, which checks the URL with :func:`mgovern.urls.parse_url` first
(a password in it is refused before anything else) and hands the factory the checked
URL without any user name in it. A publisher must be safe to run every night:
idempotent (the same input changes nothing), never overwriting what someone else
changed unless forced, and failing with one clear line (exit 2) when the far end says
no.

Credentials never travel in the URL (process lists show command lines). They come, in
this order, from ``MGOVERN_USERNAME`` and ``MGOVERN_PASSWORD``; else from the entry for
the host in ``~/.netrc`` (or the file ``NETRC`` names). A user name alone may be written
in the URL (``caldavs://mgovern@host/``); ``MGOVERN_USERNAME`` wins over it, and the
password still comes from ``MGOVERN_PASSWORD`` or netrc. No user name written in the URL
and no password ever appears in output, logs or exceptions.
"""

from __future__ import annotations

import datetime as dt
import enum
import netrc
import os
from collections.abc import Callable, Iterable, Mapping, Sequence
from pathlib import Path
from typing import TYPE_CHECKING, Protocol
from urllib.parse import SplitResult, unquote

import attrs
from attrs import frozen

from mgovern.exceptions import MgovernError
from mgovern.model import Organization
from mgovern.urls import URL, URLError, clip, parse_parts, parse_url, redact

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
    #: The user name was written in the URL: messages do not name it.
    username_from_url: bool = attrs.field(default=False, kw_only=True)

    def __repr__(self) -> str:  # never show the password, not even in a traceback
        return f"Credentials(username={self.who!r}, password=***)"

    @property
    def who(self) -> str:
        """The user, as messages name it (not by a name written in the URL)."""
        if self.username_from_url:
            return "the user named in the URL"
        return f"user {clip(self.username, 60)!r}"


def _shown(url: str | URL) -> str:
    return url.text if isinstance(url, URL) else redact(url)


@frozen
class PublishJob:
    """What to publish where, and how carefully."""

    org: Organization
    url: str = attrs.field(converter=_shown)  # as messages may show it: no user name
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
    #: processes building the feeds (:func:`mgovern.calendars.feeds.calendar_files`); None: the
    #: idle CPUs when the organisation is large enough to gain
    jobs: int | None = 1


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


def publisher_for(url: str, pm: pluggy.PluginManager | None = None) -> tuple[Publisher, URL]:
    """The publisher for a URL, and the URL as checked (for :func:`credentials_for`).

    The URL goes through :func:`mgovern.urls.parse_url` before the plugins are even
    loaded; the factory gets it as a :class:`~urllib.parse.SplitResult` without a user
    name (:meth:`mgovern.urls.URL.parts`).
    """
    try:
        target = parse_url(url)
    except URLError as exc:
        raise PublishError(str(exc)) from None
    available = publishers(pm)
    factory = available.get(target.scheme)
    if factory is None:
        raise PublishError(_no_publisher(target.scheme, sorted(available)))
    return factory(target.parts()), target


def _no_publisher(scheme: str, available: Sequence[str]) -> str:
    installed = ", ".join(f"{s}://" for s in available)
    hint = "install the plugin for it"
    if scheme in ("http", "https"):
        secure = "s" if scheme == "https" else ""
        hint = (
            f"for a WebDAV folder write webdav{secure}:// (mgovern-documents), for a "
            f"calendar server caldav{secure}:// (mgovern-caldav)"
        )
    elif scheme == "webcal":
        hint = (
            "webcal:// is how people subscribe; publish to file:// or webdavs:// and give "
            "them that address as webcal://"
        )
    return f"no publisher for {clip(scheme, 32)}:// (installed: {installed}); {hint}"


def credentials_for(
    url: URL | SplitResult, environ: Mapping[str, str] | None = None
) -> Credentials | None:
    """From MGOVERN_USERNAME/MGOVERN_PASSWORD, else the netrc entry for the host.

    A user name written in the URL is used when MGOVERN_USERNAME is not set.
    """
    target = url if isinstance(url, URL) else parse_parts(url)
    env = os.environ if environ is None else environ
    from_env = env.get("MGOVERN_USERNAME")
    username = from_env or target.username
    from_url = not from_env and target.username is not None
    password = env.get("MGOVERN_PASSWORD")
    if username and password is not None:
        return Credentials(username, password, username_from_url=from_url)
    try:
        path = env.get("NETRC") or str(Path.home() / ".netrc")
        entry = netrc.netrc(path).authenticators(target.host)
    except (netrc.NetrcParseError, OSError, RuntimeError):  # RuntimeError: no home
        entry = None
    if entry is not None:
        login, _, secret = entry
        if secret is not None:
            return Credentials(username or login or "", secret, username_from_url=from_url)
    return None


def calendar_files(job: PublishJob) -> dict[str, bytes]:
    """The feeds as files, by relative path: ``groups/<id>.ics`` for every group,
    ``people/<id>.ics`` for everyone who sits in one, and ``all.ics``; what ``mgovern
    calendars`` writes (:func:`mgovern.calendars.feeds.calendar_files`, which gives them one at a
    time), as one mapping for stores that need every name at once (webdav://, which
    prunes)."""
    from mgovern.calendars.feeds import calendar_files as feeds

    return dict(
        feeds(job.org, job.start, job.end, stamp=job.stamp, jobs=job.jobs, progress=job.progress)
    )


# --- the built-in file:// publisher -------------------------------------------------------
class FilePublisher:
    """``file:///path``: the same files as ``mgovern calendars``, and documents as files.

    A file changed in the folder since mgovern wrote it is a conflict, left alone unless
    ``--force`` (see :func:`mgovern.files.write_tracked`)."""

    def __init__(self, parts: SplitResult) -> None:
        target = parse_parts(parts)
        if target.host.lower() not in ("", "localhost"):
            raise PublishError(
                f"{clip(target.text)}: file:// names a folder on this machine, not one on the "
                f"host {clip(target.host, 60)!r}; write file:///path/to/folder"
            )
        if not target.path:
            raise PublishError(
                "file:// without a folder; write file:///path/to/folder "
                "(or file:folder, relative to the current one)"
            )
        self.root = Path(unquote(target.path))

    def publish_calendars(self, job: PublishJob) -> PublishReport:
        from mgovern.calendars.feeds import write_calendar_files
        from mgovern.files import TrackedWriter

        with TrackedWriter(self.root, force=job.force, dry_run=job.dry_run) as writer:
            write_calendar_files(
                writer,
                job.org,
                job.start,
                job.end,
                stamp=job.stamp,
                jobs=job.jobs,
                progress=job.progress,
            )
        return PublishReport(tuple((name, Change(what)) for name, what in writer.results))

    def put_documents(self, job: PublishJob, documents: Mapping[str, bytes]) -> PublishReport:
        return self._write(job, documents.items())

    def _write(self, job: PublishJob, files: Iterable[tuple[str, bytes]]) -> PublishReport:
        """Each file staged as it comes, all put in place at the end (or none)."""
        from mgovern.files import TrackedWriter

        with TrackedWriter(self.root, force=job.force, dry_run=job.dry_run) as writer:
            for name, data in files:
                writer.add(name, data)
        return PublishReport(tuple((name, Change(what)) for name, what in writer.results))


def file_publisher(parts: SplitResult) -> Publisher:
    return FilePublisher(parts)


def document_paths(group_id: str, day: dt.date, names: Sequence[str]) -> list[str]:
    """Where documents of a meeting go: a folder per group and meeting date."""
    return [f"{group_id}/{day.isoformat()}/{name}" for name in names]
