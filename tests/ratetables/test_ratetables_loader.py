from pathlib import Path

import pytest

from shipopt.errors import RateTableError
from shipopt.ratetables.loader import load_directory
from tests.conftest import SAMPLE_TABLES, TINY_GRID, TINY_SERVICE, TableWriter


def problems(folder: Path) -> list[str]:
    with pytest.raises(RateTableError) as info:
        load_directory(folder)
    return [str(p) for p in info.value.problems]


def one(folder: Path, *fragments: str) -> str:
    found = problems(folder)
    hits = [p for p in found if all(f in p for f in fragments)]
    assert hits, f"no problem with {fragments} in {found}"
    return hits[0]


def test_sample_tables_are_valid() -> None:
    services = load_directory(SAMPLE_TABLES)
    keys = {s.key for s in services}
    assert len(keys) >= 8 and len({s.spec.carrier for s in services}) >= 5
    assert {s.spec.mode for s in services} == {"parcel", "ltl", "truckload"}


def test_tiny_table_loads(write_table: TableWriter) -> None:
    (service,) = load_directory(write_table())
    assert service.grid is not None and service.grid.breaks_ng[0] == 453_592_370_000


def test_non_increasing_breaks(write_table: TableWriter) -> None:
    grid = TINY_GRID.replace("5,20.00", "2,20.00")
    msg = one(write_table(grid=grid), "grid.csv: row 4, column 'weight_lb'", "must increase")
    assert "2 after" in msg


def test_zone_without_price(write_table: TableWriter) -> None:
    grid = TINY_GRID.replace("12.00,13.50,15.00", "12.00,,15.00")
    one(write_table(grid=grid), "grid.csv: row 3, column '3'", "zone 3 has no price at 2 lb")


def test_negative_rate(write_table: TableWriter) -> None:
    grid = TINY_GRID.replace("10.00,11.00", "-10.00,11.00")
    one(write_table(grid=grid), "row 2, column '2'", "negative price")


def test_price_with_three_decimals(write_table: TableWriter) -> None:
    grid = TINY_GRID.replace("10.00,11.00", "10.005,11.00")
    one(write_table(grid=grid), "row 2, column '2'", "more than two decimal places")


def test_bad_grid_header_and_short_row(write_table: TableWriter) -> None:
    one(write_table(grid=TINY_GRID.replace("weight_lb", "pounds")), "row 1, column 1", "weight_lb")
    one(
        write_table(grid=TINY_GRID.replace("2,12.00,13.50,15.00", "2,12.00")),
        "row 3",
        "has 2 cells",
    )


def test_unknown_surcharge_kind(write_table: TableWriter) -> None:
    extra = '\n[[surcharges]]\nkind = "saturday_pickup"\namount = "5.00"\n'
    one(write_table(extra), "svc.toml: surcharges[0]", "saturday_pickup")


def test_bad_unit_names_key_and_line(write_table: TableWriter) -> None:
    service = TINY_SERVICE.replace('max_weight = "150 lb"', 'max_weight = "150 stone"')
    msg = one(write_table(service=service), "svc.toml: limits.max_weight", "unknown mass unit")
    assert "(line " in msg


def test_negative_surcharge(write_table: TableWriter) -> None:
    extra = '\n[[surcharges]]\nkind = "residential"\namount = "-1.00"\n'
    one(write_table(extra), "surcharges[0].residential.amount", "greater than or equal to 0")


def test_unknown_key_is_refused(write_table: TableWriter) -> None:
    one(write_table("\n[extras]\nfoo = 1\n"), "svc.toml: extras", "Extra inputs are not permitted")


def test_invalid_toml(write_table: TableWriter) -> None:
    one(write_table("\nthis is not = = toml\n"), "svc.toml", "not valid TOML", "line")


def test_missing_grid_file(write_table: TableWriter) -> None:
    service = TINY_SERVICE.replace('file = "grid.csv"', 'file = "nope.csv"')
    one(write_table(service=service), "nope.csv", "file not found")


def test_missing_transit_for_priced_zone(write_table: TableWriter) -> None:
    service = TINY_SERVICE.replace("days_by_zone = { 2 = 1, 3 = 2,", "days_by_zone = { 2 = 1,")
    one(write_table(service=service), "transit.days_by_zone", "zone(s) [3]")


def test_effective_dates(write_table: TableWriter, tmp_path: Path) -> None:
    bad = TINY_SERVICE.replace(
        "effective_from = 2026-01-01", "effective_from = 2026-01-01\neffective_to = 2025-01-01"
    )
    one(write_table(service=bad), "effective_to is before effective_from")
    folder = write_table()
    (folder / "svc2.toml").write_text(
        TINY_SERVICE.replace('version = "t1"', 'version = "t2"').replace("2026-01-01", "2026-06-01")
    )
    one(folder, "svc2.toml", "effective dates overlap svc.toml")


def test_bands_must_increase(write_table: TableWriter) -> None:
    service = TINY_SERVICE.replace("floor = 2", "floor = 2\nbands_miles = [50, 40]")
    one(write_table(service=service), "zones", "strictly increasing")


def test_mode_needs_its_section(write_table: TableWriter) -> None:
    service = TINY_SERVICE.replace('mode = "parcel"', 'mode = "ltl"')
    one(write_table(service=service), "a ltl service needs a [ltl] section")


def test_zone_chart_rows(write_table: TableWriter) -> None:
    folder = write_table(
        TINY_SERVICE.replace("floor = 2", 'floor = 2\nchart = "chart.csv"'), service=""
    )
    (folder / "chart.csv").write_text(
        "origin_zip,dest_zip_start,dest_zip_end,zone\n100,005,009,2\n100,01,019,x\n100,030,020,3\n"
    )
    one(folder, "chart.csv: row 3, column 'dest_zip_start'", "3-digit")
    one(folder, "chart.csv: row 4, column 'dest_zip_end'", "ends before it starts")


def test_ltl_grid_missing_class(tmp_path: Path) -> None:
    src = (SAMPLE_TABLES / "freightline" / "ltl_2026.toml").read_text()
    rows = (SAMPLE_TABLES / "freightline" / "ltl_2026.csv").read_text().splitlines()
    (tmp_path / "ltl.toml").write_text(src)
    kept = [r for r in rows if not r.startswith("2,77.5,")]
    (tmp_path / "ltl_2026.csv").write_text("\n".join(kept) + "\n")
    one(tmp_path, "ltl.file", "zone 2 has no price for class(es) 77.5")
    bad = [r.replace("1,50,21.50", "1,51,21.50") for r in rows]
    (tmp_path / "ltl_2026.csv").write_text("\n".join(bad) + "\n")
    one(tmp_path, "row 2, column 'freight_class'", "unknown freight class '51'")


def test_empty_and_missing_folder(tmp_path: Path) -> None:
    one(tmp_path, "no rate tables")
    one(tmp_path / "absent", "rate-table folder not found")


TRANSIT_DAYS = "days_by_zone = { 2 = 1, 3 = 2, 4 = 3, 5 = 3, 6 = 4, 7 = 4, 8 = 5 }"


@pytest.mark.parametrize(
    ("edit", "fragments"),
    [
        # misspelled holidays would close the carrier on a day it works
        (
            TRANSIT_DAYS + '\nworks_on = ["Veteran\'s Day"]',
            ("works_on", "Veteran's Day", "Veterans Day"),
        ),
        (
            TRANSIT_DAYS + '\nworks_on = ["Juneteenth"]',
            ("works_on", "Juneteenth National Independence Day"),
        ),
        (TRANSIT_DAYS + '\ntimezone = "Mars/Olympus"', ("transit", "Mars/Olympus", "IANA")),
        (TRANSIT_DAYS + '\ntimezone = "Napakiak"', ("transit", "Napakiak")),
    ],
)
def test_unknown_calendar_names_are_refused(
    write_table: TableWriter, edit: str, fragments: tuple[str, ...]
) -> None:
    folder = write_table(service=TINY_SERVICE.replace(TRANSIT_DAYS, edit))
    one(folder, "svc.toml", *fragments)


def test_holiday_names_are_case_insensitive(write_table: TableWriter) -> None:
    edit = (
        TRANSIT_DAYS + '\nworks_on = ["veterans day", "Columbus Day"]\ntimezone = "America/Chicago"'
    )
    (service,) = load_directory(write_table(service=TINY_SERVICE.replace(TRANSIT_DAYS, edit)))
    assert service.spec.transit.timezone == "America/Chicago"


@pytest.mark.parametrize("code", ["XYZ", "usd", "X" * 100_000, "US"])
def test_currency_must_be_iso_4217(write_table: TableWriter, code: str) -> None:
    folder = write_table(service=f'currency = "{code}"\n' + TINY_SERVICE)
    msg = one(folder, "svc.toml: currency", "ISO 4217")
    assert len(msg) < 400  # a 100,000-character value is not echoed whole
    if code == "usd":
        assert "'USD'" in msg
