"""Request and response bodies that exist only in the HTTP service."""

from __future__ import annotations

from typing import Literal

from pydantic import BaseModel, Field, field_validator

from shipopt.domain.batch import Order, Sku, Warehouse
from shipopt.domain.packing import BoxType
from shipopt.domain.plan import Plan, PlanOptions, PlanSummary


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
