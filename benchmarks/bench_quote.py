"""Quote-path performance: single-quote latency, numpy batch throughput, and the agreement of
the two paths to the cent. Usage: python benchmarks/bench_quote.py [--quotes N] [--batch N]
[--contract] [--transit MODEL]"""

from __future__ import annotations

import argparse
import os
import shutil
import statistics
import tempfile
import time
from datetime import UTC, date, datetime
from pathlib import Path
from typing import Any

import numpy as np
from rich.console import Console
from rich.table import Table

from benchmarks.results_io import write
from shipopt.domain.quote import QuoteRequest
from shipopt.pipeline.context import QuoteContext
from shipopt.pipeline.lane import Lane, coverage_problem
from shipopt.pipeline.quote import quote
from shipopt.pipeline.random_parcels import RandomParcels, quote_payloads, random_parcels
from shipopt.rating.batch import rate_batch
from shipopt.rating.parcel_rate import ParcelPrice, price_parcel
from shipopt.rating.vectorized import NOT_CARRIED
from shipopt.zones import ZoneArrays

ROOT = Path(__file__).resolve().parent.parent
DAY = date(2026, 12, 1)
NOW = datetime(2026, 12, 1, tzinfo=UTC)


def percentile(values: list[float], q: float) -> float:
    return float(np.percentile(np.array(values), q))


def single_quotes(ctx: QuoteContext, payloads: list[dict[str, Any]]) -> dict[str, Any]:
    requests = [QuoteRequest.model_validate(p) for p in payloads]
    for r in requests[:200]:
        quote(r, ctx, NOW)  # warm caches (zones per ZIP3 pair, calendars)
    engine, full = [], []
    for r in requests:
        t = time.perf_counter()
        quote(r, ctx, NOW)
        engine.append((time.perf_counter() - t) * 1000)
    for p in payloads:
        t = time.perf_counter()
        quote(QuoteRequest.model_validate(p), ctx, NOW).model_dump_json()
        full.append((time.perf_counter() - t) * 1000)
    return {
        "quotes": len(requests),
        "engine_p50_ms": round(percentile(engine, 50), 4),
        "engine_p99_ms": round(percentile(engine, 99), 4),
        "engine_mean_ms": round(statistics.fmean(engine), 4),
        "with_validation_and_json_p50_ms": round(percentile(full, 50), 4),
        "with_validation_and_json_p99_ms": round(percentile(full, 99), 4),
    }


def scalar_prices(ctx: QuoteContext, sample: RandomParcels, keys: list[str]) -> np.ndarray:
    p = sample.parcels
    out = np.empty((len(p), len(keys)), dtype=np.int64)
    services = [ctx.registry.in_force(k, DAY) for k in keys]
    for i in range(len(p)):
        o = ctx.directory.resolve(f"{sample.origin_zip[i]:05d}")
        d = ctx.directory.resolve(f"{p.dest_zip[i]:05d}")
        lane = Lane(o, d, datetime(2026, 12, 1, 9))
        sides = (int(p.sides_nm[i, 0]), int(p.sides_nm[i, 1]), int(p.sides_nm[i, 2]))
        for j, service in enumerate(services):
            assert service is not None
            if coverage_problem(service, lane):
                out[i, j] = NOT_CARRIED
                continue
            zone = ctx.zones.zone(service, o, d)
            res = price_parcel(
                ctx.rules(service),
                sides,
                int(p.weight_ng[i]),
                zone,
                bool(p.residential[i]),
                d.zip5,
                DAY,
            )
            out[i, j] = res.total if isinstance(res, ParcelPrice) else NOT_CARRIED
    return out


def _tables(contract: bool) -> Path:
    if not contract:
        return ROOT / "rate_tables"
    folder = Path(tempfile.mkdtemp(prefix="shipopt-bench-")) / "tables"
    shutil.copytree(ROOT / "rate_tables", folder)
    for path in (ROOT / "tests" / "data" / "contract").glob("*.toml"):
        shutil.copy(path, folder / path.name)
    return folder


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--quotes", type=int, default=10_000)
    parser.add_argument("--batch", type=int, default=100_000)
    parser.add_argument("--agreement", type=int, default=100_000)
    parser.add_argument("--seed", type=int, default=1)
    parser.add_argument(
        "--contract",
        action="store_true",
        help="the sample tables with tests/data/contract's incentive and markup files",
    )
    parser.add_argument(
        "--transit",
        type=Path,
        default=None,
        help="a transit model (shipopt transit fit) loaded: every rate with its percentiles",
    )
    args = parser.parse_args()
    if hasattr(os, "sched_setaffinity"):
        os.sched_setaffinity(0, {min(os.sched_getaffinity(0))})  # one core
    console = Console()
    ctx = QuoteContext.from_directory(_tables(args.contract), args.transit)
    zone_arrays = ZoneArrays(ctx.directory)

    console.print(f"single quotes: {args.quotes} ...")
    single = single_quotes(
        ctx, quote_payloads(random_parcels(ctx.directory, args.quotes, args.seed))
    )

    console.print(f"batch: {args.batch} parcels ...")
    sample = random_parcels(ctx.directory, args.batch, args.seed + 1)
    runs = []
    for _ in range(3):
        t = time.perf_counter()
        batch = rate_batch(
            ctx.registry,
            ctx.rules,
            zone_arrays,
            ctx.directory,
            sample.origin_zip,
            sample.parcels,
            DAY,
        )
        runs.append(time.perf_counter() - t)
    best = min(runs)
    batch_rate = batch.prices_computed / best

    console.print(f"agreement: {args.agreement} parcels, scalar vs batch ...")
    check = random_parcels(ctx.directory, args.agreement, args.seed + 2)
    vec = rate_batch(
        ctx.registry, ctx.rules, zone_arrays, ctx.directory, check.origin_zip, check.parcels, DAY
    )
    t = time.perf_counter()
    ref = scalar_prices(ctx, check, vec.keys)
    scalar_seconds = time.perf_counter() - t
    mismatches = int((ref != vec.totals).sum())
    scalar_rate = ref.size / scalar_seconds

    n_keys = len(batch.keys)
    rows = [
        ("single quote p50 (engine)", f"{single['engine_p50_ms']} ms", "<= 0.5 ms"),
        ("single quote p99 (engine)", f"{single['engine_p99_ms']} ms", "<= 2 ms"),
        (
            "single quote p50 incl. validation + JSON",
            f"{single['with_validation_and_json_p50_ms']} ms",
            "-",
        ),
        (
            "single quote p99 incl. validation + JSON",
            f"{single['with_validation_and_json_p99_ms']} ms",
            "-",
        ),
        (
            f"batch prices/s ({args.batch} parcels x {n_keys} services, best of 3)",
            f"{batch_rate:,.0f}",
            ">= 2,000,000",
        ),
        ("scalar prices/s (same run)", f"{scalar_rate:,.0f}", "-"),
        ("batch / scalar speed ratio", f"{batch_rate / scalar_rate:.1f}x", "-"),
        (f"batch vs scalar mismatches ({ref.size:,} prices)", str(mismatches), "0"),
    ]
    summary = [{"measure": m, "value": v, "target": t} for m, v, t in rows]
    table = Table(title="Quote path")
    for col in ("measure", "value", "target"):
        table.add_column(col)
    for row in summary:
        table.add_row(row["measure"], row["value"], row["target"])
    console.print(table)
    loaded = [
        *(["incentives and markups"] if args.contract else []),
        *(["a transit model"] if args.transit else []),
    ]
    path = write(
        "quote" + ("_contract" if args.contract else "") + ("_transit" if args.transit else ""),
        "Quote path performance" + (f" ({' and '.join(loaded)} loaded)" if loaded else ""),
        summary,
        {
            "single": single,
            "batch_seconds": runs,
            "services": batch.keys,
            "agreement": {
                "parcels": args.agreement,
                "prices": int(ref.size),
                "mismatches": mismatches,
                "carried": int((ref != NOT_CARRIED).sum()),
            },
        },
    )
    console.print(f"results: {path}")


if __name__ == "__main__":
    main()
