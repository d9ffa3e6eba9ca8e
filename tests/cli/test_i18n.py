"""One language per organisation: gettext catalogues, and commands that print no word of
the other language (issue 22 point 18)."""

from __future__ import annotations

import ast
import csv
import re
import subprocess
import sys
import tomllib
from collections.abc import Iterator
from pathlib import Path

import pytest
from babel.messages.mofile import read_mo
from babel.messages.pofile import read_po
from click.testing import CliRunner

import mgovern
from mgovern.cli import build_cli

ROOT = Path(__file__).resolve().parents[2]
LOCALE = Path(mgovern.__file__).parent / "locale" / "sv" / "LC_MESSAGES"
EXAMPLE = Path(mgovern.__file__).parent / "examples" / "exploateringskontoret.toml"


def _messages(catalog: object) -> dict[tuple[str | None, str], object]:
    """(context, message) -> its text (a tuple of forms for a plural)."""
    return {
        (m.context, m.id if isinstance(m.id, str) else m.id[0]): (
            m.string if isinstance(m.string, str) else tuple(m.string)
        )
        for m in catalog  # type: ignore[attr-defined]
        if m.id
    }


def test_every_message_has_its_swedish_text_and_the_compiled_catalogue_is_current(
    tmp_path: Path,
) -> None:
    with (LOCALE / "mgovern.po").open("rb") as po, (LOCALE / "mgovern.mo").open("rb") as mo:
        source, compiled = _messages(read_po(po, locale="sv")), _messages(read_mo(mo))
    assert source == compiled, "run tools/translations.sh: mgovern.mo is older than mgovern.po"
    untranslated = [key for key, text in source.items() if not text or not all(text)]
    assert not untranslated
    template = tmp_path / "mgovern.pot"
    extract = ["extract", "-F", "babel.cfg", "--no-location", "-o", str(template), "src/mgovern"]
    subprocess.run(
        [sys.executable, "-m", "babel.messages.frontend", *extract],
        cwd=ROOT,
        capture_output=True,
        check=True,
    )
    with template.open("rb") as file:
        wanted = _messages(read_po(file))
    assert sorted(set(wanted) - set(source), key=str) == [], "run tools/translations.sh"
    assert sorted(set(_called(ROOT / "src" / "mgovern")) - set(wanted), key=str) == [], (
        "messages Babel does not extract: write the string itself as the argument"
    )


def _called(folder: Path) -> Iterator[tuple[str | None, str]]:
    """Every (context, message) the code passes to ``_``, ``ngettext`` or ``pgettext``."""
    for path in folder.rglob("*.py"):
        for node in ast.walk(ast.parse(path.read_text(encoding="utf-8"))):
            if not (isinstance(node, ast.Call) and isinstance(node.func, ast.Name)):
                continue
            texts = [a.value for a in node.args if isinstance(a, ast.Constant)]
            if node.func.id in ("_", "ngettext") and texts:
                yield None, texts[0]
            elif node.func.id == "pgettext" and len(texts) == 2:
                yield texts[0], texts[1]


EXAMPLES = EXAMPLE.parent
DATA = ("decisions-2026q1.csv", "actions-2026q1.toml", "agenda-items.toml")
#: Words that give a language away, once the organisation's own texts are taken out.
SWEDISH = {
    "och", "grupp", "grupper", "beslut", "möte", "möten", "ingen", "inga", "regel",
    "utanför", "ärende", "ärenden", "åtgärder", "skapade", "dagar", "giltig", "luckor",
    "använder", "kalendrar", "händelser",
}  # fmt: skip
ENGLISH = {
    "the", "group", "groups", "decision", "decisions", "meeting", "meetings", "none", "days",
    "clause", "with", "valid", "gaps", "created", "written", "actions", "using", "events",
}  # fmt: skip


@pytest.fixture(scope="module")
def folders(tmp_path_factory: pytest.TempPathFactory) -> dict[str, Path]:
    """The example (Swedish) and the same with ``locale = "en"``, each with its history
    file and a register of the example's decisions and actions."""
    made = {}
    for language in ("sv", "en"):
        folder = tmp_path_factory.mktemp(language)
        text = EXAMPLE.read_text(encoding="utf-8")
        text, count = re.subn(r'(?m)^locale = "[^"]*"', f'locale = "{language}"', text)
        assert count == 1
        (folder / EXAMPLE.name).write_text(text, encoding="utf-8")
        history = EXAMPLES / "exploateringskontoret-historik.toml"
        (folder / history.name).write_bytes(history.read_bytes())
        for name in DATA:
            (folder / name).write_bytes((EXAMPLES / name).read_bytes())
        for name in DATA[:2]:
            args = ["decisions", "import", str(folder / name), "--db", str(folder / "r.db")]
            result = CliRunner().invoke(build_cli(), [*args, "--org", str(folder / EXAMPLE.name)])
            assert result.exit_code == 0, result.output
        made[language] = folder
    return made


def _strings(value: object) -> Iterator[str]:
    if isinstance(value, str):
        yield value
    elif isinstance(value, dict):
        for key, item in value.items():
            yield key
            yield from _strings(item)
    elif isinstance(value, list):
        for item in value:
            yield from _strings(item)


@pytest.fixture(scope="module")
def data_texts() -> re.Pattern[str]:
    """Every text of the organisation and its lists: names, purposes, decisions' texts."""
    texts = set(_strings(tomllib.loads(EXAMPLE.read_text(encoding="utf-8"))))
    for name in ("actions-2026q1.toml", "agenda-items.toml", "exploateringskontoret-historik.toml"):
        texts |= set(_strings(tomllib.loads((EXAMPLES / name).read_text(encoding="utf-8"))))
    with (EXAMPLES / "decisions-2026q1.csv").open(encoding="utf-8") as file:
        texts |= {cell for row in csv.reader(file, delimiter=";") for cell in row}
    longest_first = sorted((t for t in texts if len(t) > 1), key=len, reverse=True)
    return re.compile("|".join(rf"(?<!\w){re.escape(t)}(?!\w)" for t in longest_first))


def _words(text: str) -> set[str]:
    return {w.lower() for w in re.findall(r"[A-Za-zÅÄÖåäö]+", text)}


def _commands(folder: Path) -> dict[str, list[str]]:
    org, db = str(folder / EXAMPLE.name), str(folder / "r.db")
    history = str(folder / "exploateringskontoret-historik.toml")
    items = str(folder / "agenda-items.toml")
    meeting = ["--group", "klg", "--date", "2026-03-17", "--items", items]
    window = ["--from", "2026-01-01", "--to", "2026-03-31"]
    return {
        "actions": ["actions", "--org", org, "--db", db, "--on", "2026-04-15"],
        "agenda": ["agenda", "--org", org, *meeting, "--db", db],
        "arshjul": ["arshjul", "--org", org, "--year", "2026"],
        "calendars": ["calendars", "--org", org, "--out", str(folder / "cal"), *window],
        "check": ["check", "--org", org, *window, "--overlaps", "--fallback"],
        "decisions audit": ["decisions", "audit", "--org", org, "--db", db],
        "decisions import": [
            *("decisions", "import", str(folder / "decisions-2026q1.csv")),
            *("--org", org, "--db", str(folder / "import.db")),
        ],
        "decisions list": ["decisions", "list", "--org", org, "--db", db],
        "decisions report": [
            *("decisions", "report", "--org", org, "--db", db),
            *("--group", "namnd", "--date", "2026-04-23"),
        ],
        "diff": ["diff", history],
        "documents": [
            *("documents", "--org", org, *meeting),
            *("--out", (folder / "dok").as_uri(), "--db", db),
        ],
        "governance": [
            "governance",
            "--org",
            history,
            "--from",
            "2026-01-01",
            "--to",
            "2026-12-31",
        ],
        "publish": ["publish", "--org", org, (folder / "pub").as_uri(), *window],
        "report": ["report", "--org", org, "--items", items, "--db", db],
        "route": [
            *("route", "--org", org, "--raised-in", "mv", "--category", "it"),
            *("--on", "2026-03-01"),
        ],
        "show": ["show", "--org", org],
        "site": ["site", "--org", org, "--out", str(folder / "site"), "--on", "2026-03-01"],
        "validate": ["validate", "--org", org],
    }


#: Not run here: ``plugins`` (no organisation: ids and versions), ``decisions export``
#: (the register's data as CSV or JSON), ``--format json`` of any command (data).


@pytest.mark.parametrize("command", sorted(_commands(Path("/"))))
def test_every_command_prints_only_the_organisations_language(
    folders: dict[str, Path], data_texts: re.Pattern[str], command: str
) -> None:
    for language, other in (("sv", ENGLISH), ("en", SWEDISH)):
        args = _commands(folders[language])[command]
        if command in ("diff", "governance"):  # a history file: its organisation's locale
            args = [a.replace(str(folders["sv"]), str(folders[language])) for a in args]
        result = CliRunner().invoke(build_cli(), args, env={"SOURCE_DATE_EPOCH": "1780272000"})
        assert result.exit_code in (0, 1), result.output
        text = re.sub(r"\b\w+=\S*", " ", result.stdout + result.stderr)  # key=value notation
        text = data_texts.sub(" ", re.sub(r"\S*/\S*", " ", text))  # and no paths
        found = sorted(_words(text) & other)
        assert not found, f"mgovern {command} ({language}) prints {found}:\n{text}"
