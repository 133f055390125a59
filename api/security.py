"""API keys (Bearer, compared by their SHA-256) and the request body size limit."""

from __future__ import annotations

import hmac
from collections.abc import Awaitable, Callable

from fastapi import HTTPException, Request
from starlette.types import ASGIApp, Message, Receive, Scope, Send

from api.config import hash_key
from api.problems import problem_response

DEV_OWNER = "dev"


def key_checker(hashes: list[str], insecure: bool) -> Callable[[Request], Awaitable[str]]:
    """A dependency: the caller's owner id (first 16 hex of its key hash), or 401. Async, so
    it runs on the event loop instead of a worker thread."""

    async def owner(request: Request) -> str:
        header = request.headers.get("authorization", "")
        scheme, _, token = header.partition(" ")
        if scheme.lower() == "bearer" and token.strip():
            digest = hash_key(token.strip())
            for h in hashes:
                if hmac.compare_digest(digest, h):
                    return h[:16]
        if insecure:
            return DEV_OWNER
        raise HTTPException(
            401,
            "a valid API key is required: Authorization: Bearer <key>",
            headers={"WWW-Authenticate": "Bearer"},
        )

    return owner


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
