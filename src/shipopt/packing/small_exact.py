"""Exact one-box feasibility for small orders with CP-SAT (the only OR-Tools use in packing).

Model: per unit a rotation choice and a position; per pair of units, one of six separations
(left of, right of, behind, in front of, below, above), where no unit may be above a fragile
one it overlaps. A feasible answer is then settled under
gravity (each unit drops onto what is below it) and accepted only if the packer's own rules
(support, weight) hold.
"""

from __future__ import annotations

from dataclasses import dataclass
from fractions import Fraction

from shipopt.packing.extreme_points import Bin, PItem


def exact_single_box(
    items: list[PItem],
    dims: tuple[int, int, int],
    capacity: int,
    support: Fraction | None,
    work_limit: float,
) -> Bin | None:
    """A packing of all ``items`` into one box of ``dims``, or None (infeasible or not found
    within ``work_limit``, CP-SAT's deterministic time, so that answers repeat exactly)."""
    if sum(i.weight for i in items) > capacity:
        return None
    # imported when first needed: CP-SAT brings pandas (about 100 MB in every plan worker)
    from ortools.sat.python import cp_model

    W, D, H = dims
    m = cp_model.CpModel()
    pos, ext = [], []
    for k, it in enumerate(items):
        choice = [m.new_bool_var(f"r{k}_{o}") for o in range(len(it.rots))]
        m.add_exactly_one(choice)
        lens = [sum(c * r[a] for c, r in zip(choice, it.rots, strict=True)) for a in range(3)]
        xyz = [m.new_int_var(0, lim, f"p{k}_{a}") for a, lim in enumerate((W, D, H))]
        for a, lim in enumerate((W, D, H)):
            m.add(xyz[a] + lens[a] <= lim)
        pos.append(xyz)
        ext.append(lens)
    for i in range(len(items)):
        for j in range(i + 1, len(items)):
            sep = []
            for a in range(3):
                before, after = m.new_bool_var(""), m.new_bool_var("")
                m.add(pos[i][a] + ext[i][a] <= pos[j][a]).only_enforce_if(before)
                m.add(pos[j][a] + ext[j][a] <= pos[i][a]).only_enforce_if(after)
                if a == 2:  # along the height: nothing may stand on a fragile unit
                    if items[i].fragile:
                        m.add(before == 0)
                    if items[j].fragile:
                        m.add(after == 0)
                sep += [before, after]
            m.add_bool_or(sep)
    solver = cp_model.CpSolver()
    solver.parameters.max_deterministic_time = work_limit
    solver.parameters.num_workers = 1
    solver.parameters.random_seed = 0
    status = solver.solve(m)
    if status not in (cp_model.OPTIMAL, cp_model.FEASIBLE):
        return None
    spots = []
    for k, it in enumerate(items):
        x, y, z = (solver.value(v) for v in pos[k])
        dx, dy, dz = (solver.value(e) for e in ext[k])
        spots.append(_Spot(it, x, y, z, dx, dy, dz))
    settled: list[_Spot] = []
    for s in sorted(spots, key=lambda s: s.z):
        s.z = max(
            (
                o.z + o.dz
                for o in settled
                if min(s.x + s.dx, o.x + o.dx) > max(s.x, o.x)
                and min(s.y + s.dy, o.y + o.dy) > max(s.y, o.y)
            ),
            default=0,
        )
        settled.append(s)
    bn = Bin(W, D, H, capacity, support)
    for s in sorted(settled, key=lambda s: (s.z, s.y, s.x)):
        if not bn.place_at(s.item, s.x, s.y, s.z, s.dx, s.dy, s.dz):
            return None
    return bn


@dataclass
class _Spot:
    item: PItem
    x: int
    y: int
    z: int
    dx: int
    dy: int
    dz: int
