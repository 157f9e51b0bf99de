"""Conversations over HTTP: sessions, Server-Sent Events streaming, and the OpenAI-compatible endpoint."""

from __future__ import annotations

import json
import logging
import time
import uuid
from collections.abc import AsyncIterator
from dataclasses import dataclass
from typing import Any

from fastapi import APIRouter, Path, Response
from fastapi.concurrency import run_in_threadpool
from fastapi.responses import JSONResponse
from sse_starlette import EventSourceResponse
from starlette.concurrency import iterate_in_threadpool

from index.retrieve import RetrievalFilter
from service.api.deps import AnswererDep, SessionStoreDep, SettingsDep
from service.api.routes import checked_filters, checked_text_and_top_k, unprocessable
from service.api.schemas import (
    SESSION_ID_PATTERN,
    ChatRequest,
    ChatResponse,
    OpenAIChatRequest,
    SessionOut,
    TurnOut,
)
from service.chain import QuestionAnswerer, TimedAnswer, Turn, recent_turns
from service.config import Settings
from service.errors import BluebookError
from service.responses import CitationOut, ask_response
from service.sessions import SessionNotFoundError, SessionStore, StoredTurn

logger = logging.getLogger("bluebook_qa.chat")
router = APIRouter()
SessionIdPath = Path(pattern=SESSION_ID_PATTERN, description="32 lower-case hex characters")


def stream_error_message(exc: Exception) -> str:
    """What a client is told when a stream fails after it started: a domain error's own message (written for
    users, as in the 503 it would otherwise be); anything else is logged in full and named only in general."""
    if isinstance(exc, BluebookError):
        logger.warning("a streamed answer failed: %s", exc)
        return str(exc)
    logger.exception("a streamed answer failed")
    return "internal error: the answer could not be completed"


@dataclass
class PreparedChat:
    session_id: str
    history: list[Turn]
    message: str
    top_k: int
    filters: RetrievalFilter | None = None


def prepare_chat(body: ChatRequest, settings: Settings, store: SessionStore, answerer: QuestionAnswerer
                 ) -> PreparedChat | JSONResponse:
    """Validate against the settings and the index and resolve the session, before anything is answered."""
    top_k = checked_text_and_top_k("message", body.message, settings.max_message_chars, body.top_k, settings)
    if isinstance(top_k, JSONResponse):
        return top_k
    filters = checked_filters(body, answerer)
    if isinstance(filters, JSONResponse):
        return filters
    if body.session_id is None:
        return PreparedChat(store.create(), [], body.message, top_k, filters)
    session = store.get(body.session_id)
    if session is None:
        raise SessionNotFoundError(f"unknown session: {body.session_id}")
    history = recent_turns([Turn(t.role, t.content) for t in session.turns], settings.max_history_turns)
    return PreparedChat(body.session_id, history, body.message, top_k, filters)


def remember(store: SessionStore, chat: PreparedChat, result: TimedAnswer) -> str:
    """Keep the question and the answer in the session; the answer's turn id (what feedback names) is returned."""
    citations = [c.model_dump() for c in ask_response(result).citations]
    answer_turn = StoredTurn("assistant", result.answer.answer, citations)
    store.append(chat.session_id, [StoredTurn("user", chat.message), answer_turn])
    return answer_turn.turn_id


def answer_and_remember(answerer: QuestionAnswerer, store: SessionStore, chat: PreparedChat) -> TimedAnswer:
    result = answerer.ask(chat.message, chat.history, chat.top_k, chat.filters)
    remember(store, chat, result)
    return result


@router.post("/v1/chat", response_model=ChatResponse, tags=["chat"])
def chat(body: ChatRequest, settings: SettingsDep, answerer: AnswererDep, store: SessionStoreDep
         ) -> ChatResponse | JSONResponse:
    """Ask within a conversation: follow-up questions are understood from the session's earlier turns."""
    prepared = prepare_chat(body, settings, store, answerer)
    if isinstance(prepared, JSONResponse):
        return prepared
    result = answer_and_remember(answerer, store, prepared)
    return ChatResponse(**ask_response(result).model_dump(), session_id=prepared.session_id)


@router.post("/v1/chat/stream", tags=["chat"], response_class=EventSourceResponse, response_model=None,
             responses={200: {"description": "`token` events, then `citations`, then `done` (or `error`)"}})
def chat_stream(body: ChatRequest, settings: SettingsDep, answerer: AnswererDep, store: SessionStoreDep
                ) -> EventSourceResponse | JSONResponse:
    """The chat answer as Server-Sent Events."""
    prepared = prepare_chat(body, settings, store, answerer)
    if isinstance(prepared, JSONResponse):
        return prepared

    async def events() -> AsyncIterator[dict[str, str]]:
        try:
            final: TimedAnswer | None = None
            pieces = answerer.stream(prepared.message, prepared.history, prepared.top_k, prepared.filters)
            async for item in iterate_in_threadpool(pieces):
                if isinstance(item, TimedAnswer):
                    final = item
                else:
                    yield {"event": "token", "data": item}
            if final is None:
                raise RuntimeError("the answer ended without a result")
            turn_id = await run_in_threadpool(remember, store, prepared, final)
            response = ask_response(final)
            yield {"event": "citations", "data": json.dumps([c.model_dump() for c in response.citations],
                                                            ensure_ascii=False)}
            yield {"event": "done", "data": json.dumps({
                "session_id": prepared.session_id, "turn_id": turn_id, "answer": response.answer,
                "abstained": response.abstained,
                "language": response.language, "answered_by": response.answered_by,
                "unverified_claims": response.unverified_claims, "fallback_reason": response.fallback_reason,
                "short_answer": response.short_answer, "answer_type": response.answer_type,
                "timings_ms": response.timings_ms}, ensure_ascii=False)}
        except Exception as exc:  # the stream has started: the client must get a message, not a cut connection
            yield {"event": "error", "data": json.dumps({"message": stream_error_message(exc)}, ensure_ascii=False)}

    return EventSourceResponse(events(), ping=15)


@router.get("/v1/sessions/{session_id}", response_model=SessionOut, tags=["chat"])
def get_session(store: SessionStoreDep, session_id: str = SessionIdPath) -> SessionOut:
    """The turns of a session, each assistant turn with the citations it gave."""
    session = store.get(session_id)
    if session is None:
        raise SessionNotFoundError(f"unknown session: {session_id}")
    return SessionOut(session_id=session.session_id, created_at=session.created_at, updated_at=session.updated_at,
                      turns=[TurnOut(role=t.role, content=t.content,  # type: ignore[arg-type]
                                     citations=[CitationOut(**c) for c in t.citations], created_at=t.created_at,
                                     turn_id=t.turn_id)
                             for t in session.turns])


@router.delete("/v1/sessions/{session_id}", status_code=204, tags=["chat"])
def delete_session(store: SessionStoreDep, session_id: str = SessionIdPath) -> Response:
    """Forget a session."""
    if not store.delete(session_id):
        raise SessionNotFoundError(f"unknown session: {session_id}")
    return Response(status_code=204)


# ---- OpenAI-compatible chat completions ---------------------------------------------------------------

def with_sources(answer: str, citations: list[CitationOut]) -> str:
    """Chat clients show only the message text: the citations must be in it, as a numbered source list."""
    if not citations:
        return answer
    lines = [f"[{c.number}] {c.title} — {c.section}: 「{c.quote}」 ({c.passage_id})" for c in citations]
    return answer + "\n\nSources:\n" + "\n".join(lines)


def completion_id() -> str:
    return "chatcmpl-" + uuid.uuid4().hex


@router.post("/v1/chat/completions", tags=["openai"], response_model=None)
def chat_completions(body: OpenAIChatRequest, settings: SettingsDep, answerer: AnswererDep) -> Any:
    """OpenAI chat-completions protocol: existing chat clients and SDKs work unchanged; citations are kept."""
    asked = [i for i, message in enumerate(body.messages) if message.role == "user"]
    if not asked:
        return unprocessable("messages", "the messages must include a user message (the question)")
    for message in body.messages:
        if message.role == "user" and len(message.text()) > settings.max_question_chars:
            return unprocessable("messages", f"a user message is {len(message.text())} characters long; the limit "
                                             f"is {settings.max_question_chars}")
    question = body.messages[asked[-1]].text().strip()
    earlier = body.messages[:asked[-1]]
    history = recent_turns([Turn(m.role, m.text()) for m in earlier if m.role in ("user", "assistant")],
                           settings.max_history_turns)
    model = body.model or "bluebook-qa"
    created = int(time.time())
    identifier = completion_id()

    if not body.stream:
        response = ask_response(answerer.ask(question, history, settings.default_top_k))
        return {"id": identifier, "object": "chat.completion", "created": created, "model": model,
                "choices": [{"index": 0, "finish_reason": "stop", "logprobs": None,
                             "message": {"role": "assistant", "content": with_sources(response.answer,
                                                                                      response.citations)}}],
                "usage": {"prompt_tokens": 0, "completion_tokens": 0, "total_tokens": 0},
                "citations": [c.model_dump() for c in response.citations], "abstained": response.abstained}

    def chunk(delta: dict[str, Any], finish: str | None = None, **extra: Any) -> dict[str, str]:
        return {"data": json.dumps({"id": identifier, "object": "chat.completion.chunk", "created": created,
                                    "model": model, "choices": [{"index": 0, "delta": delta, "logprobs": None,
                                                                 "finish_reason": finish}], **extra},
                                   ensure_ascii=False)}

    async def events() -> AsyncIterator[dict[str, str]]:
        try:
            yield chunk({"role": "assistant", "content": ""})
            final: TimedAnswer | None = None
            pieces = answerer.stream(question, history, settings.default_top_k)
            async for item in iterate_in_threadpool(pieces):
                if isinstance(item, TimedAnswer):
                    final = item
                else:
                    yield chunk({"content": item})
            if final is None:
                raise RuntimeError("the answer ended without a result")
            response = ask_response(final)
            sources = with_sources("", response.citations)
            if sources:
                yield chunk({"content": sources})
            yield chunk({}, "stop", citations=[c.model_dump() for c in response.citations],
                        abstained=response.abstained, unverified_claims=response.unverified_claims)
        except Exception as exc:  # OpenAI clients read an error object in the stream
            yield {"data": json.dumps({"error": {"message": stream_error_message(exc), "type": "server_error"}},
                                      ensure_ascii=False)}
        yield {"data": "[DONE]"}

    return EventSourceResponse(events(), ping=15)
