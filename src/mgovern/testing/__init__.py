"""Testing helpers for users and plugin authors.

Hypothesis strategies (``organizations``, ``matters``) live in
:mod:`mgovern.testing.strategies` and are re-exported here; pytest fixtures come from
:mod:`mgovern.testing.pytest_plugin`, which pytest loads automatically once mgovern is
installed.
"""

from __future__ import annotations

from mgovern.testing.strategies import matters, organizations, texts

__all__ = ["matters", "organizations", "texts"]
