"""Incentives and markups: hand-computed net and sell prices, and the numpy path agreeing with
the scalar one to the cent on 100,000 random parcels."""

from __future__ import annotations

import shutil
from datetime import UTC, date, datetime
from decimal import Decimal
from pathlib import Path

import numpy as np
import pytest

from shipopt.domain.quote import QuoteRequest
from shipopt.errors import RateTableError
from shipopt.geo import ZipDirectory
from shipopt.pipeline.context import QuoteContext
from shipopt.pipeline.quote import quote
from shipopt.pipeline.random_parcels import random_parcels
from shipopt.ratetables.loader import load_directory
from shipopt.ratetables.registry import RateRegistry
from shipopt.rating.batch import rate_batch
from shipopt.rating.markup import sell_lines, sell_totals
from shipopt.rating.parcel_rate import ParcelPrice, price_parcel
from shipopt.rating.vectorized import NOT_CARRIED
from shipopt.units import NG_PER, NM_PER
from tests.conftest import DATA, SAMPLE_TABLES

JUNE = date(2026, 6, 1)  # outside the peak window
IN = NM_PER["in"]
LB = NG_PER["lb"]


def contract_tables(folder: Path) -> Path:
    shutil.copytree(SAMPLE_TABLES, folder)
    for path in (DATA / "contract").glob("*.toml"):
        shutil.copy(path, folder / path.name)
    return folder


@pytest.fixture(scope="module")
def cctx(tmp_path_factory: pytest.TempPathFactory, directory: ZipDirectory) -> QuoteContext:
    folder = contract_tables(tmp_path_factory.mktemp("contract") / "tables")
    return QuoteContext(RateRegistry.from_directory(folder), directory)


def priced(
    ctx: QuoteContext, key: str, lb: int, zone: int, residential: bool = False
) -> ParcelPrice:
    service = ctx.registry.in_force(key, JUNE)
    assert service is not None
    result = price_parcel(
        ctx.rules(service), (4 * IN, 4 * IN, 4 * IN), lb * LB, zone, residential, "10001", JUNE
    )
    assert isinstance(result, ParcelPrice)
    return result


@pytest.mark.parametrize(
    ("key", "lb", "zone", "residential", "net", "listed"),
    [
        # 15.34 - 30% (4.60) + residential 5.95 - 40% (2.38) + fuel 20.25% of 14.31 (2.90)
        # - 10% (0.29)
        ("continental/ground", 4, 5, True, "16.92", "25.60"),
        # 10.80 - 30% = 7.56, raised to the minimum net 10.80 - 1.50 = 9.30; fuel 1.88 - 0.19
        ("continental/ground", 1, 2, False, "10.99", "12.99"),
        # band edges: 6 lb zone 4 at 35% (16.15 - 5.65), zone 5 at 25% (17.30 - 4.33)
        ("continental/ground", 6, 4, False, "12.42", "19.42"),
        ("continental/ground", 6, 5, False, "15.34", "20.80"),
        # 5 lb is still in the 1-5 lb band: 16.32 - 30% (4.90) = 11.42; fuel 2.31 - 0.23
        ("continental/ground", 5, 5, False, "13.50", "19.62"),
        # tier by the declared spend 12,000: 20% of 41.70 = 8.34; fuel 6.76 - 0.68
        ("continental/ground", 21, 8, False, "39.44", "50.14"),
        # 2day: 22.40 - 42.5% = 12.88, raised to 18.00 - 20% = 14.40; fuel 22% 3.17 - 0.32
        ("continental/2day", 1, 2, False, "17.25", "27.33"),
    ],
)
def test_hand_computed_net_prices(
    cctx: QuoteContext, key: str, lb: int, zone: int, residential: bool, net: str, listed: str
) -> None:
    price = priced(cctx, key, lb, zone, residential)
    assert Decimal(price.total) / 100 == Decimal(net)
    assert Decimal(price.list_total) / 100 == Decimal(listed)


def test_incentive_lines_itemize_what_was_taken_off(cctx: QuoteContext) -> None:
    lines = dict(priced(cctx, "continental/ground", 1, 2).lines)
    assert lines == {
        "base": 1080,
        "incentive_base": -324,
        "minimum_net": 174,
        "fuel": 188,
        "incentive_fuel": -19,
    }


def test_quote_carries_list_net_and_sell(cctx: QuoteContext) -> None:
    shipment = {
        "origin": {"postal_code": "60601"},
        "destination": {"postal_code": "10001", "residential": True},
        "parcels": [{"dimensions": "10x8x6 in", "weight": "4 lb"}],
        "ship_at": "2026-06-02T09:00:00",
    }
    req = QuoteRequest.model_validate({"shipment": shipment})
    resp = quote(req, cctx, datetime(2026, 6, 2, tzinfo=UTC))
    ground = next(r for r in resp.rates if r.key == "continental/ground")
    assert ground.total == ground.prices.net.total
    assert (ground.agreement_version, ground.markup_version) == ("P-1001 rev 2", "2026-checkout")
    assert ground.table_version == "2026.1"
    assert ground.prices.list.total > ground.total
    assert sum(c.amount for c in ground.prices.net.charges) == ground.total
    assert sum(c.amount for c in ground.prices.list.charges) == ground.prices.list.total
    assert ground.prices.sell is not None
    sell = ground.prices.sell
    assert sum(c.amount for c in sell.charges) == sell.total
    assert str(sell.total).endswith(".99")
    incentive = next(c for c in ground.charges if c.code == "incentive_base")
    assert "30% off, Agreement P-1001" in incentive.description
    assert incentive.amount < 0
    free = quote(
        req.model_copy(update={"order_value": Decimal("80.00")}),
        cctx,
        datetime(2026, 6, 2, tzinfo=UTC),
    )
    ground_free = next(r for r in free.rates if r.key == "continental/ground")
    assert ground_free.prices.sell is not None and ground_free.prices.sell.total == 0
    by_sell = quote(
        req.model_copy(update={"price_basis": "sell", "order_value": Decimal("80.00")}),
        cctx,
        datetime(2026, 6, 2, tzinfo=UTC),
    )
    assert by_sell.choice is not None and by_sell.choice.key == "continental/ground"
    assert "checkout price" in by_sell.explanation


def test_hand_computed_sell_prices(cctx: QuoteContext) -> None:
    service = cctx.registry.in_force("continental/ground", JUNE)
    assert service is not None and service.markups
    markup = service.markups[0]
    # 16.92 + 12.5% (2.12) + 0.35 + handling up to 5 lb 1.00 = 20.39, up to 20.99
    lines, _ = sell_lines(markup, "continental/ground", 2560, 1692, 4 * LB, None) or ((), ())
    assert sum(c for _, c in lines) == 2099
    # summit: the list price, no percent, 20 lb handling 2.50, up to whole: 25.60 + 2.50 -> 29
    lines, _ = sell_lines(markup, "summit/ground", 2560, 1692, 6 * LB, None) or ((), ())
    assert sum(c for _, c in lines) == 2900
    # every other service: 20% of net, open handling band above 20 lb
    lines, _ = sell_lines(markup, "nationalpost/priority", 1000, 1000, 30 * LB, 9000) or ((), ())
    assert sum(c for _, c in lines) == 1000 + 200 + 500
    free, _ = sell_lines(markup, "continental/ground", 2560, 1692, 4 * LB, 7500) or ((), ())
    assert sum(c for _, c in free) == 0
    assert free[-1] == ("free_shipping", -2099)


def test_numpy_path_agrees_to_the_cent_on_100k_parcels(
    cctx: QuoteContext, directory: ZipDirectory
) -> None:
    n = 100_000
    sample = random_parcels(directory, n, seed=17)
    day = date(2026, 12, 1)  # in the peak window: peak lines and their incentives too
    batch = rate_batch(
        cctx.registry, cctx.rules, cctx.zone_arrays, cctx.directory,
        sample.origin_zip, sample.parcels, day,
    )  # fmt: skip
    rng = np.random.default_rng(4)
    values = np.where(rng.random(n) < 0.3, rng.integers(0, 15000, n), -1)
    p = sample.parcels
    checked = 0
    for key in ("continental/ground", "continental/2day", "summit/ground"):
        service = cctx.registry.in_force(key, day)
        assert service is not None and service.incentives and service.markups
        rules, markup = cctx.rules(service), service.markups[0]
        j = batch.keys.index(key)
        sells = sell_totals(
            markup, key, batch.list_totals[:, j], batch.totals[:, j], p.weight_ng, values
        )
        assert sells is not None
        for i in range(n):
            zone = int(batch.zones[i, j])
            got = price_parcel(
                rules, tuple(int(x) for x in p.sides_nm[i]),  # type: ignore[arg-type]
                int(p.weight_ng[i]), zone, bool(p.residential[i]), f"{p.dest_zip[i]:05d}", day,
            )  # fmt: skip
            if not isinstance(got, ParcelPrice):
                assert batch.totals[i, j] == NOT_CARRIED, (key, i)
                continue
            assert (got.total, got.list_total) == (
                batch.totals[i, j], batch.list_totals[i, j]
            ), (key, i)  # fmt: skip
            value = None if values[i] < 0 else int(values[i])
            sold = sell_lines(markup, key, got.list_total, got.total, int(p.weight_ng[i]), value)
            assert sold is not None and sum(c for _, c in sold[0]) == sells[i], (key, i)
            checked += 1
    assert checked > 200_000


def test_contract_files_are_validated(tmp_path: Path) -> None:
    folder = contract_tables(tmp_path / "t")
    path = folder / "continental_incentives.toml"
    text = path.read_text()
    path.write_text(text.replace('services = ["2day", "overnight"]', 'services = ["2dya"]'))
    (folder / "summit_incentives.toml").write_text(
        (folder / "summit_incentives.toml").read_text().replace('percent = "15"', 'percent = "x"')
    )
    markup = folder / "checkout_markup.toml"
    markup.write_text(markup.read_text().replace('carriers = ["summit"]', 'carriers = ["sumit"]'))
    with pytest.raises(RateTableError) as err:
        load_directory(folder)
    text = str(err.value)
    assert "continental_incentives.toml: transportation[4].services" in text
    assert "unknown service(s) 2dya of continental" in text
    assert "summit_incentives.toml: transportation[0].percent" in text
    assert "checkout_markup.toml: rules[1].carriers" in text and "'sumit'" in text


def test_overlapping_bands_are_refused(tmp_path: Path) -> None:
    folder = contract_tables(tmp_path / "t")
    path = folder / "continental_incentives.toml"
    path.write_text(path.read_text().replace('weight_min = "6 lb"', 'weight_min = "5 lb"', 1))
    with pytest.raises(RateTableError, match=r"transportation\[1\] overlaps transportation\[0\]"):
        load_directory(folder)


def test_batch_quotes_carry_list_net_sell_and_rank_on_sell(cctx: QuoteContext) -> None:
    from shipopt.domain.quote_batch import BatchShipment
    from shipopt.pipeline.quote_batch import quote_many

    def shipment(value: str | None) -> BatchShipment:
        return BatchShipment.model_validate(
            {
                "origin": {"postal_code": "60601"},
                "destination": {"postal_code": "10001", "residential": True},
                "parcel": {"dimensions": "10x8x6 in", "weight": "4 lb"},
                "order_value": value,
            }
        )

    at = datetime(2026, 6, 2, 9, 0)
    net, sell = (
        quote_many([shipment(None), shipment("80.00")], cctx, at, include_rates=True, basis=b)
        for b in ("net", "sell")
    )
    single = quote(
        QuoteRequest.model_validate(
            {
                "shipment": {
                    "origin": {"postal_code": "60601"},
                    "destination": {"postal_code": "10001", "residential": True},
                    "parcels": [{"dimensions": "10x8x6 in", "weight": "4 lb"}],
                    "ship_at": "2026-06-02T09:00:00",
                },
                "order_value": "80.00",
            }
        ),
        cctx,
    )
    by_key = {r.key: r for r in single.rates}
    for answer in (net[1], sell[1]):
        assert not isinstance(answer, Exception)
        for rate in answer.rates:
            full = by_key[rate.key]
            assert (rate.total, rate.list_total) == (full.total, full.prices.list.total)
            assert rate.sell_total == (full.prices.sell.total if full.prices.sell else None)
    free = sell[1]
    assert not isinstance(free, Exception) and free.choice is not None
    assert free.choice.key == "continental/ground" and free.choice.sell_total == 0
