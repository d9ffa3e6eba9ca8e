"""mgovern-documents: meeting notices and minutes as HTML and Word, stored on WebDAV.

Registers renderers for ``("notice", "html")``, ``("minutes", "html")``,
``("notice", "docx")`` and ``("minutes", "docx")`` (used by ``mgovern documents``), and
the publisher for ``webdav://`` (plain HTTP) and ``webdavs://`` (HTTPS) URLs (used by
``mgovern documents --out`` and ``mgovern publish``), and reads decisions and actions back
from filled-in Word minutes (``mgovern_read_decisions``), and writes and reads meeting
records as Word documents (``mgovern_register_record_formats``). Jinja2, python-docx and requests
are imported when a document is rendered or stored, so loading the plugin stays cheap.
"""

from __future__ import annotations

from collections.abc import Callable
from pathlib import Path
from typing import TYPE_CHECKING, Any

from mgovern import hookimpl

if TYPE_CHECKING:
    from urllib.parse import SplitResult

    from mgovern.agenda.planner import Agenda
    from mgovern.calendars.publish import Publisher
    from mgovern.model import Organization
    from mgovern.register.records import DecisionBatch

__all__ = ["FORMATS", "render"]

#: The formats this plugin renders, for both kinds.
FORMATS = ("html", "docx")


def render(org: Organization, agenda: Agenda, templates: Path | None, kind: str, fmt: str) -> bytes:
    """The ``kind`` document (``notice`` or ``minutes``) in ``fmt`` (``html`` or ``docx``)."""
    if fmt == "html":
        from mgovern_documents._html import render_html

        return render_html(org, agenda, templates, kind)
    if fmt == "docx":
        from mgovern_documents._docx import render_docx

        return render_docx(org, agenda, templates, kind)
    raise ValueError(f"mgovern-documents renders {', '.join(FORMATS)}, not {fmt!r}")


def _renderer(kind: str, fmt: str) -> Callable[[Organization, Agenda, Path | None], bytes]:
    def render_one(org: Organization, agenda: Agenda, templates: Path | None = None) -> bytes:
        return render(org, agenda, templates, kind, fmt)

    render_one.__name__ = f"{kind}_{fmt}"
    render_one.__doc__ = f"The {kind} as {fmt.upper()}."
    return render_one


@hookimpl
def mgovern_register_renderers(register: Callable[[str, str, Callable[..., bytes]], None]) -> None:
    """HTML (Jinja2) and DOCX (python-docx) notices and minutes templates."""
    for kind in ("notice", "minutes"):
        for fmt in FORMATS:
            register(kind, fmt, _renderer(kind, fmt))


def _webdav_publisher(parts: SplitResult) -> Publisher:
    # (not named _webdav: importing the submodule would replace it on the package)
    from mgovern_documents._webdav import WebDAVPublisher

    return WebDAVPublisher(parts)


@hookimpl
def mgovern_register_publishers(register: Callable[[str, Callable[[Any], Any]], None]) -> None:
    """``webdav://`` (HTTP) and ``webdavs://`` (HTTPS): documents and calendar feeds."""
    register("webdav", _webdav_publisher)
    register("webdavs", _webdav_publisher)


@hookimpl
def mgovern_read_decisions(org: Organization, source: str) -> DecisionBatch | None:
    """Word minutes that mgovern wrote (``--kind minutes --format docx``), filled in."""
    if "://" in source or not source.lower().endswith(".docx"):
        return None
    from mgovern_documents._read import read_docx_minutes

    return read_docx_minutes(org, Path(source))


@hookimpl
def mgovern_register_record_formats(register: Callable[..., None]) -> None:
    """Meeting records as Word documents, and read back (``.docx``)."""
    from mgovern_documents._meetings import read_record_docx, record_docx

    register(".docx", record_docx, read_record_docx)
