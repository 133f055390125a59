"""Delivery-area ZIP lists by tier (delivery area, extended, remote, Alaska, Hawaii). A file
may give the tier per row (a ZIP and a tier column), per column (tier names as headers, ZIPs
below), per section (a title row naming the tier), or for the whole file (``--tier``). Each
tier becomes ``das_<tier>.csv`` and a delivery-area surcharge on the carrier's services, at
the amounts ``--amount TIER=COMMERCIAL[/RESIDENTIAL]`` gives (or the file already had)."""

from __future__ import annotations

import os
from pathlib import Path

import tomlkit
from tomlkit.items import AoT

from shipopt.errors import InputError, Problem
from shipopt.importers.cells import CellError, zip5
from shipopt.importers.common import Problems, Session
from shipopt.importers.folder import csv_text
from shipopt.importers.reader import Sheet, read_sheets

TIER_NAMES = {
    "delivery_area": "Delivery area",
    "extended": "Extended delivery area",
    "remote": "Remote area",
    "alaska": "Remote area Alaska",
    "hawaii": "Remote area Hawaii",
}


def _zip_cell(text: str) -> str | None:
    try:
        return zip5(text)
    except CellError:
        return None


def read_tiers(session: Session, sheet: Sheet, problems: Problems) -> dict[str, set[str]]:
    """Every ZIP of the sheet by tier."""
    layout = session.layout
    out: dict[str, set[str]] = {}
    column_tiers: dict[int, str] = {}
    tier_col: int | None = None
    current = session.options.tier
    for row in sheet.rows:
        zips = [(c, z) for c, text in enumerate(row.cells) if (z := _zip_cell(text))]
        tier_cell = 1 if tier_col is not None and row.cell(tier_col) else 0
        if len(zips) != len(row.filled) - tier_cell:
            zips = []  # a row of ZIPs holds nothing else (but its tier)
        named = {
            c: t for c, text in enumerate(row.cells) if (t := layout.found_in(layout.tiers, text))
        }
        if not zips:
            if len(row.filled) == 1 and named:
                current, column_tiers = next(iter(named.values())), {}  # a section title
            elif len(named) > 1 or (named and len(row.filled) == len(named)):
                column_tiers = named  # tier names heading columns of ZIPs
            tier_cols = [c for c, text in enumerate(row.cells) if layout.is_role(text, "tier")]
            if tier_cols and len(row.filled) > 1:
                tier_col = tier_cols[0]
            continue
        row_tier = (
            layout.found_in(layout.tiers, row.cell(tier_col)) if tier_col is not None else None
        )
        if tier_col is not None and row.cell(tier_col) and row_tier is None:
            known = ", ".join(sorted(layout.tiers))
            problems.add(
                sheet, row.number, f"unknown tier {row.cell(tier_col)!r} (known: {known})", tier_col
            )
            continue
        for col, code in zips:
            tier = row_tier or column_tiers.get(col) or current
            if tier is None:
                problems.add(
                    sheet,
                    row.number,
                    "no tier for this ZIP (no tier column, heading or section title): give --tier",
                    col,
                )
                return out
            out.setdefault(tier, set()).add(code)
    return out


def import_delivery_areas(session: Session, files: list[Path]) -> None:
    problems = Problems()
    tiers: dict[str, set[str]] = {}
    for path in files:
        for sheet in read_sheets(path):
            session.report.read.append(sheet.source)
            for tier, zips in read_tiers(session, sheet, problems).items():
                tiers.setdefault(tier, set()).update(zips)
    problems.raise_any()
    if not tiers:
        raise InputError(Problem(", ".join(p.name for p in files), "no ZIP codes found"))
    targets = session.targets()
    home = session.folder.home
    for tier in sorted(set(session.options.amounts) - set(tiers)):
        session.report.warnings.append(f"--amount {tier}: no ZIP of that tier in the files")
    for tier, zips in sorted(tiers.items()):
        session.folder.add_file(
            home / f"das_{tier}.csv", csv_text([["zip"], *([z] for z in sorted(zips))])
        )
        session.report.count(f"ZIPs {tier}", len(zips))
    missing: list[Problem] = []
    for sid in targets:
        versions = session.folder.all_versions(sid)
        if not versions:
            missing.append(Problem("--service", f"no service file for {sid}"))
        for version in versions:
            _attach(session, version.doc, version.path, tiers, home, missing)
            version.changed = True
    if missing:
        raise InputError(missing)


def _attach(
    session: Session,
    doc: tomlkit.TOMLDocument,
    path: Path,
    tiers: dict[str, set[str]],
    home: Path,
    problems: list[Problem],
) -> None:
    """Replace the delivery-area surcharges of the imported tiers in one service file."""
    surcharges = doc.get("surcharges")
    if not isinstance(surcharges, AoT):
        surcharges = tomlkit.aot()
    kept, old = tomlkit.aot(), {}
    for entry in surcharges:
        name = entry.get("zips_file", "")
        tier = Path(str(name)).stem.removeprefix("das_") if name else None
        if entry.get("kind") == "delivery_area" and tier in tiers:
            old[tier] = entry
        else:
            kept.append(entry)
    for tier in sorted(tiers):
        amount = session.options.amounts.get(tier)
        if amount is None and tier in old:
            amount = (
                int(float(old[tier]["amount"]) * 100 + 0.5),
                int(float(old[tier].get("residential_amount", old[tier]["amount"])) * 100 + 0.5),
            )
        if amount is None:
            problems.append(
                Problem(
                    "--amount",
                    f"no amount for tier {tier!r}: give --amount "
                    f"{tier}=COMMERCIAL/RESIDENTIAL (e.g. {tier}=3.95/5.60)",
                )
            )
            continue
        entry = tomlkit.table()
        entry["kind"] = "delivery_area"
        entry["name"] = TIER_NAMES.get(tier, tier.replace("_", " ").capitalize())
        entry["amount"] = f"{amount[0] / 100:.2f}"
        entry["residential_amount"] = f"{amount[1] / 100:.2f}"
        entry["zips_file"] = os.path.relpath(home / f"das_{tier}.csv", path.parent)
        kept.append(entry)
    doc["surcharges"] = kept
