"""Checkout (sell) prices from a markup file: one shipment at a time, or many at once (numpy).

sell = round(basis + round_half_up(basis * percent) + flat + handling(weight)), where basis is
the shipment's net (or list) total, handling comes from the first weight band holding the
shipment's actual weight, and round is the rule's rounding (``up_to_99``: up to the next
amount ending in .99; ``up_to_whole``: up to whole units); free shipping, when the order value
reaches a named service's threshold, takes the whole sell price off.
"""

from __future__ import annotations

from decimal import Decimal

import numpy as np

from shipopt.ratetables.contract import MarkupFile, MarkupRule
from shipopt.units import div_round_half_up

Lines = tuple[tuple[str, int], ...]
Notes = tuple[tuple[str, str], ...]
SELL_DESCRIPTIONS = {
    "cost_net": "Net cost",
    "cost_list": "List price",
    "markup_percent": "Markup",
    "markup_flat": "Flat markup",
    "handling": "Handling fee",
    "rounding": "Rounding",
    "free_shipping": "Free shipping",
}


def rounded(cents: int, rule: MarkupRule) -> int:
    if rule.rounding == "up_to_99":
        return (cents // 100) * 100 + 99
    if rule.rounding == "up_to_whole":
        return -(-cents // 100) * 100
    return cents


def sell_lines(
    markup: MarkupFile,
    key: str,
    list_cents: int,
    net_cents: int,
    weight_ng: int,
    order_value_cents: int | None,
) -> tuple[Lines, Notes] | None:
    """The sell price's lines (they sum to it), or None when no rule names ``key``."""
    rule = markup.rule_for(key)
    if rule is None:
        return None
    basis = net_cents if rule.basis == "net" else list_cents
    lines = [(f"cost_{rule.basis}", basis)]
    notes = []
    percent = div_round_half_up(basis * rule.percent, 1_000_000)
    if percent:
        lines.append(("markup_percent", percent))
        notes.append(("markup_percent", f"{Decimal(rule.percent).scaleb(-4).normalize():f}%"))
    if rule.flat:
        lines.append(("markup_flat", rule.flat))
    handling = markup.handling_for(weight_ng)
    if handling:
        lines.append(("handling", handling))
    subtotal = sum(c for _, c in lines)
    final = rounded(subtotal, rule)
    if final != subtotal:
        lines.append(("rounding", final - subtotal))
        notes.append(("rounding", rule.rounding.replace("_", " ").replace("99", ".99")))
    if final and markup.free_for(key, order_value_cents):
        lines.append(("free_shipping", -final))
        notes.append(("free_shipping", f"{markup.name}: order value over the threshold"))
    return tuple(lines), tuple(notes)


def sell_totals(
    markup: MarkupFile,
    key: str,
    list_cents: np.ndarray,
    net_cents: np.ndarray,
    weight_ng: np.ndarray,
    order_value_cents: np.ndarray,
) -> np.ndarray | None:
    """:func:`sell_lines` totals for many shipments (``order_value_cents`` < 0: none given)."""
    rule = markup.rule_for(key)
    if rule is None:
        return None
    basis = net_cents if rule.basis == "net" else list_cents
    total = basis + (2 * basis * rule.percent + 1_000_000) // 2_000_000 + rule.flat
    handling = np.zeros_like(total)
    assigned = np.zeros(total.shape[0], dtype=bool)
    for band in markup.handling:
        hit = ~assigned
        if band.weight_up_to is not None:
            hit &= weight_ng <= band.weight_up_to.ng
        handling = np.where(hit, band.amount, handling)
        assigned |= hit
    total = total + handling
    if rule.rounding == "up_to_99":
        total = (total // 100) * 100 + 99
    elif rule.rounding == "up_to_whole":
        total = -(-total // 100) * 100
    for free in markup.free_shipping:
        if key in free.services:
            total = np.where(order_value_cents >= free.order_value_at_least, 0, total)
    result: np.ndarray = total
    return result
