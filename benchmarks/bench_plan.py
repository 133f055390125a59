"""Batch-plan throughput: generated days of orders planned end to end (read the files, source,
pack, rate-shop, write the plan folder), wall time and peak memory of the whole process tree.

Each size runs in a fresh subprocess (``shipopt plan run``) so its memory is its own; the
sampler adds up the resident memory of the process and its workers every 0.2 s.
Also, first, the ``full`` strategy (consolidation, freight, own vans) on a day of
``--full-local`` orders all within van reach.
Usage: python -m benchmarks.bench_plan [--sizes 10000,100000] [--efforts fast,normal]
       [--strategy cheapest] [--workers 0] [--full-local 2000]
"""

from __future__ import annotations

import argparse
import json
import os
import subprocess
import sys
import tempfile
import threading
import time
from pathlib import Path
from typing import Any

from rich.console import Console

from benchmarks.results_io import show, write
from shipopt.packing.native import NATIVE, core

ROOT = Path(__file__).resolve().parent.parent


def _tree_rss_kb(pid: int) -> int:
    """Memory of ``pid`` and every descendant, from /proc: the proportional set size (shared
    pages, such as those a forked worker still shares with its parent, counted once), or the
    resident size where smaps_rollup is missing."""
    children: dict[int, list[int]] = {}
    rss: dict[int, int] = {}
    for entry in Path("/proc").iterdir():
        if not entry.name.isdigit():
            continue
        try:
            stat = (entry / "stat").read_text()
        except OSError:
            continue
        ppid = int(stat.rsplit(")", 1)[1].split()[1])
        children.setdefault(ppid, []).append(int(entry.name))
        for name, field in (("smaps_rollup", "Pss:"), ("status", "VmRSS:")):
            try:
                text = (entry / name).read_text()
            except OSError:
                continue
            found = [ln for ln in text.splitlines() if ln.startswith(field)]
            if found:
                rss[int(entry.name)] = int(found[0].split()[1])
                break
    total, todo = 0, [pid]
    while todo:
        p = todo.pop()
        total += rss.get(p, 0)
        todo += children.get(p, [])
    return total


def run_plan(folder: Path, strategy: str, effort: str, workers: int) -> dict[str, Any]:
    cmd = [
        sys.executable, "-m", "shipopt.cli.main", "plan", "run",
        "--orders", str(folder / "orders.csv"), "--skus", str(folder / "skus.csv"),
        "--warehouses", str(folder / "warehouses.json"),
        "--boxes", str(ROOT / "examples" / "boxes.json"),
        "--out", str(folder / f"plan-{strategy}-{effort}"),
        "--strategy", strategy, "--pack-effort", effort, "--workers", str(workers),
        "--tables", str(ROOT / "rate_tables"),
    ]  # fmt: skip
    peak = [0]
    started = time.perf_counter()
    proc = subprocess.Popen(cmd, stdout=subprocess.DEVNULL, stderr=subprocess.PIPE)
    done = threading.Event()

    def sample() -> None:
        while not done.wait(0.2):
            peak[0] = max(peak[0], _tree_rss_kb(proc.pid))

    sampler = threading.Thread(target=sample, daemon=True)
    sampler.start()
    _, err = proc.communicate()
    wall = time.perf_counter() - started
    done.set()
    sampler.join()
    if proc.returncode != 0:
        raise SystemExit(f"plan run failed: {err.decode()[-2000:]}")
    plan = json.loads((folder / f"plan-{strategy}-{effort}" / "plan.json").read_text())
    planned = sum(1 for o in plan["orders"] if o["status"] == "planned")
    cost = sum(float(o["total"]) for o in plan["orders"] if o["status"] == "planned")
    return {"wall_s": round(wall, 1), "peak_mb": round(peak[0] / 1024), "planned": planned,
            "orders": len(plan["orders"]), "cost": round(cost, 2)}  # fmt: skip


def make_day(n: int, seed: int, folder: Path, local: bool = False) -> Path:
    """A sample day; without ``local`` the vans are removed (sourcing, packing and rating
    only); with it every order is within van reach and the vans stay."""
    day = folder / f"day-{n}{'-local' if local else ''}"
    subprocess.run(
        [sys.executable, "-m", "shipopt.cli.main", "sample", "orders", "--n", str(n),
         "--seed", str(seed), "--out", str(day), "--local-share", "1" if local else "0"],
        check=True, stdout=subprocess.DEVNULL,
    )  # fmt: skip
    if not local:
        warehouses = json.loads((day / "warehouses.json").read_text())
        for w in warehouses:
            w.pop("fleet", None)
        (day / "warehouses.json").write_text(json.dumps(warehouses))
    return day


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--sizes", default="10000,100000")
    parser.add_argument("--efforts", default="fast")
    parser.add_argument("--strategy", default="cheapest")
    parser.add_argument("--workers", type=int, default=0, help="0: every core")
    parser.add_argument("--seed", type=int, default=1)
    parser.add_argument(
        "--full-local", type=int, default=2000, help="Orders of the full run with vans (0: none)."
    )
    args = parser.parse_args()
    # the CLI runs in this interpreter: it packs with the core this finds
    packer = "compiled" if core().__name__ == NATIVE else "python"
    if packer == "python":
        Console().print(
            "[yellow]the packer core runs as Python (not compiled from the current source): "
            "`make .venv/.native` compiles it; figures are slower than the README's[/]"
        )
    rows = []
    with tempfile.TemporaryDirectory(prefix="shipopt-bench-plan-") as tmp:
        if args.full_local:
            day = make_day(args.full_local, args.seed, Path(tmp), local=True)
            r = run_plan(day, "full", "normal", args.workers)
            rows.append(
                {"orders": args.full_local, "strategy": "full (vans, all local)",
                 "pack_effort": "normal", "workers": args.workers or os.cpu_count(),
                 "wall_s": r["wall_s"], "orders_per_s": round(args.full_local / r["wall_s"], 1),
                 "peak_mb": r["peak_mb"], "planned": r["planned"], "cost": r["cost"]}
            )  # fmt: skip
            Console().print(rows[-1])
        for n in [int(x) for x in args.sizes.split(",")]:
            day = make_day(n, args.seed, Path(tmp))
            for effort in args.efforts.split(","):
                r = run_plan(day, args.strategy, effort, args.workers)
                rows.append(
                    {"orders": n, "strategy": args.strategy, "pack_effort": effort,
                     "workers": args.workers or os.cpu_count(), "wall_s": r["wall_s"],
                     "orders_per_s": round(n / r["wall_s"], 1), "peak_mb": r["peak_mb"],
                     "planned": r["planned"], "cost": r["cost"]}
                )  # fmt: skip
                Console().print(rows[-1])
    show("Batch plan: read, source, pack, rate, write", rows)
    write("plan", "Batch plan throughput", rows, {"settings": vars(args), "packer_core": packer})


if __name__ == "__main__":
    main()
