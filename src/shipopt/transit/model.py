"""The transit model: per service, weighted counts of the business days each parcel took
beyond the carrier's standard days for its zone (from ``EARLY`` days early to 17 late), at
five levels (the service, its zone, zone by origin and destination region, the destination
ZIP3, the ZIP3 lane), each split by eight strata (peak season or not, shipped on a Friday or
not, shipped within two delivery days after a holiday or not). Counted beyond the standard,
a destination's parcels from every origin and zone pool into one estimate. A level's
distribution is its counts blended with its parent's, ``(n_k + m q_k) / (N + m)`` with prior
strength ``m``: a lane with few parcels leans on the level above, one with none is that
level; the service level leans on the standard days.
Saved as one ``.npz`` file with a JSON header (format and version), loaded and reloaded like
the rate tables."""

from __future__ import annotations

import json
from dataclasses import dataclass, field
from datetime import date
from functools import cache
from pathlib import Path

import numpy as np

from shipopt.errors import InputError, Problem

FORMAT = "shipopt-transit-model/3"
MAX_DAYS = 20  # the last bin holds 20 or more business days
EARLY = 3  # counts run from EARLY days before the standard days (bin 0) to MAX_DAYS - EARLY after
LEVELS = ("service", "zone", "region", "destination", "lane")
PERCENTILES = (50, 75, 90, 95, 99)
STRATA = 8
LANE_CACHE = 50_000  # lanes' distributions kept per service (about 10 MB)


def stratum(day: date, after_closed: bool = False) -> int:
    """0-7: shipped within two delivery days after a holiday (the carrier's backlog) x peak
    season (20 November - 31 December) x shipped on a Friday."""
    peak = day.month == 12 or (day.month == 11 and day.day >= 20)
    return 4 * int(after_closed) + 2 * int(peak) + int(day.weekday() == 4)


@dataclass
class ServiceModel:
    """One service's weighted counts: ``counts[level][key]`` is a (STRATA, MAX_DAYS + 1) array,
    bin ``EARLY + d`` for parcels ``d`` business days beyond the standard days."""

    counts: dict[str, dict[tuple[int, ...], np.ndarray]] = field(default_factory=dict)
    observations: int = 0
    # the blend down to the region level depends on few keys: kept once computed; the
    # lanes' answers are kept too, up to LANE_CACHE of them (then the keeping starts over)
    _above_lane: dict[tuple[int, ...], np.ndarray] = field(default_factory=dict, repr=False)
    _lanes: dict[tuple[int, ...], np.ndarray] = field(default_factory=dict, repr=False)
    # each count array's total per stratum, by level and key (filled on load, else on use)
    _totals: dict[tuple[str, tuple[int, ...]], np.ndarray] = field(default_factory=dict, repr=False)
    hours: np.ndarray = field(default_factory=lambda: np.ones(24) / 24)  # delivery hour shares

    def distribution(
        self,
        zone: int,
        origin3: int,
        dest3: int,
        day: date,
        standard: int,
        strength: float,
        after_closed: bool = False,
    ) -> np.ndarray:
        """P(transit business days = k), k = 0..MAX_DAYS, for a parcel shipped on ``day``."""
        s = stratum(day, after_closed)
        asked = (zone, origin3, dest3, s, standard, int(strength * 1000))
        known = self._lanes.get(asked)
        if known is not None:
            return known
        above = (zone, origin3 // 100, dest3 // 100, s, int(strength * 1000))
        prior = self._above_lane.get(above)
        if prior is None:
            prior = np.zeros(MAX_DAYS + 1)
            prior[EARLY] = 1.0
            for level, key in (("service", ()), ("zone", (zone,)), ("region", above[:3])):
                prior = self._blend(level, key, s, prior, strength)
            self._above_lane[above] = prior
        beyond = self._blend("destination", (dest3,), s, prior, strength)
        beyond = self._blend("lane", (origin3, dest3), s, beyond, strength)
        answer = absolute_days(beyond, standard)
        answer.flags.writeable = False  # shared by every caller of this lane
        if len(self._lanes) >= LANE_CACHE:
            self._lanes.clear()
        self._lanes[asked] = answer
        return answer

    def _blend(
        self, level: str, key: tuple[int, ...], s: int, prior: np.ndarray, strength: float
    ) -> np.ndarray:
        found = self.counts.get(level, {}).get(key)
        if found is None:
            return prior
        totals = self._totals.get((level, key))
        if totals is None:
            totals = self._totals[(level, key)] = found.sum(axis=1)
        blended: np.ndarray = (found[s] + strength * prior) / (float(totals[s]) + strength)
        return blended


@dataclass
class TransitModel:
    services: dict[str, ServiceModel]
    version: str
    fitted_on: str
    strength: float = 5.0
    half_life_days: float = 180.0
    info: dict[str, object] = field(default_factory=dict)

    def save(self, path: Path) -> None:
        arrays: dict[str, np.ndarray] = {}
        index: dict[str, dict[str, int]] = {}
        for key, sm in self.services.items():
            index[key] = {"observations": sm.observations}
            arrays[f"{key}|hours"] = sm.hours.astype(np.float64)
            for level, table in sm.counts.items():
                keys = np.array(list(table.keys()), dtype=np.int64).reshape(len(table), -1)
                empty = np.zeros((0, STRATA, MAX_DAYS + 1))
                values = np.stack(list(table.values())) if table else empty
                arrays[f"{key}|{level}|keys"] = keys
                arrays[f"{key}|{level}|counts"] = values.astype(np.float32)
        header = {
            "format": FORMAT,
            "version": self.version,
            "fitted_on": self.fitted_on,
            "strength": self.strength,
            "half_life_days": self.half_life_days,
            "services": index,
            "info": self.info,
        }
        np.savez_compressed(path, allow_pickle=False, header=np.array(json.dumps(header)), **arrays)

    @classmethod
    def load(cls, path: Path) -> TransitModel:
        try:
            data = np.load(path, allow_pickle=False)
            header = json.loads(str(data["header"]))
        except (OSError, ValueError, KeyError) as exc:
            raise InputError(Problem(str(path), f"not a transit model: {exc}")) from exc
        if header.get("format") != FORMAT:
            raise InputError(
                Problem(str(path), f"format {header.get('format')!r}, expected {FORMAT!r}")
            )
        services: dict[str, ServiceModel] = {}
        for key, meta in header["services"].items():
            sm = ServiceModel(observations=int(meta["observations"]))
            if f"{key}|hours" in data:
                sm.hours = data[f"{key}|hours"].astype(np.float64)
            for level in LEVELS:
                name = f"{key}|{level}"
                if f"{name}|keys" not in data:
                    continue
                keys, values = data[f"{name}|keys"], data[f"{name}|counts"].astype(np.float64)
                sm.counts[level] = {tuple(int(v) for v in k): values[i] for i, k in enumerate(keys)}
                sums = values.sum(axis=2)  # once for every key, not per quote
                for i, k in enumerate(sm.counts[level]):
                    sm._totals[(level, k)] = sums[i]
            services[key] = sm
        return cls(
            services,
            header["version"],
            header["fitted_on"],
            header["strength"],
            header["half_life_days"],
            header.get("info", {}),
        )

    def distribution(
        self,
        key: str,
        zone: int,
        origin3: int,
        dest3: int,
        day: date,
        standard: int,
        after_closed: bool = False,
    ) -> np.ndarray | None:
        """P(transit business days = k) for k = 0..MAX_DAYS, or None without this service."""
        sm = self.services.get(key)
        if sm is None:
            return None
        return sm.distribution(zone, origin3, dest3, day, standard, self.strength, after_closed)


@cache
def _day_of_bin(standard: int) -> np.ndarray:
    return np.clip(np.arange(MAX_DAYS + 1) - EARLY + standard, 0, MAX_DAYS)


def absolute_days(beyond: np.ndarray, standard: int) -> np.ndarray:
    """Counts beyond the standard days as counts of days (earlier than day 0 count as 0)."""
    out: np.ndarray = np.bincount(_day_of_bin(standard), weights=beyond, minlength=MAX_DAYS + 1)
    return out


def quantile_moment(probabilities: np.ndarray, hours: np.ndarray, q: float) -> tuple[int, float]:
    """The ``q`` quantile as (business days, hour of that day): the day whose cumulative
    probability reaches ``q``, and within it the hour by the service's delivery hours (a
    parcel delivered by that moment counts as on time)."""
    cdf = np.cumsum(probabilities)
    k = min(int(np.searchsorted(cdf, q - 1e-9)), MAX_DAYS)
    before = cdf[k - 1] if k else 0.0
    share = (q - before) / probabilities[k] if probabilities[k] > 0 else 1.0
    hour_cdf = np.concatenate([[0.0], np.cumsum(hours) / max(hours.sum(), 1e-12)])
    hour = float(np.interp(min(max(share, 0.0), 1.0), hour_cdf, np.arange(25)))
    return k, hour


def quantile_days(probabilities: np.ndarray, q: float) -> int:
    """The least k whose cumulative probability reaches ``q``."""
    cdf = np.cumsum(probabilities)
    found = int(np.searchsorted(cdf, q - 1e-9))
    return min(found, MAX_DAYS)
