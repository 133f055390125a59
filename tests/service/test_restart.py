"""A job survives its server: start `shipopt serve`, submit a plan, kill the server hard while the
job runs, start it again; the job finishes (or fails with a reason), never silently lost."""

import json
import os
import signal
import socket
import subprocess
import sys
import time
from pathlib import Path
from typing import Any

import httpx2 as httpx

from shipopt.api.config import hash_key
from tests.service.conftest import POSTGRES_URL, plan_payload

KEY = "sk_restart"
AUTH = {"Authorization": f"Bearer {KEY}"}


def _free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return int(s.getsockname()[1])


def _start(port: int, db_url: str, log: Path, **settings: str) -> subprocess.Popen[bytes]:
    """``shipopt serve`` on ``port``, answering /readyz; ``settings`` as SHIPOPT_ variables."""
    env = {
        **os.environ,
        "SHIPOPT_API_KEY_HASHES": json.dumps([hash_key(KEY)]),
        "SHIPOPT_DATABASE_URL": db_url,
        "SHIPOPT_JOB_LEASE_SECONDS": "1",
        **{f"SHIPOPT_{k.upper()}": v for k, v in settings.items()},
    }
    cmd = [sys.executable, "-m", "shipopt.cli.main", "serve", "--port", str(port)]
    proc = subprocess.Popen(
        cmd, env=env, stdout=log.open("ab"), stderr=subprocess.STDOUT, start_new_session=True
    )
    end = time.monotonic() + 60
    while time.monotonic() < end:
        try:
            if httpx.get(f"http://127.0.0.1:{port}/readyz", timeout=1).status_code == 200:
                return proc
        except httpx.HTTPError:
            pass
        assert proc.poll() is None, log.read_text()
        time.sleep(0.2)
    raise AssertionError(f"server did not start: {log.read_text()}")


def _status(port: int, job_id: str) -> dict[str, Any]:
    r = httpx.get(f"http://127.0.0.1:{port}/v1/plans/{job_id}", headers=AUTH, timeout=5)
    body: dict[str, Any] = r.json()
    return body


def _kill(proc: subprocess.Popen[bytes]) -> None:
    os.killpg(proc.pid, signal.SIGKILL)
    proc.wait(10)


def _restart_case(tmp_path: Path, db_url: str) -> None:
    port, log = _free_port(), tmp_path / "server.log"
    server = _start(port, db_url, log)
    try:
        r = httpx.post(
            f"http://127.0.0.1:{port}/v1/plans",
            json=plan_payload(tmp_path, 120),
            headers=AUTH,
            timeout=30,
        )
        assert r.status_code == 202, r.text
        job_id = r.json()["id"]
        end = time.monotonic() + 60
        while _status(port, job_id)["progress"] <= 0:
            assert time.monotonic() < end
            time.sleep(0.1)
    finally:
        _kill(server)  # SIGKILL mid-job: no clean shutdown, no last heartbeat
    port = _free_port()
    server = _start(port, db_url, log)
    try:
        end = time.monotonic() + 120
        while (job := _status(port, job_id))["status"] not in ("succeeded", "failed"):
            assert time.monotonic() < end, job
            time.sleep(0.2)
        assert job["status"] == "succeeded", job
        assert job["attempts"] == 2
        result = httpx.get(f"http://127.0.0.1:{port}{job['result_url']}", headers=AUTH).json()
        assert result["summary"]["orders"] == 120
    finally:
        _kill(server)


def test_job_survives_a_hard_kill_sqlite(tmp_path: Path) -> None:
    _restart_case(tmp_path, f"sqlite:///{tmp_path / 'jobs.db'}")


def test_job_survives_a_hard_kill_postgres(tmp_path: Path) -> None:
    import pytest

    if not POSTGRES_URL:
        pytest.skip("SHIPOPT_TEST_POSTGRES_URL not set (.ci/run starts a server)")
    from tests.service.conftest import _fresh

    _fresh(POSTGRES_URL).close()
    _restart_case(tmp_path, POSTGRES_URL)
