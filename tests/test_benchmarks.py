"""The benchmarks' smallest size, for correctness only (no timing is asserted)."""

from __future__ import annotations

import sys
from pathlib import Path

import pytest

BENCHMARKS = Path(__file__).parent.parent / "benchmarks"


@pytest.fixture(scope="module")
def run():  # type: ignore[no-untyped-def]
    sys.path.insert(0, str(BENCHMARKS))
    import run as module

    yield module
    sys.path.remove(str(BENCHMARKS))


def test_synthetic_organisation_is_deterministic_and_valid(run) -> None:  # type: ignore[no-untyped-def]
    from synthetic import synthetic_organization

    import mgovern

    first = synthetic_organization(120, 3)
    assert first == synthetic_organization(120, 3)
    assert len(first.groups) == 120
    assert mgovern.loads(mgovern.dumps(first)) == first


def test_phases_agree_with_the_independent_readers(run) -> None:  # type: ignore[no-untyped-def]
    # each phase asserts its own correctness: floor bytes equal mgovern's, the reader finds
    # the same instants, the naive loop the same homes
    calendars = run.phase_calendars(120)
    floor = run.phase_floor(120)
    assert floor["events"] > 0
    assert calendars["digests"] == floor["digests"]  # serialised once: the floor's bytes
    assert calendars["calendars"] == len(floor["digests"])
    command = run.cli_calendars(30)  # --jobs 1 and --jobs 2 write the same tree
    assert command["jobs1"]["tree_sha256"] == command["jobs2"]["tree_sha256"]
    occurrences = run.phase_occurrences(120)
    assert occurrences["instants"] > 0
    routing = run.phase_routing(120, 300)
    assert routing["matters"] == 300
    check = run.phase_check(120)
    assert check["open_gaps"] == 0
    assert check["ambiguous"] == 0
