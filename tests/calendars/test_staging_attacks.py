"""Hostile and careless use of the staged writer (mgovern.files.TrackedWriter) and of
``mgovern calendars --out DIR [--jobs N]`` / ``mgovern publish file:DIR``.

The first part are real bugs found in review (each failed before its fix); the others
are attacks that held up from the start.
"""

from __future__ import annotations

import contextlib
import datetime as dt
import json
import os
import signal
import subprocess
import sys
import tempfile
import time
from collections.abc import Iterator
from pathlib import Path

import pytest
from click.testing import CliRunner, Result

import mgovern
from mgovern import files
from mgovern.calendars.feeds import write_calendar_files
from mgovern.cli import build_cli
from mgovern.files import RECORDS, TrackedWriter, write_tracked

sys.path.insert(0, str(Path(__file__).parents[2] / "benchmarks"))
from synthetic import synthetic_organization

WINDOW = ["--from", "2026-01-01", "--to", "2026-03-31"]
LATER = ["--from", "2026-01-01", "--to", "2026-06-30"]


def run(*args: str) -> Result:
    return CliRunner().invoke(build_cli(), list(args))


def tree(root: Path) -> dict[str, bytes]:
    return {
        str(p.relative_to(root)): p.read_bytes() for p in sorted(root.rglob("*")) if p.is_file()
    }


def stagings(folder: Path) -> list[str]:
    return sorted(p.name for p in folder.iterdir() if ".mgovern-staging-" in p.name)


# =============================================================================================
# Bugs found in review, fixed
# =============================================================================================


def _planted_staging(out: Path) -> Path:
    """What another local user can plant beside an output folder whose parent they can
    write (e.g. --out /tmp/calendars): a staging folder with a complete journal, named
    as mgovern names the staging folders of ``out``."""
    staging = out.parent / (files._prefix(out) + "evil")
    staging.mkdir()
    return staging


def test_a_planted_journal_cannot_move_a_private_file_into_the_output(tmp_path: Path) -> None:
    out = tmp_path / "out"
    out.mkdir()
    private = tmp_path / "private"
    private.mkdir()
    (private / "secret.txt").write_text("TOP SECRET", encoding="utf-8")
    staging = _planted_staging(out)
    (staging / "d").symlink_to(private)
    (staging / "COMMIT").write_text(json.dumps(["d/secret.txt"]), encoding="utf-8")
    with pytest.raises(OSError, match="holding a link; remove it"), TrackedWriter(out):
        pass
    assert (private / "secret.txt").read_text(encoding="utf-8") == "TOP SECRET"
    assert not (out / "d").exists()
    # one line through the CLI, and nothing moved
    result = run("calendars", "--out", str(out), *WINDOW)
    assert result.exit_code == 2
    assert "holding a link; remove it" in result.stderr
    assert (private / "secret.txt").read_text(encoding="utf-8") == "TOP SECRET"


def test_a_staging_folder_of_another_user_is_never_touched(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    out = tmp_path / "out"
    out.mkdir()
    staging = _planted_staging(out)
    (staging / "x.ics").write_bytes(b"X")
    (staging / "COMMIT").write_text(json.dumps(["x.ics"]), encoding="utf-8")
    monkeypatch.setattr(os, "getuid", lambda: os.stat(tmp_path).st_uid + 1)
    with TrackedWriter(out) as writer:
        writer.add("a.ics", b"A")
    assert not (out / "x.ics").exists()
    assert (staging / "x.ics").read_bytes() == b"X"


def test_a_planted_journal_cannot_write_outside_the_output(tmp_path: Path) -> None:
    base = tmp_path / "shared"  # think /tmp: others can write here, root runs mgovern
    base.mkdir()
    out = base / "out"
    out.mkdir()
    staging = _planted_staging(out)
    (staging / "x" / "y").mkdir(parents=True)
    (staging / "up").symlink_to(staging / "x" / "y")  # "up/../.." is the staging folder
    (staging / "evil.txt").write_text("PWNED", encoding="utf-8")
    # in the staging folder up/../../evil.txt is evil.txt; in the output it is ../evil.txt
    (staging / "COMMIT").write_text(json.dumps(["up/../../evil.txt"]), encoding="utf-8")
    with pytest.raises(OSError, match="outside the folder; remove it"), TrackedWriter(out):
        pass
    assert not (base / "evil.txt").exists()
    assert sorted(p.name for p in base.iterdir() if not p.name.startswith(".")) == ["out"]


@pytest.mark.parametrize("journal", [b'["groups/', b"null", b"\xff\xfe", b"[1]"])
def test_a_corrupted_journal_is_one_line_not_a_traceback(tmp_path: Path, journal: bytes) -> None:
    out = tmp_path / "out"
    assert run("calendars", "--out", str(out), *WINDOW).exit_code == 0
    before = tree(out)
    staging = tmp_path / (files._prefix(out) + "x")
    staging.mkdir()
    (staging / "COMMIT").write_bytes(journal)
    result = run("calendars", "--out", str(out), *WINDOW)
    assert result.exception is None or isinstance(result.exception, SystemExit)
    assert result.exit_code in (0, 2)
    if result.exit_code == 2:
        assert len(result.stderr.strip().splitlines()) <= 2
    assert tree(out) == before


def test_an_output_folder_with_a_long_but_legal_name_can_be_written(tmp_path: Path) -> None:
    out = tmp_path / ("k" * 240)
    results = write_tracked(out, {"groups/a.ics": b"A"})
    assert results == [("groups/a.ics", "created")]
    assert (out / "groups" / "a.ics").read_bytes() == b"A"


@pytest.fixture
def other_device_folder(tmp_path: Path) -> Iterator[Path]:
    shm = Path("/dev/shm")
    if not shm.is_dir() or shm.stat().st_dev == tmp_path.stat().st_dev:
        pytest.skip("needs /dev/shm on another file system than tmp_path")
    folder = Path(tempfile.mkdtemp(dir=shm, prefix="mgovern-attack-"))
    try:
        yield folder
    finally:
        import shutil

        shutil.rmtree(folder, ignore_errors=True)


def test_a_subfolder_on_another_file_system_does_not_wedge_the_output(
    tmp_path: Path, other_device_folder: Path
) -> None:
    out = tmp_path / "out"
    out.mkdir()
    (out / "people").symlink_to(other_device_folder)
    with contextlib.suppress(OSError):  # refusing the first time, before anything
        write_tracked(out, {"groups/g.ics": b"G1", "people/p.ics": b"P1"})  # moves, is fine
    # ... but the output must not be left half-written, nor every later run refused
    results = write_tracked(out, {"groups/g.ics": b"G1", "people/p.ics": b"P1"})
    assert dict(results)["people/p.ics"] in ("created", "kept")
    assert (other_device_folder / "p.ics").read_bytes() == b"P1"


def _children(pid: int) -> list[int]:
    found = []
    for stat in Path("/proc").glob("[0-9]*/stat"):
        try:
            fields = stat.read_text().rsplit(")", 1)[1].split()
        except OSError:
            continue
        if int(fields[1]) == pid:
            found.append(int(stat.parent.name))
    return found


def _alive(pid: int) -> bool:
    try:
        state = Path(f"/proc/{pid}/stat").read_text().rsplit(")", 1)[1].split()[0]
    except OSError:
        return False
    return state not in ("Z", "X")


#: How long a test waits for an event (a run to end, workers to go) before it fails: long
#: enough for a machine running two suites on two cores; a passing test waits only as
#: long as the event takes.
_PATIENCE = 600


def _survivors(workers: list[int]) -> list[int]:
    """The workers still alive once they have all gone, or once _PATIENCE is over.

    Waits for the event (each worker gone), not a fixed time: a worker that notices its
    parent's death at its next check may take seconds to go on a busy machine.
    """
    deadline = time.monotonic() + _PATIENCE
    while time.monotonic() < deadline and any(_alive(w) for w in workers):
        time.sleep(0.05)
    return [w for w in workers if _alive(w)]


@pytest.fixture(scope="module")
def org120(tmp_path_factory: pytest.TempPathFactory) -> Path:
    path = tmp_path_factory.mktemp("org") / "org.toml"
    path.write_text(mgovern.dumps(synthetic_organization(120, 11)), encoding="utf-8")
    return path


def _calendars(org: Path, out: Path, *extra: str) -> list[str]:
    return [
        *(sys.executable, "-m", "mgovern", "calendars", "--org", str(org), "--out", str(out)),
        *("--from", "2027-01-01", "--to", "2027-12-31", *extra),
    ]


def _start_and_wait_until_staging(org: Path, out: Path, *extra: str) -> subprocess.Popen[bytes]:
    process = subprocess.Popen(
        _calendars(org, out, *extra),
        stdout=subprocess.DEVNULL,
        stderr=subprocess.PIPE,
        start_new_session=True,
    )
    deadline = time.monotonic() + _PATIENCE
    while time.monotonic() < deadline and process.poll() is None:
        found = [p for p in out.parent.iterdir() if p.name.startswith(files._prefix(out))]
        if found and sum(1 for _ in found[0].rglob("*.ics")) >= 20:
            break
        time.sleep(0.005)
    assert process.poll() is None, "the run ended before it could be interrupted"
    return process


@pytest.mark.skipif(sys.platform != "linux", reason="reads /proc")
@pytest.mark.parametrize("sig", [signal.SIGKILL, signal.SIGTERM])
def test_killing_only_the_parent_leaves_no_workers_holding_the_lock(
    org120: Path, tmp_path: Path, sig: signal.Signals
) -> None:
    out = tmp_path / "out"
    process = _start_and_wait_until_staging(org120, out, "--jobs", "2")
    workers = _children(process.pid)
    try:
        assert workers
        os.kill(process.pid, sig)  # the parent only, not its process group
        process.wait(timeout=_PATIENCE)
        orphans = _survivors(workers)
        nxt = subprocess.run(
            _calendars(org120, out),
            capture_output=True,
            text=True,
            check=False,
            timeout=_PATIENCE,
        )
        assert nxt.returncode == 0, nxt.stderr
        assert not orphans
    finally:
        with contextlib.suppress(ProcessLookupError):
            os.killpg(process.pid, signal.SIGKILL)  # whatever is left of that run


@pytest.mark.skipif(sys.platform != "linux", reason="reads /proc")
def test_a_killed_worker_is_one_line(org120: Path, tmp_path: Path) -> None:
    out = tmp_path / "out"
    process = _start_and_wait_until_staging(org120, out, "--jobs", "2")
    try:
        os.kill(_children(process.pid)[0], signal.SIGKILL)
        _, stderr = process.communicate(timeout=_PATIENCE)
    finally:
        with contextlib.suppress(ProcessLookupError):
            os.killpg(process.pid, signal.SIGKILL)
    assert process.returncode == 2
    assert b"Traceback" not in stderr


def test_losing_the_lock_race_does_not_remove_the_winners_folder(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    out = tmp_path / "out"
    winner, loser = TrackedWriter(out), TrackedWriter(out)
    real = files._made_folders
    calls = []

    def racing(path: Path) -> list[Path]:
        made = real(path)
        calls.append(path)
        if len(calls) == 1:  # the loser has seen no folder; now the winner makes and locks it
            winner.__enter__()
        return made

    monkeypatch.setattr(files, "_made_folders", racing)
    with pytest.raises(BlockingIOError):
        loser.__enter__()
    monkeypatch.setattr(files, "_made_folders", real)
    try:
        assert out.is_dir()  # the winner's folder is still there ...
        with pytest.raises(BlockingIOError), TrackedWriter(out):  # ... and still locked
            pass
    finally:
        winner.add("a.ics", b"A")
        winner.__exit__(None, None, None)


def test_a_run_killed_while_moving_via_a_symlink_is_finished_via_the_real_path(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    real = tmp_path / "real"
    link = tmp_path / "link"
    link.symlink_to(real, target_is_directory=True)
    write_tracked(real, {"a.ics": b"A1", "b.ics": b"B1"})

    class Killed(BaseException):
        pass

    original = os.replace
    moves = []

    def replace(src: object, dst: object) -> None:
        if "mgovern-staging" in str(src) and not str(src).endswith(".tmp"):
            moves.append(src)
            if len(moves) > 1:  # killed after the first file, before its record
                raise Killed
        original(src, dst)  # type: ignore[arg-type]

    monkeypatch.setattr(os, "replace", replace)
    with pytest.raises(Killed):
        write_tracked(link, {"a.ics": b"A2", "b.ics": b"B2"})
    monkeypatch.setattr(os, "replace", original)
    assert (real / "a.ics").read_bytes() == b"A2"
    results = dict(write_tracked(real, {"a.ics": b"A3", "b.ics": b"B3"}))
    assert results == {"a.ics": "updated", "b.ics": "updated"}
    assert stagings(tmp_path) == []


def test_jobs_beyond_the_work_do_not_fork_idle_processes(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    org = mgovern.example()
    forks = []
    real_fork = os.fork

    def counting_fork() -> int:
        pid = real_fork()
        if pid:
            forks.append(pid)
        return pid

    monkeypatch.setattr(os, "fork", counting_fork)
    with TrackedWriter(tmp_path / "out") as writer:
        sizes = write_calendar_files(
            writer, org, dt.date(2026, 1, 1), dt.date(2026, 3, 31), jobs=40
        )
    assert len(forks) <= len(org.groups) + min(40, len(sizes))


def test_an_unchanged_run_with_jobs_2_touches_nothing(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    org = mgovern.example()
    window = (dt.date(2026, 1, 1), dt.date(2026, 3, 31))
    out = tmp_path / "out"
    with TrackedWriter(out) as writer:
        write_calendar_files(writer, org, *window, jobs=1)
    syncs = []
    monkeypatch.setattr(os, "sync", lambda: syncs.append(1))
    before = tmp_path.stat().st_mtime_ns
    time.sleep(0.01)
    with TrackedWriter(out) as writer:
        write_calendar_files(writer, org, *window, jobs=2)
    assert {what for _, what in writer.results} == {"kept"}
    assert syncs == []  # nothing staged: no journal, no system-wide sync
    assert stagings(tmp_path) == []
    # (the staging folder the workers would have shared was made and removed: the
    # parent folder's time changes, nothing in it does)
    assert before <= tmp_path.stat().st_mtime_ns


# =============================================================================================
# Attacks that hold up
# =============================================================================================


@pytest.mark.parametrize("jobs", ["0", "-1", "999", "x"])
def test_jobs_out_of_range_is_a_usage_error_and_writes_nothing(tmp_path: Path, jobs: str) -> None:
    result = run("calendars", "--out", str(tmp_path / "o"), f"--jobs={jobs}", *WINDOW)
    assert result.exit_code == 2
    assert "--jobs" in result.stderr
    assert list(tmp_path.iterdir()) == []
    result = run("publish", f"file:{tmp_path / 'p'}", f"--jobs={jobs}")
    assert result.exit_code == 2
    assert list(tmp_path.iterdir()) == []


def _mtimes(root: Path) -> dict[str, tuple[int, int]]:
    return {
        str(p.relative_to(root)): (p.stat().st_mtime_ns, p.stat().st_ino)
        for p in sorted(root.rglob("*"))
    }


def test_the_same_run_twice_rewrites_nothing(tmp_path: Path) -> None:
    out = tmp_path / "out"
    assert run("calendars", "--out", str(out), *WINDOW).exit_code == 0
    before, parent = _mtimes(out), tmp_path.stat().st_mtime_ns
    time.sleep(0.01)
    result = run("calendars", "--out", str(out), *WINDOW, "--jobs", "1")
    assert result.exit_code == 0
    assert result.stdout.endswith("(0 ändrade)\n")
    assert _mtimes(out) == before
    assert tmp_path.stat().st_mtime_ns == parent  # not even a staging folder


def test_a_group_run_after_a_full_run_changes_nothing(tmp_path: Path) -> None:
    out = tmp_path / "out"
    assert run("calendars", "--out", str(out), *WINDOW).exit_code == 0
    before = _mtimes(out)
    for jobs in ("1", "2"):
        result = run(
            "calendars", "--out", str(out), *WINDOW, "--group", "klg", "--jobs", jobs, "--json"
        )
        assert result.exit_code == 0, result.output
        data = json.loads(result.stdout)
        assert data["changed"] == 0
        assert data["conflicts"] == []
        assert "all.ics" not in {f["name"] for f in data["files"]}
        assert {f["result"] for f in data["files"]} == {"kept"}
    assert _mtimes(out) == before


@pytest.mark.parametrize("jobs", ["1", "2"])
def test_a_hand_edited_file_is_a_conflict_until_force(tmp_path: Path, jobs: str) -> None:
    out = tmp_path / "out"
    assert run("calendars", "--out", str(out), *WINDOW).exit_code == 0
    edited = out / "groups" / "klg.ics"
    edited.write_bytes(edited.read_bytes() + b"hand edit\r\n")
    mine = edited.read_bytes()
    result = run("calendars", "--out", str(out), *LATER, "--jobs", jobs, "--json")
    assert result.exit_code == 1
    assert json.loads(result.stdout)["conflicts"] == ["groups/klg.ics"]
    assert edited.read_bytes() == mine
    assert (out / "all.ics").read_bytes() != b""  # the rest moved on
    result = run("calendars", "--out", str(out), *LATER, "--jobs", jobs, "--force")
    assert result.exit_code == 0
    assert b"hand edit" not in edited.read_bytes()
    again = run("calendars", "--out", str(out), *LATER, "--jobs", jobs)
    assert again.exit_code == 0
    assert again.stdout.endswith("(0 ändrade)\n")
    assert stagings(tmp_path) == []


ACTIONS = """\
[[actions]]
id = "t-1"
what = "Ta fram reviderad tidplan"
owner = "tomas-engstrom"
due = 2026-02-01
meeting = 2026-01-17

[[actions]]
id = "t-3"
what = "Skicka ut reviderad budget"
owner = "annika-sandberg"
due = 2026-02-20
group = "klg"
meeting = 2026-01-17
"""


def test_jobs_1_and_2_are_byte_identical_with_tasks(tmp_path: Path) -> None:
    source = tmp_path / "actions.toml"
    source.write_text(ACTIONS, encoding="utf-8")
    db = tmp_path / "register.sqlite"
    imported = run("decisions", "import", str(source), "--db", str(db))
    assert imported.exit_code == 0, imported.output
    trees = []
    for jobs in ("1", "2"):
        out = tmp_path / f"out{jobs}"
        result = run("calendars", "--out", str(out), *WINDOW, "--db", str(db), "--jobs", jobs)
        assert result.exit_code == 0, result.output
        trees.append(tree(out))
    assert trees[0] == trees[1]
    assert b"VTODO" in trees[0]["people/tomas-engstrom.ics"]


def test_dot_dotdot_and_a_symlinked_out_write_into_the_right_folder(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    work = tmp_path / "w"
    (work / "sub").mkdir(parents=True)
    monkeypatch.chdir(work)
    assert run("calendars", "--out", ".", *WINDOW).exit_code == 0
    first = tree(work)
    monkeypatch.chdir(work / "sub")
    result = run("calendars", "--out", "..", *LATER)
    assert result.exit_code == 0
    assert tree(work) != first
    assert (work / "all.ics").exists()
    assert stagings(tmp_path) == stagings(work) == stagings(work / "sub") == []
    real = tmp_path / "real"
    real.mkdir()
    (tmp_path / "link").symlink_to(real)
    assert run("calendars", "--out", str(tmp_path / "link"), *WINDOW).exit_code == 0
    assert (tmp_path / "link").is_symlink()
    assert (real / "all.ics").is_file()
    assert stagings(tmp_path) == []


def test_a_dangling_symlink_out_is_one_line(tmp_path: Path) -> None:
    (tmp_path / "dangling").symlink_to(tmp_path / "nowhere")
    result = run("calendars", "--out", str(tmp_path / "dangling"), *WINDOW)
    assert result.exit_code == 2
    assert result.stderr.strip().splitlines()[-1].startswith("mgovern: error:")
    assert sorted(p.name for p in tmp_path.iterdir()) == ["dangling"]


def test_spaces_newlines_and_non_utf8_bytes_in_the_out_name(tmp_path: Path) -> None:
    name = os.fsdecode(b"caf\xe9 x\ny")
    out = tmp_path / name
    for jobs in ("1", "2"):  # a subprocess: CliRunner's stdout cannot print such a name
        done = subprocess.run(
            [
                *(sys.executable, "-m", "mgovern", "calendars", "--out", os.fsencode(out)),
                *(WINDOW if jobs == "1" else LATER),
                *("-j", jobs),
            ],
            capture_output=True,
            check=False,
        )
        assert done.returncode == 0, done.stderr
    assert (out / "all.ics").is_file()
    assert stagings(tmp_path) == []


def test_a_second_writer_is_refused_in_one_line(tmp_path: Path) -> None:
    out = tmp_path / "out"
    with TrackedWriter(out) as first:
        first.add("x.ics", b"X")
        result = run("calendars", "--out", str(out), *WINDOW)
        assert result.exit_code == 2
        assert "another mgovern run" in result.stderr
    assert sorted(p.name for p in out.iterdir()) == [RECORDS, "x.ics"]


def test_a_lookalike_staging_symlink_from_elsewhere_is_not_followed(tmp_path: Path) -> None:
    victim = tmp_path / "victim"
    victim.mkdir()
    (victim / "keep.txt").write_text("mine", encoding="utf-8")
    out = tmp_path / "out"
    (tmp_path / ".out.mgovern-staging-tool").symlink_to(victim)  # no journal in it
    (tmp_path / ".out.mgovern-staging-file").write_text("x", encoding="utf-8")  # a file
    write_tracked(out, {"a.ics": b"A"})
    assert (victim / "keep.txt").read_text(encoding="utf-8") == "mine"
    assert (out / "a.ics").read_bytes() == b"A"


def test_a_mount_point_stages_inside_the_records(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    out = tmp_path / "out"
    out.mkdir()
    real_stat = Path.stat

    def stat(self: Path, **kwargs: object) -> os.stat_result:
        result = real_stat(self, **kwargs)  # type: ignore[arg-type]
        if self == tmp_path:  # the parent: another device, as above a mount point
            values = list(result)
            values[2] = result.st_dev + 1
            return os.stat_result(values)
        return result

    monkeypatch.setattr(Path, "stat", stat)
    with TrackedWriter(out) as writer:
        writer.add("groups/a.ics", b"A")
        assert stagings(out / RECORDS)
        assert stagings(tmp_path) == []
    assert (out / "groups" / "a.ics").read_bytes() == b"A"
    assert sorted(p.name for p in (out / RECORDS).iterdir()) == ["groups"]


@pytest.mark.skipif(sys.platform == "win32", reason="pseudo-terminals are POSIX")
def test_json_stdout_stays_clean_while_a_progress_bar_is_drawn(tmp_path: Path) -> None:
    import pty

    leader, follower = pty.openpty()
    process = subprocess.Popen(
        [
            *(sys.executable, "-m", "mgovern", "calendars", "--out", str(tmp_path / "o")),
            *(*WINDOW, "--json", "--jobs", "2"),
        ],
        stdin=subprocess.DEVNULL,
        stdout=subprocess.PIPE,
        stderr=follower,
    )
    os.close(follower)
    drawn = b""
    while True:
        try:
            chunk = os.read(leader, 65536)
        except OSError:
            break
        if not chunk:
            break
        drawn += chunk
    os.close(leader)
    stdout = process.stdout.read()  # type: ignore[union-attr]
    assert process.wait() == 0
    assert b"100%" in drawn
    assert json.loads(stdout)["changed"] == 60


@pytest.mark.skipif(sys.platform != "linux", reason="reads /proc")
def test_ctrl_c_with_jobs_2_leaves_nothing(org120: Path, tmp_path: Path) -> None:
    out = tmp_path / "out"
    process = _start_and_wait_until_staging(org120, out, "--jobs", "2")
    workers = _children(process.pid)
    try:
        os.killpg(process.pid, signal.SIGINT)  # Ctrl-C: the whole foreground group
        _, stderr = process.communicate(timeout=_PATIENCE)
        survivors = _survivors(workers)  # they got the Ctrl-C too: wait till they go
    finally:
        with contextlib.suppress(ProcessLookupError):
            os.killpg(process.pid, signal.SIGKILL)
    assert process.returncode == 1
    assert stderr.decode().strip().splitlines()[-1] == "mgovern: aborted"
    assert b"Traceback" not in stderr
    assert survivors == []
    assert sorted(p.name for p in tmp_path.iterdir()) == []  # no output, no staging


@pytest.mark.skipif(sys.platform != "linux", reason="reads /proc")
def test_sigterm_to_the_group_with_jobs_2_is_cleared_by_the_next_run(
    org120: Path, tmp_path: Path
) -> None:
    out = tmp_path / "out"
    process = _start_and_wait_until_staging(org120, out, "--jobs", "2")
    os.killpg(process.pid, signal.SIGTERM)  # a service manager stopping the whole group
    process.communicate(timeout=_PATIENCE)
    assert not out.exists() or not list(out.rglob("*.ics"))  # nothing moved in
    done = subprocess.run(_calendars(org120, out), capture_output=True, text=True, check=False)
    assert done.returncode == 0, done.stderr
    assert stagings(tmp_path) == []


@pytest.mark.parametrize("jobs", ["1", "2"])
def test_a_file_where_a_folder_belongs_is_one_line_and_leaves_no_staging(
    tmp_path: Path, jobs: str
) -> None:
    out = tmp_path / "out"
    out.mkdir()
    (out / "people").write_text("not a folder", encoding="utf-8")
    result = run("calendars", "--out", str(out), *WINDOW, "--jobs", jobs)
    assert result.exit_code == 2
    assert "Not a directory" in result.stderr
    assert sorted(p.name for p in tmp_path.iterdir()) == ["out"]
    assert sorted(p.name for p in out.iterdir()) == ["people"]
