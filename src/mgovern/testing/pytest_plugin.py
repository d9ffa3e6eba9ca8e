"""pytest fixtures mgovern ships (loaded through the ``pytest11`` entry point)."""

from __future__ import annotations

import pluggy
import pytest

from mgovern.config import example
from mgovern.model import Organization
from mgovern.plugins import make_plugin_manager


@pytest.fixture(scope="session")
def mgovern_example() -> Organization:
    """The embedded example organisation (Exploateringskontoret)."""
    return example()


@pytest.fixture
def mgovern_plugin_manager() -> pluggy.PluginManager:
    """A fresh plugin manager with the built-ins and the installed plugins."""
    return make_plugin_manager()
