"""The batch plan's own model: the day's order book, the strategy and knobs, every decision,
the plan and its summary. Used by the pipeline that plans, the journal that resumes, the plan
folder, the CLI and the HTTP service alike."""

from __future__ import annotations

from collections import Counter
from dataclasses import dataclass, field
from datetime import date, time
from decimal import Decimal
from enum import StrEnum
from pathlib import Path
from typing import Literal

from pydantic import Field, field_validator

from shipopt.domain.base import Frozen
from shipopt.domain.batch import Order
from shipopt.errors import InputError, Problem
from shipopt.units import Mass


@dataclass
class OrderBook:
    orders: list[Order] = field(default_factory=list)
    rejected: dict[str, list[Problem]] = field(default_factory=dict)  # order id -> its problems
    problems: list[Problem] = field(default_factory=list)  # rows that name no order at all
    sequence: list[str] = field(default_factory=list)  # every order id, in input order

    def input_order(self) -> list[str]:
        """Every order id (kept or rejected) once, in the order the input first names it."""
        seen: set[str] = set()
        ids = [i for i in self.sequence if not (i in seen or seen.add(i))]  # type: ignore[func-returns-value]
        extra = [o.id for o in self.orders if o.id not in seen]
        extra += [i for i in self.rejected if i not in seen and i not in extra]
        return ids + extra

    def check_bad_share(self, limit: float) -> None:
        """An InputError when more than ``limit`` (a share, 0-1) of the orders are rejected: a
        file that is mostly bad is the wrong file, not a day to plan."""
        total = len(self.input_order())
        bad = len(self.rejected)
        if total and bad / total > limit:
            first = "; ".join(str(p) for ps in list(self.rejected.values())[:3] for p in ps[:1])
            raise InputError(
                Problem(
                    "orders",
                    f"{bad} of {total} orders ({bad / total:.0%}) have bad rows, over the limit "
                    f"of {limit:.0%} (max_bad_share); first problems: {first}",
                )
            )


class BoxLayout(Frozen):
    """One box of a shipment as packed: its type, inner size and every unit's place, in
    millimetres, in load order (``units``: sku, x, y, z, length, width, height)."""

    box: str
    inner_mm: tuple[Decimal, Decimal, Decimal]
    units: list[tuple[str, Decimal, Decimal, Decimal, Decimal, Decimal, Decimal]]


class ShipmentDecision(Frozen):
    warehouse: str
    carrier: str = Field(description="A carrier, or 'own-fleet'.")
    service: str
    total: Decimal
    boxes: list[str]
    weight: Mass
    ship_date: date
    promised: date
    on_time: bool | None = Field(description="None when the order has no deliver-by date.")
    on_time_probability: float | None = Field(
        default=None, description="With a transit model and a deliver-by date: P(on time)."
    )
    route: str | None = Field(default=None, description="Own-fleet route id.")
    stop: int | None = Field(default=None, description="Position on the route (1 = first).")
    carrier_quote: Decimal | None = Field(
        default=None, description="What it cost before the van, consolidation or freight."
    )
    consolidated: str | None = Field(
        default=None, description="Joint shipment id when it rides with other orders' goods."
    )
    pallets: int = Field(default=0, ge=0, description="Pallets when it goes as freight.")
    layout: list[BoxLayout] = Field(default=[], description="The boxes as packed.")
    fill_rate: Decimal | None = Field(
        default=None, description="Units' volume over the boxes' inner volume."
    )


class UnplannedCode(StrEnum):
    """Why an order (or one of its shipments) was not planned."""

    INVALID_INPUT = "INVALID_INPUT"  # its rows failed validation
    OUT_OF_STOCK = "OUT_OF_STOCK"  # no warehouse (or split) has the stock
    CANNOT_PACK = "CANNOT_PACK"  # a basket no box (or the no-cartonization rule) can take
    NO_SERVICE = "NO_SERVICE"  # no service is eligible for the shipment
    NOT_RATED = "NOT_RATED"  # rating refused the shipment (e.g. its destination)


class Unplanned(Frozen):
    """A shipment that cannot be planned: a stable code and the message a person reads."""

    code: UnplannedCode
    message: str


class OrderDecision(Frozen):
    order_id: str
    status: Literal["planned", "unplanned"]
    reason: str = Field(default="", description="Why it is unplanned, for a person.")
    code: UnplannedCode | None = Field(default=None, description="Why it is unplanned, stable.")
    shipments: list[ShipmentDecision] = []
    total: Decimal = Decimal(0)


class RowProblem(Frozen):
    """An input row that names no order (so no order can carry its reason)."""

    where: str
    message: str


class RouteStop(Frozen):
    order_id: str
    lat: float
    lon: float
    arrival: time
    departure: time
    weight: Mass


class RoutePlan(Frozen):
    """One own-fleet van route: its depot, stops in order and totals."""

    id: str
    warehouse: str
    lat: float
    lon: float
    departure: time
    return_time: time
    distance_km: Decimal
    duration_minutes: Decimal
    cost: Decimal
    load_weight: Mass
    stops: list[RouteStop]


class Plan(Frozen):
    orders: list[OrderDecision]
    strategy: str
    row_problems: list[RowProblem] = []
    routes: list[RoutePlan] = Field(default=[], description="The own fleet's routes.")


DEFAULT_DAY = date(2026, 12, 1)  # the sample data's day: the one default for a plan's day

# restarts, the CP-SAT one-box proof, block fills and re-splits (PackOptions.extra_fills)
PACK_EFFORT = {"fast": (2, False, False), "normal": (8, True, True), "thorough": (48, True, True)}
STRATEGIES = (
    "cheapest",
    "fastest",
    "nearest-warehouse",
    "no-cartonization",
    "full",
    "single-carrier:<carrier>",
)


def check_strategy(strategy: str) -> str:
    """The strategy itself, or ValueError naming the known ones."""
    if strategy in STRATEGIES[:5] or (
        strategy.startswith("single-carrier:") and len(strategy) > len("single-carrier:")
    ):
        return strategy
    raise ValueError(f"unknown strategy {strategy!r} (use {', '.join(STRATEGIES)})")


@dataclass(frozen=True)
class PlanSettings:
    """``strategy``: cheapest or fastest service; ``single-carrier:<carrier>`` (cheapest of one
    carrier); ``no-cartonization`` (each unit alone in the smallest box that holds it);
    ``nearest-warehouse`` (cheapest service, orders sourced from the nearest warehouse with
    stock instead of by estimated cost); ``full`` (cheapest, then same-address consolidation and
    palletized freight). Every strategy but nearest-warehouse sources by cost; the own fleet
    takes its orders under every strategy when a warehouse has vans."""

    strategy: str = "cheapest"
    split_penalty: Decimal = Decimal("2.00")  # per extra shipment of one order (handling)
    max_bad_share: float = 0.2  # more rejected orders than this share stops the plan
    day: date = DEFAULT_DAY  # the planned day: rates in force and default order time
    # a safety cap only: the restart count is the budget, so the plan does not depend on how
    # fast or busy the machine is
    pack_time_limit: float = 30.0
    pack_starts: int = 8  # cartonization restarts per basket
    pack_exact: bool = True  # the CP-SAT one-box proof (see PackOptions.exact_check)
    pack_extra: bool = True  # block fills and re-splits (see PackOptions.extra_fills)
    seed: int = 0
    workers: int = 1
    rate_tables: Path | None = None  # what each worker process loads
    transit_model: Path | None = None  # and its transit model, if any
    executor: Literal["local", "ray"] = "local"  # local: a process pool of ``workers``
    ray_address: str | None = None  # join this Ray cluster (else a local Ray for the run)
    # an order's service level -> the most transit (business) days it may take; absent: any
    service_levels: tuple[tuple[str, int], ...] = (("expedited", 2), ("overnight", 1))
    route_iterations: int = 3000  # own-fleet search budget (deterministic), capped by the time
    route_time_limit: float = 20.0

    def level_days(self, level: str) -> int | None:
        """The most transit days an order of this service level may take (None: no limit)."""
        return dict(self.service_levels).get(level)


class PlanOptions(Frozen):
    """How the day is planned: the strategy file (TOML), the flags of ``shipopt plan run`` and
    the knobs of a plan job (``POST /v1/plans``) are all this one model."""

    strategy: str = Field(default="cheapest", description=", ".join(STRATEGIES))
    pack_effort: Literal["fast", "normal", "thorough"] = Field(
        default="normal",
        description="Cartonization per basket: fast (2 restarts, no exact one-box proof), "
        "normal (8 restarts), thorough (48 restarts).",
    )
    split_penalty: Decimal = Field(
        default=Decimal("2.00"),
        ge=0,
        le=1000,
        description="Cost of each extra shipment of an order.",
    )
    seed: int = Field(
        default=0, ge=0, le=2**31 - 1, description="Seed of the packing and routing searches."
    )
    day: date = Field(
        default=DEFAULT_DAY, description="The day planned (rates in force, default order time)."
    )
    service_levels: dict[Literal["standard", "expedited", "overnight"], int] = Field(
        default={"expedited": 2, "overnight": 1},
        description="An order's service_level -> the most transit business days it may take "
        "(a level not listed: no limit). When no service meets it, the fastest ships.",
    )
    max_bad_share: float = Field(
        default=0.2,
        ge=0,
        le=1,
        description="Stop with an error when more than this share of the orders have bad rows.",
    )

    @field_validator("strategy")
    @classmethod
    def _known(cls, value: str) -> str:
        return check_strategy(value)

    def settings(
        self,
        workers: int = 1,
        rate_tables: Path | None = None,
        executor: Literal["local", "ray"] = "local",
        ray_address: str | None = None,
        transit_model: Path | None = None,
    ) -> PlanSettings:
        starts, exact, extra = PACK_EFFORT[self.pack_effort]
        return PlanSettings(
            strategy=self.strategy,
            split_penalty=self.split_penalty,
            max_bad_share=self.max_bad_share,
            service_levels=tuple(sorted(self.service_levels.items())),
            day=self.day,
            seed=self.seed,
            pack_starts=starts,
            pack_exact=exact,
            pack_extra=extra,
            workers=workers,
            rate_tables=rate_tables,
            transit_model=transit_model,
            executor=executor,
            ray_address=ray_address,
        )


Decision = ShipmentDecision | Unplanned  # one shipment's outcome


class FleetUse(Frozen):
    routes: int = Field(description="Own-fleet routes driven.")
    stops: int = Field(description="Deliveries made by the own fleet.")


class PlanSummary(Frozen):
    """A plan's totals: what summary.md, the compare table and the service report."""

    orders: int
    planned: int
    unplanned: int
    shipments: int
    boxes: int
    total_cost: Decimal
    on_time_share: float | None = Field(description="Of the orders with a deliver-by date.")
    expected_on_time_share: float | None = Field(
        default=None,
        description="With a transit model: the mean on-time probability of those shipments.",
    )
    shipments_by_service: dict[str, int]
    cost_by_service: dict[str, Decimal]
    cost_by_carrier: dict[str, Decimal]
    fill_rate: Decimal | None = Field(description="Units' volume over the boxes' inner volume.")
    deliveries_by_day: dict[str, int]
    consolidated_orders: int
    freight_shipments: int
    own_fleet: FleetUse


def summarize(plan: Plan) -> PlanSummary:
    """The plan's totals, in one pass over its shipments (a large day has 100,000)."""
    planned = [o for o in plan.orders if o.status == "planned"]
    by_service: Counter[str] = Counter()
    cost_by_service: dict[str, Decimal] = {}
    days: Counter[str] = Counter()
    routes: set[str] = set()
    chances: list[float] = []
    shipments = boxes = promised = on_time = consolidated = freight = stops = 0
    filled_boxes, filled = 0, Decimal(0)  # fill rates weighted by their boxes
    for o in planned:
        for s in o.shipments:
            key = f"{s.carrier}/{s.service}"
            by_service[key] += 1
            cost_by_service[key] = cost_by_service.get(key, Decimal(0)) + s.total
            shipments += 1
            boxes += len(s.boxes)
            if s.on_time is not None:
                promised += 1
                on_time += s.on_time
            if s.on_time_probability is not None:
                chances.append(s.on_time_probability)
            if s.fill_rate:
                filled_boxes += len(s.boxes)
                filled += s.fill_rate * len(s.boxes)
            days[str(s.promised)] += 1
            consolidated += bool(s.consolidated)
            freight += bool(s.pallets)
            if s.route:
                routes.add(s.route)
                stops += 1
    ranked = by_service.most_common()
    return PlanSummary(
        orders=len(plan.orders),
        planned=len(planned),
        unplanned=len(plan.orders) - len(planned),
        shipments=shipments,
        boxes=boxes,
        total_cost=sum((o.total for o in planned), Decimal(0)),
        on_time_share=on_time / promised if promised else None,
        expected_on_time_share=round(sum(chances) / len(chances), 4) if chances else None,
        shipments_by_service=dict(ranked),
        cost_by_service={k: cost_by_service[k] for k, _ in ranked},
        cost_by_carrier=_by_carrier(cost_by_service),
        fill_rate=(filled / filled_boxes).quantize(Decimal("0.0001")) if filled_boxes else None,
        deliveries_by_day=dict(sorted(days.items())),
        consolidated_orders=consolidated,
        freight_shipments=freight,
        own_fleet=FleetUse(routes=len(routes), stops=stops),
    )


def _by_carrier(cost_by_service: dict[str, Decimal]) -> dict[str, Decimal]:
    out: dict[str, Decimal] = {}
    for key, cost in cost_by_service.items():
        carrier = key.split("/", 1)[0]
        out[carrier] = out.get(carrier, Decimal(0)) + cost
    return dict(sorted(out.items(), key=lambda kv: -kv[1]))
