"""The day's plan: source the orders -> pack each basket once and rate-shop each shipment (in
a process pool or on Ray, journaled) -> consolidate and palletize (strategy full) -> the own
fleet -> one decision per input order, planned or unplanned with its reason. The plan's types
and knobs are in :mod:`shipopt.domain.plan`."""

from __future__ import annotations

import multiprocessing
from collections.abc import Callable
from concurrent.futures import Future, ProcessPoolExecutor
from dataclasses import dataclass, field
from datetime import UTC, date, datetime, time
from decimal import Decimal
from pathlib import Path
from typing import TYPE_CHECKING, Any

from shipopt.calendar import zone_info
from shipopt.domain.address import Address
from shipopt.domain.batch import Order, OrderLine, Sku, Warehouse
from shipopt.domain.packing import BoxType, Item, PackedBox, PackOptions, PackRequest
from shipopt.domain.parcel import Parcel
from shipopt.domain.plan import (
    Decision,
    OrderBook,
    OrderDecision,
    Plan,
    PlanSettings,
    RowProblem,
    ShipmentDecision,
)
from shipopt.domain.quote import Constraints, QuoteRequest, Rate
from shipopt.domain.shipment import Shipment
from shipopt.errors import InputError, Problem, ShipoptError
from shipopt.packing.cartonize import cartonize
from shipopt.packing.catalog import PriceMemo
from shipopt.pipeline.quote import (
    QuoteContext,
    choose,
    pack_items,
    plan_services,
    resolve_lane,
)
from shipopt.sourcing.by_cost import source_by_cost
from shipopt.sourcing.nearest import Assignment, Sourcing, source_nearest
from shipopt.units import Mass

if TYPE_CHECKING:
    from shipopt.pipeline.journal import Journal


def _one_box_per_unit(items: list[Item], boxes: list[BoxType]) -> list[Parcel]:
    """The no-cartonization baseline: every unit alone in the smallest box that holds it."""
    parcels = []
    for item in items:
        single = item.model_copy(update={"quantity": 1})
        packed = cartonize(
            PackRequest(items=[single], boxes=boxes, options=PackOptions(objective="boxes"))
        )
        if packed.unpacked:
            raise InputError(Problem(f"sku {item.sku}", packed.unpacked[0].message))
        box = packed.boxes[0]
        parcels += [Parcel(dimensions=box.outer, weight=box.gross_weight)] * item.quantity
    return parcels


def _items(lines: tuple[OrderLine, ...], skus: dict[str, Sku]) -> list[Item]:
    return [
        Item(
            sku=ln.sku,
            dimensions=skus[ln.sku].dimensions,
            weight=skus[ln.sku].weight,
            quantity=ln.quantity,
            orientation=skus[ln.sku].orientation,
            fragile=skus[ln.sku].fragile,
            ships_alone=skus[ln.sku].ships_alone,
        )
        for ln in lines
    ]


# The lane every basket is packed on: Chicago to a home in Dallas, about 800 miles (a middle
# zone for every sample carrier).
REFERENCE_ORIGIN, REFERENCE_DESTINATION = "60601", "75201"


@dataclass(frozen=True)
class BasketPacking:
    """How one basket (SKUs and quantities) from one warehouse goes: box names and parcels."""

    boxes: tuple[str, ...]
    parcels: tuple[Parcel, ...]
    fill_rate: Decimal | None = None  # item volume over the boxes' inner volume


@dataclass
class Baskets:
    """One process's memory of a plan's packing: each basket's packing (or why it cannot be
    packed), and the box-plus-shipping prices the packer asked for on the reference lane."""

    packings: dict[tuple[tuple[str, int], ...], BasketPacking | str] = field(default_factory=dict)
    prices: PriceMemo = field(default_factory=dict)
    reference: QuoteRequest | None = None  # the first basket's reference request, a template


def basket_key(lines: tuple[OrderLine, ...]) -> tuple[tuple[str, int], ...]:
    qty: dict[str, int] = {}
    for ln in lines:
        qty[ln.sku] = qty.get(ln.sku, 0) + ln.quantity
    return tuple(sorted(qty.items()))


def pack_basket(
    lines: tuple[OrderLine, ...],
    skus: dict[str, Sku],
    boxes: list[BoxType],
    ctx: QuoteContext,
    settings: PlanSettings,
    cache: Baskets,
) -> BasketPacking | str:
    """The basket's boxes, or why it cannot be packed. Cartonization is cost-aware, priced on a
    reference lane (``REFERENCE_ORIGIN`` to a home at ``REFERENCE_DESTINATION``) rather than the
    order's own, so that one packing serves every order with the same basket, from any
    warehouse: a day repeats baskets a lot."""
    key = basket_key(lines)
    if key in cache.packings:
        return cache.packings[key]
    # the canonical basket (one line per SKU, in SKU order): the packer depends on item order,
    # so every order with this basket, in any process, gets the same packing
    items = _items(tuple(OrderLine(sku=sku, quantity=q) for sku, q in key), skus)
    result: BasketPacking | str
    try:
        if settings.strategy == "no-cartonization":
            parcels = _one_box_per_unit(items, boxes)
            result = BasketPacking(("unit box",) * len(parcels), tuple(parcels))
        else:
            reference = _reference_request(items, boxes, settings, cache)
            now = datetime.combine(settings.day, time(0), UTC)
            lane = resolve_lane(reference.shipment, ctx.directory, now)
            plans, _ = plan_services(reference, ctx, lane)
            _, packing = pack_items(reference, ctx, lane, plans, cache.prices)  # not rated
            result = BasketPacking(
                tuple(b.box for b in packing.boxes),
                tuple(Parcel(dimensions=b.outer, weight=b.gross_weight) for b in packing.boxes),
                _fill(packing.boxes, boxes),
            )
    except ShipoptError as exc:
        result = str(exc)
    cache.packings[key] = result
    return result


def _reference_request(
    items: list[Item], boxes: list[BoxType], settings: PlanSettings, cache: Baskets
) -> QuoteRequest:
    """The basket's request on the reference lane. Lane, boxes and options are the same for
    every basket of a plan: the first one is validated and kept, later ones copy it with their
    own (already validated) items."""
    if cache.reference is not None:
        shipment = cache.reference.shipment.model_copy(update={"items": items})
        return cache.reference.model_copy(update={"shipment": shipment})
    cache.reference = QuoteRequest.model_validate(
        {
            "shipment": {
                "origin": {"postal_code": REFERENCE_ORIGIN},
                "destination": {"postal_code": REFERENCE_DESTINATION, "residential": True},
                "ship_at": datetime.combine(settings.day, time(9)).isoformat(),
                "items": [i.model_dump() for i in items],
                "boxes": [b.model_dump() for b in boxes],
                "pack_options": PackOptions(
                    time_limit=settings.pack_time_limit,
                    seed=settings.seed,
                    max_starts=settings.pack_starts,
                    exact_check=settings.pack_exact,
                    extra_fills=settings.pack_extra,
                ).model_dump(),
            },
            "constraints": {"carriers": _carriers(settings)},
        }
    )
    return cache.reference


def _fill(packed: list[PackedBox], catalog: list[BoxType]) -> Decimal | None:
    """Volume-weighted fill: the units' volume over the boxes' inner volume, 4 places."""
    inner = {b.name: b.inner for b in catalog}
    total = used = 0
    for box in packed:
        d = inner.get(box.box)
        if d is None:
            continue
        room = d.length.nm * d.width.nm * d.height.nm
        total += room
        used += round(float(box.fill_rate) * room)
    return (Decimal(used) / Decimal(total)).quantize(Decimal("0.0001")) if total else None


def _carriers(settings: PlanSettings) -> list[str] | None:
    strategy = settings.strategy
    return [strategy.split(":", 1)[1]] if strategy.startswith("single-carrier:") else None


def ready_time(order: Order, warehouse: Warehouse, ctx: QuoteContext, day: date) -> datetime:
    """When the shipment is ready: its order time, but never before the plan's day (an order
    placed earlier ships from the day's first hour at the warehouse); 09:00 without one."""
    start = datetime.combine(day, time(0))
    at = order.ordered_at
    if at is None:
        return datetime.combine(day, time(9))
    if at.tzinfo is None:
        return max(at, start)
    tz = zone_info(ctx.directory.resolve(warehouse.postal_code).timezone, "warehouse")
    return max(at, start.replace(tzinfo=tz))


def ship_order(
    order: Order,
    warehouse: Warehouse,
    packed: BasketPacking,
    ctx: QuoteContext,
    settings: PlanSettings,
    late_ok: bool,
) -> tuple[Rate | None, str]:
    """The rate chosen for the order's shipment under the strategy (or why none)."""
    request = QuoteRequest(  # validated parts (models are not validated again)
        shipment=Shipment(
            origin=Address(postal_code=warehouse.postal_code),
            destination=order.destination,
            ship_at=ready_time(order, warehouse, ctx, settings.day),
            parcels=list(packed.parcels),
        ),
        constraints=Constraints(
            deliver_by=None if late_ok else order.deliver_by,
            max_transit_days=None if late_ok else settings.level_days(order.service_level),
            carriers=_carriers(settings),
        ),
        policy="fastest" if late_ok or settings.strategy == "fastest" else "cheapest",
    )
    return choose(request, ctx, datetime.combine(settings.day, time(0), UTC))


def decide_shipment(
    order: Order,
    warehouse: Warehouse,
    lines: tuple[OrderLine, ...],
    skus: dict[str, Sku],
    boxes: list[BoxType],
    ctx: QuoteContext,
    settings: PlanSettings,
    cache: Baskets | None = None,
) -> ShipmentDecision | str:
    """Pack (once per basket) and rate-shop one shipment; a decision, or why it cannot be
    planned."""
    wid = warehouse.id
    packed = pack_basket(
        lines,
        skus,
        boxes,
        ctx,
        settings,
        Baskets() if cache is None else cache,
    )
    if isinstance(packed, str):
        return f"shipment from {wid}: {packed}"
    try:
        c, why = ship_order(order, warehouse, packed, ctx, settings, late_ok=False)
        limited = settings.level_days(order.service_level) is not None
        if c is None and (order.deliver_by is not None or limited):  # late beats never
            c, why = ship_order(order, warehouse, packed, ctx, settings, late_ok=True)
    except ShipoptError as exc:
        return f"shipment from {wid}: {exc}"
    if c is None:
        return f"shipment from {wid}: {why}"
    return ShipmentDecision(
        warehouse=wid,
        carrier=c.carrier,
        service=c.service,
        total=c.total,
        boxes=list(packed.boxes),
        fill_rate=packed.fill_rate,
        weight=Mass(sum(p.weight.ng for p in packed.parcels)),
        ship_date=c.ship_date,
        promised=c.estimated_delivery,
        on_time=None if order.deliver_by is None else c.estimated_delivery <= order.deliver_by,
    )


Job = tuple[Order, str, tuple[OrderLine, ...]]
_WORKER: dict[str, Any] = {}


def _init_worker(
    rate_tables: Path,
    skus: dict[str, Sku],
    boxes: list[BoxType],
    warehouses: list[Warehouse],
    settings: PlanSettings,
) -> None:
    _WORKER.update(
        cache=Baskets(),
        ctx=QuoteContext.from_directory(rate_tables),
        skus=skus,
        boxes=boxes,
        warehouses={w.id: w for w in warehouses},
        settings=settings,
    )


def _pack_work(chunk: list[tuple[OrderLine, ...]]) -> list[BasketPacking | str]:
    w = _WORKER
    return [
        pack_basket(lines, w["skus"], w["boxes"], w["ctx"], w["settings"], w["cache"])
        for lines in chunk
    ]


def _rate_work(job: tuple[Order, str, tuple[OrderLine, ...], BasketPacking | str]) -> Decision:
    order, wid, lines, packed = job
    w = _WORKER
    w["cache"].packings[basket_key(lines)] = packed
    return decide_shipment(
        order,
        w["warehouses"][wid],
        lines,
        w["skus"],
        w["boxes"],
        w["ctx"],
        w["settings"],
        w["cache"],
    )


BasketKey = tuple[tuple[str, int], ...]
PROGRESS_EVERY = 64  # results between progress reports from the pool


class _PoolRun:
    """A plan's process pool. Baskets start packing as soon as the orders are known (while the
    parent sources them); each distinct basket is packed once; then every shipment is rated on
    its own lane with its basket's packing."""

    def __init__(
        self,
        skus: dict[str, Sku],
        boxes: list[BoxType],
        warehouses: list[Warehouse],
        settings: PlanSettings,
    ) -> None:
        assert settings.rate_tables is not None
        self.settings = settings
        self.pool = ProcessPoolExecutor(
            settings.workers,
            # spawn, not fork: the HTTP service runs plans beside other threads, and a fork
            # taken while one of them holds a lock can hang the child
            mp_context=multiprocessing.get_context("spawn"),
            initializer=_init_worker,
            initargs=(settings.rate_tables, skus, boxes, warehouses, settings),
        )
        self.pending: dict[BasketKey, Future[list[BasketPacking | str]]] = {}
        self.index: dict[BasketKey, int] = {}

    def prepack(self, baskets: list[tuple[OrderLine, ...]]) -> None:
        todo = list({basket_key(b): b for b in baskets if basket_key(b) not in self.index}.items())
        size = max(1, min(16, len(todo) // (self.settings.workers * 8)))
        for k in range(0, len(todo), size):
            chunk = todo[k : k + size]
            future = self.pool.submit(_pack_work, [lines for _, lines in chunk])
            for n, (key, _) in enumerate(chunk):
                self.pending[key], self.index[key] = future, n

    def decide(
        self,
        jobs: list[Job],
        progress: Callable[[int, int], None] | None,
        record: Callable[[Job, Decision], None],
    ) -> list[Decision]:
        self.prepack([lines for _, _, lines in jobs])  # split shipments' own baskets
        keys = list(dict.fromkeys(basket_key(lines) for _, _, lines in jobs))
        total, done = len(keys) + len(jobs), 0
        packed: dict[BasketKey, BasketPacking | str] = {}
        for key in keys:
            packed[key] = self.pending[key].result()[self.index[key]]
            done += 1
            if progress is not None and (done % PROGRESS_EVERY == 0 or done == total):
                progress(done, total)
        work = [(o, wid, lines, packed[basket_key(lines)]) for o, wid, lines in jobs]
        results: list[Decision] = []
        chunk = max(1, min(64, len(jobs) // (self.settings.workers * 8)))
        for job, decision in zip(
            jobs, self.pool.map(_rate_work, work, chunksize=chunk), strict=True
        ):
            results.append(decision)
            record(job, decision)
            done += 1
            if progress is not None and (done % PROGRESS_EVERY == 0 or done == total):
                progress(done, total)
        return results

    def close(self, failed: bool) -> None:
        self.pool.shutdown(wait=not failed, cancel_futures=failed)


def plan_day(
    book: OrderBook,
    skus: dict[str, Sku],
    warehouses: list[Warehouse],
    boxes: list[BoxType],
    ctx: QuoteContext,
    settings: PlanSettings = PlanSettings(),
    progress: Callable[[int, int], None] | None = None,
    journal: Journal | None = None,
    resume: bool = False,
) -> Plan:
    """One decision per order of the book (kept orders planned or not; rejected ones unplanned
    with their input problems), in input order. With ``settings.workers`` > 1 and
    ``settings.rate_tables`` set, shipments are priced in a process pool; the plan is the same.
    ``progress(done, total)`` is called after each shipment; an exception it raises stops the
    plan (that is how a job is cancelled). With a ``journal`` every decision is written as it is
    made; with ``resume`` too, decisions already in the journal (same inputs and settings) are
    taken from it instead of being made again."""
    book.check_bad_share(settings.max_bad_share)
    only = _carriers(settings)
    known = sorted({k.split("/", 1)[0] for k in ctx.registry.keys})
    if only is not None and only[0] not in known:
        raise InputError(
            Problem("strategy", f"unknown carrier {only[0]!r}; known: {', '.join(known)}")
        )
    pool = None
    if settings.executor == "local" and settings.workers > 1 and settings.rate_tables is not None:
        pool = _PoolRun(skus, boxes, warehouses, settings)
    try:
        return _plan(book, skus, warehouses, boxes, ctx, settings, progress, journal, resume, pool)
    except BaseException:
        if pool is not None:
            pool.close(failed=True)
            pool = None
        raise
    finally:
        if pool is not None:
            pool.close(failed=False)


def _source(
    book: OrderBook,
    warehouses: list[Warehouse],
    skus: dict[str, Sku],
    ctx: QuoteContext,
    settings: PlanSettings,
) -> Sourcing:
    if settings.strategy == "nearest-warehouse":
        return source_nearest(book.orders, warehouses, ctx.directory)
    return source_by_cost(book.orders, warehouses, skus, ctx, settings.day, settings.split_penalty)


def sourcing_to_json(sourcing: Sourcing) -> dict[str, Any]:
    """The sourcing as JSON for the journal: each order's shipments as (warehouse, sku, qty)."""
    return {
        "assignments": [
            [
                a.order.id,
                [[wid, [[ln.sku, ln.quantity] for ln in lines]] for wid, lines in a.shipments],
            ]
            for a in sourcing.assignments
        ],
        "unplanned": sourcing.unplanned,
    }


def sourcing_from_json(data: dict[str, Any], orders: list[Order]) -> Sourcing:
    by_id = {o.id: o for o in orders}
    assignments = [
        Assignment(
            by_id[oid],
            tuple(
                (wid, tuple(OrderLine(sku=sku, quantity=q) for sku, q in lines))
                for wid, lines in shipments
            ),
        )
        for oid, shipments in data["assignments"]
    ]
    return Sourcing(assignments, dict(data["unplanned"]))


def _plan(
    book: OrderBook,
    skus: dict[str, Sku],
    warehouses: list[Warehouse],
    boxes: list[BoxType],
    ctx: QuoteContext,
    settings: PlanSettings,
    progress: Callable[[int, int], None] | None,
    journal: Journal | None,
    resume: bool,
    pool: _PoolRun | None,
) -> Plan:
    earlier = journal.load() if journal is not None and resume else {}
    stages = journal.stages if journal is not None and resume else {}
    if "sourcing" in stages:
        sourcing = sourcing_from_json(stages["sourcing"], book.orders)
    else:
        if pool is not None:  # baskets start packing while the parent sources
            pool.prepack([tuple(o.lines) for o in book.orders])
        sourcing = _source(book, warehouses, skus, ctx, settings)
    by_id = {w.id: w for w in warehouses}
    decided: dict[str, OrderDecision] = {}
    for oid, problems in book.rejected.items():
        decided[oid] = OrderDecision(
            order_id=oid, status="unplanned", reason="; ".join(str(p) for p in problems)
        )
    for oid, reason in sourcing.unplanned.items():
        decided[oid] = OrderDecision(order_id=oid, status="unplanned", reason=reason)
    jobs: list[Job] = [
        (a.order, wid, lines) for a in sourcing.assignments for wid, lines in a.shipments
    ]
    keys = [f"{order.id}|{wid}" for order, wid, _ in jobs]
    known = {k: earlier[k] for k in keys if k in earlier}
    todo = [job for job, k in zip(jobs, keys, strict=True) if k not in known]
    if pool is not None and "sourcing" in stages:  # resumed: pack only what is left
        pool.prepack([lines for _, _, lines in todo])
    if journal is not None:
        kept = {k: v for k, v in stages.items() if k == "sourcing"}
        journal.start(known, kept or {"sourcing": sourcing_to_json(sourcing)})

    def record(job: Job, decision: Decision) -> None:
        if journal is not None:
            journal.add(f"{job[0].id}|{job[1]}", decision)

    try:
        if settings.executor == "ray" and todo:
            from shipopt.pipeline.ray_executor import decide_on_ray

            fresh = decide_on_ray(todo, skus, boxes, warehouses, settings, progress, record)
        elif pool is not None:
            fresh = pool.decide(todo, progress, record)
        else:
            fresh = []
            cache = Baskets()
            for job in todo:
                order, wid, lines = job
                fresh.append(
                    decide_shipment(order, by_id[wid], lines, skus, boxes, ctx, settings, cache)
                )
                record(job, fresh[-1])
                if progress is not None:
                    progress(len(fresh), len(todo))
    except BaseException:
        if journal is not None:
            journal.close(finished=False)  # what was decided stays for --resume
        raise
    computed = iter(fresh)
    results = [known[k] if k in known else next(computed) for k in keys]
    per_order: dict[str, list[ShipmentDecision | str]] = {}
    for (order, _, _), result in zip(jobs, results, strict=True):
        per_order.setdefault(order.id, []).append(result)
    for a in sourcing.assignments:
        outcome = per_order[a.order.id]
        failures = [r for r in outcome if isinstance(r, str)]
        if failures:
            decided[a.order.id] = OrderDecision(
                order_id=a.order.id, status="unplanned", reason=failures[0]
            )
        else:
            shipments = [r for r in outcome if isinstance(r, ShipmentDecision)]
            decided[a.order.id] = OrderDecision(
                order_id=a.order.id,
                status="planned",
                shipments=shipments,
                total=sum((s.total for s in shipments), Decimal(0)),
            )
    ordered = [decided[oid] for oid in book.input_order()]
    try:
        if "consolidated" in stages:
            ordered = [OrderDecision.model_validate(d) for d in stages["consolidated"]]
        elif settings.strategy == "full":
            from shipopt.pipeline.consolidate import Day, consolidate, go_freight

            day = Day(
                orders={o.id: o for o in book.orders},
                lines_of={(order.id, wid): lines for order, wid, lines in jobs},
                warehouses=by_id,
                skus=skus,
                boxes=boxes,
                ctx=ctx,
                settings=settings,
                cache=Baskets(),
            )
            ordered = go_freight(consolidate(ordered, day), day)
            if journal is not None:
                journal.stage("consolidated", [d.model_dump(mode="json") for d in ordered])
        if any(w.fleet is not None and w.fleet.vans for w in warehouses):
            from shipopt.pipeline.fleet import assign_own_fleet

            ordered = assign_own_fleet(
                ordered, {o.id: o for o in book.orders}, warehouses, ctx.directory, settings
            )
    except BaseException:
        if journal is not None:
            journal.close(finished=False)
        raise
    if journal is not None:
        journal.close(finished=True)
    rows = [RowProblem(where=p.where, message=p.message) for p in book.problems]
    return Plan(orders=ordered, strategy=settings.strategy, row_problems=rows)
