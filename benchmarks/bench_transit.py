"""The transit model: fit time and memory at scale, and calibration on a held-out period.

A generated history (``shipopt sample history``) is split by ship day: the model is fitted on
everything before the last ``--holdout-days`` and scored on the parcels shipped after. For each
percentile the share of held-out parcels delivered by it (p90 should cover 90%), per service
and overall; the pinball (quantile) loss of the model against two baselines scored in the same
run: the carrier's standard days, and one empirical distribution per service ignoring lanes.
Usage: python -m benchmarks.bench_transit [--rows N] [--fit-rows N]"""

from __future__ import annotations

import argparse
import resource
import subprocess
import sys
import tempfile
import time
from datetime import date
from pathlib import Path

import numpy as np
from rich.console import Console
from rich.table import Table

from benchmarks.results_io import write
from shipopt.geo import default_zip_directory
from shipopt.ratetables.registry import RateRegistry
from shipopt.transit.fit import fit, strata_of
from shipopt.transit.generate import sample_history, write_history_csv
from shipopt.transit.history import Observations, read_history
from shipopt.transit.model import MAX_DAYS, PERCENTILES, STRATA, TransitModel, quantile_moment

ROOT = Path(__file__).resolve().parent.parent


def _subset(obs: Observations, keep: np.ndarray) -> Observations:
    return Observations(
        obs.services,
        obs.service[keep],
        obs.origin3[keep],
        obs.dest3[keep],
        obs.zone[keep],
        obs.ship_day[keep],
        obs.days[keep],
        obs.row[keep],
        obs.hour[keep],
        obs.standard[keep],
        obs.after_closed[keep],
    )


def _pinball(q: float, predicted: np.ndarray, actual: np.ndarray) -> float:
    diff = actual - predicted
    return float(np.mean(np.maximum(q * diff, (q - 1) * diff)))


def per_service(train: Observations) -> dict[tuple[int, int], np.ndarray]:
    """The baseline ignoring lanes: one distribution of days per service and stratum."""
    strata = strata_of(train.ship_day, train.after_closed)
    days = np.minimum(train.days, MAX_DAYS)
    out = {}
    for k in range(len(train.services)):
        for s in range(STRATA):
            mine = (train.service == k) & (strata == s)
            counts = np.bincount(days[mine], minlength=MAX_DAYS + 1).astype(np.float64)
            out[(k, s)] = counts / max(counts.sum(), 1.0)
    return out


def score(
    model: TransitModel,
    train: Observations,
    test: Observations,
    registry: RateRegistry,
    limit: int = 200_000,
) -> dict[str, object]:
    """Coverage of each percentile and pinball losses on (up to ``limit``) held-out parcels,
    in business days with the hour of the day (a quantile is a moment: a day and an hour)."""
    baseline = per_service(train)
    test_strata = strata_of(test.ship_day, test.after_closed)
    idx = np.arange(len(test))[:limit]
    methods = ("model", "standard_days", "service_empirical")
    moment = {m: {q: np.zeros(len(idx)) for q in PERCENTILES} for m in methods}
    for n, i in enumerate(idx):
        key = test.services[test.service[i]]
        std = registry.versions(key)[-1].spec.transit.days_by_zone.get(int(test.zone[i]), 0)
        day = test.ship_day[i].astype(object)
        sm = model.services[key]
        point = np.zeros(MAX_DAYS + 1)
        point[min(std, MAX_DAYS)] = 1.0
        dists = {
            "model": model.distribution(
                key,
                int(test.zone[i]),
                int(test.origin3[i]),
                int(test.dest3[i]),
                day,
                std,
                bool(test.after_closed[i]),
            ),
            "standard_days": point,
            "service_empirical": baseline[(int(test.service[i]), int(test_strata[i]))],
        }
        for m, dist in dists.items():
            assert dist is not None
            for q in PERCENTILES:
                k, hour = quantile_moment(dist, sm.hours, q / 100)
                moment[m][q][n] = k + hour / 24
    actual = np.minimum(test.days[idx], MAX_DAYS) + test.hour[idx] / 24
    model_at = moment["model"]
    by_service: dict[str, dict[str, float]] = {}
    for k, key in enumerate(test.services):
        mine = test.service[idx] == k
        if mine.sum() >= 500:
            by_service[key] = {
                f"p{q}": round(float((actual[mine] <= model_at[q][mine]).mean()) * 100, 2)
                for q in PERCENTILES
            }
    return {
        "parcels": len(idx),
        "coverage": {
            f"p{q}": round(float((actual <= model_at[q]).mean()) * 100, 2) for q in PERCENTILES
        },
        "coverage_by_service": by_service,
        "pinball": {
            f"p{q}": {m: round(_pinball(q / 100, moment[m][q], actual), 4) for m in methods}
            for q in PERCENTILES
        },
    }


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--rows", type=int, default=2_000_000, help="history for calibration")
    parser.add_argument(
        "--fit-rows", type=int, default=10_000_000, help="history for the scale run"
    )
    parser.add_argument("--holdout-days", type=int, default=56)
    parser.add_argument("--seed", type=int, default=11)
    args = parser.parse_args()
    console = Console()
    registry = RateRegistry.from_directory(ROOT / "rate_tables")
    directory = default_zip_directory()
    folder = Path(tempfile.mkdtemp(prefix="shipopt-transit-"))

    console.print(f"scale: {args.fit_rows:,} rows ...")
    chunk = 1_000_000
    files = []
    for c in range(0, args.fit_rows, chunk):  # written in parts: the generator's memory stays small
        part = folder / f"big-{c // chunk}.csv"
        history = sample_history(
            registry,
            directory,
            min(chunk, args.fit_rows - c),
            args.seed * 1000 + c,
            first_number=c,
        )
        write_history_csv(history, part)
        files.append(str(part))
        del history
    started = time.perf_counter()
    model_path = folder / "big.npz"
    subprocess.run(
        [
            sys.executable,
            "-m",
            "shipopt.cli.main",
            "transit",
            "fit",
            *files,
            "--out",
            str(model_path),
        ],
        check=True,
    )  # its own process: its peak memory is the fit's alone
    fit_seconds = time.perf_counter() - started
    peak_gb = resource.getrusage(resource.RUSAGE_CHILDREN).ru_maxrss / 1024 / 1024
    fitted_rows = int(TransitModel.load(model_path).info["observations"])  # type: ignore[call-overload]
    for name in files:
        Path(name).unlink()

    console.print(f"calibration: {args.rows:,} rows ...")
    path = folder / "history.csv"
    write_history_csv(sample_history(registry, directory, args.rows, args.seed + 1), path)
    obs, bad = read_history([path], registry, directory)
    cut = obs.ship_day.max() - np.timedelta64(args.holdout_days, "D")
    train = _subset(obs, obs.ship_day <= cut)
    model = fit(train, bad)
    result = score(model, train, _subset(obs, obs.ship_day > cut), registry)
    coverage = result["coverage"]
    pinball = result["pinball"]
    assert isinstance(coverage, dict) and isinstance(pinball, dict)
    rows = [
        (f"fit {fitted_rows:,} rows (read + fit + save)", f"{fit_seconds:.1f} s", "<= 60 s"),
        ("peak memory of the fit (read + fit, its own process)", f"{peak_gb:.2f} GB", "<= 4 GB"),
        *(
            (
                f"coverage of {q} (held-out {args.holdout_days} days)",
                f"{coverage[q]}%",
                f"{q[1:]}% +- 1.5",
            )
            for q in coverage
        ),
        *(
            (
                f"pinball {q}: model / standard days / per-service",
                f"{v['model']} / {v['standard_days']} / {v['service_empirical']}",
                "model lowest",
            )
            for q, v in pinball.items()
        ),
    ]
    table = Table(title="Transit model")
    for col in ("measure", "value", "target"):
        table.add_column(col)
    for row in rows:
        table.add_row(*row)
    console.print(table)
    summary = [{"measure": m, "value": v, "target": t} for m, v, t in rows]
    details = {
        "fit_seconds": fit_seconds,
        "peak_gb": peak_gb,
        "calibration": result,
        "day": str(date.today()),
    }
    console.print(f"results: {write('transit', 'Transit model', summary, details)}")


if __name__ == "__main__":
    main()
