"""Serialise once, stream to disk, use the cores (mgovern.calendars.feeds, mgovern.files).

Every file assembled from once-serialised events must be byte for byte what
``ical.calendar(...).to_ical()`` writes (the plain path, icalendar serialising the whole
calendar); worker processes must not change a byte; a killed run must leave the previous
output as it was.
"""

from __future__ import annotations

import datetime as dt
import os
import signal
import subprocess
import sys
import time
from collections.abc import Iterable
from pathlib import Path

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from icalendar import Component

import mgovern
from mgovern.calendars.feeds import calendar_files, feed_names, write_calendar_files
from mgovern.calendars.ical import calendar
from mgovern.files import RECORDS, TrackedWriter, write_tracked
from mgovern.model import Organization
from mgovern.plugins import make_plugin_manager
from mgovern.testing.strategies import organizations

sys.path.insert(0, str(Path(__file__).parents[2] / "benchmarks"))
from synthetic import synthetic_organization

STAMP = dt.datetime(2026, 1, 1, 6, 30, tzinfo=dt.UTC)


def plain_files(
    org: Organization,
    start: dt.date,
    end: dt.date,
    *,
    pm: object = None,
    todos: dict[str, list[Component]] | None = None,
) -> dict[str, bytes]:
    """Every file the way the plain path writes it: a whole calendar per file, each
    serialised by icalendar on its own."""
    files: dict[str, bytes] = {}
    for name in feed_names(org):
        kind, _, rest = name.partition("/")
        if name == "all.ics":
            cal = calendar(org, start=start, end=end, stamp=STAMP, pm=pm)  # type: ignore[arg-type]
        elif kind == "groups":
            cal = calendar(org, group=rest[:-4], start=start, end=end, stamp=STAMP, pm=pm)  # type: ignore[arg-type]
        else:
            cal = calendar(org, person=rest[:-4], start=start, end=end, stamp=STAMP, pm=pm)  # type: ignore[arg-type]
            for todo in (todos or {}).get(rest[:-4], []):
                cal.add_component(todo)
        files[name] = cal.to_ical()
    return files


def tree(root: Path) -> dict[str, bytes]:
    """Every file under ``root`` (records included) by relative path."""
    return {
        str(p.relative_to(root)): p.read_bytes() for p in sorted(root.rglob("*")) if p.is_file()
    }


# --- serialise once: the same bytes as the plain path ----------------------------------------
def test_the_example_is_byte_identical_to_the_plain_path() -> None:
    org = mgovern.example()
    window = (dt.date(2025, 12, 1), dt.date(2027, 12, 31))
    ours = dict(calendar_files(org, *window, stamp=STAMP))
    assert list(ours) == feed_names(org)
    assert ours == plain_files(org, *window)
    assert len(ours) == 60


@settings(max_examples=40, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(organizations(max_groups=6), st.integers(2000, 2039))
def test_generated_organisations_are_byte_identical_to_the_plain_path(
    org: Organization, year: int
) -> None:
    """Every recurrence form, DST edges, explicit VTIMEZONEs, moved meetings, people in
    several groups: the assembled files are the plain path's bytes."""
    pm = make_plugin_manager(entry_points=False)
    window = (dt.date(year, 1, 1), dt.date(year, 12, 31))
    ours = dict(calendar_files(org, *window, stamp=STAMP, pm=pm))
    assert ours == plain_files(org, *window, pm=pm)


def test_a_persons_tasks_come_after_their_meetings_as_in_the_plain_path() -> None:
    from icalendar import Todo

    org = mgovern.example()
    person = org.groups[1].participants[0]
    todo = Todo()
    todo.add("uid", "a-task")
    todo.add("dtstamp", STAMP)
    todo.add("summary", "Skriv; ett, svar: \\ klart")
    todo.add("due", dt.date(2026, 5, 4))
    todos = {person: [todo]}

    def extra(person_id: str) -> Iterable[Component]:
        return todos.get(person_id, [])

    window = (dt.date(2026, 1, 1), dt.date(2026, 12, 31))
    ours = dict(calendar_files(org, *window, stamp=STAMP, extra=extra))
    assert ours == plain_files(org, *window, todos=todos)
    assert ours[f"people/{person}.ics"].count(b"BEGIN:VTODO") == 1


def test_chosen_groups_write_their_files_and_their_members_without_all() -> None:
    org = mgovern.example()
    window = (dt.date(2026, 1, 1), dt.date(2026, 6, 30))
    ours = dict(calendar_files(org, *window, stamp=STAMP, groups=["klg"]))
    klg = org.group("klg")
    assert list(ours) == ["groups/klg.ics", *[f"people/{p}.ics" for p in sorted(klg.participants)]]
    plain = plain_files(org, *window)
    assert all(ours[name] == plain[name] for name in ours)


# --- several processes: the same bytes ----------------------------------------------------------
@pytest.fixture(scope="module")
def synthetic() -> Organization:
    return synthetic_organization(40, 3)


def test_two_processes_give_the_same_files_as_one(synthetic: Organization) -> None:
    window = (dt.date(2026, 1, 1), dt.date(2026, 12, 31))
    pm = make_plugin_manager(entry_points=False)
    one = list(calendar_files(synthetic, *window, stamp=STAMP, jobs=1, pm=pm))
    two = list(calendar_files(synthetic, *window, stamp=STAMP, jobs=2, pm=pm))
    assert one == two
    assert dict(one) == plain_files(synthetic, *window, pm=pm)


def test_staging_in_two_processes_gives_the_same_tree_as_one(
    synthetic: Organization, tmp_path: Path
) -> None:
    window = (dt.date(2026, 1, 1), dt.date(2026, 12, 31))
    pm = make_plugin_manager(entry_points=False)
    results = {}
    for jobs in (1, 2, 3):
        with TrackedWriter(tmp_path / f"out{jobs}") as writer:
            sizes = write_calendar_files(writer, synthetic, *window, stamp=STAMP, jobs=jobs, pm=pm)
        results[jobs] = writer.results
        assert sorted(sizes) == sorted(feed_names(synthetic))
    assert results[1] == results[2] == results[3]
    assert {what for _, what in results[1]} == {"created"}
    assert tree(tmp_path / "out1") == tree(tmp_path / "out2") == tree(tmp_path / "out3")
    assert not [p for p in tmp_path.iterdir() if "staging" in p.name]


def test_cli_jobs_2_and_jobs_1_write_the_same_bytes(tmp_path: Path) -> None:
    org_file = tmp_path / "org.toml"
    org_file.write_text(mgovern.dumps(synthetic_organization(30, 7)), encoding="utf-8")
    outputs = []
    for jobs in ("1", "2"):
        out = tmp_path / f"out{jobs}"
        done = subprocess.run(
            [
                *(sys.executable, "-m", "mgovern", "calendars", "--org", str(org_file)),
                *("--out", str(out), "--from", "2026-01-01", "--to", "2026-12-31", "--jobs", jobs),
            ],
            capture_output=True,
            text=True,
            check=False,
        )
        assert done.returncode == 0, done.stderr
        outputs.append(done.stdout.replace(str(out), "OUT"))
    assert outputs[0] == outputs[1]
    assert tree(tmp_path / "out1") == tree(tmp_path / "out2")


# --- streaming, all or nothing ----------------------------------------------------------------
def test_files_are_staged_beside_the_output_and_moved_in_at_the_end(tmp_path: Path) -> None:
    out = tmp_path / "out"
    seen: list[list[str]] = []
    with TrackedWriter(out) as writer:
        writer.add("groups/a.ics", b"A")
        writer.add("people/p.ics", b"P")
        # nothing is in place yet; the files wait in a staging folder beside the output
        assert not (out / "groups").exists()
        seen.append(sorted(p.name for p in tmp_path.iterdir()))
    assert len(seen[0]) == 2
    assert seen[0][0].startswith(".mgovern-staging-")
    assert tree(out) == {
        "groups/a.ics": b"A",
        "people/p.ics": b"P",
        f"{RECORDS}/groups/a.ics.sha256": tree(out)[f"{RECORDS}/groups/a.ics.sha256"],
        f"{RECORDS}/people/p.ics.sha256": tree(out)[f"{RECORDS}/people/p.ics.sha256"],
    }
    assert sorted(p.name for p in tmp_path.iterdir()) == ["out"]


def test_an_error_while_building_leaves_the_output_as_it_was(tmp_path: Path) -> None:
    out = tmp_path / "out"
    write_tracked(out, {"groups/a.ics": b"old A", "all.ics": b"old all"})
    before = tree(out)

    class Broken(Exception):
        pass

    def build_then_fail() -> None:
        with TrackedWriter(out) as writer:
            writer.add("groups/a.ics", b"new A")
            writer.add("groups/b.ics", b"new B")
            raise Broken

    with pytest.raises(Broken):
        build_then_fail()
    assert tree(out) == before
    assert sorted(p.name for p in tmp_path.iterdir()) == ["out"]  # no staging left


def test_a_new_output_folder_is_not_left_behind_after_an_error(tmp_path: Path) -> None:
    def write_a_name_too_long() -> None:
        with TrackedWriter(tmp_path / "new" / "out") as writer:
            writer.add("groups/a.ics", b"A")
            writer.add("groups/" + "b" * 300 + ".ics", b"B")

    with pytest.raises(OSError, match="too long"):
        write_a_name_too_long()
    assert list(tmp_path.iterdir()) == []


def test_the_staging_folder_is_inside_the_records_when_beside_is_refused(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    import tempfile

    real = tempfile.mkdtemp
    out = tmp_path / "out"

    def refuse_beside(prefix: str, dir: Path) -> str:
        if Path(dir) == tmp_path:
            raise PermissionError(13, "Permission denied", str(dir))
        return real(prefix=prefix, dir=dir)

    monkeypatch.setattr(tempfile, "mkdtemp", refuse_beside)
    with TrackedWriter(out) as writer:
        writer.add("a.ics", b"A")
        inside = [p.name for p in (out / RECORDS).iterdir()]
        assert [n for n in inside if n.startswith(".mgovern-staging-")]
    assert (out / "a.ics").read_bytes() == b"A"
    assert sorted(p.name for p in (out / RECORDS).iterdir()) == ["a.ics.sha256"]


def test_a_second_writer_of_the_same_folder_is_refused(tmp_path: Path) -> None:
    out = tmp_path / "out"
    with TrackedWriter(out) as first:
        first.add("a.ics", b"A")
        with pytest.raises(BlockingIOError, match="another mgovern run"), TrackedWriter(out):
            pass
    assert (out / "a.ics").read_bytes() == b"A"
    with TrackedWriter(out) as again:  # free again afterwards
        again.add("a.ics", b"A2")
    assert (out / "a.ics").read_bytes() == b"A2"


def test_a_dry_run_writes_nothing_at_all(tmp_path: Path) -> None:
    with TrackedWriter(tmp_path / "out", dry_run=True) as writer:
        assert writer.add("a.ics", b"A") == "created"
    assert list(tmp_path.iterdir()) == []


# --- killed runs ---------------------------------------------------------------------------------
_SLOW_ORG = 120


@pytest.fixture(scope="module")
def big_org_file(tmp_path_factory: pytest.TempPathFactory) -> Path:
    path = tmp_path_factory.mktemp("org") / "org.toml"
    path.write_text(mgovern.dumps(synthetic_organization(_SLOW_ORG, 11)), encoding="utf-8")
    return path


def _calendars(org_file: Path, out: Path, year: int, *extra: str) -> list[str]:
    return [
        sys.executable,
        "-m",
        "mgovern",
        "calendars",
        "--org",
        str(org_file),
        "--out",
        str(out),
        "--from",
        f"{year}-01-01",
        "--to",
        f"{year}-12-31",
        *extra,
    ]


def _staging(out: Path) -> list[Path]:
    from mgovern.files import STAGING

    return [p for p in out.parent.iterdir() if p.name.startswith(STAGING)]


@pytest.mark.parametrize("jobs", ["1", "2"])
def test_killing_calendars_halfway_leaves_the_previous_output_complete_and_unchanged(
    big_org_file: Path, tmp_path: Path, jobs: str
) -> None:
    out = tmp_path / "out"
    subprocess.run(_calendars(big_org_file, out, 2026), check=True, capture_output=True)
    before = tree(out)
    assert len(before) > 2 * _SLOW_ORG
    # every file changes in 2027; kill the run once it has staged some of them
    process = subprocess.Popen(
        _calendars(big_org_file, out, 2027, "--jobs", jobs),
        stdout=subprocess.DEVNULL,
        stderr=subprocess.DEVNULL,
        start_new_session=True,  # the workers are killed with it
    )
    deadline = time.monotonic() + 600  # a limit for a busy machine: it waits for the event
    staged = 0
    while time.monotonic() < deadline and process.poll() is None:
        found = _staging(out)
        staged = sum(1 for p in found[0].rglob("*.ics")) if found else 0
        if staged >= 20:
            break
        time.sleep(0.01)
    assert process.poll() is None, "the run ended before it could be killed; use a larger org"
    os.killpg(process.pid, signal.SIGKILL)
    process.wait()
    assert staged >= 20
    assert tree(out) == before  # complete and unchanged: every file, every record
    assert _staging(out)  # what it had staged is left beside, not in the output
    # the next run clears the leftovers and writes the new year, with no false conflicts
    done = subprocess.run(
        _calendars(big_org_file, out, 2027), capture_output=True, text=True, check=False
    )
    assert done.returncode == 0, done.stderr
    assert "KONFLIKT" not in done.stdout
    assert not _staging(out)
    fresh = tmp_path / "fresh"
    subprocess.run(_calendars(big_org_file, fresh, 2027), check=True, capture_output=True)
    assert tree(out) == tree(fresh)


_INTERRUPT_MOVES = """
import os, sys
moves = 0
real = os.replace
def replace(src, dst):
    global moves
    if "mgovern-staging" in str(src) and not str(src).endswith(".tmp"):
        moves += 1
        if moves > int(os.environ["MOVES"]):
            os._exit(9)  # as if killed while moving files into place
    return real(src, dst)
os.replace = replace
from mgovern.cli import main
main(sys.argv[1:])
"""


def test_a_run_killed_while_moving_is_finished_by_the_next_run(
    big_org_file: Path, tmp_path: Path
) -> None:
    out = tmp_path / "out"
    subprocess.run(_calendars(big_org_file, out, 2026), check=True, capture_output=True)
    before = tree(out)
    env = {**os.environ, "MOVES": "15"}
    killed = subprocess.run(
        [sys.executable, "-c", _INTERRUPT_MOVES, *_calendars(big_org_file, out, 2027)[3:]],
        env=env,
        capture_output=True,
        check=False,
    )
    assert killed.returncode == 9
    halfway = tree(out)
    assert halfway != before  # some files moved in, most not: the journal knows the rest
    assert _staging(out)
    # the next run of any kind first finishes the moves, so files and records agree
    done = subprocess.run(
        _calendars(big_org_file, out, 2027, "--json"), capture_output=True, text=True, check=False
    )
    assert done.returncode == 0, done.stderr
    assert '"conflicts": []' in done.stdout
    assert not _staging(out)
    fresh = tmp_path / "fresh"
    subprocess.run(_calendars(big_org_file, fresh, 2027), check=True, capture_output=True)
    assert tree(out) == tree(fresh)


@pytest.mark.parametrize("jobs", ["1", "2"])
@pytest.mark.parametrize(
    ("rule", "expected"),
    [
        ('rule = "5th tuesday of the month"', "group 'g3' cycle 'c': '5th tuesday"),
        ('rrule = "FREQ=DAILY"', "more than max_occurrences"),
    ],
)
def test_a_schedule_error_in_a_worker_is_one_line_and_writes_nothing(
    tmp_path: Path, jobs: str, rule: str, expected: str
) -> None:
    """The groups' schedules are checked where they are built (in the workers with
    --jobs 2): the first error, in the order of the groups, is the one line printed."""
    from click.testing import CliRunner

    from mgovern.cli import build_cli

    groups = "".join(
        f'[[groups]]\nid = "g{i}"\nname = "G{i}"\n[[groups.cycles]]\nid = "c"\nname = "C"\n'
        + (rule if i >= 3 else 'rule = "every week on monday"')
        + "\n"
        for i in range(6)
    )
    org_file = tmp_path / "org.toml"
    org_file.write_text('id = "o"\nname = "O"\nmax_occurrences = 50\n' + groups, encoding="utf-8")
    out = tmp_path / "out"
    result = CliRunner().invoke(
        build_cli(),
        [
            *("calendars", "--org", str(org_file), "--out", str(out), "--jobs", jobs),
            *("--from", "2026-02-01", "--to", "2026-02-28" if "tuesday" in rule else "2026-12-31"),
        ],
    )
    assert result.exit_code == 2, result.output
    assert expected in result.stderr
    assert "g3" in result.stderr  # the first failing group, whatever the process
    assert len(result.stderr.strip().splitlines()) == 1
    assert sorted(p.name for p in tmp_path.iterdir()) == ["org.toml"]  # nothing, no staging


# --- progress ------------------------------------------------------------------------------------
def _stderr_on_a_terminal(args: list[str]) -> tuple[int, str]:
    """Run mgovern with its stderr on a pseudo-terminal; the exit code and what it drew."""
    import pty

    leader, follower = pty.openpty()
    process = subprocess.Popen(
        [sys.executable, "-m", "mgovern", *args],
        stdin=subprocess.DEVNULL,
        stdout=subprocess.DEVNULL,
        stderr=follower,
    )
    os.close(follower)
    drawn = b""
    while True:
        try:
            chunk = os.read(leader, 65536)
        except OSError:  # EIO: the terminal's other end is closed
            break
        if not chunk:
            break
        drawn += chunk
    os.close(leader)
    return process.wait(), drawn.decode("utf-8", "replace")


@pytest.mark.skipif(sys.platform == "win32", reason="pseudo-terminals are POSIX")
def test_calendars_draws_a_progress_bar_only_on_a_terminal_and_not_when_quiet(
    tmp_path: Path,
) -> None:
    window = ["--from", "2026-01-01", "--to", "2026-03-31"]
    code, drawn = _stderr_on_a_terminal(["calendars", "--out", str(tmp_path / "a"), *window])
    assert code == 0
    assert "calendars" in drawn
    assert "100%" in drawn  # click's bar, finished
    for quiet in (["--quiet", "calendars"], ["calendars", "-q"]):
        out = ["--out", str(tmp_path / "b")]
        code, drawn = _stderr_on_a_terminal([*quiet, *out, *window])
        assert code == 0
        assert "%" not in drawn
        assert "använder den inbyggda exempelorganisationen" in drawn  # other messages still come
    redirected = subprocess.run(
        [sys.executable, "-m", "mgovern", "calendars", "--out", str(tmp_path / "c"), *window],
        capture_output=True,
        text=True,
        check=True,
    )
    assert "%" not in redirected.stderr
    assert "[#" not in redirected.stderr


@pytest.mark.parametrize(
    "name", ["../outside.ics", "/etc/x.ics", "a/../../b.ics", ".mgovern/x", ""]
)
def test_a_name_outside_the_folder_is_refused_and_nothing_is_written(
    tmp_path: Path, name: str
) -> None:
    def write() -> None:
        with TrackedWriter(tmp_path / "out") as writer:
            writer.add("a.ics", b"A")
            writer.add(name, b"B")

    with pytest.raises(ValueError, match="not a path inside the output folder"):
        write()
    assert list(tmp_path.iterdir()) == []


def test_the_files_written_are_read_by_recurring_ical_events_as_mgovern_computes(
    tmp_path: Path,
) -> None:
    """The cross-check of the plain path, on the files `mgovern calendars` writes now:
    every group's, every person's and all.ics, expanded by an independent reader."""
    import recurring_ical_events
    from click.testing import CliRunner
    from icalendar import Calendar

    from mgovern.calendars.cycles import occurrences
    from mgovern.cli import build_cli

    out = tmp_path / "out"
    result = CliRunner().invoke(
        build_cli(),
        ["calendars", "--out", str(out), "--from", "2026-01-01", "--to", "2026-12-31"],
    )
    assert result.exit_code == 0, result.output
    org = mgovern.example()
    start, end = dt.date(2026, 1, 1), dt.date(2026, 12, 31)
    mine = {
        g.id: {(o.uid, o.start) for o in occurrences(org, g.id, start, end)} for g in org.groups
    }

    def read(path: Path) -> set[tuple[str, dt.datetime]]:
        cal = Calendar.from_ical(path.read_bytes())
        found = recurring_ical_events.of(cal).between(dt.date(2025, 12, 1), dt.date(2027, 2, 1))
        return {(str(e["UID"]), e["DTSTART"].dt) for e in found}

    for group in org.groups:
        assert read(out / "groups" / f"{group.id}.ics") == mine[group.id]
    assert read(out / "all.ics") == set().union(*mine.values())
    for person in org.people:
        if org.groups_of(person.id):
            expected = set().union(*(mine[g.id] for g in org.groups_of(person.id)))
            assert read(out / "people" / f"{person.id}.ics") == expected


# --- worker processes: how they start and end ------------------------------------------------
@pytest.mark.parametrize("method", ["spawn", "fork"])
def test_calendars_are_the_same_bytes_however_the_workers_start(
    method: str, monkeypatch: pytest.MonkeyPatch
) -> None:
    """Spawned workers get the organisation pickled and the default plugins; with the
    caller's own plugin manager (which does not pickle) the work stays in one process —
    either way the bytes are those of one process."""
    from mgovern._util import processes

    monkeypatch.setattr(processes, "START_METHOD", method)
    org = synthetic_organization(12, 5)
    window = (dt.date(2026, 1, 1), dt.date(2026, 6, 30))
    custom = make_plugin_manager(entry_points=False)
    one = list(calendar_files(org, *window, stamp=STAMP, jobs=1, pm=custom))
    assert list(calendar_files(org, *window, stamp=STAMP, jobs=2, pm=custom)) == one
    default = list(calendar_files(org, *window, stamp=STAMP, jobs=1))
    assert list(calendar_files(org, *window, stamp=STAMP, jobs=2)) == default


def test_workers_are_spawned_not_forked_while_threads_run() -> None:
    import threading

    from mgovern._util import processes

    assert processes.start_method() in ("fork", "spawn")
    stop = threading.Event()
    thread = threading.Thread(target=stop.wait)
    thread.start()
    try:
        assert processes.start_method() == "spawn"  # the platform default would fork
    finally:
        stop.set()
        thread.join()


def _die(_: int) -> int:
    os._exit(9)  # as if killed, or out of memory


def test_a_worker_that_dies_is_one_error_not_a_broken_pool() -> None:
    from mgovern._util.processes import WorkerError
    from mgovern.rules.coverage import fan_out

    with pytest.raises(WorkerError, match="a worker process ended unexpectedly"):
        fan_out(_die, list(range(6)), here=lambda p: p, processes=2, initializer=int, initargs=())


def test_a_tracked_writer_is_used_in_one_with_block() -> None:
    writer = TrackedWriter(Path("never-made"))
    with pytest.raises(RuntimeError, match="with block"):
        writer.add("a.ics", b"A")
    assert not Path("never-made").exists()


def test_a_tracked_writer_writes_once(tmp_path: Path) -> None:
    writer = TrackedWriter(tmp_path / "out")
    with writer:
        writer.add("a.ics", b"A")
    with pytest.raises(RuntimeError, match="writes once"), writer:
        pass
    assert (tmp_path / "out" / "a.ics").read_bytes() == b"A"
