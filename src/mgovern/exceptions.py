"""Every error mgovern raises on purpose.

::

    MgovernError                 the base: catch this to catch them all
    ├── ConfigError              an organisation or input file is wrong (names file, line, key path)
    ├── UnknownReferenceError    a group, person, category or cycle id that does not exist
    ├── PluginError              a plugin failed to load or broke a hook's contract
    └── ScheduleError            a cycle cannot be expanded (unbounded, impossible, too many)

A user's mistake always arrives as one of these, with a message that says where the
mistake is and what to change; the CLI prints that one line and exits with code 2.
"""

from __future__ import annotations

__all__ = [
    "ConfigError",
    "MgovernError",
    "PluginError",
    "ScheduleError",
    "UnknownReferenceError",
]


class MgovernError(Exception):
    """Base class of every error mgovern raises on purpose."""


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
        where = self.source or ""
        if self.line is not None:
            where = f"{where}:{self.line}" if where else f"line {self.line}"
        if self.path:
            where = f"{where}: {self.path}" if where else self.path
        return f"{where}: {self.message}" if where else self.message

    def located(self, source: str) -> ConfigError:
        """The same error, attributed to the file it came from."""
        return ConfigError(self.message, path=self.path, source=source, line=self.line)


class UnknownReferenceError(MgovernError, KeyError):
    """An id (group, person, category, cycle, ...) that the organisation does not have."""

    def __str__(self) -> str:  # KeyError would quote the message
        return str(self.args[0]) if self.args else ""


class PluginError(MgovernError):
    """A plugin failed to load, or a hook implementation broke its contract."""


class ScheduleError(MgovernError):
    """A meeting cycle cannot be expanded as asked."""
