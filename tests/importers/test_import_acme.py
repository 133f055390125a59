"""Round trip: Acme's carrier files (published layouts, messy parts included) imported, then
priced, against the files' own numbers and hand-computed net prices."""

from __future__ import annotations

import tomllib
from datetime import UTC, date, datetime
from decimal import ROUND_HALF_UP, Decimal
from pathlib import Path

import pytest

from shipopt.domain.quote import QuoteRequest, QuoteResponse, Reason
from shipopt.importers import ImportOptions, import_files
from shipopt.pipeline.context import QuoteContext
from shipopt.pipeline.quote import quote
from shipopt.rating.parcel_rate import ParcelPrice, price_parcel
from shipopt.units import NG_PER, NM_PER
from tests.importers import carrier_files as cf

ACME = ImportOptions(carrier="acme", carrier_name="Acme")


def acme_folder(root: Path) -> Path:
    files = cf.write_all(root / "files")
    into = root / "tables"
    chart, ground, air, incentives, das, fuel = files
    import_files("list-rates", [ground, air], into, ACME)
    import_files("zone-chart", [chart], into, ACME)
    spend = ImportOptions(carrier="acme", carrier_name="Acme", declared_spend=1_200_000)
    import_files("incentives", [incentives], into, spend)
    amounts = {
        "delivery_area": (420, 590),
        "extended": (510, 725),
        "alaska": (4000, 4000),
        "hawaii": (1500, 1750),
    }
    import_files("delivery-areas", [das], into, ImportOptions(carrier="acme", amounts=amounts))
    import_files("fuel", [fuel], into, ACME)
    return into


@pytest.fixture(scope="module")
def folder(tmp_path_factory: pytest.TempPathFactory) -> Path:
    return acme_folder(tmp_path_factory.mktemp("acme"))


@pytest.fixture(scope="module")
def actx(folder: Path) -> QuoteContext:
    return QuoteContext.from_directory(folder)


def ask(
    ctx: QuoteContext,
    dest: str,
    weight: str,
    *,
    residential: bool = False,
    dims: str = "6x6x6 in",
    packaging: str = "box",
    day: str = "2026-12-01",
) -> QuoteResponse:
    shipment = {
        "origin": {"postal_code": "60601"},
        "destination": {"postal_code": dest, "residential": residential},
        "parcels": [{"dimensions": dims, "weight": weight, "packaging": packaging}],
        "ship_at": f"{day}T09:00:00",
    }
    return quote(
        QuoteRequest.model_validate({"shipment": shipment}), ctx, datetime(2026, 6, 1, tzinfo=UTC)
    )


def rate_of(resp: QuoteResponse, key: str) -> tuple[Decimal, Decimal]:
    rate = next(r for r in resp.rates if r.key == key)
    return rate.prices.list.total, rate.total


def test_every_list_price_matches_the_file(actx: QuoteContext) -> None:
    service = actx.registry.in_force("acme/ground", date(2026, 6, 1))
    assert service is not None and service.grid is not None
    rules = actx.rules(service)
    sides = (4 * NM_PER["in"],) * 3
    for zone in cf.ZONES:
        for lb in (1, 2, 5, 6, 20, 21, 50, 69, 70):
            got = price_parcel(
                rules, sides, lb * NG_PER["lb"], zone, False, "10001", date(2026, 6, 1)
            )
            assert isinstance(got, ParcelPrice)
            assert dict(got.list_lines or got.lines)["base"] == int(cf.ground_price(lb, zone) * 100)
        # beyond the last row: 70 lb plus each additional pound
        heavy = price_parcel(
            rules, sides, 73 * NG_PER["lb"], zone, False, "10001", date(2026, 6, 1)
        )
        assert isinstance(heavy, ParcelPrice)
        extra = Decimal("0.47") * (zone - 1) / 2 * 3
        expected = cf.ground_price(70, zone) + extra.quantize(Decimal("0.01"), ROUND_HALF_UP)
        assert dict(heavy.list_lines or heavy.lines)["base"] == int(expected * 100)
    # zone 44: offered up to 50 lb only ("-" above)
    ok = price_parcel(rules, sides, 50 * NG_PER["lb"], 44, False, "99501", date(2026, 6, 1))
    assert isinstance(ok, ParcelPrice)
    over = price_parcel(rules, sides, 51 * NG_PER["lb"], 44, False, "99501", date(2026, 6, 1))
    assert not isinstance(over, ParcelPrice) and over.reason == Reason.ZONE_NOT_PRICED


def test_hand_computed_net_price(actx: QuoteContext) -> None:
    # 606 -> 100: zone 5. 4 lb: list 15.42, 30% off (4.63) = 10.79; fuel on 2026-12-01 20%
    # (the week of 11-30) of 10.79 = 2.16, less the 5% fuel incentive (0.11): 12.84.
    listed, net = rate_of(ask(actx, "10001", "4 lb"), "acme/ground")
    assert net == Decimal("12.84")
    assert listed == Decimal("15.42") + Decimal("3.08")  # fuel 20% of the list base
    # the week before: 19.75% -> fuel 2.13 - 0.11
    _, earlier = rate_of(ask(actx, "10001", "4 lb", day="2026-11-24"), "acme/ground")
    assert earlier == Decimal("10.79") + Decimal("2.13") - Decimal("0.11")


def test_minimum_net_and_tiers(actx: QuoteContext) -> None:
    # 1 lb zone 2 (606 -> 600): list 10.95, 30% off = 7.67, floor 10.95 - 1.50 = 9.45;
    # fuel 20% 1.89 - 5% 0.09 -> 11.25
    _, net = rate_of(ask(actx, "60007", "1 lb"), "acme/ground")
    assert net == Decimal("11.25")
    # 25 lb zone 5: the tier of a 12,000 spend is 20%: list 9.85 + 2.75 + 0.47*24*4/2 = 35.16,
    # less 7.03 = 28.13; fuel 5.63 - 0.28 -> 33.48
    _, net = rate_of(ask(actx, "10001", "25 lb"), "acme/ground")
    assert net == Decimal("33.48")


def test_delivery_area_residential_and_letter(actx: QuoteContext) -> None:
    # 606 -> 596: zone 3 (500-599). 2 lb residential to a delivery-area ZIP: base 9.85 + 1.65
    # + 0.47 = 11.97 - 30% (3.59) = 8.38, raised to the minimum net 9.45; delivery area
    # (residential) 5.90 - 25% (1.48) = 4.42; the file has no residential surcharge; fuel 20%
    # of 13.87 = 2.77 - 5% (0.14)
    resp = ask(actx, "59601", "2 lb", residential=True)
    _, net = rate_of(resp, "acme/ground")
    assert net == Decimal("9.45") + Decimal("4.42") + Decimal("2.77") - Decimal("0.14")
    # a letter on next day air: the letter row (zone 5: 34.10 - 3.10 = 31.00), 42.5% off
    letter = ask(actx, "10001", "6 oz", dims="12x9x0.5 in", packaging="envelope")
    listed, _ = rate_of(letter, "acme/overnight")
    base = next(
        c
        for c in next(r for r in letter.rates if r.key == "acme/overnight").prices.list.charges
        if c.code == "base"
    )
    assert base.amount == Decimal("31.00") and listed > base.amount


def test_zone_chart_codes_and_not_served(actx: QuoteContext, folder: Path) -> None:
    hawaii = ask(actx, "96701", "2 lb")
    reasons = {i.service: i.reason for i in hawaii.ineligible if i.carrier == "acme"}
    assert reasons["ground"] == Reason.NOT_SERVED  # "[1]": see another chart
    assert reasons["overnight"] == Reason.ZONE_NOT_PRICED  # code 124 is zone 24: no price
    chart = (folder / "acme" / "zones_ground.csv").read_text().splitlines()
    assert "607,995,999,44" in chart and "608,967,968,-" in chart
    assert "606,100,149,5" in chart
    ground = tomllib.loads((folder / "acme" / "ground_2026-01-05.toml").read_text())
    assert ground["zones"]["chart"] == "zones_ground.csv"
