"""Request and response bodies of the HTTP API."""

from __future__ import annotations

from typing import Literal

from pydantic import BaseModel, Field, field_validator


class HistoryTurn(BaseModel):
    role: Literal["user", "assistant"]
    content: str = Field(max_length=20_000)


class AskRequest(BaseModel):
    question: str = Field(description="the question, in Japanese or English")
    history: list[HistoryTurn] = Field(default_factory=list, description="earlier turns of the conversation")
    top_k: int | None = Field(None, ge=1, le=100, description="how many passages to retrieve")

    @field_validator("question")
    @classmethod
    def _question_has_text(cls, value: str) -> str:
        if not value.strip():
            raise ValueError("question must not be empty or only whitespace")
        return value.strip()


class CitationOut(BaseModel):
    number: int
    doc_id: str
    title: str
    section_path: list[str]
    section: str
    passage_id: str
    quote: str = Field(description="verbatim text of the cited passage")
    start: int = Field(description="start of the quote in the cleaned document text")
    end: int


class PassageOut(BaseModel):
    passage_id: str
    doc_id: str
    title: str
    section_path: list[str]
    section: str
    kind: str
    text: str
    start: int
    end: int
    score: float | None = None


class AskResponse(BaseModel):
    answer: str
    citations: list[CitationOut]
    abstained: bool
    language: Literal["ja", "en"]
    passages: list[PassageOut]
    timings_ms: dict[str, float]
    answered_by: str = Field("extractive", description="'extractive' or 'llm:<provider>'")
    unverified_claims: list[str] = Field(default_factory=list, description=(
        "sentences of a generated answer that no passage was found to support (the answer is partly unverified)"))
    fallback_reason: str | None = Field(None, description="why the LLM answer was replaced by the extractive one")
    short_answer: str | None = Field(None, description=(
        "the direct answer, a span of the cited text of the type asked for (a person, place, organisation, date, "
        "number or name), quoted verbatim from the Japanese documents; null for descriptive questions"))
    answer_type: str | None = Field(None, description=(
        "what the question asks for: person, place, organization, date, number, name, yesno, description or list"))


class HealthResponse(BaseModel):
    status: str
    detail: str | None = None


SESSION_ID_PATTERN = r"^[0-9a-f]{32}$"


class ChatRequest(BaseModel):
    session_id: str | None = Field(None, pattern=SESSION_ID_PATTERN, description="omit to start a new session")
    message: str = Field(description="the next question, in Japanese or English")
    top_k: int | None = Field(None, ge=1, le=100)

    @field_validator("message")
    @classmethod
    def _message_has_text(cls, value: str) -> str:
        if not value.strip():
            raise ValueError("message must not be empty or only whitespace")
        return value.strip()


class ChatResponse(AskResponse):
    session_id: str


class TurnOut(BaseModel):
    role: Literal["user", "assistant"]
    content: str
    citations: list[CitationOut]
    created_at: float


class SessionOut(BaseModel):
    session_id: str
    created_at: float
    updated_at: float
    turns: list[TurnOut]


class OpenAIMessage(BaseModel):
    role: Literal["system", "user", "assistant", "developer", "tool"]
    content: str | list[dict] | None = None

    def text(self) -> str:
        if isinstance(self.content, str):
            return self.content
        if isinstance(self.content, list):
            return "".join(str(part.get("text", "")) for part in self.content if part.get("type") == "text")
        return ""


class OpenAIChatRequest(BaseModel):
    model_config = {"extra": "allow"}  # temperature, max_tokens, … are accepted and ignored

    messages: list[OpenAIMessage] = Field(min_length=1)
    model: str | None = None
    stream: bool = False
