"""Hand-computed prices for every rule; the arithmetic is written next to each expectation."""

from datetime import date
from decimal import Decimal

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from shipopt.domain.parcel import Dimensions
from shipopt.domain.quote import Reason
from shipopt.geo import ZipDirectory
from shipopt.ratetables.loader import load_directory
from shipopt.ratetables.registry import RateRegistry
from shipopt.rating.parcel_rate import NotCarried, ParcelPrice, price_parcel
from shipopt.rating.parcel_rules import ParcelRuleBook, ParcelRules, build_parcel_rules
from shipopt.units import NG_PER, NM_PER, Mass
from tests.conftest import DATA, SAMPLE_TABLES, TableWriter

DAY = date(2026, 3, 2)
IN = NM_PER["in"]
LB = NG_PER["lb"]


def rules_for(write_table: TableWriter, extra: str = "", service: str | None = None) -> ParcelRules:
    folder = write_table(extra) if service is None else write_table(extra, service=service)
    (svc,) = load_directory(folder)
    return ParcelRuleBook([svc])(svc)


def price(
    rules: ParcelRules,
    dims: str,
    weight: str,
    zone: int = 2,
    residential: bool = False,
    zip5: str = "10001",
    day: date = DAY,
) -> ParcelPrice | NotCarried:
    d = Dimensions.parse(dims)
    return price_parcel(
        rules,
        (d.length.nm, d.width.nm, d.height.nm),
        Mass.parse(weight).ng,
        zone,
        residential,
        zip5,
        day,
    )


def lines(result: ParcelPrice | NotCarried) -> dict[str, Decimal]:
    assert isinstance(result, ParcelPrice), result
    out: dict[str, Decimal] = {}
    for code, cents in result.lines:
        out[code] = out.get(code, Decimal(0)) + Decimal(cents) / 100
    return out


def test_dim_weight_with_nearest_inch_rounding(write_table: TableWriter) -> None:
    r = rules_for(write_table)
    # 12.4 -> 12, 10.6 -> 11, 8.5 -> 9 (half up); 12*11*9 = 1188 in3 / 139 = 8.55 -> 9 lb billable
    # beyond the 5 lb break: 20.00 + (9 - 5) * 1.25 = 25.00
    result = price(r, "12.4x10.6x8.5 in", "3.2 lb")
    assert lines(result) == {"base": Decimal("25.00")}
    assert isinstance(result, ParcelPrice) and result.billable_ng == Mass.parse("9 lb").ng


def test_actual_weight_wins_and_rounds_up(write_table: TableWriter) -> None:
    r = rules_for(write_table)
    # 6x6x6 = 216 / 139 = 1.55 lb < 4.2 lb actual -> 5 lb -> zone 3 price 22.00
    assert lines(price(r, "6x6x6 in", "4.2 lb", zone=3)) == {"base": Decimal("22.00")}
    # exactly 2 lb stays 2 lb: zone 4 -> 15.00; 2 lb 1 oz -> 5 lb break -> 25.00
    assert lines(price(r, "4x4x4 in", "2 lb", zone=4)) == {"base": Decimal("15.00")}
    assert lines(price(r, "4x4x4 in", "33 oz", zone=4)) == {"base": Decimal("25.00")}


def test_metric_dims_convert_once(write_table: TableWriter) -> None:
    r = rules_for(write_table)
    # 30.48 x 25.4 x 20.32 cm = exactly 12 x 10 x 8 in = 960 in3 / 139 = 6.9 -> 7 lb
    # 20.00 + 2 * 1.25 = 22.50
    assert lines(price(r, "30.48x25.4x20.32 cm", "1 kg")) == {"base": Decimal("22.50")}


def test_minimum_charge(write_table: TableWriter) -> None:
    service = 'minimum_charge = "11.50"\n' + open_tiny()
    r = rules_for(write_table, service=service)
    # 1 lb zone 2 = 10.00, raised to the 11.50 minimum
    assert lines(price(r, "4x4x4 in", "1 lb")) == {"base": Decimal("11.50")}


def open_tiny() -> str:
    from tests.conftest import TINY_SERVICE

    return TINY_SERVICE


RES_FUEL = (DATA / "rules" / "res_fuel.toml").read_text()


def test_residential_and_fuel(write_table: TableWriter) -> None:
    r = rules_for(write_table, RES_FUEL)
    # base 5 lb zone 2 = 20.00; residential 5.95; fuel 20.25% of 25.95 = 5.254875 -> 5.25
    got = lines(price(r, "10x8x6 in", "4.5 lb", residential=True))
    assert got == {
        "base": Decimal("20.00"),
        "residential": Decimal("5.95"),
        "fuel": Decimal("5.25"),
    }
    # commercial: fuel 20.25% of 20.00 = 4.05
    assert lines(price(r, "10x8x6 in", "4.5 lb"))["fuel"] == Decimal("4.05")


DAS = (DATA / "rules" / "das.toml").read_text()


def test_delivery_area_tiers(write_table: TableWriter) -> None:
    r = rules_for(write_table, DAS)
    assert lines(price(r, "4x4x4 in", "1 lb", zip5="59602"))["delivery_area"] == Decimal("3.95")
    assert lines(price(r, "4x4x4 in", "1 lb", zip5="59602", residential=True))[
        "delivery_area"
    ] == Decimal("5.60")
    # both rules match 59601: the higher applies, not both
    assert lines(price(r, "4x4x4 in", "1 lb", zip5="59601"))["delivery_area"] == Decimal("14.50")
    assert "delivery_area" not in lines(price(r, "4x4x4 in", "1 lb", zip5="10001"))


HANDLING = (DATA / "rules" / "handling.toml").read_text()


@pytest.mark.parametrize(
    "dims, weight, expected",
    [
        ("48x15x10 in", "5 lb", None),  # 48 is not over 48; 48 + 30 + 20 = 98
        ("48.6x20x10 in", "5 lb", "28.50"),  # rounds to 49 in: over
        ("40x31x5 in", "5 lb", "28.50"),  # second side 31 > 30
        ("40x20x13 in", "5 lb", "28.50"),  # 40 + 2*20 + 2*13 = 106 > 105
        ("10x10x10 in", "51 lb", "41.00"),  # weight rule
        ("49x10x10 in", "51 lb", "41.00"),  # both: only the highest
    ],
)
def test_additional_handling(
    write_table: TableWriter, dims: str, weight: str, expected: str | None
) -> None:
    got = lines(price(rules_for(write_table, HANDLING), dims, weight)).get("additional_handling")
    assert got == (Decimal(expected) if expected else None)


def test_large_package_replaces_handling_and_sets_min_billable(write_table: TableWriter) -> None:
    r = rules_for(write_table, HANDLING)
    # 60 + 2*20 + 2*16 = 132 in > 130: large package; dim 60*20*16/139 = 138.1 -> 139 lb
    result = price(r, "60x20x16 in", "30 lb")
    got = lines(result)
    assert "additional_handling" not in got and got["large_package"] == Decimal("240.00")
    # base: 20.00 + (139 - 5) * 1.25 = 187.50
    assert got["base"] == Decimal("187.50")
    small = price(r, "34x31x1 in", "2 lb")  # 34 + 62 + 2 = 98: not large
    assert "large_package" not in lines(small)
    airy = price(r, "100x8x8 in", "10 lb")  # 100 + 32 = 132 > 130; dim 6400/139 = 46.04 -> 47 < 90
    assert isinstance(airy, ParcelPrice) and airy.billable_ng == Mass.parse("90 lb").ng
    assert lines(airy)["base"] == Decimal("20.00") + 85 * Decimal("1.25")


def test_limits(write_table: TableWriter) -> None:
    r = rules_for(write_table)
    over_weight = price(r, "10x10x10 in", "150.1 lb")
    assert isinstance(over_weight, NotCarried) and over_weight.reason == Reason.OVER_MAX_WEIGHT
    too_long = price(r, "109x5x5 in", "5 lb")
    assert isinstance(too_long, NotCarried) and too_long.reason == Reason.OVER_MAX_LENGTH
    too_big = price(r, "100x20x15 in", "5 lb")  # 100 + 40 + 30 = 170 > 165
    assert isinstance(too_big, NotCarried) and too_big.reason == Reason.OVER_MAX_SIZE
    unpriced = price(r, "5x5x5 in", "1 lb", zone=9)
    assert isinstance(unpriced, NotCarried) and unpriced.reason == Reason.ZONE_NOT_PRICED


POSTAL = (DATA / "rules" / "postal.toml").read_text()


def test_postal_nonstandard_fees(write_table: TableWriter) -> None:
    service = open_tiny().replace(
        "dim_divisor = 139", 'dim_divisor = 166\ndim_min_volume = 1728\ndims_rounding = "up"'
    )
    r = rules_for(write_table, POSTAL, service=service)
    # 23 x 10 x 5 = 1150 in3 <= 1728: no dim weight; length 23 > 22: 4.00
    assert lines(price(r, "23x10x5 in", "1 lb")) == {
        "base": Decimal("10.00"),
        "nonstandard_length": Decimal("4.00"),
    }
    # 30.2 rounds up to 31: only the >30 tier; 31*10*5 = 1550 in3
    assert lines(price(r, "30.2x10x5 in", "1 lb"))["nonstandard_length"] == Decimal("15.00")
    # 16 x 16 x 14 = 3584 in3 > 2 ft3 (3456): volume fee; dim 3584/166 = 21.6 -> 22 lb
    got = lines(price(r, "16x16x14 in", "3 lb"))
    assert got["nonstandard_volume"] == Decimal("18.00")
    assert got["base"] == Decimal("20.00") + 17 * Decimal("1.25")


def test_postal_dim_threshold(write_table: TableWriter) -> None:
    service = open_tiny().replace("dim_divisor = 139", "dim_divisor = 166\ndim_min_volume = 1728")
    r = rules_for(write_table, service=service)
    # exactly 1728 in3 is not "above one cubic foot": actual 1 lb -> 10.00
    assert lines(price(r, "12x12x12 in", "1 lb"))["base"] == Decimal("10.00")
    # 12x12x13 = 1872 / 166 = 11.3 -> 12 lb: 20.00 + 7 * 1.25 = 28.75
    assert lines(price(r, "12x12x13 in", "1 lb"))["base"] == Decimal("28.75")


PEAK = (
    RES_FUEL
    + """
[[surcharges]]
kind = "peak"
start = 2026-11-23
end = 2027-01-17
amounts = { residential = "0.65", additional_handling = "10.80" }
"""
)


def test_peak_window(write_table: TableWriter) -> None:
    r = rules_for(write_table, PEAK)
    inside = lines(price(r, "4x4x4 in", "1 lb", residential=True, day=date(2026, 12, 1)))
    # peak on residential only (no handling charge here); fuel does not list "peak":
    # 20.25% of (10.00 + 5.95) = 3.229875 -> 3.23
    assert inside["peak"] == Decimal("0.65") and inside["fuel"] == Decimal("3.23")
    assert "peak" not in lines(
        price(r, "4x4x4 in", "1 lb", residential=True, day=date(2026, 11, 22))
    )
    assert "peak" not in lines(price(r, "4x4x4 in", "1 lb", day=date(2026, 12, 1)))


METRIC = (DATA / "rules" / "metric.toml").read_text()


def test_metric_service(write_table: TableWriter) -> None:
    folder = write_table(
        service=METRIC,
        grid="weight_kg,1,2\n0.5,5.00,6.00\n1,6.00,7.00\n2,8.00,9.50\n5,12.00,14.00\n",
    )
    (svc,) = load_directory(folder)
    r = ParcelRuleBook([svc])(svc)
    # 40 x 30 x 20 cm = 24000 cm3 / 5000 = 4.8 kg -> 5 kg (0.5 kg steps) -> zone 2 = 14.00
    assert lines(price(r, "40x30x20 cm", "1.2 kg", zone=2)) == {"base": Decimal("14.00")}
    # 20 x 15 x 10 = 3000 / 5000 = 0.6 kg < 0.7 kg actual -> 1.0 kg -> zone 1 = 6.00
    assert lines(price(r, "20x15x10 cm", "0.7 kg", zone=1)) == {"base": Decimal("6.00")}


@pytest.fixture(scope="module")
def sample_rules() -> list[ParcelRules]:
    services = RateRegistry.from_directory(SAMPLE_TABLES).services()
    book = ParcelRuleBook(services)
    return [book(s) for s in services if s.spec.mode == "parcel"]


@settings(max_examples=150, deadline=None)
@given(
    st.integers(0, 20),
    st.tuples(*[st.integers(25, 1200)] * 3),
    st.integers(1, 2400),
    st.integers(1, 400),
    st.integers(2, 8),
    st.booleans(),
)
def test_price_never_decreases_with_weight(
    sample_rules: list[ParcelRules],
    idx: int,
    dims_mm: tuple[int, int, int],
    oz: int,
    step: int,
    zone: int,
    residential: bool,
) -> None:
    rules = sample_rules[idx % len(sample_rules)]
    sides = tuple(d * 10**6 for d in dims_mm)
    w1, w2 = Mass.of(oz, "oz").ng, Mass.of(oz + step, "oz").ng
    a = price_parcel(rules, sides, w1, zone, residential, "10001", DAY)  # type: ignore[arg-type]
    b = price_parcel(rules, sides, w2, zone, residential, "10001", DAY)  # type: ignore[arg-type]
    if isinstance(a, ParcelPrice) and isinstance(b, ParcelPrice):
        assert b.total >= a.total
        assert a.billable_ng >= w1 and b.billable_ng >= w2
    if isinstance(a, NotCarried) and a.reason == Reason.OVER_MAX_WEIGHT:
        assert isinstance(b, NotCarried)


OUNCE_GRID = "weight_oz,2,3\n1,1.00,1.00\n2,2.00,2.00\n3,3.00,3.00\n4,4.00,4.00\n"
HALF_KG_GRID = "weight_kg,2,3\n0.5,5.00,5.00\n1,10.00,10.00\n1.5,15.00,15.00\n"


def _vector_price(rules: ParcelRules, dims: str, weight: str) -> tuple[int, int]:
    import numpy as np

    from shipopt.rating.vectorized import ParcelArrays, price_parcels

    d = Dimensions.parse(dims)
    arrays = ParcelArrays(
        np.array([[d.length.nm, d.width.nm, d.height.nm]], dtype=np.int64),
        np.array([Mass.parse(weight).ng], dtype=np.int64),
        np.array([False]),
        np.array([10001], dtype=np.int64),
    )
    totals = price_parcels(rules, arrays, np.array([2], dtype=np.int64), DAY)
    return int(totals.net[0]), int(totals.billable_ng[0])


@pytest.mark.parametrize(
    ("grid", "increment", "weight", "cents", "billable"),
    [
        # 0.5 oz is 14,174,761,562.5 ng, held as ...563: four of them are 2 ng over 2 oz
        (OUNCE_GRID, "0.5 oz", "2 oz", 200, "2 oz"),
        (OUNCE_GRID, "0.5 oz", "1.5 oz", 200, "1.5 oz"),
        (OUNCE_GRID, "0.25 oz", "1 oz", 100, "1 oz"),
        (OUNCE_GRID, "0.5 oz", "4 oz", 400, "4 oz"),  # the last priced weight is carried
        (OUNCE_GRID, "0.5 oz", "3.9 oz", 400, "4 oz"),
        (HALF_KG_GRID, "0.5 kg", "0.9 kg", 1000, "1 kg"),
        (HALF_KG_GRID, "0.1 kg", "0.9 kg", 1000, "0.9 kg"),
        (HALF_KG_GRID, "0.5 kg", "1.5 kg", 1500, "1.5 kg"),
    ],
)
def test_increment_other_than_the_grid_step(
    write_table: TableWriter, grid: str, increment: str, weight: str, cents: int, billable: str
) -> None:
    folder = write_table(f'[weights]\nround_up_to = "{increment}"\n', grid=grid, service=NO_DIM)
    (svc,) = load_directory(folder)
    r = ParcelRuleBook([svc])(svc)
    result = price(r, "2x2x2 in", weight)
    assert isinstance(result, ParcelPrice), result
    assert result.total == cents
    # a billable weight between breaks is k increments of the held (rounded) increment
    assert abs(result.billable_ng - Mass.parse(billable).ng) <= 2
    assert _vector_price(r, "2x2x2 in", weight) == (cents, result.billable_ng)


def test_beyond_the_last_priced_weight_is_refused(write_table: TableWriter) -> None:
    folder = write_table('[weights]\nround_up_to = "0.5 oz"\n', grid=OUNCE_GRID, service=NO_DIM)
    (svc,) = load_directory(folder)
    r = ParcelRuleBook([svc])(svc)
    result = price(r, "2x2x2 in", "4.1 oz")
    assert isinstance(result, NotCarried) and result.reason is Reason.OVER_MAX_WEIGHT
    assert _vector_price(r, "2x2x2 in", "4.1 oz")[0] == -1


NO_DIM = open_tiny().replace("[weights]\ndim_divisor = 139\n", "")


def test_not_offered_cells_chart_lanes_and_fuel_schedule(
    write_table: TableWriter, directory: ZipDirectory
) -> None:
    """A grid "-" is not offered at that weight (both paths); a chart "-" is not served; a fuel
    schedule's percentage applies from its date."""
    import numpy as np

    from shipopt.domain.quote import QuoteRequest, Reason
    from shipopt.pipeline.context import QuoteContext
    from shipopt.pipeline.quote import quote
    from shipopt.rating.vectorized import ParcelArrays, price_parcels

    grid = "weight_lb,2,3,4\n1,10.00,11.00,-\n2,12.00,-,15.00\nper_additional_lb,1.00,-,1.00\n"
    extra = (
        '\n[fuel]\npercent = "10"\nschedule = [{ effective_from = 2026-06-01, percent = "20" }]\n'
    )
    folder = write_table(extra, grid=grid)
    text = (folder / "svc.toml").read_text().replace("floor = 2", 'floor = 2\nchart = "c.csv"')
    (folder / "svc.toml").write_text(text)
    (folder / "c.csv").write_text("origin_zip,dest_zip_start,dest_zip_end,zone\n606,100,104,-\n")
    (svc,) = load_directory(folder)
    rules = build_parcel_rules(svc)
    sides = (4 * IN, 4 * IN, 4 * IN)
    for zone, lb, expected in [
        (2, 1, 1200),
        (3, 2, None),
        (4, 1, None),
        (3, 3, None),
        (4, 3, 1920),
    ]:
        got = price_parcel(rules, sides, lb * LB, zone, False, "10001", date(2026, 6, 1))
        arrays = ParcelArrays(
            np.array([sides], dtype=np.int64), np.array([lb * LB], dtype=np.int64),
            np.array([False]), np.array([10001], dtype=np.int64),
        )  # fmt: skip
        vector = int(price_parcels(rules, arrays, np.array([zone]), date(2026, 6, 1)).net[0])
        if expected is None:
            assert isinstance(got, NotCarried) and got.reason == Reason.ZONE_NOT_PRICED
            assert vector == -1
        else:
            assert isinstance(got, ParcelPrice) and got.total == expected == vector
    may = price_parcel(rules, sides, LB, 2, False, "10001", date(2026, 5, 31))
    assert isinstance(may, ParcelPrice) and may.total == 1100  # 10.00 + 10%
    ctx = QuoteContext.from_directory(folder)
    shipment = {
        "origin": {"postal_code": "60601"},
        "destination": {"postal_code": "10001"},
        "parcels": [{"dimensions": "4x4x4 in", "weight": "1 lb"}],
        "ship_at": "2026-06-02T09:00:00",
    }
    resp = quote(QuoteRequest.model_validate({"shipment": shipment}), ctx)
    assert resp.choice is None
    assert resp.ineligible[0].reason == Reason.NOT_SERVED
    assert "zone chart" in resp.ineligible[0].message
