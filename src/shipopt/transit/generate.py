"""A sample tracking history with a known truth, for developing and testing the transit model.

Each parcel's transit business days (by its service's calendar) are the service's standard
days for the lane's zone, plus:

- a **lane delay** of -1, 0, +1 or +2 days by carrier and destination ZIP3 (10/60/20/10%),
  the truth a fit should recover (``Truth.lane_delay``);
- **weekday**: a parcel shipped on a Friday one more day with probability 0.35;
- **peak season** (20 November to 31 December): one more day with probability 0.4 on
  services of two or more standard days;
- **holiday backlog**: shipped within two days after a closed day, one more day with
  probability 0.3;
- **disruptions**: three events, each a week long in one ZIP region (the ZIP's first digit),
  two more days with probability 0.6;
- **noise**: one day early with probability 0.08, one day late with 0.12;
- **lost or very late**: 0.2% of parcels 5 to 15 days late;

at least one day. Deterministic for a seed.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import date, timedelta

import numpy as np

from shipopt.geo import ZipDirectory, usable_zips
from shipopt.ratetables.registry import RateRegistry
from shipopt.transit.days import BusinessDays
from shipopt.transit.history import REQUIRED
from shipopt.zones import ZoneArrays

COLUMNS = ("tracking_number", *REQUIRED, "promised_date", "guaranteed", "exception_code")
ORIGINS = ("10001", "60601", "30301", "75201", "90001", "98101", "08817", "43004")


@dataclass
class Truth:
    """What the generator did: the lane delays and the disruption events."""

    lane_delay: dict[tuple[str, str], int] = field(default_factory=dict)  # (carrier, ZIP3)
    disruptions: list[tuple[int, date, date]] = field(default_factory=list)  # region, start, end


@dataclass
class History:
    columns: dict[str, np.ndarray]
    truth: Truth

    def __len__(self) -> int:
        return len(self.columns["carrier"])


def in_peak(days: np.ndarray) -> np.ndarray:
    """Whether each day is in the peak window, 20 November to 31 December."""
    months = days.astype("datetime64[M]")
    month = months.astype(np.int64) % 12 + 1
    day = (days.astype("datetime64[D]") - months.astype("datetime64[D]")).astype(np.int64) + 1
    peak: np.ndarray = (month == 12) | ((month == 11) & (day >= 20))
    return peak


def _bernoulli(rng: np.random.Generator, n: int, p: float) -> np.ndarray:
    bits: np.ndarray = (rng.random(n) < p).astype(np.int64)
    return bits


def sample_history(
    registry: RateRegistry,
    directory: ZipDirectory,
    rows: int,
    seed: int,
    start: date = date(2025, 1, 6),
    end: date = date(2026, 11, 27),
    destinations: int | None = None,
    first_number: int = 0,
) -> History:
    """``rows`` delivered parcels shipped between ``start`` and ``end`` on the registry's
    parcel services in force on ``end``, to every usable ZIP (or to the ZIPs of
    ``destinations`` ZIP3s drawn at random, for dense lanes); tracking numbers count from
    ``first_number``."""
    rng = np.random.default_rng(seed)
    services = [
        s
        for key in registry.keys
        if (s := registry.in_force(key, end)) is not None and s.spec.mode == "parcel"
    ]
    zips = np.array([int(z) for z in usable_zips(directory)], dtype=np.int64)
    zip3s = np.unique(zips // 100)
    if destinations is not None:
        chosen = rng.choice(zip3s, size=min(destinations, len(zip3s)), replace=False)
        zips = zips[np.isin(zips // 100, chosen)]
    carriers = sorted({s.spec.carrier for s in services})
    truth = Truth()
    delays = rng.choice([-1, 0, 1, 2], size=(len(carriers), 1000), p=[0.1, 0.6, 0.2, 0.1])
    for c, carrier in enumerate(carriers):
        for z in zip3s:
            truth.lane_delay[(carrier, f"{z:03d}")] = int(delays[c, z])
    span = (end - start).days
    for _ in range(3):
        first = start + timedelta(days=int(rng.integers(0, span - 7)))
        truth.disruptions.append((int(rng.integers(0, 10)), first, first + timedelta(days=6)))
    zone_arrays = ZoneArrays(directory)
    pick = rng.integers(0, len(services), size=rows)
    parts: list[dict[str, np.ndarray]] = []
    for k, service in enumerate(services):
        n = int((pick == k).sum())
        if n:
            parts.append(
                _service_rows(
                    service,
                    n,
                    rng,
                    zips,
                    start,
                    end,
                    zone_arrays,
                    registry,
                    truth,
                    carriers.index(service.spec.carrier),
                    delays,
                )
            )
    columns = {name: np.concatenate([p[name] for p in parts]) for name in COLUMNS[1:]}
    order = rng.permutation(len(columns["carrier"]))
    columns = {name: values[order] for name, values in columns.items()}
    numbers = range(first_number, first_number + len(order))
    columns = {"tracking_number": np.array([f"T{i:09d}" for i in numbers]), **columns}
    return History(columns, truth)


def _service_rows(
    service: object,
    n: int,
    rng: np.random.Generator,
    zips: np.ndarray,
    start: date,
    end: date,
    zone_arrays: ZoneArrays,
    registry: RateRegistry,
    truth: Truth,
    carrier_index: int,
    delays: np.ndarray,
) -> dict[str, np.ndarray]:
    from shipopt.ratetables.compiled import Service

    assert isinstance(service, Service)
    spec = service.spec
    calendar = registry.calendar(service)
    days = BusinessDays.of(calendar, start.year - 1, end.year + 1)
    pickup = "".join(
        "1" if d in spec.transit.pickup_weekdays else "0"
        for d in ("mon", "tue", "wed", "thu", "fri", "sat", "sun")
    )
    origin = rng.choice(np.array([int(z) for z in ORIGINS]), size=n)
    dest = rng.choice(zips, size=n)
    zone = zone_arrays.zones(service, origin, dest)
    standard = np.full(n, -1, dtype=np.int64)
    for z, d in spec.transit.days_by_zone.items():
        standard[zone == z] = d
    keep = standard >= 0
    origin, dest, zone, standard = origin[keep], dest[keep], zone[keep], standard[keep]
    m = len(origin)
    first = np.datetime64(start, "D")
    ship = first + rng.integers(0, (end - start).days, size=m)
    ship = np.busday_offset(ship, 0, roll="forward", weekmask=pickup, holidays=days.holidays)
    ship = np.minimum(ship, np.datetime64(end, "D"))
    transit = standard + delays[carrier_index, dest // 100]
    weekday = (ship.astype("datetime64[D]").view("int64") - 4) % 7  # 0 = Monday
    transit += np.where(weekday == 4, _bernoulli(rng, m, 0.35), 0)
    peak = in_peak(ship)
    if max(spec.transit.days_by_zone.values(), default=0) >= 2:
        transit += np.where(peak & (standard >= 2), _bernoulli(rng, m, 0.4), 0)
    after_holiday = np.zeros(m, dtype=bool)
    for h in days.holidays:
        gap = (ship - h).astype(np.int64)
        after_holiday |= (gap >= 1) & (gap <= 2)
    transit += np.where(after_holiday, _bernoulli(rng, m, 0.3), 0)
    for region, a, b in truth.disruptions:
        hit = (dest // 10_000 == region) & (ship >= np.datetime64(a)) & (ship <= np.datetime64(b))
        transit += np.where(hit, 2 * _bernoulli(rng, m, 0.6), 0)
    noise = rng.random(m)
    transit += np.where(noise < 0.08, -1, np.where(noise > 0.88, 1, 0))
    lost = rng.random(m) < 0.002
    transit += np.where(lost, rng.integers(5, 16, size=m), 0)
    transit = np.maximum(transit, 1)
    delivered = days.add(ship, transit)
    promised = days.add(ship, standard)
    ship_time = ship.astype("datetime64[s]") + rng.integers(8 * 3600, 17 * 3600, size=m).astype(
        "timedelta64[s]"
    )
    drop_time = delivered.astype("datetime64[s]") + rng.integers(
        9 * 3600, 20 * 3600, size=m
    ).astype("timedelta64[s]")
    return {
        "carrier": np.full(m, spec.carrier),
        "service": np.full(m, spec.service),
        "origin_postal_code": np.char.zfill(origin.astype(str), 5),
        "destination_postal_code": np.char.zfill(dest.astype(str), 5),
        "shipped_at": np.datetime_as_string(ship_time),
        "delivered_at": np.datetime_as_string(drop_time),
        "promised_date": np.datetime_as_string(promised),
        "guaranteed": np.full(m, "true" if spec.transit.guaranteed else "false"),
        "exception_code": np.where(lost, "DELAYED", ""),
    }


def write_history_csv(history: History, path: object) -> None:
    """The history as CSV (pyarrow's writer: millions of rows in seconds)."""
    import pyarrow as pa
    import pyarrow.csv as pacsv

    table = pa.table({name: pa.array(history.columns[name]) for name in COLUMNS})
    pacsv.write_csv(table, str(path))
