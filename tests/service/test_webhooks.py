"""Issue 13: signed completion webhooks, retried with backoff, every attempt on the job; only
allowed hosts are called."""

import hashlib
import hmac
import json
import threading
import time
from collections.abc import Iterator
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path
from typing import Any

import pytest
from fastapi.testclient import TestClient

from shipopt.api import create_app
from shipopt.api.config import hash_key
from tests.service.conftest import AUTH, KEY, plan_payload, settings, wait_for

SECRET = "whsec_test"


class Receiver:
    """A loopback HTTP receiver answering with the next of ``plan`` (a status, or "slow")."""

    def __init__(self, plan: list[Any]) -> None:
        self.plan = list(plan)
        self.got: list[tuple[dict[str, str], bytes]] = []
        outer = self

        class Handler(BaseHTTPRequestHandler):
            def do_POST(self) -> None:
                body = self.rfile.read(int(self.headers["Content-Length"]))
                step = outer.plan.pop(0) if outer.plan else 200
                outer.got.append((dict(self.headers), body))
                if step == "slow":
                    time.sleep(1.5)
                    step = 200
                self.send_response(step)
                self.send_header("Content-Length", "0")
                self.end_headers()

            def log_message(self, *args: Any) -> None:
                pass

        self.server = ThreadingHTTPServer(("127.0.0.1", 0), Handler)
        self.url = f"http://127.0.0.1:{self.server.server_address[1]}/hook"
        threading.Thread(target=self.server.serve_forever, daemon=True).start()

    def close(self) -> None:
        self.server.shutdown()
        self.server.server_close()


@pytest.fixture
def hooked(tmp_path: Path) -> Iterator[TestClient]:
    s = settings(
        tmp_path,
        webhook_hosts=["127.0.0.1"],
        webhook_secrets={hash_key(KEY): SECRET},
        webhook_backoff_seconds=0.05,
        webhook_timeout_seconds=0.5,
        webhook_max_attempts=3,
    )
    with TestClient(create_app(s)) as c:
        yield c


def _webhook(c: TestClient, job_id: str, states: tuple[str, ...]) -> dict[str, Any]:
    end = time.monotonic() + 30
    while time.monotonic() < end:
        job = c.get(f"/v1/plans/{job_id}", headers=AUTH).json()
        if job.get("webhook") and job["webhook"]["state"] in states:
            return job
        time.sleep(0.05)
    raise AssertionError(f"webhook never reached {states}: {job}")


def test_a_signed_event_after_a_failed_and_a_slow_attempt(
    hooked: TestClient, tmp_path: Path
) -> None:
    receiver = Receiver([500, "slow", 200])
    try:
        body = {**plan_payload(tmp_path, 3), "callback_url": receiver.url}
        job_id = hooked.post("/v1/plans", json=body, headers=AUTH).json()["id"]
        wait_for(hooked, job_id, ("succeeded",))
        job = _webhook(hooked, job_id, ("delivered", "failed"))
        attempts = job["webhook"]["attempts"]
        assert job["webhook"]["state"] == "delivered", attempts
        assert attempts[0]["status"] == 500 and "timed out" in attempts[1]["error"]
        assert attempts[2]["status"] == 200 and len(attempts) == 3
        headers, raw = receiver.got[-1]
        expect = "sha256=" + hmac.new(SECRET.encode(), raw, hashlib.sha256).hexdigest()
        assert headers["X-Shipopt-Signature"] == expect
        event = json.loads(raw)
        assert event["type"] == "plan.succeeded" and event["job"]["id"] == job_id
        assert event["job"]["result_url"] == f"/v1/plans/{job_id}/result"
    finally:
        receiver.close()


def test_a_receiver_that_is_down_fails_after_the_attempts(
    hooked: TestClient, tmp_path: Path
) -> None:
    receiver = Receiver([])
    url = receiver.url
    receiver.close()  # nothing listens there any more
    body = {**plan_payload(tmp_path, 3), "callback_url": url}
    job_id = hooked.post("/v1/plans", json=body, headers=AUTH).json()["id"]
    job = _webhook(hooked, job_id, ("failed",))
    attempts = job["webhook"]["attempts"]
    assert len(attempts) == 3 and all("error" in a for a in attempts)
    assert all("Connection refused" in a["error"] or "Errno" in a["error"] for a in attempts)


def test_a_cancelled_job_is_reported_too(tmp_path: Path) -> None:
    receiver = Receiver([])
    s = settings(tmp_path, job_threads=0, webhook_hosts=["127.0.0.1"],
                 webhook_secrets={hash_key(KEY): SECRET})  # fmt: skip
    try:
        with TestClient(create_app(s)) as c:
            body = {**plan_payload(tmp_path, 3), "callback_url": receiver.url}
            job_id = c.post("/v1/plans", json=body, headers=AUTH).json()["id"]
            c.delete(f"/v1/plans/{job_id}", headers=AUTH)
            _webhook(c, job_id, ("delivered",))
        assert json.loads(receiver.got[0][1])["type"] == "plan.cancelled"
    finally:
        receiver.close()


@pytest.mark.parametrize(
    "url, needle",
    [
        ("http://10.0.0.1/hook", "not an allowed webhook host"),
        ("http://169.254.169.254/latest", "not an allowed webhook host"),
        ("ftp://127.0.0.1/hook", "http:// or https://"),
        ("http://user:pw@127.0.0.1/hook", "credentials"),
    ],
)
def test_only_allowed_hosts_are_accepted(
    hooked: TestClient, tmp_path: Path, url: str, needle: str
) -> None:
    body = {**plan_payload(tmp_path, 3), "callback_url": url}
    r = hooked.post("/v1/plans", json=body, headers=AUTH)
    assert r.status_code == 422 and needle in r.text
    assert r.json()["errors"][0]["field"] == "callback_url"


def test_a_key_without_a_secret_cannot_name_a_callback(tmp_path: Path) -> None:
    s = settings(tmp_path, webhook_hosts=["127.0.0.1"])
    with TestClient(create_app(s)) as c:
        body = {**plan_payload(tmp_path, 3), "callback_url": "http://127.0.0.1:9/hook"}
        r = c.post("/v1/plans", json=body, headers=AUTH)
        assert r.status_code == 422 and "webhook secret" in r.text
