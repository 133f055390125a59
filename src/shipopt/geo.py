"""US ZIP geography offline: ZIP -> coordinates, ZIP3 centroids, great-circle distances.

Coordinates come from the ``zipcodes`` package. Its records at (0, 0) are missing values; such a
ZIP falls back to the centroid of its ZIP3 prefix (mean of that prefix's known points).
"""

from __future__ import annotations

import math
import re
from dataclasses import dataclass
from functools import lru_cache
from zoneinfo import available_timezones

import numpy as np
from geopy.distance import EARTH_RADIUS, great_circle

from shipopt.errors import InputError, Problem

MILITARY_STATES = frozenset({"AA", "AE", "AP"})
MILITARY_ADDRESS = "MILITARY_ADDRESS"
EARTH_RADIUS_MILES: float = float(EARTH_RADIUS) / 1.609344
_ZIP = re.compile(r"^(\d{5})(?:-\d{4})?$")


@dataclass(frozen=True, slots=True)
class ZipPoint:
    """A resolved US ZIP: coordinates, ZIP3, state and IANA time zone."""

    zip5: str
    lat: float
    lon: float
    state: str
    timezone: str
    from_zip3_centroid: bool

    @property
    def zip3(self) -> str:
        return self.zip5[:3]


@dataclass(frozen=True, slots=True)
class _ZipRecord:
    lat: float | None
    lon: float | None
    state: str
    timezone: str


class ZipDirectory:
    """Lookup of US ZIP codes; loaded once (about 0.3 s) and then answers in microseconds."""

    def __init__(self) -> None:
        import zipcodes

        records: dict[str, _ZipRecord] = {}
        sums: dict[str, list[float]] = {}
        zone_by_zip3: dict[str, dict[str, int]] = {}
        zone_by_state: dict[str, dict[str, int]] = {}
        military: set[str] = set()
        valid_zones = available_timezones()
        rows = zipcodes.list_all()  # type: ignore[no-untyped-call]
        for row in rows:
            lat, lon = float(row["lat"]), float(row["long"])
            known = not (lat == 0.0 and lon == 0.0)
            zip5 = row["zip_code"]
            records[zip5] = _ZipRecord(
                lat if known else None, lon if known else None, row["state"], row["timezone"]
            )
            zip3 = zip5[:3]
            if known:
                acc = sums.setdefault(zip3, [0.0, 0.0, 0.0])
                acc[0] += lat
                acc[1] += lon
                acc[2] += 1
            tz = row["timezone"]
            if tz in valid_zones:
                for counts in (
                    zone_by_zip3.setdefault(zip3, {}),
                    zone_by_state.setdefault(row["state"], {}),
                ):
                    counts[tz] = counts.get(tz, 0) + 1
            if row["zip_code_type"] == "MILITARY" or row["state"] in MILITARY_STATES:
                military.add(zip5)
        self._records = records
        self.zip3_centroids: dict[str, tuple[float, float]] = {
            z: (acc[0] / acc[2], acc[1] / acc[2]) for z, acc in sums.items()
        }
        self._zip3_timezone = _most_common(zone_by_zip3)
        self._state_timezone = _most_common(zone_by_state)
        self._military = frozenset(military)
        self._valid_zone_cache = frozenset(valid_zones)
        self._cache: dict[str, ZipPoint] = {}
        # zipcodes keeps its 42,000 row dicts (about 90 MB) for later calls; these records
        # are all this process needs of them (every plan worker loads its own directory)
        if getattr(zipcodes, "_zips_cache", None) is rows:
            zipcodes._zips_cache = None

    @staticmethod
    def normalize(postal_code: str, field: str = "postal_code") -> str:
        """``"10001-1234"`` -> ``"10001"``; anything else that is not a US ZIP is an error."""
        match = _ZIP.match(postal_code.strip())
        if not match:
            raise InputError(Problem(field, f"{postal_code!r} is not a US ZIP code (5 digits)"))
        return match.group(1)

    def resolve(self, postal_code: str, field: str = "postal_code") -> ZipPoint:
        """Coordinates of a ZIP, or an InputError naming ``field``."""
        zip5 = self.normalize(postal_code, field)
        cached = self._cache.get(zip5)
        if cached is not None:
            return cached
        record = self._records.get(zip5)
        if record is None:
            raise InputError(Problem(field, f"unknown ZIP code {zip5}"))
        if zip5 in self._military:
            raise InputError(
                Problem(
                    field,
                    f"ZIP code {zip5} is a military (APO/FPO/DPO) address; the carrier services "
                    "here rate US domestic ZIPs only",
                    MILITARY_ADDRESS,
                )
            )
        timezone = record.timezone
        if timezone not in self._valid_zone_cache:
            # the ZIP data has a few bad names (99634: "Napakiak"): the ZIP3's, else the state's
            timezone = self._zip3_timezone.get(zip5[:3]) or self._state_timezone.get(
                record.state, ""
            )
        if record.lat is not None and record.lon is not None:
            point = ZipPoint(zip5, record.lat, record.lon, record.state, timezone, False)
        else:
            centroid = self.zip3_centroids.get(zip5[:3])
            if centroid is None:
                raise InputError(
                    Problem(
                        field,
                        f"ZIP code {zip5} has no coordinates and no other ZIP in {zip5[:3]}xx "
                        "has any (military or PO-box-only prefix); give coordinates",
                    )
                )
            point = ZipPoint(zip5, centroid[0], centroid[1], record.state, timezone, True)
        self._cache[zip5] = point
        return point

    def known_zips(self) -> list[str]:
        return list(self._records)

    def is_military(self, zip5: str) -> bool:
        return zip5 in self._military

    def has_point(self, zip5: str) -> bool:
        record = self._records.get(zip5)
        return record is not None and record.lat is not None

    def state_of(self, zip5: str) -> str:
        """The state of a known ZIP, or "" for an unknown one."""
        record = self._records.get(zip5)
        return record.state if record else ""

    def zip3_centroid(self, zip3: str) -> tuple[float, float] | None:
        return self.zip3_centroids.get(zip3)


@lru_cache(maxsize=1)
def default_zip_directory() -> ZipDirectory:
    """The process-wide ZIP directory, built on first use (never at import)."""
    return ZipDirectory()


def distance_miles(a: tuple[float, float], b: tuple[float, float]) -> float:
    """Great-circle distance in statute miles (geopy, mean Earth radius)."""
    miles: float = great_circle(a, b).miles
    return miles


def distance_miles_many(
    lat1: np.ndarray, lon1: np.ndarray, lat2: np.ndarray, lon2: np.ndarray
) -> np.ndarray:
    """Vectorized great-circle distance in miles (haversine, the same radius as geopy's)."""
    p1, p2 = np.radians(lat1), np.radians(lat2)
    dphi = p2 - p1
    dlmb = np.radians(lon2) - np.radians(lon1)
    h = np.sin(dphi / 2) ** 2 + np.cos(p1) * np.cos(p2) * np.sin(dlmb / 2) ** 2
    result: np.ndarray = 2 * EARTH_RADIUS_MILES * np.arcsin(np.sqrt(np.clip(h, 0.0, 1.0)))
    return result


def distance_matrix_miles(lat: np.ndarray, lon: np.ndarray) -> np.ndarray:
    """Great-circle miles between every pair of points, for large sets: the chord between unit
    vectors from one matrix product, then one arcsin (about a tenth of the haversine's time;
    exact to about a centimetre, float64 rounding of the chord)."""
    phi, lam = np.radians(lat), np.radians(lon)
    unit = np.stack([np.cos(phi) * np.cos(lam), np.cos(phi) * np.sin(lam), np.sin(phi)], axis=1)
    chord_sq = np.clip(2.0 - 2.0 * (unit @ unit.T), 0.0, 4.0)
    result: np.ndarray = 2 * EARTH_RADIUS_MILES * np.arcsin(np.sqrt(chord_sq) / 2)
    np.fill_diagonal(result, 0.0)
    return result


def haversine_miles(a: tuple[float, float], b: tuple[float, float]) -> float:
    """Scalar haversine in miles; the same formula as :func:`distance_miles_many`."""
    p1, p2 = math.radians(a[0]), math.radians(b[0])
    dphi = p2 - p1
    dlmb = math.radians(b[1]) - math.radians(a[1])
    h = math.sin(dphi / 2) ** 2 + math.cos(p1) * math.cos(p2) * math.sin(dlmb / 2) ** 2
    return 2 * EARTH_RADIUS_MILES * math.asin(math.sqrt(min(max(h, 0.0), 1.0)))


def _most_common(counts_by_key: dict[str, dict[str, int]]) -> dict[str, str]:
    """For each key, its most frequent value (ties: the first in name order)."""
    return {k: max(sorted(c), key=lambda tz, c=c: c[tz]) for k, c in counts_by_key.items()}  # type: ignore[misc]


def usable_zips(directory: ZipDirectory, limit: int | None = None) -> list[str]:
    """ZIPs a quote accepts with their own coordinates (sorted; military ZIPs are refused),
    optionally the first ``limit`` of a sample."""
    zips = sorted(
        z for z in directory.known_zips() if directory.has_point(z) and not directory.is_military(z)
    )
    return zips if limit is None else zips[:: max(1, len(zips) // limit)][:limit]
