"""The planner's page on a 100,000-order plan: how long headless Chromium takes from opening
the self-contained report to the overview and the first page of the orders table drawn, and
how long a search of the table takes. The plan repeats a sample plan's decisions under new
order ids up to the size asked (the page's work depends on the number of rows, not on how
the plan was made). Usage: python -m benchmarks.bench_report [--orders N] [--base PLAN_DIR]"""

from __future__ import annotations

import argparse
import shutil
import subprocess
import sys
import tempfile
import time
from pathlib import Path

from rich.console import Console
from rich.table import Table

from benchmarks.results_io import write
from shipopt.domain.plan import Plan
from shipopt.web.report import page, plan_data

ROOT = Path(__file__).resolve().parent.parent


def base_plan(folder: Path) -> Plan:
    """The sample plan of ``make run`` (planned here when there is none)."""
    plan = folder / "plan.json"
    if not plan.exists():
        day = folder.parent / "bench-day"
        shipopt = [sys.executable, "-m", "shipopt.cli.main"]
        subprocess.run(
            [
                *shipopt,
                "sample",
                "orders",
                "--n",
                "3000",
                "--seed",
                "1",
                "--local-share",
                "0.1",
                "--out",
                str(day),
            ],
            check=True,
        )
        subprocess.run(
            [
                *shipopt,
                "plan",
                "run",
                "--orders",
                str(day / "orders.csv"),
                "--skus",
                str(day / "skus.csv"),
                "--warehouses",
                str(day / "warehouses.json"),
                "--boxes",
                str(ROOT / "examples" / "boxes.json"),
                "--out",
                str(folder),
            ],
            check=True,
        )
    return Plan.model_validate_json(plan.read_text(encoding="utf-8"))


def scaled(plan: Plan, n: int) -> Plan:
    orders = []
    k = 0
    while len(orders) < n:
        for o in plan.orders:
            orders.append(o.model_copy(update={"order_id": f"{o.order_id}-{k}"}))
            if len(orders) == n:
                break
        k += 1
    return plan.model_copy(update={"orders": orders})


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--orders", type=int, default=100_000)
    parser.add_argument("--base", type=Path, default=ROOT / "out" / "plan")
    parser.add_argument("--runs", type=int, default=3)
    args = parser.parse_args()
    from playwright.sync_api import sync_playwright

    console = Console()
    plan = scaled(base_plan(args.base), args.orders)
    folder = Path(tempfile.mkdtemp(prefix="shipopt-report-"))
    report = folder / "report.html"
    t = time.perf_counter()
    report.write_text(page(plan_data(plan, f"{args.orders} orders")), encoding="utf-8")
    write_seconds = time.perf_counter() - t
    chromium = shutil.which("chromium") or shutil.which("chromium-browser")
    loads, searches = [], []
    total = sum(max(1, len(o.shipments)) for o in plan.orders)
    with sync_playwright() as p:
        browser = p.chromium.launch(
            executable_path=chromium, args=["--no-sandbox", "--disable-gpu"]
        )
        for _ in range(args.runs):
            tab = browser.new_page(viewport={"width": 1280, "height": 900})
            tab.goto(report.as_uri(), timeout=120_000)
            tab.wait_for_function("performance.getEntriesByName('shipopt-ready').length > 0")
            loads.append(
                tab.evaluate("performance.getEntriesByName('shipopt-ready')[0].startTime") / 1000
            )
            tab.click("#tab-orders")
            started = time.perf_counter()
            tab.fill("#search", "-7")
            tab.wait_for_function(
                f"!document.getElementById('count').textContent.startsWith('{total} of')"
            )
            searches.append(time.perf_counter() - started)
            tab.close()
        browser.close()
    size_mb = report.stat().st_size / 1e6
    rows = [
        ("orders in the plan", f"{args.orders:,}", "100,000"),
        ("report file", f"{size_mb:.1f} MB", "-"),
        ("report written", f"{write_seconds:.2f} s", "-"),
        (
            f"open to overview + first table page (best of {args.runs})",
            f"{min(loads):.2f} s",
            "< 2 s",
        ),
        ("search the table (best, incl. the 150 ms typing pause)", f"{min(searches):.2f} s", "-"),
    ]
    table = Table(title="Planner's page on a large plan")
    for col in ("measure", "value", "target"):
        table.add_column(col)
    for row in rows:
        table.add_row(*row)
    console.print(table)
    summary = [{"measure": m, "value": v, "target": t} for m, v, t in rows]
    path = write(
        "report",
        "Planner's page on a large plan",
        summary,
        {"loads_s": loads, "searches_s": searches, "size_mb": size_mb},
    )
    console.print(f"results: {path}")
    shutil.rmtree(folder, ignore_errors=True)


if __name__ == "__main__":
    main()
