"""Turn every expected failure into a short message and exit code 2, never a traceback."""

from __future__ import annotations

import json
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from typing import NoReturn

import typer
from pydantic import ValidationError
from rich.console import Console
from rich.markup import escape

from shipopt.errors import Problem, ShipoptError, problems_from_validation
from shipopt.units import UnitError

err_console = Console(stderr=True, soft_wrap=True)


def fail(problems: list[Problem], title: str = "error") -> NoReturn:
    err_console.print(
        f"[bold red]{title}[/]: {len(problems)} problem(s)"
        if len(problems) > 1
        else f"[bold red]{title}[/]: {escape(str(problems[0]))}"
    )
    if len(problems) > 1:
        for p in problems:
            err_console.print(f"  - {p}", highlight=False, markup=False)
    raise typer.Exit(2)


@contextmanager
def user_errors(prefix: str = "") -> Iterator[None]:
    """Report ShipoptError, pydantic and JSON errors as messages."""
    try:
        yield
    except ShipoptError as exc:
        fail(exc.problems)
    except ValidationError as exc:
        fail(problems_from_validation(exc, prefix), "invalid input")
    except (UnitError, ValueError) as exc:
        fail([Problem(prefix, str(exc))], "invalid input")


def load_json(path: str, reader: Callable[[str], str]) -> object:
    try:
        text = reader(path)
    except OSError as exc:
        fail([Problem(path, f"cannot read: {exc.strerror or exc}")])
    except UnicodeDecodeError as exc:
        fail([Problem(path, f"not UTF-8 text (byte {exc.start}: {exc.reason}); save it as UTF-8")])
    try:
        return json.loads(text)
    except json.JSONDecodeError as exc:
        fail([Problem(f"{path}: line {exc.lineno}, column {exc.colno}", exc.msg)], "not valid JSON")
