"""Seeded random parcels and lanes, for tests and benchmarks of the rating paths."""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

import numpy as np

from shipopt.geo import ZipDirectory, usable_zips
from shipopt.rating.vectorized import ParcelArrays
from shipopt.units import NG_PER, NM_PER


@dataclass(frozen=True)
class RandomParcels:
    origin_zip: np.ndarray
    parcels: ParcelArrays


def random_parcels(directory: ZipDirectory, n: int, seed: int) -> RandomParcels:
    """``n`` parcels: sides 2-40 in (some up to 110 in), 1 oz to 80 lb, 40% residential,
    ten origins and destinations across every usable ZIP."""
    rng = np.random.default_rng(seed)
    zips = np.array([int(z) for z in usable_zips(directory)], dtype=np.int64)
    origins = rng.choice(zips, size=10, replace=False)
    sides_in = rng.uniform(2, 40, size=(n, 3))
    big = rng.random(n) < 0.05
    sides_in[big, 0] = rng.uniform(40, 110, size=int(big.sum()))
    sides_nm = np.round(sides_in * 100).astype(np.int64) * (NM_PER["in"] // 100)
    oz = rng.integers(1, 80 * 16, size=n)
    weight = oz.astype(np.int64) * NG_PER["oz"]
    return RandomParcels(
        origin_zip=rng.choice(origins, size=n),
        parcels=ParcelArrays(
            sides_nm=sides_nm,
            weight_ng=weight,
            residential=rng.random(n) < 0.4,
            dest_zip=rng.choice(zips, size=n),
        ),
    )


def quote_payloads(sample: RandomParcels) -> list[dict[str, Any]]:
    """One quote request (JSON-ready) per random parcel, ready at 09:00 on 2026-12-01."""
    p = sample.parcels
    out = []
    for i in range(len(p)):
        sides = "x".join(f"{int(x) / 25_400_000}" for x in p.sides_nm[i])
        out.append(
            {
                "shipment": {
                    "origin": {"postal_code": f"{sample.origin_zip[i]:05d}"},
                    "destination": {
                        "postal_code": f"{p.dest_zip[i]:05d}",
                        "residential": bool(p.residential[i]),
                    },
                    "parcels": [
                        {
                            "dimensions": f"{sides} in",
                            "weight": f"{int(p.weight_ng[i]) // 28_349_523_125} oz",
                        }
                    ],
                    "ship_at": "2026-12-01T09:00:00",
                }
            }
        )
    return out
