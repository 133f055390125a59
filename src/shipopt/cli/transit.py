"""``shipopt transit fit`` and ``shipopt sample history``: the delivery-date model."""

from __future__ import annotations

import time
from pathlib import Path
from typing import Annotated

import typer
from rich.markup import escape

from shipopt.cli.common import TablesOpt, console, tables_dir
from shipopt.cli.errors import user_errors
from shipopt.cli.plan import sample_app

transit_app = typer.Typer(
    help="Delivery dates learned from tracking history.", no_args_is_help=True
)


@transit_app.command("fit")
def transit_fit(
    history: Annotated[list[Path], typer.Argument(help="History files (CSV or Parquet).")],
    out: Annotated[Path, typer.Option(help="The model file (.npz).")],
    half_life: Annotated[
        float, typer.Option(help="Days for a parcel's weight to halve.", min=1)
    ] = 180,
    strength: Annotated[
        float, typer.Option(help="Prior strength: parcels a level's estimate is worth.", min=0)
    ] = 5,
    version: Annotated[str | None, typer.Option(help="A version label for the model.")] = None,
    tables: TablesOpt = None,
) -> None:
    """Fit per-service transit distributions by lane (backing off to the destination,
    region, zone and the service) and write the model; bad rows are counted and listed by reason."""
    from shipopt.geo import default_zip_directory
    from shipopt.ratetables.registry import RateRegistry
    from shipopt.transit.fit import fit
    from shipopt.transit.history import read_history

    started = time.perf_counter()
    with user_errors():
        registry = RateRegistry.from_directory(tables_dir(tables))
        obs, bad = read_history(history, registry, default_zip_directory())
        model = fit(obs, bad, half_life, strength, version)
        model.save(out)
    for reason, count in sorted(bad.counts.items()):
        rows = ", ".join(str(r) for r in bad.examples[reason][:5])
        console.print(
            f"[yellow]bad rows[/]: {count} {escape(reason)} "
            f"(rows {rows}{', ...' if count > 5 else ''})"
        )
    console.print(
        f"[green]ok[/]: {len(obs):,} parcels on {len(model.services)} service(s), "
        f"{bad.total:,} bad row(s), {time.perf_counter() - started:.1f} s: {escape(str(out))}"
    )


@sample_app.command("history")
def sample_history_cmd(
    rows: Annotated[int, typer.Option(help="Parcels.", min=1, max=50_000_000)] = 100_000,
    seed: Annotated[int, typer.Option(help="Random seed.")] = 1,
    out: Annotated[Path, typer.Option(help="The CSV file.")] = Path("out/history.csv"),
    tables: TablesOpt = None,
) -> None:
    """A tracking history with a known truth (lane delays by carrier, weekday and peak
    effects, holiday backlogs, regional disruptions, a few lost parcels)."""
    from shipopt.geo import default_zip_directory
    from shipopt.ratetables.registry import RateRegistry
    from shipopt.transit.generate import sample_history, write_history_csv

    with user_errors():
        registry = RateRegistry.from_directory(tables_dir(tables))
        history = sample_history(registry, default_zip_directory(), rows, seed)
        out.parent.mkdir(parents=True, exist_ok=True)
        write_history_csv(history, out)
    console.print(f"[green]ok[/]: {len(history):,} parcels: {escape(str(out))}")
