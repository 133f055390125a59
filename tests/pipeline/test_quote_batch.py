"""Issue 13: batch quotes (numpy path) give the numbers single quotes give."""

from datetime import UTC, datetime

import pytest

from shipopt.domain.quote import QuoteRequest
from shipopt.domain.quote_batch import BatchAnswer, BatchShipment
from shipopt.errors import InputError
from shipopt.geo import ZipDirectory
from shipopt.pipeline.context import QuoteContext
from shipopt.pipeline.quote import quote
from shipopt.pipeline.quote_batch import quote_many
from shipopt.pipeline.random_parcels import random_parcels

SHIP_AT = datetime(2026, 12, 4, 15, 30, tzinfo=UTC)  # a Friday afternoon: cutoffs matter


def _shipments(directory: ZipDirectory, n: int, seed: int) -> list[BatchShipment]:
    sample = random_parcels(directory, n, seed)
    p = sample.parcels
    return [
        BatchShipment.model_validate(
            {
                "origin": {"postal_code": f"{sample.origin_zip[i]:05d}"},
                "destination": {
                    "postal_code": f"{p.dest_zip[i]:05d}",
                    "residential": bool(p.residential[i]),
                },
                "parcel": {
                    "dimensions": {
                        "length": f"{p.sides_nm[i][0]} nm",
                        "width": f"{p.sides_nm[i][1]} nm",
                        "height": f"{p.sides_nm[i][2]} nm",
                    },
                    "weight": f"{p.weight_ng[i]} ng",
                },
            }
        )
        for i in range(n)
    ]


@pytest.mark.parametrize("policy", ["cheapest", "fastest"])
def test_batch_equals_single_quotes(
    ctx: QuoteContext, directory: ZipDirectory, policy: str
) -> None:
    shipments = _shipments(directory, 300, seed=5 if policy == "cheapest" else 6)
    answers = quote_many(shipments, ctx, SHIP_AT, policy, include_rates=True)  # type: ignore[arg-type]
    parcel_keys = [
        k
        for k in ctx.registry.keys
        if ctx.registry.any_version(k, SHIP_AT.date()).spec.mode == "parcel"
    ]
    chosen = 0
    for s, answer in zip(shipments, answers, strict=True):
        assert isinstance(answer, BatchAnswer)
        single = quote(
            QuoteRequest.model_validate(
                {"shipment": {"origin": s.origin.model_dump(), "destination": s.destination.model_dump(),
                              "parcels": [s.parcel.model_dump()], "ship_at": SHIP_AT.isoformat()},
                 "constraints": {"services": parcel_keys}, "policy": policy}
            ),
            ctx,
        )  # fmt: skip
        expect = [
            (r.key, r.total, r.zone, r.transit_days, r.ship_date, r.estimated_delivery)
            for r in single.rates
        ]
        got = [
            (r.key, r.total, r.zone, r.transit_days, r.ship_date, r.estimated_delivery)
            for r in answer.rates
        ]
        assert got == expect
        if single.choice is None:
            assert answer.choice is None and answer.reason
        else:
            chosen += 1
            assert answer.choice is not None and answer.choice.key == single.choice.key
    assert chosen > 200  # most random parcels have a service


def test_bad_addresses_are_their_own_errors(ctx: QuoteContext) -> None:
    ok = {"origin": {"postal_code": "60601"}, "destination": {"postal_code": "94105"},
          "parcel": {"dimensions": "10x8x4 in", "weight": "2 lb"}}  # fmt: skip
    bad_zip = {**ok, "destination": {"postal_code": "00000"}}
    bad_state = {**ok, "origin": {"postal_code": "60601", "state": "NY"}}
    shipments = [BatchShipment.model_validate(x) for x in (ok, bad_zip, ok, bad_state)]
    answers = quote_many(shipments, ctx, SHIP_AT)
    assert isinstance(answers[0], BatchAnswer) and answers[0].choice is not None
    assert answers[2] == answers[0]
    assert isinstance(answers[1], InputError) and "destination.postal_code" in str(answers[1])
    assert isinstance(answers[3], InputError) and "origin.state" in str(answers[3])
