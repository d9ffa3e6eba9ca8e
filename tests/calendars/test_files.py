"""Output files: atomic, unchanged bytes not rewritten, permissions from the umask."""

from __future__ import annotations

import os
import stat
from pathlib import Path

from mgovern.files import write_atomically


def test_writes_with_the_umask_and_skips_identical_bytes(tmp_path: Path) -> None:
    old = os.umask(0o022)
    try:
        path = tmp_path / "sub" / "a.ics"
        assert write_atomically(path, b"one") is True
        assert stat.S_IMODE(path.stat().st_mode) == 0o644
        assert write_atomically(path, b"one") is False
        assert write_atomically(path, b"two") is True
        assert path.read_bytes() == b"two"
        assert stat.S_IMODE(path.stat().st_mode) == 0o644
        assert [p.name for p in path.parent.iterdir()] == ["a.ics"]  # no temporary left
    finally:
        os.umask(old)


def test_tracked_writes_keep_what_someone_else_changed(tmp_path: Path) -> None:
    from mgovern.files import write_tracked

    assert write_tracked(tmp_path, {"a/x.md": b"one"}) == [("a/x.md", "created")]
    assert write_tracked(tmp_path, {"a/x.md": b"one"}) == [("a/x.md", "kept")]
    assert write_tracked(tmp_path, {"a/x.md": b"two"}) == [("a/x.md", "updated")]
    (tmp_path / "a" / "x.md").write_bytes(b"two, with the secretary's notes")
    assert write_tracked(tmp_path, {"a/x.md": b"three"}) == [("a/x.md", "conflict")]
    assert (tmp_path / "a" / "x.md").read_bytes() == b"two, with the secretary's notes"
    assert write_tracked(tmp_path, {"a/x.md": b"three"}, dry_run=True, force=True) == [
        ("a/x.md", "updated")
    ]
    assert (tmp_path / "a" / "x.md").read_bytes() == b"two, with the secretary's notes"
    assert write_tracked(tmp_path, {"a/x.md": b"three"}, force=True) == [("a/x.md", "updated")]
    assert (tmp_path / "a" / "x.md").read_bytes() == b"three"
    (tmp_path / "b.md").write_bytes(b"not mgovern's")
    assert write_tracked(tmp_path, {"b.md": b"mine"}) == [("b.md", "conflict")]


def test_cli_file_store_reports_a_conflict_and_exit_1(tmp_path: Path) -> None:
    from click.testing import CliRunner

    import mgovern
    from mgovern.cli import build_cli

    items = Path(mgovern.__file__).parent / "examples" / "agenda-items.toml"
    args = [
        *("documents", "--group", "klg", "--date", "2026-03-17", "--items", str(items)),
        *("--kind", "minutes", "--out", f"file://{tmp_path}"),
    ]
    assert CliRunner().invoke(build_cli(), args).exit_code == 0
    minutes = tmp_path / "klg" / "2026-03-17" / "motesanteckningar.md"
    minutes.write_text(
        minutes.read_text(encoding="utf-8") + "\nBeslut: godkänt\n", encoding="utf-8"
    )
    result = CliRunner().invoke(build_cli(), args)
    assert result.exit_code == 1
    assert "KONFLIKT" in result.stdout
    assert minutes.read_text(encoding="utf-8").endswith("Beslut: godkänt\n")
    forced = CliRunner().invoke(build_cli(), [*args, "--force"])
    assert forced.exit_code == 0
    assert "Beslut: godkänt" not in minutes.read_text(encoding="utf-8")


def test_output_path_mistakes_are_one_line_exit_2(tmp_path: Path) -> None:
    from click.testing import CliRunner

    from mgovern.cli import build_cli

    blocker = tmp_path / "afile"
    blocker.write_text("x", encoding="utf-8")
    result = CliRunner().invoke(build_cli(), ["calendars", "--out", str(blocker / "sub")])
    assert result.exit_code == 2
    assert result.stderr.strip().splitlines()[-1].startswith("mgovern: error: ")
    far = CliRunner().invoke(
        build_cli(),
        ["calendars", "--out", str(tmp_path / "c"), "--from", "0001-01-01", "--to", "0001-12-31"],
    )
    assert far.exit_code == 2
    assert "--from 0001-01-01: use a day between the years 1900 and 2100" in far.stderr
    assert not (tmp_path / "c").exists()


def test_the_pytest_plugin_needs_no_hypothesis() -> None:
    import subprocess
    import sys

    code = "import sys, mgovern.testing.pytest_plugin; assert 'hypothesis' not in sys.modules"
    subprocess.run([sys.executable, "-c", code], check=True)
