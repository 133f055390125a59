"""One reader for every carrier file: CSV (any common encoding and delimiter) or XLSX, as rows
of cleaned text cells that remember where they came from.

Cleaning: byte-order marks dropped, non-breaking spaces and runs of spaces collapsed, a merged
XLSX range gives every cell it covers the range's value, a percent-formatted XLSX number reads
as ``"25%"``, a date as ISO ``YYYY-MM-DD``, a float without binary noise. Rows that are empty
are dropped; row numbers stay those of the file.
"""

from __future__ import annotations

import csv
import io
import re
from dataclasses import dataclass
from datetime import date, datetime
from pathlib import Path

from shipopt.errors import InputError, Problem

_SPACES = re.compile(r"\s+")


def column_letter(index: int) -> str:
    """0 -> A, 25 -> Z, 26 -> AA."""
    letters = ""
    index += 1
    while index:
        index, rem = divmod(index - 1, 26)
        letters = chr(65 + rem) + letters
    return letters


@dataclass(frozen=True, slots=True)
class Row:
    number: int  # 1-based, as in the file
    cells: tuple[str, ...]

    def cell(self, index: int) -> str:
        return self.cells[index] if index < len(self.cells) else ""

    @property
    def filled(self) -> list[str]:
        return [c for c in self.cells if c]


@dataclass(frozen=True, slots=True)
class Sheet:
    source: str  # "rates.xlsx [Ground]" or "rates.csv"
    rows: tuple[Row, ...]

    def where(self, row: int, column: int | None = None, header: str | None = None) -> str:
        at = f"{self.source}: row {row}"
        if column is not None:
            at += f", column {column_letter(column)}"
            if header:
                at += f" ({header!r})"
        return at

    def problem(
        self, row: int, message: str, column: int | None = None, header: str | None = None
    ) -> Problem:
        return Problem(self.where(row, column, header), message)

    @property
    def text(self) -> str:
        """Every cell, for finding titles and dates anywhere in the file."""
        return "\n".join(" ".join(r.filled) for r in self.rows)


def clean(value: object) -> str:
    if value is None:
        return ""
    if isinstance(value, datetime):
        return value.date().isoformat()
    if isinstance(value, date):
        return value.isoformat()
    if isinstance(value, float):
        return f"{value:.10g}" if value == value else ""
    text = str(value).replace("\ufeff", "").replace("\u00a0", " ")
    return _SPACES.sub(" ", text).strip()


def _decode(data: bytes) -> str:
    if data.startswith((b"\xff\xfe", b"\xfe\xff")):
        return data.decode("utf-16")
    try:
        return data.decode("utf-8-sig")
    except UnicodeDecodeError:
        return data.decode("cp1252", errors="replace")


def _delimiter(text: str) -> str:
    sample = "\n".join(text.splitlines()[:50])
    counts = {d: sample.count(d) for d in (",", ";", "\t", "|")}
    return max(counts, key=lambda d: counts[d]) if any(counts.values()) else ","


def read_csv(path: Path) -> Sheet:
    text = _decode(path.read_bytes())
    reader = csv.reader(io.StringIO(text, newline=""), delimiter=_delimiter(text))
    rows = []
    for number, raw in enumerate(reader, start=1):
        cells = tuple(clean(c) for c in raw)
        if any(cells):
            rows.append(Row(number, _trimmed(cells)))
    return Sheet(path.name, tuple(rows))


def _trimmed(cells: tuple[str, ...]) -> tuple[str, ...]:
    end = len(cells)
    while end and not cells[end - 1]:
        end -= 1
    return cells[:end]


def _xlsx_value(cell: object) -> str:
    value = getattr(cell, "value", None)
    fmt = str(getattr(cell, "number_format", "") or "")
    if isinstance(value, int | float) and not isinstance(value, bool) and "%" in fmt:
        return f"{value * 100:.10g}%"
    return clean(value)


def read_xlsx(path: Path) -> list[Sheet]:
    import openpyxl

    try:
        book = openpyxl.load_workbook(path, data_only=True)
    except Exception as exc:  # a damaged or mislabelled file: openpyxl raises many kinds
        raise InputError(Problem(path.name, f"cannot read as XLSX: {exc}")) from exc
    sheets = []
    for ws in book.worksheets:
        grid = [[_xlsx_value(c) for c in row] for row in ws.iter_rows()]
        for merged in ws.merged_cells.ranges:
            top = grid[merged.min_row - 1][merged.min_col - 1]
            for r in range(merged.min_row - 1, min(merged.max_row, len(grid))):
                for c in range(merged.min_col - 1, min(merged.max_col, len(grid[r]))):
                    grid[r][c] = top
        rows = tuple(
            Row(i, _trimmed(tuple(cells))) for i, cells in enumerate(grid, start=1) if any(cells)
        )
        sheets.append(Sheet(f"{path.name} [{ws.title}]", rows))
    return sheets


def read_sheets(path: Path) -> list[Sheet]:
    """Every sheet of ``path`` (a CSV file has one)."""
    if not path.is_file():
        raise InputError(Problem(str(path), "file not found"))
    if path.suffix.lower() in (".xlsx", ".xlsm"):
        return read_xlsx(path)
    if path.suffix.lower() == ".xls":
        raise InputError(Problem(path.name, "old .xls workbooks are not read: save as .xlsx"))
    return [read_csv(path)]
