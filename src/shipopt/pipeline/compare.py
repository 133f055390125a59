"""Run several strategies on the same orders and compare them with a baseline."""

from __future__ import annotations

from dataclasses import replace
from decimal import Decimal
from typing import Any

from shipopt.domain.batch import Sku, Warehouse
from shipopt.domain.packing import BoxType
from shipopt.domain.plan import OrderBook, Plan, PlanSettings, summarize
from shipopt.pipeline.context import QuoteContext
from shipopt.pipeline.plan import plan_day


def compare(
    book: OrderBook,
    skus: dict[str, Sku],
    warehouses: list[Warehouse],
    boxes: list[BoxType],
    ctx: QuoteContext,
    strategies: list[str],
    baseline: str,
    settings: PlanSettings | None = None,
) -> tuple[list[dict[str, Any]], dict[str, Plan]]:
    """A row per strategy: orders planned, cost, boxes, on-time share and savings against
    ``baseline`` (over the orders both planned)."""
    settings = settings or PlanSettings()
    names = list(dict.fromkeys([baseline, *strategies]))
    plans = {
        name: plan_day(book, skus, warehouses, boxes, ctx, replace(settings, strategy=name))
        for name in names
    }
    base = {o.order_id: o for o in plans[baseline].orders if o.status == "planned"}
    rows = []
    for name in names:
        plan = plans[name]
        totals = summarize(plan)
        common = [o for o in plan.orders if o.status == "planned" and o.order_id in base]
        ours = sum((o.total for o in common), Decimal(0))
        theirs = sum((base[o.order_id].total for o in common), Decimal(0))
        share = totals.on_time_share
        rows.append(
            {
                "strategy": name,
                "planned": totals.planned,
                "unplanned": totals.unplanned,
                "boxes": totals.boxes,
                "total_cost": str(totals.total_cost),
                "on_time": f"{share:.1%}" if share is not None else "-",
                f"vs {baseline} (same orders)": f"{(ours - theirs) / theirs:+.1%}"
                if theirs
                else "-",
            }
        )
    return rows, plans
