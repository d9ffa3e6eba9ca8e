"""Fixtures: the sample agenda, and a real WsgiDAV server on 127.0.0.1.

The server is WsgiDAV (from PyPI) on cheroot, its WSGI server, in a thread, on a free
port chosen by the operating system, with HTTP basic authentication (WsgiDAV's
``simple_dc``: one user and password) over a temporary folder. It starts once for the
session and is stopped at teardown; each test gets an empty folder of its own under the
writable share ``/dav``. ``/readonly`` refuses writes (403).
"""

from __future__ import annotations

import datetime as dt
import re
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path
from typing import Any
from urllib.parse import urlsplit

import pytest

import mgovern
from mgovern.agenda.planner import Agenda
from mgovern.calendars.publish import Credentials, PublishJob
from mgovern.model import Organization

USER = "sekreterare"
PASSWORD = "hemligt-Lösen-7"
ITEMS = Path(mgovern.__file__).parent / "examples" / "agenda-items.toml"
MEETING = dt.date(2026, 3, 17)


@dataclass(frozen=True)
class Sample:
    org: Organization
    agenda: Agenda


@pytest.fixture(scope="session")
def sample() -> Sample:
    """The embedded example's KLG meeting on 2026-03-17 with the sample items."""
    from mgovern.cli import meeting_agenda

    org = mgovern.example()
    return Sample(org, meeting_agenda(org, "klg", MEETING, ITEMS))


@dataclass(frozen=True)
class Server:
    host: str
    port: int
    served: Path  # the folder shared as /dav
    readonly: Path  # the folder shared read-only as /readonly


@dataclass(frozen=True)
class Dav:
    """A folder of its own on the running WsgiDAV: ``url`` (webdav://), ``root`` on disk."""

    host: str
    port: int
    folder: str
    root: Path
    readonly: Path
    user: str = USER
    password: str = PASSWORD

    @property
    def url(self) -> str:
        return f"webdav://{self.host}:{self.port}/dav/{self.folder}/"

    @property
    def http(self) -> str:
        return f"http://{self.host}:{self.port}/dav/{self.folder}/"

    def job(self, org: Organization, **kwargs: Any) -> PublishJob:
        kwargs.setdefault("credentials", Credentials(USER, PASSWORD))
        url = kwargs.pop("url", self.url)
        return PublishJob(org, url, MEETING, MEETING, **kwargs)

    def publisher(self, url: str | None = None, **kwargs: Any) -> Any:
        from mgovern_documents._webdav import WebDAVPublisher

        return WebDAVPublisher(urlsplit(url or self.url), **kwargs)


@pytest.fixture(scope="session")
def dav_server(tmp_path_factory: pytest.TempPathFactory) -> Iterator[Server]:
    """WsgiDAV on cheroot in a thread, on a free port, stopped at the end of the session."""
    from mgovern.testing.webdav import webdav_server

    base = tmp_path_factory.mktemp("webdav")
    served = base / "served"
    readonly = base / "readonly"
    served.mkdir()
    readonly.mkdir()
    shares = {"/dav": served, "/readonly": {"root": str(readonly), "readonly": True}}
    with webdav_server(shares, USER, PASSWORD) as (host, port):
        yield Server(host, port, served, readonly)


@pytest.fixture
def dav(dav_server: Server, request: pytest.FixtureRequest) -> Dav:
    """An empty folder of this test's own on the running server."""
    folder = re.sub(r"[^A-Za-z0-9_-]+", "-", request.node.name).strip("-")
    root = dav_server.served / folder
    root.mkdir()
    return Dav(dav_server.host, dav_server.port, folder, root, dav_server.readonly)
