"""The day's plan, as the design's data flow: source the orders -> decide each shipment (pack
its basket once, rate-shop it; in this process, a process pool or on Ray; journaled) -> one
decision per order -> consolidate and go freight (strategy full) -> the own fleet -> the plan.
Each step is a call into its own module; the plan's types and knobs are in
:mod:`shipopt.domain.plan`."""

from __future__ import annotations

from collections.abc import Callable
from decimal import Decimal
from typing import Any

from shipopt.domain.batch import Sku, Warehouse
from shipopt.domain.packing import BoxType
from shipopt.domain.plan import (
    Decision,
    OrderBook,
    OrderDecision,
    Plan,
    PlanSettings,
    RoutePlan,
    RowProblem,
    ShipmentDecision,
    Unplanned,
    UnplannedCode,
)
from shipopt.errors import InputError, Problem
from shipopt.pipeline.baskets import Baskets, carriers_of
from shipopt.pipeline.context import QuoteContext
from shipopt.pipeline.journal import Journal, sourcing_from_json, sourcing_to_json
from shipopt.pipeline.pool import PoolRun
from shipopt.pipeline.shipments import Job, decide_here
from shipopt.sourcing.by_cost import source_by_cost
from shipopt.sourcing.nearest import Sourcing, source_nearest

Progress = Callable[[int, int], None]


def plan_day(
    book: OrderBook,
    skus: dict[str, Sku],
    warehouses: list[Warehouse],
    boxes: list[BoxType],
    ctx: QuoteContext,
    settings: PlanSettings = PlanSettings(),
    progress: Progress | None = None,
    journal: Journal | None = None,
    resume: bool = False,
    pool: PoolRun | None = None,
) -> Plan:
    """One decision per order of the book (kept orders planned or not; rejected ones unplanned
    with their input problems), in input order. With ``settings.workers`` > 1 and
    ``settings.rate_tables`` set, shipments are priced in a process pool; the plan is the same.
    ``progress(done, total)`` is called after each shipment; an exception it raises stops the
    plan (that is how a job is cancelled). With a ``journal`` every decision is written as it is
    made; with ``resume`` too, decisions already in the journal (same inputs and settings) are
    taken from it instead of being made again. ``pool``: one already started for these
    inputs and settings (see ``start_pool``), closed here."""
    book.check_bad_share(settings.max_bad_share)
    _check_carrier(settings, ctx)
    earlier = journal.load() if journal is not None and resume else {}
    stages = journal.stages if journal is not None and resume else {}
    if pool is None:
        pool = start_pool(skus, boxes, warehouses, settings)
    by_id = {w.id: w for w in warehouses}
    routes: list[RoutePlan] = []
    try:
        sourcing = _sourcing(book, warehouses, skus, ctx, settings, pool, stages)
        jobs = [(a.order, wid, lines) for a in sourcing.assignments for wid, lines in a.shipments]
        keys = [f"{order.id}|{wid}" for order, wid, _ in jobs]
        known = {k: earlier[k] for k in keys if k in earlier}
        todo = [job for job, k in zip(jobs, keys, strict=True) if k not in known]
        if journal is not None:
            kept = {k: v for k, v in stages.items() if k == "sourcing"}
            journal.start(known, kept or {"sourcing": sourcing_to_json(sourcing)})
        if pool is not None and "sourcing" in stages:  # resumed: pack only what is left
            pool.prepack([lines for _, _, lines in todo])
        fresh = iter(_decide(todo, skus, boxes, warehouses, ctx, settings, pool, progress, journal))
        decisions = [known[k] if k in known else next(fresh) for k in keys]
        ordered = _order_decisions(book, sourcing, jobs, decisions)
        if "consolidated" in stages:
            ordered = [OrderDecision.model_validate(d) for d in stages["consolidated"]]
        elif settings.strategy == "full":
            ordered = _consolidated(ordered, book, jobs, by_id, skus, boxes, ctx, settings)
            if journal is not None:
                journal.stage("consolidated", [d.model_dump(mode="json") for d in ordered])
        if any(w.fleet is not None and w.fleet.vans for w in warehouses):
            from shipopt.pipeline.fleet import assign_own_fleet

            orders = {o.id: o for o in book.orders}
            ordered, routes = assign_own_fleet(ordered, orders, warehouses, ctx.directory, settings)
    except BaseException:
        if pool is not None:
            pool.close(failed=True)
            pool = None
        if journal is not None:
            journal.close(finished=False)  # what was decided stays for --resume
        raise
    finally:
        if pool is not None:
            pool.close(failed=False)
    if journal is not None:
        journal.close(finished=True)
    rows = [RowProblem(where=p.where, message=p.message) for p in book.problems]
    return Plan(orders=ordered, strategy=settings.strategy, row_problems=rows, routes=routes)


def start_pool(
    skus: dict[str, Sku], boxes: list[BoxType], warehouses: list[Warehouse], settings: PlanSettings
) -> PoolRun | None:
    """The process pool the settings ask for (local executor, several workers, rate tables to
    load), its workers already starting; None for any other."""
    if settings.executor == "local" and settings.workers > 1 and settings.rate_tables is not None:
        return PoolRun(skus, boxes, warehouses, settings)
    return None


def _check_carrier(settings: PlanSettings, ctx: QuoteContext) -> None:
    """A single-carrier strategy names a carrier of the rate tables."""
    only = carriers_of(settings)
    known = sorted({k.split("/", 1)[0] for k in ctx.registry.keys})
    if only is not None and only[0] not in known:
        raise InputError(
            Problem("strategy", f"unknown carrier {only[0]!r}; known: {', '.join(known)}")
        )


def _sourcing(
    book: OrderBook,
    warehouses: list[Warehouse],
    skus: dict[str, Sku],
    ctx: QuoteContext,
    settings: PlanSettings,
    pool: PoolRun | None,
    stages: dict[str, Any],
) -> Sourcing:
    """Which warehouse ships which lines of each order (from the journal when resumed)."""
    if "sourcing" in stages:
        return sourcing_from_json(stages["sourcing"], book.orders)
    if pool is not None:  # baskets start packing while the parent sources
        pool.prepack([tuple(o.lines) for o in book.orders])
    if settings.strategy == "nearest-warehouse":
        return source_nearest(book.orders, warehouses, ctx.directory)
    return source_by_cost(book.orders, warehouses, skus, ctx, settings.day, settings.split_penalty)


def _decide(
    todo: list[Job],
    skus: dict[str, Sku],
    boxes: list[BoxType],
    warehouses: list[Warehouse],
    ctx: QuoteContext,
    settings: PlanSettings,
    pool: PoolRun | None,
    progress: Progress | None,
    journal: Journal | None,
) -> list[Decision]:
    """Each shipment's decision, in order, on the executor the settings name; every one is
    written to the journal as it comes."""

    def record(job: Job, decision: Decision) -> None:
        if journal is not None:
            journal.add(f"{job[0].id}|{job[1]}", decision)

    if settings.executor == "ray" and todo:
        from shipopt.pipeline.ray_executor import decide_on_ray

        return decide_on_ray(todo, skus, boxes, warehouses, settings, progress, record)
    if pool is not None:
        return pool.decide(todo, progress, record)
    by_id = {w.id: w for w in warehouses}
    return decide_here(todo, by_id, skus, boxes, ctx, settings, progress, record)


def _order_decisions(
    book: OrderBook, sourcing: Sourcing, jobs: list[Job], decisions: list[Decision]
) -> list[OrderDecision]:
    """One decision per order, in input order: rejected and unsourced orders unplanned with
    their reasons; an order with an unplanned shipment unplanned with the first one's."""
    decided: dict[str, OrderDecision] = {}
    for oid, problems in book.rejected.items():
        reason = "; ".join(str(p) for p in problems)
        decided[oid] = _unplanned(oid, Unplanned(code=UnplannedCode.INVALID_INPUT, message=reason))
    for oid, reason in sourcing.unplanned.items():
        decided[oid] = _unplanned(oid, Unplanned(code=UnplannedCode.OUT_OF_STOCK, message=reason))
    per_order: dict[str, list[Decision]] = {}
    for (order, _, _), decision in zip(jobs, decisions, strict=True):
        per_order.setdefault(order.id, []).append(decision)
    for a in sourcing.assignments:
        outcome = per_order[a.order.id]
        failures = [d for d in outcome if isinstance(d, Unplanned)]
        if failures:
            decided[a.order.id] = _unplanned(a.order.id, failures[0])
            continue
        shipments = [d for d in outcome if isinstance(d, ShipmentDecision)]
        decided[a.order.id] = OrderDecision.model_construct(  # of its types: no validation
            order_id=a.order.id,
            status="planned",
            shipments=shipments,
            total=sum((s.total for s in shipments), Decimal(0)),
        )
    return [decided[oid] for oid in book.input_order()]


def _unplanned(order_id: str, why: Unplanned) -> OrderDecision:
    return OrderDecision(order_id=order_id, status="unplanned", reason=why.message, code=why.code)


def _consolidated(
    ordered: list[OrderDecision],
    book: OrderBook,
    jobs: list[Job],
    warehouses: dict[str, Warehouse],
    skus: dict[str, Sku],
    boxes: list[BoxType],
    ctx: QuoteContext,
    settings: PlanSettings,
) -> list[OrderDecision]:
    """Same-address shipments joined where cheaper, then heavy ones as palletized freight."""
    from shipopt.pipeline.consolidate import Day, consolidate, go_freight

    day = Day(
        orders={o.id: o for o in book.orders},
        lines_of={(order.id, wid): lines for order, wid, lines in jobs},
        warehouses=warehouses,
        skus=skus,
        boxes=boxes,
        ctx=ctx,
        settings=settings,
        cache=Baskets(),
    )
    return go_freight(consolidate(ordered, day), day)
