"""The span the extractive answerer would lead with, for tests of question typing and span choice."""

from __future__ import annotations

from service.answer import SpanFinder
from service.answer_types import classify_question


def short_answer_of(question: str, sentence: str) -> str | None:
    """The span the answerer would lead with for `question` (Japanese, or English when all ASCII) from `sentence`."""
    language = "en" if question.isascii() else "ja"
    finder = SpanFinder(question, classify_question(question, language), language)
    span = finder.best_span(sentence, finder.question_type.answer_type)
    return span.text if span is not None else None
