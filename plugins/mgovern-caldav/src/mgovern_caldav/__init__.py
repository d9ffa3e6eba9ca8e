"""mgovern-caldav: publish every group's meeting series to a CalDAV server.

Registers the URL schemes ``caldav://`` (HTTP) and ``caldavs://`` (HTTPS) for
``mgovern publish``. The work is in :mod:`mgovern_caldav._publisher`, imported when a
URL of these schemes is first used, so that loading the plugin stays cheap (the
``caldav`` client is not imported by other commands).
"""

from __future__ import annotations

from collections.abc import Callable
from typing import TYPE_CHECKING, Any

from mgovern import hookimpl

if TYPE_CHECKING:
    from urllib.parse import SplitResult

    from mgovern.calendars.publish import Publisher

__all__ = ["mgovern_register_publishers"]


def _make_publisher(parts: SplitResult) -> Publisher:
    from mgovern_caldav._publisher import CalDAVPublisher  # loads the caldav client

    return CalDAVPublisher(parts)


@hookimpl
def mgovern_register_publishers(register: Callable[[str, Callable[[Any], Any]], None]) -> None:
    """``caldav://host[:port]/calendar-home/`` over HTTP, ``caldavs://`` over HTTPS."""
    register("caldav", _make_publisher)
    register("caldavs", _make_publisher)
