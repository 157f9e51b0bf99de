"""Hybrid retrieval: dense (FAISS) and BM25, fused by weighted reciprocal rank in a language-aware way."""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np

from index.chunk import Passage
from index.embed import Embedder
from index.store import SearchIndex
from index.tokenize import content_tokens, detect_language

RETRIEVAL_MODES = ("hybrid", "dense", "bm25")


@dataclass(frozen=True)
class RetrievedPassage:
    passage: Passage
    score: float
    dense_rank: int | None  # 1-based; None when that retriever did not return it
    bm25_rank: int | None


@dataclass(frozen=True)
class RetrievalParams:
    mode: str = "hybrid"
    rrf_k: int = 60
    dense_weight: float = 1.0
    bm25_weight: float = 1.0
    # BM25 over Japanese tokens cannot match an English question; fusing it at full weight drags the
    # dense ranking down for English questions, so its weight is scaled by this factor for them.
    cross_lingual_bm25_factor: float = 0.0
    candidates: int = 50

    def __post_init__(self) -> None:
        if self.mode not in RETRIEVAL_MODES:
            raise ValueError(f"retrieval mode must be one of {RETRIEVAL_MODES}, got {self.mode!r}")
        if self.rrf_k < 1:
            raise ValueError(f"rrf_k must be >= 1, got {self.rrf_k}")
        if self.candidates < 1:
            raise ValueError(f"candidates must be >= 1, got {self.candidates}")


@dataclass(frozen=True)
class RetrievalResult:
    query_vector: np.ndarray
    language: str
    passages: list[RetrievedPassage]


class HybridRetriever:
    """Ranks the index's passages for a question."""

    def __init__(self, index: SearchIndex, embedder: Embedder, params: RetrievalParams | None = None) -> None:
        self.index = index
        self.embedder = embedder
        self.params = params or RetrievalParams()

    def search(self, query: str, top_k: int, *, language: str | None = None,
               query_vector: np.ndarray | None = None) -> RetrievalResult:
        if top_k < 1:
            raise ValueError(f"top_k must be >= 1, got {top_k}")
        params = self.params
        language = language or detect_language(query)
        if query_vector is None:
            query_vector = self.embedder.embed_query_vectors([query])[0]
        total = len(self.index.passages)
        depth = min(total, max(params.candidates, top_k))

        dense_ranks: dict[int, int] = {}
        if params.mode in ("hybrid", "dense") and total:
            _, ids = self.index.dense.search(np.asarray([query_vector], dtype=np.float32), depth)
            dense_ranks = {int(i): rank for rank, i in enumerate(ids[0], start=1) if i >= 0}

        bm25_ranks: dict[int, int] = {}
        if params.mode in ("hybrid", "bm25") and total:
            scores = self.index.bm25.scores(content_tokens(query))
            order = np.argsort(-scores, kind="stable")[:depth]
            bm25_ranks = {int(i): rank for rank, i in enumerate(order, start=1) if scores[i] > 0}

        bm25_weight = params.bm25_weight if params.mode == "bm25" else (
            params.bm25_weight * (1.0 if language == "ja" else params.cross_lingual_bm25_factor))
        fused: dict[int, float] = {}
        for i, rank in dense_ranks.items():
            fused[i] = fused.get(i, 0.0) + params.dense_weight / (params.rrf_k + rank)
        if bm25_weight > 0:
            for i, rank in bm25_ranks.items():
                fused[i] = fused.get(i, 0.0) + bm25_weight / (params.rrf_k + rank)
        ordered = sorted(fused.items(), key=lambda item: (-item[1], dense_ranks.get(item[0], 10**9)))[:top_k]
        return RetrievalResult(
            query_vector=np.asarray(query_vector, dtype=np.float32), language=language,
            passages=[RetrievedPassage(passage=self.index.passages[i], score=score,
                                       dense_rank=dense_ranks.get(i), bm25_rank=bm25_ranks.get(i))
                      for i, score in ordered])
