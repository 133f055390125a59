"""Layout variants a held-back file may use: the postal per-origin chart of ZIP/Zone column
pairs, commercial and residential incentives, fractions, stated minimums, tier labels, tier
headings over columns of ZIPs, a blank corner cell, fuel as fractions and abbreviated dates."""

from __future__ import annotations

import tomllib
from datetime import date
from pathlib import Path

import openpyxl

from shipopt.importers import ImportOptions, import_files
from shipopt.ratetables.loader import load_directory
from shipopt.rating.parcel_rate import ParcelPrice, price_parcel
from shipopt.rating.parcel_rules import build_parcel_rules
from shipopt.units import NG_PER, NM_PER
from tests.importers import carrier_files as cf

ACME = ImportOptions(carrier="acme", carrier_name="Acme")
POSTAL = ImportOptions(carrier="usps", carrier_name="USPS", layout="postal")


def ground_folder(tmp_path: Path) -> Path:
    into = tmp_path / "t"
    import_files("list-rates", [cf.write_ground_rates(tmp_path / "f")], into, ACME)
    return into


def test_postal_per_origin_chart_of_column_pairs(tmp_path: Path) -> None:
    rates = tmp_path / "ga.csv"
    rates.write_text(
        "USPS Ground Advantage\nEffective 2026-01-18\n,Zone 1,Zone 2,Zone 3\n"
        "4 oz,4.50,4.60,4.70\n8 oz,5.10,5.20,5.30\n1 lb,6.00,6.20,6.40\n"
    )
    into = tmp_path / "t"
    import_files("list-rates", [rates], into, POSTAL)
    chart = tmp_path / "zone_chart_604.csv"
    chart.write_text(
        "Zone Chart for ZIP Code prefix 604-605\n"
        "ZIP Codes,Zone,ZIP Codes,Zone\n005,8*,600-604,1\n006-009,8+,605---,\n"
        "010-089,7,606-619,2\n"
    )
    import_files("zone-chart", [chart], into, POSTAL)
    lines = (into / "usps" / "zones_ground_advantage.csv").read_text().splitlines()
    assert "604,005,009,8" in lines and "605,600,604,1" in lines and "604,606,619,2" in lines
    (service,) = load_directory(into)
    assert service.grid is not None and service.grid.unit == "oz"
    assert service.grid.breaks_ng[:2] == (4 * NG_PER["oz"], 8 * NG_PER["oz"])


def test_commercial_and_residential_incentives(tmp_path: Path) -> None:
    into = ground_folder(tmp_path)
    book = openpyxl.Workbook()
    ws = book.active
    assert ws is not None
    ws.append(["Acme agreement 9"])
    ws.append(["Effective 2/1/2026"])
    ws.append(["Service", "Charge", "Weight Range", "Zones", "Tier", "Discount"])
    ws.append(["Ground Commercial", "", "1-10", "All", None, 0.3])
    ws.append(["Ground Residential", "", "1-10", "All", None, 0.2])
    ws.append(["Ground", "", "11+", "All", "Tier 1: $0 - $4,999.99", 0.1])
    ws.append(["Ground", "", "11+", "All", "Tier 2: $5,000+", 0.15])
    ws.append(["Ground", "Minimum Net Charge", None, None, None, "Set to $9.00"])
    path = tmp_path / "agreement.xlsx"
    book.save(path)
    opts = ImportOptions(carrier="acme", declared_spend=600_000)
    report = import_files("incentives", [path], into, opts)
    assert any("fractions" in w for w in report.warnings)
    doc = tomllib.loads((into / "acme" / "incentives_2026-02-01.toml").read_text())
    first, second, tiered = doc["transportation"]
    assert (first["destination"], first["percent"]) == ("commercial", "30")
    assert (second["destination"], second["percent"]) == ("residential", "20")
    assert tiered["tiers"] == [
        {"spend_min": "0.00", "percent": "10"},
        {"spend_min": "5000.00", "percent": "15"},
    ]
    assert doc["minimum"] == [{"services": ["ground"], "minimum": "9.00"}]
    (service,) = load_directory(into)
    rules = build_parcel_rules(service)
    sides = (4 * NM_PER["in"],) * 3
    day = date(2026, 3, 2)
    commercial = price_parcel(rules, sides, 5 * NG_PER["lb"], 2, False, "10001", day)
    residential = price_parcel(rules, sides, 5 * NG_PER["lb"], 2, True, "10001", day)
    assert isinstance(commercial, ParcelPrice) and isinstance(residential, ParcelPrice)
    list_base = int(cf.ground_price(5, 2) * 100)
    assert dict(commercial.lines)["incentive_base"] == -round(list_base * 0.3)
    assert dict(residential.lines)["incentive_base"] == -round(list_base * 0.2)
    light = price_parcel(rules, sides, NG_PER["lb"], 2, False, "10001", day)
    assert isinstance(light, ParcelPrice) and dict(light.lines).get("minimum_net")  # 9.00 floor
    assert sum(c for k, c in light.lines if k in ("base", "incentive_base", "minimum_net")) == 900


def test_delivery_area_tiers_heading_columns(tmp_path: Path) -> None:
    into = ground_folder(tmp_path)
    path = tmp_path / "das.csv"
    path.write_text(
        "Delivery Area Surcharge,Extended Delivery Area Surcharge,Remote Area Surcharge Alaska\n"
        "59601,59711,99501\n59602,,99502\n"
    )
    amounts = {"delivery_area": (420, 590), "extended": (510, 725), "alaska": (4000, 4000)}
    import_files("delivery-areas", [path], into, ImportOptions(carrier="acme", amounts=amounts))
    folder = into / "acme"
    assert (folder / "das_alaska.csv").read_text().split() == ["zip", "99501", "99502"]
    assert (folder / "das_extended.csv").read_text().split() == ["zip", "59711"]
    assert (folder / "das_delivery_area.csv").read_text().split() == ["zip", "59601", "59602"]


def test_fuel_fractions_and_abbreviated_dates(tmp_path: Path) -> None:
    into = ground_folder(tmp_path)
    path = tmp_path / "fuel.csv"
    path.write_text('Week of,Ground Fuel Surcharge\n"Nov 23, 2026",0.1975\n"Nov 30, 2026",0.2\n')
    import_files("fuel", [path], into, ACME)
    fuel = tomllib.loads((into / "acme" / "ground_2026-01-05.toml").read_text())["fuel"]
    assert fuel["schedule"] == [
        {"effective_from": date(2026, 11, 23), "percent": "19.75"},
        {"effective_from": date(2026, 11, 30), "percent": "20"},
    ]


def test_blank_corner_header(tmp_path: Path) -> None:
    path = tmp_path / "rates.csv"
    path.write_text("Acme 2nd Day Air\nEffective 2026-01-05\n,2,3,4\n1,20.00,21.00,22.00\n")
    import_files("list-rates", [path], tmp_path / "t", ACME)
    grid = (tmp_path / "t" / "acme" / "2day_2026-01-05.csv").read_text().splitlines()
    assert grid == ["weight_lb,2,3,4", "1,20.00,21.00,22.00"]
