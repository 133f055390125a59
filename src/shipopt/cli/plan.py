"""``shipopt sample`` and ``shipopt plan``: generated days and batch plans."""

from __future__ import annotations

import json
import os
from pathlib import Path
from typing import Annotated, Any

import typer
from rich.markup import escape
from rich.progress import BarColumn, MofNCompleteColumn, Progress, TextColumn, TimeElapsedColumn
from rich.table import Table

from shipopt.cli.common import BoxesOpt, TablesOpt, boxes_file, console, context, tables_dir
from shipopt.cli.errors import fail, load_json, user_errors
from shipopt.domain.batch import Sku, Warehouse
from shipopt.domain.packing import BoxType
from shipopt.domain.plan import OrderBook, Plan, PlanOptions, PlanSettings
from shipopt.errors import Problem
from shipopt.pipeline.context import QuoteContext
from shipopt.pipeline.journal import Journal
from shipopt.pipeline.pool import PoolRun, loud_collector, quiet_collector
from shipopt.settings import Settings

sample_app = typer.Typer(help="Generate sample data.", no_args_is_help=True)


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


def _cores() -> int:
    return (
        len(os.sched_getaffinity(0)) if hasattr(os, "sched_getaffinity") else (os.cpu_count() or 1)
    )


def _load_day(
    orders: Path, skus: Path, warehouses: Path, boxes: Path, ctx: QuoteContext
) -> tuple[OrderBook, dict[str, Sku], list[Warehouse], list[BoxType]]:
    """The day's inputs: SKUs, orders (CSV or JSON; bad rows set aside), warehouses, boxes."""
    catalog, stores, box_list = _load_catalogs(skus, warehouses, boxes)
    return _load_orders(orders, catalog, ctx), catalog, stores, box_list


def _load_catalogs(
    skus: Path, warehouses: Path, boxes: Path
) -> tuple[dict[str, Sku], list[Warehouse], list[BoxType]]:
    """The day's SKUs, warehouses and boxes."""
    from pydantic import TypeAdapter

    from shipopt.batch.inputs import read_skus_csv, read_warehouses_json

    box_list = TypeAdapter(list[BoxType]).validate_python(
        load_json(str(boxes), lambda p: Path(p).read_text(encoding="utf-8"))
    )
    return read_skus_csv(skus), read_warehouses_json(warehouses), box_list


def _load_orders(orders: Path, catalog: dict[str, Sku], ctx: QuoteContext) -> OrderBook:
    """The day's orders (CSV or JSON; bad rows set aside)."""
    from shipopt.batch.inputs import read_orders_csv, read_orders_json

    if orders.suffix == ".json":
        return read_orders_json(orders, catalog, ctx.directory)
    return read_orders_csv(orders, catalog, ctx.directory)


ConfigOpt = Annotated[
    Path | None, typer.Option("--config", help="Strategy file (TOML), see examples/plan.toml.")
]


def _described(name: str) -> str:
    """A plan option's help: its description in the one plan-options model, and its default."""
    field = PlanOptions.model_fields[name]
    return f"{field.description} Default: {field.default}."


EffortOpt = Annotated[str | None, typer.Option(help=_described("pack_effort"))]
StrategyOpt = Annotated[str | None, typer.Option(help=_described("strategy"))]
SeedOpt = Annotated[int | None, typer.Option(help=_described("seed"))]
DayOpt = Annotated[str | None, typer.Option(help=_described("day"))]


def _plan_options(config: Path | None, **overrides: object) -> PlanOptions:
    """The strategy file's options (or the defaults) with the flags given on top."""
    import tomllib

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


def _planned(
    book: OrderBook,
    catalog: dict[str, Sku],
    stores: list[Warehouse],
    box_list: list[BoxType],
    ctx: QuoteContext,
    settings: PlanSettings,
    journal: Journal,
    resume: bool,
    pool: PoolRun | None,
) -> Plan:
    """``plan_day`` under a progress bar."""
    from shipopt.pipeline.plan import plan_day

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

        return plan_day(
            book, catalog, stores, box_list, ctx, settings, advance, journal, resume, pool
        )


def _write_outputs(
    plan: Plan, out: Path, book: OrderBook, stores: list[Warehouse], ctx: QuoteContext
) -> None:
    """The plan folder (and charts where matplotlib is), the summary printed."""
    from shipopt.batch.output import write_plan

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


@plan_app.command("run")
def plan_run(
    orders: Annotated[Path, typer.Option(help="orders.csv or orders.json")],
    skus: Annotated[Path, typer.Option(help="skus.csv")],
    warehouses: Annotated[Path, typer.Option(help="warehouses.json")],
    boxes: BoxesOpt = None,
    out: Annotated[Path, typer.Option(help="Plan folder.")] = Path("out/plan"),
    strategy: StrategyOpt = None,
    config: ConfigOpt = None,
    pack_effort: EffortOpt = None,
    day: DayOpt = None,
    seed: SeedOpt = None,
    workers: Annotated[int, typer.Option(help="Processes (default: every core).", min=0)] = 0,
    resume: Annotated[
        bool,
        typer.Option(help="Take the decisions an interrupted run of the same day already made."),
    ] = False,
    executor: Annotated[
        str,
        typer.Option(help=escape("local (a process pool) or ray (pip install 'shipopt[ray]').")),
    ] = "local",
    ray_address: Annotated[
        str | None, typer.Option(help="Join this Ray cluster (default: a local Ray).")
    ] = None,
    tables: TablesOpt = None,
) -> None:
    """Source, pack and rate-shop every order; write plan.json, orders.csv and summary.md."""
    if executor not in ("local", "ray"):
        fail([Problem("--executor", f"{executor!r}: use local or ray")])

    from shipopt.pipeline.journal import run_fingerprint
    from shipopt.pipeline.plan import start_pool

    options = _plan_options(config, strategy=strategy, pack_effort=pack_effort, day=day, seed=seed)
    ctx = context(tables)
    quiet_collector()  # until the plan is written (a full collection then walks all of it)
    try:
        with user_errors():
            catalog, stores, box_list = _load_catalogs(skus, warehouses, boxes_file(boxes))
            settings = options.settings(
                workers or _cores(),
                tables_dir(tables),
                "ray" if executor == "ray" else "local",
                ray_address,
                Settings().transit_model,
            )
            # the workers start (and load the rate tables) while the orders are read
            pool = start_pool(catalog, box_list, stores, settings)
            try:
                book = _load_orders(orders, catalog, ctx)
                run = run_fingerprint(book, catalog, stores, box_list, settings)
                journal = Journal(out / ".journal.jsonl", run)
                plan = _planned(
                    book, catalog, stores, box_list, ctx, settings, journal, resume, pool
                )
            except BaseException:
                if pool is not None:  # plan_day closes it, but not if it never ran
                    pool.close(failed=True)
                raise
        _write_outputs(plan, out, book, stores, ctx)
    finally:
        loud_collector()


@plan_app.command("compare")
def plan_compare(
    orders: Annotated[Path, typer.Option(help="orders.csv or orders.json")],
    skus: Annotated[Path, typer.Option(help="skus.csv")],
    warehouses: Annotated[Path, typer.Option(help="warehouses.json")],
    boxes: BoxesOpt = None,
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
    day: DayOpt = None,
    seed: SeedOpt = None,
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
    ctx = context(tables)
    with user_errors():
        book, catalog, stores, box_list = _load_day(
            orders, skus, warehouses, boxes_file(boxes), ctx
        )
        options = _plan_options(config, pack_effort=pack_effort, day=day, seed=seed)
        settings = options.settings(workers or _cores(), tables_dir(tables))
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


@plan_app.command("report")
def plan_report(
    plan_dir: Annotated[Path, typer.Argument(help="A folder written by shipopt plan run.")],
    out: Annotated[
        Path | None, typer.Option(help="The HTML file (default: PLAN_DIR/report.html).")
    ] = None,
    compare: Annotated[
        Path | None,
        typer.Option(help="A compare.json of shipopt plan compare, shown side by side."),
    ] = None,
    tile_url: Annotated[
        str, typer.Option(help="A map tile server URL ({z}/{x}/{y}) for a report read online.")
    ] = "",
) -> None:
    """Write the plan as one self-contained HTML page (overview, orders, routes, boxes in 3D,
    comparison) that opens from the file system with no server and no internet."""
    from shipopt.web.report import write_report

    with user_errors():
        path = write_report(plan_dir, out, compare, tile_url)
    console.print(f"report: {escape(str(path))}")
