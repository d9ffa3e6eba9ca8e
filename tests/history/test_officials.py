"""``mgovern validate`` warns about a clause decided by the group as a body in a group of
officials (issue 21, point 5): under Kommunallagen a management group prepares and
consults, one named delegate decides (docs/scope.md)."""

from __future__ import annotations

from pathlib import Path

from click.testing import CliRunner

import mgovern
from mgovern.cli import build_cli

EXAMPLE = Path(mgovern.__file__).parent / "examples" / "exploateringskontoret.toml"


def validate(path: Path | None = None) -> tuple[int, str, str]:
    args = ["validate"] + (["--org", str(path)] if path else [])
    result = CliRunner().invoke(build_cli(), args)
    assert "Traceback" not in result.output
    return result.exit_code, result.stdout, result.stderr


def test_the_example_has_no_group_of_officials_deciding_as_a_body() -> None:
    code, _out, err = validate()
    assert code == 0
    assert "warning" not in err


def test_a_division_deciding_as_a_body_is_warned_about(tmp_path: Path) -> None:
    text = EXAMPLE.read_text(encoding="utf-8")
    clause = 'decided_by = "avdelningschef"\nnote = "Köp och försäljning av fast egendom under'
    assert text.count(clause) == 1
    text = text.replace(clause, clause.replace("avdelningschef", "group"))
    path = tmp_path / "org.toml"
    path.write_text(text, encoding="utf-8")
    code, out, err = validate(path)
    assert code == 0, err  # a warning: outside public administration a group may decide
    assert "giltig" in out
    warnings = [line for line in err.splitlines() if "warning" in line]
    assert len(warnings) == 1, err
    assert "mv/handles/fastighet-liten: decided by the group as a body" in warnings[0]
    assert "officials do not decide as a body" in warnings[0]


def test_a_clause_a_revision_adds_without_a_decision_maker_is_warned_about(
    tmp_path: Path,
) -> None:
    """The issue's case: a clause added to a division with no decided_by is decided by the
    group as a body (the default), and validate said "valid" without a word."""
    path = tmp_path / "historik.toml"
    path.write_text(
        f'based_on = "{EXAMPLE.as_posix()}"\n'
        "[[revisions]]\neffective = 2026-05-01\ntitle = 'Delegationsordning 2026'\n"
        '[[revisions.groups]]\nid = "mv"\n[[revisions.groups.mandate.handles]]\n'
        'id = "mark-ny"\nadd = true\ncategories = ["upplatelse"]\namount_max = 75\n',
        encoding="utf-8",
    )
    code, _, err = validate(path)
    assert code == 0, err
    assert "mv/handles/mark-ny (Delegationsordning 2026): decided by the group" in err
