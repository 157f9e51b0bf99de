"""The path of one question: history-aware query -> hybrid retrieval -> extractive answer with citations."""

from __future__ import annotations

import time
from dataclasses import dataclass, field

from index.embed import Embedder
from index.retrieve import HybridRetriever
from index.store import SearchIndex
from index.tokenize import detect_language
from service.answer import Answer, ExtractiveAnswerer


@dataclass(frozen=True)
class Turn:
    role: str  # "user" | "assistant"
    content: str


@dataclass
class TimedAnswer:
    answer: Answer
    timings_ms: dict[str, float] = field(default_factory=dict)


def retrieval_query(question: str, history: list[Turn], max_turns: int = 1) -> str:
    """A follow-up ("それはいつ？") only makes sense with the question before it: search with both.
    The newest question comes last and first-person context first, so an explicit new topic still weighs in."""
    earlier = [turn.content for turn in history if turn.role == "user"][-max_turns:] if max_turns else []
    return " ".join([*earlier, question]).strip()


class QuestionAnswerer:
    """Retrieves and answers; one per process, shared by HTTP, CLI and evaluation."""

    def __init__(self, index: SearchIndex, embedder: Embedder, retriever: HybridRetriever,
                 answerer: ExtractiveAnswerer) -> None:
        self.index = index
        self.embedder = embedder
        self.retriever = retriever
        self.answerer = answerer

    def ask(self, question: str, history: list[Turn] | None = None, top_k: int = 5) -> TimedAnswer:
        started = time.perf_counter()
        history = history or []
        language = detect_language(question)
        query = retrieval_query(question, history)
        result = self.retriever.search(query, top_k, language=language)
        retrieved_at = time.perf_counter()
        context = query[: len(query) - len(question)] if history else ""
        previous_answers = [turn.content for turn in history if turn.role == "assistant"]
        answer = self.answerer.answer(question, language, result.query_vector, result.passages, context=context,
                                      already_said=previous_answers[-1] if previous_answers else "")
        finished = time.perf_counter()
        return TimedAnswer(answer=answer, timings_ms={
            "retrieve": round((retrieved_at - started) * 1000, 1),
            "answer": round((finished - retrieved_at) * 1000, 1),
            "total": round((finished - started) * 1000, 1)})
