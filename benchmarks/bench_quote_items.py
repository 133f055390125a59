"""Quote latency when the request carries items (the quote packs them first): realistic orders
from the sample-day generator, bucketed by units per order, under the quote path's default
packing budget and under a larger one, in the same run.
Usage: python -m benchmarks.bench_quote_items [--orders 300] [--seed 7]"""

from __future__ import annotations

import argparse
import tempfile
import time
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

import numpy as np
from rich.console import Console
from rich.table import Table

from benchmarks.results_io import write
from shipopt.batch.inputs import read_orders_csv, read_skus_csv
from shipopt.batch.sample import sample_day, write_sample
from shipopt.domain.quote import QuoteRequest
from shipopt.geo import default_zip_directory
from shipopt.pipeline.context import QuoteContext
from shipopt.pipeline.quote import quote

ROOT = Path(__file__).resolve().parent.parent
NOW = datetime(2026, 12, 1, tzinfo=UTC)
BUCKETS = ((1, 1), (2, 5), (6, 12), (13, 30), (31, 10_000))


def payloads(orders: int, seed: int) -> list[tuple[int, dict[str, Any]]]:
    """(units, quote payload): baskets of 1 to 30 units (1 to 6 SKUs) from the sample-day SKU
    catalog, to sample-day destinations, shipped from Chicago."""
    import json
    import random

    directory = default_zip_directory()
    folder = Path(tempfile.mkdtemp())
    write_sample(sample_day(directory, orders, seed=seed), folder)
    skus = read_skus_csv(folder / "skus.csv")
    book = read_orders_csv(folder / "orders.csv", skus)
    boxes = json.loads((ROOT / "examples" / "boxes.json").read_text())
    rng = random.Random(seed)
    names = sorted(skus)
    out = []
    for order in book.orders:
        units = rng.randint(1, 30)
        lines = rng.sample(names, rng.randint(1, min(units, 6)))
        qty = [1] * len(lines)
        for _ in range(units - len(lines)):
            qty[rng.randrange(len(lines))] += 1
        items = [
            {
                "sku": name,
                "dimensions": skus[name].dimensions.model_dump(mode="json"),
                "weight": {"value": str(skus[name].weight.to("g")), "unit": "g"},
                "quantity": q,
                "orientation": skus[name].orientation,
                "fragile": skus[name].fragile,
                "ships_alone": skus[name].ships_alone,
            }
            for name, q in zip(lines, qty, strict=True)
        ]
        shipment = {
            "origin": {"postal_code": "60601"},
            "destination": order.destination.model_dump(mode="json", exclude_none=True),
            "items": items,
            "boxes": boxes,
            "ship_at": "2026-12-01T10:00:00",
        }
        out.append((units, {"shipment": shipment}))
    return out


def measure(
    ctx: QuoteContext, cases: list[tuple[int, dict[str, Any]]], starts: int | None
) -> dict[str, Any]:
    rows = []
    times: dict[tuple[int, int], list[float]] = {b: [] for b in BUCKETS}
    for units, payload in cases:
        body = dict(payload)
        if starts is not None:
            body = {
                **payload,
                "shipment": {
                    **payload["shipment"],
                    "pack_options": {"time_limit": 0.5, "max_starts": starts},
                },
            }
        request = QuoteRequest.model_validate(body)
        t = time.perf_counter()
        quote(request, ctx, NOW)
        elapsed = (time.perf_counter() - t) * 1000
        for lo, hi in BUCKETS:
            if lo <= units <= hi:
                times[(lo, hi)].append(elapsed)
    for (lo, hi), values in times.items():
        if values:
            rows.append(
                {
                    "units": f"{lo}" if lo == hi else f"{lo}-{hi if hi < 10_000 else '+'}",
                    "orders": len(values),
                    "p50 ms": round(float(np.percentile(values, 50)), 1),
                    "p95 ms": round(float(np.percentile(values, 95)), 1),
                    "max ms": round(max(values), 1),
                }
            )
    upto30 = [v for (lo, hi), vs in times.items() if hi <= 30 for v in vs]
    return {"rows": rows, "p95_upto_30_units_ms": round(float(np.percentile(upto30, 95)), 1)}


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--orders", type=int, default=300)
    parser.add_argument("--seed", type=int, default=7)
    args = parser.parse_args()
    ctx = QuoteContext.from_directory(ROOT / "rate_tables")
    cases = payloads(args.orders, args.seed)
    for _, p in cases[:20]:
        quote(QuoteRequest.model_validate(p), ctx, NOW)  # warm-up
    default = measure(ctx, cases, None)
    larger = measure(ctx, cases, 48)  # 48 restarts with the exact one-box test
    console = Console()
    summary = []
    for name, result in (
        ("quote default budget", default),
        ("48 restarts (earlier default)", larger),
    ):
        table = Table(title=f"{name}: p95 up to 30 units {result['p95_upto_30_units_ms']} ms")
        for col in result["rows"][0]:
            table.add_column(col)
        for row in result["rows"]:
            table.add_row(*(str(v) for v in row.values()))
            summary.append({"budget": name, **row})
        console.print(table)
    write(
        "quote_items",
        "Quote latency with items (packing in the quote)",
        summary,
        {
            "p95_upto_30_units_ms": {
                "default": default["p95_upto_30_units_ms"],
                "48_restarts": larger["p95_upto_30_units_ms"],
            }
        },
    )


if __name__ == "__main__":
    main()
