"""Palletization: cartons onto pallets for LTL and truckload.

A pallet is a box whose inner space is its footprint times the stack height above the deck;
cartons stay upright unless said otherwise and must rest on at least ``support`` of their base
(75% by default). Each loaded pallet becomes a freight parcel: footprint x (deck + stack height),
gross weight including the pallet.
"""

from __future__ import annotations

from decimal import Decimal
from typing import Literal

from pydantic import Field, field_validator

from shipopt.domain.base import Frozen
from shipopt.domain.packing import (
    BoxType,
    Item,
    PackedBox,
    PackOptions,
    PackRequest,
    UnpackedItem,
    check_unit_count,
    twice,
)
from shipopt.domain.parcel import Dimensions, Parcel, PositiveLength, PositiveMass
from shipopt.packing.cartonize import cartonize
from shipopt.units import Length, Mass


class PalletType(Frozen):
    name: str = "GMA 48x40"
    length: PositiveLength = Length.parse("48 in")
    width: PositiveLength = Length.parse("40 in")
    deck_height: PositiveLength = Length.parse("5.5 in")
    max_height: PositiveLength = Field(default=Length.parse("72 in"), description="Deck included.")
    tare_weight: Mass = Mass.parse("45 lb")
    max_gross_weight: PositiveMass = Mass.parse("2500 lb")


class Carton(Frozen):
    id: str = Field(min_length=1)
    dimensions: Dimensions
    weight: PositiveMass
    quantity: int = Field(default=1, ge=1, le=10_000)
    orientation: Literal["any", "upright", "fixed"] = "upright"
    fragile: bool = False
    max_stack_weight: Mass | None = None


class PalletRequest(Frozen):
    cartons: list[Carton] = Field(min_length=1, max_length=5000)

    @field_validator("cartons")
    @classmethod
    def _unique_ids(cls, cartons: list[Carton]) -> list[Carton]:
        ids = [c.id for c in cartons]
        repeated = twice(ids)
        if repeated:
            raise ValueError(f"carton ids must be unique: {', '.join(repeated)} listed twice")
        check_unit_count([c.quantity for c in cartons], "cartons")
        return cartons

    pallet: PalletType = PalletType()
    support: Decimal = Field(default=Decimal("0.75"), ge=0, le=1)
    time_limit: float = Field(default=2.0, gt=0, le=600)
    seed: int = 0


class LoadedPallet(Frozen):
    load: PackedBox
    parcel: Parcel = Field(description="The pallet as a freight piece.")


class PalletResult(Frozen):
    pallets: list[LoadedPallet]
    unplaced: list[UnpackedItem]


def pallet_box(pallet: PalletType) -> BoxType:
    stack = Length(pallet.max_height.nm - pallet.deck_height.nm)
    if stack.nm <= 0:
        raise ValueError("the pallet's maximum height must exceed its deck height")
    inner = Dimensions(length=pallet.length, width=pallet.width, height=stack)
    return BoxType(
        name=pallet.name,
        inner=inner,
        outer=inner,
        tare_weight=pallet.tare_weight,
        max_gross_weight=pallet.max_gross_weight,
    )


def pallet_pack_request(request: PalletRequest) -> PackRequest:
    """The cartonization problem behind a pallet request: cartons as items, the pallet as a box."""
    items = [
        Item(
            sku=c.id,
            dimensions=c.dimensions,
            weight=c.weight,
            quantity=c.quantity,
            orientation=c.orientation,
            fragile=c.fragile,
            max_stack_weight=c.max_stack_weight,
        )
        for c in request.cartons
    ]
    options = PackOptions(
        support=request.support, time_limit=request.time_limit, seed=request.seed, max_starts=8
    )
    return PackRequest(items=items, boxes=[pallet_box(request.pallet)], options=options)


def palletize(request: PalletRequest) -> PalletResult:
    packed = cartonize(pallet_pack_request(request))
    pallets = []
    for load in packed.boxes:
        top = max(p.z.nm + p.height.nm for p in load.placements)
        dims = Dimensions(
            length=request.pallet.length,
            width=request.pallet.width,
            height=Length(request.pallet.deck_height.nm + top),
        )
        pallets.append(
            LoadedPallet(
                load=load,
                parcel=Parcel(dimensions=dims, weight=load.gross_weight, packaging="pallet"),
            )
        )
    return PalletResult(pallets=pallets, unplaced=packed.unpacked)
