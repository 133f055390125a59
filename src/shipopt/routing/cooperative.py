"""A cooperative search on several cores: independent PyVRP searches first (every second one with
a shorter late-acceptance history, so that they differ more than by seed), then rounds in which
the best routing is cut into parts (routes grouped by the angle of their centre around the
depots, the cut turned every round), each core improves one part from its routes, and the parts
are joined. The cores never repeat each other's work, and every improvement one finds is kept,
so a second core pays (independent seeds only keep the best of two searches).

Decomposition by routes follows the idea used for large VRPs (e.g. Santini, Schneider, Vidal and
Vigo, 2023, "Decomposition strategies for vehicle routing heuristics", INFORMS J. Computing).
"""

from __future__ import annotations

import math
import random
import time
from concurrent.futures import ProcessPoolExecutor

import numpy as np

from shipopt.routing.data import Route, RouteSet, RoutingData
from shipopt.routing.evaluate import Evaluation, evaluate
from shipopt.routing.pyvrp_adapter import SHORT_HISTORY, open_worker, search_part, search_whole

START_SHARE = 0.3  # of the time limit: independent searches before the rounds
ROUND_SECONDS = 1.5  # a round at least this long (the rest of the time in equal rounds)
MARGIN = 0.15  # seconds kept for joining and checking the last round
PER_CORE = 200  # stops per core at least: smaller parts gain less than a longer whole search


def can_cooperate(data: RoutingData, workers: int) -> bool:
    """Parts need stop coordinates and ``PER_CORE`` stops per core."""
    return workers > 1 and data.coords is not None and len(data.stops) >= PER_CORE * workers


def _rank(ev: Evaluation) -> tuple[int, int]:
    return (len(ev.violations), ev.cost)


def cooperative(data: RoutingData, time_limit: float, seed: int, workers: int) -> RouteSet:
    """The best routing found by ``workers`` cooperating PyVRP searches in ``time_limit``."""
    deadline = time.perf_counter() + time_limit
    rng = random.Random(seed)
    with ProcessPoolExecutor(workers, initializer=open_worker, initargs=(data,)) as pool:
        first = [
            pool.submit(
                search_whole, START_SHARE * time_limit, seed + k, SHORT_HISTORY if k % 2 else None
            )
            for k in range(workers)
        ]
        scored = [(r, evaluate(data, r)) for r in (f.result() for f in first)]
        best, best_ev = min(scored, key=lambda pair: _rank(pair[1]))
        rounds = improved = 0
        while best_ev.feasible and best.routes:
            left = deadline - time.perf_counter() - MARGIN
            if left < 0.5:
                break
            count = max(1, int(left // ROUND_SECONDS))
            seconds = left / count
            parts = split(data, best, workers, rng.random() * 2 * math.pi)
            futures = [
                pool.submit(search_part, routes, stops, spare, seconds, seed + workers + k)
                for k, (routes, stops, spare) in enumerate(parts)
            ]
            routes = tuple(r for f in futures for r in f.result() if r.visits)
            visited = {v for r in routes for v in r.visits}
            joined = RouteSet(routes, tuple(s for s in data.stops if s not in visited), "pyvrp")
            ev = evaluate(data, joined)
            rounds += 1
            if _rank(ev) < _rank(best_ev):
                best, best_ev, improved = joined, ev, improved + 1
    note = f"{workers} cores: {workers} searches, then {rounds} rounds of parts ({improved} better)"
    return RouteSet(best.routes, best.dropped, "auto", note)


def split(
    data: RoutingData, best: RouteSet, parts: int, angle: float
) -> list[tuple[tuple[Route, ...], tuple[int, ...], tuple[int, ...]]]:
    """``best`` cut into ``parts`` parts of about equal stops: routes in order of the angle of
    their centre around the depots' centre, starting at ``angle``; a stop left out goes with
    the part of the nearest served stop. Each part: its routes, its stops, spare vehicles."""
    assert data.coords is not None
    coords = np.asarray(data.coords, dtype=float)
    centre = coords[: data.n_depots].mean(axis=0)

    def turn(route: Route) -> float:
        x, y = coords[list(route.visits)].mean(axis=0) - centre
        return (math.atan2(y, x) - angle) % (2 * math.pi)

    routes = sorted((r for r in best.routes if r.visits), key=turn)
    total = sum(len(r.visits) for r in routes)
    groups: list[list[Route]] = [[] for _ in range(parts)]
    done = 0
    for r in routes:
        g = min(parts - 1, done * parts // max(total, 1))
        groups[g].append(r)
        done += len(r.visits)
    groups = [g for g in groups if g]
    owner = {v: g for g, rs in enumerate(groups) for r in rs for v in r.visits}
    stops: list[list[int]] = [sorted(v for r in rs for v in r.visits) for rs in groups]
    served = np.array(sorted(owner), dtype=np.int64)
    for s in best.dropped:
        near = served[np.argmin(data.distance[s, served])] if served.size else None
        stops[owner[int(near)] if near is not None else 0].append(s)
    used = [0] * len(data.vehicle_types)
    for r in routes:
        used[r.vehicle_type] += 1
    spare_all = [vt.count - u for vt, u in zip(data.vehicle_types, used, strict=True)]
    out = []
    for g, rs in enumerate(groups):
        spare = tuple(n // len(groups) + (1 if g < n % len(groups) else 0) for n in spare_all)
        out.append((tuple(rs), tuple(sorted(stops[g])), spare))
    return out
