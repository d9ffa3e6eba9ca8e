"""Writing output files so that an error never leaves a half-written file behind."""

from __future__ import annotations

import os
import tempfile
from collections.abc import Mapping
from pathlib import Path

__all__ = ["RECORDS", "write_all", "write_atomically", "write_tracked"]


def write_atomically(path: Path, data: bytes) -> bool:
    """Write ``data`` to ``path`` through a temporary file and a rename.

    Returns False (and writes nothing) when the file already holds exactly these bytes.
    """
    try:
        if path.read_bytes() == data:
            return False
    except FileNotFoundError:
        pass
    path.parent.mkdir(parents=True, exist_ok=True)
    fd, temporary = tempfile.mkstemp(prefix=f".{path.name}.", suffix=".tmp", dir=path.parent)
    try:
        os.fchmod(fd, 0o666 & ~_umask())  # mkstemp makes 0600; keep what the user expects
        with os.fdopen(fd, "wb") as handle:
            handle.write(data)
            handle.flush()
            os.fsync(handle.fileno())
        os.replace(temporary, path)
    except BaseException:
        Path(temporary).unlink(missing_ok=True)
        raise
    return True


def _umask() -> int:
    mask = os.umask(0)
    os.umask(mask)
    return mask


def write_all(files: Mapping[Path, bytes]) -> int:
    """Write every file (each atomically); the count of files that changed."""
    return sum(write_atomically(path, data) for path, data in sorted(files.items()))


RECORDS = ".mgovern"


def _digest(data: bytes) -> str:
    import hashlib

    return hashlib.sha256(data).hexdigest()


def write_tracked(
    root: Path, files: Mapping[str, bytes], *, force: bool = False, dry_run: bool = False
) -> list[tuple[str, str]]:
    """Write files under ``root`` without overwriting what someone else changed.

    Next to what it writes, mgovern records the SHA-256 of the bytes it wrote
    (``root/.mgovern/<path>.sha256``). A file whose bytes no longer match that record (or
    that mgovern never wrote) is a *conflict* and is left alone unless ``force``.
    Returns ``(path, what)`` with what one of created, updated, kept, conflict.
    """
    results: list[tuple[str, str]] = []
    for name, data in sorted(files.items()):
        path = root / name
        record = root / RECORDS / f"{name}.sha256"
        try:
            current: bytes | None = path.read_bytes()
        except FileNotFoundError:
            current = None
        if current == data:
            if not dry_run and not record.exists():
                write_atomically(record, _digest(data).encode())
            results.append((name, "kept"))
            continue
        if current is not None and not force:
            try:
                recorded = record.read_text(encoding="ascii").strip()
            except FileNotFoundError:
                recorded = None
            if recorded != _digest(current):
                results.append((name, "conflict"))
                continue
        if not dry_run:
            write_atomically(path, data)
            write_atomically(record, _digest(data).encode())
        results.append((name, "created" if current is None else "updated"))
    return results
