"""The path of one question: history-aware query -> hybrid retrieval -> extractive answer with citations."""

from __future__ import annotations

import time
from dataclasses import dataclass, field

import numpy as np

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
    """A follow-up ("それはいつ？") only makes sense with the questions before it: BM25 searches with them."""
    earlier = [turn.content for turn in history if turn.role == "user"][-max_turns:] if max_turns else []
    return " ".join([*earlier, question]).strip()


def conversation_context(history: list[Turn], max_questions: int = 2) -> str:
    """What the conversation is about: the last questions and the last answer (which quotes what it cited)."""
    questions = [turn.content for turn in history if turn.role == "user"][-max_questions:]
    answers = [turn.content for turn in history if turn.role == "assistant"][-1:]
    return " ".join([*questions, *answers]).strip()


class QuestionAnswerer:
    """Retrieves and answers; one per process, shared by HTTP, CLI and evaluation."""

    def __init__(self, index: SearchIndex, embedder: Embedder, retriever: HybridRetriever,
                 answerer: ExtractiveAnswerer, context_weight: float = 0.5) -> None:
        if context_weight < 0:
            raise ValueError(f"context_weight must be >= 0, got {context_weight}")
        self.context_weight = context_weight
        self.index = index
        self.embedder = embedder
        self.retriever = retriever
        self.answerer = answerer

    def ask(self, question: str, history: list[Turn] | None = None, top_k: int = 5) -> TimedAnswer:
        started = time.perf_counter()
        history = history or []
        language = detect_language(question)
        query = retrieval_query(question, history, max_turns=2)
        context = conversation_context(history)
        if context and self.context_weight > 0:
            # Dense search with the question plus, at lower weight, what the conversation is about: a follow-up
            # finds its topic, and an explicit new topic in the question still outweighs the old one.
            question_vector, context_vector = self.embedder.embed_query_vectors([question, context])
            combined = question_vector + self.context_weight * context_vector
            query_vector = combined / max(float(np.linalg.norm(combined)), 1e-9)
        else:
            query_vector = self.embedder.embed_query_vectors([question])[0]
        result = self.retriever.search(query, top_k, language=language, query_vector=query_vector)
        retrieved_at = time.perf_counter()
        context = " ".join(turn.content for turn in history if turn.role == "user")
        previous_answers = [turn.content for turn in history if turn.role == "assistant"]
        answer = self.answerer.answer(question, language, result.query_vector, result.passages, context=context,
                                      already_said=previous_answers[-1] if previous_answers else "")
        finished = time.perf_counter()
        return TimedAnswer(answer=answer, timings_ms={
            "retrieve": round((retrieved_at - started) * 1000, 1),
            "answer": round((finished - retrieved_at) * 1000, 1),
            "total": round((finished - started) * 1000, 1)})
