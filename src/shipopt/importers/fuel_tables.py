"""Fuel tables: a weekly table (an effective date column and a percentage column per service
group, e.g. Ground and Domestic Air), or an index table (diesel price bands "at least" / "but
less than" to a percentage per group) read at the diesel prices ``--diesel DATE=PRICE`` gives.
Either becomes the ``[fuel] schedule`` of the carrier's services (by the layout's fuel group
of each service, or every ``--service`` for a table with one percentage column)."""

from __future__ import annotations

from datetime import date
from decimal import Decimal
from pathlib import Path

import tomlkit

from shipopt.errors import InputError, Problem
from shipopt.importers.cells import (
    CellError,
    column_percent,
    fraction_column,
    is_not_offered,
    number,
    parse_date,
)
from shipopt.importers.common import Problems, Session, header_row
from shipopt.importers.reader import Row, Sheet, read_sheets

Schedule = dict[str, dict[date, Decimal]]  # group -> date -> percent


def _groups(session: Session, header: Row) -> dict[int, str]:
    layout = session.layout
    out: dict[int, str] = {}
    for col, text in enumerate(header.cells):
        group = layout.named(layout.fuel_columns, text)
        generic = "%" in text or "fuel" in text.lower() or "surcharge" in text.lower()
        if group is None and generic and not layout.is_role(text, "date"):
            group = "all"
        if group is not None:
            out[col] = group
    return out


def _weekly(session: Session, sheet: Sheet, problems: Problems, out: Schedule) -> bool:
    i = header_row(
        sheet,
        lambda r: (
            any(session.layout.is_role(c, "date") for c in r.cells) and bool(_groups(session, r))
        ),
    )
    if i is None:
        return False
    header = sheet.rows[i]
    date_col = next(c for c, t in enumerate(header.cells) if session.layout.is_role(t, "date"))
    groups = _groups(session, header)
    body = sheet.rows[i + 1 :]
    fractions = {c: fraction_column([r.cell(c) for r in body if r.cell(c)]) for c in groups}
    dated = 0
    for row in body:
        try:
            day = parse_date(row.cell(date_col))
        except CellError:
            continue  # a footnote
        dated += 1
        for col, group in groups.items():
            text = row.cell(col)
            if is_not_offered(text):
                continue
            try:
                out.setdefault(group, {})[day] = column_percent(text, fractions[col])
            except CellError as exc:
                problems.add(sheet, row.number, str(exc), col)
    if not dated:
        problems.add(sheet, header.number, "no row below the header starts with a date")
    return True


def _index(session: Session, sheet: Sheet, problems: Problems, out: Schedule) -> bool:
    layout = session.layout
    i = header_row(sheet, lambda r: any(layout.is_role(c, "diesel_from") for c in r.cells))
    if i is None:
        return False
    header = sheet.rows[i]
    low = next(c for c, t in enumerate(header.cells) if layout.is_role(t, "diesel_from"))
    high = next((c for c, t in enumerate(header.cells) if layout.is_role(t, "diesel_to")), None)
    groups = {c: g for c, g in _groups(session, header).items() if c not in (low, high)}
    bands: list[tuple[Decimal, Decimal | None, Row]] = []
    for row in sheet.rows[i + 1 :]:
        try:
            lo = number(row.cell(low), "diesel price")
            hi = (
                number(row.cell(high), "diesel price")
                if high is not None and row.cell(high)
                else None
            )
        except CellError:
            continue
        bands.append((lo, hi, row))
    if not session.options.diesel:
        raise InputError(
            Problem(
                "--diesel",
                f"{sheet.source} is a diesel-index fuel table: give "
                "--diesel DATE=PRICE (e.g. --diesel 2026-11-30=3.759)",
            )
        )
    bands.sort(key=lambda b: b[0])
    fractions = {c: fraction_column([b[2].cell(c) for b in bands]) for c in groups}
    for day, price in session.options.diesel:
        inside = [b for b in bands if b[0] <= price and (b[1] is None or price < b[1])]
        if not inside and bands and bands[-1][1] is not None:
            inside = []
        if not inside:
            problems.add(sheet, header.number, f"no band holds the diesel price {price}")
            continue
        row = inside[-1][2]
        for col, group in groups.items():
            try:
                out.setdefault(group, {})[day] = column_percent(row.cell(col), fractions[col])
            except CellError as exc:
                problems.add(sheet, row.number, str(exc), col)
    return True


def import_fuel(session: Session, files: list[Path]) -> None:
    problems = Problems()
    schedule: Schedule = {}
    for path in files:
        for sheet in read_sheets(path):
            session.report.read.append(sheet.source)
            if not (
                _index(session, sheet, problems, schedule)
                or _weekly(session, sheet, problems, schedule)
            ):
                problems.add(
                    sheet,
                    1,
                    "no fuel table found: a header with an effective-date "
                    "column and percentage columns, or diesel price bands",
                )
    problems.raise_any()
    targets = session.targets()
    for sid in targets:
        group = session.names(sid).fuel
        entries = schedule.get(group) or schedule.get("all")
        if entries is None:
            if len(schedule) == 1:
                entries = next(iter(schedule.values()))
            else:
                session.report.warnings.append(f"{sid}: no fuel column for its group {group!r}")
                continue
        for version in session.folder.all_versions(sid):
            _merge(version.table("fuel"), entries)
            version.changed = True
        session.report.count("services with fuel")
    session.report.count("fuel dates", len({d for e in schedule.values() for d in e}))


def _merge(fuel: tomlkit.items.Table, entries: dict[date, Decimal]) -> None:
    current = {p["effective_from"]: Decimal(str(p["percent"])) for p in fuel.get("schedule", [])}
    current.update(entries)
    array = tomlkit.array()
    array.multiline(True)
    for day in sorted(current):
        item = tomlkit.inline_table()
        item.update({"effective_from": day, "percent": f"{current[day]:f}"})
        array.append(item)
    fuel["schedule"] = array
