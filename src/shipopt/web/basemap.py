"""US state outlines for the routes map, offline: the Census Bureau's 2016 cartographic
boundary file (public domain) as shipped by the ``plotly-geo`` package, read with ``pyshp``,
simplified (Douglas-Peucker, about 1 km) to a GeoJSON of some 400 KB, cached per process."""

from __future__ import annotations

import itertools
import json
from functools import cache
from pathlib import Path
from typing import Any

import numpy as np

TOLERANCE_DEG = 0.01


def _shapefile() -> Path:
    try:
        import _plotly_geo
    except ImportError as exc:  # the web extra is not installed
        raise RuntimeError(
            "the map's state outlines need the web extra: pip install 'shipopt[web]'"
        ) from exc
    return Path(_plotly_geo.__file__).parent / "package_data" / "cb_2016_us_state_500k"


def simplify(points: np.ndarray, tolerance: float) -> np.ndarray:
    """Douglas-Peucker: the points of a line kept so that none dropped is farther than
    ``tolerance`` from the simplified line (first and last always kept)."""
    n = len(points)
    if n < 3:
        return points
    keep = np.zeros(n, dtype=bool)
    keep[0] = keep[-1] = True
    stack = [(0, n - 1)]
    while stack:
        a, b = stack.pop()
        if b <= a + 1:
            continue
        seg = points[b] - points[a]
        rel = points[a + 1 : b] - points[a]
        norm = float(np.hypot(*seg))
        if norm == 0:
            dist = np.hypot(rel[:, 0], rel[:, 1])
        else:
            dist = np.abs(seg[0] * rel[:, 1] - seg[1] * rel[:, 0]) / norm
        k = int(np.argmax(dist))
        if dist[k] > tolerance:
            mid = a + 1 + k
            keep[mid] = True
            stack.extend([(a, mid), (mid, b)])
    kept: np.ndarray = points[keep]
    return kept


@cache
def us_states() -> dict[str, Any]:
    """A GeoJSON FeatureCollection of the states (and DC, Puerto Rico), one feature each."""
    import shapefile

    reader = shapefile.Reader(str(_shapefile()))
    names = [f.name for f in reader.fields[1:]]
    features = []
    for shape_record in reader.iterShapeRecords():
        record = dict(zip(names, shape_record.record, strict=True))
        shape = shape_record.shape
        starts = [*shape.parts, len(shape.points)]
        rings = []
        for a, b in itertools.pairwise(starts):
            ring = simplify(np.asarray(shape.points[a:b], dtype=float), TOLERANCE_DEG)
            if len(ring) >= 4:
                rings.append([[round(x, 3), round(y, 3)] for x, y in ring.tolist()])
        if rings:
            features.append(
                {
                    "type": "Feature",
                    "properties": {"code": record["STUSPS"], "name": record["NAME"]},
                    "geometry": {"type": "MultiPolygon", "coordinates": [[r] for r in rings]},
                }
            )
    return {"type": "FeatureCollection", "features": features}


def us_states_json() -> str:
    return json.dumps(us_states(), separators=(",", ":"))
