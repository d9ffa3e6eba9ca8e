"""Publishing the example to a real Radicale, read back with the caldav client."""

from __future__ import annotations

import contextlib
import datetime as dt
import http.server
import os
import socket
import subprocess
import sys
import threading
import weakref
from collections.abc import Iterator
from pathlib import Path
from typing import TYPE_CHECKING, Any

import attrs
import caldav
import icalendar
import pytest
import recurring_ical_events
from mgovern_caldav._publisher import _collections, _people
from mgovern_caldav._resources import prepare

import mgovern
from mgovern.calendars.ical import series_resources
from mgovern.calendars.publish import (
    Change,
    Credentials,
    PublishError,
    PublishJob,
    PublishReport,
    publisher_for,
    publishers,
)
from mgovern.model import Organization

if TYPE_CHECKING:
    from conftest import Account, Radicale

START, END = dt.date(2026, 1, 1), dt.date(2026, 6, 30)
ORG = mgovern.example()


def expected_uids(org: Organization = ORG) -> dict[str, list[str]]:
    return {g.id: [uid for uid, _ in series_resources(org, g.id, START, END)] for g in org.groups}


@attrs.frozen
class Target:
    """Where to publish, for tests without Radicale (what an Account has)."""

    username: str
    password: str
    url: str


def make_job(account: Account | Target, org: Organization = ORG, **options: Any) -> PublishJob:
    return PublishJob(
        org,
        account.url,
        START,
        END,
        credentials=Credentials(account.username, account.password),
        **options,
    )


def publish(account: Account | Target, org: Organization = ORG, **options: Any) -> PublishReport:
    publisher, _ = publisher_for(account.url)
    return publisher.publish_calendars(make_job(account, org, **options))


def client(account: Account) -> caldav.DAVClient:
    return caldav.DAVClient(
        url=account.http_url, username=account.username, password=account.password
    )


@attrs.frozen
class Stored:
    url: str
    etag: str
    data: str

    @property
    def calendar(self) -> icalendar.Calendar:
        return icalendar.Calendar.from_ical(self.data)


def read_back(account: Account) -> dict[str, dict[str, Stored]]:
    """Every calendar under the account's home, by name: every event, by UID."""
    found: dict[str, dict[str, Stored]] = {}
    with client(account) as reader:
        home = caldav.CalendarSet(client=reader, url=account.http_url)
        for calendar in home.get_calendars():
            name = str(calendar.url).rstrip("/").rsplit("/", 1)[-1]
            events: dict[str, Stored] = {}
            for event in calendar.get_events():
                uid = str(event.icalendar_component["UID"])
                events[uid] = Stored(str(event.url), str(event.etag), str(event.data))
            found[name] = events
    return found


def etags(account: Account) -> dict[str, str]:
    return {s.url: s.etag for events in read_back(account).values() for s in events.values()}


def instants(cal: icalendar.Calendar) -> set[tuple[dt.datetime, dt.datetime]]:
    found = recurring_ical_events.of(cal).between(
        START - dt.timedelta(days=30), END + dt.timedelta(days=30)
    )
    return {(e["DTSTART"].dt, e["DTEND"].dt) for e in found}


def puts_in_log(radicale: Radicale) -> int:
    return radicale.log.read_text(errors="replace").count("PUT request for")


# --- the plugin ---------------------------------------------------------------------------
def test_the_plugin_registers_both_schemes_and_imports_caldav_lazily() -> None:
    found = publishers()
    assert {"caldav", "caldavs"} <= set(found)
    code = (
        "import sys, mgovern_caldav\n"
        "from mgovern.calendars.publish import publishers; publishers()\n"
        "assert 'caldav' not in sys.modules, 'caldav imported when loading the plugin'"
    )
    subprocess.run([sys.executable, "-c", code], check=True)


def test_caldavs_means_https_and_documents_are_refused() -> None:
    publisher, _ = publisher_for("caldavs://cal.example.org:8443/remote.php/dav/calendars/anna")
    assert publisher.home == "https://cal.example.org:8443/remote.php/dav/calendars/anna/"  # type: ignore[attr-defined]
    with pytest.raises(
        PublishError, match=r"^caldav:// stores calendars, not documents; use file:// or webdav://$"
    ):
        publisher.put_documents(make_job(Target("a", "b", "caldav://x/")), {})


def test_a_password_in_the_url_is_refused() -> None:
    with pytest.raises(PublishError, match="process list") as caught:
        publisher_for("caldav://anna:hemligt-ord@127.0.0.1:1/anna/")
    assert "hemligt-ord" not in str(caught.value)


# --- publishing ---------------------------------------------------------------------------
def test_first_publish_creates_one_resource_per_series_and_the_instants_match(
    account: Account,
) -> None:
    report = publish(account)
    wanted = expected_uids()
    total = sum(len(uids) for uids in wanted.values())
    assert total == 30
    assert report.summary() == f"{total} created, 0 updated, 0 deleted, 0 kept, 0 conflict"
    assert sorted(report.of(Change.CREATED)) == sorted(
        f"{group}/{uid}" for group, uids in wanted.items() for uid in uids
    )
    stored = read_back(account)
    assert set(stored) == set(wanted)
    with client(account) as reader:
        names = {
            str(c.url).rstrip("/").rsplit("/", 1)[-1]: c.get_display_name()
            for c in caldav.CalendarSet(client=reader, url=account.http_url).get_calendars()
        }
    assert names == {g.id: g.name for g in ORG.groups}
    for group in ORG.groups:
        events = stored[group.id]
        assert sorted(events) == sorted(wanted[group.id])
        seen: set[tuple[dt.datetime, dt.datetime]] = set()
        for uid, resource in events.items():
            assert resource.url.endswith(f"/{group.id}/{uid}.ics")
            cal = resource.calendar
            assert "METHOD" not in cal
            assert {str(e["UID"]) for e in cal.walk("VEVENT")} == {uid}
            assert all(int(e["SEQUENCE"]) == 0 for e in cal.walk("VEVENT"))
            assert str(cal["X-MGOVERN-ORG"]) == ORG.id
            seen |= instants(cal)
        meetings = mgovern.occurrences(ORG, group.id, START, END)
        assert seen == {(o.start, o.end) for o in meetings}, group.id


def test_publishing_twice_changes_nothing_and_keeps_every_etag(
    account: Account, radicale: Radicale
) -> None:
    publish(account)
    before = etags(account)
    puts = puts_in_log(radicale)
    report = publish(account)
    assert report.summary() == "0 created, 0 updated, 0 deleted, 30 kept, 0 conflict"
    assert etags(account) == before
    assert len(before) == 30
    assert puts_in_log(radicale) == puts  # not a single PUT the second time


def test_a_changed_cycle_updates_exactly_one_resource(account: Account) -> None:
    publish(account)
    before = etags(account)
    group = ORG.group("adm")
    cycle = group.cycles[0]
    moved = attrs.evolve(cycle, location="Stadshuset, Prinsens galleri")
    org = attrs.evolve(
        ORG,
        groups=tuple(
            attrs.evolve(g, cycles=(moved, *g.cycles[1:])) if g.id == "adm" else g
            for g in ORG.groups
        ),
    )
    report = publish(account, org)
    assert report.summary() == "0 created, 1 updated, 0 deleted, 29 kept, 0 conflict"
    (updated,) = report.of(Change.UPDATED)
    group_id, uid = updated.split("/")
    resource = read_back(account)["adm"][uid]
    assert group_id == "adm"
    assert f"X-MGOVERN-CYCLE:{cycle.id}" in resource.data
    assert "Prinsens galleri" in resource.data
    after = etags(account)
    assert sorted(after) == sorted(before)
    assert [url for url in after if after[url] != before[url]] == [resource.url]
    assert publish(account, org).summary() == "0 created, 0 updated, 0 deleted, 30 kept, 0 conflict"


FOREIGN = """BEGIN:VCALENDAR
VERSION:2.0
PRODID:-//Someone//Else//EN
BEGIN:VEVENT
UID:{uid}
DTSTAMP:20260101T000000Z
DTSTART:20260210T090000Z
DTEND:20260210T100000Z
SUMMARY:{summary}
{extra}END:VEVENT
END:VCALENDAR
"""


def test_prune_deletes_only_mgoverns_series_that_no_longer_exist(account: Account) -> None:
    publish(account)
    with client(account) as writer:
        adm = writer.calendar(url=account.http_url + "adm/")
        adm.add_event(FOREIGN.format(uid="foreign-1", summary="Fika", extra=""))
        adm.add_event(  # looks like mgovern's, but of another organisation
            FOREIGN.format(
                uid="foreign-2",
                summary="Other org",
                extra="X-MGOVERN-GROUP:adm\n",
            ).replace("END:VEVENT\n", "END:VEVENT\nX-MGOVERN-ORG:other\nX-MGOVERN-HASH:x\n")
        )
    dropped = ORG.group("adm").cycles[1]
    org = attrs.evolve(
        ORG,
        groups=tuple(
            attrs.evolve(g, cycles=g.cycles[:1]) if g.id == "adm" else g for g in ORG.groups
        ),
    )
    gone = next(uid for uid in expected_uids()["adm"] if uid not in expected_uids(org)["adm"])
    assert dropped.id in read_back(account)["adm"][gone].data

    assert publish(account, org).summary() == "0 created, 0 updated, 0 deleted, 29 kept, 0 conflict"
    assert gone in read_back(account)["adm"]  # without --prune nothing is deleted

    report = publish(account, org, prune=True, dry_run=True)
    assert report.of(Change.DELETED) == (f"adm/{gone}",)
    assert gone in read_back(account)["adm"]

    report = publish(account, org, prune=True)
    assert report.of(Change.DELETED) == (f"adm/{gone}",)
    assert report.summary() == "0 created, 0 updated, 1 deleted, 29 kept, 0 conflict"
    left = read_back(account)["adm"]
    assert gone not in left
    assert {"foreign-1", "foreign-2"} <= set(left)
    assert publish(account, org, prune=True).summary() == (
        "0 created, 0 updated, 0 deleted, 29 kept, 0 conflict"
    )


def test_prune_reaches_the_calendar_of_a_group_that_no_longer_exists(account: Account) -> None:
    publish(account)
    org = attrs.evolve(ORG, groups=tuple(g for g in ORG.groups if g.id != "sok"))
    with client(account) as writer:
        writer.calendar(url=account.http_url + "sok/").add_event(
            FOREIGN.format(uid="foreign-3", summary="Kept", extra="")
        )
    report = publish(account, org, prune=True)
    assert sorted(report.of(Change.DELETED)) == sorted(
        f"sok/{uid}" for uid in expected_uids()["sok"]
    )
    assert set(read_back(account)["sok"]) == {"foreign-3"}


def edit_on_server(account: Account, group: str, uid: str, summary: str) -> None:
    """What a calendar app does: load the event, change it, save it back."""
    with client(account) as writer:
        event = writer.calendar(url=account.http_url + f"{group}/").get_event_by_uid(uid)
        event.icalendar_component["SUMMARY"] = icalendar.vText(summary)
        event.save()


def test_a_series_edited_on_the_server_is_a_conflict_kept_until_forced(
    account: Account,
) -> None:
    publish(account)
    uid = expected_uids()["klg"][0]
    edit_on_server(account, "klg", uid, "Flyttat av Anna")
    edited = read_back(account)["klg"][uid]

    report = publish(account)
    assert report.conflicts == (f"klg/{uid}",)
    assert report.summary() == "0 created, 0 updated, 0 deleted, 29 kept, 1 conflict"
    assert read_back(account)["klg"][uid] == edited  # not a byte changed, same ETag
    assert publish(account, prune=True).conflicts == (f"klg/{uid}",)
    assert publish(account, dry_run=True, force=True).of(Change.UPDATED) == (f"klg/{uid}",)
    assert read_back(account)["klg"][uid] == edited

    report = publish(account, force=True)
    assert report.of(Change.UPDATED) == (f"klg/{uid}",)
    restored = read_back(account)["klg"][uid]
    assert "Flyttat av Anna" not in restored.data
    assert publish(account).summary() == "0 created, 0 updated, 0 deleted, 30 kept, 0 conflict"


def test_an_edit_made_while_publishing_is_not_overwritten(
    account: Account, monkeypatch: pytest.MonkeyPatch
) -> None:
    """If-Match: the ETag read before the run no longer matches, the server says 412."""
    from mgovern_caldav._publisher import _Server

    publish(account)
    renamed = attrs.evolve(
        ORG,
        groups=tuple(
            attrs.evolve(g, short_name="ADM NY") if g.id == "adm" else g for g in ORG.groups
        ),
    )
    uids = expected_uids()
    first, second = uids["adm"]
    put = _Server.put

    def edit_meanwhile(server: _Server, url: str, data: bytes, headers: Any) -> bool:
        ok = put(server, url, data, headers)
        if url.endswith(f"/adm/{first}.ics"):  # adm was read, its first series written
            edit_on_server(account, "adm", second, "Ändrat under körningen")
        return ok

    monkeypatch.setattr(_Server, "put", edit_meanwhile)
    report = publish(account, renamed)
    assert report.of(Change.UPDATED) == (f"adm/{first}",)
    assert report.conflicts == (f"adm/{second}",)
    assert "Ändrat under körningen" in read_back(account)["adm"][second].data


def test_an_edited_series_that_no_longer_exists_is_not_pruned(account: Account) -> None:
    publish(account)
    org = attrs.evolve(ORG, groups=tuple(g for g in ORG.groups if g.id != "mv"))
    uid = expected_uids()["mv"][0]
    edit_on_server(account, "mv", uid, "Mitt eget möte nu")
    report = publish(account, org, prune=True)
    assert report.conflicts == (f"mv/{uid}",)
    assert set(read_back(account)["mv"]) == {uid}


def test_dry_run_changes_nothing(account: Account) -> None:
    report = publish(account, dry_run=True)
    assert report.summary() == "30 created, 0 updated, 0 deleted, 0 kept, 0 conflict"
    assert read_back(account) == {}


def test_people_get_a_calendar_each_with_the_series_of_their_groups(account: Account) -> None:
    small = attrs.evolve(
        ORG, groups=tuple(g for g in ORG.groups if g.id in ("namnd", "klg", "adm"))
    )
    report = publish(account, small, people=True)
    assert not report.conflicts
    stored = read_back(account)
    uids = expected_uids(small)
    for person in small.people:
        groups = small.groups_of(person.id)
        name = f"people-{person.id}"
        if not groups:
            assert name not in stored
            continue
        assert set(stored[name]) == {uid for g in groups for uid in uids[g.id]}
    assert publish(account, small, people=True).of(Change.CREATED) == ()


@pytest.mark.parametrize(("people", "total"), [(False, 10), (True, 10 + 49)])
def test_progress_is_reported_once_per_calendar(account: Account, people: bool, total: int) -> None:
    """Resources are built as the calendars are published, so the total known up front
    is the number of calendars: one step when each is done."""
    calls: list[tuple[str, int, int]] = []
    publisher, _ = publisher_for(account.url)
    job = attrs.evolve(make_job(account, people=people), progress=lambda *a: calls.append(a))
    publisher.publish_calendars(job)
    assert calls == [("caldav", done, total) for done in range(1, total + 1)]


# --- building as it goes ------------------------------------------------------------------
def plan_at_once(job: PublishJob) -> list[tuple[str, str, tuple[tuple[str, bytes, str], ...]]]:
    """Every collection as the publisher planned them before it built them one at a time:
    all groups' resources first, then each person's merged from them."""
    org = job.org
    by_group: dict[str, tuple[tuple[str, bytes, str], ...]] = {}
    for group in org.groups:
        found = []
        for uid, cal in series_resources(org, group.id, job.start, job.end, stamp=job.stamp):
            found.append((uid, *prepare(cal, org.id)))
        by_group[group.id] = tuple(found)
    plan = [(g.id, g.name, by_group[g.id]) for g in org.groups]
    if job.people:
        for person in org.people:
            groups = org.groups_of(person.id)
            if groups:
                merged = {d[0]: d for g in groups for d in by_group[g.id]}
                resources = tuple(merged[uid] for uid in sorted(merged))
                plan.append((f"people-{person.id}", person.name, resources))
    return plan


def built(job: PublishJob) -> list[tuple[str, str, tuple[tuple[str, bytes, str], ...]]]:
    people = _people(job.org) if job.people else []
    return [
        (c.name, c.display, tuple((d.uid, d.data, d.digest) for d in c.resources))
        for c in _collections(job, people)
    ]


@pytest.mark.parametrize("people", [False, True])
def test_collections_built_one_at_a_time_are_the_ones_planned_at_once(people: bool) -> None:
    job = make_job(Target("a", "b", "caldav://x/"), people=people)
    assert built(job) == plan_at_once(job)


@pytest.mark.parametrize("people", [False, True])
def test_what_is_held_while_the_next_collection_is_built(
    monkeypatch: pytest.MonkeyPatch, people: bool
) -> None:
    """Without people nothing of a published group is held while the next is built; with
    people a group's resources are held until the last person in it is published."""
    import mgovern.calendars.ical

    job = make_job(Target("a", "b", "caldav://x/"), people=people)
    plan = _people(job.org) if people else []
    last = {g: index for index, (_, _, ids) in enumerate(plan) for g in ids}
    refs: dict[str, list[weakref.ref[Any]]] = {}
    building = -len(ORG.groups)  # the collection being built: its index in plan (groups < 0)

    def check() -> None:
        for group, group_refs in refs.items():
            if group_refs:
                alive = any(ref() is not None for ref in group_refs)
                assert alive == (group in last and last[group] >= building), (building, group)

    def watched(*args: Any, **kwargs: Any) -> Any:
        check()
        return series_resources(*args, **kwargs)

    monkeypatch.setattr(mgovern.calendars.ical, "series_resources", watched)
    for collection in _collections(job, plan):
        if building < 0:
            refs[collection.name] = [weakref.ref(d) for d in collection.resources]
        else:
            check()  # the person's collection is built: who no longer needs a group
        building += 1
        del collection  # as the publisher does
    assert building == len(plan)
    check()
    assert not any(ref() is not None for group_refs in refs.values() for ref in group_refs)
    assert not people or min(last.values()) < len(plan) - 1  # some let go before the end


def test_the_publisher_lets_each_collection_go_before_building_the_next(
    account: Account, monkeypatch: pytest.MonkeyPatch
) -> None:
    import mgovern_caldav._publisher as publisher_module

    import mgovern.calendars.ical

    refs: list[weakref.ref[Any]] = []
    built: list[str] = []

    def watched_build(org: Organization, group: str, *args: Any, **kwargs: Any) -> Any:
        assert all(ref() is None for ref in refs), group  # the last group's are gone
        built.append(group)
        return series_resources(org, group, *args, **kwargs)

    def watched(job: PublishJob, people: Any) -> Iterator[Any]:
        for collection in _collections(job, people):
            refs[:] = [weakref.ref(d) for d in collection.resources]
            yield collection
            del collection

    monkeypatch.setattr(mgovern.calendars.ical, "series_resources", watched_build)
    monkeypatch.setattr(publisher_module, "_collections", watched)
    publish(account)  # creates them all
    assert publish(account, dry_run=True, prune=True).summary() == (
        "0 created, 0 updated, 0 deleted, 30 kept, 0 conflict"
    )
    assert built == [g.id for g in ORG.groups] * 2


# --- failures -------------------------------------------------------------------------------
def test_a_wrong_password_is_one_clear_line(account: Account, passwords: list[str]) -> None:
    wrong = "not-the-pw-" + account.password[-6:]
    passwords.append(wrong)
    publisher, _ = publisher_for(account.url)
    job = attrs.evolve(make_job(account), credentials=Credentials(account.username, wrong))
    with pytest.raises(PublishError) as caught:
        publisher.publish_calendars(job)
    message = str(caught.value)
    assert message == (
        f"{account.url}: HTTP 401, authentication failed for user {account.username!r}"
    )
    assert "\n" not in message
    assert wrong not in message
    assert account.password not in message
    assert caught.value.__cause__ is None
    assert caught.value.__suppress_context__

    job = attrs.evolve(make_job(account), credentials=None)
    with pytest.raises(PublishError, match=r"HTTP 401.*no credentials given"):
        publisher.publish_calendars(job)


def test_a_home_that_is_not_there_or_not_yours_is_one_clear_line(
    account: Account, radicale: Radicale
) -> None:
    missing = attrs.evolve(make_job(account), url=account.url + "nope/")
    publisher, _ = publisher_for(missing.url)
    with pytest.raises(PublishError) as caught:
        publisher.publish_calendars(missing)
    assert str(caught.value).startswith(f"{account.url}nope/: HTTP 404, not found: ")

    other = radicale.account()
    publisher, _ = publisher_for(other.url)
    with pytest.raises(PublishError) as caught:
        publisher.publish_calendars(attrs.evolve(make_job(account), url=other.url))
    assert str(caught.value) == (
        f"{other.url}: HTTP 403, access denied for user {account.username!r}"
    )


def test_a_server_stopped_mid_run_fails_cleanly_and_a_rerun_completes(
    own_radicale: Radicale,
) -> None:
    account = own_radicale.account()
    publisher, _ = publisher_for(account.url)

    uids = expected_uids()
    written = sum(len(uids[g.id]) for g in ORG.groups[:3])

    def stop_after_three_calendars(label: str, done: int, total: int) -> None:
        if done == 3:
            own_radicale.stop()

    job = attrs.evolve(make_job(account), progress=stop_after_three_calendars)
    with pytest.raises(PublishError) as caught:
        publisher.publish_calendars(job)
    assert str(caught.value).startswith(f"{account.url}")
    assert "cannot connect" in str(caught.value)
    assert "re-run" in str(caught.value)

    own_radicale.start()
    report = publish(account)
    assert 0 < written < 30
    assert len(report.of(Change.KEPT)) == written
    assert len(report.of(Change.CREATED)) == 30 - written
    assert not report.conflicts
    assert publish(account).summary() == "0 created, 0 updated, 0 deleted, 30 kept, 0 conflict"


def test_no_server_timeout_and_5xx_are_publish_errors(passwords: list[str]) -> None:
    passwords += ["pw-unused-1", "pw-unused-2", "pw-unused-3"]
    # Nothing listening: connection refused.
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        port = sock.getsockname()[1]
    account = Target("anna", "pw-unused-1", f"caldav://127.0.0.1:{port}/anna/")
    with pytest.raises(PublishError, match="cannot connect"):
        publish(account)

    # Listening, never answering: a timeout.
    from mgovern_caldav._publisher import CalDAVPublisher

    with socket.socket() as silent:
        silent.bind(("127.0.0.1", 0))
        silent.listen(5)
        port = silent.getsockname()[1]
        account = Target("anna", "pw-unused-2", f"caldav://127.0.0.1:{port}/anna/")
        _, target = publisher_for(account.url)
        with pytest.raises(PublishError, match=r"no answer within 1 s \(timeout\)"):
            CalDAVPublisher(target.parts(), timeout=1).publish_calendars(make_job(account))

    # A server in trouble: HTTP 500 and 503.
    for status in (500, 503):
        with failing_server(status) as port:
            account = Target("anna", "pw-unused-3", f"caldav://127.0.0.1:{port}/anna/")
            with pytest.raises(
                PublishError, match=rf"^caldav://127.0.0.1:{port}/anna/: .*HTTP {status}"
            ):
                publish(account)


class _Failing(http.server.BaseHTTPRequestHandler):
    status = 500

    def do_PROPFIND(self) -> None:
        self.send_response(self.status)
        self.send_header("Content-Length", "0")
        self.end_headers()

    def log_message(self, *args: Any) -> None:
        pass


@contextlib.contextmanager
def failing_server(status: int) -> Iterator[int]:
    handler = type("Handler", (_Failing,), {"status": status})
    server = http.server.ThreadingHTTPServer(("127.0.0.1", 0), handler)
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    try:
        yield server.server_address[1]
    finally:
        server.shutdown()
        server.server_close()


# --- the command line -------------------------------------------------------------------------
def run_cli(*args: str, env: dict[str, str]) -> subprocess.CompletedProcess[str]:
    return subprocess.run(
        [sys.executable, "-m", "mgovern", *args],
        env={**os.environ, **env},
        capture_output=True,
        text=True,
        timeout=120,
        check=False,
    )


def test_the_command_line_end_to_end(
    account: Account, captured: list[str], passwords: list[str]
) -> None:
    env = {"MGOVERN_USERNAME": account.username, "MGOVERN_PASSWORD": account.password}
    window = ("--from", "2026-01-01", "--to", "2026-06-30")
    runs = []
    first = run_cli("publish", account.url, *window, env=env)
    runs.append(first)
    assert first.returncode == 0, first.stderr
    assert first.stdout.splitlines()[-1] == (
        "30 skapade, 0 uppdaterade, 0 raderade, 0 oförändrade, 0 konflikter"
    )
    assert f"skapad: klg/{expected_uids()['klg'][0]}" in first.stdout

    second = run_cli("publish", account.url, *window, env=env)
    runs.append(second)
    assert second.returncode == 0, second.stderr
    assert second.stdout == "0 skapade, 0 uppdaterade, 0 raderade, 30 oförändrade, 0 konflikter\n"

    uid = expected_uids()["adm"][0]
    edit_on_server(account, "adm", uid, "Ändrat i kalendern")
    third = run_cli("publish", account.url, *window, "--dry-run", env=env)
    runs.append(third)
    assert third.returncode == 1
    assert f"KONFLIKT (ändrad där; inte överskriven, använd --force): adm/{uid}" in third.stdout

    wrong = run_cli(
        "publish", account.url, *window, env={**env, "MGOVERN_PASSWORD": "x" + account.password}
    )
    runs.append(wrong)
    assert wrong.returncode == 2
    errors = [line for line in wrong.stderr.splitlines() if line.startswith("mgovern: error:")]
    assert errors == [
        f"mgovern: error: {account.url}: HTTP 401, authentication failed for user "
        f"{account.username!r}"
    ]
    assert "Traceback" not in wrong.stderr

    in_url = account.url.replace("://", f"://{account.username}:{account.password}@")
    refused = run_cli("publish", in_url, *window, env={})
    runs.append(refused)
    assert refused.returncode == 2
    assert "process list" in refused.stderr

    for run in runs:
        captured.extend([run.stdout, run.stderr])
        assert account.password not in run.stdout + run.stderr


# --- where credentials come from ------------------------------------------------------------
def test_a_user_name_in_the_url_with_the_password_from_the_environment(
    account: Account, captured: list[str], passwords: list[str]
) -> None:
    window = ("--from", "2026-01-01", "--to", "2026-01-31")
    with_user = account.url.replace("://", f"://{account.username}@")
    env = {"MGOVERN_USERNAME": "", "MGOVERN_PASSWORD": account.password, "NETRC": os.devnull}
    done = run_cli("publish", with_user, *window, env=env)
    assert done.returncode == 0, done.stderr
    assert done.stdout.splitlines()[-1].endswith("0 konflikter")

    wrong = "wrong-" + account.password[-8:]
    passwords.append(wrong)
    refused = run_cli("publish", with_user, *window, env={**env, "MGOVERN_PASSWORD": wrong})
    assert refused.returncode == 2
    assert refused.stderr.splitlines()[-1] == (
        f"mgovern: error: {account.url}: HTTP 401, authentication failed for the user named "
        "in the URL"
    )
    captured.extend([done.stdout, done.stderr, refused.stdout, refused.stderr])


def test_credentials_from_a_netrc_file(
    account: Account, tmp_path: Path, captured: list[str]
) -> None:
    netrc = tmp_path / "netrc"
    netrc.write_text(
        f"machine 127.0.0.1 login {account.username} password {account.password}\n",
        encoding="utf-8",
    )
    netrc.chmod(0o600)
    environ = {k: v for k, v in os.environ.items() if not k.startswith("MGOVERN_")}
    done = subprocess.run(
        [
            sys.executable,
            "-m",
            "mgovern",
            "publish",
            account.url,
            "--from",
            "2026-01-01",
            "--to",
            "2026-01-31",
        ],
        env={**environ, "NETRC": str(netrc)},
        capture_output=True,
        text=True,
        timeout=120,
        check=False,
    )
    assert done.returncode == 0, done.stderr
    captured.extend([done.stdout, done.stderr])


@pytest.mark.parametrize(
    "userinfo",
    ["{user}:{pw}@", "{user}:pa/ss{pw}@", "{user}:pa#ss{pw}@", "{user}:pa?ss{pw}@", "{user}:@"],
)
def test_a_password_in_the_url_never_reaches_the_server(
    account: Account, radicale: Radicale, captured: list[str], userinfo: str
) -> None:
    before = radicale.log.read_text(errors="replace")
    written = userinfo.format(user=account.username, pw=account.password)
    url = account.url.replace("://", f"://{written}")
    refused = run_cli("publish", url, "--from", "2026-01-01", "--to", "2026-01-31", env={})
    assert refused.returncode == 2
    (line,) = refused.stderr.splitlines()  # one line, no traceback
    assert "holds a password" in line
    assert len(line) <= 300
    assert account.password not in refused.stdout + refused.stderr
    assert f"{account.username}:" not in refused.stdout + refused.stderr
    assert radicale.log.read_text(errors="replace") == before  # not one request
    captured.extend([refused.stdout, refused.stderr])


def test_a_calendar_home_with_an_escaped_at_sign(radicale: Radicale, captured: list[str]) -> None:
    """Nextcloud's homes hold e-mail addresses (``…/calendars/anna@example.org/``); an
    ``@`` after the host is refused, and the same home written with ``%40`` works."""
    import secrets

    account = radicale.account(f"anna{secrets.token_hex(3)}@example.org")
    username, password = account.username, account.password
    host = f"127.0.0.1:{radicale.port}"
    env = {"MGOVERN_USERNAME": username, "MGOVERN_PASSWORD": password}
    window = ("--from", "2026-01-01", "--to", "2026-01-31")

    refused = run_cli("publish", f"caldav://{host}/{username}/", *window, env=env)
    assert refused.returncode == 2
    assert "an '@' in a path is written %40" in refused.stderr

    escaped = f"caldav://{host}/{username.replace('@', '%40')}/"
    first = run_cli("publish", escaped, *window, env=env)
    assert first.returncode == 0, first.stderr
    second = run_cli("publish", escaped, *window, env=env)
    assert second.returncode == 0, second.stderr
    assert " 0 skapade, 0 uppdaterade, 0 raderade" in " " + second.stdout
    captured.extend([refused.stderr, first.stdout, first.stderr, second.stdout, second.stderr])


# --- the same events as the files (issue 21, 12) ------------------------------------------------
def canonical(
    event: icalendar.cal.Component,
) -> tuple[tuple[str, tuple[tuple[str, str], ...], bytes], ...]:
    """An event as its parsed properties, each with its parameters and value, in order:
    how two writers (or a server that re-serialises) are compared. SCHEDULE-AGENT is
    left out: the publisher adds it so that servers send no invitations."""
    lines = []
    for name, value in event.property_items(recursive=False, sorted=True):
        if name in ("BEGIN", "END"):
            continue
        params = tuple(
            sorted(
                (key.upper(), str(param))
                for key, param in getattr(value, "params", {}).items()
                if key.upper() != "SCHEDULE-AGENT"
            )
        )
        raw = value.to_ical() if hasattr(value, "to_ical") else str(value).encode()
        lines.append((name, params, raw))
    return tuple(sorted(lines))


def events_of(data: bytes | str) -> set[tuple[tuple[str, tuple[tuple[str, str], ...], bytes], ...]]:
    return {canonical(e) for e in icalendar.Calendar.from_ical(data).walk("VEVENT")}


def calendar_files_of_the_example(folder: Path) -> Path:
    """`mgovern calendars` for the example and the tests' window, into ``folder``."""
    window = ("--from", START.isoformat(), "--to", END.isoformat())
    done = run_cli("calendars", "--out", str(folder), *window, env={})
    assert done.returncode == 0, done.stderr
    return folder / "groups"


def test_caldav_sends_exactly_the_events_of_the_calendar_files(tmp_path: Path) -> None:
    """Every group's resources as the publisher would PUT them hold exactly the VEVENTs
    of the group's file from `mgovern calendars`: the year wheel's stages (CATEGORIES
    and overrides) too, which series_resources used to leave out."""
    groups = calendar_files_of_the_example(tmp_path)
    job = make_job(Target("a", "b", "caldav://x/"))
    stages = 0
    for collection in _collections(job, []):
        sent = [events_of(d.data) for d in collection.resources]
        assert all(len(events) >= 1 for events in sent)
        union = set().union(*sent)
        assert sum(len(events) for events in sent) == len(union)  # each event in one resource
        files = events_of((groups / f"{collection.name}.ics").read_bytes())
        assert union == files, collection.name
        for resource in collection.resources:  # one resource per UID, named by it
            uids = {
                str(e["UID"]) for e in icalendar.Calendar.from_ical(resource.data).walk("VEVENT")
            }
            assert uids == {resource.uid}
        stages += sum(1 for e in union if any(b"\xc3\x85rshjul" in line[2] for line in e))
    assert stages > 0  # the window holds stages of annual matters


def test_the_server_returns_the_events_of_the_calendar_files(
    account: Account, tmp_path: Path
) -> None:
    """`mgovern publish caldav://` to Radicale, read back with the caldav client: each
    group's calendar on the server holds the VEVENTs of its file, as parsed components."""
    groups = calendar_files_of_the_example(tmp_path)
    env = {"MGOVERN_USERNAME": account.username, "MGOVERN_PASSWORD": account.password}
    done = run_cli(
        "publish", account.url, "--from", START.isoformat(), "--to", END.isoformat(), env=env
    )
    assert done.returncode == 0, done.stderr
    stored = read_back(account)
    for group in ORG.groups:
        held: set[tuple[tuple[str, tuple[tuple[str, str], ...], bytes], ...]] = set()
        for item in stored[group.id].values():
            held |= events_of(item.data)
        assert held == events_of((groups / f"{group.id}.ics").read_bytes()), group.id
