"""Rank rates under a policy, tag the notable ones and explain the choice."""

from __future__ import annotations

from collections.abc import Callable

from shipopt.domain.quote import BestValue, Policy, Rate, Tag

SortKey = tuple[object, ...]


def _cheapest(r: Rate) -> SortKey:
    return (r.total, r.estimated_delivery, r.key)


def _fastest(r: Rate) -> SortKey:
    return (r.estimated_delivery, r.total, r.key)


def best_value_key(best: BestValue) -> Callable[[Rate], SortKey]:
    """Cheapest within ``within_days`` transit days (others after, fastest first), or the least
    total plus ``cost_per_day`` per transit day."""
    if best.within_days is not None:
        limit = best.within_days

        def within(r: Rate) -> SortKey:
            if r.transit_days <= limit:
                return (0, r.total, r.estimated_delivery, r.key)
            return (1, r.estimated_delivery, r.total, r.key)

        return within

    def scored(r: Rate) -> SortKey:
        return (r.total + best.cost_per_day * r.transit_days, r.estimated_delivery, r.key)

    return scored


def rank(rates: list[Rate], policy: Policy, best: BestValue) -> list[Rate]:
    """Rates best first under ``policy``, each tagged CHEAPEST / FASTEST / BEST_VALUE."""
    if not rates:
        return []
    bv_key = best_value_key(best)
    cheapest = min(rates, key=_cheapest)
    fastest = min(rates, key=_fastest)
    best_value: Rate | None = min(rates, key=bv_key)
    if best_value and best.within_days is not None and best_value.transit_days > best.within_days:
        best_value = None  # nothing arrives within the window
    key = {"cheapest": _cheapest, "fastest": _fastest, "best_value": bv_key}[policy]
    tagged = []
    for r in sorted(rates, key=key):
        winners = ((Tag.CHEAPEST, cheapest), (Tag.FASTEST, fastest), (Tag.BEST_VALUE, best_value))
        tags = [t for t, winner in winners if winner is r]
        tagged.append(r.model_copy(update={"tags": tags}))
    return tagged


def explain(ranked: list[Rate], policy: Policy, best: BestValue, excluded: int) -> str:
    if not ranked:
        why = f" ({excluded} service(s) ineligible; see 'ineligible')" if excluded else ""
        return f"No service can carry this shipment under the given constraints{why}."
    top = ranked[0]
    rule = {
        "cheapest": "the lowest total",
        "fastest": "the earliest estimated delivery",
        "best_value": (
            f"the lowest total arriving within {best.within_days} transit day(s)"
            if best.within_days is not None
            else f"the lowest total plus {best.cost_per_day} per transit day"
        ),
    }[policy]
    text = (
        f"Chose {top.key} ({top.service_name}) for {rule}: {top.currency} {top.total}, "
        f"estimated delivery {top.estimated_delivery.isoformat()} "
        f"({top.transit_days} transit day(s){', guaranteed' if top.guaranteed else ''})."
    )
    if len(ranked) > 1:
        nxt = ranked[1]
        diff = nxt.total - top.total
        if diff > 0:
            saving = f"the choice saves {top.currency} {diff}"
        elif diff < 0:
            saving = f"the choice costs {top.currency} {-diff} more"
        else:
            saving = "same price"
        text += (
            f" Next: {nxt.key} at {nxt.currency} {nxt.total}, delivery "
            f"{nxt.estimated_delivery.isoformat()} ({saving})."
        )
    if excluded:
        text += f" {excluded} service(s) ineligible."
    return text
