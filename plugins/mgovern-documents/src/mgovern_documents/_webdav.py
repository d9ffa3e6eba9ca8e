"""The WebDAV store: ``webdav://host/path`` (HTTP) and ``webdavs://host/path`` (HTTPS).

Documents go to ``<url>/<group>/<date>/<name>``, calendar feeds to the same files as
``file://`` (``groups/<id>.ics``, ``people/<id>.ics``, ``all.ics``). Folders are made
(MKCOL) as needed. For every file:

- the same bytes are there already: nothing is written (*kept*);
- nothing is there: it is written (*created*) with ``If-None-Match: *``;
- something else is there: it is replaced (*updated*, with ``If-Match`` on the ETag
  just read) only if it is what mgovern wrote last time, else it is left alone
  (*conflict*) unless the job is forced.

What mgovern wrote is recorded beside the documents, in ``.mgovern/<path>.sha256`` under
the URL (the SHA-256 of the bytes and the ETag the server gave them), so any WebDAV
server will do and any change made there with another program, in Word or in a browser,
is noticed.

Credentials come from the job (``MGOVERN_USERNAME``/``MGOVERN_PASSWORD`` or netrc), are
sent as HTTP basic authentication, and never appear in messages: every failure is one
:class:`mgovern.calendars.publish.PublishError` line naming the URL (without credentials) and the
status. The URL arrives checked by :func:`mgovern.urls.parse_url` (no password, no
query, a valid host and port); the constructor checks it again, for a publisher made
directly.
"""

from __future__ import annotations

import hashlib
import http
import re
from collections.abc import Container, Mapping
from dataclasses import dataclass
from typing import TYPE_CHECKING
from urllib.parse import SplitResult, quote, unquote, urlsplit

from mgovern.calendars.publish import (
    Change,
    PublishError,
    PublishJob,
    PublishReport,
    calendar_files,
)
from mgovern.urls import clip, parse_parts, redact

if TYPE_CHECKING:
    import requests

__all__ = ["RECORDS", "Record", "WebDAVPublisher"]

#: The folder (under the URL) where mgovern records what it wrote.
RECORDS = ".mgovern"
#: Seconds to wait for the server to connect or answer.
TIMEOUT = 30.0
USER_AGENT = "mgovern-documents/0.1"
_SCHEMES = {"webdav": "http", "webdavs": "https"}
_DAV = "{DAV:}"
_DOING = {
    "GET": "read",
    "PROPFIND": "list folders",
    "PUT": "write",
    "MKCOL": "create folders",
    "DELETE": "delete",
}


def sha256(data: bytes) -> str:
    return hashlib.sha256(data).hexdigest()


def _reason(exc: Exception) -> str:
    """A short cause of a connection failure, without URLs or anything else."""
    text = str(exc)
    found = re.search(r"\[Errno -?\d+\] ([^'\")\]]+)", text)
    if found:
        return found.group(1).strip().rstrip(".").lower()
    for words in ("Name or service not known", "Connection refused", "Connection reset"):
        if words.lower() in text.lower():
            return words.lower()
    return "connection failed"


@dataclass(frozen=True)
class Record:
    """What mgovern wrote at a path: the bytes' SHA-256, and the ETag the server gave it.

    Stored as one line, ``<sha256> <etag>``. The file there is still as mgovern wrote it
    when its bytes have that hash or, for a server that hands files out changed (some add
    their own metadata to Office documents), when it still has that ETag.
    """

    digest: str
    etag: str | None = None

    def holds(self, current: bytes, etag: str | None) -> bool:
        return sha256(current) == self.digest or (self.etag is not None and etag == self.etag)

    def dump(self) -> bytes:
        return f"{self.digest} {self.etag or ''}".rstrip().encode("utf-8") + b"\n"

    @classmethod
    def parse(cls, data: bytes) -> Record | None:
        digest, _, etag = data.decode("utf-8", errors="replace").strip().partition(" ")
        if not digest:
            return None
        return cls(digest, etag.strip() or None)


class WebDAVPublisher:
    """Writes documents and calendar feeds to a WebDAV folder; see the module."""

    def __init__(self, parts: SplitResult, *, timeout: float = TIMEOUT) -> None:
        target = parse_parts(parts)  # already checked by publisher_for; made directly too
        self.shown = target.text.rstrip("/")
        if target.scheme not in _SCHEMES:
            raise PublishError(f"{clip(self.shown)}: not a webdav:// or webdavs:// URL")
        path = target.path if target.path.endswith("/") else target.path + "/"
        self.base = f"{_SCHEMES[target.scheme]}://{target.netloc}{path}"
        self.base_path = unquote(path)
        self.timeout = timeout
        self._folders: set[str] = set()
        self._has_credentials = False

    # --- the Publisher protocol ------------------------------------------------------
    def put_documents(self, job: PublishJob, documents: Mapping[str, bytes]) -> PublishReport:
        """Store ``{relative path: bytes}`` under the URL; see the module for the rules."""
        with self._session(job) as session:
            return PublishReport(tuple(self._write(session, job, documents)))

    def publish_calendars(self, job: PublishJob) -> PublishReport:
        """The same .ics files as ``file://``; with ``job.prune`` also deletes feeds of
        groups or people that are gone (only files mgovern wrote and nobody changed)."""
        files = calendar_files(job)
        with self._session(job) as session:
            changes = self._write(session, job, files)
            if job.prune:
                changes.extend(self._prune(session, job, files, ("groups/", "people/")))
        return PublishReport(tuple(changes))

    # --- one file ----------------------------------------------------------------------
    def _write(
        self, session: requests.Session, job: PublishJob, files: Mapping[str, bytes]
    ) -> list[tuple[str, Change]]:
        changes: list[tuple[str, Change]] = []
        total = len(files)
        for done, (name, data) in enumerate(sorted(files.items()), 1):
            changes.append((name, self._put_one(session, job, name.lstrip("/"), data)))
            if job.progress is not None:
                job.progress(self.shown, done, total)
        return changes

    def _put_one(
        self, session: requests.Session, job: PublishJob, name: str, data: bytes
    ) -> Change:
        current, etag = self._get(session, name)
        if current == data:
            return Change.KEPT
        if current is None:
            if not job.dry_run:
                self._make_folders(session, name)
                written = self._put(session, name, data, {"If-None-Match": "*"})
                if written is None:
                    return Change.CONFLICT  # someone made it since we looked
                self._record(session, name, data, written)
            return Change.CREATED
        record = self._recorded(session, name)
        ours = record is not None and record.holds(current, etag)
        if ours and record is not None and record.digest == sha256(data):
            return Change.KEPT  # as mgovern wrote it; the server hands it out its own way
        if not ours and not job.force:
            return Change.CONFLICT  # changed there since mgovern wrote it (or not ours)
        if not job.dry_run:
            conditions = {"If-Match": etag} if etag and not job.force else {}
            written = self._put(session, name, data, conditions)
            if written is None:
                return Change.CONFLICT  # changed there since we looked
            self._record(session, name, data, written)
        return Change.UPDATED

    def _prune(
        self,
        session: requests.Session,
        job: PublishJob,
        keep: Mapping[str, bytes],
        folders: tuple[str, ...],
    ) -> list[tuple[str, Change]]:
        changes: list[tuple[str, Change]] = []
        for folder in folders:
            for name in self._members(session, folder):
                if not name.endswith(".ics") or name in keep:
                    continue
                recorded = self._recorded(session, name)
                if recorded is None:
                    continue  # not mgovern's: not ours to delete
                current, etag = self._get(session, name)
                if current is None:
                    continue
                if not recorded.holds(current, etag) and not job.force:
                    changes.append((name, Change.CONFLICT))
                    continue
                if not job.dry_run:
                    conditions = {"If-Match": etag} if etag and not job.force else {}
                    self._request(session, "DELETE", name, ok={200, 204, 404}, headers=conditions)
                    self._request(session, "DELETE", self._record_name(name), ok={200, 204, 404})
                changes.append((name, Change.DELETED))
        return changes

    # --- what mgovern wrote ------------------------------------------------------------
    @staticmethod
    def _record_name(name: str) -> str:
        return f"{RECORDS}/{name}.sha256"

    def _recorded(self, session: requests.Session, name: str) -> Record | None:
        data, _ = self._get(session, self._record_name(name))
        if data is None:
            return None
        return Record.parse(data)

    def _record(self, session: requests.Session, name: str, data: bytes, etag: str) -> None:
        """Note what was written: its SHA-256 and the ETag the server gave it."""
        record = self._record_name(name)
        self._make_folders(session, record)
        self._put(session, record, Record(sha256(data), etag or None).dump(), {})

    # --- HTTP ----------------------------------------------------------------------------
    def _session(self, job: PublishJob) -> requests.Session:
        import requests

        session = requests.Session()
        session.headers["User-Agent"] = USER_AGENT
        if job.credentials is not None:
            # UTF-8, as servers expect (RFC 7617); requests would send str as Latin-1
            session.auth = requests.auth.HTTPBasicAuth(
                job.credentials.username.encode("utf-8"),
                job.credentials.password.encode("utf-8"),
            )
        self._has_credentials = job.credentials is not None
        return session

    def _url(self, name: str) -> str:
        return self.base + quote(name, safe="/")

    def _request(
        self,
        session: requests.Session,
        method: str,
        name: str,
        *,
        ok: Container[int],
        headers: Mapping[str, str] | None = None,
        data: bytes | None = None,
    ) -> requests.Response:
        import requests

        where = clip(f"{self.shown}/{name}", 100)
        try:
            response = session.request(
                method,
                self._url(name),
                headers=dict(headers or {}),
                data=data,
                timeout=self.timeout,
                allow_redirects=False,
            )
        except requests.Timeout:
            raise PublishError(
                f"{where}: {method} timed out after {self.timeout:g} s (the server did not answer)"
            ) from None
        except requests.exceptions.SSLError:
            raise PublishError(
                f"{where}: the server's TLS certificate was not accepted (is the host right? "
                "a private CA needs REQUESTS_CA_BUNDLE)"
            ) from None
        except requests.ConnectionError as exc:
            raise PublishError(f"{where}: cannot reach the server ({_reason(exc)})") from None
        except requests.RequestException as exc:
            raise PublishError(f"{where}: {method} failed ({type(exc).__name__})") from None
        if response.status_code in ok:
            return response
        raise self._refused(response, method, where)

    def _refused(self, response: requests.Response, method: str, where: str) -> PublishError:
        code = response.status_code
        try:
            status = f"{code} {http.HTTPStatus(code).phrase}"
        except ValueError:
            status = f"{code} {response.reason or ''}".strip()
        if code == 401:
            why = (
                "the server did not accept the user name and password"
                if self._has_credentials
                else "the server asks for a user name and password"
            )
            hint = f"{why}; set MGOVERN_USERNAME and MGOVERN_PASSWORD or use ~/.netrc"
        elif code == 403:
            doing = _DOING.get(method, method)
            hint = f"the user may not {doing} here"
        elif code == 404:
            hint = "no such folder on the server; check the URL"
        elif code == 409:
            hint = f"the folder above it does not exist; create {clip(self.shown, 80)}/ first"
        elif code == 507:
            hint = "the server has no room left"
        elif 300 <= code < 400:
            moved = response.headers.get("Location", "")
            hint = f"the server redirects to {clip(redact(moved))}; use that URL" if moved else ""
        elif code >= 500:
            hint = "the server failed; try again later"
        else:
            hint = f"the server refused {method}"
        return PublishError(f"{where}: {status}" + (f": {hint}" if hint else ""))

    def _get(self, session: requests.Session, name: str) -> tuple[bytes | None, str | None]:
        response = self._request(session, "GET", name, ok={200, 404, 410})
        if response.status_code != 200:
            return None, None
        return response.content, response.headers.get("ETag")

    def _put(
        self, session: requests.Session, name: str, data: bytes, conditions: Mapping[str, str]
    ) -> str | None:
        """Write; the new ETag ("" when the server gives none), or None when a condition
        (If-Match, If-None-Match) failed."""
        headers = {"Content-Type": _content_type(name), **conditions}
        response = self._request(
            session, "PUT", name, ok={200, 201, 204, 412}, headers=headers, data=data
        )
        if response.status_code == 412:
            return None
        return response.headers.get("ETag", "")

    def _make_folders(self, session: requests.Session, name: str) -> None:
        """MKCOL every folder above ``name`` that is not known to exist (405: it does)."""
        folder = ""
        for part in name.split("/")[:-1]:
            folder += part + "/"
            if folder in self._folders:
                continue
            self._request(session, "MKCOL", folder, ok={201, 405})
            self._folders.add(folder)

    def _members(self, session: requests.Session, folder: str) -> list[str]:
        """Paths (relative to the URL) of the files directly in ``folder``."""
        import xml.etree.ElementTree as ET

        response = self._request(session, "PROPFIND", folder, ok={207, 404}, headers={"Depth": "1"})
        if response.status_code == 404:
            return []
        try:
            root = ET.fromstring(response.content)
        except ET.ParseError:
            raise PublishError(
                f"{clip(f'{self.shown}/{folder}', 120)}: PROPFIND answered with XML that "
                "cannot be read"
            ) from None
        names = []
        for href in root.iter(f"{_DAV}href"):
            path = unquote(urlsplit((href.text or "").strip()).path)
            if not path.startswith(self.base_path) or path.endswith("/"):
                continue
            name = path[len(self.base_path) :]
            if name.startswith(folder) and "/" not in name[len(folder) :]:
                names.append(name)
        return sorted(names)


def _content_type(name: str) -> str:
    suffix = name.rsplit(".", 1)[-1].lower()
    return {
        "ics": "text/calendar; charset=utf-8",
        "html": "text/html; charset=utf-8",
        "md": "text/markdown; charset=utf-8",
        "docx": "application/vnd.openxmlformats-officedocument.wordprocessingml.document",
        "sha256": "text/plain; charset=us-ascii",
    }.get(suffix, "application/octet-stream")
