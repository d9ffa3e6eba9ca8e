"""The plugin manager: built-ins first, then entry points of group ``mgovern``.

Nothing is built at import time: :func:`plugin_manager` makes a manager on first use.
Entry points load one at a time so a broken plugin is named in the error, and
``MGOVERN_DISABLE_PLUGINS`` (comma-separated entry-point names) blocks plugins.
"""

from __future__ import annotations

import functools
import importlib
import importlib.metadata
import os
from collections.abc import Iterable

import pluggy

from mgovern import hookspecs
from mgovern.exceptions import PluginError

__all__ = ["DEFAULT_PLUGINS", "DISABLE_ENV", "make_plugin_manager", "plugin_manager"]

#: Modules of mgovern's own behaviour, registered like any third-party plugin.
DEFAULT_PLUGINS: tuple[str, ...] = ("mgovern.builtins",)
DISABLE_ENV = "MGOVERN_DISABLE_PLUGINS"
ENTRY_POINT_GROUP = "mgovern"


def _disabled(environ: dict[str, str] | None = None) -> set[str]:
    raw = (environ if environ is not None else os.environ).get(DISABLE_ENV, "")
    return {name.strip() for name in raw.split(",") if name.strip()}


def make_plugin_manager(
    *,
    entry_points: bool = True,
    extra: Iterable[object] = (),
    disabled: Iterable[str] | None = None,
) -> pluggy.PluginManager:
    """A new manager with the built-ins, the installed plugins and ``extra`` objects.

    :param entry_points: load plugins installed under the ``mgovern`` entry-point group.
    :param extra: more plugin objects (modules or instances) to register, e.g. in tests.
    :param disabled: names to block; default: ``MGOVERN_DISABLE_PLUGINS``.
    """
    pm = pluggy.PluginManager(hookspecs.PROJECT)
    pm.add_hookspecs(hookspecs)
    blocked = set(disabled) if disabled is not None else _disabled()
    for name in DEFAULT_PLUGINS:
        if name in blocked:
            pm.set_blocked(name)
            continue
        pm.register(importlib.import_module(name), name=name)
    if entry_points:
        for ep in sorted(
            importlib.metadata.entry_points(group=ENTRY_POINT_GROUP), key=lambda e: e.name
        ):
            if ep.name in blocked:
                pm.set_blocked(ep.name)
                continue
            if pm.get_plugin(ep.name) is not None or pm.is_blocked(ep.name):
                continue
            try:
                plugin = ep.load()
            except Exception as exc:
                dist = ep.dist.name if ep.dist is not None else "unknown distribution"
                raise PluginError(
                    f"plugin {ep.name!r} (from {dist}) failed to load: "
                    f"{type(exc).__name__}: {exc}; uninstall it, fix it, or set "
                    f"{DISABLE_ENV}={ep.name}"
                ) from exc
            pm.register(plugin, name=ep.name)
    for plugin in extra:
        pm.register(plugin)
    try:
        pm.check_pending()
    except pluggy.PluginValidationError as exc:
        raise PluginError(f"{exc}; check the hook's name against docs/plugins.md") from None
    return pm


@functools.cache
def plugin_manager() -> pluggy.PluginManager:
    """The process-wide manager, built on first use (not at import)."""
    return make_plugin_manager()
