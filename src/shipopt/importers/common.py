"""What every importer shares: the options, the report, finding header rows and dates."""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass, field
from datetime import date
from decimal import Decimal
from pathlib import Path

from shipopt.errors import InputError, Problem
from shipopt.importers.cells import CellError, find_date, number_list
from shipopt.importers.folder import CarrierFolder
from shipopt.importers.layout import NOT_SERVED, Layout, ServiceNames, ServiceResolver, load_layout
from shipopt.importers.reader import Row, Sheet


@dataclass(frozen=True)
class ImportOptions:
    """The choices a carrier file does not carry (all optional but ``carrier``)."""

    carrier: str
    carrier_name: str | None = None
    layout: str = "national"
    service_names: dict[str, str] = field(default_factory=dict)  # published name -> id
    services: list[str] = field(default_factory=list)  # the services a chart/list applies to
    effective_from: date | None = None
    version: str | None = None
    origin: str | None = None  # "606" or "606-608": a zone chart's origin ZIP3s
    amounts: dict[str, tuple[int, int]] = field(default_factory=dict)  # tier -> cents
    diesel: list[tuple[date, Decimal]] = field(default_factory=list)
    declared_spend: int | None = None  # cents
    name: str | None = None  # an agreement's name
    tier: str | None = None  # one delivery-area tier for the whole file


@dataclass
class ImportReport:
    kind: str
    read: list[str] = field(default_factory=list)
    written: list[Path] = field(default_factory=list)
    warnings: list[str] = field(default_factory=list)
    counts: dict[str, int] = field(default_factory=dict)

    def count(self, what: str, n: int = 1) -> None:
        self.counts[what] = self.counts.get(what, 0) + n


class Problems:
    """Problems gathered while reading; :meth:`raise_any` stops before anything is written."""

    def __init__(self) -> None:
        self.items: list[Problem] = []

    def add(self, sheet: Sheet, row: int, message: str, column: int | None = None) -> None:
        self.items.append(sheet.problem(row, message, column))

    def cell(self, sheet: Sheet, row: Row, column: int, parse: Callable[[str], object]) -> object:
        try:
            return parse(row.cell(column))
        except CellError as exc:
            self.items.append(sheet.problem(row.number, str(exc), column))
            return None

    def raise_any(self) -> None:
        if self.items:
            raise InputError(self.items)


@dataclass
class Session:
    """One import: the options, the layout, the folder and how service names resolve."""

    options: ImportOptions
    into: Path
    layout: Layout = field(init=False)
    folder: CarrierFolder = field(init=False)
    resolver: ServiceResolver = field(init=False)
    report: ImportReport = field(init=False)

    def __post_init__(self) -> None:
        self.layout = load_layout(self.options.layout)
        self.folder = CarrierFolder(self.into, self.options.carrier)
        words = [self.options.carrier, self.carrier_name]
        self.resolver = ServiceResolver(
            self.layout, words, self.options.service_names, set(self.folder.services())
        )

    @property
    def carrier_name(self) -> str:
        return self.options.carrier_name or self.options.carrier.replace("_", " ").title()

    def names(self, service: str, published: str = "") -> ServiceNames:
        found = self.layout.services.get(service)
        if found is not None:
            return found
        return ServiceNames(names=[published or service], name=published or service)

    def service_of(self, text: str) -> str:
        """The id of a published service name (a new one becomes its slug)."""
        found = self.resolver.resolve(text)
        if found:
            return found
        from shipopt.importers.layout import normal

        return normal(text).replace(" ", "_") or "service"

    def effective(self, sheet: Sheet) -> date:
        if self.options.effective_from is not None:
            return self.options.effective_from
        found = find_date(sheet.text)
        if found is None:
            raise InputError(
                Problem(sheet.source, "no effective date found in the file: give --effective-from")
            )
        return found

    def targets(self) -> list[str]:
        """The services a surcharge or fuel file applies to: ``--service``, else every
        service of the carrier in the folder (there must be one)."""
        found = self.options.services or self.folder.services()
        if not found:
            raise InputError(
                Problem(
                    "--into",
                    f"no service of {self.options.carrier} in the folder: import its list "
                    "rates first",
                )
            )
        return found

    def label(self, start: date) -> str:
        return self.options.version or start.isoformat()


def header_row(sheet: Sheet, test: Callable[[Row], bool], start: int = 0) -> int | None:
    """The index (in ``sheet.rows``) of the first row from ``start`` that passes ``test``."""
    for i in range(start, len(sheet.rows)):
        if test(sheet.rows[i]):
            return i
    return None


def zone_header(layout: Layout, text: str) -> list[int] | None:
    """The zones a rate column's header names (``"Zone 2"``, ``"102"``, ``"Zones 1 & 2"``)."""
    if not text:
        return None
    try:
        zone = layout.zone_codes.zone(text)
        return None if zone == NOT_SERVED else [zone]
    except CellError:
        pass
    if "zone" not in text.lower():
        return None
    try:
        zones = number_list(text, "zones")
    except CellError:
        return None
    return [layout.zone_codes.zone(str(z)) for z in zones] if zones else None
