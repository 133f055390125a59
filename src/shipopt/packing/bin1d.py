"""One-dimensional bin packing (weight- or volume-only loads).

1. Lower bound L2 (Martello and Toth, 1990) and first/best-fit decreasing; done if they meet.
2. Bin completion: fill the bin of the largest item left with the fullest subset of the others,
   depth first, never wasting more space in total than the bound allows; exact when it finishes.
3. The arc-flow model (Valerio de Carvalho, 1999) as an integer program solved by HiGHS through
   OR-Tools, for what is left, within the time limit.
"""

from __future__ import annotations

import time
from collections import Counter
from collections.abc import Callable, Iterator
from dataclasses import dataclass

from ortools.linear_solver import pywraplp


@dataclass(frozen=True)
class Packing1D:
    """Bins as lists of item indices; ``optimal`` when the count equals the lower bound or the
    exact model proved it."""

    bins: list[list[int]]
    lower_bound: int
    optimal: bool
    method: str


def lower_bound_l2(sizes: list[int], capacity: int) -> int:
    """Martello-Toth L2: max over thresholds k <= c/2 of the bins needed by large items plus the
    small items' overflow."""
    total_l1 = -(-sum(sizes) // capacity)
    best = total_l1
    for k in sorted({s for s in sizes if s <= capacity // 2} | {0}):
        big = [s for s in sizes if s > capacity - k]
        mid = [s for s in sizes if capacity - k >= s > capacity // 2]
        small = [s for s in sizes if capacity // 2 >= s >= k]
        free = len(mid) * capacity - sum(mid)
        bound = len(big) + len(mid) + max(0, -(-(sum(small) - free) // capacity))
        best = max(best, bound)
    return best


def first_fit_decreasing(
    sizes: list[int], capacity: int, best_fit: bool = False
) -> list[list[int]]:
    order = sorted(range(len(sizes)), key=lambda i: (-sizes[i], i))
    bins: list[list[int]] = []
    room: list[int] = []
    for i in order:
        s = sizes[i]
        fits = [b for b in range(len(bins)) if room[b] >= s]
        if fits:
            b = min(fits, key=lambda b: room[b]) if best_fit else fits[0]
            bins[b].append(i)
            room[b] -= s
        else:
            bins.append([i])
            room.append(capacity - s)
    return bins


class _BudgetError(Exception):
    pass


def bin_completion(
    sizes: list[int],
    capacity: int,
    n_bins: int,
    deadline: float,
    max_nodes: int = 2_000_000,
    order: list[int] | None = None,
) -> list[list[int]] | None:
    """Bins for every item using exactly ``n_bins`` bins, or None (impossible or out of budget).
    ``order``: the order in which sizes are tried when completing a bin (default: largest first)."""
    slack = n_bins * capacity - sum(sizes)
    if slack < 0:
        return None
    counts = Counter(sizes)
    by_size = sorted(counts, reverse=True)
    distinct = order if order is not None else by_size
    nodes = [0]

    def completions(
        room: int, start: int, left: Counter[int], chosen: list[int], reach: int, slack_left: int
    ) -> Iterator[tuple[list[int], int]]:
        """Subsets of the remaining items fitting ``room`` with at most ``slack_left`` waste,
        largest sizes first; ``reach`` (subset sums of the remaining items) prunes rooms that
        cannot be filled closely enough."""
        low = max(0, room - slack_left)
        if not (reach >> low) & ((1 << (room - low + 1)) - 1):
            return
        yielded = False
        for k in range(start, len(distinct)):
            s = distinct[k]
            if s <= room and left[s] > 0:
                left[s] -= 1
                chosen.append(s)
                for c in completions(room - s, k, left, chosen, reach, slack_left):
                    yielded = True
                    yield c
                chosen.pop()
                left[s] += 1
        if not yielded:
            yield list(chosen), room

    def search(left: Counter[int], slack_left: int) -> list[list[int]] | None:
        nodes[0] += 1
        if nodes[0] > max_nodes or (nodes[0] & 1023 == 0 and time.perf_counter() > deadline):
            raise _BudgetError
        largest = next((s for s in by_size if left[s] > 0), None)
        if largest is None:
            return []
        left[largest] -= 1
        reach, limit = 1, (1 << capacity + 1) - 1
        for size in distinct:
            for _ in range(left[size]):
                reach = (reach | (reach << size)) & limit
        seen: set[tuple[int, ...]] = set()
        for tried, (chosen, waste) in enumerate(
            completions(capacity - largest, 0, left, [], reach, slack_left)
        ):
            if tried & 255 == 255 and time.perf_counter() > deadline:
                raise _BudgetError
            if waste > slack_left:
                continue
            key = tuple(chosen)
            if key in seen:
                continue
            seen.add(key)
            # the completion generator holds the chosen items out of ``left`` while suspended
            rest = search(left, slack_left - waste)
            if rest is not None:
                left[largest] += 1
                return [[largest, *chosen], *rest]
        left[largest] += 1
        return None

    try:
        found = search(counts, slack)
    except _BudgetError:
        return None
    if found is None:
        return None
    return _assign_indices(sizes, found)


def _assign_indices(sizes: list[int], bins_by_size: list[list[int]]) -> list[list[int]]:
    pools: dict[int, list[int]] = {}
    for i, s in enumerate(sizes):
        pools.setdefault(s, []).append(i)
    return [[pools[s].pop() for s in b] for b in bins_by_size]


def completion_restarts(
    sizes: list[int], capacity: int, n_bins: int, deadline: float, seed: int = 0
) -> list[list[int]] | None:
    """Bin completion with restarts: the first in largest-first order, then shuffled orders
    (seeded), each with a node budget that doubles, until one finishes or time runs out."""
    import random

    rng = random.Random(seed)
    order = sorted(set(sizes), reverse=True)
    budget = 2000
    while time.perf_counter() < deadline:
        found = bin_completion(sizes, capacity, n_bins, deadline, budget, order)
        if found is not None:
            return found
        order = rng.sample(order, len(order))
        budget = min(budget * 2, 200_000)
    return None


def best_fill(sizes: list[int], room: int) -> list[int]:
    """Positions in ``sizes`` of a subset with the largest total at most ``room`` (subset-sum by
    bitsets: bit t of ``masks[k]`` says the first k sizes can make t)."""
    limit = (1 << (room + 1)) - 1
    masks = [1]
    for s in sizes:
        masks.append((masks[-1] | (masks[-1] << s)) & limit)
    target = masks[-1].bit_length() - 1
    chosen = []
    for k in range(len(sizes), 0, -1):
        if not (masks[k - 1] >> target) & 1:
            chosen.append(k - 1)
            target -= sizes[k - 1]
    return chosen


def slack_dives(
    sizes: list[int], capacity: int, n_bins: int, deadline: float, seed: int = 0
) -> list[list[int]] | None:
    """Minimum-bin-slack dives (after Gupta and Ho, 1999): each bin takes the largest item left and
    the best-filling subset of the rest; dives restart with shuffled ties until the waste fits
    ``n_bins`` bins or time runs out."""
    import random

    rng = random.Random(seed)
    allowance = n_bins * capacity - sum(sizes)
    order = sorted(range(len(sizes)), key=lambda i: -sizes[i])
    dives = 0
    while dives == 0 or time.perf_counter() < deadline:
        dives += 1
        left = list(order)
        bins: list[list[int]] = []
        waste = 0
        while left:
            first, rest = left[0], left[1:]
            if dives > 1:
                rng.shuffle(rest)
            picked = best_fill([sizes[i] for i in rest], capacity - sizes[first])
            members = [first, *(rest[k] for k in picked)]
            waste += capacity - sum(sizes[i] for i in members)
            if waste > allowance:
                break
            bins.append(members)
            taken = set(members)
            left = [i for i in left if i not in taken]
        else:
            return bins
    return None


def arc_flow(
    sizes: list[int], capacity: int, time_limit: float, max_arcs: int = 15_000
) -> tuple[list[list[int]], bool] | None:
    """The arc-flow integer program; (bins, proven optimal) or None when too large, out of time
    or without an answer."""
    deadline = time.perf_counter() + time_limit
    counts = Counter(sizes)
    distinct = sorted(counts, reverse=True)
    reach = {0}
    by_size: dict[int, list[int]] = {}  # size -> tails of its arcs
    n_arcs = 0
    for s in distinct:  # arcs of a size leave only nodes that larger-or-equal sizes reach
        frontier, grown = set(reach), set()
        tails: set[int] = set()
        for _ in range(counts[s]):
            step = {a for a in frontier if a + s <= capacity}
            if not step:
                break
            tails |= step
            frontier = {a + s for a in step}
            grown |= frontier
        reach |= grown
        by_size[s] = sorted(tails)
        n_arcs += len(tails)
        if n_arcs > max_arcs or time.perf_counter() > deadline:
            return None
    solver = pywraplp.Solver.CreateSolver("HIGHS")
    if solver is None:
        return None
    solver.SuppressOutput()
    solver.SetTimeLimit(int(max(deadline - time.perf_counter(), 0.05) * 1000))
    z = solver.IntVar(0, len(sizes), "z")
    into: list[list[pywraplp.Variable]] = [[] for _ in range(capacity + 1)]
    out_of: list[list[pywraplp.Variable]] = [[] for _ in range(capacity + 1)]
    flow: dict[tuple[int, int], pywraplp.Variable] = {}
    for s, tails_of_s in by_size.items():
        arcs_of_s = []
        for a in tails_of_s:
            v = solver.IntVar(0, counts[s], "")
            flow[(a, s)] = v
            out_of[a].append(v)
            into[a + s].append(v)
            arcs_of_s.append(v)
        solver.Add(solver.Sum(arcs_of_s) >= counts[s])
    loss = [solver.IntVar(0, len(sizes), "") for _ in range(capacity)]
    for a, v in enumerate(loss):
        out_of[a].append(v)
        into[a + 1].append(v)
    for node in range(capacity + 1):
        net = solver.Sum(into[node]) - solver.Sum(out_of[node])
        solver.Add(net == (-z if node == 0 else z if node == capacity else 0))
    solver.Minimize(z)
    if time.perf_counter() > deadline:
        return None
    solver.SetTimeLimit(int(max(deadline - time.perf_counter(), 0.01) * 1000))
    status = solver.Solve()
    if status not in (pywraplp.Solver.OPTIMAL, pywraplp.Solver.FEASIBLE):
        return None
    item_flow: dict[int, list[list[int]]] = {}  # node -> [[size, units left]]
    for (a, s), v in sorted(flow.items()):
        if v.solution_value() > 0.5:
            item_flow.setdefault(a, []).append([s, round(v.solution_value())])
    left = Counter(counts)
    bins: list[list[int]] = []
    for _ in range(round(z.solution_value())):
        node, path = 0, []
        while node < capacity:
            arc = next((arc for arc in item_flow.get(node, []) if arc[1] > 0), None)
            if arc is None:  # a loss arc
                node += 1
                continue
            arc[1] -= 1
            if left[arc[0]] > 0:  # surplus arcs (flow above demand) carry no item
                path.append(arc[0])
                left[arc[0]] -= 1
            node += arc[0]
        if path:
            bins.append(path)
    if sum(left.values()):
        return None
    return _assign_indices(sizes, bins), status == pywraplp.Solver.OPTIMAL


def pack_1d(sizes: list[int], capacity: int, time_limit: float = 1.0) -> Packing1D:
    """Fewest bins of ``capacity`` for ``sizes`` (each 0 < size <= capacity)."""
    if any(s <= 0 or s > capacity for s in sizes):
        raise ValueError("every size must be positive and at most the capacity")
    deadline = time.perf_counter() + time_limit
    lb = lower_bound_l2(sizes, capacity)
    best = min((first_fit_decreasing(sizes, capacity, bf) for bf in (False, True)), key=len)
    if len(best) == lb:
        return Packing1D(best, lb, True, "ffd")
    exact_fill = lb * capacity == sum(sizes)  # every bin must be full: completion search first
    Search = Callable[[list[int], int, int, float], list[list[int]] | None]
    searches: tuple[Search, Search] = (
        (completion_restarts, slack_dives) if exact_fill else (slack_dives, bin_completion)
    )
    for share, search in zip((0.6, 0.2), searches, strict=True):
        found = search(sizes, capacity, lb, time.perf_counter() + time_limit * share)
        if found is not None:
            return Packing1D(found, lb, True, search.__name__.replace("_", "-"))
    remaining = deadline - time.perf_counter()
    if remaining > 0 and not exact_fill:  # full-bin instances are bin completion's; HiGHS overruns
        exact = arc_flow(sizes, capacity, remaining)
        if exact is not None and len(exact[0]) <= len(best):
            bins, proven = exact
            return Packing1D(bins, lb, proven or len(bins) == lb, "arc-flow")
    return Packing1D(best, lb, False, "ffd")
