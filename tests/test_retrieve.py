"""Dense, BM25 and hybrid retrieval over the tiny fixture index, with the fake embedder."""

from __future__ import annotations

from pathlib import Path

import numpy as np
import pytest

from index.build import embedding_text
from index.retrieve import RETRIEVAL_MODES, HybridRetriever, RetrievalParams, RetrievalResult
from index.store import SearchIndex, load_index
from tests.fakes import HashingEmbedder

ENGLISH = "What happened to NATO membership?"
JAPANESE = "漁業協議はどうなりましたか"


@pytest.fixture(scope="module")
def tiny_index(tiny_index_dir: Path, fake_embedder: HashingEmbedder) -> SearchIndex:
    return load_index(tiny_index_dir, embedding_model=fake_embedder.model_id,
                      embedding_fingerprint=fake_embedder.fingerprint)


def search(index: SearchIndex, embedder: HashingEmbedder, query: str, top_k: int, **params) -> RetrievalResult:
    return HybridRetriever(index, embedder, RetrievalParams(**params)).search(query, top_k)


def ids(result: RetrievalResult) -> list[str]:
    return [r.passage.passage_id for r in result.passages]


def test_tiny_index_has_four_passages(tiny_index: SearchIndex) -> None:
    assert len(tiny_index.passages) == 4
    assert {p.kind for p in tiny_index.passages} == {"paragraph", "footnote"}


@pytest.mark.parametrize("mode", RETRIEVAL_MODES)
@pytest.mark.parametrize("top_k", [1, 2, 3])
def test_each_mode_returns_top_k(tiny_index: SearchIndex, fake_embedder: HashingEmbedder, mode: str,
                                 top_k: int) -> None:
    result = search(tiny_index, fake_embedder, "ロシア", top_k, mode=mode)  # "ロシア" is in three passages
    assert len(result.passages) == top_k
    assert len(set(ids(result))) == top_k
    scores = [r.score for r in result.passages]
    assert scores == sorted(scores, reverse=True)
    assert all(s > 0 for s in scores)
    assert result.language == "ja"
    assert result.query_vector.dtype == np.float32
    assert result.query_vector.shape == (fake_embedder.dimension,)
    for r in result.passages:
        if mode == "dense":
            assert r.dense_rank is not None and r.bm25_rank is None
        elif mode == "bm25":
            assert r.bm25_rank is not None and r.dense_rank is None
            assert "ロシア" in r.passage.text or "ロシア" in r.passage.section


def test_top_k_larger_than_the_index(tiny_index: SearchIndex, fake_embedder: HashingEmbedder) -> None:
    result = search(tiny_index, fake_embedder, "ロシア", 50, mode="dense")
    assert len(result.passages) == 4
    assert [r.dense_rank for r in result.passages] == [1, 2, 3, 4]


def test_dense_ranking_follows_vector_similarity(tiny_index: SearchIndex, fake_embedder: HashingEmbedder) -> None:
    result = search(tiny_index, fake_embedder, "サハリン2の権益を維持する方針", 4, mode="dense")
    top = result.passages[0].passage
    assert "サハリン2の権益を維持する方針" in top.text
    passages = tiny_index.passages
    vectors = fake_embedder.embed_document_vectors([embedding_text(p) for p in passages])
    similarity = vectors @ result.query_vector
    expected = [passages[i].passage_id for i in np.argsort(-similarity, kind="stable")]
    assert ids(result) == expected
    assert [r.dense_rank for r in result.passages] == [1, 2, 3, 4]
    assert [round(r.score, 12) for r in result.passages] == [round(1 / (60 + k), 12) for k in (1, 2, 3, 4)]


def test_bm25_mode_returns_only_matching_passages(tiny_index: SearchIndex, fake_embedder: HashingEmbedder) -> None:
    result = search(tiny_index, fake_embedder, "日露の貿易はどれだけ減少しましたか", 4, mode="bm25")
    assert len(result.passages) == 1
    assert "貿易" in result.passages[0].passage.text
    assert search(tiny_index, fake_embedder, "存在しない単語", 4, mode="bm25").passages == []


def test_english_query_hybrid_equals_dense_without_cross_lingual_bm25(tiny_index: SearchIndex,
                                                                      fake_embedder: HashingEmbedder) -> None:
    dense = search(tiny_index, fake_embedder, ENGLISH, 4, mode="dense")
    hybrid = search(tiny_index, fake_embedder, ENGLISH, 4, mode="hybrid", cross_lingual_bm25_factor=0.0)
    assert hybrid.language == "en"
    assert ids(hybrid) == ids(dense)
    assert [r.score for r in hybrid.passages] == pytest.approx([r.score for r in dense.passages])
    # BM25 did match ("nato" is in a passage): it was given no weight, not absent
    bm25 = search(tiny_index, fake_embedder, ENGLISH, 4, mode="bm25")
    assert len(bm25.passages) == 1
    assert any(r.bm25_rank == 1 for r in hybrid.passages)
    # with cross-lingual BM25 switched on, the BM25 match moves up
    fused = search(tiny_index, fake_embedder, ENGLISH, 4, mode="hybrid", cross_lingual_bm25_factor=1.0)
    assert ids(fused)[0] == bm25.passages[0].passage.passage_id
    assert ids(fused) != ids(dense)


def test_language_override(tiny_index: SearchIndex, fake_embedder: HashingEmbedder) -> None:
    retriever = HybridRetriever(tiny_index, fake_embedder, RetrievalParams())
    as_japanese = retriever.search(ENGLISH, 4, language="ja")
    assert as_japanese.language == "ja"
    assert ids(as_japanese) != ids(retriever.search(ENGLISH, 4))


def test_japanese_query_fuses_both_rankings(tiny_index: SearchIndex, fake_embedder: HashingEmbedder) -> None:
    params = RetrievalParams()
    hybrid = search(tiny_index, fake_embedder, JAPANESE, 4)
    dense = search(tiny_index, fake_embedder, JAPANESE, 4, mode="dense")
    assert hybrid.language == "ja"
    assert ids(hybrid) != ids(dense)
    for r in hybrid.passages:
        expected = 0.0
        if r.dense_rank is not None:
            expected += params.dense_weight / (params.rrf_k + r.dense_rank)
        if r.bm25_rank is not None:
            expected += params.bm25_weight / (params.rrf_k + r.bm25_rank)
        assert r.score == pytest.approx(expected)
    both = [r for r in hybrid.passages if r.dense_rank is not None and r.bm25_rank is not None]
    assert len(both) >= 2
    # the fisheries footnote is last by dense similarity but second by BM25; fused, it moves up
    footnote = next(r for r in hybrid.passages if r.passage.kind == "footnote")
    assert footnote.dense_rank == 4 and footnote.bm25_rank == 2
    assert ids(hybrid).index(footnote.passage.passage_id) == 1
    assert footnote.passage.passage_id not in ids(search(tiny_index, fake_embedder, JAPANESE, 2, mode="dense"))


def test_passage_found_only_by_bm25_can_appear(tiny_index: SearchIndex, fake_embedder: HashingEmbedder) -> None:
    # with few dense candidates, the footnote is not among them, yet BM25 brings it in
    result = search(tiny_index, fake_embedder, JAPANESE, 3, candidates=1)
    only_bm25 = [r for r in result.passages if r.dense_rank is None]
    assert len(only_bm25) == 1
    assert only_bm25[0].bm25_rank is not None
    assert only_bm25[0].passage.kind == "footnote"
    assert "漁船の操業に関する協定" in only_bm25[0].passage.text


def test_query_vector_given_skips_the_embedder(tiny_index: SearchIndex) -> None:
    embedder = HashingEmbedder()
    vector = embedder.embed_query_vectors([JAPANESE])[0]
    calls = embedder.calls
    retriever = HybridRetriever(tiny_index, embedder)
    result = retriever.search(JAPANESE, 2, query_vector=vector)
    assert embedder.calls == calls
    assert ids(result) == ids(retriever.search(JAPANESE, 2))
    assert np.array_equal(result.query_vector, vector)


def test_zero_weights(tiny_index: SearchIndex, fake_embedder: HashingEmbedder) -> None:
    no_bm25 = search(tiny_index, fake_embedder, JAPANESE, 4, bm25_weight=0.0)
    assert ids(no_bm25) == ids(search(tiny_index, fake_embedder, JAPANESE, 4, mode="dense"))


@pytest.mark.parametrize("top_k", [0, -1])
def test_top_k_must_be_positive(tiny_index: SearchIndex, fake_embedder: HashingEmbedder, top_k: int) -> None:
    with pytest.raises(ValueError, match=f"top_k must be >= 1, got {top_k}"):
        HybridRetriever(tiny_index, fake_embedder).search("ロシア", top_k)


@pytest.mark.parametrize(("kwargs", "message"), [
    ({"mode": "sparse"}, "retrieval mode must be one of ('hybrid', 'dense', 'bm25'), got 'sparse'"),
    ({"mode": "Dense"}, "got 'Dense'"),
    ({"rrf_k": 0}, "rrf_k must be >= 1, got 0"),
    ({"candidates": 0}, "candidates must be >= 1, got 0"),
    ({"candidates": -3}, "candidates must be >= 1, got -3"),
])
def test_retrieval_params_validation(kwargs: dict, message: str) -> None:
    with pytest.raises(ValueError) as excinfo:
        RetrievalParams(**kwargs)
    assert message in str(excinfo.value)


def test_retrieval_params_defaults() -> None:
    params = RetrievalParams()
    assert params.mode == "hybrid"
    assert params.cross_lingual_bm25_factor == 0.0
    assert params.rrf_k == 60 and params.candidates == 50
