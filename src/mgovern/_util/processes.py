"""Worker processes for large organisations: how many, how they start, how they end.

``mgovern check``, ``diff`` and ``calendars`` share their work out among processes with
``--jobs``. They decide *whether* their work is large enough to gain; this module
decides the rest the same way for all of them:

- **how many** (:func:`default_processes`): with no ``--jobs``, this process and one
  more for each CPU the load average shows idle — on a machine whose cores are busy,
  more processes only share the same cores and lose (measured in docs/scope.md and
  docs/performance.md);
- **how they start** (:func:`start_method`): forked where the platform can (they inherit
  what the parent built, nothing is pickled), except on macOS, whose system libraries
  break after a fork, and when other threads run; else spawned;
- **how they end** (:func:`pool`): each worker lets go of the folder locks it inherited
  (:func:`mgovern.files.release_inherited_locks`) and ends when its parent is gone, so a
  killed run leaves no process behind holding its output folder.
"""

from __future__ import annotations

import os
import sys
from collections.abc import Callable
from concurrent.futures import ProcessPoolExecutor
from typing import Any

from mgovern.exceptions import MgovernError

__all__ = [
    "START_METHOD",
    "WorkerError",
    "cpus",
    "default_processes",
    "pool",
    "start_method",
]

#: How worker processes start: None picks ``"fork"`` where the platform has it (not on
#: macOS) and no other thread runs, else ``"spawn"``. What mgovern sends to workers
#: pickles, so ``"spawn"`` and ``"forkserver"`` give the same results, later (a plugin
#: manager does not pickle: calendars built with one of the caller's stay in one process
#: unless the workers are forked).
START_METHOD: str | None = None


class WorkerError(MgovernError):
    """A worker process ended without an answer (killed, or out of memory)."""

    def __init__(self) -> None:
        super().__init__(
            "a worker process ended unexpectedly (killed, or out of memory?); nothing was "
            "written: run again, or with --jobs 1"
        )


def cpus() -> int:
    """The CPUs this process may use."""
    try:
        return len(os.sched_getaffinity(0))
    except AttributeError:  # not on every platform
        return os.cpu_count() or 1


def default_processes() -> int:
    """This process and one more for each CPU the load average shows idle (at most the
    CPUs this process may use; all of them where there is no load average)."""
    available = cpus()
    try:
        busy = os.getloadavg()[0]
    except (AttributeError, OSError):  # no load average here: assume idle
        busy = 0.0
    return min(available, 1 + max(0, int(available - busy)))


def start_method() -> str:
    """:data:`START_METHOD`, else ``"fork"`` where it is safe, else ``"spawn"`` — named
    explicitly, because the platform's default on Linux before Python 3.14 is to fork
    even while threads run."""
    if START_METHOD is not None:
        return START_METHOD
    if sys.platform == "darwin":
        return "spawn"
    import multiprocessing
    import threading

    forkable = "fork" in multiprocessing.get_all_start_methods()
    return "fork" if forkable and threading.active_count() == 1 else "spawn"


def pool(
    processes: int,
    *,
    initializer: Callable[..., None] | None = None,
    initargs: tuple[Any, ...] = (),
) -> ProcessPoolExecutor:
    """``processes`` workers started by :func:`start_method`, each set up once by
    ``initializer(*initargs)`` after it has let go of inherited locks and begun to watch
    its parent."""
    import multiprocessing

    return ProcessPoolExecutor(
        processes,
        mp_context=multiprocessing.get_context(start_method()),
        initializer=_start,
        initargs=(os.getpid(), initializer, initargs),
    )


def _start(parent: int, initializer: Callable[..., None] | None, initargs: tuple[Any, ...]) -> None:
    import threading

    from mgovern.files import release_inherited_locks

    release_inherited_locks()
    threading.Thread(target=_watch, args=(parent,), daemon=True).start()
    if initializer is not None:
        initializer(*initargs)


def _watch(parent: int) -> None:
    """End this worker when its parent is gone (killed, say): a worker waiting for work
    that will never come would otherwise wait for ever."""
    import time

    while os.getppid() == parent:
        time.sleep(0.5)
    os._exit(1)
