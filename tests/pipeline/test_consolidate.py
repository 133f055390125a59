"""The full strategy: same-address consolidation and palletized freight, each checked against an
independent re-quote, and cost shares that add up to the cent."""

from decimal import Decimal

from hypothesis import given
from hypothesis import strategies as st
from pydantic import TypeAdapter

from shipopt.domain.batch import Order, Sku, Warehouse
from shipopt.domain.packing import BoxType
from shipopt.domain.plan import OrderBook, PlanSettings
from shipopt.domain.quote import QuoteRequest
from shipopt.pipeline.consolidate import shares
from shipopt.pipeline.context import QuoteContext
from shipopt.pipeline.plan import plan_day
from shipopt.pipeline.quote import quote
from tests.conftest import ROOT

BOXES = TypeAdapter(list[BoxType]).validate_json((ROOT / "examples" / "boxes.json").read_text())


@given(
    st.decimals(min_value=0, max_value=10_000, places=2),
    st.lists(st.decimals(min_value=0, max_value=500, places=2), min_size=1, max_size=8),
)
def test_shares_add_up_to_the_cent(total: Decimal, weights: list[Decimal]) -> None:
    parts = shares(total, weights)
    assert sum(parts) == total and all(p >= 0 for p in parts)
    if sum(weights):
        for p, w in zip(parts, weights, strict=True):
            assert abs(p - total * w / sum(weights)) <= Decimal("0.01")


def order(oid: str, lines: dict[str, int], street: str | None = "12 Main St") -> Order:
    return Order.model_validate(
        {
            "id": oid,
            "lines": [{"sku": s, "quantity": q} for s, q in lines.items()],
            "destination": {"postal_code": "30303", "line1": street, "residential": True},
            "ordered_at": "2026-12-01T09:00:00",
        }
    )


SKUS = {
    "MUG": Sku.model_validate({"sku": "MUG", "dimensions": "5x4x4 in", "weight": "14 oz"}),
    "BOOK": Sku.model_validate({"sku": "BOOK", "dimensions": "9x6x1.5 in", "weight": "1.2 lb"}),
    "CASE": Sku.model_validate({"sku": "CASE", "dimensions": "16x12x10 in", "weight": "38 lb"}),
}
STOCK = Warehouse(id="CHI", postal_code="60601", inventory={"MUG": 50, "BOOK": 50, "CASE": 200})


def test_same_address_orders_ride_together_when_cheaper(ctx: QuoteContext) -> None:
    book = OrderBook(
        orders=[
            order("A", {"MUG": 1}),
            order("B", {"BOOK": 1}),
            order("C", {"MUG": 1}, street="99 Other Rd"),  # same ZIP, another address
        ]
    )
    cheapest = plan_day(book, SKUS, [STOCK], BOXES, ctx, PlanSettings(strategy="cheapest"))
    full = plan_day(book, SKUS, [STOCK], BOXES, ctx, PlanSettings(strategy="full"))
    apart = {o.order_id: o for o in cheapest.orders}
    joint = {o.order_id: o for o in full.orders}
    assert [o.order_id for o in full.orders] == ["A", "B", "C"]
    a, b, c = joint["A"].shipments[0], joint["B"].shipments[0], joint["C"].shipments[0]
    assert a.consolidated is not None and a.consolidated == b.consolidated
    assert c.consolidated is None and joint["C"] == apart["C"]
    together = joint["A"].total + joint["B"].total
    assert together < apart["A"].total + apart["B"].total
    # independent re-quote of the joint shipment's boxes: the shares add up to it
    request = QuoteRequest.model_validate(
        {
            "shipment": {
                "origin": {"postal_code": "60601"},
                "destination": {"postal_code": "30303", "residential": True},
                "ship_at": "2026-12-01T09:00:00",
                "items": [
                    {"sku": "BOOK", "dimensions": "9x6x1.5 in", "weight": "1.2 lb", "quantity": 1},
                    {"sku": "MUG", "dimensions": "5x4x4 in", "weight": "14 oz", "quantity": 1},
                ],
                "boxes": [b.model_dump() for b in BOXES],
            }
        }
    )
    direct = quote(request, ctx)
    assert direct.choice is not None and direct.packing is not None
    assert [bx.box for bx in direct.packing.boxes] == a.boxes
    assert together == direct.choice.total  # same lane, same boxes: the same price
    assert a.carrier_quote == apart["A"].total


def test_heavy_shipments_go_as_freight_when_cheaper(ctx: QuoteContext) -> None:
    book = OrderBook(orders=[order("BIG", {"CASE": 40}, street="1 Dock Way")])
    parcels = plan_day(book, SKUS, [STOCK], BOXES, ctx, PlanSettings(strategy="cheapest"))
    full = plan_day(book, SKUS, [STOCK], BOXES, ctx, PlanSettings(strategy="full"))
    s = full.orders[0].shipments[0]
    assert s.pallets >= 1 and s.total < parcels.orders[0].total
    # the 3D view: the cartons, then each pallet with the cartons on it
    pallets = s.layout[len(s.boxes) :]
    assert len(pallets) == s.pallets and all(p.units for p in pallets)
    assert sum(len(p.units) for p in pallets) == len(s.boxes)
    assert s.carrier_quote == parcels.orders[0].total
    service = next(
        v
        for k in ctx.registry.keys
        for v in ctx.registry.versions(k)
        if v.spec.carrier == s.carrier and v.spec.service == s.service
    )
    assert service.spec.mode in ("ltl", "truckload")
