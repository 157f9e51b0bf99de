"""Serving under concurrency: the batching embedding worker, the tagger from many threads, the precision setting,
the precomputed sentence terms and the repeated-question cache (fakes and the real tagger; no model)."""

from __future__ import annotations

import shutil
import sys
import threading
import time
from concurrent.futures import ThreadPoolExecutor
from pathlib import Path
from typing import cast

import numpy as np
import pytest
from fastapi.testclient import TestClient

from index import tokenize
from index.bm25 import BM25
from index.build import build_index, index_is_current
from index.chunk import ChunkingParams
from index.corpus import load_corpus
from index.embed import BatchingEmbedder, batch_sizes_up_to, release_tokenizer_sources, resolve_embedding_dtype
from index.errors import IndexMismatchError
from index.retrieve import RetrievalFilter
from index.store import load_index
from index.tokenize import content_tokens
from service.api.app import create_app
from service.cache import AnswerCache, CachedQuestionAnswerer, normalise_question
from service.chain import QuestionAnswerer, Turn
from service.config import Settings
from tests.fakes import HashingEmbedder

FIXTURE_CORPUS = Path(__file__).parent / "fixtures" / "corpus"
PARAMS = ChunkingParams(target_chars=120, overlap_sentences=0)


class GuardedSlowEmbedder(HashingEmbedder):
    """Takes a while per call and records each call's size; fails loudly if two threads ever call it at once."""

    def __init__(self, seconds: float = 0.02) -> None:
        super().__init__()
        self.seconds = seconds
        self.batches: list[tuple[str, int]] = []
        self.threads: set[int] = set()
        self._busy = threading.Lock()

    def _guarded(self, kind: str, texts: list[str]) -> np.ndarray:
        if not self._busy.acquire(blocking=False):
            raise AssertionError("the model was used from two threads at once")
        try:
            self.threads.add(threading.get_ident())
            self.batches.append((kind, len(texts)))
            time.sleep(self.seconds)
            return super().embed_query_vectors(texts)
        finally:
            self._busy.release()

    def embed_query_vectors(self, texts: list[str]) -> np.ndarray:
        if any(text == "boom" for text in texts):
            raise RuntimeError("the model failed")
        return self._guarded("query", texts)

    def embed_document_vectors(self, texts: list[str], show_progress: bool = False) -> np.ndarray:
        return self._guarded("document", texts)


QUESTIONS = [f"質問その{i}：ロシアとの関係は{i}年にどうなった？" for i in range(40)]


# --- the batching embedding worker ---------------------------------------------------------------------------

def test_concurrent_callers_get_their_own_vectors_from_shared_batches() -> None:
    model = GuardedSlowEmbedder()
    embedder = BatchingEmbedder(model, max_batch=8, max_waiting=64)
    try:
        with ThreadPoolExecutor(max_workers=32) as pool:
            results = list(pool.map(lambda q: embedder.embed_query_vectors([q, q + "？"]), QUESTIONS))
    finally:
        embedder.close()
    reference = HashingEmbedder()
    for question, vectors in zip(QUESTIONS, results, strict=True):
        assert vectors.shape == (2, reference.dimension)
        np.testing.assert_allclose(vectors, reference.embed_query_vectors([question, question + "？"]), atol=1e-6)
    sizes = [size for _, size in model.batches]
    assert sum(sizes) >= 2 * len(QUESTIONS)
    assert max(sizes) > 2, "callers waiting together must share a batch"
    assert set(sizes) <= {2, 4, 8}, "batches come in a few sizes only"
    assert len(model.threads) == 1, "one worker thread owns the model"


def test_batch_sizes_are_powers_of_two_and_the_maximum() -> None:
    assert batch_sizes_up_to(1) == (1,)
    assert batch_sizes_up_to(16) == (1, 2, 4, 8, 16)
    assert batch_sizes_up_to(12) == (1, 2, 4, 8, 12)
    embedder = BatchingEmbedder(HashingEmbedder(), max_batch=16)
    try:
        # Filled up to the next size when at least 3/4 of it are real questions, else the smaller size runs now.
        assert [embedder.batch_size_for(waiting) for waiting in (1, 2, 3, 5, 6, 7, 11, 12, 15, 16, 40)] == [
            1, 2, 4, 4, 8, 8, 8, 16, 16, 16, 16]
    finally:
        embedder.close()


def test_a_batch_is_filled_to_its_size_and_the_filling_is_dropped() -> None:
    model = GuardedSlowEmbedder(seconds=0.0)
    embedder = BatchingEmbedder(model, max_batch=16)
    try:
        vectors = embedder.embed_query_vectors(["一つ目", "二つ目", "三つ目"])
        many = embedder.embed_query_vectors([f"質問{i}" for i in range(20)])
    finally:
        embedder.close()
    assert model.batches == [("query", 4), ("query", 20)], "3 texts run as a batch of 4; one job past the maximum as is"
    expected = HashingEmbedder().embed_query_vectors(["一つ目", "二つ目", "三つ目"])
    np.testing.assert_allclose(vectors, expected, atol=1e-6)
    assert many.shape == (20, model.dimension)


def test_waiting_questions_beyond_a_batch_size_go_in_the_next_batch() -> None:
    model = GuardedSlowEmbedder(seconds=0.0)
    embedder = BatchingEmbedder(model, max_batch=16)
    release = threading.Event()
    original = model.embed_query_vectors

    def held_first(texts: list[str]) -> np.ndarray:
        release.wait(5)  # the first question holds the worker until ten more wait behind it
        return original(texts)

    model.embed_query_vectors = held_first  # type: ignore[method-assign]
    try:
        with ThreadPoolExecutor(max_workers=11) as pool:
            first = pool.submit(embedder.embed_query_vectors, ["最初"])
            while not model.threads and not embedder._queue.empty():
                time.sleep(0.001)
            time.sleep(0.05)
            rest = [pool.submit(embedder.embed_query_vectors, [q]) for q in QUESTIONS[:10]]
            while embedder._queue.qsize() < 10:
                time.sleep(0.001)
            release.set()
            assert first.result().shape == (1, model.dimension)
            assert all(future.result().shape == (1, model.dimension) for future in rest)
    finally:
        embedder.close()
    assert [size for _, size in model.batches] == [1, 8, 2], "10 waiting: 8 now, the other 2 next"


def test_a_lone_query_is_embedded_at_once() -> None:
    model = GuardedSlowEmbedder(seconds=0.0)
    embedder = BatchingEmbedder(model)
    try:
        started = time.perf_counter()
        embedder.embed_query_vectors(["一つだけ"])
        assert time.perf_counter() - started < 0.5
    finally:
        embedder.close()
    assert model.batches == [("query", 1)]


def test_waiting_work_is_bounded() -> None:
    model = GuardedSlowEmbedder(seconds=0.05)
    embedder = BatchingEmbedder(model, max_batch=1, max_waiting=3)
    most_waiting = 0
    try:
        with ThreadPoolExecutor(max_workers=16) as pool:
            futures = [pool.submit(embedder.embed_query_vectors, [q]) for q in QUESTIONS[:16]]
            while not all(f.done() for f in futures):
                most_waiting = max(most_waiting, embedder._queue.qsize())
                time.sleep(0.005)
            assert all(f.result().shape == (1, model.dimension) for f in futures)
    finally:
        embedder.close()
    assert 1 <= most_waiting <= 3


def test_a_failing_batch_raises_in_its_callers_and_the_worker_carries_on() -> None:
    embedder = BatchingEmbedder(GuardedSlowEmbedder(seconds=0.0))
    try:
        with pytest.raises(RuntimeError, match="the model failed"):
            embedder.embed_query_vectors(["boom"])
        assert embedder.embed_query_vectors(["まだ動く"]).shape[0] == 1
        assert embedder.embed_query_vectors([]).shape == (0, embedder.dimension)
    finally:
        embedder.close()
    with pytest.raises(RuntimeError, match="closed"):
        embedder.embed_query_vectors(["閉じた後"])


def test_documents_are_embedded_alone_and_the_index_builds_through_the_worker(tmp_path: Path) -> None:
    model = GuardedSlowEmbedder(seconds=0.0)
    embedder = BatchingEmbedder(model)
    try:
        manifest, _ = build_index(FIXTURE_CORPUS, tmp_path / "index", embedder, PARAMS)
    finally:
        embedder.close()
    assert {kind for kind, _ in model.batches} == {"document"}
    assert manifest.embedding_dtype == "float32" and manifest.embedding_model == model.model_id


def test_under_load_a_batch_waits_briefly_for_the_questions_on_their_way() -> None:
    model = GuardedSlowEmbedder(seconds=0.0)
    embedder = BatchingEmbedder(model, max_batch=16, gather_seconds=0.5)
    try:
        embedder.embed_query_vectors(["一人目", "二人目"])  # a batch of two: the service is under concurrent load
        with ThreadPoolExecutor(max_workers=2) as pool:
            first = pool.submit(embedder.embed_query_vectors, ["次の質問"])
            time.sleep(0.1)
            second = pool.submit(embedder.embed_query_vectors, ["少し遅れた質問"])
            assert first.result().shape == second.result().shape == (1, model.dimension)
    finally:
        embedder.close()
    assert model.batches == [("query", 2), ("query", 2)], "the question 0.1 s behind joined the waiting batch"


def test_a_lone_clients_questions_never_wait_for_company() -> None:
    model = GuardedSlowEmbedder(seconds=0.0)
    embedder = BatchingEmbedder(model, gather_seconds=5.0)
    try:
        started = time.perf_counter()
        for question in QUESTIONS[:3]:
            embedder.embed_query_vectors([question])
        assert time.perf_counter() - started < 1.0
    finally:
        embedder.close()
    assert model.batches == [("query", 1)] * 3


class TokenizerWithSources:
    """What a transformers 5 tokenizer keeps besides its Rust tokenizer: the vocabulary and merges it was built from."""

    def __init__(self) -> None:
        self._vocab = {"<pad>": 0, "▁日本": 1}
        self._merges = [("▁", "日本")]
        self.init_kwargs = {"vocab": self._vocab, "merges": self._merges, "pad_token": "<pad>"}


def test_the_tokenizers_python_copies_of_its_vocabulary_are_released() -> None:
    tokenizer = TokenizerWithSources()
    release_tokenizer_sources(tokenizer)
    assert tokenizer._vocab is None and tokenizer._merges is None
    assert tokenizer.init_kwargs == {"pad_token": "<pad>"}
    release_tokenizer_sources(object())  # a tokenizer without them is left alone


@pytest.mark.parametrize(("max_batch", "max_waiting"), [(0, 1), (1, 0)])
def test_worker_limits_are_checked(max_batch: int, max_waiting: int) -> None:
    with pytest.raises(ValueError, match="must be >= 1, got 0"):
        BatchingEmbedder(HashingEmbedder(), max_batch=max_batch, max_waiting=max_waiting)
    with pytest.raises(ValueError, match="gather_seconds must be >= 0"):
        BatchingEmbedder(HashingEmbedder(), gather_seconds=-1)


# --- the tagger from many threads --------------------------------------------------------------------------

def test_the_tagger_gives_every_thread_its_own_words() -> None:
    # MeCab reuses its lattice: the words of one call are overwritten by the next call, so without the lock a
    # thread reading its words while another tags reads the other's (measured: ~600 of 12,000 results wrong).
    bases = ["ロシアはウクライナ侵略を続け、日本は制裁を強化した。",
             "北方領土問題を解決して平和条約を締結する方針は不変である。"]
    # Every text distinct (and the cache of recent texts emptied), so that every call really tags.
    texts = [[f"{bases[thread % 2]}第{thread}部{i}号" for i in range(1500)] for thread in range(4)]
    expected = [[content_tokens(text) for text in own] for own in texts]
    tokenize._content_tokens.cache_clear()
    wrong: list[str] = []

    def tag_all(thread: int) -> None:
        for text, tokens in zip(texts[thread], expected[thread], strict=True):
            if content_tokens(text) != tokens:
                wrong.append(text)

    interval = sys.getswitchinterval()
    sys.setswitchinterval(1e-5)  # switch threads often, so that any unguarded window is hit
    try:
        threads = [threading.Thread(target=tag_all, args=(i,)) for i in range(4)]
        for thread in threads:
            thread.start()
        for thread in threads:
            thread.join()
    finally:
        sys.setswitchinterval(interval)
    assert wrong == []
    assert tokenize._content_tokens.cache_info().misses >= 4 * 1500


# --- precision ------------------------------------------------------------------------------------------------

def test_auto_precision_follows_the_cpu(tmp_path: Path) -> None:
    with_bf16 = tmp_path / "bf16"
    with_bf16.write_text("processor\t: 0\nflags\t\t: fpu sse2 avx512f avx512_bf16\n")
    without = tmp_path / "plain"
    without.write_text("processor\t: 0\nflags\t\t: fpu sse2 avx2\n")
    assert resolve_embedding_dtype("auto", with_bf16) == "bfloat16"
    assert resolve_embedding_dtype("auto", without) == "float32"
    assert resolve_embedding_dtype("auto", tmp_path / "missing") == "float32"
    assert resolve_embedding_dtype("float32", with_bf16) == "float32"
    with pytest.raises(ValueError, match="'float16'"):
        resolve_embedding_dtype("float16")


def test_an_index_of_another_precision_is_rebuilt_and_refused(tmp_path: Path) -> None:
    corpus = tmp_path / "corpus"
    shutil.copytree(FIXTURE_CORPUS, corpus)
    index_dir = tmp_path / "index"
    fp32 = HashingEmbedder()
    build_index(corpus, index_dir, fp32, PARAMS)
    bf16 = HashingEmbedder()
    bf16.dtype = "bfloat16"
    with pytest.raises(IndexMismatchError) as excinfo:
        load_index(index_dir, embedding_model=bf16.model_id, embedding_fingerprint=bf16.fingerprint,
                   embedding_dtype=bf16.dtype)
    assert "float32" in str(excinfo.value) and "bfloat16" in str(excinfo.value)
    assert "BLUEBOOK_EMBEDDING_DTYPE" in str(excinfo.value) and "bluebook-qa index" in str(excinfo.value)
    corpus_hashes = {source.doc_id: source.content_sha256 for source in load_corpus(corpus)}
    assert not index_is_current(index_dir, corpus_hashes, bf16, PARAMS, "flat")
    manifest, rebuilt = build_index(corpus, index_dir, bf16, PARAMS)
    assert rebuilt and manifest.embedding_dtype == "bfloat16"
    assert manifest.extra["last_build"]["reused"] == [], "vectors of another precision are never reused"
    assert load_index(index_dir, embedding_model=bf16.model_id, embedding_fingerprint=bf16.fingerprint,
                      embedding_dtype="bfloat16").passages


# --- sentence terms computed at index time ----------------------------------------------------------------------

def test_sentence_terms_are_those_of_each_sentence(tiny_answerer: QuestionAnswerer) -> None:
    index = tiny_answerer.index
    assert len(index.sentence_terms) == len(index.sentences) == len(index.sentence_own_terms) > 0
    section_of = {}
    for passage in index.passages:
        for row, (doc_id, span) in enumerate(index.sentences):
            if doc_id == passage.doc_id and passage.start <= span.start < span.end <= passage.end:
                section_of[row] = passage.section_path
    assert len(section_of) == len(index.sentences)
    for row, (doc_id, span) in enumerate(index.sentences):
        text = index.documents[doc_id].text[span.start:span.end]
        assert index.sentence_terms[row] == frozenset(content_tokens(f"{' '.join(section_of[row])} {text}"))
        assert index.sentence_own_terms[row] == frozenset(content_tokens(text))


def test_reused_documents_keep_their_sentence_terms(tmp_path: Path) -> None:
    corpus = tmp_path / "corpus"
    shutil.copytree(FIXTURE_CORPUS, corpus)
    embedder = HashingEmbedder()
    build_index(corpus, tmp_path / "fresh", embedder, PARAMS)
    build_index(corpus, tmp_path / "incremental", embedder, PARAMS)
    (corpus / "added.md").write_text("# 追加\n\n日本とロシアの漁業協議が行われた。", encoding="utf-8")
    manifest, _ = build_index(corpus, tmp_path / "incremental", embedder, PARAMS)
    assert manifest.extra["last_build"]["reused"] and manifest.extra["last_build"]["embedded"] == ["added"]
    fresh = load_index(tmp_path / "fresh", embedding_model=embedder.model_id, embedding_fingerprint=None)
    kept = load_index(tmp_path / "incremental", embedding_model=embedder.model_id, embedding_fingerprint=None)
    fresh_terms = {(doc_id, span): row for row, (doc_id, span) in enumerate(fresh.sentences)}
    for row, (doc_id, span) in enumerate(kept.sentences):
        if (doc_id, span) in fresh_terms:
            assert kept.sentence_terms[row] == fresh.sentence_terms[fresh_terms[(doc_id, span)]]
            assert kept.sentence_own_terms[row] == fresh.sentence_own_terms[fresh_terms[(doc_id, span)]]
    assert len(kept.sentence_terms) == len(kept.sentences)


# --- the repeated-question cache ----------------------------------------------------------------------------------

def test_a_repeated_question_is_answered_from_the_cache(tiny_answerer: QuestionAnswerer) -> None:
    embedder = tiny_answerer.embedder
    cached = CachedQuestionAnswerer(tiny_answerer, AnswerCache(max_entries=8))
    first = cached.ask("サハリン2の権益", top_k=5)
    calls = embedder.calls
    again = cached.ask("  サハリン２の権益 ", top_k=5)  # full-width digit and spaces: the same question
    assert embedder.calls == calls, "a cache hit does not touch the model"
    assert again.answer.answer == first.answer.answer and again.answer.citations == first.answer.citations
    assert "cache" in again.timings_ms
    assert cached.cache.hits == 1
    cached.ask("サハリン2の権益", top_k=3)  # other options: another entry
    cached.ask("サハリン2の権益", history=[Turn("user", "漁業協議は？")], top_k=5)  # other conversation
    assert embedder.calls > calls and cached.cache.hits == 1 and len(cached.cache) == 3
    assert cached.index is tiny_answerer.index  # everything else is the wrapped answerer's


def test_the_cached_answerer_serves_the_api_with_filters(tiny_answerer: QuestionAnswerer, tmp_path: Path) -> None:
    cached = CachedQuestionAnswerer(tiny_answerer, AnswerCache(max_entries=8))
    settings = Settings(index_dir=tmp_path / "index", data_dir=tmp_path / "data", rate_limit="")
    with TestClient(create_app(settings, loader=lambda _: cast(QuestionAnswerer, cached))) as client:
        plain = client.post("/v1/ask", json={"question": "サハリン2の権益"})
        document = plain.json()["passages"][0]["doc_id"]
        filtered = client.post("/v1/ask", json={"question": "サハリン2の権益", "documents": [document]})
        again = client.post("/v1/ask", json={"question": "サハリン2の権益", "documents": [document]})
        elsewhere = client.post("/v1/ask", json={"question": "サハリン2の権益", "documents": ["no-such-document"]})
    assert plain.status_code == filtered.status_code == again.status_code == 200, filtered.text
    assert again.json()["answer"] == filtered.json()["answer"] and "cache" in again.json()["timings_ms"]
    assert cached.cache.hits == 1 and len(cached.cache) == 2
    assert elsewhere.status_code == 422  # the filter is checked before the cache is asked
    hits = cached.cache.hits
    cached.ask("サハリン2の権益", None, 5, RetrievalFilter.of(years=[1999]))  # another filter: another entry
    assert cached.cache.hits == hits and len(cached.cache) == 3


def test_the_cache_is_bounded_and_keeps_the_recently_used() -> None:
    cache = AnswerCache(max_entries=2)
    cache.put(("a",), "A")  # type: ignore[arg-type]
    cache.put(("b",), "B")  # type: ignore[arg-type]
    assert cache.get(("a",)) == "A"
    cache.put(("c",), "C")  # type: ignore[arg-type]
    assert len(cache) == 2 and cache.get(("b",)) is None and cache.get(("a",)) == "A"
    with pytest.raises(ValueError, match="got 0"):
        AnswerCache(0)


def test_question_normalisation() -> None:
    assert normalise_question("ＮＡＴＯ\u3000 とは ") == "NATO とは"
    assert normalise_question("NATO") != normalise_question("NATOの加盟国")


def test_bm25_from_postings_scores_as_the_formula_does() -> None:
    documents = [["ロシア", "制裁", "制裁"], ["日本", "ロシア", "漁業", "協定"], [],
                 ["nato", "加盟", "フィンランド"]] * 5
    bm25 = BM25(documents)
    query = ["制裁", "ロシア", "nato", "未知"]
    average = sum(map(len, documents)) / len(documents)
    expected = []
    for tokens in documents:
        score = 0.0
        for term in set(query) & bm25.vocabulary:
            tf = tokens.count(term)
            score += bm25.idf[term] * tf * 2.5 / (tf + 1.5 * (0.25 + 0.75 * len(tokens) / average))
        expected.append(score)
    np.testing.assert_allclose(bm25.scores(query), expected, rtol=1e-12)
    assert bm25.scores([]).tolist() == [0.0] * len(documents)
    assert BM25([]).scores(["ロシア"]).shape == (0,)


def test_the_cached_answerer_exposes_the_wrapped_answerers_parts(tiny_answerer: QuestionAnswerer) -> None:
    """Callers that rebuild a QuestionAnswerer from the loaded one (bluebook-qa eval) read its parts through the
    cache: `answerer` must be the extractive answerer, not the wrapped QuestionAnswerer."""
    cached = CachedQuestionAnswerer(tiny_answerer, AnswerCache(max_entries=8))
    assert cached.answerer is tiny_answerer.answerer
    assert cached.index is tiny_answerer.index and cached.embedder is tiny_answerer.embedder
