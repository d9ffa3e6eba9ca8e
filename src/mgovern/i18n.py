"""The words mgovern prints, in the organisation's language: gettext catalogues.

Source strings are English, written in the code as ``_("…")`` where ``_`` is
:func:`gettext_for` of the organisation (or of its language). The Swedish catalogue is
``locale/sv/LC_MESSAGES/mgovern.po``, reviewed like code and compiled to ``mgovern.mo``
with Babel; both are committed and ship in the wheel, so ``pip install .`` needs no
build step. The commands, with the ``babel.cfg`` at the repository's root::

    pybabel extract -F babel.cfg -o src/mgovern/locale/mgovern.pot src/mgovern
    pybabel update -i src/mgovern/locale/mgovern.pot -d src/mgovern/locale -D mgovern
    pybabel compile -d src/mgovern/locale -D mgovern

``tests/cli/test_i18n.py`` fails when the compiled catalogue is older than the ``.po`` file,
when a message lacks its Swedish text, and when a command prints a word of the other
language.
"""

from __future__ import annotations

import functools
import gettext
from collections.abc import Callable
from importlib import resources
from typing import TYPE_CHECKING

if TYPE_CHECKING:
    from mgovern.model import Organization

__all__ = [
    "DOMAIN",
    "gettext_for",
    "month_names",
    "ngettext_for",
    "pgettext_for",
    "translations",
]

#: The gettext domain: the catalogue files are ``mgovern.po`` and ``mgovern.mo``.
DOMAIN = "mgovern"


@functools.cache
def translations(language: str) -> gettext.NullTranslations:
    """The catalogue of ``language`` (``"sv"`` or ``"en"``); English is the source."""
    if language == "en":
        return gettext.NullTranslations()
    folder = resources.files("mgovern").joinpath("locale", language, "LC_MESSAGES")
    with resources.as_file(folder.joinpath(f"{DOMAIN}.mo")) as path, path.open("rb") as file:
        return gettext.GNUTranslations(file)


def _language(where: Organization | str) -> str:
    return where if isinstance(where, str) else where.language


def gettext_for(where: Organization | str) -> Callable[[str], str]:
    """``_`` for an organisation (or a language): ``_("no rule")`` in its language."""
    return translations(_language(where)).gettext


def ngettext_for(where: Organization | str) -> Callable[[str, str, int], str]:
    """``ngettext`` for an organisation (or a language): the singular or plural form
    of a message for a count, as its language counts."""
    return translations(_language(where)).ngettext


def pgettext_for(where: Organization | str) -> Callable[[str, str], str]:
    """``pgettext`` for an organisation (or a language): a message in a context (a
    module's name), for words that one language says differently in different places."""
    return translations(_language(where)).pgettext


def month_names(where: Organization | str) -> tuple[str, ...]:
    """The twelve months' names in the language (as written inside a sentence)."""
    _ = gettext_for(where)
    return (
        _("January"),
        _("February"),
        _("March"),
        _("April"),
        _("May"),
        _("June"),
        _("July"),
        _("August"),
        _("September"),
        _("October"),
        _("November"),
        _("December"),
    )
