"""Concurrent questions through the real model, its tokenizer and the real tagger."""

from __future__ import annotations

import json
from concurrent.futures import ThreadPoolExecutor

import numpy as np
import pytest

from index.embed import BatchingEmbedder
from service.chain import QuestionAnswerer
from service.config import PROJECT_ROOT, Settings
from service.loading import load_question_answerer

pytestmark = pytest.mark.slow


def summary(answerer: QuestionAnswerer, question: str) -> tuple[object, ...]:
    """What the asker gets: the answer, its direct answer and its citations. Not the order of the uncited
    passages: a bf16 matrix product over a padded batch rounds differently from one over a single question, so two
    passages with near-equal scores far down the list may swap (seen at rank 5 of 10) without changing any answer."""
    answer = answerer.ask(question).answer
    return (answer.answer, answer.abstained, answer.short_answer,
            tuple((c.passage_id, c.start, c.end, c.quote) for c in answer.citations))


def test_32_concurrent_questions_get_the_answers_they_get_alone(real_settings: Settings,
                                                                real_answerer: QuestionAnswerer) -> None:
    embedder = real_answerer.embedder
    assert isinstance(embedder, BatchingEmbedder)
    # No answer cache: every request goes through the model, the tokenizer and the tagger.
    answerer = load_question_answerer(real_settings.model_copy(update={"answer_cache_size": 0}), embedder)
    rows = [json.loads(line) for line in (PROJECT_ROOT / "eval" / "dev.jsonl").read_text(encoding="utf-8").splitlines()
            if line.strip()]
    questions = list(dict.fromkeys(row["question"] for row in rows))[:32]
    assert len(questions) == 32
    alone = [summary(answerer, question) for question in questions]
    # The embedder keeps only its last 1,000 batch sizes, which earlier tests of the session may have filled: start
    # afresh (the worker is idle between the two rounds).
    embedder.batch_sizes = []
    with ThreadPoolExecutor(max_workers=32) as pool:
        together = list(pool.map(lambda question: summary(answerer, question), questions))
    for question, expected, got in zip(questions, alone, together, strict=True):
        assert got == expected, question
    assert max(embedder.batch_sizes) > 1, "concurrent questions were not embedded together"


def test_the_real_model_reads_its_token_table_from_the_file_and_drops_the_tokenizers_copies(
        real_answerer: QuestionAnswerer) -> None:
    embedder = real_answerer.embedder
    assert isinstance(embedder, BatchingEmbedder)
    model = embedder.model
    assert getattr(model, "table_from_file", False), "the 384 MB token table should be read from the weights file"
    tokenizer = model._model.tokenizer  # type: ignore[attr-defined]
    assert getattr(tokenizer, "_vocab", None) is None and getattr(tokenizer, "_merges", None) is None
    assert tokenizer("日本とロシア")["input_ids"], "the tokenizer still encodes"


def test_packed_questions_embed_as_padded_batches_do(real_answerer: QuestionAnswerer) -> None:
    embedder = real_answerer.embedder
    assert isinstance(embedder, BatchingEmbedder)
    model = embedder.model
    assert getattr(model, "packs_queries", False), "EmbeddingGemma questions should be packed"
    rows = [json.loads(line) for line in (PROJECT_ROOT / "eval" / "dev.jsonl").read_text(encoding="utf-8").splitlines()
            if line.strip()]
    questions = list(dict.fromkeys(row["question"] for row in rows))[:20]
    packed = model.embed_query_vectors(questions)
    padded = model._model.encode_query(questions, normalize_embeddings=True,  # type: ignore[attr-defined]
                                       convert_to_numpy=True, show_progress_bar=False)
    cosines = (packed * padded).sum(axis=1) / np.linalg.norm(padded, axis=1)
    assert cosines.min() > 0.995, cosines
    one_by_one = np.stack([model.embed_query_vectors([question])[0] for question in questions[:4]])
    assert ((one_by_one * packed[:4]).sum(axis=1) > 0.995).all()
