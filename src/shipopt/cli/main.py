"""The ``shipopt`` command."""

from __future__ import annotations

import json
from pathlib import Path
from typing import Annotated, Any

import typer
from rich.markup import escape
from rich.table import Table

from shipopt import __version__, samples
from shipopt.cli.common import TablesOpt, console, context, tables_dir
from shipopt.cli.errors import fail, load_json, user_errors
from shipopt.cli.init import init
from shipopt.cli.pack import load1d_cmd, pack_cmd, palletize_cmd
from shipopt.cli.plan import plan_app, sample_app
from shipopt.cli.rates_import import rates_import
from shipopt.cli.render import quote_tables
from shipopt.cli.route import route_app
from shipopt.cli.serve import serve, serve_app
from shipopt.cli.transit import transit_app
from shipopt.domain.quote import QuoteRequest
from shipopt.errors import Problem
from shipopt.pipeline.quote import quote
from shipopt.ratetables.loader import load_directory

app = typer.Typer(help="shipopt: rate, pack, route and plan shipments.", no_args_is_help=True)


def _version(value: bool) -> None:
    if value:
        typer.echo(f"shipopt {__version__}")
        raise typer.Exit()


@app.callback()
def _main(
    version: Annotated[
        bool | None,
        typer.Option("--version", callback=_version, is_eager=True, help="Print the version."),
    ] = None,
) -> None:
    """shipopt: rate, pack, route and plan shipments."""


rates_app = typer.Typer(help="Rate tables: import, validate and list.", no_args_is_help=True)
app.add_typer(rates_app, name="rates")
rates_app.command("import")(rates_import)
app.add_typer(route_app, name="route")
app.add_typer(transit_app, name="transit")
app.add_typer(serve_app, name="api-key")
app.command("serve")(serve)
app.command("init")(init)


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
    ctx = context(tables)
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
        services = load_directory(tables_dir(tables))
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


@app.command("demo")
def demo(tables: TablesOpt = None) -> None:
    """Quote the sample shipments shipped with shipopt (on the rate tables in force)."""
    ctx = context(tables)
    folder = samples.examples() / "quotes"
    examples = sorted(folder.glob("*.json"))
    if not examples:
        fail([Problem(str(folder), "no sample requests found (a broken install?)")])
    for path in examples:
        payload = load_json(str(path), lambda p: Path(p).read_text(encoding="utf-8"))
        console.rule(f"[bold]{path.name}")
        with user_errors():
            response = quote(QuoteRequest.model_validate(payload), ctx)
        quote_tables(response, console)


# the command groups defined in their own modules, after quote and rates in the help
app.command("pack")(pack_cmd)
app.command("palletize")(palletize_cmd)
app.command("load1d")(load1d_cmd)
app.add_typer(sample_app, name="sample")
app.add_typer(plan_app, name="plan")

if __name__ == "__main__":  # after every command is registered: ``python -m shipopt.cli.main``
    app()
