"""Writing output files so that an error never leaves a half-written file behind.

One file is written atomically (a temporary file beside it, then a rename). Several files
are written all or nothing, as far as a file system allows: :func:`write_together` writes
each as a temporary file beside its target and renames them all only when every one is
there; :class:`TrackedWriter` (behind :func:`write_tracked`, ``mgovern calendars`` and
``publish file://``) stages files one at a time in a staging folder beside the output,
so memory does not grow with their number, records a journal of the moves and then makes
them; a run killed while moving is finished by the next. Files changed by someone else
since mgovern wrote them are kept (the hashes in ``.mgovern/``).
"""

from __future__ import annotations

import contextlib
import json
import os
import shutil
import sys
import tempfile
from collections.abc import Mapping
from pathlib import Path

__all__ = [
    "RECORDS",
    "TrackedWriter",
    "finish_interrupted",
    "release_inherited_locks",
    "write_all",
    "write_atomically",
    "write_together",
    "write_tracked",
]


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
    Returns ``(path, what)`` sorted by path, with what one of created, updated, kept,
    conflict. All or nothing: see :class:`TrackedWriter`, which this uses.
    """
    with TrackedWriter(root, force=force, dry_run=dry_run) as writer:
        for name, data in files.items():
            writer.add(name, data)
    return writer.results


STAGING = ".mgovern-staging-"
_JOURNAL = "COMMIT"


class TrackedWriter:
    """Write many files under ``root`` one at a time, and put them in place together.

    Each file given to :meth:`add` is compared at once with what ``root`` holds (and with
    the record of what mgovern wrote there, as :func:`write_tracked` says) and, when it
    is to change, written into a *staging folder* and forgotten, so memory does not grow
    with the number of files. Only when the ``with`` block ends without an error are the
    staged files moved into place; an error, Ctrl-C or a killed process before that
    leaves ``root`` exactly as it was.

    The staging folder is ``.mgovern-staging-<hash of root's path>-XXXX`` beside ``root`` (on the
    same file system, so moving is a rename), or ``root/.mgovern/`` when ``root`` is a
    mount point or its parent cannot be written. Before moving, the list of moves is
    written to a journal in it; a run killed while moving (a few milliseconds) is
    finished by the next writer of ``root`` before it reads anything, so the files and
    their records never disagree. Two writers of the same ``root`` at once: the second
    is refused (``BlockingIOError``) rather than mixing their files.
    """

    def __init__(self, root: Path, *, force: bool = False, dry_run: bool = False) -> None:
        self.root = root
        self.force = force
        self.dry_run = dry_run
        self._results: list[tuple[str, str]] = []
        self._staging: Path | None = None
        self._staged: list[str] = []
        self._made: list[Path] = []
        self._lock: int | None = None
        self._folders: set[Path] = set()  # checked in root, or made in the staging folder
        self._entered = False

    @property
    def results(self) -> list[tuple[str, str]]:
        """``(path, what)`` for every file given, sorted by path."""
        return sorted(self._results)

    def __enter__(self) -> TrackedWriter:
        if self._entered:
            raise RuntimeError("a TrackedWriter writes once: make a new one for another run")
        self._entered = True
        if not self.dry_run:
            self._made = _make_folders(self.root)
            try:
                self._lock = _lock(self.root)
            except BaseException:
                self._made = []  # another run holds the folder: never remove it under it
                raise
            try:
                finish_interrupted(self.root)
            except BaseException:
                self._abandon()
                self._unlock()
                raise
        return self

    def __exit__(self, kind: object, error: object, trace: object) -> None:
        try:
            if kind is None and not self.dry_run:
                self._commit()
        except BaseException:
            self._abandon()
            raise
        finally:
            if kind is not None:
                self._abandon()
            self._unlock()

    def prepare(self) -> None:
        """Make the staging folder now (before worker processes share this writer)."""
        if not self.dry_run and self._staging is None:
            self._staging = _staging_folder(self.root)

    def merge(self, results: list[tuple[str, str]], staged: list[str]) -> None:
        """Take over what a copy of this writer in a worker process judged and staged
        (into the same staging folder, see :meth:`prepare`)."""
        self._results.extend(results)
        self._staged.extend(staged)

    def drain(self) -> tuple[list[tuple[str, str]], list[str]]:
        """Hand over (and forget) the results and staged names so far: what a copy of
        this writer in a worker process sends back for :meth:`merge`."""
        taken = (self._results, self._staged)
        self._results, self._staged = [], []
        return taken

    def add(self, name: str, data: bytes) -> str:
        """Compare ``data`` with ``root/name`` and stage it when it is to change; what
        will happen to it (created, updated, kept, conflict)."""
        if not self._entered:
            raise RuntimeError("use a TrackedWriter in a with block: it writes when it ends")
        what = self._judge(name, data)
        self._results.append((name, what))
        return what

    def _judge(self, name: str, data: bytes) -> str:
        parts = Path(name).parts
        if not parts or Path(name).is_absolute() or ".." in parts or parts[0] == RECORDS:
            raise ValueError(f"{name[:80]!r} is not a path inside the output folder")
        path = self.root / name
        record = f"{RECORDS}/{name}.sha256"
        try:
            current: bytes | None = path.read_bytes()
        except FileNotFoundError:
            current = None
        if current == data:
            if not (self.root / record).exists():
                self._stage(record, _digest(data).encode())
            return "kept"
        if current is not None and not self.force:
            try:
                recorded = (self.root / record).read_text(encoding="ascii").strip()
            except FileNotFoundError:
                recorded = None
            if recorded != _digest(current):
                return "conflict"
        self._stage(name, data)
        self._stage(record, _digest(data).encode())
        return "created" if current is None else "updated"

    def _stage(self, name: str, data: bytes) -> None:
        if self.dry_run:
            return
        target = self.root / name
        if target.is_dir():  # a folder where this file belongs: refused now, not when moving
            raise OSError(21, "Is a directory", str(target))
        folder = target.parent
        if folder not in self._folders:  # a file where a folder belongs, likewise
            for above in [folder, *folder.parents]:
                if above == self.root:
                    break
                if above.exists() and not above.is_dir():
                    raise OSError(20, "Not a directory", str(above))
            self._folders.add(folder)
        if self._staging is None:
            self._staging = _staging_folder(self.root)
        staged = self._staging / name
        if staged.parent not in self._folders:
            staged.parent.mkdir(parents=True, exist_ok=True)
            self._folders.add(staged.parent)
        staged.write_bytes(data)  # mode 0666 less the umask; synced together when moving
        self._staged.append(name)

    def _commit(self) -> None:
        if self._staging is None:
            return
        if not self._staged:  # nothing to change (a staging folder made for workers)
            shutil.rmtree(self._staging, ignore_errors=True)
            self._staging = None
            return
        _sync(self._staging)  # every staged file on disk before the journal says "move them"
        journal = self._staging / _JOURNAL
        temporary = journal.with_suffix(".tmp")
        temporary.write_text(json.dumps(self._staged), encoding="utf-8")
        with open(temporary, "rb") as handle:
            os.fsync(handle.fileno())
        os.replace(temporary, journal)
        staging, self._staging = self._staging, None  # from here on, finished, never undone:
        _move_staged(staging, self.root, self._staged)  # an error leaves it for the next run

    def _abandon(self) -> None:
        if self._staging is not None:
            shutil.rmtree(self._staging, ignore_errors=True)
            self._staging = None
        for folder in reversed(self._made):
            with contextlib.suppress(OSError):  # only folders left empty
                folder.rmdir()
        self._made = []

    def _unlock(self) -> None:
        if self._lock is not None:
            _HELD_LOCKS.discard(self._lock)
            os.close(self._lock)
            self._lock = None


def _sync(folder: Path) -> None:
    """What was written to ``folder``'s file system on disk: ``syncfs`` on Linux (that
    file system only), else ``sync`` (every one; on macOS it may return before)."""
    if sys.platform.startswith("linux"):
        import ctypes

        try:
            syncfs = ctypes.CDLL(None, use_errno=True).syncfs
            fd = os.open(folder, os.O_RDONLY)
        except (OSError, AttributeError):
            pass
        else:
            try:
                if syncfs(fd) == 0:
                    return
            finally:
                os.close(fd)
    os.sync()


def _make_folders(root: Path) -> list[Path]:
    """Make ``root`` and the folders above it that are missing; the ones this call made
    (the outermost first), so that only those are removed after an error."""
    made: list[Path] = []
    for folder in [*_made_folders(root / "x")]:
        try:
            folder.mkdir()
        except FileExistsError:
            if not folder.is_dir():
                raise
            continue  # made meanwhile by someone else: not ours to remove
        made.append(folder)
    return made


#: Lock descriptors this process holds; worker processes forked from it close their
#: copies (:func:`release_inherited_locks`), so a killed parent frees the folder.
_HELD_LOCKS: set[int] = set()


def _lock(root: Path) -> int | None:
    """An exclusive lock on the folder itself (POSIX), so two runs do not mix files."""
    try:
        import fcntl
    except ImportError:  # pragma: no cover - not POSIX
        return None
    fd = os.open(root, os.O_RDONLY)
    try:
        fcntl.flock(fd, fcntl.LOCK_EX | fcntl.LOCK_NB)
    except BlockingIOError:
        os.close(fd)
        raise BlockingIOError(
            11, "another mgovern run is writing there; try again when it has finished", str(root)
        ) from None
    _HELD_LOCKS.add(fd)
    return fd


def release_inherited_locks() -> None:
    """In a process forked from a writer: close the copies of its locks (the parent
    keeps holding them; when it dies, they are free at once, whatever the children do)."""
    for fd in list(_HELD_LOCKS):
        with contextlib.suppress(OSError):
            os.close(fd)
    _HELD_LOCKS.clear()


def _prefix(root: Path) -> str:
    """The name every staging folder of ``root`` starts with: short whatever the folder's
    name (a 255-byte name is legal), the same however ``root`` is spelled."""
    import hashlib

    real = os.fsencode(root.resolve())
    return f"{STAGING}{hashlib.sha256(real).hexdigest()[:16]}-"


def _staging_places(root: Path) -> list[Path]:
    """Where staging folders of ``root`` may be: beside it, else inside its records."""
    real = root.resolve()
    places = [real / RECORDS]
    if real.parent != real:
        places.insert(0, real.parent)
    return places


def _staging_folder(root: Path) -> Path:
    real = root.resolve()
    beside = real.parent
    try:
        if beside != real and beside.stat().st_dev == real.stat().st_dev:
            return Path(tempfile.mkdtemp(prefix=_prefix(root), dir=beside))
    except OSError:  # the parent cannot be written (or read): stage inside the records
        pass
    inside = real / RECORDS
    inside.mkdir(parents=True, exist_ok=True)
    return Path(tempfile.mkdtemp(prefix=_prefix(root), dir=inside))


def _ours(staging: Path) -> bool:
    """A real folder (not a link) of this user's, as :func:`tempfile.mkdtemp` makes."""
    try:
        info = staging.lstat()
    except OSError:
        return False
    import stat

    owner = os.getuid() if hasattr(os, "getuid") else info.st_uid
    return stat.S_ISDIR(info.st_mode) and info.st_uid == owner


def _journal_names(staging: Path) -> list[str]:
    """The names a finished journal lists, each checked to be a plain relative path
    whose staged file is a regular file reached through no link (a journal planted by
    someone else cannot move anything from elsewhere or to elsewhere)."""
    import stat

    journal = staging / _JOURNAL
    try:
        names = json.loads(journal.read_bytes().decode("utf-8"))
    except (ValueError, UnicodeDecodeError):
        names = None
    if not isinstance(names, list) or not all(isinstance(n, str) and n for n in names):
        raise OSError(
            22, "a staging folder whose journal mgovern did not write; remove it", str(staging)
        )
    checked = []
    for name in names:
        parts = Path(name).parts
        if Path(name).is_absolute() or ".." in parts or not parts:
            raise OSError(22, "a journal naming a path outside the folder; remove it", str(staging))
        where = staging
        for part in parts:
            where = where / part
            try:
                mode = where.lstat().st_mode
            except FileNotFoundError:
                break  # moved already
            if stat.S_ISLNK(mode):
                raise OSError(22, "a staging folder holding a link; remove it", str(staging))
        else:
            if stat.S_ISREG(mode):
                checked.append(name)
    return checked


def finish_interrupted(root: Path) -> None:
    """Finish the moves of a run killed while moving its files into ``root`` (its journal
    is complete), and remove the staging folders of runs killed before that. Only this
    user's staging folders are touched."""
    prefix = _prefix(root)
    for place in _staging_places(root):
        try:
            leftovers = sorted(p for p in place.iterdir() if p.name.startswith(prefix))
        except (FileNotFoundError, NotADirectoryError):
            continue
        for staging in leftovers:
            if not _ours(staging):
                continue
            if (staging / _JOURNAL).is_file():
                _move_staged(staging, root, _journal_names(staging))
            else:
                shutil.rmtree(staging, ignore_errors=True)


def _move_staged(staging: Path, root: Path, names: list[str]) -> None:
    import errno

    for name in names:
        target = root / name
        target.parent.mkdir(parents=True, exist_ok=True)
        try:
            os.replace(staging / name, target)
        except OSError as exc:
            if exc.errno != errno.EXDEV:
                raise
            # a folder inside root on another file system: copy beside the target first,
            # then rename there (still one atomic step for readers of that file)
            copy = _stage(target, (staging / name).read_bytes())
            os.replace(copy, target)
            (staging / name).unlink()
    shutil.rmtree(staging, ignore_errors=True)
