"""The tracking-history format and its reader.

One row per delivered parcel (CSV with a header, or Parquet): ``carrier``, ``service``,
``origin_postal_code``, ``destination_postal_code``, ``shipped_at``, ``delivered_at`` (ISO
8601 local times; an offset, if any, is ignored: the wall-clock date is the day); optional
``tracking_number`` (duplicates are found by it, else by the whole row), ``promised_date``,
``guaranteed``, ``exception_code``. A bad row (unparseable time, delivered before shipped,
unknown service or ZIP, duplicate) is counted and reported by row and reason, never fatal.
"""

from __future__ import annotations

import csv
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import numpy as np

from shipopt.errors import InputError, Problem
from shipopt.geo import ZipDirectory
from shipopt.ratetables.registry import RateRegistry
from shipopt.transit.days import BusinessDays
from shipopt.zones import ZoneArrays

REQUIRED = (
    "carrier",
    "service",
    "origin_postal_code",
    "destination_postal_code",
    "shipped_at",
    "delivered_at",
)
EXAMPLES = 20  # rows listed per reason


@dataclass
class BadRows:
    counts: dict[str, int] = field(default_factory=dict)
    examples: dict[str, list[int]] = field(default_factory=dict)  # reason -> row numbers

    def add(self, reason: str, rows: np.ndarray) -> None:
        if len(rows):
            self.counts[reason] = self.counts.get(reason, 0) + len(rows)
            listed = self.examples.setdefault(reason, [])
            listed.extend(int(r) for r in rows[: max(0, EXAMPLES - len(listed))])

    @property
    def total(self) -> int:
        return sum(self.counts.values())


@dataclass
class Observations:
    """Good rows, column by column: each parcel's service, lane, zone, ship day, transit
    business days (by its service's calendar), and its row number in the files."""

    services: list[str]  # service keys; ``service`` indexes them
    service: np.ndarray
    origin3: np.ndarray
    dest3: np.ndarray
    zone: np.ndarray
    ship_day: np.ndarray  # datetime64[D]
    days: np.ndarray
    row: np.ndarray
    hour: np.ndarray  # the delivery's local hour of day, 0 to 24 (fractions of an hour)

    def __len__(self) -> int:
        return int(self.service.shape[0])


def _read_table(path: Path) -> Any:
    """The file's needed columns as an Arrow table (strings: ZIPs keep their zeros)."""
    try:
        import pyarrow as pa
        import pyarrow.csv as pacsv
        import pyarrow.parquet as pq
    except ImportError as exc:
        raise InputError(
            Problem("history", "reading a history needs pyarrow: pip install 'shipopt[transit]'")
        ) from exc
    if not path.is_file():
        raise InputError(Problem(str(path), "file not found"))
    try:
        if path.suffix.lower() in (".parquet", ".pq"):
            table = pq.read_table(path)
        else:
            with path.open(encoding="utf-8-sig", newline="") as fh:
                header = next(csv.reader(fh), [])
            wanted = [h for h in header if h.strip().lower() in (*REQUIRED, "tracking_number")]
            as_text = pacsv.ConvertOptions(
                column_types={name: pa.string() for name in wanted},
                include_columns=wanted,
                strings_can_be_null=False,
            )
            table = pacsv.read_csv(path, convert_options=as_text)
    except (pa.ArrowInvalid, OSError) as exc:
        raise InputError(Problem(str(path), f"cannot read: {exc}")) from exc
    table = table.rename_columns([n.strip().lower() for n in table.column_names])
    missing = [c for c in REQUIRED if c not in table.column_names]
    if missing:
        raise InputError(Problem(str(path), f"missing column(s): {', '.join(missing)}"))
    keep = [c for c in (*REQUIRED, "tracking_number") if c in table.column_names]
    return table.select(keep).cast(pa.schema([(c, pa.string()) for c in keep]))


def _times(values: Any) -> np.ndarray:
    """ISO local date-times (or dates) to datetime64[s]; NaT where unparseable."""
    import pyarrow.compute as pc

    text = pc.utf8_replace_slice(values, 19, 1_000, "")
    text = pc.replace_substring(text, " ", "T")
    full = pc.strptime(text, format="%Y-%m-%dT%H:%M:%S", unit="s", error_is_null=True)
    day = pc.strptime(
        pc.utf8_slice_codeunits(text, 0, 10), format="%Y-%m-%d", unit="s", error_is_null=True
    )
    out: np.ndarray = pc.coalesce(full, day).to_numpy(zero_copy_only=False)
    return out.astype("datetime64[s]")


def _codes(values: Any) -> tuple[np.ndarray, list[str]]:
    """Each value's index into the list of distinct values (no Python string per row)."""
    import pyarrow.compute as pc

    encoded = pc.dictionary_encode(values).combine_chunks()
    return encoded.indices.to_numpy(zero_copy_only=False), encoded.dictionary.to_pylist()


def _zip_numbers(values: Any) -> tuple[np.ndarray, np.ndarray]:
    """5-digit ZIPs as integers, and which values are 5-digit ZIPs."""
    import pyarrow.compute as pc

    text = pc.utf8_trim_whitespace(values)
    ok = pc.match_substring_regex(text, r"^[0-9]{5}$").to_numpy(zero_copy_only=False)
    numbers = pc.cast(pc.if_else(pc.match_substring_regex(text, r"^[0-9]{5}$"), text, "0"), "int64")
    return numbers.to_numpy(zero_copy_only=False), ok


def read_history(
    paths: list[Path], registry: RateRegistry, directory: ZipDirectory
) -> tuple[Observations, BadRows]:
    """Every good row of the files, and the bad ones by reason (row numbers count the header
    as row 1, and run on across files)."""
    import pyarrow as pa
    import pyarrow.compute as pc

    bad = BadRows()
    tables = [_read_table(path) for path in paths]
    names = [c for c in (*REQUIRED, "tracking_number") if all(c in t.column_names for t in tables)]
    data = pa.concat_tables([t.select(names) for t in tables])
    del tables
    n = data.num_rows
    row = np.arange(2, n + 2)
    key_codes, key_names = _codes(
        pc.binary_join_element_wise(data["carrier"], data["service"], "/")
    )
    known = sorted(k for k in registry.keys if registry.versions(k)[0].spec.mode == "parcel")
    lookup = np.array([known.index(k) if k in known else -1 for k in key_names] or [-1])
    service = lookup[key_codes] if n else np.zeros(0, dtype=np.int64)
    services = known
    ok = service >= 0
    bad.add("unknown service (not in the rate tables)", row[~ok])
    shipped, delivered = _times(data["shipped_at"]), _times(data["delivered_at"])
    parsed = ~np.isnat(shipped) & ~np.isnat(delivered)
    bad.add("unparseable shipped_at or delivered_at", row[ok & ~parsed])
    ok &= parsed
    late = delivered < shipped
    bad.add("delivered before shipped", row[ok & late])
    ok &= ~late
    origin_all, origin_ok = _zip_numbers(data["origin_postal_code"])
    dest_all, dest_ok = _zip_numbers(data["destination_postal_code"])
    zip_ok = origin_ok & dest_ok
    bad.add("postal code not a 5-digit ZIP", row[ok & ~zip_ok])
    ok &= zip_ok
    if "tracking_number" in names:
        ident, _ = _codes(data["tracking_number"])
    else:
        whole = pc.binary_join_element_wise(*(data[c] for c in REQUIRED), "|")
        ident, _ = _codes(whole)
    first = np.zeros(n, dtype=bool)
    _, where = np.unique(ident[ok], return_index=True)
    first[np.flatnonzero(ok)[where]] = True
    bad.add("duplicate", row[ok & ~first])
    ok &= first
    del data
    idx = np.flatnonzero(ok)
    origin = origin_all[idx]
    dest = dest_all[idx]
    svc = service[idx]
    ship_day = shipped[idx].astype("datetime64[D]")
    drop_day = delivered[idx].astype("datetime64[D]")
    hour = (delivered[idx] - drop_day.astype("datetime64[s]")).astype(np.int64) / 3600
    zone = np.full(len(idx), -1, dtype=np.int64)
    days = np.zeros(len(idx), dtype=np.int64)
    arrays = ZoneArrays(directory)
    years = ship_day.astype("datetime64[Y]").astype(int) + 1970 if len(idx) else np.array([2026])
    for k, key in enumerate(services):
        mine = svc == k
        if not mine.any():
            continue
        version = registry.versions(key)[-1]
        zone[mine] = arrays.zones(version, origin[mine], dest[mine])
        cal = BusinessDays.of(registry.calendar(version), int(years.min()), int(years.max()) + 1)
        days[mine] = cal.count(ship_day[mine], drop_day[mine])
    zoned = zone >= 0
    bad.add("ZIP without a location (no zone)", row[idx[~zoned]])
    keep = np.flatnonzero(zoned)
    return (
        Observations(
            services,
            svc[keep],
            origin[keep] // 100,
            dest[keep] // 100,
            zone[keep],
            ship_day[keep],
            days[keep],
            row[idx[keep]],
            hour[keep],
        ),
        bad,
    )
