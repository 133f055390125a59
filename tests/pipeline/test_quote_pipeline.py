"""The whole quote path on the shipped sample tables, every rate re-checked independently."""

import shutil
from collections.abc import Callable
from datetime import UTC, date, datetime
from decimal import ROUND_HALF_UP, Decimal
from pathlib import Path
from typing import Any

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from pydantic import ValidationError

from shipopt.domain.quote import QuoteRequest, QuoteResponse, Reason, Tag
from shipopt.errors import InputError, RateTableError
from shipopt.geo import default_zip_directory
from shipopt.pipeline.context import QuoteContext
from shipopt.pipeline.quote import quote
from shipopt.ratetables.registry import RateRegistry
from tests.checkers import expected_parcel_charges
from tests.conftest import ROOT, SAMPLE_TABLES, TEST_BOXES

NOW = datetime(2026, 12, 1, 15, 0, tzinfo=UTC)


def request(**over: Any) -> QuoteRequest:
    shipment: dict[str, Any] = {
        "origin": {"postal_code": "60601"},
        "destination": {"postal_code": "94105", "residential": True},
        "parcels": [{"dimensions": "18x18x12 in", "weight": "10 lb"}],
        "ship_at": "2026-12-01T10:30:00",
    }
    shipment.update(over.pop("shipment", {}))
    return QuoteRequest.model_validate({"shipment": shipment, **over})


def check_prices(ctx: QuoteContext, req: QuoteRequest, resp: QuoteResponse) -> None:
    """Every parcel rate equals the independent recomputation; charges add up to totals."""
    for r in resp.rates:
        assert sum((c.amount for c in r.charges), Decimal(0)) == r.total
        assert sum(r.parcel_totals, Decimal(0)) == r.total
        if r.mode != "parcel":
            continue
        service = ctx.registry.in_force(r.key, r.ship_date)
        assert service is not None
        expected: dict[str, Decimal] = {}
        for p in req.shipment.parcels:
            d = p.dimensions
            dims = tuple(Decimal(x.nm) / 10**6 for x in (d.length, d.width, d.height))
            got = expected_parcel_charges(
                service.source,
                dims,
                Decimal(p.weight.ng) / 10**9,
                r.zone,  # type: ignore[arg-type]
                req.shipment.destination.residential,
                req.shipment.destination.postal_code[:5],
                r.ship_date,
            )
            assert got is not None, f"{r.key} priced a parcel the checker says it cannot carry"
            for code, amount in got.items():
                expected[code] = expected.get(code, Decimal(0)) + amount
        assert {c.code: c.amount for c in r.charges} == expected, r.key


def test_quote_ranks_every_service(ctx: QuoteContext) -> None:
    req = request()
    resp = quote(req, ctx, NOW)
    check_prices(ctx, req, resp)
    listed = {r.key for r in resp.rates} | {f"{i.carrier}/{i.service}" for i in resp.ineligible}
    assert listed == set(ctx.registry.keys)
    assert resp.choice == resp.rates[0] and Tag.CHEAPEST in resp.choice.tags
    totals = [r.total for r in resp.rates]
    assert totals == sorted(totals)
    reasons = {f"{i.carrier}/{i.service}": i.reason for i in resp.ineligible}
    assert reasons["lakeshore/ground"] == Reason.NOT_SERVED
    assert reasons["freightline/ltl"] == Reason.WRONG_MODE


def test_ground_breakdown_by_hand(ctx: QuoteContext) -> None:
    resp = quote(request(), ctx, NOW)
    ground = next(r for r in resp.rates if r.key == "continental/ground")
    # Chicago -> San Francisco: zone 8. 18x18x12 = 3888 / 139 = 27.97 -> 28 lb; grid 28 lb zone 8:
    # 14.10 + 1.38 * 27 = 51.36. Residential 5.95; peak (from 2026-11-23) on residential 0.65.
    # Fuel 20.25% of (51.36 + 5.95 + 0.65) = 57.96 * 0.2025 = 11.7369 -> 11.74. Total 69.70.
    assert ground.zone == 8
    assert [(c.code, c.amount) for c in ground.charges] == [
        ("base", Decimal("51.36")),
        ("residential", Decimal("5.95")),
        ("peak", Decimal("0.65")),
        ("fuel", Decimal("11.74")),
    ]
    assert ground.total == Decimal("69.70")
    assert ground.billable_weight.to("lb") == 28
    # ships Tue 12-01 (before 17:00 cutoff), 5 business days -> Tue 12-08
    assert (ground.ship_date, ground.estimated_delivery) == (date(2026, 12, 1), date(2026, 12, 8))


def test_multi_parcel_sums_per_service(ctx: QuoteContext) -> None:
    one = quote(request(), ctx, NOW)
    two = quote(
        request(shipment={"parcels": [{"dimensions": "18x18x12 in", "weight": "10 lb"}] * 2}),
        ctx,
        NOW,
    )
    single = {r.key: r.total for r in one.rates}
    for r in two.rates:
        assert r.parcel_totals == [single[r.key]] * 2
        assert r.total == 2 * single[r.key]


def test_effective_dated_version(ctx: QuoteContext) -> None:
    old = quote(request(shipment={"ship_at": "2025-12-01T10:00:00"}), ctx, NOW)
    ground = next(r for r in old.rates if r.key == "continental/ground")
    assert ground.table_version == "2025.1"
    missing = {f"{i.carrier}/{i.service}": i.reason for i in old.ineligible}
    assert missing["summit/ground"] == Reason.NO_TABLE_IN_FORCE


def test_constraints_move_rates_to_ineligible(ctx: QuoteContext) -> None:
    resp = quote(request(constraints={"deliver_by": "2026-12-03"}), ctx, NOW)
    assert resp.rates and all(r.estimated_delivery <= date(2026, 12, 3) for r in resp.rates)
    late = [i for i in resp.ineligible if i.reason == Reason.MISSES_DELIVER_BY]
    assert late and "would cost USD" in late[0].message
    resp = quote(request(constraints={"max_transit_days": 1}), ctx, NOW)
    assert {r.transit_days for r in resp.rates} == {1}
    resp = quote(
        request(constraints={"carriers": ["summit"], "exclude_services": ["summit/2day"]}), ctx, NOW
    )
    assert [r.key for r in resp.rates] == ["summit/ground"]
    assert (
        sum(i.reason == Reason.EXCLUDED_BY_REQUEST for i in resp.ineligible)
        == len(ctx.registry.keys) - 1
    )


def test_policies(ctx: QuoteContext) -> None:
    fastest = quote(request(policy="fastest"), ctx, NOW)
    assert fastest.choice is not None and fastest.choice.key == "continental/overnight"
    best = quote(request(policy="best_value", best_value={"within_days": 3}), ctx, NOW)
    assert best.choice is not None and best.choice.transit_days <= 3
    assert Tag.BEST_VALUE in best.choice.tags


def test_nothing_fits(ctx: QuoteContext) -> None:
    resp = quote(
        request(shipment={"parcels": [{"dimensions": "120x30x30 in", "weight": "200 lb"}]}),
        ctx,
        NOW,
    )
    assert resp.choice is None and not resp.rates
    assert "No service" in resp.explanation


def test_regional_and_guam(ctx: QuoteContext) -> None:
    regional = quote(
        request(
            shipment={"origin": {"postal_code": "53202"}, "destination": {"postal_code": "48226"}}
        ),
        ctx,
        NOW,
    )
    assert "lakeshore/ground" in {r.key for r in regional.rates}
    guam = quote(request(shipment={"destination": {"postal_code": "96910"}}), ctx, NOW)
    zone9 = {r.key: r.zone for r in guam.rates}
    assert zone9 == {"nationalpost/ground_advantage": 9, "nationalpost/priority": 9}


def test_freight_rates(ctx: QuoteContext) -> None:
    pallets = [
        {"dimensions": "48x40x60 in", "weight": "850 lb", "packaging": "pallet"},
        {"dimensions": "48x40x48 in", "weight": "620 lb", "packaging": "pallet"},
    ]
    resp = quote(
        request(
            shipment={
                "origin": {"postal_code": "75201"},
                "destination": {"postal_code": "85004"},
                "parcels": pallets,
                "accessorials": {"liftgate": True},
            }
        ),
        ctx,
        NOW,
    )
    by_key = {r.key: r for r in resp.rates}
    ltl = by_key["freightline/ltl"]
    # densities 12.75 (class 85) and 11.6 lb/ft3 (92.5): rated at 92.5. Dallas -> Phoenix zone 3.
    # 31.50 * 1.63 * 0.74 = 37.9953 -> 38.00/cwt at the 1000 lb break; 1470 lb -> 558.60
    # (the 2000 lb deficit option: 31.83 * 20 = 636.60 is dearer); liftgate 95.00;
    # fuel 28% of linehaul = 156.408 -> 156.41
    assert [(c.code, c.amount) for c in ltl.charges] == [
        ("linehaul", Decimal("558.60")),
        ("accessorials", Decimal("95.00")),
        ("fuel", Decimal("156.41")),
    ]
    tl = by_key["openroad/truckload"]
    miles = tl.charges[0].amount / Decimal("2.15")
    assert 1000 < miles < 1100  # ~885 great-circle miles x 1.18
    # fuel per mile (3.75 - 1.27) / 5.5 = 0.4509...
    assert tl.charges[1].amount == (miles * Decimal("2.48") / Decimal("5.5")).quantize(
        Decimal("0.01")
    )


def test_deficit_weight_rating(ctx: QuoteContext) -> None:
    pallet = {
        "dimensions": "48x40x40 in",
        "weight": "950 lb",
        "packaging": "pallet",
        "freight_class": "70",
    }
    lane = {"origin": {"postal_code": "75201"}, "destination": {"postal_code": "85004"}}
    resp = quote(request(shipment={**lane, "parcels": [pallet]}), ctx, NOW)
    ltl = next(r for r in resp.rates if r.key == "freightline/ltl")
    # class 70 zone 3: 500 break 31.50*1.33*0.86 = 36.0297 -> 36.03 * 9.5 = 342.285 -> 342.29;
    # 1000 break as deficit weight: 31.50*1.33*0.74 = 31.0023 -> 31.00 * 10 = 310.00 (cheaper)
    assert ltl.charges[0].amount == Decimal("310.00")


@pytest.mark.parametrize(
    "over, field, message",
    [
        (
            {"shipment": {"destination": {"postal_code": "00000"}}},
            "shipment.destination.postal_code",
            "unknown ZIP",
        ),
        (
            {"shipment": {"origin": {"postal_code": "M5V 2T6", "country": "CA"}}},
            "shipment.origin.country",
            "not supported",
        ),
        (
            {"shipment": {"destination": {"postal_code": "94105", "state": "NY"}}},
            "shipment.destination.state",
            "is in CA",
        ),
    ],
)
def test_bad_addresses(ctx: QuoteContext, over: dict[str, Any], field: str, message: str) -> None:
    with pytest.raises(InputError, match=message) as info:
        quote(request(**over), ctx, NOW)
    assert info.value.problems[0].where == field


def test_ship_date_outside_every_table(ctx: QuoteContext) -> None:
    with pytest.raises(InputError, match="no rate table is in force on 2024-06-03") as info:
        quote(request(shipment={"ship_at": "2024-06-03T10:00:00"}), ctx, NOW)
    assert info.value.problems[0].where == "shipment.ship_at"
    assert "tables cover 2025-01-06 onward" in str(info.value)


@settings(
    max_examples=60, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture]
)
@given(
    st.sampled_from(
        ["10001", "94105", "60601", "30303", "98101", "59601", "99501", "85004", "02108", "33101"]
    ),
    st.sampled_from(
        ["10001", "94105", "60601", "30303", "98101", "59601", "99501", "85004", "48226", "96910"]
    ),
    st.lists(
        st.tuples(
            st.integers(5, 1100), st.integers(5, 700), st.integers(5, 700), st.integers(1, 2500)
        ),
        min_size=1,
        max_size=3,
    ),
    st.booleans(),
    st.dates(date(2026, 1, 20), date(2027, 1, 30)),
)
def test_random_quotes_match_checker(
    ctx: QuoteContext,
    origin: str,
    dest: str,
    parcels: list[tuple[int, int, int, int]],
    residential: bool,
    day: date,
) -> None:
    req = request(
        shipment={
            "origin": {"postal_code": origin},
            "destination": {"postal_code": dest, "residential": residential},
            "parcels": [
                {"dimensions": f"{a / 10}x{b / 10}x{c / 10} cm", "weight": f"{w} oz"}
                for a, b, c, w in parcels
            ],
            "ship_at": f"{day.isoformat()}T09:00:00",
        }
    )
    check_prices(ctx, req, quote(req, ctx, NOW))


BOXES = TEST_BOXES[:2]


def items_request(items: list[dict[str, Any]]) -> QuoteRequest:
    return QuoteRequest.model_validate(
        {
            "shipment": {
                "origin": {"postal_code": "60601"},
                "destination": {"postal_code": "94105", "residential": True},
                "items": items,
                "boxes": BOXES,
                "ship_at": "2026-12-01T10:30:00",
            }
        }
    )


def test_quote_with_items_packs_and_prices_the_packing(ctx: QuoteContext) -> None:
    from shipopt.domain.packing import PackRequest
    from shipopt.packing.checker import check_pack_result

    req = items_request([{"sku": "A", "dimensions": "10x8x6 in", "weight": "1 lb", "quantity": 2}])
    resp = quote(req, ctx, NOW)
    assert resp.packing is not None and resp.packing.objective == "cost"
    pack_req = PackRequest(items=req.shipment.items, boxes=req.shipment.boxes)
    assert check_pack_result(pack_req, resp.packing) == []
    cheapest = resp.rates[0]
    # the packing was chosen for the cheapest service's price: its parcels are the packed boxes
    assert len(cheapest.parcel_totals) == len(resp.packing.boxes)
    assert resp.packing.total_shipping_cost == cheapest.total
    for box, total in zip(resp.packing.boxes, cheapest.parcel_totals, strict=True):
        assert box.shipping_cost == total


def test_quote_with_unpackable_item_names_it(ctx: QuoteContext) -> None:
    req = items_request(
        [
            {"sku": "OK", "dimensions": "4x4x4 in", "weight": "1 lb"},
            {"sku": "SOFA", "dimensions": "80x40x30 in", "weight": "60 lb"},
        ]
    )
    with pytest.raises(InputError, match="unit 0 of SOFA cannot be packed") as info:
        quote(req, ctx, NOW)
    assert info.value.problems[0].where == "shipment.items[1]"


def test_parcels_or_items() -> None:
    from pydantic import ValidationError

    base = {"origin": {"postal_code": "60601"}, "destination": {"postal_code": "94105"}}
    with pytest.raises(ValidationError, match="either parcels or items"):
        QuoteRequest.model_validate({"shipment": base})
    with pytest.raises(ValidationError, match="need a box catalog"):
        QuoteRequest.model_validate(
            {
                "shipment": {
                    **base,
                    "items": [{"sku": "A", "dimensions": "1x1x1 in", "weight": "1 lb"}],
                }
            }
        )


def _freight_ctx(tmp_path: Path, edit: Callable[[str], str], name: str) -> QuoteContext:
    folder = tmp_path / "tables"
    shutil.copytree(SAMPLE_TABLES, folder)
    path = folder / name
    path.write_text(edit(path.read_text()))
    return QuoteContext(RateRegistry.from_directory(folder), default_zip_directory())


PALLET_LANE = {
    "origin": {"postal_code": "75201"},
    "destination": {"postal_code": "85004"},
    "parcels": [{"dimensions": "48x40x60 in", "weight": "850 lb", "packaging": "pallet"}],
}


def test_freight_fuel_defaults_to_the_linehaul(tmp_path: Path) -> None:
    # LTL: no applies_to -> fuel on the linehaul (the sample lists it explicitly: same price)
    ltl_ctx = _freight_ctx(
        tmp_path,
        lambda t: t.replace('applies_to = ["linehaul"]\n', ""),
        "freightline/ltl_2026.toml",
    )
    rates = {r.key: r for r in quote(request(shipment=PALLET_LANE), ltl_ctx, NOW).rates}
    ltl = {c.code: c.amount for c in rates["freightline/ltl"].charges}
    assert ltl["fuel"] == (ltl["linehaul"] * Decimal("0.28")).quantize(Decimal("0.01"))
    # truckload with a percentage instead of the diesel formula
    tl_ctx = _freight_ctx(
        tmp_path / "tl",
        lambda t: t.replace('fuel_diesel_price = "3.75"\n', "") + '\n[fuel]\npercent = "10"\n',
        "openroad/truckload_2026.toml",
    )
    tl = next(
        r
        for r in quote(request(shipment=PALLET_LANE), tl_ctx, NOW).rates
        if r.key == "openroad/truckload"
    )
    lines = {c.code: c.amount for c in tl.charges}
    assert lines["fuel"] == (lines["linehaul"] / 10).quantize(Decimal("0.01"), ROUND_HALF_UP)


def test_freight_fuel_on_parcel_lines_is_refused(tmp_path: Path) -> None:
    with pytest.raises(RateTableError) as err:
        _freight_ctx(
            tmp_path,
            lambda t: t.replace('applies_to = ["linehaul"]', 'applies_to = ["base"]'),
            "freightline/ltl_2026.toml",
        )
    assert "fuel.applies_to" in str(err.value) and "linehaul" in str(err.value)


@pytest.mark.parametrize("value", ["1e999999999", "1000000.01", "12.345", "-1"])
def test_declared_value_is_bounded(value: str) -> None:
    parcel = {"dimensions": "10x8x6 in", "weight": "2 lb", "declared_value": value}
    with pytest.raises(ValidationError) as err:
        QuoteRequest.model_validate(
            {
                "shipment": {
                    "origin": {"postal_code": "10001"},
                    "destination": {"postal_code": "94105"},
                    "parcels": [parcel],
                }
            }
        )
    assert "declared_value" in str(err.value)


def test_declared_value_changes_no_price(ctx: QuoteContext) -> None:
    def totals(extra: dict[str, Any]) -> list[Decimal]:
        parcel = {"dimensions": "10x8x6 in", "weight": "2 lb", **extra}
        resp = quote(request(shipment={"parcels": [parcel]}), ctx, NOW)
        return [r.total for r in resp.rates]

    assert totals({"declared_value": "5000.00"}) == totals({})


@pytest.mark.parametrize("code", ["usd", "XYZ", "X" * 1000])
def test_request_currency_must_be_iso_4217(code: str) -> None:
    with pytest.raises(ValidationError, match="ISO 4217"):
        QuoteRequest.model_validate(
            {
                "currency": code,
                "shipment": {
                    "origin": {"postal_code": "10001"},
                    "destination": {"postal_code": "94105"},
                    "parcels": [{"dimensions": "10x8x6 in", "weight": "2 lb"}],
                },
            }
        )


def test_a_quote_packs_on_a_small_default_budget() -> None:
    from shipopt.domain.shipment import QUOTE_PACKING, Shipment

    shipment = Shipment.model_validate(
        {
            "origin": {"postal_code": "60601"},
            "destination": {"postal_code": "94105"},
            "items": [{"sku": "A", "dimensions": "4x4x4 in", "weight": "1 lb"}],
            "boxes": TEST_BOXES,
        }
    )
    assert shipment.pack_options == QUOTE_PACKING
    assert QUOTE_PACKING.max_starts <= 2 and not QUOTE_PACKING.exact_check
    assert QUOTE_PACKING.time_limit <= 0.2


def test_the_packing_reports_what_the_quote_charges(ctx: QuoteContext, tmp_path: Path) -> None:
    import json
    import random

    from shipopt.batch.inputs import read_skus_csv
    from shipopt.batch.sample import sample_day, write_sample

    write_sample(sample_day(ctx.directory, 40, seed=5), tmp_path)
    skus = read_skus_csv(tmp_path / "skus.csv")
    boxes = json.loads((ROOT / "examples" / "boxes.json").read_text())
    rng = random.Random(5)
    names = sorted(skus)
    dests = ["94105", "10001", "33101", "98101", "59601", "99501", "60614"]
    compared = 0
    for _ in range(60):
        items = [
            {
                "sku": name,
                "dimensions": skus[name].dimensions.model_dump(mode="json"),
                "weight": {"value": str(skus[name].weight.to("g")), "unit": "g"},
                "quantity": rng.randint(1, 6),
            }
            for name in rng.sample(names, rng.randint(2, 4))
        ]
        shipment = {
            "origin": {"postal_code": "60601"},
            "destination": {"postal_code": rng.choice(dests), "residential": True},
            "items": items,
            "boxes": boxes,
            "ship_at": "2026-12-01T10:00:00",
        }
        try:
            resp = quote(QuoteRequest.model_validate({"shipment": shipment}), ctx, NOW)
        except InputError:
            continue  # a unit no box takes
        assert resp.packing is not None and resp.choice is not None
        assert resp.packing.total_shipping_cost == resp.choice.total
        assert sum(b.shipping_cost or 0 for b in resp.packing.boxes) == resp.choice.total
        compared += len(resp.packing.boxes) > 1
    assert compared >= 10  # enough multi-box shipments to mean something


def test_truckload_measures_miles_only_for_what_a_truck_takes(ctx: QuoteContext) -> None:
    from shipopt.domain.parcel import Parcel
    from shipopt.rating.freight_rate import price_truckload
    from shipopt.rating.parcel_rate import NotCarried

    service = ctx.registry.in_force("openroad/truckload", date(2026, 12, 1))
    assert service is not None

    def never() -> float:
        raise AssertionError("miles asked for a parcel")

    parcel = Parcel.model_validate({"dimensions": "12x10x8 in", "weight": "5 lb"})
    assert isinstance(price_truckload(service, [parcel], never, date(2026, 12, 1)), NotCarried)
    pallet = Parcel.model_validate(
        {"dimensions": "48x40x50 in", "weight": "9000 lb", "packaging": "pallet"}
    )
    priced = price_truckload(service, [pallet], lambda: 885.0, date(2026, 12, 1))
    assert not isinstance(priced, NotCarried)
    assert priced.lines[0][0] == "linehaul"
