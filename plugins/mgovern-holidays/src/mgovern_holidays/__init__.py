"""mgovern-holidays: the days an organisation does not meet, from the ``holidays`` package.

Reads ``org.closed_days``: the public holidays of every code in ``regions`` (``"SE"``,
``"NO"``, ``"US-CA"``), and the Swedish days off named in ``include``
(``midsommarafton``, ``julafton``, ``nyarsafton``, ``paskafton``, ``pingstafton``,
``klamdagar``). The work is in :mod:`mgovern_holidays._closed_days`, imported when the
hook first runs so that loading the plugin stays cheap.
"""

from __future__ import annotations

from typing import TYPE_CHECKING

from mgovern import hookimpl

if TYPE_CHECKING:
    import datetime as dt

    from mgovern.model import ClosedDay, Organization


@hookimpl
def mgovern_closed_days(org: Organization, start: dt.date, end: dt.date) -> list[ClosedDay]:
    """Public holidays, chosen de-facto days off and bridge days in ``[start, end]``.

    Sorted by date, one entry per date. Names are Swedish for a Swedish ``org.locale``,
    else English. A bridge day (``klamdagar``) is a weekday, not closed itself, whose
    previous and next days are both closed (weekend, holiday or included day).

    :raises mgovern.ConfigError: an unknown region (path ``closed_days.regions[i]``) or
        include name (path ``closed_days.include[i]``).
    """
    from mgovern_holidays._closed_days import closed_days  # loads holidays

    return closed_days(org, start, end)
