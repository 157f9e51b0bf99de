"""Running the service for a team: wires keys, limits, metrics, request ids and the OpenAPI additions into the app
(`install_operations`), and opens and closes what they need in the lifespan (`open_operations`)."""

from __future__ import annotations

import logging
import re
from typing import Any

from fastapi import FastAPI, Request
from fastapi.exception_handlers import http_exception_handler, request_validation_exception_handler
from fastapi.exceptions import RequestValidationError
from fastapi.responses import JSONResponse, Response
from starlette.exceptions import HTTPException as StarletteHTTPException

from service.api.observability import RequestContextMiddleware, metrics_router
from service.api.openapi import documented_openapi
from service.api.security import (
    AccessMiddleware,
    AnswerBound,
    BodyLimitMiddleware,
    RateLimiter,
    rate_limit_storage,
)
from service.chain import QuestionAnswerer
from service.config import Settings
from service.errors import BluebookError
from service.keys import open_key_store
from service.metrics import MeteredAnswerer, ServiceMetrics

logger = logging.getLogger("bluebook_qa")


async def malformed_json_is_a_bad_request(request: Request, exc: Exception) -> JSONResponse:
    """A body that is not JSON at all is a 400 (the request is malformed); well-formed JSON with wrong fields
    stays a 422 naming the field."""
    assert isinstance(exc, RequestValidationError)
    errors = exc.errors()
    if any(error.get("type") == "json_invalid" for error in errors):
        return JSONResponse(status_code=400, content={"detail": "the request body is not valid JSON"})
    return await request_validation_exception_handler(request, exc)


def template_regex(template: str) -> re.Pattern[str]:
    """/v1/sessions/{session_id} -> a pattern matching its paths."""
    parts = re.split(r"\{[^/{}]+\}", template)
    return re.compile("^" + "[^/]+".join(re.escape(part) for part in parts) + "$")


async def method_not_allowed_names_every_method(request: Request, exc: Exception) -> Response:
    """405 with an Allow header naming every documented method of the path: Starlette names only those of the
    first route that matched, and GET and DELETE /v1/sessions/{id} are two routes."""
    assert isinstance(exc, StarletteHTTPException)
    if exc.status_code != 405:
        return await http_exception_handler(request, exc)
    allowed: set[str] = set()
    for template, operations in request.app.openapi().get("paths", {}).items():
        if template_regex(template).match(request.url.path):
            allowed |= {method.upper() for method in operations}
    if "GET" in allowed:
        allowed.add("HEAD")
    headers = {"Allow": ", ".join(sorted(allowed))} if allowed else dict(exc.headers or {})
    return JSONResponse(status_code=405, content={"detail": exc.detail}, headers=headers)


def install_operations(app: FastAPI, settings: Settings) -> None:
    """Middleware (outermost first: request id and metrics, body limit, key + rate limit + answer bound), the
    /metrics route, the 400 for malformed JSON, and an OpenAPI document that names every status."""
    app.state.metrics = ServiceMetrics()
    app.include_router(metrics_router)
    app.add_exception_handler(RequestValidationError, malformed_json_is_a_bad_request)
    app.add_exception_handler(StarletteHTTPException, method_not_allowed_names_every_method)
    app.add_middleware(AccessMiddleware)
    app.add_middleware(BodyLimitMiddleware, max_bytes=settings.max_body_bytes)
    app.add_middleware(RequestContextMiddleware, metrics=app.state.metrics)
    app.state.openapi_cache = {}
    app.openapi = lambda: documented_openapi(app, settings)  # type: ignore[method-assign]


def open_operations(app: FastAPI, settings: Settings) -> None:
    """In the lifespan: the key store, the rate limiter and the answer bound."""
    app.state.key_store = None
    app.state.key_store_error = None
    try:
        app.state.key_store = open_key_store(settings)
    except BluebookError as exc:
        app.state.key_store_error = str(exc)
        logger.error("could not open the key store: %s", exc)
    try:
        if app.state.key_store is not None and not app.state.key_store.required():
            logger.warning("no API key exists: /v1/* is open to anyone who can reach this port "
                           "(create one with `bluebook-qa keys create NAME`)")
        else:
            logger.info("API keys required for /v1/*")
    except BluebookError as exc:
        logger.error("the key store cannot be read now (/v1/* answers 503 until it can): %s", exc)
    app.state.rate_limiter = None
    if settings.rate_limit:
        app.state.rate_limiter = RateLimiter(settings.rate_limit, rate_limit_storage(settings),
                                             key_prefix=settings.redis_prefix + "ratelimit")
    app.state.answer_bound = AnswerBound(settings.max_answers_in_progress, settings.answer_queue,
                                         settings.answer_queue_wait_seconds)


def close_operations(app: FastAPI) -> None:
    if getattr(app.state, "key_store", None) is not None:
        app.state.key_store.close()
        app.state.key_store = None


def metered(app: FastAPI, answerer: QuestionAnswerer) -> Any:
    """The answerer with its answers counted in the app's metrics."""
    return MeteredAnswerer(answerer, app.state.metrics)
