"""One shipment (an order's lines from one warehouse): packed by its basket, rate-shopped on its
own lane under the strategy, decided. ``ShipmentWorker`` holds one process's state for this
work; the local process pool and the Ray actors both run it."""

from __future__ import annotations

from collections.abc import Callable
from datetime import UTC, date, datetime, time
from pathlib import Path

from shipopt.calendar import zone_info
from shipopt.domain.address import Address
from shipopt.domain.batch import Order, OrderLine, Sku, Warehouse
from shipopt.domain.packing import BoxType
from shipopt.domain.plan import Decision, PlanSettings, ShipmentDecision, Unplanned, UnplannedCode
from shipopt.domain.quote import Constraints, QuoteRequest, Rate
from shipopt.domain.shipment import Shipment
from shipopt.errors import ShipoptError
from shipopt.pipeline.baskets import (
    BasketPacking,
    Baskets,
    basket_key,
    carriers_of,
    pack_basket,
    without_layout,
)
from shipopt.pipeline.context import QuoteContext
from shipopt.pipeline.quote import choose
from shipopt.units import Mass

Job = tuple[Order, str, tuple[OrderLine, ...]]  # an order, the warehouse id, the lines it ships
PackedJob = tuple[Order, str, tuple[OrderLine, ...], BasketPacking | str]


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
            carriers=carriers_of(settings),
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
) -> Decision:
    """Pack (once per basket) and rate-shop one shipment; a decision, or why it cannot be
    planned."""
    wid = warehouse.id
    packed = pack_basket(lines, skus, boxes, ctx, settings, Baskets() if cache is None else cache)
    if isinstance(packed, str):
        return Unplanned(code=UnplannedCode.CANNOT_PACK, message=f"shipment from {wid}: {packed}")
    try:
        c, why = ship_order(order, warehouse, packed, ctx, settings, late_ok=False)
        limited = settings.level_days(order.service_level) is not None
        if c is None and (order.deliver_by is not None or limited):  # late beats never
            c, why = ship_order(order, warehouse, packed, ctx, settings, late_ok=True)
    except ShipoptError as exc:
        return Unplanned(code=UnplannedCode.NOT_RATED, message=f"shipment from {wid}: {exc}")
    if c is None:
        return Unplanned(code=UnplannedCode.NO_SERVICE, message=f"shipment from {wid}: {why}")
    return ShipmentDecision(
        warehouse=wid,
        carrier=c.carrier,
        service=c.service,
        total=c.total,
        boxes=list(packed.boxes),
        layout=list(packed.layout),
        fill_rate=packed.fill_rate,
        weight=Mass(sum(p.weight.ng for p in packed.parcels)),
        ship_date=c.ship_date,
        promised=c.estimated_delivery,
        on_time=None if order.deliver_by is None else c.estimated_delivery <= order.deliver_by,
        on_time_probability=c.on_time_probability,
    )


class ShipmentWorker:
    """One process's state for a plan's shipments: the quote context, the day's catalogs and the
    basket cache; packs baskets, then decides shipments whose basket packing is given."""

    def __init__(
        self,
        rate_tables: Path,
        skus: dict[str, Sku],
        boxes: list[BoxType],
        warehouses: list[Warehouse],
        settings: PlanSettings,
    ) -> None:
        self.ctx = QuoteContext.from_directory(rate_tables, settings.transit_model)
        self.skus, self.boxes, self.settings = skus, boxes, settings
        self.warehouses = {w.id: w for w in warehouses}
        self.cache = Baskets()

    def pack(self, baskets: list[tuple[OrderLine, ...]]) -> list[BasketPacking | str]:
        """Each basket's packing (or why it cannot be packed), in order. The worker keeps them
        without their layouts (the bulk of a packing, needed only by whoever asked): rating
        reads the parcels."""
        out = [
            pack_basket(lines, self.skus, self.boxes, self.ctx, self.settings, self.cache)
            for lines in baskets
        ]
        for lines, packed in zip(baskets, out, strict=True):
            self.cache.packings[basket_key(lines)] = without_layout(packed)
        return out

    def decide(self, jobs: list[PackedJob]) -> list[Decision]:
        """Each shipment decided with its basket's packing, in order."""
        out = []
        for order, wid, lines, packed in jobs:
            self.cache.packings[basket_key(lines)] = packed
            warehouse = self.warehouses[wid]
            out.append(
                decide_shipment(
                    order,
                    warehouse,
                    lines,
                    self.skus,
                    self.boxes,
                    self.ctx,
                    self.settings,
                    self.cache,
                )
            )
        return out


def decide_here(
    jobs: list[Job],
    warehouses: dict[str, Warehouse],
    skus: dict[str, Sku],
    boxes: list[BoxType],
    ctx: QuoteContext,
    settings: PlanSettings,
    progress: Callable[[int, int], None] | None,
    record: Callable[[Job, Decision], None],
) -> list[Decision]:
    """Every shipment decided in this process, one after the other."""
    out: list[Decision] = []
    cache = Baskets()
    for job in jobs:
        order, wid, lines = job
        out.append(
            decide_shipment(order, warehouses[wid], lines, skus, boxes, ctx, settings, cache)
        )
        record(job, out[-1])
        if progress is not None:
            progress(len(out), len(jobs))
    return out
