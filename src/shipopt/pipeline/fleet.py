"""Own fleet or carrier: a warehouse's vans take the nearby shipments that pay.

Every planned single-shipment order within a warehouse's van radius becomes a routing stop whose
drop penalty is its best carrier quote; the routing solver then keeps exactly the stops that are
cheaper by van. A route's cost is shared over its stops to the cent (the first stops take the
remainder). The search stops after a fixed number of iterations, so the plan does not depend on
the machine's speed.
"""

from __future__ import annotations

from decimal import Decimal

from shipopt.domain.batch import Fleet, Order, Warehouse
from shipopt.domain.plan import OrderDecision, PlanSettings, RoutePlan, RouteStop, ShipmentDecision
from shipopt.domain.routing import Depot, Place, PlannedRoute, RoutingRequest, Stop, VehicleType
from shipopt.geo import ZipDirectory, ZipPoint, distance_miles
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
) -> tuple[list[OrderDecision], list[RoutePlan]]:
    """Each warehouse's vans take the orders in their radius that they deliver for less than
    the carrier quote (the quote is the stop's drop penalty); the rest keep their carrier.
    Also each route driven, with its stops' places and times."""
    updated = {d.order_id: d for d in decisions}
    plans: list[RoutePlan] = []
    for w in warehouses:
        fleet = w.fleet
        if fleet is None or fleet.vans == 0:
            continue
        candidates = _candidates(decisions, orders, w, fleet, directory)
        if not candidates:
            continue
        request = _van_request(w, fleet, candidates, orders, settings)
        built = build(request, directory)
        routes = solve_pyvrp(
            built.data, settings.route_time_limit, settings.seed, settings.route_iterations
        )
        ev = evaluate(built.data, routes)
        if not ev.feasible or routes.failure:
            continue  # keep the carriers
        result = report(request, built, routes, ev)
        home = directory.resolve(w.postal_code, f"warehouse {w.id}")
        for k, route in enumerate(result.routes, 1):
            plans.append(_route_plan(f"{w.id}-R{k}", w.id, home, route, updated, orders, directory))
            shares = _shares(route.cost, len(route.visits))
            for stop_no, (visit, share) in enumerate(zip(route.visits, shares, strict=True), 1):
                d = updated[visit.stop]
                van = _van_shipment(d.shipments[0], orders[d.order_id], route.vehicle_type, share)
                van = van.model_copy(update={"route": f"{w.id}-R{k}", "stop": stop_no})
                updated[d.order_id] = d.model_copy(update={"shipments": [van], "total": share})
    return [updated[d.order_id] for d in decisions], plans


def _route_plan(
    route_id: str,
    warehouse: str,
    home: ZipPoint,
    route: PlannedRoute,
    decided: dict[str, OrderDecision],
    orders: dict[str, Order],
    directory: ZipDirectory,
) -> RoutePlan:
    stops = []
    for visit in route.visits:
        place = directory.resolve(orders[visit.stop].destination.postal_code)
        weight = decided[visit.stop].shipments[0].weight
        stops.append(
            RouteStop(
                order_id=visit.stop,
                lat=place.lat,
                lon=place.lon,
                arrival=visit.arrival,
                departure=visit.departure,
                weight=weight,
            )
        )
    return RoutePlan(
        id=route_id,
        warehouse=warehouse,
        lat=home.lat,
        lon=home.lon,
        departure=route.departure,
        return_time=route.return_time,
        distance_km=route.distance_km,
        duration_minutes=route.duration_minutes,
        cost=route.cost,
        load_weight=route.load_weight,
        stops=stops,
    )


def _candidates(
    decisions: list[OrderDecision],
    orders: dict[str, Order],
    w: Warehouse,
    fleet: Fleet,
    directory: ZipDirectory,
) -> list[OrderDecision]:
    """Planned one-shipment parcel orders from ``w`` within the fleet's radius. A van day
    holds a few dozen stops: the solver is offered those the vans can save the most on (the
    highest carrier quotes), about twice what the fleet can visit. More only slows the search
    (and, on a fixed budget, can leave it with no feasible answer)."""
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
    cap = fleet.vans * STOPS_PER_VAN
    if len(candidates) > cap:
        candidates = sorted(candidates, key=lambda d: (-d.shipments[0].total, d.order_id))[:cap]
    return candidates


def _van_request(
    w: Warehouse,
    fleet: Fleet,
    candidates: list[OrderDecision],
    orders: dict[str, Order],
    settings: PlanSettings,
) -> RoutingRequest:
    """The routing request of one warehouse's van day: each candidate a stop whose drop
    penalty is its carrier quote."""
    van = VehicleType(
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
    stops = [
        Stop(
            id=d.order_id,
            place=Place(postal_code=orders[d.order_id].destination.postal_code),
            weight=d.shipments[0].weight,
            parcels=len(d.shipments[0].boxes),
            service_minutes=fleet.service_minutes,
            drop_penalty=d.shipments[0].total,
        )
        for d in candidates
    ]
    return RoutingRequest(
        depots=[Depot(id=w.id, place=Place(postal_code=w.postal_code))],
        vehicle_types=[van],
        stops=stops,
        solver="pyvrp",
        time_limit=settings.route_time_limit,
        seed=settings.seed,
    )


def _van_shipment(
    s: ShipmentDecision, order: Order, vehicle_type: str, share: Decimal
) -> ShipmentDecision:
    """The carrier shipment ``s`` delivered by van on its ship date, at ``share`` of the route."""
    return ShipmentDecision(
        warehouse=s.warehouse,
        carrier=OWN_FLEET,
        service=vehicle_type,
        total=share,
        boxes=s.boxes,
        weight=s.weight,
        ship_date=s.ship_date,
        promised=s.ship_date,
        on_time=None if order.deliver_by is None else s.ship_date <= order.deliver_by,
        carrier_quote=s.total,
    )
