"""Independent checkers: re-derive prices from the rate-table files with Decimal arithmetic in
natural units (inches, pounds, dollars), without using shipopt's rating code."""

from __future__ import annotations

import csv
import tomllib
from datetime import date
from decimal import ROUND_CEILING, ROUND_HALF_UP, Decimal
from pathlib import Path
from typing import Any

CENT = Decimal("0.01")
LB_G = Decimal("453.59237")
IN_MM = Decimal("25.4")
UNIT_G = {"lb": LB_G, "kg": Decimal(1000), "oz": LB_G / 16, "g": Decimal(1)}
LEN_MM = {"in": IN_MM, "cm": Decimal(10), "mm": Decimal(1), "ft": IN_MM * 12}


def q(text: str) -> tuple[Decimal, str]:
    number, unit = text.split()
    return Decimal(number), unit


def grams(text: str) -> Decimal:
    n, u = q(text)
    return n * UNIT_G[u]


def mm(text: str) -> Decimal:
    n, u = q(text)
    return n * LEN_MM[u]


def cents(x: Decimal) -> Decimal:
    return x.quantize(CENT, rounding=ROUND_HALF_UP)


def expected_parcel_charges(
    toml_path: Path,
    dims_mm: tuple[Decimal, Decimal, Decimal],
    weight_g: Decimal,
    zone: int,
    residential: bool,
    dest_zip: str,
    ship_date: date,
) -> dict[str, Decimal] | None:
    """Charge totals by code for one parcel, or None if the service cannot carry it."""
    spec: dict[str, Any] = tomllib.loads(toml_path.read_text())
    w = spec.get("weights", {})
    dunit = w.get("dims_unit", "in")
    wunit = w.get("unit", "lb")
    mode = ROUND_CEILING if w.get("dims_rounding", "nearest") == "up" else ROUND_HALF_UP
    sides = sorted(
        ((d / LEN_MM[dunit]).to_integral_value(rounding=mode) for d in dims_mm), reverse=True
    )
    length, second = sides[0], sides[1]
    size = sides[0] + 2 * sides[1] + 2 * sides[2]
    volume = sides[0] * sides[1] * sides[2]
    actual = weight_g / UNIT_G[wunit]
    lim = spec["limits"]
    if weight_g > grams(lim["max_weight"]):
        return None
    if "max_length" in lim and length * LEN_MM[dunit] > mm(lim["max_length"]):
        return None
    if "max_length_plus_girth" in lim and size * LEN_MM[dunit] > mm(lim["max_length_plus_girth"]):
        return None
    surcharges = spec.get("surcharges", [])
    lp = next((s for s in surcharges if s["kind"] == "large_package"), None)
    ah = next((s for s in surcharges if s["kind"] == "additional_handling"), None)

    def over(rule: dict[str, Any], key: str, value_mm: Decimal) -> bool:
        return key in rule and value_mm > mm(rule[key])

    large = lp is not None and (
        over(lp, "length_plus_girth_over", size * LEN_MM[dunit])
        or over(lp, "length_over", length * LEN_MM[dunit])
        or ("weight_over" in lp and weight_g > grams(lp["weight_over"]))
    )
    inc = grams(w.get("round_up_to", f"1 {wunit}")) / UNIT_G[wunit]
    heaviest = actual
    divisor = w.get("dim_divisor")
    if divisor and volume > w.get("dim_min_volume", 0):
        heaviest = max(actual, volume / Decimal(divisor))
    billable = (heaviest / inc).to_integral_value(rounding=ROUND_CEILING) * inc
    if large and "min_billable_weight" in lp:  # type: ignore[operator]
        billable = max(billable, grams(lp["min_billable_weight"]) / UNIT_G[wunit])  # type: ignore[index]

    with (toml_path.parent / spec["grid"]["file"]).open() as fh:
        rows = list(csv.reader(fh))
    gunit = rows[0][0].removeprefix("weight_")
    col = rows[0].index(str(zone)) if str(zone) in rows[0] else None
    if col is None:
        return None
    billable_g = billable * UNIT_G[wunit]
    base = None
    extra_row = rows[-1] if rows[-1][0].startswith("per_additional_") else None
    body = rows[1:-1] if extra_row else rows[1:]
    for row in body:
        if Decimal(row[0]) * UNIT_G[gunit] >= billable_g:
            base = Decimal(row[col])
            break
    if base is None:
        if extra_row is None:
            return None
        per = UNIT_G[extra_row[0].removeprefix("per_additional_")]
        last_g = Decimal(body[-1][0]) * UNIT_G[gunit]
        units = ((billable_g - last_g) / per).to_integral_value(rounding=ROUND_CEILING)
        base = Decimal(body[-1][col]) + cents(units * Decimal(extra_row[col]))
    base = max(base, Decimal(spec.get("minimum_charge", "0")))
    out: dict[str, Decimal] = {"base": base}
    res = next((s for s in surcharges if s["kind"] == "residential"), None)
    if residential and res:
        out["residential"] = Decimal(res["amount"])
    das = [
        Decimal(s.get("residential_amount", s["amount"]) if residential else s["amount"])
        for s in surcharges
        if s["kind"] == "delivery_area"
        and (
            dest_zip in s.get("zips", [])
            or any(dest_zip.startswith(p) for p in s.get("zip_prefixes", []))
        )
    ]
    if das:
        out["delivery_area"] = max(das)
    if large:
        out["large_package"] = Decimal(lp["amount"])  # type: ignore[index]
    elif ah:
        amounts = []
        if (
            over(ah, "longest_side_over", length * LEN_MM[dunit])
            or over(ah, "second_side_over", second * LEN_MM[dunit])
            or over(ah, "length_plus_girth_over", size * LEN_MM[dunit])
        ):
            amounts.append(Decimal(ah["amount"]))
        if "weight_over" in ah and weight_g > grams(ah["weight_over"]):
            amounts.append(Decimal(ah.get("weight_amount", ah["amount"])))
        if amounts:
            out["additional_handling"] = max(amounts)
    for s in surcharges:
        if s["kind"] == "nonstandard_length":
            length_mm = length * LEN_MM[dunit]
            if length_mm > mm(s["length_over"]) and (
                "length_up_to" not in s or length_mm <= mm(s["length_up_to"])
            ):
                out["nonstandard_length"] = out.get("nonstandard_length", Decimal(0)) + Decimal(
                    s["amount"]
                )
        if s["kind"] == "nonstandard_volume":
            cubic_ft = volume * LEN_MM[dunit] ** 3 / (IN_MM * 12) ** 3
            if cubic_ft > Decimal(s["volume_over_cubic_ft"]):
                out["nonstandard_volume"] = Decimal(s["amount"])
    for s in surcharges:
        if s["kind"] == "peak" and s["start"] <= ship_date <= s["end"]:
            for code, amount in s["amounts"].items():
                if code in out:
                    out["peak"] = out.get("peak", Decimal(0)) + Decimal(amount)
    fuel = spec.get("fuel", {})
    pct = Decimal(fuel.get("percent", "0"))
    if pct:
        codes = fuel.get("applies_to", ["base"])
        fuel_amount = cents(sum((v for k, v in out.items() if k in codes), Decimal(0)) * pct / 100)
        if fuel_amount:
            out["fuel"] = fuel_amount
    return out
