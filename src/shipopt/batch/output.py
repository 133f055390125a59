"""Write a plan folder: plan.json (every decision), orders.csv (one row per shipment or
unplanned order), summary.md, and row_problems.csv when input rows name no order (charts:
batch/charts.py)."""

from __future__ import annotations

import csv
from pathlib import Path

from pydantic import TypeAdapter

from shipopt.domain.plan import Plan, summarize

_PLAN: TypeAdapter[Plan] = TypeAdapter(Plan)


def write_plan(plan: Plan, folder: Path, vans: int = 0) -> dict[str, Path]:
    """The plan folder; ``vans``: the own vans available (for the utilisation line)."""
    folder.mkdir(parents=True, exist_ok=True)
    paths = {
        "plan": folder / "plan.json",
        "orders": folder / "orders.csv",
        "summary": folder / "summary.md",
    }
    with paths["plan"].open("wb") as fh:  # the JSON as bytes, written once (a large day's plan
        fh.write(_PLAN.dump_json(plan, indent=1))  # is 130 MB: no str copy, no encoded copy)
        fh.write(b"\n")
    _write_orders(plan, paths["orders"])
    lines = _summary(plan, vans)
    if plan.row_problems:
        paths["row_problems"] = folder / "row_problems.csv"
        with paths["row_problems"].open("w", newline="", encoding="utf-8") as fh:
            w = csv.writer(fh, lineterminator="\n")
            w.writerow(["where", "problem"])
            w.writerows([p.where, p.message] for p in plan.row_problems)
        lines += ["", f"{len(plan.row_problems)} input row(s) name no order: row_problems.csv"]
    paths["summary"].write_text("\n".join(lines) + "\n")
    return paths


ORDER_COLUMNS = (
    "order_id",
    "status",
    "warehouse",
    "carrier",
    "service",
    "boxes",
    "total",
    "ship_date",
    "promised",
    "on_time",
    "route",
    "stop",
    "consolidated",
    "pallets",
    "reason",
    "reason_code",
)


def _write_orders(plan: Plan, path: Path) -> None:
    """orders.csv: one row per shipment, and one per unplanned order with its reason."""
    with path.open("w", newline="", encoding="utf-8") as fh:
        w = csv.writer(fh, lineterminator="\n")
        w.writerow(ORDER_COLUMNS)
        for o in plan.orders:
            if o.status == "unplanned":
                w.writerow([o.order_id, o.status, *[""] * 12, o.reason, o.code or ""])
            for s in o.shipments:
                w.writerow(
                    [
                        o.order_id,
                        o.status,
                        s.warehouse,
                        s.carrier,
                        s.service,
                        " ".join(s.boxes),
                        s.total,
                        s.ship_date,
                        s.promised,
                        "" if s.on_time is None else s.on_time,
                        s.route or "",
                        s.stop or "",
                        s.consolidated or "",
                        s.pallets or "",
                        "",
                        "",
                    ]
                )


def _summary(plan: Plan, vans: int) -> list[str]:
    """summary.md's lines: totals, on-time share, consolidation and freight, fill, the own
    fleet's use, cost by carrier and by service."""
    totals = summarize(plan)
    lines = [
        f"# Shipping plan ({plan.strategy})",
        "",
        f"- orders: {totals.orders} ({totals.planned} planned, {totals.unplanned} unplanned)",
        f"- shipments: {totals.shipments}, boxes: {totals.boxes}",
        f"- total shipping cost: USD {totals.total_cost}",
    ]
    share = totals.on_time_share
    lines.append(
        f"- on time (orders with a deliver-by date): {share:.1%}"
        if share is not None
        else "- on time: no order had a deliver-by date"
    )
    if totals.expected_on_time_share is not None:
        lines.append(
            f"- expected on time (the transit model's mean probability): "
            f"{totals.expected_on_time_share:.1%}"
        )
    lines.append(
        f"- consolidated (orders riding with others to the same address): "
        f"{totals.consolidated_orders}; freight (palletized): {totals.freight_shipments}"
    )
    fill = totals.fill_rate
    if fill:
        lines.append(f"- box fill rate (units' volume / inner volume): {fill:.1%}")
    fleet = totals.own_fleet
    if vans:
        lines.append(
            f"- own fleet: {fleet.routes} of {vans} vans used, {fleet.stops} deliveries "
            f"(utilisation {fleet.routes / vans:.0%})"
        )
    carriers = totals.cost_by_carrier
    lines += ["", "| carrier | cost |", "|---|---|"]
    lines += [f"| {k} | {v} |" for k, v in carriers.items()]
    lines += ["", "| service | shipments | cost |", "|---|---|---|"]
    counts = totals.shipments_by_service
    costs = totals.cost_by_service
    lines += [f"| {k} | {v} | {costs[k]} |" for k, v in counts.items()]
    return lines
