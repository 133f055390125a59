"""Zone charts: per-origin charts (destination ZIP3 ranges as rows, one zone-code column per
service; the origin ZIP3s from ``--origin``, the title text or the file name) and the postal
national matrix (origin ZIP3 rows by destination ZIP3 columns). Both become one shipopt chart
per service, ``zones_<service>.csv``, merged with the origins imported before."""

from __future__ import annotations

import re
from pathlib import Path

import numpy as np

from shipopt.errors import InputError, Problem
from shipopt.importers.cells import CellError, zip3_range
from shipopt.importers.common import Problems, Session, header_row
from shipopt.importers.folder import csv_text
from shipopt.importers.layout import NOT_SERVED, normal
from shipopt.importers.reader import Row, Sheet, read_sheets

ABSENT = -1
_ORIGIN_TEXT = re.compile(
    r"(?i)(?:origin\w*|from|shipping from|ship from|prefix|zip codes?)\D{0,60}?"
    r"(\d{3})(?:-\d{2}(?!\d)|xx)?"
    r"(?:\s*(?:to|through|thru|-|\u2013)\s*(\d{3})(?:-\d{2}(?!\d)|xx)?)?"
)


def _origins(session: Session, sheet: Sheet, path: Path, header: int) -> tuple[int, int]:
    """``--origin``, else the title rows' "originating in 606-01 to 608-99" (or "ZIP Code
    prefix 606"), else a 3-digit file name."""
    if session.options.origin:
        try:
            return zip3_range(session.options.origin)
        except CellError as exc:
            raise InputError(Problem("--origin", str(exc))) from exc
    titles = "\n".join(" ".join(r.filled) for r in sheet.rows[:header])
    m = _ORIGIN_TEXT.search(titles)
    if m:
        return int(m.group(1)), int(m.group(2) or m.group(1))
    digits = re.findall(r"(?<!\d)(\d{3})(?!\d)", path.stem)
    if len(digits) in (1, 2):
        return int(digits[0]), int(digits[-1])
    raise InputError(
        Problem(
            sheet.source,
            "cannot tell the origin ZIP3s (no 'origin ... 606' text, no "
            "3-digit file name): give --origin 606 or --origin 606-608",
        )
    )


def _chart_path(session: Session, service: str) -> Path:
    return session.folder.home / f"zones_{service}.csv"


def _load_existing(path: Path) -> np.ndarray:
    matrix = np.full((1000, 1000), ABSENT, dtype=np.int64)
    if not path.exists():
        return matrix
    for line in path.read_text(encoding="utf-8").splitlines()[1:]:
        o, s, e, z = (c.strip() for c in line.split(",")[:4])
        matrix[int(o), int(s) : int(e) + 1] = NOT_SERVED if z == "-" else int(z)
    return matrix


def chart_csv(matrix: np.ndarray) -> str:
    """Each origin's destinations as ranges of one zone, in the shipopt chart layout."""
    rows = [["origin_zip", "dest_zip_start", "dest_zip_end", "zone"]]
    for origin in np.flatnonzero((matrix != ABSENT).any(axis=1)):
        line = matrix[origin]
        d = 0
        while d < 1000:
            zone = int(line[d])
            end = d
            while end + 1 < 1000 and line[end + 1] == zone:
                end += 1
            if zone != ABSENT:
                text = "-" if zone == NOT_SERVED else str(zone)
                rows.append([f"{origin:03d}", f"{d:03d}", f"{end:03d}", text])
            d = end + 1
    return csv_text(rows)


def _save(session: Session, charts: dict[str, np.ndarray]) -> None:
    for service, matrix in charts.items():
        path = _chart_path(session, service)
        session.folder.add_file(path, chart_csv(matrix))
        for version in session.folder.all_versions(service):
            if version.path.parent == path.parent:
                version.set("zones", "chart", path.name)
            else:
                version.set("zones", "chart", str(Path("..") / path.parent.name / path.name))
        if not session.folder.all_versions(service):
            session.report.warnings.append(
                f"{path.name}: no service file for {service} yet; importing its list rates "
                "attaches the chart"
            )


def _services_header(session: Session, row: Row) -> bool:
    return (
        bool(row.cells) and session.layout.role(row.cells[0]) == "dest_zip" and len(row.filled) > 1
    )


def _read_origin_chart(
    session: Session, sheet: Sheet, path: Path, charts: dict[str, np.ndarray], problems: Problems
) -> None:
    i = header_row(sheet, lambda r: _services_header(session, r))
    if i is None:
        problems.add(
            sheet,
            1,
            "no header row starting with a destination ZIP column "
            "(e.g. 'Dest. ZIP, Ground, 2nd Day Air')",
        )
        return
    lo, hi = _origins(session, sheet, path, i)
    header = sheet.rows[i]
    pairs = _zip_zone_pairs(session, header)
    if pairs:
        _read_pairs(session, sheet, i, pairs, (lo, hi), charts, problems)
        return
    columns = {
        col: session.service_of(text) for col, text in enumerate(header.cells) if col and text
    }
    for sid in columns.values():
        if sid not in charts:
            charts[sid] = _load_existing(_chart_path(session, sid))
        charts[sid][lo : hi + 1] = ABSENT  # this import replaces these origins
    for row in sheet.rows[i + 1 :]:
        try:
            start, end = zip3_range(row.cell(0))
        except CellError:
            if row.cell(0) and any(c[:1].isdigit() for c in row.cells[1:]):
                problems.add(sheet, row.number, f"{row.cell(0)!r} is not a ZIP range", 0)
            continue  # a footnote or a repeated header
        for col, sid in columns.items():
            try:
                zone = session.layout.zone_codes.zone(row.cell(col))
            except CellError as exc:
                problems.add(sheet, row.number, str(exc), col)
                continue
            charts[sid][lo : hi + 1, start : end + 1] = zone
        session.report.count("chart rows")


def _zip_zone_pairs(session: Session, header: Row) -> list[int]:
    """The postal per-origin layout: repeated "ZIP Codes | Zone" column pairs (the columns
    of the ZIP cells)."""
    return [
        c
        for c, text in enumerate(header.cells[:-1])
        if session.layout.role(text) == "dest_zip" and normal(header.cells[c + 1]) in ZONE_WORDS
    ]


ZONE_WORDS = frozenset({"zone", "zones"})


def _read_pairs(
    session: Session,
    sheet: Sheet,
    i: int,
    pairs: list[int],
    origins: tuple[int, int],
    charts: dict[str, np.ndarray],
    problems: Problems,
) -> None:
    """Every pair's ranges, for the services ``--service`` names (else every known one)."""
    lo, hi = origins
    services = (
        session.options.services or session.folder.services() or list(session.layout.services)
    )
    for sid in services:
        if sid not in charts:
            charts[sid] = _load_existing(_chart_path(session, sid))
        charts[sid][lo : hi + 1] = ABSENT
    for row in sheet.rows[i + 1 :]:
        for col in pairs:
            text = row.cell(col)
            try:
                start, end = zip3_range(text)
            except CellError:
                if text and row.cell(col + 1):
                    problems.add(sheet, row.number, f"{text!r} is not a ZIP range", col)
                continue
            try:
                zone = session.layout.zone_codes.zone(row.cell(col + 1))
            except CellError as exc:
                problems.add(sheet, row.number, str(exc), col + 1)
                continue
            for sid in services:
                charts[sid][lo : hi + 1, start : end + 1] = zone
            session.report.count("chart rows")


def import_zone_charts(session: Session, files: list[Path]) -> None:
    problems = Problems()
    charts: dict[str, np.ndarray] = {}
    for path in files:
        for sheet in read_sheets(path):
            _read_origin_chart(session, sheet, path, charts, problems)
            session.report.read.append(sheet.source)
    problems.raise_any()
    _save(session, charts)


def _matrix_header(row: Row) -> bool:
    found = 0
    for text in row.cells[1:]:
        try:
            zip3_range(text)
            found += 1
        except CellError:
            pass
    return found >= 3


def import_zone_matrix(session: Session, files: list[Path]) -> None:
    problems = Problems()
    services = (
        session.options.services or session.folder.services() or list(session.layout.services)
    )
    matrix = np.full((1000, 1000), ABSENT, dtype=np.int64)
    for path in files:
        for sheet in read_sheets(path):
            session.report.read.append(sheet.source)
            i = header_row(sheet, _matrix_header)
            if i is None:
                problems.add(sheet, 1, "no header row of destination ZIP3s (001, 002, ...)")
                continue
            header = sheet.rows[i]
            dests: dict[int, tuple[int, int]] = {}
            for col, text in enumerate(header.cells[1:], start=1):
                try:
                    dests[col] = zip3_range(text)
                except CellError:
                    if text:
                        problems.add(sheet, header.number, f"{text!r} is not a ZIP3", col)
            for row in sheet.rows[i + 1 :]:
                try:
                    olo, ohi = zip3_range(row.cell(0))
                except CellError:
                    continue
                for col, (dlo, dhi) in dests.items():
                    try:
                        zone = session.layout.zone_codes.zone(row.cell(col))
                    except CellError as exc:
                        problems.add(sheet, row.number, str(exc), col)
                        continue
                    matrix[olo : ohi + 1, dlo : dhi + 1] = zone
                session.report.count("matrix rows")
    problems.raise_any()
    charts = {}
    for sid in services:
        merged = _load_existing(_chart_path(session, sid))
        origins = (matrix != ABSENT).any(axis=1)
        merged[origins] = matrix[origins]
        charts[sid] = merged
    _save(session, charts)
