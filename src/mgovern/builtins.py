"""mgovern's own hook implementations, registered as a default plugin."""

from __future__ import annotations

from collections.abc import Callable
from typing import TYPE_CHECKING, Any

from mgovern import hookimpl

if TYPE_CHECKING:  # imported when a hook runs, not when the CLI starts
    import datetime as dt

    import pluggy

    from mgovern.agenda.classify import Classification
    from mgovern.model import AgendaItem, Organization
    from mgovern.register.records import DecisionBatch


@hookimpl(tryfirst=True, specname="mgovern_classify_item")
def classify_follow_up(org: Organization, item: AgendaItem) -> Classification | None:
    """An action's follow-up (:mod:`mgovern.register.followup`) is no new matter: not classified."""
    from mgovern.register.followup import follow_up_classification

    return follow_up_classification(item)


@hookimpl(trylast=True)
def mgovern_classify_item(org: Organization, item: AgendaItem) -> Classification | None:
    """The keyword classifier: the fallback every other classifier comes before."""
    from mgovern.agenda.classify import keyword_classification

    return keyword_classification(org, item)


@hookimpl
def mgovern_register_publishers(register: Callable[[str, Callable[[Any], Any]], None]) -> None:
    """``file://``: calendars as in ``mgovern calendars``, documents as files."""
    from mgovern.calendars.publish import file_publisher

    register("file", file_publisher)


@hookimpl
def mgovern_register_renderers(register: Callable[[str, str, Callable[..., bytes]], None]) -> None:
    """Markdown notice and minutes."""
    from mgovern.register.documents import minutes_markdown, notice_markdown

    register("notice", "md", notice_markdown)
    register("minutes", "md", minutes_markdown)


@hookimpl(specname="mgovern_read_decisions")
def read_decision_list(org: Organization, source: str) -> DecisionBatch | None:
    """Delegation-decision lists as CSV or TOML (:mod:`mgovern.register.lists`)."""
    from pathlib import Path

    from mgovern.register.lists import SUFFIXES, load_decision_list

    if "://" in source or Path(source).suffix.lower() not in SUFFIXES:
        return None
    return load_decision_list(org, source)


@hookimpl(specname="mgovern_read_decisions")
def read_markdown_minutes(org: Organization, source: str) -> DecisionBatch | None:
    """Markdown minutes that mgovern wrote (``--kind minutes --format md``)."""
    from pathlib import Path

    from mgovern.register import minutes

    if "://" in source or not source.lower().endswith((".md", ".markdown")):
        return None
    return minutes.read_markdown_minutes(org, Path(source))


@hookimpl(specname="mgovern_meeting_labels")
def annual_matters_on_meetings(
    org: Organization, start: dt.date, end: dt.date, pm: pluggy.PluginManager
) -> dict[tuple[str, dt.datetime], list[str]] | None:
    """The year wheel: each meeting holding a stage of an annual matter carries the
    matter's name (:mod:`mgovern.annual.planning`)."""
    if not org.annual:
        return None
    import datetime as dt

    from mgovern.annual.planning import plan

    found: dict[tuple[str, dt.datetime], list[str]] = {}
    # chains decided up to a year after the window prepare inside it
    wheel = plan(org, start, end + dt.timedelta(days=366), pm=pm)
    for p in wheel.plans:
        for s in p.stages:
            if start <= s.meeting.recurrence_id.date() <= end:
                found.setdefault((s.meeting.uid, s.meeting.recurrence_id), []).append(p.matter.name)
    return found
