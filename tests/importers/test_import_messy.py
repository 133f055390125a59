"""Importers on messy files and bad input: precise problems (file, row, column), nothing
written on a problem, repeatable imports, new periods, the postal matrix and fuel indexes."""

from __future__ import annotations

import tomllib
from datetime import date
from decimal import Decimal
from pathlib import Path

import openpyxl
import pytest

from shipopt.errors import InputError
from shipopt.importers import ImportOptions, import_files
from shipopt.importers.cells import CellError, number, percent, weight_band, zip3_range
from shipopt.ratetables.loader import load_directory
from shipopt.units import NG_PER
from tests.importers import carrier_files as cf

ACME = ImportOptions(carrier="acme", carrier_name="Acme")


def problems_of(kind: str, files: list[Path], into: Path, options: ImportOptions = ACME) -> str:
    with pytest.raises(InputError) as err:
        import_files(kind, files, into, options)
    return "\n".join(str(p) for p in err.value.problems)


def test_cell_parsers() -> None:
    assert number("$1,234.50") == Decimal("1234.50")
    assert number("USD 3.5") == Decimal("3.5")
    assert number("(2.00)") == Decimal("-2.00")
    assert percent("-42.5%") == Decimal("42.5") and percent("25") == 25
    lb = NG_PER["lb"]
    assert weight_band("1-5 lbs") == (lb, 5 * lb)
    assert weight_band("151+")[1] is None and weight_band("All") == (0, None)
    assert weight_band("21 lbs and over") == (21 * lb, None)
    assert zip3_range("004-005") == (4, 5) and zip3_range("00400-00599") == (4, 5)
    assert zip3_range("4") == (4, 4)
    for bad in ("12.3.4", "abc"):
        with pytest.raises(CellError):
            number(bad)


def test_semicolon_cp1252_file_with_dashes(tmp_path: Path) -> None:
    text = (
        "Acme Ground \u2013 Daily Rates\nEffective 2026-01-05\n"
        "Weight;Zone 2;Zone 3\n1 lb;\u20ac 9,00;-\n2 lbs;10.00;\u2013\n"
    )
    # a euro sign is not a price: precise problem, row and column
    path = tmp_path / "ground.csv"
    path.write_bytes(text.encode("cp1252"))
    found = problems_of("list-rates", [path], tmp_path / "t")
    assert "ground.csv: row 4, column B" in found and "not a number" in found
    assert not (tmp_path / "t").exists()  # nothing written
    path.write_bytes(text.replace("\u20ac 9,00", "9.00").encode("cp1252"))
    import_files("list-rates", [path], tmp_path / "t", ACME)
    grid = (tmp_path / "t" / "acme" / "ground_2026-01-05.csv").read_text()
    assert grid.splitlines() == ["weight_lb,2,3", "1,9.00,-", "2,10.00,-"]


def test_bad_rows_are_named(tmp_path: Path) -> None:
    path = tmp_path / "ground.csv"
    path.write_text(
        "Acme Ground\nEffective 2026-01-05\nWeight,Zone 2,Zone 3\n1,9.00,9.50\n"
        "2 lb,9.5x,10.00\nthree,11.00,12.00\n4,12.00,13.001\n"
    )
    found = problems_of("list-rates", [path], tmp_path / "t")
    assert "ground.csv: row 5, column B: price '9.5x' is not a number" in found
    assert "ground.csv: row 6, column A: 'three' is not a weight row" in found
    assert "ground.csv: row 7, column C: price '13.001' has more than two decimals" in found


def test_missing_date_service_and_table(tmp_path: Path) -> None:
    path = tmp_path / "rates.csv"
    path.write_text("Weight,Zone 2\n1,9.00\n")
    found = problems_of("list-rates", [path], tmp_path / "t")
    assert "give --service" in found
    opts = ImportOptions(carrier="acme", services=["ground"])
    assert "give --effective-from" in problems_of("list-rates", [path], tmp_path / "t", opts)
    empty = tmp_path / "notes.csv"
    empty.write_text("Just some text\n")
    assert "no rate table found" in problems_of("list-rates", [empty], tmp_path / "t")


def test_repeatable_and_new_period(tmp_path: Path) -> None:
    ground = cf.write_ground_rates(tmp_path / "f")
    into = tmp_path / "t"
    import_files("list-rates", [ground], into, ACME)
    first = {p.name: p.read_text() for p in (into / "acme").iterdir()}
    import_files("list-rates", [ground], into, ACME)
    assert {p.name: p.read_text() for p in (into / "acme").iterdir()} == first
    text = ground.read_text().replace("January 5, 2026", "January 4, 2027").replace("$1", "$2")
    later = tmp_path / "f" / "ground_2027.csv"
    later.write_text(text)
    import_files("list-rates", [later], into, ACME)
    old = tomllib.loads((into / "acme" / "ground_2026-01-05.toml").read_text())
    new = tomllib.loads((into / "acme" / "ground_2027-01-04.toml").read_text())
    assert old["effective_to"] == date(2027, 1, 3) and "effective_to" not in new
    assert len(load_directory(into)) == 2


def test_user_edits_survive_a_reimport(tmp_path: Path) -> None:
    ground = cf.write_ground_rates(tmp_path / "f")
    into = tmp_path / "t"
    import_files("list-rates", [ground], into, ACME)
    toml = into / "acme" / "ground_2026-01-05.toml"
    toml.write_text(
        toml.read_text().replace('max_weight = "150 lb"', 'max_weight = "70 lb"  # ours')
    )
    import_files("list-rates", [ground], into, ACME)
    assert 'max_weight = "70 lb"  # ours' in toml.read_text()


def test_postal_matrix(tmp_path: Path) -> None:
    rates = tmp_path / "priority.csv"
    rates.write_text(
        "Priority Mail Commercial\nEffective 2026-01-18\n"
        "Weight Not Over (lbs),Zones 1&2,Zone 3,Zone 4,Zone 5\n"
        "1,8.00,8.40,8.80,9.20\n2,9.00,9.40,9.80,10.20\n"
    )
    postal = ImportOptions(carrier="usps", carrier_name="USPS", layout="postal")
    into = tmp_path / "t"
    import_files("list-rates", [rates], into, postal)
    matrix = tmp_path / "matrix.csv"
    header = "Origin," + ",".join(f"{d:03d}" for d in range(100, 106))
    rows = ["606,5*,5,5+,4,,3", "607,5,5,5,4,4,3", "608-609,1,2,3,4,5,-"]
    matrix.write_text("\n".join([header, *rows]) + "\n")
    import_files("zone-matrix", [matrix], into, postal)
    chart = (into / "usps" / "zones_priority.csv").read_text().splitlines()
    assert "606,100,102,5" in chart and "606,104,104,-" in chart
    assert "609,105,105,-" in chart and "608,100,100,1" in chart
    (service,) = load_directory(into)
    assert service.zone_chart is not None and service.zone_chart.get("606", "103") == 4
    assert service.grid is not None and service.grid.prices[1] == service.grid.prices[2]


def test_incentive_sheet_problems(tmp_path: Path) -> None:
    cf.write_ground_rates(tmp_path / "f")
    into = tmp_path / "t"
    import_files("list-rates", [tmp_path / "f" / "acme_ground_rates.csv"], into, ACME)
    sheet = tmp_path / "inc.csv"
    sheet.write_text(
        "Agreement X\nEffective Date: 2026-02-01\nService,Charge,Weight,Zones,Incentive\n"
        "Ground,Transportation,1-5,All,30%\n,Transportation,5-10,All,20%\n"
        "Ground,Pickup fee,,,10%\nGround,Transportation,11-20,2-x,10%\n"
        "Ground,Transportation,21+,All,130%\n"
    )
    found = problems_of("incentives", [sheet], into)
    assert "inc.csv: row 5: transportation[1] overlaps transportation[0]" in found
    assert "inc.csv: row 6, column B: unknown charge 'Pickup fee'" in found
    assert "inc.csv: row 7, column E" in found and "'2-x'" in found
    assert "inc.csv: row 8, column E: percent '130%' is over 100%" in found
    tiers = tmp_path / "tiers.csv"
    tiers.write_text(
        "Service,Weight,Spend,Incentive\nGround,All,$0-$999.99,10%\nGround,All,$1000+,20%\n"
    )
    opts = ImportOptions(carrier="acme", effective_from=date(2026, 3, 1))
    assert "tiered incentives need declared_spend" in problems_of("incentives", [tiers], into, opts)


def test_fuel_index_table(tmp_path: Path) -> None:
    ground = cf.write_ground_rates(tmp_path / "f")
    into = tmp_path / "t"
    import_files("list-rates", [ground], into, ACME)
    book = openpyxl.Workbook()
    ws = book.active
    assert ws is not None
    ws.append(["Ground fuel surcharge index"])
    ws.append(["At Least", "But Less Than", "Surcharge"])
    for k in range(6):
        ws.append([3.25 + k * 0.25, 3.5 + k * 0.25, 0.18 + k * 0.0025])
        ws.cell(ws.max_row, 3).number_format = "0.00%"
    path = tmp_path / "index.xlsx"
    book.save(path)
    assert "give --diesel" in problems_of("fuel", [path], into)
    opts = ImportOptions(carrier="acme", diesel=[(date(2026, 11, 30), Decimal("3.80"))])
    import_files("fuel", [path], into, opts)
    fuel = tomllib.loads((into / "acme" / "ground_2026-01-05.toml").read_text())["fuel"]
    assert fuel["schedule"] == [{"effective_from": date(2026, 11, 30), "percent": "18.5"}]


def test_surcharge_files_need_the_carriers_services_first(tmp_path: Path) -> None:
    das = cf.write_delivery_areas(tmp_path / "f")
    found = problems_of("delivery-areas", [das], tmp_path / "empty", ACME)
    assert "--into: no service of acme in the folder: import its list rates first" in found
    fuel = cf.write_fuel(tmp_path / "f")
    assert "import its list rates first" in problems_of("fuel", [fuel], tmp_path / "empty")
