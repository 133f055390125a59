"""API keys (Bearer, compared by their SHA-256) and the request body size limit."""

from __future__ import annotations

import hmac
import math
import time

from starlette.types import ASGIApp, Message, Receive, Scope, Send

from shipopt.api.config import hash_key
from shipopt.api.problems import problem_response

DEV_OWNER = "dev"


UNAUTHORIZED = "a valid API key is required: Authorization: Bearer <key>"


def owner_of(header: str, hashes: list[str], insecure: bool) -> str | None:
    """The owner id (first 16 hex of the key's hash) for an Authorization header, or None."""
    scheme, _, token = header.partition(" ")
    if scheme.lower() == "bearer" and token.strip():
        digest = hash_key(token.strip())
        for h in hashes:
            if hmac.compare_digest(digest, h):
                return h[:16]
    return DEV_OWNER if insecure else None


class RateLimiter:
    """A token bucket per key owner: ``rate`` requests a second on average, bursts of
    ``burst`` (at least one second of the rate); ``rates`` overrides the rate by owner id.
    Per server process."""

    def __init__(self, rate: float | None, burst: int | None, rates: dict[str, float]) -> None:
        self.rate, self.rates = rate, rates
        self.burst = burst
        self._buckets: dict[str, tuple[float, float]] = {}  # owner -> (tokens, at)

    def wait(self, owner: str, now: float | None = None) -> float:
        """0 when ``owner`` may go now (a token is taken), else the seconds until it may."""
        rate = self.rates.get(owner, self.rate)
        if rate is None:
            return 0.0
        burst = float(max(self.burst or 1, math.ceil(rate)))  # at least a second of the rate
        now = time.monotonic() if now is None else now
        tokens, at = self._buckets.get(owner, (burst, now))
        tokens = min(burst, tokens + (now - at) * rate)
        if tokens >= 1:
            self._buckets[owner] = (tokens - 1, now)
            return 0.0
        self._buckets[owner] = (tokens, now)
        return (1 - tokens) / rate


class KeyGate:
    """401 for a /v1 request without a valid key, before anything reads or parses its body;
    429 with Retry-After for a key over its rate."""

    def __init__(
        self, app: ASGIApp, hashes: list[str], insecure: bool, limiter: RateLimiter | None = None
    ) -> None:
        self.app = app
        self.hashes = hashes
        self.insecure = insecure
        self.limiter = limiter

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if (
            scope["type"] != "http"
            or scope.get("method") == "OPTIONS"  # CORS preflights carry no credentials
            or not str(scope.get("path", "")).startswith("/v1/")
        ):
            await self.app(scope, receive, send)
            return
        header = ""
        for name, value in scope.get("headers", ()):
            if name == b"authorization":
                header = value.decode("latin-1")
        who = owner_of(header, self.hashes, self.insecure)
        if who is None:
            refuse = problem_response(
                401, UNAUTHORIZED, kind="unauthorized", headers={"WWW-Authenticate": "Bearer"}
            )
            await refuse(scope, receive, send)
            return
        scope.setdefault("state", {})["owner"] = who
        wait = self.limiter.wait(who) if self.limiter is not None else 0.0
        if wait > 0:
            retry = max(1, math.ceil(wait))
            refuse = problem_response(
                429,
                f"over this key's request rate; retry after {retry} s",
                kind="rate-limited",
                headers={"Retry-After": str(retry)},
            )
            await refuse(scope, receive, send)
            return
        await self.app(scope, receive, send)


class BodyLimit:
    """413 for a body above ``limit`` bytes, by Content-Length or as it streams in."""

    def __init__(self, app: ASGIApp, limit: int) -> None:
        self.app = app
        self.limit = limit

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] != "http":
            await self.app(scope, receive, send)
            return
        too_large = problem_response(413, f"the body is over the limit of {self.limit} bytes")
        for name, value in scope.get("headers", ()):
            if name == b"content-length":
                try:
                    declared = int(value)
                except ValueError:
                    declared = -1
                if declared > self.limit:
                    await too_large(scope, receive, send)
                    return
        chunks: list[Message] = []
        size = 0
        while True:
            message = await receive()
            if message["type"] != "http.request":
                chunks.append(message)
                break
            size += len(message.get("body", b""))
            if size > self.limit:
                await too_large(scope, receive, send)
                return
            chunks.append(message)
            if not message.get("more_body", False):
                break

        async def replay() -> Message:
            if chunks:
                return chunks.pop(0)
            return await receive()

        await self.app(scope, replay, send)
