"""What stands between the network and the answering core: API keys, rate limits, the request-size limit and the
bound on answers in progress. Plain ASGI middleware, so streamed answers pass through untouched.

Order, outermost first: body limit (413) -> key (401) -> rate limit (429) -> answers in progress (503).
Only `/v1/*` needs a key and is rate-limited; health, `/metrics`, `/slack/events` (signed by Slack), the
OpenAPI document and the web page are public.
"""

from __future__ import annotations

import asyncio
import json
import logging
import math
import time
from collections.abc import Awaitable, Callable, MutableMapping
from typing import Any

from starlette.concurrency import run_in_threadpool

from service.config import Settings
from service.errors import BluebookError
from service.keys import KeyStore

logger = logging.getLogger("bluebook_qa.security")

Scope = MutableMapping[str, Any]
Message = MutableMapping[str, Any]
Receive = Callable[[], Awaitable[Message]]
Send = Callable[[Message], Awaitable[None]]
ASGIApp = Callable[[Scope, Receive, Send], Awaitable[None]]

PROTECTED_PREFIX = "/v1/"
ANSWER_ROUTES = frozenset({("POST", "/v1/ask"), ("POST", "/v1/chat"), ("POST", "/v1/chat/stream"),
                           ("POST", "/v1/chat/completions")})


async def send_error(send: Send, status: int, detail: str, headers: dict[str, str] | None = None) -> None:
    body = json.dumps({"detail": detail}, ensure_ascii=False).encode("utf-8")
    raw_headers = [(b"content-type", b"application/json"), (b"content-length", str(len(body)).encode())]
    raw_headers += [(name.lower().encode("latin-1"), value.encode("latin-1"))
                    for name, value in (headers or {}).items()]
    await send({"type": "http.response.start", "status": status, "headers": raw_headers})
    await send({"type": "http.response.body", "body": body})


def header(scope: Scope, name: bytes) -> str | None:
    for key, value in scope.get("headers", []):
        if key == name:
            return str(value.decode("latin-1"))
    return None


class BodyLimitMiddleware:
    """413 for a body over `max_bytes`: at once from Content-Length, or as soon as a chunked body passes it."""

    def __init__(self, app: ASGIApp, max_bytes: int) -> None:
        if max_bytes < 1:
            raise ValueError(f"max_bytes must be >= 1, got {max_bytes}")
        self.app = app
        self.max_bytes = max_bytes

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] != "http":
            await self.app(scope, receive, send)
            return
        message = f"the request body is larger than the limit of {self.max_bytes} bytes"
        length = header(scope, b"content-length")
        if length is not None and length.isdigit() and int(length) > self.max_bytes:
            await send_error(send, 413, message)
            return
        received = 0
        started = False
        refused = False

        async def counting_receive() -> Message:
            # The app may catch any exception while it reads the body (FastAPI turns it into a 400), so the 413
            # is sent from here, and the app is told the client went away; whatever it sends after is dropped.
            nonlocal received, refused, started
            incoming = await receive()
            if incoming["type"] == "http.request":
                received += len(incoming.get("body", b""))
                if received > self.max_bytes:
                    if not started:
                        started = refused = True
                        await send_error(send, 413, message)
                    return {"type": "http.disconnect"}
            return incoming

        async def tracking_send(outgoing: Message) -> None:
            nonlocal started
            if refused:
                return
            started = started or outgoing["type"] == "http.response.start"
            await send(outgoing)

        try:
            await self.app(scope, counting_receive, tracking_send)
        except Exception:
            if not refused:
                raise


class AnswerBound:
    """At most `in_progress` answers at once, and at most `queue` more waiting up to `wait_seconds` for a turn;
    anything past that is told to come back (503 + Retry-After) instead of joining an unbounded queue."""

    def __init__(self, in_progress: int, queue: int, wait_seconds: float) -> None:
        if in_progress < 1:
            raise ValueError(f"in_progress must be >= 1, got {in_progress}")
        if queue < 0 or wait_seconds < 0:
            raise ValueError(f"queue and wait_seconds must be >= 0, got {queue} and {wait_seconds}")
        self.capacity = in_progress
        self.queue = queue
        self.wait_seconds = wait_seconds
        self.running = 0
        self.waiting = 0
        self.average_seconds = 1.0  # how long an answer takes, smoothed: what Retry-After is estimated from
        self._slots = asyncio.Semaphore(in_progress)

    async def acquire(self) -> bool:
        if self.running < self.capacity and not self.waiting:
            await self._slots.acquire()  # free at once: no await point gives a slot away before this
        else:
            if self.waiting >= self.queue:
                return False
            self.waiting += 1
            try:
                await asyncio.wait_for(self._slots.acquire(), self.wait_seconds)
            except TimeoutError:
                return False
            finally:
                self.waiting -= 1
        self.running += 1
        return True

    def release(self, seconds: float | None = None) -> None:
        self.running -= 1
        self._slots.release()
        if seconds is not None:
            self.average_seconds = 0.9 * self.average_seconds + 0.1 * seconds

    def retry_after(self) -> int:
        """Seconds until a place is likely free: the answers ahead (running and waiting) at the recent pace."""
        ahead = self.running + self.waiting + 1
        return max(1, min(math.ceil(ahead * self.average_seconds / self.capacity), math.ceil(self.wait_seconds) or 1,
                          60))


class AccessMiddleware:
    """Keys, rate limits and the answer bound for `/v1/*`. The key store, rate limiter and bound are made in the
    lifespan and found on `app.state` (`key_store`, `rate_limiter`, `answer_bound`)."""

    def __init__(self, app: ASGIApp) -> None:
        self.app = app

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] != "http" or not scope["path"].startswith(PROTECTED_PREFIX):
            await self.app(scope, receive, send)
            return
        state = scope["app"].state
        identity = await self.authenticate(scope, send, getattr(state, "key_store", None),
                                          getattr(state, "key_store_error", None))
        if identity is None:
            return
        limiter: RateLimiter | None = getattr(state, "rate_limiter", None)
        if limiter is not None:
            retry_after = await limiter.hit(identity)
            if retry_after is not None:
                await send_error(send, 429, f"rate limit exceeded ({limiter.description}); retry after "
                                            f"{retry_after} s", {"Retry-After": str(retry_after)})
                return
        bound: AnswerBound | None = getattr(state, "answer_bound", None)
        if bound is None or (scope["method"], scope["path"].rstrip("/")) not in ANSWER_ROUTES:
            await self.app(scope, receive, send)
            return
        if not await bound.acquire():
            metrics = getattr(state, "metrics", None)
            if metrics is not None:
                metrics.answers_rejected.inc()
            retry = bound.retry_after()
            await send_error(send, 503, f"too many answers in progress ({bound.capacity} running, {bound.queue} "
                                        f"waiting); retry after {retry} s", {"Retry-After": str(retry)})
            return
        started = time.perf_counter()
        try:
            await self.app(scope, receive, send)  # for a stream: until its last event is sent
        finally:
            bound.release(time.perf_counter() - started)

    async def authenticate(self, scope: Scope, send: Send, keys: KeyStore | None, error: str | None) -> str | None:
        """The rate-limit identity ("key:NAME", or "address:IP" while the service is open), or None once a 401
        or 503 has been sent."""
        if keys is None:
            await send_error(send, 503, f"the key store is unavailable: {error or 'not opened'}",
                             {"Retry-After": "5"})
            return None
        given = header(scope, b"authorization") or ""
        scheme, _, token = given.partition(" ")
        try:
            name = await run_in_threadpool(keys.name_for, token.strip()) if scheme.lower() == "bearer" else None
            if name is not None:
                scope.setdefault("state", {})["api_key_name"] = name
                return f"key:{name}"
            required = await run_in_threadpool(keys.required)
        except BluebookError as exc:
            logger.error("checking an API key failed: %s", exc)
            await send_error(send, 503, f"the key store is unavailable: {exc}", {"Retry-After": "5"})
            return None
        if required:
            detail = "a valid API key is required: send 'Authorization: Bearer <key>'" if given else \
                "an API key is required: send 'Authorization: Bearer <key>'"
            await send_error(send, 401, detail, {"WWW-Authenticate": 'Bearer realm="bluebook-qa"'})
            return None
        client = scope.get("client")
        return f"address:{client[0] if client else 'unknown'}"


class RateLimiter:
    """Per-identity limits with the `limits` library: in memory for one process, in Redis when the sessions are
    (so replicas share one budget per key)."""

    def __init__(self, limit: str, storage_uri: str, key_prefix: str = "bluebook:ratelimit") -> None:
        from limits import parse_many
        from limits.aio.strategies import MovingWindowRateLimiter
        from limits.storage import storage_from_string

        self.description = limit
        self.items = parse_many(limit)
        options: dict[str, Any] = {}
        if storage_uri.startswith("async+redis"):
            options = {"implementation": "redispy", "key_prefix": key_prefix}
        self.storage = storage_from_string(storage_uri, **options)
        self.limiter = MovingWindowRateLimiter(self.storage)

    async def hit(self, identity: str) -> int | None:
        """None when the request may go on, else the seconds until it may be retried."""
        try:
            for item in self.items:
                if not await self.limiter.hit(item, identity):
                    stats = await self.limiter.get_window_stats(item, identity)
                    return max(1, math.ceil(stats.reset_time - time.time()))
        except Exception as exc:  # a rate limiter that cannot count must not take the service down with it
            logger.error("rate limiting failed, request let through: %s", exc)
        return None


def rate_limit_storage(settings: Settings) -> str:
    """Where the counts live: the sessions' Redis when there is one (shared by replicas), else this process."""
    url = settings.session_url
    if url and url.startswith(("redis://", "rediss://")):
        return "async+" + url
    if url and url.startswith("unix://"):
        return "async+redis+unix://" + url.removeprefix("unix://")
    return "async+memory://"
