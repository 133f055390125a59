"""Request and response bodies that exist only in the HTTP service."""

from __future__ import annotations

from typing import Any, Literal

from pydantic import BaseModel, ConfigDict, Field, StrictBool, field_validator

from shipopt.domain.batch import Order, Sku, Warehouse
from shipopt.domain.packing import BoxType
from shipopt.domain.plan import Plan, PlanOptions, PlanSummary
from shipopt.domain.quote_batch import BatchRate
from shipopt.domain.shipment import ShipTime


class FieldProblem(BaseModel):
    field: str = Field(
        description="Dotted path of the invalid value, e.g. shipment.parcels[0].weight"
    )
    pointer: str = Field(description="The same place as a JSON pointer into the body.")
    detail: str
    code: str | None = Field(
        default=None, description="A stable reason code where one is defined (MILITARY_ADDRESS)."
    )


class ProblemDetail(BaseModel):
    """RFC 9457 problem details, served as application/problem+json."""

    type: str = Field(default="about:blank", description="A URI reference naming the problem type.")
    title: str
    status: int
    detail: str = ""
    instance: str | None = None
    errors: list[FieldProblem] = []
    errors_omitted: int | None = Field(
        default=None, description="How many more field errors there were than are listed."
    )


class PlanJobRequest(PlanOptions):
    """A day to plan: its inputs, and how to plan it (the strategy-file options)."""

    orders: list[Order] = Field(
        min_length=1,
        description="The day's orders. One that does not match the Order schema makes the "
        "request a 422 naming its field; one naming an unknown SKU or ZIP, or an id listed "
        "twice, is reported in the result with its index and reason, and the others planned.",
    )
    callback_url: str | None = Field(
        default=None,
        max_length=2000,
        description="POSTed a signed event when the job finishes (an allowed host only).",
    )
    skus: list[Sku] = Field(min_length=1, max_length=100_000)
    warehouses: list[Warehouse] = Field(min_length=1, max_length=200)
    boxes: list[BoxType] = Field(min_length=1, max_length=200)

    @field_validator("skus")
    @classmethod
    def _unique_skus(cls, value: list[Sku]) -> list[Sku]:
        seen: set[str] = set()
        for s in value:
            if s.sku in seen:
                raise ValueError(f"SKU {s.sku!r} listed twice")
            seen.add(s.sku)
        return value

    @field_validator("warehouses")
    @classmethod
    def _unique_warehouses(cls, value: list[Warehouse]) -> list[Warehouse]:
        ids = [w.id for w in value]
        twice = sorted({i for i in ids if ids.count(i) > 1})
        if twice:
            raise ValueError(f"warehouse id(s) listed twice: {', '.join(twice)}")
        return value


JobStatusName = Literal["queued", "running", "succeeded", "failed", "cancelled"]


class WebhookAttempt(BaseModel):
    at: str
    status: int | None = Field(default=None, description="The receiver's HTTP status.")
    error: str | None = Field(default=None, description="Why no answer came (refused, timeout).")
    ms: float


class WebhookDelivery(BaseModel):
    state: Literal["pending", "delivered", "failed"]
    attempts: list[WebhookAttempt]


class PlanJob(BaseModel):
    id: str
    status: JobStatusName
    progress: float = Field(ge=0, le=1, description="Share of shipments decided.")
    attempts: int = Field(description="Times a server started it (it is retried after a crash).")
    cancel_requested: bool
    error: str | None = None
    created_at: str
    updated_at: str
    result_url: str | None = None
    callback_url: str | None = None
    webhook: WebhookDelivery | None = Field(
        default=None, description="The completion event's delivery, once the job finished."
    )


class PlanJobPage(BaseModel):
    """One page of the caller's plan jobs, newest first."""

    jobs: list[PlanJob]
    next_cursor: str | None = Field(
        description="Pass as ?cursor= for the next (older) page; null on the last page."
    )


class InputRowProblem(BaseModel):
    where: str
    message: str


class PlanResult(BaseModel):
    summary: PlanSummary
    plan: Plan
    problems: list[InputRowProblem] = Field(
        default=[], description="Input rows that name no order (an order's own are in the plan)."
    )


class BatchQuoteRequest(BaseModel):
    """Many one-parcel shipments priced at once on the parcel services (the numpy path)."""

    model_config = ConfigDict(extra="forbid")

    shipments: list[dict[str, Any]] = Field(
        min_length=1,
        description="Each a BatchShipment: origin, destination (addresses by ZIP) and parcel. "
        "One that is invalid gets its own errors in the answer; the others are priced.",
    )
    ship_at: ShipTime | None = Field(
        default=None,
        description="When every shipment is ready (ISO 8601; without an offset, each origin's "
        "local time; default: now).",
    )
    policy: Literal["cheapest", "fastest"] = "cheapest"
    price_basis: Literal["net", "sell"] = Field(
        default="net", description="Choose on the net cost or on the checkout (sell) price."
    )
    currency: str = Field(default="USD", min_length=3, max_length=3)
    include_rates: StrictBool = Field(default=False, description="Every rate, not only the choice.")

    @field_validator("ship_at", mode="before")
    @classmethod
    def _iso_text(cls, value: object) -> object:
        if value is not None and not isinstance(value, str):
            raise ValueError("must be an ISO 8601 date-time string")
        return value


class BatchQuoteResult(BaseModel):
    index: int = Field(description="The shipment's position in the request.")
    choice: BatchRate | None = None
    rates: list[BatchRate] = []
    reason: str | None = Field(default=None, description="Why there is no choice.")
    errors: list[FieldProblem] = Field(
        default=[], description="Why this shipment was not priced (an invalid shipment)."
    )


class BatchQuoteResponse(BaseModel):
    results: list[BatchQuoteResult] = Field(description="One per shipment, in request order.")


class ServiceInfo(BaseModel):
    carrier: str
    service: str
    name: str
    mode: str
    version: str
    effective_from: str
    effective_to: str | None
    currency: str


class Health(BaseModel):
    status: Literal["ok"]


class Readiness(BaseModel):
    status: Literal["ready", "not ready"]
    checks: dict[str, str]
