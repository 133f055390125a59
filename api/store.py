"""Plan jobs in SQLite (WAL, the default) or PostgreSQL (several API replicas): one table, the
same SQL for both. Claiming a job is one atomic UPDATE, so replicas never run a job twice."""

from __future__ import annotations

import re
import sqlite3
import threading
import time
import uuid
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from pathlib import Path
from typing import Any, Literal

Status = Literal["queued", "running", "succeeded", "failed", "cancelled"]
FINISHED = ("succeeded", "failed", "cancelled")

_SCHEMA = (
    """CREATE TABLE IF NOT EXISTS plan_jobs (
        id TEXT PRIMARY KEY,
        owner TEXT NOT NULL,
        idem TEXT NOT NULL,
        request_hash TEXT NOT NULL,
        status TEXT NOT NULL,
        progress DOUBLE PRECISION NOT NULL DEFAULT 0,
        attempts INTEGER NOT NULL DEFAULT 0,
        cancel_requested INTEGER NOT NULL DEFAULT 0,
        error TEXT,
        input TEXT NOT NULL,
        result TEXT,
        worker TEXT,
        created_at DOUBLE PRECISION NOT NULL,
        updated_at DOUBLE PRECISION NOT NULL,
        heartbeat_at DOUBLE PRECISION
    )""",
    "CREATE UNIQUE INDEX IF NOT EXISTS plan_jobs_idem ON plan_jobs (owner, idem)",
    "CREATE INDEX IF NOT EXISTS plan_jobs_status ON plan_jobs (status, created_at)",
    "CREATE INDEX IF NOT EXISTS plan_jobs_owner ON plan_jobs (owner, created_at, id)",
)
# columns added after the first release: created on an older database at start
_ADDED = {
    "callback_url": "TEXT",
    "webhook_state": "TEXT",  # pending, delivered or failed; NULL: no callback or not finished
    "webhook_attempts": "TEXT",  # JSON list of {at, status | error, ms}
    "webhook_next_at": "DOUBLE PRECISION",
}
_COLUMNS = (
    "id, owner, status, progress, attempts, cancel_requested, error, created_at, updated_at, "
    "heartbeat_at, callback_url, webhook_state, webhook_attempts"
)


@dataclass(frozen=True)
class JobRow:
    id: str
    owner: str
    status: Status
    progress: float
    attempts: int
    cancel_requested: bool
    error: str | None
    created_at: float
    updated_at: float
    heartbeat_at: float | None
    callback_url: str | None = None
    webhook_state: str | None = None
    webhook_attempts: str | None = None  # JSON


@dataclass(frozen=True)
class Claimed:
    id: str
    input: str


class StoreError(Exception):
    """The database cannot be reached or used."""


def _switch_to_wal(conn: sqlite3.Connection, wait_seconds: float = 10.0) -> None:
    """Put a SQLite database in WAL mode. Changing the journal mode needs the database to
    itself and SQLite answers "locked" at once, without its busy handler, while another
    process is doing the same to a new file: so try again for a while."""
    deadline = time.monotonic() + wait_seconds
    while True:
        try:
            conn.execute("PRAGMA journal_mode=WAL")
            return
        except sqlite3.OperationalError as exc:
            if "locked" not in str(exc) or time.monotonic() > deadline:
                raise
            time.sleep(0.01)


class JobStore:
    """``sqlite:///path`` or ``postgresql://...``. Thread-safe (one connection, one lock)."""

    def __init__(self, url: str) -> None:
        self.url = url
        self._lock = threading.Lock()
        self.dialect: Literal["sqlite", "postgres"]
        if url.startswith("sqlite:///"):
            self.dialect = "sqlite"
        elif url.startswith(("postgresql://", "postgres://")):
            self.dialect = "postgres"
        else:
            raise StoreError(f"database_url must start with sqlite:/// or postgresql://: {url!r}")
        self._conn: Any = self._connect()
        for statement in _SCHEMA:
            self._run(statement, {})
        self._add_columns()

    def _add_columns(self) -> None:
        if self.dialect == "sqlite":
            rows = self._run("SELECT name FROM pragma_table_info('plan_jobs')", {})
        else:
            rows = self._run(
                "SELECT column_name FROM information_schema.columns WHERE table_name = 'plan_jobs'",
                {},
            )
        have = {r[0] for r in rows}
        for name, kind in _ADDED.items():
            if name in have:
                continue
            if self.dialect == "postgres":
                self._run(f"ALTER TABLE plan_jobs ADD COLUMN IF NOT EXISTS {name} {kind}", {})
                continue
            try:
                self._run(f"ALTER TABLE plan_jobs ADD COLUMN {name} {kind}", {})
            except StoreError as exc:  # another server process added it a moment ago
                if "duplicate column" not in str(exc):
                    raise

    def _connect(self) -> Any:
        if self.dialect == "sqlite":
            path = self.url.removeprefix("sqlite:///")
            try:
                if path != ":memory:":
                    Path(path).parent.mkdir(parents=True, exist_ok=True)
                conn = sqlite3.connect(
                    path, check_same_thread=False, isolation_level=None, timeout=10
                )
                conn.execute("PRAGMA busy_timeout=10000")
                _switch_to_wal(conn)
            except (sqlite3.Error, OSError) as exc:
                raise StoreError(f"cannot open SQLite database {path!r}: {exc}") from None
            return conn
        import psycopg

        try:
            return psycopg.connect(self.url, autocommit=True, connect_timeout=10)
        except psycopg.Error as exc:
            raise StoreError(f"cannot connect to PostgreSQL: {exc}") from None

    def _sql(self, statement: str) -> str:
        if self.dialect == "sqlite":
            return statement
        return re.sub(r":(\w+)", r"%(\1)s", statement)

    @contextmanager
    def _cursor(self) -> Iterator[Any]:
        with self._lock:
            if self._conn is None or (self.dialect == "postgres" and self._conn.closed):
                self._conn = self._connect()
            cur = self._conn.cursor()
            try:
                yield cur
            finally:
                cur.close()

    def _run(self, statement: str, params: dict[str, Any]) -> list[tuple[Any, ...]]:
        try:
            with self._cursor() as cur:
                cur.execute(self._sql(statement), params)
                return list(cur.fetchall()) if cur.description else []
        except (sqlite3.Error, OSError) as exc:
            raise StoreError(f"job store: {exc}") from None
        except Exception as exc:
            if type(exc).__module__.startswith("psycopg"):
                raise StoreError(f"job store: {exc}") from None
            raise

    def close(self) -> None:
        """Close the connection; the next use opens a new one."""
        with self._lock:
            if self._conn is not None:
                self._conn.close()
                self._conn = None

    def ping(self) -> None:
        self._run("SELECT 1", {})

    def count(self, status: Status) -> int:
        """How many jobs (of every owner) are in ``status``."""
        rows = self._run("SELECT COUNT(*) FROM plan_jobs WHERE status = :s", {"s": status})
        return int(rows[0][0])

    def submit(
        self,
        owner: str,
        idempotency_key: str | None,
        request_hash: str,
        payload: str,
        callback_url: str | None = None,
    ) -> tuple[JobRow, bool, str]:
        """Queue a job; with an idempotency key already used by this owner, the existing job.
        Returns (job, created, the stored request hash)."""
        job_id = uuid.uuid4().hex
        now = time.time()
        idem = idempotency_key if idempotency_key is not None else f"job:{job_id}"
        self._run(
            "INSERT INTO plan_jobs (id, owner, idem, request_hash, status, input, created_at, "
            "updated_at, callback_url) VALUES (:id, :owner, :idem, :hash, 'queued', :input, "
            ":now, :now, :callback) ON CONFLICT (owner, idem) DO NOTHING",
            {
                "callback": callback_url,
                "id": job_id,
                "owner": owner,
                "idem": idem,
                "hash": request_hash,
                "input": payload,
                "now": now,
            },
        )
        rows = self._run(
            f"SELECT {_COLUMNS}, request_hash FROM plan_jobs WHERE owner = :owner AND idem = :idem",
            {"owner": owner, "idem": idem},
        )
        row = rows[0]
        job = _job(row[:-1])
        return job, job.id == job_id, row[-1]

    def get(self, job_id: str, owner: str | None = None) -> JobRow | None:
        rows = self._run(f"SELECT {_COLUMNS} FROM plan_jobs WHERE id = :id", {"id": job_id})
        if not rows or (owner is not None and rows[0][1] != owner):
            return None
        return _job(rows[0])

    def jobs(
        self,
        owner: str,
        limit: int,
        status: Status | None = None,
        before: tuple[float, str] | None = None,
    ) -> list[JobRow]:
        """``owner``'s jobs, newest first (ties by id), at most ``limit``; only those older than
        ``before`` (created_at, id) when given: keyset pagination, stable under inserts."""
        where = ["owner = :owner"]
        params: dict[str, Any] = {"owner": owner, "limit": limit}
        if status is not None:
            where.append("status = :status")
            params["status"] = status
        if before is not None:
            where.append("(created_at < :at OR (created_at = :at AND id < :id))")
            params["at"], params["id"] = before
        rows = self._run(
            f"SELECT {_COLUMNS} FROM plan_jobs WHERE {' AND '.join(where)} "
            "ORDER BY created_at DESC, id DESC LIMIT :limit",
            params,
        )
        return [_job(r) for r in rows]

    def result(self, job_id: str) -> str | None:
        rows = self._run("SELECT result FROM plan_jobs WHERE id = :id", {"id": job_id})
        return rows[0][0] if rows else None

    def claim(self, worker: str) -> Claimed | None:
        """The oldest queued job, now running on ``worker``."""
        lock = " FOR UPDATE SKIP LOCKED" if self.dialect == "postgres" else ""
        now = time.time()
        rows = self._run(
            "UPDATE plan_jobs SET status = 'running', worker = :worker, attempts = attempts + 1, "
            "heartbeat_at = :now, updated_at = :now WHERE status = 'queued' AND id = ("
            "SELECT id FROM plan_jobs WHERE status = 'queued' ORDER BY created_at, id LIMIT 1"
            f"{lock}) RETURNING id, input",
            {"worker": worker, "now": now},
        )
        return Claimed(rows[0][0], rows[0][1]) if rows else None

    def beat(self, job_id: str, worker: str, progress: float) -> bool:
        """Heartbeat and progress of a running job; True when it should stop (cancelled, or
        no longer this worker's)."""
        rows = self._run(
            "UPDATE plan_jobs SET heartbeat_at = :now, progress = :progress "
            "WHERE id = :id AND worker = :worker AND status = 'running' "
            "RETURNING cancel_requested",
            {"now": time.time(), "progress": progress, "id": job_id, "worker": worker},
        )
        return not rows or bool(rows[0][0])

    def finish(
        self, job_id: str, worker: str, status: Status, result: str | None, error: str | None
    ) -> None:
        now = time.time()
        self._run(
            "UPDATE plan_jobs SET status = :status, result = :result, error = :error, "
            "progress = COALESCE(:final, progress), "
            "updated_at = :now, heartbeat_at = :now "
            "WHERE id = :id AND worker = :worker AND status = 'running'",
            {
                "status": status,
                "result": result,
                "error": error,
                "now": now,
                "id": job_id,
                "worker": worker,
                "final": 1.0 if status == "succeeded" else None,
            },
        )

    def cancel(self, job_id: str) -> None:
        """Queued: cancelled now. Running: asked to stop (its runner ends it)."""
        now = time.time()
        self._run(
            "UPDATE plan_jobs SET status = CASE WHEN status = 'queued' THEN 'cancelled' "
            "ELSE status END, cancel_requested = 1, updated_at = :now, "
            "error = CASE WHEN status = 'queued' THEN 'cancelled by the client' ELSE error END "
            "WHERE id = :id AND status IN ('queued', 'running')",
            {"id": job_id, "now": now},
        )

    def release(self, job_id: str, worker: str) -> None:
        """A running job handed back by a server that is stopping: queued again, and the start
        it made is not counted as an attempt."""
        self._run(
            "UPDATE plan_jobs SET status = 'queued', worker = NULL, attempts = attempts - 1, "
            "updated_at = :now WHERE id = :id AND worker = :worker AND status = 'running'",
            {"id": job_id, "worker": worker, "now": time.time()},
        )

    def purge(self, older_than_seconds: float) -> int:
        """Delete finished jobs (succeeded, failed, cancelled) last updated longer ago than
        ``older_than_seconds``; returns how many."""
        gone = self._run(
            "DELETE FROM plan_jobs WHERE status IN ('succeeded', 'failed', 'cancelled') "
            "AND updated_at < :cutoff RETURNING id",
            {"cutoff": time.time() - older_than_seconds},
        )
        return len(gone)

    def recover(self, lease_seconds: float, max_attempts: int) -> int:
        """Jobs whose server stopped beating: cancelled if that was asked, failed after
        ``max_attempts`` tries, otherwise queued again. Returns how many were touched."""
        cutoff = time.time() - lease_seconds
        params = {"cutoff": cutoff, "now": time.time(), "max": max_attempts}
        stale = "status = 'running' AND heartbeat_at < :cutoff"
        touched = self._run(
            f"UPDATE plan_jobs SET status = 'cancelled', error = 'cancelled by the client', "
            f"updated_at = :now WHERE {stale} AND cancel_requested = 1 RETURNING id",
            params,
        )
        touched += self._run(
            "UPDATE plan_jobs SET status = 'failed', updated_at = :now, error = "
            "'the server running it stopped ' || attempts || ' times; not retried again' "
            f"WHERE {stale} AND attempts >= :max RETURNING id",
            params,
        )
        touched += self._run(
            f"UPDATE plan_jobs SET status = 'queued', worker = NULL, updated_at = :now "
            f"WHERE {stale} RETURNING id",
            params,
        )
        return len(touched)


def _job(row: tuple[Any, ...]) -> JobRow:
    return JobRow(
        id=row[0],
        owner=row[1],
        status=row[2],
        progress=float(row[3]),
        attempts=int(row[4]),
        cancel_requested=bool(row[5]),
        error=row[6],
        created_at=float(row[7]),
        updated_at=float(row[8]),
        heartbeat_at=None if row[9] is None else float(row[9]),
        callback_url=row[10],
        webhook_state=row[11],
        webhook_attempts=row[12],
    )
