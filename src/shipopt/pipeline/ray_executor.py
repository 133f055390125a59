"""The per-shipment work on Ray: a pool of actors, each holding the rate tables and a basket
cache, packs every distinct basket once and then rates every shipment, in chunks. Results come
back in submission order, so the plan is the one the local executor makes.

``ray`` is an optional extra (``pip install 'shipopt[ray]'``). With ``ray_address`` the work
joins an existing cluster (every node needs the rate-table folder at the same path); without,
a local Ray is started for the run and stopped after it.
"""

from __future__ import annotations

from collections.abc import Callable, Iterator
from pathlib import Path
from typing import Any

from shipopt.domain.batch import OrderLine, Sku, Warehouse
from shipopt.domain.packing import BoxType
from shipopt.domain.plan import Decision, PlanSettings
from shipopt.errors import InputError, Problem
from shipopt.pipeline.baskets import BasketKey, BasketPacking, basket_key
from shipopt.pipeline.shipments import Job, ShipmentWorker

CHUNK = 128


class PlanActor(ShipmentWorker):
    """One Ray worker: a ``ShipmentWorker`` on the rate tables at ``rate_tables``."""

    def __init__(
        self,
        rate_tables: str,
        skus: dict[str, Sku],
        boxes: list[BoxType],
        warehouses: list[Warehouse],
        settings: PlanSettings,
    ) -> None:
        super().__init__(Path(rate_tables), skus, boxes, warehouses, settings)


def _chunks(items: list[Any]) -> Iterator[list[Any]]:
    for k in range(0, len(items), CHUNK):
        yield items[k : k + CHUNK]


def decide_on_ray(
    jobs: list[Job],
    skus: dict[str, Sku],
    boxes: list[BoxType],
    warehouses: list[Warehouse],
    settings: PlanSettings,
    progress: Callable[[int, int], None] | None,
    record: Callable[[Job, Decision], None],
) -> list[Decision]:
    try:
        import ray
        from ray.util import ActorPool
    except ImportError:
        raise InputError(
            Problem("--executor", "ray is not installed: pip install 'shipopt[ray]'")
        ) from None
    if settings.rate_tables is None:
        raise InputError(Problem("rate_tables", "the Ray executor needs a rate-table folder"))
    started = not ray.is_initialized()
    if started:
        if settings.ray_address:
            ray.init(address=settings.ray_address, log_to_driver=False)
        else:
            ray.init(num_cpus=settings.workers, include_dashboard=False, log_to_driver=False)
    try:
        actor = ray.remote(num_cpus=1)(PlanActor)
        n = max(1, settings.workers)
        shared = [ray.put(x) for x in (skus, boxes, warehouses, settings)]
        pool = ActorPool(
            [actor.remote(str(settings.rate_tables.resolve()), *shared) for _ in range(n)]
        )
        first: dict[BasketKey, tuple[OrderLine, ...]] = {}
        for _, _, lines in jobs:
            first.setdefault(basket_key(lines), lines)
        total, done = len(first) + len(jobs), 0
        packed: dict[BasketKey, BasketPacking | str] = {}
        keys = iter(first)
        for results in pool.map(lambda a, c: a.pack.remote(c), list(_chunks(list(first.values())))):
            for result in results:
                packed[next(keys)] = result
            done += len(results)
            if progress is not None:
                progress(done, total)
        work = [(o, wid, lines, packed[basket_key(lines)]) for o, wid, lines in jobs]
        decisions: list[Decision] = []
        for results in pool.map(lambda a, c: a.decide.remote(c), list(_chunks(work))):
            for result in results:
                record(jobs[len(decisions)], result)
                decisions.append(result)
            done += len(results)
            if progress is not None:
                progress(done, total)
        return decisions
    finally:
        if started:
            ray.shutdown()
