"""Rank rates under a policy, tag the notable ones and explain the choice.

Rates are ranked on their net total, or with ``basis="sell"`` on their checkout price where
markup rules give one (the net total elsewhere)."""

from __future__ import annotations

from collections.abc import Callable
from decimal import Decimal

from shipopt.domain.quote import BestValue, Policy, PriceBasis, Rate, Tag

SortKey = tuple[object, ...]
KeyFn = Callable[[Rate], SortKey]


def _keys(best: BestValue, basis: PriceBasis) -> dict[Policy, KeyFn]:
    """The sort key of each policy. Best value: cheapest within ``within_days`` transit days
    (others after, fastest first), or the least amount plus ``cost_per_day`` per transit day."""

    amount: Callable[[Rate], Decimal] = (
        (lambda r: r.total) if basis == "net" else (lambda r: r.amount(basis))
    )

    def cheapest(r: Rate) -> SortKey:
        return (amount(r), r.estimated_delivery, r.key)

    def fastest(r: Rate) -> SortKey:
        return (r.estimated_delivery, amount(r), r.key)

    limit = best.within_days

    def within(r: Rate) -> SortKey:
        if limit is not None and r.transit_days <= limit:
            return (0, amount(r), r.estimated_delivery, r.key)
        return (1, r.estimated_delivery, amount(r), r.key)

    def scored(r: Rate) -> SortKey:
        cost = amount(r) + best.cost_per_day * r.transit_days
        return (cost, r.estimated_delivery, r.key)

    return {
        "cheapest": cheapest,
        "fastest": fastest,
        "best_value": within if limit is not None else scored,
    }


def rank(
    rates: list[Rate], policy: Policy, best: BestValue, basis: PriceBasis = "net"
) -> list[Rate]:
    """Rates best first under ``policy``, each tagged CHEAPEST / FASTEST / BEST_VALUE."""
    if not rates:
        return []
    keys = _keys(best, basis)
    cheapest = min(rates, key=keys["cheapest"])
    fastest = min(rates, key=keys["fastest"])
    best_value: Rate | None = min(rates, key=keys["best_value"])
    if best_value and best.within_days is not None and best_value.transit_days > best.within_days:
        best_value = None  # nothing arrives within the window
    tagged = []
    for r in sorted(rates, key=keys[policy]):
        winners = ((Tag.CHEAPEST, cheapest), (Tag.FASTEST, fastest), (Tag.BEST_VALUE, best_value))
        tags = [t for t, winner in winners if winner is r]
        tagged.append(r.model_copy(update={"tags": tags}))
    return tagged


def explain(
    ranked: list[Rate],
    policy: Policy,
    best: BestValue,
    excluded: int,
    basis: PriceBasis = "net",
) -> str:
    if not ranked:
        why = f" ({excluded} service(s) ineligible; see 'ineligible')" if excluded else ""
        return f"No service can carry this shipment under the given constraints{why}."
    top = ranked[0]
    total = "checkout price" if basis == "sell" else "total"
    rule = {
        "cheapest": f"the lowest {total}",
        "fastest": "the earliest estimated delivery",
        "best_value": (
            f"the lowest {total} arriving within {best.within_days} transit day(s)"
            if best.within_days is not None
            else f"the lowest {total} plus {best.cost_per_day} per transit day"
        ),
    }[policy]
    text = (
        f"Chose {top.key} ({top.service_name}) for {rule}: {top.currency} "
        f"{top.amount(basis)}, estimated delivery {top.estimated_delivery.isoformat()} "
        f"({top.transit_days} transit day(s){', guaranteed' if top.guaranteed else ''})."
    )
    if len(ranked) > 1:
        nxt = ranked[1]
        diff = nxt.amount(basis) - top.amount(basis)
        if diff > 0:
            saving = f"the choice saves {top.currency} {diff}"
        elif diff < 0:
            saving = f"the choice costs {top.currency} {-diff} more"
        else:
            saving = "same price"
        text += (
            f" Next: {nxt.key} at {nxt.currency} {nxt.amount(basis)}, delivery "
            f"{nxt.estimated_delivery.isoformat()} ({saving})."
        )
    if excluded:
        text += f" {excluded} service(s) ineligible."
    return text
