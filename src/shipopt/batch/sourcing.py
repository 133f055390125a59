"""Sourcing: which warehouse ships which lines of each order (nearest-warehouse greedy).

Orders are taken in order time (then id) order. An order goes whole to the nearest warehouse
that has every line in stock; otherwise each line comes from the nearest warehouse holding it
(a split shipment); a line no warehouse can fill leaves the order unplanned (nothing is
reserved for it). Distances are great-circle between ZIP points.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime

from shipopt.domain.batch import Order, OrderLine, Warehouse
from shipopt.geo import ZipDirectory, distance_miles


@dataclass(frozen=True)
class Assignment:
    order: Order
    shipments: tuple[tuple[str, tuple[OrderLine, ...]], ...]  # (warehouse id, lines)


@dataclass(frozen=True)
class Sourcing:
    assignments: list[Assignment]
    unplanned: dict[str, str]  # order id -> reason


def source_nearest(
    orders: list[Order], warehouses: list[Warehouse], directory: ZipDirectory
) -> Sourcing:
    stock = {w.id: dict(w.inventory) for w in warehouses}
    points = {w.id: directory.resolve(w.postal_code, f"warehouse {w.id}") for w in warehouses}
    assignments: list[Assignment] = []
    unplanned: dict[str, str] = {}
    for order in sorted(orders, key=lambda o: (o.ordered_at or datetime.min, o.id)):
        dest = directory.resolve(order.destination.postal_code)
        ranked = sorted(
            warehouses,
            key=lambda w: (
                distance_miles((points[w.id].lat, points[w.id].lon), (dest.lat, dest.lon)),
                w.id,
            ),
        )
        whole = next(
            (
                w
                for w in ranked
                if all(stock[w.id].get(ln.sku, 0) >= ln.quantity for ln in order.lines)
            ),
            None,
        )
        if whole is not None:
            for ln in order.lines:
                stock[whole.id][ln.sku] -= ln.quantity
            assignments.append(Assignment(order, ((whole.id, tuple(order.lines)),)))
            continue
        picks: dict[str, list[OrderLine]] = {}
        missing = []
        for ln in order.lines:
            w = next((w for w in ranked if stock[w.id].get(ln.sku, 0) >= ln.quantity), None)
            if w is None:
                missing.append(ln.sku)
            else:
                picks.setdefault(w.id, []).append(ln)
        if missing:
            unplanned[order.id] = f"out of stock in every warehouse: {', '.join(missing)}"
            continue
        for wid, lines in picks.items():
            for ln in lines:
                stock[wid][ln.sku] -= ln.quantity
        assignments.append(
            Assignment(order, tuple((wid, tuple(lines)) for wid, lines in picks.items()))
        )
    return Sourcing(assignments, unplanned)
