"""Contract files (TOML): a carrier agreement's incentives and the shop's checkout markups.

Both sit in the rate-table folder beside the service files and are told apart by ``kind``.
Money fields hold integer cents, percentages integer millionths (as in :mod:`.schema`).
See ``rate_tables/README.md`` ("Incentives" and "Markups") for the format.
"""

from __future__ import annotations

import itertools
from datetime import date
from typing import Literal

from pydantic import Field, model_validator

from shipopt.currency import Currency
from shipopt.ratetables.schema import Cents, Ppm, Strict
from shipopt.units import Mass

IncentiveCharge = Literal[
    "residential",
    "delivery_area",
    "additional_handling",
    "large_package",
    "nonstandard_length",
    "nonstandard_volume",
    "peak",
    "fuel",
]


class Dated(Strict):
    version: str
    effective_from: date
    effective_to: date | None = None

    @model_validator(mode="after")
    def _dates(self) -> Dated:
        if self.effective_to is not None and self.effective_to < self.effective_from:
            raise ValueError("effective_to is before effective_from")
        return self

    def in_force(self, day: date) -> bool:
        return self.effective_from <= day and (
            self.effective_to is None or day <= self.effective_to
        )


class Tier(Strict):
    spend_min: Cents = Field(description="This tier applies from this declared spend up.")
    percent: Ppm


class Transportation(Strict):
    """Percent off the list base rate for billable weights in [weight_min, weight_max] and the
    listed zones; a fixed ``percent`` or earned ``tiers`` chosen by the declared spend."""

    services: list[str] = Field(min_length=1)
    percent: Ppm | None = None
    tiers: list[Tier] | None = None
    weight_min: Mass | None = None
    weight_max: Mass | None = None
    zones: list[int] | None = None
    destination: Literal["any", "commercial", "residential"] = Field(
        default="any", description="Only parcels to a commercial or a residential address."
    )

    @model_validator(mode="after")
    def _one_rate(self) -> Transportation:
        if (self.percent is None) == (self.tiers is None):
            raise ValueError("give either percent or tiers")
        if self.tiers is not None:
            mins = [t.spend_min for t in self.tiers]
            if not mins or mins[0] != 0 or any(b <= a for a, b in itertools.pairwise(mins)):
                raise ValueError("tiers: spend_min must start at 0 and increase")
        if self.weight_min and self.weight_max and self.weight_max.ng < self.weight_min.ng:
            raise ValueError("weight_max is below weight_min")
        return self

    def overlaps(self, other: Transportation) -> bool:
        lo = max(self.weight_min.ng if self.weight_min else 0, _lo(other))
        hi = min(_hi(self), _hi(other))
        zones = (
            self.zones is None or other.zones is None or bool(set(self.zones) & set(other.zones))
        )
        where = "any" in (self.destination, other.destination) or (
            self.destination == other.destination
        )
        return bool(set(self.services) & set(other.services)) and lo <= hi and zones and where


def _lo(rule: Transportation) -> int:
    return rule.weight_min.ng if rule.weight_min else 0


def _hi(rule: Transportation) -> int:
    return rule.weight_max.ng if rule.weight_max else 2**62


class SurchargeIncentive(Strict):
    """Percent off one named surcharge (or the fuel surcharge); every service without
    ``services``."""

    services: list[str] | None = None
    charge: IncentiveCharge
    percent: Ppm


class MinimumNet(Strict):
    """The lowest net base rate: the carrier's minimum (``minimum``, else the service's
    ``minimum_charge``, else its list price at the first weight break of its lowest zone)
    reduced by an amount or a percent."""

    services: list[str] = Field(min_length=1)
    minimum: Cents | None = None
    reduce_by_amount: Cents | None = None
    reduce_by_percent: Ppm | None = None

    @model_validator(mode="after")
    def _one(self) -> MinimumNet:
        if self.reduce_by_amount is not None and self.reduce_by_percent is not None:
            raise ValueError("give reduce_by_amount or reduce_by_percent, not both")
        return self


class IncentivesFile(Dated):
    """One carrier agreement in force over one date range."""

    kind: Literal["incentives"]
    carrier: str = Field(pattern=r"^[a-z0-9_\-]+$")
    name: str
    declared_spend: Cents | None = Field(
        default=None, description="The rolling spend that chooses earned (tiered) incentives."
    )
    transportation: list[Transportation] = []
    surcharges: list[SurchargeIncentive] = []
    minimum: list[MinimumNet] = []

    @model_validator(mode="after")
    def _consistent(self) -> IncentivesFile:
        if self.declared_spend is None and any(t.tiers for t in self.transportation):
            raise ValueError("tiered incentives need declared_spend")
        for (i, a), (j, b) in itertools.combinations(enumerate(self.transportation), 2):
            if a.overlaps(b):
                raise ValueError(
                    f"transportation[{j}] overlaps transportation[{i}] "
                    "(same service, weights and zones)"
                )
        seen: set[tuple[str, str]] = set()
        for k, s in enumerate(self.surcharges):
            for svc in s.services or ["*"]:
                if (svc, s.charge) in seen:
                    raise ValueError(f"surcharges[{k}]: {s.charge} for {svc} is listed twice")
                seen.add((svc, s.charge))
        named = [svc for m in self.minimum for svc in m.services]
        twice = sorted({s for s in named if named.count(s) > 1})
        if twice:
            raise ValueError(f"minimum: {', '.join(twice)} listed twice")
        return self

    def percent_for(self, rule: Transportation) -> int:
        """The rule's percent (millionths); a tiered rule's from the declared spend."""
        if rule.percent is not None:
            return rule.percent
        assert rule.tiers is not None and self.declared_spend is not None
        return [t for t in rule.tiers if t.spend_min <= self.declared_spend][-1].percent


class MarkupRule(Strict):
    """How one service's checkout price is made from its list or net price. The first rule
    whose ``services`` (``carrier/service``) or ``carriers`` match applies; neither: every one."""

    services: list[str] | None = None
    carriers: list[str] | None = None
    basis: Literal["net", "list"] = "net"
    percent: Ppm = 0
    flat: Cents = 0
    rounding: Literal["none", "up_to_99", "up_to_whole"] = "none"

    def matches(self, key: str) -> bool:
        if self.services is not None and key not in self.services:
            return False
        return self.carriers is None or key.split("/", 1)[0] in self.carriers


class HandlingBand(Strict):
    """A handling fee for shipments up to ``weight_up_to`` (the last band may be open)."""

    weight_up_to: Mass | None = None
    amount: Cents


class FreeShipping(Strict):
    services: list[str] = Field(min_length=1)
    order_value_at_least: Cents


class MarkupFile(Dated):
    """The shop's checkout prices over one date range."""

    kind: Literal["markup"]
    name: str
    currency: Currency = "USD"
    rules: list[MarkupRule] = Field(min_length=1)
    handling: list[HandlingBand] = []
    free_shipping: list[FreeShipping] = []

    @model_validator(mode="after")
    def _bands(self) -> MarkupFile:
        tops = [b.weight_up_to for b in self.handling]
        if any(t is None for t in tops[:-1]):
            raise ValueError("handling: only the last band may omit weight_up_to")
        ng = [t.ng for t in tops if t is not None]
        if any(b <= a for a, b in itertools.pairwise(ng)):
            raise ValueError("handling: weight_up_to must increase")
        return self

    def rule_for(self, key: str) -> MarkupRule | None:
        return next((r for r in self.rules if r.matches(key)), None)

    def handling_for(self, weight_ng: int) -> int:
        for band in self.handling:
            if band.weight_up_to is None or weight_ng <= band.weight_up_to.ng:
                return band.amount
        return 0

    def free_for(self, key: str, order_value_cents: int | None) -> bool:
        if order_value_cents is None:
            return False
        return any(
            key in f.services and order_value_cents >= f.order_value_at_least
            for f in self.free_shipping
        )
