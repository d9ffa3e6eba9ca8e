"""pytest fixtures mgovern ships (loaded through the ``pytest11`` entry point)."""

from __future__ import annotations

import os
from collections.abc import Iterator
from pathlib import Path
from typing import TYPE_CHECKING

import pluggy
import pytest

from mgovern.config import example
from mgovern.model import Organization
from mgovern.plugins import make_plugin_manager

if TYPE_CHECKING:
    from mgovern.testing.readers import IcalJs


#: The ini key (``pytest.ini``, ``[tool.pytest.ini_options]`` of ``pyproject.toml``) and
#: the environment variable that name the organisation file of ``mgovern_org``.
ORG_INI = "mgovern_org"
ORG_ENV = "MGOVERN_ORG"


def pytest_addoption(parser: pytest.Parser) -> None:
    parser.addini(
        ORG_INI,
        "the organisation TOML file (or history file) the mgovern_org fixture loads, "
        f"relative to the rootdir; ${ORG_ENV} overrides it",
        default=None,
    )


@pytest.fixture(scope="session")
def mgovern_org(request: pytest.FixtureRequest) -> Organization:
    """Your organisation, from the TOML file your pytest configuration names.

    The ini key ``mgovern_org`` (``[tool.pytest.ini_options]`` of ``pyproject.toml``, or
    ``pytest.ini``; relative to the rootdir) or ``$MGOVERN_ORG`` names it; a history file
    gives the version in force today. A file mgovern refuses fails the test with its
    one-line error."""
    from mgovern.clock import today
    from mgovern.config import load
    from mgovern.exceptions import MgovernError
    from mgovern.history import is_history_file, load_history

    name = os.environ.get(ORG_ENV) or request.config.getini(ORG_INI)
    if not name:
        pytest.fail(
            f'mgovern_org: name your organisation file with {ORG_INI} = "FILE.toml" under '
            f"[tool.pytest.ini_options] in pyproject.toml (or in pytest.ini), or set {ORG_ENV}",
            pytrace=False,
        )
    path = Path(name)
    if not path.is_absolute():
        path = request.config.rootpath / path
    try:
        if is_history_file(path):
            return load_history(path).as_of(today())
        return load(path)
    except (MgovernError, OSError) as exc:
        pytest.fail(f"mgovern_org: {exc}", pytrace=False)


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
