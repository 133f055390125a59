"""Plan jobs: what a job does, and the runner threads that claim and run them.

A running job beats (heartbeat + progress) every third of the lease. A job whose server died
stops beating; after the lease any runner queues it again (the plan is deterministic, so a rerun
gives the same result) or, after ``job_max_attempts`` starts, fails it with that reason."""

from __future__ import annotations

import logging
import os
import socket
import threading
import uuid
from collections.abc import Callable

from shipopt.api.config import ApiSettings
from shipopt.api.job_process import run_in_process
from shipopt.api.schemas import InputRowProblem, PlanJobRequest, PlanResult
from shipopt.api.store import Claimed, JobStore, StoreError
from shipopt.batch.inputs import orders_from_records
from shipopt.domain.plan import summarize
from shipopt.pipeline.context import QuoteContext
from shipopt.pipeline.plan import plan_day

log = logging.getLogger("shipopt.api.jobs")


class JobStoppedError(Exception):
    """Raised from the progress callback to stop a plan (cancelled or server stopping)."""


def execute_plan(
    payload: str,
    ctx: QuoteContext,
    settings: ApiSettings,
    progress: Callable[[int, int], None] | None = None,
) -> str:
    """The stored job input (JSON) -> the plan result (JSON)."""
    request = PlanJobRequest.model_validate_json(payload)
    skus = {s.sku: s for s in request.skus}
    records = [o.model_dump(mode="json", exclude_unset=True) for o in request.orders]
    book = orders_from_records(records, skus, "orders", ctx.directory)
    plan = plan_day(
        book,
        skus,
        list(request.warehouses),
        list(request.boxes),
        ctx,
        request.settings(
            settings.plan_workers, settings.tables(), transit_model=settings.transit_model
        ),
        progress,
    )
    result = PlanResult(
        summary=summarize(plan),
        plan=plan,
        problems=[InputRowProblem(where=p.where, message=p.message) for p in book.problems],
    )
    return result.model_dump_json()


class JobRunner:
    """``threads`` loops that recover stale jobs, claim the oldest queued one and run it."""

    def __init__(self, store: JobStore, ctx: QuoteContext, settings: ApiSettings) -> None:
        self.store = store
        self.ctx = ctx
        self.settings = settings
        self.worker = f"{socket.gethostname()}:{os.getpid()}:{uuid.uuid4().hex[:8]}"
        self._stop = threading.Event()
        self._threads: list[threading.Thread] = []
        self.poll_seconds = min(0.5, settings.job_lease_seconds / 4)

    def start(self) -> None:
        self._stop.clear()
        self._threads = []
        for k in range(self.settings.job_threads):
            t = threading.Thread(target=self._loop, name=f"plan-jobs-{k}", daemon=True)
            t.start()
            self._threads.append(t)

    def stop(self, timeout: float = 10.0) -> None:
        self._stop.set()
        for t in self._threads:
            t.join(timeout)

    def alive(self) -> bool:
        return all(t.is_alive() for t in self._threads)

    def _loop(self) -> None:
        while not self._stop.is_set():
            try:
                self.store.recover(self.settings.job_lease_seconds, self.settings.job_max_attempts)
                if self.settings.result_retention_hours is not None:
                    self.store.purge(self.settings.result_retention_hours * 3600)
                claimed = self.store.claim(self.worker)
            except StoreError as exc:
                log.warning("plan jobs: %s", exc)
                self._stop.wait(self.poll_seconds)
                continue
            if claimed is None:
                self._stop.wait(self.poll_seconds)
                continue
            self.run(claimed)

    def run(self, claimed: Claimed) -> None:
        """Run one claimed job to its end: succeeded, failed (with the reason), cancelled, or
        (when this server is stopping) left to be recovered by the next one."""
        share = [0.0]
        cancel = threading.Event()
        done = threading.Event()

        def beat() -> None:
            # a beat a second at most: a cancel is seen within about a second
            while not done.wait(min(self.settings.job_lease_seconds / 3, 1.0)):
                try:
                    if self.store.beat(claimed.id, self.worker, share[0]):
                        cancel.set()
                except StoreError as exc:
                    log.warning("plan job %s heartbeat: %s", claimed.id, exc)

        def progress(value: float) -> None:
            share[0] = value

        beater = threading.Thread(target=beat, name=f"beat-{claimed.id[:8]}", daemon=True)
        beater.start()
        status, result, error = "failed", None, None
        try:  # in its own process: this server's quotes keep their latency
            kind, value = run_in_process(
                claimed.input,
                self.settings,
                progress,
                lambda: cancel.is_set() or self._stop.is_set(),
            )
        except Exception as exc:  # e.g. no process could be started: fail the job, not the runner
            log.exception("plan job %s", claimed.id)
            kind, value = "failed", f"internal error ({type(exc).__name__}); see the server log"
        finally:
            done.set()
        if kind == "stopped" and not cancel.is_set():
            # server stopping: hand the job back, not counted as a try
            try:
                self.store.release(claimed.id, self.worker)
            except StoreError as exc:  # then it is recovered after the lease
                log.warning("plan job %s release: %s", claimed.id, exc)
            return
        if kind == "succeeded":
            status, result = "succeeded", value
        elif kind == "stopped":
            status, error = "cancelled", "cancelled by the client"
        else:
            status, error = "failed", value
        try:
            self.store.finish(claimed.id, self.worker, status, result, error)  # type: ignore[arg-type]
        except StoreError as exc:
            log.warning("plan job %s finish: %s", claimed.id, exc)
