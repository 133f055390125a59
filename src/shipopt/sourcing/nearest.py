"""Sourcing: which warehouse ships which lines of each order (nearest-warehouse greedy).

Orders are taken in order time (then id) order. An order goes whole to the nearest warehouse
that has every line in stock; otherwise each line comes from the nearest warehouse holding it
(a split shipment); a line no warehouse can fill leaves the order unplanned (nothing is
reserved for it). Distances are great-circle (haversine) between ZIP points.
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np

from shipopt.domain.batch import Order, OrderLine, Warehouse
from shipopt.geo import ZipDirectory, distance_miles_many


@dataclass(frozen=True)
class Assignment:
    order: Order
    shipments: tuple[tuple[str, tuple[OrderLine, ...]], ...]  # (warehouse id, lines)


@dataclass(frozen=True)
class Sourcing:
    assignments: list[Assignment]
    unplanned: dict[str, str]  # order id -> reason


def nearest_first(
    orders: list[Order], warehouses: list[Warehouse], directory: ZipDirectory
) -> dict[str, list[Warehouse]]:
    """Per order id, the warehouses from nearest to farthest (great circle, then id)."""
    homes = [directory.resolve(w.postal_code, f"warehouse {w.id}") for w in warehouses]
    dests = [directory.resolve(o.destination.postal_code) for o in orders]
    if not orders:
        return {}
    miles = distance_miles_many(
        np.array([[d.lat] for d in dests]),
        np.array([[d.lon] for d in dests]),
        np.array([[h.lat for h in homes]]),
        np.array([[h.lon for h in homes]]),
    )
    ids = [w.id for w in warehouses]
    return {
        o.id: [warehouses[j] for j in sorted(range(len(ids)), key=lambda j: (row[j], ids[j]))]
        for o, row in zip(orders, miles.tolist(), strict=True)
    }


def source_nearest(
    orders: list[Order], warehouses: list[Warehouse], directory: ZipDirectory
) -> Sourcing:
    stock = {w.id: dict(w.inventory) for w in warehouses}
    ranking = nearest_first(orders, warehouses, directory)
    assignments: list[Assignment] = []
    unplanned: dict[str, str] = {}
    for order in sorted(orders, key=Order.arrival_key):
        ranked = ranking[order.id]
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
