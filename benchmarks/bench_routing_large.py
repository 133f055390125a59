"""Large own-fleet requests: wall time against the time limit, stops served, peak memory.
Usage: python -m benchmarks.bench_routing_large [--stops 5000] [--limits 10,30]"""

from __future__ import annotations

import argparse
import random
import resource
import time
from typing import Any

from benchmarks.results_io import show, write
from shipopt.domain.routing import RoutingRequest
from shipopt.pipeline.route import plan_routes


def request(stops: int, vans: int, limit: float, seed: int = 1) -> RoutingRequest:
    """Stops spread over the Chicago area, 3 minutes each, a drop penalty each; 10-hour vans."""
    rng = random.Random(seed)
    places = [
        {"lat": 41.6 + rng.random() * 0.6, "lon": -88.0 + rng.random() * 0.7} for _ in range(stops)
    ]
    van = {
        "id": "van", "count": vans, "depot": "D", "capacity_weight": "1500 lb",
        "capacity_parcels": 150, "fixed_cost": "45", "cost_per_km": "0.55",
        "cost_per_hour": "30", "shift_start": "08:00", "shift_end": "18:00",
        "max_duration_minutes": 600,
    }  # fmt: skip
    return RoutingRequest.model_validate(
        {
            "depots": [{"id": "D", "place": {"coordinates": {"lat": 41.88, "lon": -87.63}}}],
            "vehicle_types": [van],
            "stops": [
                {
                    "id": f"S{k}",
                    "place": {"coordinates": p},
                    "weight": "10 lb",
                    "parcels": 1,
                    "service_minutes": 3,
                    "drop_penalty": "15.00",
                }
                for k, p in enumerate(places)
            ],
            "solver": "auto",
            "time_limit": limit,
        }
    )


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--stops", type=int, default=5000)
    parser.add_argument("--vans", type=int, default=40)
    parser.add_argument("--limits", default="10,30")
    args = parser.parse_args()
    rows: list[dict[str, Any]] = []
    for limit in (float(x) for x in args.limits.split(",")):
        req = request(args.stops, args.vans, limit)
        start = time.perf_counter()
        result = plan_routes(req)
        wall = time.perf_counter() - start
        peak = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss // 1024
        kids = resource.getrusage(resource.RUSAGE_CHILDREN).ru_maxrss // 1024
        rows.append(
            {
                "stops": args.stops,
                "limit s": limit,
                "wall s": round(wall, 1),
                "served": sum(len(r.visits) for r in result.routes),
                "routes": len(result.routes),
                "feasible": result.feasible,
                "peak MB (process, largest child)": f"{peak}, {kids}",
                "note": result.note[:60],
            }
        )
    show("Large routing requests (auto)", rows)
    write("routing_large", "Large routing requests", rows, {})


if __name__ == "__main__":
    main()
