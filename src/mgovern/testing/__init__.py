"""Testing helpers for users and plugin authors.

Hypothesis strategies (``organizations``, ``matters``, ``agenda_items``) live in
:mod:`mgovern.testing.strategies`; assertions for your own rules in
:mod:`mgovern.testing.assertions`; pytest fixtures in :mod:`mgovern.testing.pytest_plugin`,
which pytest loads automatically once mgovern is installed. Names are imported on first
use, so the pytest plugin works in projects without Hypothesis.
"""

from __future__ import annotations

import importlib
from typing import TYPE_CHECKING, Any

if TYPE_CHECKING:
    from mgovern.testing.assertions import assert_every_matter_has_one_home, assert_routes_to
    from mgovern.testing.strategies import agenda_items, matters, organizations, texts

_LAZY = {
    "assert_every_matter_has_one_home": "mgovern.testing.assertions",
    "assert_routes_to": "mgovern.testing.assertions",
    "agenda_items": "mgovern.testing.strategies",
    "matters": "mgovern.testing.strategies",
    "organizations": "mgovern.testing.strategies",
    "texts": "mgovern.testing.strategies",
}


def __getattr__(name: str) -> Any:
    module = _LAZY.get(name)
    if module is None:
        raise AttributeError(f"module 'mgovern.testing' has no attribute {name!r}")
    return getattr(importlib.import_module(module), name)


__all__ = [
    "agenda_items",
    "assert_every_matter_has_one_home",
    "assert_routes_to",
    "matters",
    "organizations",
    "texts",
]
