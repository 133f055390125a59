"""A connection that stalls mid-headers or mid-body is closed after the read timeout, while a
complete request on the same server is answered (issue 11, item 18)."""

import json
import os
import signal
import socket
import subprocess
import sys
import time
from pathlib import Path

import httpx2 as httpx
import pytest

from api.config import hash_key
from tests.service.test_restart import _free_port


@pytest.fixture(scope="module")
def server(tmp_path_factory: pytest.TempPathFactory) -> tuple[int, subprocess.Popen[bytes]]:
    folder = tmp_path_factory.mktemp("read-timeout")
    port = _free_port()
    env = {
        **os.environ,
        "SHIPOPT_API_KEY_HASHES": json.dumps([hash_key("sk_rt")]),
        "SHIPOPT_DATABASE_URL": f"sqlite:///{folder / 'jobs.db'}",
        "SHIPOPT_READ_TIMEOUT_SECONDS": "1",
    }
    log = folder / "serve.log"
    cmd = [sys.executable, "-m", "shipopt.cli.main", "serve", "--port", str(port)]
    proc = subprocess.Popen(
        cmd, env=env, stdout=log.open("ab"), stderr=subprocess.STDOUT, start_new_session=True
    )
    end = time.monotonic() + 60
    while time.monotonic() < end:
        try:
            if httpx.get(f"http://127.0.0.1:{port}/healthz", timeout=1).status_code == 200:
                break
        except httpx.HTTPError:
            time.sleep(0.2)
    else:
        raise AssertionError(Path(log).read_text())
    yield port, proc
    os.killpg(proc.pid, signal.SIGTERM)
    proc.wait(20)


def _closed_within(sock: socket.socket, seconds: float) -> bool:
    sock.settimeout(seconds)
    try:
        while sock.recv(4096):
            pass
    except TimeoutError:
        return False
    return True


@pytest.mark.parametrize(
    "partial",
    [
        b"POST /v1/quotes HTTP/1.1\r\nHost: x\r\nAuthorization: Bearer sk_rt\r\n",  # mid-headers
        b"POST /v1/quotes HTTP/1.1\r\nHost: x\r\nAuthorization: Bearer sk_rt\r\n"
        b'Content-Type: application/json\r\nContent-Length: 500\r\n\r\n{"shipment":',  # mid-body
    ],
)
def test_a_stalled_request_is_closed(
    server: tuple[int, subprocess.Popen[bytes]], partial: bytes
) -> None:
    port, _ = server
    with socket.create_connection(("127.0.0.1", port)) as sock:
        sock.sendall(partial)
        start = time.monotonic()
        assert _closed_within(sock, 6), "the stalled connection stayed open"
        assert time.monotonic() - start < 6
    # the server still answers complete requests
    assert httpx.get(f"http://127.0.0.1:{port}/healthz", timeout=5).status_code == 200
