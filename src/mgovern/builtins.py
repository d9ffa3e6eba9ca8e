"""mgovern's own hook implementations, registered as a default plugin."""

from __future__ import annotations
