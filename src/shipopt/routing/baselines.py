"""Baselines for comparison: nearest neighbour and Clarke-Wright savings (one vehicle type,
capacity and time windows respected; stops that fit nowhere are dropped)."""

from __future__ import annotations

from shipopt.routing.data import Route, RouteSet, RoutingData
from shipopt.routing.evaluate import evaluate


def _feasible(data: RoutingData, t: int, visits: tuple[int, ...]) -> bool:
    return evaluate_route(data, t, visits)


def evaluate_route(data: RoutingData, t: int, visits: tuple[int, ...]) -> bool:
    ev = evaluate(data, RouteSet((Route(t, visits),), (), "check"))
    return not any(v.startswith("route 0:") for v in ev.violations)


def nearest_neighbour(data: RoutingData, time_limit: float = 0, seed: int = 0) -> RouteSet:
    del time_limit, seed
    left = set(data.stops)
    routes: list[Route] = []
    for t, vt in enumerate(data.vehicle_types):
        for _ in range(vt.count):
            if not left:
                break
            visits: list[int] = []
            here = vt.start
            while True:
                options = sorted(left, key=lambda s: (int(data.distance[here, s]), s))
                step = next((s for s in options if _feasible(data, t, (*visits, s))), None)
                if step is None:
                    break
                visits.append(step)
                left.discard(step)
                here = step
            if visits:
                routes.append(Route(t, tuple(visits)))
    return RouteSet(tuple(routes), tuple(sorted(left)), "nearest")


def savings(data: RoutingData, time_limit: float = 0, seed: int = 0) -> RouteSet:
    """Clarke and Wright (1964), parallel version, for the first vehicle type."""
    del time_limit, seed
    t, vt = 0, data.vehicle_types[0]
    depot = vt.start
    routes: dict[int, list[int]] = {}
    where: dict[int, int] = {}
    dropped = []
    for s in data.stops:
        if _feasible(data, t, (s,)):
            routes[s] = [s]
            where[s] = s
        else:
            dropped.append(s)
    pairs = sorted(
        (
            (int(data.distance[depot, i] + data.distance[j, vt.end] - data.distance[i, j]), i, j)
            for i in routes
            for j in routes
            if i != j
        ),
        reverse=True,
    )
    for gain, i, j in pairs:
        if gain <= 0:
            break
        ri, rj = where[i], where[j]
        if ri == rj or routes[ri][-1] != i or routes[rj][0] != j:
            continue
        merged = routes[ri] + routes[rj]
        if not _feasible(data, t, tuple(merged)):
            continue
        routes[ri] = merged
        del routes[rj]
        for s in merged:
            where[s] = ri
    ordered = sorted(routes.values(), key=lambda r: r[0])
    kept = ordered[: vt.count]
    dropped += [s for r in ordered[vt.count :] for s in r]
    return RouteSet(tuple(Route(t, tuple(r)) for r in kept), tuple(sorted(dropped)), "savings")
