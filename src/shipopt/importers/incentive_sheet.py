"""Incentive sheets: one row per incentive, columns service, charge (transportation, a named
surcharge, fuel, minimum), weight band, zones, incentive, and optionally a spend band (earned
tiers) and effective / expiry dates. A blank service (a merged cell exported to CSV) repeats
the row above's. Written as ``incentives_<from>.toml`` (one file per effective period)."""

from __future__ import annotations

import re
from dataclasses import dataclass, field
from datetime import date, timedelta
from decimal import Decimal
from pathlib import Path
from typing import Any

import tomlkit
from pydantic import ValidationError

from shipopt.errors import InputError, Problem, problems_from_validation
from shipopt.importers.cells import (
    CellError,
    column_percent,
    fraction_column,
    is_not_offered,
    money_cents,
    number_list,
    parse_date,
    percent,
    spend_band,
    weight_band,
)
from shipopt.importers.common import Problems, Session, header_row
from shipopt.importers.layout import normal
from shipopt.importers.reader import Row, Sheet, read_sheets
from shipopt.ratetables.contract import IncentivesFile
from shipopt.units import NG_PER


@dataclass
class Period:
    start: date
    end: date | None
    transportation: dict[tuple[Any, ...], dict[str, Any]] = field(default_factory=dict)
    surcharges: list[dict[str, Any]] = field(default_factory=list)
    minimum: list[dict[str, Any]] = field(default_factory=list)
    rows: dict[str, list[int]] = field(default_factory=dict)  # section -> sheet rows


def _weight_text(ng: int) -> str:
    lb = Decimal(ng) / NG_PER["lb"]
    return f"{lb.normalize():f} lb"


def _columns(session: Session, header: Row) -> dict[str, int]:
    roles: dict[str, int] = {}
    for col, text in enumerate(header.cells):
        role = session.layout.role(text)
        if role == "weight":
            role = "weight_band"
        if role and role not in roles:
            roles[role] = col
    return roles


class _Reader:
    def __init__(self, session: Session, sheet: Sheet, problems: Problems) -> None:
        self.session, self.sheet, self.problems = session, sheet, problems
        self.periods: dict[tuple[date, date | None], Period] = {}
        self.last_service = ""
        self.fractions = False

    def cell(self, row: Row, cols: dict[str, int], role: str) -> str:
        return row.cell(cols[role]) if role in cols else ""

    def fail(self, row: Row, cols: dict[str, int], role: str, message: str) -> None:
        self.problems.add(self.sheet, row.number, message, cols.get(role))

    def period(self, row: Row, cols: dict[str, int]) -> Period | None:
        try:
            text = self.cell(row, cols, "effective")
            start = parse_date(text) if text else self.session.effective(self.sheet)
            end_text = self.cell(row, cols, "expires")
            end = parse_date(end_text) if end_text else None
        except CellError as exc:
            self.fail(row, cols, "effective", str(exc))
            return None
        return self.periods.setdefault((start, end), Period(start, end))

    def row(self, row: Row, cols: dict[str, int]) -> None:
        value = self.cell(row, cols, "incentive")
        if is_not_offered(value):
            return
        service_text = self.cell(row, cols, "service") or self.last_service
        self.last_service = service_text
        if not service_text:
            self.fail(row, cols, "service", "no service named (and none above)")
            return
        sid = self.session.service_of(service_text)
        charge_text = self.cell(row, cols, "charge")
        charge = self.session.layout.named(self.session.layout.charges, charge_text)
        if charge is None:
            known = ", ".join(sorted(self.session.layout.charges))
            self.fail(row, cols, "charge", f"unknown charge {charge_text!r} (known: {known})")
            return
        period = self.period(row, cols)
        if period is None:
            return
        try:
            if charge == "minimum":
                self.minimum(period, row, sid, value)
            elif charge == "transportation":
                self.transportation(period, row, cols, sid, value)
            else:
                period.surcharges.append(
                    {"services": [sid], "charge": charge, "percent": f"{self.percent(value):f}"}
                )
                period.rows.setdefault("surcharges", []).append(row.number)
        except CellError as exc:
            self.fail(row, cols, "incentive", str(exc))

    def percent(self, value: str) -> Decimal:
        """A percentage; a column written as fractions (every value below 1, no '%') is read
        as fractions (0.25 -> 25%)."""
        return column_percent(value, self.fractions)

    def minimum(self, period: Period, row: Row, sid: str, value: str) -> None:
        """``$1.50`` or ``reduced by $1.50`` / ``less 10%`` reduce the carrier's minimum;
        ``set to $9.95`` (``of``, ``=``) replaces it."""
        entry: dict[str, Any] = {"services": [sid]}
        pct = re.search(r"(\d+(?:\.\d+)?)\s*%", value)
        amounts = re.findall(r"\$?\s*(\d[\d,]*(?:\.\d+)?)", value)
        if pct:
            entry["reduce_by_percent"] = f"{percent(pct.group(1)):f}"
        elif amounts:
            cents = money_cents(amounts[-1], "amount")
            fixed = re.search(r"(?i)\b(set to|of|=|is)\b|=", value) and not re.search(
                r"(?i)reduc|less|minus|off|adjust", value
            )
            key = "minimum" if fixed else "reduce_by_amount"
            entry[key] = f"{cents / 100:.2f}"
        else:
            raise CellError(f"minimum {value!r}: give an amount ($1.50) or a percent (10%)")
        period.minimum.append(entry)
        period.rows.setdefault("minimum", []).append(row.number)

    def transportation(
        self, period: Period, row: Row, cols: dict[str, int], sid: str, value: str
    ) -> None:
        lo, hi = weight_band(self.cell(row, cols, "weight_band"))
        zones = number_list(self.cell(row, cols, "zones"), "zones")
        if zones is not None:
            zones = sorted({self.session.layout.zone_codes.zone(str(z)) for z in zones})
        pct = f"{self.percent(value):f}"
        spend_text = self.cell(row, cols, "spend")
        service_words = f" {normal(self.last_service)} "
        destination = (
            "residential"
            if " residential " in service_words
            else "commercial"
            if " commercial " in service_words
            else "any"
        )
        key = (sid, lo, hi, tuple(zones) if zones is not None else None, destination)
        rule = period.transportation.get(key)
        if rule is None:
            rule = {"services": [sid]}
            if destination != "any":
                rule["destination"] = destination
            if lo:
                rule["weight_min"] = _weight_text(lo)
            if hi is not None:
                rule["weight_max"] = _weight_text(hi)
            if zones is not None:
                rule["zones"] = zones
            period.transportation[key] = rule
            period.rows.setdefault("transportation", []).append(row.number)
        elif not spend_text:
            self.fail(row, cols, "service", f"{sid}: the same weights and zones as a row above")
            return
        if spend_text:
            tiers = rule.setdefault("tiers", [])
            tiers.append({"spend_min": f"{spend_band(spend_text) / 100:.2f}", "percent": pct})
            tiers.sort(key=lambda t: Decimal(t["spend_min"]))
        else:
            rule["percent"] = pct


def _document(session: Session, period: Period) -> dict[str, Any]:
    doc: dict[str, Any] = {
        "kind": "incentives",
        "carrier": session.options.carrier,
        "name": session.options.name or f"{session.carrier_name} agreement",
        "version": session.label(period.start),
        "effective_from": period.start,
    }
    if period.end is not None:
        doc["effective_to"] = period.end
    if session.options.declared_spend is not None:
        doc["declared_spend"] = f"{session.options.declared_spend / 100:.2f}"
    for name, items in (
        ("transportation", list(period.transportation.values())),
        ("surcharges", period.surcharges),
        ("minimum", period.minimum),
    ):
        if items:
            doc[name] = items
    return doc


def _check(session: Session, sheet: Sheet, period: Period, doc: dict[str, Any]) -> list[Problem]:
    """The schema's checks, each problem traced back to the sheet row it came from."""
    try:
        IncentivesFile.model_validate(doc)
    except ValidationError as err:
        out = []
        for p in problems_from_validation(err):
            ref = re.search(r"(transportation|surcharges|minimum)\[(\d+)\]", p.where or p.message)
            text = f"{p.where}: {p.message}" if p.where else p.message
            rows = period.rows.get(ref.group(1), []) if ref else []
            if ref and int(ref.group(2)) < len(rows):
                out.append(sheet.problem(rows[int(ref.group(2))], text))
            else:
                out.append(Problem(sheet.source, text))
        return out
    return []


def import_incentives(session: Session, files: list[Path]) -> None:
    problems = Problems()
    documents: list[dict[str, Any]] = []
    for path in files:
        for sheet in read_sheets(path):
            session.report.read.append(sheet.source)
            i = header_row(sheet, lambda r: {"service", "incentive"} <= set(_columns(session, r)))
            if i is None:
                continue
            cols = _columns(session, sheet.rows[i])
            reader = _Reader(session, sheet, problems)
            col = cols.get("incentive")
            texts = [r.cell(col) for r in sheet.rows[i + 1 :]] if col is not None else []
            reader.fractions = fraction_column([t for t in texts if t])
            if reader.fractions:
                session.report.warnings.append(
                    f"{sheet.source}: incentives written as fractions (0.25 = 25%)"
                )
            for row in sheet.rows[i + 1 :]:
                reader.row(row, cols)
            for period in reader.periods.values():
                doc = _document(session, period)
                problems.items.extend(_check(session, sheet, period, doc))
                documents.append(doc)
    if not documents and not problems.items:
        raise InputError(
            Problem(
                ", ".join(p.name for p in files),
                "no incentive table found: a header row with a service and an incentive column",
            )
        )
    problems.raise_any()
    _write(session, documents)


def _write(session: Session, documents: list[dict[str, Any]]) -> None:
    """Each period's file; an earlier open-ended file of the carrier ends the day before."""
    home = session.folder.home
    existing = sorted(home.glob("incentives_*.toml")) if home.is_dir() else []
    for doc in documents:
        start: date = doc["effective_from"]
        for path in existing:
            old = tomlkit.parse(path.read_text(encoding="utf-8"))
            began = old.get("effective_from")
            if isinstance(began, date) and began < start and old.get("effective_to") is None:
                old["effective_to"] = start - timedelta(days=1)
                session.folder.add_file(path, tomlkit.dumps(old))
        text = tomlkit.dumps(doc)
        session.folder.add_file(home / f"incentives_{start.isoformat()}.toml", text)
        session.report.count(
            "incentive rules",
            sum(len(doc.get(k, [])) for k in ("transportation", "surcharges", "minimum")),
        )
