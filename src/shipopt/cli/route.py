"""``shipopt route solve``: a routing request (JSON) or a VRPLIB / Solomon instance."""

from __future__ import annotations

from pathlib import Path
from typing import Annotated

import typer
from rich.console import Console
from rich.markup import escape
from rich.table import Table

from shipopt.cli.errors import fail, load_json, user_errors
from shipopt.domain.routing import RoutingRequest, RoutingResult
from shipopt.errors import Problem
from shipopt.pipeline.route import plan_routes
from shipopt.routing.build import place_points
from shipopt.routing.data import RouteSet
from shipopt.routing.evaluate import Evaluation
from shipopt.routing.instances import (
    SCALE,
    Instance,
    Rounding,
    read_solomon,
    read_vrplib,
    write_sol,
)
from shipopt.routing.solve import SolverName, solve

route_app = typer.Typer(help="Vehicle routing for the own fleet.", no_args_is_help=True)
console = Console()


def _plot_xy(
    coords: list[tuple[float, float]],
    routes: list[list[int]],
    depots: list[int],
    path: Path,
    title: str,
) -> None:
    try:
        import matplotlib
    except ImportError:
        fail([Problem("--plot", "needs matplotlib: pip install 'shipopt[plot]'")])
    matplotlib.use("Agg")
    import matplotlib.pyplot as plt

    fig, ax = plt.subplots(figsize=(7, 7))
    xs, ys = zip(*coords, strict=True)
    ax.scatter(xs, ys, s=8, c="grey")
    for k, r in enumerate(routes):
        pts = [coords[i] for i in r]
        ax.plot(
            [p[0] for p in pts], [p[1] for p in pts], lw=1.2, color=plt.get_cmap("tab20")(k % 20)
        )
    ax.scatter(
        [coords[d][0] for d in depots], [coords[d][1] for d in depots], s=80, c="red", marker="s"
    )
    ax.set_title(title, fontsize=10)
    fig.savefig(path, dpi=110)
    plt.close(fig)
    console.print(f"plot: {escape(str(path))}")


def _write_request_sol(path: Path, request: RoutingRequest, result: RoutingResult) -> None:
    """VRPLIB-style solution of a request: stops numbered by their place in ``stops`` (from 1)."""
    number = {s.id: k for k, s in enumerate(request.stops, 1)}
    lines = [
        f"Route #{k}: {' '.join(str(number[v.stop]) for v in r.visits)}"
        for k, r in enumerate((r for r in result.routes if r.visits), 1)
    ]
    lines.append(f"Cost {result.total_cost}")
    path.write_text("\n".join(lines) + "\n")
    console.print(f"solution: {escape(str(path))}")


def _plot_request(path: Path, request: RoutingRequest, result: RoutingResult) -> None:
    places = [d.place for d in request.depots] + [s.place for s in request.stops]
    if any(p.coordinates is None and p.postal_code is None for p in places):
        fail([Problem("--plot", "needs coordinates or a postal code for every depot and stop")])
    with user_errors():
        points = place_points(request, None)
    coords = [(float(lon), float(lat)) for lat, lon in points]
    row = {d.id: k for k, d in enumerate(request.depots)}
    row.update({s.id: len(request.depots) + k for k, s in enumerate(request.stops)})
    routes = [
        [row[r.depot], *(row[v.stop] for v in r.visits), row[r.depot]]
        for r in result.routes
        if r.visits
    ]
    title = f"{len(routes)} route(s), cost {result.total_cost}"
    _plot_xy(coords, routes, list(range(len(request.depots))), path, title)


def _show_request(result: RoutingResult) -> None:
    for n, r in enumerate(result.routes, 1):
        table = Table(
            title=f"Route {n}: {r.vehicle_type} from {r.depot}, {r.departure}-{r.return_time}, "
            f"{r.distance_km} km, {r.duration_minutes} min, cost {r.cost}"
        )
        for col in ("stop", "arrival", "service start", "departure"):
            table.add_column(col)
        for v in r.visits:
            table.add_row(escape(v.stop), str(v.arrival), str(v.service_start), str(v.departure))
        console.print(table)
    for d in result.dropped:
        console.print(
            f"[yellow]dropped[/] {escape(d.stop)}: {escape(d.reason)}"
            + (f" (penalty {d.penalty})" if d.penalty else ""),
            highlight=False,
        )
    state = (
        "[green]feasible[/]"
        if result.feasible
        else f"[red]infeasible[/]: {escape('; '.join(result.violations))}"
    )
    console.print(
        f"total cost {result.total_cost}, {result.total_distance_km} km, "
        f"{result.vehicles_used} vehicle(s), "
        f"solver {result.solver}; {state}"
    )


def _show_instance(inst: Instance, routes: RouteSet, ev: Evaluation) -> None:
    scale = inst.scale
    for n, r in enumerate(ev.routes, 1):
        stops = " ".join(f"{v.location}@{v.start / scale:g}" for v in r.visits)
        console.print(
            f"Route #{n}: distance {r.distance / scale:g}, load {r.load[0]}: {stops}",
            highlight=False,
        )
    state = (
        "[green]feasible[/]"
        if ev.feasible
        else f"[red]infeasible[/]: {escape('; '.join(ev.violations[:5]))}"
    )
    console.print(
        f"{inst.name}: cost {ev.cost / scale:g} ({inst.rounding} arithmetic), "
        f"{len(ev.routes)} vehicle(s), "
        f"{len(ev.dropped)} dropped, solver {routes.solver}; {state}"
    )


@route_app.command("solve")
def route_solve(
    source: Annotated[Path, typer.Argument(help="Request .json, VRPLIB .vrp or Solomon .txt")],
    solver: Annotated[str, typer.Option(help="ortools, pyvrp, auto, savings or nearest.")] = "auto",
    time_limit: Annotated[
        float | None, typer.Option(help="Seconds (default: the request's, or 10).")
    ] = None,
    seed: Annotated[int | None, typer.Option(help="Random seed.")] = None,
    rounding: Annotated[str | None, typer.Option(help="Instances: dimacs, round or exact.")] = None,
    as_json: Annotated[bool, typer.Option("--json")] = False,
    plot: Annotated[Path | None, typer.Option(help="Draw the routes to this PNG.")] = None,
    write_solution: Annotated[
        Path | None,
        typer.Option(
            "--write-sol",
            help="VRPLIB .sol file (for a request: stops numbered by their place in stops).",
        ),
    ] = None,
) -> None:
    """Plan routes: which stops each vehicle serves, in what order and when; which are dropped."""
    if solver not in ("ortools", "pyvrp", "auto", "savings", "nearest"):
        fail([Problem("--solver", f"unknown solver {solver!r}")])
    if rounding is not None and rounding not in SCALE:
        fail([Problem("--rounding", f"unknown rounding {rounding!r}; use {', '.join(SCALE)}")])
    if time_limit is not None and not 0 < time_limit <= 3600:
        fail([Problem("--time-limit", f"{time_limit:g} s: give more than 0 and at most 3600")])
    if seed is not None and not 0 <= seed < 2**31:
        fail([Problem("--seed", f"{seed}: give a whole number from 0 to 2147483647")])
    if source.suffix == ".json":
        _solve_request(source, solver, time_limit, seed, as_json, plot, write_solution)
        return
    with user_errors():
        if source.suffix == ".vrp":
            inst = read_vrplib(source, (rounding or "round"))  # type: ignore[arg-type]
        elif source.suffix == ".txt":
            inst = read_solomon(source, (rounding or "dimacs"))  # type: ignore[arg-type]
        else:
            fail([Problem(str(source), "expected .json, .vrp or .txt")])
        routes, ev = solve(inst.data, solver, time_limit or 10.0, seed or 0)  # type: ignore[arg-type]
    if as_json:
        import json

        typer.echo(
            json.dumps(
                {
                    "instance": inst.name,
                    "cost": ev.cost / inst.scale,
                    "feasible": ev.feasible,
                    "routes": [list(r.visits) for r in routes.routes if r.visits],
                    "violations": list(ev.violations),
                    "solver": routes.solver,
                }
            )
        )
    else:
        _show_instance(inst, routes, ev)
    if write_solution is not None:
        write_sol(write_solution, routes, ev.cost, inst.scale)
    if plot is not None and inst.data.coords is not None:
        coords = [(float(x), float(y)) for x, y in inst.data.coords]
        _plot_xy(
            coords,
            [[0, *r.visits, 0] for r in routes.routes if r.visits],
            [0],
            plot,
            f"{inst.name}: {ev.cost / inst.scale:g}",
        )


_ = (Rounding, SolverName)


def _solve_request(
    source: Path,
    solver: str,
    time_limit: float | None,
    seed: int | None,
    as_json: bool,
    plot: Path | None,
    write_solution: Path | None,
) -> None:
    """``route solve`` on a routing request (JSON): the options override the request's."""
    payload = load_json(str(source), lambda p: Path(p).read_text(encoding="utf-8"))
    with user_errors():
        request = RoutingRequest.model_validate(payload)
        update = {"solver": solver}
        if time_limit is not None:
            update["time_limit"] = time_limit  # type: ignore[assignment]
        if seed is not None:
            update["seed"] = seed  # type: ignore[assignment]
        request = RoutingRequest.model_validate({**request.model_dump(), **update})
        result = plan_routes(request)
    if as_json:
        typer.echo(result.model_dump_json(indent=2))
    else:
        _show_request(result)
    if write_solution is not None:
        _write_request_sol(write_solution, request, result)
    if plot is not None:
        _plot_request(plot, request, result)
    if not result.feasible:  # printed with what is violated or left unserved
        raise typer.Exit(1)
