"""Read a day's orders (CSV or JSON), the SKU catalog (CSV) and warehouses (JSON).

A bad row never stops the batch: every problem is reported with its file, row and reason, the
order it belongs to is set aside as unplannable (never shipped in part), and every other order is
kept. Every input order id ends up in exactly one of ``orders`` or ``rejected``.
"""

from __future__ import annotations

import csv
import json
from pathlib import Path
from typing import Any

from pydantic import ValidationError

from shipopt.domain.batch import Order, Sku, Warehouse
from shipopt.domain.plan import OrderBook
from shipopt.errors import InputError, Problem, problems_from_validation
from shipopt.geo import ZipDirectory

ORDER_COLUMNS = (
    "order_id",
    "sku",
    "quantity",
    "postal_code",
    "residential",
    "deliver_by",
    "ordered_at",
    "address",
    "service_level",
)
SKU_COLUMNS = (
    "sku",
    "length",
    "width",
    "height",
    "dims_unit",
    "weight",
    "weight_unit",
    "orientation",
    "fragile",
    "ships_alone",
)


def _cell(row: dict[str, str], name: str) -> str:
    return (row.get(name) or "").strip()


def _truthy(value: str) -> bool:
    return value.strip().lower() in ("1", "true", "yes", "y")


def _rows(path: Path) -> list[tuple[int, dict[str, str]]]:
    try:
        with path.open(newline="", encoding="utf-8") as fh:
            reader = csv.DictReader(fh)
            return [(n, row) for n, row in enumerate(reader, start=2)]
    except (OSError, UnicodeDecodeError, csv.Error) as exc:
        raise InputError(Problem(str(path), f"cannot read: {exc}")) from None


def read_orders_csv(
    path: Path, skus: dict[str, Sku] | None = None, directory: ZipDirectory | None = None
) -> OrderBook:
    """One row per order line: order_id, sku, quantity, postal_code, residential, deliver_by,
    ordered_at, and optionally address (street line) and service_level. The destination, dates
    and flags are taken from an order's first row; lines naming one SKU are summed. With a ZIP
    directory, an unknown or malformed destination ZIP rejects the order too."""
    book = OrderBook()
    grouped: dict[str, list[tuple[int, dict[str, str]]]] = {}
    rows = _rows(path)
    with path.open(newline="", encoding="utf-8") as fh:
        header = next(csv.reader(fh), [])
    missing = [c for c in ("order_id", "sku", "quantity", "postal_code") if c not in header]
    if missing:
        raise InputError(Problem(f"{path}: row 1", f"missing columns: {', '.join(missing)}"))
    for n, row in rows:
        if None in row or any(v is None for k, v in row.items() if k != "address"):
            oid = (row.get("order_id") or "").strip()
            if oid:
                book.sequence.append(oid)
            _reject(book, oid, Problem(f"{path}: row {n}", "wrong number of fields"))
            continue
        oid = row["order_id"].strip()
        if not oid:
            book.problems.append(Problem(f"{path}: row {n}", "no order_id"))
            continue
        book.sequence.append(oid)
        grouped.setdefault(oid, []).append((n, row))
    for oid, lines in grouped.items():
        n0, first = lines[0]
        payload = _order_payload(oid, first)
        bad = False
        for n, row in lines:
            line = _order_line(path, n, row, skus)
            if isinstance(line, Problem):
                _reject(book, oid, line)
                bad = True
            else:
                payload["lines"].append(line)
        if bad:
            continue
        try:
            order = Order.model_validate(payload)
        except ValidationError as err:
            for p in problems_from_validation(err):
                _reject(book, oid, Problem(f"{path}: row {n0}", f"{p.where}: {p.message}"))
            continue
        if directory is not None:
            try:
                directory.resolve(order.destination.postal_code, "postal_code")
            except InputError as exc:
                _reject(
                    book,
                    oid,
                    Problem(f"{path}: row {n0}, column 'postal_code'", exc.problems[0].message),
                )
                continue
        book.orders.append(order)
    if book.rejected:  # an order with any bad row is not planned at all
        book.orders = [o for o in book.orders if o.id not in book.rejected]
    return book


def _order_payload(oid: str, first: dict[str, str]) -> dict[str, Any]:
    """The order's fields from its first row (lines are added by the caller)."""
    payload: dict[str, Any] = {
        "id": oid,
        "destination": {
            "postal_code": first["postal_code"].strip(),
            "residential": _truthy(first.get("residential") or ""),
            "line1": (first.get("address") or "").strip() or None,
        },
        "lines": [],
    }
    for column in ("deliver_by", "ordered_at", "service_level"):
        if (first.get(column) or "").strip():
            payload[column] = first[column].strip()
    return payload


def _order_line(
    path: Path, n: int, row: dict[str, str], skus: dict[str, Sku] | None
) -> dict[str, Any] | Problem:
    """Row ``n`` as an order line, or what is wrong with its quantity or SKU."""
    qty = row["quantity"].strip()
    if not (qty.isascii() and qty.isdigit()) or int(qty) <= 0:
        return Problem(
            f"{path}: row {n}, column 'quantity'",
            f"quantity {qty!r} must be a whole number above 0",
        )
    sku = row["sku"].strip()
    if skus is not None and sku not in skus:
        return Problem(f"{path}: row {n}, column 'sku'", f"unknown SKU {sku!r}")
    return {"sku": sku, "quantity": int(qty)}


def read_orders_json(
    path: Path, skus: dict[str, Sku] | None = None, directory: ZipDirectory | None = None
) -> OrderBook:
    """A JSON list of orders as in :class:`Order`; each bad one is reported with its index."""
    data = _load_json(path)
    if not isinstance(data, list):
        raise InputError(Problem(str(path), "expected a JSON list of orders"))
    return orders_from_records(data, skus, f"{path}: ", directory)


def orders_from_records(
    data: list[Any],
    skus: dict[str, Sku] | None = None,
    where: str = "",
    directory: ZipDirectory | None = None,
) -> OrderBook:
    """Orders from parsed JSON records; each bad one (invalid, unknown SKU, duplicate id, ZIP
    not in ``directory``) is set aside with ``{where}[index]``."""
    book = OrderBook()
    seen: set[str] = set()
    for k, raw in enumerate(data):
        oid = str(raw.get("id", "")) if isinstance(raw, dict) else ""
        if oid:
            book.sequence.append(oid)
        try:
            order = Order.model_validate(raw)
        except ValidationError as err:
            for p in problems_from_validation(err):
                _reject(book, oid, Problem(f"{where}[{k}].{p.where}", p.message))
            continue
        unknown = [ln.sku for ln in order.lines if skus is not None and ln.sku not in skus]
        if unknown:
            _reject(
                book, oid, Problem(f"{where}[{k}].lines", f"unknown SKU(s): {', '.join(unknown)}")
            )
            continue
        if directory is not None:
            try:
                directory.resolve(order.destination.postal_code, "postal_code")
            except InputError as exc:
                where_zip = f"{where}[{k}].destination.postal_code"
                _reject(book, oid, Problem(where_zip, exc.problems[0].message))
                continue
        if order.id in seen:
            _reject(book, oid, Problem(f"{where}[{k}].id", f"order id {oid!r} listed twice"))
            continue
        seen.add(order.id)
        book.orders.append(order)
    book.orders = [o for o in book.orders if o.id not in book.rejected]
    return book


def _reject(book: OrderBook, oid: str, problem: Problem) -> None:
    if oid:
        book.rejected.setdefault(oid, []).append(problem)
    else:
        book.problems.append(problem)


def read_skus_csv(path: Path) -> dict[str, Sku]:
    """The catalog: sku, length, width, height, dims_unit, weight, weight_unit, orientation,
    fragile, ships_alone. Any bad row is an error naming it (a catalog must be whole)."""
    out: dict[str, Sku] = {}
    problems: list[Problem] = []
    for n, row in _rows(path):
        try:
            unit = (row.get("dims_unit") or "in").strip()
            sku = Sku.model_validate(
                {
                    "sku": (row.get("sku") or "").strip(),
                    "dimensions": {
                        a: f"{(row.get(a) or '').strip()} {unit}"
                        for a in ("length", "width", "height")
                    },
                    "weight": f"{_cell(row, 'weight')} {_cell(row, 'weight_unit') or 'lb'}",
                    "orientation": (row.get("orientation") or "any").strip() or "any",
                    "fragile": _truthy(row.get("fragile") or ""),
                    "ships_alone": _truthy(row.get("ships_alone") or ""),
                }
            )
        except ValidationError as err:
            problems += [
                Problem(f"{path}: row {n}", f"{p.where}: {p.message}")
                for p in problems_from_validation(err)
            ]
            continue
        if sku.sku in out:
            problems.append(Problem(f"{path}: row {n}", f"SKU {sku.sku!r} listed twice"))
        out[sku.sku] = sku
    if problems:
        raise InputError(problems)
    return out


def _load_json(path: Path) -> Any:
    try:
        return json.loads(path.read_text(encoding="utf-8"))
    except (OSError, UnicodeDecodeError) as exc:
        raise InputError(Problem(str(path), f"cannot read: {exc}")) from None
    except json.JSONDecodeError as exc:
        raise InputError(
            Problem(f"{path}: line {exc.lineno}", f"not valid JSON: {exc.msg}")
        ) from None


def read_warehouses_json(path: Path) -> list[Warehouse]:
    data = _load_json(path)
    if not isinstance(data, list):
        raise InputError(Problem(str(path), "expected a JSON list of warehouses"))
    try:
        return [Warehouse.model_validate(w) for w in data]
    except ValidationError as err:
        raise InputError(problems_from_validation(err, str(path))) from None
