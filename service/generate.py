"""Generative answers from an LLM, with every citation verified against the passage it points at.

The model writes prose with [n] markers. Each marked sentence must be supported by a sentence of passage n:
close in meaning, and stating every number the claim states. The supporting sentence becomes the citation's
verbatim quote. A marker without support is removed and its sentence reported in `unverified_claims`; an
answer with no supported citation at all is replaced by the extractive answer (which may abstain).
"""

from __future__ import annotations

import re
import unicodedata
from collections.abc import Iterator
from dataclasses import dataclass, replace

import numpy as np
from langchain_core.language_models.chat_models import BaseChatModel
from langchain_core.messages import HumanMessage

from index.chunk import sentences_of
from index.embed import Embedder
from index.retrieve import RetrievedPassage
from index.store import SearchIndex
from index.tokenize import content_tokens
from service.answer import ABSTAIN_MESSAGES, Answer, Citation, verify_citation
from service.prompts import PromptTemplate

MARKER = re.compile(r"\[(\d{1,2})\]")
MARKERS_AFTER_STOP = re.compile(r"([。．.！!？?])\s*((?:\[\d{1,2}\]\s*)+)")
SENTENCE_BREAK = re.compile(r"(?<=[。！？!?])|(?<=[.])\s+|\n+")
NUMBER = re.compile(r"\d[\d,.]*")
NOT_FOUND_HINTS = ("見当たりません", "記載がありません", "記述がありません", "含まれていません", "わかりません",
                   "not contain", "not in the documents", "no information", "does not say", "do not say")
LANGUAGE_NAMES = {"ja": "Japanese", "en": "English"}


class GenerationFailedError(Exception):
    """The chat model raised; the caller decides between 503 and the extractive fallback."""


@dataclass(frozen=True)
class GenerationParams:
    passages: int = 4
    support_similarity: float = 0.55
    lexical_support: float = 0.6
    lexical_min_similarity: float = 0.35

    def __post_init__(self) -> None:
        if self.passages < 1:
            raise ValueError(f"passages must be >= 1, got {self.passages}")


def escape_passage(text: str) -> str:
    """Passage text goes between delimiters; it must not be able to close them."""
    return text.replace("<", "‹").replace(">", "›")


def render_passages(retrieved: list[RetrievedPassage]) -> str:
    return "\n".join(f'<passage n="{n}" section="{escape_passage(item.passage.section)}">\n'
                     f"{escape_passage(item.passage.text)}\n</passage>"
                     for n, item in enumerate(retrieved, start=1))


def split_claims(text: str) -> list[tuple[str, list[int]]]:
    """Sentences of a generated answer, each with the passage numbers it cites."""
    text = unicodedata.normalize("NFKC", text).strip()
    text = MARKERS_AFTER_STOP.sub(lambda m: m.group(2).strip() + m.group(1) + " ", text)
    claims = []
    for sentence in SENTENCE_BREAK.split(text):
        sentence = sentence.strip()
        if not sentence:
            continue
        numbers = [int(n) for n in MARKER.findall(sentence)]
        claim = re.sub(r"\s+([。.!?！？])", r"\1", MARKER.sub("", sentence)).strip()
        if claim:
            claims.append((claim, numbers))
    return claims


def numbers_in(text: str) -> set[str]:
    return {n.replace(",", "").rstrip(".") for n in NUMBER.findall(unicodedata.normalize("NFKC", text))}


def says_not_found(text: str) -> bool:
    lowered = text.lower()
    return any(hint in lowered for hint in NOT_FOUND_HINTS)


class GenerativeAnswerer:
    """Asks the chat model with the grounded prompt, then verifies and cites what it wrote."""

    def __init__(self, index: SearchIndex, embedder: Embedder, chat_model: BaseChatModel, prompt: PromptTemplate,
                 provider: str, params: GenerationParams | None = None) -> None:
        self.index = index
        self.embedder = embedder
        self.chat_model = chat_model
        self.prompt = prompt
        self.provider = provider
        self.params = params or GenerationParams()

    def messages(self, question: str, language: str, retrieved: list[RetrievedPassage]) -> list[HumanMessage]:
        text = self.prompt.render(passages=render_passages(retrieved[: self.params.passages]), question=question,
                                  answer_language=LANGUAGE_NAMES.get(language, "English"),
                                  not_found=ABSTAIN_MESSAGES.get(language, ABSTAIN_MESSAGES["en"]))
        return [HumanMessage(content=text)]

    def generate(self, question: str, language: str, retrieved: list[RetrievedPassage]) -> str:
        try:
            return str(self.chat_model.invoke(self.messages(question, language, retrieved)).content)
        except Exception as exc:  # connection, timeout, HTTP and model errors all mean "no generated answer"
            raise GenerationFailedError(f"{type(exc).__name__}: {exc}") from exc

    def stream(self, question: str, language: str, retrieved: list[RetrievedPassage]) -> Iterator[str]:
        try:
            for chunk in self.chat_model.stream(self.messages(question, language, retrieved)):
                if chunk.content:
                    yield str(chunk.content)
        except Exception as exc:
            raise GenerationFailedError(f"{type(exc).__name__}: {exc}") from exc

    def support(self, claim: str, claim_vector: np.ndarray, item: RetrievedPassage) -> tuple[float, object] | None:
        """The sentence of the passage that best supports `claim`, if any does."""
        params = self.params
        claim_numbers = numbers_in(claim)
        claim_terms = set(content_tokens(claim))
        document = self.index.documents[item.passage.doc_id]
        best = None
        for span in sentences_of(item.passage):
            row = self.index.sentence_row.get((item.passage.doc_id, span.start, span.end))
            if row is None:
                continue
            sentence = document.text[span.start:span.end]
            if not claim_numbers <= numbers_in(sentence):
                continue  # a figure the passage does not state is an invented figure
            similarity = float(np.dot(self.index.sentence_vectors[row], claim_vector))
            overlap = len(claim_terms & set(content_tokens(sentence))) / len(claim_terms) if claim_terms else 0.0
            supported = similarity >= params.support_similarity or (
                overlap >= params.lexical_support and similarity >= params.lexical_min_similarity)
            if supported and (best is None or similarity > best[0]):
                best = (similarity, span)
        return best

    def verify(self, generated: str, language: str, retrieved: list[RetrievedPassage], fallback: Answer) -> Answer:
        """Cite what `generated` says that the passages support; `fallback` (the extractive answer to the same
        question, already made) stands in when nothing can be verified."""
        given = retrieved[: self.params.passages]
        claims = split_claims(generated)
        # Small models often state a supported fact without its marker: every claim is checked, an unmarked one
        # against all the passages given, so it gets the citation it should have had (or is flagged).
        cited = [i for i, (claim, _) in enumerate(claims) if not says_not_found(claim)]
        vectors = self.embedder.embed_query_vectors([claims[i][0] for i in cited]) if cited else []
        vector_of = {i: vectors[k] for k, i in enumerate(cited)}
        citations: list[Citation] = []
        by_key: dict[tuple[str, int, int], int] = {}
        pieces: list[str] = []
        unverified: list[str] = []
        for position, (claim, numbers) in enumerate(claims):
            markers = []
            if position not in vector_of:  # "not found" cites nothing, whatever marker the model put on it
                pieces.append(claim)
                continue
            candidates = numbers or list(range(1, len(given) + 1))
            if not numbers and candidates:  # unmarked: the single best-supporting passage, if any
                scored = [(n, self.support(claim, vector_of[position], given[n - 1])) for n in candidates]
                supported = [(found[0], n) for n, found in scored if found is not None]
                candidates = [max(supported)[1]] if supported else []
            for n in dict.fromkeys(candidates):
                if not 1 <= n <= len(given):
                    continue  # a passage that was never given
                found = self.support(claim, vector_of[position], given[n - 1])
                if found is None:
                    continue
                span = found[1]
                passage = given[n - 1].passage
                key = (passage.passage_id, span.start, span.end)  # type: ignore[attr-defined]
                if key not in by_key:
                    quote = self.index.documents[passage.doc_id].text[span.start:span.end]  # type: ignore[attr-defined]
                    citation = Citation(number=len(citations) + 1, doc_id=passage.doc_id, title=passage.title,
                                        section_path=passage.section_path, passage_id=passage.passage_id,
                                        quote=quote, start=span.start, end=span.end)  # type: ignore[attr-defined]
                    if not verify_citation(self.index, citation):
                        continue
                    citations.append(citation)
                    by_key[key] = citation.number
                markers.append(by_key[key])
            if not markers and not says_not_found(claim):
                unverified.append(claim)
            pieces.append(claim + "".join(f"[{m}]" for m in markers))
        if not citations:
            # Nothing the model wrote can be checked: the extractive answer decides (it may be an abstention).
            if says_not_found(generated) or not claims:
                if fallback.abstained:
                    return fallback
                return replace(fallback, fallback_reason="the language model found no answer, but a passage "
                                                         "does; this is the extractive answer")
            return replace(fallback, unverified_claims=[c for c, _ in claims],
                           fallback_reason="no sentence of the generated answer could be verified against a passage")
        joiner = "" if language == "ja" else " "
        return Answer(answer=joiner.join(pieces), citations=citations, abstained=False, language=language,
                      passages=retrieved, unverified_claims=unverified, answered_by=f"llm:{self.provider}")
