"""List-rate files: per service, weight rows (a letter row, weights in lb or oz, an "each
additional pound" row) by zone columns; one file may hold several services, each table
under a title row naming it (else the sheet's or the file's name, or ``--service``)."""

from __future__ import annotations

from dataclasses import dataclass
from decimal import Decimal
from pathlib import Path

from shipopt.importers.cells import CellError, is_not_offered, money_cents, price_4, weight
from shipopt.importers.common import Problems, Session, header_row, zone_header
from shipopt.importers.folder import csv_text, set_transit
from shipopt.importers.layout import normal
from shipopt.importers.reader import Row, Sheet, read_sheets
from shipopt.units import NG_PER


@dataclass
class RateTable:
    sheet: Sheet
    title: str
    row: int  # the header's row number
    zones: list[int]
    letter: list[str] | None
    weights: list[tuple[Decimal, str, list[str]]]  # value, unit, cells ("-": not offered)
    extra: list[str] | None


def _is_header(session: Session, row: Row) -> bool:
    """A weight column's header (or a blank or 'Zone' corner cell) and zone columns."""
    if not row.cells:
        return False
    corner = normal(row.cells[0])
    if session.layout.role(row.cells[0]) != "weight" and corner not in CORNERS:
        return False
    zones = sum(1 for c in row.cells[1:] if zone_header(session.layout, c))
    return zones >= (1 if corner not in CORNERS else 2)


CORNERS = frozenset({"", "zone", "zones", "weight zone", "lbs zone", "weight zones"})


def _title(session: Session, sheet: Sheet, rows: tuple[Row, ...], start: int) -> str | None:
    """The service a table prices: the nearest title row above its header naming one, else
    ``--service``, else the sheet's or the file's name if it names one."""
    for row in reversed(rows[:start]):
        if 1 <= len(row.filled) <= 2 and session.resolver.resolve(row.filled[0]):
            return row.filled[0]
    if session.options.services:
        return session.options.services[0]
    sheet_name = sheet.source.split(" [")[-1].rstrip("]") if "[" in sheet.source else ""
    for name in (sheet_name, Path(sheet.source).stem.replace("_", " ")):
        if name and session.resolver.resolve(name):
            return name
    return None


def _cells(
    session: Session,
    sheet: Sheet,
    row: Row,
    columns: list[int],
    problems: Problems,
    per_unit: bool = False,
) -> list[str]:
    out = []
    for col in columns:
        text = row.cell(col)
        if is_not_offered(text):
            out.append("-")
            continue
        try:
            out.append(f"{price_4(text):f}" if per_unit else f"{money_cents(text) / 100:.2f}")
        except CellError as exc:
            problems.add(sheet, row.number, str(exc), col)
            out.append("-")
    return out


def read_tables(session: Session, sheet: Sheet, problems: Problems) -> list[RateTable]:
    """Every rate table of one sheet."""
    layout, rows, out = session.layout, sheet.rows, []
    i = header_row(sheet, lambda r: _is_header(session, r))
    while i is not None:
        header = rows[i]
        columns: list[int] = []
        zones: list[int] = []
        for col, text in enumerate(header.cells[1:], start=1):
            for zone in zone_header(layout, text) or []:
                columns.append(col)
                zones.append(zone)
        title = _title(session, sheet, rows, i)
        if title is None:
            problems.add(
                sheet,
                header.number,
                "cannot tell which service this table prices (no "
                "title row above it names one): give --service ID",
            )
            title = "?"
        table = RateTable(sheet, title, header.number, zones, None, [], None)
        j = i + 1
        while j < len(rows) and not _is_header(session, rows[j]):
            row = rows[j]
            label = row.cell(0)
            if layout.named(layout.rows, label) == "letter":
                table.letter = _cells(session, sheet, row, columns, problems)
            elif layout.named(layout.rows, label) == "extra":
                table.extra = _cells(session, sheet, row, columns, problems, per_unit=True)
            else:
                try:
                    value, unit = weight(label)
                except CellError:
                    if _weights_follow(rows, j, session):
                        problems.add(sheet, row.number, f"{label!r} is not a weight row", 0)
                    else:
                        session.report.warnings.append(
                            f"{sheet.where(row.number)}: stopped reading at {label[:40]!r}"
                        )
                        break
                    j += 1
                    continue
                table.weights.append((value, unit, _cells(session, sheet, row, columns, problems)))
            j += 1
        out.append(table)
        i = header_row(sheet, lambda r: _is_header(session, r), j)
    return out


def _weights_follow(rows: tuple[Row, ...], j: int, session: Session) -> bool:
    for row in rows[j + 1 :]:
        if _is_header(session, row):
            return False
        try:
            weight(row.cell(0))
            return True
        except CellError:
            continue
    return False


def grid_csv(table: RateTable, sheet: Sheet, problems: Problems) -> str | None:
    """The shipopt grid: ``weight_lb`` (or ``weight_oz`` when a row is in ounces)."""
    if not table.weights:
        problems.add(sheet, table.row, "the table has no weight rows")
        return None
    ounces = any(u == "oz" for _, u, _ in table.weights)
    unit = "oz" if ounces else table.weights[0][1]
    if not ounces and any(u != unit for _, u, _ in table.weights):
        problems.add(sheet, table.row, "the weight rows mix units")
        return None
    rows = [[f"weight_{unit}", *(str(z) for z in table.zones)]]
    if table.letter is not None:
        rows.append(["letter", *table.letter])
    for value, u, cells in table.weights:
        in_unit = value * NG_PER[u] / NG_PER[unit]
        rows.append([f"{in_unit.normalize():f}", *cells])
    if table.extra is not None:
        rows.append([f"per_additional_{'lb' if unit == 'oz' else unit}", *table.extra])
    return csv_text(rows)


def import_list_rates(session: Session, files: list[Path]) -> None:
    problems = Problems()
    tables: list[RateTable] = []
    for path in files:
        for sheet in read_sheets(path):
            found = read_tables(session, sheet, problems)
            tables.extend(found)
            session.report.read.append(sheet.source)
        if not any(t.sheet.source.startswith(path.name) for t in tables):
            problems.items.append(
                Sheet(path.name, ()).problem(
                    1,
                    "no rate table found: a header row with a weight "
                    "column and zone columns (e.g. 'Weight, Zone 2, ...')",
                )
            )
    grids = [(t, grid_csv(t, t.sheet, problems)) for t in tables]
    problems.raise_any()
    seen: set[tuple[str, object]] = set()
    for table, grid in grids:
        assert grid is not None
        sid = session.service_of(table.title)
        start = session.effective(table.sheet)
        if (sid, start) in seen:
            problems.add(table.sheet, table.row, f"a second table for {sid} from {start}")
            continue
        seen.add((sid, start))
        names = session.names(sid, table.title)
        version = session.folder.version_for(
            sid, start, session.layout, names, session.carrier_name, session.label(start)
        )
        grid_path = version.path.parent / f"{sid}_{start.isoformat()}.csv"
        session.folder.add_file(grid_path, grid)
        version.set("grid", "file", grid_path.name)
        chart = session.folder.home / f"zones_{sid}.csv"
        if chart.exists() and version.path.parent == chart.parent:
            version.set("zones", "chart", chart.name)
        set_transit(version, names, table.zones)
        session.report.count("rate tables")
        session.report.count("weight rows", len(table.weights))
    problems.raise_any()
