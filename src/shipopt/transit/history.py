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
from collections.abc import Iterator
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
    standard: np.ndarray  # the carrier's standard transit days for the parcel's zone
    after_closed: np.ndarray  # shipped within two delivery days after a closed day

    def __len__(self) -> int:
        return int(self.service.shape[0])


BATCH_BYTES = 64 << 20  # CSV read in blocks of this size: the whole file is never held as text


def _batches(path: Path) -> Iterator[Any]:
    """The file's needed columns, a batch of rows at a time, as Arrow tables of strings
    (ZIPs keep their zeros)."""
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
    wanted = (*REQUIRED, "tracking_number")
    try:
        if path.suffix.lower() in (".parquet", ".pq"):
            parquet = pq.ParquetFile(path)
            header = parquet.schema_arrow.names
            columns = [h for h in header if h.strip().lower() in wanted]
            batches: Iterator[Any] = parquet.iter_batches(batch_size=1 << 20, columns=columns)
        else:
            with path.open(encoding="utf-8-sig", newline="") as fh:
                header = next(csv.reader(fh), [])
            columns = [h for h in header if h.strip().lower() in wanted]
            as_text = pacsv.ConvertOptions(
                column_types={name: pa.string() for name in columns},
                include_columns=columns,
                strings_can_be_null=False,
            )
            batches = pacsv.open_csv(
                path,
                read_options=pacsv.ReadOptions(block_size=BATCH_BYTES),
                convert_options=as_text,
            )
        missing = [c for c in REQUIRED if c not in {h.strip().lower() for h in columns}]
        if missing:
            raise InputError(Problem(str(path), f"missing column(s): {', '.join(missing)}"))
        for batch in batches:
            table = pa.Table.from_batches([batch])
            table = table.rename_columns([n.strip().lower() for n in table.column_names])
            keep = [c for c in wanted if c in table.column_names]
            yield table.select(keep).cast(pa.schema([(c, pa.string()) for c in keep]))
    except (pa.ArrowInvalid, OSError) as exc:
        raise InputError(Problem(str(path), f"cannot read: {exc}")) from exc


@dataclass
class _Columns:
    """One batch's columns as numbers (the text dropped once read)."""

    service: np.ndarray
    shipped: np.ndarray
    delivered: np.ndarray
    origin: np.ndarray
    origin_ok: np.ndarray
    dest: np.ndarray
    dest_ok: np.ndarray
    ident: Any  # the parcel's identity (tracking number, else the whole row), Arrow strings
    fingerprint: np.ndarray  # a 64-bit hash of ``ident``: equal identities, equal hashes


def _columns(table: Any, known: list[str]) -> _Columns:
    import pyarrow.compute as pc

    key_codes, key_names = _codes(
        pc.binary_join_element_wise(table["carrier"], table["service"], "/")
    )
    lookup = np.array([known.index(k) if k in known else -1 for k in key_names] or [-1])
    origin, origin_ok = _zip_numbers(table["origin_postal_code"])
    dest, dest_ok = _zip_numbers(table["destination_postal_code"])
    if "tracking_number" in table.column_names:
        ident = table["tracking_number"]
    else:
        ident = pc.binary_join_element_wise(*(table[c] for c in REQUIRED), "|")
    return _Columns(
        lookup[key_codes] if table.num_rows else np.zeros(0, dtype=np.int64),
        _times(table["shipped_at"]),
        _times(table["delivered_at"]),
        origin,
        origin_ok,
        dest,
        dest_ok,
        ident,
        _fingerprints(ident),
    )


def _times(values: Any) -> np.ndarray:
    """ISO local date-times (or dates) to datetime64[s]; NaT where unparseable."""
    import pyarrow as pa
    import pyarrow.compute as pc

    text = values
    if (pc.max(pc.utf8_length(values)).as_py() or 0) > 19:
        text = pc.utf8_replace_slice(values, 19, 1_000, "")  # fractions and offsets dropped
    try:  # every value well formed: Arrow's ISO 8601 cast, several times faster
        fast: np.ndarray = pc.cast(text, pa.timestamp("s")).to_numpy(zero_copy_only=False)
        return fast.astype("datetime64[s]")
    except pa.ArrowInvalid:
        pass
    text = pc.replace_substring(text, " ", "T")
    full = pc.strptime(text, format="%Y-%m-%dT%H:%M:%S", unit="s", error_is_null=True)
    day = pc.strptime(
        pc.utf8_slice_codeunits(text, 0, 10), format="%Y-%m-%d", unit="s", error_is_null=True
    )
    out: np.ndarray = pc.coalesce(full, day).to_numpy(zero_copy_only=False)
    return out.astype("datetime64[s]")


_MULTIPLIER = np.uint64(0x9E3779B97F4A7C15)
_SLICE = 1 << 16  # strings hashed this many at a time (a few MB of temporaries)


def _fingerprints(values: Any) -> np.ndarray:
    """A 64-bit polynomial hash of each string (null: 0), from the Arrow buffers without a
    Python string per row. Equal strings hash equal; rows that share a hash are compared
    exactly afterwards, so a collision costs a comparison, never a wrong answer."""
    import pyarrow as pa

    out = [np.zeros(0, dtype=np.uint64)]
    chunks = values.chunks if isinstance(values, pa.ChunkedArray) else [values]
    for chunk in chunks:
        for start in range(0, len(chunk), _SLICE):
            out.append(_hash_strings(chunk.slice(start, _SLICE)))
    return np.concatenate(out)


def _hash_strings(strings: Any) -> np.ndarray:
    n = len(strings)
    buffers = strings.buffers()
    offsets = np.frombuffer(buffers[1], dtype=np.int32, count=n + 1, offset=strings.offset * 4)
    lo, hi = int(offsets[0]), int(offsets[-1])
    data = np.zeros(0, dtype=np.uint8)
    if buffers[2] is not None:
        data = np.frombuffer(buffers[2], dtype=np.uint8)[lo:hi]
    lengths = np.diff(offsets)
    position = np.arange(hi - lo) - np.repeat(offsets[:-1] - lo, lengths)
    powers = np.cumprod(np.full(int(lengths.max(initial=0)) + 1, _MULTIPLIER, dtype=np.uint64))
    terms = (data.astype(np.uint64) + np.uint64(1)) * powers[position]
    total = np.concatenate([np.zeros(1, dtype=np.uint64), np.cumsum(terms, dtype=np.uint64)])
    hashed: np.ndarray = total[offsets[1:] - lo] - total[offsets[:-1] - lo]
    hashed ^= lengths.astype(np.uint64) * np.uint64(0xBF58476D1CE4E5B9)
    hashed ^= hashed >> np.uint64(31)
    if strings.null_count:
        hashed[~np.asarray(strings.is_valid())] = 0
    return hashed


def _first_of_each(fingerprint: np.ndarray, ident: Any, ok: np.ndarray) -> np.ndarray:
    """Among the ``ok`` rows, the first row of each identity (a row without one, null, is
    its own): unique hashes are unique identities; rows sharing a hash are compared."""
    first = ok.copy()
    rows = np.flatnonzero(ok)
    order = np.argsort(fingerprint[rows], kind="stable")
    hashes = fingerprint[rows][order]
    shared = np.zeros(len(rows), dtype=bool)
    same = hashes[1:] == hashes[:-1]
    shared[1:] |= same
    shared[:-1] |= same
    candidates = np.sort(rows[order[shared]])
    seen: set[str] = set()
    for row, name in zip(candidates.tolist(), ident.take(candidates).to_pylist(), strict=True):
        if name is None:
            continue
        if name in seen:
            first[row] = False
        else:
            seen.add(name)
    return first


def _codes(values: Any) -> tuple[np.ndarray, list[str]]:
    """Each value's index into the list of distinct values (no Python string per row)."""
    import pyarrow.compute as pc

    encoded = pc.dictionary_encode(values).combine_chunks()
    return encoded.indices.to_numpy(zero_copy_only=False), encoded.dictionary.to_pylist()


def _zip_numbers(values: Any) -> tuple[np.ndarray, np.ndarray]:
    """5-digit ZIPs as integers, and which values are 5-digit ZIPs."""
    import pyarrow.compute as pc

    text = pc.utf8_trim_whitespace(values)
    five = pc.and_(pc.equal(pc.utf8_length(text), 5), pc.ascii_is_decimal(text))
    numbers = pc.cast(pc.if_else(five, text, "0"), "int64")
    return numbers.to_numpy(zero_copy_only=False), five.to_numpy(zero_copy_only=False)


def _joined(parts: list[_Columns], name: str, dtype: str) -> np.ndarray:
    out: np.ndarray = np.concatenate(
        [getattr(p, name) for p in parts] or [np.zeros(0, dtype=dtype)]
    )
    return out


def read_history(
    paths: list[Path], registry: RateRegistry, directory: ZipDirectory
) -> tuple[Observations, BadRows]:
    """Every good row of the files, and the bad ones by reason (row numbers count the header
    as row 1, and run on across files)."""
    import pyarrow as pa

    bad = BadRows()
    known = sorted(k for k in registry.keys if registry.versions(k)[0].spec.mode == "parcel")
    parts = [_columns(table, known) for path in paths for table in _batches(path)]

    service = _joined(parts, "service", "int64")
    shipped = _joined(parts, "shipped", "datetime64[s]")
    delivered = _joined(parts, "delivered", "datetime64[s]")
    origin_all, origin_ok = _joined(parts, "origin", "int64"), _joined(parts, "origin_ok", "bool")
    dest_all, dest_ok = _joined(parts, "dest", "int64"), _joined(parts, "dest_ok", "bool")
    ident = pa.chunked_array([c for p in parts for c in p.ident.chunks], pa.string())
    fingerprint = _joined(parts, "fingerprint", "uint64")
    del parts
    n = len(service)
    row = np.arange(2, n + 2)
    services = known
    ok = service >= 0
    bad.add("unknown service (not in the rate tables)", row[~ok])
    parsed = ~np.isnat(shipped) & ~np.isnat(delivered)
    bad.add("unparseable shipped_at or delivered_at", row[ok & ~parsed])
    ok &= parsed
    late = delivered < shipped
    bad.add("delivered before shipped", row[ok & late])
    ok &= ~late
    zip_ok = origin_ok & dest_ok
    bad.add("postal code not a 5-digit ZIP", row[ok & ~zip_ok])
    ok &= zip_ok
    first = _first_of_each(fingerprint, ident, ok)
    del ident, fingerprint
    bad.add("duplicate", row[ok & ~first])
    ok &= first
    idx = np.flatnonzero(ok)
    origin = origin_all[idx]
    dest = dest_all[idx]
    svc = service[idx]
    ship_day = shipped[idx].astype("datetime64[D]")
    drop_day = delivered[idx].astype("datetime64[D]")
    hour = (delivered[idx] - drop_day.astype("datetime64[s]")).astype(np.int64) / 3600
    zone = np.full(len(idx), -1, dtype=np.int64)
    standard = np.full(len(idx), -1, dtype=np.int64)
    days = np.zeros(len(idx), dtype=np.int64)
    after = np.zeros(len(idx), dtype=bool)
    arrays = ZoneArrays(directory)
    years = ship_day.astype("datetime64[Y]").astype(int) + 1970 if len(idx) else np.array([2026])
    for k, key in enumerate(services):
        mine = svc == k
        if not mine.any():
            continue
        version = registry.versions(key)[-1]
        zone[mine] = zones = arrays.zones(version, origin[mine], dest[mine])
        by_zone = version.spec.transit.days_by_zone
        table = np.full(max([*by_zone, int(zones.max(initial=0))]) + 2, -1, dtype=np.int64)
        table[list(by_zone)] = list(by_zone.values())
        standard[mine] = table[zones]  # a zone of -1 reads the last cell: -1
        cal = BusinessDays.of(registry.calendar(version), int(years.min()), int(years.max()) + 1)
        days[mine] = cal.count(ship_day[mine], drop_day[mine])
        after[mine] = cal.after_closed(ship_day[mine])
    zoned = zone >= 0
    bad.add("ZIP without a location (no zone)", row[idx[~zoned]])
    bad.add("zone without standard transit days", row[idx[zoned & (standard < 0)]])
    keep = np.flatnonzero(zoned & (standard >= 0))
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
            standard[keep],
            after[keep],
        ),
        bad,
    )
