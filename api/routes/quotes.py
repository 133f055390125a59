"""``POST /v1/quotes``: the quote path."""

from __future__ import annotations

from typing import Annotated

from fastapi import APIRouter, Body, Response
from fastapi.concurrency import run_in_threadpool

from shipopt.api import examples
from shipopt.api.deps import Context, Owner, Settings, within
from shipopt.domain.quote import QuoteRequest, QuoteResponse
from shipopt.errors import InputError, Problem
from shipopt.pipeline.quote import quote

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
