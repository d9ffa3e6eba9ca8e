"""The CalDAV publisher: one calendar collection per group, one resource per series.

``caldav://host[:port]/path/`` (plain HTTP) and ``caldavs://host[:port]/path/`` (HTTPS)
name a *calendar home*: the collection under which mgovern keeps one calendar per group
(``<home>/<group id>/``, display name the group's name) and, with ``--people``, one per
person (``<home>/people-<person id>/``). Each series (master and overrides) or
standalone meeting is the resource ``<uid>.ics`` in it, with the bytes of
:func:`mgovern.calendars.ical.series_resources` (no METHOD), marked and hashed by
:func:`mgovern_caldav._resources.prepare`.

For every resource mgovern would write it reads what the server holds and decides:

- not there: created (``If-None-Match: *``);
- the same content: kept, nothing is sent (so the ETag stays);
- different, and unchanged there since mgovern wrote it: updated (``If-Match`` with the
  ETag read, so a change made meanwhile is not overwritten either);
- different, and changed there by someone else (or never mgovern's): a conflict, left
  alone unless ``force``.

With ``prune``, resources marked as this organisation's whose series no longer exist
are deleted (``If-Match``), in the published collections and any other calendar under
the home; an unmarked resource is never touched, and a marked one changed there is a
conflict. Everything the network says goes through :class:`_Server`, which turns every
failure into a :class:`mgovern.calendars.publish.PublishError` naming the URL (without
credentials) and the HTTP status, never a password, nor a user name written in the URL.

Resources are built collection by collection as they are published (:func:`_collections`
is a generator): without ``--people`` one group's resources are in memory at a time; with
it, a group's (UIDs, bytes and hashes, not calendars) are kept until the last person
collection that shows them is published. Progress counts calendars, the total known up
front; resources are not counted before they are built.

The URL arrives checked by :func:`mgovern.urls.parse_url` (no password, no query, a
valid host and port); the constructor checks it again, for a publisher made directly.
"""

from __future__ import annotations

import os
from collections import Counter
from collections.abc import Iterator, Mapping, Sequence
from contextlib import contextmanager
from typing import TYPE_CHECKING, Any
from urllib.parse import quote, unquote, urljoin, urlsplit

from attrs import frozen

from mgovern.calendars.publish import Change, PublishError, PublishJob, PublishReport
from mgovern.urls import clip, parse_parts, redact
from mgovern_caldav._resources import Inspected, inspect, prepare

if TYPE_CHECKING:
    from urllib.parse import SplitResult

    from mgovern.calendars.publish import Credentials
    from mgovern.model import Organization

__all__ = ["CalDAVPublisher"]

SCHEMES = {"caldav": "http", "caldavs": "https"}
TIMEOUT_ENV = "MGOVERN_CALDAV_TIMEOUT"
DEFAULT_TIMEOUT = 30.0
_CONTENT_TYPE = "text/calendar; charset=utf-8"
#: Every calendar object of a collection with its ETag and data (RFC 4791 §7.8).
_CALENDAR_QUERY = """<?xml version="1.0" encoding="utf-8"?>
<C:calendar-query xmlns:D="DAV:" xmlns:C="urn:ietf:params:xml:ns:caldav">
  <D:prop><D:getetag/><C:calendar-data/></D:prop>
  <C:filter><C:comp-filter name="VCALENDAR"/></C:filter>
</C:calendar-query>
"""


@frozen
class _Desired:
    uid: str
    data: bytes
    digest: str


@frozen
class _Collection:
    name: str  # path segment under the home
    display: str
    resources: tuple[_Desired, ...]


@frozen
class _Remote:
    url: str
    etag: str | None
    seen: Inspected


class CalDAVPublisher:
    """``caldav://`` and ``caldavs://``: every group's series on a CalDAV server."""

    def __init__(self, parts: SplitResult, *, timeout: float | None = None) -> None:
        target = parse_parts(parts)  # already checked by publisher_for; made directly too
        scheme = SCHEMES.get(target.scheme)
        if scheme is None:
            raise PublishError(
                f"{clip(target.scheme, 32)}:// is not a CalDAV URL; use caldav:// or caldavs://"
            )
        path = target.path if target.path.endswith("/") else target.path + "/"
        self.url = f"{target.scheme}://{target.netloc}{path}"  # as shown: no user name
        self.home = f"{scheme}://{target.netloc}{path}"
        if timeout is None:
            try:
                timeout = float(os.environ.get(TIMEOUT_ENV) or DEFAULT_TIMEOUT)
            except ValueError:
                raise PublishError(
                    f"{TIMEOUT_ENV}={os.environ.get(TIMEOUT_ENV)!r} is not a number of seconds"
                ) from None
        self.timeout = timeout

    # --- the Publisher protocol ---------------------------------------------------------
    def publish_calendars(self, job: PublishJob) -> PublishReport:
        people = _people(job.org) if job.people else []
        names = {g.id for g in job.org.groups} | {name for name, _, _ in people}
        total = len(job.org.groups) + len(people)
        wanted: set[str] = set()  # for pruning: every UID, complete after the last collection
        changes: list[tuple[str, Change]] = []
        with _Server(self.home, self.url, job.credentials, self.timeout) as server:
            existing = server.calendars()
            done = 0  # not enumerate(): its reused tuple would hold the last collection
            for collection in _collections(job, people):
                if job.prune:
                    wanted.update(d.uid for d in collection.resources)
                changes += self._collection(server, job, existing, collection)
                done += 1  # noqa: SIM113
                if job.progress is not None:
                    job.progress("caldav", done, total)
                del collection  # not held while the next one is built
            if job.prune:
                for name in sorted(set(existing) - names):
                    remote = server.objects(existing[name])
                    changes += self._prune(server, job, name, remote, wanted)
        return PublishReport(tuple(changes))

    def put_documents(self, job: PublishJob, documents: Mapping[str, bytes]) -> PublishReport:
        raise PublishError("caldav:// stores calendars, not documents; use file:// or webdav://")

    # --- one collection, one resource -------------------------------------------------
    def _collection(
        self,
        server: _Server,
        job: PublishJob,
        existing: Mapping[str, str],
        collection: _Collection,
    ) -> list[tuple[str, Change]]:
        """Create, update and keep the collection's resources; with ``prune``, delete the
        ones of this organisation it no longer has."""
        url = urljoin(self.home, quote(collection.name, safe="") + "/")
        if collection.name in existing:
            remote = server.objects(url)
        else:
            remote = {}
            if not job.dry_run:
                server.make_calendar(collection.name, collection.display)
        changes: list[tuple[str, Change]] = []
        for desired in collection.resources:
            name = f"{collection.name}/{desired.uid}"
            changes.append((name, self._one(server, job, url, desired, remote)))
        if job.prune:
            keep = {d.uid for d in collection.resources}
            changes += self._prune(server, job, collection.name, remote, keep)
        return changes

    def _one(
        self,
        server: _Server,
        job: PublishJob,
        collection_url: str,
        desired: _Desired,
        remote: Mapping[str, _Remote],
    ) -> Change:
        there = remote.get(desired.uid)
        if there is None:
            if job.dry_run:
                return Change.CREATED
            url = urljoin(collection_url, quote(desired.uid, safe="") + ".ics")
            ok = server.put(url, desired.data, {"If-None-Match": "*"})
            return Change.CREATED if ok else Change.CONFLICT
        if there.seen.actual == desired.digest:
            return Change.KEPT
        if not (there.seen.unchanged or job.force):
            return Change.CONFLICT
        if job.dry_run:
            return Change.UPDATED
        ok = server.put(there.url, desired.data, _if_match(there.etag))
        return Change.UPDATED if ok else Change.CONFLICT

    def _prune(
        self,
        server: _Server,
        job: PublishJob,
        collection: str,
        remote: Mapping[str, _Remote],
        keep: set[str],
    ) -> list[tuple[str, Change]]:
        changes: list[tuple[str, Change]] = []
        for uid, there in sorted(remote.items()):
            if uid in keep or there.seen.org != job.org.id or there.seen.recorded is None:
                continue  # wanted, or not this organisation's: never deleted
            name = f"{collection}/{uid}"
            if not (there.seen.unchanged or job.force):
                changes.append((name, Change.CONFLICT))
            elif job.dry_run or server.delete(there.url, _if_match(there.etag)):
                changes.append((name, Change.DELETED))
            else:
                changes.append((name, Change.CONFLICT))
        return changes


# --- what to publish ------------------------------------------------------------------------
def _people(org: Organization) -> list[tuple[str, str, tuple[str, ...]]]:
    """Collection name, display name and group ids of every person in a group."""
    found = []
    for person in org.people:
        groups = tuple(g.id for g in org.groups_of(person.id))
        if groups:
            found.append((f"people-{person.id}", person.name, groups))
    return found


def _collections(
    job: PublishJob, people: Sequence[tuple[str, str, tuple[str, ...]]]
) -> Iterator[_Collection]:
    """Every group's collection, then every person's (of ``people``), each built when the
    publisher asks for it.

    A group's resources are kept after it is published only while a person collection
    still to come needs them (their UIDs, bytes and hashes; not the calendars), so
    without ``people`` the resources of one group are held at a time.
    """
    needed = Counter(g for _, _, groups in people for g in set(groups))
    held: dict[str, tuple[_Desired, ...]] = {}
    for group in job.org.groups:
        collection = _Collection(group.id, group.name, _group_resources(job, group.id))
        if needed[group.id]:
            held[group.id] = collection.resources
        yield collection
        del collection  # not held while the next group is built
    for name, display, groups in people:
        yield _Collection(name, display, _merged(held, groups))
        for g in set(groups):
            needed[g] -= 1
            if not needed[g]:
                del held[g]  # no person still to come sits in it


def _group_resources(job: PublishJob, group_id: str) -> tuple[_Desired, ...]:
    """The group's resources, each calendar serialised and let go as soon as it is."""
    from mgovern.calendars.ical import series_resources

    calendars = series_resources(job.org, group_id, job.start, job.end, stamp=job.stamp)
    calendars.reverse()
    found = []
    while calendars:
        uid, cal = calendars.pop()
        data, digest = prepare(cal, job.org.id)
        found.append(_Desired(uid, data, digest))
    return tuple(found)


def _merged(
    held: Mapping[str, tuple[_Desired, ...]], groups: tuple[str, ...]
) -> tuple[_Desired, ...]:
    """The resources of every group in ``groups``, sorted by UID (a person's calendar)."""
    merged = {d.uid: d for g in groups for d in held[g]}
    return tuple(merged[uid] for uid in sorted(merged))


def _if_match(etag: str | None) -> dict[str, str]:
    """If-Match with a strong ETag (a weak one never matches, RFC 9110 §13.1.1)."""
    if etag and not etag.startswith("W/"):
        return {"If-Match": etag}
    return {}


# --- the server ---------------------------------------------------------------------------
class _Server:
    """The caldav client, with every failure turned into one safe PublishError line."""

    def __init__(
        self, home: str, shown: str, credentials: Credentials | None, timeout: float
    ) -> None:
        self.home = home
        self.shown = redact(shown)  # the caldav(s):// URL the user gave
        self.credentials = credentials
        self.timeout = timeout
        self.client: Any = None

    def __enter__(self) -> _Server:
        from caldav.davclient import DAVClient

        with self._guard(self.home):
            self.client = DAVClient(
                url=self.home,
                username=self.credentials.username if self.credentials else None,
                password=self.credentials.password if self.credentials else None,
                timeout=self.timeout,  # type: ignore[arg-type]  # niquests takes a float
                enable_rfc6764=False,
                headers={"User-Agent": "mgovern-caldav"},
            )
        return self

    def __exit__(self, *exc: object) -> None:
        if self.client is not None:
            self.client.close()

    # --- requests --------------------------------------------------------------------
    def calendars(self) -> dict[str, str]:
        """The calendar collections directly under the home: name -> URL."""
        from caldav.collection import CalendarSet

        home_path = unquote(urlsplit(self.home).path)
        found: dict[str, str] = {}
        with self._guard(self.home):
            calendars: Any = CalendarSet(client=self.client, url=self.home).get_calendars()
        for calendar in calendars:
            url = str(calendar.url)
            path = unquote(urlsplit(url).path)
            parent, _, name = path.rstrip("/").rpartition("/")
            if parent + "/" == home_path and name:
                found[name] = url if url.endswith("/") else url + "/"
        return found

    def make_calendar(self, name: str, display: str) -> None:
        from caldav.collection import CalendarSet

        with self._guard(urljoin(self.home, quote(name, safe="") + "/")):
            CalendarSet(client=self.client, url=self.home).make_calendar(
                name=display,
                cal_id=quote(name, safe=""),
                supported_calendar_component_set=["VEVENT"],
            )

    def objects(self, collection_url: str) -> dict[str, _Remote]:
        """Every calendar object in the collection, by UID (unreadable ones left out)."""
        from caldav.elements import cdav, dav

        with self._guard(collection_url):
            response = self.client.report(collection_url, _CALENDAR_QUERY, depth=1)
            self._check(collection_url, response.status, "REPORT")
            props = response.expand_simple_props([dav.GetEtag(), cdav.CalendarData()])
        found: dict[str, _Remote] = {}
        for href, values in sorted(props.items()):
            data = values.get(cdav.CalendarData.tag)
            if not data:
                continue
            seen = inspect(data.encode("utf-8"))
            if seen.uid is None or seen.uid in found:
                continue
            found[seen.uid] = _Remote(
                urljoin(collection_url, href), values.get(dav.GetEtag.tag) or None, seen
            )
        return found

    def put(self, url: str, data: bytes, headers: Mapping[str, str]) -> bool:
        """PUT the bytes as they are; False when a precondition failed (a conflict)."""
        with self._guard(url):
            response = self.client.put(
                url, data, headers={"Content-Type": _CONTENT_TYPE, **headers}
            )
        if response.status in (409, 412):
            return False
        self._check(url, response.status, "PUT")
        return True

    def delete(self, url: str, headers: Mapping[str, str]) -> bool:
        """DELETE; False when a precondition failed, True when gone (also if already)."""
        with self._guard(url):
            response = self.client.delete(url, headers=dict(headers))
        if response.status == 412:
            return False
        if response.status == 404:
            return True
        self._check(url, response.status, "DELETE")
        return True

    # --- errors ------------------------------------------------------------------------
    def _check(self, url: str, status: int, method: str) -> None:
        if not 200 <= status < 300:
            raise self._error(url, status, f"{method} refused") from None

    def _error(self, url: str, status: int | None, what: str) -> PublishError:
        """One line naming the URL (as the user wrote it) and the HTTP status."""
        where = self._where(url)
        if status in (401, 403):
            who = (
                self.credentials.who
                if self.credentials
                else "no credentials given (set MGOVERN_USERNAME/MGOVERN_PASSWORD or use ~/.netrc)"
            )
            verb = "authentication failed" if status == 401 else "access denied"
            return PublishError(f"{where}: HTTP {status}, {verb} for {who}")
        if status == 404 and url == self.home:
            return PublishError(
                f"{where}: HTTP 404, not found: the URL must name an existing calendar home "
                "(e.g. caldavs://host/remote.php/dav/calendars/USER/ on Nextcloud)"
            )
        detail = f" (HTTP {status})" if status is not None else ""
        return PublishError(f"{where}: {what}{detail}; publishing stopped, re-run to resume")

    def _where(self, url: str) -> str:
        """The URL as the user wrote it (caldav[s]://...), never with credentials, and
        short enough for one line."""
        relative = url[len(self.home) :] if url.startswith(self.home) else ""
        shown = redact(self.shown + relative) if relative or url == self.home else redact(url)
        return clip(shown, 120)

    @contextmanager
    def _guard(self, url: str) -> Iterator[None]:
        """Translate caldav and HTTP library errors; never chain them (they may hold
        request headers)."""
        from caldav.lib import error
        from caldav.lib.http_sync import requests as http

        problem: tuple[int | None, str] | None = None
        try:
            yield
        except PublishError:
            raise
        except error.DAVError as exc:
            status = exc.status
            if status is None and isinstance(exc, error.RateLimitError):
                status = 429
            problem = (status, "the server refused")
        except http.exceptions.Timeout:
            problem = (None, f"no answer within {self.timeout:g} s (timeout)")
        except http.exceptions.ConnectionError:
            problem = (None, "cannot connect (is the server up? is the host name right?)")
        except (http.exceptions.RequestException, OSError) as exc:
            problem = (None, f"network error ({type(exc).__name__})")
        if problem is not None:
            raise self._error(url, *problem) from None
