"""The ``shipopt`` command."""

from __future__ import annotations

import json
import os
from decimal import Decimal
from pathlib import Path
from typing import Annotated, Any

import typer
from rich.console import Console
from rich.markup import escape
from rich.progress import BarColumn, MofNCompleteColumn, Progress, TextColumn, TimeElapsedColumn
from rich.table import Table

from shipopt.cli.errors import fail, load_json, user_errors
from shipopt.cli.render import quote_tables
from shipopt.cli.route import route_app
from shipopt.cli.serve import serve, serve_app
from shipopt.domain.batch import Sku, Warehouse
from shipopt.domain.packing import BoxType, PackedBox, PackRequest, PackResult
from shipopt.domain.parcel import Dimensions
from shipopt.domain.plan import STRATEGIES, OrderBook
from shipopt.domain.quote import QuoteRequest
from shipopt.errors import Problem
from shipopt.packing.bin1d import pack_1d
from shipopt.packing.cartonize import cartonize
from shipopt.packing.checker import check_pack_result
from shipopt.packing.instances import read_bpplib
from shipopt.packing.pallets import PalletRequest, pallet_box, palletize
from shipopt.pipeline.quote import QuoteContext, quote
from shipopt.ratetables.loader import load_directory
from shipopt.settings import Settings

app = typer.Typer(help="shipopt: rate, pack, route and plan shipments.", no_args_is_help=True)
rates_app = typer.Typer(help="Rate tables: validate and list.", no_args_is_help=True)
app.add_typer(rates_app, name="rates")
app.add_typer(route_app, name="route")
app.add_typer(serve_app, name="api-key")
app.command("serve")(serve)
console = Console()

TablesOpt = Annotated[
    Path | None, typer.Option("--tables", help="Rate-table folder (default: SHIPOPT_RATE_TABLES).")
]


def _tables(tables: Path | None) -> Path:
    return tables if tables is not None else Settings().rate_tables


def _context(tables: Path | None) -> QuoteContext:
    with user_errors():
        return QuoteContext.from_directory(_tables(tables))


def _quick_request(
    origin: str,
    dest: str,
    weight: str,
    dims: str,
    residential: bool,
    ship_at: str | None,
    policy: str,
    deliver_by: str | None,
    max_days: int | None,
    carriers: list[str] | None,
    exclude: list[str] | None,
) -> dict[str, Any]:
    constraints: dict[str, Any] = {"exclude_carriers": exclude or []}
    if carriers:
        constraints["carriers"] = carriers
    if deliver_by:
        constraints["deliver_by"] = deliver_by
    if max_days is not None:
        constraints["max_transit_days"] = max_days
    shipment: dict[str, Any] = {
        "origin": {"postal_code": origin},
        "destination": {"postal_code": dest, "residential": residential},
        "parcels": [{"dimensions": dims, "weight": weight}],
    }
    if ship_at:
        shipment["ship_at"] = ship_at
    return {"shipment": shipment, "constraints": constraints, "policy": policy}


@app.command("quote")
def quote_cmd(
    request_file: Annotated[str | None, typer.Argument(help="A QuoteRequest JSON file.")] = None,
    origin: Annotated[str | None, typer.Option("--from", help="Origin ZIP.")] = None,
    dest: Annotated[str | None, typer.Option("--to", help="Destination ZIP.")] = None,
    weight: Annotated[str | None, typer.Option(help="Weight with unit, e.g. 5lb.")] = None,
    dims: Annotated[str | None, typer.Option(help="LxWxH with unit, e.g. 12x10x8in.")] = None,
    residential: Annotated[bool, typer.Option(help="Residential destination.")] = False,
    ship_at: Annotated[str | None, typer.Option(help="Ready time, ISO 8601.")] = None,
    policy: Annotated[str, typer.Option(help="cheapest, fastest or best_value.")] = "cheapest",
    deliver_by: Annotated[str | None, typer.Option(help="Latest delivery date.")] = None,
    max_days: Annotated[int | None, typer.Option(help="Maximum transit days.")] = None,
    carrier: Annotated[list[str] | None, typer.Option(help="Only this carrier.")] = None,
    exclude_carrier: Annotated[list[str] | None, typer.Option(help="Not this carrier.")] = None,
    as_json: Annotated[bool, typer.Option("--json", help="Machine-readable output.")] = False,
    tables: TablesOpt = None,
) -> None:
    """Price every service for a shipment and choose the best under a policy."""
    if request_file is not None:
        payload = load_json(request_file, lambda p: Path(p).read_text(encoding="utf-8"))
    else:
        missing = [
            n
            for n, v in (("--from", origin), ("--to", dest), ("--weight", weight), ("--dims", dims))
            if not v
        ]
        if missing:
            fail([Problem(m, "required without a request file") for m in missing])
        assert origin and dest and weight and dims
        payload = _quick_request(
            origin,
            dest,
            weight,
            dims,
            residential,
            ship_at,
            policy,
            deliver_by,
            max_days,
            carrier,
            exclude_carrier,
        )
    ctx = _context(tables)
    with user_errors():
        request = QuoteRequest.model_validate(payload)
        response = quote(request, ctx)
    if as_json:
        typer.echo(response.model_dump_json(indent=2))
    else:
        quote_tables(response, console)


@rates_app.command("validate")
def rates_validate(directory: Annotated[Path, typer.Argument(help="Rate-table folder.")]) -> None:
    """Check every rate table in a folder and print every problem."""
    with user_errors():
        services = load_directory(directory)
    console.print(f"[green]ok[/]: {len(services)} service version(s) in {escape(str(directory))}")


@rates_app.command("list")
def rates_list(
    tables: TablesOpt = None, as_json: Annotated[bool, typer.Option("--json")] = False
) -> None:
    """The loaded services with versions and effective dates."""
    with user_errors():
        services = load_directory(_tables(tables))
    rows = [
        {
            "key": s.key,
            "name": s.spec.service_name,
            "mode": s.spec.mode,
            "version": s.spec.version,
            "effective_from": s.spec.effective_from.isoformat(),
            "effective_to": s.spec.effective_to.isoformat() if s.spec.effective_to else None,
        }
        for s in services
    ]
    if as_json:
        typer.echo(json.dumps(rows, indent=2))
        return
    columns = ("key", "name", "mode", "version", "effective_from", "effective_to")
    table = Table(title="Services")
    for col in columns:
        table.add_column(col)
    for row in rows:
        table.add_row(*(escape(str(row[c] or "")) for c in columns))
    console.print(table)


def _pack_table(result: PackResult) -> None:
    table = Table(title="Packing")
    for col in ("#", "box", "units", "gross weight", "fill", "box cost", "shipping"):
        table.add_column(col, justify="left" if col in ("box", "units") else "right")
    for i, b in enumerate(result.boxes, 1):
        counts: dict[str, int] = {}
        for p in b.placements:
            counts[p.sku] = counts.get(p.sku, 0) + 1
        table.add_row(
            str(i),
            escape(b.box),
            escape(", ".join(f"{k} x{v}" for k, v in counts.items())),
            f"{b.gross_weight.to('lb').quantize(Decimal('0.01'))} lb",
            f"{float(b.fill_rate):.1%}",
            str(b.box_cost),
            "" if b.shipping_cost is None else str(b.shipping_cost),
        )
    console.print(table)
    for u in result.unpacked:
        console.print(
            f"[yellow]unpacked[/] {escape(u.sku)} #{u.unit}: {u.reason.value}: {escape(u.message)}",
            highlight=False,
        )
    console.print(
        f"{len(result.boxes)} box(es), objective {result.objective}, {result.starts} start(s), "
        f"{result.seconds:.3f} s"
    )


@app.command("pack")
def pack_cmd(
    request_file: Annotated[
        str, typer.Argument(help="A PackRequest JSON file (items, boxes, options).")
    ],
    as_json: Annotated[bool, typer.Option("--json", help="Machine-readable output.")] = False,
    plot: Annotated[Path | None, typer.Option(help="Draw the boxes in 3D to this PNG.")] = None,
) -> None:
    """Cartonize order items into boxes from a catalog."""
    payload = load_json(request_file, lambda p: Path(p).read_text(encoding="utf-8"))
    with user_errors():
        request = PackRequest.model_validate(payload)
        result = cartonize(request)
    problems = check_pack_result(request, result)
    if problems:  # never expected: the packer and the checker disagree
        fail([Problem("packing", p) for p in problems], "checker")
    if as_json:
        typer.echo(result.model_dump_json(indent=2))
    else:
        _pack_table(result)
        console.print(
            "[green]checked[/]: geometry, orientation, weight, support and every unit verified"
        )
    if plot is not None:
        _plot(result.boxes, plot, {b.name: b.inner for b in request.boxes})


def _plot(boxes: list[PackedBox], path: Path, inner: dict[str, Dimensions]) -> None:
    try:
        from shipopt.cli.plot import plot_boxes
    except ImportError:
        fail([Problem("--plot", "needs matplotlib: pip install 'shipopt[plot]'")])
    dims = {
        k: (float(v.length.to("in")), float(v.width.to("in")), float(v.height.to("in")))
        for k, v in inner.items()
    }
    plot_boxes(boxes, path, dims)
    console.print(f"plot: {escape(str(path))}")


@app.command("palletize")
def palletize_cmd(
    request_file: Annotated[
        str, typer.Argument(help="A PalletRequest JSON file (cartons, pallet).")
    ],
    as_json: Annotated[bool, typer.Option("--json", help="Machine-readable output.")] = False,
    plot: Annotated[Path | None, typer.Option(help="Draw the pallets in 3D to this PNG.")] = None,
) -> None:
    """Stack cartons onto pallets for LTL or truckload."""
    payload = load_json(request_file, lambda p: Path(p).read_text(encoding="utf-8"))
    with user_errors():
        request = PalletRequest.model_validate(payload)
        result = palletize(request)
    if as_json:
        typer.echo(result.model_dump_json(indent=2))
    else:
        table = Table(title="Pallets")
        for col in ("#", "cartons", "height", "gross weight", "fill"):
            table.add_column(col, justify="right")
        for i, p in enumerate(result.pallets, 1):
            table.add_row(
                str(i),
                str(len(p.load.placements)),
                f"{p.parcel.dimensions.height.to('in'):f} in",
                f"{p.parcel.weight.to('lb').quantize(Decimal('0.01'))} lb",
                f"{float(p.load.fill_rate):.1%}",
            )
        console.print(table)
        for u in result.unplaced:
            console.print(
                f"[yellow]not placed[/] {escape(u.sku)} #{u.unit}: {escape(u.message)}",
                highlight=False,
            )
    if plot is not None:
        box = pallet_box(request.pallet)
        _plot([p.load for p in result.pallets], plot, {box.name: box.inner})


@app.command("load1d")
def load1d_cmd(
    capacity: Annotated[int, typer.Option(help="Bin capacity (same unit as the sizes).")],
    sizes: Annotated[list[int] | None, typer.Argument(help="Item sizes; or --file.")] = None,
    file: Annotated[Path | None, typer.Option(help="A BPPLIB instance (n, c, sizes).")] = None,
    time_limit: Annotated[float, typer.Option(help="Seconds.")] = 1.0,
    seed: Annotated[int, typer.Option(help="Seed of the local search.")] = 0,
    as_json: Annotated[bool, typer.Option("--json")] = False,
) -> None:
    """Weight- or volume-only loading: fewest bins of a capacity (1D bin packing)."""
    with user_errors():
        if file is not None:
            instance = read_bpplib(file)
            sizes, capacity = instance.sizes, instance.capacity
        if not sizes:
            fail([Problem("sizes", "give sizes or --file")])
        result = pack_1d(sizes, capacity, time_limit, seed)
    if as_json:
        typer.echo(
            json.dumps(
                {
                    "bins": [[sizes[i] for i in b] for b in result.bins],
                    "lower_bound": result.lower_bound,
                    "optimal": result.optimal,
                    "method": result.method,
                }
            )
        )
        return
    console.print(
        f"{len(result.bins)} bins (lower bound {result.lower_bound}"
        f"{', optimal' if result.optimal else ''}; {result.method})"
    )
    for i, b in enumerate(result.bins, 1):
        load = [sizes[k] for k in b]
        console.print(f"  {i}: {sum(load)}/{capacity}  {load}", highlight=False)


sample_app = typer.Typer(help="Generate sample data.", no_args_is_help=True)
app.add_typer(sample_app, name="sample")


@sample_app.command("orders")
def sample_orders(
    n: Annotated[int, typer.Option("--n", help="Number of orders.", min=1, max=2_000_000)] = 1000,
    seed: Annotated[int, typer.Option(help="Random seed.")] = 1,
    out: Annotated[Path, typer.Option(help="Output folder.")] = Path("out/sample"),
    local_share: Annotated[
        float,
        typer.Option(
            help="Share of orders within van reach of a warehouse with vans.", min=0, max=1
        ),
    ] = 0.0,
) -> None:
    """A realistic day of orders with its SKU catalog and warehouses (CSV and JSON)."""
    from shipopt.batch.sample import sample_day, write_sample
    from shipopt.geo import default_zip_directory

    paths = write_sample(sample_day(default_zip_directory(), n, seed, local_share=local_share), out)
    for key, path in paths.items():
        console.print(f"{key}: {escape(str(path))}")


plan_app = typer.Typer(help="Batch planning: a day of orders in, a plan out.", no_args_is_help=True)
app.add_typer(plan_app, name="plan")


def _cores() -> int:
    return (
        len(os.sched_getaffinity(0)) if hasattr(os, "sched_getaffinity") else (os.cpu_count() or 1)
    )


def _load_day(
    orders: Path, skus: Path, warehouses: Path, boxes: Path, ctx: QuoteContext
) -> tuple[OrderBook, dict[str, Sku], list[Warehouse], list[BoxType]]:
    """The day's inputs: SKUs, orders (CSV or JSON; bad rows set aside), warehouses, boxes."""
    from pydantic import TypeAdapter

    from shipopt.batch.inputs import (
        read_orders_csv,
        read_orders_json,
        read_skus_csv,
        read_warehouses_json,
    )

    catalog = read_skus_csv(skus)
    book = (
        read_orders_json(orders, catalog, ctx.directory)
        if orders.suffix == ".json"
        else read_orders_csv(orders, catalog, ctx.directory)
    )
    stores = read_warehouses_json(warehouses)
    box_list = TypeAdapter(list[BoxType]).validate_python(
        load_json(str(boxes), lambda p: Path(p).read_text(encoding="utf-8"))
    )
    return book, catalog, stores, box_list


ConfigOpt = Annotated[
    Path | None, typer.Option("--config", help="Strategy file (TOML), see examples/plan.toml.")
]
EffortOpt = Annotated[str | None, typer.Option(help="fast, normal or thorough cartonization.")]


def _plan_options(config: Path | None, **overrides: str | None) -> Any:
    """The strategy file's options (or the defaults) with the flags given on top."""
    import tomllib

    from shipopt.domain.plan import PlanOptions

    data: dict[str, Any] = {}
    where = "options"
    if config is not None:
        where = str(config)
        try:
            data = tomllib.loads(config.read_text(encoding="utf-8"))
        except (OSError, UnicodeDecodeError) as exc:
            fail([Problem(str(config), f"cannot read: {exc}")])
        except tomllib.TOMLDecodeError as exc:
            fail([Problem(str(config), f"not valid TOML: {exc}")])
    data.update({k: v for k, v in overrides.items() if v is not None})
    with user_errors(where):
        return PlanOptions.model_validate(data)


@plan_app.command("run")
def plan_run(
    orders: Annotated[Path, typer.Option(help="orders.csv or orders.json")],
    skus: Annotated[Path, typer.Option(help="skus.csv")],
    warehouses: Annotated[Path, typer.Option(help="warehouses.json")],
    boxes: Annotated[Path, typer.Option(help="Box catalog JSON (a list of box types).")] = Path(
        "examples/boxes.json"
    ),
    out: Annotated[Path, typer.Option(help="Plan folder.")] = Path("out/plan"),
    strategy: Annotated[
        str | None,
        typer.Option(help=", ".join(STRATEGIES).replace("<carrier>", "NAME") + "."),
    ] = None,
    config: ConfigOpt = None,
    pack_effort: EffortOpt = None,
    workers: Annotated[int, typer.Option(help="Processes (default: every core).", min=0)] = 0,
    resume: Annotated[
        bool,
        typer.Option(help="Take the decisions an interrupted run of the same day already made."),
    ] = False,
    executor: Annotated[
        str, typer.Option(help="local (a process pool) or ray (pip install 'shipopt[ray]').")
    ] = "local",
    ray_address: Annotated[
        str | None, typer.Option(help="Join this Ray cluster (default: a local Ray).")
    ] = None,
    tables: TablesOpt = None,
) -> None:
    """Source, pack and rate-shop every order; write plan.json, orders.csv and summary.md."""
    if executor not in ("local", "ray"):
        fail([Problem("--executor", f"{executor!r}: use local or ray")])

    from shipopt.batch.output import write_plan
    from shipopt.pipeline.journal import Journal, run_fingerprint
    from shipopt.pipeline.plan import plan_day

    options = _plan_options(config, strategy=strategy, pack_effort=pack_effort)
    ctx = _context(tables)
    with user_errors():
        book, catalog, stores, box_list = _load_day(orders, skus, warehouses, boxes, ctx)
        settings = options.settings(
            workers or _cores(),
            _tables(tables),
            "ray" if executor == "ray" else "local",
            ray_address,
        )
        journal = Journal(
            out / ".journal.jsonl", run_fingerprint(book, catalog, stores, box_list, settings)
        )
        with Progress(
            TextColumn("{task.description}"),
            BarColumn(),
            MofNCompleteColumn(),
            TimeElapsedColumn(),
            console=console,
            transient=True,
        ) as bar:
            task = bar.add_task(f"planning {len(book.orders)} orders", total=None)

            def advance(done: int, total: int) -> None:
                bar.update(task, completed=done, total=total)

            plan = plan_day(
                book, catalog, stores, box_list, ctx, settings, advance, journal, resume
            )
    vans = sum(w.fleet.vans for w in stores if w.fleet is not None)
    paths = write_plan(plan, out, vans)
    try:
        from shipopt.batch.charts import write_charts

        paths.update(write_charts(plan, out, {o.id: o for o in book.orders}, stores, ctx.directory))
    except ImportError:
        console.print("[yellow]charts skipped[/]: pip install 'shipopt\\[plot]' for PNG charts")
    console.print(paths["summary"].read_text(), highlight=False, markup=False)
    for bad in book.problems:
        console.print(f"[yellow]row without an order[/]: {escape(str(bad))}", highlight=False)
    names = ", ".join(sorted(p.name for p in paths.values()))
    console.print(f"plan: {escape(str(out))} ({escape(names)})")


@plan_app.command("compare")
def plan_compare(
    orders: Annotated[Path, typer.Option(help="orders.csv or orders.json")],
    skus: Annotated[Path, typer.Option(help="skus.csv")],
    warehouses: Annotated[Path, typer.Option(help="warehouses.json")],
    boxes: Annotated[Path, typer.Option(help="Box catalog JSON.")] = Path("examples/boxes.json"),
    strategies: Annotated[
        str, typer.Option(help="Comma list.")
    ] = "cheapest,fastest,no-cartonization",
    baseline: Annotated[
        str, typer.Option(help="The strategy to compare with.")
    ] = "no-cartonization",
    out: Annotated[Path, typer.Option(help="Folder for compare.json / compare.md.")] = Path(
        "out/compare"
    ),
    config: ConfigOpt = None,
    pack_effort: EffortOpt = None,
    workers: Annotated[int, typer.Option(help="Processes (default: every core).", min=0)] = 0,
    tables: TablesOpt = None,
) -> None:
    """Plan the same orders under several strategies and print the savings against a baseline."""

    from shipopt.domain.plan import check_strategy
    from shipopt.pipeline.compare import compare

    names = [s.strip() for s in strategies.split(",") if s.strip()]
    try:
        for name in [*names, baseline]:
            check_strategy(name)
    except ValueError as exc:
        fail([Problem("--strategies", str(exc))])
    ctx = _context(tables)
    with user_errors():
        book, catalog, stores, box_list = _load_day(orders, skus, warehouses, boxes, ctx)
        options = _plan_options(config, pack_effort=pack_effort)
        settings = options.settings(workers or _cores(), _tables(tables))
        with console.status(
            f"planning {len(book.orders)} orders x {len({*names, baseline})} strategies"
        ):
            rows, _ = compare(book, catalog, stores, box_list, ctx, names, baseline, settings)
    table = Table(title=f"Strategies against {baseline}")
    for col in rows[0]:
        table.add_column(col)
    for row in rows:
        table.add_row(*(escape(str(v)) for v in row.values()))
    console.print(table)
    out.mkdir(parents=True, exist_ok=True)
    (out / "compare.json").write_text(json.dumps(rows, indent=1) + "\n")
    header = "| " + " | ".join(rows[0]) + " |\n|" + "---|" * len(rows[0]) + "\n"
    (out / "compare.md").write_text(
        header + "".join("| " + " | ".join(str(v) for v in r.values()) + " |\n" for r in rows)
    )
    console.print(f"results: {escape(str(out))}")


@app.command("demo")
def demo(tables: TablesOpt = None) -> None:
    """Quote a few sample shipments with the shipped rate tables."""
    ctx = _context(tables)
    examples = sorted(Path("examples/quotes").glob("*.json"))
    if not examples:
        fail([Problem("examples/quotes", "no sample requests found (run from the repository)")])
    for path in examples:
        payload = load_json(str(path), lambda p: Path(p).read_text(encoding="utf-8"))
        console.rule(f"[bold]{path.name}")
        with user_errors():
            response = quote(QuoteRequest.model_validate(payload), ctx)
        quote_tables(response, console)


if __name__ == "__main__":
    app()
