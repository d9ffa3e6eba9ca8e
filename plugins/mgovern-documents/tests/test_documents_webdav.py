"""The WebDAV store against a real WsgiDAV server (see conftest.py)."""

from __future__ import annotations

import http.server
import socket
import threading
from collections.abc import Iterator
from pathlib import Path
from typing import Any
from urllib.parse import urlsplit

import attrs
import pytest
import requests

from mgovern.calendars.publish import (
    Change,
    Credentials,
    FilePublisher,
    PublishError,
    publisher_for,
)
from mgovern.register.documents import renderers

NOTICE = "klg/2026-03-17/kallelse.docx"


def notice(sample: Any, locale: str | None = None) -> bytes:
    org = sample.org if locale is None else attrs.evolve(sample.org, locale=locale)
    return renderers()[("notice", "docx")](org, sample.agenda, None)


def etag(dav: Any, name: str) -> str:
    response = requests.head(dav.http + name, auth=(dav.user.encode(), dav.password.encode()))
    assert response.status_code == 200
    return response.headers["ETag"]


def test_the_plugin_registers_both_schemes(dav: Any) -> None:
    from mgovern_documents._webdav import WebDAVPublisher

    publisher, _parts = publisher_for(dav.url)
    assert isinstance(publisher, WebDAVPublisher)
    assert publisher.base == dav.http
    secure, _ = publisher_for("webdavs://cloud.example.org/remote.php/dav/files/anna")
    assert secure.base == "https://cloud.example.org/remote.php/dav/files/anna/"  # type: ignore[attr-defined]


def test_first_write_then_nothing_the_second_time(sample: Any, dav: Any) -> None:
    data = notice(sample)
    publisher = dav.publisher()
    report = publisher.put_documents(dav.job(sample.org), {NOTICE: data})
    assert report.changes == ((NOTICE, Change.CREATED),)
    served = dav.root / NOTICE
    assert served.read_bytes() == data
    assert (dav.root / ".mgovern" / f"{NOTICE}.sha256").is_file()
    before = (served.stat().st_mtime_ns, etag(dav, NOTICE))

    again = dav.publisher().put_documents(dav.job(sample.org), {NOTICE: data})
    assert again.changes == ((NOTICE, Change.KEPT),)
    assert again.summary() == "0 created, 0 updated, 0 deleted, 1 kept, 0 conflict"
    assert (served.stat().st_mtime_ns, etag(dav, NOTICE)) == before


def test_an_unchanged_file_is_updated(sample: Any, dav: Any) -> None:
    publisher = dav.publisher()
    publisher.put_documents(dav.job(sample.org), {NOTICE: notice(sample)})
    english = notice(sample, "en")
    report = publisher.put_documents(dav.job(sample.org), {NOTICE: english})
    assert report.changes == ((NOTICE, Change.UPDATED),)
    assert (dav.root / NOTICE).read_bytes() == english


def test_a_file_changed_there_is_kept_unless_forced(sample: Any, dav: Any) -> None:
    data = notice(sample)
    dav.publisher().put_documents(dav.job(sample.org), {NOTICE: data})
    theirs = b"edited in Word by the secretary"
    response = requests.put(
        dav.http + NOTICE, data=theirs, auth=(dav.user.encode(), dav.password.encode())
    )
    assert response.status_code in {200, 204}

    for ours in (data, notice(sample, "en")):  # the same document, or a new one
        report = dav.publisher().put_documents(dav.job(sample.org), {NOTICE: ours})
        assert report.conflicts == (NOTICE,)
        assert (dav.root / NOTICE).read_bytes() == theirs

    forced = dav.publisher().put_documents(dav.job(sample.org, force=True), {NOTICE: data})
    assert forced.changes == ((NOTICE, Change.UPDATED),)
    assert (dav.root / NOTICE).read_bytes() == data
    # from then on it is mgovern's again
    after = dav.publisher().put_documents(dav.job(sample.org), {NOTICE: notice(sample, "en")})
    assert after.changes == ((NOTICE, Change.UPDATED),)


def test_a_file_mgovern_did_not_write_is_a_conflict(sample: Any, dav: Any) -> None:
    (dav.root / "klg" / "2026-03-17").mkdir(parents=True)
    (dav.root / NOTICE).write_bytes(b"someone else's notice")
    report = dav.publisher().put_documents(dav.job(sample.org), {NOTICE: notice(sample)})
    assert report.conflicts == (NOTICE,)
    assert (dav.root / NOTICE).read_bytes() == b"someone else's notice"


def test_a_server_that_hands_files_out_changed(sample: Any, dav: Any) -> None:
    """Some servers add their own metadata to Office files: the ETag still tells."""
    data = notice(sample)
    publisher = dav.publisher()
    publisher.put_documents(dav.job(sample.org), {NOTICE: data})
    record = dav.root / ".mgovern" / f"{NOTICE}.sha256"
    digest, written_etag = record.read_text("utf-8").split()
    assert written_etag == etag(dav, NOTICE)
    # the server's copy differs from what mgovern sent, under the ETag of mgovern's write
    (dav.root / NOTICE).write_bytes(data + b"metadata added by the server")
    record.write_text(f"{digest} {etag(dav, NOTICE)}\n", "utf-8")

    assert publisher.put_documents(dav.job(sample.org), {NOTICE: data}).changes == (
        (NOTICE, Change.KEPT),
    )
    english = notice(sample, "en")
    assert publisher.put_documents(dav.job(sample.org), {NOTICE: english}).changes == (
        (NOTICE, Change.UPDATED),
    )
    assert (dav.root / NOTICE).read_bytes() == english


def test_dry_run_writes_nothing(sample: Any, dav: Any) -> None:
    report = dav.publisher().put_documents(
        dav.job(sample.org, dry_run=True), {NOTICE: notice(sample)}
    )
    assert report.changes == ((NOTICE, Change.CREATED),)
    assert list(dav.root.iterdir()) == []


def test_wrong_password(sample: Any, dav: Any) -> None:
    wrong = "fel-lösenord-123"
    job = dav.job(sample.org, credentials=Credentials(dav.user, wrong))
    with pytest.raises(PublishError) as caught:
        dav.publisher().put_documents(job, {NOTICE: b"x"})
    message = str(caught.value)
    assert message.startswith(f"{dav.url}{NOTICE}: 401 Unauthorized: ")
    assert "did not accept the user name and password" in message
    assert wrong not in message
    assert dav.password not in message
    assert "\n" not in message
    assert wrong not in repr(job)
    assert caught.value.__cause__ is None
    assert caught.value.__context__ is None
    assert list(dav.root.iterdir()) == []


def test_no_credentials(sample: Any, dav: Any) -> None:
    with pytest.raises(PublishError, match="401 Unauthorized: the server asks for a user name"):
        dav.publisher().put_documents(dav.job(sample.org, credentials=None), {NOTICE: b"x"})


def test_not_allowed_to_write(sample: Any, dav: Any) -> None:
    url = f"webdav://{dav.host}:{dav.port}/readonly/"
    with pytest.raises(PublishError, match=r"/readonly/klg/: 403 Forbidden: the user may not"):
        dav.publisher(url).put_documents(dav.job(sample.org, url=url), {NOTICE: b"x"})


def test_the_folder_must_exist(sample: Any, dav: Any) -> None:
    url = dav.url + "nowhere/"
    with pytest.raises(PublishError, match=r"409 Conflict: .* create .*/nowhere/ first"):
        dav.publisher(url).put_documents(dav.job(sample.org, url=url), {NOTICE: b"x"})


def test_server_down(sample: Any, dav: Any) -> None:
    with socket.socket() as probe:  # a port nothing listens on
        probe.bind(("127.0.0.1", 0))
        port = probe.getsockname()[1]
    url = f"webdav://127.0.0.1:{port}/dav/"
    with pytest.raises(PublishError, match=r"cannot reach the server \(connection refused\)"):
        dav.publisher(url).put_documents(dav.job(sample.org, url=url), {NOTICE: b"x"})


def test_a_server_that_does_not_answer_times_out(sample: Any, dav: Any) -> None:
    with socket.socket() as silent:  # accepts connections, never answers
        silent.bind(("127.0.0.1", 0))
        silent.listen(1)
        url = f"webdav://127.0.0.1:{silent.getsockname()[1]}/dav/"
        with pytest.raises(PublishError, match=r"GET timed out after 0\.3 s"):
            dav.publisher(url, timeout=0.3).put_documents(
                dav.job(sample.org, url=url), {NOTICE: b"x"}
            )


@pytest.fixture
def failing_server() -> Iterator[str]:
    """Not WebDAV: a server that fails every request with 503, for that message."""

    class Failing(http.server.BaseHTTPRequestHandler):
        def do_GET(self) -> None:
            self.send_response(503)
            self.send_header("Content-Length", "0")
            self.end_headers()

        def log_message(self, *args: object) -> None:
            pass

    server = http.server.ThreadingHTTPServer(("127.0.0.1", 0), Failing)
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    try:
        yield f"webdav://127.0.0.1:{server.server_address[1]}/dav/"
    finally:
        server.shutdown()
        server.server_close()
        thread.join(5)


def test_server_error(sample: Any, dav: Any, failing_server: str) -> None:
    with pytest.raises(PublishError) as caught:
        dav.publisher(failing_server).put_documents(
            dav.job(sample.org, url=failing_server), {NOTICE: b"x"}
        )
    assert str(caught.value) == (
        f"{failing_server}{NOTICE}: 503 Service Unavailable: the server failed; try again later"
    )


def test_calendars_are_the_same_files_as_file_urls(sample: Any, dav: Any, tmp_path: Path) -> None:
    import datetime as dt

    job = attrs.evolve(
        dav.job(sample.org),
        start=dt.date(2026, 3, 1),
        end=dt.date(2026, 3, 31),
        stamp=dt.datetime(2026, 1, 1, tzinfo=dt.UTC),
    )
    report = dav.publisher().publish_calendars(job)
    local = tmp_path / "local"
    FilePublisher(urlsplit(local.as_uri())).publish_calendars(job)
    expected = sorted(str(p.relative_to(local)) for p in local.rglob("*.ics"))
    assert sorted(name for name, _ in report.changes) == expected
    assert set(report.of(Change.CREATED)) == set(expected)
    assert "groups/klg.ics" in expected
    assert "all.ics" in expected
    assert any(name.startswith("people/") for name in expected)
    for name in expected:
        assert (dav.root / name).read_bytes() == (local / name).read_bytes()
    subscribed = requests.get(
        dav.http + "groups/klg.ics", auth=(dav.user.encode(), dav.password.encode())
    )
    assert subscribed.headers["Content-Type"].startswith("text/calendar")
    assert b"BEGIN:VCALENDAR" in subscribed.content

    again = dav.publisher().publish_calendars(job)
    assert set(again.of(Change.KEPT)) == set(expected)

    # a feed mgovern wrote for a group that is gone is pruned; a stranger's file is not
    publisher = dav.publisher()
    publisher.put_documents(job, {"groups/nedlagd.ics": b"BEGIN:VCALENDAR\r\n"})
    (dav.root / "groups" / "egen.ics").write_bytes(b"someone's own calendar")
    pruned = publisher.publish_calendars(attrs.evolve(job, prune=True))
    assert pruned.of(Change.DELETED) == ("groups/nedlagd.ics",)
    assert not (dav.root / "groups" / "nedlagd.ics").exists()
    assert not (dav.root / ".mgovern" / "groups" / "nedlagd.ics.sha256").exists()
    assert (dav.root / "groups" / "egen.ics").exists()
