"""pytest fixtures mgovern ships (loaded through the ``pytest11`` entry point)."""

from __future__ import annotations

import os
from collections.abc import Iterator
from typing import TYPE_CHECKING

import pluggy
import pytest

from mgovern.config import example
from mgovern.model import Organization
from mgovern.plugins import make_plugin_manager

if TYPE_CHECKING:
    from mgovern.testing.readers import IcalJs


@pytest.fixture(scope="session")
def mgovern_example() -> Organization:
    """The embedded example organisation (Exploateringskontoret)."""
    return example()


@pytest.fixture
def mgovern_plugin_manager() -> pluggy.PluginManager:
    """A fresh plugin manager with the built-ins and the installed plugins."""
    return make_plugin_manager()


@pytest.fixture(scope="session")
def mgovern_icaljs(request: pytest.FixtureRequest) -> Iterator[IcalJs]:
    """ical.js (Thunderbird's iCalendar engine) in one Node process, as a second
    independent reader of calendar files (see :mod:`mgovern.testing.readers`).

    ical.js is looked for in ``$MGOVERN_ICALJS_DIR/node_modules`` (default: ``.ci/node``
    under the pytest root folder) and installed there with ``npm`` when missing. Without
    Node or npm the test is skipped, saying so; with ``MGOVERN_REQUIRE_ICALJS=1`` (as in
    CI) it fails instead.
    """
    from mgovern.testing.readers import ICALJS_VERSION, IcalJs, find_icaljs

    folder = os.environ.get("MGOVERN_ICALJS_DIR") or str(request.config.rootpath / ".ci" / "node")
    modules = find_icaljs(folder)
    if modules is None:
        reason = (
            f"the ical.js cross-check needs node and ical.js {ICALJS_VERSION} in {folder}/"
            f"node_modules (npm install --prefix {folder} ical.js@{ICALJS_VERSION})"
        )
        if os.environ.get("MGOVERN_REQUIRE_ICALJS"):
            pytest.fail(reason)
        pytest.skip(reason)
    with IcalJs(modules) as reader:
        yield reader
