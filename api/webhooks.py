"""Webhooks: a plan job may name a ``callback_url``; when it finishes (succeeded, failed or
cancelled) the service POSTs an event, signed with an HMAC-SHA256 of the body under the key's
secret (``X-Shipopt-Signature: sha256=<hex>``), retried with exponential backoff; every attempt
is recorded on the job. Only http(s) URLs on an allowed host are accepted and called, and
redirects are not followed, so the service cannot be pointed at internal addresses."""

from __future__ import annotations

import hashlib
import hmac
import json
import logging
import threading
import time
import urllib.error
import urllib.request
import uuid
from datetime import UTC, datetime
from typing import Any
from urllib.parse import urlsplit

from shipopt.api.config import ApiSettings
from shipopt.api.store import JobRow, JobStore, StoreError
from shipopt.errors import InputError, Problem

log = logging.getLogger("shipopt.api.webhooks")
LEASE_SECONDS = 60.0  # a delivery in flight is held this long from other servers


def check_callback(url: str, allowed: list[str], secret: str | None) -> None:
    """An InputError naming ``callback_url`` unless it may be called for this key."""
    parts = urlsplit(url)
    if parts.scheme not in ("http", "https") or not parts.hostname:
        raise InputError(Problem("callback_url", "must be an http:// or https:// URL"))
    if parts.username or parts.password:
        raise InputError(Problem("callback_url", "must not carry credentials"))
    host = parts.hostname.lower()
    netloc = f"{host}:{parts.port}" if parts.port else host
    if host not in allowed and netloc not in allowed:
        shown = ", ".join(allowed) if allowed else "none (set webhook_hosts)"
        raise InputError(
            Problem("callback_url", f"host {netloc!r} is not an allowed webhook host: {shown}")
        )
    if secret is None:
        raise InputError(
            Problem(
                "callback_url", "no webhook secret is configured for this key (webhook_secrets)"
            )
        )


def signature(secret: str, body: bytes) -> str:
    """The value of ``X-Shipopt-Signature`` for ``body``."""
    return "sha256=" + hmac.new(secret.encode(), body, hashlib.sha256).hexdigest()


class WebhookStore:
    """The webhook deliveries kept on the jobs: one per finished job that named a callback."""

    def __init__(self, store: JobStore) -> None:
        self.store = store

    def mark_finished(self) -> int:
        """Finished jobs with a callback and no delivery yet get one, due now (a read first:
        the usual answer, none, writes nothing)."""
        finished = "callback_url IS NOT NULL AND webhook_state IS NULL AND status IN " \
            "('succeeded', 'failed', 'cancelled')"  # fmt: skip
        if not self.store._run(f"SELECT id FROM plan_jobs WHERE {finished} LIMIT 1", {}):
            return 0
        rows = self.store._run(
            "UPDATE plan_jobs SET webhook_state = 'pending', webhook_next_at = :now, "
            f"webhook_attempts = '[]' WHERE {finished} RETURNING id",
            {"now": time.time()},
        )
        return len(rows)

    def claim(self, lease_seconds: float) -> JobRow | None:
        """The delivery most overdue, held for ``lease_seconds`` (other servers skip it)."""
        now = time.time()
        rows = self.store._run(
            "SELECT id, webhook_next_at FROM plan_jobs WHERE webhook_state = 'pending' "
            "AND webhook_next_at <= :now ORDER BY webhook_next_at LIMIT 1",
            {"now": now},
        )
        if not rows:
            return None
        job_id, due = rows[0]
        held = self.store._run(
            "UPDATE plan_jobs SET webhook_next_at = :until WHERE id = :id "
            "AND webhook_state = 'pending' AND webhook_next_at = :due RETURNING id",
            {"until": now + lease_seconds, "id": job_id, "due": due},
        )
        return self.store.get(job_id) if held else None

    def record(self, job_id: str, attempts: str, state: str, next_at: float | None) -> None:
        """The attempts so far (JSON), the state, and when to try again (pending only)."""
        self.store._run(
            "UPDATE plan_jobs SET webhook_attempts = :attempts, webhook_state = :state, "
            "webhook_next_at = :next WHERE id = :id",
            {"attempts": attempts, "state": state, "next": next_at, "id": job_id},
        )


class _NoRedirect(urllib.request.HTTPRedirectHandler):
    def redirect_request(self, *args: Any, **kwargs: Any) -> None:
        return None  # a 3xx answer is a failed attempt, never a new destination


_OPENER = urllib.request.build_opener(_NoRedirect)


class WebhookSender:
    """A thread that delivers due webhooks, one at a time, until stopped."""

    def __init__(self, store: JobStore, settings: ApiSettings, view: Any) -> None:
        self.deliveries = WebhookStore(store)
        self.settings = settings
        self.view = view  # JobRow -> the PlanJob the API shows
        self._stop = threading.Event()
        self._thread: threading.Thread | None = None
        self.poll_seconds = 0.5

    def start(self) -> None:
        self._stop.clear()
        self._thread = threading.Thread(target=self._loop, name="webhooks", daemon=True)
        self._thread.start()

    def stop(self, timeout: float = 10.0) -> None:
        self._stop.set()
        if self._thread is not None:
            self._thread.join(timeout)

    def _loop(self) -> None:
        while not self._stop.is_set():
            try:
                self.deliveries.mark_finished()
                job = self.deliveries.claim(LEASE_SECONDS)
            except StoreError as exc:
                log.warning("webhooks: %s", exc)
                job = None
            if job is None:
                self._stop.wait(self.poll_seconds)
                continue
            self.deliver(job)

    def deliver(self, job: JobRow) -> None:
        """One attempt for ``job``'s event; recorded, and the next one scheduled or not."""
        s = self.settings
        attempts: list[dict[str, Any]] = json.loads(job.webhook_attempts or "[]")
        view = self.view(job)
        body = json.dumps(
            {
                "id": uuid.uuid4().hex,
                "type": f"plan.{job.status}",
                "sent_at": datetime.now(UTC).isoformat(timespec="milliseconds"),
                "job": json.loads(view.model_dump_json()),
            }
        ).encode()
        secret = s.webhook_secret_of(job.owner)
        started = time.perf_counter()
        entry: dict[str, Any] = {"at": datetime.now(UTC).isoformat(timespec="milliseconds")}
        try:
            assert job.callback_url is not None and secret is not None
            check_callback(job.callback_url, s.webhook_hosts, secret)  # the settings may change
            request = urllib.request.Request(
                job.callback_url,
                data=body,
                method="POST",
                headers={
                    "Content-Type": "application/json",
                    "User-Agent": "shipopt-webhooks",
                    "X-Shipopt-Event": f"plan.{job.status}",
                    "X-Shipopt-Signature": signature(secret, body),
                },
            )
            with _OPENER.open(request, timeout=s.webhook_timeout_seconds) as answer:
                entry["status"] = int(answer.status)
        except urllib.error.HTTPError as exc:
            entry["status"] = int(exc.code)
        except (InputError, AssertionError) as exc:
            entry["error"] = str(exc) or "no callback URL or webhook secret"
        except (OSError, ValueError) as exc:  # refused, unreachable, timed out
            entry["error"] = f"{type(exc).__name__}: {exc}"
        entry["ms"] = round((time.perf_counter() - started) * 1000, 1)
        attempts.append(entry)
        ok = 200 <= int(entry.get("status", 0)) < 300
        if ok:
            state, next_at = "delivered", None
        elif len(attempts) >= s.webhook_max_attempts:
            state, next_at = "failed", None
        else:
            delay = s.webhook_backoff_seconds * 2 ** (len(attempts) - 1)
            state, next_at = "pending", time.time() + delay
        log.info("webhook %s attempt %d: %s", job.id, len(attempts), entry)
        try:
            self.deliveries.record(job.id, json.dumps(attempts), state, next_at)
        except StoreError as exc:
            log.warning("webhook %s record: %s", job.id, exc)
