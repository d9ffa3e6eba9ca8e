"""Every error mgovern raises on purpose.

::

    MgovernError                 the base: catch this to catch them all
    ├── ConfigError              an organisation or input file is wrong (names file, line, key path)
    ├── UnknownReferenceError    a group, person, category or cycle id that does not exist
    ├── PluginError              a plugin failed to load or broke a hook's contract
    └── ScheduleError            a cycle cannot be expanded (unbounded, impossible, too many)

A user's mistake always arrives as one of these, with a message that says where the
mistake is and what to change; the CLI prints that one line and exits with code 2.
A message is one line of at most :data:`MAX_MESSAGE` characters: what it quotes from the
input goes through :func:`quote` (a 1 MB id is shown by its first characters and its
length, control characters escaped), lists of choices through :func:`listing`.
"""

from __future__ import annotations

from collections.abc import Iterable
from decimal import Decimal

__all__ = [
    "MAX_MESSAGE",
    "ConfigError",
    "MgovernError",
    "PluginError",
    "ScheduleError",
    "UnknownReferenceError",
    "listing",
    "quote",
    "shorten",
]

#: The longest message an error carries: with the CLI's "mgovern: error: " a line of 300.
MAX_MESSAGE = 284


def shorten(text: str, limit: int = 80) -> str:
    """``text`` on one line and cut to ``limit`` characters (an ellipsis says so)."""
    if "\n" in text or "\r" in text:
        text = " ".join(text.split())
    return text if len(text) <= limit else text[: limit - 1] + "…"


def quote(value: object, limit: int = 40) -> str:
    """A value from the input as an error message shows it: ``repr`` (control and
    direction characters escaped), shortened to about ``limit`` characters with its length
    when it is longer (``'aaaa…' (1,048,576 characters)``)."""
    if isinstance(value, bool) or value is None:
        return repr(value)
    if isinstance(value, int):
        if value.bit_length() > 64:
            return f"a number of about {int(value.bit_length() * 0.30103) + 1:,} digits"
        return repr(value)
    if isinstance(value, Decimal):
        text = str(value)
        return text if len(text) <= limit else f"a number of {len(text):,} characters"
    if isinstance(value, str):
        shown = repr(value)
        if len(value) <= limit and len(shown) <= 2 * limit:
            return shown
        shown = repr(value[:limit] + "…")
        if len(shown) > 2 * limit:  # mostly escaped characters
            shown = repr(value[: limit // 10] + "…")
        return f"{shown} ({len(value):,} characters)"
    return shorten(repr(value), limit)


def listing(values: Iterable[object], width: int = 160) -> str:
    """``a, b, c``: the choices that fit in ``width`` characters, and how many there are
    in all when not every one fits."""
    items = [shorten(str(v), 40) for v in values]
    if not items:
        return "none defined"
    shown: list[str] = []
    used = 0
    for item in items:
        if shown and used + len(item) + 2 > width:
            return f"{', '.join(shown)}, … ({len(items):,} in all)"
        shown.append(item)
        used += len(item) + 2
    return ", ".join(shown)


class MgovernError(Exception):
    """Base class of every error mgovern raises on purpose."""

    def __str__(self) -> str:
        return shorten(super().__str__(), MAX_MESSAGE)


class ConfigError(MgovernError):
    """An organisation (or an input file) that mgovern cannot accept.

    ``source`` is the file (or ``"<string>"``), ``path`` the key path inside it
    (``groups[3].mandate.handles[1].amount_max``), ``line`` the line where known.
    """

    def __init__(
        self,
        message: str,
        *,
        path: str = "",
        source: str | None = None,
        line: int | None = None,
    ) -> None:
        self.message = message
        self.path = path
        self.source = source
        self.line = line
        super().__init__(self._render())

    def _render(self) -> str:
        where = _middle(self.source, 80) if self.source else ""
        if self.line is not None:
            where = f"{where}:{self.line}" if where else f"line {self.line}"
        if self.path:
            path = _middle(self.path, 80)
            where = f"{where}: {path}" if where else path
        return f"{where}: {self.message}" if where else self.message

    def located(self, source: str) -> ConfigError:
        """The same error, attributed to the file it came from."""
        return ConfigError(self.message, path=self.path, source=source, line=self.line)


def _middle(text: str, limit: int) -> str:
    """A file name or key path, printable and cut in the middle: its start and its end
    say the most."""
    if not text.isprintable():
        text = "".join(c if c.isprintable() else repr(c)[1:-1] for c in text)
    if len(text) <= limit:
        return text
    keep = (limit - 1) // 2
    return text[:keep] + "…" + text[-keep:]


class UnknownReferenceError(MgovernError, KeyError):
    """An id (group, person, category, cycle, ...) that the organisation does not have."""

    def __str__(self) -> str:  # KeyError would quote the message
        return shorten(str(self.args[0]), MAX_MESSAGE) if self.args else ""


class PluginError(MgovernError):
    """A plugin failed to load, or a hook implementation broke its contract."""


class ScheduleError(MgovernError):
    """A meeting cycle cannot be expanded as asked."""
