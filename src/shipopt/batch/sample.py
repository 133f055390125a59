"""A realistic, seeded sample day: a SKU catalog, three warehouses with inventory, and orders.

About 60% of orders are a single unit; destinations are drawn ZIP3 by ZIP3 in proportion to the
number of ZIP codes with a point in each (a population proxy: the offline ZIP data carries no
population), then a ZIP within it; 85% residential.
"""

from __future__ import annotations

import csv
import json
import random
from dataclasses import dataclass
from datetime import date, datetime, time, timedelta
from pathlib import Path

from shipopt.domain.plan import DEFAULT_DAY
from shipopt.geo import ZipDirectory, haversine_miles

Range = tuple[int, int]
CATEGORIES: tuple[
    tuple[str, float, Range, Range, Range, tuple[float, float], dict[str, bool]], ...
] = (  # name, share, length/width/height ranges (in), weight range (lb), flags
    ("apparel", 0.30, (9, 14), (7, 11), (1, 3), (0.3, 1.5), {}),
    ("books", 0.15, (8, 11), (5, 8), (1, 2), (0.6, 2.5), {}),
    ("electronics", 0.20, (5, 12), (4, 9), (2, 5), (0.4, 4.0), {}),
    ("home", 0.20, (10, 20), (8, 14), (5, 12), (2.0, 15.0), {}),
    ("kitchen", 0.10, (6, 14), (6, 12), (4, 10), (1.0, 8.0), {"fragile": True}),
    ("bulky", 0.05, (28, 44), (16, 26), (10, 20), (15.0, 45.0), {"ships_alone": True}),
)
WAREHOUSES = (("NJ1", "08817"), ("TX1", "75261"), ("CA1", "91761"))
VAN_FLEETS = {"NJ1": 3, "CA1": 2}  # own vans for local deliveries
LOCAL_MILES = 35
STREETS = ("Main St", "Oak Ave", "Maple Dr", "Cedar Ln", "Park Rd", "Elm St", "Pine St", "Lake Ave")


def _latlon(directory: ZipDirectory, zip5: str) -> tuple[float, float]:
    p = directory.resolve(zip5)
    return p.lat, p.lon


@dataclass(frozen=True)
class SampleDay:
    skus: list[dict[str, object]]
    warehouses: list[dict[str, object]]
    order_rows: list[dict[str, object]]


NON_CONTIGUOUS = ("AA", "AE", "AP", "GU", "PR", "VI", "AS", "MP", "PW", "FM", "MH")


def sample_day(
    directory: ZipDirectory,
    n_orders: int,
    seed: int,
    day: date = DEFAULT_DAY,
    n_skus: int = 200,
    local_share: float = 0.0,
) -> SampleDay:
    """A seeded day. ``local_share``: the share of orders sent within van reach (35 miles) of a
    warehouse that has vans (the rest follow the population)."""
    rng = random.Random(seed)
    skus = _skus(rng, n_skus)
    popularity = [rng.paretovariate(1.2) for _ in skus]
    warehouses = _warehouses(rng, skus, popularity, n_orders)
    by_zip3: dict[str, list[str]] = {}
    for z in sorted(directory.known_zips()):
        if directory.has_point(z) and directory.state_of(z) not in NON_CONTIGUOUS:
            by_zip3.setdefault(z[:3], []).append(z)
    local = _local_zips(directory, by_zip3) if local_share > 0 else []
    rows = _order_rows(rng, n_orders, day, skus, popularity, by_zip3, local, local_share)
    return SampleDay(skus, warehouses, rows)


def _skus(rng: random.Random, n_skus: int) -> list[dict[str, object]]:
    """``n_skus`` SKUs drawn from the categories (sizes in inches, weights in pounds)."""
    skus: list[dict[str, object]] = []
    for k in range(n_skus):
        name, _, lr, wr, hr, mr, flags = rng.choices(
            CATEGORIES, weights=[c[1] for c in CATEGORIES]
        )[0]
        skus.append(
            {
                "sku": f"{name[:3].upper()}-{k:04d}",
                "length": rng.randint(*lr),
                "width": rng.randint(*wr),
                "height": rng.randint(*hr),
                "dims_unit": "in",
                "weight": round(rng.uniform(*mr), 2),
                "weight_unit": "lb",
                "orientation": "upright" if name == "kitchen" else "any",
                "fragile": bool(flags.get("fragile")),
                "ships_alone": bool(flags.get("ships_alone")),
            }
        )
    return skus


def _warehouses(
    rng: random.Random, skus: list[dict[str, object]], popularity: list[float], n_orders: int
) -> list[dict[str, object]]:
    """The sample warehouses, each stocking about three SKUs in four, some with vans."""
    total = sum(popularity)
    warehouses: list[dict[str, object]] = []
    for wid, zip5 in WAREHOUSES:
        # about 2.5 times the expected demand for each SKU (1.7 units an order) in each warehouse
        # that carries it (three in four do), so that a few fast movers still run short
        inventory = {
            str(s["sku"]): max(3, round(2.5 * n_orders * w / total * rng.uniform(0.6, 1.6)))
            for s, w in zip(skus, popularity, strict=True)
            if rng.random() < 0.75
        }
        entry: dict[str, object] = {
            "id": wid,
            "postal_code": zip5,
            "inventory": inventory,
            "cutoff": "16:00",
        }
        if wid in VAN_FLEETS:
            entry["fleet"] = {"vans": VAN_FLEETS[wid], "radius_miles": 40}
        warehouses.append(entry)
    return warehouses


def _local_zips(directory: ZipDirectory, by_zip3: dict[str, list[str]]) -> list[str]:
    """The ZIPs within van reach (``LOCAL_MILES``) of a warehouse with vans."""
    local: list[str] = []
    for wid, home_zip in WAREHOUSES:
        if wid in VAN_FLEETS:
            home = directory.resolve(home_zip)
            local += [
                z
                for zs in by_zip3.values()
                for z in zs
                if haversine_miles((home.lat, home.lon), _latlon(directory, z)) <= LOCAL_MILES
            ]
    return local


def _order_rows(
    rng: random.Random,
    n_orders: int,
    day: date,
    skus: list[dict[str, object]],
    popularity: list[float],
    by_zip3: dict[str, list[str]],
    local: list[str],
    local_share: float,
) -> list[dict[str, object]]:
    """The day's order rows: ZIPs by population (or local), repeat customers, a few B2B."""
    zip3s = sorted(by_zip3)
    weights = [len(by_zip3[z]) for z in zip3s]
    rows: list[dict[str, object]] = []
    start = datetime.combine(day, time(0, 0))
    customers: list[tuple[str, bool, str]] = []  # (ZIP, residential, street) seen today
    for o in range(n_orders):
        oid = f"O{day:%Y%m%d}-{o:06d}"
        kind = rng.random()
        b2b = kind < 0.01  # a shop restocking: many units, a business address
        if customers and kind > 0.97:  # the same customer orders again the same day
            zip5, residential, street = rng.choice(customers)
        else:
            if local and rng.random() < local_share:
                zip5 = rng.choice(local)
            else:
                zip5 = rng.choice(by_zip3[rng.choices(zip3s, weights=weights)[0]])
            residential = not b2b and rng.random() < 0.85
            street = f"{rng.randint(1, 9999)} {rng.choice(STREETS)}"
            customers.append((zip5, residential, street))
        single = not b2b and rng.random() < 0.6
        n_lines = 1 if single else rng.randint(2, 5) if b2b else rng.randint(1, 4)
        picks = rng.choices(skus, weights=popularity, k=n_lines)
        seen = set()
        ordered_at = start + timedelta(seconds=rng.randint(0, 20 * 3600))
        deliver_by = (
            (day + timedelta(days=rng.randint(2, 5))).isoformat() if rng.random() < 0.2 else ""
        )
        for s in picks:
            if s["sku"] in seen:
                continue
            seen.add(s["sku"])
            rows.append(
                {
                    "order_id": oid,
                    "sku": s["sku"],
                    "quantity": 1 if single else rng.randint(12, 40) if b2b else rng.randint(1, 3),
                    "postal_code": zip5,
                    "residential": "true" if residential else "false",
                    "deliver_by": deliver_by,
                    "ordered_at": ordered_at.isoformat(),
                    "address": street,
                }
            )
    return rows


def write_sample(sample: SampleDay, folder: Path) -> dict[str, Path]:
    folder.mkdir(parents=True, exist_ok=True)
    paths = {
        "orders": folder / "orders.csv",
        "skus": folder / "skus.csv",
        "warehouses": folder / "warehouses.json",
    }
    for key, rows in (("orders", sample.order_rows), ("skus", sample.skus)):
        with paths[key].open("w", newline="", encoding="utf-8") as fh:
            writer = csv.DictWriter(fh, fieldnames=list(rows[0]), lineterminator="\n")
            writer.writeheader()
            writer.writerows(rows)
    paths["warehouses"].write_text(json.dumps(sample.warehouses, indent=1) + "\n")
    return paths
