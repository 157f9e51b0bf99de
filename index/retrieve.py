"""Hybrid retrieval: dense (FAISS) and BM25, fused by weighted reciprocal rank in a language-aware way."""

from __future__ import annotations

from dataclasses import dataclass

import faiss
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
class RetrievalFilter:
    """Search only some documents: those named, and/or those of the given years (both must hold)."""

    documents: frozenset[str] | None = None
    years: frozenset[int] | None = None

    @classmethod
    def of(cls, documents: list[str] | None = None, years: list[int] | None = None) -> RetrievalFilter | None:
        """A filter, or None when nothing is restricted."""
        if not documents and not years:
            return None
        return cls(frozenset(documents) if documents else None, frozenset(years) if years else None)

    def problem(self, index: SearchIndex) -> tuple[str, str] | None:
        """(field, message) when the filter names a document or year the index does not hold."""
        unknown = sorted((self.documents or frozenset()) - set(index.documents))
        if unknown:
            return "documents", (f"unknown document{'s' if len(unknown) > 1 else ''} {', '.join(map(repr, unknown))}; "
                                 "GET /v1/documents lists them")
        years = {document.year for document in index.documents.values()}
        missing = sorted((self.years or frozenset()) - years)
        if missing:
            known = ", ".join(str(year) for year in sorted(y for y in years if y is not None)) or "none"
            return "years", f"no document of {', '.join(map(str, missing))}; the documents' years: {known}"
        return None

    def allowed_rows(self, index: SearchIndex) -> np.ndarray:
        """Rows of the index's passages that pass the filter."""
        return np.array([row for row, passage in enumerate(index.passages)
                         if (self.documents is None or passage.doc_id in self.documents)
                         and (self.years is None or index.documents[passage.doc_id].year in self.years)],
                        dtype=np.int64)


def search_dense(index: faiss.Index, query_vector: np.ndarray, depth: int, allowed: np.ndarray | None
                 ) -> np.ndarray:
    """Row ids of the nearest passages, only among `allowed` rows when given (FAISS skips the others)."""
    query = np.asarray([query_vector], dtype=np.float32)
    if allowed is None:
        return index.search(query, depth)[1][0]
    selector = faiss.IDSelectorBatch(allowed)
    hnsw = isinstance(index, faiss.IndexHNSW)
    params = faiss.SearchParametersHNSW(sel=selector) if hnsw else faiss.SearchParameters(sel=selector)
    return index.search(query, min(depth, len(allowed)), params=params)[1][0]


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
               query_vector: np.ndarray | None = None, filters: RetrievalFilter | None = None) -> RetrievalResult:
        if top_k < 1:
            raise ValueError(f"top_k must be >= 1, got {top_k}")
        params = self.params
        language = language or detect_language(query)
        if query_vector is None:
            query_vector = self.embedder.embed_query_vectors([query])[0]
        allowed = filters.allowed_rows(self.index) if filters is not None else None
        total = len(self.index.passages) if allowed is None else len(allowed)
        depth = min(total, max(params.candidates, top_k))

        dense_ranks: dict[int, int] = {}
        if params.mode in ("hybrid", "dense") and total:
            ids = search_dense(self.index.dense, query_vector, depth, allowed)
            dense_ranks = {int(i): rank for rank, i in enumerate(ids, start=1) if i >= 0}

        bm25_ranks: dict[int, int] = {}
        if params.mode in ("hybrid", "bm25") and total:
            scores = self.index.bm25.scores(content_tokens(query))
            if allowed is not None:
                mask = np.zeros(len(scores), dtype=bool)
                mask[allowed] = True
                scores = np.where(mask, scores, 0.0)
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
