"""Delivery dates with confidence on the quote path, when a transit model is loaded: each
rate's delivery-date percentiles, its probability of arriving by the request's deliver_by,
and the latest ship day that still meets the requested probability."""

from __future__ import annotations

from bisect import bisect_left
from dataclasses import dataclass
from datetime import date, timedelta
from itertools import accumulate

import numpy as np

from shipopt.calendar import CarrierCalendar
from shipopt.domain.quote import QuoteRequest
from shipopt.errors import InputError, Problem
from shipopt.pipeline.context import QuoteContext
from shipopt.pipeline.eligibility import ServicePlan
from shipopt.pipeline.lane import Lane
from shipopt.transit.model import MAX_DAYS, PERCENTILES, TransitModel

QUANTILES = (np.array([q / 100 for q in PERCENTILES]) - 1e-9).tolist()
NAMES = tuple(f"p{q}" for q in PERCENTILES)
LOOK_BACK_DAYS = 30  # the latest ship day is searched this far before the deliver-by date


@dataclass(frozen=True, slots=True)
class Confidence:
    percentiles: dict[str, date]  # "p50" -> delivery date
    on_time: float | None  # P(delivered by deliver_by)
    latest_ship: date | None


def _by(calendar: CarrierCalendar, ship_day: date, deliver_by: date) -> int:
    """Delivery days after ``ship_day`` up to and including ``deliver_by`` (-1 if before)."""
    if deliver_by < ship_day:
        return -1
    n, day = 0, ship_day
    while day < deliver_by:
        day += timedelta(days=1)
        n += calendar.is_delivery_day(day)
    return n


def _p_by(probabilities: np.ndarray, days: int) -> float:
    return 0.0 if days < 0 else float(np.clip(probabilities[: days + 1].sum(), 0.0, 1.0))


_KS: dict[int, tuple[np.ndarray, list[int]]] = {}  # by id(distribution), the array held alive


def _quantile_days(dist: np.ndarray) -> list[int]:
    """The days of ``QUANTILES``, kept per distribution (the model shares one array per lane)."""
    known = _KS.get(id(dist))
    if known is None or known[0] is not dist:
        if len(_KS) >= 100_000:
            _KS.clear()
        # the first day whose cumulative share reaches each quantile (as numpy's searchsorted
        # on its cumsum: both add in order), on 21 numbers plain Python is quicker
        cdf = list(accumulate(dist.tolist()))
        known = _KS[id(dist)] = (dist, [min(bisect_left(cdf, q), MAX_DAYS) for q in QUANTILES])
    return known[1]


def confidence(
    model: TransitModel,
    key: str,
    calendar: CarrierCalendar,
    lane: tuple[int, int, int],
    ship_day: date,
    standard_days: int,
    deliver_by: date | None,
    wanted: float | None,
) -> Confidence | None:
    """None when the model has no history of this service (the standard estimate stands)."""
    zone, origin3, dest3 = lane
    dist = model.distribution(
        key, zone, origin3, dest3, ship_day, standard_days, calendar.after_closed(ship_day)
    )
    if dist is None:
        return None
    ks = _quantile_days(dist)
    dates = calendar.delivery_days_after(ship_day, max(ks))
    percentiles = {name: dates[k] for name, k in zip(NAMES, ks, strict=True)}
    if deliver_by is None:
        return Confidence(percentiles, None, None)
    on_time = round(_p_by(dist, _by(calendar, ship_day, deliver_by)), 4)
    latest = None
    day = deliver_by
    for _ in range(LOOK_BACK_DAYS):
        if calendar.is_pickup_day(day):
            after = calendar.after_closed(day)
            d = model.distribution(key, zone, origin3, dest3, day, standard_days, after)
            assert d is not None
            if _p_by(d, _by(calendar, day, deliver_by)) >= (wanted if wanted is not None else 0.5):
                latest = day
                break
        day -= timedelta(days=1)
    return Confidence(percentiles, on_time, latest)


def rate_confidence(
    request: QuoteRequest, ctx: QuoteContext, lane: Lane, plan: ServicePlan
) -> Confidence | None:
    """The rate's delivery-date confidence, with a transit model loaded (else None: the
    carrier's standard estimate alone, as without a model)."""
    limits = request.constraints
    if ctx.transit is None:
        if limits.on_time_probability is not None:
            raise InputError(
                Problem(
                    "constraints.on_time_probability",
                    "no transit model is loaded (set transit_model: shipopt transit fit)",
                )
            )
        return None
    lane_key = (plan.zone, int(lane.origin.zip3), int(lane.destination.zip3))
    return confidence(
        ctx.transit,
        plan.service.key,
        plan.calendar,
        lane_key,
        plan.ship_day,
        plan.transit_days,
        limits.deliver_by,
        limits.on_time_probability,
    )
