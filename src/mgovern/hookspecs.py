"""Every hook mgovern calls. Plugins implement them with ``@mgovern.hookimpl``.

Each hook is documented with a runnable example in ``docs/plugins.md``; a test fails
when one is not.
"""

from __future__ import annotations

from typing import TYPE_CHECKING

import pluggy

if TYPE_CHECKING:
    import datetime as dt
    from collections.abc import Iterable

    import click

    from mgovern.classify import Classification
    from mgovern.model import AgendaItem, ClosedDay, Organization

PROJECT = "mgovern"

hookspec = pluggy.HookspecMarker(PROJECT)


@hookspec
def mgovern_register_commands(cli: click.Group) -> None:
    """Add commands to the ``mgovern`` command line.

    :param cli: the root click group; call ``cli.command()`` or ``cli.add_command()``.
    """


@hookspec
def mgovern_closed_days(
    org: Organization, start: dt.date, end: dt.date
) -> Iterable[ClosedDay] | None:
    """Days between ``start`` and ``end`` (inclusive) on which the organisation is closed.

    Every implementation is called and the results are merged (a day named by several
    plugins keeps the first name, in plugin order). Read what to close from
    ``org.closed_days`` (``regions`` such as ``["SE"]`` and optional ``include`` names);
    return None or nothing when the organisation asks for nothing you know.

    :param org: the organisation whose meetings are being scheduled.
    :param start: first day of the window.
    :param end: last day of the window.
    :returns: the closed days in the window, in any order.
    """


@hookspec(firstresult=True)
def mgovern_classify_item(org: Organization, item: AgendaItem) -> Classification | None:
    """Suggest category, amount and kind of an agenda item from its title.

    Called for items that lack a category or a kind. mgovern's keyword classifier
    (matching the vocabulary's ``keywords``) is a default plugin; register yours with
    ``@hookimpl(tryfirst=True)`` to be asked first. Stops at the first non-None result.

    :param org: the organisation (its categories and keywords, base amounts, locale).
    :param item: the submitted item; its own category, amount and kind win over yours.
    :returns: a :class:`mgovern.classify.Classification`, or None to pass.
    """
