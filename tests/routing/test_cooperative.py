"""Cooperative search: parts partition the routing, and the joined answer is checked and on time."""

from __future__ import annotations

import time

import numpy as np

from shipopt.routing.baselines import quick_nearest
from shipopt.routing.cooperative import PER_CORE, can_cooperate, split
from shipopt.routing.data import Route, RouteSet, RoutingData, VehicleTypeData
from shipopt.routing.evaluate import evaluate
from shipopt.routing.solve import solve


def spread(n: int, seed: int = 3) -> RoutingData:
    """``n`` stops on a 1000 x 1000 square around a central depot; a tenth optional, a third with
    a time window; vans of capacity 40."""
    rng = np.random.default_rng(seed)
    xy = np.vstack([[500, 500], rng.integers(0, 1000, size=(n, 2))]).astype(float)
    d = np.floor(np.sqrt(((xy[:, None] - xy[None]) ** 2).sum(2)) + 0.5).astype(np.int64)
    windows: list[tuple[tuple[int, int], ...]] = [((0, 20000),)]
    for _ in range(n):
        a = int(rng.integers(0, 12000))
        windows.append(((a, a + 4000),) if rng.random() < 0.3 else ((0, 20000),))
    required = np.array([False] + [bool(rng.random() > 0.1) for _ in range(n)])
    return RoutingData(
        n_depots=1,
        distance=d,
        duration=d.copy(),
        demand=np.array([[0]] + [[int(rng.integers(1, 6))] for _ in range(n)], dtype=np.int64),
        service=np.array([0] + [30] * n, dtype=np.int64),
        windows=windows,
        required=required,
        penalty=np.where(required, 0, 2000).astype(np.int64),
        vehicle_types=[
            VehicleTypeData(count=n // 5, capacity=(40,), start=0, end=0, fixed_cost=100),
        ],
        coords=xy,
    )


def test_parts_split_the_routing_without_losing_or_repeating_a_stop() -> None:
    data = spread(300)
    start = quick_nearest(data)
    dropped = (*start.dropped, data.stops[0])  # one more left out
    routes = tuple(
        Route(r.vehicle_type, tuple(v for v in r.visits if v != data.stops[0]))
        for r in start.routes
    )
    best = RouteSet(routes, dropped, "quick")
    for parts in (2, 3):
        for angle in (0.0, 2.5):
            cut = split(data, best, parts, angle)
            assert len(cut) == parts
            stops = [s for _, part_stops, _ in cut for s in part_stops]
            assert sorted(stops) == list(data.stops)
            served = sorted(v for rs, _, _ in cut for r in rs for v in r.visits)
            assert served == sorted(v for r in routes for v in r.visits)
            for rs, part_stops, _ in cut:
                assert {v for r in rs for v in r.visits} <= set(part_stops)
            spare = sum(n for _, _, sp in cut for n in sp)
            used = sum(1 for r in routes if r.visits)
            assert spare == data.vehicle_types[0].count - used
            sizes = [len(p) for _, p, _ in cut]
            assert max(sizes) - min(sizes) < 0.5 * len(data.stops) / parts


def test_cooperating_cores_give_a_checked_routing_on_time() -> None:
    data = spread(2 * PER_CORE + 40)
    assert can_cooperate(data, 2) and not can_cooperate(data, 1)
    started = time.perf_counter()
    result, ev = solve(data, "auto", 4.0, seed=1, workers=2)
    wall = time.perf_counter() - started
    assert wall < 4.0 + 2.0, wall  # process start and the last join
    assert "rounds of parts" in result.note
    assert ev.feasible, ev.violations
    assert ev.cost < evaluate(data, quick_nearest(data)).cost
    served = [v for r in result.routes for v in r.visits]
    assert len(served) == len(set(served))
    assert sorted(served + list(result.dropped)) == list(data.stops)
