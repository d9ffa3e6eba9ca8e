"""One language per organisation: gettext catalogues, and commands that print no word of
the other language (issue 22 point 18)."""

from __future__ import annotations

import io
import re
import subprocess
import sys
from pathlib import Path

import pytest
from babel.messages.mofile import read_mo
from babel.messages.pofile import read_po
from click.testing import CliRunner

import mgovern
from mgovern.cli import build_cli

ROOT = Path(__file__).resolve().parents[1]
LOCALE = Path(mgovern.__file__).parent / "locale" / "sv" / "LC_MESSAGES"
EXAMPLE = Path(mgovern.__file__).parent / "examples" / "exploateringskontoret.toml"
#: Words that give a language away; an organisation's own names are removed first.
SWEDISH = {"och", "grupp", "gruppen", "beslut", "möte", "ingen", "regel", "utanför", "anmälda"}
ENGLISH = {"the", "group", "decision", "decisions", "meeting", "none", "days", "clause", "with"}


def _messages(catalog: object) -> dict[str, object]:
    return {
        m.id if isinstance(m.id, str) else m.id[0]: m.string
        if isinstance(m.string, str)
        else tuple(m.string)
        for m in catalog  # type: ignore[attr-defined]
        if m.id
    }


def test_every_message_has_its_swedish_text_and_the_compiled_catalogue_is_current() -> None:
    with (LOCALE / "mgovern.po").open("rb") as po, (LOCALE / "mgovern.mo").open("rb") as mo:
        source, compiled = _messages(read_po(po, locale="sv")), _messages(read_mo(mo))
    assert source == compiled, "run tools/translations.sh: mgovern.mo is older than mgovern.po"
    untranslated = [key for key, text in source.items() if not text or not all(text)]
    assert not untranslated
    extracted = subprocess.run(
        [
            sys.executable,
            "-m",
            "babel.messages.frontend",
            "extract",
            "-F",
            "babel.cfg",
            "--no-location",
            "-o",
            "-",
            "src/mgovern",
        ],
        cwd=ROOT,
        capture_output=True,
        check=True,
    ).stdout
    wanted = _messages(read_po(io.BytesIO(extracted)))
    assert sorted(set(wanted) - set(source)) == [], "run tools/translations.sh"


@pytest.fixture(scope="module")
def english(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """The example organisation with ``locale = "en"``."""
    text = EXAMPLE.read_text(encoding="utf-8")
    text, count = re.subn(r'(?m)^locale = "[^"]*"', 'locale = "en"', text)
    assert count == 1
    path = tmp_path_factory.mktemp("en") / "org.toml"
    path.write_text(text, encoding="utf-8")
    return path


def _words(text: str) -> set[str]:
    return {w.lower() for w in re.findall(r"[A-Za-zÅÄÖåäö]+", text)}


#: The commands whose every line comes from the catalogue (the rest: see the report).
CATALOGUED = [
    ("decisions", "audit"),
    ("decisions", "list"),
    ("decisions", "report", "--group", "namnd", "--date", "2026-04-23"),
]


@pytest.mark.parametrize("args", CATALOGUED, ids=" ".join)
def test_a_command_prints_the_organisations_language(english: Path, args: tuple[str, ...]) -> None:
    runner = CliRunner()
    db = ["--db", str(english.parent / "r.db")]
    example = [str(Path(mgovern.__file__).parent / "examples" / "decisions-2026q1.csv")]
    for org in (EXAMPLE, english):
        runner.invoke(build_cli(), ["decisions", "import", *example, "--org", str(org), *db])
    sv = runner.invoke(build_cli(), [*args, "--org", str(EXAMPLE), *db])
    en = runner.invoke(build_cli(), [*args, "--org", str(english), *db])
    assert sv.exit_code == en.exit_code
    # the organisation's own names and the decisions' texts are data, not the program's
    data = _words(EXAMPLE.read_text(encoding="utf-8"))
    data |= _words(Path(example[0]).read_text(encoding="utf-8"))
    assert (_words(sv.stdout + sv.stderr) - data) & ENGLISH == set()
    assert (_words(en.stdout + en.stderr) - data) & SWEDISH == set()
    assert _words(sv.stderr) & {"beslut", "granskade", "anmälda"} or args[1] == "list"
