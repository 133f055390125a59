"""Palletization: every load passes the checker with 75% support; pallets become freight."""

from decimal import Decimal

import pytest
from pydantic import ValidationError

from shipopt.domain.packing import PackRequest, PackResult
from shipopt.packing.checker import check_pack_result
from shipopt.packing.pallets import PalletRequest, pallet_pack_request, palletize
from shipopt.units import Mass


def as_pack(request: PalletRequest, loads: list) -> tuple[PackRequest, PackResult]:  # type: ignore[type-arg]
    res = PackResult(
        boxes=[p.load for p in loads],
        unpacked=[],
        objective="boxes",
        total_box_cost=Decimal(0),
        total_shipping_cost=None,
        starts=1,
        seconds=0,
    )
    return pallet_pack_request(request), res


def test_palletize_mixed_cartons() -> None:
    req = PalletRequest.model_validate(
        {
            "cartons": [
                {"id": "A", "dimensions": "24x20x12 in", "weight": "40 lb", "quantity": 30},
                {"id": "B", "dimensions": "16x12x10 in", "weight": "15 lb", "quantity": 40},
            ]
        }
    )
    result = palletize(req)
    assert not result.unplaced
    assert check_pack_result(*as_pack(req, result.pallets)) == []
    total = sum(p.parcel.weight.ng for p in result.pallets)
    # 30 x 40 + 40 x 15 = 1800 lb of cartons plus 45 lb per pallet
    assert total == Mass.parse("1800 lb").ng + len(result.pallets) * Mass.parse("45 lb").ng
    for p in result.pallets:
        assert p.parcel.packaging == "pallet"
        assert p.parcel.dimensions.height.to("in") <= 72
        assert p.parcel.weight.to("lb") <= 2500


def test_weight_limit_per_pallet() -> None:
    req = PalletRequest.model_validate(
        {"cartons": [{"id": "S", "dimensions": "12x12x12 in", "weight": "500 lb", "quantity": 6}]}
    )
    result = palletize(req)
    # 2500 lb gross less 45 lb tare: four 500 lb cartons per pallet
    assert sorted(len(p.load.placements) for p in result.pallets) == [2, 4]


def test_carton_taller_than_a_pallet_is_reported() -> None:
    req = PalletRequest.model_validate(
        {"cartons": [{"id": "POLE", "dimensions": "10x10x80 in", "weight": "5 lb"}]}
    )
    result = palletize(req)
    assert not result.pallets and result.unplaced[0].sku == "POLE"


def test_bad_pallet() -> None:
    with pytest.raises(ValidationError):
        PalletRequest.model_validate({"cartons": []})
    with pytest.raises(ValueError, match="exceed its deck height"):
        palletize(
            PalletRequest.model_validate(
                {
                    "cartons": [{"id": "A", "dimensions": "1x1x1 in", "weight": "1 lb"}],
                    "pallet": {"max_height": "5 in"},
                }
            )
        )


def test_duplicate_carton_ids_are_named_as_cartons() -> None:
    carton = {"id": "C1", "dimensions": "20x20x20 in", "weight": "30 lb"}
    with pytest.raises(ValidationError) as err:
        PalletRequest.model_validate({"cartons": [carton, carton]})
    assert "carton ids must be unique: C1" in str(err.value)
    assert "item skus" not in str(err.value)
