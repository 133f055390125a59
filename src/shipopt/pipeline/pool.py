"""A plan's local process pool: each worker process holds one ``ShipmentWorker``. Baskets start
packing as soon as the orders are known (while the parent sources them); each distinct basket is
packed once; then every shipment is rated on its own lane with its basket's packing."""

from __future__ import annotations

import gc
import multiprocessing
from collections.abc import Callable
from concurrent.futures import Future, ProcessPoolExecutor
from pathlib import Path

from shipopt.domain.batch import OrderLine, Sku, Warehouse
from shipopt.domain.packing import BoxType
from shipopt.domain.plan import Decision, PlanSettings, ShipmentDecision
from shipopt.pipeline.baskets import BasketKey, BasketPacking, basket_key, without_layout
from shipopt.pipeline.shipments import Job, PackedJob, ShipmentWorker

PROGRESS_EVERY = 64  # results between progress reports from the pool
_WORKER: list[ShipmentWorker] = []  # this worker process's state, set by its initializer


def _init_worker(
    rate_tables: Path,
    skus: dict[str, Sku],
    boxes: list[BoxType],
    warehouses: list[Warehouse],
    settings: PlanSettings,
) -> None:
    _WORKER[:] = [ShipmentWorker(rate_tables, skus, boxes, warehouses, settings)]
    quiet_collector()


def quiet_collector() -> None:
    """For a process that plans: what exists now stays (the collector skips it) and full
    collections all but stop (they walked the growing memos again and again: about a fifth of
    packing time). Memory is still freed by reference counting; ``loud_collector`` undoes it."""
    gc.freeze()
    gc.set_threshold(100_000, 50, 1000)


def loud_collector() -> None:
    """The collector as Python sets it up, everything it was told to skip walked again."""
    gc.set_threshold(700, 10, 10)
    gc.unfreeze()


def _ready() -> None:
    """Nothing: asked of a new pool so that its workers start (and load) at once."""


def _pack_work(chunk: list[tuple[OrderLine, ...]]) -> list[BasketPacking | str]:
    return _WORKER[0].pack(chunk)


def _rate_work(job: PackedJob) -> Decision:
    return _WORKER[0].decide([job])[0]


class PoolRun:
    """The pool of one plan run; ``close`` it (``failed`` cancels what is still queued)."""

    def __init__(
        self,
        skus: dict[str, Sku],
        boxes: list[BoxType],
        warehouses: list[Warehouse],
        settings: PlanSettings,
    ) -> None:
        assert settings.rate_tables is not None
        self.settings = settings
        self.pool = ProcessPoolExecutor(
            settings.workers,
            # spawn, not fork: the HTTP service runs plans beside other threads, and a fork
            # taken while one of them holds a lock can hang the child
            mp_context=multiprocessing.get_context("spawn"),
            initializer=_init_worker,
            initargs=(settings.rate_tables, skus, boxes, warehouses, settings),
        )
        self.pending: dict[BasketKey, Future[list[BasketPacking | str]]] = {}
        self.index: dict[BasketKey, int] = {}
        for _ in range(settings.workers):  # a pool starts a worker per task it is given
            self.pool.submit(_ready)

    def prepack(self, baskets: list[tuple[OrderLine, ...]]) -> None:
        todo = list({basket_key(b): b for b in baskets if basket_key(b) not in self.index}.items())
        size = max(1, min(16, len(todo) // (self.settings.workers * 8)))
        for k in range(0, len(todo), size):
            chunk = todo[k : k + size]
            future = self.pool.submit(_pack_work, [lines for _, lines in chunk])
            for n, (key, _) in enumerate(chunk):
                self.pending[key], self.index[key] = future, n

    def decide(
        self,
        jobs: list[Job],
        progress: Callable[[int, int], None] | None,
        record: Callable[[Job, Decision], None],
    ) -> list[Decision]:
        self.prepack([lines for _, _, lines in jobs])  # split shipments' own baskets
        keys = list(dict.fromkeys(basket_key(lines) for _, _, lines in jobs))
        total, done = len(keys) + len(jobs), 0
        packed: dict[BasketKey, BasketPacking | str] = {}
        for key in keys:
            packed[key] = self.pending[key].result()[self.index[key]]
            done += 1
            if progress is not None and (done % PROGRESS_EVERY == 0 or done == total):
                progress(done, total)
        # the workers rate with the parcels; the layouts (the bulk of a packing) stay here and
        # are put back into the decisions as they return: half the pickling of a whole packing
        light = {k: without_layout(p) for k, p in packed.items()}
        work = [(o, wid, lines, light[basket_key(lines)]) for o, wid, lines in jobs]
        results: list[Decision] = []
        chunk = max(1, min(64, len(jobs) // (self.settings.workers * 8)))
        for job, decision in zip(
            jobs, self.pool.map(_rate_work, work, chunksize=chunk), strict=True
        ):
            full = packed[basket_key(job[2])]
            if isinstance(decision, ShipmentDecision) and isinstance(full, BasketPacking):
                decision = decision.model_copy(update={"layout": list(full.layout)})
            results.append(decision)
            record(job, decision)
            done += 1
            if progress is not None and (done % PROGRESS_EVERY == 0 or done == total):
                progress(done, total)
        self.close(failed=False)  # every answer is in: the workers exit (and free their memory)
        return results  # while the plan is finished here

    def close(self, failed: bool) -> None:
        # not waiting for the workers to exit (over a second for a large day): all their work
        # is in, and the pool's own thread reaps them
        self.pool.shutdown(wait=False, cancel_futures=failed)
