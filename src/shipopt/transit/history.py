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


def _read_table(path: Path) -> dict[str, np.ndarray]:
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
            as_text = pacsv.ConvertOptions(  # ZIPs keep their leading zeros
                column_types={name: pa.string() for name in header}, strings_can_be_null=False
            )
            table = pacsv.read_csv(path, convert_options=as_text)
    except (pa.ArrowInvalid, OSError) as exc:
        raise InputError(Problem(str(path), f"cannot read: {exc}")) from exc
    names = [n.strip().lower() for n in table.column_names]
    missing = [c for c in REQUIRED if c not in names]
    if missing:
        raise InputError(Problem(str(path), f"missing column(s): {', '.join(missing)}"))
    return {
        name: table.column(i).cast(pa.string()).to_numpy(zero_copy_only=False)
        for i, name in enumerate(names)
        if name in (*REQUIRED, "tracking_number")
    }


def _times(values: np.ndarray) -> np.ndarray:
    """ISO local date-times (or dates) to datetime64[s]; NaT where unparseable."""
    import pyarrow as pa
    import pyarrow.compute as pc

    text = pc.utf8_replace_slice(pa.array(values.astype(str)), 19, 1_000, "")
    text = pc.replace_substring(text, " ", "T")
    full = pc.strptime(text, format="%Y-%m-%dT%H:%M:%S", unit="s", error_is_null=True)
    day = pc.strptime(
        pc.utf8_slice_codeunits(text, 0, 10), format="%Y-%m-%d", unit="s", error_is_null=True
    )
    out: np.ndarray = pc.coalesce(full, day).to_numpy(zero_copy_only=False)
    return out.astype("datetime64[s]")


def read_history(
    paths: list[Path], registry: RateRegistry, directory: ZipDirectory
) -> tuple[Observations, BadRows]:
    """Every good row of the files, and the bad ones by reason (row numbers count the header
    as row 1, and run on across files)."""
    bad = BadRows()
    columns: dict[str, list[np.ndarray]] = {}
    for path in paths:
        for name, values in _read_table(path).items():
            columns.setdefault(name, []).append(values)
    data = {name: np.concatenate(parts) for name, parts in columns.items()}
    n = len(data["carrier"])
    row = np.arange(2, n + 2)
    keys = np.char.add(np.char.add(data["carrier"].astype(str), "/"), data["service"].astype(str))
    known = {k for k in registry.keys if registry.versions(k)[0].spec.mode == "parcel"}
    services = sorted(known)
    service = np.searchsorted(np.array(services), keys) if services else np.zeros(n, int)
    ok = np.isin(keys, np.array(services)) if services else np.zeros(n, bool)
    bad.add("unknown service (not in the rate tables)", row[~ok])
    shipped, delivered = _times(data["shipped_at"]), _times(data["delivered_at"])
    parsed = ~np.isnat(shipped) & ~np.isnat(delivered)
    bad.add("unparseable shipped_at or delivered_at", row[ok & ~parsed])
    ok &= parsed
    late = delivered < shipped
    bad.add("delivered before shipped", row[ok & late])
    ok &= ~late
    zips = [
        np.char.strip(data[c].astype(str))
        for c in ("origin_postal_code", "destination_postal_code")
    ]
    zip_ok = np.char.isdigit(zips[0]) & np.char.isdigit(zips[1])
    zip_ok &= (np.char.str_len(zips[0]) == 5) & (np.char.str_len(zips[1]) == 5)
    bad.add("postal code not a 5-digit ZIP", row[ok & ~zip_ok])
    ok &= zip_ok
    ident = data.get("tracking_number")
    if ident is None:
        ident = np.char.add(
            np.char.add(keys, "|"),
            np.char.add(
                data["shipped_at"].astype(str), data["destination_postal_code"].astype(str)
            ),
        )
    first = np.zeros(n, dtype=bool)
    _, where = np.unique(ident[ok], return_index=True)
    first[np.flatnonzero(ok)[where]] = True
    bad.add("duplicate", row[ok & ~first])
    ok &= first
    idx = np.flatnonzero(ok)
    origin = zips[0][idx].astype(np.int64)
    dest = zips[1][idx].astype(np.int64)
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
