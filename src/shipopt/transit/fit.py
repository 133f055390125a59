"""Fit the transit model from observations: recency-weighted counts of days beyond the
standard (a parcel's weight halves
every ``half_life_days`` before the newest ship day) at every level and stratum, in one numpy
pass per service and level."""

from __future__ import annotations

from datetime import UTC, datetime

import numpy as np

from shipopt.transit.generate import in_peak
from shipopt.transit.history import BadRows, Observations
from shipopt.transit.model import EARLY, LEVELS, MAX_DAYS, STRATA, ServiceModel, TransitModel


def strata_of(days: np.ndarray, after_closed: np.ndarray) -> np.ndarray:
    """Each ship day's stratum, as :func:`shipopt.transit.model.stratum`."""
    weekday = (days.astype("datetime64[D]").view("int64") + 3) % 7  # 0 = Monday
    out: np.ndarray = (
        4 * after_closed.astype(np.int64)
        + 2 * in_peak(days).astype(np.int64)
        + (weekday == 4).astype(np.int64)
    )
    return out


def _level_columns(
    zone: np.ndarray, o3: np.ndarray, d3: np.ndarray, level: str
) -> list[np.ndarray]:
    return {
        "service": [np.zeros_like(zone)],
        "zone": [zone],
        "region": [zone, o3 // 100, d3 // 100],
        "destination": [d3],
        "lane": [o3, d3],
    }[level]


def _dense_codes(columns: list[np.ndarray]) -> tuple[np.ndarray, np.ndarray]:
    """The distinct rows of the key columns (non-negative integers) and each row's index
    into them: one mixed-radix code per row, numbered by a presence table, not a sort."""
    code = np.zeros(len(columns[0]), dtype=np.int64)
    for column in columns:
        code = code * (int(column.max(initial=0)) + 1) + column
    present = np.zeros(int(code.max(initial=0)) + 1, dtype=bool)
    present[code] = True
    number = np.cumsum(present) - 1
    inverse = number[code]
    keys = np.zeros((int(present.sum()), len(columns)), dtype=np.int64)
    for j, column in enumerate(columns):
        keys[inverse, j] = column  # the rows of one key agree on it
    return keys, inverse


def fit(
    obs: Observations,
    bad: BadRows,
    half_life_days: float = 180.0,
    strength: float = 5.0,
    version: str | None = None,
) -> TransitModel:
    newest = obs.ship_day.max() if len(obs) else np.datetime64("today")
    age = (newest - obs.ship_day).astype(np.int64)
    weight = np.power(0.5, age / half_life_days)
    strata = strata_of(obs.ship_day, obs.after_closed)
    beyond = np.clip(obs.days - obs.standard + EARLY, 0, MAX_DAYS)
    bins = MAX_DAYS + 1
    services: dict[str, ServiceModel] = {}
    order = np.argsort(obs.service, kind="stable")
    bounds = np.searchsorted(obs.service[order], np.arange(len(obs.services) + 1))
    for k, key in enumerate(obs.services):
        mine = order[bounds[k] : bounds[k + 1]]
        if not len(mine):
            continue
        sm = ServiceModel(observations=len(mine))
        hours = np.bincount(
            np.clip(obs.hour[mine].astype(np.int64), 0, 23), weights=weight[mine], minlength=24
        )
        sm.hours = hours / max(float(hours.sum()), 1e-12)
        cell = strata[mine] * bins + beyond[mine]
        w = weight[mine]
        zone, o3, d3 = obs.zone[mine], obs.origin3[mine], obs.dest3[mine]
        for level in LEVELS:
            unique, inverse = _dense_codes(_level_columns(zone, o3, d3, level))
            flat = inverse * (STRATA * bins) + cell
            counts = np.bincount(flat, weights=w, minlength=len(unique) * STRATA * bins)
            counts = counts.reshape(len(unique), STRATA, bins)
            table = {}
            for i, u in enumerate(unique):
                table[() if level == "service" else tuple(int(v) for v in u)] = counts[i]
            sm.counts[level] = table
        services[key] = sm
    fitted = datetime.now(UTC).isoformat(timespec="seconds")
    return TransitModel(
        services,
        version or f"transit-{newest!s}",
        fitted,
        strength,
        half_life_days,
        {"observations": len(obs), "bad_rows": bad.counts, "newest_ship_day": str(newest)},
    )
