"""A read deadline for each request: uvicorn closes idle keep-alive connections but not one that
stalls mid-headers or mid-body, so such a connection would stay open. These protocols close a
connection whose request is not fully received within ``read_timeout`` seconds of its first
byte; the clock stops once the request is in, so slow answers are not affected."""

from __future__ import annotations

import asyncio
from typing import Any

from uvicorn.protocols.http.httptools_impl import HttpToolsProtocol


class _ReadDeadline:
    read_timeout: float = 10.0  # set from the settings by the server before it serves
    loop: asyncio.AbstractEventLoop
    transport: asyncio.Transport
    _read_timer: asyncio.TimerHandle | None = None
    _request_read = False

    def _arm(self) -> None:
        if self._read_timer is None and not self._request_read:
            self._read_timer = self.loop.call_later(self.read_timeout, self._timed_out)

    def _read(self) -> None:
        self._request_read = True
        if self._read_timer is not None:
            self._read_timer.cancel()
            self._read_timer = None

    def _timed_out(self) -> None:
        self._read_timer = None
        if not self._request_read and not self.transport.is_closing():
            self.transport.close()

    def _next_request(self) -> None:
        self._request_read = False


class ReadTimeoutHttpTools(_ReadDeadline, HttpToolsProtocol):
    def data_received(self, data: bytes) -> None:
        self._arm()
        super().data_received(data)

    def on_message_complete(self) -> None:
        self._read()
        super().on_message_complete()

    def on_response_complete(self) -> None:
        self._next_request()
        super().on_response_complete()

    def connection_lost(self, exc: Exception | None) -> None:
        self._read()
        super().connection_lost(exc)


def protocol(read_timeout: float) -> type[Any]:
    """The HTTP protocol class to serve with, its deadline set."""
    _ReadDeadline.read_timeout = read_timeout
    return ReadTimeoutHttpTools
