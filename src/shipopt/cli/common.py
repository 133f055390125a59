"""What the command groups share: the console, the rate-table option and its context."""

from __future__ import annotations

from pathlib import Path
from typing import Annotated

import typer
from rich.console import Console

from shipopt.cli.errors import user_errors
from shipopt.pipeline.context import QuoteContext
from shipopt.settings import Settings

console = Console()

TablesOpt = Annotated[
    Path | None, typer.Option("--tables", help="Rate-table folder (default: SHIPOPT_RATE_TABLES).")
]


def tables_dir(tables: Path | None) -> Path:
    return tables if tables is not None else Settings().rate_tables


def context(tables: Path | None) -> QuoteContext:
    with user_errors():
        return QuoteContext.from_directory(tables_dir(tables))
