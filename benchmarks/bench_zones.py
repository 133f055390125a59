"""Distance-band zones against the USPS zone-chart sample in SHIPOPT_DATA/zones.

Computes every (origin ZIP3, destination ZIP3) pair of the chart with shipopt's band rules
(ZIP3 centroids from the zipcodes package, USPS bands, ZIP3 969 -> 9) and reports the share that
equals the chart exactly and within one zone. Usage: python -m benchmarks.bench_zones [--data DIR]
"""

from __future__ import annotations

import argparse
import csv
from collections import Counter
from pathlib import Path

import numpy as np
from rich.console import Console
from rich.table import Table

from benchmarks.results_io import write
from shipopt.geo import default_zip_directory
from shipopt.ratetables.loader import load_directory
from shipopt.settings import Settings
from shipopt.zones import ZoneArrays

ROOT = Path(__file__).resolve().parent.parent
CHART = "zones/usps_zone_chart_2018_sample.csv"


def read_chart(path: Path) -> list[tuple[str, str, int]]:
    pairs = []
    with path.open(newline="") as fh:
        for row in csv.DictReader(fh):
            for dest in range(int(row["dest_zip_start"]), int(row["dest_zip_end"]) + 1):
                pairs.append((row["origin_zip"], f"{dest:03d}", int(row["zone"])))
    return pairs


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--data", type=Path, default=None, help="default: SHIPOPT_DATA")
    args = parser.parse_args()
    data = args.data or Settings().data
    chart_path = data / CHART
    console = Console()
    if not chart_path.exists():
        console.print(f"[red]zone chart not found: {chart_path}[/] (set SHIPOPT_DATA or --data)")
        raise SystemExit(2)
    pairs = read_chart(chart_path)
    directory = default_zip_directory()
    # the postal sample table uses the default USPS bands and 969 -> 9, no chart and no floor
    postal = next(
        s for s in load_directory(ROOT / "rate_tables") if s.key == "nationalpost/ground_advantage"
    )
    known = [
        (o, d, z) for o, d, z in pairs if directory.zip3_centroid(o) and directory.zip3_centroid(d)
    ]
    o = np.array([int(p[0]) * 100 for p in known])
    d = np.array([int(p[1]) * 100 for p in known])
    chart = np.array([p[2] for p in known])
    ours = ZoneArrays(directory).zones(postal, o, d)
    diff = ours - chart
    exact = float((diff == 0).mean())
    within = float((np.abs(diff) <= 1).mean())
    per_origin = []
    for origin in sorted({p[0] for p in known}):
        m = np.array([p[0] == origin for p in known])
        per_origin.append({"origin": origin, "pairs": int(m.sum()),
                           "exact": f"{(diff[m] == 0).mean():.1%}",
                           "within_one": f"{(np.abs(diff[m]) <= 1).mean():.2%}"})  # fmt: skip
    skipped = Counter(
        p[0] if not directory.zip3_centroid(p[0]) else p[1] for p in pairs if p not in known
    )
    summary = [
        {"measure": "chart pairs", "value": len(pairs)},
        {"measure": "pairs with both centroids", "value": len(known)},
        {"measure": "exact zone", "value": f"{exact:.2%}"},
        {"measure": "within one zone", "value": f"{within:.2%}"},
        {
            "measure": "ours higher / lower",
            "value": f"{int((diff > 0).sum())} / {int((diff < 0).sum())}",
        },
    ]
    table = Table(title="Zones vs USPS 2018 chart sample")
    table.add_column("measure")
    table.add_column("value")
    for row in summary:
        table.add_row(row["measure"], str(row["value"]))
    console.print(table)
    path = write("zones", "Distance-band zones vs USPS zone chart (2018 sample)", summary, {
        "per_origin": per_origin,
        "skipped_zip3_without_centroid": dict(sorted(skipped.items())),
        "difference_histogram": {str(k): int(v) for k, v in sorted(Counter(diff.tolist()).items())},
    })  # fmt: skip
    console.print(f"results: {path}")


if __name__ == "__main__":
    main()
