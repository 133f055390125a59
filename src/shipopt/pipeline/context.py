"""What a quote needs besides the request: the services in force, ZIP data, zones and rules."""

from __future__ import annotations

from dataclasses import dataclass, field
from pathlib import Path

from shipopt.geo import ZipDirectory, default_zip_directory
from shipopt.ratetables.registry import RateRegistry
from shipopt.rating.parcel_rules import ParcelRuleBook
from shipopt.transit.model import TransitModel
from shipopt.zones import ZoneArrays, ZoneResolver


@dataclass
class QuoteContext:
    """What a quote needs besides the request: the services, ZIP data and caches."""

    registry: RateRegistry
    directory: ZipDirectory = field(default_factory=default_zip_directory)
    transit: TransitModel | None = None  # delivery-date confidence, when a model is loaded
    zones: ZoneResolver = field(init=False)
    rules: ParcelRuleBook = field(init=False)

    _zone_arrays: ZoneArrays | None = field(init=False, default=None)

    def __post_init__(self) -> None:
        self.zones = ZoneResolver(self.directory)
        self.rules = ParcelRuleBook(self.registry.services())

    @property
    def zone_arrays(self) -> ZoneArrays:
        """The numpy zone resolver (built on first use)."""
        if self._zone_arrays is None:
            self._zone_arrays = ZoneArrays(self.directory)
        return self._zone_arrays

    @classmethod
    def from_directory(cls, rate_tables: Path, transit_model: Path | None = None) -> QuoteContext:
        """The context of the rate tables in the folder ``rate_tables`` (and the transit model
        in ``transit_model``, if given)."""
        model = TransitModel.load(transit_model) if transit_model is not None else None
        return cls(RateRegistry.from_directory(rate_tables), transit=model)
