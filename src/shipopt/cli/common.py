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
    Path | None,
    typer.Option(
        "--tables",
        help="Rate-table folder (default: SHIPOPT_RATE_TABLES, else rate_tables in ./shipopt.toml, "
        "else the sample tables).",
    ),
]
BoxesOpt = Annotated[
    Path | None,
    typer.Option(
        "--boxes",
        help="Box catalog JSON, a list of box types (default: SHIPOPT_BOXES, else boxes in "
        "./shipopt.toml, else the sample catalog).",
    ),
]


def tables_dir(tables: Path | None) -> Path:
    """The rate-table folder: the flag's, else the settings' (environment, project file, sample)."""
    with user_errors("settings"):
        return tables if tables is not None else Settings().tables()


def boxes_file(boxes: Path | None) -> Path:
    """The box catalog: the flag's, else the settings' (environment, project file, sample)."""
    with user_errors("settings"):
        return boxes if boxes is not None else Settings().box_catalog()


def context(tables: Path | None) -> QuoteContext:
    with user_errors():
        return QuoteContext.from_directory(tables_dir(tables), Settings().transit_model)
