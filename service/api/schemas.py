"""Request and response bodies of the HTTP API."""

from __future__ import annotations

from typing import Annotated, Any, Literal

from pydantic import BaseModel, BeforeValidator, Field, StrictBool, StringConstraints, field_validator, model_validator

# The answer's own shape is shared with the other adapters, so it lives in the core.
from service.responses import AskResponse, CitationOut

# Text that is not empty or only whitespace, said in the schema (a client or a fuzzer can read it) as well as
# checked. The lengths that come from the settings are added to the document in service/api/openapi.py.
NON_BLANK = r"\S"


def _a_json_number(value: Any) -> Any:
    """An integer field takes what JSON Schema calls an integer (5, or 5.0), not "5" or true."""
    if isinstance(value, bool | str | bytes):
        raise ValueError("must be an integer")
    return value


JsonInteger = Annotated[int, BeforeValidator(_a_json_number)]
TopK = Annotated[int, Field(ge=1, le=100), BeforeValidator(_a_json_number)]


class HistoryTurn(BaseModel):
    role: Literal["user", "assistant"]
    content: str = Field(max_length=20_000)


class DocumentFilters(BaseModel):
    documents: list[str] | None = Field(None, max_length=100, description=(
        "answer only from these documents (ids from GET /v1/documents)"))
    years: list[JsonInteger] | None = Field(None, max_length=50, description=(
        "answer only from documents of these years"))


class AskRequest(DocumentFilters):
    question: str = Field(min_length=1, pattern=NON_BLANK, description="the question, in Japanese or English")
    history: list[HistoryTurn] = Field(default_factory=list, description="earlier turns of the conversation")
    top_k: TopK | None = Field(None, description="how many passages to retrieve")

    @field_validator("question")
    @classmethod
    def _question_has_text(cls, value: str) -> str:
        if not value.strip():
            raise ValueError("question must not be empty or only whitespace")
        return value.strip()


class DocumentOut(BaseModel):
    doc_id: str
    title: str
    year: int | None
    source: str = Field(description="the file's path inside the corpus folder")
    format: Literal["pdf", "html", "markdown", "text"]
    source_url: str | None
    passages: int
    pages: int | None = Field(description="pages of a PDF; null for other formats")


class DocumentsResponse(BaseModel):
    documents: list[DocumentOut]


class HealthResponse(BaseModel):
    status: str
    detail: str | None = None


SESSION_ID_PATTERN = r"^[0-9a-f]{32}$"


class ChatRequest(DocumentFilters):
    session_id: str | None = Field(None, pattern=SESSION_ID_PATTERN, description="omit to start a new session")
    message: str = Field(min_length=1, pattern=NON_BLANK, description="the next question, in Japanese or English")
    top_k: TopK | None = None

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
    turn_id: str = Field("", description="stable id of the turn (feedback names it); empty for turns stored before ids")


class SessionOut(BaseModel):
    session_id: str
    created_at: float
    updated_at: float
    turns: list[TurnOut]


class FeedbackRequest(BaseModel):
    # "Exactly one of turn_id and turn", said in the schema too (a null counts as absent).
    model_config = {"json_schema_extra": {"oneOf": [
        {"required": ["turn_id"], "properties": {"turn_id": {"type": "string"}, "turn": {"type": "null"}}},
        {"required": ["turn"], "properties": {"turn": {"type": "integer"}, "turn_id": {"type": "null"}}}]}}

    session_id: str = Field(pattern=SESSION_ID_PATTERN)
    turn_id: str | None = Field(None, pattern=SESSION_ID_PATTERN, description="the rated answer's `turn_id`")
    turn: Annotated[int, Field(ge=0, le=100_000), BeforeValidator(_a_json_number)] | None = Field(None, description=(
        "or its position in `/v1/sessions/{id}` turns (positions shift when old turns are trimmed; ids do not)"))
    rating: Literal["up", "down"]
    comment: str | None = Field(None, max_length=2000, description="optional, free text")

    @field_validator("comment")
    @classmethod
    def _blank_comment_is_none(cls, value: str | None) -> str | None:
        return value.strip() or None if value is not None else None

    @model_validator(mode="after")
    def _one_turn_named(self) -> FeedbackRequest:
        if (self.turn_id is None) == (self.turn is None):
            raise ValueError("name the rated answer by exactly one of turn_id and turn")
        return self


class FeedbackOut(BaseModel):
    session_id: str
    turn_id: str
    turn: int = Field(description="the answer's position in the session now")
    rating: Literal["up", "down"]
    comment: str | None


NonBlankText = Annotated[str, StringConstraints(min_length=1, pattern=NON_BLANK)]


class OpenAITextPart(BaseModel):
    type: Literal["text"]
    text: NonBlankText


class OpenAIUserMessage(BaseModel):
    """A question: text that is not blank (a string, or one text part; this service reads no images)."""

    model_config = {"extra": "allow"}  # name, … are accepted and ignored

    role: Literal["user"]
    content: NonBlankText | Annotated[list[OpenAITextPart], Field(min_length=1, max_length=1)]

    def text(self) -> str:
        return self.content if isinstance(self.content, str) else self.content[0].text


class OpenAIOtherMessage(BaseModel):
    """Instructions, earlier answers, tool output: kept as history (assistant) or ignored."""

    model_config = {"extra": "allow"}

    role: Literal["system", "assistant", "developer", "tool"]
    content: str | list[dict[str, Any]] | None = None

    def text(self) -> str:
        if isinstance(self.content, str):
            return self.content
        if isinstance(self.content, list):
            return "".join(str(part.get("text", "")) for part in self.content if part.get("type") == "text")
        return ""


OpenAIMessage = Annotated[OpenAIUserMessage | OpenAIOtherMessage, Field(discriminator="role")]


class OpenAIChatRequest(BaseModel):
    model_config = {"extra": "allow"}  # temperature, max_tokens, … are accepted and ignored

    messages: list[OpenAIMessage] = Field(min_length=1, description=(
        "the conversation; the last user message is the question, the turns before it its history"),
        json_schema_extra={"contains": {"type": "object", "properties": {"role": {"const": "user"}},
                                        "required": ["role"]}})
    model: str | None = None
    stream: StrictBool = False  # strict: "0" or 1 is not a boolean (the schema says so)
