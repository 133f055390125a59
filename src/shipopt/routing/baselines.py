"""Baselines for comparison: nearest neighbour and Clarke-Wright savings (one vehicle type,
capacity and time windows respected; stops that fit nowhere are dropped)."""

from __future__ import annotations

import numpy as np

from shipopt.routing.data import HORIZON, Route, RouteSet, RoutingData
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


def quick_nearest(data: RoutingData, time_limit: float = 0, seed: int = 0) -> RouteSet:
    """A fast construction for large requests (numpy over distance rows, no per-step
    evaluation): each vehicle in turn takes the nearest stop it can still serve in time (first
    window), with room left and back at its depot within its shift and maximum duration and
    distance; stops no vehicle reaches are dropped. Pickup-and-delivery pairs are not modelled
    (they are dropped whole)."""
    del time_limit, seed
    n, dep = data.n, data.n_depots
    early = np.array([w[0][0] for w in data.windows], dtype=np.int64)
    late = np.array([w[0][1] for w in data.windows], dtype=np.int64)
    left = np.zeros(n, dtype=bool)
    left[dep:] = True
    for pickup, delivery in data.pairs:
        left[pickup] = left[delivery] = False
    routes: list[Route] = []
    for t, vt in enumerate(data.vehicle_types):
        cap = np.array(vt.capacity, dtype=np.int64)
        limit_time = vt.max_duration if vt.max_duration is not None else HORIZON
        limit_dist = vt.max_distance if vt.max_distance is not None else HORIZON
        back_time, back_dist = data.duration[:, vt.end], data.distance[:, vt.end]
        for _ in range(vt.count):
            if not left.any():
                break
            here, clock, load, driven, visits = vt.start, vt.shift_start, 0 * cap, 0, []
            departure = None
            while True:
                arrive = clock + data.duration[here]
                begin = np.maximum(arrive, early)
                done = begin + data.service
                gone = departure if departure is not None else begin - data.duration[vt.start]
                ok = (
                    left
                    & np.all(data.demand + load <= cap, axis=1)
                    & (begin <= late)
                    & (done + back_time <= vt.shift_end)
                    & (done + back_time - gone <= limit_time)
                    & (driven + data.distance[here] + back_dist <= limit_dist)
                )
                if not ok.any():
                    break
                nxt = int(np.argmin(np.where(ok, data.distance[here], np.iinfo(np.int64).max)))
                if departure is None:  # leave as late as the first stop allows
                    departure = max(vt.shift_start, int(begin[nxt] - data.duration[vt.start, nxt]))
                visits.append(nxt)
                left[nxt] = False
                load = load + data.demand[nxt]
                driven += int(data.distance[here, nxt])
                clock, here = int(done[nxt]), nxt
            if visits:
                routes.append(Route(t, tuple(visits)))
    served = {v for r in routes for v in r.visits}
    return RouteSet(tuple(routes), tuple(s for s in data.stops if s not in served), "quick")
