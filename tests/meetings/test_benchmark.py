"""The meetings benchmark at its smallest size, for correctness only (no time asserted)."""

from __future__ import annotations

import sys
from pathlib import Path

BENCHMARKS = Path(__file__).parent.parent.parent / "benchmarks"


def test_the_benchmark_reads_and_checks_every_record() -> None:
    sys.path.insert(0, str(BENCHMARKS))
    try:
        import bench_meetings

        row = bench_meetings.measure(20, 2)
    finally:
        sys.path.remove(str(BENCHMARKS))
    assert row["records"] == 2 * row["items"] // 12
    assert row["items"] > 0
    assert row["findings"] >= 0
