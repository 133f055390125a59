"""The planner's lean ``choose`` picks exactly what ``quote`` picks (and says why not alike)."""

from datetime import UTC, date, datetime

import pytest

from shipopt.domain.quote import QuoteRequest
from shipopt.geo import ZipDirectory
from shipopt.pipeline.quote import QuoteContext, choose, quote
from shipopt.pipeline.random_parcels import random_parcels

NOW = datetime(2026, 12, 1, tzinfo=UTC)


@pytest.mark.parametrize("policy", ["cheapest", "fastest"])
def test_choose_matches_quote(policy: str, ctx: QuoteContext, directory: ZipDirectory) -> None:
    sample = random_parcels(directory, 250, seed=17)
    p = sample.parcels
    agree = none = 0
    for i in range(len(p)):
        sides = "x".join(f"{int(x) / 25_400_000}" for x in p.sides_nm[i])
        constraints: dict[str, object] = {}
        if i % 3 == 1:
            constraints["deliver_by"] = date(2026, 12, 3).isoformat()
        if i % 5 == 2:
            constraints["carriers"] = ["summit"]
        request = QuoteRequest.model_validate(
            {
                "shipment": {
                    "origin": {"postal_code": f"{sample.origin_zip[i]:05d}"},
                    "destination": {
                        "postal_code": f"{p.dest_zip[i]:05d}",
                        "residential": bool(p.residential[i]),
                    },
                    "parcels": [
                        {
                            "dimensions": f"{sides} in",
                            "weight": f"{int(p.weight_ng[i]) // 28_349_523_125 + 1} oz",
                        }
                    ]
                    * (1 + i % 2),
                    "ship_at": "2026-12-01T09:00:00",
                },
                "constraints": constraints,
                "policy": policy,
            }
        )
        full = quote(request, ctx, NOW)
        lean, why = choose(request, ctx, NOW)
        if full.choice is None:
            assert lean is None and why == full.explanation
            none += 1
        else:
            assert lean is not None
            assert lean.model_dump(exclude={"tags"}) == full.choice.model_dump(exclude={"tags"})
            agree += 1
    assert agree > 100 and none > 5  # both branches exercised
