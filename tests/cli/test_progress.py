"""Progress bars: on a terminal's stderr, never in a pipe, never with --quiet."""

from __future__ import annotations

import importlib.util
import os
import re
import subprocess
import sys
import tempfile
from pathlib import Path

import pytest

ROOT = Path(__file__).parents[2]
HISTORY = ROOT / "src/mgovern/examples/exploateringskontoret-historik.toml"
EXAMPLE_NOTE = "mgovern: använder den inbyggda exempelorganisationen (ange --org FIL)".encode()
#: How long a run may take before the test fails: a limit for a machine running two suites
#: on two cores, not a measure (a passing run takes seconds).
_PATIENCE = 600

pytestmark = pytest.mark.skipif(os.name != "posix", reason="pseudo-terminals are POSIX")


def run(args: list[str], *, tty: bool, cwd: Path | None = None) -> tuple[int, bytes, bytes]:
    """``mgovern ARGS`` with stdout in a pipe and stderr on a pseudo-terminal (``tty``)
    or in a pipe; its exit code, stdout and stderr."""
    env = {**os.environ, "SOURCE_DATE_EPOCH": "1780000000", "COLUMNS": "100"}
    env.pop("MGOVERN_ORG", None)
    command = [sys.executable, "-m", "mgovern", *args]
    if not tty:
        done = subprocess.run(command, capture_output=True, env=env, cwd=cwd, timeout=_PATIENCE)
        return done.returncode, done.stdout, done.stderr
    import pty

    leader, follower = pty.openpty()
    with tempfile.TemporaryFile() as stdout:  # a file: a long output never blocks
        proc = subprocess.Popen(
            command, stdin=subprocess.DEVNULL, stdout=stdout, stderr=follower, env=env, cwd=cwd
        )
        os.close(follower)
        err = b""
        while True:
            try:
                chunk = os.read(leader, 65536)
            except OSError:  # EIO: the last writer closed the terminal
                break
            if not chunk:
                break
            err += chunk
        code = proc.wait(timeout=_PATIENCE)
        os.close(leader)
        stdout.seek(0)
        return code, stdout.read(), err


def lines(err: bytes) -> list[bytes]:
    """What a terminal would have shown, bar by bar (escape sequences left out)."""
    plain = re.sub(rb"\x1b\[[?0-9;]*[A-Za-z]", b"", err)
    return [line.strip() for line in plain.replace(b"\r", b"\n").splitlines() if line.strip()]


def has_bar(err: bytes, label: bytes) -> bool:
    return any(line.startswith(label) and b"100%" in line for line in lines(err))


def test_check_draws_a_bar_on_a_terminal_and_stdout_stays_clean() -> None:
    code, out, err = run(["check"], tty=True)
    assert code == 0, err
    assert has_bar(err, b"checking categories")
    assert b"[#" in err
    assert EXAMPLE_NOTE in err
    assert b"checking" not in out
    assert b"\x1b" not in out


def test_no_bar_without_a_terminal() -> None:
    for args in (["check"], ["diff", str(HISTORY)]):
        code, out, err = run(args, tty=False)
        assert code in (0, 1), err
        assert out
        assert b"%" not in err
        assert b"\x1b" not in err
        assert all(line == EXAMPLE_NOTE for line in lines(err)), err


@pytest.mark.parametrize(
    "args", [["check", "--quiet"], ["check", "-q"], ["--quiet", "check"], ["-q", "check"]]
)
def test_quiet_means_no_bar_even_on_a_terminal(args: list[str]) -> None:
    code, _, err = run(args, tty=True)
    assert code == 0, err
    assert lines(err) == [EXAMPLE_NOTE]


def test_diff_draws_a_bar_on_a_terminal_and_not_with_quiet() -> None:
    code, out, err = run(["diff", str(HISTORY)], tty=True)
    assert code == 1, err  # the last revision changes outcomes
    assert has_bar(err, b"comparing categories")
    assert b"comparing" not in out
    code, same, err = run(["diff", "--quiet", str(HISTORY)], tty=True)
    assert code == 1
    assert same == out
    assert lines(err) == []


@pytest.mark.skipif(
    importlib.util.find_spec("mgovern_site") is None, reason="the mgovern-site plugin"
)
def test_site_draws_a_bar_on_a_terminal_and_not_with_quiet(tmp_path: Path) -> None:
    code, _, err = run(["site", "--out", str(tmp_path / "a")], tty=True)
    assert code == 0, err
    assert has_bar(err, b"building the site")
    code, _, err = run(["--quiet", "site", "--out", str(tmp_path / "b")], tty=True)
    assert code == 0, err
    assert lines(err) == [EXAMPLE_NOTE]
    pages = sorted(p.relative_to(tmp_path / "a") for p in (tmp_path / "a").rglob("*.html"))
    assert pages == sorted(p.relative_to(tmp_path / "b") for p in (tmp_path / "b").rglob("*.html"))
