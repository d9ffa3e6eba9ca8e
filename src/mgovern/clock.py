"""What mgovern takes to be today: the system's date, or the one SOURCE_DATE_EPOCH names.

``SOURCE_DATE_EPOCH`` is the reproducible-builds convention
(https://reproducible-builds.org/specs/source-date-epoch/): a whole number of seconds
since 1970-01-01 00:00 UTC. When it is set, "today" is that moment's date in UTC, so a
command's default window ("this year and next") and everything derived from it give the
same output on any day — the documentation's examples are checked that way. Every use of
"today" in mgovern goes through :func:`today`.
"""

from __future__ import annotations

import datetime as dt
import os

from mgovern.exceptions import ConfigError

__all__ = ["today"]


def today() -> dt.date:
    """Today's date, or SOURCE_DATE_EPOCH's (UTC) when that is set and not empty."""
    value = os.environ.get("SOURCE_DATE_EPOCH", "").strip()
    if not value:
        return dt.date.today()
    if not value.isascii() or not value.isdigit():
        raise ConfigError(
            f"{value[:20]!r} is not a whole number of seconds since 1970-01-01 UTC; "
            "set it to e.g. $(date +%s) or unset it",
            source="SOURCE_DATE_EPOCH",
        )
    try:
        return dt.datetime.fromtimestamp(int(value), dt.UTC).date()
    except (OverflowError, OSError, ValueError):
        raise ConfigError(
            f"{value[:20]!r} is out of range; give a moment between 1970 and 9999",
            source="SOURCE_DATE_EPOCH",
        ) from None
