"""Carrier files in the published layouts, messy parts included, for the importer tests and
the README walkthrough (``python -m tests.importers.carrier_files DIR`` writes them)."""

from __future__ import annotations

import sys
from decimal import Decimal
from pathlib import Path

import openpyxl
from openpyxl.styles import Font

ZONES = [2, 3, 4, 5, 6, 7, 8]


def ground_price(lb: int, zone: int) -> Decimal:
    """The sample Acme Ground list price (the files' truth)."""
    return (
        Decimal("9.85") + Decimal("0.55") * zone + Decimal("0.47") * (lb - 1) * (zone - 1) / 2
    ).quantize(Decimal("0.01"))


def air_price(service: str, lb: int, zone: int) -> Decimal:
    base = {"nda": Decimal("28.40"), "2da": Decimal("17.60")}[service]
    step = {"nda": Decimal("2.35"), "2da": Decimal("1.40")}[service]
    return (
        base + Decimal("1.9") * (zone - 2) + step * (lb - 1) * (1 + Decimal(zone) / 10)
    ).quantize(Decimal("0.01"))


def money(value: Decimal) -> str:
    return f"${value:,.2f}"


def write_zone_chart(folder: Path) -> Path:
    """Acme's chart for origins 606-608, with a BOM, title lines, '-' and '[1]' cells."""
    folder.mkdir(parents=True, exist_ok=True)
    lines = [
        "Acme Parcel Zone Chart,,,,",
        "For shipments originating in ZIP Codes 606-01 to 608-99,,,,",
        ",,,,",
        "Dest. ZIP,Ground,3 Day Select,2nd Day Air,Next Day Air",
    ]
    ranges = [
        ("004-005", 8),
        ("010-089", 6),
        ("100-149", 5),
        ("150-199", 4),
        ("200-299", 5),
        ("300-399", 5),
        ("400-499", 3),
        ("500-599", 3),
        ("600-619", 2),
        ("620-699", 3),
        ("700-799", 5),
        ("800-899", 6),
        ("900-961", 8),
    ]
    for rng, zone in ranges:
        lines.append(f"{rng},{zone:03d},{300 + zone},{200 + zone},{100 + zone}")
    lines.append("967-968,[1],-,224,124")
    lines.append("995-999,044,-,-,-")
    lines.append("")
    lines.append("[1] For Hawaii see the Hawaii zone chart.,,,,")
    path = folder / "acme_zone_chart_606.csv"
    path.write_bytes(("\ufeff" + "\r\n".join(lines) + "\r\n").encode("utf-8"))
    return path


def write_ground_rates(folder: Path) -> Path:
    """Acme Ground list rates: title, effective date, '$' and thousands separators, zone 44,
    an 'each additional pound' row and a footnote."""
    folder.mkdir(parents=True, exist_ok=True)
    lines = [
        "Acme Ground - Daily Rates",
        "Effective January 5, 2026",
        "",
        "Weight (lbs),Zone 2,Zone 3,Zone 4,Zone 5,Zone 6,Zone 7,Zone 8,Zone 44",
    ]
    for lb in range(1, 71):
        cells = [money(ground_price(lb, z)) for z in ZONES]
        cells.append(money(ground_price(lb, 8) * 2) if lb <= 50 else "-")
        lines.append(",".join([f"{lb} lbs." if lb > 1 else "1 lb", *(f'"{c}"' for c in cells)]))
    extra = [f"{Decimal('0.47') * (z - 1) / 2:.4f}" for z in ZONES]
    lines.append(",".join(["Each additional pound", *extra, "-"]))
    lines.append("")
    lines.append("Rates do not include surcharges. See the service guide.")
    path = folder / "acme_ground_rates.csv"
    path.write_text("\n".join(lines) + "\n", encoding="utf-8")
    return path


def write_air_rates(folder: Path) -> Path:
    """Two services in one workbook, one per sheet, zone codes as headers, a merged title, a
    letter row, numbers stored as numbers."""
    folder.mkdir(parents=True, exist_ok=True)
    book = openpyxl.Workbook()
    for k, (service, title, codes) in enumerate(
        [("nda", "Next Day Air", range(102, 109)), ("2da", "2nd Day Air", range(202, 209))]
    ):
        ws = book.active if k == 0 else book.create_sheet()
        assert ws is not None
        ws.title = title
        ws["A1"] = f"Acme {title} Rates"
        ws["A1"].font = Font(bold=True)
        ws.merge_cells("A1:H1")
        ws["A2"] = "Effective 1/5/2026"
        ws.append([])
        ws.append(["Weight Not To Exceed", *(f"{c}" for c in codes)])
        ws.append(
            ["Letter", *(float(air_price(service, 1, c % 100) - Decimal("3.10")) for c in codes)]
        )
        for lb in range(1, 31):
            ws.append([lb, *(float(air_price(service, lb, c % 100)) for c in codes)])
    path = folder / "acme_air_rates.xlsx"
    book.save(path)
    return path


def write_incentives(folder: Path) -> Path:
    """The agreement: merged service cells (blank below), percents as XLSX percentages, tiers,
    a minimum reduced by an amount, surcharge and fuel incentives."""
    folder.mkdir(parents=True, exist_ok=True)
    book = openpyxl.Workbook()
    ws = book.active
    assert ws is not None
    ws.title = "Incentives"
    ws["A1"] = "Acme Parcel Pricing Agreement P-2026-118"
    ws["A2"] = "Effective Date: 01/05/2026"
    ws.append([])
    ws.append(["Service", "Charge", "Weight", "Zones", "Spend", "Incentive"])
    rows = [
        ["Acme Ground", "Transportation", "1-5 lbs", "All", None, 0.30],
        [None, "Transportation", "6-20 lbs", "2-4", None, 0.35],
        [None, "Transportation", "6-20 lbs", "5-8", None, 0.25],
        [None, "Transportation", "21+ lbs", "All", "$0 - $4,999.99", 0.10],
        [None, "Transportation", "21+ lbs", "All", "$5,000.00 - $19,999.99", 0.20],
        [None, "Transportation", "21+ lbs", "All", "$20,000.00+", 0.30],
        [None, "Residential Surcharge", None, None, None, 0.40],
        [None, "Minimum Net Charge", None, None, None, "Reduced by $1.50"],
        ["Next Day Air", "Transportation", "All", "102-108", None, "-42.5%"],
        ["2nd Day Air", "Transportation", "All", "All", None, "38%"],
        [None, "Fuel Surcharge", None, None, None, 0.10],
        ["Acme Ground", "Fuel Surcharge", None, None, None, 0.05],
        ["Acme Ground", "Delivery Area Surcharge", None, None, None, 0.25],
    ]
    start = ws.max_row + 1
    for row in rows:
        ws.append(row)
    for r in range(start, ws.max_row + 1):
        cell = ws.cell(r, 6)
        if isinstance(cell.value, float):
            cell.number_format = "0.00%"
    ws.merge_cells(f"A{start}:A{start + 7}")
    ws.append([])
    ws.append(["Incentives apply to list rates in effect at the time of shipping."])
    path = folder / "acme_incentives.xlsx"
    book.save(path)
    return path


def write_delivery_areas(folder: Path) -> Path:
    """ZIPs by tier in sections, several ZIPs a row, some that lost their leading zero."""
    folder.mkdir(parents=True, exist_ok=True)
    lines = [
        "Acme Delivery Area Surcharge ZIP Codes",
        "Effective January 5, 2026",
        "",
        "Delivery Area",
        "59601,59602,59603,59604",
        "82301,82310,2835",
        "",
        "Extended Delivery Area",
        "59711,59713,59714",
        "",
        "Remote Area Alaska",
        "99501,99502",
        "",
        "Remote Area Hawaii",
        "96701,96703",
    ]
    path = folder / "acme_das_zips.csv"
    path.write_text("\n".join(lines) + "\n", encoding="utf-8")
    return path


def write_fuel(folder: Path) -> Path:
    folder.mkdir(parents=True, exist_ok=True)
    lines = [
        "Acme Fuel Surcharge,,",
        "Effective Date,Ground,Domestic Air",
        "2026-11-16,19.50%,21.00%",
        "2026-11-23,19.75%,21.25%",
        "2026-11-30,20.00%,21.50%",
    ]
    path = folder / "acme_fuel.csv"
    path.write_text("\n".join(lines) + "\n", encoding="utf-8")
    return path


def write_all(folder: Path) -> list[Path]:
    folder.mkdir(parents=True, exist_ok=True)
    return [
        write_zone_chart(folder),
        write_ground_rates(folder),
        write_air_rates(folder),
        write_incentives(folder),
        write_delivery_areas(folder),
        write_fuel(folder),
    ]


if __name__ == "__main__":
    for written in write_all(Path(sys.argv[1])):
        print(written)
