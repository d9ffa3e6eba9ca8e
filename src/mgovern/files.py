"""Writing output files so that an error never leaves a half-written file behind.

One file is written atomically (a temporary file beside it, then a rename). Several files
are written all or nothing, as far as a file system allows: every one is first written
as a temporary file beside its target, and only when all of them are there is each
renamed into place; a failure before that (a full disk, a name the file system refuses,
a folder where a file belongs) removes the temporary files and the folders made for them.
"""

from __future__ import annotations

import contextlib
import os
import tempfile
from collections.abc import Mapping
from pathlib import Path

__all__ = ["RECORDS", "write_all", "write_atomically", "write_together", "write_tracked"]


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


def _made_folders(path: Path) -> list[Path]:
    """The folders above ``path`` that do not exist yet, the outermost first."""
    missing: list[Path] = []
    for folder in path.parents:
        if folder.exists():
            break
        missing.append(folder)
    return missing[::-1]


def _stage(path: Path, data: bytes) -> Path:
    """``data`` in a temporary file beside ``path`` (not yet in its place)."""
    if path.is_dir():
        raise IsADirectoryError(21, "Is a directory", str(path))
    path.parent.mkdir(parents=True, exist_ok=True)
    fd, temporary = tempfile.mkstemp(prefix=f".{path.name}.", suffix=".tmp", dir=path.parent)
    try:
        os.fchmod(fd, 0o666 & ~_umask())
        with os.fdopen(fd, "wb") as handle:
            handle.write(data)
            handle.flush()
            os.fsync(handle.fileno())
    except BaseException:
        Path(temporary).unlink(missing_ok=True)
        raise
    return Path(temporary)


def write_together(files: Mapping[Path, bytes]) -> None:
    """Write every file, or (when one cannot be written) none: all are staged as
    temporary files first, then renamed into place."""
    staged: list[tuple[Path, Path]] = []
    made: list[Path] = []
    try:
        for path, data in sorted(files.items()):
            made.extend(f for f in _made_folders(path) if f not in made)
            staged.append((_stage(path, data), path))
    except BaseException:
        for temporary, _ in staged:
            temporary.unlink(missing_ok=True)
        for folder in reversed(made):
            with contextlib.suppress(OSError):  # only folders left empty
                folder.rmdir()
        raise
    for temporary, path in staged:
        os.replace(temporary, path)


def write_all(files: Mapping[Path, bytes]) -> int:
    """Write every file that changed, all or nothing; the count of files that changed."""
    changed: dict[Path, bytes] = {}
    for path, data in files.items():
        try:
            if path.read_bytes() == data:
                continue
        except (FileNotFoundError, IsADirectoryError, NotADirectoryError):
            pass
        changed[path] = data
    write_together(changed)
    return len(changed)


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
    writes: dict[Path, bytes] = {}
    for name, data in sorted(files.items()):
        path = root / name
        record = root / RECORDS / f"{name}.sha256"
        try:
            current: bytes | None = path.read_bytes()
        except FileNotFoundError:
            current = None
        if current == data:
            if not record.exists():
                writes[record] = _digest(data).encode()
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
        writes[path] = data
        writes[record] = _digest(data).encode()
        results.append((name, "created" if current is None else "updated"))
    if not dry_run:
        write_together(writes)
    return results
