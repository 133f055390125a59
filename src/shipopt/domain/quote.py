"""Quote requests and responses."""

from __future__ import annotations

from datetime import date
from decimal import Decimal
from enum import StrEnum
from typing import Literal

from pydantic import Field, model_validator

from shipopt.currency import Currency
from shipopt.domain.base import Frozen
from shipopt.domain.packing import PackResult
from shipopt.domain.shipment import Shipment
from shipopt.units import Mass

Policy = Literal["cheapest", "fastest", "best_value"]
PriceBasis = Literal["net", "sell"]


class Constraints(Frozen):
    deliver_by: date | None = None
    max_transit_days: int | None = Field(default=None, ge=0)
    carriers: list[str] | None = Field(default=None, description="Only these carriers.")
    exclude_carriers: list[str] = []
    services: list[str] | None = Field(
        default=None, description="Only these services, as 'carrier/service'."
    )
    exclude_services: list[str] = []
    on_time_probability: float | None = Field(
        default=None,
        gt=0,
        le=1,
        description="With deliver_by and a transit model loaded: only services at least this "
        "likely to deliver by it (the standard estimate no longer decides).",
    )

    @model_validator(mode="after")
    def _probability_needs_a_date(self) -> Constraints:
        if self.on_time_probability is not None and self.deliver_by is None:
            raise ValueError("on_time_probability needs deliver_by")
        return self


class BestValue(Frozen):
    """Best value: cheapest arriving within ``within_days`` business days of shipping, or
    (without it) the least cost plus ``cost_per_day`` for every transit day."""

    within_days: int | None = Field(default=3, ge=0)
    cost_per_day: Decimal = Field(default=Decimal("2.00"), ge=0)


class QuoteRequest(Frozen):
    shipment: Shipment
    constraints: Constraints = Constraints()
    policy: Policy = "cheapest"
    best_value: BestValue = BestValue()
    currency: Currency = "USD"
    price_basis: PriceBasis = Field(
        default="net",
        description="Rank on the net cost, or on the checkout (sell) price where markup rules "
        "give one (the net cost elsewhere).",
    )
    order_value: Decimal | None = Field(
        default=None,
        ge=0,
        decimal_places=2,
        description="The order's merchandise value, for free-shipping markup rules.",
    )


class Tag(StrEnum):
    CHEAPEST = "CHEAPEST"
    FASTEST = "FASTEST"
    BEST_VALUE = "BEST_VALUE"


class Charge(Frozen):
    code: str
    description: str
    amount: Decimal


class Price(Frozen):
    total: Decimal
    charges: list[Charge] = Field(description="Itemized lines; they sum to the total.")


class Prices(Frozen):
    """The carrier's list price, the shipper's net price after its agreement's incentives
    (the lines show what each incentive took off), and the checkout price where markup rules
    name the service."""

    list: Price
    net: Price
    sell: Price | None = None


class Rate(Frozen):
    carrier: str
    service: str
    service_name: str
    mode: Literal["parcel", "ltl", "truckload"]
    currency: str
    charges: list[Charge] = Field(description="The net price's lines (as prices.net).")
    total: Decimal = Field(description="The net price: what the carrier charges the shipper.")
    prices: Prices
    parcel_totals: list[Decimal]
    billable_weight: Mass
    zone: int
    transit_days: int
    ship_date: date
    estimated_delivery: date
    guaranteed: bool
    table_version: str
    agreement_version: str | None = Field(
        default=None, description="The incentive file's version when an agreement priced it."
    )
    markup_version: str | None = Field(
        default=None, description="The markup file's version when it gave the sell price."
    )
    delivery_percentiles: dict[str, date] | None = Field(
        default=None,
        description="With a transit model: the delivery date by which 50, 75, 90, 95 and 99% "
        "of this lane's parcels arrived (p50 ... p99).",
    )
    on_time_probability: float | None = Field(
        default=None, description="With a transit model and deliver_by: P(delivered by it)."
    )
    latest_ship_date: date | None = Field(
        default=None,
        description="With a transit model and deliver_by: the last day to ship that still "
        "meets on_time_probability (0.5 when the request gives none).",
    )
    tags: list[Tag] = []

    @property
    def key(self) -> str:
        return f"{self.carrier}/{self.service}"

    def amount(self, basis: PriceBasis) -> Decimal:
        """The total ranked on: the net one, or the sell one where there is one."""
        if basis == "sell" and self.prices.sell is not None:
            return self.prices.sell.total
        return self.total


class Reason(StrEnum):
    OVER_MAX_WEIGHT = "OVER_MAX_WEIGHT"
    OVER_MAX_LENGTH = "OVER_MAX_LENGTH"
    OVER_MAX_SIZE = "OVER_MAX_SIZE"
    NOT_SERVED = "NOT_SERVED"
    ZONE_NOT_PRICED = "ZONE_NOT_PRICED"
    NO_TABLE_IN_FORCE = "NO_TABLE_IN_FORCE"
    WRONG_MODE = "WRONG_MODE"
    EXCLUDED_BY_REQUEST = "EXCLUDED_BY_REQUEST"
    MISSES_DELIVER_BY = "MISSES_DELIVER_BY"
    TRANSIT_TOO_LONG = "TRANSIT_TOO_LONG"
    CURRENCY_MISMATCH = "CURRENCY_MISMATCH"
    UNLIKELY_ON_TIME = "UNLIKELY_ON_TIME"


class Ineligible(Frozen):
    carrier: str
    service: str
    reason: Reason
    message: str


class QuoteResponse(Frozen):
    rates: list[Rate] = Field(description="Eligible rates, best first under the policy.")
    choice: Rate | None
    explanation: str
    ineligible: list[Ineligible]
    policy: Policy
    packing: PackResult | None = Field(
        default=None, description="The packing priced, when items were given."
    )

    @model_validator(mode="after")
    def _choice_is_ranked_first(self) -> QuoteResponse:
        if self.choice is not None and (not self.rates or self.rates[0] != self.choice):
            raise ValueError("the choice must be the first ranked rate")
        return self
