"""Errors that reach users: each names what is wrong and where."""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from dataclasses import dataclass

from pydantic import ValidationError


@dataclass(frozen=True, slots=True)
class Problem:
    """One thing wrong with an input, at a location (a field path, or file/row/column)."""

    where: str
    message: str
    code: str | None = None  # a stable machine-readable reason, where one is defined

    def __str__(self) -> str:
        text = f"{self.message} [{self.code}]" if self.code else self.message
        return f"{self.where}: {text}" if self.where else text


class ShipoptError(Exception):
    """Base of every error shipopt raises on purpose. It carries one or more problems."""

    def __init__(self, problems: Sequence[Problem] | Problem | str) -> None:
        if isinstance(problems, str):
            problems = [Problem("", problems)]
        elif isinstance(problems, Problem):
            problems = [problems]
        self.problems: list[Problem] = list(problems)
        super().__init__("; ".join(str(p) for p in self.problems))


class InputError(ShipoptError):
    """A request or input file that cannot be used as given."""


class RateTableError(ShipoptError):
    """One or more rate-table files are invalid."""


def field_path(loc: Iterable[int | str]) -> str:
    """``("shipment", "parcels", 0, "weight")`` -> ``shipment.parcels[0].weight``."""
    out = ""
    for part in loc:
        if isinstance(part, int):
            out += f"[{part}]"
        else:
            out += f".{part}" if out else str(part)
    return out


def problems_from_validation(err: ValidationError, prefix: str = "") -> list[Problem]:
    """Pydantic's errors as problems with dotted field paths and plain messages."""
    problems = []
    for item in err.errors(include_url=False):
        loc = [p for p in item["loc"] if not (isinstance(p, str) and p.startswith("function-"))]
        path = field_path(loc)
        if prefix:
            path = f"{prefix}.{path}" if path else prefix
        message = item["msg"]
        if message.startswith("Value error, "):
            message = message[len("Value error, ") :]
        problems.append(Problem(path, message))
    return problems
