"""Load and validate a folder of rate tables; every problem names file, row/key and column."""

from __future__ import annotations

import csv
import itertools
import re
import tomllib
from decimal import Decimal, InvalidOperation
from pathlib import Path
from typing import TypeVar

from pydantic import BaseModel, ValidationError

from shipopt.errors import Problem, RateTableError, problems_from_validation
from shipopt.ratetables.compiled import (
    NOT_OFFERED,
    NOT_SERVED_ZONE,
    DeliveryAreaRule,
    LtlGrid,
    PriceGrid,
    Service,
    ZoneChart,
)
from shipopt.ratetables.contract import IncentivesFile, MarkupFile
from shipopt.ratetables.contracts import attach_contracts
from shipopt.ratetables.schema import DeliveryArea, ServiceFile
from shipopt.units import NG_PER, money_to_cents, to_scaled_int

M = TypeVar("M", bound=BaseModel)
_GRID_HEADER = re.compile(r"^weight_(lb|kg|oz|g)$")
_EXTRA_ROW = re.compile(r"^per_additional_(lb|kg|oz|g)$")
FREIGHT_CLASSES = (
    "50",
    "55",
    "60",
    "65",
    "70",
    "77.5",
    "85",
    "92.5",
    "100",
    "110",
    "125",
    "150",
    "175",
    "200",
    "250",
    "300",
    "400",
    "500",
)


class _Collector:
    def __init__(self) -> None:
        self.problems: list[Problem] = []

    def add(self, where: str, message: str) -> None:
        self.problems.append(Problem(where, message))


def _toml_line(text: str, key: str) -> int | None:
    hits = [
        i
        for i, line in enumerate(text.splitlines(), 1)
        if re.match(rf"\s*{re.escape(key)}\s*=", line)
    ]
    return hits[0] if len(hits) == 1 else None


def _read_csv(path: Path, problems: _Collector) -> list[list[str]] | None:
    try:
        with path.open(newline="", encoding="utf-8") as fh:
            return [row for row in csv.reader(fh) if any(cell.strip() for cell in row)]
    except FileNotFoundError:
        problems.add(str(path), "file not found")
    except (OSError, UnicodeDecodeError, csv.Error) as exc:
        problems.add(str(path), f"cannot read: {exc}")
    return None


def _decimal(cell: str) -> Decimal | None:
    try:
        value = Decimal(cell.strip())
    except InvalidOperation:
        return None
    return value if value.is_finite() else None


def load_price_grid(path: Path, problems: _Collector) -> PriceGrid | None:
    """``weight_lb,1,2,...`` header; rows of break weight and one price per zone column;
    an optional last row ``per_additional_lb`` with the price of each unit beyond the last break."""
    rows = _read_csv(path, problems)
    if rows is None:
        return None
    if not rows:
        problems.add(str(path), "empty price grid")
        return None
    before = len(problems.problems)
    header = [c.strip() for c in rows[0]]
    match = _GRID_HEADER.match(header[0]) if header else None
    if not match:
        problems.add(
            f"{path}: row 1, column 1",
            "first header must be weight_lb, weight_kg, weight_oz or weight_g",
        )
        return None
    unit = match.group(1)
    zones = _grid_zones(path, header, problems)
    breaks: list[int] = []
    prices: dict[int, list[int]] = {z: [] for z in zones}
    extra_unit: int | None = None
    extra: dict[int, int] = {}
    letter: dict[int, int] | None = None
    for rno, row in enumerate(rows[1:], start=2):
        label = row[0].strip()
        if len(row) != len(header):
            problems.add(
                f"{path}: row {rno}", f"has {len(row)} cells, the header has {len(header)}"
            )
            continue
        if label == "letter":
            if rno != 2:
                problems.add(f"{path}: row {rno}", "the letter row must be the first row")
            letter = _letter_prices(path, rno, zones, row, problems)
            continue
        extra_match = _EXTRA_ROW.match(label)
        if extra_match:
            if rno != len(rows):
                problems.add(f"{path}: row {rno}", f"{label} must be the last row")
            extra_unit = NG_PER[extra_match.group(1)]
            extra = _extra_prices(path, rno, zones, row, problems)
            continue
        weight = _decimal(label)
        if weight is None or weight <= 0:
            problems.add(
                f"{path}: row {rno}, column '{header[0]}'",
                f"weight break {label!r} is not a positive number",
            )
            continue
        weight_ng = int(weight * NG_PER[unit])
        if breaks and weight_ng <= breaks[-1]:
            problems.add(
                f"{path}: row {rno}, column '{header[0]}'",
                f"weight breaks must increase ({label} after a larger or equal break)",
            )
            continue
        breaks.append(weight_ng)
        for zone, cell in zip(zones, row[1:], strict=False):
            where = f"{path}: row {rno}, column '{zone}'"
            if not cell.strip():
                problems.add(where, f"zone {zone} has no price at {label} {unit} ('-' if none)")
                continue
            if cell.strip() == "-":
                prices[zone].append(NOT_OFFERED)
                continue
            try:
                cents = money_to_cents(cell, "price")
            except ValueError as exc:
                problems.add(where, str(exc))
                continue
            if cents < 0:
                problems.add(where, f"negative price {cell.strip()}")
            prices[zone].append(cents)
    if not breaks:
        problems.add(str(path), "no weight rows")
    if len(problems.problems) > before:
        return None
    return PriceGrid(
        unit, tuple(breaks), {z: tuple(p) for z, p in prices.items()}, extra_unit, extra, letter
    )


def _letter_prices(
    path: Path, rno: int, zones: list[int], row: list[str], problems: _Collector
) -> dict[int, int]:
    """The ``letter`` row: each zone's envelope price ("-": none, priced by weight)."""
    out: dict[int, int] = {}
    for zone, cell in zip(zones, row[1:], strict=False):
        if cell.strip() == "-":
            out[zone] = NOT_OFFERED
            continue
        try:
            out[zone] = money_to_cents(cell, "price")
        except ValueError as exc:
            problems.add(f"{path}: row {rno}, column '{zone}'", str(exc))
    return out


def _grid_zones(path: Path, header: list[str], problems: _Collector) -> list[int]:
    """The zone columns of a price grid's header (each a whole number, once)."""
    zones: list[int] = []
    for col, cell in enumerate(header[1:], start=2):
        if not cell.isdigit():
            problems.add(
                f"{path}: row 1, column {col}", f"zone header {cell!r} is not a whole number"
            )
        elif int(cell) in zones:
            problems.add(f"{path}: row 1, column {col}", f"zone {cell} appears twice")
        else:
            zones.append(int(cell))
    return zones


def _extra_prices(
    path: Path, rno: int, zones: list[int], row: list[str], problems: _Collector
) -> dict[int, int]:
    """The ``per_additional_*`` row: each zone's price per unit beyond the last break, in
    ten-thousandths."""
    extra: dict[int, int] = {}
    for zone, cell in zip(zones, row[1:], strict=False):
        where = f"{path}: row {rno}, column '{zone}'"
        if cell.strip() == "-":
            extra[zone] = NOT_OFFERED
            continue
        try:
            extra[zone] = to_scaled_int(cell, 4, "price")
        except ValueError as exc:
            problems.add(where, str(exc))
            continue
        if extra[zone] < 0:
            problems.add(where, "negative price")
    return extra


def load_zone_chart(path: Path, problems: _Collector) -> ZoneChart | None:
    """CSV with ``origin_zip,dest_zip_start,dest_zip_end,zone`` (ZIP3s, inclusive ranges; zone
    ``-``: the lane is not served)."""
    rows = _read_csv(path, problems)
    if rows is None:
        return None
    header = [c.strip() for c in rows[0]] if rows else []
    needed = ["origin_zip", "dest_zip_start", "dest_zip_end", "zone"]
    missing = [n for n in needed if n not in header]
    if missing:
        problems.add(f"{path}: row 1", f"missing columns: {', '.join(missing)}")
        return None
    idx = [header.index(n) for n in needed]
    chart = ZoneChart.empty()
    before = len(problems.problems)
    for rno, row in enumerate(rows[1:], start=2):
        try:
            origin, start, end, zone = (row[i].strip() for i in idx)
        except IndexError:
            problems.add(f"{path}: row {rno}", "too few cells")
            continue
        bad = [
            n
            for n, v in zip(needed[:3], (origin, start, end), strict=True)
            if not re.fullmatch(r"\d{3}", v)
        ]
        if bad:
            problems.add(f"{path}: row {rno}, column '{bad[0]}'", "must be a 3-digit ZIP prefix")
            continue
        if not zone.isdigit() and zone != "-":
            problems.add(
                f"{path}: row {rno}, column 'zone'",
                f"zone {zone!r} is not a whole number (or '-' for not served)",
            )
            continue
        if int(end) < int(start):
            problems.add(f"{path}: row {rno}, column 'dest_zip_end'", "range ends before it starts")
            continue
        value = NOT_SERVED_ZONE if zone == "-" else int(zone)
        chart.matrix[int(origin), int(start) : int(end) + 1] = value
    return chart if len(problems.problems) == before else None


def load_ltl_grid(path: Path, problems: _Collector) -> LtlGrid | None:
    """CSV ``zone,freight_class,<break lb>...`` with prices in dollars per hundredweight."""
    rows = _read_csv(path, problems)
    if rows is None:
        return None
    header = [c.strip() for c in rows[0]] if rows else []
    if header[:2] != ["zone", "freight_class"] or len(header) < 3:
        problems.add(f"{path}: row 1", "header must be zone,freight_class,<weight breaks in lb>...")
        return None
    before = len(problems.problems)
    breaks: list[int] = []
    for col, cell in enumerate(header[2:], start=3):
        if not cell.isdigit() or (breaks and int(cell) <= breaks[-1]):
            problems.add(
                f"{path}: row 1, column {col}",
                f"weight break {cell!r} must be a whole number of lb, increasing",
            )
        else:
            breaks.append(int(cell))
    grid: dict[tuple[int, str], tuple[int, ...]] = {}
    for rno, row in enumerate(rows[1:], start=2):
        if len(row) != len(header):
            problems.add(
                f"{path}: row {rno}", f"has {len(row)} cells, the header has {len(header)}"
            )
            continue
        zone, fclass = row[0].strip(), row[1].strip()
        if not zone.isdigit():
            problems.add(
                f"{path}: row {rno}, column 'zone'", f"zone {zone!r} is not a whole number"
            )
            continue
        if fclass not in FREIGHT_CLASSES:
            problems.add(
                f"{path}: row {rno}, column 'freight_class'", f"unknown freight class {fclass!r}"
            )
            continue
        cents: list[int] = []
        for col_name, cell in zip(header[2:], row[2:], strict=False):
            try:
                value = money_to_cents(cell, "price")
            except ValueError as exc:
                problems.add(f"{path}: row {rno}, column '{col_name}'", str(exc))
                continue
            if value <= 0:
                problems.add(f"{path}: row {rno}, column '{col_name}'", "price must be positive")
            cents.append(value)
        if (int(zone), fclass) in grid:
            problems.add(f"{path}: row {rno}", f"zone {zone} class {fclass} appears twice")
        grid[(int(zone), fclass)] = tuple(cents)
    return LtlGrid(tuple(breaks), grid) if len(problems.problems) == before else None


def _delivery_area(
    rule: DeliveryArea, base: Path, where: str, problems: _Collector
) -> DeliveryAreaRule:
    zips = set(rule.zips)
    if rule.zips_file:
        rows = _read_csv(base / rule.zips_file, problems) or []
        for rno, row in enumerate(rows, start=1):
            value = row[0].strip()
            if rno == 1 and not value.isdigit():
                continue  # header
            if not re.fullmatch(r"\d{5}", value):
                problems.add(
                    f"{base / rule.zips_file}: row {rno}", f"{value!r} is not a 5-digit ZIP"
                )
            zips.add(value)
    for z in rule.zips:
        if not re.fullmatch(r"\d{5}", z):
            problems.add(f"{where}: surcharges.delivery_area.zips", f"{z!r} is not a 5-digit ZIP")
    for p in rule.zip_prefixes:
        if not re.fullmatch(r"\d{1,5}", p):
            problems.add(
                f"{where}: surcharges.delivery_area.zip_prefixes", f"{p!r} is not a ZIP prefix"
            )
    residential = rule.residential_amount if rule.residential_amount is not None else rule.amount
    return DeliveryAreaRule(
        rule.name, rule.amount, residential, frozenset(zips), tuple(rule.zip_prefixes)
    )


def _read_toml(path: Path, problems: _Collector) -> tuple[str, dict[str, object]] | None:
    try:
        text = path.read_text(encoding="utf-8")
        return text, tomllib.loads(text)
    except tomllib.TOMLDecodeError as exc:
        problems.add(str(path), f"not valid TOML: {exc}")
    except (OSError, UnicodeDecodeError) as exc:
        problems.add(str(path), f"cannot read: {exc}")
    return None


def _validated(
    model: type[M], path: Path, text: str, raw: dict[str, object], problems: _Collector
) -> M | None:
    try:
        return model.model_validate(raw)
    except ValidationError as err:
        for problem in problems_from_validation(err):
            last = problem.where.rsplit(".", 1)[-1].split("[")[0]
            line = _toml_line(text, last) if last else None
            at = f" (line {line})" if line else ""
            problems.add(f"{path}: {problem.where or '(top level)'}{at}", problem.message)
        return None


def load_service(path: Path, problems: _Collector) -> Service | None:
    """Load one TOML service file and the CSV files it names."""
    read = _read_toml(path, problems)
    return None if read is None else _load_service(path, *read, problems)


def _load_service(
    path: Path, text: str, raw: dict[str, object], problems: _Collector
) -> Service | None:
    spec = _validated(ServiceFile, path, text, raw, problems)
    if spec is None:
        return None
    before = len(problems.problems)
    base = path.parent
    grid = load_price_grid(base / spec.grid.file, problems) if spec.grid else None
    chart = load_zone_chart(base / spec.zones.chart, problems) if spec.zones.chart else None
    ltl_grid = load_ltl_grid(base / spec.ltl.file, problems) if spec.ltl else None
    areas = tuple(
        _delivery_area(s, base, str(path), problems)
        for s in spec.surcharges
        if isinstance(s, DeliveryArea)
    )
    _check_coherence(spec, grid, ltl_grid, str(path), problems)
    if len(problems.problems) > before:
        return None
    return Service(spec, path, grid, chart, areas, ltl_grid)


def _check_coherence(
    spec: ServiceFile, grid: PriceGrid | None, ltl: LtlGrid | None, where: str, problems: _Collector
) -> None:
    priced: set[int] = (
        set(grid.prices) if grid else ({z for z, _ in ltl.cwt_cents} if ltl else set())
    )
    if (grid or ltl) and not priced:
        problems.add(where, "the price grid has no zone columns")
    missing = sorted(z for z in priced if z not in spec.transit.days_by_zone)
    if missing:
        problems.add(
            f"{where}: transit.days_by_zone", f"no transit days for priced zone(s) {missing}"
        )
    if grid and grid.extra_unit_ng is not None and set(grid.extra_price) != set(grid.prices):
        problems.add(where, "per_additional row must price every zone")
    if ltl:
        zones = {z for z, _ in ltl.cwt_cents}
        for zone in sorted(zones):
            absent = [c for c in FREIGHT_CLASSES if (zone, c) not in ltl.cwt_cents]
            if absent:
                problems.add(
                    f"{where}: ltl.file",
                    f"zone {zone} has no price for class(es) {', '.join(absent)}",
                )


def load_directory(directory: Path) -> list[Service]:
    """Every ``*.toml`` below ``directory`` (service files, and the incentive and markup files
    attached to the services they name); raises RateTableError listing every problem."""
    problems = _Collector()
    if not directory.is_dir():
        raise RateTableError(Problem(str(directory), "rate-table folder not found"))
    services: list[Service] = []
    contracts: list[tuple[Path, IncentivesFile | MarkupFile]] = []
    for path in sorted(directory.rglob("*.toml")):
        read = _read_toml(path, problems)
        if read is None:
            continue
        kind = read[1].get("kind")
        if kind in ("incentives", "markup"):
            model: type[IncentivesFile | MarkupFile] = (
                IncentivesFile if kind == "incentives" else MarkupFile
            )
            contract = _validated(model, path, *read, problems)
            if contract is not None:
                contracts.append((path, contract))
            continue
        service = _load_service(path, *read, problems)
        if service is not None:
            services.append(service)
    if not services and not problems.problems:
        problems.add(str(directory), "no rate tables (*.toml) found")
    _check_overlaps(services, problems)
    services = attach_contracts(services, contracts, problems)
    if problems.problems:
        raise RateTableError(problems.problems)
    return services


def _check_overlaps(services: list[Service], problems: _Collector) -> None:
    by_key: dict[str, list[Service]] = {}
    for s in services:
        by_key.setdefault(s.key, []).append(s)
    for key, versions in by_key.items():
        versions.sort(key=lambda s: s.spec.effective_from)
        for a, b in itertools.pairwise(versions):
            if a.spec.effective_to is None or a.spec.effective_to >= b.spec.effective_from:
                problems.add(str(b.source), f"{key}: effective dates overlap {a.source.name}")
