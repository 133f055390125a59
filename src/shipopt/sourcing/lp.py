"""The sourcing choice as a linear program (OR-Tools GLOP): the only solver use in sourcing."""

from __future__ import annotations

from ortools.linear_solver import pywraplp


def choice_lp(
    by_order: list[list[int]],
    cost: list[int],
    uses: list[list[tuple[str, str, int]]],
    stock: dict[str, dict[str, int]],
    unplanned_cost: int,
    time_limit: float,
) -> list[float] | None:
    """Option shares x[i] in [0, 1] minimising cost: per order, its options' shares plus a
    share left out (at ``unplanned_cost``) sum to 1; per (warehouse, SKU), the options' use is
    within the stock. ``uses[i]``: (warehouse, SKU, quantity) of option i. None unless solved
    to optimality within ``time_limit`` seconds."""
    solver = pywraplp.Solver.CreateSolver("GLOP")
    if solver is None:  # pragma: no cover - GLOP ships with OR-Tools
        return None
    x = [solver.NumVar(0, 1, f"x{i}") for i in range(len(cost))]
    objective = solver.Objective()
    use: dict[tuple[str, str], list[tuple[int, int]]] = {}
    for k, idxs in enumerate(by_order):
        if not idxs:
            continue
        skip = solver.NumVar(0, 1, f"u{k}")
        one = solver.Constraint(1, 1)
        one.SetCoefficient(skip, 1)
        objective.SetCoefficient(skip, unplanned_cost)
        for i in idxs:
            one.SetCoefficient(x[i], 1)
            objective.SetCoefficient(x[i], cost[i])
            for wid, sku, q in uses[i]:
                use.setdefault((wid, sku), []).append((i, q))
    for (wid, sku), terms in sorted(use.items()):
        held = stock[wid].get(sku, 0)
        if sum(q for _, q in terms) > held:
            limit = solver.Constraint(0, held)
            for i, q in terms:
                limit.SetCoefficient(x[i], q)
    objective.SetMinimization()
    solver.SetTimeLimit(int(time_limit * 1000))
    if solver.Solve() != pywraplp.Solver.OPTIMAL:
        return None
    return [v.solution_value() for v in x]
