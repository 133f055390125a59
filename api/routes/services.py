"""``GET /v1/services``: the loaded carrier services."""

from __future__ import annotations

from fastapi import APIRouter

from shipopt.api.deps import Context, Owner
from shipopt.api.schemas import ServiceInfo
from shipopt.ratetables.compiled import Service

router = APIRouter(tags=["services"])


@router.get("/services", response_model=list[ServiceInfo], operation_id="listServices")
def get_services(_: Owner, ctx: Context) -> list[ServiceInfo]:
    """The loaded carrier services with their rate-table versions and effective dates."""
    return [service_info(s) for s in ctx.registry.services()]


def service_info(s: Service) -> ServiceInfo:
    """One loaded service version as the API lists it."""
    return ServiceInfo(
        carrier=s.spec.carrier,
        service=s.spec.service,
        name=s.spec.service_name,
        mode=s.spec.mode,
        version=s.spec.version,
        effective_from=s.spec.effective_from.isoformat(),
        effective_to=s.spec.effective_to.isoformat() if s.spec.effective_to else None,
        currency=s.spec.currency,
    )
