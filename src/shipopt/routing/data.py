"""The routing problem as solvers see it: integer matrices and vectors, units left to the caller.

Locations ``0 .. n_depots - 1`` are depots, the rest are stops. Each stop has a demand per
capacity dimension, a service duration, one or more time windows, and is required or optional
with a drop penalty. Costs are integers in the caller's cost unit. A stop is a delivery loaded at
the depot, unless it belongs to a pickup-and-delivery pair: then its demand is picked up at the
pair's pickup stop and dropped at its delivery stop (both rows hold the amount).
"""

from __future__ import annotations

from dataclasses import dataclass, field

import numpy as np

HORIZON = 2**40


@dataclass(frozen=True)
class VehicleTypeData:
    count: int
    capacity: tuple[int, ...]
    start: int
    end: int
    fixed_cost: int = 0
    unit_distance_cost: int = 1
    unit_duration_cost: int = 0
    shift_start: int = 0
    shift_end: int = HORIZON
    max_duration: int | None = None
    max_distance: int | None = None
    name: str = ""


@dataclass(frozen=True)
class RoutingData:
    n_depots: int
    distance: np.ndarray  # (n, n) int64
    duration: np.ndarray  # (n, n) int64
    demand: np.ndarray  # (n, dims) int64, zero at depots
    service: np.ndarray  # (n,) int64
    windows: list[tuple[tuple[int, int], ...]]  # per location, sorted, disjoint
    required: np.ndarray  # (n,) bool
    penalty: np.ndarray  # (n,) int64, cost of leaving an optional stop out
    vehicle_types: list[VehicleTypeData]
    names: list[str] = field(default_factory=list)
    coords: np.ndarray | None = None  # (n, 2) floats, for solvers that use geometry and for plots
    pairs: tuple[tuple[int, int], ...] = ()  # (pickup stop, delivery stop)

    @property
    def n(self) -> int:
        return int(self.distance.shape[0])

    @property
    def stops(self) -> range:
        return range(self.n_depots, self.n)

    @property
    def dims(self) -> int:
        return int(self.demand.shape[1])

    def name(self, loc: int) -> str:
        return self.names[loc] if self.names else str(loc)

    def single_windows(self) -> bool:
        return all(len(w) == 1 for w in self.windows)


@dataclass(frozen=True)
class Route:
    vehicle_type: int
    visits: tuple[int, ...]  # stop location indices in order


@dataclass(frozen=True)
class RouteSet:
    """A solver's answer: routes and the stops it left out (with the solver's name)."""

    routes: tuple[Route, ...]
    dropped: tuple[int, ...]
    solver: str
    note: str = ""
    failure: str = ""  # why the solver gave no routes (then every stop is in ``dropped``)
