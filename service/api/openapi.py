"""An OpenAPI document that says what the service does: every status a route can answer, the key it needs, and
the limits that come from the settings (question length, top_k, history turns) rather than from the models.

The statuses added here come from the layers around the routes (keys 401, rate limits 429, body size 413,
malformed JSON 400, the answer bound and an unavailable store 503) and from domain errors mapped in app.py
(404). Schemathesis checks the document against the running server in CI (tests/test_openapi_fuzz.py).
"""

from __future__ import annotations

from typing import Any

from fastapi import FastAPI
from fastapi.openapi.utils import get_openapi

from service.config import Settings

ERROR = {"$ref": "#/components/schemas/ErrorDetail"}
RETRY_AFTER = {"Retry-After": {"description": "seconds to wait before retrying", "schema": {"type": "string"}}}
SSE_EVENT = {"type": "object", "description": "one Server-Sent Event; `data` is JSON or a text piece",
             "properties": {"event": {"type": "string"}, "data": {"type": "string"}, "id": {"type": "string"}}}
NOT_FOUND: dict[tuple[str, str], str] = {
    ("get", "/v1/passages/{passage_id}"): "unknown passage id",
    ("get", "/v1/sessions/{session_id}"): "unknown or expired session",
    ("delete", "/v1/sessions/{session_id}"): "unknown or expired session",
    ("post", "/v1/chat"): "unknown or expired session",
    ("post", "/v1/chat/stream"): "unknown or expired session",
}


def error_response(description: str, retry_after: bool = False) -> dict[str, Any]:
    response: dict[str, Any] = {"description": description, "content": {"application/json": {"schema": ERROR}}}
    if retry_after:
        response["headers"] = RETRY_AFTER
    return response


def set_limits(schemas: dict[str, Any], settings: Settings, answerer: Any = None) -> None:
    """The limits a route checks against the settings (and the documents the index holds), as schema constraints."""
    def property_of(model: str, name: str) -> dict[str, Any] | None:
        return schemas.get(model, {}).get("properties", {}).get(name)

    for model, name, limit in (("AskRequest", "question", settings.max_question_chars),
                               ("ChatRequest", "message", settings.max_message_chars)):
        text = property_of(model, name)
        if text is not None:
            text["maxLength"] = limit
    for model in ("AskRequest", "ChatRequest"):
        top_k = property_of(model, "top_k")
        for option in (top_k or {}).get("anyOf", [top_k] if top_k else []):
            if option.get("type") == "integer":
                option["maximum"] = min(option.get("maximum", settings.max_top_k), settings.max_top_k)
    history = property_of("AskRequest", "history")
    if history is not None:
        history["maxItems"] = settings.max_history_turns
    question = schemas.get("OpenAIUserMessage", {}).get("properties", {}).get("content")
    for option in (question or {}).get("anyOf", []):
        if option.get("type") == "string":
            option["maxLength"] = settings.max_question_chars
    part = schemas.get("OpenAITextPart", {}).get("properties", {}).get("text")
    if part is not None:
        part["maxLength"] = settings.max_question_chars
    index = getattr(answerer, "index", None)
    if index is None:
        return
    # A filter naming a document or year the index lacks is a 422: the ones it holds are the values allowed.
    allowed = {"documents": sorted(index.documents),
               "years": sorted({d.year for d in index.documents.values() if getattr(d, "year", None) is not None})}
    for model in ("AskRequest", "ChatRequest"):
        for name, values in allowed.items():
            for option in (property_of(model, name) or {}).get("anyOf", []):
                if option.get("type") == "array" and isinstance(option.get("items"), dict):
                    option["items"]["enum"] = values


def build_document(app: FastAPI, settings: Settings, keys_required: bool) -> dict[str, Any]:
    document = get_openapi(title=app.title, version=app.version, description=app.description, routes=app.routes)
    components = document.setdefault("components", {})
    schemas = components.setdefault("schemas", {})
    schemas["ErrorDetail"] = {"type": "object", "properties": {"detail": {"type": "string"}},
                              "required": ["detail"], "title": "ErrorDetail"}
    set_limits(schemas, settings, getattr(app.state, "question_answerer", None))
    components["securitySchemes"] = {"apiKey": {
        "type": "http", "scheme": "bearer",
        "description": "an API key from `bluebook-qa keys create NAME`; required on /v1/* once a key exists"}}
    slack = document.get("paths", {}).get("/slack/events", {}).get("post")
    if slack is not None:
        slack["responses"].update({
            "401": {"description": "the request is not signed by Slack with the signing secret",
                    "content": {"application/json": {"schema": {"type": "object"}}}},
            "503": error_response("Slack is not configured (the missing settings are named)")})
    completions = document.get("paths", {}).get("/v1/chat/completions", {}).get("post")
    if completions is not None:
        completions["responses"]["200"] = {
            "description": "a chat.completion object, or with `stream: true` chat.completion.chunk events",
            "content": {"application/json": {"schema": {"type": "object"}},
                        "text/event-stream": {"schema": SSE_EVENT}}}
    stream = document.get("paths", {}).get("/v1/chat/stream", {}).get("post")
    if stream is not None:
        stream["responses"]["200"]["content"] = {"text/event-stream": {"schema": SSE_EVENT}}
    for path, operations in document.get("paths", {}).items():
        for method, operation in operations.items():
            responses = operation.setdefault("responses", {})
            if "requestBody" in operation:
                responses.setdefault("400", error_response("the body is not valid JSON"))
                responses.setdefault("413", error_response(f"the body is over {settings.max_body_bytes} bytes"))
            if (method, path) in NOT_FOUND:
                responses.setdefault("404", error_response(NOT_FOUND[(method, path)]))
            if not path.startswith("/v1/"):
                continue
            if keys_required:
                operation["security"] = [{"apiKey": []}]
                responses.setdefault("401", error_response("no API key, or one that is unknown or revoked"))
            if settings.rate_limit:
                responses.setdefault("429", error_response(f"over the rate limit ({settings.rate_limit})",
                                                           retry_after=True))
            responses.setdefault("503", error_response(
                "not ready (index not loaded), too many answers in progress, or a store unavailable",
                retry_after=True))
    return document


def documented_openapi(app: FastAPI, settings: Settings) -> dict[str, Any]:
    """The document as it is now: whether keys are required changes when the first key is created."""
    key_store = getattr(app.state, "key_store", None)
    try:
        keys_required = bool(key_store is not None and key_store.required())
    except Exception:  # the document must still be served when the store is down
        keys_required = True
    cache: dict[bool, dict[str, Any]] = app.state.openapi_cache
    if keys_required not in cache:
        cache[keys_required] = build_document(app, settings, keys_required)
    return cache[keys_required]
