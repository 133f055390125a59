"""Fit the transit model from observations: recency-weighted counts of days beyond the
standard (a parcel's weight halves
every ``half_life_days`` before the newest ship day) at every level and stratum, in one numpy
pass per service and level."""

from __future__ import annotations

from datetime import UTC, datetime

import numpy as np

from shipopt.transit.generate import in_peak
from shipopt.transit.history import BadRows, Observations
from shipopt.transit.model import EARLY, LEVELS, MAX_DAYS, ServiceModel, TransitModel


def strata_of(days: np.ndarray) -> np.ndarray:
    weekday = (days.astype("datetime64[D]").view("int64") + 3) % 7  # 0 = Monday
    out: np.ndarray = 2 * in_peak(days).astype(np.int64) + (weekday == 4).astype(np.int64)
    return out


def _level_keys(obs: Observations, mine: np.ndarray, level: str) -> np.ndarray:
    zone, o3, d3 = obs.zone[mine], obs.origin3[mine], obs.dest3[mine]
    columns = {
        "service": [np.zeros_like(zone)],
        "zone": [zone],
        "region": [zone, o3 // 100, d3 // 100],
        "destination": [d3],
        "lane": [o3, d3],
    }[level]
    keys: np.ndarray = np.stack(columns, axis=1)
    return keys


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
    strata = strata_of(obs.ship_day)
    beyond = np.clip(obs.days - obs.standard + EARLY, 0, MAX_DAYS)
    bins = MAX_DAYS + 1
    services: dict[str, ServiceModel] = {}
    for k, key in enumerate(obs.services):
        mine = obs.service == k
        if not mine.any():
            continue
        sm = ServiceModel(observations=int(mine.sum()))
        hours = np.bincount(
            np.clip(obs.hour[mine].astype(np.int64), 0, 23), weights=weight[mine], minlength=24
        )
        sm.hours = hours / max(float(hours.sum()), 1e-12)
        cell = strata[mine] * bins + beyond[mine]
        w = weight[mine]
        for level in LEVELS:
            keys = _level_keys(obs, mine, level)
            # one integer per key (every column is below 1000): a 1-D unique is much faster
            code = np.zeros(len(keys), dtype=np.int64)
            for column in range(keys.shape[1]):
                code = code * 1000 + keys[:, column]
            _, first, inverse = np.unique(code, return_index=True, return_inverse=True)
            unique = keys[first]
            flat = inverse.reshape(-1) * (4 * bins) + cell
            counts = np.bincount(flat, weights=w, minlength=len(unique) * 4 * bins)
            counts = counts.reshape(len(unique), 4, bins)
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
