"""An answer as every adapter hands it out (HTTP API, web page, Slack, CLI, evaluation): one shape, made here,
so the adapters never import each other to share it."""

from __future__ import annotations

from typing import Literal

from pydantic import BaseModel, Field

from index.chunk import Passage
from service.chain import TimedAnswer


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
    year: int | None = None
    page: int | None = Field(None, description="1-based page of the PDF where the quote starts; null outside PDFs")
    page_label: str | None = Field(None, description="the page number printed on that page, when it prints one")


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
    year: int | None = None
    page: int | None = None
    page_label: str | None = None
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



def passage_out(passage: Passage, score: float | None = None) -> PassageOut:
    return PassageOut(passage_id=passage.passage_id, doc_id=passage.doc_id, title=passage.title,
                      section_path=list(passage.section_path), section=passage.section, kind=passage.kind,
                      text=passage.text, start=passage.start, end=passage.end, year=passage.year,
                      page=passage.page, page_label=passage.page_label, score=score)


def ask_response(result: TimedAnswer) -> AskResponse:
    answer = result.answer
    return AskResponse(
        answer=answer.answer,
        citations=[CitationOut(number=c.number, doc_id=c.doc_id, title=c.title, section_path=list(c.section_path),
                               section=" > ".join(c.section_path), passage_id=c.passage_id, quote=c.quote,
                               start=c.start, end=c.end, year=c.year, page=c.page, page_label=c.page_label)
                   for c in answer.citations],
        abstained=answer.abstained, language=answer.language,  # type: ignore[arg-type]
        passages=[passage_out(item.passage, round(item.score, 5)) for item in answer.passages],
        timings_ms=result.timings_ms, answered_by=answer.answered_by, unverified_claims=answer.unverified_claims,
        fallback_reason=answer.fallback_reason, short_answer=answer.short_answer, answer_type=answer.answer_type)
