"""A plan job in its own worker process, so that the web workers keep answering quotes.

The runner thread starts one spawned process per job and reads its progress from a pipe. To
stop the job (cancelled, or this server stopping) it asks the child to stop at its next progress
step and kills it after ``STOP_GRACE_SECONDS``. A child whose server has died stops by itself."""

from __future__ import annotations

import contextlib
import logging
import multiprocessing
import os
import time
from collections.abc import Callable
from multiprocessing.connection import Connection
from typing import Literal

from shipopt.api.config import ApiSettings

log = logging.getLogger("shipopt.api.jobs")
STOP_GRACE_SECONDS = 2.0
PROGRESS_EVERY_SECONDS = 0.1
Outcome = tuple[Literal["succeeded", "failed", "stopped"], str]


def _child(payload: str, settings: ApiSettings, conn: Connection, parent: int) -> None:
    """The worker process: load the tables, plan, send progress and the outcome."""
    from pydantic import ValidationError

    from shipopt.api.jobs import JobStoppedError, execute_plan
    from shipopt.errors import ShipoptError
    from shipopt.pipeline.context import QuoteContext
    from shipopt.pipeline.pool import quiet_collector

    last = [0.0]

    def progress(n: int, total: int) -> None:
        now = time.monotonic()
        if now - last[0] >= PROGRESS_EVERY_SECONDS or n == total:
            last[0] = now
            conn.send(("progress", n / total))
        if os.getppid() != parent or (conn.poll() and conn.recv() == "stop"):
            raise JobStoppedError

    outcome: Outcome
    try:
        ctx = QuoteContext.from_directory(settings.tables(), settings.transit_model)
        quiet_collector()  # this process makes one plan and ends
        outcome = ("succeeded", execute_plan(payload, ctx, settings, progress))
    except JobStoppedError:
        outcome = ("stopped", "")
    except ValidationError as exc:
        outcome = ("failed", f"invalid job input: {exc.error_count()} error(s)")
    except ShipoptError as exc:
        outcome = ("failed", str(exc))
    except Exception as exc:  # a bug fails the job; the trace goes to the worker's stderr
        log.exception("plan job worker")
        outcome = ("failed", f"internal error ({type(exc).__name__}); see the server log")
    with contextlib.suppress(BrokenPipeError, OSError):  # else the server is gone: the job is
        conn.send(outcome)  # recovered after its lease


def run_in_process(
    payload: str,
    settings: ApiSettings,
    progress: Callable[[float], None],
    should_stop: Callable[[], bool],
) -> Outcome:
    """The job's outcome: the plan result (JSON), the failure reason, or stopped."""
    spawn = multiprocessing.get_context("spawn")
    parent_end, child_end = spawn.Pipe()
    proc = spawn.Process(
        target=_child, args=(payload, settings, child_end, os.getpid()), name="shipopt-plan-job"
    )
    proc.start()
    child_end.close()
    asked_at: float | None = None
    try:
        while True:
            if parent_end.poll(0.1):
                try:
                    kind, value = parent_end.recv()
                except EOFError:
                    break
                if kind == "progress":
                    progress(float(value))
                    continue
                return kind, value
            if should_stop() and asked_at is None:
                asked_at = time.monotonic()
                try:
                    parent_end.send("stop")
                except (BrokenPipeError, OSError):
                    break
            if asked_at is not None and time.monotonic() - asked_at > STOP_GRACE_SECONDS:
                proc.kill()
                return "stopped", ""
            if not proc.is_alive() and not parent_end.poll():
                break
        proc.join(5)
        if asked_at is not None:
            return "stopped", ""
        return "failed", f"the plan worker process ended unexpectedly (exit code {proc.exitcode})"
    finally:
        parent_end.close()
        proc.join(5)
        if proc.is_alive():
            proc.kill()
            proc.join()
