"""Independent readers of the calendars mgovern writes, for cross-checks in tests.

A calendar file is right when programs that did not write it read it as the instants
:func:`mgovern.occurrences` computed. Two readers with nothing in common:

- :func:`recurring_ical_events_instants`: the Python package recurring-ical-events
  (on top of icalendar and python-dateutil);
- :class:`IcalJs`: ical.js, Mozilla's JavaScript engine that Thunderbird uses, run with
  Node (``node`` on the PATH and the npm package ``ical.js``; :func:`find_icaljs`
  installs it with ``npm`` into a folder of your choice).

Each gives a set of ``(uid, start, end)`` with aware UTC datetimes, like
:func:`occurrence_instants`. ical.js reads every time zone from the file's VTIMEZONE (it
has no zone database); icalendar looks a known TZID up in a zone database, which
:func:`same_zone_database` makes the ``tzdata`` package, as mgovern's, so that a machine
with older system data does not decide the result.
"""

from __future__ import annotations

import contextlib
import datetime as dt
import json
import os
import shutil
import subprocess
from collections.abc import Iterable, Iterator
from importlib import resources
from pathlib import Path
from typing import IO, Any

from icalendar import Calendar, Timezone

from mgovern import timezones
from mgovern.calendars.cycles import Occurrence

__all__ = [
    "ICALJS_VERSION",
    "IcalJs",
    "Instant",
    "assert_readers_show",
    "find_icaljs",
    "occurrence_instants",
    "recurring_ical_events_instants",
    "same_zone_database",
    "shown_twice",
]

#: The ical.js release the cross-checks are pinned to.
ICALJS_VERSION = "2.2.1"

Instant = tuple[str, dt.datetime, dt.datetime]
"""``(uid, start, end)``, start and end aware in UTC."""


def _utc(moment: dt.datetime) -> dt.datetime:
    return moment.astimezone(dt.UTC)


def occurrence_instants(occurrences: Iterable[Occurrence]) -> set[Instant]:
    """mgovern's own meetings as instants."""
    return {(o.uid, _utc(o.start), _utc(o.end)) for o in occurrences}


def _bytes(cal: Calendar | bytes | str) -> bytes:
    if isinstance(cal, Calendar):
        data: bytes = cal.to_ical()
        return data
    return cal.encode() if isinstance(cal, str) else cal


@contextlib.contextmanager
def same_zone_database() -> Iterator[None]:
    """While active, icalendar (and so recurring-ical-events) looks TZIDs up in the
    ``tzdata`` package, as mgovern does, rather than in the machine's database."""
    from icalendar.timezone import tzp
    from icalendar.timezone.zoneinfo import ZONEINFO

    class _Tzdata(ZONEINFO):
        def timezone(self, name: str) -> dt.tzinfo | None:
            try:
                return timezones.zone(name)
            except Exception:  # unknown or malformed: icalendar uses the VTIMEZONE
                return None

    tzp.use(_Tzdata())
    try:
        yield
    finally:
        tzp.use_default()


def recurring_ical_events_instants(
    cal: Calendar | bytes | str,
    start: dt.date = dt.date(1900, 1, 1),
    end: dt.date = dt.date(2200, 1, 1),
) -> set[Instant]:
    """Every instance recurring-ical-events expands the calendar's bytes to."""
    import recurring_ical_events  # type: ignore[import-untyped]

    with same_zone_database():
        parsed = Calendar.from_ical(_bytes(cal))
        events = recurring_ical_events.of(parsed).between(start, end)
        return {(str(e["UID"]), _utc(e["DTSTART"].dt), _utc(e["DTEND"].dt)) for e in events}


def find_icaljs(folder: Path | str, *, install: bool = True, timeout: float = 180) -> Path | None:
    """The ``node_modules`` folder under ``folder`` that holds ical.js
    :data:`ICALJS_VERSION`; installed there with ``npm`` when missing and ``install``.
    None when Node is missing or the installation fails."""
    if shutil.which("node") is None:
        return None
    modules = Path(folder) / "node_modules"
    manifest = modules / "ical.js" / "package.json"

    def ready() -> bool:
        try:
            return bool(json.loads(manifest.read_text())["version"] == ICALJS_VERSION)
        except (OSError, ValueError, KeyError):
            return False

    if ready():
        return modules
    npm = shutil.which("npm")
    if not install or npm is None:
        return None
    Path(folder).mkdir(parents=True, exist_ok=True)
    command = [npm, "install", "--prefix", str(folder), "--no-audit", "--no-fund"]
    try:
        subprocess.run(
            [*command, f"ical.js@{ICALJS_VERSION}"],
            check=True,
            capture_output=True,
            timeout=timeout,
        )
    except (OSError, subprocess.SubprocessError):
        return None
    return modules if ready() else None


class IcalJs:
    """ical.js in one Node process, asked one calendar at a time (use as a context
    manager, or call :meth:`close`)."""

    def __init__(self, node_modules: Path | str) -> None:
        script = resources.files("mgovern.testing").joinpath("icaljs_reader.cjs")
        with resources.as_file(script) as path:
            env = {**os.environ, "NODE_PATH": str(node_modules)}
            self._process = subprocess.Popen(
                ["node", str(path)],
                stdin=subprocess.PIPE,
                stdout=subprocess.PIPE,
                text=True,
                encoding="utf-8",
                env=env,
            )

    def __enter__(self) -> IcalJs:
        return self

    def __exit__(self, *_: object) -> None:
        self.close()

    def close(self) -> None:
        if self._process.poll() is None:
            assert self._process.stdin is not None
            self._process.stdin.close()
            try:
                self._process.wait(timeout=10)
            except subprocess.TimeoutExpired:
                self._process.kill()
                self._process.wait()

    def _ask(self, request: dict[str, Any]) -> dict[str, Any]:
        stdin: IO[str] | None = self._process.stdin
        stdout: IO[str] | None = self._process.stdout
        assert stdin is not None
        assert stdout is not None
        stdin.write(json.dumps(request) + "\n")
        stdin.flush()
        line = stdout.readline()
        if not line:
            raise RuntimeError(f"ical.js stopped (exit code {self._process.poll()})")
        answer: dict[str, Any] = json.loads(line)
        if "error" in answer:
            raise RuntimeError(f"ical.js: {answer['error']}")
        return answer

    def instants(self, cal: Calendar | bytes | str) -> set[Instant]:
        """Every instance ical.js expands the calendar to (each series with its own
        overrides only: ical.js #1019)."""
        answer = self._ask({"expand": _bytes(cal).decode("utf-8")})
        epoch = dt.datetime(1970, 1, 1, tzinfo=dt.UTC)
        return {
            (uid, epoch + dt.timedelta(seconds=s), epoch + dt.timedelta(seconds=e))
            for uid, s, e, *_ in answer["events"]
        }

    def offsets(
        self, vtimezone: Timezone | bytes | str, local: list[dt.datetime]
    ) -> list[dt.timedelta]:
        """The UTC offset ical.js gives each wall-clock time of ``local`` (naive) with
        the VTIMEZONE: how it reads a DTSTART with that TZID."""
        text = vtimezone.to_ical() if isinstance(vtimezone, Timezone) else vtimezone
        fields = [[t.year, t.month, t.day, t.hour, t.minute, t.second] for t in local]
        answer = self._ask(
            {"offsets": text.decode("utf-8") if isinstance(text, bytes) else text, "local": fields}
        )
        return [dt.timedelta(seconds=s) for s in answer["offsets"]]


def shown_twice(moment: dt.datetime) -> bool:
    """Whether the clock shows the local time of ``moment`` twice that day (a DST fold):
    an instant up to two hours earlier or later reads the same on the clock."""
    zone = moment.tzinfo
    clock = moment.astimezone(dt.UTC).astimezone(zone).replace(tzinfo=None)
    return any(
        (moment.astimezone(dt.UTC) + dt.timedelta(minutes=m)).astimezone(zone).replace(tzinfo=None)
        == clock
        for m in (-120, -60, -30, 30, 60, 120)
    )


def assert_readers_show(
    ical_js: IcalJs, cal: Calendar | bytes | str, meetings: Iterable[Occurrence]
) -> None:
    """Both readers expand ``cal`` to exactly the instants of ``meetings``, with one
    known exception: recurring-ical-events (3.8) may misplace a meeting that starts or
    ends at a time the clock shows twice (the file gives those in UTC, the only form that
    names them; it turns UTC into the file's X-WR-TIMEZONE and then orders and subtracts
    times on the wall clock, as Python does for times of one zone), so those are only
    counted for it. ``mgovern check`` names every such meeting."""
    meetings = list(meetings)
    expected = occurrence_instants(meetings)
    assert ical_js.instants(cal) == expected
    odd = [(m.uid, _utc(m.start)) for m in meetings if shown_twice(m.start) or shown_twice(m.end)]
    near = dt.timedelta(hours=2)

    def plain(instants: set[Instant]) -> set[Instant]:
        return {i for i in instants if not any(i[0] == u and abs(i[1] - s) < near for u, s in odd)}

    shown = recurring_ical_events_instants(cal)
    assert plain(shown) == plain(expected)
    assert len(shown) == len(expected)
