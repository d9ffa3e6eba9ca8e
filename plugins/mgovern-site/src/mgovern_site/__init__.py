"""mgovern-site: the governance handbook as a static website.

Adds ``mgovern site --out DIR`` (through ``mgovern_register_commands``): a page per
group (mandate in sentences, what it does not handle and where that goes, people,
meetings with subscribe links), who decides what (a matrix per category from
:func:`mgovern.rules.coverage.cell_classes`, the exact partition ``mgovern check`` decides), a
"where does my matter go?" form that looks the answer up in that partition, the coverage
report, and the latest decisions when a register is given (with the notice board when
the register follows minutes: :mod:`mgovern_site._notices`). Plain files with relative
links: copy the folder to a file share, or send it with ``--to-url`` through any
publisher (``file://``, ``webdav://``). Jinja2 is imported when the site is built.
"""

from __future__ import annotations

from typing import TYPE_CHECKING

from mgovern import hookimpl

if TYPE_CHECKING:
    import click

__all__ = ["build_site"]


def build_site(*args: object, **kwargs: object) -> dict[str, bytes]:
    """The site's files by relative path; see :func:`mgovern_site._build.build_site`."""
    from mgovern_site._build import build_site as build

    return build(*args, **kwargs)  # type: ignore[arg-type]


@hookimpl
def mgovern_register_commands(cli: click.Group) -> None:
    """``mgovern site``."""
    from mgovern_site._cli import site_command

    cli.add_command(site_command)
