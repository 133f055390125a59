"""Zones: a service's chart where it has the pair, else distance bands between ZIP3 centroids."""

from __future__ import annotations

from bisect import bisect_left

from shipopt.geo import ZipDirectory, ZipPoint, distance_miles
from shipopt.ratetables.compiled import Service
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
            charted = service.zone_chart.get((origin.zip3, dest.zip3))
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
        return band_zone(distance_miles(a, b), bands, rules.first_zone)

    @staticmethod
    def _finish(rules: Zones, zone: int) -> int:
        return max(zone, rules.floor) if rules.floor is not None else zone
