"""The planner's lean ``choose`` picks exactly what ``quote`` picks (and says why not alike)."""

from datetime import UTC, date, datetime

import pytest

from shipopt.domain.quote import QuoteRequest
from shipopt.geo import ZipDirectory
from shipopt.pipeline.context import QuoteContext
from shipopt.pipeline.quote import choose, quote
from shipopt.pipeline.random_parcels import quote_payloads, random_parcels

NOW = datetime(2026, 12, 1, tzinfo=UTC)


@pytest.mark.parametrize("policy", ["cheapest", "fastest"])
def test_choose_matches_quote(policy: str, ctx: QuoteContext, directory: ZipDirectory) -> None:
    payloads = quote_payloads(random_parcels(directory, 250, seed=17))
    agree = none = 0
    for i, payload in enumerate(payloads):
        constraints: dict[str, object] = {}
        if i % 3 == 1:
            constraints["deliver_by"] = date(2026, 12, 3).isoformat()
        if i % 5 == 2:
            constraints["carriers"] = ["summit"]
        payload["shipment"]["parcels"] *= 1 + i % 2
        request = QuoteRequest.model_validate(
            {**payload, "constraints": constraints, "policy": policy}
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
