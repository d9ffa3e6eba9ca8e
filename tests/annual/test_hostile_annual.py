"""Year-wheel input as hostile as any other (issue 22, point 16).

An annual matter's name and description get the limits of every other name and text
(:mod:`mgovern.bounds`: no control or bidi characters, at most 1,000 characters on one
line), its target dates the years 1900..2100: ``mgovern arshjul`` refuses the file with
exit 2 and one line naming the key path, and writes neither the SVG nor the .ics. What
it accepts gives a well-formed SVG and an .ics with no raw control character.
"""

from __future__ import annotations

import re
import xml.etree.ElementTree as ET
from importlib import resources
from pathlib import Path

import pytest
from click.testing import CliRunner
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from mgovern.cli import build_cli

SOURCE = (
    resources.files("mgovern.examples")
    .joinpath("exploateringskontoret.toml")
    .read_text(encoding="utf-8")
)
NAME = 'name = "Tertialrapport 1"'
TARGET = 'target = { group = "namnd", month = 6 }'
DESCRIPTION = 'description = "Uppföljning och prognos'
assert SOURCE.count(NAME) == 1
assert SOURCE.count(TARGET) == 1
assert SOURCE.count(DESCRIPTION) == 1


def _toml_string(text: str) -> str:
    """``text`` as a TOML basic string, every character outside printable ASCII escaped."""
    return (
        '"'
        + "".join(
            ch if " " <= ch <= "~" and ch not in '"\\' else f"\\U{ord(ch):08X}" for ch in text
        )
        + '"'
    )


def _arshjul(folder: Path, source: str) -> tuple[int, str, Path, Path]:
    org = folder / "org.toml"
    org.write_text(source, encoding="utf-8")
    svg, ics = folder / "arshjul.svg", folder / "arshjul.ics"
    result = CliRunner().invoke(
        build_cli(),
        ["arshjul", "--org", str(org), "--year", "2026", "--svg", str(svg), "--ics", str(ics)],
    )
    return result.exit_code, result.output, svg, ics


@pytest.mark.parametrize(
    ("old", "new", "path", "what"),
    [
        (NAME, 'name = "Tertial\\u001brapport 1"', "annual[1].name", "ESCAPE"),
        (NAME, 'name = "Tertial\\u202erapport 1"', "annual[1].name", "U+202E"),
        (NAME, 'name = "Tertial\\nrapport 1"', "annual[1].name", "LINE FEED"),
        (NAME, 'name = "Tertial\\u0000rapport 1"', "annual[1].name", "NUL"),
        (NAME, f'name = "{"x" * 1001}"', "annual[1].name", "too long"),
        (
            DESCRIPTION,
            'description = "\\u001b[31mUppföljning och prognos',
            "annual[1].description",
            "ESCAPE",
        ),
        (
            TARGET,
            'target = { group = "namnd", dates = [1000-06-01] }',
            "annual[1].target.dates[0]",
            "1900",
        ),
        (
            TARGET,
            'target = { group = "namnd", dates = [2026-06-01, 2101-06-01] }',
            "annual[1].target.dates[1]",
            "2100",
        ),
    ],
)
def test_bad_year_wheel_input_is_one_line_naming_the_key(
    tmp_path: Path, old: str, new: str, path: str, what: str
) -> None:
    code, output, svg, ics = _arshjul(tmp_path, SOURCE.replace(old, new))
    assert code == 2, output
    lines = output.strip().splitlines()
    assert len(lines) == 1, output
    assert lines[0].startswith("mgovern: error: ")
    assert path in lines[0]
    assert what in lines[0]
    assert "Traceback" not in output
    assert not svg.exists()
    assert not ics.exists()


def _well_formed(svg: Path, ics: Path) -> None:
    ET.fromstring(svg.read_bytes())  # an SVG is XML: this raises on any control character
    text = ics.read_bytes().decode("utf-8")
    assert not re.search("[\x00-\x08\x0b-\x0c\x0e-\x1f\x7f-\x9f]", text)
    assert "\n" not in text.replace("\r\n", "")


#: What a name may not hold, from the rule's text: C0 and C1 controls, DELETE, the line
#: and paragraph separators and the bidirectional embeddings, overrides and isolates.
_FORBIDDEN = {
    *map(chr, range(0x20)),
    *map(chr, range(0x7F, 0xA0)),
    *"\u2028\u2029\u202a\u202b\u202c\u202d\u202e\u2066\u2067\u2068\u2069",
}


@settings(
    max_examples=25,
    deadline=None,
    database=None,
    suppress_health_check=[HealthCheck.function_scoped_fixture],
)
@given(
    name=st.text(
        st.characters(codec="utf-8") | st.sampled_from(sorted(_FORBIDDEN)), min_size=1, max_size=40
    )
)
def test_a_name_is_refused_or_gives_well_formed_files(
    tmp_path_factory: pytest.TempPathFactory, name: str
) -> None:
    folder = tmp_path_factory.mktemp("wheel")
    code, output, svg, ics = _arshjul(folder, SOURCE.replace(NAME, f"name = {_toml_string(name)}"))
    if _FORBIDDEN & set(name):
        assert code == 2, output
        assert output.count("\n") == 1
        assert "annual[1].name" in output
        assert not svg.exists()
        assert not ics.exists()
        return
    assert code == 0, output
    _well_formed(svg, ics)
