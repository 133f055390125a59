"""Consolidation and freight, after each shipment was rated on its own.

Consolidation: planned shipments leaving one warehouse on one day for the same address (street,
ZIP, country) are packed and rated together; when the joint shipment costs less than they did
apart (and meets the earliest deliver-by among them), each order keeps its share of the joint
cost, proportional to what it cost alone, to the cent. Freight: a shipment of many or heavy
boxes is stacked on pallets and rated on the freight services (LTL, truckload); it goes as
freight when that is cheaper than its parcels.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date
from decimal import Decimal

from shipopt.domain.batch import Order, OrderLine, Sku, Warehouse
from shipopt.domain.packing import BoxType
from shipopt.domain.plan import OrderDecision, PlanSettings, ShipmentDecision
from shipopt.errors import ShipoptError
from shipopt.packing.pallets import Carton, PalletRequest, palletize
from shipopt.pipeline.baskets import BasketPacking, Baskets, box_layout, pack_basket
from shipopt.pipeline.context import QuoteContext
from shipopt.pipeline.shipments import ship_order
from shipopt.units import Mass

FREIGHT_MIN_BOXES = 4
FREIGHT_MIN_WEIGHT = Mass.parse("150 lb")


@dataclass(frozen=True)
class Day:
    """What the day's later steps look up: orders, what each shipment carries
    (``lines_of[(order id, warehouse id)]``), warehouses, catalogs, rating and the basket cache."""

    orders: dict[str, Order]
    lines_of: dict[tuple[str, str], tuple[OrderLine, ...]]
    warehouses: dict[str, Warehouse]
    skus: dict[str, Sku]
    boxes: list[BoxType]
    ctx: QuoteContext
    settings: PlanSettings
    cache: Baskets

    def pack(self, lines: tuple[OrderLine, ...]) -> BasketPacking | str:
        return pack_basket(lines, self.skus, self.boxes, self.ctx, self.settings, self.cache)


def shares(total: Decimal, weights: list[Decimal]) -> list[Decimal]:
    """``total`` split in proportion to ``weights``, to the cent, summing exactly (largest
    remainders take the leftover cents, ties by position)."""
    cents = int((total * 100).to_integral_value())
    whole = sum(weights) or Decimal(len(weights))
    raw = [cents * (w if sum(weights) else Decimal(1)) / whole for w in weights]
    base = [int(r) for r in raw]
    order = sorted(range(len(raw)), key=lambda k: (-(raw[k] - base[k]), k))
    for k in order[: cents - sum(base)]:
        base[k] += 1
    return [Decimal(b) / 100 for b in base]


def _address_key(order: Order) -> tuple[object, ...] | None:
    d = order.destination
    if not d.line1:
        return None  # without a street line two orders in one ZIP are not one address
    return (d.country, d.postal_code, d.line1.strip().lower(), d.residential)


def _merge(lines: list[OrderLine]) -> tuple[OrderLine, ...]:
    qty: dict[str, int] = {}
    for ln in lines:
        qty[ln.sku] = qty.get(ln.sku, 0) + ln.quantity
    return tuple(OrderLine(sku=s, quantity=q) for s, q in sorted(qty.items()))


def consolidate(decisions: list[OrderDecision], day: Day) -> list[OrderDecision]:
    """Merge same-address, same-day shipments when cheaper."""
    orders = day.orders
    groups: dict[tuple[str, date, tuple[object, ...]], list[str]] = {}
    for d in decisions:
        if d.status != "planned" or len(d.shipments) != 1:
            continue
        s = d.shipments[0]
        key = _address_key(orders[d.order_id])
        if key is not None and s.route is None:
            groups.setdefault((s.warehouse, s.ship_date, key), []).append(d.order_id)
    updated = {d.order_id: d for d in decisions}
    for (wid, _, _), ids in sorted(groups.items(), key=lambda kv: kv[1]):
        if len(ids) < 2:
            continue
        members = [updated[i] for i in ids]
        apart = sum((m.total for m in members), Decimal(0))
        lines = _merge([ln for i in ids for ln in day.lines_of[(i, wid)]])
        packed = day.pack(lines)
        if isinstance(packed, str):
            continue
        dues = [due for i in ids if (due := orders[i].deliver_by) is not None]
        deliver_by = min(dues) if dues else None
        first = orders[ids[0]]
        timed = [orders[i] for i in ids if orders[i].ordered_at is not None]
        ready = max(timed, key=Order.arrival_key).ordered_at if timed else None
        joint_order = first.model_copy(update={"deliver_by": deliver_by, "ordered_at": ready})
        try:
            choice, _ = ship_order(
                joint_order, day.warehouses[wid], packed, day.ctx, day.settings, late_ok=False
            )
        except ShipoptError:
            continue
        if choice is None or choice.total >= apart:
            continue
        split = shares(choice.total, [m.total for m in members])
        shipment_id = f"C-{wid}-{ids[0]}"
        for m, part in zip(members, split, strict=True):
            order = orders[m.order_id]
            old = m.shipments[0]
            new = _decision(
                old,
                choice.carrier,
                choice.service,
                part,
                packed,
                choice.ship_date,
                choice.estimated_delivery,
                order.deliver_by,
            )
            updated[m.order_id] = m.model_copy(
                update={
                    "shipments": [new.model_copy(update={"consolidated": shipment_id})],
                    "total": part,
                }
            )
    return [updated[d.order_id] for d in decisions]


def _decision(
    old: ShipmentDecision,
    carrier: str,
    service: str,
    total: Decimal,
    packed: BasketPacking,
    ship_day: date,
    promised: date,
    deliver_by: date | None,
) -> ShipmentDecision:
    return old.model_copy(
        update={
            "carrier": carrier,
            "service": service,
            "total": total,
            "boxes": list(packed.boxes),
            "fill_rate": packed.fill_rate,
            "weight": Mass(sum(p.weight.ng for p in packed.parcels)),
            "ship_date": ship_day,
            "promised": promised,
            "on_time": None if deliver_by is None else promised <= deliver_by,
            "carrier_quote": old.total,
        }
    )


def go_freight(decisions: list[OrderDecision], day: Day) -> list[OrderDecision]:
    """Palletize large single-order shipments and ship them as freight when cheaper."""
    out = []
    for d in decisions:
        if d.status != "planned" or any(s.route or s.consolidated for s in d.shipments):
            out.append(d)
            continue
        shipments = []
        for s in d.shipments:
            if len(s.boxes) < FREIGHT_MIN_BOXES and s.weight.ng < FREIGHT_MIN_WEIGHT.ng:
                shipments.append(s)
                continue
            packed = day.pack(day.lines_of[(d.order_id, s.warehouse)])
            freight = None if isinstance(packed, str) else _freight(packed, day.settings)
            if freight is None:
                shipments.append(s)
                continue
            order = day.orders[d.order_id]
            try:
                c, _ = ship_order(
                    order, day.warehouses[s.warehouse], freight, day.ctx, day.settings, False
                )
            except ShipoptError:
                shipments.append(s)
                continue
            if c is None or c.total >= s.total:
                shipments.append(s)
                continue
            shipments.append(
                s.model_copy(
                    update={
                        "carrier": c.carrier,
                        "service": c.service,
                        "total": c.total,
                        "pallets": len(freight.parcels),
                        "layout": [*s.layout, *freight.layout],
                        "ship_date": c.ship_date,
                        "promised": c.estimated_delivery,
                        "on_time": None
                        if order.deliver_by is None
                        else c.estimated_delivery <= order.deliver_by,
                        "carrier_quote": s.total,
                    }
                )
            )
        out.append(
            d.model_copy(
                update={
                    "shipments": shipments,
                    "total": sum((s.total for s in shipments), Decimal(0)),
                }
            )
        )
    return out


def _freight(packed: BasketPacking, settings: PlanSettings) -> BasketPacking | None:
    """The packed cartons stacked on pallets, as pallet parcels (None if they do not stack)."""
    cartons = [
        Carton(id=f"{name}-{k}", dimensions=p.dimensions, weight=p.weight)
        for k, (name, p) in enumerate(zip(packed.boxes, packed.parcels, strict=True))
    ]
    try:
        request = PalletRequest(
            cartons=cartons, time_limit=settings.pack_time_limit, seed=settings.seed
        )  # eight restarts, the time limit only a cap (the same plan on any machine)
        result = palletize(request)
    except (ShipoptError, ValueError):
        return None
    if result.unplaced or not result.pallets:
        return None
    return BasketPacking(
        tuple(p.load.box for p in result.pallets),
        tuple(p.parcel for p in result.pallets),
        layout=tuple(box_layout(p.load, []) for p in result.pallets),
    )
