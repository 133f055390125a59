"""Cost-based sourcing: each order's lines to warehouses with stock, least estimated shipping
cost plus a penalty for every extra shipment, under the day's inventory (linear programming).

Each order gets a few options: the whole order from any warehouse that stocks all of it, and one
split (each line from the nearest warehouse stocking it). An option's cost is the cheapest
parcel-service price (numpy batch rating) of one estimated parcel per shipment: the lines'
weight, in a cube of their volume plus 25% packing slack (at least as long as the longest unit),
plus ``split_penalty`` for each shipment after the first. A linear program (GLOP, through
OR-Tools) then picks one option per order (or none: the order is unplanned, at a cost far above
any shipping) with no warehouse giving more of a SKU than it holds; the few orders it leaves
fractional are filled greedily. The greedy answer (each order's cheapest option still in stock,
in order-time order) is the fallback, and the optimized answer is kept only when it is no worse.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date
from decimal import Decimal
from typing import Protocol

import numpy as np

from shipopt.domain.batch import Order, OrderLine, Sku, Warehouse
from shipopt.geo import ZipDirectory
from shipopt.ratetables.registry import RateRegistry
from shipopt.rating.batch import rate_batch
from shipopt.rating.parcel_rules import ParcelRuleBook
from shipopt.rating.vectorized import NOT_CARRIED, ParcelArrays
from shipopt.sourcing.lp import choice_lp
from shipopt.sourcing.nearest import Assignment, Sourcing, nearest_first
from shipopt.zones import ZoneArrays

NO_PRICE = 10**7  # cents: a lane no parcel service prices (freight would; kept as a last resort)
UNPLANNED = 10**9  # cents: leaving an order out costs more than any shipping


Shipments = tuple[tuple[str, tuple[OrderLine, ...]], ...]  # (warehouse id, lines) each


class RatingData(Protocol):
    """What estimating shipping needs (a quote context has it): the services, their parcel
    rules and the ZIP directory."""

    registry: RateRegistry
    rules: ParcelRuleBook
    directory: ZipDirectory


@dataclass(frozen=True)
class Option:
    order: int  # index into the orders
    shipments: Shipments
    cost: int  # estimated cents, penalty included


def _parcel(lines: tuple[OrderLine, ...], skus: dict[str, Sku]) -> tuple[list[int], int]:
    volume = 0
    weight = 0
    longest = 0
    for ln in lines:
        d = skus[ln.sku].dimensions
        sides = (d.length.nm, d.width.nm, d.height.nm)
        volume += ln.quantity * sides[0] * sides[1] * sides[2]
        weight += ln.quantity * skus[ln.sku].weight.ng
        longest = max(longest, *sides)
    side = round((volume * 1.25) ** (1 / 3))
    return [max(side, longest), side, side], weight


def _options(
    orders: list[Order],
    warehouses: list[Warehouse],
    directory: ZipDirectory,
    ranking: dict[str, list[Warehouse]] | None = None,
) -> list[list[Shipments]]:
    ranking = ranking or nearest_first(orders, warehouses, directory)
    out = []
    for order in orders:
        ranked = ranking[order.id]
        lines = tuple(order.lines)
        whole: list[Shipments] = [
            ((w.id, lines),)
            for w in ranked
            if all(w.inventory.get(ln.sku, 0) >= ln.quantity for ln in lines)
        ]
        picks: dict[str, list[OrderLine]] = {}
        for ln in lines:
            w = next((w for w in ranked if w.inventory.get(ln.sku, 0) >= ln.quantity), None)
            if w is None:
                picks = {}
                break
            picks.setdefault(w.id, []).append(ln)
        split = tuple((wid, tuple(ls)) for wid, ls in picks.items())
        opts = list(whole)
        if len(split) > 1:
            opts.append(split)
        out.append(opts)
    return out


def estimate_costs(
    orders: list[Order],
    candidates: list[list[Shipments]],
    skus: dict[str, Sku],
    warehouses: list[Warehouse],
    ctx: RatingData,
    ship_date: date,
    split_cents: int,
) -> list[Option]:
    """Every candidate's estimated cost, rated in one numpy batch."""
    zip_of = {w.id: int(ctx.directory.resolve(w.postal_code).zip5) for w in warehouses}
    owner: list[int] = []  # the option of each estimated parcel
    sides, weights, residential, dest, origin = [], [], [], [], []
    flat: list[tuple[int, Shipments]] = []
    for k, opts in enumerate(candidates):
        order = orders[k]
        dzip = int(ctx.directory.resolve(order.destination.postal_code).zip5)
        for shipments in opts:
            for wid, lines in shipments:
                s, w = _parcel(lines, skus)
                owner.append(len(flat))
                sides.append(sorted(s, reverse=True))
                weights.append(w)
                residential.append(order.destination.residential)
                dest.append(dzip)
                origin.append(zip_of[wid])
            flat.append((k, shipments))
    if not flat:
        return []
    rates = rate_batch(
        ctx.registry,
        ctx.rules,
        ZoneArrays(ctx.directory),
        ctx.directory,
        np.array(origin, dtype=np.int64),
        ParcelArrays(
            sides_nm=np.array(sides, dtype=np.int64),
            weight_ng=np.array(weights, dtype=np.int64),
            residential=np.array(residential, dtype=bool),
            dest_zip=np.array(dest, dtype=np.int64),
        ),
        ship_date,
    )
    totals = np.where(rates.totals == NOT_CARRIED, NO_PRICE, rates.totals)
    best = totals.min(axis=1) if totals.shape[1] else np.full(len(owner), NO_PRICE)
    cost = [0] * len(flat)
    for idx, cents in zip(owner, best.tolist(), strict=True):
        cost[idx] += int(cents)
    return [
        Option(k, shipments, cost[i] + split_cents * (len(shipments) - 1))
        for i, (k, shipments) in enumerate(flat)
    ]


def _greedy(
    orders: list[Order],
    by_order: list[list[int]],
    options: list[Option],
    stock: dict[str, dict[str, int]],
) -> list[int | None]:
    left = {w: dict(s) for w, s in stock.items()}
    chosen: list[int | None] = [None] * len(orders)
    sequence = sorted(range(len(orders)), key=lambda k: orders[k].arrival_key())
    for k in sequence:
        for i in sorted(by_order[k], key=lambda i: (options[i].cost, i)):
            need = [(wid, ln) for wid, lines in options[i].shipments for ln in lines]
            if all(left[wid].get(ln.sku, 0) >= ln.quantity for wid, ln in need):
                for wid, ln in need:
                    left[wid][ln.sku] -= ln.quantity
                chosen[k] = i
                break
    return chosen


def source_by_cost(
    orders: list[Order],
    warehouses: list[Warehouse],
    skus: dict[str, Sku],
    ctx: RatingData,
    ship_date: date,
    split_penalty: Decimal = Decimal("2.00"),
    time_limit: float = 60.0,
) -> Sourcing:
    """See the module docstring."""
    split_cents = int(split_penalty * 100)
    ranking = nearest_first(orders, warehouses, ctx.directory)
    candidates = _options(orders, warehouses, ctx.directory, ranking)
    options = estimate_costs(orders, candidates, skus, warehouses, ctx, ship_date, split_cents)
    by_order: list[list[int]] = [[] for _ in orders]
    for i, opt in enumerate(options):
        by_order[opt.order].append(i)
    stock = {w.id: dict(w.inventory) for w in warehouses}
    chosen = _greedy(orders, by_order, options, stock)
    # Only orders that may draw on a scarce (warehouse, SKU) (all its options together ask
    # for more than it holds) compete; every other order simply takes its cheapest option.
    asked: dict[tuple[str, str], int] = {}
    for opt in options:
        for wid, lines in opt.shipments:
            for ln in lines:
                asked[(wid, ln.sku)] = asked.get((wid, ln.sku), 0) + ln.quantity
    scarce = {key for key, n in asked.items() if n > stock[key[0]].get(key[1], 0)}
    competing = [
        k
        for k, idxs in enumerate(by_order)
        if any(
            (wid, ln.sku) in scarce
            for i in idxs
            for wid, lines in options[i].shipments
            for ln in lines
        )
    ]
    free = set(range(len(orders))) - set(competing)
    cheapest = [
        min(idxs, key=lambda i: (options[i].cost, i)) if idxs else None for idxs in by_order
    ]
    optimal = [cheapest[k] if k in free else None for k in range(len(orders))]
    if competing:
        sub = _improve(
            [orders[k] for k in competing],
            [by_order[k] for k in competing],
            options,
            stock,
            [chosen[k] for k in competing],
            time_limit,
        )
        for k, pick in zip(competing, sub, strict=True):
            optimal[k] = pick
    if _total(optimal, options) <= _total(chosen, options):
        chosen = optimal
    repaired = _repair(orders, chosen, options, stock, ranking)
    assignments: list[Assignment] = []
    unplanned: dict[str, str] = {}
    for k, order in enumerate(orders):
        pick = chosen[k]
        if k in repaired:
            assignments.append(Assignment(order, repaired[k]))
        elif pick is None:
            unplanned[order.id] = (
                "out of stock in every warehouse"
                if not by_order[k]
                else "its stock went to other orders (the day's inventory is short)"
            )
        else:
            assignments.append(Assignment(order, options[pick].shipments))
    return Sourcing(assignments, unplanned)


def _repair(
    orders: list[Order],
    chosen: list[int | None],
    options: list[Option],
    stock: dict[str, dict[str, int]],
    ranking: dict[str, list[Warehouse]],
) -> dict[int, Shipments]:
    """Orders left out but fillable from what the chosen options leave, by a split the options
    did not list: each line from the nearest warehouse with enough of it left (first come,
    first served)."""
    left = {w: dict(s) for w, s in stock.items()}
    for pick in chosen:
        if pick is not None:
            for wid, lines in options[pick].shipments:
                for ln in lines:
                    left[wid][ln.sku] -= ln.quantity
    repaired: dict[int, Shipments] = {}
    for k in sorted(
        (k for k, pick in enumerate(chosen) if pick is None), key=lambda k: orders[k].arrival_key()
    ):
        order = orders[k]
        picks: dict[str, list[OrderLine]] = {}
        for ln in order.lines:
            w = next(
                (w for w in ranking[order.id] if left[w.id].get(ln.sku, 0) >= ln.quantity), None
            )
            if w is None:
                break
            picks.setdefault(w.id, []).append(ln)
        else:
            for wid, taken in picks.items():
                for ln in taken:
                    left[wid][ln.sku] -= ln.quantity
            repaired[k] = tuple((wid, tuple(taken)) for wid, taken in picks.items())
    return repaired


def _improve(
    orders: list[Order],
    by_order: list[list[int]],
    options: list[Option],
    stock: dict[str, dict[str, int]],
    greedy: list[int | None],
    time_limit: float,
) -> list[int | None]:
    """The least-cost choice by linear programming (GLOP): one option or none per order, stock
    per warehouse and SKU. This assignment LP comes out nearly integral; orders left
    fractional are then filled greedily from the stock the integral ones left."""
    uses = [
        [(wid, ln.sku, ln.quantity) for wid, lines in opt.shipments for ln in lines]
        for opt in options
    ]
    x = choice_lp(by_order, [o.cost for o in options], uses, stock, UNPLANNED, time_limit)
    if x is None:
        return greedy
    left = {w: dict(s) for w, s in stock.items()}
    chosen: list[int | None] = [None] * len(orders)
    for k, idxs in enumerate(by_order):
        for i in idxs:
            if x[i] > 1 - 1e-6:
                chosen[k] = i
                for wid, lines in options[i].shipments:
                    for ln in lines:
                        left[wid][ln.sku] -= ln.quantity
    rest = [k for k, pick in enumerate(chosen) if pick is None and by_order[k]]
    for k, pick in zip(
        rest,
        _greedy([orders[k] for k in rest], [by_order[k] for k in rest], options, left),
        strict=True,
    ):
        chosen[k] = pick
    return chosen


def _total(chosen: list[int | None], options: list[Option]) -> int:
    return sum(UNPLANNED if i is None else options[i].cost for i in chosen)
