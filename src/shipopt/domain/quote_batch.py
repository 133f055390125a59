"""Batch quotes: many one-parcel shipments priced at once on the parcel services."""

from __future__ import annotations

from datetime import date
from decimal import Decimal

from pydantic import Field, model_validator

from shipopt.domain.address import Address
from shipopt.domain.base import Frozen
from shipopt.domain.parcel import Parcel


class BatchShipment(Frozen):
    """One shipment of a batch: one parcel (a box) between two US addresses given by ZIP."""

    origin: Address
    destination: Address
    parcel: Parcel
    order_value: Decimal | None = Field(
        default=None, ge=0, decimal_places=2, description="For free-shipping markup rules."
    )

    @model_validator(mode="after")
    def _plain(self) -> BatchShipment:
        if self.parcel.packaging != "box":
            raise ValueError("parcel: a batch quote prices boxes on parcel services, not pallets")
        for name, address in (("origin", self.origin), ("destination", self.destination)):
            if address.coordinates is not None:
                raise ValueError(f"{name}.coordinates: batch quotes locate addresses by ZIP only")
        return self


class BatchRate(Frozen):
    carrier: str
    service: str
    currency: str
    total: Decimal = Field(description="The net price.")
    list_total: Decimal
    sell_total: Decimal | None = Field(
        default=None, description="The checkout price, where markup rules name the service."
    )
    zone: int
    transit_days: int
    ship_date: date
    estimated_delivery: date

    @property
    def key(self) -> str:
        return f"{self.carrier}/{self.service}"

    def amount(self, basis: str) -> Decimal:
        return self.sell_total if basis == "sell" and self.sell_total is not None else self.total


class BatchAnswer(Frozen):
    """One shipment's answer: the choice under the policy (None when no service carries it),
    and every rate, best first, when asked for."""

    choice: BatchRate | None
    rates: list[BatchRate] = Field(default=[], description="Only with include_rates.")
    reason: str | None = Field(default=None, description="Why there is no choice.")
