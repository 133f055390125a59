"""Attach incentive and markup files to the services they name, checking every reference."""

from __future__ import annotations

import dataclasses
import itertools
from collections.abc import Sequence
from pathlib import Path
from typing import Protocol

from shipopt.errors import Problem
from shipopt.ratetables.compiled import Service
from shipopt.ratetables.contract import Dated, IncentivesFile, MarkupFile


class Problems(Protocol):
    problems: list[Problem]

    def add(self, where: str, message: str) -> None: ...


def _overlapping(files: list[tuple[Path, Dated]], what: str, problems: Problems) -> None:
    files.sort(key=lambda f: f[1].effective_from)
    for (pa, a), (pb, b) in itertools.pairwise(files):
        if a.effective_to is None or a.effective_to >= b.effective_from:
            problems.add(str(pb), f"{what}: effective dates overlap {pa.name}")


def _check_incentives(
    path: Path, contract: IncentivesFile, ids: set[str], problems: Problems
) -> None:
    sections: list[tuple[str, Sequence[list[str] | None]]] = [
        ("transportation", [r.services for r in contract.transportation]),
        ("surcharges", [r.services for r in contract.surcharges]),
        ("minimum", [r.services for r in contract.minimum]),
    ]
    if not ids:
        problems.add(f"{path}: carrier", f"no service of carrier {contract.carrier!r} is loaded")
        return
    for section, lists in sections:
        for k, names in enumerate(lists):
            unknown = sorted(set(names or []) - ids)
            if unknown:
                problems.add(
                    f"{path}: {section}[{k}].services",
                    f"unknown service(s) {', '.join(unknown)} of {contract.carrier} "
                    f"(known: {', '.join(sorted(ids))})",
                )


def _check_markup(path: Path, markup: MarkupFile, keys: set[str], problems: Problems) -> None:
    carriers = {k.split("/", 1)[0] for k in keys}
    for k, rule in enumerate(markup.rules):
        for name in sorted(set(rule.services or []) - keys):
            problems.add(f"{path}: rules[{k}].services", f"unknown service {name!r}")
        for name in sorted(set(rule.carriers or []) - carriers):
            problems.add(f"{path}: rules[{k}].carriers", f"unknown carrier {name!r}")
    for k, free in enumerate(markup.free_shipping):
        for name in sorted(set(free.services) - keys):
            problems.add(f"{path}: free_shipping[{k}].services", f"unknown service {name!r}")


def attach_contracts(
    services: list[Service],
    contracts: list[tuple[Path, IncentivesFile | MarkupFile]],
    problems: Problems,
) -> list[Service]:
    """The services with their carrier's incentive files and the markup files attached."""
    keys = {s.key for s in services}
    by_carrier: dict[str, list[tuple[Path, Dated]]] = {}
    markups: list[tuple[Path, Dated]] = []
    for path, contract in contracts:
        if isinstance(contract, IncentivesFile):
            ids = {k.split("/", 1)[1] for k in keys if k.split("/", 1)[0] == contract.carrier}
            _check_incentives(path, contract, ids, problems)
            by_carrier.setdefault(contract.carrier, []).append((path, contract))
        else:
            _check_markup(path, contract, keys, problems)
            markups.append((path, contract))
    for carrier, files in by_carrier.items():
        _overlapping(files, f"incentives of {carrier}", problems)
    _overlapping(markups, "markups", problems)
    marks = tuple(m for _, m in markups if isinstance(m, MarkupFile))
    out = []
    for service in services:
        own = tuple(
            c for _, c in by_carrier.get(service.spec.carrier, []) if isinstance(c, IncentivesFile)
        )
        mine = tuple(m for m in marks if m.currency == service.spec.currency)
        out.append(dataclasses.replace(service, incentives=own, markups=mine))
    return out
