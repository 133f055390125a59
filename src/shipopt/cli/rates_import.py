"""``shipopt rates import KIND FILE... --into DIR``: carrier files to shipopt tables."""

from __future__ import annotations

from datetime import date
from decimal import Decimal, InvalidOperation
from pathlib import Path
from typing import Annotated

import typer
from rich.markup import escape

from shipopt.cli.common import console
from shipopt.cli.errors import fail, user_errors
from shipopt.errors import Problem
from shipopt.importers import KINDS, ImportOptions, ImportValidationError, import_files
from shipopt.units import money_to_cents


def _pairs(values: list[str], flag: str) -> list[tuple[str, str]]:
    out = []
    for value in values:
        key, sep, rest = value.partition("=")
        if not sep or not key.strip() or not rest.strip():
            fail([Problem(flag, f"{value!r} is not NAME=VALUE")])
        out.append((key.strip(), rest.strip()))
    return out


def _amounts(values: list[str]) -> dict[str, tuple[int, int]]:
    out = {}
    for tier, text in _pairs(values, "--amount"):
        commercial, _, residential = text.partition("/")
        try:
            c = money_to_cents(commercial, "amount")
            out[tier] = (c, money_to_cents(residential, "amount") if residential else c)
        except ValueError as exc:
            fail([Problem("--amount", f"{tier}: {exc}")])
    return out


def _diesel(values: list[str]) -> list[tuple[date, Decimal]]:
    out = []
    for day, price in _pairs(values, "--diesel"):
        try:
            out.append((date.fromisoformat(day), Decimal(price)))
        except (ValueError, InvalidOperation):
            fail([Problem("--diesel", f"{day}={price}: give DATE=PRICE, e.g. 2026-11-30=3.759")])
    return out


def rates_import(
    kind: Annotated[str, typer.Argument(help=f"One of: {', '.join(KINDS)}.")],
    files: Annotated[list[Path], typer.Argument(help="Carrier files (CSV or XLSX).")],
    into: Annotated[Path, typer.Option("--into", help="The rate-table folder to write into.")],
    carrier: Annotated[str, typer.Option(help="Carrier id (lower case, e.g. acme).")],
    carrier_name: Annotated[str | None, typer.Option(help="Carrier name, e.g. 'Acme'.")] = None,
    layout: Annotated[
        str, typer.Option(help="national, postal, or a layout TOML file.")
    ] = "national",
    service: Annotated[
        list[str] | None,
        typer.Option(help="A service id the file applies to (repeatable)."),
    ] = None,
    service_name: Annotated[
        list[str] | None,
        typer.Option(help="'Published name=id' for a name the layout does not know (repeatable)."),
    ] = None,
    effective_from: Annotated[
        str | None, typer.Option(help="YYYY-MM-DD, if the file does not say.")
    ] = None,
    version: Annotated[str | None, typer.Option(help="A version label for the tables.")] = None,
    origin: Annotated[
        str | None, typer.Option(help="Zone chart origin ZIP3s: 606 or 606-608.")
    ] = None,
    amount: Annotated[
        list[str] | None,
        typer.Option(
            help="Delivery-area amounts TIER=COMMERCIAL or TIER=COMMERCIAL/RESIDENTIAL "
            "(repeatable)."
        ),
    ] = None,
    tier: Annotated[str | None, typer.Option(help="One delivery-area tier for the file.")] = None,
    diesel: Annotated[
        list[str] | None,
        typer.Option(help="Diesel price DATE=PRICE for an index fuel table (repeatable)."),
    ] = None,
    declared_spend: Annotated[
        str | None, typer.Option(help="The rolling spend that picks earned tiers.")
    ] = None,
    name: Annotated[str | None, typer.Option(help="The agreement's name.")] = None,
) -> None:
    """Import carrier files as shipopt rate tables (TOML + CSV) and validate the folder."""
    with user_errors():
        options = ImportOptions(
            carrier=carrier,
            carrier_name=carrier_name,
            layout=layout,
            service_names=dict(_pairs(service_name or [], "--service-name")),
            services=service or [],
            effective_from=date.fromisoformat(effective_from) if effective_from else None,
            version=version,
            origin=origin,
            amounts=_amounts(amount or []),
            diesel=_diesel(diesel or []),
            declared_spend=money_to_cents(declared_spend, "declared_spend")
            if declared_spend
            else None,
            name=name,
            tier=tier,
        )
        try:
            report = import_files(kind, files, into, options)
        except ImportValidationError as err:
            for path in err.report.written:
                console.print(f"wrote {escape(str(path))}")
            fail(err.problems, "the folder does not validate")
    for path in report.written:
        console.print(f"wrote {escape(str(path))}")
    for warning in report.warnings:
        console.print(f"[yellow]note[/]: {escape(warning)}")
    counts = ", ".join(f"{n} {what}" for what, n in report.counts.items())
    console.print(f"[green]ok[/]: {kind} from {len(report.read)} sheet(s): {counts}")
