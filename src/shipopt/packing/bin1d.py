"""One-dimensional bin packing (weight- or volume-only loads).

1. Lower bound L2 (Martello and Toth, 1990) and first/best-fit decreasing; done if they meet.
2. Sizes adding up to whole bins exactly: every bin is full in an optimum, so choose among the
   exact-fill patterns with CP-SAT.
3. Small instances: the arc-flow integer program (Valerio de Carvalho, 1999) with HiGHS, which
   proves the optimum.
4. Otherwise: the arc-flow LP rounded down (the rest first-fit decreasing), then local search for
   one bin fewer at a time (``bin1d_search``) down to the bound or the time limit.
"""

from __future__ import annotations

import time
from collections import Counter
from dataclasses import dataclass
from math import gcd

from ortools.linear_solver import pywraplp
from ortools.sat.python import cp_model

from shipopt.packing.bin1d_search import fewer_bins

_SMALL = 40  # items: below this the exact arc-flow model runs before any heuristic
_MAX_PATTERN_BITS = 50_000_000  # capacity x distinct sizes: the exact-fill pattern bitsets


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


def _assign_indices(sizes: list[int], bins_by_size: list[list[int]]) -> list[list[int]]:
    pools: dict[int, list[int]] = {}
    for i, s in enumerate(sizes):
        pools.setdefault(s, []).append(i)
    return [[pools[s].pop() for s in b] for b in bins_by_size]


@dataclass(frozen=True)
class _ArcGraph:
    """Arc-flow graph: for each size, the nodes its arcs leave; ``nodes``: every node reached,
    with 0 and the capacity (loss arcs join consecutive nodes)."""

    tails: dict[int, list[int]]
    nodes: list[int]


def _arc_graph(counts: Counter[int], capacity: int, max_arcs: int) -> _ArcGraph | None:
    """Sizes are placed largest first, so a size's arcs leave only nodes that larger-or-equal
    sizes reach (Valerio de Carvalho). None once the arcs or nodes pass ``max_arcs``."""
    reach = {0}
    tails_by_size: dict[int, list[int]] = {}
    n_arcs = 0
    for s in sorted(counts, reverse=True):
        frontier, grown = set(reach), set()
        tails: set[int] = set()
        for _ in range(counts[s]):
            step = {a for a in frontier if a + s <= capacity}
            if not step:
                break
            tails |= step
            frontier = {a + s for a in step}
            grown |= frontier
            if n_arcs + len(tails) > max_arcs or len(reach) + len(grown) > max_arcs:
                return None
        reach |= grown
        n_arcs += len(tails)
        tails_by_size[s] = sorted(tails)
    return _ArcGraph(tails_by_size, sorted(reach | {capacity}))


class _ArcFlow:
    """The arc-flow model (Valerio de Carvalho, 1999): one unit of flow from node 0 to node
    ``capacity`` per bin, an arc of size s from node a to a + s per item placed at height a, and
    loss arcs from each node to the next for unused room; integer or its LP relaxation."""

    def __init__(self, counts: Counter[int], graph: _ArcGraph, integer: bool):
        self.counts, self.integer = counts, integer
        self.capacity = graph.nodes[-1]
        solver = pywraplp.Solver.CreateSolver("HIGHS" if integer else "GLOP")
        if solver is None:
            raise RuntimeError("OR-Tools has no HiGHS/GLOP solver")
        self.solver = solver
        solver.SuppressOutput()
        var = solver.IntVar if integer else solver.NumVar
        total = sum(counts.values())
        self.z = var(0, total, "z")
        into: dict[int, list[pywraplp.Variable]] = {v: [] for v in graph.nodes}
        out_of: dict[int, list[pywraplp.Variable]] = {v: [] for v in graph.nodes}
        self.flow: dict[tuple[int, int], pywraplp.Variable] = {}
        for s, tails in graph.tails.items():
            for a in tails:
                v = var(0, counts[s], "")
                self.flow[(a, s)] = v
                out_of[a].append(v)
                into[a + s].append(v)
            solver.Add(solver.Sum([self.flow[(a, s)] for a in tails]) >= counts[s])
        self.loss: dict[int, tuple[int, pywraplp.Variable]] = {}  # node -> (next node, flow)
        for a, b in zip(graph.nodes, graph.nodes[1:], strict=False):
            v = var(0, total, "")
            self.loss[a] = (b, v)
            out_of[a].append(v)
            into[b].append(v)
        for node in graph.nodes:
            net = solver.Sum(into[node]) - solver.Sum(out_of[node])
            solver.Add(net == (-self.z if node == 0 else self.z if node == self.capacity else 0))
        solver.Minimize(self.z)

    def solve(self, deadline: float) -> int:
        seconds = max(deadline - time.perf_counter(), 0.01)
        if self.integer:  # HiGHS prints a banner when given a limit through SetTimeLimit
            self.solver.SetSolverSpecificParametersAsString(
                f"time_limit = {seconds:.3f}\noutput_flag = false"
            )
        else:
            self.solver.SetTimeLimit(int(seconds * 1000))
        return int(self.solver.Solve())

    def paths(self) -> list[tuple[list[int], float]]:
        """The flow split into 0 -> capacity paths: (sizes on the path, flow on it)."""
        eps = 1e-7
        item: dict[int, dict[int, float]] = {}
        for (a, s), v in self.flow.items():
            if v.solution_value() > eps:
                item.setdefault(a, {})[s] = v.solution_value()
        loss = {
            a: (b, v.solution_value())
            for a, (b, v) in self.loss.items()
            if v.solution_value() > eps
        }
        found: list[tuple[list[int], float]] = []
        while True:
            node, steps = 0, []
            while node < self.capacity:
                options = item.get(node)
                if options:
                    s = max(options, key=lambda s: (options[s], s))
                    steps.append((node, s))
                    node += s
                elif node in loss:
                    steps.append((node, 0))
                    node = loss[node][0]
                else:
                    return found
            amount = min(item[a][s] if s else loss[a][1] for a, s in steps)
            for a, s in steps:
                if s:
                    item[a][s] -= amount
                    if item[a][s] <= eps:
                        del item[a][s]
                else:
                    nxt, left = loss[a]
                    if left - amount <= eps:
                        del loss[a]
                    else:
                        loss[a] = (nxt, left - amount)
            found.append(([s for _, s in steps if s], amount))


def _solve_arc_flow(
    sizes: list[int], capacity: int, time_limit: float, max_arcs: int, integer: bool
) -> tuple[_ArcFlow, int] | None:
    """The arc-flow model built and solved (model, status); None when the graph is too large."""
    deadline = time.perf_counter() + time_limit
    counts = Counter(sizes)
    graph = _arc_graph(counts, capacity, max_arcs)
    if graph is None:
        return None
    model = _ArcFlow(counts, graph, integer)
    return model, model.solve(deadline)


def arc_flow(
    sizes: list[int], capacity: int, time_limit: float, max_arcs: int = 15_000
) -> tuple[list[list[int]], bool] | None:
    """The arc-flow integer program; (bins, proven optimal) or None when too large, out of time
    or without an answer."""
    solved = _solve_arc_flow(sizes, capacity, time_limit, max_arcs, integer=True)
    if solved is None:
        return None
    model, status = solved
    if status not in (pywraplp.Solver.OPTIMAL, pywraplp.Solver.FEASIBLE):
        return None
    bins = _take_paths(model.paths(), Counter(model.counts), whole_only=False)
    if sorted(s for b in bins for s in b) != sorted(sizes):
        return None
    return _assign_indices(sizes, bins), status == pywraplp.Solver.OPTIMAL


def _take_paths(
    paths: list[tuple[list[int], float]], left: Counter[int], whole_only: bool
) -> list[list[int]]:
    """Bins from flow paths: each path as many times as its flow (rounded down when
    ``whole_only``), skipping sizes already used up (flow above demand carries no item)."""
    bins: list[list[int]] = []
    for path, amount in sorted(paths, key=lambda p: -p[1]):
        for _ in range(int(amount + 1e-6) if whole_only else round(amount)):
            members = []
            for s in path:
                if left[s] > 0:
                    left[s] -= 1
                    members.append(s)
            if members:
                bins.append(members)
    return bins


def lp_rounding(
    sizes: list[int], capacity: int, time_limit: float, max_arcs: int = 60_000
) -> list[list[int]] | None:
    """Bins from the arc-flow LP: its paths rounded down, the rest first-fit decreasing; None
    when the graph is too large or the LP does not finish."""
    solved = _solve_arc_flow(sizes, capacity, time_limit, max_arcs, integer=False)
    if solved is None or solved[1] != pywraplp.Solver.OPTIMAL:
        return None
    model = solved[0]
    left = Counter(model.counts)
    bins = _take_paths(model.paths(), left, whole_only=True)
    rest = [s for s, k in left.items() for _ in range(k)]
    bins += [[rest[i] for i in b] for b in first_fit_decreasing(rest, capacity)]
    return _assign_indices(sizes, bins)


def full_bin_patterns(
    sizes: list[int], capacity: int, time_limit: float, seed: int = 0, max_patterns: int = 20_000
) -> list[list[int]] | None:
    """When the sizes add up to whole bins exactly, every bin of an optimal packing is full: list
    the multisets of sizes filling a bin exactly and choose how often to use each (CP-SAT).
    None when there are too many patterns, no answer in time, or none exists."""
    counts = Counter(sizes)
    distinct = sorted(counts, reverse=True)
    if capacity * len(distinct) > _MAX_PATTERN_BITS:
        return None  # the reachability bitsets would be too large
    patterns: list[tuple[int, ...]] = []
    # fills[k]: bit t set when sizes distinct[k:] (within their counts) can add up to t
    limit = (1 << (capacity + 1)) - 1
    fills = [1] * (len(distinct) + 1)
    for k in range(len(distinct) - 1, -1, -1):
        reach = fills[k + 1]
        for _ in range(min(counts[distinct[k]], capacity // distinct[k])):
            reach |= (reach << distinct[k]) & limit
        fills[k] = reach

    def extend(start: int, room: int, chosen: list[int]) -> bool:
        if room == 0:
            patterns.append(tuple(chosen))
            return len(patterns) <= max_patterns
        for k in range(start, len(distinct)):
            s = distinct[k]
            if not (fills[k] >> room) & 1:
                break
            if s <= room and chosen.count(s) < counts[s]:
                chosen.append(s)
                going = extend(k, room - s, chosen)
                chosen.pop()
                if not going:
                    return False
        return True

    if not extend(0, capacity, []):
        return None
    model = cp_model.CpModel()
    terms: dict[int, list[tuple[cp_model.IntVar, int]]] = {s: [] for s in distinct}
    uses = []
    for k, p in enumerate(patterns):
        per = Counter(p)
        x = model.new_int_var(0, min(counts[s] // c for s, c in per.items()), f"p{k}")
        uses.append(x)
        for s, c in per.items():
            terms[s].append((x, c))
    if any(not terms[s] for s in distinct):
        return None  # a size in no exact-fill pattern: not every bin can be full
    for s in distinct:
        xs, cs = zip(*terms[s], strict=True)
        model.add(cp_model.LinearExpr.weighted_sum(list(xs), list(cs)) == counts[s])
    solver = cp_model.CpSolver()
    solver.parameters.max_time_in_seconds = max(time_limit, 0.01)
    solver.parameters.num_workers = 1
    solver.parameters.random_seed = seed
    solver.parameters.linearization_level = 2  # the LP relaxation guides this model well
    if solver.solve(model) not in (cp_model.OPTIMAL, cp_model.FEASIBLE):
        return None
    bins = [list(p) for p, x in zip(patterns, uses, strict=True) for _ in range(solver.value(x))]
    return _assign_indices(sizes, bins)


def pack_1d(sizes: list[int], capacity: int, time_limit: float = 1.0, seed: int = 0) -> Packing1D:
    """Fewest bins of ``capacity`` for ``sizes`` (each 0 < size <= capacity); same answer for
    the same input and seed unless the time limit cuts a search short."""
    if any(s <= 0 or s > capacity for s in sizes):
        raise ValueError("every size must be positive and at most the capacity")
    unit = gcd(capacity, *sizes)  # e.g. grams in steps of 100: every method works on fewer units
    if unit > 1:
        sizes, capacity = [s // unit for s in sizes], capacity // unit
    deadline = time.perf_counter() + 0.97 * time_limit  # room for the solvers' overruns
    lb = lower_bound_l2(sizes, capacity)
    best = min((first_fit_decreasing(sizes, capacity, bf) for bf in (False, True)), key=len)
    method = "ffd"
    if len(best) == lb:
        return Packing1D(best, lb, True, method)
    if lb * capacity == sum(sizes):  # every bin full
        found = full_bin_patterns(sizes, capacity, 0.8 * time_limit, seed)
        if found is not None:
            return Packing1D(found, lb, True, "full-bin patterns")
    if len(sizes) <= _SMALL:  # the exact model is quick and proves the optimum
        exact = arc_flow(sizes, capacity, deadline - time.perf_counter())
        if exact is not None and len(exact[0]) <= len(best):
            return Packing1D(exact[0], lb, exact[1] or len(exact[0]) == lb, "arc-flow")
    rounded = lp_rounding(sizes, capacity, max(deadline - time.perf_counter(), 0.01))
    if rounded is not None and len(rounded) < len(best):
        best, method = rounded, "lp-rounding"
    if len(best) > lb:  # a quarter of the time left for local search, then the exact model
        now = time.perf_counter()
        searched = fewer_bins(sizes, capacity, best, lb, now + (deadline - now) / 4, seed)
        if len(searched) < len(best):
            best, method = searched, "local search"
    proven = False
    if len(best) > lb and deadline - time.perf_counter() > 0.05:
        # HiGHS can overrun its limit a little (presolve), so it gets most but not all of it
        exact = arc_flow(sizes, capacity, 0.9 * (deadline - time.perf_counter()))
        if exact is not None and (len(exact[0]) < len(best) or exact[1]):
            (best, proven), method = exact, "arc-flow"
    return Packing1D(best, lb, proven or len(best) == lb, method)
