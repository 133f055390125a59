"""The loaded services, by key and effective date."""

from __future__ import annotations

from datetime import date
from pathlib import Path

from shipopt.calendar import CarrierCalendar
from shipopt.ratetables.compiled import Service
from shipopt.ratetables.loader import load_directory


class RateRegistry:
    """Every service version, with its calendar built once."""

    def __init__(self, services: list[Service]) -> None:
        self._versions: dict[str, list[Service]] = {}
        for service in sorted(services, key=lambda s: (s.key, s.spec.effective_from)):
            self._versions.setdefault(service.key, []).append(service)
        self._calendars: dict[int, CarrierCalendar] = {
            id(s): CarrierCalendar(s.spec.transit) for s in services
        }

    @classmethod
    def from_directory(cls, directory: Path) -> RateRegistry:
        return cls(load_directory(directory))

    @property
    def keys(self) -> list[str]:
        return list(self._versions)

    def versions(self, key: str) -> list[Service]:
        return list(self._versions[key])

    def in_force(self, key: str, day: date) -> Service | None:
        for service in self._versions[key]:
            if service.spec.in_force(day):
                return service
        return None

    def any_version(self, key: str, day: date) -> Service:
        """The version in force on ``day``, else the nearest one (to find a calendar)."""
        found = self.in_force(key, day)
        if found is not None:
            return found
        versions = self._versions[key]
        later = [s for s in versions if s.spec.effective_from > day]
        return later[0] if later else versions[-1]

    def services(self) -> list[Service]:
        """Every version of every service."""
        return [s for versions in self._versions.values() for s in versions]

    def calendar(self, service: Service) -> CarrierCalendar:
        return self._calendars[id(service)]
