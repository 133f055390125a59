"""The job store on SQLite and PostgreSQL: the same behaviour from the same code."""

import threading
import time
from pathlib import Path

import pytest

from shipopt.api.store import JobStore, StoreError


def test_submit_and_idempotency(store: JobStore) -> None:
    job, created, h = store.submit("alice", "key-1", "h1", '{"a": 1}')
    assert created and h == "h1" and job.status == "queued" and job.attempts == 0
    again, created2, h2 = store.submit("alice", "key-1", "h2", '{"a": 2}')
    assert again.id == job.id and not created2 and h2 == "h1"
    other, created3, _ = store.submit("bob", "key-1", "h1", '{"a": 1}')  # keys are per owner
    assert created3 and other.id != job.id
    plain1, _, _ = store.submit("alice", None, "h1", "{}")
    plain2, _, _ = store.submit("alice", None, "h1", "{}")
    assert plain1.id != plain2.id
    assert store.get(job.id, "bob") is None and store.get(job.id, "alice") is not None


def test_claim_runs_each_job_once_oldest_first(store: JobStore) -> None:
    ids = [store.submit("o", None, "h", f'{{"n": {k}}}')[0].id for k in range(3)]
    time.sleep(0.01)
    claimed = [store.claim("w1"), store.claim("w2"), store.claim("w1"), store.claim("w2")]
    assert [c.id for c in claimed if c] == ids and claimed[3] is None
    assert claimed[0] is not None and claimed[0].input == '{"n": 0}'
    row = store.get(ids[0])
    assert row is not None and row.status == "running" and row.attempts == 1


def test_concurrent_claims_never_share_a_job(store_url: str) -> None:
    stores = [JobStore(store_url) for _ in range(4)]
    for k in range(40):
        stores[0].submit("o", None, "h", str(k))
    got: list[str] = []
    lock = threading.Lock()

    def drain(s: JobStore, name: str) -> None:
        while (c := s.claim(name)) is not None:
            with lock:
                got.append(c.id)

    threads = [threading.Thread(target=drain, args=(s, f"w{k}")) for k, s in enumerate(stores)]
    for t in threads:
        t.start()
    for t in threads:
        t.join()
    assert len(got) == 40 and len(set(got)) == 40
    for s in stores:
        s.close()


def test_finish_beat_and_cancel(store: JobStore) -> None:
    a = store.submit("o", None, "h", "a")[0]
    b = store.submit("o", None, "h", "b")[0]
    assert store.claim("w") is not None
    assert store.beat(a.id, "w", 0.5) is False
    assert store.beat(a.id, "intruder", 0.9) is True  # not its job
    store.cancel(a.id)
    assert store.beat(a.id, "w", 0.6) is True  # cancel asked: the runner stops
    store.cancel(b.id)  # queued: cancelled at once
    row_b = store.get(b.id)
    assert row_b is not None and row_b.status == "cancelled"
    store.finish(a.id, "w", "cancelled", None, "cancelled by the client")
    row_a = store.get(a.id)
    assert row_a is not None and row_a.status == "cancelled" and row_a.progress == 0.6
    c = store.submit("o", None, "h", "c")[0]
    assert store.claim("w") is not None
    store.finish(c.id, "w", "succeeded", '{"ok": true}', None)
    row_c = store.get(c.id)
    assert row_c is not None and row_c.status == "succeeded" and row_c.progress == 1.0
    assert store.result(c.id) == '{"ok": true}'
    store.finish(c.id, "w", "failed", None, "late")  # finished jobs stay as they are
    row_c = store.get(c.id)
    assert row_c is not None and row_c.status == "succeeded"


def test_recover_requeues_then_fails_after_max_attempts(store: JobStore) -> None:
    job = store.submit("o", None, "h", "x")[0]
    for attempt in (1, 2):
        assert store.claim(f"dead{attempt}") is not None
        time.sleep(0.05)
        assert store.recover(lease_seconds=0.01, max_attempts=2) == 1
        row = store.get(job.id)
        assert row is not None
        if attempt == 1:
            assert row.status == "queued"
    row = store.get(job.id)
    assert row is not None and row.status == "failed" and row.attempts == 2
    assert row.error is not None and "stopped 2 times" in row.error


def test_recover_leaves_live_jobs_alone(store: JobStore) -> None:
    store.submit("o", None, "h", "x")
    assert store.claim("alive") is not None
    assert store.recover(lease_seconds=60, max_attempts=3) == 0


def test_bad_urls_are_clear_errors() -> None:
    with pytest.raises(StoreError, match="must start with"):
        JobStore("mysql://x")
    with pytest.raises(StoreError, match="cannot connect to PostgreSQL"):
        JobStore("postgresql://nobody@127.0.0.1:1/none?connect_timeout=1")


def test_release_hands_a_job_back_without_counting_the_try(store: JobStore) -> None:
    job = store.submit("o", None, "h", "a")[0]
    assert store.claim("w") is not None
    store.release(job.id, "other")  # only the worker that runs it can hand it back
    row = store.get(job.id)
    assert row is not None and row.status == "running"
    store.release(job.id, "w")
    row = store.get(job.id)
    assert row is not None and row.status == "queued" and row.attempts == 0


def test_purge_deletes_only_old_finished_jobs(store: JobStore) -> None:
    done = store.submit("o", None, "h", "a")[0]
    running = store.submit("o", None, "h", "b")[0]
    queued = store.submit("o", None, "h", "c")[0]
    assert store.claim("w") is not None and store.claim("w") is not None
    store.finish(done.id, "w", "succeeded", "{}", None)
    assert store.purge(3600) == 0  # finished just now: kept
    time.sleep(0.05)
    assert store.purge(0.01) == 1
    assert store.get(done.id) is None
    assert store.get(running.id) is not None and store.get(queued.id) is not None


def test_an_older_database_gains_the_webhook_columns(tmp_path: Path) -> None:
    import sqlite3

    path = tmp_path / "old.db"
    with sqlite3.connect(path) as conn:  # the first release's table
        conn.execute(
            "CREATE TABLE plan_jobs (id TEXT PRIMARY KEY, owner TEXT NOT NULL, idem TEXT NOT NULL, "
            "request_hash TEXT NOT NULL, status TEXT NOT NULL, progress DOUBLE PRECISION NOT NULL "
            "DEFAULT 0, attempts INTEGER NOT NULL DEFAULT 0, cancel_requested INTEGER NOT NULL "
            "DEFAULT 0, error TEXT, input TEXT NOT NULL, result TEXT, worker TEXT, created_at "
            "DOUBLE PRECISION NOT NULL, updated_at DOUBLE PRECISION NOT NULL, heartbeat_at "
            "DOUBLE PRECISION)"
        )
    store = JobStore(f"sqlite:///{path}")
    job, created, _ = store.submit("o", None, "h", "{}", "http://127.0.0.1/x")
    assert created and store.get(job.id) == job and job.callback_url == "http://127.0.0.1/x"
    store.close()


def test_servers_starting_together_add_the_columns_once(tmp_path: Path) -> None:
    """Server processes opening a new database at once (uvicorn --workers 2): none fails to
    start, neither on the columns nor on switching the new file to WAL (CI once saw "locked")."""
    errors: list[Exception] = []
    for attempt in range(150):
        url = f"sqlite:///{tmp_path / f'race{attempt}.db'}"
        barrier = threading.Barrier(6)

        def open_store(url: str = url, barrier: threading.Barrier = barrier) -> None:
            barrier.wait()
            try:
                JobStore(url).close()
            except Exception as exc:  # a failed start is what this test is about
                errors.append(exc)

        threads = [threading.Thread(target=open_store) for _ in range(6)]
        for t in threads:
            t.start()
        for t in threads:
            t.join()
    assert errors == []
