"""What every benchmark script shares: percentiles, and the rows it hands to `make bench`.

A script run with `--json-out FILE` writes its results there as a list of rows
`{"benchmark", "measure", "value", "unit", "target", "met"}` (`met` is None where a measure
has no target); `benchmarks/run_all.py` gathers them into docs/benchmarks.md.
"""

from __future__ import annotations

import argparse
import json
from pathlib import Path
from typing import Any


def percentile(values: list[float], share: float) -> float:
    """The nearest-rank percentile (share in 0..1) of a non-empty list."""
    ordered = sorted(values)
    return ordered[min(len(ordered) - 1, round(share * (len(ordered) - 1)))]


def add_json_out(parser: argparse.ArgumentParser) -> None:
    parser.add_argument("--json-out", type=Path, help="also write the results here (make bench)")


def row(benchmark: str, measure: str, value: float, unit: str, target: str = "",
        met: bool | None = None) -> dict[str, Any]:
    return {"benchmark": benchmark, "measure": measure, "value": round(value, 2), "unit": unit,
            "target": target, "met": met}


def emit(path: Path | None, rows: list[dict[str, Any]]) -> None:
    """Print each target's verdict and, with --json-out, write the rows."""
    for item in rows:
        if item["met"] is not None:
            verdict = "MET" if item["met"] else "NOT MET"
            print(f"target {item['measure']} {item['target']}: {verdict} "
                  f"({item['value']} {item['unit']})")
    if path is not None:
        path.write_text(json.dumps(rows, indent=1))
