"""The rate-table file schema (TOML), validated with pydantic.

Money fields hold integer cents; percentages hold integer millionths (20.25 % -> 202,500);
quantities hold :class:`Mass` / :class:`Length`. See ``rate_tables/README.md`` for the format.
"""

from __future__ import annotations

import itertools
from datetime import date, time
from decimal import Decimal
from functools import cache
from typing import Annotated, Literal
from zoneinfo import available_timezones

from pydantic import BaseModel, BeforeValidator, ConfigDict, Field, model_validator

from shipopt.calendar import Weekday
from shipopt.currency import Currency
from shipopt.units import Length, Mass, money_to_cents, to_decimal, to_scaled_int

Cents = Annotated[int, BeforeValidator(lambda v: money_to_cents(v, "amount")), Field(ge=0)]
# Money with up to four decimals (per-unit prices), as integer hundredths of a cent.
CentiCents = Annotated[int, BeforeValidator(lambda v: to_scaled_int(v, 4, "price")), Field(ge=0)]
# A percentage with up to four decimals, as integer millionths.
Ppm = Annotated[
    int, BeforeValidator(lambda v: to_scaled_int(v, 4, "percent")), Field(ge=0, le=100_0000)
]
ChargeCode = Literal[
    "base",
    "residential",
    "delivery_area",
    "additional_handling",
    "large_package",
    "nonstandard_length",
    "nonstandard_volume",
    "peak",
    "linehaul",
    "accessorials",
]
USPS_BANDS = [50, 150, 300, 600, 1000, 1400, 1800]
_timezone_names = cache(available_timezones)


@cache
def _holiday_names() -> dict[str, str]:
    """The US federal holidays' names (lower case -> as written) that ``works_on`` may list."""
    import holidays

    names: dict[str, str] = {}
    for day_names in holidays.country_holidays("US", years=range(2020, 2031)).values():
        for name in day_names.split(";"):
            clean = name.strip().removesuffix(" (observed)")
            names[clean.lower()] = clean
    return names


class Strict(BaseModel):
    model_config = ConfigDict(frozen=True, extra="forbid")


class Coverage(Strict):
    countries: list[str] = ["US"]
    origin_states: list[str] | None = None
    destination_states: list[str] | None = None
    exclude_destination_states: list[str] = []


class Zones(Strict):
    """Zone rules: a chart where it has a row, else distance bands between ZIP3 centroids."""

    bands_miles: list[Decimal] = Field(default=[Decimal(b) for b in USPS_BANDS], min_length=1)
    first_zone: int = Field(default=1, ge=0)
    floor: int | None = Field(default=None, description="Zones below this are priced as it.")
    fixed_destination_zip3: dict[str, int] = {"969": 9}
    chart: str | None = None
    basis: Literal["zip3", "point"] = "zip3"

    @model_validator(mode="after")
    def _increasing(self) -> Zones:
        bands = self.bands_miles
        if any(b <= 0 for b in bands):
            raise ValueError("bands_miles must be positive")
        if any(b2 <= b1 for b1, b2 in itertools.pairwise(bands)):
            raise ValueError("bands_miles must be strictly increasing")
        return self


class Weights(Strict):
    unit: Literal["lb", "kg"] = "lb"
    round_up_to: Mass = Field(default=Mass.of(1, "lb"), description="Billable weight increment.")
    dims_unit: Literal["in", "cm"] = "in"
    dims_rounding: Literal["nearest", "up"] = "nearest"
    dim_divisor: int | None = Field(default=None, gt=0, description="Cubic dims units per unit.")
    dim_min_volume: int = Field(default=0, ge=0, description="Dim weight applies above this.")
    min_billable: Mass | None = None

    @model_validator(mode="after")
    def _increment_positive(self) -> Weights:
        if self.round_up_to.ng < 10**7:  # 10 mg: far above the rating's 1 mg weight tolerance
            raise ValueError("round_up_to must be at least 0.01 g")
        return self


class Limits(Strict):
    max_weight: Mass
    max_length: Length | None = None
    max_length_plus_girth: Length | None = None


FREIGHT_CHARGES: frozenset[str] = frozenset({"linehaul", "accessorials"})


class FuelPeriod(Strict):
    effective_from: date
    percent: Ppm


class Fuel(Strict):
    """A fuel percentage of the ``applies_to`` lines; by default the base rate of a parcel
    service and the linehaul of an LTL or truckload service. A ``schedule`` of dated
    percentages (e.g. weekly) overrides ``percent`` from its first date on."""

    percent: Ppm = 0
    applies_to: list[ChargeCode] | None = None
    schedule: list[FuelPeriod] = []

    @model_validator(mode="after")
    def _ordered(self) -> Fuel:
        days = [p.effective_from for p in self.schedule]
        if any(b <= a for a, b in itertools.pairwise(days)):
            raise ValueError("fuel.schedule: effective_from dates must increase")
        return self

    def percent_on(self, day: date) -> int:
        """The percentage (millionths) in force on ``day``."""
        ppm = self.percent
        for period in self.schedule:
            if period.effective_from > day:
                break
            ppm = period.percent
        return ppm

    def codes(self, mode: str) -> frozenset[str]:
        if self.applies_to is not None:
            return frozenset(self.applies_to)
        return frozenset({"base"} if mode == "parcel" else {"linehaul"})


class Residential(Strict):
    kind: Literal["residential"]
    amount: Cents


class DeliveryArea(Strict):
    kind: Literal["delivery_area"]
    name: str = "Delivery area surcharge"
    amount: Cents
    residential_amount: Cents | None = None
    zips: list[str] = []
    zip_prefixes: list[str] = []
    zips_file: str | None = None


class AdditionalHandling(Strict):
    kind: Literal["additional_handling"]
    amount: Cents
    weight_amount: Cents | None = Field(default=None, description="If the weight rule differs.")
    longest_side_over: Length | None = None
    second_side_over: Length | None = None
    length_plus_girth_over: Length | None = None
    weight_over: Mass | None = None


class LargePackage(Strict):
    kind: Literal["large_package"]
    amount: Cents
    length_plus_girth_over: Length | None = None
    length_over: Length | None = None
    weight_over: Mass | None = None
    min_billable_weight: Mass | None = None


class NonstandardLength(Strict):
    kind: Literal["nonstandard_length"]
    amount: Cents
    length_over: Length
    length_up_to: Length | None = None


class NonstandardVolume(Strict):
    kind: Literal["nonstandard_volume"]
    amount: Cents
    volume_over_cubic_ft: Decimal = Field(gt=0)


class Peak(Strict):
    kind: Literal["peak"]
    start: date
    end: date
    amounts: dict[Literal["residential", "additional_handling", "large_package", "base"], Cents]

    @model_validator(mode="after")
    def _ordered(self) -> Peak:
        if self.end < self.start:
            raise ValueError("peak end is before its start")
        return self


Surcharge = Annotated[
    Residential
    | DeliveryArea
    | AdditionalHandling
    | LargePackage
    | NonstandardLength
    | NonstandardVolume
    | Peak,
    Field(discriminator="kind"),
]


class Transit(Strict):
    days_by_zone: dict[int, int]
    pickup_cutoff: time = time(17, 0)
    timezone: str = Field(default="origin", description="'origin' or an IANA time zone.")
    pickup_weekdays: list[Weekday] = ["mon", "tue", "wed", "thu", "fri"]
    delivery_weekdays: list[Weekday] = ["mon", "tue", "wed", "thu", "fri"]
    guaranteed: bool = False
    holidays: Literal["US", "none"] = "US"
    works_on: list[str] = Field(default=[], description="Holiday names this carrier works on.")
    extra_closed: list[date] = []

    @model_validator(mode="after")
    def _days(self) -> Transit:
        if any(d < 0 for d in self.days_by_zone.values()):
            raise ValueError("transit days must not be negative")
        if not self.delivery_weekdays or not self.pickup_weekdays:
            raise ValueError("pickup_weekdays and delivery_weekdays must not be empty")
        known = _holiday_names()
        unknown = [n for n in self.works_on if n.strip().lower() not in known]
        if unknown:
            raise ValueError(
                f"works_on: unknown holiday name(s) {', '.join(map(repr, unknown))}; "
                f"the US holidays are: {', '.join(sorted(known.values()))}"
            )
        if self.timezone != "origin" and self.timezone not in _timezone_names():
            raise ValueError(
                f"timezone {self.timezone!r} is not an IANA time zone name "
                "(e.g. 'America/Chicago'; or 'origin' for the origin's zone)"
            )
        return self


class Grid(Strict):
    file: str
    letter_max_weight: Mass = Field(
        default=Mass.of(8, "oz"),
        description="An envelope up to this weight is priced at the grid's letter row.",
    )


class LtlRates(Strict):
    file: str
    minimum_charge: Cents
    accessorials: dict[
        Literal["liftgate", "residential", "inside_delivery", "limited_access", "appointment"],
        Cents,
    ] = {}
    max_pallet_height: Length | None = None


class TruckloadRates(Strict):
    rate_per_mile: CentiCents
    minimum_charge: Cents
    circuity: Decimal = Field(default=Decimal("1.2"), ge=1, le=3)
    fuel_diesel_price: Decimal | None = Field(default=None, ge=0)
    fuel_base_price: Decimal = Field(default=Decimal("1.27"), ge=0)
    fuel_mpg: Decimal = Field(default=Decimal("5.5"), gt=0)


class ServiceFile(Strict):
    """One carrier service in force over one date range."""

    carrier: str = Field(pattern=r"^[a-z0-9_\-]+$")
    carrier_name: str
    service: str = Field(pattern=r"^[a-z0-9_\-]+$")
    service_name: str
    mode: Literal["parcel", "ltl", "truckload"]
    currency: Currency = "USD"
    version: str
    effective_from: date
    effective_to: date | None = None
    minimum_charge: Cents = 0
    coverage: Coverage = Coverage()
    zones: Zones = Zones()
    weights: Weights = Weights()
    limits: Limits
    fuel: Fuel = Fuel()
    surcharges: list[Surcharge] = []
    transit: Transit
    grid: Grid | None = None
    ltl: LtlRates | None = None
    truckload: TruckloadRates | None = None

    @model_validator(mode="after")
    def _consistent(self) -> ServiceFile:
        if self.effective_to is not None and self.effective_to < self.effective_from:
            raise ValueError("effective_to is before effective_from")
        needs = {"parcel": "grid", "ltl": "ltl", "truckload": "truckload"}[self.mode]
        if getattr(self, needs) is None:
            raise ValueError(f"a {self.mode} service needs a [{needs}] section")
        codes = self.fuel.codes(self.mode)
        wrong = sorted(
            codes - FREIGHT_CHARGES if self.mode != "parcel" else codes & FREIGHT_CHARGES
        )
        if wrong:
            kind = "an LTL or truckload" if self.mode != "parcel" else "a parcel"
            allowed = "linehaul, accessorials" if self.mode != "parcel" else "the parcel lines"
            raise ValueError(
                f"fuel.applies_to: {kind} service has no {', '.join(wrong)} line (use {allowed})"
            )
        unique = ("residential", "additional_handling", "large_package", "nonstandard_volume")
        kinds = [s.kind for s in self.surcharges if s.kind in unique]
        duplicated = sorted({k for k in kinds if kinds.count(k) > 1})
        if duplicated:
            raise ValueError(f"surcharge kind listed twice: {', '.join(duplicated)}")
        return self

    def in_force(self, day: date) -> bool:
        return self.effective_from <= day and (
            self.effective_to is None or day <= self.effective_to
        )


def decimal_or_none(value: object) -> Decimal | None:
    return None if value is None else to_decimal(value)
