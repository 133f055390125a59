"""``POST /v1/quotes``: the quote path."""

from __future__ import annotations

from datetime import UTC, datetime
from typing import Annotated

from fastapi import APIRouter, Body, Response
from fastapi.concurrency import run_in_threadpool
from pydantic import ValidationError

from shipopt.api import examples
from shipopt.api.deps import Context, Owner, Settings, within
from shipopt.api.problems import field_from_problem
from shipopt.api.schemas import BatchQuoteRequest, BatchQuoteResponse, BatchQuoteResult
from shipopt.domain.quote import QuoteRequest, QuoteResponse
from shipopt.domain.quote_batch import BatchShipment
from shipopt.errors import InputError, Problem, problems_from_validation
from shipopt.pipeline.context import QuoteContext
from shipopt.pipeline.quote import quote
from shipopt.pipeline.quote_batch import quote_many

router = APIRouter(tags=["quotes"])


@router.post(
    "/quotes",
    operation_id="createQuote",
    response_model=QuoteResponse,
    summary="Rate every service for a shipment and choose",
    description="Parcels, or items with a box catalog (then cartonized, priced by the "
    "cheapest eligible service). Returns the ranked rates, the choice with an explanation, "
    "the ineligible services with reasons, and the packing when items were given.",
)
async def post_quote(
    _: Owner,
    settings: Settings,
    ctx: Context,
    request: Annotated[
        QuoteRequest,
        Body(
            openapi_examples={
                "parcel": {"summary": "One parcel", "value": examples.QUOTE},
                "items": {"summary": "Items to pack", "value": examples.QUOTE_ITEMS},
            }
        ),
    ],
) -> Response:
    s = request.shipment
    within("shipment.parcels", len(s.parcels), settings.max_parcels, "parcels")
    within("shipment.items", sum(i.quantity for i in s.items), settings.max_units, "item units")
    if s.items and s.pack_options.time_limit > settings.max_solver_seconds:
        raise InputError(
            Problem(
                "shipment.pack_options.time_limit",
                f"over this server's cap of {settings.max_solver_seconds} s",
            )
        )
    if s.items:  # packing is CPU work: off the event loop, so other requests are answered
        answer = await run_in_threadpool(quote, request, ctx)
    else:  # a parcel quote takes well under a millisecond: a thread hop would cost more
        answer = quote(request, ctx)
    return Response(answer.model_dump_json(), media_type="application/json")


@router.post(
    "/quotes/batch",
    operation_id="createQuoteBatch",
    response_model=BatchQuoteResponse,
    summary="Price many one-parcel shipments at once",
    description="Up to max_batch_quotes (10,000) shipments, priced on every parcel service on "
    "the numpy path: each gets its choice under the policy (and every rate with include_rates) "
    "or its own errors, in request order. The numbers are those of a single quote restricted "
    "to the parcel services.",
)
async def post_quotes_batch(
    _: Owner,
    settings: Settings,
    ctx: Context,
    request: Annotated[
        BatchQuoteRequest, Body(openapi_examples={"two": {"value": examples.QUOTE_BATCH}})
    ],
) -> Response:
    within("shipments", len(request.shipments), settings.max_batch_quotes, "shipments")
    answer = await run_in_threadpool(quote_batch, request, ctx)
    return Response(answer.model_dump_json(), media_type="application/json")


def quote_batch(request: BatchQuoteRequest, ctx: QuoteContext) -> BatchQuoteResponse:
    """Each shipment validated on its own, the valid ones priced together."""
    results: list[BatchQuoteResult | None] = [None] * len(request.shipments)
    valid: list[tuple[int, BatchShipment]] = []
    for i, raw in enumerate(request.shipments):
        try:
            valid.append((i, BatchShipment.model_validate(raw)))
        except ValidationError as err:
            problems = problems_from_validation(err, f"shipments[{i}]")
            results[i] = BatchQuoteResult(index=i, errors=[field_from_problem(p) for p in problems])
    ship_at = request.ship_at or datetime.now(UTC)
    answers = quote_many(
        [s for _, s in valid], ctx, ship_at, request.policy, request.currency,
        request.include_rates, request.price_basis,
    )  # fmt: skip
    for (i, _), answer in zip(valid, answers, strict=True):
        if isinstance(answer, InputError):
            where = [
                Problem(f"shipments[{i}].{p.where}", p.message, p.code) for p in answer.problems
            ]
            results[i] = BatchQuoteResult(index=i, errors=[field_from_problem(p) for p in where])
        else:
            results[i] = BatchQuoteResult(
                index=i, choice=answer.choice, rates=answer.rates, reason=answer.reason
            )
    return BatchQuoteResponse(results=[r for r in results if r is not None])
