from __future__ import annotations

import os
import shutil
import subprocess
import sys
from collections.abc import Sequence
from pathlib import Path

import pytest
from hypothesis import HealthCheck, settings

# CI runs the same examples every time (derandomize): a run that passed on main passes
# again on a clean clone, and a property that fails there fails reproducibly. Developers
# run with fresh random examples (the "dev" profile), which is where new holes are found.
settings.register_profile(
    "ci",
    max_examples=100,
    deadline=None,
    derandomize=True,
    database=None,
    suppress_health_check=[HealthCheck.too_slow],
)
settings.register_profile("dev", deadline=None, suppress_health_check=[HealthCheck.too_slow])
settings.load_profile("ci" if os.environ.get("CI") else "dev")


# --- registers: real processes and honest read-only files ---------------------------------
# Shared by the register tests (tests/register/test_hostile_register.py).
#: ``python -m mgovern``: the CLI as a user runs it, in a process of its own.
MGOVERN = (sys.executable, "-m", "mgovern")


def unprivileged() -> tuple[str, ...]:
    """A command prefix under which file permissions hold. Root ignores them, and the
    tests run as root in CI: ``setpriv`` drops every capability (CAP_DAC_OVERRIDE among
    them) while keeping the user, so the interpreter stays readable and a 0444 file or a
    0555 folder is as read-only as it is for anyone else."""
    if os.geteuid() != 0:
        return ()
    setpriv = shutil.which("setpriv")
    if setpriv is None:
        pytest.skip("running as root without setpriv: a read-only file would not be one")
    return (setpriv, "--bounding-set=-all", "--inh-caps=-all")


def run_mgovern(
    *args: str | Path, privileged: bool = True, cwd: Path | None = None
) -> subprocess.CompletedProcess[str]:
    """``mgovern ARGS`` in a process of its own (without privileges when asked)."""
    prefix: Sequence[str] = () if privileged else unprivileged()
    return subprocess.run(
        [*prefix, *MGOVERN, *map(str, args)],
        capture_output=True,
        text=True,
        cwd=cwd,
        check=False,
        timeout=300,
    )


@pytest.fixture
def example_register(tmp_path: Path) -> Path:
    """A register file holding the embedded example's decisions and actions, written by
    this mgovern, alone in a folder of its own."""
    import mgovern
    from mgovern.register.lists import load_decision_list
    from mgovern.register.store import Register

    org = mgovern.example()
    examples = Path(mgovern.__file__).parent / "examples"
    folder = tmp_path / "registers"
    folder.mkdir()
    db = folder / "register.db"
    with Register(db) as register:
        for name in ("decisions-2026q1.csv", "actions-2026q1.toml"):
            register.import_batch(load_decision_list(org, examples / name))
    return db


#: A register written by mgovern 0.x before the stamp (schema 1, WAL journal): the
#: example's decisions and actions, imported with `mgovern decisions import` on main.
REGISTER_V1 = Path(__file__).parent / "data" / "register-v1.db"
