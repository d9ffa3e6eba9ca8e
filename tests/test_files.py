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
