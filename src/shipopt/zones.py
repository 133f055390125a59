"""Zones: a service's chart where it has the pair, else distance bands between ZIP3 centroids."""

from __future__ import annotations

from bisect import bisect_left

import numpy as np

from shipopt.errors import InputError
from shipopt.geo import ZipDirectory, ZipPoint, distance_miles, distance_miles_many
from shipopt.ratetables.compiled import NOT_SERVED_ZONE, Service
from shipopt.ratetables.schema import Zones


def band_zone(miles: float, bands: list[float], first_zone: int) -> int:
    """``first_zone`` up to and including the first band, and so on; past the last, one more."""
    return first_zone + bisect_left(bands, miles)


class ZoneResolver:
    """Zones for (service, origin, destination), cached per ZIP3 pair and zone rule set."""

    def __init__(self, directory: ZipDirectory) -> None:
        self._dir = directory
        self._cache: dict[tuple[int, str, str], int] = {}
        self._bands: dict[int, list[float]] = {}
        self._last: tuple[tuple[float, float], tuple[float, float], float] | None = None

    def zone(self, service: Service, origin: ZipPoint, dest: ZipPoint) -> int:
        rules = service.spec.zones
        if rules.basis == "point":
            return self._finish(rules, self._from_distance(rules, origin, dest, service))
        key = (id(service), origin.zip3, dest.zip3)
        cached = self._cache.get(key)
        if cached is None:
            cached = self._finish(rules, self._from_distance(rules, origin, dest, service))
            self._cache[key] = cached
        return cached

    def _from_distance(
        self, rules: Zones, origin: ZipPoint, dest: ZipPoint, service: Service
    ) -> int:
        if service.zone_chart is not None:
            charted = service.zone_chart.get(origin.zip3, dest.zip3)
            if charted is not None:
                return charted
        fixed = rules.fixed_destination_zip3.get(dest.zip3)
        if fixed is not None:
            return fixed
        if rules.basis == "zip3":
            a = self._dir.zip3_centroid(origin.zip3) or (origin.lat, origin.lon)
            b = self._dir.zip3_centroid(dest.zip3) or (dest.lat, dest.lon)
        else:
            a, b = (origin.lat, origin.lon), (dest.lat, dest.lon)
        bands = self._bands.get(id(rules))
        if bands is None:
            bands = [float(x) for x in rules.bands_miles]
            self._bands[id(rules)] = bands
        return band_zone(self._miles(a, b), bands, rules.first_zone)

    def _miles(self, a: tuple[float, float], b: tuple[float, float]) -> float:
        """``distance_miles(a, b)``, the last pair remembered: a quote asks it of every
        service in turn, for the same two points."""
        last = self._last
        if last is not None and last[0] == a and last[1] == b:
            return last[2]
        miles = distance_miles(a, b)
        self._last = (a, b, miles)
        return miles

    @staticmethod
    def _finish(rules: Zones, zone: int) -> int:
        if zone == NOT_SERVED_ZONE:
            return zone
        return max(zone, rules.floor) if rules.floor is not None else zone


class ZoneArrays:
    """Zones for many lanes at once (numpy), the same rules as :class:`ZoneResolver`."""

    def __init__(self, directory: ZipDirectory) -> None:
        self._dir = directory
        lat = np.full(1000, np.nan)
        lon = np.full(1000, np.nan)
        for zip3, (la, lo) in directory.zip3_centroids.items():
            lat[int(zip3)], lon[int(zip3)] = la, lo
        self._lat, self._lon = lat, lon

    def points(self, zips: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
        """Latitudes and longitudes of 5-digit ZIPs (their ZIP3 centroid where the ZIP has no
        point of its own, as for single quotes); NaN for an unknown ZIP."""
        unique, inverse = np.unique(zips, return_inverse=True)
        lat = np.full(unique.shape[0], np.nan)
        lon = np.full(unique.shape[0], np.nan)
        for i, zip5 in enumerate(unique):
            try:
                point = self._dir.resolve(f"{int(zip5):05d}")
            except InputError:
                continue
            lat[i], lon[i] = point.lat, point.lon
        return lat[inverse], lon[inverse]

    @staticmethod
    def _chart(service: Service) -> np.ndarray:
        assert service.zone_chart is not None
        return service.zone_chart.matrix

    def zones(
        self,
        service: Service,
        origin_zip: np.ndarray,
        dest_zip: np.ndarray,
        origin_point: tuple[np.ndarray, np.ndarray] | None = None,
        dest_point: tuple[np.ndarray, np.ndarray] | None = None,
    ) -> np.ndarray:
        """Zones for integer 5-digit ZIP arrays; -1 where a ZIP3 has no centroid,
        NOT_SERVED_ZONE where the chart says the lane is not served."""
        rules = service.spec.zones
        o3, d3 = origin_zip // 100, dest_zip // 100
        if rules.basis == "point":
            olat, olon = origin_point or self.points(origin_zip)
            dlat, dlon = dest_point or self.points(dest_zip)
        else:
            olat, olon, dlat, dlon = self._lat[o3], self._lon[o3], self._lat[d3], self._lon[d3]
        miles = distance_miles_many(olat, olon, dlat, dlon)
        bands = np.array([float(b) for b in rules.bands_miles])
        zone = rules.first_zone + np.searchsorted(bands, miles, side="left")
        zone = np.where(np.isnan(miles), -1, zone)
        if rules.fixed_destination_zip3:
            fixed = np.full(1000, -1, dtype=np.int64)
            for zip3, z in rules.fixed_destination_zip3.items():
                fixed[int(zip3)] = z
            zone = np.where(fixed[d3] >= 0, fixed[d3], zone)
        if service.zone_chart is not None:
            charted = self._chart(service)[o3 % 1000, d3 % 1000]
            zone = np.where(charted != -1, charted, zone)
        if rules.floor is not None:
            zone = np.where(zone >= 0, np.maximum(zone, rules.floor), zone)
        result: np.ndarray = zone.astype(np.int64)
        return result
