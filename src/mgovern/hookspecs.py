"""Every hook mgovern calls. Plugins implement them with ``@mgovern.hookimpl``.

Each hook is documented with a runnable example in ``docs/plugins.md``; a test fails
when one is not.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import TYPE_CHECKING, Any

import pluggy

if TYPE_CHECKING:
    import datetime as dt
    from collections.abc import Iterable, Mapping
    from pathlib import Path

    import click

    from mgovern.agenda.classify import Classification
    from mgovern.meetings.record import MeetingRecord
    from mgovern.model import AgendaItem, ClosedDay, Organization
    from mgovern.register.records import DecisionBatch

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
    :returns: a :class:`mgovern.agenda.classify.Classification`, or None to pass.
    """


@hookspec
def mgovern_register_publishers(register: Callable[[str, Callable[[Any], Any]], None]) -> None:
    """Register publishers by URL scheme, for ``mgovern publish`` and ``mgovern documents``.

    Call ``register(scheme, factory)``; ``factory(url_parts)`` gets the URL as
    :func:`mgovern.urls.parse_url` checked it (no password, no query or fragment, a valid
    host and port), as a :class:`urllib.parse.SplitResult` with a lower-case scheme and
    ``netloc`` ``host[:port]`` without any user name (credentials are in ``job``), and
    returns an object with ``publish_calendars(job)`` and ``put_documents(job, documents)``
    (see :class:`mgovern.calendars.publish.Publisher`). The core registers ``file``. Two plugins
    registering one scheme is an error.

    :param register: the registrar.
    """


@hookspec
def mgovern_register_renderers(register: Callable[[str, str, Callable[..., bytes]], None]) -> None:
    """Register document renderers: ``register(kind, format, render)``.

    ``kind`` is ``"notice"`` (kallelse with dagordning) or ``"minutes"`` (protokoll /
    mötesanteckningar); ``format`` a file extension such as ``"md"``, ``"html"`` or
    ``"docx"``. ``render(org, agenda, templates)`` returns the document's bytes;
    ``templates`` is the folder named by the organisation's ``documents.templates`` (a
    :class:`pathlib.Path`, or None). The core registers Markdown for both kinds; a later
    registration of the same kind and format replaces an earlier one (plugins come after
    the built-ins).

    :param register: the registrar.
    """


@hookspec(firstresult=True)
def mgovern_read_decisions(org: Organization, source: str) -> DecisionBatch | None:
    """Read the decisions and actions held by ``source``, if this plugin knows its kind.

    ``source`` is what the user gave ``mgovern decisions import``: a file path (minutes
    in Word or Markdown, a delegation-decision list as CSV or TOML) or a URL of another
    system. Return a :class:`mgovern.register.records.DecisionBatch` with everything it holds
    (it is imported as one transaction), or None when the source is not of a kind this
    plugin reads; the first plugin that returns a batch wins. A source of the plugin's
    kind that is wrong raises :class:`mgovern.ConfigError` naming the file, row or field.

    :param org: the organisation, to check ids against.
    :param source: a path or URL.
    """


@hookspec
def mgovern_register_record_formats(
    register: Callable[
        [
            str,
            Callable[[Organization, MeetingRecord], bytes],
            Callable[
                [Organization | Callable[[dt.date], Organization], Path], MeetingRecord | None
            ],
        ],
        None,
    ],
) -> None:
    """Register file formats of meeting records beyond TOML (see docs/meetings.md):
    ``register(suffix, write, read)``.

    ``write(org, record)`` gives the file's bytes (``mgovern meetings show --format
    SUFFIX --out FILE``); ``read(org, path)`` reads a file of that suffix back to the
    record (``mgovern meetings check|show|import FILE``), or None when the file is not
    one mgovern wrote. ``org`` for reading is the organisation, or a function of the
    meeting's day giving the organisation in force then; pass it on to
    :func:`mgovern.meetings.sources.record_from_data`.

    :param register: call it once per suffix (``".docx"``).
    """


@hookspec
def mgovern_meeting_labels(
    org: Organization, start: dt.date, end: dt.date, pm: pluggy.PluginManager
) -> Mapping[tuple[str, dt.datetime], Iterable[str]] | None:
    """Names that meetings in the window carry in every calendar (as ``CATEGORIES`` and a
    line of the description), e.g. the annual matters whose stage a meeting holds.

    Every implementation is called and the names are merged per meeting, sorted and
    without repeats. mgovern's year wheel (:mod:`mgovern.annual.planning`) is a default plugin of
    this hook. A meeting is named by its series' UID and its original start, as in
    :class:`mgovern.calendars.cycles.Occurrence` (``uid``, ``recurrence_id``).

    :param org: the organisation whose calendars are being written.
    :param start: first day of the window.
    :param end: last day of the window.
    :param pm: the plugin manager the calendars use (pass it on to anything that
        schedules meetings, so that its closed days are the same).
    :returns: the labels per (UID, original start), or None.
    """
