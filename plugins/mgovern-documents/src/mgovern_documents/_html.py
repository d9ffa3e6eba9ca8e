"""HTML notices and minutes from Jinja2 templates, overridable from a folder.

Templates are looked up in the organisation's ``documents.templates`` folder first, then
in the ones shipped with the plugin. The shipped ones are also reachable as
``builtin/<name>``, so an override can extend the original and change one block::

    {% extends "builtin/notice.html.j2" %}
    {% block style %}{{ super() }} h1 { color: #004b87; }{% endblock %}
"""

from __future__ import annotations

from pathlib import Path
from typing import TYPE_CHECKING

from mgovern.agenda.planner import Agenda
from mgovern.exceptions import ConfigError
from mgovern.model import Organization
from mgovern_documents._content import document

if TYPE_CHECKING:
    import jinja2

__all__ = ["TEMPLATE_NAMES", "environment", "render_html"]

#: The template each kind is rendered with.
TEMPLATE_NAMES = {"notice": "notice.html.j2", "minutes": "minutes.html.j2"}


def environment(templates: Path | None = None) -> jinja2.Environment:
    """A Jinja2 environment: the user's folder first, then the shipped templates."""
    import jinja2

    shipped = jinja2.PackageLoader("mgovern_documents", "templates")
    loaders: list[jinja2.BaseLoader] = []
    if templates is not None:
        if not templates.is_dir():
            raise ConfigError(
                f"{templates}: the documents.templates folder does not exist",
                path="documents.templates",
            )
        loaders.append(jinja2.FileSystemLoader(templates))
    loaders.extend([shipped, jinja2.PrefixLoader({"builtin": shipped})])
    return jinja2.Environment(
        loader=jinja2.ChoiceLoader(loaders),
        autoescape=True,
        undefined=jinja2.StrictUndefined,
        trim_blocks=True,
        lstrip_blocks=True,
        keep_trailing_newline=True,
    )


def render_html(org: Organization, agenda: Agenda, templates: Path | None, kind: str) -> bytes:
    """The notice or the minutes template as an HTML page (UTF-8)."""
    import jinja2

    env = environment(templates)
    name = TEMPLATE_NAMES[kind]
    try:
        template = env.get_template(name)
        text = template.render(doc=document(org, agenda, kind), org=org, agenda=agenda)
    except jinja2.TemplateSyntaxError as exc:
        raise ConfigError(
            f"{exc.filename or exc.name}:{exc.lineno}: template syntax error: {exc.message}",
            path="documents.templates",
        ) from None
    except jinja2.TemplateNotFound as exc:
        where = f"{templates} or " if templates is not None else ""
        raise ConfigError(
            f"{name}: no template {exc.name!r} in {where}the shipped templates",
            path="documents.templates",
        ) from None
    except jinja2.TemplateError as exc:
        raise ConfigError(f"{name}: {exc}", path="documents.templates") from None
    return text.encode("utf-8")
