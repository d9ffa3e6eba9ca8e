"""Testing helpers for users and plugin authors.

Hypothesis strategies (``organizations``, ``matters``) live in
:mod:`mgovern.testing.strategies`; assertions for your own rules in
:mod:`mgovern.testing.assertions`; pytest fixtures in :mod:`mgovern.testing.pytest_plugin`,
which pytest loads automatically once mgovern is installed.
"""

from __future__ import annotations

from mgovern.testing.assertions import assert_every_matter_has_one_home, assert_routes_to
from mgovern.testing.strategies import agenda_items, matters, organizations, texts

__all__ = [
    "agenda_items",
    "assert_every_matter_has_one_home",
    "assert_routes_to",
    "matters",
    "organizations",
    "texts",
]
