"""Routing benchmark: every solver at fixed time limits in the same run, gap to the best-known
solution per instance and per group, as a table and a plot of gap against time.

Solomon VRPTW under DIMACS arithmetic (distances truncated to one decimal, BKS from the DIMACS
column), CVRPLIB X under nint arithmetic. Instances from $SHIPOPT_DATA/vrp (or --data).
Usage: python -m benchmarks.bench_routing [--solomon C101,R101,...] [--solomon-limits 2,10]
       [--x X-n101-k25,...] [--x-limit 60] [--solvers ortools,pyvrp,auto,savings,nearest]
       [--seeds 1,2,3]   (solver pyvrp_2x: PyVRP on one core for twice the limit)
"""

from __future__ import annotations

import argparse
import csv
import itertools
import statistics
import time
from pathlib import Path
from typing import Any

from rich.console import Console

from benchmarks.results_io import RESULTS, markdown_table, write
from shipopt.routing.instances import read_solomon, read_vrplib
from shipopt.routing.solve import solve
from shipopt.settings import Settings

console = Console()
EIGHT = "C101,C201,R101,R201,RC101,RC201,R105,RC105"
X_UP_TO_400 = "X-n101-k25,X-n153-k22,X-n200-k36,X-n303-k21,X-n401-k29"


def run(
    instances: list[tuple[str, Any, int, str]],
    limits: list[float],
    solvers: list[str],
    seeds: list[int],
) -> list[dict[str, Any]]:
    """Every instance, limit, solver and seed. ``pyvrp_2x``: PyVRP alone on one core for twice
    the limit, the CPU time ``auto`` has on two cores."""
    rows = []
    for name, inst, bks, group in instances:
        for limit, solver, seed in itertools.product(limits, solvers, seeds):
            t = time.perf_counter()
            if solver == "pyvrp_2x":
                _, ev = solve(inst.data, "pyvrp", 2 * limit, seed)
            else:
                _, ev = solve(inst.data, solver, limit, seed)  # type: ignore[arg-type]
            wall = time.perf_counter() - t
            cost = ev.cost / inst.scale
            rows.append(
                {
                    "instance": name,
                    "group": group,
                    "solver": solver,
                    "limit_s": limit,
                    "cost": round(cost, 1),
                    "bks": bks / inst.scale,
                    "routes": len(ev.routes),
                    "gap_pct": round(100 * (ev.cost - bks) / bks, 3) if ev.feasible else None,
                    "feasible": ev.feasible,
                    "wall_s": round(wall, 1),
                    "seed": seed,
                }
            )
            console.print(rows[-1])
    return rows


def summarize(rows: list[dict[str, Any]]) -> list[dict[str, Any]]:
    out: list[dict[str, Any]] = []
    keys = sorted({(r["set"], r["limit_s"], r["solver"]) for r in rows})
    for s, limit, solver in keys:
        sel = [r for r in rows if (r["set"], r["limit_s"], r["solver"]) == (s, limit, solver)]
        gaps = [r["gap_pct"] for r in sel if r["gap_pct"] is not None]
        out.append(
            {
                "set": s,
                "limit_s": limit,
                "solver": solver,
                "instances": len(sel),
                "feasible": sum(r["feasible"] for r in sel),
                "mean_gap_pct": round(statistics.fmean(gaps), 3) if gaps else None,
                "max_gap_pct": round(max(gaps), 3) if gaps else None,
            }
        )
    for row in out:  # mean gap against PyVRP alone on one core, same set and limit, same run
        peer = [
            o["mean_gap_pct"]
            for o in out
            if (o["set"], o["limit_s"], o["solver"]) == (row["set"], row["limit_s"], "pyvrp")
        ]
        ok = peer and peer[0] and row["mean_gap_pct"] is not None
        row["gap_vs_pyvrp"] = round(row["mean_gap_pct"] / peer[0], 3) if ok else None
    return out


def plot(summary: list[dict[str, Any]], path: Path) -> None:
    import matplotlib

    matplotlib.use("Agg")
    import matplotlib.pyplot as plt

    fig, axes = plt.subplots(1, len({r["set"] for r in summary}), figsize=(11, 4), squeeze=False)
    for ax, s in zip(axes[0], sorted({r["set"] for r in summary}), strict=True):
        for solver in sorted({r["solver"] for r in summary}):
            pts = sorted(
                (r["limit_s"], r["mean_gap_pct"])
                for r in summary
                if r["set"] == s and r["solver"] == solver and r["mean_gap_pct"] is not None
            )
            if pts:
                ax.plot(*zip(*pts, strict=True), marker="o", label=solver)
        ax.set_xscale("log")
        ax.set_yscale("symlog", linthresh=0.1)
        ax.set_ylim(bottom=0)
        ax.set_xlabel("time limit per instance (s)")
        ax.set_ylabel("mean gap to BKS (%)")
        ax.set_title(s)
        ax.legend(fontsize=8)
    fig.tight_layout()
    fig.savefig(path, dpi=110)
    plt.close(fig)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--data", type=Path, default=None)
    parser.add_argument("--solomon", default=EIGHT, help="comma list, 'all', or '' to skip")
    parser.add_argument("--solomon-limits", default="2,10")
    parser.add_argument("--x", default="", help=f"comma list (e.g. {X_UP_TO_400}), or '' to skip")
    parser.add_argument("--x-limit", type=float, default=60.0)
    parser.add_argument("--solvers", default="ortools,pyvrp,auto,savings,nearest")
    parser.add_argument("--seeds", default="1", help="comma list; every run once per seed")
    parser.add_argument("--name", default="routing")
    args = parser.parse_args()
    data = (args.data or Settings().data) / "vrp"
    if not data.exists():
        console.print(f"[red]VRP data not found: {data}[/] (set SHIPOPT_DATA or --data)")
        raise SystemExit(2)
    solvers = args.solvers.split(",")
    seeds = [int(s) for s in args.seeds.split(",")]
    rows: list[dict[str, Any]] = []
    if args.solomon:
        bks = {r["instance"]: r for r in csv.DictReader((data / "solomon" / "bks.csv").open())}
        names = sorted(bks) if args.solomon == "all" else args.solomon.split(",")
        insts = [
            (
                n,
                read_solomon(data / "solomon" / "txt" / f"{n}.txt", "dimacs"),
                round(float(bks[n]["dimacs_distance"]) * 10),
                bks[n]["set"],
            )
            for n in names
        ]
        limits = [float(x) for x in args.solomon_limits.split(",")]
        for r in run(insts, limits, solvers, seeds):
            rows.append({**r, "set": "Solomon"})
    if args.x:
        bks = {r["instance"]: r for r in csv.DictReader((data / "cvrp_x" / "bks.csv").open())}
        insts = [
            (n, read_vrplib(data / "cvrp_x" / f"{n}.vrp", "round"), int(bks[n]["bks_cost"]), "X")
            for n in args.x.split(",")
        ]
        for r in run(insts, [args.x_limit], solvers, seeds):
            rows.append({**r, "set": "X"})
    summary = summarize(rows)
    RESULTS.mkdir(parents=True, exist_ok=True)
    plot_path = RESULTS / f"{args.name}_gap.png"
    plot(summary, plot_path)
    path = write(args.name, "Routing: gap to best-known solutions", summary, {"per_instance": rows})
    console.print(markdown_table(summary))
    console.print(f"results: {path}, plot: {plot_path}")


if __name__ == "__main__":
    main()
