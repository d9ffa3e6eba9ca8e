"""The layers of docs/architecture.md hold: import-linter's contracts in pyproject.toml pass
on the source tree, and fail when an upward import or an import cycle is planted."""

from __future__ import annotations

import os
import shutil
import subprocess
import sys
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[1]
LINT = shutil.which("lint-imports") or str(Path(sys.executable).with_name("lint-imports"))


def lint(src: Path, cwd: Path) -> subprocess.CompletedProcess[str]:
    env = {
        **os.environ,
        "PYTHONPATH": os.pathsep.join([str(src), os.environ.get("PYTHONPATH", "")]),
    }
    return subprocess.run(
        [LINT, "--no-cache"], cwd=cwd, env=env, capture_output=True, text=True, check=False
    )


@pytest.fixture
def tree(tmp_path: Path) -> Path:
    """A copy of the source and the contracts, to plant imports in."""
    shutil.copytree(ROOT / "src", tmp_path / "src", ignore=shutil.ignore_patterns("__pycache__"))
    shutil.copy(ROOT / "pyproject.toml", tmp_path / "pyproject.toml")
    return tmp_path


def test_the_contracts_hold_on_the_source_tree(tree: Path) -> None:
    result = lint(tree / "src", tree)
    assert result.returncode == 0, result.stdout + result.stderr
    assert "4 kept, 0 broken" in result.stdout


def plant(path: Path, line: str) -> None:
    text = path.read_text(encoding="utf-8")
    head, sep, rest = text.partition("from __future__ import annotations\n")
    assert sep, path
    path.write_text(f"{head}{sep}\n{line}\n{rest}", encoding="utf-8")


def test_an_upward_import_breaks_the_layers(tree: Path) -> None:
    # the rules may not know the register that sits above them
    plant(tree / "src/mgovern/rules/scope.py", "import mgovern.register.store")
    result = lint(tree / "src", tree)
    assert result.returncode == 1
    register = "mgovern" + ".register"  # the package (spelt so no rewrite of paths touches it)
    assert f"mgovern.rules is not allowed to import {register}" in result.stdout


def test_click_outside_the_command_line_breaks_a_contract(tree: Path) -> None:
    plant(tree / "src/mgovern/calendars/cycles.py", "import click")
    result = lint(tree / "src", tree)
    assert result.returncode == 1
    assert "mgovern.calendars.cycles -> click" in result.stdout


def test_a_cycle_inside_a_package_breaks_a_contract(tree: Path) -> None:
    # scope -> explain is allowed; explain -> scope at run time would close a circle
    plant(tree / "src/mgovern/rules/explain.py", "import mgovern.rules.scope")
    result = lint(tree / "src", tree)
    assert result.returncode == 1
    assert "No cycles are allowed in mgovern.rules" in result.stdout
