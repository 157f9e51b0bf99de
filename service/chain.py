"""The path of one question: history-aware query -> hybrid retrieval -> answer (extractive, or generated and
verified) with citations."""

from __future__ import annotations

import re
import time
from collections.abc import Iterator
from dataclasses import dataclass, field, replace

import numpy as np
from langchain_core.messages import HumanMessage

from index.embed import Embedder
from index.retrieve import HybridRetriever, RetrievalFilter, RetrievalResult
from index.store import SearchIndex
from index.tokenize import detect_language
from service.answer import Answer, ExtractiveAnswerer
from service.errors import LLMUnavailableError
from service.followup import Turn, only_points_back, resolve_references
from service.generate import GenerationFailedError, GenerativeAnswerer
from service.prompts import PromptTemplate

STREAM_PIECE = re.compile(r".+?(?:\[\d+\]|[。！？!?](?!\[)|$)", re.DOTALL)


def recent_turns(history: list[Turn], limit: int) -> list[Turn]:
    """The last `limit` turns; none for 0 (a plain `history[-0:]` would be all of them)."""
    return history[-limit:] if limit > 0 else []


@dataclass
class TimedAnswer:
    answer: Answer
    timings_ms: dict[str, float] = field(default_factory=dict)


def split_for_streaming(text: str) -> list[str]:
    """An extractive answer streams sentence by sentence, each with its [n] marker."""
    return [piece for piece in STREAM_PIECE.findall(text) if piece]


def retrieval_query(question: str, history: list[Turn], max_turns: int = 1) -> str:
    """A follow-up ("それはいつ？") only makes sense with the questions before it: BM25 searches with them."""
    earlier = [turn.content for turn in history if turn.role == "user"][-max_turns:] if max_turns else []
    return " ".join([*earlier, question]).strip()


def conversation_context(history: list[Turn], max_questions: int = 2) -> str:
    """What the conversation is about: the last questions and the last answer (which quotes what it cited)."""
    questions = [turn.content for turn in history if turn.role == "user"][-max_questions:]
    answers = [turn.content for turn in history if turn.role == "assistant"][-1:]
    return " ".join([*questions, *answers]).strip()


@dataclass
class _Prepared:
    question: str  # what is answered: the user's question, or its standalone rewrite
    language: str
    history: list[Turn]
    result: RetrievalResult
    context: str
    already_said: str
    started: float
    retrieved_at: float


class QuestionAnswerer:
    """Retrieves and answers; one per process, shared by HTTP, CLI and evaluation."""

    def __init__(self, index: SearchIndex, embedder: Embedder, retriever: HybridRetriever,
                 answerer: ExtractiveAnswerer, context_weight: float = 0.5, pointing_context_weight: float = 0.8,
                 generator: GenerativeAnswerer | None = None, condense_prompt: PromptTemplate | None = None,
                 fallback_to_extractive: bool = False) -> None:
        if context_weight < 0:
            raise ValueError(f"context_weight must be >= 0, got {context_weight}")
        self.context_weight = context_weight
        # A question that only points back (そうなっているのはなぜ) names nothing of its topic, so the conversation
        # weighs more in its search: chosen on the tune split's follow-ups (0.815 -> 0.852 answer accuracy at 0.8;
        # check, holdout and holdout2 follow-ups unchanged). Raised for every question with a pointing word, it
        # lost the conversation ("それに日本はどう対応した？" names its own topic) and a check item.
        self.pointing_context_weight = max(pointing_context_weight, context_weight)
        self.index = index
        self.embedder = embedder
        self.retriever = retriever
        self.answerer = answerer
        self.generator = generator
        self.condense_prompt = condense_prompt
        self.fallback_to_extractive = fallback_to_extractive

    def condense(self, question: str, history: list[Turn]) -> str:
        """With an LLM, rewrite a follow-up into a standalone question; on any failure keep the question."""
        if self.generator is None or self.condense_prompt is None or not history:
            return question
        transcript = "\n".join(f"{turn.role}: {turn.content}" for turn in history[-4:])
        try:
            reply = self.generator.chat_model.invoke([HumanMessage(content=self.condense_prompt.render(
                history=transcript, question=question))])
        except Exception:  # the history-aware retrieval below still works without the rewrite
            return question
        rewritten = str(reply.content).strip().splitlines()[0].strip() if str(reply.content).strip() else ""
        if not rewritten or len(rewritten) > 4 * len(question) + 200:
            return question
        return rewritten if detect_language(rewritten) == detect_language(question) else question

    def prepare(self, question: str, history: list[Turn] | None, top_k: int,
                filters: RetrievalFilter | None = None) -> _Prepared:
        started = time.perf_counter()
        history = history or []
        language = detect_language(question)
        # "その会談は何年ぶり？" is typed and searched as "首脳会談は何年ぶり？"; an LLM, when configured, may rewrite
        # the question further.
        resolved = resolve_references(question, history, language)
        standalone = self.condense(resolved, history)
        query = retrieval_query(standalone, history, max_turns=2)
        context = conversation_context(history)
        if context and self.context_weight > 0:
            # Dense search with the question plus, at lower weight, what the conversation is about: a follow-up
            # finds its topic, and an explicit new topic in the question still outweighs the old one.
            weight = self.pointing_context_weight if only_points_back(standalone, language) else self.context_weight
            question_vector, context_vector = self.embedder.embed_query_vectors([standalone, context])
            combined = question_vector + weight * context_vector
            query_vector = combined / max(float(np.linalg.norm(combined)), 1e-9)
        else:
            query_vector = self.embedder.embed_query_vectors([standalone])[0]
        result = self.retriever.search(query, top_k, language=language, query_vector=query_vector, filters=filters)
        previous_answers = [turn.content for turn in history if turn.role == "assistant"]
        return _Prepared(question=standalone, language=language, history=history, result=result,
                         context=" ".join(turn.content for turn in history if turn.role == "user"),
                         already_said=previous_answers[-1] if previous_answers else "", started=started,
                         retrieved_at=time.perf_counter())

    def extractive_answer(self, prepared: _Prepared) -> Answer:
        return self.answerer.answer(prepared.question, prepared.language, prepared.result.query_vector,
                                    prepared.result.passages, context=prepared.context,
                                    already_said=prepared.already_said)

    def failed_generation(self, extractive: Answer, error: GenerationFailedError) -> Answer:
        if not self.fallback_to_extractive:
            raise LLMUnavailableError(f"the LLM backend failed: {error}") from error
        return replace(extractive, fallback_reason=f"the LLM backend failed ({error}); this is the extractive answer")

    def finish(self, prepared: _Prepared, answer: Answer) -> TimedAnswer:
        finished = time.perf_counter()
        return TimedAnswer(answer=answer, timings_ms={
            "retrieve": round((prepared.retrieved_at - prepared.started) * 1000, 1),
            "answer": round((finished - prepared.retrieved_at) * 1000, 1),
            "total": round((finished - prepared.started) * 1000, 1)})

    def ask(self, question: str, history: list[Turn] | None = None, top_k: int = 5,
            filters: RetrievalFilter | None = None) -> TimedAnswer:
        prepared = self.prepare(question, history, top_k, filters)
        extractive = self.extractive_answer(prepared)
        if self.generator is None or extractive.abstained:
            # The evidence gate does not depend on the generator: when the retrieved passages do not support
            # an answer, no model is asked to write one (measured: a 0.5B model answered 8 of 13 such questions).
            return self.finish(prepared, extractive)
        try:
            generated = self.generator.generate(prepared.question, prepared.language, prepared.result.passages)
        except GenerationFailedError as error:
            return self.finish(prepared, self.failed_generation(extractive, error))
        return self.finish(prepared, self.generator.verify(generated, prepared.language, prepared.result.passages,
                                                           extractive, question=prepared.question,
                                                           question_vector=prepared.result.query_vector))

    def stream(self, question: str, history: list[Turn] | None = None, top_k: int = 5,
               filters: RetrievalFilter | None = None) -> Iterator[str | TimedAnswer]:
        """Text pieces as they come (LLM tokens, or the extractive answer's sentences), then the verified answer."""
        prepared = self.prepare(question, history, top_k, filters)
        extractive = self.extractive_answer(prepared)
        if self.generator is None or extractive.abstained:
            yield from split_for_streaming(extractive.answer)
            yield self.finish(prepared, extractive)
            return
        answer: Answer | None = None
        sent = False
        try:
            # Each sentence arrives verified, with the markers the final answer keeps: streamed text == answer.
            for item in self.generator.stream_verified(prepared.question, prepared.language,
                                                       prepared.result.passages, extractive,
                                                       prepared.result.query_vector):
                if isinstance(item, Answer):
                    answer = item
                else:
                    sent = True
                    yield item
        except GenerationFailedError as error:
            if sent or not self.fallback_to_extractive:
                raise LLMUnavailableError(f"the LLM backend failed mid-answer: {error}") from error
            answer = self.failed_generation(extractive, error)
        if answer is None:
            raise RuntimeError("the generated answer ended without a result")
        if not sent:  # nothing of the model's text verified: what is sent is the fallback's text
            yield from split_for_streaming(answer.answer)
        yield self.finish(prepared, answer)
