"""HTTP routes: ask, open a cited passage, health and readiness."""

from __future__ import annotations

from collections import Counter

from fastapi import APIRouter, Request
from fastapi.responses import JSONResponse

from index.retrieve import RetrievalFilter
from service.api.deps import AnswererDep, SettingsDep
from service.api.schemas import (
    AskRequest,
    DocumentFilters,
    DocumentOut,
    DocumentsResponse,
    HealthResponse,
)
from service.chain import QuestionAnswerer, Turn
from service.config import Settings
from service.errors import PassageNotFoundError
from service.responses import AskResponse, PassageOut, ask_response, passage_out

router = APIRouter()


def unprocessable(field: str, message: str) -> JSONResponse:
    """A 422 in FastAPI's own shape, naming the field at fault."""
    return JSONResponse(status_code=422, content={"detail": [
        {"type": "value_error", "loc": ["body", field], "msg": message}]})


def checked_text_and_top_k(field: str, text: str, limit: int, top_k: int | None, settings: Settings
                           ) -> int | JSONResponse:
    """The top_k to use, or the 422 for a text over its configured length or a top_k over the configured maximum."""
    if len(text) > limit:
        return unprocessable(field, f"{field} is {len(text)} characters long; the limit is {limit}")
    top_k = top_k if top_k is not None else settings.default_top_k
    if top_k > settings.max_top_k:
        return unprocessable("top_k", f"top_k must be between 1 and {settings.max_top_k}, got {top_k}")
    return top_k


def checked_filters(body: DocumentFilters, answerer: QuestionAnswerer) -> RetrievalFilter | None | JSONResponse:
    """The documents/years filter, or the 422 naming a document or year the index does not hold."""
    filters = RetrievalFilter.of(body.documents, body.years)
    problem = filters.problem(answerer.index) if filters is not None else None
    if problem is not None:
        return unprocessable(*problem)
    return filters


@router.post("/v1/ask", response_model=AskResponse, tags=["answers"])
def ask(body: AskRequest, settings: SettingsDep, answerer: AnswererDep) -> AskResponse | JSONResponse:
    """Answer a question from the chapters, with verified citations."""
    top_k = checked_text_and_top_k("question", body.question, settings.max_question_chars, body.top_k, settings)
    if isinstance(top_k, JSONResponse):
        return top_k
    if len(body.history) > settings.max_history_turns:
        return unprocessable("history", f"history has {len(body.history)} turns; the limit is "
                                        f"{settings.max_history_turns}")
    filters = checked_filters(body, answerer)
    if isinstance(filters, JSONResponse):
        return filters
    history = [Turn(role=turn.role, content=turn.content) for turn in body.history]
    return ask_response(answerer.ask(body.question, history, top_k, filters))


@router.get("/v1/documents", response_model=DocumentsResponse, tags=["answers"])
def list_documents(answerer: AnswererDep) -> DocumentsResponse:
    """The indexed documents, with their metadata and passage counts (ids for the `documents` filter)."""
    counts = Counter(passage.doc_id for passage in answerer.index.passages)
    return DocumentsResponse(documents=[
        DocumentOut(doc_id=d.doc_id, title=d.title, year=d.year, source=d.source, format=d.format,  # type: ignore
                    source_url=d.source_url, passages=counts[d.doc_id],
                    pages=max(page for _, page in d.page_starts) if d.page_starts else None)
        for d in answerer.index.documents.values()])


@router.get("/v1/passages/{passage_id}", response_model=PassageOut, tags=["answers"])
def get_passage(passage_id: str, answerer: AnswererDep) -> PassageOut:
    """The passage a citation points at: text, section path and span in the cleaned document."""
    passage = answerer.index.passage_by_id(passage_id)
    if passage is None:
        raise PassageNotFoundError(f"unknown passage id: {passage_id}")
    return passage_out(passage)


@router.get("/healthz", response_model=HealthResponse, tags=["health"])
def healthz() -> HealthResponse:
    """The process is up."""
    return HealthResponse(status="ok")


@router.get("/readyz", response_model=HealthResponse, tags=["health"],
            responses={503: {"model": HealthResponse}})
def readyz(request: Request) -> HealthResponse | JSONResponse:
    """The model and index are loaded and questions can be answered."""
    if getattr(request.app.state, "question_answerer", None) is None:
        reason = getattr(request.app.state, "load_error", None) or "still loading"
        return JSONResponse(status_code=503, content={"status": "not ready", "detail": f"index not loaded: {reason}"})
    return HealthResponse(status="ready")

