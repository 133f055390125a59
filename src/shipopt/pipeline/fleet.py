"""Own fleet or carrier: a warehouse's vans take the nearby shipments that pay.

Every planned single-shipment order within a warehouse's van radius becomes a routing stop whose
drop penalty is its best carrier quote; the routing solver then keeps exactly the stops that are
cheaper by van. A route's cost is shared over its stops to the cent (the first stops take the
remainder). The search stops after a fixed number of iterations, so the plan does not depend on
the machine's speed.
"""

from __future__ import annotations

from decimal import Decimal

from shipopt.domain.batch import Order, Warehouse
from shipopt.domain.plan import OrderDecision, PlanSettings, ShipmentDecision
from shipopt.domain.routing import Depot, Place, RoutingRequest, Stop, VehicleType
from shipopt.geo import ZipDirectory, distance_miles
from shipopt.routing.build import build, report
from shipopt.routing.evaluate import evaluate
from shipopt.routing.pyvrp_adapter import solve_pyvrp

OWN_FLEET = "own-fleet"
STOPS_PER_VAN = 60  # offered to the router per van (about twice a full day's deliveries)


def _shares(total: Decimal, n: int) -> list[Decimal]:
    cents = int((total * 100).to_integral_value())
    base, extra = divmod(cents, n)
    return [Decimal(base + (1 if k < extra else 0)) / 100 for k in range(n)]


def assign_own_fleet(
    decisions: list[OrderDecision],
    orders: dict[str, Order],
    warehouses: list[Warehouse],
    directory: ZipDirectory,
    settings: PlanSettings,
) -> list[OrderDecision]:
    updated = {d.order_id: d for d in decisions}
    for w in warehouses:
        fleet = w.fleet
        if fleet is None or fleet.vans == 0:
            continue
        home = directory.resolve(w.postal_code, f"warehouse {w.id}")
        candidates = []
        for d in decisions:
            if d.status != "planned" or len(d.shipments) != 1 or d.shipments[0].warehouse != w.id:
                continue
            if d.shipments[0].consolidated or d.shipments[0].pallets:
                continue  # joint shipments and freight stay with their carrier
            dest = directory.resolve(orders[d.order_id].destination.postal_code)
            if distance_miles((home.lat, home.lon), (dest.lat, dest.lon)) <= fleet.radius_miles:
                candidates.append(d)
        if not candidates:
            continue
        # A van day holds a few dozen stops: offer the solver the orders the vans can save the
        # most on (the highest carrier quotes), about twice what the fleet can visit. More only
        # slows the search (and, on a fixed budget, can leave it with no feasible answer).
        cap = fleet.vans * STOPS_PER_VAN
        if len(candidates) > cap:
            candidates = sorted(candidates, key=lambda d: (-d.shipments[0].total, d.order_id))[:cap]
        request = RoutingRequest(
            depots=[Depot(id=w.id, place=Place(postal_code=w.postal_code))],
            vehicle_types=[
                VehicleType(
                    id=f"{w.id}-van",
                    count=fleet.vans,
                    depot=w.id,
                    capacity_weight=fleet.capacity_weight,
                    capacity_parcels=fleet.capacity_parcels,
                    fixed_cost=fleet.fixed_cost,
                    cost_per_km=fleet.cost_per_km,
                    cost_per_hour=fleet.cost_per_hour,
                    shift_start=fleet.shift_start,
                    shift_end=fleet.shift_end,
                )
            ],
            stops=[
                Stop(
                    id=d.order_id,
                    place=Place(postal_code=orders[d.order_id].destination.postal_code),
                    weight=d.shipments[0].weight,
                    parcels=len(d.shipments[0].boxes),
                    service_minutes=fleet.service_minutes,
                    drop_penalty=d.shipments[0].total,
                )
                for d in candidates
            ],
            solver="pyvrp",
            time_limit=settings.route_time_limit,
            seed=settings.seed,
        )
        built = build(request, directory)
        routes = solve_pyvrp(
            built.data, settings.route_time_limit, settings.seed, settings.route_iterations
        )
        ev = evaluate(built.data, routes)
        if not ev.feasible or routes.failure:
            continue  # keep the carriers
        result = report(request, built, routes, ev)
        for k, route in enumerate(result.routes, 1):
            for stop_no, (visit, share) in enumerate(
                zip(route.visits, _shares(route.cost, len(route.visits)), strict=True), 1
            ):
                d = updated[visit.stop]
                s = d.shipments[0]
                order = orders[d.order_id]
                van = ShipmentDecision(
                    warehouse=w.id,
                    carrier=OWN_FLEET,
                    service=route.vehicle_type,
                    total=share,
                    boxes=s.boxes,
                    weight=s.weight,
                    ship_date=s.ship_date,
                    promised=s.ship_date,
                    on_time=None if order.deliver_by is None else s.ship_date <= order.deliver_by,
                    route=f"{w.id}-R{k}",
                    stop=stop_no,
                    carrier_quote=s.total,
                )
                updated[d.order_id] = d.model_copy(update={"shipments": [van], "total": share})
    return [updated[d.order_id] for d in decisions]
