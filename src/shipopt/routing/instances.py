"""VRPLIB (CVRP and VRPTW) and Solomon readers, and a VRPLIB .sol writer.

Arithmetic follows the benchmark conventions (see ``$SHIPOPT_DATA/vrp/README.md``):
``dimacs`` truncates every distance and travel time to one decimal and scales by 10 (times and
windows are scaled too), ``round`` takes the nearest integer (TSPLIB nint, the X set), ``exact``
keeps three decimals (x1000). Gaps only mean something under the BKS's own convention.
"""

from __future__ import annotations

import math
from collections.abc import Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import Literal

import numpy as np

from shipopt.errors import InputError, Problem
from shipopt.routing.data import HORIZON, RouteSet, RoutingData, VehicleTypeData

Rounding = Literal["dimacs", "round", "exact"]
SCALE = {"dimacs": 10, "round": 1, "exact": 1000}


@dataclass(frozen=True)
class Instance:
    name: str
    data: RoutingData
    rounding: Rounding

    @property
    def scale(self) -> int:
        return SCALE[self.rounding]


def _matrix(xy: np.ndarray, rounding: Rounding) -> np.ndarray:
    d = np.sqrt(((xy[:, None, :] - xy[None, :, :]) ** 2).sum(axis=2))
    if rounding == "dimacs":
        m = np.floor(d * 10 + 1e-9)
    elif rounding == "round":
        m = np.floor(d + 0.5)
    else:
        m = np.round(d * 1000)
    result: np.ndarray = m.astype(np.int64)
    return result


MAX_NODES = 20_001  # a depot and 20,000 customers
MAX_VALUE = 1e7  # coordinates, demands and times in an instance file


def _fail(path: Path, line: int, message: str) -> InputError:
    return InputError(Problem(f"{path}: line {line}", message))


def _build(
    name: str,
    xy: np.ndarray,
    demand: list[int],
    windows: Sequence[tuple[int, int]] | None,
    service: list[int],
    capacity: int,
    vehicles: int,
    rounding: Rounding,
) -> Instance:
    scale = SCALE[rounding]
    n = len(xy)
    matrix = _matrix(xy, rounding)
    wins: list[tuple[tuple[int, int], ...]] = (
        [((e * scale, l * scale),) for e, l in windows] if windows else [((0, HORIZON),)] * n
    )
    depot_close = wins[0][0][1] if windows else HORIZON
    data = RoutingData(
        n_depots=1,
        distance=matrix,
        duration=matrix.copy(),
        demand=np.array(demand, dtype=np.int64).reshape(n, 1),
        service=np.array(service, dtype=np.int64) * scale,
        windows=wins,
        required=np.array([False] + [True] * (n - 1)),
        penalty=np.zeros(n, dtype=np.int64),
        vehicle_types=[
            VehicleTypeData(
                count=vehicles,
                capacity=(capacity,),
                start=0,
                end=0,
                shift_start=wins[0][0][0],
                shift_end=depot_close,
            )
        ],
        names=[str(i) for i in range(n)],
        coords=np.asarray(xy, dtype=float),
    )
    return Instance(name, data, rounding)


def read_vrplib(path: Path, rounding: Rounding = "round") -> Instance:
    """A VRPLIB file with EUC_2D coordinates: CVRP, or VRPTW with TIME_WINDOW_SECTION."""
    try:
        lines = path.read_text(encoding="utf-8").splitlines()
    except (OSError, UnicodeDecodeError) as exc:
        raise InputError(Problem(str(path), f"cannot read: {exc}")) from None
    spec: dict[str, str] = {}
    sections: dict[str, list[tuple[int, list[str]]]] = {}
    current: str | None = None
    for no, raw in enumerate(lines, 1):
        line = raw.strip()
        if not line or line == "EOF":
            continue
        if line.endswith("_SECTION"):
            current = line
            sections[current] = []
        elif ":" in line and current is None:
            key, _, value = line.partition(":")
            spec[key.strip().upper()] = value.strip()
        elif current is not None:
            sections[current].append((no, line.split()))
        else:
            raise _fail(path, no, f"unexpected line {line!r}")
    if spec.get("EDGE_WEIGHT_TYPE", "EUC_2D") != "EUC_2D":
        raise InputError(
            Problem(str(path), f"EDGE_WEIGHT_TYPE {spec['EDGE_WEIGHT_TYPE']} is not supported")
        )
    try:
        n = int(spec["DIMENSION"])
        capacity = int(spec["CAPACITY"])
    except (KeyError, ValueError):
        raise InputError(Problem(str(path), "needs integer DIMENSION and CAPACITY")) from None
    if not 2 <= n <= MAX_NODES:
        raise InputError(
            Problem(str(path), f"DIMENSION {n}: needs a depot and 1 to {MAX_NODES - 1} customers")
        )
    if capacity <= 0:
        raise InputError(Problem(str(path), f"CAPACITY {capacity} must be positive"))

    def table(name: str, width: int, kind: type = int) -> list[list[float]]:
        rows = sections.get(name)
        if rows is None:
            raise InputError(Problem(str(path), f"missing {name}"))
        if len(rows) != n:
            raise InputError(Problem(str(path), f"{name} has {len(rows)} rows, DIMENSION is {n}"))
        out = []
        for k, (no, parts) in enumerate(rows, 1):
            if len(parts) != width + 1:
                raise _fail(path, no, f"{name}: expected {width + 1} fields")
            try:
                if int(parts[0]) != k:
                    raise _fail(path, no, f"{name}: node {parts[0]} out of order (expected {k})")
                values = [kind(p) for p in parts[1:]]
            except ValueError:
                raise _fail(path, no, f"{name}: not a number in {' '.join(parts)}") from None
            if not all(math.isfinite(v) and abs(v) <= MAX_VALUE for v in values):
                raise _fail(path, no, f"{name}: values must be finite, at most {MAX_VALUE:g}")
            out.append(values)
        return out

    xy = np.array(table("NODE_COORD_SECTION", 2, float))
    demand = [int(r[0]) for r in table("DEMAND_SECTION", 1)]
    depots = [int(p[0]) for _, p in sections.get("DEPOT_SECTION", []) if p[0] != "-1"]
    if depots and depots != [1]:
        raise InputError(Problem(str(path), "only a single depot at node 1 is supported"))
    windows = None
    if "TIME_WINDOW_SECTION" in sections:
        windows = [(int(a), int(b)) for a, b in table("TIME_WINDOW_SECTION", 2)]
    service = [0] * n
    if "SERVICE_TIME_SECTION" in sections:
        service = [int(r[0]) for r in table("SERVICE_TIME_SECTION", 1)]
    elif "SERVICE_TIME" in spec:
        service = [0] + [int(spec["SERVICE_TIME"])] * (n - 1)
    vehicles = int(spec.get("VEHICLES", n - 1))
    return _build(
        spec.get("NAME", path.stem), xy, demand, windows, service, capacity, vehicles, rounding
    )


def read_solomon(path: Path, rounding: Rounding = "dimacs") -> Instance:
    """Solomon's VRPTW text format: name, VEHICLE (number, capacity), CUSTOMER table."""
    try:
        lines = path.read_text(encoding="utf-8").splitlines()
    except (OSError, UnicodeDecodeError) as exc:
        raise InputError(Problem(str(path), f"cannot read: {exc}")) from None
    numbered = [(no, line.split()) for no, line in enumerate(lines, 1) if line.strip()]
    if len(numbered) < 6 or numbered[1][1][:1] != ["VEHICLE"]:
        raise InputError(
            Problem(str(path), "not a Solomon file (expected a VEHICLE block on line 3)")
        )
    no, parts = numbered[3]
    try:
        vehicles, capacity = int(parts[0]), int(parts[1])
    except (ValueError, IndexError):
        raise _fail(path, no, "expected vehicle number and capacity") from None
    rows = numbered[6:]
    xy, demand, windows, service = [], [], [], []
    for k, (no, parts) in enumerate(rows):
        if len(parts) != 7:
            raise _fail(path, no, f"customer row needs 7 fields, got {len(parts)}")
        try:
            cust, x, y, q, ready, due, svc = (float(p) for p in parts)
        except ValueError:
            raise _fail(path, no, "customer row has a non-number") from None
        if not all(math.isfinite(v) and abs(v) <= MAX_VALUE for v in (x, y, q, ready, due, svc)):
            raise _fail(path, no, f"customer row values must be finite, at most {MAX_VALUE:g}")
        if int(cust) != k:
            raise _fail(path, no, f"customer {int(cust)} out of order (expected {k})")
        if due < ready:
            raise _fail(path, no, f"time window ends ({due:g}) before it starts ({ready:g})")
        xy.append((x, y))
        demand.append(int(q))
        windows.append((int(ready), int(due)))
        service.append(int(svc))
    if len(xy) < 2:
        raise InputError(Problem(str(path), "needs a depot and at least one customer"))
    return _build(
        numbered[0][1][0], np.array(xy), demand, windows, service, capacity, vehicles, rounding
    )


def write_sol(path: Path, routes: RouteSet, cost: int, scale: int = 1) -> None:
    """VRPLIB solution: ``Route #k: c1 c2 ...`` (customers numbered from 1) and the cost."""
    lines = [
        f"Route #{k}: {' '.join(str(v) for v in r.visits)}"
        for k, r in enumerate((r for r in routes.routes if r.visits), 1)
    ]
    value = cost / scale if scale != 1 else cost
    lines.append(
        f"Cost {value:g}"
        if isinstance(value, float) and not math.isclose(value, round(value))
        else f"Cost {round(value) if scale == 1 else value}"
    )
    path.write_text("\n".join(lines) + "\n")


def read_sol(path: Path) -> list[list[int]]:
    routes = []
    for no, line in enumerate(path.read_text().splitlines(), 1):
        if line.startswith("Route"):
            try:
                routes.append([int(v) for v in line.split(":", 1)[1].split()])
            except ValueError:
                raise _fail(path, no, "route has a non-integer") from None
    return routes
