"""Request ids, the access log, JSON log lines and the `/metrics` route.

Every request gets an id: the caller's `X-Request-ID` when it is a sane token, else a new one. It is returned
in the response header and carried (a context variable, copied into worker threads) into every log line made
while the request is served.
"""

from __future__ import annotations

import contextvars
import json
import logging
import re
import sys
import time
import uuid
from datetime import UTC, datetime
from typing import Any

from fastapi import APIRouter, Request, Response
from prometheus_client import CONTENT_TYPE_LATEST, generate_latest

from service.api.security import ASGIApp, Message, Receive, Scope, Send
from service.metrics import ServiceMetrics

REQUEST_ID_HEADER = b"x-request-id"
VALID_REQUEST_ID = re.compile(r"^[A-Za-z0-9._:-]{1,128}$")
request_id_var: contextvars.ContextVar[str | None] = contextvars.ContextVar("request_id", default=None)
access_logger = logging.getLogger("bluebook_qa.access")


def accepted_request_id(given: str | None) -> str:
    """The caller's id when it is 1-128 safe characters (it ends up in logs and headers), else a new one."""
    if given is not None and VALID_REQUEST_ID.fullmatch(given):
        return given
    return uuid.uuid4().hex


class RequestContextMiddleware:
    """Outermost: assigns the request id, times the request, counts it by route template and status, logs it."""

    def __init__(self, app: ASGIApp, metrics: ServiceMetrics) -> None:
        self.app = app
        self.metrics = metrics

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] != "http":
            await self.app(scope, receive, send)
            return
        given = next((value.decode("latin-1") for key, value in scope.get("headers", []) if key == REQUEST_ID_HEADER),
                     None)
        request_id = accepted_request_id(given)
        token = request_id_var.set(request_id)
        started = time.perf_counter()
        status = 500  # what the client gets if the app fails before it starts a response

        async def send_with_id(message: Message) -> None:
            nonlocal status
            if message["type"] == "http.response.start":
                status = int(message["status"])
                message["headers"] = [*message.get("headers", []), (REQUEST_ID_HEADER, request_id.encode())]
            await send(message)

        try:
            await self.app(scope, receive, send_with_id)
        finally:
            elapsed = time.perf_counter() - started
            route = scope.get("route")
            # The template, not the path: /v1/sessions/{session_id} is one series, not one per session.
            template = getattr(route, "path", None) or "unmatched"
            method = scope["method"]
            self.metrics.requests.labels(method=method, route=template, status=str(status)).inc()
            self.metrics.latency.labels(method=method, route=template).observe(elapsed)
            key_name = (scope.get("state") or {}).get("api_key_name")
            access_logger.info("%s %s %d %.1f ms", method, template, status, elapsed * 1000, extra={
                "request_id": request_id, "method": method, "route": template, "path": scope["path"],
                "status": status, "duration_ms": round(elapsed * 1000, 1), "api_key": key_name})
            request_id_var.reset(token)


class RequestIdFilter(logging.Filter):
    """Stamps each record with the id of the request it was made in ("-" outside requests)."""

    def filter(self, record: logging.LogRecord) -> bool:
        if getattr(record, "request_id", None) is None:
            record.request_id = request_id_var.get() or "-"
        return True


EXTRA_FIELDS = ("method", "route", "path", "status", "duration_ms", "api_key")


class JsonFormatter(logging.Formatter):
    """One JSON object per line: time, level, logger, message, request_id, and the access fields when present."""

    def format(self, record: logging.LogRecord) -> str:
        data: dict[str, Any] = {
            "time": datetime.fromtimestamp(record.created, UTC).isoformat(timespec="milliseconds"),
            "level": record.levelname, "logger": record.name, "message": record.getMessage(),
            "request_id": getattr(record, "request_id", "-")}
        for name in EXTRA_FIELDS:
            if hasattr(record, name):
                data[name] = getattr(record, name)
        if record.exc_info:
            data["exception"] = self.formatException(record.exc_info)
        return json.dumps(data, ensure_ascii=False)


def log_handler(log_format: str, stream: Any = None) -> logging.Handler:
    handler = logging.StreamHandler(stream or sys.stderr)
    handler.addFilter(RequestIdFilter())
    if log_format == "json":
        handler.setFormatter(JsonFormatter())
    else:
        handler.setFormatter(logging.Formatter("%(asctime)s %(levelname)s %(name)s [%(request_id)s] %(message)s"))
    return handler


def configure_logging(level: str, log_format: str, stream: Any = None) -> None:
    """Root logging for the server: one handler, every line with its request id. uvicorn's own loggers
    propagate here (it is started with log_config=None and its access log off: ours has the request id)."""
    root = logging.getLogger()
    for existing in list(root.handlers):
        root.removeHandler(existing)
    root.addHandler(log_handler(log_format, stream))
    root.setLevel(level.upper())
    for name in ("uvicorn", "uvicorn.error"):
        logging.getLogger(name).handlers.clear()
        logging.getLogger(name).propagate = True
    uvicorn_access = logging.getLogger("uvicorn.access")  # ours replaces it: it has the route and the key name
    uvicorn_access.handlers.clear()
    uvicorn_access.propagate = False


metrics_router = APIRouter()


@metrics_router.get("/metrics", tags=["operations"], response_class=Response,
                    responses={200: {"content": {"text/plain": {"schema": {"type": "string"}}},
                                     "description": "Prometheus text exposition format"}})
def metrics(request: Request) -> Response:
    """Prometheus metrics: requests, latency, answers abstained, citations dropped, LLM fallbacks, batch sizes."""
    registry = request.app.state.metrics.registry
    return Response(generate_latest(registry), media_type=CONTENT_TYPE_LATEST)
