"""Delivery-date confidence on the quote path: without a model quotes are as before; with one
every rate has monotone percentiles, an on-time probability monotone in the date, a latest
ship day that meets it, and on_time_probability keeps only the services likely enough."""

from __future__ import annotations

from datetime import UTC, date, datetime, timedelta
from pathlib import Path

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from shipopt.domain.quote import QuoteRequest, Reason
from shipopt.errors import InputError
from shipopt.geo import ZipDirectory
from shipopt.pipeline.context import QuoteContext
from shipopt.pipeline.quote import quote
from shipopt.ratetables.registry import RateRegistry
from shipopt.transit.fit import fit
from shipopt.transit.generate import sample_history, write_history_csv
from shipopt.transit.history import read_history
from tests.conftest import SAMPLE_TABLES

NOW = datetime(2026, 6, 1, tzinfo=UTC)


@pytest.fixture(scope="module")
def model_ctx(
    registry: RateRegistry, directory: ZipDirectory, tmp_path_factory: pytest.TempPathFactory
) -> QuoteContext:
    folder = tmp_path_factory.mktemp("model")
    history = sample_history(registry, directory, 120_000, seed=3)
    write_history_csv(history, folder / "h.csv")
    obs, bad = read_history([folder / "h.csv"], registry, directory)
    fit(obs, bad).save(folder / "model.npz")
    return QuoteContext.from_directory(SAMPLE_TABLES, folder / "model.npz")


def request(deliver_by: str | None = None, p: float | None = None) -> QuoteRequest:
    constraints: dict[str, object] = {}
    if deliver_by:
        constraints["deliver_by"] = deliver_by
    if p is not None:
        constraints["on_time_probability"] = p
    return QuoteRequest.model_validate(
        {
            "shipment": {
                "origin": {"postal_code": "60601"},
                "destination": {"postal_code": "10001"},
                "parcels": [{"dimensions": "10x8x6 in", "weight": "3 lb"}],
                "ship_at": "2026-06-02T09:00:00",
            },
            "constraints": constraints,
        }
    )


def test_without_a_model_quotes_are_as_before(ctx: QuoteContext) -> None:
    resp = quote(request("2026-06-05"), ctx, NOW)
    assert resp.rates and all(
        r.delivery_percentiles is None
        and r.on_time_probability is None
        and r.latest_ship_date is None
        for r in resp.rates
    )
    with pytest.raises(InputError, match="no transit model is loaded"):
        quote(request("2026-06-05", 0.9), ctx, NOW)


def test_rates_carry_percentiles_probabilities_and_latest_ship(model_ctx: QuoteContext) -> None:
    resp = quote(request("2026-06-08"), model_ctx, NOW)
    assert resp.rates
    for r in resp.rates:
        p = r.delivery_percentiles
        assert p is not None and list(p) == ["p50", "p75", "p90", "p95", "p99"]
        dates = list(p.values())
        assert dates == sorted(dates) and dates[0] >= r.ship_date
        assert r.on_time_probability is not None and 0 <= r.on_time_probability <= 1
        if r.latest_ship_date is not None:
            assert r.latest_ship_date <= date(2026, 6, 8)
    # the probability is monotone in the date
    key = resp.rates[0].key
    probs = []
    for d in range(2, 14):  # from the standard estimate on (before it the service is out)
        day = (date(2026, 6, 1) + timedelta(days=d)).isoformat()
        rate = next((x for x in quote(request(day), model_ctx, NOW).rates if x.key == key), None)
        if rate is not None:
            assert rate.on_time_probability is not None
            probs.append(rate.on_time_probability)
    assert len(probs) >= 4 and probs == sorted(probs) and probs[-1] > probs[0]


def test_on_time_probability_keeps_the_likely_services(model_ctx: QuoteContext) -> None:
    loose = quote(request("2026-06-05"), model_ctx, NOW)
    strict = quote(request("2026-06-05", 0.95), model_ctx, NOW)
    assert all((r.on_time_probability or 0) >= 0.95 for r in strict.rates)
    unlikely = [i for i in strict.ineligible if i.reason == Reason.UNLIKELY_ON_TIME]
    assert unlikely and "likely by 2026-06-05" in unlikely[0].message
    if strict.choice is not None:
        cheapest_meeting = min(
            (r for r in loose.rates if (r.on_time_probability or 0) >= 0.95),
            key=lambda r: (r.total, r.estimated_delivery, r.key),
        )
        assert strict.choice.key == cheapest_meeting.key


def test_batch_plans_carry_on_time_probabilities(
    model_ctx: QuoteContext, ctx: QuoteContext, directory: ZipDirectory, tmp_path: Path
) -> None:
    from pydantic import TypeAdapter

    from shipopt.batch.inputs import read_orders_csv, read_skus_csv, read_warehouses_json
    from shipopt.batch.output import write_plan
    from shipopt.batch.sample import sample_day, write_sample
    from shipopt.domain.packing import BoxType
    from shipopt.domain.plan import PlanSettings, summarize
    from shipopt.pipeline.plan import plan_day
    from tests.conftest import ROOT

    write_sample(sample_day(directory, 40, seed=4), tmp_path)
    skus = read_skus_csv(tmp_path / "skus.csv")
    book = read_orders_csv(tmp_path / "orders.csv", skus, directory)
    stores = [
        w.model_copy(update={"fleet": None})
        for w in read_warehouses_json(tmp_path / "warehouses.json")
    ]
    boxes = TypeAdapter(list[BoxType]).validate_json((ROOT / "examples" / "boxes.json").read_text())
    settings = PlanSettings(pack_starts=2, pack_exact=False, pack_extra=False)
    with_model = plan_day(book, skus, stores, boxes, model_ctx, settings)
    without = plan_day(book, skus, stores, boxes, ctx, settings)
    dated = [s for o in with_model.orders for s in o.shipments if s.on_time is not None]
    assert dated and all(s.on_time_probability is not None for s in dated)
    assert all(s.on_time_probability is None for o in without.orders for s in o.shipments)
    summary = summarize(with_model)
    expected = sum(s.on_time_probability or 0 for s in dated) / len(dated)
    assert summary.expected_on_time_share == pytest.approx(expected, abs=1e-4)
    assert summarize(without).expected_on_time_share is None
    assert "expected on time" in write_plan(with_model, tmp_path / "p")["summary"].read_text()


@settings(max_examples=200, deadline=None)
@given(st.lists(st.floats(0, 1), min_size=21, max_size=21))
def test_quantile_days_are_numpys_searchsorted_of_the_cumsum(weights: list[float]) -> None:
    import numpy as np

    from shipopt.pipeline.confidence import QUANTILES, _quantile_days
    from shipopt.transit.model import MAX_DAYS

    total = sum(weights) or 1.0
    dist = np.array(weights) / total
    expected = np.minimum(np.searchsorted(np.cumsum(dist), np.array(QUANTILES)), MAX_DAYS)
    assert _quantile_days(dist) == expected.tolist()
