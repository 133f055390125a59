from datetime import date
from decimal import Decimal

from shipopt.domain.quote import BestValue, Price, Prices, Rate, Tag
from shipopt.selection import explain, rank
from shipopt.units import Mass


def rate(service: str, total: str, days: int, sell: str | None = None) -> Rate:
    net = Price(total=Decimal(total), charges=[])
    return Rate(
        carrier="c",
        service=service,
        service_name=service,
        mode="parcel",
        currency="USD",
        charges=[],
        total=Decimal(total),
        prices=Prices(
            list=net, net=net, sell=Price(total=Decimal(sell), charges=[]) if sell else None
        ),
        parcel_totals=[Decimal(total)],
        billable_weight=Mass.parse("1 lb"),
        zone=5,
        transit_days=days,
        ship_date=date(2026, 12, 1),
        estimated_delivery=date(2026, 12, 1 + days),
        guaranteed=False,
        table_version="v",
    )


RATES = [
    rate("ground", "12.00", 5),
    rate("express", "40.00", 1),
    rate("twoday", "25.00", 2),
    rate("threeday", "18.00", 3),
]


def keys(rates: list[Rate]) -> list[str]:
    return [r.service for r in rates]


def test_cheapest_and_tags() -> None:
    ranked = rank(RATES, "cheapest", BestValue(within_days=3))
    assert keys(ranked) == ["ground", "threeday", "twoday", "express"]
    tags = {r.service: r.tags for r in ranked}
    assert tags["ground"] == [Tag.CHEAPEST]
    assert tags["express"] == [Tag.FASTEST]
    assert tags["threeday"] == [Tag.BEST_VALUE]


def test_fastest() -> None:
    assert keys(rank(RATES, "fastest", BestValue()))[0] == "express"


def test_best_value_within_days() -> None:
    ranked = rank(RATES, "best_value", BestValue(within_days=2))
    assert keys(ranked)[:2] == ["twoday", "express"]


def test_best_value_cost_per_day() -> None:
    # scores: ground 12 + 5*4 = 32; threeday 18 + 12 = 30; twoday 25 + 8 = 33; express 44
    ranked = rank(RATES, "best_value", BestValue(within_days=None, cost_per_day=Decimal("4")))
    assert keys(ranked) == ["threeday", "ground", "twoday", "express"]


def test_no_best_value_when_nothing_arrives_in_time() -> None:
    ranked = rank(RATES, "cheapest", BestValue(within_days=0))
    assert all(Tag.BEST_VALUE not in r.tags for r in ranked)


def test_ties_break_on_delivery_then_key() -> None:
    a, b = rate("b", "10.00", 2), rate("a", "10.00", 2)
    assert keys(rank([a, b, rate("slow", "10.00", 4)], "cheapest", BestValue())) == [
        "a",
        "b",
        "slow",
    ]


def test_explanation_names_choice_and_runner_up() -> None:
    ranked = rank(RATES, "cheapest", BestValue())
    text = explain(ranked, "cheapest", BestValue(), excluded=2)
    assert "c/ground" in text and "USD 12.00" in text and "c/threeday" in text
    assert "saves USD 6.00" in text and "2 service(s) ineligible" in text
    assert "No service" in explain([], "cheapest", BestValue(), excluded=3)


def test_sell_basis_ranks_on_the_checkout_price() -> None:
    rates = [rate("ground", "12.00", 5, sell="19.99"), rate("threeday", "18.00", 3, sell="18.99")]
    assert keys(rank(rates, "cheapest", BestValue())) == ["ground", "threeday"]
    ranked = rank(rates, "cheapest", BestValue(), "sell")
    assert keys(ranked) == ["threeday", "ground"]
    assert "checkout price: USD 18.99" in explain(ranked, "cheapest", BestValue(), 0, "sell")
    no_sell = [rate("ground", "12.00", 5), rate("threeday", "18.00", 3, sell="11.99")]
    assert keys(rank(no_sell, "cheapest", BestValue(), "sell")) == ["threeday", "ground"]
