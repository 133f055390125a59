"""What a quote needs besides the request: the services in force, ZIP data, zones and rules."""

from __future__ import annotations

from dataclasses import dataclass, field
from pathlib import Path

from shipopt.geo import ZipDirectory, default_zip_directory
from shipopt.ratetables.registry import RateRegistry
from shipopt.rating.parcel_rules import ParcelRuleBook
from shipopt.zones import ZoneResolver


@dataclass
class QuoteContext:
    """What a quote needs besides the request: the services, ZIP data and caches."""

    registry: RateRegistry
    directory: ZipDirectory = field(default_factory=default_zip_directory)
    zones: ZoneResolver = field(init=False)
    rules: ParcelRuleBook = field(init=False)

    def __post_init__(self) -> None:
        self.zones = ZoneResolver(self.directory)
        self.rules = ParcelRuleBook(self.registry.services())

    @classmethod
    def from_directory(cls, rate_tables: Path) -> QuoteContext:
        """The context of the rate tables in the folder ``rate_tables``."""
        return cls(RateRegistry.from_directory(rate_tables))
