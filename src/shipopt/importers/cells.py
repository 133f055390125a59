"""Cell parsers for carrier files: money, percentages, weights, ZIP ranges, zones, bands.

Each raises :class:`CellError` with a message fit to follow the cell's file, row and column.
"""

from __future__ import annotations

import re
from datetime import date, datetime
from decimal import Decimal, InvalidOperation

from shipopt.units import NG_PER

NOT_OFFERED = frozenset({"", "-", "--", "\u2013", "\u2014", "n/a", "na", "not offered", "n.a."})
_NUMBER = re.compile(r"^\(?-?\d{1,3}(,\d{3})+(\.\d+)?\)?$|^\(?-?\d*\.?\d+\)?$")
_UNITS = {
    "lb": "lb",
    "lbs": "lb",
    "pound": "lb",
    "pounds": "lb",
    "oz": "oz",
    "ounce": "oz",
    "ounces": "oz",
    "kg": "kg",
    "g": "g",
}


class CellError(ValueError):
    """A cell that cannot be read, and why."""


def is_not_offered(text: str) -> bool:
    return text.strip().lower() in NOT_OFFERED


def number(text: str, what: str = "number") -> Decimal:
    """``"1,234.50"``, ``"$12.00"``, ``"USD 3.5"`` -> Decimal (thousands separators and
    currency signs dropped)."""
    raw = text.strip()
    body = re.sub(r"(?i)^(usd|us\$|\$)\s*|\s*(usd|\$)$", "", raw).replace("$", "").strip()
    if not _NUMBER.match(body):
        raise CellError(f"{what} {raw!r} is not a number")
    negative = body.startswith("(") or body.startswith("-")
    try:
        value = Decimal(body.strip("()").replace(",", "").lstrip("-"))
    except InvalidOperation as exc:
        raise CellError(f"{what} {raw!r} is not a number") from exc
    return -value if negative else value


def money_cents(text: str, what: str = "price") -> int:
    value = number(text, what)
    if value < 0:
        raise CellError(f"{what} {text.strip()!r} is negative")
    if value != value.quantize(Decimal("0.01")):
        raise CellError(f"{what} {text.strip()!r} has more than two decimals")
    return int(value * 100)


def price_4(text: str, what: str = "price") -> Decimal:
    """A per-unit price with up to four decimals."""
    value = number(text, what)
    if value < 0 or value != value.quantize(Decimal("0.0001")):
        raise CellError(f"{what} {text.strip()!r} must be positive with at most four decimals")
    return value


def percent(text: str, what: str = "percent") -> Decimal:
    """``"25%"``, ``"25.5 %"``, ``"-25%"`` (a discount written negative), ``"25"`` -> 25.5."""
    raw = text.strip().replace("%", "").strip()
    value = abs(number(raw, what))
    if value > 100:
        raise CellError(f"{what} {text.strip()!r} is over 100%")
    if value != value.quantize(Decimal("0.0001")):
        raise CellError(f"{what} {text.strip()!r} has more than four decimals")
    return value.normalize()


def fraction_column(texts: list[str]) -> bool:
    """Whether a column's percentages are written as fractions: every number below 1 and
    none with '%' (an XLSX column of 0.25 without a percent format means 25%)."""
    numbers = []
    for text in texts:
        if "%" in text:
            return False
        try:
            numbers.append(number(text))
        except CellError:
            continue
    return bool(numbers) and all(abs(n) < 1 for n in numbers)


def column_percent(text: str, fractions: bool, what: str = "percent") -> Decimal:
    found = percent(text, what)
    return (found * 100).normalize() if fractions and "%" not in text else found


def weight(text: str, default_unit: str = "lb") -> tuple[Decimal, str]:
    """``"2"``, ``"2 lbs."``, ``"8 oz"``, ``"0.5 kg"`` -> (2, "lb")."""
    m = re.fullmatch(r"(\d+(?:\.\d+)?)\s*([a-zA-Z]*)\.?", text.strip())
    if not m:
        raise CellError(f"weight {text.strip()!r} is not a weight")
    unit = _UNITS.get(m.group(2).lower()) if m.group(2) else default_unit
    if unit is None:
        raise CellError(f"weight {text.strip()!r} has an unknown unit {m.group(2)!r}")
    return Decimal(m.group(1)), unit


def weight_ng(text: str, default_unit: str = "lb") -> int:
    value, unit = weight(text, default_unit)
    return int(value * NG_PER[unit])


def weight_band(text: str) -> tuple[int, int | None]:
    """``"1-5 lbs"`` -> (1 lb, 5 lb); ``"151+"``, ``"21 lbs and over"`` -> (21 lb, None);
    ``"All"`` or blank -> (0, None); ``"up to 5 lb"`` -> (0, 5 lb). In nanograms."""
    raw = text.strip().lower().replace("\u2013", "-").replace(" to ", "-")
    if raw in ("", "all", "all weights", "any"):
        return 0, None
    unit = "oz" if "oz" in raw else "kg" if "kg" in raw else "lb"
    body = re.sub(r"(lbs?|pounds?|oz|kg)\.?", "", raw).strip()
    m = re.fullmatch(
        r"(\d+(?:\.\d+)?)\s*(\+|and (?:over|above|up)|or more|\s*-\s*(\d+(?:\.\d+)?))?", body
    )
    if m and m.group(2) is None:
        ng = int(Decimal(m.group(1)) * NG_PER[unit])
        return ng, ng
    if m and m.group(3) is None:
        return int(Decimal(m.group(1)) * NG_PER[unit]), None
    if m:
        lo, hi = (int(Decimal(m.group(i)) * NG_PER[unit]) for i in (1, 3))
        if hi < lo:
            raise CellError(f"weight band {text.strip()!r} ends before it starts")
        return lo, hi
    m = re.fullmatch(r"(?:up to|under|<=?)\s*(\d+(?:\.\d+)?)", body)
    if m:
        return 0, int(Decimal(m.group(1)) * NG_PER[unit])
    raise CellError(f"weight band {text.strip()!r} is not like '1-5 lb', '151+' or 'All'")


def number_list(text: str, what: str) -> list[int] | None:
    """``"2-8"``, ``"2, 3, 5"``, ``"Zones 44-46"`` -> the whole numbers; ``"All"`` -> None."""
    raw = re.sub(r"(?i)zones?", "", text).strip().replace("\u2013", "-")
    if raw.lower() in ("", "all", "all zones", "any"):
        return None
    out: list[int] = []
    for part in re.split(r"\s*[,;/&]\s*|\s+and\s+", raw):
        m = re.fullmatch(r"(\d+)\s*(?:-\s*(\d+))?", part.strip())
        if not m:
            raise CellError(f"{what} {text.strip()!r} is not like '2-8', '2, 3, 5' or 'All'")
        lo, hi = int(m.group(1)), int(m.group(2) or m.group(1))
        if hi < lo:
            raise CellError(f"{what} {text.strip()!r}: {part} ends before it starts")
        out.extend(range(lo, hi + 1))
    return out


def zip3_range(text: str) -> tuple[int, int]:
    """``"004-005"``, ``"004"``, ``"00400-00599"``, ``"4"`` (a number that lost its zeros)
    -> (4, 5)."""
    raw = text.strip().replace("\u2013", "-").replace(" to ", "-").replace(" ", "")
    m = re.fullmatch(r"(\d{1,5})(?:-(\d{1,5}))?", raw)
    if not m:
        raise CellError(f"ZIP range {text.strip()!r} is not like '004-005' or '004'")
    lo, hi = m.group(1), m.group(2) or m.group(1)
    if len(lo) > 3 or len(hi) > 3:  # five-digit ZIPs: their ZIP3s
        lo, hi = lo.zfill(5)[:3], hi.zfill(5)[:3]
    start, end = int(lo), int(hi)
    if end < start:
        raise CellError(f"ZIP range {text.strip()!r} ends before it starts")
    return start, end


def zip5(text: str) -> str:
    raw = text.strip().replace(" ", "")
    if re.fullmatch(r"\d{5}-\d{4}", raw):
        raw = raw[:5]
    if not re.fullmatch(r"\d{3,5}", raw):
        raise CellError(f"ZIP {text.strip()!r} is not a 5-digit ZIP code")
    return raw.zfill(5)


_MONTHS = "january february march april may june july august september october november december"
_MONTH_RE = r"(jan|feb|mar|apr|may|jun|jul|aug|sep|sept|oct|nov|dec)[a-z]*\.?"
_DATE_PATTERNS = [
    (re.compile(r"\b(\d{4})-(\d{2})-(\d{2})\b"), "ymd"),
    (re.compile(r"\b(\d{1,2})/(\d{1,2})/(\d{4}|\d{2})\b"), "mdy"),
    (re.compile(r"(?i)\b" + _MONTH_RE + r"\s+(\d{1,2}),?\s+(\d{4})\b"), "Mdy"),
    (re.compile(r"(?i)\b(\d{1,2})[\s-]+" + _MONTH_RE + r"[\s-]+(\d{4})\b"), "dMy"),
]


def find_date(text: str) -> date | None:
    """The first date written as 2026-01-05, 1/5/2026 or January 5, 2026 in ``text``."""
    found: list[tuple[int, date]] = []
    for pattern, order in _DATE_PATTERNS:
        for m in pattern.finditer(text):
            a, b, c = m.groups()
            try:
                if order == "ymd":
                    day = date(int(a), int(b), int(c))
                elif order == "mdy":
                    year = int(c) + (2000 if len(c) == 2 else 0)
                    day = date(year, int(a), int(b))
                elif order == "Mdy":
                    day = date(int(c), _month(a), int(b))
                else:
                    day = date(int(c), _month(b), int(a))
            except ValueError:
                continue
            found.append((m.start(), day))
            break
    return min(found)[1] if found else None


def _month(text: str) -> int:
    return [m[:3] for m in _MONTHS.split()].index(text[:3].lower()) + 1


def parse_date(text: str) -> date:
    day = find_date(text)
    if day is None:
        try:
            return datetime.fromisoformat(text.strip()).date()
        except ValueError as exc:
            raise CellError(f"date {text.strip()!r} is not like 2026-01-05 or 1/5/2026") from exc
    return day


def spend_band(text: str) -> int:
    """The lower end of a spend band, in cents: ``"$0 - $4,999.99"`` -> 0,
    ``"$20,000+"`` -> 2,000,000."""
    raw = text.strip().replace("\u2013", "-")
    body = re.sub(r"(?i)^\s*tier\s*\d+\s*[:.)-]?\s*", "", raw)
    m = re.search(r"\$\s*([\d,]+(?:\.\d+)?)", body) or re.match(r"\s*([\d,]+(?:\.\d+)?)", body)
    if not m:
        raise CellError(f"spend band {raw!r} does not start with an amount")
    return money_cents(m.group(1), "spend")
