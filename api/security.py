"""API keys (Bearer, compared by their SHA-256) and the request body size limit."""

from __future__ import annotations

import hmac

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


class KeyGate:
    """401 for a /v1 request without a valid key, before anything reads or parses its body."""

    def __init__(self, app: ASGIApp, hashes: list[str], insecure: bool) -> None:
        self.app = app
        self.hashes = hashes
        self.insecure = insecure

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
