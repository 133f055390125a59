"""The rate-table folder an import writes into: the carrier's service files (edited in place
with tomlkit, so a user's comments and layout survive), new service versions, CSV files."""

from __future__ import annotations

import csv
import io
import tomllib
from dataclasses import dataclass, field
from datetime import date, timedelta
from pathlib import Path
from typing import Any

import tomlkit
from tomlkit.items import Table

from shipopt.importers.layout import Layout, ServiceNames

NATIONAL_FUEL_LINES = [
    "base",
    "residential",
    "delivery_area",
    "additional_handling",
    "large_package",
    "peak",
]


@dataclass
class ServiceVersion:
    path: Path
    doc: tomlkit.TOMLDocument
    changed: bool = False

    @property
    def effective_from(self) -> date:
        value = self.doc["effective_from"]
        assert isinstance(value, date)
        return value

    def table(self, name: str) -> Table:
        if name not in self.doc:
            self.doc[name] = tomlkit.table()
        item = self.doc[name]
        assert isinstance(item, Table)
        return item

    def set(self, section: str, key: str, value: Any) -> None:
        table = self.table(section)
        if table.get(key) != value:
            table[key] = value
            self.changed = True


@dataclass
class CarrierFolder:
    """One carrier's service files below ``root`` (found wherever they are) and new ones in
    ``root / carrier``; :meth:`save` writes what changed."""

    root: Path
    carrier: str
    versions: dict[str, list[ServiceVersion]] = field(default_factory=dict)
    files: dict[Path, str] = field(default_factory=dict)  # other files to write
    written: list[Path] = field(default_factory=list)

    def __post_init__(self) -> None:
        for path in sorted(self.root.rglob("*.toml")) if self.root.is_dir() else []:
            text = path.read_text(encoding="utf-8")
            try:
                raw = tomllib.loads(text)
            except tomllib.TOMLDecodeError:
                continue  # the validator reports it
            if raw.get("carrier") == self.carrier and "kind" not in raw and "service" in raw:
                version = ServiceVersion(path, tomlkit.parse(text))
                self.versions.setdefault(str(raw["service"]), []).append(version)
        for found in self.versions.values():
            found.sort(key=lambda v: v.effective_from)

    @property
    def home(self) -> Path:
        return self.root / self.carrier

    def services(self) -> list[str]:
        return sorted(self.versions)

    def all_versions(self, service: str) -> list[ServiceVersion]:
        return self.versions.get(service, [])

    def version_for(
        self,
        service: str,
        start: date,
        layout: Layout,
        names: ServiceNames,
        carrier_name: str,
        label: str,
    ) -> ServiceVersion:
        """The version of ``service`` starting on ``start``: the existing one, or a new one
        copied from the latest earlier version (or from the layout's defaults), the earlier
        open-ended version then ending the day before."""
        versions = self.versions.setdefault(service, [])
        for v in versions:
            if v.effective_from == start:
                v.doc["version"] = label
                v.changed = True
                return v
        earlier = [v for v in versions if v.effective_from < start]
        if earlier:
            doc = tomlkit.parse(tomlkit.dumps(earlier[-1].doc))
            previous = earlier[-1]
            if previous.doc.get("effective_to") is None or previous.doc["effective_to"] >= start:
                previous.doc["effective_to"] = start - timedelta(days=1)
                previous.changed = True
        else:
            doc = new_service(self.carrier, carrier_name, service, names, layout)
        doc["version"] = label
        doc["effective_from"] = start
        if "effective_to" in doc:
            del doc["effective_to"]
        later = [v for v in versions if v.effective_from > start]
        if later:
            doc["effective_to"] = later[0].effective_from - timedelta(days=1)
        version = ServiceVersion(self.home / f"{service}_{start.isoformat()}.toml", doc, True)
        versions.append(version)
        versions.sort(key=lambda v: v.effective_from)
        return version

    def add_file(self, path: Path, text: str) -> None:
        self.files[path] = text

    def save(self) -> list[Path]:
        """Write every changed service file and every added file; the paths written."""
        out: list[Path] = []
        for path, text in self.files.items():
            path.parent.mkdir(parents=True, exist_ok=True)
            path.write_text(text, encoding="utf-8")
            out.append(path)
        for versions in self.versions.values():
            for v in versions:
                if v.changed:
                    v.path.parent.mkdir(parents=True, exist_ok=True)
                    v.path.write_text(tomlkit.dumps(v.doc), encoding="utf-8")
                    out.append(v.path)
                    v.changed = False
        self.files.clear()
        self.written.extend(out)
        return out


def new_service(
    carrier: str, carrier_name: str, service: str, names: ServiceNames, layout: Layout
) -> tomlkit.TOMLDocument:
    """A service file from the layout's defaults (limits, weights, transit days): review it."""
    d = layout.defaults
    doc = tomlkit.document()
    doc.add(tomlkit.comment(f"Written by `shipopt rates import` from the {layout.name} layout's"))
    doc.add(tomlkit.comment("defaults: check the limits, weights, surcharges and transit days."))
    doc["carrier"] = carrier
    doc["carrier_name"] = carrier_name
    doc["service"] = service
    doc["service_name"] = f"{carrier_name} {names.name}"
    doc["mode"] = "parcel"
    doc["currency"] = "USD"
    doc["version"] = ""
    doc["effective_from"] = date(2000, 1, 1)
    doc["grid"] = tomlkit.table()
    if d.zone_floor is not None:
        zones = tomlkit.table()
        zones["floor"] = d.zone_floor
        doc["zones"] = zones
    weights = tomlkit.table()
    weights["unit"] = "lb"
    weights["round_up_to"] = d.round_up_to
    if d.dim_divisor is not None:
        weights["dim_divisor"] = d.dim_divisor
    if d.dim_min_volume:
        weights["dim_min_volume"] = d.dim_min_volume
    doc["weights"] = weights
    limits = tomlkit.table()
    limits["max_weight"] = d.max_weight
    if d.max_length:
        limits["max_length"] = d.max_length
    if d.max_length_plus_girth:
        limits["max_length_plus_girth"] = d.max_length_plus_girth
    doc["limits"] = limits
    fuel = tomlkit.table()
    fuel["percent"] = "0"
    fuel["applies_to"] = NATIONAL_FUEL_LINES
    doc["fuel"] = fuel
    doc["transit"] = tomlkit.table()
    return doc


def transit_days(names: ServiceNames, zones: list[int]) -> dict[str, int]:
    return {str(z): names.transit_days.get(z, names.other_zones_days) for z in sorted(zones)}


def set_transit(version: ServiceVersion, names: ServiceNames, zones: list[int]) -> None:
    """Transit days for every priced zone: kept where the file has them, else the layout's."""
    table = version.table("transit")
    current = table.get("days_by_zone")
    have = {str(k): int(v) for k, v in (current or {}).items()}
    wanted = {**transit_days(names, zones), **have}
    if wanted != have:
        inline = tomlkit.inline_table()
        inline.update({k: wanted[k] for k in sorted(wanted, key=int)})
        table["days_by_zone"] = inline
        version.changed = True


def csv_text(rows: list[list[str]]) -> str:
    buf = io.StringIO()
    writer = csv.writer(buf, lineterminator="\n")
    writer.writerows(rows)
    return buf.getvalue()
