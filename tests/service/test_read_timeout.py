"""A connection that stalls mid-headers or mid-body is closed after the read timeout, while a
complete request on the same server is answered (issue 11, item 18)."""

import os
import signal
import socket
import time
from collections.abc import Iterator

import httpx2 as httpx
import pytest

from tests.service.test_restart import _free_port, _start


@pytest.fixture(scope="module")
def server(tmp_path_factory: pytest.TempPathFactory) -> Iterator[int]:
    folder = tmp_path_factory.mktemp("read-timeout")
    port = _free_port()
    db = f"sqlite:///{folder / 'jobs.db'}"
    proc = _start(port, db, folder / "serve.log", read_timeout_seconds="1")
    yield port
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
        b"POST /v1/quotes HTTP/1.1\r\nHost: x\r\nAuthorization: Bearer sk_restart\r\n",  # mid-headers
        b"POST /v1/quotes HTTP/1.1\r\nHost: x\r\nAuthorization: Bearer sk_restart\r\n"
        b'Content-Type: application/json\r\nContent-Length: 500\r\n\r\n{"shipment":',  # mid-body
    ],
)
def test_a_stalled_request_is_closed(server: int, partial: bytes) -> None:
    port = server
    with socket.create_connection(("127.0.0.1", port)) as sock:
        sock.sendall(partial)
        start = time.monotonic()
        assert _closed_within(sock, 6), "the stalled connection stayed open"
        assert time.monotonic() - start < 6
    # the server still answers complete requests
    assert httpx.get(f"http://127.0.0.1:{port}/healthz", timeout=5).status_code == 200
