"""Import carrier files (zone charts, list rates, incentive sheets, delivery-area lists, fuel
tables) into a shipopt rate-table folder: :func:`import_files`, or ``shipopt rates import``."""

from __future__ import annotations

from collections.abc import Callable
from pathlib import Path

from shipopt.errors import InputError, Problem, RateTableError
from shipopt.importers.common import ImportOptions, ImportReport, Session
from shipopt.importers.delivery_areas import import_delivery_areas
from shipopt.importers.fuel_tables import import_fuel
from shipopt.importers.incentive_sheet import import_incentives
from shipopt.importers.list_rates import import_list_rates
from shipopt.importers.zone_charts import import_zone_charts, import_zone_matrix
from shipopt.ratetables.loader import load_directory

KINDS: dict[str, Callable[[Session, list[Path]], None]] = {
    "zone-chart": import_zone_charts,
    "zone-matrix": import_zone_matrix,
    "list-rates": import_list_rates,
    "incentives": import_incentives,
    "delivery-areas": import_delivery_areas,
    "fuel": import_fuel,
}

__all__ = ["KINDS", "ImportOptions", "ImportReport", "ImportValidationError", "import_files"]


class ImportValidationError(RateTableError):
    """The files were written, but the folder does not validate (each problem names file,
    row/key and column); ``report`` says what was written."""

    def __init__(self, problems: list[Problem], report: ImportReport) -> None:
        super().__init__(problems)
        self.report = report


def import_files(kind: str, files: list[Path], into: Path, options: ImportOptions) -> ImportReport:
    """Read ``files`` as ``kind``, write shipopt tables into ``into``, validate the folder.

    A problem in a carrier file raises :class:`InputError` before anything is written; a
    folder that does not validate afterwards raises :class:`ImportValidationError`."""
    if kind not in KINDS:
        raise InputError(Problem("kind", f"unknown kind {kind!r} (one of {', '.join(KINDS)})"))
    session = Session(options, into)
    session.report = ImportReport(kind)
    KINDS[kind](session, files)
    session.report.written = session.folder.save()
    try:
        load_directory(into)
    except RateTableError as err:
        raise ImportValidationError(err.problems, session.report) from err
    return session.report
